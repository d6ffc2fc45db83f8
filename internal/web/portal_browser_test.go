package web_test

import (
	"strings"
	"testing"

	"knead/internal/browsertest"
)

// signUp creates an account from the portal's entry point.
func signUp(t *testing.T, s *site, p *browsertest.Page, name, email string) {
	t.Helper()
	if st := p.Go(s.url + "/portal"); st != 200 {
		t.Fatalf("/portal answered %d", st)
	}
	check(t, p, "portal-login")
	wantHeading(t, p, "Log in to your visits")
	p.ClickAndWait(`main a[href^="/portal/signup"]`)
	check(t, p, "signup")
	p.Fill("#name", name)
	p.Fill("#email", email)
	p.Fill("#phone", "+1 416 555 0100")
	p.Fill("#password", "a long passphrase")
	p.Fill("#password2", "a long passphrase")
	if st := p.Submit(`main button[type="submit"]`); st != 200 {
		t.Fatalf("sign-up answered %d", st)
	}
	check(t, p, "portal-empty")
	wantHeading(t, p, "Your visits")
}

// bookLoggedIn books, from the demo clinic's page, the first free time of
// the third day shown (two days ahead: free to cancel), with the details
// filled in from the account.
func bookLoggedIn(t *testing.T, s *site, p *browsertest.Page, name string) {
	t.Helper()
	p.Go(s.url + "/c/demo")
	toTimes(t, p)
	p.ClickAndWait(".days li:nth-child(3) a")
	check(t, p, "times-later")
	p.ClickAndWait(".times a")
	check(t, p, "details-from-account")
	var filled string
	p.Eval(`document.querySelector("#name").value`, &filled)
	if filled != name {
		t.Fatalf("name field %q, want %q from the account", filled, name)
	}
	if st := p.Submit(`main form button[type="submit"]`); st != 200 {
		t.Fatalf("booking answered %d", st)
	}
	check(t, p, "booked-kept")
	wantHeading(t, p, "You're booked")
	if kept := p.Text("#account-h + p"); !strings.Contains(kept, "kept in your account") {
		t.Fatalf("visit page says %q", kept)
	}
}

// confirm follows link to a page that confirms a change, confirms it, and
// returns what the portal then says was done.
func confirm(t *testing.T, p *browsertest.Page, link, step, heading, button string) string {
	t.Helper()
	p.ClickAndWait(link)
	check(t, p, step)
	wantHeading(t, p, heading)
	if st := p.Submit(button); st != 200 {
		t.Fatalf("%s: confirming answered %d", step, st)
	}
	check(t, p, step+"-done")
	return p.Text(`main [role="status"]`)
}

func TestPortalInBrowser(t *testing.T) {
	s := newSite(t)
	t.Run("phone", func(t *testing.T) {
		p := s.b.Page(t, browsertest.Phone)
		signUp(t, s, p, "Ann Lee", "ann@example.com")
		bookLoggedIn(t, s, p, "Ann Lee")
		p.ClickAndWait(`.top a[href="/portal"]`)
		check(t, p, "portal-one-visit")
		if n := p.Text(".portal-visit .portal-status"); n != "Booked" {
			t.Fatalf("status %q", n)
		}
		if done := confirm(t, p, ".portal-visit a.danger", "cancel", "Cancel your visit?", ".button.danger"); !strings.Contains(done, "is cancelled") {
			t.Fatalf("after cancelling the portal says %q", done)
		}
		if n := p.Text(".portal-visit .portal-status"); n != "Cancelled" {
			t.Fatalf("status %q", n)
		}
	})
	t.Run("desktop", func(t *testing.T) {
		p := s.b.Page(t, browsertest.Desktop)
		signUp(t, s, p, "Bo Chen", "bo@example.com")
		bookLoggedIn(t, s, p, "Bo Chen")
		p.Go(s.url + "/portal")
		check(t, p, "portal-before-move")
		before := p.Text(".portal-visit h3")
		p.ClickAndWait(`.portal-visit a[href$="/reschedule"]`)
		check(t, p, "reschedule-times")
		wantHeading(t, p, "Pick a new time")
		p.ClickAndWait(`.days a:not([aria-current])`) // another day with free times
		check(t, p, "reschedule-day")
		if done := confirm(t, p, ".times a", "reschedule", "Move your visit", ".button.primary"); !strings.Contains(done, "Your visit is moved to") {
			t.Fatalf("after moving the portal says %q", done)
		}
		if after := p.Text(".portal-visit h3"); after == before {
			t.Fatalf("the visit is still at %q", after)
		}
	})
}
