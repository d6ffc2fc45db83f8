package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"knead/internal/auth"
	"knead/internal/clinic"
	"knead/internal/server"
	"knead/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// clock is a settable clock shared by a fixture's server.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Set(t time.Time)     { c.mu.Lock(); c.now = t; c.mu.Unlock() }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

// fixture is a running knead server over a fresh database with one small
// clinic set up through the API, as an owner would.
type fixture struct {
	t     testing.TB
	st    clinic.Store
	dsn   string // how to open the same database again, as another process would
	dir   string
	srv   *httptest.Server
	clock *clock
	owner string // owner's bearer token

	clinic, location, roomA, roomB string
	ana, ben, cara                 string // therapists
	swedish, deep, hotStone        string // services
}

var toronto = mustZone("America/Toronto")

func mustZone(name string) *time.Location {
	z, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return z
}

// at returns an instant in Toronto on 2027-01-dd at hh:mm.
func at(day, hour, minute int) time.Time {
	return time.Date(2027, time.January, day, hour, minute, 0, 0, toronto)
}

const ownerEmail, ownerPassword = "owner@example.com", "correct horse battery"

// newBareServer starts a server over a fresh store with one clinic and its
// owner, and nothing else.
func newBareServer(t testing.TB, engine, slug string) *fixture {
	t.Helper()
	dsn, dir := testdb.DSN(t, engine)
	st := testdb.OpenDSN(t, dsn, dir)
	f := &fixture{t: t, st: st, dsn: dsn, dir: dir, clock: &clock{now: at(4, 8, 0)}} // Monday 2027-01-04, 08:00 Toronto
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	f.srv = httptest.NewServer(server.New(server.Deps{Store: st, Log: log, Now: f.clock.Now}))
	t.Cleanup(f.srv.Close)
	f.addClinic(slug)
	return f
}

// newBareServerOn adds another clinic with its own owner to f's server.
func newBareServerOn(t *testing.T, f *fixture, slug string) *fixture {
	g := &fixture{t: t, st: f.st, srv: f.srv, clock: f.clock}
	g.addClinic(slug)
	return g
}

func (f *fixture) addClinic(slug string) {
	f.t.Helper()
	ctx := context.Background()
	c, err := f.st.CreateClinic(ctx, clinic.Clinic{Slug: slug, Name: "Test Clinic " + slug, Currency: "CAD"})
	if err != nil {
		f.t.Fatal(err)
	}
	f.clinic = slug
	hash, err := auth.HashPassword(ownerPassword)
	if err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.st.CreateUser(ctx, c.ID, clinic.User{Email: ownerEmail, Name: "Olive Owner", Role: clinic.RoleOwner, PasswordHash: hash}); err != nil {
		f.t.Fatal(err)
	}
	f.owner = f.login(slug, ownerEmail, ownerPassword)
}

// newFixture sets up a clinic with one Toronto location open Monday to
// Saturday 09:00-17:00, two rooms, one hot-stone heater, and three
// therapists: Ana (deep tissue, Swedish, hot stone), Ben (Swedish), Cara (Swedish,
// hot stone), all working 09:00-17:00 Monday to Friday.
func newFixture(t testing.TB, engine string) *fixture {
	f := newBareServer(t, engine, "test")
	week := map[string]any{}
	for _, d := range []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday"} {
		week[d] = []any{map[string]any{"start": "09:00", "end": "17:00"}}
	}
	f.location = f.create("locations", map[string]any{"name": "Queen West", "address": "1 Queen St W", "latitude": 43.65, "longitude": -79.41,
		"timezone": "America/Toronto", "hours": week})
	f.roomA = f.create("rooms", map[string]any{"name": "Room A", "location": f.location})
	f.roomB = f.create("rooms", map[string]any{"name": "Room B", "location": f.location})
	f.create("equipment", map[string]any{"name": "Heater", "kind": "hot-stone-heater", "location": f.location, "count": 1})
	therapist := func(name string, modalities ...string) string {
		var shifts []any
		for _, d := range []string{"monday", "tuesday", "wednesday", "thursday", "friday"} {
			shifts = append(shifts, map[string]any{"location": f.location, "weekday": d, "start": "09:00", "end": "17:00"})
		}
		return f.create("therapists", map[string]any{"name": name, "modalities": modalities, "shifts": shifts,
			"credentials": []any{map[string]any{"kind": "licence", "number": "RMT-1", "issuer": "College", "expires": "2030-12-31"}}})
	}
	f.ana = therapist("Ana", "deep-tissue", "swedish", "hot-stone")
	f.ben = therapist("Ben", "swedish")
	f.cara = therapist("Cara", "swedish", "hot-stone")
	service := func(name, modality string, minutes, before, after int, equipment ...string) string {
		if equipment == nil {
			equipment = []string{}
		}
		return f.create("services", map[string]any{"name": name, "modality": modality, "duration_minutes": minutes, "price": 10000,
			"currency": "CAD", "buffer_before_minutes": before, "buffer_after_minutes": after, "equipment": equipment,
			"min_notice_minutes": 60, "horizon_days": 60, "cancel_window_hours": 24, "late_cancel": "fee", "late_cancel_fee": 5000})
	}
	f.swedish = service("Swedish 60", "swedish", 60, 0, 15)
	f.deep = service("Deep tissue 60", "deep-tissue", 60, 0, 15)
	f.hotStone = service("Hot stone 90", "hot-stone", 90, 15, 15, "hot-stone-heater")
	return f
}

