package web_test

import (
	"strings"
	"testing"

	"knead/internal/browsertest"
)

// TestIntakeInBrowser: a guest books on a phone, follows the visit page's
// link to the health questions, sends them half answered (each problem is
// shown at its question), then completes them and is thanked.
func TestIntakeInBrowser(t *testing.T) {
	s := newSite(t)
	p := s.b.Page(t, browsertest.Phone)
	p.Go(s.url + "/c/demo")
	toTimes(t, p)
	p.ClickAndWait(".times a")
	p.Fill("#name", "Ivy Intake")
	p.Fill("#email", "ivy@example.com")
	p.Fill("#phone", "+1 416 555 0100")
	if st := p.Submit(`main form button[type="submit"]`); st != 200 {
		t.Fatalf("booking answered %d", st)
	}
	wantHeading(t, p, "You're booked")
	if st := p.ClickAndWait(`a[href*="/intake?t="]`); st != 200 {
		t.Fatalf("the intake form answered %d", st)
	}
	check(t, p, "intake-form")
	wantHeading(t, p, "Your health questions")
	// On a wide screen each region's questions sit beside the figure.
	wide := s.b.Page(t, browsertest.Desktop)
	if st := wide.Go(p.URL()); st != 200 {
		t.Fatalf("the intake form on a desktop answered %d", st)
	}
	check(t, wide, "intake-form-wide")

	p.Fill("#dob", "1990-05-31")
	p.Fill("#ec-name", "Sam Rivera")
	p.Fill("#ec-phone", "+1 416 555 0199")
	p.Select("#pain", "4")
	p.Click("#pain-neck-yes")
	p.Select("#side-neck", "left")
	p.Select("#level-neck", "4")
	p.Fill("#onset", "2026-06-01")
	p.Click("#worse-screens")
	p.Fill("#screen-hours", "9")
	p.Click("#anticoag-no")
	p.Click("#pregnant-no")
	if st := p.Submit(`form.intake button[type="submit"]`); st != 422 {
		t.Fatalf("a half-answered form answered %d", st)
	}
	check(t, p, "intake-errors")
	if e := p.Text("#rf-fever-error"); !strings.Contains(e, "answer yes or no") {
		t.Fatalf("the fever question's error says %q", e)
	}
	var kept string
	p.Eval(`document.querySelector("#ec-name").value`, &kept)
	if kept != "Sam Rivera" {
		t.Fatalf("the form lost what was typed: %q", kept)
	}

	var ids []string
	p.Eval(`[...document.querySelectorAll('.flags input[value="no"]')].map(e => e.id)`, &ids)
	if len(ids) == 0 {
		t.Fatal("no safety questions")
	}
	for _, id := range ids {
		p.Click("#" + id)
	}
	p.Click("#consent-treatment")
	p.Click("#consent-accurate")
	p.Fill("#signed-name", "Ivy Intake")
	if st := p.Submit(`form.intake button[type="submit"]`); st != 200 {
		t.Fatalf("the complete form answered %d", st)
	}
	check(t, p, "intake-done")
	if msg := p.Text(".success p"); !strings.HasPrefix(msg, "Thank you, see you on ") {
		t.Fatalf("the result says %q", msg)
	}
}
