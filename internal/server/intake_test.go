package server_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
)

// intakeAnswers is a complete intake with no red flag, with the questions
// in yes answered yes: a 34-year-old with lower back pain for a year.
func intakeAnswers(yes ...string) map[string]any {
	flags := map[string]any{}
	for _, q := range []string{"bladder_bowel", "saddle_numbness", "leg_weakness", "pain_both_legs", "pulsating_mass",
		"major_trauma", "minor_trauma", "osteoporosis", "cancer_history", "weight_loss", "fever", "iv_drug_use",
		"immune_suppression", "night_pain", "numbness", "worsening", "not_improving", "high_risk_pregnancy", "recent_surgery"} {
		flags[q] = "no"
	}
	for _, q := range yes {
		flags[q] = "yes"
	}
	return map[string]any{
		"date_of_birth":     "1992-03-03",
		"emergency_contact": map[string]any{"name": "Sam Rivera", "phone": "+1 (416) 555-0199"},
		"pain_map":          []any{map[string]any{"region": "lower-back", "side": "centre", "intensity": 5}},
		"pain_nprs":         5,
		"onset":             "2026-01-01",
		"worse_with":        []any{"sitting"},
		"habits":            map[string]any{"sitting_hours": 8, "driving_hours": 1, "screen_hours": 8},
		"medications":       map[string]any{"anticoagulants": "no"},
		"pregnancy":         map[string]any{"pregnant": "no", "high_risk": "no"},
		"red_flags":         flags,
		"consent":           map[string]any{"treatment": true, "accurate": true, "signed_name": "Pat Client"},
	}
}

type intakeResult struct {
	Version  int
	Tier     string
	Bookable bool
	Needs    string
	Message  string
	Findings []struct{ Tier, Reason string }
}

