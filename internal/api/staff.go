package api

import (
	"net"
	"net/http"
	"strings"
	"time"

	"knead/internal/auth"
	"knead/internal/clinic"
)

// SessionTTL is how long a staff token lasts: one working day and a bit.
const SessionTTL = 12 * time.Hour

// LoginJSON is the body of a staff login.
type LoginJSON struct {
	Clinic   string `json:"clinic"`
	Email    string `json:"email"`
	Password string `json:"password"`
}

// TokenJSON answers a login.
type TokenJSON struct {
	Token   string      `json:"token"`
	Expires time.Time   `json:"expires"`
	User    clinic.User `json:"user"`
}

func (a *API) login(w http.ResponseWriter, r *http.Request) error {
	var body LoginJSON
	if err := decode(w, r, &body); err != nil {
		return err
	}
	var v clinic.Validation
	v.Check(body.Clinic != "", "clinic", "is required (the clinic's slug)")
	v.Check(body.Email != "", "email", "is required")
	v.Check(body.Password != "", "password", "is required")
	if err := v.Err(); err != nil {
		return err
	}
	throttle := auth.NewThrottle(body.Clinic, body.Email, ClientAddress(r))
	if err := throttle.Check(r.Context(), a.store, a.now()); err != nil {
		return err
	}
	c, u, err := a.staffByEmail(r, body.Clinic, strings.TrimSpace(body.Email))
	if err != nil {
		return err
	}
	// An unknown clinic or email still costs one password comparison, so
	// that timing does not tell which part was wrong.
	if !auth.CheckPassword(u.PasswordHash, body.Password) {
		a.log.InfoContext(r.Context(), "login refused", "clinic", body.Clinic)
		if err := throttle.Failed(r.Context(), a.store, a.now()); err != nil {
			return err
		}
		return clinic.Errorf(clinic.EUnauthorized, "The clinic, email or password is wrong.")
	}
	if err := throttle.Succeeded(r.Context(), a.store); err != nil {
		return err
	}
	tok, hash, err := auth.NewToken()
	if err != nil {
		return err
	}
	now := a.now()
	s := clinic.Session{TokenHash: hash, UserID: u.ID, ClinicID: c.ID, Created: now, Expires: now.Add(SessionTTL)}
	if err := a.store.CreateSession(r.Context(), s); err != nil {
		return err
	}
	a.log.InfoContext(r.Context(), "login", "clinic", c.Slug, "user", u.ID)
	writeJSON(w, http.StatusOK, TokenJSON{Token: tok, Expires: s.Expires, User: u})
	return nil
}

// staffByEmail finds a staff user; an unknown clinic or email gives zero
// values and no error.
func (a *API) staffByEmail(r *http.Request, slug, email string) (clinic.Clinic, clinic.User, error) {
	if !clinic.ValidSlug(slug) {
		return clinic.Clinic{}, clinic.User{}, nil
	}
	c, err := a.store.ClinicBySlug(r.Context(), slug)
	if err == nil {
		var u clinic.User
		u, err = a.store.UserByEmail(r.Context(), c.ID, email)
		if err == nil {
			return c, u, nil
		}
	}
	if clinic.ErrorCode(err) == clinic.ENotFound {
		err = nil
	}
	return clinic.Clinic{}, clinic.User{}, err
}

