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
	listed := make(map[int64]Slot, len(got))
	for i, s := range got {
		if i > 0 && !s.Start.After(got[i-1].Start) {
			t.Fatalf("slots not in strictly increasing order at %d", i)
		}
		listed[s.Start.UnixNano()] = s
	}
	for d := req.From; !d.After(req.To); d = d.AddDays(1) {
		for _, start := range refStarts(req, d) {
			c, ok := Check(req, start)
			s, inFind := listed[start.UnixNano()]
			if ok != inFind || (ok && !sameSlot(c, s)) {
				t.Fatalf("Check(%s) = %s, %v; Find listed %v %s", start, fmtSlot(c), ok, inFind, fmtSlot(s))
			}
			for _, nudge := range []time.Duration{1, -time.Second, req.Step / 2} {
				x := start.Add(nudge)
				if xd := civil.DateOf(x.In(req.Zone)); xd.Before(req.From) || xd.After(req.To) {
					continue // Check looks at x's own day, which Find did not list
				}
				_, ok := Check(req, x)
				if _, inFind := listed[x.UnixNano()]; ok != inFind {
					t.Fatalf("Check(%s) = %v, Find listed it: %v", x, ok, inFind)
				}
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
	f.Fuzz(func(t *testing.T, data []byte) {
		req := fuzzRequest(data)
		checkAgainstReference(t, req)
	})
}

// TestFindManyRandomRequests runs the fuzz comparison over many seeded
// requests under plain go test, beyond the handful of f.Add seeds.
func TestFindManyRandomRequests(t *testing.T) {
	n := 3000
	if testing.Short() {
		n = 300
	}
	for i := range n {
		data := []byte{byte(i), byte(i >> 8), byte(i % len(fuzzZones))}
		req := fuzzRequest(data)
		t.Run("", func(t *testing.T) { checkAgainstReference(t, req) })
		if t.Failed() {
			t.Fatalf("input %v", data)
		}
	}
}
