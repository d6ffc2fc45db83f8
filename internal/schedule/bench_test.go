package schedule

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"knead/internal/civil"
)

// The slot benchmark of ../shared/bench/slots, copied to testdata/ with its
// generators and README: five calendars and the slots an established
// scheduler (Cal.com) computed for them. knead must give the same instants.

type benchCase struct {
	Name     string `json:"name"`
	TimeZone string `json:"timeZone"`
	Window   struct {
		StartTime time.Time `json:"startTime"`
		Days      int       `json:"days"`
	} `json:"window"`
	EventLengthMinutes          int `json:"eventLengthMinutes"`
	SlotIntervalMinutes         int `json:"slotIntervalMinutes"`
	MinimumBookingNoticeMinutes int `json:"minimumBookingNoticeMinutes"`
	BeforeEventBufferMinutes    int `json:"beforeEventBufferMinutes"`
	AfterEventBufferMinutes     int `json:"afterEventBufferMinutes"`
	WorkingHours                []struct {
		Days  []int       `json:"days"`
		Start civil.Clock `json:"start"`
		End   civil.Clock `json:"end"`
	} `json:"workingHours"`
	SchedulingType *string `json:"schedulingType"`
	Hosts          []struct {
		ID   int `json:"id"`
		Busy []struct {
			Start time.Time `json:"start"`
			End   time.Time `json:"end"`
		} `json:"busy"`
	} `json:"hosts"`
}

var benchCaseNames = []string{"a", "b", "c", "c2", "d"}

// loadBenchCase adapts case_<name>.json into a Request and reads the
// expected slot starts.
func loadBenchCase(tb testing.TB, name string) (*Request, []time.Time) {
	tb.Helper()
	var c benchCase
	readJSON(tb, "case_"+name+".json", &c)
	var want []time.Time
	readJSON(tb, "expected_case_"+name+".json", &want)

	zone, err := time.LoadLocation(c.TimeZone)
	if err != nil {
		tb.Fatal(err)
	}
	var hours civil.Weekly
	for _, wh := range c.WorkingHours {
		for _, d := range wh.Days { // 0 = Sunday, as time.Weekday
			hours[d] = append(hours[d], civil.Range{Start: wh.Start, End: wh.End})
		}
	}
	from := civil.DateOf(c.Window.StartTime.In(zone))
	req := &Request{
		Zone:         zone,
		From:         from,
		To:           from.AddDays(c.Window.Days - 1),
		Now:          c.Window.StartTime,
		Duration:     time.Duration(c.EventLengthMinutes) * time.Minute,
		Step:         time.Duration(c.SlotIntervalMinutes) * time.Minute,
		Notice:       time.Duration(c.MinimumBookingNoticeMinutes) * time.Minute,
		BufferBefore: time.Duration(c.BeforeEventBufferMinutes) * time.Minute,
		BufferAfter:  time.Duration(c.AfterEventBufferMinutes) * time.Minute,
		Hours:        hours,
	}
	switch {
	case c.SchedulingType == nil || *c.SchedulingType == "ROUND_ROBIN":
	case *c.SchedulingType == "COLLECTIVE":
		req.AllTherapists = true
	default:
		tb.Fatalf("case %s: unknown schedulingType %q", name, *c.SchedulingType)
	}
	for _, h := range c.Hosts {
		th := Therapist{ID: fmt.Sprint(h.ID), Shifts: hours}
		for _, b := range h.Busy {
			th.Busy = append(th.Busy, Busy{Start: b.Start, End: b.End})
		}
		req.Therapists = append(req.Therapists, th)
	}
	return req, want
}

func readJSON(tb testing.TB, name string, v any) {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
}

