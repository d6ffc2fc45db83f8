// Package outcome scores the validated back-pain outcome measures exactly as
// published (DOMAIN.md section 10) and says whether a change between two
// visits is clinically meaningful. It is pure: no I/O, no clock.
//
// Each instrument is described by a Spec (version, item count and range,
// missing-item rule, score scale, meaningful-change thresholds) so that a form
// can be rendered and answers validated from the same data that scores them.
// The item wording is not here: the form layer owns it (the ODI and NDI
// wordings are licensed texts).
package outcome

import (
	"fmt"

	"knead/internal/clinic"
)

// Instrument names an outcome measure. The values are stored with every
// answer set, so they never change.
type Instrument string

// The instruments of DOMAIN.md section 10.
const (
	NPRS Instrument = "nprs" // Numeric Pain Rating Scale
	ODI  Instrument = "odi"  // Oswestry Disability Index
	NDI  Instrument = "ndi"  // Neck Disability Index
	RMDQ Instrument = "rmdq" // Roland-Morris Disability Questionnaire
	PSFS Instrument = "psfs" // Patient-Specific Functional Scale
)

// Unit is what a score counts.
type Unit string

// Units of a score.
const (
	Points  Unit = "points"
	Percent Unit = "percent"
)

// MissingRule says how an unanswered item enters the score.
type MissingRule string

const (
	// Prorate leaves an unanswered item out of the denominator, so the score
	// is the answered items' total scaled to the full form (ODI, NDI).
	Prorate MissingRule = "prorate"
	// CountAsNo scores an unanswered item as 0, as a paper checklist does
	// with a statement left unticked (RMDQ).
	CountAsNo MissingRule = "count-as-no"
	// NoneMissing refuses to score while any item is unanswered (NPRS,
	// PSFS: every item is the whole point).
	NoneMissing MissingRule = "none-missing"
)

// Spec is everything knead knows about one instrument.
type Spec struct {
	Instrument Instrument
	Name       string
	// Version is stored with every score; scores of different versions are
	// never compared.
	Version string
	// ItemNoun names one item in messages and forms: "section", "activity".
	ItemNoun string
	// MinItems and MaxItems bound the number of answers (equal except for
	// PSFS, where the patient names 3 to 5 activities).
	MinItems, MaxItems int
	// ItemMin and ItemMax bound every answered item. RMDQ items are 0 (no)
	// or 1 (yes: the statement applies today).
	ItemMin, ItemMax int
	Missing          MissingRule
	// MaxMissing is how many items may be unanswered and the form still
	// scored; one more and Score returns ErrNotScorable.
	MaxMissing int
	// ScoreMin and ScoreMax bound Result.Score.
	ScoreMin, ScoreMax float64
	ScoreUnit          Unit
	HigherIsBetter     bool
	// ChangePoints and ChangeFraction are the meaningful-change thresholds
	// on the score's scale: a change of at least ChangePoints, or of at least
	// ChangeFraction of a non-zero baseline, is meaningful. ChangeFraction is
	// 0 where the table gives points only.
	ChangePoints   float64
	ChangeFraction float64
}

