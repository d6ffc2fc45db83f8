package web

import (
	"fmt"
	"html/template"
	"strings"
	"time"

	"knead/internal/care"
	"knead/internal/civil"
	"knead/internal/clinic"
)

func (w *Web) funcs() template.FuncMap {
	return template.FuncMap{
		"asset":    func(name string) string { return w.assets.url(name) },
		"money":    money,
		"modality": modalityName,
		"clock":    func(t time.Time) string { return t.Format("15:04") },
		"day":      func(t time.Time) string { return t.Format("Mon 2 Jan") },
		"longDay":  func(t time.Time) string { return t.Format("Monday 2 January 2006") },
		"when":     func(t time.Time) string { return t.Format("Mon 2 Jan, 15:04") },
		"hours":    rangesText,
		"km":       km,
	}
}

// money shows minor units in a currency: 9500 CAD is "CA$95.00".
func money(minor int64, currency string) string {
	symbol := map[string]string{"CAD": "CA$", "USD": "US$", "EUR": "€", "GBP": "£", "AUD": "A$"}[currency]
	if symbol == "" {
		symbol = currency + " "
	}
	sign := ""
	if minor < 0 {
		sign, minor = "-", -minor
	}
	return fmt.Sprintf("%s%s%d.%02d", sign, symbol, minor/100, minor%100)
}

func modalityName(slug string) string {
	if m, ok := care.ModalityOf(slug); ok {
		return m.Name
	}
	return slug
}

// rangesText shows opening ranges: "09:00–13:00, 14:00–19:00", or "Closed".
func rangesText(rs []civil.Range) string {
	if len(rs) == 0 {
		return "Closed"
	}
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = r.Start.String() + "–" + r.End.String()
	}
	return strings.Join(parts, ", ")
}

// km shows a distance: "850 m", "3.2 km", "41 km".
func km(d float64) string {
	switch {
	case d < 1:
		return fmt.Sprintf("%.0f m", d*1000)
	case d < 10:
		return fmt.Sprintf("%.1f km", d)
	}
	return fmt.Sprintf("%.0f km", d)
}

// openToday is a location's hours on the local date of now, and whether it
// is open at now.
type openToday struct {
	Hours  []civil.Range
	Closed string // the closure's reason when closed all day for one
	Open   bool
}

func todayAt(l clinic.Location, now time.Time) openToday {
	zone, err := civil.Zone(l.TimeZone)
	if err != nil {
		return openToday{}
	}
	local := now.In(zone)
	date := civil.DateOf(local)
	for _, c := range l.Closures {
		if !date.Before(c.From) && !c.To.Before(date) {
			reason := c.Reason
			if reason == "" {
				reason = "Closed today"
			}
			return openToday{Closed: reason}
		}
	}
	o := openToday{Hours: l.Hours[local.Weekday()]}
	minute := civil.Clock(local.Hour()*60 + local.Minute())
	for _, r := range o.Hours {
		if r.Start <= minute && minute < r.End {
			o.Open = true
		}
	}
	return o
}
