// Package intake is what a new client tells the clinic before the first
// visit, and what knead decides from it: red-flag screening (DOMAIN.md
// section 4: see a doctor first) and contraindications by modality (section
// 5). It is pure: no I/O, and the time is passed in. Every decision names
// the answers that caused it, in plain words, and the rule tables are data
// an owner can read.
//
// Contact details (name, email, phone) live with the client record, not
// here. Dates are wall-calendar dates; "now" is read in its own location,
// which should be the clinic location's zone.
package intake

import (
	"encoding/json"
	"fmt"
	"slices"

	"knead/internal/care"
	"knead/internal/civil"
)

// Answers is one version of a client's intake (DOMAIN.md section 4). A later
// intake is a new Answers; nothing here is ever overwritten.
type Answers struct {
	DateOfBirth      civil.Date       `json:"date_of_birth"`
	EmergencyContact EmergencyContact `json:"emergency_contact"`
	// PainMap lists where it hurts (care.Regions slugs), with side and
	// intensity 0-10. A client with no pain leaves it empty.
	PainMap []PainArea `json:"pain_map"`
	// Pain is overall pain right now on the 0-10 numeric rating scale
	// (NPRS); nil is not answered.
	Pain *int `json:"pain_nprs"`
	// Onset is when this pain started (the client's best guess; the first
	// of the month is fine). How long it has lasted is worked out from it
	// at screening time, so a stored intake never holds a stale duration.
	Onset civil.Date `json:"onset"`
	// WorseWith are Aggravators ids; WorseOther is anything else.
	WorseWith  []string `json:"worse_with"`
	WorseOther string   `json:"worse_other"`
	Habits     Habits   `json:"habits"`
	// Conditions are Conditions ids (a fixed checklist); OtherConditions is
	// the rest of the medical history in the client's words.
	Conditions      []string    `json:"conditions"`
	OtherConditions string      `json:"conditions_other"`
	Medications     Medications `json:"medications"`
	Pregnancy       Pregnancy   `json:"pregnancy"`
	// Events are surgeries and injuries the client reports, recent or not.
	Events []Event `json:"surgery_or_injury"`
	// RedFlags answers every question of Questions by id. A question that
	// is missing here is not answered: Validate refuses it and screening
	// counts it as yes, never as no.
	RedFlags map[string]YesNo `json:"red_flags"`
	Consent  Consent          `json:"consent"`
}

// EmergencyContact is who to call if something happens during a visit.
type EmergencyContact struct {
	Name  string `json:"name"`
	Phone string `json:"phone"`
}

// PainArea is one region of the pain map.
type PainArea struct {
	Region    string `json:"region"` // a care.Regions slug
	Side      Side   `json:"side"`
	Intensity int    `json:"intensity"` // 0-10
}

// Habits are hours a day; they overlap (driving is sitting too).
type Habits struct {
	SittingHours float64 `json:"sitting_hours"`
	DrivingHours float64 `json:"driving_hours"`
	ScreenHours  float64 `json:"screen_hours"`
}

// Medications are what the client takes, and the one answer that the
// contraindication table needs explicitly.
type Medications struct {
	List string `json:"list"`
	// Anticoagulants: a blood thinner (warfarin, apixaban, rivaroxaban,
	// heparin...) or an antiplatelet (clopidogrel, daily aspirin...).
	Anticoagulants YesNo `json:"anticoagulants"`
}

// Pregnancy is asked of every client (the form may pre-answer no).
type Pregnancy struct {
	Pregnant  YesNo `json:"pregnant"`
	Trimester int   `json:"trimester,omitempty"` // 1-3 when pregnant; 0 not known
	HighRisk  YesNo `json:"high_risk"`           // as the client's doctor or midwife said
}

// Event kinds.
const (
	Surgery = "surgery"
	Injury  = "injury"
)

// Event is a surgery or an injury, with when and where.
type Event struct {
	Kind    string     `json:"kind"` // Surgery or Injury
	Date    civil.Date `json:"date"`
	Area    string     `json:"area"` // one of Areas
	Details string     `json:"details,omitempty"`
}

// Consent is the client's agreement, typed as their name.
type Consent struct {
	Treatment  bool   `json:"treatment"` // to assessment and treatment
	Accurate   bool   `json:"accurate"`  // the answers are true and complete
	SignedName string `json:"signed_name"`
}

