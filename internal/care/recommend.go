package care

import (
	"cmp"
	"slices"

	"knead/internal/clinic"
)

// Input is everything a recommendation is made from.
type Input struct {
	Report     Report
	Assessment Assessment
	// Contraindicated are the modalities this client must not have, as
	// intake's screening decided (DOMAIN.md section 5). Nil: none.
	Contraindicated map[string]bool
	// Offered are the modalities the clinic sells. Nil: every modality,
	// as when knead explains the pain map to the public; an empty map
	// offers none.
	Offered map[string]bool
}

// Recommendation is what knead suggests to the therapist: modalities best
// first, a referral when the cause looks like a joint rather than muscle,
// aftercare to give the client, and notes for the therapist.
type Recommendation struct {
	Modalities []Suggestion `json:"modalities"`
	Referral   Referral     `json:"referral"`
	Aftercare  []string     `json:"aftercare,omitempty"`
	// Skipped are the modalities that matched but cannot be suggested,
	// in the order they would have ranked.
	Skipped []Skipped `json:"skipped,omitempty"`
	Notes   []string  `json:"notes,omitempty"`
}

// Suggestion is one recommended modality.
type Suggestion struct {
	Modality  string    `json:"modality"` // a slug of clinic.Modalities
	Score     int       `json:"score"`    // the sum of the points its reasons carry
	Targets   []Target  `json:"targets,omitempty"`
	Frequency Frequency `json:"frequency"`
	// Reasons quote the answers and findings that led here, strongest
	// first, after any word on a better match left out.
	Reasons []string `json:"reasons"`
}

// Target is a body region to work, with its side and the muscles DOMAIN.md
// sections 3 and 7 name for it.
type Target struct {
	Region  string   `json:"region"` // a slug of Regions
	Side    Side     `json:"side,omitempty"`
	Muscles []string `json:"muscles,omitempty"`
}

// Muscles named in targets.
const (
	Trapezius         = "trapezius"
	Rhomboids         = "rhomboids"
	QuadratusLumborum = "quadratus lumborum"
	Piriformis        = "piriformis"
)

var muscleOrder = []string{Trapezius, Rhomboids, QuadratusLumborum, Piriformis}

// Frequency is how often a modality is booked (DOMAIN.md section 7, seeds
// 000 and 001).
type Frequency string

// Frequencies.
const (
	WeeklyOrBiweekly  Frequency = "weekly-or-biweekly" // Swedish, for maintenance
	OnceOrTwiceAMonth Frequency = "1-2-a-month"        // deep tissue, for chronic areas
	AsNeeded          Frequency = "as-needed"          // trigger point, for flare-ups
	AtLeastMonthly    Frequency = "at-least-monthly"   // everything else
)

// String says the frequency in words.
func (f Frequency) String() string {
	switch f {
	case WeeklyOrBiweekly:
		return "weekly or every two weeks"
	case OnceOrTwiceAMonth:
		return "once or twice a month"
	case AsNeeded:
		return "as needed during a flare-up"
	case AtLeastMonthly:
		return "at least once a month"
	}
	return string(f)
}

// Referral sends the client to another profession. To is empty when there
// is no referral.
type Referral struct {
	To      []string `json:"to,omitempty"`
	Reasons []string `json:"reasons,omitempty"`
}

// Professions a referral goes to (seed 003).
const (
	Chiropractic  = "chiropractic"  // joint manipulation
	Physiotherapy = "physiotherapy" // spinal decompression
)

// Skipped is a modality that matched but is left out.
type Skipped struct {
	Modality string `json:"modality"`
	Score    int    `json:"score"`
	Why      string `json:"why"` // SkippedContraindicated or SkippedNotOffered
}

// Why a matching modality is left out.
const (
	SkippedContraindicated = "contraindicated"
	SkippedNotOffered      = "not-offered"
)

