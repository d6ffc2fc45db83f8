package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
)

// Forms carry a CSRF token that must equal the knead_csrf cookie (double
// submit). The cookie is SameSite=Lax and HttpOnly: a page of another site
// can neither read it nor make the browser send it with a cross-site POST,
// so it cannot forge a form this site accepts.
const csrfCookie = "knead_csrf"

// csrfToken returns the visitor's token, setting the cookie when it is new.
func csrfToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) == 43 {
		return c.Value
	}
	b := make([]byte, 32)
	rand.Read(b) // never fails: crypto/rand aborts the process instead
	token := base64.RawURLEncoding.EncodeToString(b)
	http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: token, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: overTLS(r)})
	return token
}

// csrfValid reports whether the form sent with r carries token.
func csrfValid(r *http.Request, token string) bool {
	c, err := r.Cookie(csrfCookie)
	if err != nil || c.Value != token {
		return false // the cookie was missing: token is a fresh one
	}
	sent := r.PostFormValue("csrf")
	return len(sent) == len(token) && subtle.ConstantTimeCompare([]byte(sent), []byte(token)) == 1
}

// overTLS reports whether the visitor reached knead over TLS, directly or
// through a proxy that says so. Believing a forged header only makes a
// cookie Secure or a link https: nothing a visitor gains from.
func overTLS(r *http.Request) bool {
	return r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https"
}

// csrfKey holds the request's CSRF token in its context, for page data
// rendered by shared templates (the staff bar's logout form).
type csrfKey struct{}

func csrfOf(r *http.Request) string {
	token, _ := r.Context().Value(csrfKey{}).(string)
	return token
}
