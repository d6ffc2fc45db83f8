package web

import (
	"cmp"
	"context"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"knead/internal/booking"
	"knead/internal/care"
	"knead/internal/civil"
	"knead/internal/clinic"
)

// searchDays is how far ahead the directory looks for the earliest slot.
const searchDays = 14

// maxResults bounds the directory's list.
const maxResults = 30

type directoryPage struct {
	// The search as sent, for the form.
	Lat, Lng, Near, Modality, Area, Day string
	Towns                               []string
	Modalities                          []care.Modality
	Regions                             []care.Region
	Days                                []dayOption
	// What the search found.
	Located  bool   // results are sorted by distance
	Where    string // "your location" or the town
	Problem  string // why the search could not be done as asked
	Results  []result
	Searched bool
}

type dayOption struct {
	Value, Label string
}

// result is one location of a clinic.
type result struct {
	Clinic     clinic.Clinic
	Location   clinic.Location
	Town       string
	Distance   float64 // km; < 0 when unknown
	Today      openToday
	Modalities []string
	Therapists []string
	Earliest   *slot
	BookURL    string
}

func (w *Web) directory(r *http.Request) (*view, error) {
	ctx := r.Context()
	q := r.URL.Query()
	p := directoryPage{Lat: q.Get("lat"), Lng: q.Get("lng"), Near: strings.TrimSpace(q.Get("near")),
		Modality: q.Get("modality"), Area: q.Get("area"), Day: q.Get("day"),
		Modalities: care.Modalities, Regions: care.Regions, Searched: len(q) > 0}
	clinics, err := w.store.ListClinics(ctx)
	if err != nil {
		return nil, err
	}
	var cats []catalog
	towns := map[string][2]float64{} // town -> sum of coordinates / count, see below
	counts := map[string]int{}
	for _, c := range clinics {
		cat, err := w.catalog(ctx, c)
		if err != nil {
			return nil, err
		}
		cats = append(cats, cat)
		for _, l := range cat.Locations {
			if t := town(l.Address); t != "" {
				sum := towns[t]
				towns[t] = [2]float64{sum[0] + l.Latitude, sum[1] + l.Longitude}
				counts[t]++
			}
		}
	}
	for t := range towns {
		p.Towns = append(p.Towns, t)
	}
	slices.Sort(p.Towns)

	// Where the visitor is: the browser's position, or a town of ours.
	var lat, lng float64
	if la, errLa := strconv.ParseFloat(p.Lat, 64); errLa == nil && la >= -90 && la <= 90 {
		if ln, errLn := strconv.ParseFloat(p.Lng, 64); errLn == nil && ln >= -180 && ln <= 180 {
			lat, lng, p.Located, p.Where = la, ln, true, "your location"
		}
	}
	if !p.Located && p.Near != "" {
		for _, t := range p.Towns {
			if strings.EqualFold(t, p.Near) || strings.HasPrefix(strings.ToLower(t), strings.ToLower(p.Near)) {
				n := float64(counts[t])
				lat, lng, p.Located, p.Where = towns[t][0]/n, towns[t][1]/n, true, t
				break
			}
		}
		if !p.Located {
			p.Problem = "We don't know a town called “" + p.Near + "”. Pick one of the towns below, or let your browser share your location."
		}
	}
	var region care.Region
	if p.Area != "" {
		var ok bool
		if region, ok = care.RegionOf(p.Area); !ok {
			p.Area = ""
		}
	}
	if p.Modality != "" && !clinic.IsModality(p.Modality) {
		p.Modality = ""
	}

	// The days a visitor may pick: today and the next two weeks, by the
	// server's clock in UTC (each location reads the date in its zone).
	first := civil.DateOf(w.now().UTC())
	for i := range searchDays {
		d := first.AddDays(i)
		label := noon(d).Format("Mon 2 Jan")
		switch i {
		case 0:
			label = "Today"
		case 1:
			label = "Tomorrow"
		}
		p.Days = append(p.Days, dayOption{Value: d.String(), Label: label})
	}
	day, dayErr := civil.ParseDate(p.Day)
	if p.Day != "" && dayErr != nil {
		p.Day = ""
	}

	now := w.now()
	for _, cat := range cats {
		for _, l := range cat.Locations {
			res := result{Clinic: cat.Clinic, Location: l, Town: town(l.Address), Distance: -1, Today: todayAt(l, now)}
			if p.Located {
				res.Distance = haversine(lat, lng, l.Latitude, l.Longitude)
			}
			var services []clinic.Service
			seen := map[string]bool{}
			for _, s := range cat.Services {
				if p.Modality != "" && s.Modality != p.Modality || p.Area != "" && !region.Suits(s.Modality) {
					continue
				}
				if len(cat.therapistsAt(l.ID, s.Modality)) == 0 {
					continue // nobody gives it here
				}
				services = append(services, s)
				if !seen[s.Modality] {
					seen[s.Modality] = true
					res.Modalities = append(res.Modalities, s.Modality)
				}
			}
			if len(services) == 0 {
				continue
			}
			for _, t := range cat.therapistsAt(l.ID, "") {
				if slices.ContainsFunc(t.Modalities, func(m string) bool { return seen[m] }) {
					res.Therapists = append(res.Therapists, t.Name)
				}
			}
			from, to := w.today(l), w.today(l).AddDays(searchDays-1)
			if p.Day != "" {
				from, to = day, day
			}
			for _, s := range services {
				av, err := w.earliest(ctx, cat.Clinic, booking.Query{LocationID: l.ID, ServiceID: s.ID, From: from, To: to})
				if err != nil {
					return nil, err
				}
				if len(av.Slots) == 0 {
					continue
				}
				first := toSlot(av, av.Slots[0], cat)
				if res.Earliest == nil || first.Start.Before(res.Earliest.Start) {
					res.Earliest = &first
					res.BookURL = bookURL(cat.Clinic.Slug, url.Values{"service": {s.ID}, "location": {l.ID},
						"therapist": {"any"}, "day": {civil.DateOf(first.Start).String()}})
				}
			}
			if p.Day != "" && res.Earliest == nil {
				continue // nothing free that day
			}
			p.Results = append(p.Results, res)
		}
	}
	slices.SortStableFunc(p.Results, func(a, b result) int {
		if p.Located {
			if c := cmp.Compare(a.Distance, b.Distance); c != 0 {
				return c
			}
		}
		return cmp.Compare(a.Clinic.Name+a.Location.Name, b.Clinic.Name+b.Location.Name)
	})
	if len(p.Results) > maxResults {
		p.Results = p.Results[:maxResults]
	}
	return &view{page: "directory.html", title: "Find a massage therapist near you", data: p}, nil
}

