package web

import "net/http"

// The owner's setup of the clinic, under /staff/setup.

func (w *Web) registerSetup(mux *http.ServeMux) {}