// Recommend ranks the modalities that suit what the client reports and what
// the assessment found (DOMAIN.md section 7). It is pure and deterministic.
//
// Each rule of rules.go that matches adds points to one or more modalities,
// with the target areas and one reason quoting its cause; a modality's score
// is the sum. Ties go to the modality with the strongest single reason, then
// to the one listed first in DOMAIN.md section 2 (care.Modalities), which
// puts the gentler, general ones first. A modality that is contraindicated or
// not offered is never returned: it is listed in Skipped, and the next one
// kept says that a better match was left out and why. When nothing matches,
// or nothing that matches can be given, Swedish massage is the gentle default
// if it can be given itself. Red flags are not judged here: intake screening
// runs first and wins.
func Recommend(in Input) (Recommendation, error) {
	var v clinic.Validation
	in.Report.validate(&v)
	in.Assessment.validate(&v, "assessment.")
	if err := v.Err(); err != nil {
		return Recommendation{}, err
	}
	f := newFacts(in)
	found := f.findings()
	var rec Recommendation
	var pending []Skipped // skipped since the last one kept
	for _, c := range rank(found) {
		why := ""
		switch {
		case in.Contraindicated[c.Modality]:
			why = SkippedContraindicated
		case in.Offered != nil && !in.Offered[c.Modality]:
			why = SkippedNotOffered
		}
		if why != "" {
			pending = append(pending, Skipped{Modality: c.Modality, Score: c.Score, Why: why})
			rec.Skipped = append(rec.Skipped, pending[len(pending)-1])
			continue
		}
		c.Reasons = append(skippedWords(pending, "matched better"), c.Reasons...)
		pending = nil
		rec.Modalities = append(rec.Modalities, c)
	}
	if len(rec.Modalities) == 0 && allowed(in, "swedish") {
		rec.Modalities = []Suggestion{f.gentleDefault(len(found) > 0, skippedWords(pending, "matched better"))}
		pending = nil
	}
	rec.Notes = append(rec.Notes, skippedWords(pending, "also matched")...)
	for i := range rec.Modalities {
		s := &rec.Modalities[i]
		f.widen(s, found)
		s.Frequency = f.frequency(s.Modality)
	}
	rec.Referral = f.referral()
	if len(rec.Referral.To) > 0 {
		for i := range rec.Modalities {
			s := &rec.Modalities[i]
			s.Reasons = append([]string{supportiveOnly}, s.Reasons...)
		}
	}
	rec.Aftercare = f.aftercare()
	rec.Notes = append(rec.Notes, f.notes(rec.Referral)...)
	return rec, nil
}

// skippedWords says why each skipped match is left out. It is for the
// therapist, who may know the condition behind a contraindication; knead
// is told only that there is one.
func skippedWords(skipped []Skipped, matched string) []string {
	var out []string
	for _, s := range skipped {
		why := "is contraindicated for this client: left out for safety."
		if s.Why == SkippedNotOffered {
			why = "the clinic does not offer it."
		}
		out = append(out, capitalize(named(s.Modality))+" "+matched+" but "+why)
	}
	return out
}

const supportiveOnly = "Beside the referral, not the main treatment: massage eases the muscles guarding the joint."

func allowed(in Input, slug string) bool {
	return !in.Contraindicated[slug] && (in.Offered == nil || in.Offered[slug])
}

// points is what one finding adds to one modality.
type points struct {
	modality string
	n        int
}

// finding is one rule matched: the points it gives, where to work and why.
type finding struct {
	points  []points
	targets []Target
	reason  string
	// zone: a suggestion that works any of these regions, whatever its
	// points, also takes this finding's targets and reason (DOMAIN.md
	// section 7: treat the cause, not only the painful spot).
	zone []string
}

