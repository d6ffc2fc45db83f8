package care

import (
	"cmp"
	"fmt"
	"slices"
)

// The rules of DOMAIN.md section 7, each a method of facts that returns what
// it found. Points follow one scale, so that a score reads as the weight of
// the evidence:
//
//	8  pain down the leg -> sciatica release: the most specific sign there is
//	7  an acute flare-up -> trigger point: the present state leads the program
//	4  a goal of relaxation or maintenance -> Swedish; athletic activity -> sports
//	3  the first modality a section 7 bullet names for its sign (2 the
//	   second); a goal of mobility -> Thai
//	2  a pattern by area (tech neck, lower back from sitting or lifting);
//	   mild to moderate pain -> Swedish; stress felt nowhere in particular
//	   -> Swedish
//	1  a painful region -> the modality Regions lists first for it; a
//	   secondary suit (Swedish beside cupping for circulation, hot stone
//	   beside Swedish for stress, deep tissue and myofascial release beside
//	   sciatica release, myofascial release beside Thai)
var rules = []func(*facts) []finding{
	(*facts).sciatica,
	(*facts).flareUp,
	(*facts).longTerm,
	(*facts).postureProblems,
	(*facts).reported,
	(*facts).stress,
	(*facts).tightness,
	(*facts).restricted,
	(*facts).painfulOnly,
	(*facts).techNeck,
	(*facts).lowerBackLoad,
	(*facts).mildToModerate,
	(*facts).goal,
	(*facts).regionSuits,
}

// facts is the input made ready for the rules, in a fixed order whatever
// the order of the answers.
type facts struct {
	report  Report
	spots   []PainSpot // in pain: top to bottom, then by side
	pain    int        // overall, 0-10
	factors map[Factor]bool
	posture []PostureFinding // in the order of Postures
	motion  []MotionTest     // in the order of Movements, then by side
}

func newFacts(in Input) *facts {
	f := &facts{report: in.Report, pain: in.Report.Overall(), factors: map[Factor]bool{}}
	for _, s := range in.Report.Pain {
		if s.Intensity > 0 {
			f.spots = append(f.spots, s)
		}
	}
	slices.SortFunc(f.spots, func(a, b PainSpot) int {
		return cmp.Or(cmp.Compare(regionRank(a.Region), regionRank(b.Region)), cmp.Compare(a.Side.rank(), b.Side.rank()))
	})
	for _, fc := range in.Report.Factors {
		f.factors[fc] = true
	}
	f.posture = slices.Clone(in.Assessment.Posture)
	slices.SortFunc(f.posture, func(a, b PostureFinding) int {
		return cmp.Compare(slices.Index(Postures, a.Kind), slices.Index(Postures, b.Kind))
	})
	f.motion = slices.Clone(in.Assessment.Motion)
	slices.SortFunc(f.motion, func(a, b MotionTest) int {
		return cmp.Or(cmp.Compare(slices.Index(Movements, a.Movement), slices.Index(Movements, b.Movement)), cmp.Compare(a.Side.rank(), b.Side.rank()))
	})
	return f
}

func (f *facts) findings() []finding {
	var found []finding
	for _, r := range rules {
		found = append(found, r(f)...)
	}
	return found
}

// filter returns the items keep keeps, in their order.
func filter[T any](items []T, keep func(T) bool) []T {
	var out []T
	for _, it := range items {
		if keep(it) {
			out = append(out, it)
		}
	}
	return out
}

// at returns the spots in pain in the regions.
func (f *facts) at(regions ...string) []PainSpot {
	return filter(f.spots, func(s PainSpot) bool { return slices.Contains(regions, s.Region) })
}

// said returns which of fs the client reported, in the order of Factors.
func (f *facts) said(fs ...Factor) []Factor {
	return filter(Factors, func(fc Factor) bool { return f.factors[fc] && slices.Contains(fs, fc) })
}

// seenOf returns the posture findings of the kinds.
func (f *facts) seenOf(kinds ...Posture) []PostureFinding {
	return filter(f.posture, func(p PostureFinding) bool { return slices.Contains(kinds, p.Kind) })
}

