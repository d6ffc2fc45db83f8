package outcome

import (
	"errors"
	"math"
	"strings"
	"testing"

	"knead/internal/clinic"
)

// sections returns ten ODI or NDI answers totalling raw over the first
// 10-missing sections, the last missing ones unanswered.
func sections(raw, missing int) []Answer {
	answers := make([]Answer, 10)
	for i := range 10 - missing {
		v := min(raw, 5)
		answers[i] = Given(v)
		raw -= v
	}
	if raw > 0 {
		panic("raw too large for the answered sections")
	}
	return answers
}

// rmdq returns 24 answers: yes yes-answers, then unanswered ones, then no.
func rmdq(yes, unanswered int) []Answer {
	answers := make([]Answer, 24)
	for i := range answers {
		switch {
		case i < yes:
			answers[i] = Given(1)
		case i < yes+unanswered:
			answers[i] = Answer{}
		default:
			answers[i] = Given(0)
		}
	}
	return answers
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestScore(t *testing.T) {
	tests := []struct {
		name           string
		instrument     Instrument
		answers        []Answer
		raw, missing   int
		score, percent float64
		band           Band
		higherIsBetter bool
	}{
		{"NPRS 0", NPRS, AllGiven(0), 0, 0, 0, 0, "", false},
		{"NPRS 7", NPRS, AllGiven(7), 7, 0, 7, 70, "", false},
		{"NPRS 10", NPRS, AllGiven(10), 10, 0, 10, 100, "", false},

		{"ODI all 0", ODI, sections(0, 0), 0, 0, 0, 0, BandMinimal, false},
		{"ODI published 16/50 = 32%", ODI, AllGiven(1, 2, 2, 1, 2, 2, 1, 2, 2, 1), 16, 0, 32, 32, BandModerate, false},
		{"ODI published 16/45 = 35.56%", ODI, sections(16, 1), 16, 1, 1600.0 / 45, 1600.0 / 45, BandModerate, false},
		{"ODI 16 over 8 sections = 40%", ODI, sections(16, 2), 16, 2, 40, 40, BandModerate, false},
		{"ODI missing first section", ODI, append([]Answer{{}}, AllGiven(2, 2, 2, 2, 2, 2, 2, 1, 1)...), 16, 1, 1600.0 / 45, 1600.0 / 45, BandModerate, false},
		{"ODI all 5", ODI, sections(50, 0), 50, 0, 100, 100, BandBedBound, false},
		{"ODI 10/50 = 20% top of minimal", ODI, sections(10, 0), 10, 0, 20, 20, BandMinimal, false},
		{"ODI 11/50 = 22% moderate", ODI, sections(11, 0), 11, 0, 22, 22, BandModerate, false},
		{"ODI 20/50 = 40% top of moderate", ODI, sections(20, 0), 20, 0, 40, 40, BandModerate, false},
		{"ODI 21/50 = 42% severe", ODI, sections(21, 0), 21, 0, 42, 42, BandSevere, false},
		{"ODI 30/50 = 60% top of severe", ODI, sections(30, 0), 30, 0, 60, 60, BandSevere, false},
		{"ODI 31/50 = 62% crippled", ODI, sections(31, 0), 31, 0, 62, 62, BandCrippled, false},
		{"ODI 40/50 = 80% top of crippled", ODI, sections(40, 0), 40, 0, 80, 80, BandCrippled, false},
		{"ODI 41/50 = 82% bed-bound", ODI, sections(41, 0), 41, 0, 82, 82, BandBedBound, false},
		{"ODI 9/45 = 20% minimal", ODI, sections(9, 1), 9, 1, 20, 20, BandMinimal, false},
		{"ODI 10/45 = 22.22% moderate", ODI, sections(10, 1), 10, 1, 1000.0 / 45, 1000.0 / 45, BandModerate, false},
		{"ODI 8/40 = 20% minimal", ODI, sections(8, 2), 8, 2, 20, 20, BandMinimal, false},
		{"ODI 9/40 = 22.5% moderate", ODI, sections(9, 2), 9, 2, 22.5, 22.5, BandModerate, false},
		{"ODI 40/40 = 100%", ODI, sections(40, 2), 40, 2, 100, 100, BandBedBound, false},

		{"NDI published raw 20 = 40%", NDI, sections(20, 0), 20, 0, 20, 40, "", false},
		{"NDI raw 0", NDI, sections(0, 0), 0, 0, 0, 0, "", false},
		{"NDI raw 50 = 100%", NDI, sections(50, 0), 50, 0, 50, 100, "", false},
		{"NDI 18 over 9 items = 20/50 = 40%", NDI, sections(18, 1), 18, 1, 20, 40, "", false},
		{"NDI 16 over 8 items = 20/50 = 40%", NDI, sections(16, 2), 16, 2, 20, 40, "", false},
		{"NDI 16 over 9 items = 17.78/50", NDI, sections(16, 1), 16, 1, 160.0 / 9, 1600.0 / 45, "", false},

		{"RMDQ none", RMDQ, rmdq(0, 0), 0, 0, 0, 0, "", false},
		{"RMDQ 12 yes", RMDQ, rmdq(12, 0), 12, 0, 12, 50, "", false},
		{"RMDQ all yes", RMDQ, rmdq(24, 0), 24, 0, 24, 100, "", false},
		{"RMDQ 10 yes, 3 unanswered count as no", RMDQ, rmdq(10, 3), 10, 3, 10, 1000.0 / 24, "", false},
		{"RMDQ nothing ticked", RMDQ, rmdq(0, 24), 0, 24, 0, 0, "", false},
		{"RMDQ 1 yes", RMDQ, rmdq(1, 0), 1, 0, 1, 100.0 / 24, "", false},

		{"PSFS 3 activities", PSFS, AllGiven(3, 4, 6), 13, 0, 13.0 / 3, 130.0 / 3, "", true},
		{"PSFS 4 activities", PSFS, AllGiven(2, 4, 6, 8), 20, 0, 5, 50, "", true},
		{"PSFS 5 activities", PSFS, AllGiven(0, 10, 5, 5, 5), 25, 0, 5, 50, "", true},
		{"PSFS full ability", PSFS, AllGiven(10, 10, 10), 30, 0, 10, 100, "", true},
		{"PSFS unable", PSFS, AllGiven(0, 0, 0, 0), 0, 0, 0, 0, "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Score(tc.instrument, tc.answers)
			if err != nil {
				t.Fatal(err)
			}
			spec, _ := SpecOf(tc.instrument)
			if r.Instrument != tc.instrument || r.Version != spec.Version || r.HigherIsBetter != tc.higherIsBetter {
				t.Errorf("got %s %q higherIsBetter=%v", r.Instrument, r.Version, r.HigherIsBetter)
			}
			if r.Raw != tc.raw || r.Missing != tc.missing || r.Answered != len(tc.answers)-tc.missing {
				t.Errorf("raw %d answered %d missing %d, want %d, %d, %d",
					r.Raw, r.Answered, r.Missing, tc.raw, len(tc.answers)-tc.missing, tc.missing)
			}
			if !near(r.Score, tc.score) || !near(r.Percent, tc.percent) {
				t.Errorf("score %v (%v%%), want %v (%v%%)", r.Score, r.Percent, tc.score, tc.percent)
			}
			if r.Band != tc.band {
				t.Errorf("band %q, want %q", r.Band, tc.band)
			}
			if len(r.Answers) != len(tc.answers) {
				t.Errorf("kept %d answers of %d", len(r.Answers), len(tc.answers))
			}
		})
	}
}

