package schedule

import (
	"testing"
	"time"

	"knead/internal/civil"
)

// dstDay is a local date with a daylight-saving change (or a plain day for
// comparison) and the length of that local day.
type dstDay struct {
	zone   string
	date   civil.Date
	length time.Duration
}

var dstDays = []dstDay{
	{"America/Toronto", civil.Date{Year: 2027, Month: 3, Day: 13}, 24 * time.Hour},
	{"America/Toronto", civil.Date{Year: 2027, Month: 3, Day: 14}, 23 * time.Hour}, // 02:00 EST -> 03:00 EDT
	{"America/Toronto", civil.Date{Year: 2027, Month: 3, Day: 15}, 24 * time.Hour},
	{"America/Toronto", civil.Date{Year: 2027, Month: 11, Day: 7}, 25 * time.Hour}, // 02:00 EDT -> 01:00 EST
	{"America/Toronto", civil.Date{Year: 2027, Month: 11, Day: 8}, 24 * time.Hour},
	{"Europe/Berlin", civil.Date{Year: 2027, Month: 3, Day: 28}, 23 * time.Hour},  // 02:00 CET -> 03:00 CEST
	{"Europe/Berlin", civil.Date{Year: 2027, Month: 10, Day: 31}, 25 * time.Hour}, // 03:00 CEST -> 02:00 CET
	{"Europe/Berlin", civil.Date{Year: 2027, Month: 11, Day: 1}, 24 * time.Hour},
}

// dstRequest: one day, open and on shift over hours, 30-minute visits on a
// 15-minute grid.
func dstRequest(zone string, d civil.Date, hours, shift civil.Range) *Request {
	return &Request{
		Zone: mustZone(zone), From: d, To: d,
		Now:      time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC),
		Duration: 30 * time.Minute, Step: 15 * time.Minute,
		Hours:      everyDay(hours),
		Therapists: []Therapist{{ID: "ana", Shifts: everyDay(shift)}},
	}
}

// assertEvenlySpaced checks that slots are exactly step apart in absolute
// time: nothing doubled, nothing missing.
func assertEvenlySpaced(t *testing.T, slots []Slot, step time.Duration) {
	t.Helper()
	for i := 1; i < len(slots); i++ {
		if d := slots[i].Start.Sub(slots[i-1].Start); d != step {
			t.Fatalf("slots %d and %d are %v apart (%v, %v)", i-1, i, d, slots[i-1].Start, slots[i].Start)
		}
	}
}

func findOK(t *testing.T, req *Request) []Slot {
	t.Helper()
	got, err := Find(req)
	if err != nil {
		t.Fatal(err)
	}
	if ref := refFind(req); !sameSlots(got, ref) {
		t.Fatalf("the reference differs: %s", diffSlots(got, ref))
	}
	for _, s := range got {
		if c, ok := Check(req, s.Start); !ok || c != s {
			t.Fatalf("Check(%v) = %+v, %v; Find listed %+v", s.Start, c, ok, s)
		}
	}
	return got
}

func TestDSTWholeDay(t *testing.T) {
	for _, dd := range dstDays {
		t.Run(dd.zone+" "+dd.date.String(), func(t *testing.T) {
			allDay := rng("00:00", "24:00")
			got := findOK(t, dstRequest(dd.zone, dd.date, allDay, allDay))
			// Every 15 minutes of the day's real length, the last ending at midnight.
			want := int((dd.length-30*time.Minute)/(15*time.Minute)) + 1
			if len(got) != want {
				t.Fatalf("%d slots, want %d", len(got), want)
			}
			assertEvenlySpaced(t, got, 15*time.Minute)
			zone := mustZone(dd.zone)
			if first := got[0].Start.In(zone); first.Hour() != 0 || first.Minute() != 0 || civil.DateOf(first) != dd.date {
				t.Errorf("first slot %v, want 00:00 on %v", first, dd.date)
			}
			if end := got[len(got)-1].End; !end.Equal(dd.date.AddDays(1).In(zone, 0)) {
				t.Errorf("last slot ends %v, want the next midnight", end.In(zone))
			}
		})
	}
}

