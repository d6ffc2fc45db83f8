package care

import (
	"fmt"
	"slices"

	"knead/internal/clinic"
)

// Report is what the client says of the pain at intake (DOMAIN.md section
// 4), as far as it bears on the choice of modality. Red flags and
// contraindications are the intake's business; this carries none of them.
type Report struct {
	// Pain is the pain map: one spot per region and side.
	Pain []PainSpot `json:"pain,omitempty"`
	// NPRS is the overall pain, 0-10; 0 when not given, and then the
	// worst spot of the pain map stands for it.
	NPRS int `json:"nprs,omitempty"`
	// PainDays is how long the pain has lasted, in days, as the caller
	// works it out from the intake's onset and today; 0 when not given.
	PainDays int `json:"pain_days,omitempty"`
	// FlareUp is set when the client says the pain suddenly got worse
	// lately: an acute flare-up, whatever its history.
	FlareUp bool `json:"flare_up,omitempty"`
	// Factors are what makes the pain worse, and what else the client
	// reports of it.
	Factors []Factor `json:"factors,omitempty"`
	// Goal is what the client wants from the visits; empty when not given.
	Goal Goal `json:"goal,omitempty"`
}

// PainSpot is one region of the pain map with its side and intensity.
type PainSpot struct {
	Region    string `json:"region"` // a slug of Regions
	Side      Side   `json:"side,omitempty"`
	Intensity int    `json:"intensity"` // 0-10; 0 marks no pain there
}

// How long pain lasts before it counts as chronic, and how recent it must be
// to count as acute. These are the bands of the back-pain guidelines
// DOMAIN.md section 4 draws on (AHCPR guideline 14, ACP/APS 2007): acute
// under 6 weeks, subacute 6 to 12 weeks, chronic from 12 weeks.
const (
	AcuteBeforeDays = 6 * 7
	ChronicFromDays = 12 * 7
)

// Overall pain bands on the 0-10 NPRS, as commonly used for back pain:
// mild 1-3, moderate 4-6, severe 7-10. Swedish suits mild to moderate pain.
const MaxModeratePain = 6

// Chronic reports whether the pain has lasted 12 weeks or more.
func (r Report) Chronic() bool { return r.PainDays >= ChronicFromDays }

// Acute reports whether the pain is an acute flare-up: under 6 weeks old, or
// flared up lately on top of older pain.
func (r Report) Acute() bool {
	return r.FlareUp || (r.PainDays > 0 && r.PainDays < AcuteBeforeDays)
}

// Overall is the pain level to go by: the NPRS when given, otherwise the
// worst spot of the pain map.
func (r Report) Overall() int {
	if r.NPRS > 0 {
		return r.NPRS
	}
	worst := 0
	for _, p := range r.Pain {
		worst = max(worst, p.Intensity)
	}
	return worst
}

// Factor is something the client reports that makes the pain worse or
// describes it (DOMAIN.md sections 4 and 7).
type Factor string

// Factors.
const (
	FactorLongSitting      Factor = "long-sitting"
	FactorDeskWork         Factor = "desk-work" // desk and screen work
	FactorPhoneUse         Factor = "phone-use"
	FactorDriving          Factor = "driving"
	FactorLifting          Factor = "lifting"
	FactorStress           Factor = "stress"
	FactorTensionHeadaches Factor = "tension-headaches"
	FactorKnots            Factor = "knots"
	FactorStiffness        Factor = "stiffness"
	FactorSpasm            Factor = "spasm"
	FactorPoorCirculation  Factor = "poor-circulation"
	FactorScarTissue       Factor = "scar-tissue"
	FactorAthletic         Factor = "athletic-activity"
	FactorOldInjury        Factor = "old-injury"
	FactorPoorPosture      Factor = "poor-posture"
	// FactorJointLocking: the back or neck locks, catches or gives way.
	FactorJointLocking Factor = "joint-locking"
)

// Factors in the order reasons list them.
var Factors = []Factor{FactorLongSitting, FactorDeskWork, FactorPhoneUse, FactorDriving, FactorLifting,
	FactorStress, FactorTensionHeadaches, FactorKnots, FactorStiffness, FactorSpasm,
	FactorPoorCirculation, FactorScarTissue, FactorAthletic, FactorOldInjury, FactorPoorPosture,
	FactorJointLocking}

// Goal is what the client wants from the visits.
type Goal string

// Goals.
const (
	GoalNone        Goal = ""
	GoalPainRelief  Goal = "pain-relief"
	GoalRelaxation  Goal = "relaxation"
	GoalMaintenance Goal = "maintenance"
	GoalMobility    Goal = "mobility"
)

// Goals that may be given.
var Goals = []Goal{GoalPainRelief, GoalRelaxation, GoalMaintenance, GoalMobility}

// Limits that keep one report from holding absurd values.
const (
	maxSpots    = 4 * 7 // every region on every side
	maxFactors  = 50
	maxPainDays = 100 * 365
)

// Validate checks a report, naming each bad field.
func (r Report) Validate() error {
	var v clinic.Validation
	r.validate(&v)
	return v.Err()
}

func (r Report) validate(v *clinic.Validation) {
	v.Check(len(r.Pain) <= maxSpots, "pain", "must list at most %d spots", maxSpots)
	for i, p := range r.Pain {
		f := fmt.Sprintf("pain[%d]", i)
		_, known := RegionOf(p.Region)
		v.Check(known, f+".region", "%q is not a region of the pain map (one of %s)", p.Region, regionSlugs())
		v.Check(p.Side.valid(), f+".side", "must be left, right, both or none")
		v.Check(p.Intensity >= 0 && p.Intensity <= 10, f+".intensity", "must be between 0 and 10")
		if j := slices.IndexFunc(r.Pain[:i], func(o PainSpot) bool { return o.Region == p.Region && o.Side == p.Side }); j >= 0 {
			v.Add(f, "repeats pain[%d]: one intensity per region and side", j)
		}
	}
	v.Check(r.NPRS >= 0 && r.NPRS <= 10, "nprs", "must be between 0 and 10")
	v.Check(r.PainDays >= 0 && r.PainDays <= maxPainDays, "pain_days", "must be between 0 (not given) and %d", maxPainDays)
	v.Check(len(r.Factors) <= maxFactors, "factors", "must list at most %d", maxFactors)
	for i, f := range r.Factors {
		v.Check(slices.Contains(Factors, f), fmt.Sprintf("factors[%d]", i), "%q is not a factor (one of %s)", f, joinQuoted(Factors))
	}
	v.Check(r.Goal == GoalNone || slices.Contains(Goals, r.Goal), "goal", "%q is not a goal (one of %s)", r.Goal, joinQuoted(Goals))
}

func regionSlugs() string {
	slugs := make([]string, len(Regions))
	for i, r := range Regions {
		slugs[i] = r.Slug
	}
	return joinQuoted(slugs)
}

// regionRank is the place of a region in Regions, top to bottom.
func regionRank(slug string) int {
	for i, r := range Regions {
		if r.Slug == slug {
			return i
		}
	}
	return len(Regions)
}
