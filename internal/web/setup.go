package web

import (
	"context"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"

	"knead/internal/auth"
	"knead/internal/civil"
	"knead/internal/clinic"
)

// The owner's setup of the clinic, under /staff/setup: the clinic's name
// and currency; locations with their hours and closures, rooms and
// equipment; therapists with credentials, shifts and time off; services
// with prices and policies. Each is a plain form that the server checks,
// answering a mistake with the form as typed and the message next to its
// field, and a save with a redirect to the overview saying so. Each save is
// one store call, so nothing is ever half saved; the store moves the
// clinic's schedule version, so the free times follow by themselves.

func (w *Web) registerSetup(mux *http.ServeMux) {
	w.parseSetupPages()
	mux.Handle("GET /staff/setup", w.setup(w.setupOverview))
	mux.Handle("GET /staff/setup/clinic", w.setup(w.clinicForm))
	mux.Handle("POST /staff/setup/clinic", w.setup(w.clinicSubmit))
	setupLocations(w).register(w, mux)
	setupRooms(w).register(w, mux)
	setupEquipment(w).register(w, mux)
	setupTherapists(w).register(w, mux)
	setupServices(w).register(w, mux)
}

// parseSetupPages parses the setup pages again with setup_parts.html, the
// form fields they share (parsePages gives a page only the layout).
func (w *Web) parseSetupPages() {
	names, err := fs.Glob(templateFiles, "templates/setup*.html")
	if err != nil {
		panic(err)
	}
	const parts = "templates/setup_parts.html"
	delete(w.pages, path.Base(parts))
	for _, name := range names {
		if name == parts {
			continue
		}
		base := path.Base(name)
		w.pages[base] = template.Must(template.New(base).Funcs(w.funcs()).ParseFS(templateFiles, "templates/layout.html", parts, name))
	}
}

// setupEnv is the logged-in owner's clinic and its catalog, which every
// setup page shows or offers as choices.
type setupEnv struct {
	Nav        desk // the staff bar
	Clinic     clinic.Clinic
	Locations  []clinic.Location
	Rooms      []clinic.Room
	Equipment  []clinic.Equipment
	Therapists []clinic.Therapist
	Services   []clinic.Service
}

// setup adapts a setup handler: the visitor must be logged in (or is sent
// to the login) as an owner of the clinic (or gets a 403).
func (w *Web) setup(h func(r *http.Request, e *setupEnv) (*view, error)) http.Handler {
	return w.page(func(r *http.Request) (*view, error) {
		c, u, err := w.staff(r)
		if clinic.ErrorCode(err) == clinic.EUnauthorized {
			return &view{redirect: "/login"}, nil
		}
		if err != nil {
			return nil, err
		}
		if auth.Authorize(u, c.ID, auth.EditCatalog) != nil {
			return nil, clinic.Errorf(clinic.EForbidden, "Only the clinic's owner can change its setup.")
		}
		e, err := w.loadSetup(r.Context(), c)
		if err != nil {
			return nil, err
		}
		e.Nav = desk{Clinic: c, User: u, Role: roleName(u.Role), Books: true, CSRF: csrfOf(r)}
		return h(r, e)
	})
}

func (w *Web) loadSetup(ctx context.Context, c clinic.Clinic) (*setupEnv, error) {
	e := &setupEnv{Clinic: c}
	var err error
	if e.Locations, err = w.store.ListLocations(ctx, c.ID); err != nil {
		return nil, err
	}
	if e.Rooms, err = w.store.ListRooms(ctx, c.ID); err != nil {
		return nil, err
	}
	if e.Equipment, err = w.store.ListEquipment(ctx, c.ID); err != nil {
		return nil, err
	}
	if e.Therapists, err = w.store.ListTherapists(ctx, c.ID); err != nil {
		return nil, err
	}
	e.Services, err = w.store.ListServices(ctx, c.ID)
	return e, err
}

func (e *setupEnv) location(id string) (clinic.Location, bool) {
	return catalog{Locations: e.Locations}.location(id)
}

// Kinds are the kinds of equipment the clinic has anywhere, and those
// extra ones (a service's, say, whose equipment is gone), sorted.
func (e *setupEnv) Kinds(extra ...string) []string {
	var out []string
	for _, q := range e.Equipment {
		out = append(out, q.Kind)
	}
	out = append(out, extra...)
	slices.Sort(out)
	return slices.Compact(out)
}

// TimeOffZone is the zone in which the therapists' time off is typed: the
// clinic's first location's.
func (e *setupEnv) TimeOffZone() string {
	if len(e.Locations) == 0 {
		return "UTC"
	}
	return e.Locations[0].TimeZone
}

