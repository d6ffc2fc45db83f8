package intake

import (
	"time"

	"knead/internal/civil"
)

var toronto = func() *time.Location {
	z, err := time.LoadLocation("America/Toronto")
	if err != nil {
		panic(err)
	}
	return z
}()

// now is late in the evening in Toronto, when it is already the next day
// in UTC: dates must be read in now's zone.
var (
	now   = time.Date(2027, time.June, 15, 22, 30, 0, 0, toronto)
	today = civil.Date{Year: 2027, Month: time.June, Day: 15}
)

// clean is a complete intake with no red flag and no contraindication: a
// 35-year-old with lower back pain for a year.
func clean() Answers {
	a := Answers{
		DateOfBirth:      civil.Date{Year: 1992, Month: time.March, Day: 3},
		EmergencyContact: EmergencyContact{Name: "Sam Rivera", Phone: "+1 (416) 555-0199"},
		PainMap:          []PainArea{{Region: "lower-back", Side: Centre, Intensity: 5}},
		Pain:             new(5),
		Onset:            today.AddDays(-365),
		WorseWith:        []string{"sitting", "bending"},
		Habits:           Habits{SittingHours: 9, DrivingHours: 1, ScreenHours: 8},
		Medications:      Medications{Anticoagulants: No},
		Pregnancy:        Pregnancy{Pregnant: No},
		RedFlags:         map[string]YesNo{},
		Consent:          Consent{Treatment: true, Accurate: true, SignedName: "Alex Doe"},
	}
	for _, q := range Questions {
		a.RedFlags[q.ID] = No
	}
	return a
}

type change func(*Answers)

func with(cs ...change) Answers {
	a := clean()
	for _, c := range cs {
		c(&a)
	}
	return a
}

func yes(q string) change { return func(a *Answers) { a.RedFlags[q] = Yes } }

func unanswered(q string) change { return func(a *Answers) { delete(a.RedFlags, q) } }

func cond(id string) change {
	return func(a *Answers) { a.Conditions = append(a.Conditions, id) }
}

func worse(id string) change {
	return func(a *Answers) { a.WorseWith = append(a.WorseWith, id) }
}

// aged makes the client's birthday number years fall days before today
// (negative days: that birthday is still days away, so the client is
// years-1).
func aged(years, days int) change {
	return func(a *Answers) {
		a.DateOfBirth = civil.Date{Year: today.Year - years, Month: today.Month, Day: today.Day}.AddDays(-days)
	}
}

func born(d civil.Date) change { return func(a *Answers) { a.DateOfBirth = d } }

// newPain: the pain started 3 weeks before now.
func newPain(a *Answers) { a.Onset = today.AddDays(-21) }

func onset(d civil.Date) change { return func(a *Answers) { a.Onset = d } }

func pain(region string, side Side) change {
	return func(a *Answers) {
		a.PainMap = append(a.PainMap, PainArea{Region: region, Side: side, Intensity: 6})
	}
}

func event(kind string, daysAgo int, area string) change {
	return func(a *Answers) {
		a.Events = append(a.Events, Event{Kind: kind, Date: today.AddDays(-daysAgo), Area: area})
	}
}

func pregnant(trimester int, highRisk YesNo) change {
	return func(a *Answers) {
		a.Pregnancy = Pregnancy{Pregnant: Yes, Trimester: trimester, HighRisk: highRisk}
		a.RedFlags[QHighRiskPregnancy] = highRisk
	}
}

func anticoagulants(a *Answers) { a.Medications.Anticoagulants = Yes }

func noPain(a *Answers) {
	a.Pain = new(0)
	a.PainMap = nil
}
