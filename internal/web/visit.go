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
	policy      // cancellation as policy has it now
	Problem     string
	// The client's account: logged in (and whether it keeps this visit),
	// or where to log in or sign up and come back.
	AccountName         string
	Kept                bool
	LoginURL, SignupURL string
}

// policy is what the clinic's cancellation policy says of a client (not
// staff) cancelling or moving a visit at now, as booking.Cancel and
// booking.Reschedule apply it.
type policy struct {
	CanCancel   bool      // online, now
	FreeUntil   time.Time // free until then, in the zone of start
	Fee         int64     // the fee if cancelled or moved now
	Refused     bool      // online changes closed: call the clinic
	WindowHours int
}

func policyOf(svc clinic.Service, start, now time.Time) policy {
	window := time.Duration(svc.CancelWindowHours) * time.Hour
	p := policy{WindowHours: svc.CancelWindowHours, FreeUntil: start.Add(-window)}
	switch {
	case !start.After(now):
	case start.Sub(now) >= window:
		p.CanCancel = true
	case svc.LateCancel == clinic.LateCancelRefuse:
		p.Refused = true
	default:
		p.CanCancel, p.Fee = true, svc.LateCancelFee
	}
	return p
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
		d.policy = policyOf(d.Service, d.Start, now)
	}
	account, ok, err := w.account(r)
	if err != nil {
		return visitData{}, err
	}
	if !ok {
		d.LoginURL, d.SignupURL = portalURL("/portal/login", d.Link), portalURL("/portal/signup", d.Link)
		return d, nil
	}
	d.AccountName = account.Name
	_, err = w.store.AccountVisit(r.Context(), account.ID, c.ID, a.ID)
	if d.Kept = err == nil; err != nil && clinic.ErrorCode(err) != clinic.ENotFound {
		return visitData{}, err
	}
	return d, nil
}

// visitKeep links the visit to the logged-in client's account: the visit's
// token, which the form carries, is the proof that it is theirs.
func (w *Web) visitKeep(r *http.Request) (*view, error) {
	d, err := w.visit(r, r.PostFormValue("t"))
	if err != nil {
		return nil, err
	}
	a, login, err := w.loggedIn(r, d.Link)
	if login != nil || err != nil {
		return login, err
	}
	if err := w.store.LinkAccountVisit(r.Context(), a.ID, d.Clinic.ID, d.Appointment.ID, w.now()); err != nil {
		return nil, err
	}
	return &view{redirect: d.Link}, nil
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
		d.Problem = clinic.ErrorMessage(err)
		return &view{page: "visit.html", title: "Your visit", status: http.StatusConflict, data: d}, nil
	}
	return nil, err
}
