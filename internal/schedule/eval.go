package schedule

import (
	"math"
	"slices"
	"time"
)

// shiftCacheSize is how many distinct (shifts, licence expiry) masks one
// call remembers: therapists of one clinic mostly share a few shift patterns,
// so their masks are copied instead of rebuilt.
const shiftCacheSize = 4

type shiftEntry struct {
	t      int // therapist whose Shifts built bits
	cutoff int // first candidate index after the licence expiry
	bits   []uint64
}

// evaluate computes e.mask, the candidates that are free slots, and leaves
// each therapist's and room's free bitmap behind for slots to pick from.
func (e *engine) evaluate() {
	req := e.req
	n := len(e.cand)
	w := (n + 63) / 64
	nt, nr := len(req.Therapists), len(req.Rooms)
	e.words = w
	need := (2 + nt + nr + shiftCacheSize) * w
	e.store = slices.Grow(e.store[:0], need)[:need]
	st := e.store
	e.mask, st = st[:w:w], st[w:]
	e.tmp, st = st[:w:w], st[w:]
	e.ther, st = st[:nt*w:nt*w], st[nt*w:]
	e.rooms, st = st[:nr*w:nr*w], st[nr*w:]
	setAll(e.mask, n)

	if !e.equipment() || nt == 0 {
		clear(e.mask)
		return
	}
	if nr > 0 {
		clear(e.tmp)
		for r := range req.Rooms {
			bm := e.rooms[r*w : (r+1)*w]
			setAll(bm, n)
			e.clearBusy(bm, req.Rooms[r].Busy)
			orInto(e.tmp, bm)
		}
		andInto(e.mask, e.tmp)
	}
	if isZero(e.mask) {
		return
	}
	e.therapists(st)
}

// equipment clears the starts where some needed kind has no piece left; it
// reports false when a kind has none at all.
func (e *engine) equipment() bool {
	n := len(e.cand)
	for k := range e.req.Equipment {
		eq := &e.req.Equipment[k]
		switch {
		case eq.Count <= 0:
			return false
		case eq.Count == 1: // one piece: any holder blocks, as for a room
			e.clearBusy(e.mask, eq.Busy)
			continue
		}
		// Count the holders of each start with a difference array.
		e.diff = slices.Grow(e.diff[:0], n+1)[:n+1]
		clear(e.diff)
		for i := range eq.Busy {
			if a, z, _ := e.block(&eq.Busy[i]); a < z {
				e.diff[a]++
				e.diff[z]--
			}
		}
		run := int32(0)
		for j := 0; j < n; j++ {
			run += e.diff[j]
			if int(run) >= eq.Count {
				e.mask[j>>6] &^= 1 << (j & 63)
			}
		}
	}
	return true
}

// therapists builds each therapist's free bitmap (shifts, licence, time
// off, visits) and combines them into e.mask: any one free, or all free.
func (e *engine) therapists(scratch []uint64) {
	req := e.req
	w, nd := e.words, len(e.days)-1
	nt := len(req.Therapists)
	counting := !req.AllTherapists && nt > 1
	if counting {
		e.count = slices.Grow(e.count[:0], nt*nd)[:nt*nd]
		clear(e.count)
	}
	var cache [shiftCacheSize]shiftEntry
	cached := 0
	clear(e.tmp)
	for t := range req.Therapists {
		th := &req.Therapists[t]
		bm := e.ther[t*w : (t+1)*w]
		cutoff := e.cutoff(th)
		hit := false
		for c := 0; c < cached && !hit; c++ {
			if cache[c].cutoff == cutoff && sameWeekly(&req.Therapists[cache[c].t], th) {
				copy(bm, cache[c].bits)
				hit = true
			}
		}
		if !hit {
			e.shiftMask(th, cutoff, bm)
			if cached < shiftCacheSize {
				bits := scratch[cached*w : (cached+1)*w]
				copy(bits, bm)
				cache[cached] = shiftEntry{t: t, cutoff: cutoff, bits: bits}
				cached++
			}
		}
		// Only starts still possible (equipment, rooms, earlier therapists
		// for "all") matter; a therapist with none left is never picked, so
		// its visits need no work at all.
		andInto(bm, e.mask)
		if isZero(bm) {
			if req.AllTherapists {
				clear(e.mask)
				return
			}
			continue
		}
		for i := range th.TimeOff {
			iv := &th.TimeOff[i]
			s, en := e.off(iv.Start), e.off(iv.End)
			if en > s { // the visit [x, x+dur) overlaps [s, en) iff s-dur < x < en
				clearRange(bm, e.lowerBound(addSat(subSat(s, e.dur), 1)), e.lowerBound(en))
			}
		}
		for i := range th.Busy {
			a, z, s := e.block(&th.Busy[i])
			clearRange(bm, a, z)
			if counting {
				if d := e.dayOf(s); d >= 0 {
					e.count[d*nt+t]++
				}
			}
		}
		if req.AllTherapists {
			andInto(e.mask, bm)
			if isZero(e.mask) {
				return
			}
		} else {
			orInto(e.tmp, bm)
		}
	}
	if !req.AllTherapists {
		andInto(e.mask, e.tmp)
	}
}

