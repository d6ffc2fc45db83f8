package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"knead/internal/auth"
	"knead/internal/booking"
	"knead/internal/civil"
	"knead/internal/clinic"
	"knead/internal/schedule"
)

// SlotJSON is one free slot; times carry the location's UTC offset.
type SlotJSON struct {
	Start     string `json:"start"`
	End       string `json:"end"`
	Therapist string `json:"therapist"`
	Location  string `json:"location"`
}

// AvailabilityJSON is the answer of the availability endpoint.
type AvailabilityJSON struct {
	Slots []SlotJSON `json:"slots"`
}

func slotsJSON(av booking.Availability, slots []schedule.CompactSlot, locationID string) []SlotJSON {
	out := make([]SlotJSON, len(slots))
	for i, s := range slots {
		out[i] = SlotJSON{Start: s.StartTime(av.Zone).Format(time.RFC3339), End: s.EndTime(av.Zone).Format(time.RFC3339),
			Therapist: av.Therapist(s), Location: locationID}
	}
	return out
}

func (a *API) availability(w http.ResponseWriter, r *http.Request) error {
	c, u, err := a.optionalStaff(r, auth.Book)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	var v clinic.Validation
	from, err := civil.ParseDate(q.Get("from"))
	v.Check(err == nil, "from", "must be a date YYYY-MM-DD")
	to, err := civil.ParseDate(q.Get("to"))
	v.Check(err == nil, "to", "must be a date YYYY-MM-DD")
	v.Check(q.Get("service") != "", "service", "is required")
	v.Check(q.Get("location") != "", "location", "is required")
	if err := v.Err(); err != nil {
		return err
	}
	bq := booking.Query{
		ClinicID: c.ID, LocationID: q.Get("location"), ServiceID: q.Get("service"), TherapistID: q.Get("therapist"),
		From: from, To: to, Staff: u != nil,
	}
	now := a.now()
	key := fmt.Sprintf("%s|%s|%s|%s|%s|%s|%t", bq.ClinicID, bq.LocationID, bq.ServiceID, bq.TherapistID, bq.From, bq.To, bq.Staff)
	if body, ok := a.slots.get(key, c.ScheduleVersion, now); ok {
		writeRaw(w, body)
		return nil
	}
	av, err := booking.Slots(r.Context(), a.store, bq, now)
	if err != nil {
		return queryNotFound(err)
	}
	body, err := json.Marshal(AvailabilityJSON{Slots: slotsJSON(av, av.Slots, bq.LocationID)})
	if err != nil {
		return err
	}
	body = append(body, '\n')
	a.slots.put(key, slotEntry{version: c.ScheduleVersion, validUntil: av.ValidUntil, body: body})
	writeRaw(w, body)
	return nil
}

func writeRaw(w http.ResponseWriter, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write(body)
}

// queryNotFound names the parameter when a location or service is unknown.
func queryNotFound(err error) error {
	if ce, ok := err.(*clinic.Error); !ok || ce.Code != clinic.ENotFound || len(ce.Fields) > 0 {
		return err
	}
	return clinic.Errorf(clinic.ENotFound, "No such location or service in this clinic.")
}

// ClientJSON is a client's contact details in a booking request.
type ClientJSON struct {
	Name  string `json:"name"`
	Email string `json:"email"`
	Phone string `json:"phone"`
}

// BookJSON is the body of a booking request.
type BookJSON struct {
	Service   string      `json:"service"`
	Location  string      `json:"location"`
	Therapist string      `json:"therapist,omitempty"`
	Start     string      `json:"start"`
	Client    *ClientJSON `json:"client,omitempty"`
	ClientID  string      `json:"client_id,omitempty"`
}

// AppointmentJSON is an appointment as the API shows it.
type AppointmentJSON struct {
	ID          string `json:"id"`
	Status      string `json:"status"`
	Start       string `json:"start"`
	End         string `json:"end"`
	Therapist   string `json:"therapist"`
	Location    string `json:"location"`
	Service     string `json:"service"`
	Room        string `json:"room,omitempty"`
	Client      string `json:"client,omitempty"`
	CancelFee   int64  `json:"cancel_fee,omitempty"`
	CheckedIn   string `json:"checked_in,omitempty"` // staff only: when the client arrived
	CancelToken string `json:"cancel_token,omitempty"`
}

// zones finds locations' time zones, each once per request.
type zones struct {
	a     *API
	ctx   context.Context
	cache map[string]*time.Location
}

func (a *API) zones(ctx context.Context) *zones {
	return &zones{a: a, ctx: ctx, cache: map[string]*time.Location{}}
}

func (z *zones) of(clinicID, locationID string) *time.Location {
	if zone, ok := z.cache[locationID]; ok {
		return zone
	}
	zone := time.UTC
	if l, err := z.a.store.GetLocation(z.ctx, clinicID, locationID); err == nil {
		if lz, err := civil.Zone(l.TimeZone); err == nil {
			zone = lz
		}
	}
	z.cache[locationID] = zone
	return zone
}

