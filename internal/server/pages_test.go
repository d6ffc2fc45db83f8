package server_test

import (
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The pages' behaviour over plain HTTP, as a browser without script uses
// them (forms and links); the real-browser tests are in internal/web.

// visitor is a browser without script: cookies, no automatic redirects.
type visitor struct {
	t *testing.T
	f *fixture
	c *http.Client
}

func newVisitor(t *testing.T, f *fixture) *visitor {
	jar, _ := cookiejar.New(nil)
	return &visitor{t: t, f: f, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

type page struct {
	Status   int
	Header   http.Header
	Body     string
	Location string // a redirect's target
}

func (v *visitor) get(path string) page {
	v.t.Helper()
	resp, err := v.c.Get(v.f.srv.URL + path)
	if err != nil {
		v.t.Fatal(err)
	}
	return readPage(v.t, resp)
}

func (v *visitor) post(path string, form url.Values) page {
	v.t.Helper()
	resp, err := v.c.PostForm(v.f.srv.URL+path, form)
	if err != nil {
		v.t.Fatal(err)
	}
	return readPage(v.t, resp)
}

func readPage(t *testing.T, resp *http.Response) page {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return page{Status: resp.StatusCode, Header: resp.Header, Body: string(b), Location: resp.Header.Get("Location")}
}

// must requires the status and returns the page.
func (p page) must(t *testing.T, status int) page {
	t.Helper()
	if p.Status != status {
		t.Fatalf("status %d, want %d (Location %q):\n%.2000s", p.Status, status, p.Location, p.text())
	}
	return p
}

// text is the page's visible text, roughly: tags dropped, entities decoded.
func (p page) text() string {
	s := regexp.MustCompile(`(?s)<head>.*</head>`).ReplaceAllString(p.Body, "")
	s = regexp.MustCompile(`<[^>]+>`).ReplaceAllString(s, " ")
	return strings.Join(strings.Fields(html.UnescapeString(s)), " ")
}

func (p page) has(t *testing.T, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if !strings.Contains(p.text(), s) {
			t.Fatalf("page lacks %q:\n%.2000s", s, p.text())
		}
	}
}

// form returns the hidden and prefilled inputs of the n-th form whose
// action is action.
func (p page) form(t *testing.T, action string, n int) url.Values {
	t.Helper()
	forms := regexp.MustCompile(`(?s)<form[^>]*action="`+regexp.QuoteMeta(action)+`"[^>]*>(.*?)</form>`).FindAllStringSubmatch(p.Body, -1)
	if len(forms) <= n {
		t.Fatalf("no form %d to %s:\n%s", n, action, p.Body)
	}
	v := url.Values{}
	for _, m := range regexp.MustCompile(`<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"`).FindAllStringSubmatch(forms[n][1], -1) {
		v.Set(m[1], html.UnescapeString(m[2]))
	}
	return v
}

// links returns the targets of links whose address contains part.
func (p page) links(part string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`href="([^"]*)"`).FindAllStringSubmatch(p.Body, -1) {
		if u := html.UnescapeString(m[1]); strings.Contains(u, part) {
			out = append(out, u)
		}
	}
	return out
}

func TestBookingPages(t *testing.T) {
	forEachEngine(t, func(t *testing.T, engine string) {
		f := newFixture(t, engine)
		ann := newVisitor(t, f)

		// Step 1: the clinic's page leads to the services.
		clinicPage := ann.get("/c/test").must(t, 200)
		clinicPage.has(t, "Swedish 60", "60 minutes · CA$100.00", "Queen West", "Ana", "Licensed massage therapist")
		ann.get("/c/test/book").must(t, 200).has(t, "What would you like?", "Swedish 60", "Deep tissue 60")

		// Step 2 (the clinic has one location, so a service's link leads
		// straight here): the free times of the first day with any (Monday
		// from 09:00: the clock is 08:00 and the notice one hour).
		times := ann.get(clinicPage.links("/c/test/book?service=" + f.swedish)[0]).must(t, 200)
		times.has(t, "Pick a time", "Monday 4 January 2027", "Ana", "Ben", "Cara")
		slots := times.links("start=")
		if len(slots) == 0 || !strings.Contains(slots[0], url.QueryEscape("2027-01-04T09:00:00-05:00")) {
			t.Fatalf("first slot link %v, want Monday 09:00", slots)
		}

		// Step 3: details; a form without its CSRF token is refused and
		// books nothing; a wrong phone is explained at the field.
		details := ann.get(slots[0]).must(t, 200)
		details.has(t, "Your details", "Monday 4 January 2027 at 09:00")
		form := details.form(t, "/c/test/book", 0)
		form.Set("name", "Ann Lee")
		form.Set("email", "ann@example.com")
		form.Set("phone", "12")
		noToken := url.Values{}
		for k, vs := range form {
			noToken[k] = vs
		}
		noToken.Del("csrf")
		ann.post("/c/test/book", noToken).must(t, 403).has(t, "This form has expired")
		bad := ann.post("/c/test/book", form).must(t, 422)
		bad.has(t, "Must be a phone number of 7 to 15 digits.")
		if !strings.Contains(bad.Body, `value="Ann Lee"`) {
			t.Fatal("the form lost what was typed")
		}
		if got := len(f.slots(f.swedish, "", "2027-01-04", "2027-01-04")); got == 0 {
			t.Fatal("no slots left after failed attempts")
		}

		// Booked: the visit's page, with before-care and the way to cancel.
		form.Set("phone", "+1 416 555 0100")
		done := ann.post("/c/test/book", form).must(t, 303)
		if !strings.Contains(done.Location, "/c/test/visit/") || !strings.Contains(done.Location, "new=1") {
			t.Fatalf("redirect to %q", done.Location)
		}
		visit := ann.get(done.Location).must(t, 200)
		visit.has(t, "You're booked", "Monday 4 January 2027, 09:00–10:00", "Before your visit", "Wear comfortable clothing",
			"less than 24 hours before your visit: cancelling now costs a fee of CA$50.00")
		// Sending the same form again (a double tap) is the same booking.
		again := ann.post("/c/test/book", form).must(t, 303)
		if again.Location != done.Location {
			t.Fatalf("a resent form booked again: %s vs %s", again.Location, done.Location)
		}

		// Bo fills in the same time for the same therapist, after Ann
		// booked it: a clear page with the nearest free times, each one tap.
		bo := newVisitor(t, f)
		var therapist string
		if m := regexp.MustCompile(`Therapist</dt><dd>First available \(now (\w+)\)`).FindStringSubmatch(details.Body); m != nil {
			therapist = map[string]string{"Ana": f.ana, "Ben": f.ben, "Cara": f.cara}[m[1]]
		}
		if therapist == "" {
			t.Fatalf("the details page names no therapist:\n%s", details.text())
		}
		boDetails := bo.get("/c/test/book?service="+f.swedish+"&location="+f.location+"&therapist="+therapist+
			"&start="+url.QueryEscape("2027-01-04T11:00:00-05:00")).must(t, 200)
		boForm := boDetails.form(t, "/c/test/book", 0)
		boForm.Set("start", "2027-01-04T09:00:00-05:00") // the page was open before Ann booked
		boForm.Set("name", "Bo Chen")
		boForm.Set("email", "bo@example.com")
		boForm.Set("phone", "+1 416 555 0101")
		taken := bo.post("/c/test/book", boForm).must(t, 409)
		taken.has(t, "Sorry, 09:00 was just taken", "These times are still free")
		alt := taken.form(t, "/c/test/book", 0)
		if alt.Get("name") != "Bo Chen" || alt.Get("start") == "" {
			t.Fatalf("alternative form %v", alt)
		}
		booked := bo.post("/c/test/book", alt).must(t, 303)
		bo.get(booked.Location).must(t, 200).has(t, "You're booked")
	})
}

func TestVisitPage(t *testing.T) {
	forEachEngine(t, func(t *testing.T, engine string) {
		f := newFixture(t, engine)
		var a appointment
		f.mustDo("POST", f.path("/appointments"), "", f.bookBody(f.swedish, f.ana, at(5, 10, 0), "Cy Park"), 201, &a)
		v := newVisitor(t, f)
		link := "/c/test/visit/" + a.ID + "?t=" + a.CancelToken
		v.get("/c/test/visit/"+a.ID+"?t=wrong").must(t, 404).has(t, "There is no visit at this link")
		v.get("/c/test/visit/nope?t="+a.CancelToken).must(t, 404)

		// Inside the 24-hour window the fee is shown before cancelling.
		f.clock.Set(at(4, 12, 0))
		page := v.get(link).must(t, 200)
		page.has(t, "Tuesday 5 January 2027, 10:00–11:00", "Ana", "cancelling now costs a fee of CA$50.00", "Cancel and pay CA$50.00")
		form := page.form(t, "/c/test/visit/"+a.ID+"/cancel", 0)
		done := v.post("/c/test/visit/"+a.ID+"/cancel", form).must(t, 303)
		v.get(done.Location).must(t, 200).has(t, "Your visit is cancelled", "A late-cancellation fee of CA$50.00 applies", "Cancelled")
		var got appointment
		f.mustDo("GET", f.path("/appointments/"+a.ID), f.owner, nil, 200, &got)
		if got.Status != "cancelled" || got.CancelFee != 5000 {
			t.Fatalf("after cancelling: %+v", got)
		}
	})
}

func TestDirectoryPage(t *testing.T) {
	forEachEngine(t, func(t *testing.T, engine string) {
		f := newFixture(t, engine) // Queen West, Toronto (43.65, -79.41)
		g := newBareServerOn(t, f, "lake")
		week := map[string]any{}
		for _, d := range []string{"monday", "tuesday", "wednesday", "thursday", "friday"} {
			week[d] = []any{map[string]any{"start": "08:00", "end": "18:00"}}
		}
		lakeLoc := g.create("locations", map[string]any{"name": "Harbourfront", "address": "10 King St W, Hamilton, ON L8P 1A1, Canada",
			"latitude": 43.2557, "longitude": -79.8711, "timezone": "America/Toronto", "hours": week})
		var shifts []any
		for _, d := range []string{"monday", "tuesday", "wednesday", "thursday", "friday"} {
			shifts = append(shifts, map[string]any{"location": lakeLoc, "weekday": d, "start": "08:00", "end": "18:00"})
		}
		g.create("rooms", map[string]any{"name": "Room", "location": lakeLoc})
		g.create("therapists", map[string]any{"name": "Dee", "modalities": []string{"sciatica-release"}, "shifts": shifts,
			"credentials": []any{map[string]any{"kind": "licence", "number": "9", "issuer": "College", "expires": "2030-12-31"}}})
		g.create("services", map[string]any{"name": "Sciatica 45", "modality": "sciatica-release", "duration_minutes": 45, "price": 9000,
			"currency": "CAD", "horizon_days": 30, "cancel_window_hours": 24, "late_cancel": "fee", "late_cancel_fee": 0, "equipment": []string{}})
		v := newVisitor(t, f)

		order := func(p page) []string {
			return regexp.MustCompile(`<h3><a href="/c/(\w+)">`).FindAllString(p.Body, -1)
		}
		// Near Hamilton (by the browser's position): the lake clinic first.
		near := v.get("/?lat=43.26&lng=-79.87").must(t, 200)
		near.has(t, "Nearest to your location", "Harbourfront", "Queen West", "Sciatica release", "Dee")
		if o := order(near); len(o) != 2 || !strings.Contains(o[0], "/c/lake") {
			t.Fatalf("order near Hamilton: %v", o)
		}
		// Picking the town does the same; the first result is 0 m away.
		town := v.get("/?near=hamilton").must(t, 200)
		town.has(t, "Nearest to Hamilton", "0 m")
		if o := order(town); !strings.Contains(o[0], "/c/lake") {
			t.Fatalf("order for Hamilton: %v", o)
		}
		v.get("/?near=Atlantis").must(t, 200).has(t, "We don't know a town called “Atlantis”")
		// Pain down the leg: only the clinic giving sciatica release.
		leg := v.get("/?area=leg-radiating").must(t, 200)
		if o := order(leg); len(o) != 1 || !strings.Contains(o[0], "/c/lake") {
			t.Fatalf("pain down the leg found %v", o)
		}
		// Each result shows its earliest free time and links to book it.
		deep := v.get("/?modality=deep-tissue").must(t, 200)
		deep.has(t, "Earliest free: Mon 4 Jan, 09:00 with Ana", "Closed now")
		book := deep.links("/c/test/book?")
		if len(book) != 1 {
			t.Fatalf("book links %v", book)
		}
		v.get(book[0]).must(t, 200).has(t, "Pick a time", "Deep tissue 60")
		// A Sunday: nobody works, so no result.
		v.get("/?day=2027-01-10").must(t, 200).has(t, "No clinic offers that on that day")
	})
}

func TestPageSecurity(t *testing.T) {
	f := newFixture(t, "sqlite")
	v := newVisitor(t, f)
	p := v.get("/c/test/book?service="+f.swedish).must(t, 200)
	csp := p.Header.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'", "default-src 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP allows inline code: %q", csp)
	}
	if p.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Error("no nosniff")
	}
	cookie := p.Header.Get("Set-Cookie")
	for _, want := range []string{"knead_csrf=", "HttpOnly", "SameSite=Lax", "Path=/"} {
		if !strings.Contains(cookie, want) {
			t.Errorf("CSRF cookie %q lacks %s", cookie, want)
		}
	}
	if strings.Contains(p.Body, "<script>") || strings.Contains(p.Body, " style=\"") || strings.Contains(p.Body, "onclick") {
		t.Error("inline script or style in a page")
	}
	// A form posted from another site has no cookie: refused, nothing booked.
	other := newVisitor(t, f)
	other.post("/c/test/book", url.Values{"csrf": {"forged"}, "service": {f.swedish}, "location": {f.location},
		"start": {at(4, 9, 0).Format(time.RFC3339)}, "name": {"X"}, "email": {"x@example.com"}, "phone": {"4165550100"}}).must(t, 403)
	// Static files carry a content hash and are cached for good.
	css := regexp.MustCompile(`href="(/static/app\.[0-9a-f]+\.css)"`).FindStringSubmatch(p.Body)
	if css == nil {
		t.Fatal("no stylesheet link")
	}
	s := v.get(css[1]).must(t, 200)
	if !strings.Contains(s.Header.Get("Cache-Control"), "immutable") || !strings.HasPrefix(s.Header.Get("Content-Type"), "text/css") {
		t.Errorf("stylesheet headers %v", s.Header)
	}
	v.get("/static/app.css").must(t, 404)
	v.get("/no/such/page").must(t, 404).has(t, "Page not found")
}

