package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"knead/internal/api"
	"knead/internal/auth"
	"knead/internal/civil"
	"knead/internal/clinic"
)

// Staff log in at /login with their clinic, email and password; the session
// is a cookie holding a random token whose hash the store keeps (the same
// sessions as the API's bearer tokens), so any knead process knows it.
const sessionCookie = "knead_session"

type loginPage struct {
	Clinics []clinic.Clinic
	Clinic  string // the slug chosen
	Email   string
	Problem string
}

func (w *Web) loginPage(r *http.Request) (*view, error) {
	if _, _, err := w.staff(r); err == nil {
		return &view{redirect: "/staff"}, nil
	}
	p, err := w.loginForm(r, "", "", "")
	if err != nil {
		return nil, err
	}
	return &view{page: "login.html", title: "Staff login", data: p}, nil
}

func (w *Web) loginForm(r *http.Request, slug, email, problem string) (loginPage, error) {
	clinics, err := w.store.ListClinics(r.Context())
	if err != nil {
		return loginPage{}, err
	}
	slices.SortFunc(clinics, func(a, b clinic.Clinic) int { return strings.Compare(a.Name, b.Name) })
	if slug == "" && len(clinics) == 1 {
		slug = clinics[0].Slug
	}
	return loginPage{Clinics: clinics, Clinic: slug, Email: email, Problem: problem}, nil
}

func (w *Web) loginSubmit(rw http.ResponseWriter, r *http.Request) (*view, error) {
	ctx := r.Context()
	slug, email, password := r.PostFormValue("clinic"), strings.TrimSpace(r.PostFormValue("email")), r.PostFormValue("password")
	refuse := func(status int, problem string) (*view, error) {
		p, err := w.loginForm(r, slug, email, problem)
		if err != nil {
			return nil, err
		}
		return &view{page: "login.html", title: "Staff login", status: status, data: p}, nil
	}
	now := w.now()
	throttle := auth.NewThrottle(slug, email, api.ClientAddress(r))
	if err := throttle.Check(ctx, w.store, now); err != nil {
		if clinic.ErrorCode(err) == clinic.ETooMany {
			return refuse(http.StatusTooManyRequests, err.(*clinic.Error).Message)
		}
		return nil, err
	}
	var u clinic.User
	c, err := w.store.ClinicBySlug(ctx, slug)
	if err == nil {
		u, err = w.store.UserByEmail(ctx, c.ID, email)
	}
	if err != nil && clinic.ErrorCode(err) != clinic.ENotFound {
		return nil, err
	}
	// An unknown clinic or email costs a password comparison too.
	if !auth.CheckPassword(u.PasswordHash, password) {
		if err := throttle.Failed(ctx, w.store, now); err != nil {
			return nil, err
		}
		return refuse(http.StatusUnauthorized, "The clinic, email or password is wrong.")
	}
	if err := throttle.Succeeded(ctx, w.store); err != nil {
		return nil, err
	}
	token, hash, err := auth.NewToken()
	if err != nil {
		return nil, err
	}
	s := clinic.Session{TokenHash: hash, UserID: u.ID, ClinicID: c.ID, Created: now, Expires: now.Add(api.SessionTTL)}
	if err := w.store.CreateSession(ctx, s); err != nil {
		return nil, err
	}
	w.log.InfoContext(ctx, "staff login", "clinic", c.Slug, "user", u.ID)
	http.SetCookie(rw, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: overTLS(r), Expires: s.Expires})
	return &view{redirect: "/staff"}, nil
}

func (w *Web) logout(rw http.ResponseWriter, r *http.Request) (*view, error) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := w.store.DeleteSession(r.Context(), auth.HashToken(c.Value)); err != nil {
			return nil, err
		}
	}
	http.SetCookie(rw, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: overTLS(r), MaxAge: -1})
	return &view{redirect: "/login"}, nil
}

