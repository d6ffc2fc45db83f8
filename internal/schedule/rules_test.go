package schedule

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"knead/internal/civil"
)

var (
	toronto = mustZone("America/Toronto")
	monday  = civil.Date{Year: 2027, Month: time.January, Day: 4}
)

func mustZone(name string) *time.Location {
	z, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return z
}

func clk(s string) civil.Clock {
	c, err := civil.ParseClock(s)
	if err != nil {
		panic(err)
	}
	return c
}

func rng(from, to string) civil.Range { return civil.Range{Start: clk(from), End: clk(to)} }

func everyDay(rs ...civil.Range) civil.Weekly {
	var w civil.Weekly
	for d := range w {
		w[d] = rs
	}
	return w
}

// at is the instant of local clock "15:04" or "15:04:05" on d in Toronto.
func at(d civil.Date, clock string) time.Time {
	if len(clock) == len("15:04") {
		clock += ":00"
	}
	t, err := time.ParseInLocation(time.DateTime, d.String()+" "+clock, toronto)
	if err != nil {
		panic(err)
	}
	return t
}

func visit(d civil.Date, from, to string) Busy { return Busy{Start: at(d, from), End: at(d, to)} }

// baseRequest: one Monday in Toronto, open 09:00-17:00, one therapist "ana"
// on the same shift, 60-minute visits on a 60-minute grid: 09:00 ... 16:00.
func baseRequest() *Request {
	return &Request{
		Zone: toronto, From: monday, To: monday,
		Now:      at(monday.AddDays(-3), "12:00"),
		Duration: time.Hour, Step: time.Hour,
		Hours:      everyDay(rng("09:00", "17:00")),
		Therapists: []Therapist{{ID: "ana", Shifts: everyDay(rng("09:00", "17:00"))}},
	}
}

// describe renders slots as "15:04 therapist [room]", with the date when the
// window has more than one day.
func describe(req *Request, slots []Slot) []string {
	out := []string{}
	for _, s := range slots {
		layout := "15:04"
		if req.From != req.To {
			layout = "01-02 15:04"
		}
		out = append(out, strings.TrimSpace(fmt.Sprintf("%s %s %s", s.Start.In(req.Zone).Format(layout), s.TherapistID, s.RoomID)))
	}
	return out
}

// grid lists "15:04 who" from first to last every step minutes, skipping
// the clocks in except.
func grid(first, last string, step int, who string, except ...string) []string {
	var out []string
	for c := clk(first); c <= clk(last); c += civil.Clock(step) {
		if !slices.Contains(except, c.String()) {
			out = append(out, strings.TrimSpace(c.String()+" "+who))
		}
	}
	return out
}

