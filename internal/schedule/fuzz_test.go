package schedule

import (
	"hash/fnv"
	"math/rand/v2"
	"testing"
	"time"

	"knead/internal/civil"
)

// fuzzZones have daylight-saving changes at 02:00 (Toronto), 01:00 UTC
// (Berlin), at midnight (Santiago, Havana), by 30 minutes (Lord Howe),
// "negative" summer time (Dublin), and offsets that are not whole hours.
var fuzzZones = []string{
	"UTC", "America/Toronto", "Europe/Berlin", "America/Santiago", "America/Havana",
	"Australia/Lord_Howe", "Europe/Dublin", "Asia/Kathmandu", "Pacific/Chatham", "America/St_Johns",
}

// fuzzAnchors are dates near the 2027 changes of those zones (and a year end).
var fuzzAnchors = []civil.Date{
	{Year: 2027, Month: 3, Day: 13}, {Year: 2027, Month: 3, Day: 27}, {Year: 2027, Month: 4, Day: 3},
	{Year: 2027, Month: 9, Day: 4}, {Year: 2027, Month: 9, Day: 25}, {Year: 2027, Month: 10, Day: 2},
	{Year: 2027, Month: 10, Day: 30}, {Year: 2027, Month: 11, Day: 6}, {Year: 2027, Month: 1, Day: 4},
	{Year: 2027, Month: 12, Day: 31},
}

// fuzzSource reads choices from the fuzz input and, once it runs out, from a
// PRNG seeded with the input, so that short inputs still build rich requests.
type fuzzSource struct {
	data []byte
	rng  *rand.Rand
}

func newFuzzSource(data []byte) *fuzzSource {
	h := fnv.New64a()
	h.Write(data)
	return &fuzzSource{data: data, rng: rand.New(rand.NewPCG(h.Sum64(), uint64(len(data))))}
}

// n returns a choice in [0, k).
func (s *fuzzSource) n(k int) int {
	if len(s.data) > 0 {
		v := int(s.data[0])
		s.data = s.data[1:]
		return v % k
	}
	return s.rng.IntN(k)
}

func (s *fuzzSource) pick(ds ...time.Duration) time.Duration { return ds[s.n(len(ds))] }

// weekly returns up to three random ranges per weekday (sometimes all day,
// sometimes overlapping or touching), on a 30-minute or odd 5-minute grid.
func (s *fuzzSource) weekly() civil.Weekly {
	var w civil.Weekly
	for d := range w {
		for range s.n(3) + s.n(2) {
			if s.n(6) == 0 {
				w[d] = append(w[d], civil.Range{Start: 0, End: 1440})
				continue
			}
			unit := civil.Clock(30)
			if s.n(4) == 0 {
				unit = 5
			}
			start := civil.Clock(s.n(int(1440/unit))) * unit
			end := min(start+civil.Clock(1+s.n(int(720/unit)))*unit, 1440)
			w[d] = append(w[d], civil.Range{Start: start, End: end})
		}
	}
	return w
}

// instant returns a time near the window, usually on a 5-minute grid,
// sometimes with stray seconds or nanoseconds, rarely absurdly far away.
func (s *fuzzSource) instant(from time.Time, days int) time.Time {
	switch s.n(40) {
	case 0:
		return time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	case 1:
		return time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)
	}
	t := from.Add(time.Duration(s.n((days+2)*288)-288) * 5 * time.Minute)
	switch s.n(8) {
	case 0:
		t = t.Add(time.Duration(s.n(60)) * time.Second)
	case 1:
		t = t.Add(time.Duration(s.n(3) - 1))
	}
	return t
}

func (s *fuzzSource) busy(from time.Time, days int) []Busy {
	out := make([]Busy, s.n(7))
	for i := range out {
		st := s.instant(from, days)
		out[i] = Busy{
			Start:  st,
			End:    st.Add(time.Duration(s.n(9)-1) * 15 * time.Minute),
			Before: s.pick(0, 0, 10*time.Minute, 30*time.Minute, -5*time.Minute, 90*time.Second, 200*365*24*time.Hour),
			After:  s.pick(0, 0, 15*time.Minute, 45*time.Minute, -5*time.Minute),
		}
	}
	return out
}