func TestStaffLoginPages(t *testing.T) {
	forEachEngine(t, func(t *testing.T, engine string) {
		f := newFixture(t, engine)
		f.mustDo("POST", f.path("/users"), f.owner, map[string]any{"email": "ana@example.com", "name": "Ana", "role": "therapist",
			"therapist": f.ana, "password": "therapist pass"}, 201, nil)
		f.mustDo("POST", f.path("/appointments"), "", f.bookBody(f.swedish, f.ana, at(4, 10, 0), "Cy Park"), 201, nil)
		f.mustDo("POST", f.path("/appointments"), "", f.bookBody(f.swedish, f.ben, at(4, 11, 0), "Di Ross"), 201, nil)

		v := newVisitor(t, f)
		v.get("/staff").must(t, 303)
		login := v.get("/login").must(t, 200)
		form := login.form(t, "/login", 0)
		form.Set("email", ownerEmail)
		form.Set("password", "not it")
		v.post("/login", form).must(t, 401).has(t, "The clinic, email or password is wrong.")
		form.Set("password", ownerPassword)
		in := v.post("/login", form).must(t, 303)
		if in.Location != "/staff" {
			t.Fatalf("login went to %q", in.Location)
		}
		cookie := in.Header.Get("Set-Cookie")
		for _, want := range []string{"knead_session=", "HttpOnly", "SameSite=Lax"} {
			if !strings.Contains(cookie, want) {
				t.Errorf("session cookie %q lacks %s", cookie, want)
			}
		}
		day := v.get("/staff").must(t, 200)
		day.has(t, "Olive Owner · Owner", "Monday 4 January 2027 at Queen West", "Ana", "10:00–11:00 Cy Park Swedish 60 · Room",
			"Ben", "11:00–12:00 Di Ross Swedish 60", "Rooms")
		out := day.form(t, "/logout", 0)
		v.post("/logout", out).must(t, 303)
		v.get("/staff").must(t, 303)

		// A therapist sees only their own column.
		ana := newVisitor(t, f)
		af := ana.get("/login").must(t, 200).form(t, "/login", 0)
		af.Set("email", "ana@example.com")
		af.Set("password", "therapist pass")
		ana.post("/login", af).must(t, 303)
		mine := ana.get("/staff").must(t, 200)
		mine.has(t, "Ana · Therapist", "10:00–11:00 Cy Park Swedish 60")
		if strings.Contains(mine.text(), "Di Ross") || strings.Contains(mine.text(), "11:00–12:00") {
			t.Fatalf("a therapist sees another's visits:\n%s", mine.text())
		}

		// Guessing: five wrong passwords lock the account for a while.
		g := newVisitor(t, f)
		gf := g.get("/login").must(t, 200).form(t, "/login", 0)
		gf.Set("email", ownerEmail)
		for i := range 5 {
			gf.Set("password", "guess "+string(rune('a'+i)))
			g.post("/login", gf).must(t, 401)
		}
		gf.Set("password", ownerPassword)
		g.post("/login", gf).must(t, 429).has(t, "Too many failed logins. Please wait 15 minutes")
	})
}

