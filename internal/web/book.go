package web

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"knead/internal/booking"
	"knead/internal/care"
	"knead/internal/civil"
	"knead/internal/clinic"
)

// The booking flow, from a clinic's page to a confirmed visit in at most
// four more screens, each a plain GET of /c/{clinic}/book with what was
// chosen so far in its query: (1) service and location, (2) a day and a
// free time, (3) contact details, then a POST and (4) the visit's page.

// bookChoice is what the visitor chose so far.
type bookChoice struct {
	Service, Location, Therapist, Day, Start string

	base string // where the flow's links lead: "" for the clinic's booking pages
}

func choiceOf(v url.Values) bookChoice {
	return bookChoice{Service: v.Get("service"), Location: v.Get("location"), Therapist: v.Get("therapist"),
		Day: v.Get("day"), Start: v.Get("start")}
}

// url returns the flow's URL with the choice, and extra values on top.
func (b bookChoice) URL(slug string, extra ...string) string {
	v := url.Values{}
	for k, s := range map[string]string{"service": b.Service, "location": b.Location, "therapist": b.Therapist, "day": b.Day, "start": b.Start} {
		if s != "" {
			v.Set(k, s)
		}
	}
	for i := 0; i+1 < len(extra); i += 2 {
		if extra[i+1] == "" {
			v.Del(extra[i])
		} else {
			v.Set(extra[i], extra[i+1])
		}
	}
	if b.base != "" {
		return b.base + "?" + v.Encode()
	}
	return bookURL(slug, v)
}

// action is where a form that takes a time posts.
func (b bookChoice) action(slug string) string {
	if b.base != "" {
		return b.base
	}
	return "/c/" + url.PathEscape(slug) + "/book"
}

// therapistOf is the therapist chosen, "" for any.
func therapistOf(ch bookChoice) string {
	if ch.Therapist == "any" {
		return ""
	}
	return ch.Therapist
}

// bookStep is what every step's page shows.
type bookStep struct {
	Clinic    clinic.Clinic
	Step      int // 1 to 3
	Choice    bookChoice
	Service   clinic.Service
	About     care.Modality
	Location  clinic.Location
	Therapist string // the chosen therapist's name, "" for any
	Notice    string
	Moving    string // the appointment being moved, whose own time is free to it
}

type chooseData struct {
	bookStep
	Services  []serviceView
	Locations []clinic.Location
	Errors    map[string]string
}

type timesData struct {
	bookStep
	Therapists []therapistLink
	Days       []dayLink
	Day        time.Time // noon of the day shown
	Slots      []slotLink
	Earlier    string
	Later      string
	Moving     *portalVisit // a client's visit to move (portal_visits.go), nil when booking
}

type therapistLink struct {
	Name, URL string
	Current   bool
}

type dayLink struct {
	Date     time.Time
	URL      string // "" when nothing is free that day
	Count    int
	Current  bool
	IsToday  bool
	DateText string
}

type slotLink struct {
	slot
	URL string
}

type detailsData struct {
	bookStep
	Slot        slot
	Key         string
	Name        string
	Email       string
	Phone       string
	Errors      map[string]string
	AccountName string // the logged-in client, whose account keeps the visit
	LoginURL    string // to log in and come back, when nobody is
}

type takenData struct {
	bookStep
	Wanted       time.Time
	Alternatives []slot
	Name, Email  string
	Phone        string
	TimesURL     string
	Action       string // where an alternative's form posts
	Moving       bool   // moving a client's visit rather than booking
}

func (w *Web) bookPage(r *http.Request) (*view, error) {
	cat, err := w.clinicCatalog(r)
	if err != nil {
		return nil, err
	}
	step, ch, choose := w.chosen(cat, r.URL.Query())
	if choose != nil {
		return choose, nil
	}
	if ch.Start == "" {
		return w.timesView(r, step, cat, "")
	}
	return w.detailsView(r, step, cat, detailsData{})
}

// chosen reads the choice sent, and returns the first step's page when a
// service or location is still to be chosen.
func (w *Web) chosen(cat catalog, v url.Values) (bookStep, bookChoice, *view) {
	ch := choiceOf(v)
	s, errs := w.resolve(cat.Clinic, cat, &ch)
	if len(errs) > 0 || s.Service.ID == "" || s.Location.ID == "" {
		return s, ch, w.chooseView(s, cat, errs)
	}
	return s, ch, nil
}