// fuzzRequest builds a small valid request from the fuzz input.
func fuzzRequest(data []byte) *Request {
	s := newFuzzSource(data)
	zone, err := time.LoadLocation(fuzzZones[s.n(len(fuzzZones))])
	if err != nil {
		panic(err)
	}
	from := fuzzAnchors[s.n(len(fuzzAnchors))].AddDays(s.n(4))
	days := 1 + s.n(4)
	fromT := from.In(zone, 0)
	req := &Request{
		Zone: zone, From: from, To: from.AddDays(days - 1),
		Now:          fromT.Add(time.Duration(s.n(5*48)-48) * 30 * time.Minute),
		Duration:     s.pick(15*time.Minute, 30*time.Minute, 45*time.Minute, 60*time.Minute, 90*time.Minute, 50*time.Minute, 150*time.Minute, 30*time.Minute+30*time.Second),
		Step:         s.pick(5*time.Minute, 10*time.Minute, 15*time.Minute, 20*time.Minute, 30*time.Minute, 45*time.Minute, 60*time.Minute, 7*time.Minute, 90*time.Second, 25*time.Minute),
		BufferBefore: s.pick(0, 0, 5*time.Minute, 15*time.Minute, 30*time.Minute, 45*time.Second),
		BufferAfter:  s.pick(0, 0, 10*time.Minute, 15*time.Minute, 60*time.Minute),
		Notice:       time.Duration(s.n(5)) * 45 * time.Minute,
		HorizonDays:  s.n(5),
		Hours:        s.weekly(),
	}
	if s.n(3) == 0 {
		req.Now = req.Now.Add(time.Duration(s.n(120)) * time.Second)
	}
	if s.n(4) == 0 {
		c := from.AddDays(s.n(5) - 1)
		req.Closures = append(req.Closures, DateRange{From: c, To: c.AddDays(s.n(3) - 1)})
	}
	for i := range 1 + s.n(3) {
		th := Therapist{ID: string(rune('a' + i)), Busy: s.busy(fromT, days)}
		if s.n(3) == 0 {
			th.Shifts = req.Hours
		} else {
			th.Shifts = s.weekly()
		}
		for range s.n(3) {
			st := s.instant(fromT, days)
			th.TimeOff = append(th.TimeOff, Interval{Start: st, End: st.Add(time.Duration(s.n(12)) * 30 * time.Minute)})
		}
		if s.n(4) == 0 {
			th.ValidThrough = from.AddDays(s.n(5) - 1)
		}
		req.Therapists = append(req.Therapists, th)
	}
	for i := range s.n(3) {
		req.Rooms = append(req.Rooms, Room{ID: string(rune('A' + i)), Busy: s.busy(fromT, days)})
	}
	for range s.n(3) {
		req.Equipment = append(req.Equipment, Equipment{Kind: "heater", Count: s.n(4), Busy: s.busy(fromT, days)})
	}
	req.AllTherapists = s.n(4) == 0
	return req
}

// checkAgainstReference compares Find with the reference and checks that
// Check agrees with Find on every grid start of every day and on starts
// just off the grid.
func checkAgainstReference(t *testing.T, req *Request) {
	t.Helper()
	got, err := Find(req)
	if err != nil {
		t.Fatalf("Find: %v", err)
	}
	want := refFind(req)
	if !sameSlots(got, want) {
		t.Fatalf("Find and the reference differ: %s", diffSlots(got, want))
	}
	checkCompact(t, req, got)
	listed := make(map[int64]Slot, len(got))
	for i, s := range got {
		if i > 0 && !s.Start.After(got[i-1].Start) {
			t.Fatalf("slots not in strictly increasing order at %d", i)
		}
		listed[s.Start.UnixNano()] = s
	}
	for _, s := range got {
		if c, ok := Check(req, s.Start); !ok || !sameSlot(c, s) {
			t.Fatalf("Check(%s) = %s, %v; Find listed %s", s.Start, fmtSlot(c), ok, fmtSlot(s))
		}
	}
	// Other grid starts and starts just off the grid, sampled to keep each
	// fuzz input fast. Instants in [first, end) can only be candidates of
	// the window's days.
	first, end := refDayStart(req.Zone, req.From), refDayStart(req.Zone, req.To.AddDays(1))
	var starts []time.Time
	for d := req.From; !d.After(req.To); d = d.AddDays(1) {
		starts = append(starts, refStarts(req, d)...)
	}
	stride := max(1, len(starts)/50)
	for k := 0; k < len(starts); k += stride {
		start := starts[k]
		c, ok := Check(req, start)
		s, inFind := listed[start.UnixNano()]
		if ok != inFind || (ok && !sameSlot(c, s)) {
			t.Fatalf("Check(%s) = %s, %v; Find listed %v %s", start, fmtSlot(c), ok, inFind, fmtSlot(s))
		}
		for _, nudge := range []time.Duration{1, -time.Second, req.Step / 2} {
			x := start.Add(nudge)
			if x.Before(first) || !x.Before(end) {
				continue // Check looks at x's own day, which Find did not list
			}
			_, ok := Check(req, x)
			if _, inFind := listed[x.UnixNano()]; ok != inFind {
				t.Fatalf("Check(%s) = %v, Find listed it: %v", x, ok, inFind)
			}
		}
	}
}

func FuzzFind(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{1, 0, 2, 0, 3, 1, 4, 2})
	f.Add([]byte("toronto spring forward"))
	f.Add([]byte{1, 0, 0, 3, 2, 3, 0, 0, 0, 0, 0, 5, 2, 1, 0})
	f.Add([]byte{2, 6, 1, 2, 4, 2, 0, 1, 3, 0, 0, 0, 2, 2, 0})
	f.Add([]byte{3, 3, 0, 0, 1, 1, 2, 1, 1, 1, 1, 4, 3})
	f.Add([]byte{4, 7, 2, 3, 2, 8, 1, 1, 4, 0, 0})
	f.Add([]byte{5, 1, 1, 1, 5, 6, 3, 2, 0, 0, 2, 2, 2, 2})
	f.Add([]byte{6, 4, 3, 0, 0, 4, 5, 0, 1, 0})
	f.Add([]byte{7, 2, 0, 2, 3, 0, 9, 3, 0})
	f.Add([]byte{8, 5, 3, 1, 1, 2, 2, 2})
	f.Add([]byte{9, 6, 0, 0, 0, 9, 7, 4, 1, 1})
	f.Add(make([]byte, 300))
	f.Fuzz(fuzzOne)
}

