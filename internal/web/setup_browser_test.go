package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"knead/internal/browsertest"
	"knead/internal/demo"
)

// The owner's setup in a real browser: every page visited is screenshotted
// and checked with axe, and a change of hours shows in the booking pages.

// demoIDs reads the ids of the demo's rows through the public API: the
// item named name in each kind.
func demoIDs(t *testing.T, s *site, kinds map[string]string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for kind, name := range kinds {
		resp, err := http.Get(s.url + "/api/v1/clinics/demo/" + kind)
		if err != nil {
			t.Fatal(err)
		}
		var list struct{ Items []struct{ ID, Name string } }
		err = json.NewDecoder(resp.Body).Decode(&list)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range list.Items {
			if it.Name == name {
				out[kind] = it.ID
			}
		}
		if out[kind] == "" {
			t.Fatalf("the demo has no %s %q", kind, name)
		}
	}
	return out
}

// ownerLogin logs the demo's owner in and opens the setup from the staff page.
func ownerLogin(t *testing.T, s *site, p *browsertest.Page) {
	t.Helper()
	staffLogin(p, s, demo.Logins[0])
	p.ClickAndWait(`a[href="/staff/setup"]`)
	check(t, p, "setup")
	wantHeading(t, p, "Set up Knead Demo Back & Body Clinic")
}

// dayStrip returns what the booking page's strip of days says of the day
// whose label starts with label ("Tue 5 Jan"): "N free" or "full".
func dayStrip(t *testing.T, p *browsertest.Page, label string) string {
	t.Helper()
	var days []string
	p.Eval(`[...document.querySelectorAll('.days li')].map(li => li.textContent.replace(/\s+/g, ' ').trim())`, &days)
	for _, d := range days {
		if rest, ok := strings.CutPrefix(d, label); ok {
			return strings.TrimSpace(rest)
		}
	}
	t.Fatalf("no %q in the days %q", label, days)
	return ""
}

// mistake sends a setup form holding a mistake, checks the page that
// answers, and requires the error next to the input id to say want.
func mistake(t *testing.T, p *browsertest.Page, step, id, want string) {
	t.Helper()
	if st := p.Submit(`form.setup button[type="submit"]`); st != http.StatusUnprocessableEntity {
		t.Fatalf("%s: the form answered %d, want 422", step, st)
	}
	check(t, p, step)
	if msg := p.Text("#" + id + "-error"); !strings.Contains(msg, want) {
		t.Fatalf("%s: the error next to #%s says %q, want %q", step, id, msg, want)
	}
}

// TestSetupInBrowser: the owner closes Toronto on Tuesdays, after a typo
// explained at its field; Tuesday 5 January then has no free times.
func TestSetupInBrowser(t *testing.T) {
	s := newSite(t)
	ids := demoIDs(t, s, map[string]string{"locations": "Toronto – Queen West", "services": "Swedish relaxation massage",
		"therapists": "Maya Okafor"})
	p := s.b.Page(t, browsertest.Desktop)
	times := s.url + "/c/demo/book?" + url.Values{"service": {ids["services"]}, "location": {ids["locations"]}, "day": {"2027-01-05"}}.Encode()
	p.Go(times)
	if before := dayStrip(t, p, "Tue 5 Jan"); !strings.HasSuffix(before, " free") {
		t.Fatalf("before: Tuesday says %q, want free times", before)
	}

	ownerLogin(t, s, p)
	p.ClickAndWait(`a[href="/staff/setup/locations/` + ids["locations"] + `"]`)
	check(t, p, "setup-location")
	wantHeading(t, p, "Edit location Toronto – Queen West")
	p.Fill("#hours-tuesday", "9-25")
	mistake(t, p, "setup-location-mistake", "hours-tuesday", "“25” is not a time of day")
	p.Fill("#hours-tuesday", "")
	if st := p.Submit(`form.setup button[type="submit"]`); st != http.StatusOK {
		t.Fatalf("saving answered %d", st)
	}
	check(t, p, "setup-saved")
	if done := p.Text("#locations .success"); done != "Saved." {
		t.Fatalf("after saving: %q", done)
	}

	// Every other setup form, for the eye and for axe.
	for _, page := range []struct{ name, path string }{
		{"setup-clinic", "/staff/setup/clinic"},
		{"setup-room", "/staff/setup/rooms/new?location=" + ids["locations"]},
		{"setup-equipment", "/staff/setup/equipment/new?location=" + ids["locations"]},
		{"setup-therapist", "/staff/setup/therapists/" + ids["therapists"]},
		{"setup-therapist-new", "/staff/setup/therapists/new"},
		{"setup-service", "/staff/setup/services/" + ids["services"]},
		{"setup-service-new", "/staff/setup/services/new"},
		{"setup-location-new", "/staff/setup/locations/new"},
	} {
		if st := p.Go(s.url + page.path); st != http.StatusOK {
			t.Fatalf("%s answered %d", page.path, st)
		}
		check(t, p, page.name)
	}

	p.Go(times)
	check(t, p, "times-after")
	if after := dayStrip(t, p, "Tue 5 Jan"); after != "full" {
		t.Fatalf("after closing Tuesdays, Tuesday says %q", after)
	}
}

// TestSetupOnPhone: the overview and a service's form, with a mistake, on
// a phone.
func TestSetupOnPhone(t *testing.T) {
	s := newSite(t)
	p := s.b.Page(t, browsertest.Phone)
	ownerLogin(t, s, p)
	p.ClickAndWait(`a[href="/staff/setup/services/new"]`)
	check(t, p, "setup-service-new")
	p.Fill("#name", "Short back massage")
	p.Fill("#price", "12.345")
	mistake(t, p, "setup-service-mistake", "price", "more than two decimals")
}
