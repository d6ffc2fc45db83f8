package api

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"knead/internal/auth"
	"knead/internal/clinic"
)

// API serves knead's JSON API over a store.
type API struct {
	store clinic.Store
	now   func() time.Time
	log   *slog.Logger
	slots *slotCache
}

// New returns the API over st. now is the clock, passed in so tests can fix it.
func New(st clinic.Store, now func() time.Time, log *slog.Logger) *API {
	return &API{store: st, now: now, log: log, slots: newSlotCache(16 << 20)}
}

// Access says who may call a route, for the route table and the OpenAPI document.
type Access string

const (
	Public Access = "public" // anyone
	Staff  Access = "staff"  // a bearer token of the clinic's staff; the handler checks the role
)

// Route is one operation of the API: the single place that lists what the
// server serves, from which the mux and the OpenAPI document are both made.
type Route struct {
	Method   string
	Pattern  string // net/http pattern path, e.g. /api/v1/clinics/{clinic}/locations/{id}
	Summary  string
	Tag      string
	Access   Access
	Roles    string  // who among staff, in words, for the document
	Query    []Param // query parameters
	Headers  []Param // request headers beyond Authorization
	Body     string  // request schema name, "" for none
	Status   int     // success status
	Response string  // response schema name
	Errors   []int   // error statuses the operation can answer with
	Handler  handlerFunc
}

// Param describes a query parameter or header.
type Param struct {
	Name, Description, Schema string
	Required                  bool
}

type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// Handler adapts a route's handler: an error it returns becomes a problem.
func (a *API) Handler(rt Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := rt.Handler(w, r); err != nil {
			writeError(w, r, a.log, err)
		}
	})
}

// NotFound answers unknown /api/ paths with a problem.
func (a *API) NotFound(w http.ResponseWriter, r *http.Request) {
	WriteProblem(w, Problem{Status: http.StatusNotFound, Detail: "This API endpoint does not exist.", Instance: r.URL.Path})
}

// clinicOf resolves the {clinic} slug of the path.
func (a *API) clinicOf(r *http.Request) (clinic.Clinic, error) {
	slug := r.PathValue("clinic")
	if !clinic.ValidSlug(slug) {
		return clinic.Clinic{}, clinic.Errorf(clinic.ENotFound, "No clinic %q.", slug)
	}
	c, err := a.store.ClinicBySlug(r.Context(), slug)
	if clinic.ErrorCode(err) == clinic.ENotFound {
		return c, clinic.Errorf(clinic.ENotFound, "No clinic %q.", slug)
	}
	return c, err
}

// bearer returns the token of an Authorization: Bearer header, or "".
func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// user returns the staff user of the request's bearer token; ok is false
// when there is no token.
func (a *API) user(r *http.Request) (clinic.User, bool, error) {
	tok := bearer(r)
	if tok == "" {
		return clinic.User{}, false, nil
	}
	if len(tok) > 200 {
		return clinic.User{}, true, clinic.Errorf(clinic.EUnauthorized, "The token is not valid or has expired. Log in again.")
	}
	_, u, err := a.store.SessionByTokenHash(r.Context(), auth.HashToken(tok), a.now())
	if clinic.ErrorCode(err) == clinic.ENotFound {
		return u, true, clinic.Errorf(clinic.EUnauthorized, "The token is not valid or has expired. Log in again.")
	}
	return u, true, err
}

// staff resolves the clinic and requires a user of it allowed to take action.
func (a *API) staff(r *http.Request, action auth.Action) (clinic.Clinic, clinic.User, error) {
	u, present, err := a.user(r)
	if err != nil {
		return clinic.Clinic{}, u, err
	}
	if !present {
		return clinic.Clinic{}, u, clinic.Errorf(clinic.EUnauthorized, "Log in as staff and send the token as Authorization: Bearer.")
	}
	c, err := a.clinicOf(r)
	if err != nil {
		return c, u, err
	}
	return c, u, auth.Authorize(u, c.ID, action)
}

// optionalStaff returns the clinic, and the user when a valid token of this
// clinic's staff allowed to take action is present. On these public routes
// a valid token without that right (a therapist's, another clinic's staff)
// is served as anyone would be; an invalid or expired token is a 401, so a
// client learns that its login has ended.
func (a *API) optionalStaff(r *http.Request, action auth.Action) (clinic.Clinic, *clinic.User, error) {
	c, err := a.clinicOf(r)
	if err != nil {
		return c, nil, err
	}
	u, present, err := a.user(r)
	if err != nil || !present {
		return c, nil, err
	}
	if auth.Authorize(u, c.ID, action) != nil {
		return c, nil, nil
	}
	return c, &u, nil
}

// Ready reports whether the store answers.
func (a *API) Ready(ctx context.Context) error { return a.store.Ping(ctx) }