// login logs v in as staff of the fixture's clinic.
func (v *visitor) login(email, password string) {
	v.t.Helper()
	form := v.get("/login").must(v.t, 200).form(v.t, "/login", 0)
	form.Set("email", email)
	form.Set("password", password)
	v.post("/login", form).must(v.t, 303)
}

func TestFrontDeskPages(t *testing.T) {
	forEachEngine(t, func(t *testing.T, engine string) {
		f := newFixture(t, engine)
		f.mustDo("POST", f.path("/users"), f.owner, map[string]any{"email": "desk@example.com", "name": "Dee Desk", "role": "front_desk",
			"password": "front desk pass"}, 201, nil)
		f.mustDo("POST", f.path("/users"), f.owner, map[string]any{"email": "ben@example.com", "name": "Ben", "role": "therapist",
			"therapist": f.ben, "password": "therapist pass"}, 201, nil)
		var taken appointment
		f.mustDo("POST", f.path("/appointments"), "", f.bookBody(f.swedish, f.ana, at(5, 14, 0), "Cy Park"), 201, &taken)
		desk := newVisitor(t, f)
		desk.login("desk@example.com", "front desk pass")

		// Book for a new client on Tuesday with Ana: 14:00 is taken, so
		// it is not offered.
		times := desk.get("/staff/book?name=Eve+Ng&email=eve%40example.com&phone=%2B1+416+555+0111&service="+f.swedish+
			"&therapist="+f.ana+"&day=2027-01-05").must(t, 200)
		times.has(t, "Free times", "09:00 Ana", "12:45 Ana")
		if strings.Contains(times.text(), "14:00 Ana") {
			t.Fatalf("a taken time is offered:\n%s", times.text())
		}
		slot := times.form(t, "/staff/book", 1) // 09:00 (form 0 is the search)
		booked := desk.post("/staff/book", slot).must(t, 303)
		visit := desk.get(booked.Location).must(t, 200)
		visit.has(t, "Booked.", "Eve Ng, 09:00", "Tuesday 5 January 2027, 09:00–10:00", "eve@example.com")
		// A forged form for the taken 14:00 is refused: no double booking from here either.
		slot.Set("start", at(5, 14, 0).Format(time.RFC3339))
		slot.Set("key", "forged")
		desk.post("/staff/book", slot).must(t, 422).has(t, "That time is not free")

		// The day: check in ten minutes before, then completed.
		id := strings.TrimPrefix(strings.Split(booked.Location, "?")[0], "/staff/visit/")
		f.clock.Set(at(5, 8, 50))
		desk.get("/staff").must(t, 303) // yesterday's sessions have ended
		desk.login("desk@example.com", "front desk pass")
		f.owner = f.login(f.clinic, ownerEmail, ownerPassword)
		day := desk.get("/staff?day=2027-01-05").must(t, 200)
		day.has(t, "09:00–10:00 Eve Ng", "14:00–15:00 Cy Park", "Check in")
		in := desk.post("/staff/visit/"+id+"/mark", day.form(t, "/staff/visit/"+id+"/mark", 0)).must(t, 303)
		desk.get(in.Location).must(t, 200).has(t, "Checked in.", "arrived at 08:50")
		if p := desk.get("/staff/visit/"+id).must(t, 200); strings.Contains(p.text(), "Mark a no-show") {
			t.Fatal("a checked-in visit offers no-show")
		}
		f.clock.Set(at(5, 9, 30))
		fin := desk.get("/staff/visit/"+id).must(t, 200).form(t, "/staff/visit/"+id+"/mark", 0)
		fin.Set("mark", "complete")
		desk.post("/staff/visit/"+id+"/mark", fin).must(t, 303)
		var got appointment
		f.mustDo("GET", f.path("/appointments/"+id), f.owner, nil, 200, &got)
		if got.Status != "completed" {
			t.Fatalf("status %s after completing", got.Status)
		}
		// Marking it again is refused with a reason.
		desk.post("/staff/visit/"+id+"/mark", fin).must(t, 409).has(t, "This visit is completed")

		// Move Cy to 13:00, then cancel inside the window waiving the fee.
		page := desk.get("/staff/visit/"+taken.ID+"?move=2027-01-05").must(t, 200)
		page.has(t, "13:30", "14:15") // times that overlap the visit itself are free to it
		move := page.form(t, "/staff/visit/"+taken.ID+"/move", 0)
		move.Set("start", at(5, 13, 0).Format(time.RFC3339))
		desk.post("/staff/visit/"+taken.ID+"/move", move).must(t, 303)
		cancel := desk.get("/staff/visit/"+taken.ID).must(t, 200)
		cancel.has(t, "13:00–14:00", "the fee is CA$50.00", "Waive the fee")
		cf := cancel.form(t, "/staff/visit/"+taken.ID+"/cancel", 0)
		cf.Set("waive", "1")
		desk.post("/staff/visit/"+taken.ID+"/cancel", cf).must(t, 303)
		f.mustDo("GET", f.path("/appointments/"+taken.ID), f.owner, nil, 200, &got)
		if got.Status != "cancelled" || got.CancelFee != 0 {
			t.Fatalf("after a waived cancellation: %+v", got)
		}

		// The client search finds Eve with her visit; the week shows it.
		desk.get("/staff/clients?q=eve").must(t, 200).has(t, "Eve Ng", "eve@example.com")
		desk.get("/staff/clients?q=eve&client="+got.ID).must(t, 404)
		desk.get("/staff?view=week&day=2027-01-05").must(t, 200).has(t, "Week of Monday 4 January 2027", "Tue 5 Jan", "09:00")

		// A therapist cannot book or open others' visits.
		ben := newVisitor(t, f)
		ben.login("ben@example.com", "therapist pass")
		ben.get("/staff/book").must(t, 403)
		ben.get("/staff/clients?q=eve").must(t, 403)
		ben.get("/staff/visit/"+id).must(t, 404)
	})
}

