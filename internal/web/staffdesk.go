package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"knead/internal/auth"
	"knead/internal/booking"
	"knead/internal/civil"
	"knead/internal/clinic"
	"knead/internal/intake"
)

// The front desk's pages, under /staff: the day or week of a location with
// a column per therapist and the rooms in use, a visit's page with its
// actions (check in, completed, no-show, cancel, move), booking on a
// client's behalf, and the client search. Owners and front desk may do
// everything here; a therapist sees their own visits and nothing else.

func (w *Web) registerStaff(mux *http.ServeMux) {
	mux.Handle("GET /staff/visit/{id}", w.page(w.staffVisit))
	mux.Handle("POST /staff/visit/{id}/mark", w.page(w.staffMark))
	mux.Handle("POST /staff/visit/{id}/cancel", w.page(w.staffCancel))
	mux.Handle("POST /staff/visit/{id}/move", w.page(w.staffMove))
	mux.Handle("GET /staff/book", w.page(w.staffBook))
	mux.Handle("POST /staff/book", w.page(w.staffBookSubmit))
	mux.Handle("GET /staff/clients", w.page(w.staffClients))
	mux.Handle("GET /staff/audit", w.page(w.staffAudit))
}

// desk is the logged-in staff member with the clinic's catalog.
type desk struct {
	Clinic clinic.Clinic
	User   clinic.User
	Role   string
	cat    catalog
	Books  bool   // may book, cancel and change visits
	CSRF   string // for the staff bar's logout form
}

// desk reads the staff member of the request; a visitor who is not logged
// in is sent to /login (redirect is then set).
func (w *Web) desk(r *http.Request) (d desk, redirect *view, err error) {
	c, u, err := w.staff(r)
	if clinic.ErrorCode(err) == clinic.EUnauthorized {
		return d, &view{redirect: "/login"}, nil
	}
	if err != nil {
		return d, nil, err
	}
	cat, err := w.catalog(r.Context(), c)
	if err != nil {
		return d, nil, err
	}
	return desk{Clinic: c, User: u, Role: roleName(u.Role), cat: cat, Books: auth.Authorize(u, c.ID, auth.Book) == nil,
		CSRF: csrfOf(r)}, nil, nil
}

// may fails unless the staff member may take action.
func (d desk) may(a auth.Action) error { return auth.Authorize(d.User, d.Clinic.ID, a) }

// calendar is the day (or week) of one location.
type calendar struct {
	desk
	Locations []clinic.Location
	Location  clinic.Location
	Week      bool
	Day       time.Time // noon of the (first) day
	Days      []time.Time
	Prev      string
	Next      string
	DayURL    string
	WeekURL   string
	BookURL   string
	Columns   []column
	Rooms     []roomUse
	Now       time.Time
}

type column struct {
	Therapist string
	Days      [][]visitRow // one list a day (one day in the day view)
}

type visitRow struct {
	ID         string
	Start, End time.Time
	Client     string
	Service    string
	Room       string
	Status     string
	CheckedIn  time.Time
	CanCheckIn bool
	CanFinish  bool // completed or no-show may be marked
}

type roomUse struct {
	Room  string
	Times []string
}

