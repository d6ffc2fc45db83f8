package server_test

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The client's portal over plain HTTP: accounts, and the visits an account
// sees and changes.

const annPassword = "ann's long passphrase"

// portalSignup creates an account on v's browser and returns the answer.
func (v *visitor) portalSignup(name, email, password string) page {
	v.t.Helper()
	form := v.get("/portal/signup").must(v.t, 200).form(v.t, "/portal/signup", 0)
	form.Set("name", name)
	form.Set("email", email)
	form.Set("phone", "+1 416 555 0100")
	form.Set("password", password)
	form.Set("password2", password)
	return v.post("/portal/signup", form)
}

func (v *visitor) portalLogin(email, password string) page {
	v.t.Helper()
	form := v.get("/portal/login").must(v.t, 200).form(v.t, "/portal/login", 0)
	form.Set("email", email)
	form.Set("password", password)
	return v.post("/portal/login", form)
}

// portalBook books through the booking pages with the details form as it
// comes, and returns the details page and the visit's id and link.
func (v *visitor) portalBook(service, therapist string, start time.Time) (details page, id, link string) {
	v.t.Helper()
	details = v.get("/c/test/book?service="+service+"&therapist="+therapist+"&start="+url.QueryEscape(start.Format(time.RFC3339))).must(v.t, 200)
	done := v.post("/c/test/book", details.form(v.t, "/c/test/book", 0)).must(v.t, 303)
	m := regexp.MustCompile(`^/c/test/visit/([^?]+)\?`).FindStringSubmatch(done.Location)
	if m == nil {
		v.t.Fatalf("booked, then sent to %q", done.Location)
	}
	return details, m[1], done.Location
}

// appointment reads a visit through the API, as the owner.
func (f *fixture) appointment(id string) appointment {
	f.t.Helper()
	var a appointment
	f.mustDo("GET", f.path("/appointments/"+id), f.owner, nil, 200, &a)
	return a
}

