package intake

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Tier is how far a red flag stops treatment (DOMAIN.md section 4). Higher
// is stricter.
type Tier uint8

// The tiers, weakest first.
const (
	TierNone      Tier = iota // nothing found
	TierClearance             // bookable once staff record a clearance
	TierUrgent                // see a doctor; bookable once a clinician's clearance is recorded
	TierEmergency             // emergency care now; no booking
)

var tierNames = [...]string{"none", "clearance", "urgent", "emergency"}

func (t Tier) String() string {
	if int(t) < len(tierNames) {
		return tierNames[t]
	}
	return fmt.Sprintf("Tier(%d)", uint8(t))
}

// MarshalText writes the tier's name.
func (t Tier) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText reads a tier's name, so that a stored screening reads back.
func (t *Tier) UnmarshalText(b []byte) error {
	for i, name := range tierNames {
		if string(b) == name {
			*t = Tier(i)
			return nil
		}
	}
	return fmt.Errorf("%q is not a tier", b)
}

// Clearance is what has been recorded for a client who screened above
// TierNone: nothing, a staff member's clearance (note, date, who), or a
// clinician's (a physician has seen the client), which is also a staff one.
type Clearance uint8

// The clearances, weakest first.
const (
	NoClearance Clearance = iota
	StaffClearance
	ClinicianClearance
)

// TierPolicy is what knead does at a tier, as the table of DOMAIN.md
// section 4 says.
type TierPolicy struct {
	Tier Tier
	// Never: no booking on this intake, whatever is recorded. Otherwise a
	// booking needs at least the Needs clearance.
	Never          bool
	Needs          Clearance
	NotifyClinic   bool
	ReferralLetter bool
	// Advice is what the client reads; %s is the reasons found.
	Advice string
}

// TierPolicies are indexed by Tier. An emergency is never booked from its
// intake: the questions ask about now, so a client who has had emergency
// care fills in a new intake, and that one is screened afresh.
var TierPolicies = [...]TierPolicy{
	TierNone: {Tier: TierNone, Advice: "Nothing in your answers stops you from booking."},
	TierClearance: {Tier: TierClearance, Needs: StaffClearance,
		Advice: "Before we can book your visit, a member of our staff needs to talk with you and record a clearance, because of: %s."},
	TierUrgent: {Tier: TierUrgent, Needs: ClinicianClearance, ReferralLetter: true,
		Advice: "Please see a doctor before you have a massage, because of: %s. We can book your visit once a doctor's clearance is recorded; the clinic will give you a referral letter to take with you."},
	TierEmergency: {Tier: TierEmergency, Never: true, NotifyClinic: true,
		Advice: "Please seek emergency care now: go to an emergency department or call your local emergency number, because of: %s. Do not wait for a massage appointment; we cannot book one. We have let the clinic know."},
}

// Policy returns what knead does at t; a tier it does not know is treated
// as an emergency.
func (t Tier) Policy() TierPolicy {
	if int(t) < len(TierPolicies) {
		return TierPolicies[t]
	}
	return TierPolicies[TierEmergency]
}

// Bookable reports whether a client screened at t may book once c is recorded.
func (t Tier) Bookable(c Clearance) bool {
	p := t.Policy()
	return !p.Never && c >= p.Needs
}

// Rule is one red flag: when it holds, the client is stopped at its tier.
type Rule struct {
	ID     string
	Tier   Tier
	Reason string // plain words the client reads, lower case: "fever or chills"
	When   Match
}

// Rules is a red-flag table.
type Rules []Rule