func TestRules(t *testing.T) {
	tue := monday.AddDays(1)
	tests := []struct {
		name string
		edit func(r *Request)
		want []string
	}{
		{"baseline", func(r *Request) {}, grid("09:00", "16:00", 60, "ana")},

		// Opening hours.
		{"split hours", func(r *Request) { r.Hours = everyDay(rng("09:00", "12:00"), rng("13:00", "17:00")) },
			grid("09:00", "16:00", 60, "ana", "12:00")},
		{"split hours, 90 minutes on a 30-minute grid", func(r *Request) {
			r.Hours = everyDay(rng("09:00", "12:00"), rng("13:00", "17:00"))
			r.Duration, r.Step = 90*time.Minute, 30*time.Minute
		}, append(grid("09:00", "10:30", 30, "ana"), grid("13:00", "15:30", 30, "ana")...)},
		{"overlapping, unsorted ranges give one grid", func(r *Request) {
			r.Hours = everyDay(rng("13:00", "17:00"), rng("09:00", "12:00"), rng("09:00", "11:00"))
		}, grid("09:00", "16:00", 60, "ana", "12:00")},
		{"closed that weekday", func(r *Request) { r.Hours[time.Monday] = nil }, nil},

		// Closures (inclusive local dates).
		{"closed that day", func(r *Request) { r.Closures = []DateRange{{From: monday, To: monday}} }, nil},
		{"closed over several days", func(r *Request) { r.Closures = []DateRange{{From: monday.AddDays(-2), To: tue}} }, nil},
		{"closure ended the day before", func(r *Request) {
			r.Closures = []DateRange{{From: monday.AddDays(-3), To: monday.AddDays(-1)}, {From: tue, To: tue}}
		}, grid("09:00", "16:00", 60, "ana")},

		// Shifts.
		{"shift inside the hours", func(r *Request) { r.Therapists[0].Shifts = everyDay(rng("10:00", "14:00")) },
			grid("10:00", "13:00", 60, "ana")},
		{"visit must fit one shift range", func(r *Request) {
			r.Therapists[0].Shifts = everyDay(rng("09:00", "11:00"), rng("11:00", "13:00"))
			r.Step = 30 * time.Minute
		}, grid("09:00", "12:00", 30, "ana", "10:30")},
		{"no shift that weekday", func(r *Request) { r.Therapists[0].Shifts[time.Monday] = nil }, nil},

		// Time off.
		{"time off", func(r *Request) {
			r.Therapists[0].TimeOff = []Interval{{Start: at(monday, "12:00"), End: at(monday, "13:30")}}
		}, grid("09:00", "16:00", 60, "ana", "12:00", "13:00")},
		{"time off ending as the visit starts", func(r *Request) {
			r.Therapists[0].TimeOff = []Interval{{Start: at(monday, "08:00"), End: at(monday, "09:00")}}
		}, grid("09:00", "16:00", 60, "ana")},

		// Licence expiry.
		{"licence valid through that day", func(r *Request) { r.Therapists[0].ValidThrough = monday },
			grid("09:00", "16:00", 60, "ana")},
		{"licence expired the day before", func(r *Request) { r.Therapists[0].ValidThrough = monday.AddDays(-1) }, nil},
		{"licence expires inside the window", func(r *Request) {
			r.To = tue
			r.Therapists[0].ValidThrough = monday
		}, prefix("01-04 ", grid("09:00", "16:00", 60, "ana"))},

		// Rooms.
		{"every room taken", func(r *Request) {
			r.Rooms = []Room{{ID: "A", Busy: []Busy{visit(monday, "10:00", "11:00")}}, {ID: "B", Busy: []Busy{visit(monday, "10:30", "11:00")}}}
		}, grid("09:00", "16:00", 60, "ana A", "10:00")},
		{"first free room in order", func(r *Request) {
			r.Rooms = []Room{{ID: "A", Busy: []Busy{visit(monday, "09:00", "10:00")}}, {ID: "B"}}
		}, append([]string{"09:00 ana B"}, grid("10:00", "16:00", 60, "ana A")...)},
		{"the only room busy all day", func(r *Request) {
			r.Rooms = []Room{{ID: "A", Busy: []Busy{visit(monday, "08:00", "18:00")}}}
		}, nil},
		{"a room's turnover buffer", func(r *Request) {
			r.Rooms = []Room{{ID: "A", Busy: []Busy{{Start: at(monday, "10:00"), End: at(monday, "11:00"), After: 15 * time.Minute}}}}
		}, grid("09:00", "16:00", 60, "ana A", "10:00", "11:00")},

		// Counted equipment.
		{"one heater, held", func(r *Request) {
			r.Equipment = []Equipment{{Kind: "hot-stone-heater", Count: 1, Busy: []Busy{visit(monday, "11:00", "12:00")}}}
		}, grid("09:00", "16:00", 60, "ana", "11:00")},
		{"two heaters, one held", func(r *Request) {
			r.Equipment = []Equipment{{Kind: "hot-stone-heater", Count: 2, Busy: []Busy{visit(monday, "11:00", "12:00")}}}
		}, grid("09:00", "16:00", 60, "ana")},
		{"two heaters, both held at 11:00", func(r *Request) {
			r.Equipment = []Equipment{{Kind: "hot-stone-heater", Count: 2, Busy: []Busy{
				visit(monday, "11:00", "12:00"), visit(monday, "11:30", "12:30")}}}
		}, grid("09:00", "16:00", 60, "ana", "11:00")},
		{"no heater at the location", func(r *Request) { r.Equipment = []Equipment{{Kind: "hot-stone-heater"}} }, nil},
		{"heater heating before its visit", func(r *Request) {
			r.Equipment = []Equipment{{Kind: "hot-stone-heater", Count: 1, Busy: []Busy{
				{Start: at(monday, "13:00"), End: at(monday, "14:00"), Before: 30 * time.Minute}}}}
		}, grid("09:00", "16:00", 60, "ana", "12:00", "13:00")},

		// Buffers, both directions.
		{"own buffer after reaches a visit", func(r *Request) {
			r.BufferAfter = 30 * time.Minute
			r.Therapists[0].Busy = []Busy{visit(monday, "12:00", "13:00")}
		}, grid("09:00", "16:00", 60, "ana", "11:00", "12:00")},
		{"own buffer before reaches a visit", func(r *Request) {
			r.BufferBefore = 30 * time.Minute
			r.Therapists[0].Busy = []Busy{visit(monday, "12:00", "13:00")}
		}, grid("09:00", "16:00", 60, "ana", "12:00", "13:00")},
		{"a visit's buffer after", func(r *Request) {
			r.Therapists[0].Busy = []Busy{{Start: at(monday, "12:00"), End: at(monday, "13:00"), After: 30 * time.Minute}}
		}, grid("09:00", "16:00", 60, "ana", "12:00", "13:00")},
		{"a visit's buffer before", func(r *Request) {
			r.Therapists[0].Busy = []Busy{{Start: at(monday, "12:00"), End: at(monday, "13:00"), Before: 30 * time.Minute}}
		}, grid("09:00", "16:00", 60, "ana", "11:00", "12:00")},
		{"buffers may overlap each other", func(r *Request) {
			r.Step, r.BufferBefore = 15*time.Minute, 15*time.Minute
			r.Therapists[0].Busy = []Busy{{Start: at(monday, "11:00"), End: at(monday, "12:00"), After: 15 * time.Minute}}
		}, grid("09:00", "16:00", 15, "ana", "10:15", "10:30", "10:45", "11:00", "11:15", "11:30", "11:45", "12:00")},
		{"buffers may reach outside the hours", func(r *Request) {
			r.BufferBefore, r.BufferAfter = 30*time.Minute, 30*time.Minute
		}, grid("09:00", "16:00", 60, "ana")},
		{"visits touching are no conflict", func(r *Request) {
			r.Therapists[0].Busy = []Busy{visit(monday, "08:00", "09:00"), visit(monday, "11:00", "12:00")}
		}, grid("09:00", "16:00", 60, "ana", "11:00")},
		{"a visit ending one nanosecond into a slot", func(r *Request) {
			r.Therapists[0].Busy = []Busy{{Start: at(monday, "09:30"), End: at(monday, "10:00").Add(1)}}
		}, grid("09:00", "16:00", 60, "ana", "09:00", "10:00")},
		{"a visit starting 30 seconds before a slot ends", func(r *Request) {
			r.Therapists[0].Busy = []Busy{{Start: at(monday, "10:59:30"), End: at(monday, "11:30")}}
		}, grid("09:00", "16:00", 60, "ana", "10:00", "11:00")},

		// Notice and horizon.
		{"notice", func(r *Request) { r.Now, r.Notice = at(monday, "10:30"), time.Hour }, grid("12:00", "16:00", 60, "ana")},
		{"a start exactly now", func(r *Request) { r.Now = at(monday, "10:00") }, grid("10:00", "16:00", 60, "ana")},
		{"a start a second ago", func(r *Request) { r.Now = at(monday, "10:00:01") }, grid("11:00", "16:00", 60, "ana")},
		{"horizon reaches the day", func(r *Request) { r.HorizonDays = 3 }, grid("09:00", "16:00", 60, "ana")},
		{"horizon ends the day before", func(r *Request) { r.HorizonDays = 2 }, nil},
		{"horizon inside the window", func(r *Request) {
			r.To, r.Now, r.HorizonDays = monday.AddDays(2), at(monday.AddDays(-1), "23:30"), 2
		}, append(prefix("01-04 ", grid("09:00", "16:00", 60, "ana")), prefix("01-05 ", grid("09:00", "16:00", 60, "ana"))...)},

		// Any therapist: fewest visits starting that day, ties in order.
		{"any therapist: fewest visits that day", func(r *Request) {
			all := everyDay(rng("07:00", "20:00"))
			r.Therapists = []Therapist{
				{ID: "ana", Shifts: all, Busy: []Busy{visit(monday, "07:00", "07:30"), visit(monday, "07:30", "08:00")}},
				{ID: "ben", Shifts: all, Busy: []Busy{visit(monday, "12:00", "13:00"), visit(tue, "12:00", "13:00")}},
				{ID: "cy", Shifts: all, Busy: []Busy{visit(monday, "18:00", "19:00"), visit(monday.AddDays(-1), "12:00", "13:00")}},
			}
		}, append(append(grid("09:00", "11:00", 60, "ben"), "12:00 cy"), grid("13:00", "16:00", 60, "ben")...)},
		{"any therapist: only one free", func(r *Request) {
			r.Therapists = []Therapist{
				{ID: "ana", Shifts: everyDay(rng("09:00", "12:00"))},
				{ID: "ben", Shifts: everyDay(rng("12:00", "17:00")), Busy: []Busy{visit(monday, "14:00", "15:00")}},
			}
		}, append(grid("09:00", "11:00", 60, "ana"), grid("12:00", "16:00", 60, "ben", "14:00")...)},
		{"all therapists at once", func(r *Request) {
			r.AllTherapists = true
			r.Therapists = []Therapist{
				{ID: "ana", Shifts: everyDay(rng("09:00", "13:00"))},
				{ID: "ben", Shifts: everyDay(rng("09:00", "17:00")), Busy: []Busy{visit(monday, "10:00", "11:00")}},
			}
		}, []string{"09:00 ana", "11:00 ana", "12:00 ana"}},
		{"all therapists, one has left", func(r *Request) {
			r.AllTherapists = true
			r.Therapists = append(r.Therapists, Therapist{ID: "ben", Shifts: everyDay(rng("09:00", "17:00")), ValidThrough: monday.AddDays(-1)})
		}, nil},
		{"no therapist", func(r *Request) { r.Therapists = nil }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := baseRequest()
			tt.edit(req)
			got, err := Find(req)
			if err != nil {
				t.Fatal(err)
			}
			if g := describe(req, got); !slices.Equal(g, nonNil(tt.want)) {
				t.Errorf("got  %q\nwant %q", g, tt.want)
			}
			if ref := refFind(req); !sameSlots(got, ref) {
				t.Errorf("the reference differs: %s", diffSlots(got, ref))
			}
			for _, s := range got {
				if c, ok := Check(req, s.Start); !ok || c != s {
					t.Errorf("Check(%v) = %+v, %v; Find listed %+v", s.Start, c, ok, s)
				}
			}
		})
	}
}