func (w *Web) staffHome(r *http.Request) (*view, error) {
	d, redirect, err := w.desk(r)
	if redirect != nil || err != nil {
		return redirect, err
	}
	cal := calendar{desk: d, Locations: d.cat.Locations, Now: w.now()}
	if len(cal.Locations) == 0 {
		return &view{page: "staff.html", title: "Staff", data: cal}, nil
	}
	q := r.URL.Query()
	cal.Location = cal.Locations[0]
	if l, ok := d.cat.location(q.Get("location")); ok {
		cal.Location = l
	}
	cal.Week = q.Get("view") == "week"
	day := w.today(cal.Location)
	if asked, err := civil.ParseDate(q.Get("day")); err == nil {
		day = asked
	}
	days := 1
	if cal.Week {
		day = day.AddDays(-int(noon(day).Weekday()+6) % 7) // from Monday
		days = 7
	}
	link := func(view string, day civil.Date) string {
		v := url.Values{"location": {cal.Location.ID}, "day": {day.String()}}
		if view == "week" {
			v.Set("view", "week")
		}
		return "/staff?" + v.Encode()
	}
	thisView := map[bool]string{true: "week", false: "day"}[cal.Week]
	cal.Day, cal.Prev, cal.Next = noon(day), link(thisView, day.AddDays(-days)), link(thisView, day.AddDays(days))
	cal.DayURL, cal.WeekURL = link("day", day), link("week", day)
	cal.BookURL = "/staff/book?" + url.Values{"location": {cal.Location.ID}, "day": {day.String()}}.Encode()
	for i := range days {
		cal.Days = append(cal.Days, noon(day.AddDays(i)))
	}
	zone := zoneOf(cal.Location)
	f := clinic.AppointmentFilter{LocationID: cal.Location.ID, From: day.In(zone, 0), To: day.AddDays(days).In(zone, 0), Limit: 5000}
	if d.may(auth.ReadSchedule) != nil {
		if d.User.TherapistID == "" {
			return nil, clinic.Errorf(clinic.EForbidden, "Your account is not linked to a therapist: ask the owner.")
		}
		f.TherapistID = d.User.TherapistID
	}
	visits, err := w.store.ListAppointments(r.Context(), d.Clinic.ID, f)
	if err != nil {
		return nil, err
	}
	names, err := w.clientNames(r.Context(), d.Clinic.ID, visits)
	if err != nil {
		return nil, err
	}
	rooms, err := w.store.ListRooms(r.Context(), d.Clinic.ID)
	if err != nil {
		return nil, err
	}
	now := w.now()
	for _, t := range d.cat.therapistsAt(cal.Location.ID, "") {
		if f.TherapistID != "" && t.ID != f.TherapistID {
			continue
		}
		col := column{Therapist: t.Name, Days: make([][]visitRow, days)}
		for _, a := range visits {
			if a.TherapistID != t.ID || a.Status == clinic.StatusCancelled {
				continue
			}
			i := day.DaysUntil(civil.DateOf(a.Start.In(zone)))
			svc, _ := d.cat.service(a.ServiceID)
			row := visitRow{ID: a.ID, Start: a.Start.In(zone), End: a.End.In(zone), Client: names[a.ClientID], Service: svc.Name,
				Room: roomOf(rooms, a.RoomID), Status: a.Status, CheckedIn: a.CheckedIn.In(zone)}
			row.CanCheckIn, row.CanFinish = markable(d, a, now)
			col.Days[i] = append(col.Days[i], row)
		}
		cal.Columns = append(cal.Columns, col)
	}
	if !cal.Week {
		for _, rm := range rooms {
			if rm.LocationID != cal.Location.ID {
				continue
			}
			use := roomUse{Room: rm.Name}
			for _, a := range visits {
				if a.RoomID == rm.ID && a.Status != clinic.StatusCancelled {
					use.Times = append(use.Times, a.Start.In(zone).Format("15:04")+"–"+a.End.In(zone).Format("15:04"))
				}
			}
			cal.Rooms = append(cal.Rooms, use)
		}
	}
	title := "Day at " + cal.Location.Name
	if cal.Week {
		title = "Week at " + cal.Location.Name
	}
	return &view{page: "staff.html", title: title, data: cal}, nil
}

// markable says which marks the buttons offer for a visit now.
func markable(d desk, a clinic.Appointment, now time.Time) (checkIn, finish bool) {
	if !d.Books || a.Status != clinic.StatusBooked {
		return false, false
	}
	checkIn = a.CheckedIn.IsZero() && !now.Before(a.Start.Add(-2*time.Hour)) && now.Before(a.End)
	return checkIn, !now.Before(a.Start)
}

func roomOf(rooms []clinic.Room, id string) string {
	i := slices.IndexFunc(rooms, func(r clinic.Room) bool { return r.ID == id })
	if i < 0 {
		return ""
	}
	return rooms[i].Name
}

