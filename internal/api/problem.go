// Package api is knead's JSON API: request and response shapes, RFC 9457
// problem+json errors, the route table and the OpenAPI document built from it.
package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"knead/internal/clinic"
)

// Problem is an RFC 9457 problem details object.
type Problem struct {
	Type     string              `json:"type"`
	Title    string              `json:"title"`
	Status   int                 `json:"status"`
	Detail   string              `json:"detail,omitempty"`
	Instance string              `json:"instance,omitempty"`
	Errors   []clinic.FieldError `json:"errors,omitempty"`
	// Alternatives are free slots near a time that was taken.
	Alternatives []SlotJSON `json:"alternatives,omitempty"`
}

// statusOf maps a domain error code to its HTTP status: the one place where
// that mapping lives.
func statusOf(code string) int {
	switch code {
	case clinic.EInvalid, clinic.EPolicy:
		return http.StatusUnprocessableEntity
	case clinic.ENotFound:
		return http.StatusNotFound
	case clinic.EConflict:
		return http.StatusConflict
	case clinic.EUnauthorized:
		return http.StatusUnauthorized
	case clinic.EForbidden:
		return http.StatusForbidden
	case clinic.ETooMany:
		return http.StatusTooManyRequests
	default:
		return http.StatusInternalServerError
	}
}

var titles = map[int]string{
	http.StatusBadRequest:            "Malformed request",
	http.StatusUnauthorized:          "Login required",
	http.StatusForbidden:             "Not allowed",
	http.StatusNotFound:              "Not found",
	http.StatusConflict:              "Conflict",
	http.StatusRequestEntityTooLarge: "Request too large",
	http.StatusUnsupportedMediaType:  "Unsupported media type",
	http.StatusTooManyRequests:       "Too many attempts",
	http.StatusUnprocessableEntity:   "Invalid request",
	http.StatusInternalServerError:   "Internal error",
}

// problemType returns a stable URI naming the kind of problem.
func problemType(status int, code string) string {
	if code == "" {
		code = strings.ReplaceAll(strings.ToLower(http.StatusText(status)), " ", "-")
	}
	return "https://knead.dev/problems/" + strings.ReplaceAll(code, "_", "-")
}

// WriteProblem writes p as application/problem+json.
func WriteProblem(w http.ResponseWriter, p Problem) {
	if p.Title == "" {
		p.Title = titles[p.Status]
	}
	if p.Type == "" {
		p.Type = problemType(p.Status, "")
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	if p.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="knead"`)
	}
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// writeError turns err into a problem. Internal errors are logged with the
// request's method and path only (never bodies: they may hold health data)
// and shown to the client as a bare 500.
func writeError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	var be *badRequest
	if errors.As(err, &be) {
		WriteProblem(w, Problem{Status: be.status, Detail: be.msg, Instance: r.URL.Path, Errors: be.fields})
		return
	}
	code := clinic.ErrorCode(err)
	status := statusOf(code)
	if status == http.StatusInternalServerError {
		log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	p := Problem{Status: status, Type: problemType(status, code), Detail: clinic.ErrorMessage(err), Instance: r.URL.Path}
	var ce *clinic.Error
	if errors.As(err, &ce) {
		p.Errors = ce.Fields
	}
	var te *takenError
	if errors.As(err, &te) {
		p.Alternatives = te.alternatives
	}
	WriteProblem(w, p)
}

// badRequest is a request the server could not read at all (400, 413, 415).
type badRequest struct {
	status int
	msg    string
	fields []clinic.FieldError
}

func (e *badRequest) Error() string { return e.msg }

func malformed(format string, args ...any) error {
	return &badRequest{status: http.StatusBadRequest, msg: fmt.Sprintf(format, args...)}
}

// maxBody bounds every request body; nothing knead accepts is near it.
const maxBody = 64 << 10

// decode reads a JSON body into v strictly: one object, known fields only,
// at most maxBody bytes. Its errors say where the body is wrong.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	ct := r.Header.Get("Content-Type")
	if ct != "" && !strings.HasPrefix(strings.ToLower(ct), "application/json") {
		return &badRequest{status: http.StatusUnsupportedMediaType, msg: "Send the body as application/json."}
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if dec.More() {
			return malformed("The body must hold a single JSON object.")
		}
		if _, err := dec.Token(); err != io.EOF {
			return malformed("The body must hold a single JSON object.")
		}
		return nil
	}
	var (
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
		tooBig *http.MaxBytesError
	)
	switch {
	case errors.As(err, &tooBig):
		return &badRequest{status: http.StatusRequestEntityTooLarge, msg: fmt.Sprintf("The body is larger than %d bytes.", maxBody)}
	case errors.Is(err, io.EOF):
		return malformed("The body is empty; send a JSON object.")
	case errors.As(err, &syntax):
		return malformed("The body is not valid JSON (at byte %d).", syntax.Offset)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "body"
		}
		return &badRequest{status: http.StatusBadRequest, msg: "A field has the wrong type.",
			fields: []clinic.FieldError{{Field: field, Message: "must be " + jsonKind(typ.Type.Kind().String())}}}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &badRequest{status: http.StatusBadRequest, msg: "The body has a field knead does not know.",
			fields: []clinic.FieldError{{Field: name, Message: "is not a known field"}}}
	default:
		// Errors from UnmarshalText/UnmarshalJSON of dates, clocks, weekdays.
		return &badRequest{status: http.StatusBadRequest, msg: "The body could not be read: " + strings.TrimPrefix(err.Error(), "json: ")}
	}
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "int", "int64", "int32", "float64", "uint", "uint64":
		return "a number"
	case "bool":
		return "true or false"
	case "slice", "array":
		return "an array"
	case "struct", "map":
		return "an object"
	}
	return "of another type"
}

// writeJSON writes v with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
