package intake

import (
	"fmt"
	"slices"
	"time"

	"knead/internal/care"
	"knead/internal/civil"
)

// Cause is one answer that made a rule apply, in plain words.
type Cause struct {
	// Field names the answer as Validate does: "red_flags.fever",
	// "date_of_birth", "surgery_or_injury[1]".
	Field string `json:"field"`
	// Says what the answer is, or why it counts: "answered yes", "age 56",
	// "not answered, so counted as yes".
	Says string `json:"says"`
	// Areas are the body areas the answer is about (a surgery site), for
	// contraindications that are local.
	Areas []string `json:"areas,omitempty"`
}

// Match is a condition on the answers at now. It returns the causes for
// which it holds, and none when it does not. Where an answer is missing or
// cannot be right (a date in the future), a Match holds and its cause says
// so: screening errs toward referral.
type Match func(a Answers, now time.Time) []Cause

// AllOf holds when every m holds, with all their causes.
func AllOf(ms ...Match) Match {
	return func(a Answers, now time.Time) []Cause {
		var all []Cause
		for _, m := range ms {
			cs := m(a, now)
			if len(cs) == 0 {
				return nil
			}
			all = append(all, cs...)
		}
		return all
	}
}

// AnyOf holds when one of ms holds, with the causes of every one that does.
func AnyOf(ms ...Match) Match {
	return func(a Answers, now time.Time) []Cause {
		var all []Cause
		for _, m := range ms {
			all = append(all, m(a, now)...)
		}
		return all
	}
}

// yesOrUnknown is the cause of a yes/no answer that is yes or missing.
func yesOrUnknown(field string, y YesNo) []Cause {
	switch y {
	case No:
		return nil
	case Yes:
		return []Cause{{Field: field, Says: "answered yes"}}
	}
	return []Cause{{Field: field, Says: "not answered, so counted as yes"}}
}

// Flag holds when red-flag question q is answered yes or not answered.
func Flag(q string) Match {
	return func(a Answers, _ time.Time) []Cause {
		return yesOrUnknown("red_flags."+q, a.RedFlags[q])
	}
}

// HasCondition holds when the medical history checklist has condition id.
func HasCondition(id string) Match {
	return ticked("conditions", Conditions, id, func(a Answers) []string { return a.Conditions })
}

// WorseWith holds when aggravator id is ticked as making the pain worse.
func WorseWith(id string) Match {
	return ticked("worse_with", Aggravators, id, func(a Answers) []string { return a.WorseWith })
}

func ticked(field string, list []Item, id string, of func(Answers) []string) Match {
	text := id
	if i := slices.IndexFunc(list, func(it Item) bool { return it.ID == id }); i >= 0 {
		text = list[i].Text
	}
	return func(a Answers, _ time.Time) []Cause {
		if i := slices.Index(of(a), id); i >= 0 {
			return []Cause{{Field: fmt.Sprintf("%s[%d]", field, i), Says: "ticked: " + text}}
		}
		return nil
	}
}

// Anticoagulants holds when the client takes a blood thinner or an
// antiplatelet, or did not say.
func Anticoagulants() Match {
	return func(a Answers, _ time.Time) []Cause {
		return yesOrUnknown("medications.anticoagulants", a.Medications.Anticoagulants)
	}
}

// validDate reports whether d is a real calendar date of years 1-9999.
func validDate(d civil.Date) bool {
	if d.Year < 1 || d.Year > 9999 {
		return false
	}
	return civil.DateOf(time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC)) == d
}

// Age returns the age in completed years on today, and false when the
// date of birth is missing, not a date, or after today. A 29 February
// birthday comes on 1 March in other years.
func Age(dob, today civil.Date) (int, bool) {
	if !validDate(dob) || !validDate(today) || dob.After(today) {
		return 0, false
	}
	age := today.Year - dob.Year
	if today.Month < dob.Month || (today.Month == dob.Month && today.Day < dob.Day) {
		age--
	}
	return age, true
}

// AgeOutside holds when the client's age in completed years at now is
// under from or at least to: AgeOutside(20, 50) is "under 20 or over 50",
// AgeOutside(0, 50) "over 50". A person is "over 50" from the 50th
// birthday on: past it their age is more than 50 years, and erring toward
// referral counts the birthday itself too. An unknown age holds.
func AgeOutside(from, to int) Match {
	band := fmt.Sprintf("%d or over", to)
	if from > 0 {
		band = fmt.Sprintf("under %d or %s", from, band)
	}
	return func(a Answers, now time.Time) []Cause {
		age, ok := Age(a.DateOfBirth, civil.DateOf(now))
		switch {
		case !ok:
			return []Cause{{Field: "date_of_birth", Says: "missing or in the future, so the age is counted as " + band}}
		case age < from || age >= to:
			return []Cause{{Field: "date_of_birth", Says: fmt.Sprintf("age %d", age)}}
		}
		return nil
	}
}

// hasPain reports whether the client has pain now; not knowing counts as yes.
func hasPain(a Answers) bool {
	if a.Pain == nil || *a.Pain > 0 {
		return true
	}
	return slices.ContainsFunc(a.PainMap, func(p PainArea) bool { return p.Intensity > 0 })
}