// TestPagesNeverFail: hostile or broken input to every public page and form
// gets a readable page (2xx, 3xx or 4xx), never a 500.
func TestPagesNeverFail(t *testing.T) {
	f := newFixture(t, "sqlite")
	v := newVisitor(t, f)
	long := strings.Repeat("x", 5000)
	gets := []string{
		"/?lat=91&lng=0", "/?lat=NaN&lng=Inf", "/?lat=1e400&lng=-1e400", "/?near=%00%ff", "/?near=" + long,
		"/?modality=%ff&area=elbow&day=2027-13-45", "/?day=0000-01-01", "/?day=9999-12-31",
		"/c/%00", "/c/" + long, "/c/test/book?service=%ff&location=%00", "/c/test/book?service=" + f.swedish + "&day=2027-02-30",
		"/c/test/book?service=" + f.swedish + "&therapist=nobody&day=1900-01-01",
		"/c/test/book?service=" + f.swedish + "&day=9999-12-31", "/c/test/book?service=" + f.swedish + "&start=yesterday",
		"/c/test/book?service=" + f.swedish + "&start=2027-01-04T09:07:00-05:00",
		"/c/test/book?service=" + f.swedish + "&start=1970-01-01T00:00:00Z",
		"/c/test/visit/x?t=" + long, "/c/test/visit/%ff", "/portal?c=%00&v=" + long, "/login?next=//evil.example",
		"/staff?day=2027-99-99&view=week&location=%ff", "/static/%2e%2e%2fweb.go",
	}
	for _, path := range gets {
		if p := v.get(path); p.Status >= 500 {
			t.Errorf("GET %s: %d\n%.500s", path, p.Status, p.text())
		}
	}
	csrf := v.get("/c/test/book").must(t, 200).form(t, "/c/test/book", 0).Get("csrf")
	if csrf == "" {
		// The choose form is a GET; take the token from a details form.
		csrf = v.get("/c/test/book?service="+f.swedish+"&start="+url.QueryEscape(at(4, 9, 0).Format(time.RFC3339))).
			must(t, 200).form(t, "/c/test/book", 0).Get("csrf")
	}
	posts := []url.Values{
		{"csrf": {csrf}},
		{"csrf": {csrf}, "service": {f.swedish}, "location": {f.location}, "start": {"not a time"}},
		{"csrf": {csrf}, "service": {f.swedish}, "location": {f.location}, "start": {at(4, 9, 0).Format(time.RFC3339)},
			"name": {long}, "email": {"a@" + long}, "phone": {long}, "key": {long}},
		{"csrf": {csrf}, "service": {f.swedish}, "location": {f.location}, "start": {at(4, 9, 0).Format(time.RFC3339)},
			"name": {"A\x00B"}, "email": {"x@example.com"}, "phone": {"4165550100"}, "therapist": {"\xff"}},
	}
	for i, form := range posts {
		if p := v.post("/c/test/book", form); p.Status >= 500 {
			t.Errorf("POST form %d: %d\n%.500s", i, p.Status, p.text())
		}
	}
	for _, path := range []string{"/c/test/visit/x/cancel", "/login", "/portal/login", "/portal/signup", "/logout"} {
		if p := v.post(path, url.Values{"csrf": {csrf}, "t": {long}, "email": {long}, "password": {long}}); p.Status >= 500 {
			t.Errorf("POST %s: %d\n%.500s", path, p.Status, p.text())
		}
	}
	// A body past the size limit is refused, not read.
	if p := v.post("/c/test/book", url.Values{"csrf": {csrf}, "name": {strings.Repeat("y", 100<<10)}}); p.Status >= 500 {
		t.Errorf("a huge form: %d", p.Status)
	}
}
