package outcome

import (
	"errors"
	"math"
	"testing"

	"knead/internal/clinic"
)

func mustScore(t *testing.T, instrument Instrument, answers []Answer) Result {
	t.Helper()
	r, err := Score(instrument, answers)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestMeaningfulChange(t *testing.T) {
	const (
		improved = MeaningfulImprovement
		worsened = MeaningfulWorsening
		none     = NoMeaningfulChange
	)
	tests := []struct {
		name                 string
		instrument           Instrument
		before, after        []Answer
		want                 Verdict
		byPoints, byFraction bool
	}{
		{"NPRS 8 to 6: 2 points, 25%", NPRS, AllGiven(8), AllGiven(6), improved, true, false},
		{"NPRS 6 to 4: 2 points, 33%", NPRS, AllGiven(6), AllGiven(4), improved, true, true},
		{"NPRS 3 to 2: 1 point but 33%", NPRS, AllGiven(3), AllGiven(2), improved, false, true},
		{"NPRS 10 to 7: 3 points, exactly 30%", NPRS, AllGiven(10), AllGiven(7), improved, true, true},
		{"NPRS 5 to 4: 1 point, 20%", NPRS, AllGiven(5), AllGiven(4), none, false, false},
		{"NPRS 10 to 9: 10%", NPRS, AllGiven(10), AllGiven(9), none, false, false},
		{"NPRS 7 to 7", NPRS, AllGiven(7), AllGiven(7), none, false, false},
		{"NPRS 4 to 6: worse by 2 points", NPRS, AllGiven(4), AllGiven(6), worsened, true, true},
		{"NPRS 8 to 9: worse by 12.5%", NPRS, AllGiven(8), AllGiven(9), none, false, false},
		{"NPRS 2 to 3: worse by 50%", NPRS, AllGiven(2), AllGiven(3), worsened, false, true},
		{"NPRS 0 to 1: zero baseline, points only", NPRS, AllGiven(0), AllGiven(1), none, false, false},
		{"NPRS 0 to 2: zero baseline, 2 points", NPRS, AllGiven(0), AllGiven(2), worsened, true, false},
		{"NPRS 1 to 0: 100% of a small baseline", NPRS, AllGiven(1), AllGiven(0), improved, false, true},

		{"ODI 50 to 40: 10 points, 20%", ODI, sections(25, 0), sections(20, 0), improved, true, false},
		{"ODI 40 to 32: 8 points, 20%", ODI, sections(20, 0), sections(16, 0), none, false, false},
		{"ODI 20 to 14: exactly 30%", ODI, sections(10, 0), sections(7, 0), improved, false, true},
		{"ODI 20 to 16: 20%", ODI, sections(10, 0), sections(8, 0), none, false, false},
		{"ODI 30 to 40: worse by 10 points", ODI, sections(15, 0), sections(20, 0), worsened, true, true},
		{"ODI 60 to 68: worse by 13%", ODI, sections(30, 0), sections(34, 0), none, false, false},
		{"ODI 0 to 8: zero baseline", ODI, sections(0, 0), sections(4, 0), none, false, false},
		{"ODI 0 to 10: zero baseline, 10 points", ODI, sections(0, 0), sections(5, 0), worsened, true, false},
		{"ODI 16/45 to 12/45: 8.9 points, 25%", ODI, sections(16, 1), sections(12, 1), none, false, false},
		{"ODI 16/45 to 11/45: 11.1 points", ODI, sections(16, 1), sections(11, 1), improved, true, true},
		{"ODI 60 to 0", ODI, sections(30, 0), sections(0, 0), improved, true, true},

		{"NDI 20 to 15: 5 raw points", NDI, sections(20, 0), sections(15, 0), improved, true, false},
		{"NDI 20 to 16: 4 raw points", NDI, sections(20, 0), sections(16, 0), none, false, false},
		{"NDI 6 to 4: 33% does not count", NDI, sections(6, 0), sections(4, 0), none, false, false},
		{"NDI 10 to 15: worse by 5", NDI, sections(10, 0), sections(15, 0), worsened, true, false},
		{"NDI 0 to 4: zero baseline", NDI, sections(0, 0), sections(4, 0), none, false, false},
		{"NDI 18 over 9 (20/50) to 15/50", NDI, sections(18, 1), sections(15, 0), improved, true, false},

		{"RMDQ 20 to 15: 5 points, 25%", RMDQ, rmdq(20, 0), rmdq(15, 0), improved, true, false},
		{"RMDQ 12 to 7: 5 points, 42%", RMDQ, rmdq(12, 0), rmdq(7, 0), improved, true, true},
		{"RMDQ 10 to 7: exactly 30%", RMDQ, rmdq(10, 0), rmdq(7, 0), improved, false, true},
		{"RMDQ 10 to 8: 20%", RMDQ, rmdq(10, 0), rmdq(8, 0), none, false, false},
		{"RMDQ 20 to 16: 4 points, 20%", RMDQ, rmdq(20, 0), rmdq(16, 0), none, false, false},
		{"RMDQ 14 to 19: worse by 5", RMDQ, rmdq(14, 0), rmdq(19, 0), worsened, true, true},
		{"RMDQ 0 to 4: zero baseline", RMDQ, rmdq(0, 0), rmdq(4, 0), none, false, false},
		{"RMDQ 0 to 5: zero baseline, 5 points", RMDQ, rmdq(0, 0), rmdq(5, 0), worsened, true, false},

		{"PSFS 4 to 6: higher is better", PSFS, AllGiven(4, 4, 4), AllGiven(6, 6, 6), improved, true, false},
		{"PSFS 6 to 4", PSFS, AllGiven(6, 6, 6), AllGiven(4, 4, 4), worsened, true, false},
		{"PSFS 4 to 5.33", PSFS, AllGiven(4, 4, 4), AllGiven(6, 5, 5), none, false, false},
		{"PSFS 13/3 to 19/3: 2 up to rounding", PSFS, AllGiven(3, 4, 6), AllGiven(5, 6, 8), improved, true, false},
		{"PSFS 5 to 3.5", PSFS, AllGiven(5, 5, 5, 5), AllGiven(4, 4, 3, 3), none, false, false},
		{"PSFS 0 to 2: zero baseline", PSFS, AllGiven(0, 0, 0), AllGiven(2, 2, 2), improved, true, false},
		{"PSFS 2 to 1: 50% does not count", PSFS, AllGiven(2, 2, 2), AllGiven(1, 1, 1), none, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := mustScore(t, tc.instrument, tc.before)
			after := mustScore(t, tc.instrument, tc.after)
			c, err := MeaningfulChange(tc.instrument, before, after)
			if err != nil {
				t.Fatal(err)
			}
			if c.Verdict != tc.want || c.ByPoints != tc.byPoints || c.ByFraction != tc.byFraction {
				t.Errorf("%v to %v: %s (points %v, fraction %v), want %s (%v, %v)",
					before.Score, after.Score, c.Verdict, c.ByPoints, c.ByFraction, tc.want, tc.byPoints, tc.byFraction)
			}
			if c.Instrument != tc.instrument || c.Before != before.Score || c.After != after.Score || c.Delta != after.Score-before.Score {
				t.Errorf("change %+v does not describe %v to %v", c, before.Score, after.Score)
			}
		})
	}
}