// appointmentJSON shows ap in its location's zone. showClient is for staff.
func (a *API) appointmentJSON(ctx context.Context, ap clinic.Appointment, showClient bool) AppointmentJSON {
	return appointmentIn(a.zones(ctx), ap, showClient)
}

func appointmentIn(z *zones, ap clinic.Appointment, showClient bool) AppointmentJSON {
	zone := z.of(ap.ClinicID, ap.LocationID)
	out := AppointmentJSON{ID: ap.ID, Status: ap.Status, Start: ap.Start.In(zone).Format(time.RFC3339), End: ap.End.In(zone).Format(time.RFC3339),
		Therapist: ap.TherapistID, Location: ap.LocationID, Service: ap.ServiceID, CancelFee: ap.CancelFee}
	if showClient {
		out.Room, out.Client = ap.RoomID, ap.ClientID
		if !ap.CheckedIn.IsZero() {
			out.CheckedIn = ap.CheckedIn.In(zone).Format(time.RFC3339)
		}
	}
	return out
}

func parseInstant(field, s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return t, &clinic.Error{Code: clinic.EInvalid, Message: "A time is not in RFC 3339 form.",
			Fields: []clinic.FieldError{{Field: field, Message: "must be an RFC 3339 time such as 2027-01-04T09:00:00-05:00"}}}
	}
	return t, nil
}