// The published examples, exactly, and as displayed.
func TestPublishedExamples(t *testing.T) {
	tests := []struct {
		name             string
		instrument       Instrument
		answers          []Answer
		exact, displayed float64
	}{
		{"ODI 16/50", ODI, sections(16, 0), 32, 32},
		{"ODI 16/45", ODI, sections(16, 1), 1600.0 / 45, 35.56},
		{"NDI 16 over 9 items", NDI, sections(16, 1), 160.0 / 9, 17.78},
		{"PSFS 13/3", PSFS, AllGiven(3, 4, 6), 13.0 / 3, 4.33},
		{"PSFS 20/3", PSFS, AllGiven(6, 7, 7), 20.0 / 3, 6.67},
	}
	for _, tc := range tests {
		r, err := Score(tc.instrument, tc.answers)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if r.Score != tc.exact || r.Rounded() != tc.displayed {
			t.Errorf("%s: score %v shown %v, want %v shown %v", tc.name, r.Score, r.Rounded(), tc.exact, tc.displayed)
		}
	}
	// The exact 32 of the published example is not 31.999...
	if r, _ := Score(ODI, sections(16, 0)); r.Score != 32 {
		t.Errorf("16/50 scored %v", r.Score)
	}
}

func TestScoreErrors(t *testing.T) {
	withUnansweredValue := sections(16, 1)
	withUnansweredValue[9] = Answer{Value: 3}
	tests := []struct {
		name        string
		instrument  Instrument
		answers     []Answer
		field       string // the field named; "answers" for a count or not scorable
		message     string // part of that field's message
		notScorable bool
	}{
		{"unknown instrument", "sf36", AllGiven(1), "instrument", `not "sf36"`, false},
		{"empty instrument", "", AllGiven(1), "instrument", "must be one of", false},
		{"ODI 9 answers", ODI, AllGiven(1, 1, 1, 1, 1, 1, 1, 1, 1), "answers", "ODI 2.1a has 10 sections; got 9", false},
		{"ODI 11 answers", ODI, append(sections(0, 0), Given(0)), "answers", "got 11 answers", false},
		{"ODI no answers", ODI, nil, "answers", "got 0 answers", false},
		{"ODI section 4 is 7", ODI, AllGiven(0, 0, 0, 7, 0, 0, 0, 0, 0, 0), "answers[3]", "section 4 must be 0 to 5, not 7", false},
		{"ODI section 1 is -1", ODI, AllGiven(-1, 0, 0, 0, 0, 0, 0, 0, 0, 0), "answers[0]", "section 1 must be 0 to 5, not -1", false},
		{"ODI unanswered with a value", ODI, withUnansweredValue, "answers[9]", "section 10 is unanswered but has the value 3", false},
		{"NDI item 10 is 6", NDI, AllGiven(0, 0, 0, 0, 0, 0, 0, 0, 0, 6), "answers[9]", "item 10 must be 0 to 5, not 6", false},
		{"RMDQ statement 2 is 2", RMDQ, append(AllGiven(0, 2), rmdq(0, 0)[2:]...), "answers[1]", "statement 2 must be 0 to 1, not 2", false},
		{"RMDQ 23 answers", RMDQ, rmdq(0, 0)[1:], "answers", "RMDQ-24 has 24 statements; got 23", false},
		{"NPRS 11", NPRS, AllGiven(11), "answers[0]", "rating 1 must be 0 to 10, not 11", false},
		{"NPRS -1", NPRS, AllGiven(-1), "answers[0]", "not -1", false},
		{"NPRS no answer", NPRS, nil, "answers", "has 1 rating; got 0", false},
		{"NPRS two answers", NPRS, AllGiven(3, 4), "answers", "got 2", false},
		{"PSFS 2 activities", PSFS, AllGiven(5, 5), "answers", "takes 3 to 5 activities; got 2", false},
		{"PSFS 6 activities", PSFS, AllGiven(5, 5, 5, 5, 5, 5), "answers", "got 6", false},
		{"PSFS activity 3 is 11", PSFS, AllGiven(5, 5, 11), "answers[2]", "activity 3 must be 0 to 10, not 11", false},

		{"ODI 3 sections missing", ODI, sections(16, 3), "answers", "3 of 10 sections unanswered; ODI 2.1a is scored with at most 2", true},
		{"ODI all missing", ODI, make([]Answer, 10), "answers", "10 of 10 sections", true},
		{"NDI 3 items missing", NDI, sections(16, 3), "answers", "3 of 10 items unanswered", true},
		{"NPRS unanswered", NPRS, []Answer{{}}, "answers", "1 of 1 rating unanswered; NPRS 0-10 is scored only when every rating is answered", true},
		{"PSFS one unrated", PSFS, []Answer{Given(4), {}, Given(6)}, "answers", "1 of 3 activities unanswered", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Score(tc.instrument, tc.answers)
			if err == nil {
				t.Fatal("scored")
			}
			if got := errors.Is(err, ErrNotScorable); got != tc.notScorable {
				t.Errorf("not scorable = %v: %v", got, err)
			}
			var ce *clinic.Error
			if !errors.As(err, &ce) || ce.Code != clinic.EInvalid {
				t.Fatalf("not an EInvalid *clinic.Error: %v", err)
			}
			for _, f := range ce.Fields {
				if f.Field == tc.field && strings.Contains(f.Message, tc.message) {
					return
				}
			}
			t.Errorf("no field %s saying %q in %+v", tc.field, tc.message, ce.Fields)
		})
	}
}