func TestIntakeScreeningAndClearances(t *testing.T) {
	forEachEngine(t, func(t *testing.T, engine string) {
		f := newFixture(t, engine)
		f.mustDo("POST", f.path("/users"), f.owner, map[string]any{"email": "desk@example.com", "name": "Dee Desk", "role": "front_desk", "password": "front desk pass"}, 201, nil)
		f.mustDo("POST", f.path("/users"), f.owner, map[string]any{"email": "ana@example.com", "name": "Ana", "role": "therapist", "therapist": f.ana, "password": "therapist pass"}, 201, nil)
		f.mustDo("POST", f.path("/users"), f.owner, map[string]any{"email": "ben@example.com", "name": "Ben", "role": "therapist", "therapist": f.ben, "password": "therapist pass"}, 201, nil)
		desk := f.login(f.clinic, "desk@example.com", "front desk pass")
		ana := f.login(f.clinic, "ana@example.com", "therapist pass")
		ben := f.login(f.clinic, "ben@example.com", "therapist pass")
		var users struct{ Items []struct{ ID, Email string } }
		f.mustDo("GET", f.path("/users"), f.owner, nil, 200, &users)
		userID := map[string]string{}
		for _, u := range users.Items {
			userID[u.Email] = u.ID
		}

		// Pat books a visit with Ana and fills in the intake with its token.
		var ap appointment
		f.mustDo("POST", f.path("/appointments"), "", f.bookBody(f.swedish, f.ana, at(5, 10, 0), "Pat Client"), 201, &ap)
		var staffView struct{ Client string }
		f.mustDo("GET", f.path("/appointments/"+ap.ID), f.owner, nil, 200, &staffView)
		client := staffView.Client
		submit := f.path("/appointments/" + ap.ID + "/intake")
		status := func(token string) map[string]any {
			t.Helper()
			var out map[string]any
			f.mustDo("GET", f.path("/clients/"+client+"/clinical-status"), token, nil, 200, &out)
			return out
		}
		wantStatus := func(token string, bookable bool, needs string) {
			t.Helper()
			got := status(token)
			if len(got) != 2 || got["bookable"] != bookable || got["needs"] != needs {
				t.Fatalf("clinical status %v, want exactly bookable %v and needs %q", got, bookable, needs)
			}
		}
		wantStatus(desk, false, "intake")

		var res intakeResult
		f.mustDo("POST", submit, "", map[string]any{"cancel_token": ap.CancelToken, "answers": intakeAnswers()}, 201, &res)
		if res.Version != 1 || res.Tier != "none" || !res.Bookable || res.Needs != "none" || res.Message == "" || len(res.Findings) != 0 {
			t.Fatalf("clean intake: %+v", res)
		}
		wantStatus(desk, true, "none")

		// An urgent red flag: not bookable until a clinician's clearance.
		f.mustDo("POST", submit, "", map[string]any{"cancel_token": ap.CancelToken, "answers": intakeAnswers("fever")}, 201, &res)
		if res.Version != 2 || res.Tier != "urgent" || res.Bookable || res.Needs != "clinician_clearance" ||
			len(res.Findings) != 1 || !strings.Contains(res.Findings[0].Reason, "fever") || !strings.Contains(res.Message, "fever") {
			t.Fatalf("urgent intake: %+v", res)
		}
		wantStatus(f.owner, false, "clinician_clearance")
		wantStatus(desk, false, "clinician_clearance")
		r := f.do("GET", f.path("/clients/"+client+"/clinical-status"), desk, nil)
		if low := strings.ToLower(string(r.Body)); strings.Contains(low, "fever") || strings.Contains(low, "reason") || strings.Contains(low, "urgent") {
			t.Fatalf("the front desk learns why: %s", r.Body)
		}

		// Versions accumulate; the first is unchanged.
		var list struct {
			Items []struct {
				Version   int
				Tier      string
				CreatedBy string `json:"created_by"`
				Answers   map[string]any
				Findings  []map[string]any
			}
		}
		f.mustDo("GET", f.path("/clients/"+client+"/intakes"), f.owner, nil, 200, &list)
		if len(list.Items) != 2 || list.Items[0].Version != 2 || list.Items[1].Version != 1 {
			t.Fatalf("intake versions: %+v", list.Items)
		}
		first := list.Items[1]
		if first.Tier != "none" || len(first.Findings) != 0 || first.CreatedBy != "client" ||
			first.Answers["red_flags"].(map[string]any)["fever"] != "no" || first.Answers["date_of_birth"] != "1992-03-03" {
			t.Fatalf("first version changed: %+v", first)
		}
		if list.Items[0].Tier != "urgent" || list.Items[0].Findings[0]["rule"] != "fever" {
			t.Fatalf("second version: %+v", list.Items[0])
		}

		// Who may read the intakes.
		for _, c := range []struct {
			who, token string
			want       int
		}{{"front desk", desk, 403}, {"therapist without a visit", ben, 403}, {"therapist with a visit", ana, 200}, {"anonymous", "", 401}} {
			if r := f.do("GET", f.path("/clients/"+client+"/intakes"), c.token, nil); r.Status != c.want {
				t.Errorf("%s reads intakes: %d, want %d: %s", c.who, r.Status, c.want, r.Body)
			}
		}
		if r := f.do("GET", f.path("/clients/nope/intakes"), f.owner, nil); r.Status != 404 {
			t.Errorf("unknown client's intakes: %d", r.Status)
		}

		// Clearances: a staff one is not enough for an urgent tier.
		clear := f.path("/clients/" + client + "/clearances")
		for _, c := range []struct {
			who, token string
			body       map[string]any
			want       int
		}{
			{"front desk, staff kind", desk, map[string]any{"kind": "staff", "note": "talked"}, 409},
			{"front desk, clinician kind", desk, map[string]any{"kind": "clinician", "note": "letter"}, 403},
			{"owner, staff kind", f.owner, map[string]any{"kind": "staff", "note": "talked"}, 409},
			{"therapist without a visit", ben, map[string]any{"kind": "clinician", "note": "letter"}, 403},
			{"owner, no note", f.owner, map[string]any{"kind": "clinician", "note": ""}, 422},
			{"owner, an older version", f.owner, map[string]any{"kind": "clinician", "note": "letter", "intake_version": 1}, 409},
		} {
			if r := f.do("POST", clear, c.token, c.body); r.Status != c.want {
				t.Errorf("%s: %d, want %d: %s", c.who, r.Status, c.want, r.Body)
			}
		}
		wantStatus(desk, false, "clinician_clearance")
		var cl struct {
			Kind, Note    string
			IntakeVersion int    `json:"intake_version"`
			ClearedBy     string `json:"cleared_by"`
		}
		f.mustDo("POST", clear, f.owner, map[string]any{"kind": "clinician", "note": "Dr. Chen's letter: no infection.", "intake_version": 2}, 201, &cl)
		if cl.Kind != "clinician" || cl.IntakeVersion != 2 || cl.ClearedBy != userID[ownerEmail] {
			t.Fatalf("clearance %+v", cl)
		}
		wantStatus(desk, true, "none")

		// An emergency cannot be cleared.
		f.mustDo("POST", submit, "", map[string]any{"cancel_token": ap.CancelToken, "answers": intakeAnswers("saddle_numbness")}, 201, &res)
		if res.Version != 3 || res.Tier != "emergency" || res.Bookable || res.Needs != "emergency" || !strings.Contains(res.Message, "emergency") {
			t.Fatalf("emergency intake: %+v", res)
		}
		if r := f.do("POST", clear, f.owner, map[string]any{"kind": "clinician", "note": "seen"}); r.Status != 409 {
			t.Fatalf("emergency cleared: %d %s", r.Status, r.Body)
		}
		wantStatus(f.owner, false, "emergency")

		// The front desk may fill the intake in for the client, and is not shown why.
		var deskRes map[string]any
		f.mustDo("POST", submit, desk, map[string]any{"answers": intakeAnswers("fever")}, 201, &deskRes)
		if deskRes["version"] != 4.0 || deskRes["needs"] != "clinician_clearance" || deskRes["message"] != nil || deskRes["findings"] != nil {
			t.Fatalf("front desk's intake answer: %v", deskRes)
		}

		// Refusals: invalid answers name the field; a wrong or missing token.
		bad := intakeAnswers()
		delete(bad["red_flags"].(map[string]any), "fever")
		r = f.do("POST", submit, "", map[string]any{"cancel_token": ap.CancelToken, "answers": bad})
		if r.Status != 422 {
			t.Fatalf("invalid answers: %d %s", r.Status, r.Body)
		}
		var fields []string
		for _, fe := range r.problem(t)["errors"].([]any) {
			fields = append(fields, fe.(map[string]any)["field"].(string))
		}
		if !slices.Contains(fields, "answers.red_flags.fever") {
			t.Fatalf("invalid answers name %v", fields)
		}
		for _, c := range []struct {
			name, path string
			body       map[string]any
			want       int
		}{
			{"wrong token", submit, map[string]any{"cancel_token": "wrong", "answers": intakeAnswers()}, 403},
			{"no token", submit, map[string]any{"answers": intakeAnswers()}, 401},
			{"unknown appointment", f.path("/appointments/nope/intake"), map[string]any{"cancel_token": ap.CancelToken, "answers": intakeAnswers()}, 404},
		} {
			if r := f.do("POST", c.path, "", c.body); r.Status != c.want {
				t.Errorf("%s: %d, want %d: %s", c.name, r.Status, c.want, r.Body)
			}
		}
		f.mustDo("GET", f.path("/clients/"+client+"/intakes"), f.owner, nil, 200, &list)
		if len(list.Items) != 4 {
			t.Fatalf("%d versions after refused submissions, want 4", len(list.Items))
		}

		// The audit log: every successful clinical read, newest first, owner only.
		var audit struct {
			Items []struct {
				ID                        int64
				At, Actor, Action, Client string
			}
		}
		f.mustDo("GET", f.path("/audit?limit=1000"), f.owner, nil, 200, &audit)
		count := map[string]int{}
		for i, e := range audit.Items {
			if e.Client != client || e.At == "" {
				t.Errorf("audit entry %+v", e)
			}
			if i > 0 && e.ID >= audit.Items[i-1].ID {
				t.Errorf("audit not newest first at %d", i)
			}
			count[e.Action+" by "+e.Actor]++
		}
		for key, want := range map[string]int{
			"read_intakes by " + userID[ownerEmail]:                 2,
			"read_intakes by " + userID["ana@example.com"]:          1,
			"read_clinical_status by " + userID["desk@example.com"]: 6,
			"read_clinical_status by " + userID[ownerEmail]:         2,
			"submit_intake by client:" + client:                     3,
			"submit_intake by " + userID["desk@example.com"]:        1,
			"record_clearance by " + userID[ownerEmail]:             1,
		} {
			if count[key] != want {
				t.Errorf("audit has %d of %q, want %d; all: %v", count[key], key, want, count)
			}
		}
		if len(audit.Items) != 16 {
			t.Errorf("audit has %d entries, want 16: %v", len(audit.Items), count)
		}
		var two struct{ Items []json.RawMessage }
		f.mustDo("GET", f.path("/audit?limit=2"), f.owner, nil, 200, &two)
		if len(two.Items) != 2 {
			t.Errorf("limit=2 gave %d", len(two.Items))
		}
		for _, c := range []struct {
			name, path, token string
			want              int
		}{{"front desk", "/audit", desk, 403}, {"therapist", "/audit", ana, 403}, {"bad limit", "/audit?limit=x", f.owner, 422}} {
			if r := f.do("GET", f.path(c.path), c.token, nil); r.Status != c.want {
				t.Errorf("audit as %s: %d, want %d", c.name, r.Status, c.want)
			}
		}
	})
}