// clientNames reads the names of the visits' clients.
func (w *Web) clientNames(ctx context.Context, clinicID string, visits []clinic.Appointment) (map[string]string, error) {
	names := map[string]string{}
	for _, a := range visits {
		if _, ok := names[a.ClientID]; ok || a.ClientID == "" {
			continue
		}
		c, err := w.store.GetClient(ctx, clinicID, a.ClientID)
		if err != nil && clinic.ErrorCode(err) != clinic.ENotFound {
			return nil, err
		}
		names[a.ClientID] = c.Name
	}
	return names, nil
}

// staffVisitData is a visit's page for staff.
type staffVisitData struct {
	desk
	Appointment clinic.Appointment
	Client      clinic.Client
	Service     clinic.Service
	Location    clinic.Location
	Therapist   string
	Room        string
	Start, End  time.Time
	CheckedIn   time.Time
	CanCheckIn  bool
	CanFinish   bool
	Late        bool  // inside the cancellation window
	Fee         int64 // the fee a late cancellation charges
	Problem     string
	Done        string
	// Moving it: a day and its free times.
	MoveDay   string
	MoveSlots []slot
	// Cautions of the client's latest intake for this visit's modality
	// (DOMAIN.md section 5), for the owner and the client's therapist only.
	Cautions []caution
}

type caution struct {
	Condition, Level string
	Areas            []string
}

