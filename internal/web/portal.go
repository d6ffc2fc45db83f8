package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"knead/internal/api"
	"knead/internal/auth"
	"knead/internal/booking"
	"knead/internal/clinic"
)

// Client accounts: sign up, log in, and the portal of one's visits.
//
// An account is a login across clinics. It sees exactly the visits linked
// to it: those booked while logged in (bookSubmit links them) and those
// claimed on a visit's page reached with the visit's own token (visitKeep).
// An email address proves nothing (knead sends no email), so a clinic's
// client record with the same email never shows its visits here.

// accountCookie holds a client's session token; the store keeps its hash.
const accountCookie = "knead_account"

// accountSessionTTL is how long a client stays logged in.
const accountSessionTTL = 30 * 24 * time.Hour

// portalThrottle is the throttle's scope for client logins: no clinic's
// slug holds an "@", so its counts never meet a staff login's.
const portalThrottle = "@portal"

func (w *Web) registerPortal(mux *http.ServeMux) {
	mux.Handle("GET /portal", w.page(w.portalHome))
	mux.Handle("GET /portal/signup", w.page(w.signupPage))
	mux.Handle("POST /portal/signup", w.pageW(w.signupSubmit))
	mux.Handle("GET /portal/login", w.page(w.portalLoginPage))
	mux.Handle("POST /portal/login", w.pageW(w.portalLoginSubmit))
	mux.Handle("POST /portal/logout", w.pageW(w.portalLogout))
	mux.Handle("GET /portal/visits/{clinic}/{id}/cancel", w.page(w.portalCancelPage))
	mux.Handle("POST /portal/visits/{clinic}/{id}/cancel", w.page(w.portalCancel))
	mux.Handle("GET /portal/visits/{clinic}/{id}/reschedule", w.page(w.portalReschedulePage))
	mux.Handle("POST /portal/visits/{clinic}/{id}/reschedule", w.page(w.portalReschedule))
	mux.Handle("POST /c/{clinic}/visit/{id}/keep", w.page(w.visitKeep)) // visit.go
}

// account returns the logged-in client's account; ok is false when nobody
// is logged in (or the session has ended).
func (w *Web) account(r *http.Request) (a clinic.Account, ok bool, err error) {
	ck, err := r.Cookie(accountCookie)
	if err != nil || ck.Value == "" {
		return clinic.Account{}, false, nil
	}
	_, a, err = w.store.AccountSessionByTokenHash(r.Context(), auth.HashToken(ck.Value), w.now())
	switch clinic.ErrorCode(err) {
	case "":
		return a, true, nil
	case clinic.ENotFound:
		return clinic.Account{}, false, nil
	}
	return clinic.Account{}, false, err
}

// loggedIn returns the client's account, or the redirect to the login page
// that comes back to next.
func (w *Web) loggedIn(r *http.Request, next string) (clinic.Account, *view, error) {
	a, ok, err := w.account(r)
	if err != nil || ok {
		return a, nil, err
	}
	return a, &view{redirect: portalURL("/portal/login", next)}, nil
}

// portalURL is a portal page's address that leads on to next.
func portalURL(path, next string) string {
	if next == "" || next == "/portal" {
		return path
	}
	return path + "?" + url.Values{"next": {next}}.Encode()
}

// localNext keeps next when it is a path of this site, and sends anything
// else (another site, a scheme, a protocol-relative address) to /portal.
func localNext(next string) string {
	u, err := url.Parse(next)
	if err != nil || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		u.Scheme != "" || u.Host != "" {
		return "/portal"
	}
	return next
}

// startSession logs the account in: a new session and its cookie.
func (w *Web) startSession(rw http.ResponseWriter, r *http.Request, a clinic.Account) error {
	token, hash, err := auth.NewToken()
	if err != nil {
		return err
	}
	now := w.now()
	s := clinic.AccountSession{TokenHash: hash, AccountID: a.ID, Created: now, Expires: now.Add(accountSessionTTL)}
	if err := w.store.CreateAccountSession(r.Context(), s); err != nil {
		return err
	}
	http.SetCookie(rw, &http.Cookie{Name: accountCookie, Value: token, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: overTLS(r), Expires: s.Expires})
	return nil
}

