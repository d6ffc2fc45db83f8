package outcome

import (
	"fmt"
	"math"

	"knead/internal/clinic"
)

// Verdict says whether a change between two scores is clinically meaningful,
// and which way.
type Verdict string

// Verdicts of MeaningfulChange.
const (
	MeaningfulImprovement Verdict = "improvement"
	MeaningfulWorsening   Verdict = "worsening"
	NoMeaningfulChange    Verdict = "none"
)

// Change is the change from a baseline score to a later one.
type Change struct {
	Instrument    Instrument
	Before, After float64
	// Delta is After - Before on the score's scale; whether that is better
	// depends on Spec.HigherIsBetter.
	Delta   float64
	Verdict Verdict
	// ByPoints and ByFraction say which thresholds a meaningful change met;
	// either suffices, so both are false only for NoMeaningfulChange.
	ByPoints, ByFraction bool
}

// tolerance absorbs float rounding, so that a change equal to a threshold
// counts even when it is 1.9999999999999996 (a PSFS mean of three ratings
// from 13/3 to 19/3) or 10.666666666666664.
const tolerance = 1e-9

// MeaningfulChange compares a baseline result with a later one of the same
// instrument and version. A change is meaningful when its size reaches the
// points threshold OR, where DOMAIN.md gives one, 30% of the baseline: "2
// points or 30%" names two published criteria and either suffices. The
// percentage is of the baseline score, in both directions, and does not
// apply to a baseline of 0 (any change from 0 is an infinite percentage):
// there only the points count. Thresholds are inclusive: a change of exactly
// 2 NPRS points is meaningful.
func MeaningfulChange(instrument Instrument, before, after Result) (Change, error) {
	spec, err := SpecOf(instrument)
	if err != nil {
		return Change{}, err
	}
	var v clinic.Validation
	spec.checkComparable(&v, "before", before)
	spec.checkComparable(&v, "after", after)
	if err := v.Err(); err != nil {
		return Change{}, fmt.Errorf("outcome: %w", err)
	}
	return spec.change(before.Score, after.Score), nil
}

// checkComparable rejects a result of another instrument or version, or
// with a score off the scale (one built by hand rather than by Score).
func (s Spec) checkComparable(v *clinic.Validation, field string, r Result) {
	v.Check(r.Instrument == s.Instrument && r.Version == s.Version, field,
		"is a %s %q result, not %s", r.Instrument, r.Version, s.Version)
	v.Check(s.onScale(r.Score), field, "score %v is not on the %s scale %v to %v", r.Score, s.Version, s.ScoreMin, s.ScoreMax)
}

func (s Spec) change(before, after float64) Change {
	c := Change{Instrument: s.Instrument, Before: before, After: after, Delta: after - before}
	size := math.Abs(c.Delta)
	if size <= tolerance {
		c.Verdict = NoMeaningfulChange
		return c
	}
	c.ByPoints = size >= s.ChangePoints-tolerance
	c.ByFraction = s.fractionApplies(before) && size >= s.ChangeFraction*before-tolerance
	switch {
	case !c.ByPoints && !c.ByFraction:
		c.Verdict = NoMeaningfulChange
	case (c.Delta > 0) == s.HigherIsBetter:
		c.Verdict = MeaningfulImprovement
	default:
		c.Verdict = MeaningfulWorsening
	}
	return c
}

// fractionApplies is false without a percentage threshold and for a
// baseline of 0.
func (s Spec) fractionApplies(baseline float64) bool {
	return s.ChangeFraction > 0 && baseline > 0
}

// smallestMeaningfulStep is the least change from baseline that
// MeaningfulChange calls meaningful: the smaller of the two thresholds, since
// either suffices.
func (s Spec) smallestMeaningfulStep(baseline float64) float64 {
	if s.fractionApplies(baseline) {
		return min(s.ChangePoints, s.ChangeFraction*baseline)
	}
	return s.ChangePoints
}

// ImprovementLine is the score a later visit must reach (or go beyond) to be
// a meaningful improvement over baseline: the meaningful-change line of a
// progress chart. ok is false when that score is off the scale (an NPRS
// baseline of 0 cannot improve) or baseline is.
func (s Spec) ImprovementLine(baseline float64) (line float64, ok bool) {
	return s.line(baseline, s.HigherIsBetter)
}

// WorseningLine is the score at (or beyond) which a later visit is a
// meaningful worsening; ok is false when that is off the scale.
func (s Spec) WorseningLine(baseline float64) (line float64, ok bool) {
	return s.line(baseline, !s.HigherIsBetter)
}

func (s Spec) line(baseline float64, up bool) (float64, bool) {
	if !s.onScale(baseline) {
		return 0, false
	}
	step := s.smallestMeaningfulStep(baseline)
	if !up {
		step = -step
	}
	line := baseline + step
	return line, s.onScale(line)
}

// onScale is false for NaN and infinities too.
func (s Spec) onScale(score float64) bool {
	return score >= s.ScoreMin-tolerance && score <= s.ScoreMax+tolerance
}
