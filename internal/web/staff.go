package web

import (
	"net/http"
	"slices"
	"strings"

	"knead/internal/api"
	"knead/internal/auth"
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
			return refuse(http.StatusTooManyRequests, clinic.ErrorMessage(err))
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