type signupData struct {
	Name, Email, Phone string
	Next               string
	LoginURL           string
	Errors             map[string]string
	Problem            string // too many sign-ups from this address
}

func (w *Web) signupPage(r *http.Request) (*view, error) {
	next := localNext(r.URL.Query().Get("next"))
	if _, ok, err := w.account(r); err != nil || ok {
		return &view{redirect: next}, err
	}
	return w.signupView(signupData{Next: next}, http.StatusOK), nil
}

func (w *Web) signupView(d signupData, status int) *view {
	d.LoginURL = portalURL("/portal/login", d.Next)
	return &view{page: "portal_signup.html", title: "Create your account", status: status, data: d}
}

func (w *Web) signupSubmit(rw http.ResponseWriter, r *http.Request) (*view, error) {
	ctx := r.Context()
	d := signupData{Name: strings.TrimSpace(r.PostFormValue("name")), Email: strings.TrimSpace(r.PostFormValue("email")),
		Phone: strings.TrimSpace(r.PostFormValue("phone")), Next: localNext(r.PostFormValue("next"))}
	d.Errors = fieldErrors(booking.ValidateClient(clinic.Client{Name: d.Name, Email: d.Email, Phone: d.Phone}))
	if d.Errors == nil {
		d.Errors = map[string]string{}
	}
	password := r.PostFormValue("password")
	if msg := auth.CheckPasswordRules(password); msg != "" {
		d.Errors["password"] = sentence(msg)
	} else if r.PostFormValue("password2") != password {
		d.Errors["password2"] = "The two passwords differ. Please type the same one twice."
	}
	if len(d.Errors) > 0 {
		return w.signupView(d, http.StatusUnprocessableEntity), nil
	}
	throttle := auth.NewSignupThrottle(api.ClientAddress(r))
	if err := throttle.Check(ctx, w.store, w.now()); err != nil {
		if clinic.ErrorCode(err) != clinic.ETooMany {
			return nil, err
		}
		d.Problem = clinic.ErrorMessage(err)
		return w.signupView(d, http.StatusTooManyRequests), nil
	}
	if err := throttle.Failed(ctx, w.store, w.now()); err != nil { // counts every attempt past validation
		return nil, err
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return nil, err
	}
	a, err := w.store.CreateAccount(ctx, clinic.Account{Email: d.Email, Name: d.Name, Phone: d.Phone, PasswordHash: hash, Created: w.now()})
	if clinic.ErrorCode(err) == clinic.EConflict {
		d.Errors["email"] = "An account with this email already exists. Please log in instead."
		return w.signupView(d, http.StatusConflict), nil
	}
	if err != nil {
		return nil, err
	}
	if err := w.startSession(rw, r, a); err != nil {
		return nil, err
	}
	w.log.InfoContext(ctx, "client account created", "account", a.ID)
	return &view{redirect: d.Next}, nil
}

type portalLoginData struct {
	Email, Next, Problem string
	LoggedOut            bool
	SignupURL            string
}

func (w *Web) portalLoginPage(r *http.Request) (*view, error) {
	q := r.URL.Query()
	next := localNext(q.Get("next"))
	if _, ok, err := w.account(r); err != nil || ok {
		return &view{redirect: next}, err
	}
	return w.portalLoginView(portalLoginData{Next: next, LoggedOut: q.Get("out") == "1"}, http.StatusOK), nil
}

func (w *Web) portalLoginView(d portalLoginData, status int) *view {
	d.SignupURL = portalURL("/portal/signup", d.Next)
	return &view{page: "portal_login.html", title: "Log in to your visits", status: status, data: d}
}

