package intake

import (
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"knead/internal/civil"
	"knead/internal/clinic"
)

// fuzzSource reads choices from the fuzz input and, once it runs out, from
// a PRNG seeded with it, so that short inputs still build rich answers.
type fuzzSource struct {
	data []byte
	rng  *rand.Rand
}

func newFuzzSource(data []byte) *fuzzSource {
	h := fnv.New64a()
	h.Write(data)
	return &fuzzSource{data: data, rng: rand.New(rand.NewPCG(h.Sum64(), uint64(len(data))))}
}

// n returns a choice in [0, k).
func (s *fuzzSource) n(k int) int {
	if len(s.data) > 0 {
		v := int(s.data[0])
		s.data = s.data[1:]
		return v % k
	}
	return s.rng.IntN(k)
}

func (s *fuzzSource) yesNo() YesNo { return YesNo(s.n(4)) } // 3: not an answer at all

// date is near now (days either side), sometimes zero or impossible.
func (s *fuzzSource) date(around civil.Date, days int) civil.Date {
	switch s.n(12) {
	case 0:
		return civil.Date{}
	case 1:
		return civil.Date{Year: around.Year, Month: time.Month(s.n(15)), Day: s.n(33)}
	}
	return around.AddDays(s.n(2*days+1) - days)
}

func (s *fuzzSource) pick(list []string) string { return list[s.n(len(list))] }

func (s *fuzzSource) ids(items []Item) []string {
	var out []string
	for range s.n(4) {
		out = append(out, s.pick(append(itemIDs(items), "bogus", "")))
	}
	return out
}

func (s *fuzzSource) answers(now time.Time) Answers {
	today := civil.DateOf(now)
	regions := []string{"neck", "shoulders", "upper-back", "mid-back", "lower-back", "hips-glutes", "leg-radiating", "knee", ""}
	sides := []string{"left", "right", "both", "centre", ""}
	areas := append(regions, ExtraAreas...)
	a := Answers{
		DateOfBirth: s.date(today.AddDays(-40*365), 30*365),
		Onset:       s.date(today.AddDays(-60), 120),
		WorseWith:   s.ids(Aggravators),
		Conditions:  s.ids(Conditions),
		Medications: Medications{Anticoagulants: s.yesNo()},
		Pregnancy:   Pregnancy{Pregnant: s.yesNo(), Trimester: s.n(5), HighRisk: s.yesNo()},
		Habits:      Habits{SittingHours: []float64{0, 8, 25, -1, math.NaN()}[s.n(5)]},
	}
	if s.n(5) > 0 {
		a.Pain = new(s.n(13) - 1)
	}
	for range s.n(5) {
		a.PainMap = append(a.PainMap, PainArea{Region: s.pick(regions), Side: Side(s.pick(sides)), Intensity: s.n(13) - 1})
	}
	for range s.n(4) {
		a.Events = append(a.Events, Event{Kind: s.pick([]string{Surgery, Injury, "other"}), Date: s.date(today.AddDays(-84), 100), Area: s.pick(areas)})
	}
	if s.n(8) > 0 {
		a.RedFlags = map[string]YesNo{}
		for _, q := range Questions {
			if s.n(10) > 0 {
				a.RedFlags[q.ID] = s.yesNo()
			}
		}
	}
	if s.n(4) == 0 {
		a = with(func(c *Answers) { c.RedFlags[s.pick(itemIDs(Questions))] = Yes })
	}
	return a
}

// emergencySign reports whether the answers show a sign of the emergency
// tier of DOMAIN.md section 4, read straight from the answers.
func emergencySign(a Answers) bool {
	for _, q := range []string{QBladderBowel, QSaddleNumbness, QLegWeakness, QBothLegs, QPulsatingMass} {
		if a.RedFlags[q] != No {
			return true
		}
	}
	legs := map[Side]bool{}
	for _, p := range a.PainMap {
		if p.Region == "leg-radiating" {
			legs[p.Side] = true
		}
	}
	return legs[Both] || (legs[Left] && legs[Right])
}

// Random answers never panic; an emergency sign is never screened below
// emergency; answering a question yes never lowers the tier; the tier is
// that of the strictest finding; every modality is decided at the level of
// its strictest concern.
func FuzzScreen(f *testing.F) {
	for _, seed := range []string{"", "a", "emergency", "\x00\x01\x02\x03", "\xff\xfe\xfd"} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s := newFuzzSource(data)
		at := now.Add(time.Duration(s.n(1000)-500) * time.Hour)
		a := s.answers(at)

		_ = a.Validate()
		sc := Screen(a, at)
		_ = sc.Message()
		if emergencySign(a) && sc.Tier != TierEmergency {
			t.Fatalf("emergency sign screened at %s: %+v", sc.Tier, sc.Findings)
		}
		top := TierNone
		for _, f := range sc.Findings {
			top = max(top, f.Tier)
			if len(f.Causes) == 0 {
				t.Fatalf("finding %s without a cause", f.Rule)
			}
		}
		if top != sc.Tier {
			t.Fatalf("tier %s, strictest finding %s", sc.Tier, top)
		}
		if a.Validate() == nil && slices.ContainsFunc(Questions, func(q Item) bool { return a.RedFlags[q.ID] != Yes && a.RedFlags[q.ID] != No }) {
			t.Fatal("valid with a question unanswered")
		}

		q := Questions[s.n(len(Questions))].ID
		b := a
		b.RedFlags = map[string]YesNo{}
		for k, v := range a.RedFlags {
			b.RedFlags[k] = v
		}
		b.RedFlags[q] = Yes
		if got := Screen(b, at).Tier; got < sc.Tier {
			t.Fatalf("answering %s yes lowers %s to %s", q, sc.Tier, got)
		}

		ds := Assess(a, at)
		for _, m := range clinic.Modalities {
			d := ds[m]
			strictest := LevelNone
			for _, c := range d.Concerns {
				strictest = max(strictest, c.Level)
			}
			if d.Level != strictest || (d.Level == LevelContraindicated && (Bookable(d.Level) || Offered(d.Level))) {
				t.Fatalf("%s: level %s, strictest concern %s", m, d.Level, strictest)
			}
		}
	})
}