// resolve checks the choice against the catalog: unknown ids are errors of
// the first step, a lone location is chosen, and "any" is the therapist by
// default.
func (w *Web) resolve(c clinic.Clinic, cat catalog, ch *bookChoice) (bookStep, map[string]string) {
	s := bookStep{Clinic: c, Step: 1, Choice: *ch}
	errs := map[string]string{}
	if ch.Service != "" {
		if svc, ok := cat.service(ch.Service); ok {
			s.Service = svc
			s.About, _ = care.ModalityOf(svc.Modality)
		} else {
			errs["service"] = "That service is not offered here any more. Please pick one."
		}
	}
	if ch.Location == "" && len(cat.Locations) == 1 {
		ch.Location = cat.Locations[0].ID
	}
	if ch.Location != "" {
		if l, ok := cat.location(ch.Location); ok {
			s.Location = l
		} else {
			errs["location"] = "That location is not part of this clinic. Please pick one."
		}
	}
	if ch.Therapist == "" {
		ch.Therapist = "any"
	}
	if ch.Therapist != "any" {
		t, ok := cat.therapist(ch.Therapist)
		if !ok {
			ch.Therapist = "any"
		} else {
			s.Therapist = t.Name
		}
	}
	s.Choice = *ch
	return s, errs
}

func (w *Web) chooseView(s bookStep, cat catalog, errs map[string]string) *view {
	d := chooseData{bookStep: s, Locations: cat.Locations, Errors: errs}
	for _, svc := range cat.Services {
		about, _ := care.ModalityOf(svc.Modality)
		d.Services = append(d.Services, serviceView{Service: svc, About: about})
	}
	return &view{page: "book_choose.html", title: "Book at " + s.Clinic.Name, data: d}
}

// timesView shows the free times of a day, and the days around it.
func (w *Web) timesView(r *http.Request, s bookStep, cat catalog, notice string) (*view, error) {
	d, err := w.times(r, s, cat, notice)
	if err != nil {
		return nil, err
	}
	return &view{page: "book_times.html", title: "Pick a time", data: d}, nil
}

// times is the free times of the day chosen, and the days around it, each
// linking on with the choice.
func (w *Web) times(r *http.Request, s bookStep, cat catalog, notice string) (timesData, error) {
	s.Step, s.Notice = 2, notice
	ch := s.Choice
	d := timesData{bookStep: s}
	slug := s.Clinic.Slug
	d.Therapists = append(d.Therapists, therapistLink{Name: "Any therapist", URL: ch.URL(slug, "therapist", "any", "start", ""),
		Current: ch.Therapist == "any"})
	for _, t := range cat.therapistsAt(s.Location.ID, s.Service.Modality) {
		d.Therapists = append(d.Therapists, therapistLink{Name: t.Name, URL: ch.URL(slug, "therapist", t.ID, "start", ""),
			Current: ch.Therapist == t.ID})
	}
	if ch.Therapist != "any" && !slices.ContainsFunc(d.Therapists[1:], func(l therapistLink) bool { return l.Current }) {
		// A therapist who does not give this service here: show everyone's times.
		d.Notice = s.Therapist + " does not give " + s.Service.Name + " at " + s.Location.Name + ". Here are the times of the other therapists."
		ch.Therapist, d.Choice.Therapist, d.Therapist = "any", "any", ""
		d.Therapists[0].Current = true
	}
	today := w.today(s.Location)
	from := today
	if day, err := civil.ParseDate(ch.Day); err == nil && !day.Before(today) {
		// Weeks start at today: the strip holding the day asked for.
		from = today.AddDays(today.DaysUntil(day) / 7 * 7)
	}
	to := from.AddDays(6)
	av, err := w.slots(r.Context(), s.Clinic, booking.Query{LocationID: s.Location.ID, ServiceID: s.Service.ID,
		TherapistID: therapistOf(ch), From: from, To: to, IgnoreID: s.Moving})
	if err != nil {
		return d, err
	}
	byDay := map[civil.Date][]slot{}
	for _, sl := range freeSlots(av, cat) {
		date := civil.DateOf(sl.Start)
		byDay[date] = append(byDay[date], sl)
	}
	shown, err := civil.ParseDate(ch.Day)
	if err != nil || len(byDay[shown]) == 0 && (shown.Before(from) || to.Before(shown)) {
		shown = from
		for i := range 7 {
			if len(byDay[from.AddDays(i)]) > 0 {
				shown = from.AddDays(i)
				break
			}
		}
	}
	for i := range 7 {
		date := from.AddDays(i)
		l := dayLink{Date: noon(date), Count: len(byDay[date]), Current: date == shown, IsToday: date == today}
		if l.Count > 0 {
			l.URL = ch.URL(slug, "day", date.String(), "start", "")
		}
		d.Days = append(d.Days, l)
	}
	d.Day = noon(shown)
	d.Choice.Day = shown.String()
	for _, sl := range byDay[shown] {
		d.Slots = append(d.Slots, slotLink{slot: sl, URL: ch.URL(slug, "day", shown.String(), "start", sl.Start.Format(time.RFC3339))})
	}
	if from.After(today) {
		d.Earlier = ch.URL(slug, "day", from.AddDays(-7).String(), "start", "")
	}
	if s.Service.HorizonDays == 0 || today.DaysUntil(to) < s.Service.HorizonDays {
		d.Later = ch.URL(slug, "day", from.AddDays(7).String(), "start", "")
	}
	return d, nil
}

