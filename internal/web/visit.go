package web

import (
	"net/http"
	"net/url"
	"time"

	"knead/internal/auth"
	"knead/internal/booking"
	"knead/internal/care"
	"knead/internal/clinic"
)

// A visit's page is reached by its link, which carries the visit's secret
// token (given once, when booking): the only key a guest has to it.

type visitData struct {
	Clinic      clinic.Clinic
	Appointment clinic.Appointment
	Start, End  time.Time // in the location's zone
	Service     clinic.Service
	Location    clinic.Location
	Therapist   string
	Token       string
	Link        string // the page's own address (path and query)
	FullLink    string // the same with scheme and host, to keep
	New         bool   // just booked
	Cancelled   bool   // just cancelled
	Upcoming    bool
	Before      []string
	// Cancellation as policy has it now.
	CanCancel   bool
	FreeUntil   time.Time // free cancellation until then
	Fee         int64     // the fee if cancelled now
	Refused     bool      // online cancellation closed
	WindowHours int
	Problem     string
}

func visitURL(slug, id, token string) string {
	return "/c/" + url.PathEscape(slug) + "/visit/" + url.PathEscape(id) + "?t=" + url.QueryEscape(token)
}

func (w *Web) visitPage(r *http.Request) (*view, error) {
	q := r.URL.Query()
	d, err := w.visit(r, q.Get("t"))
	if err != nil {
		return nil, err
	}
	d.New, d.Cancelled = q.Get("new") == "1", q.Get("cancelled") == "1"
	return &view{page: "visit.html", title: "Your visit", data: d}, nil
}

// visit loads the visit of the URL if token opens it. A wrong token is a
// missing page: a link must not tell whether a visit exists.
func (w *Web) visit(r *http.Request, token string) (visitData, error) {
	c, err := w.clinicOf(r)
	if err != nil {
		return visitData{}, err
	}
	notFound := clinic.Errorf(clinic.ENotFound, "There is no visit at this link. Please check that you copied all of it.")
	a, err := w.store.GetAppointment(r.Context(), c.ID, r.PathValue("id"))
	if clinic.ErrorCode(err) == clinic.ENotFound || err == nil && !auth.TokenMatches(token, a.CancelTokenHash) {
		return visitData{}, notFound
	}
	if err != nil {
		return visitData{}, err
	}
	cat, err := w.catalog(r.Context(), c)
	if err != nil {
		return visitData{}, err
	}
	d := visitData{Clinic: c, Appointment: a, Token: token, Link: visitURL(c.Slug, a.ID, token)}
	scheme := "http://"
	if overTLS(r) {
		scheme = "https://"
	}
	d.FullLink = scheme + r.Host + d.Link
	d.Service, _ = cat.service(a.ServiceID)
	d.Location, _ = cat.location(a.LocationID)
	if t, ok := cat.therapist(a.TherapistID); ok {
		d.Therapist = t.Name
	}
	zone := zoneOf(d.Location)
	d.Start, d.End = a.Start.In(zone), a.End.In(zone)
	now := w.now()
	d.Upcoming = a.Status == clinic.StatusBooked && a.Start.After(now)
	if d.Upcoming {
		d.Before = care.BeforeFirstVisit
		d.WindowHours = d.Service.CancelWindowHours
		window := time.Duration(d.Service.CancelWindowHours) * time.Hour
		d.FreeUntil = d.Start.Add(-window)
		switch {
		case a.Start.Sub(now) >= window:
			d.CanCancel = true
		case d.Service.LateCancel == clinic.LateCancelRefuse:
			d.Refused = true
		default:
			d.CanCancel, d.Fee = true, d.Service.LateCancelFee
		}
	}
	return d, nil
}

func (w *Web) visitCancel(r *http.Request) (*view, error) {
	token := r.PostFormValue("t")
	d, err := w.visit(r, token)
	if err != nil {
		return nil, err
	}
	_, err = booking.Cancel(r.Context(), w.store, d.Clinic.ID, d.Appointment.ID, booking.Actor{CancelToken: token}, w.now())
	switch clinic.ErrorCode(err) {
	case "":
		return &view{redirect: d.Link + "&cancelled=1"}, nil
	case clinic.EPolicy, clinic.EConflict:
		d.Problem = err.(*clinic.Error).Message
		return &view{page: "visit.html", title: "Your visit", status: http.StatusConflict, data: d}, nil
	}
	return nil, err
}