// TestRedFlagsStopBookings: a client whose latest intake needs a
// clinician's clearance (severe night pain: no contraindication besides)
// cannot be booked on any path until the owner records one, and nobody but
// the clinical staff learns why.
func TestRedFlagsStopBookings(t *testing.T) {
	forEachEngine(t, func(t *testing.T, engine string) {
		f := newFixture(t, engine)
		var ap appointment
		f.mustDo("POST", f.path("/appointments"), "", f.bookBody(f.swedish, f.ana, at(5, 10, 0), "Pat Client"), 201, &ap)
		var staffView struct{ Client string }
		f.mustDo("GET", f.path("/appointments/"+ap.ID), f.owner, nil, 200, &staffView)
		f.mustDo("POST", f.path("/appointments/"+ap.ID+"/intake"), "",
			map[string]any{"cancel_token": ap.CancelToken, "answers": intakeAnswers("night_pain")}, 201, nil)

		// Online, as a guest with the same email: refused, without a reason.
		r := f.do("POST", f.path("/appointments"), "", f.bookBody(f.swedish, f.ben, at(6, 10, 0), "Pat Client"))
		if r.Status != 422 || !strings.Contains(string(r.Body), "Please call the clinic") || strings.Contains(strings.ToLower(string(r.Body)), "night") {
			t.Fatalf("guest booking of a flagged client: %d %s", r.Status, r.Body)
		}
		// The front desk (here the owner, as staff) is told a clearance is missing, not why.
		staff := map[string]any{"service": f.swedish, "location": f.location, "start": at(6, 11, 0).Format(time.RFC3339), "client_id": staffView.Client}
		r = f.do("POST", f.path("/appointments"), f.owner, staff)
		if r.Status != 422 || !strings.Contains(string(r.Body), "needs a clinician's clearance") {
			t.Fatalf("staff booking of a flagged client: %d %s", r.Status, r.Body)
		}
		// Moving the visit already booked is refused too.
		r = f.do("POST", f.path("/appointments/"+ap.ID+"/reschedule"), "", map[string]any{"cancel_token": ap.CancelToken,
			"start": at(5, 13, 0).Format(time.RFC3339)})
		if r.Status != 422 {
			t.Fatalf("moving a flagged client's visit: %d %s", r.Status, r.Body)
		}
		// Another client books as before.
		f.mustDo("POST", f.path("/appointments"), "", f.bookBody(f.swedish, f.ben, at(6, 10, 0), "Someone Else"), 201, nil)

		// A clinician's clearance, recorded by the owner, lets Pat book again.
		f.mustDo("POST", f.path("/clients/"+staffView.Client+"/clearances"), f.owner,
			map[string]any{"kind": "clinician", "note": "Seen by Dr Lee, cleared for massage"}, 201, nil)
		f.mustDo("POST", f.path("/appointments"), "", f.bookBody(f.swedish, f.cara, at(6, 14, 0), "Pat Client"), 201, nil)
	})
}