// freeSlot finds the free slot at the choice's start, and makes its day the
// day chosen; when there is none, notice says so, for that day's times.
func (w *Web) freeSlot(r *http.Request, s *bookStep, cat catalog) (sl slot, notice string, err error) {
	start, err := time.Parse(time.RFC3339, s.Choice.Start)
	if err != nil {
		return slot{}, "Please pick one of the free times.", nil
	}
	day := civil.DateOf(start.In(zoneOf(s.Location)))
	s.Choice.Day = day.String()
	av, err := w.slots(r.Context(), s.Clinic, booking.Query{LocationID: s.Location.ID, ServiceID: s.Service.ID,
		TherapistID: therapistOf(s.Choice), From: day, To: day, IgnoreID: s.Moving})
	if err != nil {
		return slot{}, "", err
	}
	free := freeSlots(av, cat)
	i := slices.IndexFunc(free, func(sl slot) bool { return sl.Start.Equal(start) })
	if i < 0 {
		return slot{}, "Sorry, " + start.In(zoneOf(s.Location)).Format("Mon 2 Jan at 15:04") + " is no longer free. Please pick another time.", nil
	}
	return free[i], "", nil
}

// detailsView asks for contact details for a free time, filled in from the
// client's account when they are logged in; a time that is no longer free
// goes back to the day's times.
func (w *Web) detailsView(r *http.Request, s bookStep, cat catalog, d detailsData) (*view, error) {
	sl, notice, err := w.freeSlot(r, &s, cat)
	if err != nil {
		return nil, err
	}
	if notice != "" {
		s.Choice.Start = ""
		return w.timesView(r, s, cat, notice)
	}
	s.Step = 3
	d.bookStep, d.Slot = s, sl
	if d.Key == "" {
		d.Key = newKey()
	}
	a, ok, err := w.account(r)
	if err != nil {
		return nil, err
	}
	if ok {
		d.AccountName = a.Name
		if d.Name == "" && d.Email == "" && d.Phone == "" {
			d.Name, d.Email, d.Phone = a.Name, a.Email, a.Phone
		}
	} else {
		d.LoginURL = portalURL("/portal/login", s.Choice.URL(s.Clinic.Slug))
	}
	return &view{page: "book_details.html", title: "Your details", status: statusOf(d.Errors), data: d}, nil
}

func statusOf(errs map[string]string) int {
	if len(errs) > 0 {
		return http.StatusUnprocessableEntity
	}
	return http.StatusOK
}