// portalLoginSubmit logs a client in, throttled like a staff login: five
// wrong passwords for an email, or thirty from one address, and logins stop
// for a while, in every knead process alike.
func (w *Web) portalLoginSubmit(rw http.ResponseWriter, r *http.Request) (*view, error) {
	ctx := r.Context()
	d := portalLoginData{Email: strings.TrimSpace(r.PostFormValue("email")), Next: localNext(r.PostFormValue("next"))}
	password := r.PostFormValue("password")
	now := w.now()
	throttle := auth.NewThrottle(portalThrottle, d.Email, api.ClientAddress(r))
	if err := throttle.Check(ctx, w.store, now); err != nil {
		if clinic.ErrorCode(err) == clinic.ETooMany {
			d.Problem = clinic.ErrorMessage(err)
			return w.portalLoginView(d, http.StatusTooManyRequests), nil
		}
		return nil, err
	}
	a, err := w.store.AccountByEmail(ctx, d.Email)
	if err != nil && clinic.ErrorCode(err) != clinic.ENotFound {
		return nil, err
	}
	// An unknown email costs a password comparison too.
	if !auth.CheckPassword(a.PasswordHash, password) {
		if err := throttle.Failed(ctx, w.store, now); err != nil {
			return nil, err
		}
		d.Problem = "The email or password is wrong."
		return w.portalLoginView(d, http.StatusUnauthorized), nil
	}
	if err := throttle.Succeeded(ctx, w.store); err != nil {
		return nil, err
	}
	if err := w.startSession(rw, r, a); err != nil {
		return nil, err
	}
	w.log.InfoContext(ctx, "client login", "account", a.ID)
	return &view{redirect: d.Next}, nil
}

func (w *Web) portalLogout(rw http.ResponseWriter, r *http.Request) (*view, error) {
	if ck, err := r.Cookie(accountCookie); err == nil {
		if err := w.store.DeleteAccountSession(r.Context(), auth.HashToken(ck.Value)); err != nil {
			return nil, err
		}
	}
	http.SetCookie(rw, &http.Cookie{Name: accountCookie, Value: "", Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: overTLS(r), MaxAge: -1})
	return &view{redirect: "/portal/login?out=1"}, nil
}

type portalHomeData struct {
	Account        clinic.Account
	Upcoming, Past []portalVisit
	Done           string // what was just done, said once
}

// portalHome lists the account's visits: upcoming soonest first, past
// latest first.
func (w *Web) portalHome(r *http.Request) (*view, error) {
	a, login, err := w.loggedIn(r, "/portal")
	if login != nil || err != nil {
		return login, err
	}
	visits, err := w.store.ListAccountVisits(r.Context(), a.ID)
	if err != nil {
		return nil, err
	}
	d := portalHomeData{Account: a}
	now := w.now()
	q := r.URL.Query()
	for _, av := range visits { // the latest first
		v := portalVisitOf(av, now)
		if v.Appointment.Start.After(now) {
			d.Upcoming = append(d.Upcoming, v)
		} else {
			d.Past = append(d.Past, v)
		}
		if v.Clinic.Slug == q.Get("c") && v.Appointment.ID == q.Get("v") {
			d.Done = doneText(q.Get("done"), v)
		}
	}
	slices.Reverse(d.Upcoming) // the soonest first
	return &view{page: "portal_home.html", title: "Your visits", data: d}, nil
}

// doneText says what was just done to v.
func doneText(done string, v portalVisit) string {
	var s string
	switch done {
	case "cancelled":
		s = "Your visit of " + v.Start.Format("Monday 2 January at 15:04") + " is cancelled."
	case "moved":
		s = "Your visit is moved to " + v.Start.Format("Monday 2 January at 15:04") + "."
	default:
		return ""
	}
	if v.Appointment.CancelFee > 0 {
		s += " A late-change fee of " + money(v.Appointment.CancelFee, v.Service.Currency) + " applies."
	}
	return s
}