func TestPortalAccounts(t *testing.T) {
	forEachEngine(t, func(t *testing.T, engine string) {
		f := newFixture(t, engine)
		ann := newVisitor(t, f)
		if to := ann.get("/portal").must(t, 303).Location; to != "/portal/login" {
			t.Fatalf("/portal without an account sent to %q", to)
		}

		// Sign up: each mistake is said next to its field, what was typed
		// stays, and no password is sent back.
		signup := ann.get("/portal/signup").must(t, 200)
		form := signup.form(t, "/portal/signup", 0)
		form.Set("name", "")
		form.Set("email", "ann@")
		form.Set("phone", "12")
		form.Set("password", "short")
		form.Set("password2", "short")
		bad := ann.post("/portal/signup", form).must(t, 422)
		bad.wantField(t, "name", "Is required.")
		bad.wantField(t, "email", "Must be an email address")
		bad.wantField(t, "phone", "Must be a phone number of 7 to 15 digits.")
		bad.wantField(t, "password", "Must be at least 10 characters long.")
		if !strings.Contains(bad.Body, `value="ann@"`) || strings.Contains(bad.Body, "short") {
			t.Fatal("the form lost what was typed, or sent the password back")
		}
		form.Set("name", "Ann Lee")
		form.Set("email", "Ann@Example.com")
		form.Set("phone", "+1 416 555 0100")
		form.Set("password", annPassword)
		form.Set("password2", annPassword+"!")
		ann.post("/portal/signup", form).must(t, 422).wantField(t, "password2", "The two passwords differ.")

		// A form without its CSRF token creates nothing.
		form.Set("password2", annPassword)
		noToken := maps.Clone(form)
		noToken.Del("csrf")
		ann.post("/portal/signup", noToken).must(t, 403).has(t, "This form has expired")

		in := ann.post("/portal/signup", form).must(t, 303)
		if in.Location != "/portal" {
			t.Fatalf("signed up, then sent to %q", in.Location)
		}
		cookie := in.Header.Get("Set-Cookie")
		for _, want := range []string{"knead_account=", "HttpOnly", "SameSite=Lax", "Path=/", "Expires="} {
			if !strings.Contains(cookie, want) {
				t.Errorf("session cookie %q lacks %s", cookie, want)
			}
		}
		if strings.Contains(cookie, "Secure") {
			t.Errorf("session cookie %q is Secure over plain HTTP", cookie)
		}
		home := ann.get("/portal").must(t, 200)
		home.has(t, "Your visits", "Logged in as Ann Lee (Ann@Example.com)", "No upcoming visits")

		// The email is taken, in any case.
		other := newVisitor(t, f)
		other.portalSignup("Ann Again", "ann@example.COM", "another long passphrase").must(t, 409).
			wantField(t, "email", "An account with this email already exists.")

		// Log out (never without the form's token), then in again.
		out := home.form(t, "/portal/logout", 0)
		out.Del("csrf")
		ann.post("/portal/logout", out).must(t, 403)
		ann.get("/portal").must(t, 200)
		bye := ann.post("/portal/logout", home.form(t, "/portal/logout", 0)).must(t, 303)
		if !strings.Contains(bye.Header.Get("Set-Cookie"), "knead_account=;") {
			t.Errorf("logout left the cookie: %q", bye.Header.Get("Set-Cookie"))
		}
		ann.get(bye.Location).must(t, 200).has(t, "You have logged out")
		ann.get("/portal").must(t, 303)
		ann.portalLogin("ann@example.com", "not it").must(t, 401).has(t, "The email or password is wrong.")
		ann.portalLogin("nobody@example.com", annPassword).must(t, 401).has(t, "The email or password is wrong.")
		if to := ann.portalLogin("ANN@example.com", annPassword).must(t, 303).Location; to != "/portal" {
			t.Fatalf("logged in, then sent to %q", to)
		}
		ann.get("/portal").must(t, 200).has(t, "Logged in as Ann Lee")

		// After login the page asked for comes back, if it is this site's.
		for next, want := range map[string]string{
			"/c/test/book?service=" + f.swedish: "/c/test/book?service=" + f.swedish,
			"https://evil.example/":             "/portal",
			"//evil.example/":                   "/portal",
			"/\\evil.example":                   "/portal",
			"/\t/evil.example":                  "/portal",
		} {
			v := newVisitor(t, f)
			form := v.get("/portal/login?next="+url.QueryEscape(next)).must(t, 200).form(t, "/portal/login", 0)
			form.Set("email", "ann@example.com")
			form.Set("password", annPassword)
			if to := v.post("/portal/login", form).must(t, 303).Location; to != want {
				t.Errorf("login with next %q went to %q, want %q", next, to, want)
			}
		}

		// Over TLS (here, as a proxy says) the cookie is Secure.
		tls := newVisitor(t, f)
		lf := tls.get("/portal/login").must(t, 200).form(t, "/portal/login", 0)
		lf.Set("email", "ann@example.com")
		lf.Set("password", annPassword)
		req, err := http.NewRequest("POST", f.srv.URL+"/portal/login", strings.NewReader(lf.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-Proto", "https")
		resp, err := tls.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		p := readPage(t, resp).must(t, 303)
		if c := p.Header.Get("Set-Cookie"); !strings.Contains(c, "knead_account=") || !strings.Contains(c, "Secure") {
			t.Errorf("session cookie over TLS %q is not Secure", c)
		}

		// Guessing: five wrong passwords stop logins of that email a while,
		// the right one included; other accounts log in still.
		g := newVisitor(t, f)
		for i := range 5 {
			g.portalLogin("ann@example.com", "guess "+string(rune('a'+i))).must(t, 401)
		}
		g.portalLogin("ann@example.com", annPassword).must(t, 429).has(t, "Too many failed logins. Please wait 15 minutes")
		newVisitor(t, f).portalSignup("Bo Chen", "bo@example.com", "bo's long passphrase").must(t, 303)
		newVisitor(t, f).portalLogin("bo@example.com", "bo's long passphrase").must(t, 303)
		f.clock.Add(16 * time.Minute)
		g.portalLogin("ann@example.com", annPassword).must(t, 303)
	})
}

func TestPortalVisits(t *testing.T) {
	forEachEngine(t, func(t *testing.T, engine string) {
		f := newFixture(t, engine) // Monday 4 January 2027, 08:00 in Toronto
		ann := newVisitor(t, f)
		ann.portalSignup("Ann Lee", "ann@example.com", annPassword).must(t, 303)

		// Booked while logged in: the form is filled in from the account,
		// and the visit is kept in it.
		details, v1, link := ann.portalBook(f.swedish, f.ana, at(5, 10, 0))
		details.has(t, "Booking as Ann Lee")
		if got := details.form(t, "/c/test/book", 0); got.Get("name") != "Ann Lee" || got.Get("email") != "ann@example.com" ||
			got.Get("phone") != "+1 416 555 0100" {
			t.Fatalf("details form not filled in from the account: %v", got)
		}
		ann.get(link).must(t, 200).has(t, "You're booked", "This visit is kept in your account")
		home := ann.get("/portal").must(t, 200)
		home.has(t, "Upcoming", "Tuesday 5 January 2027 10:00–11:00 EST", "Booked", "Swedish 60", "Ana", "Where Test Clinic test , Queen West",
			"Free to cancel or move until Mon 4 Jan, 10:00", "No past visits yet")

		// A guest's visit with the same email is not Ann's to see...
		var guestVisit appointment
		f.mustDo("POST", f.path("/appointments"), "", map[string]any{"service": f.swedish, "location": f.location, "therapist": f.ben,
			"start": at(6, 10, 0).Format(time.RFC3339), "client": map[string]any{"name": "Ann Lee", "email": "ann@example.com",
				"phone": "+1 416 555 0100"}}, 201, &guestVisit)
		v2 := guestVisit.ID
		if strings.Contains(ann.get("/portal").must(t, 200).text(), "Wednesday 6 January") {
			t.Fatal("a guest's visit shows in the account of the same email")
		}
		ann.get("/portal/visits/test/"+v2+"/cancel").must(t, 404).has(t, "There is no such visit in your account.")
		// ...until she claims it with its link.
		guestLink := "/c/test/visit/" + v2 + "?t=" + guestVisit.CancelToken
		page := ann.get(guestLink).must(t, 200)
		page.has(t, "Logged in as Ann Lee", "Keep this visit in my account")
		keep := page.form(t, "/c/test/visit/"+v2+"/keep", 0)
		forged := url.Values{"csrf": {keep.Get("csrf")}, "t": {"wrong"}}
		ann.post("/c/test/visit/"+v2+"/keep", forged).must(t, 404)
		keep.Del("csrf")
		ann.post("/c/test/visit/"+v2+"/keep", keep).must(t, 403)
		ann.post("/c/test/visit/"+v2+"/keep", page.form(t, "/c/test/visit/"+v2+"/keep", 0)).must(t, 303)
		ann.get(guestLink).must(t, 200).has(t, "This visit is kept in your account")
		ann.get("/portal").must(t, 200).has(t, "Wednesday 6 January 2027 10:00–11:00 EST", "Ben")
		// A visitor without an account is asked to log in or sign up.
		newVisitor(t, f).get(guestLink).must(t, 200).has(t, "Log in or create an account to keep this visit")

		// Another account neither sees nor changes Ann's visits.
		bo := newVisitor(t, f)
		bo.portalSignup("Bo Chen", "bo@example.com", "bo's long passphrase").must(t, 303)
		boHome := bo.get("/portal").must(t, 200)
		if strings.Contains(boHome.text(), "Tuesday 5 January") {
			t.Fatal("another account sees Ann's visit")
		}
		for _, path := range []string{"/portal/visits/test/" + v1 + "/cancel", "/portal/visits/test/" + v1 + "/reschedule"} {
			bo.get(path).must(t, 404).has(t, "There is no such visit in your account.")
			bo.post(path, url.Values{"csrf": {boHome.form(t, "/portal/logout", 0).Get("csrf")},
				"start": {at(7, 9, 0).Format(time.RFC3339)}}).must(t, 404)
		}
		if a := f.appointment(v1); a.Status != "booked" || a.Start != "2027-01-05T10:00:00-05:00" {
			t.Fatalf("another account changed Ann's visit: %+v", a)
		}
		// Nobody logged in: to the login page, and back after.
		if to := newVisitor(t, f).get("/portal/visits/test/"+v1+"/cancel").must(t, 303).Location; to !=
			"/portal/login?next="+url.QueryEscape("/portal/visits/test/"+v1+"/cancel") {
			t.Fatalf("not logged in, sent to %q", to)
		}

		// Cancel inside the policy: free, said before and after.
		cancel := ann.get("/portal/visits/test/"+v2+"/cancel").must(t, 200)
		cancel.has(t, "Cancel your visit?", "Wednesday 6 January 2027, 10:00–11:00", "Cancelling is free until Tue 5 Jan, 10:00", "Cancel this visit")
		cf := cancel.form(t, "/portal/visits/test/"+v2+"/cancel", 0)
		cf.Del("csrf")
		ann.post("/portal/visits/test/"+v2+"/cancel", cf).must(t, 403)
		if a := f.appointment(v2); a.Status != "booked" {
			t.Fatalf("cancelled without the form's token: %+v", a)
		}
		done := ann.post("/portal/visits/test/"+v2+"/cancel", cancel.form(t, "/portal/visits/test/"+v2+"/cancel", 0)).must(t, 303)
		ann.get(done.Location).must(t, 200).has(t, "Your visit of Wednesday 6 January at 10:00 is cancelled.", "Cancelled")
		if a := f.appointment(v2); a.Status != "cancelled" || a.CancelFee != 0 {
			t.Fatalf("after a free cancellation: %+v", a)
		}

		// Reschedule to a free time: the times page, Thursday, 14:00.
		times := ann.get("/portal/visits/test/"+v1+"/reschedule").must(t, 200)
		times.has(t, "Pick a new time", "For your Swedish 60 at Queen West, now Tue 5 Jan, 10:00 with Ana")
		thursday := times.links("day=2027-01-07")
		if len(thursday) == 0 || !strings.HasPrefix(thursday[0], "/portal/visits/test/"+v1+"/reschedule?") {
			t.Fatalf("day links %v", thursday)
		}
		slot := ann.get(thursday[0]).must(t, 200).links(url.QueryEscape("2027-01-07T14:00:00-05:00"))
		if len(slot) != 1 {
			t.Fatalf("Thursday 14:00 links %v", slot)
		}
		confirm := ann.get(slot[0]).must(t, 200)
		confirm.has(t, "Move your visit", "Now Tuesday 5 January 2027, 10:00 with Ana", "New time Thursday 7 January 2027, 14:00 with Ana",
			"Moving is free until Mon 4 Jan, 10:00", "Move my visit")
		moved := ann.post("/portal/visits/test/"+v1+"/reschedule", confirm.form(t, "/portal/visits/test/"+v1+"/reschedule", 0)).must(t, 303)
		ann.get(moved.Location).must(t, 200).has(t, "Your visit is moved to Thursday 7 January at 14:00.")
		if a := f.appointment(v1); a.Status != "booked" || a.Start != "2027-01-07T14:00:00-05:00" || a.Therapist != f.ana {
			t.Fatalf("after moving: %+v", a)
		}

		// Reschedule to a time taken meanwhile: the nearest free times,
		// each one tap.
		confirm = ann.get("/portal/visits/test/"+v1+"/reschedule?therapist="+f.ana+"&start="+
			url.QueryEscape(at(7, 11, 0).Format(time.RFC3339))).must(t, 200)
		f.mustDo("POST", f.path("/appointments"), "", f.bookBody(f.swedish, f.ana, at(7, 11, 0), "Quick Person"), 201, nil)
		taken := ann.post("/portal/visits/test/"+v1+"/reschedule", confirm.form(t, "/portal/visits/test/"+v1+"/reschedule", 0)).must(t, 409)
		taken.has(t, "Sorry, 11:00 was just taken", "One tap moves your visit to that time")
		alt := taken.form(t, "/portal/visits/test/"+v1+"/reschedule", 0)
		if alt.Get("start") == "" || alt.Get("start") == at(7, 11, 0).Format(time.RFC3339) || alt.Get("therapist") != f.ana {
			t.Fatalf("alternative %v", alt)
		}
		if a := f.appointment(v1); a.Start != "2027-01-07T14:00:00-05:00" {
			t.Fatalf("a taken time moved the visit: %+v", a)
		}
		ann.post("/portal/visits/test/"+v1+"/reschedule", alt).must(t, 303)
		newStart, _ := time.Parse(time.RFC3339, alt.Get("start"))
		if a := f.appointment(v1); a.Start != newStart.In(toronto).Format(time.RFC3339) {
			t.Fatalf("after taking an alternative: %+v, want %s", a, alt.Get("start"))
		}

		// A service whose late changes are refused online, booked Thursday
		// 09:00 with Ben.
		refuse := f.create("services", map[string]any{"name": "Swedish 60 strict", "modality": "swedish", "duration_minutes": 60,
			"price": 10000, "currency": "CAD", "equipment": []string{}, "min_notice_minutes": 60, "horizon_days": 60,
			"cancel_window_hours": 24, "late_cancel": "refuse", "late_cancel_fee": 0})
		_, v3, _ := ann.portalBook(refuse, f.ben, at(7, 9, 0))

		// Wednesday noon: less than 24 hours before both Thursday visits.
		f.clock.Set(at(6, 12, 0))
		f.owner = f.login("test", ownerEmail, ownerPassword) // the first token expired
		home = ann.get("/portal").must(t, 200)
		home.has(t, "it can no longer be cancelled or moved online. Please call the clinic.",
			"cancelling or moving it now costs CA$50.00", "Past", "Wednesday 6 January 2027 10:00–11:00 EST", "Cancelled")
		text := home.text()
		if i, j := strings.Index(text, "Swedish 60 strict"), strings.Index(text, newStart.In(toronto).Format("15:04")+"–"); i < 0 || j < 0 || j < i {
			t.Fatalf("upcoming visits not soonest first:\n%s", text)
		}
		if len(home.links("/portal/visits/test/"+v3+"/")) != 0 {
			t.Fatal("actions offered on a visit the policy closes")
		}

		// Refused: explained, and nothing changes even if the form is sent.
		ann.get("/portal/visits/test/"+v3+"/cancel").must(t, 200).has(t,
			"Visits can be cancelled online up to 24 hours before they start. Please call the clinic.")
		ann.get("/portal/visits/test/"+v3+"/reschedule").must(t, 200).has(t,
			"Visits can be moved online up to 24 hours before they start. Please call the clinic.")
		csrf := home.form(t, "/portal/logout", 0).Get("csrf")
		ann.post("/portal/visits/test/"+v3+"/cancel", url.Values{"csrf": {csrf}}).must(t, 409).has(t,
			"Visits can be cancelled online up to 24 hours before they start. Please call the clinic.")
		ann.post("/portal/visits/test/"+v3+"/reschedule", url.Values{"csrf": {csrf}, "therapist": {f.ben},
			"start": {at(8, 9, 0).Format(time.RFC3339)}}).must(t, 409).has(t, "Visits can be moved online up to 24 hours before they start.")
		if a := f.appointment(v3); a.Status != "booked" || a.Start != "2027-01-07T09:00:00-05:00" || a.CancelFee != 0 {
			t.Fatalf("a refused change changed the visit: %+v", a)
		}

		// Late: the fee is said before confirming, then charged.
		cancel = ann.get("/portal/visits/test/"+v1+"/cancel").must(t, 200)
		cancel.has(t, "cancelling now costs a fee of CA$50.00", "Cancel and pay CA$50.00")
		done = ann.post("/portal/visits/test/"+v1+"/cancel", cancel.form(t, "/portal/visits/test/"+v1+"/cancel", 0)).must(t, 303)
		ann.get(done.Location).must(t, 200).has(t, "is cancelled. A late-change fee of CA$50.00 applies.", "Cancelled · late-change fee CA$50.00")
		if a := f.appointment(v1); a.Status != "cancelled" || a.CancelFee != 5000 {
			t.Fatalf("after a late cancellation: %+v", a)
		}
		// Cancelled: nothing more to do with it.
		ann.get("/portal/visits/test/"+v1+"/cancel").must(t, 200).has(t, "This visit can no longer be cancelled.")
	})
}

// TestSignupThrottle: one address makes at most five accounts in the
// window (attempts with a taken email count too), then is told to wait.
func TestSignupThrottle(t *testing.T) {
	f := newFixture(t, "sqlite")
	v := newVisitor(t, f)
	const password = "a long enough password"
	for i := range 4 {
		v.portalSignup(fmt.Sprintf("Person %d", i), fmt.Sprintf("p%d@example.com", i), password).must(t, 303)
		v.post("/portal/logout", v.get("/portal").must(t, 200).form(t, "/portal/logout", 0)).must(t, 303)
	}
	v.portalSignup("Again", "p0@example.com", password).must(t, 409) // the fifth attempt: a taken email
	v.portalSignup("Six", "p6@example.com", password).must(t, 429).has(t, "Too many sign-ups. Please wait 15 minutes")
	f.clock.Add(16 * time.Minute)
	v.portalSignup("Six", "p6@example.com", password).must(t, 303)
}