func TestBenchCases(t *testing.T) {
	wantCount := map[string]int{"a": 870, "b": 251, "c": 870, "c2": 0, "d": 618}
	for _, name := range benchCaseNames {
		t.Run(name, func(t *testing.T) {
			req, want := loadBenchCase(t, name)
			if len(want) != wantCount[name] {
				t.Fatalf("expected list has %d slots, the README says %d", len(want), wantCount[name])
			}
			got, err := Find(req)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Errorf("got %d slots, want %d", len(got), len(want))
			}
			for i := range min(len(got), len(want)) {
				if !got[i].Start.Equal(want[i]) {
					t.Fatalf("slot %d starts %v, want %v", i, got[i].Start.UTC(), want[i])
				}
				if d := got[i].End.Sub(got[i].Start); d != req.Duration {
					t.Fatalf("slot %d lasts %v", i, d)
				}
			}
			checkCompact(t, req, got)
			// Booking re-checks each listed slot with the same code.
			for _, s := range got {
				if c, ok := Check(req, s.Start); !ok || c != s {
					t.Fatalf("Check(%v) = %+v, %v; Find listed %+v", s.Start, c, ok, s)
				}
			}
			// And the brute-force reference agrees on therapist choice too.
			if ref := refFind(req); !sameSlots(got, ref) {
				t.Errorf("Find and the reference differ: %s", diffSlots(got, ref))
			}
		})
	}
}

func BenchmarkBenchCases(b *testing.B) {
	for _, name := range benchCaseNames {
		req, want := loadBenchCase(b, name)
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				got, err := Find(req)
				if err != nil || len(got) != len(want) {
					b.Fatalf("got %d slots, %v", len(got), err)
				}
			}
		})
	}
}

// BenchmarkBenchCasesCompact is the same work with the pointer-free result
// the API uses (FindCompact): what the engine itself costs.
func BenchmarkBenchCasesCompact(b *testing.B) {
	for _, name := range benchCaseNames {
		req, want := loadBenchCase(b, name)
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				got, err := FindCompact(req)
				if err != nil || len(got) != len(want) {
					b.Fatalf("got %d slots, %v", len(got), err)
				}
			}
		})
	}
}

// clinicMonth is a busy clinic's month: 25 therapists on 6-day weeks, 10
// rooms, about 4,200 visits (a 50,000-visit year) each holding a therapist
// and a room, some holding the one hot-stone heater. The window crosses the
// 2027-03-14 daylight-saving change. Deterministic (PCG with fixed seeds).
func clinicMonth() *Request {
	rng := rand.New(rand.NewPCG(2027, 314))
	zone, err := time.LoadLocation("America/Toronto")
	if err != nil {
		panic(err)
	}
	from := civil.Date{Year: 2027, Month: time.March, Day: 1}
	const days, nTher, nRooms = 30, 25, 10
	clock := func(h, m int) civil.Clock { return civil.Clock(h*60 + m) }
	var hours civil.Weekly
	for d := time.Monday; d <= time.Friday; d++ {
		hours[d] = []civil.Range{{Start: clock(8, 0), End: clock(21, 0)}}
	}
	hours[time.Saturday] = []civil.Range{{Start: clock(9, 0), End: clock(18, 0)}}
	hours[time.Sunday] = []civil.Range{{Start: clock(10, 0), End: clock(16, 0)}}
	patterns := [][]civil.Range{
		{{Start: clock(8, 0), End: clock(16, 0)}},
		{{Start: clock(13, 0), End: clock(21, 0)}},
		{{Start: clock(9, 0), End: clock(17, 0)}},
		{{Start: clock(8, 0), End: clock(12, 0)}, {Start: clock(15, 0), End: clock(21, 0)}},
	}
	req := &Request{
		Zone: zone, From: from, To: from.AddDays(days - 1),
		Now:      from.In(zone, clock(7, 0)),
		Duration: 60 * time.Minute, BufferAfter: 15 * time.Minute, Step: 15 * time.Minute,
		Notice: 2 * time.Hour, HorizonDays: 60,
		Hours: hours,
	}
	heater := Equipment{Kind: "hot-stone-heater", Count: 1}
	for r := range nRooms {
		req.Rooms = append(req.Rooms, Room{ID: fmt.Sprintf("room-%d", r+1)})
	}
	for t := range nTher {
		var shifts civil.Weekly
		off := time.Weekday(t % 7) // one day off a week
		for d := time.Sunday; d <= time.Saturday; d++ {
			if d != off {
				shifts[d] = patterns[t%len(patterns)]
			}
		}
		th := Therapist{ID: fmt.Sprintf("therapist-%02d", t+1), Shifts: shifts}
		if t%5 == 0 { // a long weekend away
			s := from.AddDays(7+t).In(zone, 0)
			th.TimeOff = []Interval{{Start: s, End: s.Add(72 * time.Hour)}}
		}
		req.Therapists = append(req.Therapists, th)
	}
	// Fill each therapist's shifts back to back with visits of 30, 60 or 90
	// minutes and occasional gaps; rooms go round-robin.
	durations := []time.Duration{30 * time.Minute, 60 * time.Minute, 60 * time.Minute, 90 * time.Minute}
	room := 0
	for day := range days {
		date := from.AddDays(day)
		for t := range req.Therapists {
			th := &req.Therapists[t]
			for _, r := range th.Shifts[date.Weekday()] {
				s, end := date.In(zone, r.Start), date.In(zone, r.End)
				for {
					if rng.IntN(4) == 0 {
						s = s.Add(15 * time.Minute)
					}
					d := durations[rng.IntN(len(durations))]
					if s.Add(d).After(end) {
						break
					}
					v := Busy{Start: s, End: s.Add(d), After: 10 * time.Minute}
					th.Busy = append(th.Busy, v)
					req.Rooms[room].Busy = append(req.Rooms[room].Busy, v)
					room = (room + 1) % nRooms
					if rng.IntN(10) == 0 { // hot stones: heating before, cooling after
						heater.Busy = append(heater.Busy, Busy{Start: s, End: s.Add(d), Before: 30 * time.Minute, After: 15 * time.Minute})
					}
					s = s.Add(d + 10*time.Minute)
				}
			}
		}
	}
	// The store hands the lists over in no particular order.
	for t := range req.Therapists {
		rng.Shuffle(len(req.Therapists[t].Busy), func(i, j int) {
			b := req.Therapists[t].Busy
			b[i], b[j] = b[j], b[i]
		})
	}
	req.Equipment = []Equipment{heater}
	return req
}

