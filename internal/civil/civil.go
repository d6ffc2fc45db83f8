// Package civil has wall-calendar values that are not instants: a local date
// ("2027-03-14") and a local clock time ("09:30"). Clinics think in these;
// instants are only made from them together with a location's time zone.
package civil

import (
	"encoding/json"
	"fmt"
	"sync"
	"time"
)

// Date is a day on the wall calendar, without a zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the local date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate parses "YYYY-MM-DD".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date of the form YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// String formats d as "YYYY-MM-DD".
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// In returns the instant of the given clock time on d in loc. Clock 24:00 is
// the next day's midnight. A wall time skipped by a daylight-saving change
// (02:30 on a spring-forward night) is moved forward by the length of the
// gap, to 03:30 after the change, as java.time and most calendars do;
// time.Date alone moves it back an hour in zones west of UTC, and can move
// a skipped midnight onto the previous date.
func (d Date) In(loc *time.Location, c Clock) time.Time {
	h, m := int(c)/60, int(c)%60
	t := time.Date(d.Year, d.Month, d.Day, h, m, 0, 0, loc)
	if c >= 1440 || (t.Hour() == h && t.Minute() == m && t.Day() == d.Day) {
		return t
	}
	// Skipped: read the wall time with the offset in force before the gap.
	_, before := t.Add(-12 * time.Hour).Zone()
	return time.Date(d.Year, d.Month, d.Day, h, m, 0, 0, time.UTC).Add(-time.Duration(before) * time.Second).In(loc)
}

// AddDays returns d moved by n days.
func (d Date) AddDays(n int) Date {
	return DateOf(time.Date(d.Year, d.Month, d.Day+n, 12, 0, 0, 0, time.UTC))
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC).Weekday()
}

// Before reports whether d is earlier than e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is later than e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// Compare returns -1, 0 or +1.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return cmpInt(d.Year, e.Year)
	case d.Month != e.Month:
		return cmpInt(int(d.Month), int(e.Month))
	default:
		return cmpInt(d.Day, e.Day)
	}
}

// DaysUntil returns the number of days from d to e (negative when e is earlier).
func (d Date) DaysUntil(e Date) int {
	a := time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC)
	b := time.Date(e.Year, e.Month, e.Day, 12, 0, 0, 0, time.UTC)
	return int(b.Sub(a).Round(24*time.Hour) / (24 * time.Hour))
}

func cmpInt(a, b int) int {
	if a < b {
		return -1
	}
	if a > b {
		return 1
	}
	return 0
}

// MarshalText implements encoding.TextMarshaler. The zero Date (no date,
// e.g. a licence without expiry) is the empty string.
func (d Date) MarshalText() ([]byte, error) {
	if d.IsZero() {
		return []byte{}, nil
	}
	return []byte(d.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler; "" is the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Clock is a local time of day in minutes after midnight, 0 to 1440 (24:00).
type Clock int

// ParseClock parses "HH:MM", allowing "24:00" for the end of a day.
func ParseClock(s string) (Clock, error) {
	var h, m int
	if len(s) != 5 || s[2] != ':' {
		return 0, fmt.Errorf("%q is not a time of the form HH:MM", s)
	}
	if _, err := fmt.Sscanf(s, "%02d:%02d", &h, &m); err != nil {
		return 0, fmt.Errorf("%q is not a time of the form HH:MM", s)
	}
	if h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, fmt.Errorf("%q is not a time between 00:00 and 24:00", s)
	}
	return Clock(h*60 + m), nil
}

// String formats c as "HH:MM".
func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", int(c)/60, int(c)%60) }

// MarshalText implements encoding.TextMarshaler.
func (c Clock) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (c *Clock) UnmarshalText(b []byte) error {
	v, err := ParseClock(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// Range is a span of local clock time on one day, [Start, End).
type Range struct {
	Start Clock `json:"start"`
	End   Clock `json:"end"`
}

// Valid reports whether the range is non-empty and within one day.
func (r Range) Valid() bool { return r.Start >= 0 && r.End <= 1440 && r.Start < r.End }

// Weekly is a set of local clock ranges for each weekday, indexed by
// time.Weekday (Sunday = 0). Several ranges on one day are split hours.
type Weekly [7][]Range

var weekdayKeys = [7]string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}

// WeekdayKey returns the lower-case English name used for weekday w in JSON.
func WeekdayKey(w time.Weekday) string { return weekdayKeys[w] }

// ParseWeekday parses a lower-case English weekday name.
func ParseWeekday(s string) (time.Weekday, bool) {
	for i, k := range weekdayKeys {
		if k == s {
			return time.Weekday(i), true
		}
	}
	return 0, false
}

// MarshalJSON writes {"monday":[{"start":"09:00","end":"17:00"}],...}; days
// without ranges are left out.
func (w Weekly) MarshalJSON() ([]byte, error) {
	m := make(map[string][]Range, 7)
	for i, rs := range w {
		if len(rs) > 0 {
			m[weekdayKeys[i]] = rs
		}
	}
	return json.Marshal(m)
}

// UnmarshalJSON reads the form MarshalJSON writes and rejects unknown days.
func (w *Weekly) UnmarshalJSON(b []byte) error {
	var m map[string][]Range
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	var out Weekly
	for k, rs := range m {
		d, ok := ParseWeekday(k)
		if !ok {
			return fmt.Errorf("%q is not a weekday (use monday ... sunday)", k)
		}
		out[d] = rs
	}
	*w = out
	return nil
}

// Weekday is a time.Weekday that reads and writes as "monday" ... "sunday".
type Weekday time.Weekday

// MarshalText implements encoding.TextMarshaler.
func (w Weekday) MarshalText() ([]byte, error) {
	if w < 0 || w > 6 {
		return nil, fmt.Errorf("weekday %d out of range", int(w))
	}
	return []byte(weekdayKeys[w]), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (w *Weekday) UnmarshalText(b []byte) error {
	d, ok := ParseWeekday(string(b))
	if !ok {
		return fmt.Errorf("%q is not a weekday (use monday ... sunday)", b)
	}
	*w = Weekday(d)
	return nil
}

var zones sync.Map // IANA name -> *time.Location

// Zone returns the IANA time zone name, loaded once per process:
// time.LoadLocation reads and parses the zone file on every call.
func Zone(name string) (*time.Location, error) {
	if z, ok := zones.Load(name); ok {
		return z.(*time.Location), nil
	}
	if name == "" || name == "Local" {
		return nil, fmt.Errorf("%q is not an IANA time zone", name)
	}
	z, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	zones.Store(name, z)
	return z, nil
}

// Merged returns w with each day's ranges sorted and overlapping or
// touching ranges joined: 09:00-12:00 and 12:00-17:00 are one 09:00-17:00,
// so a visit from 11:30 to 12:30 fits.
func (w Weekly) Merged() Weekly {
	var out Weekly
	for d, rs := range w {
		if len(rs) == 0 {
			continue
		}
		sorted := make([]Range, len(rs))
		copy(sorted, rs)
		for i := 1; i < len(sorted); i++ {
			for j := i; j > 0 && sorted[j].Start < sorted[j-1].Start; j-- {
				sorted[j], sorted[j-1] = sorted[j-1], sorted[j]
			}
		}
		merged := sorted[:1]
		for _, r := range sorted[1:] {
			last := &merged[len(merged)-1]
			if r.Start <= last.End {
				last.End = max(last.End, r.End)
				continue
			}
			merged = append(merged, r)
		}
		out[d] = merged
	}
	return out
}