// TestContraindicationsStopBookings: a client on anticoagulants cannot book
// deep tissue (contraindicated) on any path, but may book Swedish (a
// caution for the therapist); the refusal says nothing of why.
func TestContraindicationsStopBookings(t *testing.T) {
	forEachEngine(t, func(t *testing.T, engine string) {
		f := newFixture(t, engine)
		var ap appointment
		f.mustDo("POST", f.path("/appointments"), "", f.bookBody(f.swedish, f.ana, at(5, 10, 0), "Pat Client"), 201, &ap)
		answers := intakeAnswers()
		answers["medications"] = map[string]any{"anticoagulants": "yes", "list": "warfarin"}
		f.mustDo("POST", f.path("/appointments/"+ap.ID+"/intake"), "", map[string]any{"cancel_token": ap.CancelToken, "answers": answers}, 201, nil)

		r := f.do("POST", f.path("/appointments"), "", f.bookBody(f.deep, f.ana, at(6, 10, 0), "Pat Client"))
		if r.Status != 422 || !strings.Contains(string(r.Body), "Deep tissue massage cannot be booked online for you") ||
			strings.Contains(strings.ToLower(string(r.Body)), "anticoagul") || strings.Contains(string(r.Body), "warfarin") {
			t.Fatalf("deep tissue for a client on anticoagulants: %d %s", r.Status, r.Body)
		}
		var staffView struct{ Client string }
		f.mustDo("GET", f.path("/appointments/"+ap.ID), f.owner, nil, 200, &staffView)
		r = f.do("POST", f.path("/appointments"), f.owner, map[string]any{"service": f.deep, "location": f.location,
			"start": at(6, 11, 0).Format(time.RFC3339), "client_id": staffView.Client})
		if r.Status != 422 || !strings.Contains(string(r.Body), "ruled out for this client") {
			t.Fatalf("staff booking deep tissue: %d %s", r.Status, r.Body)
		}
		// Swedish is a caution, not a contraindication; another client books deep tissue.
		f.mustDo("POST", f.path("/appointments"), "", f.bookBody(f.swedish, f.ben, at(6, 10, 0), "Pat Client"), 201, nil)
		f.mustDo("POST", f.path("/appointments"), "", f.bookBody(f.deep, f.ana, at(6, 10, 0), "Someone Else"), 201, nil)
	})
}