func (w *Web) staffVisitView(r *http.Request, problem string) (*view, error) {
	d, redirect, err := w.desk(r)
	if redirect != nil || err != nil {
		return redirect, err
	}
	a, err := w.store.GetAppointment(r.Context(), d.Clinic.ID, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	if d.may(auth.ReadSchedule) != nil && a.TherapistID != d.User.TherapistID {
		return nil, clinic.Errorf(clinic.ENotFound, "Appointment not found.")
	}
	v := staffVisitData{desk: d, Appointment: a, Problem: problem, Done: r.URL.Query().Get("done")}
	if v.Client, err = w.store.GetClient(r.Context(), d.Clinic.ID, a.ClientID); err != nil && clinic.ErrorCode(err) != clinic.ENotFound {
		return nil, err
	}
	v.Service, _ = d.cat.service(a.ServiceID)
	v.Location, _ = d.cat.location(a.LocationID)
	if t, ok := d.cat.therapist(a.TherapistID); ok {
		v.Therapist = t.Name
	}
	rooms, err := w.store.ListRooms(r.Context(), d.Clinic.ID)
	if err != nil {
		return nil, err
	}
	v.Room = roomOf(rooms, a.RoomID)
	zone := zoneOf(v.Location)
	v.Start, v.End, v.CheckedIn = a.Start.In(zone), a.End.In(zone), a.CheckedIn.In(zone)
	now := w.now()
	v.CanCheckIn, v.CanFinish = markable(d, a, now)
	v.Late = a.Start.Sub(now) < time.Duration(v.Service.CancelWindowHours)*time.Hour
	v.Fee = v.Service.LateCancelFee
	if d.Books && a.Status == clinic.StatusBooked {
		day := civil.DateOf(v.Start)
		if asked, err := civil.ParseDate(r.URL.Query().Get("move")); err == nil {
			day = asked
		}
		v.MoveDay = day.String()
		av, err := booking.Slots(r.Context(), w.store, booking.Query{ClinicID: d.Clinic.ID, LocationID: a.LocationID,
			ServiceID: a.ServiceID, TherapistID: a.TherapistID, From: day, To: day, Staff: true, IgnoreID: a.ID}, now)
		if err != nil {
			return nil, err
		}
		v.MoveSlots = freeSlots(av, d.cat)
	}
	if v.Cautions, err = w.cautions(r, d, a, v.Service.Modality, now); err != nil {
		return nil, err
	}
	status := http.StatusOK
	if problem != "" {
		status = http.StatusConflict
	}
	return &view{page: "staff_visit.html", title: "Visit", status: status, data: v}, nil
}

func (w *Web) staffVisit(r *http.Request) (*view, error) { return w.staffVisitView(r, "") }

// staffChange runs a change of the visit of the URL by staff who may book,
// then shows the visit again with what happened.
func (w *Web) staffChange(r *http.Request, change func(d desk, id string) (string, error)) (*view, error) {
	d, redirect, err := w.desk(r)
	if redirect != nil || err != nil {
		return redirect, err
	}
	if err := d.may(auth.Book); err != nil {
		return nil, err
	}
	id := r.PathValue("id")
	done, err := change(d, id)
	switch clinic.ErrorCode(err) {
	case "":
		return &view{redirect: "/staff/visit/" + url.PathEscape(id) + "?done=" + url.QueryEscape(done)}, nil
	case clinic.EPolicy, clinic.EConflict, clinic.EInvalid:
		return w.staffVisitView(r, clinic.ErrorMessage(err))
	}
	return nil, err
}

func (w *Web) staffMark(r *http.Request) (*view, error) {
	return w.staffChange(r, func(d desk, id string) (string, error) {
		mark := r.PostFormValue("mark")
		_, err := booking.Mark(r.Context(), w.store, d.Clinic.ID, id, mark, w.now())
		return map[string]string{booking.MarkCheckIn: "Checked in.", booking.MarkComplete: "Marked completed.",
			booking.MarkNoShow: "Marked a no-show."}[mark], err
	})
}

func (w *Web) staffCancel(r *http.Request) (*view, error) {
	return w.staffChange(r, func(d desk, id string) (string, error) {
		a, err := booking.Cancel(r.Context(), w.store, d.Clinic.ID, id,
			booking.Actor{Staff: true, WaiveFee: r.PostFormValue("waive") == "1"}, w.now())
		if err == nil && a.CancelFee > 0 {
			return "Cancelled, with the late-cancellation fee.", nil
		}
		return "Cancelled.", err
	})
}

func (w *Web) staffMove(r *http.Request) (*view, error) {
	return w.staffChange(r, func(d desk, id string) (string, error) {
		start, err := time.Parse(time.RFC3339, r.PostFormValue("start"))
		if err != nil {
			return "", clinic.Errorf(clinic.EInvalid, "Pick one of the free times.")
		}
		_, err = booking.Reschedule(r.Context(), w.store, d.Clinic.ID, id, booking.Move{Start: start},
			booking.Actor{Staff: true, WaiveFee: true}, w.now())
		return "Moved.", err
	})
}

// staffBookData is booking on a client's behalf: who, what, when.
type staffBookData struct {
	desk
	Query     string
	Matches   []clinic.Client
	Client    clinic.Client // chosen, or typed for a new client
	ClientID  string
	Services  []clinic.Service
	Locations []clinic.Location
	Staff     []clinic.Therapist
	Service   string
	Location  string
	Therapist string
	Day       string
	Slots     []slot
	Searched  bool
	Problem   string
	Errors    map[string]string
}

func (w *Web) staffBook(r *http.Request) (*view, error) {
	d, redirect, err := w.desk(r)
	if redirect != nil || err != nil {
		return redirect, err
	}
	if err := d.may(auth.Book); err != nil {
		return nil, err
	}
	return w.staffBookView(r, d, r.URL.Query(), "", nil)
}

func (w *Web) staffBookView(r *http.Request, d desk, q url.Values, problem string, errs map[string]string) (*view, error) {
	b := staffBookData{desk: d, Query: strings.TrimSpace(q.Get("q")), Services: d.cat.Services, Locations: d.cat.Locations,
		Staff: d.cat.Therapists, Service: q.Get("service"), Location: q.Get("location"), Therapist: q.Get("therapist"),
		Day: q.Get("day"), ClientID: q.Get("client"), Problem: problem, Errors: errs,
		Client: clinic.Client{Name: q.Get("name"), Email: q.Get("email"), Phone: q.Get("phone")}}
	ctx := r.Context()
	if b.Query != "" {
		var err error
		if b.Matches, err = w.store.ListClients(ctx, d.Clinic.ID, b.Query, 20); err != nil {
			return nil, err
		}
	}
	if b.ClientID != "" {
		c, err := w.store.GetClient(ctx, d.Clinic.ID, b.ClientID)
		if err != nil {
			return nil, err
		}
		b.Client = c
	}
	if b.Location == "" && len(d.cat.Locations) > 0 {
		b.Location = d.cat.Locations[0].ID
	}
	loc, okL := d.cat.location(b.Location)
	_, okS := d.cat.service(b.Service)
	day, errD := civil.ParseDate(b.Day)
	if okL && errD != nil {
		day, b.Day = w.today(loc), w.today(loc).String()
	}
	if okL && okS {
		b.Searched = true
		therapist := b.Therapist
		if therapist == "any" {
			therapist = ""
		}
		av, err := booking.Slots(ctx, w.store, booking.Query{ClinicID: d.Clinic.ID, LocationID: b.Location, ServiceID: b.Service,
			TherapistID: therapist, From: day, To: day, Staff: true}, w.now())
		if err != nil && clinic.ErrorCode(err) != clinic.EInvalid {
			return nil, err
		}
		if err != nil {
			b.Problem = clinic.ErrorMessage(err)
		}
		b.Slots = freeSlots(av, d.cat)
	}
	status := http.StatusOK
	if problem != "" || len(errs) > 0 {
		status = http.StatusUnprocessableEntity
	}
	return &view{page: "staff_book.html", title: "Book for a client", status: status, data: b}, nil
}

func (w *Web) staffBookSubmit(r *http.Request) (*view, error) {
	d, redirect, err := w.desk(r)
	if redirect != nil || err != nil {
		return redirect, err
	}
	if err := d.may(auth.Book); err != nil {
		return nil, err
	}
	f := r.PostForm
	start, err := time.Parse(time.RFC3339, f.Get("start"))
	if err != nil {
		return w.staffBookView(r, d, f, "Pick one of the free times.", nil)
	}
	therapist := f.Get("therapist")
	if therapist == "any" {
		therapist = ""
	}
	req := booking.Request{ClinicID: d.Clinic.ID, LocationID: f.Get("location"), ServiceID: f.Get("service"), TherapistID: therapist,
		Start: start, Staff: true, ClientID: f.Get("client"),
		Client:         clinic.Client{Name: strings.TrimSpace(f.Get("name")), Email: strings.TrimSpace(f.Get("email")), Phone: strings.TrimSpace(f.Get("phone"))},
		IdempotencyKey: "desk-" + f.Get("key")}
	if f.Get("key") == "" {
		req.IdempotencyKey = ""
	}
	b, err := booking.Book(r.Context(), w.store, req, w.now())
	switch clinic.ErrorCode(err) {
	case "":
		return &view{redirect: "/staff/visit/" + url.PathEscape(b.Appointment.ID) + "?done=" + url.QueryEscape("Booked.")}, nil
	case clinic.EInvalid:
		return w.staffBookView(r, d, f, "Please check the client's details.", fieldErrors(err))
	case clinic.EConflict, clinic.EPolicy, clinic.ENotFound:
		return w.staffBookView(r, d, f, clinic.ErrorMessage(err), nil)
	}
	return nil, err
}

// staffClientsData is the client search.
type staffClientsData struct {
	desk
	Query   string
	Clients []clinic.Client
	Client  clinic.Client // the one opened, with its visits
	Visits  []visitLine
}

type visitLine struct {
	ID      string
	Start   time.Time
	Service string
	Status  string
}

func (w *Web) staffClients(r *http.Request) (*view, error) {
	d, redirect, err := w.desk(r)
	if redirect != nil || err != nil {
		return redirect, err
	}
	if err := d.may(auth.ReadSchedule); err != nil {
		return nil, err
	}
	q := r.URL.Query()
	p := staffClientsData{desk: d, Query: strings.TrimSpace(q.Get("q"))}
	if p.Query != "" {
		if p.Clients, err = w.store.ListClients(r.Context(), d.Clinic.ID, p.Query, 50); err != nil {
			return nil, err
		}
	}
	if id := q.Get("client"); id != "" {
		if p.Client, err = w.store.GetClient(r.Context(), d.Clinic.ID, id); err != nil {
			return nil, err
		}
		visits, err := w.store.ListAppointments(r.Context(), d.Clinic.ID, clinic.AppointmentFilter{ClientID: id})
		if err != nil {
			return nil, err
		}
		for _, a := range visits {
			svc, _ := d.cat.service(a.ServiceID)
			loc, _ := d.cat.location(a.LocationID)
			p.Visits = append(p.Visits, visitLine{ID: a.ID, Start: a.Start.In(zoneOf(loc)), Service: svc.Name, Status: a.Status})
		}
	}
	return &view{page: "staff_clients.html", title: "Clients", data: p}, nil
}

// auditData is the owner's view of the audit log of clinical reads and
// changes: who, what, when, about whom. Nobody can change it.
type auditData struct {
	desk
	Entries []auditLine
}

type auditLine struct {
	At                     time.Time
	Who, Action, Client    string
	ClientID, Detail, Zone string
}

func (w *Web) staffAudit(r *http.Request) (*view, error) {
	d, redirect, err := w.desk(r)
	if redirect != nil || err != nil {
		return redirect, err
	}
	if err := d.may(auth.ReadAudit); err != nil {
		return nil, err
	}
	entries, err := w.store.ListAudit(r.Context(), d.Clinic.ID, 200)
	if err != nil {
		return nil, err
	}
	users, err := w.store.ListUsers(r.Context(), d.Clinic.ID)
	if err != nil {
		return nil, err
	}
	who := map[string]string{}
	for _, u := range users {
		who[u.ID] = u.Name + " (" + roleName(u.Role) + ")"
	}
	names := map[string]string{}
	zone := time.UTC
	if len(d.cat.Locations) > 0 {
		zone = zoneOf(d.cat.Locations[0])
	}
	p := auditData{desk: d}
	for _, e := range entries {
		l := auditLine{At: e.At.In(zone), Action: strings.ReplaceAll(e.Action, "_", " "), ClientID: e.ClientID, Detail: e.Detail}
		l.Who = who[e.Actor]
		if strings.HasPrefix(e.Actor, "client:") {
			l.Who = "the client"
		} else if l.Who == "" {
			l.Who = e.Actor
		}
		if _, ok := names[e.ClientID]; !ok && e.ClientID != "" {
			c, err := w.store.GetClient(r.Context(), d.Clinic.ID, e.ClientID)
			if err != nil && clinic.ErrorCode(err) != clinic.ENotFound {
				return nil, err
			}
			names[e.ClientID] = c.Name
		}
		l.Client = names[e.ClientID]
		p.Entries = append(p.Entries, l)
	}
	return &view{page: "staff_audit.html", title: "Audit log", data: p}, nil
}

// cautions reads what the client's latest intake says of the visit's
// modality, for the owner and the client's therapist (clinical data: the
// read is audited); the front desk gets nothing.
func (w *Web) cautions(r *http.Request, d desk, a clinic.Appointment, modality string, now time.Time) ([]caution, error) {
	if d.may(auth.ReadClinical) != nil {
		return nil, nil
	}
	st, err := w.store.ClientStatus(r.Context(), d.Clinic.ID, a.ClientID)
	if err != nil || !st.HasIntake {
		return nil, err
	}
	var answers intake.Answers
	if err := json.Unmarshal(st.Answers, &answers); err != nil {
		return nil, fmt.Errorf("stored intake: %w", err)
	}
	if _, err := w.store.AddAudit(r.Context(), clinic.AuditEntry{ClinicID: d.Clinic.ID, At: now, Actor: d.User.ID,
		Action: "read_cautions", ClientID: a.ClientID, Detail: fmt.Sprintf("intake version %d", st.Version)}); err != nil {
		return nil, err
	}
	var out []caution
	for _, c := range intake.Assess(answers, now)[modality].Concerns {
		if c.Level == intake.LevelNone {
			continue
		}
		out = append(out, caution{Condition: c.Condition, Level: c.Level.String(), Areas: c.Areas})
	}
	return out, nil
}