// staff returns the logged-in staff member and their clinic, or
// EUnauthorized.
func (w *Web) staff(r *http.Request) (clinic.Clinic, clinic.User, error) {
	ck, err := r.Cookie(sessionCookie)
	if err != nil || ck.Value == "" {
		return clinic.Clinic{}, clinic.User{}, clinic.Errorf(clinic.EUnauthorized, "Please log in.")
	}
	s, u, err := w.store.SessionByTokenHash(r.Context(), auth.HashToken(ck.Value), w.now())
	if clinic.ErrorCode(err) == clinic.ENotFound {
		return clinic.Clinic{}, clinic.User{}, clinic.Errorf(clinic.EUnauthorized, "Your session has ended. Please log in again.")
	}
	if err != nil {
		return clinic.Clinic{}, clinic.User{}, err
	}
	c, err := w.store.GetClinic(r.Context(), s.ClinicID)
	return c, u, err
}

func (w *Web) registerStaff(mux *http.ServeMux) {}

// staffDay is the front desk's view of one day at one location.
type staffDay struct {
	Clinic    clinic.Clinic
	User      clinic.User
	Role      string
	Locations []clinic.Location
	Location  clinic.Location
	Day       time.Time // noon
	Prev      string
	Next      string
	Columns   []column
}

type column struct {
	Therapist string
	Visits    []visitRow
}

type visitRow struct {
	Start, End time.Time
	Service    string
	Room       string
	Status     string
}

func (w *Web) staffHome(r *http.Request) (*view, error) {
	c, u, err := w.staff(r)
	if clinic.ErrorCode(err) == clinic.EUnauthorized {
		return &view{redirect: "/login"}, nil
	}
	if err != nil {
		return nil, err
	}
	cat, err := w.catalog(r.Context(), c)
	if err != nil {
		return nil, err
	}
	d := staffDay{Clinic: c, User: u, Role: roleName(u.Role), Locations: cat.Locations}
	if len(cat.Locations) == 0 {
		return &view{page: "staff.html", title: "Staff", data: d}, nil
	}
	q := r.URL.Query()
	d.Location = cat.Locations[0]
	if l, ok := cat.location(q.Get("location")); ok {
		d.Location = l
	}
	day := w.today(d.Location)
	if asked, err := civil.ParseDate(q.Get("day")); err == nil {
		day = asked
	}
	zone := zoneOf(d.Location)
	d.Day = noon(day)
	link := func(day civil.Date) string {
		return "/staff?" + url.Values{"location": {d.Location.ID}, "day": {day.String()}}.Encode()
	}
	d.Prev, d.Next = link(day.AddDays(-1)), link(day.AddDays(1))
	var visits []clinic.Appointment
	if auth.Authorize(u, c.ID, auth.ReadSchedule) == nil {
		visits, err = w.store.ListAppointments(r.Context(), c.ID, clinic.AppointmentFilter{LocationID: d.Location.ID,
			From: day.In(zone, 0), To: day.AddDays(1).In(zone, 0)})
	} else if u.TherapistID != "" {
		visits, err = w.store.ListAppointments(r.Context(), c.ID, clinic.AppointmentFilter{LocationID: d.Location.ID,
			TherapistID: u.TherapistID, From: day.In(zone, 0), To: day.AddDays(1).In(zone, 0)})
	}
	if err != nil {
		return nil, err
	}
	rooms, err := w.store.ListRooms(r.Context(), c.ID)
	if err != nil {
		return nil, err
	}
	roomName := map[string]string{}
	for _, rm := range rooms {
		roomName[rm.ID] = rm.Name
	}
	for _, t := range cat.therapistsAt(d.Location.ID, "") {
		if u.Role == clinic.RoleTherapist && t.ID != u.TherapistID {
			continue
		}
		col := column{Therapist: t.Name}
		for _, a := range visits {
			if a.TherapistID != t.ID || a.Status == clinic.StatusCancelled {
				continue
			}
			svc, _ := cat.service(a.ServiceID)
			col.Visits = append(col.Visits, visitRow{Start: a.Start.In(zone), End: a.End.In(zone), Service: svc.Name,
				Room: roomName[a.RoomID], Status: a.Status})
		}
		d.Columns = append(d.Columns, col)
	}
	return &view{page: "staff.html", title: "Day at " + d.Location.Name, data: d}, nil
}

func roleName(role string) string {
	switch role {
	case clinic.RoleOwner:
		return "Owner"
	case clinic.RoleFrontDesk:
		return "Front desk"
	case clinic.RoleTherapist:
		return "Therapist"
	}
	return role
}