func countVisits(req *Request) int {
	n := 0
	for _, t := range req.Therapists {
		n += len(t.Busy)
	}
	return n
}

func TestClinicMonth(t *testing.T) {
	req := clinicMonth()
	if n := countVisits(req); n < 4000 || n > 4400 {
		t.Fatalf("clinic month has %d visits, want about 4,200", n)
	}
	got, err := Find(req)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 {
		t.Fatal("a busy but not full clinic should have some free slots")
	}
	if ref := refFind(req); !sameSlots(got, ref) {
		t.Errorf("Find and the reference differ: %s", diffSlots(got, ref))
	}
}

func BenchmarkClinicMonth(b *testing.B) {
	req := clinicMonth()
	b.ReportMetric(float64(countVisits(req)), "visits")
	var n int
	b.ReportAllocs()
	for b.Loop() {
		got, err := Find(req)
		if err != nil {
			b.Fatal(err)
		}
		n = len(got)
	}
	b.ReportMetric(float64(n), "slots")
}

// BenchmarkResultFloor measures what any engine must do to return n slots
// through this API: allocate []Slot and fill each with two time.Time values
// and a therapist. With 80-byte slots it is a large share of cases a, c and
// d, mostly as garbage collection (see docs/benchmarks.md).
var floorSink []Slot

func BenchmarkResultFloor(b *testing.B) {
	base := monday.In(toronto, 0)
	bs, bn := base.Unix(), int64(base.Nanosecond())
	for _, c := range []struct {
		name string
		n    int
	}{{"a", 870}, {"b", 251}, {"c", 870}, {"d", 618}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				out := make([]Slot, c.n)
				for i := range out { // the same construction as the engine's
					ns := bn + int64(i)*int64(15*time.Minute)
					out[i].TherapistID = "1"
					out[i].Start = time.Unix(bs+ns/1e9, ns%1e9).In(toronto)
					ns += int64(time.Hour)
					out[i].End = time.Unix(bs+ns/1e9, ns%1e9).In(toronto)
				}
				floorSink = out
			}
		})
	}
}

// BenchmarkCeiling does fixed, trivial work (summing 1,000 ints) so that
// figures from noisy or different machines can be compared.
func BenchmarkCeiling(b *testing.B) {
	xs := make([]int, 1000)
	for i := range xs {
		xs[i] = i
	}
	var sink int
	for b.Loop() {
		s := 0
		for _, x := range xs {
			s += x
		}
		sink += s
	}
	if sink == 1 {
		b.Log(sink)
	}
}
