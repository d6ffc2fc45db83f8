package care

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// Helpers that keep the table readable.

func spot(region string, side Side, n int) PainSpot {
	return PainSpot{Region: region, Side: side, Intensity: n}
}

func pain(spots ...PainSpot) []PainSpot { return spots }

func factors(fs ...Factor) []Factor { return fs }

func sees(kind Posture, side Side) PostureFinding { return PostureFinding{Kind: kind, Side: side} }

func tests(ms ...MotionTest) []MotionTest { return ms }

func move(m Movement, side Side, r Result) MotionTest {
	return MotionTest{Movement: m, Side: side, Result: r}
}

func set(slugs ...string) map[string]bool {
	m := map[string]bool{}
	for _, s := range slugs {
		m[s] = true
	}
	return m
}

// deepWork is what anticoagulants or severe osteoporosis rule out
// (DOMAIN.md section 5).
var deepWork = set("deep-tissue", "trigger-point", "myofascial-release", "myoskeletal-alignment", "cupping")

// targetKey renders a target as "region/side:muscle+muscle" for the table.
func targetKey(t Target) string {
	s := t.Region
	if t.Side != SideNone {
		s += "/" + string(t.Side)
	}
	if len(t.Muscles) > 0 {
		s += ":" + strings.Join(t.Muscles, "+")
	}
	return s
}

func suggested(rec Recommendation, slug string) (Suggestion, bool) {
	for _, s := range rec.Modalities {
		if s.Modality == slug {
			return s, true
		}
	}
	return Suggestion{}, false
}

func slugs(rec Recommendation) []string {
	out := make([]string, len(rec.Modalities))
	for i, s := range rec.Modalities {
		out[i] = s.Modality
	}
	return out
}

type recCase struct {
	name string
	in   Input

	top     string    // the first modality
	freq    Frequency // the first modality's program
	with    []string  // also suggested
	without []string  // never suggested
	// targets the first modality must work, as targetKey renders them
	targets []string
	// quotes: words the first modality's reasons must contain (the
	// answers that caused them)
	quotes []string
	// freqOf: programs of other suggested modalities
	freqOf map[string]Frequency
	refer  bool
	// aftercare and notes must contain these words (an empty string in
	// noAftercare asserts there is no aftercare at all)
	aftercare   []string
	noAftercare []string
	notes       []string
	skipped     []string // in ranking order
}

