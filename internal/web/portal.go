package web

import "net/http"

// Client accounts: sign up, log in, and the portal of one's visits.

func (w *Web) registerPortal(mux *http.ServeMux) {}