// YesNo is an answer that must be given: Unanswered is never read as No.
type YesNo uint8

// The answers to a yes/no question.
const (
	Unanswered YesNo = iota
	Yes
	No
)

func (y YesNo) String() string {
	switch y {
	case Unanswered:
		return ""
	case Yes:
		return "yes"
	case No:
		return "no"
	}
	return fmt.Sprintf("YesNo(%d)", uint8(y))
}

// MarshalText writes "yes", "no", or "" for Unanswered.
func (y YesNo) MarshalText() ([]byte, error) {
	if y > No {
		return nil, fmt.Errorf("intake: %v is not an answer", y)
	}
	return []byte(y.String()), nil
}

// UnmarshalText reads "yes", "no", or "" (not answered).
func (y *YesNo) UnmarshalText(b []byte) error {
	switch string(b) {
	case "":
		*y = Unanswered
	case "yes":
		*y = Yes
	case "no":
		*y = No
	default:
		return fmt.Errorf("%q is not an answer: yes or no", b)
	}
	return nil
}

// UnmarshalJSON also reads null as not answered.
func (y *YesNo) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*y = Unanswered
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("%s is not an answer: yes or no", b)
	}
	return y.UnmarshalText([]byte(s))
}

// Side is where a region hurts.
type Side string

// Sides of a pain map region.
const (
	Left   Side = "left"
	Right  Side = "right"
	Both   Side = "both"
	Centre Side = "centre"
)

// pairedRegions are limbs and girdles, which have a left and a right but no
// centre; every other region runs along the spine and can hurt in the middle.
var pairedRegions = []string{"shoulders", "hips-glutes", "leg-radiating"}

// SidesOf returns the sides a pain map region can take, and nil for a
// region that is not in care.Regions.
func SidesOf(region string) []Side {
	if _, ok := care.RegionOf(region); !ok {
		return nil
	}
	if slices.Contains(pairedRegions, region) {
		return []Side{Left, Right, Both}
	}
	return []Side{Left, Right, Both, Centre}
}

// Item is one entry of a checklist or one question: a stable id and the
// words the client reads.
type Item struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

func itemIDs(items []Item) []string {
	ids := make([]string, len(items))
	for i, it := range items {
		ids[i] = it.ID
	}
	return ids
}

// ExtraAreas are the body areas, beyond the pain map's care.Regions, that a
// surgery or an injury can be in and a local contraindication can name.
var ExtraAreas = []string{"head", "chest", "abdomen", "arms", "legs"}

// IsArea reports whether s is a care.Regions slug or one of ExtraAreas.
func IsArea(s string) bool {
	_, ok := care.RegionOf(s)
	return ok || slices.Contains(ExtraAreas, s)
}

// Conditions ids of the medical history checklist.
const (
	CondBleedingDisorder = "bleeding-disorder"
	CondLowPlatelets     = "low-platelets"
	CondDVT              = "dvt"
	CondBoneMetastases   = "bone-metastases"
	CondNeuropathy       = "neuropathy"
	CondVascular         = "peripheral-vascular-disease"
	CondHighBP           = "high-blood-pressure"
	CondHeartDisease     = "heart-disease"
	CondInfection        = "acute-infection"
	CondSkin             = "skin-condition"
	CondCancerTreatment  = "cancer-treatment"
	CondPacemaker        = "pacemaker"
	CondVaricoseVeins    = "varicose-veins"
)

// Conditions is the medical history checklist: the conditions of DOMAIN.md
// section 5 that are not asked elsewhere. Osteoporosis and fever are
// red-flag questions, anticoagulants a medication question and pregnancy
// its own section, so each fact is asked once.
var Conditions = []Item{
	{CondBleedingDisorder, "A bleeding disorder, such as haemophilia"},
	{CondLowPlatelets, "Low platelets (blood that is slow to clot)"},
	{CondDVT, "A blood clot in a vein (deep vein thrombosis), now or suspected"},
	{CondBoneMetastases, "Cancer that has spread to the bones"},
	{CondNeuropathy, "Loss of feeling in the hands or feet (neuropathy), for example from diabetes"},
	{CondVascular, "Poor circulation in the legs or feet (peripheral vascular disease)"},
	{CondHighBP, "High blood pressure that is not under control"},
	{CondHeartDisease, "Heart disease"},
	{CondInfection, "An infection right now"},
	{CondSkin, "A skin condition, rash, open wound, burn or sunburn"},
	{CondCancerTreatment, "Cancer treatment now (chemotherapy or radiation)"},
	{CondPacemaker, "A pacemaker"},
	{CondVaricoseVeins, "Varicose veins"},
}