func prefix(p string, xs []string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = p + x
	}
	return out
}

func nonNil(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

func TestCheck(t *testing.T) {
	req := baseRequest()
	req.Rooms = []Room{{ID: "A", Busy: []Busy{visit(monday, "09:00", "10:00")}}, {ID: "B", Busy: []Busy{visit(monday, "12:00", "13:00")}}}
	req.Therapists[0].Busy = []Busy{visit(monday, "13:00", "14:00")}
	tests := []struct {
		name  string
		start time.Time
		want  string // "" when not free
	}{
		{"free, second room", at(monday, "09:00"), "09:00 ana B"},
		{"free, first room", at(monday, "12:00"), "12:00 ana A"},
		{"same instant in UTC", at(monday, "10:00").UTC(), "10:00 ana A"},
		{"therapist busy", at(monday, "13:00"), ""},
		{"off the grid by 30 minutes", at(monday, "09:30"), ""},
		{"off the grid by a nanosecond", at(monday, "10:00").Add(1), ""},
		{"visit would end after closing", at(monday, "17:00"), ""},
		{"before opening", at(monday, "08:00"), ""},
		{"a day outside From..To is still checked", at(monday.AddDays(1), "09:00"), "09:00 ana A"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, ok := Check(req, tt.start)
			got := ""
			if ok {
				got = describe(req, []Slot{s})[0]
			}
			if got != tt.want {
				t.Errorf("Check = %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("invalid request", func(t *testing.T) {
		bad := baseRequest()
		bad.Step = 0
		if _, ok := Check(bad, at(monday, "09:00")); ok {
			t.Error("Check accepted a slot of an invalid request")
		}
		if _, ok := Check(nil, at(monday, "09:00")); ok {
			t.Error("Check accepted a nil request")
		}
	})
}

func TestFindRejectsInvalidRequests(t *testing.T) {
	tests := []struct {
		name string
		edit func(r *Request)
	}{
		{"no zone", func(r *Request) { r.Zone = nil }},
		{"zero step", func(r *Request) { r.Step = 0 }},
		{"negative step", func(r *Request) { r.Step = -time.Minute }},
		{"zero duration", func(r *Request) { r.Duration = 0 }},
		{"negative buffer before", func(r *Request) { r.BufferBefore = -time.Minute }},
		{"negative buffer after", func(r *Request) { r.BufferAfter = -time.Minute }},
		{"negative notice", func(r *Request) { r.Notice = -time.Minute }},
		{"negative horizon", func(r *Request) { r.HorizonDays = -1 }},
		{"to before from", func(r *Request) { r.To = r.From.AddDays(-1) }},
		{"401 days", func(r *Request) { r.To = r.From.AddDays(400) }},
		{"zero dates", func(r *Request) { r.From, r.To = civil.Date{}, civil.Date{} }},
		{"no such date", func(r *Request) { r.To = civil.Date{Year: 2027, Month: 2, Day: 30} }},
		{"empty opening range", func(r *Request) { r.Hours[time.Friday] = []civil.Range{rng("10:00", "10:00")} }},
		{"opening range past midnight", func(r *Request) { r.Hours[time.Monday] = []civil.Range{{Start: clk("22:00"), End: 1500}} }},
		{"shift ending before it starts", func(r *Request) { r.Therapists[0].Shifts[time.Sunday] = []civil.Range{rng("12:00", "09:00")} }},
		{"more candidate starts than memory allows", func(r *Request) {
			r.Step, r.Duration, r.To = time.Second, time.Second, r.From.AddDays(199)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := baseRequest()
			tt.edit(req)
			if got, err := Find(req); err == nil {
				t.Errorf("Find = %d slots and no error", len(got))
			}
		})
	}
	if _, err := Find(nil); err == nil {
		t.Error("Find(nil) gave no error")
	}
	t.Run("400 days is fine", func(t *testing.T) {
		req := baseRequest()
		req.To = req.From.AddDays(399)
		got, err := Find(req)
		if err != nil || len(got) != 400*8 {
			t.Errorf("Find = %d slots, %v; want %d", len(got), err, 400*8)
		}
	})
}
