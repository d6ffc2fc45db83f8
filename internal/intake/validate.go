package intake

import (
	"fmt"
	"slices"
	"strings"

	"knead/internal/care"
	"knead/internal/civil"
	"knead/internal/clinic"
)

// Limits that keep one intake from storing absurd values.
const (
	maxName  = 200
	maxText  = 4000
	maxAreas = 40
	maxEvent = 20
)

// Validate reports every answer that is missing or wrong, each named by its
// JSON field ("pain_map[2].intensity", "red_flags.fever"), as an EInvalid
// *clinic.Error; nil when the answers are complete enough to screen. A
// red-flag question without an answer is an error, never a no.
//
// Validate takes no time: dates in the future are screening's to judge
// (it counts them the stricter way), not a reason to refuse the intake.
func (a Answers) Validate() error {
	var v clinic.Validation
	checkDate(&v, "date_of_birth", a.DateOfBirth, true)
	checkText(&v, "emergency_contact.name", a.EmergencyContact.Name, maxName, true)
	v.Check(validPhone(a.EmergencyContact.Phone), "emergency_contact.phone", "is required: a phone number of 7 to 15 digits")

	if a.Pain == nil {
		v.Add("pain_nprs", "is required: your pain right now from 0 (none) to 10 (worst imaginable)")
	} else {
		v.Check(*a.Pain >= 0 && *a.Pain <= 10, "pain_nprs", "must be from 0 to 10")
	}
	a.validatePainMap(&v)
	if hasPain(a) || !a.Onset.IsZero() {
		checkDate(&v, "onset", a.Onset, true)
		checkNotBeforeBirth(&v, "onset", a.Onset, a.DateOfBirth)
	}
	checkChecklist(&v, "worse_with", a.WorseWith, Aggravators)
	checkText(&v, "worse_other", a.WorseOther, maxText, false)
	for _, h := range []struct {
		field string
		hours float64
	}{{"sitting_hours", a.Habits.SittingHours}, {"driving_hours", a.Habits.DrivingHours}, {"screen_hours", a.Habits.ScreenHours}} {
		v.Check(h.hours >= 0 && h.hours <= 24, "habits."+h.field, "must be from 0 to 24 hours a day")
	}
	checkChecklist(&v, "conditions", a.Conditions, Conditions)
	checkText(&v, "conditions_other", a.OtherConditions, maxText, false)
	checkText(&v, "medications.list", a.Medications.List, maxText, false)
	checkYesNo(&v, "medications.anticoagulants", a.Medications.Anticoagulants)
	a.validatePregnancy(&v)
	a.validateEvents(&v)
	a.validateRedFlags(&v)
	v.Check(a.Consent.Treatment, "consent.treatment", "is required to book a visit")
	v.Check(a.Consent.Accurate, "consent.accurate", "is required: confirm that your answers are true and complete")
	checkText(&v, "consent.signed_name", a.Consent.SignedName, maxName, true)
	return v.Err()
}

func (a Answers) validatePainMap(v *clinic.Validation) {
	v.Check(len(a.PainMap) <= maxAreas, "pain_map", "must have at most %d areas", maxAreas)
	for i, p := range a.PainMap {
		f := fmt.Sprintf("pain_map[%d]", i)
		sides := SidesOf(p.Region)
		if sides == nil {
			v.Add(f+".region", "%q is not a region (one of %s)", p.Region, strings.Join(regionSlugs(), ", "))
		} else if !slices.Contains(sides, p.Side) {
			v.Add(f+".side", "must be one of %s for %s", joinSides(sides), p.Region)
		}
		v.Check(p.Intensity >= 0 && p.Intensity <= 10, f+".intensity", "must be from 0 to 10")
		for j, o := range a.PainMap[:i] {
			if o.Region == p.Region && (o.Side == p.Side || o.Side == Both || p.Side == Both) {
				v.Add(f, "repeats pain_map[%d]: %s %s", j, o.Region, o.Side)
				break
			}
		}
	}
}

