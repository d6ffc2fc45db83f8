package schedule

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	"knead/internal/civil"
)

// How the engine works, and why it is fast and exact:
//
//   - Every instant is turned once into an int64 count of nanoseconds after
//     the local midnight that starts the window (offset). Nanoseconds, not
//     minutes, so input that is not minute-aligned (a visit ending at
//     10:00:30, a zone offset with seconds, a Step of 90s) needs no rounding
//     and stays exact. The inner loops do integer arithmetic only; time.Time
//     values are made again only for the slots returned.
//   - The candidate starts (the grid of every opening range of every open day
//     that passes notice and horizon) are listed once, in order, in cand. A
//     slot is then just an index into cand, and a set of slots is a bitmap.
//   - Each existing visit forbids the starts in one open interval (lo, hi):
//     the union of "new visit plus buffers overlaps its core" and "new visit
//     overlaps its core plus buffers" (see block). lowerBound turns (lo, hi)
//     into an index range through a bucket table, and the range is cleared
//     from the resource's bitmap: a few word operations per visit, whatever
//     its length, with no sorting of the unsorted, overlapping busy lists.
//   - Shifts, time off and licence expiry build each therapist's bitmap the
//     same way; rooms and counted equipment likewise; the answer is a few
//     AND/OR passes over bitmaps of (candidates/64) words.
//
// Local clock times become instants as civil.Date.In defines them. On an
// ordinary day that is local midnight plus the clock time; days within two
// days of a zone transition (and days whose midnight is not 00:00:00 local)
// are marked non-linear and call civil.Date.In for every clock time, so
// daylight-saving days get exactly time.Date's answer (see prepareDays).
// Each day is the span of instants whose local date it is: 24:00 is the
// first instant of the next date, and a clock time that time.Date moves out
// of the day (where midnight itself is skipped, as in America/Santiago, it
// moves 00:00 back to 23:00 of the day before) is clamped to the day's span.
// So every start belongs to its own local date, none is listed twice, and
// Check need look at one day only.

const (
	maxDays       = 400     // longest accepted From..To, in local dates
	maxCandidates = 1 << 22 // bounds memory for absurd grids (a 1s Step over months)
	dayNs         = int64(24 * time.Hour)
	minuteNs      = int64(time.Minute)
	// maxOffsetSec keeps (seconds * 1e9 + nanoseconds) inside int64; any
	// instant further than ~285 years from the window saturates, which keeps
	// it on the same side of every candidate.
	maxOffsetSec = 9_000_000_000
)

// Find returns every free slot of the local dates req.From..req.To, in start
// order. It never reads the clock; req.Now is the present. A request it
// cannot answer (see validate) is an error, never a panic.
func Find(req *Request) ([]Slot, error) {
	var out []Slot
	err := find(req, func(e *engine) {
		out = e.slots()
	})
	if out == nil && err == nil {
		out = []Slot{}
	}
	return out, err
}

// CompactSlot is a free slot without pointers: instants as Unix nanoseconds
// and the therapist and room as indexes into Request.Therapists and
// Request.Rooms (Room -1 when rooms are not modelled). A month of slots is
// then one small allocation the garbage collector never scans; on this
// project's VM, returning 870 slots as []Slot costs more than finding them.
type CompactSlot struct {
	Start, End      int64
	Therapist, Room int32
}

// StartTime returns the start in zone.
func (s CompactSlot) StartTime(zone *time.Location) time.Time { return time.Unix(0, s.Start).In(zone) }

// EndTime returns the end in zone.
func (s CompactSlot) EndTime(zone *time.Location) time.Time { return time.Unix(0, s.End).In(zone) }

// FindCompact is Find with compact results: the same slots, in the same
// order, with the same therapist and room.
func FindCompact(req *Request) ([]CompactSlot, error) {
	if req != nil && (req.From.Year < 1700 || req.To.Year > 2200) {
		return nil, errors.New("schedule: compact slots cover the years 1700 to 2200 (Unix nanoseconds)")
	}
	var out []CompactSlot
	err := find(req, func(e *engine) {
		out = e.compactSlots()
	})
	if out == nil && err == nil {
		out = []CompactSlot{}
	}
	return out, err
}

