package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"knead/internal/browsertest"
	"knead/internal/demo"
	"knead/internal/server"
	"knead/internal/testdb"
)

// The pages in a real browser (Debian's Chromium, headless) against a
// running knead with the demo clinic: each step is screenshotted (under
// test-output/ with make test) and checked with axe-core.

func TestMain(m *testing.M) {
	os.Exit(browsertest.Around(func() int { return testdb.Run(m) }))
}

// site is a running knead over a fresh demo database, with a clock that
// stands at Monday 2027-01-04 08:00 in Toronto.
type site struct {
	url string
	b   *browsertest.Browser
}

var demoNow = time.Date(2027, 1, 4, 13, 0, 0, 0, time.UTC)

func newSite(t *testing.T) *site {
	t.Helper()
	st := testdb.Open(t, "sqlite")
	if _, err := demo.Seed(context.Background(), st, demoNow); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	now := demoNow
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	srv := httptest.NewServer(server.New(server.Deps{Store: st, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: clock}))
	t.Cleanup(srv.Close)
	return &site{url: srv.URL, b: browsertest.Start(t)}
}

// check screenshots the page, runs axe on it and checks its weight.
func check(t *testing.T, p *browsertest.Page, step string) {
	t.Helper()
	p.Screenshot(step)
	p.Axe(t)
	var bytes int
	p.Eval(`performance.getEntriesByType("navigation").concat(performance.getEntriesByType("resource"))
		.reduce((n, e) => n + (e.transferSize || e.encodedBodySize || 0), 0)`, &bytes)
	if bytes > 150*1024 {
		t.Errorf("%s: %d bytes transferred, want under 150 KB", step, bytes)
	}
	for _, e := range p.Errors() {
		// A 409 or 422 page is an answer the tests check by its status.
		if !strings.Contains(e, "the server responded with a status of") {
			t.Errorf("%s: browser error: %s", step, e)
		}
	}
}

// staffLogin logs the page in as a demo staff member.
func staffLogin(p *browsertest.Page, s *site, l demo.Login) {
	if !strings.HasSuffix(p.URL(), "/login") {
		p.Go(s.url + "/login")
	}
	p.Fill("#email", l.Email)
	p.Fill("#password", l.Password)
	p.Submit(`button[type="submit"]`)
}

func wantHeading(t *testing.T, p *browsertest.Page, want string) {
	t.Helper()
	if h := p.Text("h1"); h != want {
		t.Fatalf("heading %q, want %q", h, want)
	}
}

// toTimes goes from a clinic page to the free times of its first service
// at its first location.
func toTimes(t *testing.T, p *browsertest.Page) {
	t.Helper()
	p.ClickAndWait(`.card a.button[href*="/book?service="]`)
	check(t, p, "choose")
	p.Click(`input[name="location"]`)
	p.Submit(`button[type="submit"]`)
	check(t, p, "times")
}

func TestBookingFlowInBrowser(t *testing.T) {
	s := newSite(t)
	for _, v := range []browsertest.Viewport{browsertest.Phone, browsertest.Desktop} {
		t.Run(v.Name, func(t *testing.T) {
			p := s.b.Page(t, v)
			if st := p.Go(s.url + "/?near=Toronto"); st != 200 {
				t.Fatalf("directory: %d", st)
			}
			check(t, p, "directory")
			if h := p.Text("#results-h"); h != "Nearest to Toronto" {
				t.Fatalf("results heading %q", h)
			}
			// From the clinic page to a confirmed visit: four more screens.
			p.ClickAndWait(".results .card h3 a")
			check(t, p, "clinic")
			toTimes(t, p)
			p.ClickAndWait(".times a")
			check(t, p, "details")
			p.Fill("#name", "Ann Lee")
			p.Fill("#email", "ann."+v.Name+"@example.com")
			p.Fill("#phone", "+1 416 555 0100")
			if st := p.Submit(`button[type="submit"]`); st != 200 {
				t.Fatalf("booking answered %d", st)
			}
			check(t, p, "booked")
			wantHeading(t, p, "You're booked")
			// The visit's page cancels it.
			p.Submit(".button.danger")
			check(t, p, "cancelled")
			wantHeading(t, p, "Your visit is cancelled")
		})
	}
}

