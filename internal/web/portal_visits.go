package web

import (
	"net/http"
	"net/url"
	"time"

	"knead/internal/booking"
	"knead/internal/clinic"
)

// A logged-in client cancels or moves a visit linked to their account. The
// client has no cancel token here (the store keeps only its hash): the
// link is the proof, checked before booking.Cancel and booking.Reschedule
// are called as the visit's Owner, and the clinic's policy applies exactly
// as to a client holding the token.

// portalVisit is one of the account's visits as the portal shows it.
type portalVisit struct {
	clinic.AccountVisit
	Start, End    time.Time // in the location's zone
	StatusText    string
	Open          bool // upcoming and booked: the client may act on it
	policy             // what changing it now costs, when Open
	CancelURL     string
	RescheduleURL string
}

func portalVisitOf(v clinic.AccountVisit, now time.Time) portalVisit {
	a := v.Appointment
	zone := zoneOf(v.Location)
	p := portalVisit{AccountVisit: v, Start: a.Start.In(zone), End: a.End.In(zone),
		Open: a.Status == clinic.StatusBooked && a.Start.After(now)}
	base := "/portal/visits/" + url.PathEscape(v.Clinic.Slug) + "/" + url.PathEscape(a.ID)
	p.CancelURL, p.RescheduleURL = base+"/cancel", base+"/reschedule"
	if p.Open {
		p.policy = policyOf(v.Service, p.Start, now)
	}
	switch a.Status {
	case clinic.StatusBooked:
		p.StatusText = "Booked"
	case clinic.StatusCancelled:
		p.StatusText = "Cancelled"
	case clinic.StatusCompleted:
		p.StatusText = "Completed"
	case clinic.StatusNoShow:
		p.StatusText = "Missed"
	default:
		p.StatusText = a.Status
	}
	if a.CancelFee > 0 {
		p.StatusText += " · late-change fee " + money(a.CancelFee, v.Service.Currency)
	}
	return p
}

// ownVisit returns the visit of the URL if it is linked to the logged-in
// client's account. Nobody logged in is the redirect to the login page (and
// back here); a visit not linked to the account (another's, or none) is a
// missing page.
func (w *Web) ownVisit(r *http.Request) (v portalVisit, c clinic.Clinic, login *view, err error) {
	a, login, err := w.loggedIn(r, r.URL.Path)
	if login != nil || err != nil {
		return v, c, login, err
	}
	if c, err = w.clinicOf(r); err != nil {
		return v, c, nil, err
	}
	av, err := w.store.AccountVisit(r.Context(), a.ID, c.ID, r.PathValue("id"))
	if clinic.ErrorCode(err) == clinic.ENotFound {
		return v, c, nil, clinic.Errorf(clinic.ENotFound, "There is no such visit in your account.")
	}
	if err != nil {
		return v, c, nil, err
	}
	return portalVisitOf(av, w.now()), c, nil, nil
}

// changeData is the page that confirms a change of one visit.
type changeData struct {
	portalVisit
	Problem string
	// Rescheduling: the free time chosen and the therapist asked for.
	New    slot
	Choice bookChoice
}

func (w *Web) changeView(page, title string, d changeData) *view {
	status := http.StatusOK
	if d.Problem != "" {
		status = http.StatusConflict
	}
	return &view{page: page, title: title, status: status, data: d}
}

func (w *Web) portalCancelPage(r *http.Request) (*view, error) {
	v, _, login, err := w.ownVisit(r)
	if login != nil || err != nil {
		return login, err
	}
	return w.changeView("portal_cancel.html", "Cancel your visit", changeData{portalVisit: v}), nil
}

func (w *Web) portalCancel(r *http.Request) (*view, error) {
	v, c, login, err := w.ownVisit(r)
	if login != nil || err != nil {
		return login, err
	}
	_, err = booking.Cancel(r.Context(), w.store, c.ID, v.Appointment.ID, booking.Actor{Owner: true}, w.now())
	switch clinic.ErrorCode(err) {
	case "":
		return &view{redirect: doneURL("cancelled", v)}, nil
	case clinic.EPolicy, clinic.EConflict:
		return w.changeView("portal_cancel.html", "Cancel your visit", changeData{portalVisit: v, Problem: clinic.ErrorMessage(err)}), nil
	}
	return nil, err
}

func doneURL(done string, v portalVisit) string {
	return "/portal?" + url.Values{"done": {done}, "c": {v.Clinic.Slug}, "v": {v.Appointment.ID}}.Encode()
}

