package outcome

import (
	"math"
	"testing"

	"knead/internal/clinic"
)

// fuzzAnswers reads an answer set from data, a byte per item: 0xF0 and
// above unanswered, 0xEF unanswered but with a value, 0x80 to 0xEE a value
// from -8 to 102 (mostly out of range), and below 0x80 a value from 0 to 10.
func fuzzAnswers(data []byte) []Answer {
	answers := make([]Answer, len(data))
	for i, b := range data {
		switch {
		case b >= 0xF0:
			answers[i] = Answer{}
		case b == 0xEF:
			answers[i] = Answer{Value: 3}
		case b >= 0x80:
			answers[i] = Given(int(b) - 0x80 - 8)
		default:
			answers[i] = Given(int(b) % 11)
		}
	}
	return answers
}

// Random answers never panic; a score is always on its documented scale with
// counts that add up, and an error is always an EInvalid *clinic.Error. Two
// scored sets also yield a verdict that agrees with the chart's lines.
func FuzzScore(f *testing.F) {
	f.Add(uint8(1), []byte{1, 2, 2, 1, 2, 2, 1, 2, 2, 1}, []byte{0, 1, 1, 0, 1, 1, 0, 1, 1, 0})
	f.Add(uint8(1), []byte{1, 2, 2, 1, 2, 2, 1, 2, 2, 0xF0}, []byte{5, 5, 5, 5, 5, 5, 5, 5, 0xF0, 0xF0})
	f.Add(uint8(2), []byte{2, 2, 2, 2, 2, 2, 2, 2, 2, 2}, []byte{9, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	f.Add(uint8(3), make([]byte, 24), []byte{1, 1, 1, 1, 1, 1, 1, 0xF0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	f.Add(uint8(4), []byte{3, 4, 6}, []byte{5, 6, 8, 10, 10})
	f.Add(uint8(0), []byte{8}, []byte{0})
	f.Add(uint8(0), []byte{0xF0}, []byte{0xEF})
	f.Add(uint8(1), []byte{0xF0, 0xF0, 0xF0, 1, 1, 1, 1, 1, 1, 1}, []byte{0x90, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, which uint8, first, second []byte) {
		specs := Specs()
		spec := specs[int(which)%len(specs)]
		var results []Result
		for _, data := range [][]byte{first, second} {
			answers := fuzzAnswers(data)
			r, err := Score(spec.Instrument, answers)
			if err != nil {
				if clinic.ErrorCode(err) != clinic.EInvalid {
					t.Fatalf("%s %v: error %v is not EInvalid", spec.Instrument, answers, err)
				}
				continue
			}
			checkResult(t, spec, answers, r)
			results = append(results, r)
		}
		if len(results) == 2 {
			checkChange(t, spec, results[0], results[1])
		}
	})
}

func checkResult(t *testing.T, spec Spec, answers []Answer, r Result) {
	t.Helper()
	if r.Score < spec.ScoreMin || r.Score > spec.ScoreMax || math.IsNaN(r.Score) {
		t.Fatalf("%s %v: score %v off the scale %v-%v", spec.Instrument, answers, r.Score, spec.ScoreMin, spec.ScoreMax)
	}
	if r.Percent < 0 || r.Percent > 100 || !near(r.Percent, (r.Score-spec.ScoreMin)*100/(spec.ScoreMax-spec.ScoreMin)) {
		t.Fatalf("%s %v: percent %v for score %v", spec.Instrument, answers, r.Percent, r.Score)
	}
	if rounded := r.Rounded(); rounded < spec.ScoreMin || rounded > spec.ScoreMax || math.Abs(rounded-r.Score) > 0.005+tolerance {
		t.Fatalf("%s: %v rounds to %v", spec.Instrument, r.Score, rounded)
	}
	if r.Answered+r.Missing != len(answers) || r.Missing > spec.MaxMissing || r.Raw < 0 || r.Raw > spec.ItemMax*r.Answered {
		t.Fatalf("%s %v: raw %d, %d answered, %d missing", spec.Instrument, answers, r.Raw, r.Answered, r.Missing)
	}
	if band, _ := ODIBand(r.Percent); (spec.Instrument == ODI) != (r.Band != "") || spec.Instrument == ODI && r.Band != band {
		t.Fatalf("%s at %v%%: band %q", spec.Instrument, r.Percent, r.Band)
	}
}

func checkChange(t *testing.T, spec Spec, before, after Result) {
	t.Helper()
	c, err := MeaningfulChange(spec.Instrument, before, after)
	if err != nil {
		t.Fatal(err)
	}
	if same, _ := MeaningfulChange(spec.Instrument, before, before); same.Verdict != NoMeaningfulChange {
		t.Fatalf("%s %v to itself: %s", spec.Instrument, before.Score, same.Verdict)
	}
	if want := verdictByLines(spec, before.Score, after.Score); c.Verdict != want {
		t.Fatalf("%s %v to %v: %s, but the chart's lines say %s", spec.Instrument, before.Score, after.Score, c.Verdict, want)
	}
}