func TestMeaningfulChangeErrors(t *testing.T) {
	odi := mustScore(t, ODI, sections(20, 0))
	ndi := mustScore(t, NDI, sections(20, 0))
	otherVersion := odi
	otherVersion.Version = "ODI 1.0"
	offScale := odi
	offScale.Score = 120
	notANumber := odi
	notANumber.Score = math.NaN()
	tests := []struct {
		name          string
		instrument    Instrument
		before, after Result
		field         string
	}{
		{"unknown instrument", "sf36", odi, odi, "instrument"},
		{"NDI after ODI", ODI, odi, ndi, "after"},
		{"ODI judged as NDI", NDI, odi, ndi, "before"},
		{"another version", ODI, otherVersion, odi, "before"},
		{"score off the scale", ODI, odi, offScale, "after"},
		{"score not a number", ODI, notANumber, odi, "before"},
		{"empty result", ODI, Result{}, odi, "before"},
	}
	for _, tc := range tests {
		_, err := MeaningfulChange(tc.instrument, tc.before, tc.after)
		var ce *clinic.Error
		if !errors.As(err, &ce) || ce.Code != clinic.EInvalid || len(ce.Fields) == 0 || ce.Fields[0].Field != tc.field {
			t.Errorf("%s: %v, want EInvalid naming %s", tc.name, err, tc.field)
		}
	}
}