// rescheduling returns the booking flow's step for moving v: its service
// and location, the therapist asked for (its own by default), and links
// that lead back to the visit's reschedule page.
func (w *Web) rescheduling(r *http.Request, v portalVisit, c clinic.Clinic, q url.Values) (bookStep, catalog, error) {
	cat, err := w.catalog(r.Context(), c)
	if err != nil {
		return bookStep{}, cat, err
	}
	ch := choiceOf(q)
	ch.Service, ch.Location, ch.base = v.Appointment.ServiceID, v.Appointment.LocationID, v.RescheduleURL
	if ch.Therapist == "" {
		ch.Therapist = v.Appointment.TherapistID
	}
	s, errs := w.resolve(c, cat, &ch)
	if len(errs) > 0 {
		return s, cat, clinic.Errorf(clinic.EConflict, "This visit can no longer be moved online. Please call the clinic.")
	}
	s.Moving = v.Appointment.ID
	return s, cat, nil
}

// portalReschedulePage shows the free times to move a visit to, then the
// time chosen with what moving costs, to confirm.
func (w *Web) portalReschedulePage(r *http.Request) (*view, error) {
	v, c, login, err := w.ownVisit(r)
	if login != nil || err != nil {
		return login, err
	}
	if !v.Open || v.Refused {
		return w.changeView("portal_reschedule.html", "Move your visit", changeData{portalVisit: v}), nil
	}
	s, cat, err := w.rescheduling(r, v, c, r.URL.Query())
	if err != nil {
		return nil, err
	}
	if s.Choice.Start == "" {
		return w.newTimesView(r, s, cat, v, "")
	}
	sl, notice, err := w.freeSlot(r, &s, cat)
	if err != nil {
		return nil, err
	}
	if notice != "" {
		s.Choice.Start = ""
		return w.newTimesView(r, s, cat, v, notice)
	}
	return w.changeView("portal_reschedule.html", "Move your visit", changeData{portalVisit: v, New: sl, Choice: s.Choice}), nil
}

// newTimesView is the booking flow's times page for a new time of v.
func (w *Web) newTimesView(r *http.Request, s bookStep, cat catalog, v portalVisit, notice string) (*view, error) {
	d, err := w.times(r, s, cat, notice)
	if err != nil {
		return nil, err
	}
	d.Moving = &v
	return &view{page: "book_times.html", title: "Pick a new time", data: d}, nil
}

func (w *Web) portalReschedule(r *http.Request) (*view, error) {
	v, c, login, err := w.ownVisit(r)
	if login != nil || err != nil {
		return login, err
	}
	s, cat, err := w.rescheduling(r, v, c, r.PostForm)
	if err != nil {
		return nil, err
	}
	start, err := time.Parse(time.RFC3339, s.Choice.Start)
	if err != nil {
		s.Choice.Start = ""
		return w.newTimesView(r, s, cat, v, "Please pick one of the free times.")
	}
	ctx := r.Context()
	_, moveErr := booking.Reschedule(ctx, w.store, c.ID, v.Appointment.ID, booking.Move{Start: start, TherapistID: s.Choice.Therapist},
		booking.Actor{Owner: true}, w.now())
	problem := changeData{portalVisit: v, Problem: clinic.ErrorMessage(moveErr)}
	switch clinic.ErrorCode(moveErr) {
	case "":
		return &view{redirect: doneURL("moved", v)}, nil
	case clinic.EConflict:
		// The time was taken, or the visit is no longer booked.
		cur, err := w.store.GetAppointment(ctx, c.ID, v.Appointment.ID)
		if err != nil {
			return nil, err
		}
		if cur.Status != clinic.StatusBooked {
			v.AccountVisit.Appointment = cur
			problem.portalVisit = portalVisitOf(v.AccountVisit, w.now())
			return w.changeView("portal_reschedule.html", "Move your visit", problem), nil
		}
		return w.takenView(r, s, cat, booking.Request{ClinicID: c.ID, LocationID: s.Location.ID, ServiceID: s.Service.ID,
			TherapistID: therapistOf(s.Choice), Start: start}, detailsData{})
	case clinic.EPolicy:
		return w.changeView("portal_reschedule.html", "Move your visit", problem), nil
	case clinic.EInvalid:
		s.Choice.Start = ""
		return w.newTimesView(r, s, cat, v, problem.Problem)
	}
	return nil, moveErr
}