// find validates req, evaluates it and hands the engine to collect.
func find(req *Request, collect func(e *engine)) error {
	if err := validate(req, true); err != nil {
		return err
	}
	e := enginePool.Get().(*engine)
	defer e.release()
	nd := req.From.DaysUntil(req.To) + 1
	if err := e.prepare(req, req.From, nd); err != nil {
		return err
	}
	if len(e.cand) == 0 {
		return nil
	}
	e.evaluate()
	collect(e)
	return nil
}

// Check reports whether start is a free slot, and which therapist and room it
// would take, using the same code as Find restricted to the local day that
// contains start. req.From and req.To are ignored (so a day outside them is
// checked as Find would list it): the booking path passes the start it was
// shown. A start off the grid, or an invalid request, is not free.
func Check(req *Request, start time.Time) (Slot, bool) {
	if validate(req, false) != nil {
		return Slot{}, false
	}
	day := civil.DateOf(start.In(req.Zone))
	if !validDate(day) {
		return Slot{}, false
	}
	e := enginePool.Get().(*engine)
	defer e.release()
	if e.prepare(req, day, 1) != nil || len(e.cand) == 0 {
		return Slot{}, false
	}
	off := e.off(start)
	j, found := slices.BinarySearch(e.cand, off)
	if !found {
		return Slot{}, false
	}
	e.evaluate()
	if !hasBit(e.mask, j) {
		return Slot{}, false
	}
	d := e.dayOfCandidate(j)
	e.pickOrder(d)
	var slot Slot
	e.fillSlot(&slot, j)
	return slot, true
}

// validate rejects what the engine cannot answer: a missing zone, a step or
// duration that is not positive, negative buffers, notice or horizon, and
// (when dates is set) From/To that are not dates of years 1-9999, in the
// wrong order or more than maxDays apart, and opening or shift ranges that
// are not civil.Range.Valid.
func validate(req *Request, dates bool) error {
	switch {
	case req == nil:
		return errors.New("schedule: nil request")
	case req.Zone == nil:
		return errors.New("schedule: request has no time zone")
	case req.Step <= 0:
		return fmt.Errorf("schedule: step %v must be positive", req.Step)
	case req.Duration <= 0:
		return fmt.Errorf("schedule: duration %v must be positive", req.Duration)
	case req.BufferBefore < 0 || req.BufferAfter < 0:
		return fmt.Errorf("schedule: buffers %v/%v must not be negative", req.BufferBefore, req.BufferAfter)
	case req.Notice < 0:
		return fmt.Errorf("schedule: notice %v must not be negative", req.Notice)
	case req.HorizonDays < 0:
		return fmt.Errorf("schedule: horizon of %d days must not be negative", req.HorizonDays)
	}
	if dates {
		switch {
		case !validDate(req.From):
			return fmt.Errorf("schedule: from date %v is not a calendar date in years 1-9999", req.From)
		case !validDate(req.To):
			return fmt.Errorf("schedule: to date %v is not a calendar date in years 1-9999", req.To)
		case req.To.Before(req.From):
			return fmt.Errorf("schedule: to date %v is before from date %v", req.To, req.From)
		case req.From.DaysUntil(req.To)+1 > maxDays:
			return fmt.Errorf("schedule: %v to %v is longer than %d days", req.From, req.To, maxDays)
		}
	}
	if d, r, ok := validWeekly(&req.Hours); !ok {
		return fmt.Errorf("schedule: opening hours on %s: %d-%d is not a range of minutes within one day",
			civil.WeekdayKey(d), int(r.Start), int(r.End))
	}
	for i := range req.Therapists {
		if d, r, ok := validWeekly(&req.Therapists[i].Shifts); !ok {
			return fmt.Errorf("schedule: shifts of therapist %q on %s: %d-%d is not a range of minutes within one day",
				req.Therapists[i].ID, civil.WeekdayKey(d), int(r.Start), int(r.End))
		}
	}
	return nil
}