// tests returns the movement tests whose result is one of results.
func (f *facts) tests(results ...Result) []MotionTest {
	return filter(f.motion, func(m MotionTest) bool { return slices.Contains(results, m.Result) })
}

// painCause quotes the pain: "Pain in your neck (4/10)", or "Pain (6/10
// overall)" when the pain map is empty.
func (f *facts) painCause() string {
	switch {
	case len(f.spots) > 0:
		return capitalize(painAt(f.spots))
	case f.pain > 0:
		return fmt.Sprintf("Pain (%d/10 overall)", f.pain)
	}
	return "Pain"
}

// spotTargets are where to work for pain at the spots: the spot itself, but
// for pain down the leg its cause, the hip and glute on that side with the
// piriformis (DOMAIN.md section 7).
func spotTargets(spots []PainSpot) []Target {
	var ts []Target
	for _, s := range spots {
		t := Target{Region: s.Region, Side: s.Side}
		if s.Region == "leg-radiating" {
			t = Target{Region: "hips-glutes", Side: s.Side, Muscles: []string{Piriformis}}
		}
		ts = mergeTargets(ts, []Target{t})
	}
	return ts
}

func one(fd finding) []finding { return []finding{fd} }

func (f *facts) sciatica() []finding {
	legs := f.at("leg-radiating")
	if len(legs) == 0 {
		return nil
	}
	return one(finding{points: []points{{"sciatica-release", 8}, {"deep-tissue", 1}, {"myofascial-release", 1}}, targets: spotTargets(legs),
		reason: capitalize(painAt(legs)) + " points to the sciatic nerve: sciatica release works the hips, glutes and piriformis."})
}

func (f *facts) flareUp() []finding {
	if !f.report.Acute() {
		return nil
	}
	when := " " + lasting(f.report.PainDays)
	if f.report.FlareUp {
		when = " that flared up lately"
	}
	return one(finding{points: []points{{"trigger-point", 7}}, targets: spotTargets(f.spots),
		reason: f.painCause() + when + " is an acute flare-up: trigger point therapy eases it, as needed."})
}

func (f *facts) longTerm() []finding {
	if !f.report.Chronic() {
		return nil
	}
	return one(finding{points: []points{{"deep-tissue", 3}, {"myoskeletal-alignment", 2}}, targets: spotTargets(f.spots),
		reason: f.painCause() + " " + lasting(f.report.PainDays) + " is long-term pain: deep tissue and myoskeletal alignment work the deep layers and the old tension that hold it."})
}

// postureTargets are where each posture finding sends the work.
func postureTargets(p PostureFinding) []Target {
	switch p.Kind {
	case ShoulderHeight:
		return []Target{{Region: "shoulders", Side: p.Side}, {Region: "upper-back", Side: p.Side, Muscles: []string{Trapezius}}}
	case ForwardHead:
		return []Target{{Region: "neck"}, {Region: "upper-back", Muscles: []string{Trapezius, Rhomboids}}}
	case RoundedShoulders:
		return []Target{{Region: "shoulders", Side: p.Side}, {Region: "upper-back", Muscles: []string{Trapezius, Rhomboids}}}
	case UnevenHips:
		return []Target{{Region: "lower-back", Side: p.Side, Muscles: []string{QuadratusLumborum}}, {Region: "hips-glutes", Side: p.Side}}
	}
	return []Target{{Region: "lower-back", Muscles: []string{QuadratusLumborum}}}
}

func (f *facts) postureProblems() []finding {
	var causes []string
	var ts []Target
	if f.factors[FactorPoorPosture] {
		causes = append(causes, "you reported poor posture")
		ts = spotTargets(f.spots)
	}
	if len(f.posture) > 0 {
		var shown []string
		for _, p := range f.posture {
			shown = append(shown, seen(p))
			ts = mergeTargets(ts, postureTargets(p))
		}
		causes = append(causes, "the assessment shows "+joinAnd(shown))
	}
	if len(causes) == 0 {
		return nil
	}
	return one(finding{points: []points{{"myoskeletal-alignment", 3}, {"deep-tissue", 2}}, targets: ts,
		reason: capitalize(joinAnd(causes)) + ": posture problems that myoskeletal alignment and deep tissue correct by restoring muscle balance around the spine."})
}

