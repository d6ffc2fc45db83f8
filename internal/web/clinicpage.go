package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"knead/internal/care"
	"knead/internal/civil"
	"knead/internal/clinic"
)

type clinicPage struct {
	Clinic     clinic.Clinic
	Locations  []locationView
	Therapists []therapistView
	Services   []serviceView
	BookURL    string
}

type locationView struct {
	clinic.Location
	Week     []weekday
	Closures []clinic.Closure // today and later
	Today    openToday
}

type weekday struct {
	Name   string
	Ranges []civil.Range
}

type therapistView struct {
	clinic.Therapist
	Initials    string
	Credentials []credentialView
	Where       []string // location names
}

type credentialView struct {
	Kind, Issuer, Expires string
	Expired               bool
}

type serviceView struct {
	clinic.Service
	About   care.Modality
	BookURL string
}

// weekOrder lists the days Monday first, as clinics print their hours.
var weekOrder = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}

func (w *Web) clinicPage(r *http.Request) (*view, error) {
	cat, err := w.clinicCatalog(r)
	if err != nil {
		return nil, err
	}
	c := cat.Clinic
	now := w.now()
	p := clinicPage{Clinic: c, BookURL: bookURL(c.Slug, nil)}
	names := map[string]string{}
	for _, l := range cat.Locations {
		names[l.ID] = l.Name
		lv := locationView{Location: l, Today: todayAt(l, now)}
		for _, d := range weekOrder {
			lv.Week = append(lv.Week, weekday{Name: d.String(), Ranges: l.Hours[d]})
		}
		today := w.today(l)
		for _, cl := range l.Closures {
			if !cl.To.Before(today) {
				lv.Closures = append(lv.Closures, cl)
			}
		}
		p.Locations = append(p.Locations, lv)
	}
	for _, t := range cat.Therapists {
		tv := therapistView{Therapist: t, Initials: initials(t.Name)}
		for _, cr := range t.Credentials {
			cv := credentialView{Kind: credentialKind(cr.Kind), Issuer: cr.Issuer}
			if !cr.Expires.IsZero() {
				cv.Expires = noon(cr.Expires).Format("2 Jan 2006")
				cv.Expired = cr.Expires.Before(civil.DateOf(now.UTC()))
			}
			tv.Credentials = append(tv.Credentials, cv)
		}
		seen := map[string]bool{}
		for _, s := range t.Shifts {
			if !seen[s.LocationID] && names[s.LocationID] != "" {
				seen[s.LocationID] = true
				tv.Where = append(tv.Where, names[s.LocationID])
			}
		}
		p.Therapists = append(p.Therapists, tv)
	}
	for _, s := range cat.Services {
		about, _ := care.ModalityOf(s.Modality)
		p.Services = append(p.Services, serviceView{Service: s, About: about,
			BookURL: bookURL(c.Slug, url.Values{"service": {s.ID}})})
	}
	return &view{page: "clinic.html", title: c.Name, data: p}, nil
}

func initials(name string) string {
	var b strings.Builder
	for _, f := range strings.Fields(name) {
		for _, r := range f {
			b.WriteRune(r)
			break
		}
		if b.Len() >= 2 {
			break
		}
	}
	return strings.ToUpper(b.String())
}

func credentialKind(kind string) string {
	switch kind {
	case clinic.CredentialLicence:
		return "Licensed massage therapist"
	case "certification":
		return "Certification"
	}
	return strings.ToUpper(kind[:1]) + kind[1:]
}