// validWeekly returns the first range that is not Valid, if any.
func validWeekly(w *civil.Weekly) (time.Weekday, civil.Range, bool) {
	for d, rs := range w {
		for _, r := range rs {
			if !r.Valid() {
				return time.Weekday(d), r, false
			}
		}
	}
	return 0, civil.Range{}, true
}

// dayInfo is one local date of the window. start is the offset of
// civil.Date.In(zone, 00:00); bound is the first instant whose local date is
// date (they differ only when 00:00 is skipped and time.Date moves it back
// into the day before); first is the index in cand of its first candidate.
// The slice has one extra sentinel day.
type dayInfo struct {
	date   civil.Date
	wd     time.Weekday
	start  int64
	bound  int64
	first  int
	linear bool // start == bound, and clock c is start + c minutes for every c in [0, 1440)
}

// engine holds one call's working memory; engines are pooled so that a
// steady stream of calls allocates little more than the result.
type engine struct {
	req         *Request
	zone        *time.Location
	base        time.Time // instant of offset 0: local midnight of the first day
	baseSec     int64
	baseNs      int64
	dur, bb, ba int64
	step        int64

	days  []dayInfo
	cand  []int64 // candidate start offsets, strictly increasing
	tab   []int32 // tab[b]: first candidate >= cand[0] + b<<shift
	shift uint

	words int      // words per bitmap
	store []uint64 // backing array of every bitmap below
	mask  []uint64 // slots still possible
	ther  []uint64 // therapist t: ther[t*words:(t+1)*words]
	rooms []uint64
	tmp   []uint64
	diff  []int32  // equipment counts
	count []int32  // visits starting per day per therapist: count[day*nt+t]
	order []uint64 // one day's "any therapist" order: visits<<32 | therapist
}

var enginePool = sync.Pool{New: func() any { return new(engine) }}

func (e *engine) release() {
	e.req, e.zone = nil, nil
	if cap(e.store) > 1<<20 || cap(e.cand) > 1<<20 || cap(e.tab) > 1<<21 {
		*e = engine{} // do not keep the memory of one huge query (8 MB and up)
	}
	enginePool.Put(e)
}

// prepare lists the days and the candidate starts of nd days from first.
func (e *engine) prepare(req *Request, first civil.Date, nd int) error {
	e.req, e.zone = req, req.Zone
	e.base = first.In(req.Zone, 0)
	e.baseSec, e.baseNs = e.base.Unix(), int64(e.base.Nanosecond())
	e.dur, e.bb, e.ba, e.step = int64(req.Duration), int64(req.BufferBefore), int64(req.BufferAfter), int64(req.Step)
	e.prepareDays(first, nd)

	if tooManyCandidates(req, first, nd) {
		return fmt.Errorf("schedule: more than %d candidate starts; use a coarser step or a shorter range", maxCandidates)
	}
	earliest := e.off(req.Now.Add(req.Notice))
	nowDay := dayNumber(civil.DateOf(req.Now.In(req.Zone)))
	e.cand = e.cand[:0]
	i := 0
	for ; i < nd; i++ {
		d := &e.days[i]
		d.first = len(e.cand)
		if req.HorizonDays > 0 && dayNumber(d.date)-nowDay > int64(req.HorizonDays) {
			break // every later day is beyond the horizon too
		}
		if e.days[i+1].bound <= earliest || e.closed(d.date) {
			continue
		}
		if err := e.gridOfDay(i, earliest); err != nil {
			return err
		}
	}
	for ; i <= nd; i++ {
		e.days[i].first = len(e.cand)
	}
	e.tab = e.tab[:0] // built on first use: a query without visits needs none
	return nil
}

