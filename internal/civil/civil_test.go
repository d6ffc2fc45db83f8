package civil

import (
	"testing"
	"time"
)

func TestDateInAcrossDaylightSaving(t *testing.T) {
	zone := func(name string) *time.Location {
		z, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		return z
	}
	toronto, santiago, berlin := zone("America/Toronto"), zone("America/Santiago"), zone("Europe/Berlin")
	cases := []struct {
		name string
		loc  *time.Location
		date string
		at   string
		want string // RFC 3339
	}{
		{"an ordinary morning", toronto, "2027-01-04", "09:00", "2027-01-04T09:00:00-05:00"},
		{"skipped 02:30 moves forward by the gap", toronto, "2027-03-14", "02:30", "2027-03-14T03:30:00-04:00"},
		{"03:00 right after the gap", toronto, "2027-03-14", "03:00", "2027-03-14T03:00:00-04:00"},
		{"the repeated 01:30 is the first one", toronto, "2027-11-07", "01:30", "2027-11-07T01:30:00-04:00"},
		{"skipped midnight stays on its date", santiago, "2027-09-05", "00:00", "2027-09-05T01:00:00-03:00"},
		{"24:00 is the next midnight", berlin, "2027-03-28", "24:00", "2027-03-29T00:00:00+02:00"},
		{"skipped 02:15 east of UTC", berlin, "2027-03-28", "02:15", "2027-03-28T03:15:00+02:00"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := ParseDate(c.date)
			if err != nil {
				t.Fatal(err)
			}
			clock, err := ParseClock(c.at)
			if err != nil {
				t.Fatal(err)
			}
			if got := d.In(c.loc, clock).Format(time.RFC3339); got != c.want {
				t.Fatalf("%s %s = %s, want %s", c.date, c.at, got, c.want)
			}
		})
	}
}

func TestWeeklyMerged(t *testing.T) {
	r := func(a, b Clock) Range { return Range{Start: a * 60, End: b * 60} }
	var w Weekly
	w[1] = []Range{r(12, 17), r(9, 12)}            // touching, out of order
	w[2] = []Range{r(9, 13), r(14, 18)}            // split hours stay split
	w[3] = []Range{r(9, 15), r(10, 12), r(14, 19)} // overlapping
	m := w.Merged()
	if len(m[1]) != 1 || m[1][0] != r(9, 17) {
		t.Errorf("monday %v", m[1])
	}
	if len(m[2]) != 2 {
		t.Errorf("tuesday %v", m[2])
	}
	if len(m[3]) != 1 || m[3][0] != r(9, 19) {
		t.Errorf("wednesday %v", m[3])
	}
	if len(w[1]) != 2 || w[1][0] != r(12, 17) {
		t.Errorf("Merged changed its receiver: %v", w[1])
	}
}

func TestDateJSONZero(t *testing.T) {
	var d Date
	b, _ := d.MarshalText()
	var back Date
	if err := back.UnmarshalText(b); err != nil || !back.IsZero() {
		t.Fatalf("zero date does not round-trip: %q %v %v", b, back, err)
	}
}