// Cases written from DOMAIN.md section 7, bullet by bullet, with variations
// in region, side, intensity, duration, findings and what can be given.
var recCases = []recCase{
	// Chronic deep stiffness, long-term pain, old injuries, posture
	// problems: deep tissue and myoskeletal alignment.
	{name: "chronic lower back", in: Input{Report: Report{Pain: pain(spot("lower-back", SideNone, 6)), PainDays: 140}},
		top: "deep-tissue", freq: OnceOrTwiceAMonth, with: []string{"myoskeletal-alignment", "swedish"},
		targets: []string{"lower-back"}, quotes: []string{"lower back (6/10) for 20 weeks is long-term"}},
	{name: "chronic mid back for years, severe", in: Input{Report: Report{Pain: pain(spot("mid-back", SideNone, 7)), PainDays: 3 * 365}},
		top: "deep-tissue", freq: OnceOrTwiceAMonth, with: []string{"myoskeletal-alignment"}, without: []string{"swedish", "trigger-point"},
		targets: []string{"mid-back"}, quotes: []string{"mid back (7/10) for 3 years"}},
	{name: "chronic from exactly 12 weeks, left neck", in: Input{Report: Report{Pain: pain(spot("neck", SideLeft, 5)), PainDays: ChronicFromDays}},
		top: "deep-tissue", freq: OnceOrTwiceAMonth, with: []string{"myoskeletal-alignment", "swedish", "trigger-point"},
		targets: []string{"neck/left"}, quotes: []string{"the left side of your neck (5/10) for 12 weeks"},
		freqOf: map[string]Frequency{"trigger-point": AtLeastMonthly, "swedish": WeeklyOrBiweekly}},
	{name: "one day short of chronic is not long-term", in: Input{Report: Report{Pain: pain(spot("lower-back", SideNone, 5)), PainDays: ChronicFromDays - 1}},
		top: "swedish", freq: WeeklyOrBiweekly, with: []string{"deep-tissue"}, without: []string{"myoskeletal-alignment", "trigger-point"},
		freqOf: map[string]Frequency{"deep-tissue": AtLeastMonthly}, quotes: []string{"mild to moderate (5/10)"}},
	{name: "old injury", in: Input{Report: Report{Pain: pain(spot("mid-back", SideRight, 4)), Factors: factors(FactorOldInjury)}},
		top: "deep-tissue", freq: OnceOrTwiceAMonth, with: []string{"myoskeletal-alignment"},
		targets: []string{"mid-back/right"}, quotes: []string{"old injury"}},
	{name: "posture findings alone: high right shoulder, rounded shoulders", in: Input{Assessment: Assessment{Posture: []PostureFinding{
		sees(ShoulderHeight, SideRight), sees(RoundedShoulders, SideBoth)}}},
		top: "myoskeletal-alignment", freq: AtLeastMonthly, with: []string{"deep-tissue"}, without: []string{"swedish"},
		targets: []string{"shoulders/both", "shoulders/right", "upper-back:trapezius+rhomboids", "upper-back/right:trapezius"},
		quotes:  []string{"the right shoulder sits higher than the left", "shoulders are rounded forward"}},
	{name: "uneven hips with chronic lower back", in: Input{Report: Report{Pain: pain(spot("lower-back", SideLeft, 6)), PainDays: 200},
		Assessment: Assessment{Posture: []PostureFinding{sees(UnevenHips, SideLeft)}}},
		top: "deep-tissue", freq: OnceOrTwiceAMonth, with: []string{"myoskeletal-alignment"},
		targets: []string{"lower-back/left:quadratus lumborum", "hips-glutes/left"},
		quotes:  []string{"the left hip sits higher than the right", "for 28 weeks"}},
	{name: "reported poor posture, upper back", in: Input{Report: Report{Pain: pain(spot("upper-back", SideNone, 5)), Factors: factors(FactorPoorPosture)}},
		top: "myoskeletal-alignment", with: []string{"deep-tissue", "trigger-point", "swedish"},
		targets: []string{"upper-back"}, quotes: []string{"You reported poor posture"}},
	{name: "chronic, deep work contraindicated: Swedish with the word on safety", in: Input{
		Report:          Report{Pain: pain(spot("lower-back", SideNone, 6)), PainDays: 150},
		Contraindicated: deepWork},
		top: "swedish", freq: WeeklyOrBiweekly, without: []string{"deep-tissue", "myoskeletal-alignment"},
		quotes:  []string{"Deep tissue massage matched better but is contraindicated", "safety"},
		notes:   []string{"Myoskeletal alignment also matched but is contraindicated"},
		skipped: []string{"deep-tissue", "myoskeletal-alignment"}},
	{name: "chronic, deep tissue not offered", in: Input{
		Report:  Report{Pain: pain(spot("lower-back", SideRight, 8)), PainDays: 365},
		Offered: set("swedish", "myoskeletal-alignment", "hot-stone")},
		top: "myoskeletal-alignment", without: []string{"deep-tissue"},
		quotes: []string{"the clinic does not offer it", "for 52 weeks"}, skipped: []string{"deep-tissue"}},

	// Stress in the upper back and shoulders, knots, tension headaches:
	// hot stone, trigger point.
	{name: "stress in both shoulders", in: Input{Report: Report{Pain: pain(spot("shoulders", SideBoth, 5)), Factors: factors(FactorStress)}},
		top: "hot-stone", with: []string{"trigger-point", "swedish"}, targets: []string{"shoulders/both"},
		quotes: []string{"Stress with pain in your shoulders (5/10)"}},
	{name: "stress in the upper back: tie broken by the strongest reason", in: Input{Report: Report{Pain: pain(spot("upper-back", SideLeft, 7)), Factors: factors(FactorStress)}},
		top: "hot-stone", with: []string{"trigger-point"}, without: []string{"swedish"},
		targets: []string{"upper-back/left"}, quotes: []string{"the left side of your upper back (7/10)"}},
	{name: "knots in the neck", in: Input{Report: Report{Pain: pain(spot("neck", SideRight, 6)), Factors: factors(FactorKnots)}},
		top: "trigger-point", freq: AtLeastMonthly, with: []string{"hot-stone", "swedish"},
		targets: []string{"neck/right"}, quotes: []string{"muscle knots"}},
	{name: "tension headaches without a pain map", in: Input{Report: Report{NPRS: 5, Factors: factors(FactorTensionHeadaches)}},
		top: "hot-stone", with: []string{"trigger-point", "swedish"},
		targets: []string{"neck", "shoulders", "upper-back:trapezius"}, quotes: []string{"tension headaches"}},
	{name: "tension headaches, hot stone contraindicated (blood pressure)", in: Input{
		Report:          Report{Pain: pain(spot("neck", SideNone, 4)), Factors: factors(FactorTensionHeadaches)},
		Contraindicated: set("hot-stone")},
		top: "trigger-point", without: []string{"hot-stone"},
		quotes: []string{"Hot stone massage matched better but is contraindicated", "tension headaches"}, skipped: []string{"hot-stone"}},
	{name: "stress without upper body pain", in: Input{Report: Report{Factors: factors(FactorStress)}},
		top: "swedish", freq: WeeklyOrBiweekly, with: []string{"hot-stone"}, without: []string{"trigger-point"},
		quotes: []string{"You reported stress"}},
	{name: "knots: trigger point contraindicated, hot stone not offered", in: Input{
		Report:          Report{Pain: pain(spot("neck", SideNone, 6)), Factors: factors(FactorKnots)},
		Contraindicated: set("trigger-point"), Offered: set("swedish", "deep-tissue", "trigger-point")},
		top: "swedish", without: []string{"trigger-point", "hot-stone"},
		quotes:  []string{"Trigger point therapy matched better but is contraindicated"},
		notes:   []string{"Hot stone massage also matched but the clinic does not offer it"},
		skipped: []string{"trigger-point", "hot-stone"}},

	// Stubborn tightness, poor circulation, restricted movement, scar
	// tissue: cupping, myofascial release.
	{name: "stiffness in the mid back", in: Input{Report: Report{Pain: pain(spot("mid-back", SideNone, 5)), Factors: factors(FactorStiffness)}},
		top: "myofascial-release", with: []string{"cupping", "deep-tissue"}, targets: []string{"mid-back"},
		quotes: []string{"You reported stiffness"}},
	{name: "poor circulation", in: Input{Report: Report{Factors: factors(FactorPoorCirculation)}},
		top: "cupping", with: []string{"swedish"}, quotes: []string{"poor circulation"}},
	{name: "scar tissue in the lower back", in: Input{Report: Report{Pain: pain(spot("lower-back", SideRight, 4)), Factors: factors(FactorScarTissue)}},
		top: "cupping", with: []string{"myofascial-release", "swedish", "deep-tissue"},
		targets: []string{"lower-back/right"}, quotes: []string{"scar tissue"}},
	{name: "restricted lumbar flexion found", in: Input{Assessment: Assessment{Motion: tests(move(LumbarFlexion, SideNone, Restricted))}},
		top: "myofascial-release", with: []string{"cupping"}, without: []string{"swedish"},
		targets: []string{"lower-back"}, quotes: []string{"lumbar flexion is restricted"}},
	{name: "restricted right arm raise and left neck rotation", in: Input{Assessment: Assessment{Motion: tests(
		move(ArmRaise, SideRight, Restricted), move(CervicalRotation, SideLeft, Restricted), move(LumbarFlexion, SideNone, Normal))}},
		top: "myofascial-release", with: []string{"cupping"}, targets: []string{"neck", "shoulders/right"},
		quotes: []string{"cervical rotation to the left is restricted", "arm raise on the right is restricted"}},
	{name: "scar tissue with a pacemaker: no cupping", in: Input{
		Report:          Report{Pain: pain(spot("mid-back", SideNone, 7)), Factors: factors(FactorScarTissue)},
		Contraindicated: set("cupping")},
		top: "myofascial-release", without: []string{"cupping"},
		quotes: []string{"Cupping matched better but is contraindicated", "scar tissue"}, skipped: []string{"cupping"}},
	{name: "spasm", in: Input{Report: Report{Pain: pain(spot("lower-back", SideLeft, 7)), Factors: factors(FactorSpasm)}},
		top: "myofascial-release", with: []string{"cupping"}, quotes: []string{"muscle spasm"}},
	{name: "a painful, not restricted, movement is local pain", in: Input{Assessment: Assessment{Motion: tests(move(ArmRaise, SideLeft, Painful))}},
		top: "trigger-point", without: []string{"myofascial-release", "cupping"},
		targets: []string{"shoulders/left"}, quotes: []string{"arm raise on the left is painful"}},

	// Pain travelling down the leg: sciatica release (hips, glutes,
	// piriformis).
	{name: "sciatica left", in: Input{Report: Report{Pain: pain(spot("leg-radiating", SideLeft, 7))}},
		top: "sciatica-release", freq: AtLeastMonthly, targets: []string{"hips-glutes/left:piriformis"},
		quotes: []string{"Pain travelling down your left leg (7/10) points to the sciatic nerve: sciatica release works the hips, glutes and piriformis."}},
	{name: "sciatica right with chronic sitting lower back", in: Input{Report: Report{
		Pain: pain(spot("lower-back", SideNone, 5), spot("leg-radiating", SideRight, 4)), PainDays: 182, Factors: factors(FactorLongSitting)}},
		top: "sciatica-release", with: []string{"deep-tissue", "myoskeletal-alignment"},
		targets: []string{"hips-glutes/right:piriformis"}, quotes: []string{"down your right leg (4/10)"},
		freqOf: map[string]Frequency{"deep-tissue": OnceOrTwiceAMonth}},
	{name: "pain down both legs: a red flag note", in: Input{Report: Report{Pain: pain(spot("leg-radiating", SideBoth, 8))}},
		top: "sciatica-release", targets: []string{"hips-glutes/both:piriformis"}, quotes: []string{"down both legs (8/10)"},
		notes: []string{"both legs", "red flag"}},
	{name: "pain down the left and the right leg: a red flag note", in: Input{Report: Report{Pain: pain(spot("leg-radiating", SideLeft, 5), spot("leg-radiating", SideRight, 6))}},
		top: "sciatica-release", targets: []string{"hips-glutes/left:piriformis", "hips-glutes/right:piriformis"},
		notes: []string{"bilateral sciatica"}},
	{name: "sciatica release not offered", in: Input{Report: Report{Pain: pain(spot("leg-radiating", SideLeft, 6))},
		Offered: set("swedish", "deep-tissue", "myofascial-release")},
		top: "swedish", with: []string{"deep-tissue", "myofascial-release"}, without: []string{"sciatica-release"},
		quotes: []string{"Sciatica release matched better but the clinic does not offer it"}, skipped: []string{"sciatica-release"}},
	{name: "sciatica in a flare-up", in: Input{Report: Report{Pain: pain(spot("leg-radiating", SideRight, 8)), PainDays: 10}},
		top: "sciatica-release", with: []string{"trigger-point"}, freqOf: map[string]Frequency{"trigger-point": AsNeeded}},

	// The upper back from desk and phone ("tech neck"): trapezius and
	// rhomboids; ergonomic aftercare.
	{name: "desk work, upper back", in: Input{Report: Report{Pain: pain(spot("upper-back", SideNone, 6)), Factors: factors(FactorDeskWork)}},
		top: "trigger-point", with: []string{"deep-tissue", "swedish"},
		targets: []string{"upper-back:trapezius+rhomboids"}, quotes: []string{"Desk work with pain in your upper back (6/10)", "tech neck"},
		aftercare: []string{"screen at eye level", "chair", "phone"}},
	{name: "phone use, right neck, head forward", in: Input{Report: Report{Pain: pain(spot("neck", SideRight, 5)), Factors: factors(FactorPhoneUse)},
		Assessment: Assessment{Posture: []PostureFinding{sees(ForwardHead, SideNone)}}},
		top: "deep-tissue", with: []string{"myoskeletal-alignment", "trigger-point"},
		targets:   []string{"neck", "neck/right", "upper-back:trapezius+rhomboids"},
		quotes:    []string{"Phone use with pain in the right side of your neck (5/10) and the head held forward"},
		aftercare: []string{"screen at eye level"}},
	{name: "desk work and the left shoulder: every suggestion works the trapezius and rhomboids", in: Input{
		Report: Report{Pain: pain(spot("shoulders", SideLeft, 3)), Factors: factors(FactorDeskWork, FactorPhoneUse)}},
		top: "swedish", with: []string{"deep-tissue", "trigger-point", "hot-stone"},
		targets: []string{"shoulders/left", "upper-back:trapezius+rhomboids"}, quotes: []string{"Desk work and phone use", "tech neck"},
		aftercare: []string{"phone up"}},
	{name: "desk work with a lower back only is not tech neck", in: Input{Report: Report{Pain: pain(spot("lower-back", SideNone, 5)), Factors: factors(FactorDeskWork)}},
		top: "deep-tissue", aftercare: []string{"Break up long sitting"}, noAftercare: []string{"screen at eye level"}},
	{name: "phone use alone is not tech neck", in: Input{Report: Report{Factors: factors(FactorPhoneUse)}},
		top: "swedish", quotes: []string{"gentle default"}, noAftercare: []string{""}},

	// The lower back from sitting or lifting: quadratus lumborum, and the
	// hips and glutes too.
	{name: "long sitting, subacute lower back", in: Input{Report: Report{Pain: pain(spot("lower-back", SideNone, 5)), PainDays: 8 * 7, Factors: factors(FactorLongSitting)}},
		top: "deep-tissue", freq: AtLeastMonthly, with: []string{"myofascial-release", "swedish"},
		targets: []string{"lower-back:quadratus lumborum", "hips-glutes"}, quotes: []string{"Long hours of sitting with pain in your lower back (5/10)"},
		aftercare: []string{"Break up long sitting"}},
	{name: "lifting, acute right lower back", in: Input{Report: Report{Pain: pain(spot("lower-back", SideRight, 7)), PainDays: 21, Factors: factors(FactorLifting)}},
		top: "trigger-point", freq: AsNeeded, with: []string{"deep-tissue"},
		targets: []string{"lower-back/right:quadratus lumborum", "hips-glutes/right"}, quotes: []string{"for 3 weeks is an acute flare-up", "Lifting with pain"},
		noAftercare: []string{""}},
	{name: "long drives, chronic lower back", in: Input{Report: Report{Pain: pain(spot("lower-back", SideBoth, 6)), PainDays: 400, Factors: factors(FactorDriving)}},
		top: "deep-tissue", freq: OnceOrTwiceAMonth, targets: []string{"lower-back/both:quadratus lumborum", "hips-glutes/both"},
		quotes: []string{"Long drives with pain on both sides of your lower back (6/10)"}},
	{name: "lifting, trigger point contraindicated", in: Input{Report: Report{Pain: pain(spot("lower-back", SideLeft, 6)), PainDays: 7, Factors: factors(FactorLifting)},
		Contraindicated: set("trigger-point")},
		top: "deep-tissue", without: []string{"trigger-point"}, targets: []string{"lower-back/left:quadratus lumborum", "hips-glutes/left"},
		quotes: []string{"Trigger point therapy matched better but is contraindicated", "Lifting"}},

	// Mild to moderate pain, relaxation, maintenance: Swedish.
	{name: "relaxation", in: Input{Report: Report{Goal: GoalRelaxation}},
		top: "swedish", freq: WeeklyOrBiweekly, quotes: []string{"relaxation"}},
	{name: "maintenance with chronic mild lower back", in: Input{Report: Report{Pain: pain(spot("lower-back", SideNone, 4)), PainDays: 300, Goal: GoalMaintenance}},
		top: "swedish", freq: WeeklyOrBiweekly, with: []string{"deep-tissue"}, quotes: []string{"maintenance", "mild to moderate (4/10)"},
		freqOf: map[string]Frequency{"deep-tissue": OnceOrTwiceAMonth}},
	{name: "mild pain", in: Input{Report: Report{Pain: pain(spot("lower-back", SideNone, 3)), NPRS: 3}},
		top: "swedish", with: []string{"deep-tissue"}, quotes: []string{"mild to moderate (3/10)"}},
	{name: "severe pain is not for Swedish alone", in: Input{Report: Report{Pain: pain(spot("mid-back", SideNone, 9))}},
		top: "deep-tissue", freq: AtLeastMonthly, without: []string{"swedish"}, quotes: []string{"mid back (9/10)"}},
	{name: "NPRS wins over the spots", in: Input{Report: Report{Pain: pain(spot("mid-back", SideNone, 9)), NPRS: 5}},
		top: "swedish", quotes: []string{"(5/10)"}},

	// Acute flare-up: trigger point as needed.
	{name: "acute lower back, 5 days", in: Input{Report: Report{Pain: pain(spot("lower-back", SideNone, 8)), PainDays: 5}},
		top: "trigger-point", freq: AsNeeded, targets: []string{"lower-back"}, quotes: []string{"for 5 days is an acute flare-up"}},
	{name: "flare-up of chronic neck pain", in: Input{Report: Report{Pain: pain(spot("neck", SideNone, 6)), PainDays: 400, FlareUp: true}},
		top: "trigger-point", freq: AsNeeded, with: []string{"deep-tissue", "myoskeletal-alignment"},
		quotes: []string{"that flared up lately"}, freqOf: map[string]Frequency{"deep-tissue": OnceOrTwiceAMonth}},
	{name: "41 days is still acute", in: Input{Report: Report{Pain: pain(spot("mid-back", SideLeft, 5)), PainDays: AcuteBeforeDays - 1}},
		top: "trigger-point", freq: AsNeeded, quotes: []string{"for 5 weeks"}},
	{name: "6 weeks is no longer acute", in: Input{Report: Report{Pain: pain(spot("mid-back", SideLeft, 5)), PainDays: AcuteBeforeDays}},
		top: "swedish", without: []string{"trigger-point"}},
	{name: "acute, trigger point not offered", in: Input{Report: Report{Pain: pain(spot("hips-glutes", SideRight, 6)), PainDays: 3},
		Offered: set("swedish", "sciatica-release", "deep-tissue")},
		top: "swedish", with: []string{"sciatica-release"}, without: []string{"trigger-point"},
		quotes: []string{"Trigger point therapy matched better but the clinic does not offer it"}},

	// A skeletal or joint cause: refer to chiropractic or physiotherapy.
	{name: "lumbar joint pattern: refer", in: Input{Report: Report{Pain: pain(spot("lower-back", SideNone, 7)), PainDays: 100},
		Assessment: Assessment{Posture: []PostureFinding{sees(LateralShift, SideRight)}, Motion: tests(
			move(LumbarExtension, SideNone, RestrictedPainful), move(LumbarSideBend, SideLeft, RestrictedPainful))}},
		top: "deep-tissue", refer: true, quotes: []string{"Beside the referral, not the main treatment"}},
	{name: "extension and side bend without a shift: no referral", in: Input{Report: Report{Pain: pain(spot("lower-back", SideNone, 7))},
		Assessment: Assessment{Motion: tests(move(LumbarExtension, SideNone, RestrictedPainful), move(LumbarSideBend, SideRight, RestrictedPainful))}},
		top: "myofascial-release", refer: false},
	{name: "painful but not restricted extension: no referral", in: Input{
		Assessment: Assessment{Posture: []PostureFinding{sees(LateralShift, SideLeft)}, Motion: tests(
			move(LumbarExtension, SideNone, Painful), move(LumbarSideBend, SideLeft, RestrictedPainful))}},
		top: "myofascial-release", with: []string{"myoskeletal-alignment"}, refer: false},
	{name: "neck locking with a restricted, painful rotation: refer", in: Input{Report: Report{Pain: pain(spot("neck", SideLeft, 6)), Factors: factors(FactorJointLocking)},
		Assessment: Assessment{Motion: tests(move(CervicalRotation, SideLeft, RestrictedPainful))}},
		top: "myofascial-release", refer: true, quotes: []string{"Beside the referral"}},
	{name: "locking alone: a note, no referral", in: Input{Report: Report{Pain: pain(spot("lower-back", SideNone, 5)), Factors: factors(FactorJointLocking)}},
		top: "swedish", refer: false, notes: []string{"locking or catching", "test lumbar and cervical range of motion"}},

	// Beyond the bullets: sports, mobility, what the clinic sells.
	{name: "athlete with a sore lower back", in: Input{Report: Report{Pain: pain(spot("lower-back", SideNone, 4)), Factors: factors(FactorAthletic)}},
		top: "sports", with: []string{"swedish", "deep-tissue"}, quotes: []string{"athletic activity"}},
	{name: "mobility", in: Input{Report: Report{Goal: GoalMobility}},
		top: "thai", with: []string{"myofascial-release"}, quotes: []string{"mobility"}},
	{name: "a clinic that sells only Swedish", in: Input{Report: Report{Pain: pain(spot("upper-back", SideNone, 6), spot("leg-radiating", SideLeft, 5)),
		PainDays: 200, Factors: factors(FactorDeskWork, FactorStress, FactorKnots)}, Offered: set("swedish")},
		top: "swedish", without: []string{"deep-tissue", "trigger-point", "hot-stone", "sciatica-release"},
		targets: []string{"hips-glutes/left:piriformis", "upper-back:trapezius+rhomboids"},
		quotes:  []string{"Sciatica release matched better but the clinic does not offer it"}},
	{name: "nothing that matches is sold: the gentle default", in: Input{Report: Report{Pain: pain(spot("leg-radiating", SideRight, 8))},
		Offered: set("swedish", "thai")},
		top: "swedish", freq: WeeklyOrBiweekly, targets: []string{"hips-glutes/right:piriformis"},
		quotes:  []string{"Sciatica release matched better but the clinic does not offer it", "What matches better cannot be given here"},
		skipped: []string{"sciatica-release", "deep-tissue", "myofascial-release"}},
	{name: "everything contraindicated (fever): nothing, and why", in: Input{Report: Report{Pain: pain(spot("lower-back", SideNone, 5)), Goal: GoalRelaxation},
		Contraindicated: set(allSlugs()...)},
		notes: []string{"Swedish massage also matched but is contraindicated", "Deep tissue massage also matched"}},
}

