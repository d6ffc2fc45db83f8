package server_test

import (
	"net/http"
	"strings"
	"testing"
)

func TestBadInputIsAProblemNeverA500(t *testing.T) {
	forEachEngine(t, func(t *testing.T, engine string) {
		f := newFixture(t, engine)
		avail := func(q string) string { return f.path("/availability?" + q) }
		base := "service=" + f.swedish + "&location=" + f.location
		cases := []struct {
			name, method, path, token string
			body                      any
			headers                   []string
			want                      int
			field                     string
		}{
			{"range over 62 days", "GET", avail(base + "&from=2027-01-01&to=2027-03-15"), "", nil, nil, 422, "to"},
			{"to before from", "GET", avail(base + "&from=2027-01-10&to=2027-01-01"), "", nil, nil, 422, "to"},
			{"not a date", "GET", avail(base + "&from=2027-13-01&to=2027-01-01"), "", nil, nil, 422, "from"},
			{"no service", "GET", avail("location=" + f.location + "&from=2027-01-01&to=2027-01-01"), "", nil, nil, 422, "service"},
			{"unknown location", "GET", avail("service=" + f.swedish + "&location=nowhere&from=2027-01-01&to=2027-01-01"), "", nil, nil, 404, ""},
			{"unknown clinic", "GET", "/api/v1/clinics/nope/services", "", nil, nil, 404, ""},
			{"clinic slug junk", "GET", "/api/v1/clinics/..%2F..%2Fetc/services", "", nil, nil, 404, ""},
			{"unknown endpoint", "GET", "/api/v1/nothing", "", nil, nil, 404, ""},
			{"unknown appointment", "GET", f.path("/appointments/nope?cancel_token=x"), "", nil, nil, 404, ""},
			{"unknown service id", "GET", f.path("/services/nope"), "", nil, nil, 404, ""},
			{"malformed JSON", "POST", f.path("/appointments"), "", `{"service":`, nil, 400, ""},
			{"not an object", "POST", f.path("/appointments"), "", `[1,2]`, nil, 400, ""},
			{"two objects", "POST", f.path("/appointments"), "", `{} {}`, nil, 400, ""},
			{"empty body", "POST", f.path("/appointments"), "", "", nil, 400, ""},
			{"unknown field", "POST", f.path("/appointments"), "", `{"servce":"x"}`, nil, 400, "servce"},
			{"wrong type", "POST", f.path("/appointments"), "", `{"service":42}`, nil, 400, "service"},
			{"too large", "POST", f.path("/appointments"), "", `{"service":"` + strings.Repeat("x", 70<<10) + `"}`, nil, 413, ""},
			{"not JSON", "POST", f.path("/appointments"), "", "service=x", []string{"Content-Type", "application/x-www-form-urlencoded"}, 415, ""},
			{"bad time zone", "POST", f.path("/locations"), f.owner, map[string]any{"name": "X", "timezone": "Mars/Olympus"}, nil, 422, "timezone"},
			{"hours overlap", "POST", f.path("/locations"), f.owner, map[string]any{"name": "X", "timezone": "UTC",
				"hours": map[string]any{"monday": []any{map[string]any{"start": "09:00", "end": "13:00"}, map[string]any{"start": "12:00", "end": "17:00"}}}}, nil, 422, "hours.monday"},
			{"bad clock", "POST", f.path("/locations"), f.owner, map[string]any{"name": "X", "timezone": "UTC",
				"hours": map[string]any{"monday": []any{map[string]any{"start": "9am", "end": "13:00"}}}}, nil, 400, ""},
			{"bad weekday", "POST", f.path("/locations"), f.owner, map[string]any{"name": "X", "timezone": "UTC",
				"hours": map[string]any{"funday": []any{}}}, nil, 400, ""},
			{"unknown modality", "POST", f.path("/services"), f.owner, map[string]any{"name": "Reiki", "modality": "reiki", "duration_minutes": 60,
				"price": 100, "currency": "CAD", "late_cancel": "fee"}, nil, 422, "modality"},
			{"negative price", "POST", f.path("/services"), f.owner, map[string]any{"name": "S", "modality": "swedish", "duration_minutes": 60,
				"price": -1, "currency": "CAD", "late_cancel": "fee"}, nil, 422, "price"},
			{"room at another clinic's location", "POST", f.path("/rooms"), f.owner, map[string]any{"name": "R", "location": "elsewhere"}, nil, 422, "location"},
			{"shift at an unknown location", "POST", f.path("/therapists"), f.owner, map[string]any{"name": "T",
				"shifts": []any{map[string]any{"location": "elsewhere", "weekday": "monday", "start": "09:00", "end": "17:00"}}}, nil, 422, "shifts[0].location"},
			{"reschedule without start", "POST", f.path("/appointments/x/reschedule"), f.owner, map[string]any{}, nil, 422, "start"},
			{"login with nothing", "POST", "/api/v1/auth/login", "", map[string]any{}, nil, 422, "email"},
			{"login wrong password", "POST", "/api/v1/auth/login", "", map[string]any{"clinic": f.clinic, "email": ownerEmail, "password": "nope"}, nil, 401, ""},
			{"login unknown clinic", "POST", "/api/v1/auth/login", "", map[string]any{"clinic": "Nope!", "email": ownerEmail, "password": "nope"}, nil, 401, ""},
			{"garbage token", "GET", f.path("/rooms"), "garbage", nil, nil, 401, ""},
			{"delete a used location", "DELETE", f.path("/locations/" + f.location), f.owner, nil, nil, 409, ""},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				r := f.do(c.method, c.path, c.token, c.body, c.headers...)
				if r.Status != c.want {
					t.Fatalf("status %d, want %d: %s", r.Status, c.want, r.Body)
				}
				p := r.problem(t)
				if c.field != "" && !strings.Contains(string(r.Body), `"field":"`+c.field+`"`) {
					t.Fatalf("the problem does not name field %q: %v", c.field, p)
				}
			})
		}
		// Nothing half-saved: the rejected locations and services are not there.
		var locs struct{ Items []map[string]any }
		f.mustDo("GET", f.path("/locations"), "", nil, 200, &locs)
		if len(locs.Items) != 1 {
			t.Fatalf("%d locations after rejected creates, want 1", len(locs.Items))
		}
	})
}

func TestOpenAPIHasEveryRoute(t *testing.T) {
	f := newBareServer(t, "sqlite", "openapi")
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	f.mustDo("GET", "/api/openapi.json", "", nil, 200, &doc)
	if doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi %q", doc.OpenAPI)
	}
	// Every path in the document answers with something other than 404 or
	// 405 at the documented method; so the document and the mux agree.
	for path, ops := range doc.Paths {
		concrete := strings.NewReplacer("{clinic}", f.clinic, "{id}", "x").Replace(path)
		for method := range ops {
			r := f.do(strings.ToUpper(method), concrete, "", nil)
			if r.Status == http.StatusMethodNotAllowed || strings.Contains(string(r.Body), "endpoint does not exist") {
				t.Errorf("%s %s documented but not served: %d %s", method, path, r.Status, r.Body)
			}
			if r.Status >= 500 {
				t.Errorf("%s %s: %d", method, path, r.Status)
			}
		}
	}
}

func TestHealthz(t *testing.T) {
	f := newBareServer(t, "sqlite", "health")
	if r := f.do("GET", "/healthz", "", nil); r.Status != 200 {
		t.Fatalf("healthz %d", r.Status)
	}
	if r := f.do("GET", "/readyz", "", nil); r.Status != 200 {
		t.Fatalf("readyz %d", r.Status)
	}
}
