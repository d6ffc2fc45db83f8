// Package web is knead's HTML pages: the "near me" directory, a clinic's
// page and its booking flow, and the page where a client manages a visit.
// Pages are rendered on the server with html/template from embedded files
// and work as plain forms; a little script (static/*.js) only improves them.
package web

import (
	"bytes"
	"context"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"time"

	"knead/internal/clinic"
)

// Deps is what the pages need.
type Deps struct {
	Store clinic.Store
	Log   *slog.Logger
	Now   func() time.Time
}

// Web serves the pages.
type Web struct {
	store     clinic.Store
	log       *slog.Logger
	now       func() time.Time
	pages     map[string]*template.Template
	assets    *assets
	slotCache *slotCache
}

// New parses the templates and indexes the static files; it panics on a
// broken template, which every test finds.
func New(d Deps) *Web {
	if d.Now == nil {
		d.Now = time.Now
	}
	w := &Web{store: d.Store, log: d.Log, now: d.Now, assets: loadAssets(), slotCache: newSlotCache(4096)}
	w.pages = parsePages(w.funcs())
	return w
}

// Register adds the pages' routes to mux.
func (w *Web) Register(mux *http.ServeMux) {
	mux.Handle("GET /{$}", w.page(w.directory))
	mux.Handle("GET /c/{clinic}", w.page(w.clinicPage))
	mux.Handle("GET /c/{clinic}/book", w.page(w.bookPage))
	mux.Handle("POST /c/{clinic}/book", w.page(w.bookSubmit))
	mux.Handle("GET /c/{clinic}/visit/{id}", w.page(w.visitPage))
	mux.Handle("POST /c/{clinic}/visit/{id}/cancel", w.page(w.visitCancel))
	w.registerIntake(mux) // intake.go: the client's health questions
	mux.Handle("GET /login", w.page(w.loginPage))
	mux.Handle("POST /login", w.pageW(w.loginSubmit))
	mux.Handle("POST /logout", w.pageW(w.logout))
	mux.Handle("GET /staff", w.page(w.staffHome))
	w.registerStaff(mux)  // staff.go: the front desk's actions
	w.registerSetup(mux)  // setup.go: the owner's setup
	w.registerPortal(mux) // portal.go: client accounts
	mux.HandleFunc("GET /static/{file}", w.assets.serve)
	mux.Handle("/", w.page(func(*http.Request) (*view, error) {
		return nil, clinic.Errorf(clinic.ENotFound, "There is no page here.")
	}))
}

// view is what a handler hands to the renderer: a page template and its
// data, or a redirect.
type view struct {
	page     string
	status   int
	title    string
	data     any
	redirect string
}

// frame is what every page template sees: its own data as .Data, beside
// what the layout needs.
type frame struct {
	Title string
	CSRF  string
	Data  any
}

// page adapts a handler returning a view: it checks the CSRF token of every
// form sent, sets the pages' security headers, renders into a buffer (so a
// template error is a 500, never half a page) and turns errors into a
// readable error page with the right status.
func (w *Web) page(h func(r *http.Request) (*view, error)) http.Handler {
	return w.pageW(func(_ http.ResponseWriter, r *http.Request) (*view, error) { return h(r) })
}

// pageW is page for handlers that set cookies.
func (w *Web) pageW(h func(rw http.ResponseWriter, r *http.Request) (*view, error)) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		pageHeaders(rw)
		token := csrfToken(rw, r)
		r = r.WithContext(context.WithValue(r.Context(), csrfKey{}, token))
		var v *view
		var err error
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(rw, r.Body, maxForm)
		}
		if r.Method == http.MethodPost && !csrfValid(r, token) {
			err = errCSRF
		} else {
			v, err = h(rw, r)
		}
		if err != nil {
			v = w.errorView(r.Context(), err)
		}
		if v.redirect != "" {
			http.Redirect(rw, r, v.redirect, http.StatusSeeOther)
			return
		}
		w.render(rw, r, v, token)
	})
}

// maxForm bounds a form's body: the largest form is the owner's, far below.
const maxForm = 64 << 10

var errCSRF = &clinic.Error{Code: clinic.EForbidden,
	Message: "This form has expired or did not come from this site. Please go back, reload the page and try again."}

func (w *Web) render(rw http.ResponseWriter, r *http.Request, v *view, token string) {
	t, ok := w.pages[v.page]
	if !ok {
		panic("web: no page template " + v.page)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", frame{Title: v.title, CSRF: token, Data: v.data}); err != nil {
		w.log.ErrorContext(r.Context(), "render page", "page", v.page, "err", err)
		http.Error(rw, "Internal error.", http.StatusInternalServerError)
		return
	}
	rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	status := v.status
	if status == 0 {
		status = http.StatusOK
	}
	rw.WriteHeader(status)
	_, _ = rw.Write(buf.Bytes())
}

// errorPage is the data of the error page.
type errorPage struct {
	Heading, Message string
}

// errorView maps an error to a page: the clinic.Error's message for what the
// visitor did, a generic one (and a log line) for anything else.
func (w *Web) errorView(ctx context.Context, err error) *view {
	var ce *clinic.Error
	if !errors.As(err, &ce) || ce.Code == clinic.EInternal {
		w.log.ErrorContext(ctx, "page", "err", err)
		return &view{page: "error.html", status: http.StatusInternalServerError, title: "Something went wrong",
			data: errorPage{"Something went wrong", "Sorry, something went wrong on our side. Please try again in a moment."}}
	}
	status, heading := http.StatusBadRequest, "That did not work"
	switch ce.Code {
	case clinic.ENotFound:
		status, heading = http.StatusNotFound, "Page not found"
	case clinic.EForbidden, clinic.EUnauthorized:
		status, heading = http.StatusForbidden, "Not allowed"
	case clinic.EConflict:
		status, heading = http.StatusConflict, "That has changed"
	case clinic.EInvalid:
		status = http.StatusUnprocessableEntity
	case clinic.ETooMany:
		status = http.StatusTooManyRequests
	}
	return &view{page: "error.html", status: status, title: heading, data: errorPage{heading, ce.Message}}
}

// clinicOf reads the clinic named in the URL.
func (w *Web) clinicOf(r *http.Request) (clinic.Clinic, error) {
	c, err := w.store.ClinicBySlug(r.Context(), r.PathValue("clinic"))
	if clinic.ErrorCode(err) == clinic.ENotFound {
		return c, clinic.Errorf(clinic.ENotFound, "There is no clinic at this address.")
	}
	return c, err
}

// pageHeaders are the security headers of every page: scripts only from
// this server (no inline script), no framing, no sniffing, no referrer to
// other sites (a visit's link holds its token).
func pageHeaders(rw http.ResponseWriter) {
	h := rw.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
		"form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
}
