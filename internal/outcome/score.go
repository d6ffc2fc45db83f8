package outcome

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"knead/internal/clinic"
)

// Answer is one item's answer. The zero Answer is unanswered.
type Answer struct {
	Value    int
	Answered bool
}

// Given returns the answer value.
func Given(value int) Answer { return Answer{Value: value, Answered: true} }

// AllGiven returns one answer per value, all answered.
func AllGiven(values ...int) []Answer {
	answers := make([]Answer, len(values))
	for i, v := range values {
		answers[i] = Given(v)
	}
	return answers
}

// ErrNotScorable is in the chain of the error Score returns for valid answers
// with too many items unanswered: store the answers, but there is no score.
// The same error is also an EInvalid *clinic.Error saying how many are
// missing, for a form to show.
var ErrNotScorable = errors.New("not scorable")

// Result is a scored answer set.
type Result struct {
	Instrument Instrument
	Version    string
	// Answers are a copy of the answers scored, unanswered items included.
	Answers []Answer
	// Raw is the sum of the answered items: the ODI and NDI raw total, the
	// number of "yes" for RMDQ, the rating for NPRS, the sum of the PSFS
	// ratings.
	Raw               int
	Answered, Missing int
	// Score is the instrument's published score, exact (round only for
	// display, with Rounded): the NPRS rating, the ODI percentage, the NDI raw
	// score out of 50, the RMDQ count of yes, the PSFS mean rating. With
	// unanswered ODI or NDI items it is scaled to the full form: 16 over nine
	// ODI sections is 16/45 = 35.555...%; 18 over nine NDI items is 20/50.
	Score float64
	// Percent is Score as a percentage of the scale's maximum: for ODI the
	// score itself, for NDI the published percentage (raw x 2).
	Percent float64
	// Band is the ODI band; "" for the other instruments, which have none in
	// DOMAIN.md.
	Band           Band
	HigherIsBetter bool
}

// Rounded returns the score rounded to 2 decimals, for display.
func (r Result) Rounded() float64 { return Round2(r.Score) }

// Round2 rounds x to 2 decimals, halves away from zero: 35.5555... is 35.56.
func Round2(x float64) float64 { return math.Round(x*100) / 100 }

// Score validates answers strictly and scores them. Every problem with an
// item is reported, named by its JSON index ("answers[3]") with a message
// naming it for a person ("section 4 must be 0 to 5, not 7"), in one EInvalid
// *clinic.Error. Valid answers with more items unanswered than the
// instrument allows return an error wrapping ErrNotScorable.
func Score(instrument Instrument, answers []Answer) (Result, error) {
	spec, err := SpecOf(instrument)
	if err != nil {
		return Result{}, err
	}
	if err := spec.validate(answers); err != nil {
		return Result{}, fmt.Errorf("outcome: %s: %w", spec.Version, err)
	}
	r := Result{
		Instrument:     spec.Instrument,
		Version:        spec.Version,
		Answers:        append([]Answer(nil), answers...),
		HigherIsBetter: spec.HigherIsBetter,
	}
	for _, a := range answers {
		if a.Answered {
			r.Raw += a.Value
			r.Answered++
		} else {
			r.Missing++
		}
	}
	if r.Missing > spec.MaxMissing {
		return Result{}, spec.notScorable(r.Missing, len(answers))
	}
	counted := r.Answered // Prorate; NoneMissing has nothing missing here
	if spec.Missing == CountAsNo {
		counted = len(answers)
	}
	// One division of exact integers keeps published examples exact: 16 x 100
	// / 50 is 32, not 31.999...
	maxRaw := float64(spec.ItemMax * counted)
	r.Score = float64(r.Raw) * spec.ScoreMax / maxRaw
	r.Percent = float64(r.Raw) * 100 / maxRaw
	if spec.Instrument == ODI {
		r.Band, _ = ODIBand(r.Percent)
	}
	return r, nil
}

// validate checks the number of answers and every item, reporting all
// problems at once.
func (s Spec) validate(answers []Answer) error {
	var v clinic.Validation
	switch {
	case s.MinItems == s.MaxItems && len(answers) != s.MinItems:
		v.Add("answers", "%s has %s; got %d answers", s.Version, s.count(s.MinItems), len(answers))
	case len(answers) < s.MinItems || len(answers) > s.MaxItems:
		v.Add("answers", "%s takes %d to %s; got %d answers", s.Version, s.MinItems, s.count(s.MaxItems), len(answers))
	}
	for i, a := range answers {
		field := fmt.Sprintf("answers[%d]", i)
		if !a.Answered {
			v.Check(a.Value == 0, field, "%s %d is unanswered but has the value %d", s.ItemNoun, i+1, a.Value)
			continue
		}
		v.Check(a.Value >= s.ItemMin && a.Value <= s.ItemMax, field,
			"%s %d must be %d to %d, not %d", s.ItemNoun, i+1, s.ItemMin, s.ItemMax, a.Value)
	}
	return v.Err()
}

// notScorable is ErrNotScorable joined with an EInvalid *clinic.Error whose
// message a form can show as it is.
func (s Spec) notScorable(missing, items int) error {
	var v clinic.Validation
	if s.MaxMissing == 0 {
		v.Add("answers", "%d of %s unanswered; %s is scored only when every %s is answered",
			missing, s.count(items), s.Version, s.ItemNoun)
	} else {
		v.Add("answers", "%d of %s unanswered; %s is scored with at most %d unanswered",
			missing, s.count(items), s.Version, s.MaxMissing)
	}
	return fmt.Errorf("outcome: %w: %w", ErrNotScorable, v.Err())
}

// count says "10 sections", "1 rating", "5 activities".
func (s Spec) count(n int) string {
	noun := s.ItemNoun
	switch {
	case n == 1:
	case strings.HasSuffix(noun, "y"):
		noun = strings.TrimSuffix(noun, "y") + "ies"
	default:
		noun += "s"
	}
	return fmt.Sprintf("%d %s", n, noun)
}
