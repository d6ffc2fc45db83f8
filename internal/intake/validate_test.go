package intake

import (
	"encoding/json"
	"errors"
	"math"
	"slices"
	"testing"

	"knead/internal/civil"
	"knead/internal/clinic"
)

// fieldErrors returns the fields Validate names, failing on any error that
// is not an EInvalid *clinic.Error.
func fieldErrors(t *testing.T, a Answers) []string {
	t.Helper()
	err := a.Validate()
	if err == nil {
		return nil
	}
	var e *clinic.Error
	if !errors.As(err, &e) || e.Code != clinic.EInvalid {
		t.Fatalf("Validate: %v is not an invalid-fields error", err)
	}
	var fields []string
	for _, f := range e.Fields {
		if f.Message == "" {
			t.Errorf("field %s has no message", f.Field)
		}
		fields = append(fields, f.Field)
	}
	return fields
}

func TestCleanIntakeIsValid(t *testing.T) {
	if err := clean().Validate(); err != nil {
		t.Fatal(err)
	}
}

// A red-flag question left unanswered is an error naming it, never a no.
func TestUnansweredRedFlagIsAnError(t *testing.T) {
	for _, q := range Questions {
		t.Run(q.ID, func(t *testing.T) {
			want := []string{"red_flags." + q.ID}
			if got := fieldErrors(t, with(unanswered(q.ID))); !slices.Equal(got, want) {
				t.Errorf("missing: fields %v, want %v", got, want)
			}
			a := clean()
			a.RedFlags[q.ID] = Unanswered
			if got := fieldErrors(t, a); !slices.Equal(got, want) {
				t.Errorf("Unanswered: fields %v, want %v", got, want)
			}
		})
	}
	a := clean()
	a.RedFlags = nil
	if got := fieldErrors(t, a); len(got) != len(Questions) {
		t.Errorf("no red flags at all: %d errors, want one a question (%d)", len(got), len(Questions))
	}
}

func TestValidateNamesTheField(t *testing.T) {
	tests := []struct {
		name   string
		change []change
		fields []string
	}{
		{"no date of birth", []change{born(civil.Date{})}, []string{"date_of_birth"}},
		{"date of birth not a date", []change{born(civil.Date{Year: 1990, Month: 2, Day: 30})}, []string{"date_of_birth"}},
		{"date of birth before 1900", []change{born(civil.Date{Year: 1899, Month: 12, Day: 31})}, []string{"date_of_birth"}},
		{"no emergency contact", []change{func(a *Answers) { a.EmergencyContact = EmergencyContact{Name: " "} }},
			[]string{"emergency_contact.name", "emergency_contact.phone"}},
		{"phone with letters", []change{func(a *Answers) { a.EmergencyContact.Phone = "call 555-0199" }}, []string{"emergency_contact.phone"}},
		{"phone too short", []change{func(a *Answers) { a.EmergencyContact.Phone = "555-01" }}, []string{"emergency_contact.phone"}},
		{"no overall pain", []change{func(a *Answers) { a.Pain = nil }}, []string{"pain_nprs"}},
		{"overall pain 11", []change{func(a *Answers) { a.Pain = new(11) }}, []string{"pain_nprs"}},
		{"overall pain -1", []change{func(a *Answers) { a.Pain = new(-1) }}, []string{"pain_nprs"}},
		{"unknown region", []change{pain("knee", Left)}, []string{"pain_map[1].region"}},
		{"shoulders have no centre", []change{pain("shoulders", Centre)}, []string{"pain_map[1].side"}},
		{"no side", []change{pain("neck", "")}, []string{"pain_map[1].side"}},
		{"intensity out of range", []change{pain("neck", Left), func(a *Answers) { a.PainMap[1].Intensity = 12 }}, []string{"pain_map[1].intensity"}},
		{"the same region and side twice", []change{pain("neck", Left), pain("neck", Left)}, []string{"pain_map[2]"}},
		{"both and left of one region", []change{pain("neck", Both), pain("neck", Left)}, []string{"pain_map[2]"}},
		{"no onset while in pain", []change{onset(civil.Date{})}, []string{"onset"}},
		{"onset before birth", []change{onset(civil.Date{Year: 1980, Month: 1, Day: 1})}, []string{"onset"}},
		{"unknown aggravator", []change{worse("gardening")}, []string{"worse_with[2]"}},
		{"aggravator twice", []change{worse("sitting")}, []string{"worse_with[2]"}},
		{"sitting 25 hours", []change{func(a *Answers) { a.Habits.SittingHours = 25 }}, []string{"habits.sitting_hours"}},
		{"driving -1 hour", []change{func(a *Answers) { a.Habits.DrivingHours = -1 }}, []string{"habits.driving_hours"}},
		{"screens NaN", []change{func(a *Answers) { a.Habits.ScreenHours = math.NaN() }}, []string{"habits.screen_hours"}},
		{"unknown condition", []change{cond("gout")}, []string{"conditions[0]"}},
		{"condition twice", []change{cond(CondPacemaker), cond(CondPacemaker)}, []string{"conditions[1]"}},
		{"anticoagulants not answered", []change{func(a *Answers) { a.Medications.Anticoagulants = Unanswered }}, []string{"medications.anticoagulants"}},
		{"pregnancy not answered", []change{func(a *Answers) { a.Pregnancy = Pregnancy{} }}, []string{"pregnancy.pregnant"}},
		{"pregnant without trimester or risk", []change{func(a *Answers) { a.Pregnancy = Pregnancy{Pregnant: Yes} }},
			[]string{"pregnancy.trimester", "pregnancy.high_risk"}},
		{"pregnant in trimester 4", []change{pregnant(4, No)}, []string{"pregnancy.trimester"}},
		{"high risk in one place, not the other", []change{pregnant(2, Yes), func(a *Answers) { a.RedFlags[QHighRiskPregnancy] = No }},
			[]string{"red_flags." + QHighRiskPregnancy}},
		{"not pregnant, yet a trimester and a high-risk pregnancy", []change{func(a *Answers) {
			a.Pregnancy = Pregnancy{Pregnant: No, Trimester: 2, HighRisk: Yes}
			a.RedFlags[QHighRiskPregnancy] = Yes
		}}, []string{"pregnancy.trimester", "pregnancy.high_risk", "red_flags." + QHighRiskPregnancy}},
		{"event of no kind, date or area", []change{func(a *Answers) { a.Events = []Event{{}} }},
			[]string{"surgery_or_injury[0].kind", "surgery_or_injury[0].date", "surgery_or_injury[0].area"}},
		{"event before birth", []change{func(a *Answers) {
			a.Events = []Event{{Kind: Injury, Date: civil.Date{Year: 1985, Month: 5, Day: 5}, Area: "legs"}}
		}}, []string{"surgery_or_injury[0].date"}},
		{"recent surgery without the surgery", []change{yes(QRecentSurgery), event(Injury, 10, "neck")}, []string{"surgery_or_injury"}},
		{"a question knead does not ask", []change{func(a *Answers) { a.RedFlags["headache"] = Yes }}, []string{"red_flags.headache"}},
		{"no consent", []change{func(a *Answers) { a.Consent = Consent{} }},
			[]string{"consent.treatment", "consent.accurate", "consent.signed_name"}},
		{"text too long", []change{func(a *Answers) { a.WorseOther = string(make([]byte, maxText+1)) }}, []string{"worse_other"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fieldErrors(t, with(tt.change...)); !slices.Equal(got, tt.fields) {
				t.Errorf("fields %v, want %v", got, tt.fields)
			}
		})
	}
}