func sameWeekly(a, b *Therapist) bool {
	for d := range a.Shifts {
		if !slices.Equal(a.Shifts[d], b.Shifts[d]) {
			return false
		}
	}
	return true
}

// cutoff returns the index of the first candidate on a local date after the
// therapist's ValidThrough (len(cand) when there is no limit).
func (e *engine) cutoff(th *Therapist) int {
	nd := len(e.days) - 1
	if th.ValidThrough.IsZero() {
		return e.days[nd].first
	}
	lo, hi := 0, nd // first day after ValidThrough
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if e.days[m].date.After(th.ValidThrough) {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return e.days[lo].first
}

// shiftMask sets in bm the candidates whose visit fits inside one of the
// therapist's shift ranges of that day, before cutoff.
func (e *engine) shiftMask(th *Therapist, cutoff int, bm []uint64) {
	clear(bm)
	for i := 0; i < len(e.days)-1; i++ {
		f, l := e.days[i].first, min(e.days[i+1].first, cutoff)
		if f >= l {
			if f >= cutoff {
				return
			}
			continue
		}
		for _, r := range th.Shifts[e.days[i].wd] {
			ss, se := e.clockOff(i, r.Start), e.clockOff(i, r.End)
			// s >= ss and s+dur <= se, among the day's few candidates
			day := e.cand[f:l]
			a, _ := slices.BinarySearch(day, ss)
			z, _ := slices.BinarySearch(day, se-e.dur+1)
			setRange(bm, f+a, f+z)
		}
	}
}

// clearBusy clears from bm every start that conflicts with a visit in busy.
func (e *engine) clearBusy(bm []uint64, busy []Busy) {
	for i := range busy {
		a, z, _ := e.block(&busy[i])
		clearRange(bm, a, z)
	}
}

// block returns the candidate index range [a, z) that visit b forbids, and
// b's start offset. A new visit at x conflicts with b when
//
//	its padded span [x-bb, x+dur+ba) overlaps b's core [S, E): S-dur-ba < x < E+bb
//	its core [x, x+dur) overlaps b's padded span [S-before, E+after): S-before-dur < x < E+after
//
// Both open intervals contain (S-dur, E) when b's core is not empty, so their
// union is one interval. An empty core (E <= S) conflicts only through its
// padding, if any. Negative buffers on b are read as none. Saturating
// arithmetic keeps absurd instants and buffers far outside the window.
func (e *engine) block(b *Busy) (int, int, int64) {
	s, en := e.off(b.Start), e.off(b.End)
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	if en > s {
		lo, hi = subSat(subSat(s, e.dur), e.ba), addSat(en, e.bb)
	}
	ps, pe := subSat(s, max(int64(b.Before), 0)), addSat(en, max(int64(b.After), 0))
	if pe > ps {
		lo, hi = min(lo, subSat(ps, e.dur)), max(hi, pe)
	}
	if hi <= lo || hi <= e.cand[0] || lo >= e.cand[len(e.cand)-1] {
		return 0, 0, s
	}
	a := e.lowerBound(lo + 1)
	if a == len(e.cand) || e.cand[a] >= hi { // between two candidates (often: off hours)
		return a, a, s
	}
	return a, e.lowerBound(hi), s
}

// slots turns e.mask into the result, filling each Slot in place (this loop
// and the result's allocation are most of the time of a call that lists
// many free slots).
func (e *engine) slots() []Slot {
	out := make([]Slot, popCount(e.mask))
	e.eachSlot(func(k, j int) { e.fillSlot(&out[k], j) })
	return out
}

// compactSlots is slots without pointers (see CompactSlot).
func (e *engine) compactSlots() []CompactSlot {
	out := make([]CompactSlot, popCount(e.mask))
	base := e.baseSec*int64(time.Second) + e.baseNs // FindCompact keeps the window where this fits
	e.eachSlot(func(k, j int) {
		t, r := e.pickResources(j)
		start := base + e.cand[j]
		out[k] = CompactSlot{Start: start, End: start + e.dur, Therapist: int32(t), Room: int32(r)}
	})
	return out
}

// eachSlot calls fill for the k-th free slot, candidate j, in start order,
// with the day's "any therapist" order ready.
func (e *engine) eachSlot(fill func(k, j int)) {
	pick := !e.req.AllTherapists && len(e.req.Therapists) > 1
	k, day, orderDay := 0, 0, -1
	for wi, word := range e.mask {
		for word != 0 {
			j := wi<<6 | trailingZeros(word)
			word &= word - 1
			if pick {
				for e.days[day+1].first <= j {
					day++
				}
				if orderDay != day {
					e.pickOrder(day)
					orderDay = day
				}
			}
			fill(k, j)
			k++
		}
	}
}

// pickResources returns the therapist and the room (-1: none modelled)
// that the free candidate j would take.
func (e *engine) pickResources(j int) (therapist, room int) {
	req := e.req
	word, bit := j>>6, uint64(1)<<(j&63)
	if !req.AllTherapists && len(req.Therapists) > 1 {
		for _, key := range e.order {
			if therapist = int(uint32(key)); e.ther[therapist*e.words+word]&bit != 0 {
				break
			}
		}
	}
	room = -1
	for r := range req.Rooms {
		if e.rooms[r*e.words+word]&bit != 0 {
			return therapist, r
		}
	}
	return therapist, room
}

// pickOrder orders the therapists for "any therapist" on day d: fewest
// visits starting that day first, ties in request order. Keys pack (visits,
// index) so that a plain insertion sort on one slice is stable and quick
// for the few dozen therapists of a location.
func (e *engine) pickOrder(d int) {
	nt := len(e.req.Therapists)
	if e.req.AllTherapists || nt < 2 {
		return
	}
	counts := e.count[d*nt : (d+1)*nt]
	e.order = slices.Grow(e.order[:0], nt)[:nt]
	keys := e.order
	for t, c := range counts {
		key := uint64(c)<<32 | uint64(t)
		k := t
		for k > 0 && keys[k-1] > key {
			keys[k] = keys[k-1]
			k--
		}
		keys[k] = key
	}
}

// fillSlot fills the (zeroed) slot of free candidate j. For "any therapist"
// e.order must hold the order of j's day (see pickOrder).
func (e *engine) fillSlot(slot *Slot, j int) {
	req := e.req
	t, r := e.pickResources(j)
	slot.TherapistID = req.Therapists[t].ID
	if r >= 0 {
		slot.RoomID = req.Rooms[r].ID
	}
	// The same values as e.base.Add(offset), built by calls that inline
	// (40% quicker; this runs twice per slot). Offsets here are >= 0.
	const sec = int64(time.Second)
	ns := e.baseNs + e.cand[j]
	slot.Start = time.Unix(e.baseSec+ns/sec, ns%sec).In(e.zone)
	ns += e.dur
	slot.End = time.Unix(e.baseSec+ns/sec, ns%sec).In(e.zone)
}