// recentCause says whether date d (of field) is less than weeks before
// today, naming it; a missing or future date counts as recent.
func recentCause(field, what string, d, today civil.Date, weeks int) (Cause, bool) {
	switch {
	case !validDate(d):
		return Cause{Field: field, Says: "no date given, so counted as recent"}, true
	case d.After(today):
		return Cause{Field: field, Says: d.String() + " is in the future, so counted as recent"}, true
	}
	days := d.DaysUntil(today)
	if days >= weeks*7 {
		return Cause{}, false
	}
	ago := fmt.Sprintf("%d weeks ago", days/7)
	if days < 14 {
		ago = fmt.Sprintf("%d days ago", days)
	}
	return Cause{Field: field, Says: fmt.Sprintf("%s %s, %s", what, d, ago)}, true
}

// PainStartedWithin holds when the client has pain that started less than
// weeks before now: "new" pain. Pain with no onset date, or one in the
// future, counts as new.
func PainStartedWithin(weeks int) Match {
	return func(a Answers, now time.Time) []Cause {
		if !hasPain(a) {
			return nil
		}
		if c, ok := recentCause("onset", "pain started", a.Onset, civil.DateOf(now), weeks); ok {
			return []Cause{c}
		}
		return nil
	}
}

// RecentEvent holds for each surgery or injury (kind) less than weeks
// before now, or with no date or a future one; the causes carry its area.
// An event of neither kind counts as both.
func RecentEvent(kind string, weeks int) Match {
	return func(a Answers, now time.Time) []Cause {
		var cs []Cause
		for i, e := range a.Events {
			if e.Kind != kind && (e.Kind == Surgery || e.Kind == Injury) {
				continue
			}
			if c, ok := recentCause(fmt.Sprintf("surgery_or_injury[%d]", i), kind, e.Date, civil.DateOf(now), weeks); ok {
				if IsArea(e.Area) {
					c.Areas = []string{e.Area}
				}
				cs = append(cs, c)
			}
		}
		return cs
	}
}

// PainOnBothSides holds when the pain map has region on both sides, as
// "both" or as a left and a right entry, whatever the intensity.
func PainOnBothSides(region string) Match {
	name := region
	if r, ok := care.RegionOf(region); ok {
		name = r.Name
	}
	return func(a Answers, _ time.Time) []Cause {
		var sides [2][]Cause
		for i, p := range a.PainMap {
			if p.Region != region {
				continue
			}
			c := Cause{Field: fmt.Sprintf("pain_map[%d]", i), Says: fmt.Sprintf("%s, %s", name, p.Side)}
			if p.Side == Both {
				c.Says = name + ", both sides"
			}
			switch p.Side {
			case Both:
				return []Cause{c}
			case Left:
				sides[0] = append(sides[0], c)
			case Right:
				sides[1] = append(sides[1], c)
			}
		}
		if len(sides[0]) > 0 && len(sides[1]) > 0 {
			return []Cause{sides[0][0], sides[1][0]}
		}
		return nil
	}
}

// pregnancyCause returns the cause of a pregnancy that is yes or not answered.
func pregnancyCause(a Answers) []Cause {
	return yesOrUnknown("pregnancy.pregnant", a.Pregnancy.Pregnant)
}

// PregnantHighRisk holds for a high-risk pregnancy (or one whose risk was
// not given).
func PregnantHighRisk() Match {
	return func(a Answers, _ time.Time) []Cause {
		p := pregnancyCause(a)
		r := yesOrUnknown("pregnancy.high_risk", a.Pregnancy.HighRisk)
		if len(p) == 0 || len(r) == 0 {
			return nil
		}
		return append(p, r...)
	}
}

// PregnantEarlyOrHighRisk holds for a pregnancy in the first trimester, of
// an unknown trimester, or high-risk; PregnantLater for every other one.
// One of the two holds for any pregnancy.
func PregnantEarlyOrHighRisk() Match {
	return func(a Answers, _ time.Time) []Cause {
		p := pregnancyCause(a)
		if len(p) == 0 {
			return nil
		}
		switch t := a.Pregnancy.Trimester; {
		case t == 1:
			p = append(p, Cause{Field: "pregnancy.trimester", Says: "first trimester"})
		case t != 2 && t != 3:
			p = append(p, Cause{Field: "pregnancy.trimester", Says: "not known, so counted as the first trimester"})
		}
		p = append(p, yesOrUnknown("pregnancy.high_risk", a.Pregnancy.HighRisk)...)
		if len(p) == 1 {
			return nil // later, and not high-risk
		}
		return p
	}
}

// PregnantLater holds for a pregnancy in the second or third trimester
// that is not high-risk.
func PregnantLater() Match {
	return func(a Answers, _ time.Time) []Cause {
		p := pregnancyCause(a)
		t := a.Pregnancy.Trimester
		if len(p) == 0 || (t != 2 && t != 3) || a.Pregnancy.HighRisk != No {
			return nil
		}
		return append(p, Cause{Field: "pregnancy.trimester", Says: fmt.Sprintf("trimester %d, not high-risk", t)})
	}
}

// dedupe drops repeated causes, keeping the first of each.
func dedupe(cs []Cause) []Cause {
	out := cs[:0:0]
	for _, c := range cs {
		if !slices.ContainsFunc(out, func(o Cause) bool { return o.Field == c.Field && o.Says == c.Says }) {
			out = append(out, c)
		}
	}
	return out
}
