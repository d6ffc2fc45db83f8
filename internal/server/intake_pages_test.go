package server_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// intakeForm is a complete, clean intake as the form sends it: a
// 34-year-old with lower back pain for a year, every safety question
// answered no except those in yes.
func intakeForm(hidden url.Values, yes ...string) url.Values {
	v := url.Values{"csrf": {hidden.Get("csrf")}, "t": {hidden.Get("t")}}
	for k, s := range map[string]string{
		"dob": "1992-03-03", "ec_name": "Sam Rivera", "ec_phone": "+1 (416) 555-0199", "pain": "5", "onset": "2026-01-01",
		"pain_lower-back": "yes", "side_lower-back": "centre", "level_lower-back": "5",
		"sitting_hours": "8", "driving_hours": "1", "screen_hours": "8",
		"anticoag": "no", "pregnant": "no", "consent_treatment": "yes", "consent_accurate": "yes", "signed_name": "Pat Client",
	} {
		v.Set(k, s)
	}
	v.Add("worse", "sitting")
	for _, q := range []string{"bladder_bowel", "saddle_numbness", "leg_weakness", "pain_both_legs", "pulsating_mass",
		"major_trauma", "minor_trauma", "osteoporosis", "cancer_history", "weight_loss", "fever", "iv_drug_use",
		"immune_suppression", "night_pain", "numbness", "worsening", "not_improving", "high_risk_pregnancy", "recent_surgery"} {
		v.Set("rf_"+q, "no")
	}
	for _, q := range yes {
		v.Set("rf_"+q, "yes")
	}
	return v
}

func TestIntakePages(t *testing.T) {
	forEachEngine(t, func(t *testing.T, engine string) {
		f := newFixture(t, engine)
		var ap appointment
		f.mustDo("POST", f.path("/appointments"), "", f.bookBody(f.swedish, f.ana, at(5, 10, 0), "Pat Client"), 201, &ap)
		var staffView struct{ Client string }
		f.mustDo("GET", f.path("/appointments/"+ap.ID), f.owner, nil, 200, &staffView)
		needs := func() string {
			t.Helper()
			var out struct {
				Bookable bool
				Needs    string
			}
			f.mustDo("GET", f.path("/clients/"+staffView.Client+"/clinical-status"), f.owner, nil, 200, &out)
			return out.Needs
		}
		pat := newVisitor(t, f)
		visitPath := "/c/test/visit/" + ap.ID
		formPath := visitPath + "/intake"

		// The visit's page leads to the form.
		visit := pat.get(visitPath+"?t="+url.QueryEscape(ap.CancelToken)).must(t, 200)
		visit.has(t, "Fill in your health questions before your visit")
		links := visit.links(formPath + "?t=")
		if len(links) != 1 {
			t.Fatalf("links to the intake form: %v", links)
		}
		page := pat.get(links[0]).must(t, 200)
		page.has(t, "Your health questions", "Where does it hurt?", "Lower back", "Pain here",
			"Have you had a fever or chills recently?", "Send my answers")
		for _, want := range []string{`role="img"`, "<title", "<desc", `<legend><span class="num" aria-hidden="true">1</span> Neck</legend>`,
			`id="side-neck"`, `id="level-leg-radiating"`, `id="rf-fever-yes"`} {
			if !strings.Contains(page.Body, want) {
				t.Fatalf("the form lacks %s", want)
			}
		}
		if strings.Contains(page.Body, "style=") {
			t.Fatal("the form has a style attribute")
		}
		hidden := page.form(t, formPath, 0)

		// A wrong token is a missing page; a form without its CSRF token
		// is refused.
		pat.get(formPath+"?t=wrong").must(t, 404)
		bad := intakeForm(hidden)
		bad.Set("t", "wrong")
		pat.post(formPath, bad).must(t, 404)
		noCSRF := intakeForm(hidden)
		noCSRF.Del("csrf")
		pat.post(formPath, noCSRF).must(t, 403).has(t, "This form has expired")

		// An unanswered safety question and a pain of 11 are shown at
		// their fields, as typed, and nothing is stored.
		bad = intakeForm(hidden)
		bad.Del("rf_fever")
		bad.Set("level_lower-back", "11")
		bad.Set("ec_name", "Sam <Rivera>")
		res := pat.post(formPath, bad).must(t, 422)
		for _, want := range []*regexp.Regexp{
			regexp.MustCompile(`(?s)<fieldset class="yesno" id="rf-fever" aria-describedby="rf-fever-error">\s*<legend>[^<]*</legend>\s*<p class="error-text" id="rf-fever-error">is required: answer yes or no</p>`),
			regexp.MustCompile(`(?s)<select id="level-lower-back" name="level_lower-back" aria-invalid="true" aria-describedby="level-lower-back-error">.*?</select>\s*<p class="error-text" id="level-lower-back-error">must be from 0 to 10</p>`),
			regexp.MustCompile(`value="Sam &lt;Rivera&gt;"`),
			regexp.MustCompile(`<input type="radio" id="rf-cancer_history-no" name="rf_cancer_history" value="no" checked>`),
		} {
			if !want.MatchString(res.Body) {
				t.Fatalf("the invalid form lacks %s:\n%s", want, res.Body)
			}
		}
		if got := needs(); got != "intake" {
			t.Fatalf("after an invalid form the client needs %q, want intake", got)
		}

		// A clean intake: thanks, and the client may be booked.
		pat.follow(pat.post(formPath, intakeForm(hidden))).has(t, "Thank you, see you on Tuesday 5 January 2027 at 10:00.")
		if got := needs(); got != "none" {
			t.Fatalf("after a clean intake the client needs %q", got)
		}

		// An urgent answer: see your physician, and no guest booking.
		done := pat.follow(pat.post(formPath, intakeForm(hidden, "fever")))
		done.has(t, "Please see a doctor before you have a massage, because of: fever, chills or an infection.",
			"Please see your physician before your visit", "clearance")
		if got := needs(); got != "clinician_clearance" {
			t.Fatalf("after an urgent intake the client needs %q", got)
		}
		if r := f.do("POST", f.path("/appointments"), "", f.bookBody(f.swedish, f.ben, at(6, 10, 0), "Pat Client")); r.Status != 422 {
			t.Fatalf("a guest booking after an urgent intake: %d %s", r.Status, r.Body)
		}

		// An emergency is a prominent alert.
		pat.follow(pat.post(formPath, intakeForm(hidden, "saddle_numbness"))).has(t, "Seek emergency care now", "numbness in the saddle area")
	})
}

// follow requires a redirect (post, redirect, get) and reads its target.
func (v *visitor) follow(p page) page {
	v.t.Helper()
	p.must(v.t, 303)
	return v.get(p.Location).must(v.t, 200)
}