func allSlugs() []string {
	out := make([]string, len(Modalities))
	for i, m := range Modalities {
		out[i] = m.Slug
	}
	return out
}

func TestRecommendTable(t *testing.T) {
	if len(recCases) < 40 {
		t.Fatalf("only %d cases", len(recCases))
	}
	for _, tc := range recCases {
		t.Run(tc.name, func(t *testing.T) {
			rec, err := Recommend(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			var top Suggestion
			if len(rec.Modalities) > 0 {
				top = rec.Modalities[0]
			}
			if top.Modality != tc.top {
				t.Errorf("top = %s, want %s; ranking %v", top.Modality, tc.top, scored(rec))
			}
			if tc.freq != "" && top.Frequency != tc.freq {
				t.Errorf("top frequency = %s, want %s", top.Frequency, tc.freq)
			}
			for slug, want := range tc.freqOf {
				if s, ok := suggested(rec, slug); !ok || s.Frequency != want {
					t.Errorf("%s frequency = %q (suggested %v), want %s", slug, s.Frequency, ok, want)
				}
			}
			for _, slug := range tc.with {
				if _, ok := suggested(rec, slug); !ok {
					t.Errorf("%s not suggested; got %v", slug, scored(rec))
				}
			}
			for _, slug := range tc.without {
				if _, ok := suggested(rec, slug); ok {
					t.Errorf("%s suggested; got %v", slug, scored(rec))
				}
			}
			var got []string
			for _, tg := range top.Targets {
				got = append(got, targetKey(tg))
			}
			for _, want := range tc.targets {
				if !slices.Contains(got, want) {
					t.Errorf("top targets %q lack %q", got, want)
				}
			}
			reasons := strings.Join(top.Reasons, "\n")
			for _, q := range tc.quotes {
				if !strings.Contains(reasons, q) {
					t.Errorf("top reasons lack %q:\n%s", q, reasons)
				}
			}
			if refers := len(rec.Referral.To) > 0; refers != tc.refer {
				t.Errorf("referral = %v, want %v: %q", rec.Referral.To, tc.refer, rec.Referral.Reasons)
			}
			after := strings.Join(rec.Aftercare, "\n")
			for _, w := range tc.aftercare {
				if !strings.Contains(after, w) {
					t.Errorf("aftercare lacks %q: %q", w, rec.Aftercare)
				}
			}
			for _, w := range tc.noAftercare {
				if (w == "" && len(rec.Aftercare) > 0) || (w != "" && strings.Contains(after, w)) {
					t.Errorf("aftercare has %q: %q", w, rec.Aftercare)
				}
			}
			notes := strings.Join(rec.Notes, "\n")
			for _, w := range tc.notes {
				if !strings.Contains(notes, w) {
					t.Errorf("notes lack %q: %q", w, rec.Notes)
				}
			}
			if tc.skipped != nil {
				var skipped []string
				for _, s := range rec.Skipped {
					skipped = append(skipped, s.Modality)
				}
				if !slices.Equal(skipped, tc.skipped) {
					t.Errorf("skipped %v, want %v", skipped, tc.skipped)
				}
			}
			checkWellFormed(t, tc.in, rec)
		})
	}
}

func scored(rec Recommendation) []string {
	out := make([]string, len(rec.Modalities))
	for i, s := range rec.Modalities {
		out[i] = fmt.Sprintf("%s=%d", s.Modality, s.Score)
	}
	return out
}

// checkWellFormed asserts what holds for every recommendation: nothing
// contraindicated or unoffered, each modality once, known slugs and regions,
// a program and at least one reason each, scores best first.
func checkWellFormed(t *testing.T, in Input, rec Recommendation) {
	t.Helper()
	seen := map[string]bool{}
	for i, s := range rec.Modalities {
		if in.Contraindicated[s.Modality] {
			t.Errorf("contraindicated %s suggested", s.Modality)
		}
		if in.Offered != nil && !in.Offered[s.Modality] {
			t.Errorf("unoffered %s suggested", s.Modality)
		}
		if _, ok := ModalityOf(s.Modality); !ok || seen[s.Modality] {
			t.Errorf("unknown or repeated modality %q", s.Modality)
		}
		seen[s.Modality] = true
		if len(s.Reasons) == 0 || s.Frequency == "" {
			t.Errorf("%s without reasons or program: %+v", s.Modality, s)
		}
		if i > 0 && s.Score > rec.Modalities[i-1].Score {
			t.Errorf("%s (%d) ranked below %s (%d)", s.Modality, s.Score, rec.Modalities[i-1].Modality, rec.Modalities[i-1].Score)
		}
		for _, tg := range s.Targets {
			if _, ok := RegionOf(tg.Region); !ok {
				t.Errorf("%s targets unknown region %q", s.Modality, tg.Region)
			}
		}
	}
}