// TestAuditLogPage: the owner reads who read or changed clinical data, on
// a page; the front desk may not.
func TestAuditLogPage(t *testing.T) {
	forEachEngine(t, func(t *testing.T, engine string) {
		f := newFixture(t, engine)
		f.mustDo("POST", f.path("/users"), f.owner, map[string]any{"email": "desk@example.com", "name": "Dee Desk", "role": "front_desk",
			"password": "front desk pass"}, 201, nil)
		var ap appointment
		f.mustDo("POST", f.path("/appointments"), "", f.bookBody(f.swedish, f.ana, at(5, 10, 0), "Pat Client"), 201, &ap)
		f.mustDo("POST", f.path("/appointments/"+ap.ID+"/intake"), "", map[string]any{"cancel_token": ap.CancelToken, "answers": intakeAnswers()}, 201, nil)
		var staffView struct{ Client string }
		f.mustDo("GET", f.path("/appointments/"+ap.ID), f.owner, nil, 200, &staffView)
		f.mustDo("GET", f.path("/clients/"+staffView.Client+"/intakes"), f.owner, nil, 200, nil)

		owner := newVisitor(t, f)
		owner.login(ownerEmail, ownerPassword)
		log := owner.get("/staff/audit").must(t, 200)
		log.has(t, "Audit log", "Olive Owner (Owner)", "Pat Client", "the client")
		desk := newVisitor(t, f)
		desk.login("desk@example.com", "front desk pass")
		desk.get("/staff/audit").must(t, 403)
	})
}

// TestCautionsOnTheVisit: the therapist's view of a visit shows the
// cautions of the client's intake for its modality (and the read is
// audited); the front desk's shows none.
func TestCautionsOnTheVisit(t *testing.T) {
	forEachEngine(t, func(t *testing.T, engine string) {
		f := newFixture(t, engine)
		f.mustDo("POST", f.path("/users"), f.owner, map[string]any{"email": "desk@example.com", "name": "Dee Desk", "role": "front_desk",
			"password": "front desk pass"}, 201, nil)
		var ap appointment
		f.mustDo("POST", f.path("/appointments"), "", f.bookBody(f.swedish, f.ana, at(5, 10, 0), "Pat Client"), 201, &ap)
		answers := intakeAnswers()
		answers["medications"] = map[string]any{"anticoagulants": "yes", "list": "warfarin"}
		f.mustDo("POST", f.path("/appointments/"+ap.ID+"/intake"), "", map[string]any{"cancel_token": ap.CancelToken, "answers": answers}, 201, nil)

		owner := newVisitor(t, f)
		owner.login(ownerEmail, ownerPassword)
		owner.get("/staff/visit/"+ap.ID).must(t, 200).has(t, "Cautions for this visit", "caution", "anticoagulants")
		desk := newVisitor(t, f)
		desk.login("desk@example.com", "front desk pass")
		if p := desk.get("/staff/visit/"+ap.ID).must(t, 200); strings.Contains(p.text(), "Cautions") || strings.Contains(p.text(), "anticoagul") {
			t.Fatalf("the front desk sees the cautions:\n%s", p.text())
		}
		owner.get("/staff/audit").must(t, 200).has(t, "read cautions")
	})
}