// Aggravators is the checklist of what makes the pain worse.
var Aggravators = []Item{
	{"sitting", "Sitting"},
	{"standing", "Standing"},
	{"bending", "Bending forward"},
	{"lifting", "Lifting"},
	{"walking", "Walking"},
	{"lying-down", "Lying down"},
	{"morning", "Getting up in the morning"},
	{"end-of-day", "The end of the day"},
	{"coughing-sneezing", "Coughing or sneezing"},
	{"driving", "Driving"},
	{"screens", "Desk, computer or phone use"},
	{"stress", "Stress"},
}

// Red-flag question ids (the keys of Answers.RedFlags).
const (
	QBladderBowel      = "bladder_bowel"
	QSaddleNumbness    = "saddle_numbness"
	QLegWeakness       = "leg_weakness"
	QBothLegs          = "pain_both_legs"
	QPulsatingMass     = "pulsating_mass"
	QMajorTrauma       = "major_trauma"
	QMinorTrauma       = "minor_trauma"
	QOsteoporosis      = "osteoporosis"
	QCancer            = "cancer_history"
	QWeightLoss        = "weight_loss"
	QFever             = "fever"
	QIVDrugs           = "iv_drug_use"
	QImmune            = "immune_suppression"
	QNightPain         = "night_pain"
	QNumbness          = "numbness"
	QWorsening         = "worsening"
	QNotImproving      = "not_improving"
	QHighRiskPregnancy = "high_risk_pregnancy"
	QRecentSurgery     = "recent_surgery"
)

// RecentWeeks is how recent a surgery or an injury, and how new a pain, is
// for the red flags and contraindications: DOMAIN.md section 5 says 12 weeks
// for surgery, and 12 weeks is where back pain guidelines (ACP/APS 2007)
// draw the line between subacute and chronic pain.
const RecentWeeks = 12

// Questions are the red-flag questions of DOMAIN.md section 4, worded for
// the client. Every one must be answered yes or no.
var Questions = []Item{
	{QBladderBowel, "Have you lost control of your bladder or bowels, or suddenly been unable to pass urine?"},
	{QSaddleNumbness, "Is there numbness between your legs, around your buttocks or inner thighs (where you would sit on a saddle)?"},
	{QLegWeakness, "Is a leg badly weak or getting weaker quickly, or does your foot drag or slap when you walk?"},
	{QBothLegs, "Does pain travel down both of your legs?"},
	{QPulsatingMass, "Have you had sudden, severe pain in your back or belly together with a throbbing lump in your belly?"},
	{QMajorTrauma, "Have you recently had an accident or a major injury, such as a car crash or a fall from a height?"},
	{QMinorTrauma, "Did this pain start after a minor fall or knock, or after lifting or straining?"},
	{QOsteoporosis, "Have you been told you have osteoporosis (thin, fragile bones)?"},
	{QCancer, "Have you ever had cancer?"},
	{QWeightLoss, "Have you lost weight recently without trying?"},
	{QFever, "Have you had a fever or chills recently?"},
	{QIVDrugs, "Have you ever injected drugs that were not prescribed to you?"},
	{QImmune, "Is your immune system weakened, for example by steroid medicines, an organ transplant or HIV?"},
	{QNightPain, "Is your pain severe at night, or worse when you lie down?"},
	{QNumbness, "Do you have severe numbness or tingling anywhere?"},
	{QWorsening, "Are your symptoms getting worse quickly?"},
	{QNotImproving, "Have you already had 4 to 6 weeks or more of care for this pain (from a doctor, physiotherapist, chiropractor or massage therapist) without it getting better?"},
	{QHighRiskPregnancy, "Are you pregnant, and has your doctor or midwife said the pregnancy is high-risk?"},
	{QRecentSurgery, fmt.Sprintf("Have you had surgery in the last %d weeks (about 3 months)?", RecentWeeks)},
}