func (a Answers) validatePregnancy(v *clinic.Validation) {
	p := a.Pregnancy
	checkYesNo(v, "pregnancy.pregnant", p.Pregnant)
	switch p.Pregnant {
	case Yes:
		v.Check(p.Trimester >= 1 && p.Trimester <= 3, "pregnancy.trimester", "is required: 1, 2 or 3")
		checkYesNo(v, "pregnancy.high_risk", p.HighRisk)
		if rf := a.RedFlags[QHighRiskPregnancy]; rf != Unanswered && p.HighRisk != Unanswered && rf != p.HighRisk {
			v.Add("red_flags."+QHighRiskPregnancy, "says %s but pregnancy.high_risk says %s", rf, p.HighRisk)
		}
	case No:
		v.Check(p.Trimester == 0, "pregnancy.trimester", "must be empty when not pregnant")
		v.Check(p.HighRisk != Yes, "pregnancy.high_risk", "must not be yes when not pregnant")
		v.Check(a.RedFlags[QHighRiskPregnancy] != Yes, "red_flags."+QHighRiskPregnancy, "must not be yes when not pregnant")
	}
}

func (a Answers) validateEvents(v *clinic.Validation) {
	v.Check(len(a.Events) <= maxEvent, "surgery_or_injury", "must have at most %d entries", maxEvent)
	for i, e := range a.Events {
		f := fmt.Sprintf("surgery_or_injury[%d]", i)
		v.Check(e.Kind == Surgery || e.Kind == Injury, f+".kind", "must be %q or %q", Surgery, Injury)
		checkDate(v, f+".date", e.Date, true)
		checkNotBeforeBirth(v, f+".date", e.Date, a.DateOfBirth)
		v.Check(IsArea(e.Area), f+".area", "must be one of %s", strings.Join(append(regionSlugs(), ExtraAreas...), ", "))
		checkText(v, f+".details", e.Details, maxName, false)
	}
	if a.RedFlags[QRecentSurgery] == Yes && !slices.ContainsFunc(a.Events, func(e Event) bool { return e.Kind == Surgery }) {
		v.Add("surgery_or_injury", "list the surgery you had, with its date and area")
	}
}

func (a Answers) validateRedFlags(v *clinic.Validation) {
	for _, q := range Questions {
		checkYesNo(v, "red_flags."+q.ID, a.RedFlags[q.ID])
	}
	var unknown []string
	for id := range a.RedFlags {
		if !slices.ContainsFunc(Questions, func(q Item) bool { return q.ID == id }) {
			unknown = append(unknown, id)
		}
	}
	slices.Sort(unknown)
	for _, id := range unknown {
		v.Add("red_flags."+id, "is not a question")
	}
}

func checkYesNo(v *clinic.Validation, field string, y YesNo) {
	v.Check(y == Yes || y == No, field, "is required: answer yes or no")
}

func checkText(v *clinic.Validation, field, s string, limit int, required bool) {
	v.Check(!required || strings.TrimSpace(s) != "", field, "is required")
	v.Check(len(s) <= limit, field, "must be at most %d characters", limit)
}

func checkDate(v *clinic.Validation, field string, d civil.Date, required bool) {
	switch {
	case d.IsZero():
		v.Check(!required, field, "is required")
	case !validDate(d) || d.Year < 1900:
		v.Add(field, "%s is not a date from 1900 on", d)
	}
}

func checkNotBeforeBirth(v *clinic.Validation, field string, d, dob civil.Date) {
	v.Check(d.IsZero() || dob.IsZero() || !d.Before(dob), field, "must not be before the date of birth")
}

// checkChecklist reports ids that are not in list, and repeats.
func checkChecklist(v *clinic.Validation, field string, ids []string, list []Item) {
	known := itemIDs(list)
	v.Check(len(ids) <= len(known), field, "has more entries than the checklist")
	for i, id := range ids {
		f := fmt.Sprintf("%s[%d]", field, i)
		if !slices.Contains(known, id) {
			v.Add(f, "%q is not on the list (one of %s)", id, strings.Join(known, ", "))
		} else if j := slices.Index(ids, id); j < i {
			v.Add(f, "repeats %s[%d]", field, j)
		}
	}
}

// validPhone accepts 7 to 15 digits (E.164 has at most 15) with the usual
// separators and a leading +.
func validPhone(s string) bool {
	digits := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' && i == 0, strings.ContainsRune(" -.()", r):
		default:
			return false
		}
	}
	return digits >= 7 && digits <= 15
}

func regionSlugs() []string {
	out := make([]string, len(care.Regions))
	for i, r := range care.Regions {
		out[i] = r.Slug
	}
	return out
}

func joinSides(ss []Side) string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return strings.Join(out, ", ")
}