func TestDSTDaytimeHours(t *testing.T) {
	for _, dd := range dstDays {
		t.Run(dd.zone+" "+dd.date.String(), func(t *testing.T) {
			got := findOK(t, dstRequest(dd.zone, dd.date, rng("08:00", "20:00"), rng("08:00", "20:00")))
			if len(got) != 47 { // 12 real hours whatever the day's length
				t.Fatalf("%d slots, want 47", len(got))
			}
			assertEvenlySpaced(t, got, 15*time.Minute)
			zone := mustZone(dd.zone)
			first, last := got[0].Start.In(zone), got[len(got)-1].Start.In(zone)
			if first.Format("15:04") != "08:00" || last.Format("15:04") != "19:30" {
				t.Errorf("slots from %v to %v, want 08:00 to 19:30 local", first, last)
			}
		})
	}
}

// A night shift 00:00-06:00 crosses the change: 5 real hours in spring, 7 in
// autumn, 6 otherwise.
func TestDSTShiftAcrossTheChange(t *testing.T) {
	tests := []struct {
		zone  string
		date  civil.Date
		shift civil.Range
		want  int
	}{
		{"America/Toronto", civil.Date{Year: 2027, Month: 3, Day: 14}, rng("00:00", "06:00"), 19},
		{"America/Toronto", civil.Date{Year: 2027, Month: 3, Day: 15}, rng("00:00", "06:00"), 23},
		{"America/Toronto", civil.Date{Year: 2027, Month: 11, Day: 7}, rng("00:00", "06:00"), 27},
		{"America/Toronto", civil.Date{Year: 2027, Month: 3, Day: 14}, rng("01:00", "04:00"), 7},
		{"America/Toronto", civil.Date{Year: 2027, Month: 11, Day: 7}, rng("00:30", "03:00"), 13},
		{"Europe/Berlin", civil.Date{Year: 2027, Month: 3, Day: 28}, rng("00:00", "06:00"), 19},
		{"Europe/Berlin", civil.Date{Year: 2027, Month: 10, Day: 31}, rng("00:00", "06:00"), 27},
		{"Europe/Berlin", civil.Date{Year: 2027, Month: 10, Day: 31}, rng("01:00", "04:00"), 15},
	}
	for _, tt := range tests {
		t.Run(tt.zone+" "+tt.date.String()+" "+tt.shift.Start.String()+"-"+tt.shift.End.String(), func(t *testing.T) {
			got := findOK(t, dstRequest(tt.zone, tt.date, rng("00:00", "24:00"), tt.shift))
			if len(got) != tt.want {
				t.Fatalf("%d slots, want %d", len(got), tt.want)
			}
			assertEvenlySpaced(t, got, 15*time.Minute)
			zone := mustZone(tt.zone)
			if first := got[0].Start.In(zone).Format("15:04"); first != tt.shift.Start.String() {
				t.Errorf("first slot at %s, want %s", first, tt.shift.Start)
			}
			if end := got[len(got)-1].End; !end.Equal(tt.date.In(zone, tt.shift.End)) {
				t.Errorf("last slot ends %v, want %v", end.In(zone), tt.date.In(zone, tt.shift.End))
			}
		})
	}
}

// Several days around each change: 09:00 opens at 09:00 local every day, and
// over whole days the grid runs on without a gap or a double.
func TestDSTAcrossDays(t *testing.T) {
	for _, tt := range []struct {
		zone string
		from civil.Date
	}{
		{"America/Toronto", civil.Date{Year: 2027, Month: 3, Day: 12}},
		{"America/Toronto", civil.Date{Year: 2027, Month: 11, Day: 5}},
		{"Europe/Berlin", civil.Date{Year: 2027, Month: 3, Day: 26}},
		{"Europe/Berlin", civil.Date{Year: 2027, Month: 10, Day: 29}},
	} {
		zone := mustZone(tt.zone)
		to := tt.from.AddDays(4)
		t.Run(tt.zone+" "+tt.from.String()+" opening at 09:00", func(t *testing.T) {
			req := dstRequest(tt.zone, tt.from, rng("09:00", "17:00"), rng("09:00", "17:00"))
			req.To, req.Duration = to, time.Hour
			got := findOK(t, req)
			if len(got) != 5*29 {
				t.Fatalf("%d slots, want %d", len(got), 5*29)
			}
			for i, s := range got {
				local := s.Start.In(zone)
				want := clk("09:00") + civil.Clock(15*(i%29))
				if c := civil.Clock(local.Hour()*60 + local.Minute()); c != want || local.Second() != 0 {
					t.Fatalf("slot %d at %v, want %s local", i, local, want)
				}
			}
		})
		t.Run(tt.zone+" "+tt.from.String()+" round the clock", func(t *testing.T) {
			allDay := rng("00:00", "24:00")
			req := dstRequest(tt.zone, tt.from, allDay, allDay)
			req.To, req.Duration = to, 15*time.Minute
			got := findOK(t, req)
			span := to.AddDays(1).In(zone, 0).Sub(tt.from.In(zone, 0))
			if want := int(span / (15 * time.Minute)); len(got) != want {
				t.Fatalf("%d slots, want %d", len(got), want)
			}
			assertEvenlySpaced(t, got, 15*time.Minute)
		})
	}
}