func (f *facts) stress() []finding {
	if !f.factors[FactorStress] {
		return nil
	}
	upper := f.at("neck", "shoulders", "upper-back")
	if len(upper) == 0 {
		return one(finding{points: []points{{"swedish", 2}, {"hot-stone", 1}},
			reason: "You reported stress: Swedish massage relaxes, and hot stones ease stress held in the upper back and shoulders."})
	}
	return one(finding{points: []points{{"hot-stone", 3}, {"trigger-point", 2}}, targets: spotTargets(upper),
		reason: "Stress with " + painAt(upper) + ": stress held in the upper back and shoulders eases under the heat of hot stones and trigger point work on the knots."})
}

// byFactor are the rules one reported factor triggers on its own. Where
// targets is nil, the work goes where it hurts.
var byFactor = []struct {
	factor  Factor
	points  []points
	targets []Target
	why     string
}{
	{FactorOldInjury, []points{{"deep-tissue", 3}, {"myoskeletal-alignment", 2}}, nil,
		"deep tissue and myoskeletal alignment release the tension old injuries leave."},
	{FactorKnots, []points{{"trigger-point", 3}, {"hot-stone", 2}}, nil,
		"trigger point therapy releases them, and the heat of hot stones relaxes the tissue around them."},
	{FactorTensionHeadaches, []points{{"hot-stone", 3}, {"trigger-point", 2}},
		[]Target{{Region: "neck"}, {Region: "shoulders"}, {Region: "upper-back", Muscles: []string{Trapezius}}},
		"hot stone and trigger point work on the neck, shoulders and upper back eases them."},
	{FactorPoorCirculation, []points{{"cupping", 3}, {"swedish", 1}}, nil,
		"cupping lifts the tissue and improves blood flow, and Swedish massage helps circulation too."},
	{FactorScarTissue, []points{{"cupping", 3}, {"myofascial-release", 2}}, nil,
		"cupping lifts it and myofascial release loosens it."},
	{FactorAthletic, []points{{"sports", 4}}, nil,
		"sports massage works the strains of your sport and helps recovery."},
}

func (f *facts) reported() []finding {
	var found []finding
	for _, r := range byFactor {
		if !f.factors[r.factor] {
			continue
		}
		ts := r.targets
		if ts == nil {
			ts = spotTargets(f.spots)
		}
		found = append(found, finding{points: r.points, targets: ts, reason: "You reported " + factorWords[r.factor] + ": " + r.why})
	}
	return found
}

func (f *facts) tightness() []finding {
	said := f.said(FactorStiffness, FactorSpasm)
	if len(said) == 0 {
		return nil
	}
	return one(finding{points: []points{{"myofascial-release", 3}, {"cupping", 2}}, targets: spotTargets(f.spots),
		reason: "You reported " + factorsSaid(said) + ": myofascial release stretches the tight fascia, and cupping lifts stubborn tightness."})
}

// motionTargets are the regions the tests examined; the side of a spine
// test is the way it moved, not the side of a muscle, so only the arm
// raise keeps its side.
func motionTargets(tests []MotionTest) []Target {
	var ts []Target
	for _, m := range tests {
		t := Target{Region: m.Movement.region()}
		if m.Movement == ArmRaise {
			t.Side = m.Side
		}
		ts = mergeTargets(ts, []Target{t})
	}
	return ts
}

func testsShown(tests []MotionTest) string {
	words := make([]string, len(tests))
	for i, m := range tests {
		words[i] = tested(m)
	}
	return "The assessment shows " + joinAnd(words)
}

func (f *facts) restricted() []finding {
	tests := f.tests(Restricted, RestrictedPainful)
	if len(tests) == 0 {
		return nil
	}
	return one(finding{points: []points{{"myofascial-release", 3}, {"cupping", 2}}, targets: motionTargets(tests),
		reason: testsShown(tests) + ": restricted movement that myofascial release and cupping free up."})
}

func (f *facts) painfulOnly() []finding {
	tests := f.tests(Painful)
	if len(tests) == 0 {
		return nil
	}
	return one(finding{points: []points{{"trigger-point", 2}}, targets: motionTargets(tests),
		reason: testsShown(tests) + ": localized pain that trigger point therapy treats at its source."})
}