func (a *API) book(w http.ResponseWriter, r *http.Request) error {
	c, u, err := a.optionalStaff(r, auth.Book)
	if err != nil {
		return err
	}
	var body BookJSON
	if err := decode(w, r, &body); err != nil {
		return err
	}
	req := booking.Request{ClinicID: c.ID, LocationID: body.Location, ServiceID: body.Service, TherapistID: body.Therapist,
		Staff: u != nil, ClientID: body.ClientID, IdempotencyKey: r.Header.Get("Idempotency-Key")}
	if body.Start != "" {
		if req.Start, err = parseInstant("start", body.Start); err != nil {
			return err
		}
	}
	if body.Client != nil {
		req.Client = clinic.Client{Name: body.Client.Name, Email: strings.TrimSpace(body.Client.Email), Phone: body.Client.Phone}
	}
	if body.ClientID != "" {
		if u == nil {
			return &clinic.Error{Code: clinic.EInvalid, Message: "Only staff may book for an existing client.",
				Fields: []clinic.FieldError{{Field: "client_id", Message: "send the client's name, email and phone instead"}}}
		}
		if _, err := a.store.GetClient(r.Context(), c.ID, body.ClientID); err != nil {
			return notFoundAs(err, "client")
		}
	}
	now := a.now()
	b, err := booking.Book(r.Context(), a.store, req, now)
	if err != nil {
		return a.withAlternatives(r.Context(), err, req, now)
	}
	out := a.appointmentJSON(r.Context(), b.Appointment, u != nil)
	out.CancelToken = b.CancelToken
	status := http.StatusCreated
	if b.Replayed {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	writeJSON(w, status, out)
	return nil
}

// takenError is a conflict that carries nearby free slots.
type takenError struct {
	cause        *clinic.Error
	alternatives []SlotJSON
}

func (e *takenError) Error() string { return e.cause.Error() }
func (e *takenError) Unwrap() error { return e.cause }

// withAlternatives adds the free slots nearest to a taken time, so that a
// client who lost a race is offered what is still free.
func (a *API) withAlternatives(ctx context.Context, err error, req booking.Request, now time.Time) error {
	ce, ok := err.(*clinic.Error)
	if !ok || ce.Code != clinic.EConflict {
		return queryNotFound(err)
	}
	av, qerr := booking.Nearest(ctx, a.store, req, now, 5)
	if qerr != nil {
		return err
	}
	return &takenError{cause: ce, alternatives: slotsJSON(av, av.Slots, req.LocationID)}
}

// actor returns who is changing a booking: staff with the Book right, or a
// client with the token from the query or body.
func (a *API) actor(r *http.Request, token string, waive bool) (clinic.Clinic, booking.Actor, error) {
	c, u, err := a.optionalStaff(r, auth.Book)
	if err != nil {
		return c, booking.Actor{}, err
	}
	if u != nil {
		return c, booking.Actor{Staff: true, WaiveFee: waive}, nil
	}
	if token == "" {
		return c, booking.Actor{}, clinic.Errorf(clinic.EUnauthorized, "Send the booking's cancel_token, or log in as staff.")
	}
	return c, booking.Actor{CancelToken: token}, nil
}

// CancelJSON is the body of a cancellation.
type CancelJSON struct {
	CancelToken string `json:"cancel_token,omitempty"`
	WaiveFee    bool   `json:"waive_fee,omitempty"`
}

func (a *API) cancel(w http.ResponseWriter, r *http.Request) error {
	var body CancelJSON
	if r.ContentLength != 0 {
		if err := decode(w, r, &body); err != nil {
			return err
		}
	}
	c, actor, err := a.actor(r, body.CancelToken, body.WaiveFee)
	if err != nil {
		return err
	}
	ap, err := booking.Cancel(r.Context(), a.store, c.ID, r.PathValue("id"), actor, a.now())
	if err != nil {
		return notFoundAs(err, "appointment")
	}
	writeJSON(w, http.StatusOK, a.appointmentJSON(r.Context(), ap, actor.Staff))
	return nil
}

// RescheduleJSON is the body of a reschedule.
type RescheduleJSON struct {
	Start       string `json:"start"`
	Therapist   string `json:"therapist,omitempty"` // "" keeps the therapist; "any" lets knead choose
	CancelToken string `json:"cancel_token,omitempty"`
	WaiveFee    bool   `json:"waive_fee,omitempty"`
}

func (a *API) reschedule(w http.ResponseWriter, r *http.Request) error {
	var body RescheduleJSON
	if err := decode(w, r, &body); err != nil {
		return err
	}
	c, actor, err := a.actor(r, body.CancelToken, body.WaiveFee)
	if err != nil {
		return err
	}
	m := booking.Move{TherapistID: body.Therapist}
	if body.Start != "" {
		if m.Start, err = parseInstant("start", body.Start); err != nil {
			return err
		}
	}
	ap, err := booking.Reschedule(r.Context(), a.store, c.ID, r.PathValue("id"), m, actor, a.now())
	if err != nil {
		return notFoundAs(err, "appointment")
	}
	writeJSON(w, http.StatusOK, a.appointmentJSON(r.Context(), ap, actor.Staff))
	return nil
}

// MarkJSON is the body of a check-in, completion or no-show.
type MarkJSON struct {
	Mark string `json:"mark"` // check_in, complete or no_show
}

func (a *API) mark(w http.ResponseWriter, r *http.Request) error {
	var body MarkJSON
	if err := decode(w, r, &body); err != nil {
		return err
	}
	c, _, err := a.staff(r, auth.Book)
	if err != nil {
		return err
	}
	ap, err := booking.Mark(r.Context(), a.store, c.ID, r.PathValue("id"), body.Mark, a.now())
	if err != nil {
		return notFoundAs(err, "appointment")
	}
	writeJSON(w, http.StatusOK, a.appointmentJSON(r.Context(), ap, true))
	return nil
}

func (a *API) getAppointment(w http.ResponseWriter, r *http.Request) error {
	c, actor, err := a.actor(r, r.URL.Query().Get("cancel_token"), false)
	if err != nil {
		return err
	}
	ap, err := a.store.GetAppointment(r.Context(), c.ID, r.PathValue("id"))
	if err != nil {
		return notFoundAs(err, "appointment")
	}
	if !actor.Staff && !auth.TokenMatches(actor.CancelToken, ap.CancelTokenHash) {
		return clinic.Errorf(clinic.EForbidden, "The cancel token does not match this booking.")
	}
	writeJSON(w, http.StatusOK, a.appointmentJSON(r.Context(), ap, actor.Staff))
	return nil
}

func (a *API) listAppointments(w http.ResponseWriter, r *http.Request) error {
	c, u, err := a.staff(r, auth.ReadOwnVisits)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := clinic.AppointmentFilter{LocationID: q.Get("location"), TherapistID: q.Get("therapist"), ClientID: q.Get("client"), Status: q.Get("status")}
	var v clinic.Validation
	for _, p := range []struct {
		name string
		t    *time.Time
	}{{"from", &f.From}, {"to", &f.To}} {
		if s := q.Get(p.name); s != "" {
			t, err := time.Parse(time.RFC3339, s)
			v.Check(err == nil, p.name, "must be an RFC 3339 time")
			*p.t = t
		}
	}
	if s := f.Status; s != "" {
		v.Check(s == clinic.StatusBooked || s == clinic.StatusCancelled || s == clinic.StatusCompleted || s == clinic.StatusNoShow,
			"status", "must be booked, cancelled, completed or no_show")
	}
	if err := v.Err(); err != nil {
		return err
	}
	if auth.Authorize(u, c.ID, auth.ReadSchedule) != nil {
		// A therapist sees only their own visits.
		if f.TherapistID != "" && f.TherapistID != u.TherapistID {
			return clinic.Errorf(clinic.EForbidden, "Therapists see only their own visits.")
		}
		f.TherapistID = u.TherapistID
		if f.TherapistID == "" {
			return clinic.Errorf(clinic.EForbidden, "Your account is not linked to a therapist.")
		}
	}
	list, err := a.store.ListAppointments(r.Context(), c.ID, f)
	if err != nil {
		return err
	}
	items := make([]AppointmentJSON, len(list))
	z := a.zones(r.Context())
	for i, ap := range list {
		items[i] = appointmentIn(z, ap, true)
	}
	writeJSON(w, http.StatusOK, Items[AppointmentJSON]{Items: items})
	return nil
}