// prepareDays fills e.days. A day is linear when one zone period covers it
// and two days either side: then every local clock time of the day exists
// once and time.Date resolves it to midnight plus the clock (its lookup lands
// in that period, whatever the offset). Other days resolve each clock with
// civil.Date.In. Zone periods are looked up once per period, not per day.
func (e *engine) prepareDays(d civil.Date, nd int) {
	e.days = e.days[:0]
	var cur int64
	ps, pe := int64(1), int64(0) // no period known yet
	known := false               // cur is a known local midnight
	for i := 0; i <= nd; i++ {
		var t time.Time
		midnight := known
		bound := cur
		if !known {
			t = d.In(e.zone, 0)
			cur = e.off(t)
			bound = e.firstInstant(d, cur)
			h, m, s := t.Clock()
			midnight = h == 0 && m == 0 && s == 0 && t.Nanosecond() == 0 && bound == cur
		}
		lin := false
		if midnight && i < nd {
			if !(ps <= cur-2*dayNs && cur+3*dayNs < pe) {
				if known {
					t = e.base.Add(time.Duration(cur))
				}
				ps, pe = e.zoneBounds(t)
			}
			lin = ps <= cur-2*dayNs && cur+3*dayNs < pe
		}
		e.days = append(e.days, dayInfo{date: d, wd: weekday(d), start: cur, bound: bound, linear: lin})
		d = nextDate(d)
		known = lin
		if lin {
			cur += dayNs
		}
	}
}

// firstInstant returns the offset of the first instant of local date d,
// given x, the offset of civil.Date.In(d, 00:00). Usually that is x itself;
// where 00:00 is skipped or repeated, a binary search over the dates of the
// instants two days around x finds where d begins.
func (e *engine) firstInstant(d civil.Date, x int64) int64 {
	date := func(x int64) civil.Date { return civil.DateOf(e.base.Add(time.Duration(x))) } // base is in e.zone
	if date(x) == d && date(x-1).Before(d) {
		return x
	}
	lo, hi := x-2*dayNs, x+2*dayNs // date(lo) < d <= date(hi)
	for hi-lo > 1 {
		m := lo + (hi-lo)/2
		if date(m).Before(d) {
			lo = m
		} else {
			hi = m
		}
	}
	return hi
}

func (e *engine) zoneBounds(t time.Time) (int64, int64) {
	s, en := t.ZoneBounds()
	ps, pe := int64(math.MinInt64), int64(math.MaxInt64)
	if !s.IsZero() {
		ps = e.off(s)
	}
	if !en.IsZero() {
		pe = e.off(en)
	}
	return ps, pe
}

// clockOff is the offset of clock c (0..1440) on day i: civil.Date.In,
// clamped to the day's own instants; 24:00 is the next date's first instant.
func (e *engine) clockOff(i int, c civil.Clock) int64 {
	d := &e.days[i]
	switch {
	case c == 1440:
		return e.days[i+1].bound
	case d.linear:
		return d.start + int64(c)*minuteNs
	}
	return min(max(e.off(d.date.In(e.zone, c)), d.bound), e.days[i+1].bound)
}

// tooManyCandidates bounds the grid before any memory is taken for it: per
// opening range (minutes, plus an hour for a daylight-saving day) / Step + 1.
func tooManyCandidates(req *Request, first civil.Date, nd int) bool {
	var perWeekday [7]int64
	for d, rs := range req.Hours {
		for _, r := range rs {
			perWeekday[d] += (int64(r.End-r.Start)+60)*minuteNs/int64(req.Step) + 1
		}
	}
	total := int64(0)
	wd := weekday(first)
	for range nd {
		total += perWeekday[wd]
		wd = (wd + 1) % 7
	}
	return total > maxCandidates
}

func (e *engine) closed(d civil.Date) bool {
	for _, c := range e.req.Closures {
		if !d.Before(c.From) && !d.After(c.To) {
			return true
		}
	}
	return false
}