// techNeck is the upper back from desk and phone (DOMAIN.md sections 3 and
// 7): screens, with pain in the neck, shoulders or upper back or the head
// and shoulders drawn forward.
func (f *facts) techNeck() []finding {
	screens := f.said(FactorDeskWork, FactorPhoneUse)
	upper := f.at("neck", "shoulders", "upper-back")
	drawn := f.seenOf(ForwardHead, RoundedShoulders)
	if len(screens) == 0 || len(upper)+len(drawn) == 0 {
		return nil
	}
	var with []string
	if len(upper) > 0 {
		with = append(with, painAt(upper))
	}
	for _, p := range drawn {
		with = append(with, map[Posture]string{ForwardHead: "the head held forward", RoundedShoulders: "rounded shoulders"}[p.Kind])
	}
	side := SideNone
	if ub := f.at("upper-back"); len(ub) == 1 {
		side = ub[0].Side
	}
	ts := mergeTargets(spotTargets(upper), []Target{{Region: "upper-back", Side: side, Muscles: []string{Trapezius, Rhomboids}}})
	return one(finding{points: []points{{"deep-tissue", 2}, {"trigger-point", 2}}, targets: ts, zone: []string{"neck", "shoulders", "upper-back"},
		reason: capitalize(factorsSaid(screens)) + " with " + joinAnd(with) + ": the tech neck pattern, so the trapezius and rhomboids of the upper back are worked, with ergonomic aftercare."})
}

// lowerBackLoad is the lower back from sitting or lifting (DOMAIN.md
// sections 3 and 7): the quadratus lumborum, and the hips and glutes too.
func (f *facts) lowerBackLoad() []finding {
	loads := f.said(FactorLongSitting, FactorDeskWork, FactorDriving, FactorLifting)
	low := f.at("lower-back")
	if len(loads) == 0 || len(low) == 0 {
		return nil
	}
	var ts []Target
	for _, s := range low {
		ts = mergeTargets(ts, []Target{{Region: "lower-back", Side: s.Side, Muscles: []string{QuadratusLumborum}}, {Region: "hips-glutes", Side: s.Side}})
	}
	return one(finding{points: []points{{"deep-tissue", 2}, {"myofascial-release", 1}}, targets: ts, zone: []string{"lower-back"},
		reason: capitalize(factorsSaid(loads)) + " with " + painAt(low) + ": the quadratus lumborum is worked, and the hips and glutes too, since tight hips and inactive glutes pull on the lower back."})
}

func (f *facts) mildToModerate() []finding {
	if f.pain < 1 || f.pain > MaxModeratePain {
		return nil
	}
	return one(finding{points: []points{{"swedish", 2}}, targets: spotTargets(f.spots),
		reason: fmt.Sprintf("Your pain is mild to moderate (%d/10): Swedish massage eases it gently.", f.pain)})
}

func (f *facts) goal() []finding {
	switch f.report.Goal {
	case GoalRelaxation:
		return one(finding{points: []points{{"swedish", 4}}, targets: spotTargets(f.spots),
			reason: "Your goal is relaxation: Swedish massage is made for it."})
	case GoalMaintenance:
		return one(finding{points: []points{{"swedish", 4}}, targets: spotTargets(f.spots),
			reason: "Your goal is maintenance: regular Swedish massage keeps the flexibility and range of motion gained."})
	case GoalMobility:
		return one(finding{points: []points{{"thai", 3}, {"myofascial-release", 1}}, targets: spotTargets(f.spots),
			reason: "Your goal is mobility: Thai massage stretches you, assisted, and myofascial release frees tight fascia."})
	}
	return nil
}

// regionSuits gives a point, for each painful region, to the modality
// Regions lists first for it. Pain down the leg has its own rule.
func (f *facts) regionSuits() []finding {
	var found []finding
	for _, r := range Regions {
		spots := f.at(r.Slug)
		if len(spots) == 0 || r.Slug == "leg-radiating" {
			continue
		}
		found = append(found, finding{points: []points{{r.Modalities[0], 1}}, targets: spotTargets(spots),
			reason: capitalize(painAt(spots)) + ": " + named(r.Modalities[0]) + " suits this area first."})
	}
	return found
}
