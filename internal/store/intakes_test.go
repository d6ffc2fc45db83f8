package store_test

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"testing"
	"time"

	"knead/internal/civil"
	"knead/internal/clinic"
	"knead/internal/intake"
	"knead/internal/store"
)

var intakeNow = time.Date(2027, time.June, 15, 10, 0, 0, 0, time.UTC)

// cleanAnswers is a complete intake with no red flag: a 35-year-old with
// lower back pain for a year; change sets red flags on it.
func cleanAnswers(t *testing.T, yes ...string) json.RawMessage {
	t.Helper()
	a := intake.Answers{
		DateOfBirth:      civil.Date{Year: 1992, Month: time.March, Day: 3},
		EmergencyContact: intake.EmergencyContact{Name: "Sam Rivera", Phone: "+1 (416) 555-0199"},
		PainMap:          []intake.PainArea{{Region: "lower-back", Side: intake.Centre, Intensity: 5}},
		Pain:             new(5),
		Onset:            civil.Date{Year: 2026, Month: time.June, Day: 1},
		Medications:      intake.Medications{Anticoagulants: intake.No},
		Pregnancy:        intake.Pregnancy{Pregnant: intake.No},
		RedFlags:         map[string]intake.YesNo{},
		Consent:          intake.Consent{Treatment: true, Accurate: true, SignedName: "Alex Doe"},
	}
	for _, q := range intake.Questions {
		a.RedFlags[q.ID] = intake.No
	}
	for _, q := range yes {
		a.RedFlags[q] = intake.Yes
	}
	b, err := json.Marshal(a)
	ok(t, err)
	return b
}

func TestIntakeVersions(t *testing.T) {
	forEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := fixture(t, db, "a", 2)
		other := fixture(t, db, "b", 1)
		c := f.Clients[0].ID

		_, err := db.LatestIntake(ctx, f.Clinic.ID, c)
		wantCode(t, err, clinic.ENotFound)
		st, err := db.ClientStatus(ctx, f.Clinic.ID, c)
		ok(t, err)
		deepEqual(t, "no intake", st, clinic.ClientClinicalStatus{Needs: clinic.NeedsIntake})

		first, err := db.SaveIntake(ctx, f.Clinic.ID, c, cleanAnswers(t), clinic.IntakeCreatedByClient, intakeNow)
		ok(t, err)
		if first.Version != 1 || first.Tier != "none" || string(first.Findings) != "[]" || first.CreatedBy != "client" || !first.Created.Equal(intakeNow) {
			t.Fatalf("first intake %+v", first)
		}
		second, err := db.SaveIntake(ctx, f.Clinic.ID, c, cleanAnswers(t, intake.QFever), "staff-1", intakeNow.Add(time.Hour))
		ok(t, err)
		if second.Version != 2 || second.Tier != "urgent" {
			t.Fatalf("second intake %+v", second)
		}
		var findings []intake.Finding
		ok(t, json.Unmarshal(second.Findings, &findings))
		if len(findings) != 1 || findings[0].Rule != "fever" || findings[0].Tier != intake.TierUrgent || len(findings[0].Causes) == 0 {
			t.Fatalf("second findings %+v", findings)
		}
		var back intake.Answers
		ok(t, json.Unmarshal(second.Answers, &back))
		if back.RedFlags[intake.QFever] != intake.Yes || back.Consent.SignedName != "Alex Doe" {
			t.Fatalf("answers read back %+v", back)
		}

		all, err := db.ListIntakes(ctx, f.Clinic.ID, c)
		ok(t, err)
		deepEqual(t, "list newest first", all, []clinic.IntakeRecord{second, first})
		latest, err := db.LatestIntake(ctx, f.Clinic.ID, c)
		ok(t, err)
		deepEqual(t, "latest", latest, second)

		// Another client and another clinic start at 1 and see nothing of these.
		o, err := db.SaveIntake(ctx, f.Clinic.ID, f.Clients[1].ID, cleanAnswers(t), "client", intakeNow)
		ok(t, err)
		if o.Version != 1 {
			t.Fatalf("other client's first version %d", o.Version)
		}
		_, err = db.SaveIntake(ctx, other.Clinic.ID, c, cleanAnswers(t), "client", intakeNow)
		wantCode(t, err, clinic.ENotFound)
		none, err := db.ListIntakes(ctx, other.Clinic.ID, c)
		ok(t, err)
		if len(none) != 0 {
			t.Fatalf("another clinic lists %d intakes", len(none))
		}
		_, err = db.ClientStatus(ctx, other.Clinic.ID, c)
		wantCode(t, err, clinic.ENotFound)

		// Invalid answers are refused with the fields named, and store nothing.
		var bad map[string]any
		ok(t, json.Unmarshal(cleanAnswers(t), &bad))
		delete(bad["red_flags"].(map[string]any), intake.QFever)
		bad["pain_nprs"] = 11
		b, _ := json.Marshal(bad)
		_, err = db.SaveIntake(ctx, f.Clinic.ID, c, b, "client", intakeNow)
		wantCode(t, err, clinic.EInvalid)
		var fields []string
		for _, fe := range err.(*clinic.Error).Fields {
			fields = append(fields, fe.Field)
		}
		if !slices.Contains(fields, "red_flags.fever") || !slices.Contains(fields, "pain_nprs") {
			t.Fatalf("invalid answers name %v", fields)
		}
		_, err = db.SaveIntake(ctx, f.Clinic.ID, c, json.RawMessage(`{"pain_nprs": "x"}`), "client", intakeNow)
		wantCode(t, err, clinic.EInvalid)
		all, err = db.ListIntakes(ctx, f.Clinic.ID, c)
		ok(t, err)
		if len(all) != 2 {
			t.Fatalf("%d versions after refused saves, want 2", len(all))
		}
	})
}