// gridOfDay appends day i's candidates: for each opening range, every Step
// from its start (in absolute time) whose visit ends inside that range, and
// not before earliest (now plus notice).
func (e *engine) gridOfDay(i int, earliest int64) error {
	from := len(e.cand)
	ranges := e.req.Hours[e.days[i].wd]
	for _, r := range ranges {
		s0, e0 := e.clockOff(i, r.Start), e.clockOff(i, r.End)
		last := e0 - e.dur
		if last < s0 || last < earliest {
			continue
		}
		s := s0
		if earliest > s0 {
			s += (earliest - s0 + e.step - 1) / e.step * e.step
		}
		if int64(len(e.cand))+(last-s)/e.step >= maxCandidates {
			return fmt.Errorf("schedule: more than %d candidate starts; use a coarser step or a shorter range", maxCandidates)
		}
		for ; s <= last; s += e.step {
			e.cand = append(e.cand, s)
		}
	}
	day := e.cand[from:]
	if len(ranges) > 1 && !slices.IsSorted(day) {
		slices.Sort(day)
	}
	// Drop duplicates (overlapping ranges on one grid). Days do not overlap,
	// so this also keeps cand increasing across days.
	w := from
	for _, s := range day {
		if w > 0 && s <= e.cand[w-1] {
			continue
		}
		e.cand[w] = s
		w++
	}
	e.cand = e.cand[:w]
	return nil
}

// buildTable builds the bucket table behind lowerBound. Buckets are a power
// of two nanoseconds wide, at most Step (so one opening range puts at most one
// candidate in a bucket), widened while the table would exceed 2 entries per
// candidate: building it costs more than a short scan in a wider bucket.
func (e *engine) buildTable() {
	c0, cN := e.cand[0], e.cand[len(e.cand)-1]
	shift := uint(0)
	for int64(1)<<(shift+1) <= e.step && shift < 62 {
		shift++
	}
	for (cN-c0)>>shift > int64(2*len(e.cand)+64) {
		shift++
	}
	nb := int((cN-c0)>>shift) + 1
	e.shift = shift
	e.tab = slices.Grow(e.tab[:0], nb+1)[:nb+1]
	// Bucket b's entry is the first candidate at or after the bucket's
	// start: walking the candidates in order, each takes the buckets not yet
	// taken up to its own (whose starts are all at or before it).
	next := 0
	for j, c := range e.cand {
		for own := int((c - c0) >> shift); next <= own; next++ {
			e.tab[next] = int32(j)
		}
	}
	e.tab[nb] = int32(len(e.cand))
}

// lowerBound returns the index of the first candidate >= x.
func (e *engine) lowerBound(x int64) int {
	if len(e.tab) == 0 {
		e.buildTable()
	}
	c0 := e.cand[0]
	if x <= c0 {
		return 0
	}
	b := uint64(x-c0) >> e.shift
	if b >= uint64(len(e.tab)-1) {
		return len(e.cand)
	}
	j, k := int(e.tab[b]), int(e.tab[b+1])
	for k-j > 8 { // only in widened buckets
		h := int(uint(j+k) >> 1)
		if e.cand[h] < x {
			j = h + 1
		} else {
			k = h
		}
	}
	for j < k && e.cand[j] < x {
		j++
	}
	return j
}

// off converts an instant to a saturating nanosecond offset from e.base.
func (e *engine) off(t time.Time) int64 {
	u := t.Unix()
	if u > e.baseSec+maxOffsetSec {
		return math.MaxInt64
	}
	if u < e.baseSec-maxOffsetSec {
		return math.MinInt64
	}
	return (u-e.baseSec)*int64(time.Second) + int64(t.Nanosecond()) - e.baseNs
}

// dayOf returns the index of the local date of offset x, or -1 outside.
func (e *engine) dayOf(x int64) int {
	nd := len(e.days) - 1
	if x < e.days[0].bound || x >= e.days[nd].bound {
		return -1
	}
	i := max(min(int(x/dayNs), nd-1), 0)
	for e.days[i].bound > x {
		i--
	}
	for e.days[i+1].bound <= x {
		i++
	}
	return i
}

func (e *engine) dayOfCandidate(j int) int {
	i := 0
	for e.days[i+1].first <= j {
		i++
	}
	return i
}