// fuzzOne builds a request from data and checks Find and Check against the
// reference. The last byte, if any, may push the request to an extreme or
// make it invalid: Find must then answer (or refuse) without panic.
func fuzzOne(t *testing.T, data []byte) {
	req := fuzzRequest(data)
	if len(data) == 0 {
		checkAgainstReference(t, req)
		return
	}
	switch mangle(req, data[len(data)-1]) {
	case invalidRequest:
		if _, ok := Check(req, req.Now); ok {
			t.Fatal("Check accepted a slot of an invalid request")
		}
		fallthrough
	case invalidDates: // Check ignores From and To
		if got, err := Find(req); err == nil {
			t.Fatalf("Find accepted an invalid request: %d slots", len(got))
		}
	default:
		checkAgainstReference(t, req)
	}
}

const (
	validRequest = iota
	invalidRequest
	invalidDates
)

// mangle changes one field of req to an absurd but valid value or to an
// invalid one, and says which; most bytes change nothing.
func mangle(req *Request, b byte) int {
	const century = 100 * 365 * 24 * time.Hour
	switch b % 32 {
	case 0:
		req.Duration = 30 * 24 * time.Hour
	case 1:
		req.Notice = 2 * century
	case 2:
		req.Now = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	case 3:
		req.Now = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
	case 4:
		req.HorizonDays = 1 << 40
	case 5:
		req.BufferBefore, req.BufferAfter = 2*century, century
	case 6:
		req.Closures = append(req.Closures, DateRange{From: req.To, To: req.From.AddDays(-1)})
	case 7:
		if len(req.Equipment) > 0 {
			req.Equipment[0].Count = -1
		}
	case 8:
		req.Therapists[0].ValidThrough = civil.Date{Year: 9999, Month: 12, Day: 31}
	case 9:
		req.Therapists[0].Busy = append(req.Therapists[0].Busy, Busy{
			Start: time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), End: time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC),
			Before: -century, After: -2 * century})
	case 10:
		req.Step = 0
		return invalidRequest
	case 11:
		req.Duration = -time.Minute
		return invalidRequest
	case 12:
		req.Zone = nil
		return invalidRequest
	case 13:
		req.To = req.From.AddDays(-1)
		return invalidDates
	case 14:
		req.Hours[time.Monday] = append(req.Hours[time.Monday], civil.Range{Start: 600, End: 1441})
		return invalidRequest
	case 15:
		req.Therapists[0].Shifts[time.Sunday] = append(req.Therapists[0].Shifts[time.Sunday], civil.Range{Start: -1, End: 60})
		return invalidRequest
	case 16:
		req.From, req.To = civil.Date{Year: 2027, Month: 13, Day: 1}, civil.Date{Year: 2027, Month: 13, Day: 2}
		return invalidDates
	case 17:
		req.Notice = -time.Second
		return invalidRequest
	}
	return validRequest
}

// TestFindManyRandomRequests runs the fuzz comparison over many seeded
// requests under plain go test, beyond the handful of f.Add seeds.
func TestFindManyRandomRequests(t *testing.T) {
	n := 2000
	if testing.Short() {
		n = 200
	}
	for i := range n {
		data := []byte{byte(i), byte(i >> 8), byte(i % len(fuzzZones)), byte(i*7 + 3)}
		t.Run("", func(t *testing.T) { fuzzOne(t, data) })
		if t.Failed() {
			t.Fatalf("input %v", data)
		}
	}
}

// checkCompact requires FindCompact to give exactly Find's slots.
func checkCompact(t *testing.T, req *Request, want []Slot) {
	t.Helper()
	got, err := FindCompact(req)
	if req.From.Year < 1700 || req.To.Year > 2200 {
		if err == nil {
			t.Fatalf("FindCompact accepted a window in %d", req.From.Year)
		}
		return
	}
	if err != nil {
		t.Fatalf("FindCompact: %v", err)
	}
	if len(got) != len(want) {
		t.Fatalf("FindCompact gave %d slots, Find %d", len(got), len(want))
	}
	for i, c := range got {
		w := want[i]
		room := ""
		if c.Room >= 0 {
			room = req.Rooms[c.Room].ID
		}
		if !c.StartTime(req.Zone).Equal(w.Start) || !c.EndTime(req.Zone).Equal(w.End) ||
			req.Therapists[c.Therapist].ID != w.TherapistID || room != w.RoomID {
			t.Fatalf("slot %d: compact %+v (therapist %s, room %q), Find %s", i, c, req.Therapists[c.Therapist].ID, room, fmtSlot(w))
		}
	}
}