func TestIntakeConcurrentSaves(t *testing.T) {
	forEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := fixture(t, db, "a", 1)
		c := f.Clients[0].ID
		const n = 8
		var wg sync.WaitGroup
		versions := make([]int, n)
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				rec, err := db.SaveIntake(ctx, f.Clinic.ID, c, cleanAnswers(t), "client", intakeNow)
				versions[i], errs[i] = rec.Version, err
			})
		}
		wg.Wait()
		for _, err := range errs {
			ok(t, err)
		}
		slices.Sort(versions)
		for i, v := range versions {
			if v != i+1 {
				t.Fatalf("versions %v, want 1..%d", versions, n)
			}
		}
	})
}

func TestClearances(t *testing.T) {
	forEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := fixture(t, db, "a", 1)
		c := f.Clients[0].ID
		clear := func(kind, note string, version int) (clinic.Clearance, error) {
			return db.RecordClearance(ctx, f.Clinic.ID, clinic.Clearance{ClientID: c, Kind: kind, Note: note,
				IntakeVersion: version, ClearedBy: "user-1", ClearedAt: intakeNow})
		}
		status := func(want clinic.ClientClinicalStatus) {
			t.Helper()
			st, err := db.ClientStatus(ctx, f.Clinic.ID, c)
			ok(t, err)
			if st.HasIntake && !json.Valid(st.Answers) {
				t.Fatalf("status carries no answers: %q", st.Answers)
			}
			st.Answers = nil // checked by the booking tests
			deepEqual(t, "status", st, want)
		}

		_, err := clear(clinic.ClearanceStaff, "talked", 0)
		wantCode(t, err, clinic.EConflict) // no intake

		// Clearance tier: a staff clearance makes the client bookable.
		_, err = db.SaveIntake(ctx, f.Clinic.ID, c, cleanAnswers(t, intake.QNotImproving), "client", intakeNow)
		ok(t, err)
		status(clinic.ClientClinicalStatus{HasIntake: true, Version: 1, Tier: "clearance", Needs: clinic.NeedsClearance})
		_, err = clear(clinic.ClearanceStaff, "  ", 0)
		wantCode(t, err, clinic.EInvalid)
		_, err = clear("doctor", "note", 0)
		wantCode(t, err, clinic.EInvalid)
		_, err = clear(clinic.ClearanceStaff, "note", 2)
		wantCode(t, err, clinic.EConflict) // not the latest version
		cl, err := clear(clinic.ClearanceStaff, " Spoke with the client about their care so far. ", 0)
		ok(t, err)
		if cl.ID == "" || cl.IntakeVersion != 1 || cl.Note != "Spoke with the client about their care so far." || cl.ClearedBy != "user-1" {
			t.Fatalf("clearance %+v", cl)
		}
		status(clinic.ClientClinicalStatus{HasIntake: true, Version: 1, Tier: "clearance", Clearance: "staff", Bookable: true, Needs: clinic.NeedsNone})

		// Urgent: a new version needs its own clearance, a clinician's.
		_, err = db.SaveIntake(ctx, f.Clinic.ID, c, cleanAnswers(t, intake.QFever), "client", intakeNow)
		ok(t, err)
		status(clinic.ClientClinicalStatus{HasIntake: true, Version: 2, Tier: "urgent", Needs: clinic.NeedsClinicianClearance})
		_, err = clear(clinic.ClearanceStaff, "note", 0)
		wantCode(t, err, clinic.EConflict)
		status(clinic.ClientClinicalStatus{HasIntake: true, Version: 2, Tier: "urgent", Needs: clinic.NeedsClinicianClearance})
		_, err = clear(clinic.ClearanceClinician, "Dr. Chen's letter of 2027-06-14", 2)
		ok(t, err)
		status(clinic.ClientClinicalStatus{HasIntake: true, Version: 2, Tier: "urgent", Clearance: "clinician", Bookable: true, Needs: clinic.NeedsNone})

		// Emergency: never cleared.
		_, err = db.SaveIntake(ctx, f.Clinic.ID, c, cleanAnswers(t, intake.QSaddleNumbness), "client", intakeNow)
		ok(t, err)
		_, err = clear(clinic.ClearanceClinician, "note", 0)
		wantCode(t, err, clinic.EConflict)
		status(clinic.ClientClinicalStatus{HasIntake: true, Version: 3, Tier: "emergency", Needs: clinic.NeedsEmergency})

		// Nothing found: nothing to clear.
		_, err = db.SaveIntake(ctx, f.Clinic.ID, c, cleanAnswers(t), "client", intakeNow)
		ok(t, err)
		_, err = clear(clinic.ClearanceStaff, "note", 0)
		wantCode(t, err, clinic.EConflict)
		status(clinic.ClientClinicalStatus{HasIntake: true, Version: 4, Tier: "none", Bookable: true, Needs: clinic.NeedsNone})
	})
}

