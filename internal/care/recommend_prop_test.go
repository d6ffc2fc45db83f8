package care

import (
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"knead/internal/clinic"
)

// Whatever else is asked, a contraindicated modality is never suggested,
// and the best match, when ruled out, is named in the reasons of the one
// that takes its place.
func TestNeverContraindicated(t *testing.T) {
	for _, tc := range recCases {
		base, err := Recommend(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		for _, slug := range clinic.Modalities {
			in := tc.in
			in.Contraindicated = maps.Clone(tc.in.Contraindicated)
			if in.Contraindicated == nil {
				in.Contraindicated = map[string]bool{}
			}
			in.Contraindicated[slug] = true
			rec, err := Recommend(in)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := suggested(rec, slug); ok {
				t.Errorf("%s: contraindicated %s suggested", tc.name, slug)
			}
			checkWellFormed(t, in, rec)
			if len(base.Modalities) == 0 || base.Modalities[0].Modality != slug || len(rec.Modalities) == 0 {
				continue
			}
			want := capitalize(named(slug)) + " matched better but is contraindicated"
			if !strings.Contains(strings.Join(rec.Modalities[0].Reasons, "\n"), want) {
				t.Errorf("%s: with %s ruled out, %s does not say so: %q", tc.name, slug, rec.Modalities[0].Modality, rec.Modalities[0].Reasons)
			}
		}
	}
}

// The same answers give the same recommendation, in whatever order they
// were given.
func TestRecommendDeterministic(t *testing.T) {
	for _, tc := range recCases {
		first, err := Recommend(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		again, _ := Recommend(tc.in)
		if !reflect.DeepEqual(first, again) {
			t.Errorf("%s: two runs differ", tc.name)
		}
		in := tc.in
		in.Report.Pain = reversed(in.Report.Pain)
		in.Report.Factors = reversed(in.Report.Factors)
		in.Assessment.Posture = reversed(in.Assessment.Posture)
		in.Assessment.Motion = reversed(in.Assessment.Motion)
		if shuffled, _ := Recommend(in); !reflect.DeepEqual(first, shuffled) {
			t.Errorf("%s: the order of the answers changes the result:\n%+v\n%+v", tc.name, first, shuffled)
		}
	}
}

func reversed[T any](s []T) []T {
	s = slices.Clone(s)
	slices.Reverse(s)
	return s
}

// With nothing to go on, or only the wish to relax or keep well, knead
// suggests Swedish massage weekly or every two weeks, and says why.
func TestGentleDefault(t *testing.T) {
	for _, in := range []Input{
		{},
		{Report: Report{Goal: GoalRelaxation}},
		{Report: Report{Goal: GoalMaintenance}},
		{Report: Report{Goal: GoalPainRelief}},
		{Report: Report{Pain: pain(spot("neck", SideNone, 0))}},
		{Assessment: Assessment{Motion: tests(move(LumbarFlexion, SideNone, Normal))}},
		{Offered: set("swedish")},
	} {
		rec, err := Recommend(in)
		if err != nil {
			t.Fatal(err)
		}
		if len(rec.Modalities) != 1 || rec.Modalities[0].Modality != "swedish" || rec.Modalities[0].Frequency != WeeklyOrBiweekly {
			t.Errorf("%+v: got %v, want Swedish alone, weekly or bi-weekly", in, scored(rec))
			continue
		}
		if r := rec.Modalities[0].Reasons; len(r) == 0 || r[0] == "" {
			t.Errorf("%+v: Swedish without a reason", in)
		}
		if len(rec.Referral.To) > 0 || len(rec.Skipped) > 0 {
			t.Errorf("%+v: referral or skips from nothing: %+v", in, rec)
		}
	}
	rec, _ := Recommend(Input{Contraindicated: set("swedish")})
	if len(rec.Modalities) != 0 {
		t.Errorf("Swedish contraindicated, yet suggested: %v", scored(rec))
	}
}

// A referral puts every suggestion beside it, never in its place.
func TestReferralMakesMassageSupportive(t *testing.T) {
	for _, tc := range recCases {
		if !tc.refer {
			continue
		}
		rec, _ := Recommend(tc.in)
		if !slices.Equal(rec.Referral.To, []string{Chiropractic, Physiotherapy}) || len(rec.Referral.Reasons) < 2 {
			t.Errorf("%s: referral %+v", tc.name, rec.Referral)
		}
		for _, s := range rec.Modalities {
			if s.Reasons[0] != supportiveOnly {
				t.Errorf("%s: %s does not say it is supportive: %q", tc.name, s.Modality, s.Reasons)
			}
		}
	}
}

// inputFrom turns fuzz bytes into an input: mostly valid answers, now and
// then an invalid one, and any sets of contraindicated and offered
// modalities.
func inputFrom(b []byte) Input {
	next := func(n int) int {
		if len(b) == 0 {
			return 0
		}
		v := int(b[0]) % n
		b = b[1:]
		return v
	}
	// pick is one of valid, or rarely the invalid value.
	pick := func(valid []string, invalid string) string {
		v := next(8*len(valid) + 1)
		if v == 8*len(valid) {
			return invalid
		}
		return valid[v%len(valid)]
	}
	sides := []string{"", "left", "right", "both"}
	var in Input
	for range next(5) {
		in.Report.Pain = append(in.Report.Pain, PainSpot{Region: pick(regionSlugList(), "elbow"),
			Side: Side(pick(sides, "up")), Intensity: next(11)})
	}
	in.Report.NPRS = next(11)
	in.Report.PainDays = next(40) * next(30)
	in.Report.FlareUp = next(4) == 0
	for range next(5) {
		in.Report.Factors = append(in.Report.Factors, Factor(pick(strs(Factors), "weather")))
	}
	in.Report.Goal = Goal(pick(append(strs(Goals), ""), "fun"))
	for range next(3) {
		in.Assessment.Posture = append(in.Assessment.Posture, PostureFinding{Kind: Posture(pick(strs(Postures), "slouch")),
			Side: Side(pick(sides, "up"))})
	}
	results := []string{"normal", "restricted", "painful", "restricted-painful"}
	for range next(5) {
		in.Assessment.Motion = append(in.Assessment.Motion, MotionTest{Movement: Movement(pick(strs(Movements), "toe-touch")),
			Side: Side(pick(sides, "up")), Result: Result(pick(results, "stiff"))})
	}
	in.Contraindicated = map[string]bool{}
	mask := next(256)<<8 | next(256)
	for i, slug := range clinic.Modalities {
		if mask&(1<<i) != 0 {
			in.Contraindicated[slug] = true
		}
	}
	if next(3) > 0 {
		in.Offered = map[string]bool{}
		mask := next(256)<<8 | next(256)
		for i, slug := range clinic.Modalities {
			if mask&(1<<i) == 0 {
				in.Offered[slug] = true
			}
		}
	}
	return in
}

func regionSlugList() []string {
	out := make([]string, len(Regions))
	for i, r := range Regions {
		out[i] = r.Slug
	}
	return out
}

func strs[T ~string](s []T) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[i] = string(v)
	}
	return out
}

func FuzzRecommend(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{3, 6, 1, 7, 4, 0, 2, 9, 5, 20, 1, 3, 9, 15, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15})
	f.Add([]byte("tech neck and sciatica on a tuesday, with cupping ruled out"))
	f.Fuzz(func(t *testing.T, b []byte) {
		in := inputFrom(b)
		rec, err := Recommend(in)
		if err != nil {
			if clinic.ErrorCode(err) != clinic.EInvalid {
				t.Fatalf("error %v is not a validation error", err)
			}
			return
		}
		checkWellFormed(t, in, rec)
		again, _ := Recommend(in)
		if !reflect.DeepEqual(rec, again) {
			t.Fatal("two runs differ")
		}
	})
}