// earliest answers q for its first three days, and only when they have no
// free time for the rest: the earliest free time is most often soon, and a
// short window reads a fraction of the visits.
func (w *Web) earliest(ctx context.Context, c clinic.Clinic, q booking.Query) (booking.Availability, error) {
	first := q
	if first.To.After(first.From.AddDays(2)) {
		first.To = first.From.AddDays(2)
	}
	av, err := w.slots(ctx, c, first)
	if err != nil || len(av.Slots) > 0 || first.To == q.To {
		return av, err
	}
	q.From = first.To.AddDays(1)
	return w.slots(ctx, c, q)
}

func bookURL(slug string, v url.Values) string {
	return "/c/" + url.PathEscape(slug) + "/book?" + v.Encode()
}

// haversine is the great-circle distance in km.
func haversine(lat1, lng1, lat2, lng2 float64) float64 {
	const earthRadius = 6371.0
	rad := math.Pi / 180
	dLat, dLng := (lat2-lat1)*rad, (lng2-lng1)*rad
	a := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLng/2)*math.Sin(dLng/2)
	return 2 * earthRadius * math.Asin(math.Sqrt(a))
}

// noon is a date as a time, for formatting its name.
func noon(d civil.Date) time.Time {
	return time.Date(d.Year, time.Month(d.Month), d.Day, 12, 0, 0, 0, time.UTC)
}