func TestAuditLog(t *testing.T) {
	forEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := fixture(t, db, "a", 1)
		b := fixture(t, db, "b", 1)
		var added []clinic.AuditEntry
		for i, action := range []string{"read_intakes", "record_clearance", "read_intakes"} {
			e, err := db.AddAudit(ctx, clinic.AuditEntry{ClinicID: a.Clinic.ID, At: intakeNow.Add(time.Duration(i) * time.Second),
				Actor: "user-1", Action: action, ClientID: a.Clients[0].ID, Detail: "versions 1"})
			ok(t, err)
			if e.ID != int64(i+1) {
				t.Fatalf("entry %d has id %d", i, e.ID)
			}
			added = append(added, e)
		}
		_, err := db.AddAudit(ctx, clinic.AuditEntry{ClinicID: b.Clinic.ID, At: intakeNow, Actor: "client:x", Action: "submit_intake"})
		ok(t, err)
		_, err = db.AddAudit(ctx, clinic.AuditEntry{ClinicID: a.Clinic.ID, Action: "x"})
		wantCode(t, err, clinic.EInvalid)
		_, err = db.AddAudit(ctx, clinic.AuditEntry{ClinicID: "nope", Actor: "a", Action: "x"})
		wantCode(t, err, clinic.ENotFound)

		got, err := db.ListAudit(ctx, a.Clinic.ID, 0)
		ok(t, err)
		deepEqual(t, "newest first", got, []clinic.AuditEntry{added[2], added[1], added[0]})
		got, err = db.ListAudit(ctx, a.Clinic.ID, 2)
		ok(t, err)
		deepEqual(t, "limit", got, []clinic.AuditEntry{added[2], added[1]})
		got, err = db.ListAudit(ctx, b.Clinic.ID, 10)
		ok(t, err)
		if len(got) != 1 || got[0].Actor != "client:x" || got[0].ID != 1 {
			t.Fatalf("clinic b's log %+v", got)
		}

		// Concurrent appends all land, with distinct ids.
		var wg sync.WaitGroup
		errs := make([]error, 8)
		for i := range errs {
			wg.Go(func() {
				_, errs[i] = db.AddAudit(ctx, clinic.AuditEntry{ClinicID: b.Clinic.ID, At: intakeNow, Actor: "u", Action: "read_intakes"})
			})
		}
		wg.Wait()
		for _, err := range errs {
			ok(t, err)
		}
		got, err = db.ListAudit(ctx, b.Clinic.ID, 100)
		ok(t, err)
		if len(got) != 9 || got[0].ID != 9 {
			t.Fatalf("after concurrent appends: %d entries, newest id %d", len(got), got[0].ID)
		}
	})
}