// setupOverview lists the clinic's setup, section by section, each
// with its links to add and edit.
type setupOverview struct {
	*setupEnv
	Saved, Deleted string // the section just changed
	Cards          []setupLocationCard
	Staff          []setupTherapistRow
}

type setupLocationCard struct {
	clinic.Location
	Week      []weekday
	Rooms     []clinic.Room
	Equipment []clinic.Equipment
}

type setupTherapistRow struct {
	clinic.Therapist
	Where   []string
	Expired bool // a licence has run out
}

func (w *Web) setupOverview(r *http.Request, e *setupEnv) (*view, error) {
	q := r.URL.Query()
	o := setupOverview{setupEnv: e, Saved: q.Get("saved"), Deleted: q.Get("deleted")}
	names := map[string]string{}
	for _, l := range e.Locations {
		names[l.ID] = l.Name
		card := setupLocationCard{Location: l}
		for _, d := range weekOrder {
			card.Week = append(card.Week, weekday{Name: d.String(), Ranges: l.Hours[d]})
		}
		for _, rm := range e.Rooms {
			if rm.LocationID == l.ID {
				card.Rooms = append(card.Rooms, rm)
			}
		}
		for _, q := range e.Equipment {
			if q.LocationID == l.ID {
				card.Equipment = append(card.Equipment, q)
			}
		}
		o.Cards = append(o.Cards, card)
	}
	today := civil.DateOf(w.now().UTC())
	for _, t := range e.Therapists {
		row := setupTherapistRow{Therapist: t}
		for _, s := range t.Shifts {
			if n := names[s.LocationID]; n != "" && !slices.Contains(row.Where, n) {
				row.Where = append(row.Where, n)
			}
		}
		row.Expired = !slices.ContainsFunc(t.Credentials, func(c clinic.Credential) bool {
			return c.Kind == clinic.CredentialLicence && (c.Expires.IsZero() || !c.Expires.Before(today))
		})
		o.Staff = append(o.Staff, row)
	}
	return &view{page: "setup.html", title: "Set up " + e.Clinic.Name, data: o}, nil
}

// Done is what to say in a section just changed.
func (o setupOverview) Done(section string) string {
	switch section {
	case o.Saved:
		return "Saved."
	case o.Deleted:
		return "Deleted."
	}
	return ""
}

// savedURL is where a save or a delete of a section's row leads.
func savedURL(section, what string) string {
	return "/staff/setup?" + url.Values{what: {section}}.Encode() + "#" + section
}

// ---- the clinic itself

func (w *Web) clinicForm(r *http.Request, e *setupEnv) (*view, error) {
	v := url.Values{"name": {e.Clinic.Name}, "currency": {e.Clinic.Currency}}
	return clinicView(newSetupForm(e, "The clinic", "/staff/setup/clinic", v)), nil
}

func clinicView(p *setupForm) *view {
	return &view{page: "setup_clinic.html", title: p.Heading, status: p.status(), data: p}
}

func (w *Web) clinicSubmit(r *http.Request, e *setupEnv) (*view, error) {
	f := newFormReader(r.PostForm)
	c := e.Clinic
	c.Name = f.text("name")
	c.Currency = strings.ToUpper(f.text("currency"))
	err := c.Validate()
	if err == nil {
		err = f.err()
	}
	if err == nil {
		_, err = w.store.UpdateClinic(r.Context(), c)
	}
	if err != nil {
		p := newSetupForm(e, "The clinic", "/staff/setup/clinic", r.PostForm)
		if err := p.failed(f, err); err != nil {
			return nil, err
		}
		return clinicView(p), nil
	}
	return &view{redirect: savedURL("clinic", "saved")}, nil
}

// ---- the kinds of rows, each with a form

// setupKind is one kind of the clinic's rows that the owner edits with a
// form: how a stored row fills the form, how a form sent becomes a row,
// and the store's calls; register gives it its five routes.
type setupKind[T any] struct {
	plural   string // in the URLs: /staff/setup/{plural}/...
	singular string // "location"
	section  string // the overview's section showing them
	page     string // the form's template

	get    func(ctx context.Context, clinicID, id string) (T, error)
	create func(ctx context.Context, clinicID string, v T) (T, error)
	update func(ctx context.Context, clinicID string, v T) (T, error)
	del    func(ctx context.Context, clinicID, id string) error

	validate func(T) error
	setID    func(*T, string)
	// blank is the form of a new one (q: the query of the page, which may
	// say where); values is the form of a stored one.
	blank  func(e *setupEnv, q url.Values) url.Values
	values func(e *setupEnv, v T) url.Values
	// parse reads a form sent, noting in f what it cannot read.
	parse func(e *setupEnv, f *formReader) T
	// inUse says why the row id may not be deleted, beyond what the store
	// knows ("" when it may); conflict is what to say when the store refuses.
	inUse    func(e *setupEnv, id string) string
	conflict string
}