// The missing-item rules: ODI and NDI score with 0, 1 or 2 sections
// unanswered and refuse at 3.
func TestMissingSections(t *testing.T) {
	for _, instrument := range []Instrument{ODI, NDI} {
		for missing, want := range []float64{30, 1500.0 / 45, 37.5, math.NaN()} {
			r, err := Score(instrument, sections(15, missing))
			if math.IsNaN(want) {
				if !errors.Is(err, ErrNotScorable) {
					t.Errorf("%s with %d missing: %v, want not scorable", instrument, missing, err)
				}
				continue
			}
			if err != nil || !near(r.Percent, want) || r.Missing != missing {
				t.Errorf("%s with %d missing: %v%% (%d missing), %v; want %v%%", instrument, missing, r.Percent, r.Missing, err, want)
			}
		}
	}
}

// Several bad items are all named at once.
func TestScoreNamesEveryBadItem(t *testing.T) {
	_, err := Score(ODI, AllGiven(6, 0, 9, 0, 0, 0, 0, 0, 0, -2))
	var ce *clinic.Error
	if !errors.As(err, &ce) || len(ce.Fields) != 3 {
		t.Fatalf("want 3 field errors, got %v", err)
	}
	for i, field := range []string{"answers[0]", "answers[2]", "answers[9]"} {
		if ce.Fields[i].Field != field {
			t.Errorf("field %d is %s, want %s", i, ce.Fields[i].Field, field)
		}
	}
}