// Answers that look odd but are complete.
func TestValidateAccepts(t *testing.T) {
	tests := []struct {
		name   string
		change []change
	}{
		{"no pain and no onset", []change{noPain, onset(civil.Date{})}},
		{"left and right of one region", []change{pain("hips-glutes", Left), pain("hips-glutes", Right)}},
		{"every region", func() []change {
			var cs []change
			for _, r := range []string{"neck", "shoulders", "upper-back", "mid-back", "hips-glutes", "leg-radiating"} {
				cs = append(cs, pain(r, Left))
			}
			return cs
		}()},
		{"pregnant, third trimester, high-risk", []change{pregnant(3, Yes)}},
		{"recent surgery with the surgery", []change{yes(QRecentSurgery), event(Surgery, 10, "abdomen")}},
		{"every condition", func() []change {
			var cs []change
			for _, c := range Conditions {
				cs = append(cs, cond(c.ID))
			}
			return cs
		}()},
		{"a phone with dots", []change{func(a *Answers) { a.EmergencyContact.Phone = "416.555.0199" }}},
		{"a date of birth in the future (screening's to judge)", []change{born(today.AddDays(3)), noPain, onset(civil.Date{})}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fieldErrors(t, with(tt.change...)); got != nil {
				t.Errorf("fields %v, want none", got)
			}
		})
	}
}

// Answers survive JSON, and yes/no answers read only yes, no, "" or null.
func TestAnswersJSON(t *testing.T) {
	a := with(pregnant(2, No), event(Surgery, 30, "abdomen"))
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	var back Answers
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if err := back.Validate(); err != nil {
		t.Errorf("after JSON: %v\n%s", err, b)
	}
	if Screen(back, now).Tier != Screen(a, now).Tier {
		t.Errorf("JSON changes the screening")
	}
	for in, want := range map[string]YesNo{`"yes"`: Yes, `"no"`: No, `""`: Unanswered, `null`: Unanswered} {
		y := YesNo(9)
		if err := json.Unmarshal([]byte(in), &y); err != nil || y != want {
			t.Errorf("%s: %v, %v; want %v", in, y, err, want)
		}
	}
	for _, in := range []string{`"Yes"`, `true`, `1`, `"maybe"`} {
		var y YesNo
		if err := json.Unmarshal([]byte(in), &y); err == nil {
			t.Errorf("%s read as %v", in, y)
		}
	}
}
