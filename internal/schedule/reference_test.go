package schedule

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"knead/internal/civil"
)

// refFind is a brute-force reference written straight from the rules in
// request.go, with time.Time arithmetic and no cleverness: for each local
// date, each opening range's grid, each candidate start, check every rule.
// It shares no code with the engine. It assumes a valid request.
func refFind(req *Request) []Slot {
	out := []Slot{}
	for d := req.From; !d.After(req.To); d = d.AddDays(1) {
		out = append(out, refDay(req, d)...)
	}
	return out
}

type refDayKey struct {
	zone *time.Location
	date civil.Date
}

var refDayStarts sync.Map // refDayKey -> time.Time; the search is slow

// refDayStart returns the first instant whose local date is d: a binary
// search on the local dates of the instants two days either side of 00:00.
func refDayStart(zone *time.Location, d civil.Date) time.Time {
	if t, ok := refDayStarts.Load(refDayKey{zone, d}); ok {
		return t.(time.Time)
	}
	lo, hi := d.In(zone, 0).Add(-48*time.Hour), d.In(zone, 0).Add(48*time.Hour)
	for hi.Sub(lo) > 1 {
		m := lo.Add(hi.Sub(lo) / 2)
		if civil.DateOf(m.In(zone)).Before(d) {
			lo = m
		} else {
			hi = m
		}
	}
	refDayStarts.Store(refDayKey{zone, d}, hi)
	return hi
}

// refClock is clock c on d as civil.Date.In gives it, kept within the
// instants of local date d (24:00 is the first instant of the next date).
func refClock(zone *time.Location, d civil.Date, c civil.Clock) time.Time {
	first, next := refDayStart(zone, d), refDayStart(zone, d.AddDays(1))
	t := d.In(zone, c)
	if c == 1440 || t.After(next) {
		return next
	}
	if t.Before(first) {
		return first
	}
	return t
}

// refStarts lists day d's grid: every Step from the start of each opening
// range, in absolute time, whose visit ends inside that range.
func refStarts(req *Request, d civil.Date) []time.Time {
	var starts []time.Time
	for _, r := range req.Hours[d.Weekday()] {
		rs, re := refClock(req.Zone, d, r.Start), refClock(req.Zone, d, r.End)
		for s := rs; !s.Add(req.Duration).After(re); s = s.Add(req.Step) {
			starts = append(starts, s)
		}
	}
	slices.SortFunc(starts, func(a, b time.Time) int { return a.Compare(b) })
	return slices.CompactFunc(starts, func(a, b time.Time) bool { return a.Equal(b) })
}

func refDay(req *Request, d civil.Date) []Slot {
	for _, c := range req.Closures {
		if !d.Before(c.From) && !d.After(c.To) {
			return nil
		}
	}
	if req.HorizonDays > 0 && civil.DateOf(req.Now.In(req.Zone)).DaysUntil(d) > req.HorizonDays {
		return nil
	}
	var out []Slot
	for _, s := range refStarts(req, d) {
		if slot, ok := refSlot(req, d, s); ok {
			out = append(out, slot)
		}
	}
	return out
}

// overlaps reports whether [a1, a2) and [b1, b2) share an instant.
func overlaps(a1, a2, b1, b2 time.Time) bool {
	return a1.Before(a2) && b1.Before(b2) && a1.Before(b2) && b1.Before(a2)
}

// refConflict: the new visit plus its buffers overlaps b, or the new visit
// overlaps b plus b's buffers (negative buffers count as none).
func refConflict(req *Request, s time.Time, b Busy) bool {
	e := s.Add(req.Duration)
	if overlaps(s.Add(-req.BufferBefore), e.Add(req.BufferAfter), b.Start, b.End) {
		return true
	}
	return overlaps(s, e, b.Start.Add(-max(b.Before, 0)), b.End.Add(max(b.After, 0)))
}

func refFree(req *Request, s time.Time, busy []Busy) bool {
	for _, b := range busy {
		if refConflict(req, s, b) {
			return false
		}
	}
	return true
}

func refTherapistFree(req *Request, th *Therapist, d civil.Date, s time.Time) bool {
	e := s.Add(req.Duration)
	if !th.ValidThrough.IsZero() && d.After(th.ValidThrough) {
		return false
	}
	inShift := false
	for _, r := range th.Shifts[d.Weekday()] {
		if !s.Before(refClock(req.Zone, d, r.Start)) && !e.After(refClock(req.Zone, d, r.End)) {
			inShift = true
		}
	}
	if !inShift {
		return false
	}
	for _, iv := range th.TimeOff {
		if overlaps(s, e, iv.Start, iv.End) {
			return false
		}
	}
	return refFree(req, s, th.Busy)
}

func refSlot(req *Request, d civil.Date, s time.Time) (Slot, bool) {
	if s.Before(req.Now) || s.Before(req.Now.Add(req.Notice)) {
		return Slot{}, false
	}
	for _, eq := range req.Equipment {
		held := 0
		for _, b := range eq.Busy {
			if refConflict(req, s, b) {
				held++
			}
		}
		if held >= eq.Count {
			return Slot{}, false
		}
	}
	slot := Slot{Start: s, End: s.Add(req.Duration)}
	if len(req.Rooms) > 0 {
		for _, r := range req.Rooms {
			if refFree(req, s, r.Busy) {
				slot.RoomID = r.ID
				break
			}
		}
		if slot.RoomID == "" {
			return Slot{}, false
		}
	}
	if len(req.Therapists) == 0 {
		return Slot{}, false
	}
	if req.AllTherapists {
		for i := range req.Therapists {
			if !refTherapistFree(req, &req.Therapists[i], d, s) {
				return Slot{}, false
			}
		}
		slot.TherapistID = req.Therapists[0].ID
		return slot, true
	}
	best, bestVisits := -1, 0
	for i := range req.Therapists {
		th := &req.Therapists[i]
		if !refTherapistFree(req, th, d, s) {
			continue
		}
		visits := 0
		for _, b := range th.Busy {
			if civil.DateOf(b.Start.In(req.Zone)) == d {
				visits++
			}
		}
		if best < 0 || visits < bestVisits {
			best, bestVisits = i, visits
		}
	}
	if best < 0 {
		return Slot{}, false
	}
	slot.TherapistID = req.Therapists[best].ID
	return slot, true
}

func sameSlot(a, b Slot) bool {
	return a.Start.Equal(b.Start) && a.End.Equal(b.End) && a.TherapistID == b.TherapistID && a.RoomID == b.RoomID
}

func sameSlots(a, b []Slot) bool {
	return slices.EqualFunc(a, b, sameSlot)
}

// diffSlots describes the first difference between got and want.
func diffSlots(got, want []Slot) string {
	for i := range min(len(got), len(want)) {
		if !sameSlot(got[i], want[i]) {
			return fmt.Sprintf("slot %d: got %s, want %s", i, fmtSlot(got[i]), fmtSlot(want[i]))
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "got %d slots, want %d", len(got), len(want))
	if len(got) > len(want) {
		fmt.Fprintf(&b, "; extra %s", fmtSlot(got[len(want)]))
	} else if len(want) > len(got) {
		fmt.Fprintf(&b, "; missing %s", fmtSlot(want[len(got)]))
	}
	return b.String()
}

func fmtSlot(s Slot) string {
	return fmt.Sprintf("%s (%s) %s/%s", s.Start.Format("2006-01-02 15:04:05 MST"), s.Start.UTC().Format("15:04:05Z"), s.TherapistID, s.RoomID)
}