func (f *fixture) login(slug, email, password string) string {
	f.t.Helper()
	var out struct{ Token string }
	f.mustDo("POST", "/api/v1/auth/login", "", map[string]any{"clinic": slug, "email": email, "password": password}, 200, &out)
	return out.Token
}

// create POSTs a catalog item as the owner and returns its id.
func (f *fixture) create(kind string, body map[string]any) string {
	f.t.Helper()
	var out struct{ ID string }
	f.mustDo("POST", "/api/v1/clinics/"+f.clinic+"/"+kind, f.owner, body, 201, &out)
	if out.ID == "" {
		f.t.Fatalf("create %s: no id", kind)
	}
	return out.ID
}

// response is an HTTP answer with its body.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r response) problem(t testing.TB) map[string]any {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("status %d with Content-Type %q, want application/problem+json; body %s", r.Status, ct, r.Body)
	}
	var p map[string]any
	if err := json.Unmarshal(r.Body, &p); err != nil {
		t.Fatalf("problem body: %v: %s", err, r.Body)
	}
	if int(p["status"].(float64)) != r.Status || p["title"] == "" || p["type"] == "" {
		t.Fatalf("problem lacks status/title/type: %s", r.Body)
	}
	return p
}

// do sends a request; body may be nil, a string (sent raw) or a value (sent as JSON).
func (f *fixture) do(method, path, token string, body any, headers ...string) response {
	f.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			f.t.Fatal(err)
		}
		rd = bytes.NewReader(buf)
	}
	req, err := http.NewRequest(method, f.srv.URL+path, rd)
	if err != nil {
		f.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// mustDo sends a request, requires the status, and decodes the body into out.
func (f *fixture) mustDo(method, path, token string, body any, want int, out any) response {
	f.t.Helper()
	r := f.do(method, path, token, body)
	if r.Status != want {
		f.t.Fatalf("%s %s: status %d, want %d; body %s", method, path, r.Status, want, r.Body)
	}
	if out != nil {
		if err := json.Unmarshal(r.Body, out); err != nil {
			f.t.Fatalf("%s %s: decode: %v: %s", method, path, err, r.Body)
		}
	}
	return r
}

func (f *fixture) path(rest string) string { return "/api/v1/clinics/" + f.clinic + rest }

// slot is one item of an availability answer.
type slot struct{ Start, End, Therapist, Location string }

func (f *fixture) slots(service, therapist, from, to string) []slot {
	f.t.Helper()
	q := "/availability?service=" + service + "&location=" + f.location + "&from=" + from + "&to=" + to
	if therapist != "" {
		q += "&therapist=" + therapist
	}
	var out struct{ Slots []slot }
	f.mustDo("GET", f.path(q), "", nil, 200, &out)
	return out.Slots
}

// appointment is a booking answer.
type appointment struct {
	ID, Status, Start, End, Therapist, Location, Service, Room string
	CancelToken                                                string `json:"cancel_token"`
	CancelFee                                                  int64  `json:"cancel_fee"`
}

func guest(name string) map[string]any {
	return map[string]any{"name": name, "email": strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "@example.com", "phone": "+1 416 555 0100"}
}

func (f *fixture) bookBody(service, therapist string, start time.Time, client string) map[string]any {
	b := map[string]any{"service": service, "location": f.location, "start": start.Format(time.RFC3339), "client": guest(client)}
	if therapist != "" {
		b["therapist"] = therapist
	}
	return b
}