// The chart's lines: the score a later visit must reach to be a meaningful
// improvement or worsening from the baseline.
func TestChangeLines(t *testing.T) {
	const off = math.MaxFloat64 // the line is off the scale
	tests := []struct {
		instrument             Instrument
		baseline               float64
		improvement, worsening float64
	}{
		{NPRS, 8, 6, 10},    // 2 points is less than 30% of 8
		{NPRS, 5, 3.5, 6.5}, // 30% of 5 is less than 2 points
		{NPRS, 1, 0.7, 1.3},
		{NPRS, 0, off, 2}, // zero baseline: points only
		{NPRS, 10, 8, off},
		{ODI, 50, 40, 60},
		{ODI, 20, 14, 26},
		{ODI, 0, off, 10},
		{ODI, 95, 85, off},
		{NDI, 20, 15, 25},
		{NDI, 4, off, 9}, // no percentage criterion for NDI
		{NDI, 48, 43, off},
		{RMDQ, 12, 8.4, 15.6}, // 30% of 12 is less than 5 points
		{RMDQ, 20, 15, off},
		{RMDQ, 2, 1.4, 2.6},
		{RMDQ, 24, 19, off},
		{PSFS, 4, 6, 2}, // higher is better
		{PSFS, 9, off, 7},
		{PSFS, 0, 2, off},
		{PSFS, 10, off, 8},
		{ODI, 101, off, off}, // a baseline off the scale
		{NPRS, math.NaN(), off, off},
	}
	for _, tc := range tests {
		spec, _ := SpecOf(tc.instrument)
		for _, l := range []struct {
			name string
			line func(float64) (float64, bool)
			want float64
		}{{"improvement", spec.ImprovementLine, tc.improvement}, {"worsening", spec.WorseningLine, tc.worsening}} {
			got, ok := l.line(tc.baseline)
			if ok != (l.want != off) || ok && !near(got, l.want) {
				t.Errorf("%s baseline %v: %s line %v (on scale %v), want %v", tc.instrument, tc.baseline, l.name, got, ok, l.want)
			}
		}
	}
}

// For every score an instrument can produce, the verdicts agree with the
// lines drawn on the chart: reaching the improvement line is a meaningful
// improvement, reaching the worsening line a meaningful worsening, and
// anything between them is not meaningful.
func TestVerdictsAgreeWithLines(t *testing.T) {
	for _, spec := range Specs() {
		scores := reachableScores(t, spec)
		for _, before := range scores {
			for _, after := range scores {
				c, err := MeaningfulChange(spec.Instrument, before, after)
				if err != nil {
					t.Fatal(err)
				}
				if want := verdictByLines(spec, before.Score, after.Score); c.Verdict != want {
					t.Fatalf("%s %v to %v: %s, but the chart's lines say %s",
						spec.Instrument, before.Score, after.Score, c.Verdict, want)
				}
			}
		}
	}
}

// verdictByLines is the verdict read off a progress chart: at or past the
// improvement line is a meaningful improvement, at or past the worsening
// line a meaningful worsening.
func verdictByLines(spec Spec, before, after float64) Verdict {
	if up, ok := spec.ImprovementLine(before); ok && reaches(after, up, spec.HigherIsBetter) {
		return MeaningfulImprovement
	}
	if down, ok := spec.WorseningLine(before); ok && reaches(after, down, !spec.HigherIsBetter) {
		return MeaningfulWorsening
	}
	return NoMeaningfulChange
}

// reaches says whether score is at or past line, going up or down.
func reaches(score, line float64, up bool) bool {
	if up {
		return score >= line-tolerance
	}
	return score <= line+tolerance
}

// reachableScores returns one result for every score the instrument can
// produce with every item answered (and, for ODI and NDI, with one and two
// missing too).
func reachableScores(t *testing.T, spec Spec) []Result {
	var out []Result
	switch spec.Instrument {
	case ODI, NDI:
		for missing := range 3 {
			for raw := 0; raw <= 5*(10-missing); raw++ {
				out = append(out, mustScore(t, spec.Instrument, sections(raw, missing)))
			}
		}
	case RMDQ:
		for yes := range 25 {
			out = append(out, mustScore(t, spec.Instrument, rmdq(yes, 0)))
		}
	case NPRS:
		for v := range 11 {
			out = append(out, mustScore(t, spec.Instrument, AllGiven(v)))
		}
	case PSFS:
		for n := 3; n <= 5; n++ {
			for sum := 0; sum <= 10*n; sum++ {
				ratings := make([]int, n)
				for i, left := 0, sum; i < n; i++ {
					ratings[i] = min(left, 10)
					left -= ratings[i]
				}
				out = append(out, mustScore(t, spec.Instrument, AllGiven(ratings...)))
			}
		}
	}
	return out
}