// A 45-minute grid steps in absolute time through the spring change, so
// after it the local clock times shift by the hour that was skipped.
func TestDSTGridStepsInAbsoluteTime(t *testing.T) {
	d := civil.Date{Year: 2027, Month: 3, Day: 14}
	allDay := rng("00:00", "24:00")
	req := dstRequest("America/Toronto", d, allDay, allDay)
	req.Duration, req.Step = 45*time.Minute, 45*time.Minute
	got := findOK(t, req)
	if len(got) != 30 { // 23 h = 1380 min; starts k*45 with k*45+45 <= 1380
		t.Fatalf("%d slots, want 30", len(got))
	}
	assertEvenlySpaced(t, got, 45*time.Minute)
	for i, want := range map[int]string{2: "01:30 EST", 3: "03:15 EDT", 29: "22:45 EDT"} {
		if local := got[i].Start.In(toronto).Format("15:04 MST"); local != want {
			t.Errorf("slot %d at %s, want %s", i, local, want)
		}
	}
}

// In autumn the hour 01:00-02:00 happens twice in Toronto: both are offered.
func TestDSTRepeatedHour(t *testing.T) {
	d := civil.Date{Year: 2027, Month: 11, Day: 7}
	allDay := rng("00:00", "24:00")
	req := dstRequest("America/Toronto", d, allDay, allDay)
	req.Step = 30 * time.Minute
	got := findOK(t, req)
	if len(got) != 50 {
		t.Fatalf("%d slots, want 50", len(got))
	}
	var at0100 []string
	for _, s := range got {
		if l := s.Start.In(toronto); l.Format("15:04") == "01:00" {
			at0100 = append(at0100, l.Format("15:04 MST"))
		}
	}
	if len(at0100) != 2 || at0100[0] != "01:00 EDT" || at0100[1] != "01:00 EST" {
		t.Errorf("slots at 01:00: %v, want 01:00 EDT and 01:00 EST", at0100)
	}
}

// Where midnight itself is skipped or repeated, each start still belongs to
// its own local date and the grid runs on across the change: Santiago skips
// 00:00-01:00 on 2027-09-05 (the Saturday ends at 24:00 -04, the Sunday
// begins at 01:00 -03); Havana repeats 00:00-01:00 on 2027-11-07.
func TestDSTAtMidnight(t *testing.T) {
	for _, tt := range []struct {
		zone     string
		from     civil.Date
		perDay   []int
		firstSun string
	}{
		{"America/Santiago", civil.Date{Year: 2027, Month: 9, Day: 4}, []int{24, 23, 24}, "01:00 -03"},
		{"America/Havana", civil.Date{Year: 2027, Month: 11, Day: 6}, []int{24, 25, 24}, "00:00 CDT"},
	} {
		t.Run(tt.zone, func(t *testing.T) {
			zone := mustZone(tt.zone)
			allDay := rng("00:00", "24:00")
			req := dstRequest(tt.zone, tt.from, allDay, allDay)
			req.To, req.Duration, req.Step = tt.from.AddDays(2), time.Hour, time.Hour
			got := findOK(t, req)
			assertEvenlySpaced(t, got, time.Hour)
			perDay := map[civil.Date]int{}
			for _, s := range got {
				perDay[civil.DateOf(s.Start.In(zone))]++
			}
			for i, want := range tt.perDay {
				if d := tt.from.AddDays(i); perDay[d] != want {
					t.Errorf("%v: %d slots, want %d", d, perDay[d], want)
				}
			}
			if first := got[tt.perDay[0]].Start.In(zone).Format("15:04 MST"); first != tt.firstSun {
				t.Errorf("Sunday's first slot at %s, want %s", first, tt.firstSun)
			}
		})
	}
}