// TestLostRaceInBrowser: someone else books the time while the details
// form is open; the answer offers the nearest free times, and one tap books
// one.
func TestLostRaceInBrowser(t *testing.T) {
	s := newSite(t)
	p := s.b.Page(t, browsertest.Desktop)
	p.Go(s.url + "/c/demo")
	toTimes(t, p)
	p.ClickAndWait(`nav[aria-label="Therapist"] li:nth-child(2) a`) // a named therapist
	p.ClickAndWait(".times a")
	var form map[string]string
	p.Eval(`Object.fromEntries(new FormData(document.querySelector('form[method="post"]')))`, &form)

	body, _ := json.Marshal(map[string]any{"service": form["service"], "location": form["location"], "therapist": form["therapist"],
		"start": form["start"], "client": map[string]string{"name": "Quick Person", "email": "quick@example.com", "phone": "+1 416 555 0199"}})
	resp, err := http.Post(s.url+"/api/v1/clinics/demo/appointments", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 201 {
		t.Fatalf("the other booking: %d", resp.StatusCode)
	}

	p.Fill("#name", "Slow Person")
	p.Fill("#email", "slow@example.com")
	p.Fill("#phone", "+1 416 555 0198")
	if st := p.Submit(`button[type="submit"]`); st != http.StatusConflict {
		t.Fatalf("booking a taken time answered %d", st)
	}
	check(t, p, "taken")
	if h := p.Text("h1"); !strings.HasPrefix(h, "Sorry, ") || !strings.HasSuffix(h, " was just taken") {
		t.Fatalf("taken page heading %q", h)
	}
	p.Submit(".times button")
	check(t, p, "alternative-booked")
	wantHeading(t, p, "You're booked")
}

// TestNearMeInBrowser: with the visitor's permission the browser's position
// sorts the directory: from Kitsilano, Vancouver comes first.
func TestNearMeInBrowser(t *testing.T) {
	s := newSite(t)
	p := s.b.Page(t, browsertest.Phone)
	p.SetGeolocation(49.2640, -123.1620)
	p.Go(s.url + "/")
	check(t, p, "directory-before")
	p.ClickAndWait("#locate")
	check(t, p, "directory-near-me")
	if h := p.Text("#results-h"); h != "Nearest to your location" {
		t.Fatalf("heading %q", h)
	}
	if first := p.Text(".results .card .where-line"); !strings.Contains(first, "Vancouver") {
		t.Fatalf("first result %q, want the Vancouver location", first)
	}
}

func TestStaffDayInBrowser(t *testing.T) {
	s := newSite(t)
	p := s.b.Page(t, browsertest.Desktop)
	p.Go(s.url + "/login")
	check(t, p, "login")
	staffLogin(p, s, demo.Logins[1])
	check(t, p, "staff-day")
	if who := p.Text("main .hint"); !strings.Contains(who, "Front desk") {
		t.Fatalf("staff page says %q", who)
	}
	if !p.Has(".calendar section") {
		t.Fatal("no therapist columns")
	}
}

// TestFrontDeskInBrowser: the front desk books a new client by phone into
// the first free time this morning, and checks them in when they arrive.
func TestFrontDeskInBrowser(t *testing.T) {
	s := newSite(t)
	p := s.b.Page(t, browsertest.Desktop)
	staffLogin(p, s, demo.Logins[1])
	p.ClickAndWait(`.staffbar a[href="/staff/book"]`)
	check(t, p, "book-for-client")
	p.Fill("#name", "Walk In Wendy")
	p.Fill("#email", "wendy@example.com")
	p.Fill("#phone", "+1 416 555 0177")
	p.Select("#service", "Swedish relaxation massage (60 min)")
	p.Submit(`form[method="get"] button[type="submit"]`)
	check(t, p, "free-times")
	p.Submit(".times button")
	check(t, p, "booked-by-desk")
	if done := p.Text("p.success"); done != "Booked." {
		t.Fatalf("after booking: %q", done)
	}
	p.Submit(`form[action$="/mark"] button`)
	check(t, p, "checked-in")
	if done := p.Text("p.success"); done != "Checked in." {
		t.Fatalf("after checking in: %q", done)
	}
}

// TestStaffPagesInBrowser: every staff page a front desk opens passes axe
// on a phone, the way a therapist checks the day between visits.
func TestStaffPagesInBrowser(t *testing.T) {
	s := newSite(t)
	p := s.b.Page(t, browsertest.Phone)
	p.Go(s.url + "/no/such/page")
	check(t, p, "not-found")
	staffLogin(p, s, demo.Logins[1])
	check(t, p, "day")
	p.ClickAndWait(`a[href*="view=week"]`)
	check(t, p, "week")
	p.Go(s.url + "/staff/clients?q=a")
	check(t, p, "clients")
	p.ClickAndWait("table a")
	check(t, p, "client")
	if p.Has(".plain a") {
		p.ClickAndWait(".plain a")
		check(t, p, "visit")
	}
}

// TestAuditPageInBrowser: the owner's audit log passes axe on a phone.
func TestAuditPageInBrowser(t *testing.T) {
	s := newSite(t)
	p := s.b.Page(t, browsertest.Phone)
	staffLogin(p, s, demo.Logins[0])
	p.ClickAndWait(`.staffbar a[href="/staff/audit"]`)
	check(t, p, "audit")
	wantHeading(t, p, "Audit log")
}