func TestScoreCopiesAnswers(t *testing.T) {
	answers := AllGiven(4, 5, 6)
	r, err := Score(PSFS, answers)
	if err != nil {
		t.Fatal(err)
	}
	answers[0] = Given(10)
	if r.Answers[0] != Given(4) {
		t.Error("the result shares the caller's slice")
	}
}

// Bands at and around every boundary; see odiBands for the rule.
func TestODIBand(t *testing.T) {
	tests := []struct {
		percent float64
		want    Band // "" for not a percentage
	}{
		{-0.01, ""}, {0, BandMinimal}, {10, BandMinimal}, {20, BandMinimal},
		{20.01, BandModerate}, {20.5, BandModerate}, {21, BandModerate}, {35.56, BandModerate}, {40, BandModerate},
		{40.01, BandSevere}, {40.5, BandSevere}, {41, BandSevere}, {60, BandSevere},
		{60.01, BandCrippled}, {61, BandCrippled}, {80, BandCrippled},
		{80.01, BandBedBound}, {81, BandBedBound}, {100, BandBedBound},
		{100.01, ""}, {math.NaN(), ""}, {math.Inf(1), ""}, {math.Inf(-1), ""},
	}
	for _, tc := range tests {
		got, ok := ODIBand(tc.percent)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("ODIBand(%v) = %q, %v; want %q", tc.percent, got, ok, tc.want)
		}
	}
}

// No ODI score that Score can produce falls strictly inside a gap of the
// published bands (20-21, 40-41, ...): the boundary rule decides only for
// numbers that are not single scores.
func TestODIScoresAvoidBandGaps(t *testing.T) {
	for missing := range 3 {
		for raw := 0; raw <= 5*(10-missing); raw++ {
			r, err := Score(ODI, sections(raw, missing))
			if err != nil {
				t.Fatal(err)
			}
			for _, gap := range []float64{20, 40, 60, 80} {
				if r.Score > gap && r.Score < gap+1 {
					t.Errorf("%d over %d sections is %v, inside the gap after %v", raw, 10-missing, r.Score, gap)
				}
			}
		}
	}
}

func TestSpecs(t *testing.T) {
	want := []Instrument{NPRS, ODI, NDI, RMDQ, PSFS}
	got := Specs()
	if len(got) != len(want) {
		t.Fatalf("%d specs, want %d", len(got), len(want))
	}
	for i, s := range got {
		if s.Instrument != want[i] || s.Name == "" || s.Version == "" || s.ItemNoun == "" {
			t.Errorf("spec %d incomplete: %+v", i, s)
		}
		// Score and Percent are ratios of the raw total: scales start at 0.
		if s.MinItems < 1 || s.MinItems > s.MaxItems || s.ItemMin != 0 || s.ItemMax < 1 || s.ScoreMin != 0 || s.ScoreMax <= 0 {
			t.Errorf("%s: bad ranges %+v", s.Instrument, s)
		}
		// A prorated form needs at least one answered item to divide by.
		if s.Missing == Prorate && s.MaxMissing >= s.MinItems || s.Missing == NoneMissing && s.MaxMissing != 0 {
			t.Errorf("%s: MaxMissing %d does not fit %s", s.Instrument, s.MaxMissing, s.Missing)
		}
		if s.ChangePoints <= 0 || s.ChangeFraction < 0 || s.ChangeFraction >= 1 {
			t.Errorf("%s: bad thresholds %v, %v", s.Instrument, s.ChangePoints, s.ChangeFraction)
		}
		if spec, err := SpecOf(s.Instrument); err != nil || spec != s {
			t.Errorf("SpecOf(%s) = %+v, %v", s.Instrument, spec, err)
		}
	}
	got[0].Version = "changed"
	if s, _ := SpecOf(NPRS); s.Version == "changed" {
		t.Error("Specs shares the package's table")
	}
}

func TestRound2(t *testing.T) {
	tests := []struct{ x, want float64 }{
		{1600.0 / 45, 35.56}, {160.0 / 9, 17.78}, {13.0 / 3, 4.33}, {32, 32}, {0, 0}, {22.5, 22.5}, {99.999, 100},
	}
	for _, tc := range tests {
		if got := Round2(tc.x); got != tc.want {
			t.Errorf("Round2(%v) = %v, want %v", tc.x, got, tc.want)
		}
	}
}