func (k setupKind[T]) register(w *Web, mux *http.ServeMux) {
	base := "/staff/setup/" + k.plural
	mux.Handle("GET "+base+"/new", w.setup(k.newForm))
	mux.Handle("POST "+base, w.setup(k.submit))
	mux.Handle("GET "+base+"/{id}", w.setup(k.editForm))
	mux.Handle("POST "+base+"/{id}", w.setup(k.submit))
	mux.Handle("POST "+base+"/{id}/delete", w.setup(k.deleteSubmit))
}

// form is the page of the form: a new one when id is "", else the row
// named name (every kind has a name).
func (k setupKind[T]) form(e *setupEnv, id, name string, v url.Values) *setupForm {
	base := "/staff/setup/" + k.plural
	if id == "" {
		return newSetupForm(e, "New "+k.singular, base, v)
	}
	p := newSetupForm(e, "Edit "+k.singular+" "+name, base+"/"+id, v)
	p.Delete = base + "/" + id + "/delete"
	p.What = k.singular
	return p
}

func (k setupKind[T]) view(p *setupForm) *view {
	return &view{page: k.page, title: p.Heading, status: p.status(), data: p}
}

func (k setupKind[T]) newForm(r *http.Request, e *setupEnv) (*view, error) {
	return k.view(k.form(e, "", "", k.blank(e, r.URL.Query()))), nil
}

// stored reads the row named in the URL: another clinic's is not found.
func (k setupKind[T]) stored(r *http.Request, e *setupEnv) (T, error) {
	v, err := k.get(r.Context(), e.Clinic.ID, r.PathValue("id"))
	if clinic.ErrorCode(err) == clinic.ENotFound {
		return v, clinic.Errorf(clinic.ENotFound, "This clinic has no such %s.", k.singular)
	}
	return v, err
}

func (k setupKind[T]) editForm(r *http.Request, e *setupEnv) (*view, error) {
	v, err := k.stored(r, e)
	if err != nil {
		return nil, err
	}
	fv := k.values(e, v)
	return k.view(k.form(e, r.PathValue("id"), fv.Get("name"), fv)), nil
}

// submit creates (no id in the URL) or replaces a row with one store call,
// or shows the form again as it was sent with what to fix.
func (k setupKind[T]) submit(r *http.Request, e *setupEnv) (*view, error) {
	ctx, id := r.Context(), r.PathValue("id")
	name := ""
	if id != "" {
		old, err := k.stored(r, e)
		if err != nil {
			return nil, err
		}
		name = k.values(e, old).Get("name")
	}
	f := newFormReader(r.PostForm)
	v := k.parse(e, f)
	// What the form could not read, and what the validation says of the
	// rest, are shown together.
	err := k.validate(v)
	if err == nil {
		err = f.err()
	}
	if err == nil && id == "" {
		_, err = k.create(ctx, e.Clinic.ID, v)
	} else if err == nil {
		k.setID(&v, id)
		_, err = k.update(ctx, e.Clinic.ID, v)
	}
	if err != nil {
		p := k.form(e, id, name, r.PostForm)
		if err := p.failed(f, err); err != nil {
			return nil, err
		}
		return k.view(p), nil
	}
	return &view{redirect: savedURL(k.section, "saved")}, nil
}

func (k setupKind[T]) deleteSubmit(r *http.Request, e *setupEnv) (*view, error) {
	v, err := k.stored(r, e)
	if err != nil {
		return nil, err
	}
	id := r.PathValue("id")
	why := ""
	if k.inUse != nil {
		why = k.inUse(e, id)
	}
	if why == "" {
		err = k.del(r.Context(), e.Clinic.ID, id)
		if clinic.ErrorCode(err) == clinic.EConflict {
			why = k.conflict
		} else if err != nil {
			return nil, err
		}
	}
	if why != "" {
		fv := k.values(e, v)
		p := k.form(e, id, fv.Get("name"), fv)
		p.Problems = []string{why}
		p.code = http.StatusConflict
		return k.view(p), nil
	}
	return &view{redirect: savedURL(k.section, "deleted")}, nil
}