func (a *API) logout(w http.ResponseWriter, r *http.Request) error {
	tok := bearer(r)
	if tok == "" {
		return clinic.Errorf(clinic.EUnauthorized, "Send the token to end as Authorization: Bearer.")
	}
	if err := a.store.DeleteSession(r.Context(), auth.HashToken(tok)); err != nil && clinic.ErrorCode(err) != clinic.ENotFound {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) me(w http.ResponseWriter, r *http.Request) error {
	u, present, err := a.user(r)
	if err != nil {
		return err
	}
	if !present {
		return clinic.Errorf(clinic.EUnauthorized, "Log in as staff and send the token as Authorization: Bearer.")
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

// NewUserJSON is the body that creates a staff user.
type NewUserJSON struct {
	Email     string `json:"email"`
	Name      string `json:"name"`
	Role      string `json:"role"`
	Therapist string `json:"therapist,omitempty"`
	Password  string `json:"password"`
}

func (a *API) listUsers(w http.ResponseWriter, r *http.Request) error {
	c, _, err := a.staff(r, auth.ManageUsers)
	if err != nil {
		return err
	}
	users, err := a.store.ListUsers(r.Context(), c.ID)
	if err != nil {
		return err
	}
	if users == nil {
		users = []clinic.User{}
	}
	writeJSON(w, http.StatusOK, Items[clinic.User]{Items: users})
	return nil
}

func (a *API) createUser(w http.ResponseWriter, r *http.Request) error {
	c, _, err := a.staff(r, auth.ManageUsers)
	if err != nil {
		return err
	}
	var body NewUserJSON
	if err := decode(w, r, &body); err != nil {
		return err
	}
	u := clinic.User{Email: strings.TrimSpace(body.Email), Name: body.Name, Role: body.Role, TherapistID: body.Therapist}
	if err := u.Validate(); err != nil {
		return err
	}
	if msg := auth.CheckPasswordRules(body.Password); msg != "" {
		return &clinic.Error{Code: clinic.EInvalid, Message: "The password is not acceptable.",
			Fields: []clinic.FieldError{{Field: "password", Message: msg}}}
	}
	if u.TherapistID != "" {
		if _, err := a.store.GetTherapist(r.Context(), c.ID, u.TherapistID); err != nil {
			return notFoundAs(err, "therapist")
		}
	}
	if u.PasswordHash, err = auth.HashPassword(body.Password); err != nil {
		return err
	}
	out, err := a.store.CreateUser(r.Context(), c.ID, u)
	if err != nil {
		if clinic.ErrorCode(err) == clinic.EConflict {
			return &clinic.Error{Code: clinic.EConflict, Message: "A user with this email already exists in this clinic.",
				Fields: []clinic.FieldError{{Field: "email", Message: "already in use"}}}
		}
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (a *API) getClinic(w http.ResponseWriter, r *http.Request) error {
	c, err := a.clinicOf(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (a *API) listClinics(w http.ResponseWriter, r *http.Request) error {
	cs, err := a.store.ListClinics(r.Context())
	if err != nil {
		return err
	}
	if cs == nil {
		cs = []clinic.Clinic{}
	}
	writeJSON(w, http.StatusOK, Items[clinic.Clinic]{Items: cs})
	return nil
}

func (a *API) updateClinic(w http.ResponseWriter, r *http.Request) error {
	c, _, err := a.staff(r, auth.EditCatalog)
	if err != nil {
		return err
	}
	var body clinic.Clinic
	if err := decode(w, r, &body); err != nil {
		return err
	}
	body.ID, body.Created = c.ID, c.Created
	if body.Slug == "" {
		body.Slug = c.Slug
	}
	if err := body.Validate(); err != nil {
		return err
	}
	out, err := a.store.UpdateClinic(r.Context(), body)
	if err != nil {
		if clinic.ErrorCode(err) == clinic.EConflict {
			return &clinic.Error{Code: clinic.EConflict, Message: "Another clinic already uses this slug.",
				Fields: []clinic.FieldError{{Field: "slug", Message: "already in use"}}}
		}
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (a *API) listClients(w http.ResponseWriter, r *http.Request) error {
	c, _, err := a.staff(r, auth.ReadSchedule)
	if err != nil {
		return err
	}
	q := r.URL.Query().Get("q")
	if len(q) > 200 {
		return &clinic.Error{Code: clinic.EInvalid, Message: "The search is too long.",
			Fields: []clinic.FieldError{{Field: "q", Message: "must be at most 200 characters"}}}
	}
	list, err := a.store.ListClients(r.Context(), c.ID, q, 50)
	if err != nil {
		return err
	}
	if list == nil {
		list = []clinic.Client{}
	}
	writeJSON(w, http.StatusOK, Items[clinic.Client]{Items: list})
	return nil
}

// ClientAddress is the network address a request came from, without its
// port: what login throttling counts per address.
func ClientAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