// rank sums the findings per modality and orders them, each with its
// reasons strongest first.
func rank(found []finding) []Suggestion {
	type reason struct {
		text string
		n    int
	}
	type tally struct {
		s       Suggestion
		strong  int // the most points one finding gave
		reasons []reason
	}
	by := map[string]*tally{}
	for _, fd := range found {
		for _, p := range fd.points {
			t := by[p.modality]
			if t == nil {
				t = &tally{s: Suggestion{Modality: p.modality}}
				by[p.modality] = t
			}
			t.s.Score += p.n
			t.strong = max(t.strong, p.n)
			t.s.Targets = mergeTargets(t.s.Targets, fd.targets)
			t.reasons = append(t.reasons, reason{fd.reason, p.n})
		}
	}
	var all []*tally
	for _, m := range Modalities { // catalog order: deterministic, and the last tie-break
		if t := by[m.Slug]; t != nil {
			all = append(all, t)
		}
	}
	slices.SortStableFunc(all, func(a, b *tally) int {
		return cmp.Or(cmp.Compare(b.s.Score, a.s.Score), cmp.Compare(b.strong, a.strong))
	})
	out := make([]Suggestion, len(all))
	for i, t := range all {
		slices.SortStableFunc(t.reasons, func(a, b reason) int { return cmp.Compare(b.n, a.n) })
		for _, r := range t.reasons {
			t.s.Reasons = append(t.s.Reasons, r.text)
		}
		out[i] = t.s
	}
	return out
}

// widen gives a suggestion the targets and reasons of every finding whose
// zone it works.
func (f *facts) widen(s *Suggestion, found []finding) {
	for _, fd := range found {
		if len(fd.zone) == 0 || !slices.ContainsFunc(s.Targets, func(t Target) bool { return slices.Contains(fd.zone, t.Region) }) {
			continue
		}
		s.Targets = mergeTargets(s.Targets, fd.targets)
		if !slices.Contains(s.Reasons, fd.reason) {
			s.Reasons = append(s.Reasons, fd.reason)
		}
	}
}

// mergeTargets adds more to ts, one target per region and side with the
// muscles of both, ordered top to bottom, then by side.
func mergeTargets(ts, more []Target) []Target {
	for _, m := range more {
		i := slices.IndexFunc(ts, func(t Target) bool { return t.Region == m.Region && t.Side == m.Side })
		if i < 0 {
			ts = append(ts, Target{Region: m.Region, Side: m.Side})
			i = len(ts) - 1
		}
		for _, mu := range m.Muscles {
			if !slices.Contains(ts[i].Muscles, mu) {
				ts[i].Muscles = append(ts[i].Muscles, mu)
			}
		}
		slices.SortFunc(ts[i].Muscles, func(a, b string) int {
			return cmp.Compare(slices.Index(muscleOrder, a), slices.Index(muscleOrder, b))
		})
	}
	slices.SortFunc(ts, func(a, b Target) int {
		return cmp.Or(cmp.Compare(regionRank(a.Region), regionRank(b.Region)), cmp.Compare(a.Side.rank(), b.Side.rank()))
	})
	return ts
}

// frequency is the program for a modality (DOMAIN.md section 7): Swedish
// weekly or every two weeks, for maintenance; deep tissue once or twice a
// month for long-term pain; trigger point as needed during a flare-up;
// anything else, and these outside those cases, at least monthly (seed 001).
func (f *facts) frequency(slug string) Frequency {
	switch {
	case slug == "swedish":
		return WeeklyOrBiweekly
	case slug == "deep-tissue" && (f.report.Chronic() || f.factors[FactorOldInjury]):
		return OnceOrTwiceAMonth
	case slug == "trigger-point" && f.report.Acute():
		return AsNeeded
	}
	return AtLeastMonthly
}

// gentleDefault is Swedish massage when nothing that matched can be given,
// or nothing matched.
func (f *facts) gentleDefault(matched bool, skipped []string) Suggestion {
	reason := "Nothing in the answers or the assessment points to a specific problem: Swedish massage is the gentle default, for relaxation and maintenance."
	if matched {
		reason = "What matches better cannot be given here: Swedish massage is the gentle choice meanwhile."
	}
	return Suggestion{Modality: "swedish", Targets: spotTargets(f.spots), Reasons: append(skipped, reason)}
}