// bookSubmit books the visit and shows its page, or says what to fix, or
// offers the nearest free times when someone else was faster.
func (w *Web) bookSubmit(r *http.Request) (*view, error) {
	cat, err := w.clinicCatalog(r)
	if err != nil {
		return nil, err
	}
	c := cat.Clinic
	s, ch, choose := w.chosen(cat, r.PostForm)
	if choose != nil {
		return choose, nil
	}
	start, err := time.Parse(time.RFC3339, ch.Start)
	if err != nil {
		s.Choice.Start = ""
		return w.timesView(r, s, cat, "Please pick one of the free times.")
	}
	d := detailsData{Name: strings.TrimSpace(r.PostFormValue("name")), Email: strings.TrimSpace(r.PostFormValue("email")),
		Phone: strings.TrimSpace(r.PostFormValue("phone")), Key: r.PostFormValue("key")}
	if d.Key == "" || len(d.Key) > 64 {
		d.Key = newKey()
	}
	account, loggedIn, err := w.account(r)
	if err != nil {
		return nil, err
	}
	req := booking.Request{ClinicID: c.ID, LocationID: s.Location.ID, ServiceID: s.Service.ID, TherapistID: therapistOf(ch),
		Start: start, Client: clinic.Client{Name: d.Name, Email: d.Email, Phone: d.Phone}, IdempotencyKey: "web-" + d.Key}
	b, err := booking.Book(r.Context(), w.store, req, w.now())
	switch clinic.ErrorCode(err) {
	case "":
		if loggedIn {
			w.keepBooked(r, account, b)
		}
		return &view{redirect: visitURL(c.Slug, b.Appointment.ID, b.CancelToken) + "&new=1"}, nil
	case clinic.EInvalid:
		d.Errors = fieldErrors(err)
		if len(d.Errors) == 0 {
			d.Errors = map[string]string{"form": clinic.ErrorMessage(err)}
		}
		return w.detailsView(r, s, cat, d)
	case clinic.EConflict:
		return w.takenView(r, s, cat, req, d)
	}
	return nil, err
}

// takenView offers the free times nearest to the one just taken, each a
// one-tap booking with the details already given.
func (w *Web) takenView(r *http.Request, s bookStep, cat catalog, req booking.Request, d detailsData) (*view, error) {
	av, err := booking.Nearest(r.Context(), w.store, req, w.now(), 6)
	if err != nil {
		return nil, err
	}
	s.Step = 2
	t := takenData{bookStep: s, Wanted: req.Start.In(zoneOf(s.Location)), Alternatives: freeSlots(av, cat),
		Name: d.Name, Email: d.Email, Phone: d.Phone, Action: s.Choice.action(s.Clinic.Slug), Moving: s.Choice.base != ""}
	s.Choice.Start = ""
	t.TimesURL = s.Choice.URL(s.Clinic.Slug, "start", "")
	return &view{page: "book_taken.html", title: "That time was just taken", status: http.StatusConflict, data: t}, nil
}

// fieldErrors maps the booking's field errors to the form's fields.
func fieldErrors(err error) map[string]string {
	ce, ok := err.(*clinic.Error)
	if !ok {
		return nil
	}
	out := map[string]string{}
	for _, f := range ce.Fields {
		name := strings.TrimPrefix(f.Field, "client.")
		if _, seen := out[name]; !seen {
			out[name] = sentence(f.Message)
		}
	}
	return out
}

// sentence makes a field error's message ("is required") a sentence.
func sentence(msg string) string {
	if msg == "" {
		return ""
	}
	return strings.ToUpper(msg[:1]) + msg[1:] + "."
}

// keepBooked links a visit just booked to the logged-in client's account.
// The booking stands should the link fail: the visit's page, where the
// client goes next with its token, offers to keep it in the account.
func (w *Web) keepBooked(r *http.Request, a clinic.Account, b booking.Booked) {
	if err := w.store.LinkAccountVisit(r.Context(), a.ID, b.Appointment.ClinicID, b.Appointment.ID, w.now()); err != nil {
		w.log.ErrorContext(r.Context(), "keep booked visit in account", "account", a.ID, "appointment", b.Appointment.ID, "err", err)
	}
}

func newKey() string {
	b := make([]byte, 18)
	rand.Read(b) // never fails: crypto/rand aborts the process instead
	return base64.RawURLEncoding.EncodeToString(b)
}

func zoneOf(l clinic.Location) *time.Location {
	z, err := civil.Zone(l.TimeZone)
	if err != nil {
		return time.UTC
	}
	return z
}