// specs follow DOMAIN.md section 10, in its order.
var specs = []Spec{
	{
		Instrument: NPRS, Name: "Numeric Pain Rating Scale", Version: "NPRS 0-10", ItemNoun: "rating",
		MinItems: 1, MaxItems: 1, ItemMin: 0, ItemMax: 10, Missing: NoneMissing, MaxMissing: 0,
		ScoreMin: 0, ScoreMax: 10, ScoreUnit: Points,
		ChangePoints: 2, ChangeFraction: 0.30,
	},
	{
		Instrument: ODI, Name: "Oswestry Disability Index", Version: "ODI 2.1a", ItemNoun: "section",
		MinItems: 10, MaxItems: 10, ItemMin: 0, ItemMax: 5, Missing: Prorate, MaxMissing: 2,
		ScoreMin: 0, ScoreMax: 100, ScoreUnit: Percent,
		ChangePoints: 10, ChangeFraction: 0.30,
	},
	{
		// Missing items as ODI: Percent = raw / (5 x items answered) x 100,
		// and Score, the raw score out of 50, is Percent / 2, the answered
		// items' total scaled to ten items (18 over nine items is 20/50, 40%).
		// Result.Raw stays the unscaled total. With all ten answered this is
		// the published raw out of 50 and % = raw x 2.
		Instrument: NDI, Name: "Neck Disability Index", Version: "NDI (Vernon & Mior 1991)", ItemNoun: "item",
		MinItems: 10, MaxItems: 10, ItemMin: 0, ItemMax: 5, Missing: Prorate, MaxMissing: 2,
		ScoreMin: 0, ScoreMax: 50, ScoreUnit: Points,
		ChangePoints: 5,
	},
	{
		// The published RMDQ is a checklist scored as the number of statements
		// ticked; a statement left unticked, or marked not applicable, scores
		// "no" (Roland & Morris 1983; Roland & Fairbank 2000). There is no
		// published rule for prorating or rejecting (Kent & Lauridsen), so an
		// unanswered statement counts as "no", as on paper, and Result.Missing
		// says how many there were: with any missing, the score is a lower
		// bound. Refusing would invent a rule, and a form that shows the
		// published tick boxes has no unanswered state at all.
		Instrument: RMDQ, Name: "Roland-Morris Disability Questionnaire", Version: "RMDQ-24", ItemNoun: "statement",
		MinItems: 24, MaxItems: 24, ItemMin: 0, ItemMax: 1, Missing: CountAsNo, MaxMissing: 24,
		ScoreMin: 0, ScoreMax: 24, ScoreUnit: Points,
		ChangePoints: 5, ChangeFraction: 0.30,
	},
	{
		Instrument: PSFS, Name: "Patient-Specific Functional Scale", Version: "PSFS (Stratford 1995)", ItemNoun: "activity",
		MinItems: 3, MaxItems: 5, ItemMin: 0, ItemMax: 10, Missing: NoneMissing, MaxMissing: 0,
		ScoreMin: 0, ScoreMax: 10, ScoreUnit: Points, HigherIsBetter: true,
		ChangePoints: 2,
	},
}

// Specs returns every instrument's Spec, in the order of DOMAIN.md.
func Specs() []Spec {
	return append([]Spec(nil), specs...)
}

// SpecOf returns the Spec of instrument, or an EInvalid error naming the
// field "instrument".
func SpecOf(instrument Instrument) (Spec, error) {
	for _, s := range specs {
		if s.Instrument == instrument {
			return s, nil
		}
	}
	var v clinic.Validation
	v.Add("instrument", "must be one of nprs, odi, ndi, rmdq, psfs, not %q", string(instrument))
	return Spec{}, fmt.Errorf("outcome: %w", v.Err())
}

// Band is an ODI disability band.
type Band string

// The ODI bands of DOMAIN.md section 10.
const (
	BandMinimal  Band = "minimal"
	BandModerate Band = "moderate"
	BandSevere   Band = "severe"
	BandCrippled Band = "crippled"
	BandBedBound Band = "bed-bound"
)

// odiBands are the published bands 0-20, 21-40, 41-60, 61-80 and 81-100,
// each by its inclusive upper limit. The published table is written in whole
// percentages, so "21-40" means "above 20, up to 40": a fractional score
// belongs to the band whose upper limit it does not exceed (20 is minimal,
// 20.01 and 20.5 are moderate, 40.01 is severe). Rounding first would put
// 20.4 in "minimal" although it is more than that band's stated maximum.
// No ODI score of 8, 9 or 10 answered sections lies strictly between 20 and
// 21 (or 40 and 41, ...), so the rule only decides for averages and the like.
var odiBands = []struct {
	upTo float64
	band Band
}{
	{20, BandMinimal}, {40, BandModerate}, {60, BandSevere}, {80, BandCrippled}, {100, BandBedBound},
}

// ODIBand returns the band of an ODI percentage, and false when percent is
// not in 0-100.
func ODIBand(percent float64) (Band, bool) {
	if !(percent >= 0) { // also NaN
		return "", false
	}
	for _, b := range odiBands {
		if percent <= b.upTo {
			return b.band, true
		}
	}
	return "", false
}