// RedFlags is the default red-flag table, DOMAIN.md section 4 row by row.
// Where the intake asks a fact twice (a red-flag question and a checklist
// or a date), either answer triggers the rule.
var RedFlags = Rules{
	// Emergency.
	{"bladder-bowel", TierEmergency, "loss of bladder or bowel control, or being unable to pass urine",
		Flag(QBladderBowel)},
	{"saddle-numbness", TierEmergency, "numbness in the saddle area",
		Flag(QSaddleNumbness)},
	{"leg-weakness", TierEmergency, "severe or quickly worsening leg weakness, or foot drop",
		Flag(QLegWeakness)},
	{"bilateral-sciatica", TierEmergency, "pain travelling down both legs",
		AnyOf(Flag(QBothLegs), PainOnBothSides("leg-radiating"))},
	{"pulsating-mass", TierEmergency, "sudden severe back or belly pain with a throbbing lump in the belly",
		Flag(QPulsatingMass)},

	// Urgent referral.
	{"major-trauma", TierUrgent, "a recent accident or major injury",
		Flag(QMajorTrauma)},
	{"minor-trauma-at-risk", TierUrgent, "a minor fall, knock or strain when over 50 or with osteoporosis",
		AllOf(AnyOf(Flag(QMinorTrauma), RecentEvent(Injury, RecentWeeks)), AnyOf(AgeOutside(0, 50), Flag(QOsteoporosis)))},
	{"cancer-new-pain", TierUrgent, "a history of cancer with new back pain",
		AllOf(AnyOf(Flag(QCancer), HasCondition(CondCancerTreatment), HasCondition(CondBoneMetastases)), PainStartedWithin(RecentWeeks))},
	// DOMAIN.md says "with pain": every intake is about pain, and weight
	// lost without trying needs a doctor whatever the pain is today.
	{"weight-loss", TierUrgent, "weight loss without trying",
		Flag(QWeightLoss)},
	{"fever", TierUrgent, "fever, chills or an infection",
		AnyOf(Flag(QFever), HasCondition(CondInfection))},
	{"iv-drug-use", TierUrgent, "injected drug use",
		Flag(QIVDrugs)},
	{"immune-suppression", TierUrgent, "a weakened immune system (steroids, transplant, HIV)",
		Flag(QImmune)},
	{"night-pain", TierUrgent, "severe pain at night or pain worse lying down",
		AnyOf(Flag(QNightPain), WorseWith("lying-down"))},
	{"numbness", TierUrgent, "severe numbness or tingling",
		Flag(QNumbness)},
	{"worsening", TierUrgent, "symptoms getting worse quickly",
		Flag(QWorsening)},

	// Clearance.
	{"age-new-pain", TierClearance, "new back pain under 20 or over 50",
		AllOf(PainStartedWithin(RecentWeeks), AgeOutside(20, 50))},
	{"not-improving", TierClearance, "pain not improving after 4 to 6 weeks of care",
		Flag(QNotImproving)},
	{"high-risk-pregnancy", TierClearance, "a high-risk pregnancy",
		AnyOf(Flag(QHighRiskPregnancy), PregnantHighRisk())},
	{"recent-surgery", TierClearance, "recent surgery",
		AnyOf(Flag(QRecentSurgery), RecentEvent(Surgery, RecentWeeks))},
}

// Finding is a rule that held, with the answers that made it hold.
type Finding struct {
	Rule   string  `json:"rule"`
	Tier   Tier    `json:"tier"`
	Reason string  `json:"reason"`
	Causes []Cause `json:"causes"`
}

// Screening is the result of screening one intake: the highest tier found,
// and every finding, strictest first, in table order within a tier.
type Screening struct {
	Tier     Tier      `json:"tier"`
	Findings []Finding `json:"findings"`
}

// Screen screens answers at now with the default table, RedFlags.
func Screen(a Answers, now time.Time) Screening { return RedFlags.Screen(a, now) }

// Screen screens answers at now. It expects answers that pass Validate; a
// question it finds unanswered anyway counts as yes, and a missing or
// impossible date as the stricter reading, each with a cause saying so.
func (rs Rules) Screen(a Answers, now time.Time) Screening {
	s := Screening{Findings: []Finding{}}
	for _, r := range rs {
		cs := r.When(a, now)
		if len(cs) == 0 {
			continue
		}
		s.Findings = append(s.Findings, Finding{Rule: r.ID, Tier: r.Tier, Reason: r.Reason, Causes: dedupe(cs)})
		s.Tier = max(s.Tier, r.Tier)
	}
	slices.SortStableFunc(s.Findings, func(x, y Finding) int { return cmp.Compare(y.Tier, x.Tier) })
	return s
}

// Policy is what knead does with this client.
func (s Screening) Policy() TierPolicy { return s.Tier.Policy() }

// Bookable reports whether the client may book once c is recorded.
func (s Screening) Bookable(c Clearance) bool { return s.Tier.Bookable(c) }

// Message is what the client reads: the advice of the highest tier with
// the reasons at that tier.
func (s Screening) Message() string {
	p := s.Policy()
	if !strings.Contains(p.Advice, "%s") {
		return p.Advice
	}
	var reasons []string
	for _, f := range s.Findings {
		if f.Tier == s.Tier {
			reasons = append(reasons, f.Reason)
		}
	}
	return fmt.Sprintf(p.Advice, strings.Join(reasons, "; "))
}
