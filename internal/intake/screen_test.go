package intake

import (
	"slices"
	"strings"
	"testing"
	"time"

	"knead/internal/civil"
)

func ruleByID(t *testing.T, id string) Rule {
	t.Helper()
	i := slices.IndexFunc(RedFlags, func(r Rule) bool { return r.ID == id })
	if i < 0 {
		t.Fatalf("no rule %q", id)
	}
	return RedFlags[i]
}

func findingIDs(s Screening) []string {
	ids := []string{}
	for _, f := range s.Findings {
		ids = append(ids, f.Rule)
	}
	return ids
}

func causeFields(f Finding) []string {
	var out []string
	for _, c := range f.Causes {
		out = append(out, c.Field)
	}
	return out
}

// checkScreening checks the tier, the rules that fired in order, that each
// finding carries its rule's tier, reason and at least one cause, and,
// when fields is set, the causes of the first finding.
func checkScreening(t *testing.T, s Screening, tier Tier, rules []string, fields []string) {
	t.Helper()
	if s.Tier != tier {
		t.Errorf("tier = %s, want %s (findings %v)", s.Tier, tier, findingIDs(s))
	}
	if got := findingIDs(s); !slices.Equal(got, rules) {
		t.Errorf("rules = %v, want %v", got, rules)
	}
	for _, f := range s.Findings {
		r := ruleByID(t, f.Rule)
		if f.Tier != r.Tier || f.Reason != r.Reason || len(f.Causes) == 0 {
			t.Errorf("finding %+v does not carry its rule's tier %s and reason %q, or has no cause", f, r.Tier, r.Reason)
		}
		for _, c := range f.Causes {
			if c.Field == "" || c.Says == "" {
				t.Errorf("finding %s: cause %+v is not explained", f.Rule, c)
			}
		}
	}
	if fields != nil && len(s.Findings) > 0 {
		if got := causeFields(s.Findings[0]); !slices.Equal(got, fields) {
			t.Errorf("causes of %s = %v, want %v", s.Findings[0].Rule, got, fields)
		}
	}
}

func TestCleanIntakeHasNoFlag(t *testing.T) {
	s := Screen(clean(), now)
	checkScreening(t, s, TierNone, []string{}, nil)
	if s.Message() != "Nothing in your answers stops you from booking." || !s.Bookable(NoClearance) {
		t.Errorf("message %q, bookable %v", s.Message(), s.Bookable(NoClearance))
	}
}

// Every rule alone, through each answer that can set it off, gives exactly
// its tier, its reason, and the answers that caused it.
func TestEachRuleAlone(t *testing.T) {
	rf := func(q string) []string { return []string{"red_flags." + q} }
	tests := []struct {
		name   string
		change []change
		tier   Tier
		rule   string
		fields []string
	}{
		{"bladder or bowel", []change{yes(QBladderBowel)}, TierEmergency, "bladder-bowel", rf(QBladderBowel)},
		{"saddle numbness", []change{yes(QSaddleNumbness)}, TierEmergency, "saddle-numbness", rf(QSaddleNumbness)},
		{"leg weakness", []change{yes(QLegWeakness)}, TierEmergency, "leg-weakness", rf(QLegWeakness)},
		{"pain down both legs", []change{yes(QBothLegs)}, TierEmergency, "bilateral-sciatica", rf(QBothLegs)},
		{"pain map: leg both sides", []change{pain("leg-radiating", Both)}, TierEmergency, "bilateral-sciatica", []string{"pain_map[1]"}},
		{"pain map: left and right leg", []change{pain("leg-radiating", Left), pain("leg-radiating", Right)}, TierEmergency, "bilateral-sciatica", []string{"pain_map[1]", "pain_map[2]"}},
		{"pulsating mass", []change{yes(QPulsatingMass)}, TierEmergency, "pulsating-mass", rf(QPulsatingMass)},

		{"major trauma", []change{yes(QMajorTrauma)}, TierUrgent, "major-trauma", rf(QMajorTrauma)},
		{"minor trauma over 50", []change{yes(QMinorTrauma), aged(56, 10)}, TierUrgent, "minor-trauma-at-risk", []string{"red_flags." + QMinorTrauma, "date_of_birth"}},
		{"minor trauma with osteoporosis", []change{yes(QMinorTrauma), yes(QOsteoporosis)}, TierUrgent, "minor-trauma-at-risk", []string{"red_flags." + QMinorTrauma, "red_flags." + QOsteoporosis}},
		{"recent injury over 50", []change{event(Injury, 20, "lower-back"), aged(60, 1)}, TierUrgent, "minor-trauma-at-risk", []string{"surgery_or_injury[0]", "date_of_birth"}},
		{"cancer history with new pain", []change{yes(QCancer), newPain}, TierUrgent, "cancer-new-pain", []string{"red_flags." + QCancer, "onset"}},
		{"cancer treatment with new pain", []change{cond(CondCancerTreatment), newPain}, TierUrgent, "cancer-new-pain", []string{"conditions[0]", "onset"}},
		{"weight loss", []change{yes(QWeightLoss)}, TierUrgent, "weight-loss", rf(QWeightLoss)},
		{"fever", []change{yes(QFever)}, TierUrgent, "fever", rf(QFever)},
		{"infection on the checklist", []change{cond(CondInfection)}, TierUrgent, "fever", []string{"conditions[0]"}},
		{"IV drug use", []change{yes(QIVDrugs)}, TierUrgent, "iv-drug-use", rf(QIVDrugs)},
		{"immune suppression", []change{yes(QImmune)}, TierUrgent, "immune-suppression", rf(QImmune)},
		{"night pain", []change{yes(QNightPain)}, TierUrgent, "night-pain", rf(QNightPain)},
		{"worse lying down on the checklist", []change{worse("lying-down")}, TierUrgent, "night-pain", []string{"worse_with[2]"}},
		{"severe numbness", []change{yes(QNumbness)}, TierUrgent, "numbness", rf(QNumbness)},
		{"rapidly worsening", []change{yes(QWorsening)}, TierUrgent, "worsening", rf(QWorsening)},

		{"new pain over 50", []change{newPain, aged(62, 100)}, TierClearance, "age-new-pain", []string{"onset", "date_of_birth"}},
		{"new pain under 20", []change{newPain, aged(17, 100)}, TierClearance, "age-new-pain", []string{"onset", "date_of_birth"}},
		{"not improving", []change{yes(QNotImproving)}, TierClearance, "not-improving", rf(QNotImproving)},
		{"high-risk pregnancy", []change{pregnant(2, Yes)}, TierClearance, "high-risk-pregnancy", []string{"red_flags." + QHighRiskPregnancy, "pregnancy.pregnant", "pregnancy.high_risk"}},
		{"high-risk pregnancy, pregnancy section only", []change{pregnant(2, Yes), func(a *Answers) { a.RedFlags[QHighRiskPregnancy] = No }}, TierClearance, "high-risk-pregnancy", []string{"pregnancy.pregnant", "pregnancy.high_risk"}},
		{"recent surgery", []change{yes(QRecentSurgery), event(Surgery, 30, "abdomen")}, TierClearance, "recent-surgery", []string{"red_flags." + QRecentSurgery, "surgery_or_injury[0]"}},
		{"surgery 11 weeks ago, answered no", []change{event(Surgery, 77, "abdomen")}, TierClearance, "recent-surgery", []string{"surgery_or_injury[0]"}},
		{"surgery yesterday", []change{event(Surgery, 1, "neck")}, TierClearance, "recent-surgery", []string{"surgery_or_injury[0]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkScreening(t, Screen(with(tt.change...), now), tt.tier, []string{tt.rule}, tt.fields)
		})
	}
}

// Answers that come close to a rule but do not meet it.
func TestNearMisses(t *testing.T) {
	tests := []struct {
		name   string
		change []change
	}{
		{"minor trauma at 35", []change{yes(QMinorTrauma)}},
		{"osteoporosis alone", []change{yes(QOsteoporosis)}},
		{"injury 13 weeks ago at 60", []change{event(Injury, 91, "legs"), aged(60, 1)}},
		{"recent injury at 35", []change{event(Injury, 10, "legs")}},
		{"cancer history with pain older than 12 weeks", []change{yes(QCancer)}},
		{"cancer history with pain of exactly 12 weeks", []change{yes(QCancer), onset(today.AddDays(-84))}},
		{"pain over 12 weeks old at 62", []change{aged(62, 100)}},
		{"new pain at 35", []change{newPain}},
		{"no pain at all, at 62, onset recent", []change{noPain, newPain, aged(62, 100)}},
		{"pain down one leg", []change{pain("leg-radiating", Left)}},
		{"both hips on the pain map", []change{pain("hips-glutes", Both)}},
		{"pregnant, not high-risk", []change{pregnant(1, No)}},
		{"surgery 13 weeks ago", []change{event(Surgery, 91, "abdomen")}},
		{"surgery exactly 12 weeks ago", []change{event(Surgery, 84, "abdomen")}},
		{"other aggravators", []change{worse("morning"), worse("coughing-sneezing")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkScreening(t, Screen(with(tt.change...), now), TierNone, []string{}, nil)
		})
	}
}

// Ambiguous answers go to the stricter reading, with a cause that says so.
func TestAmbiguityErrsTowardReferral(t *testing.T) {
	tests := []struct {
		name   string
		change []change
		tier   Tier
		rule   string
		says   string // in the cause
	}{
		{"emergency question unanswered", []change{unanswered(QSaddleNumbness)}, TierEmergency, "saddle-numbness", "not answered, so counted as yes"},
		{"urgent question unanswered", []change{unanswered(QFever)}, TierUrgent, "fever", "not answered, so counted as yes"},
		{"question set to Unanswered", []change{func(a *Answers) { a.RedFlags[QWorsening] = Unanswered }}, TierUrgent, "worsening", "not answered"},
		{"question with an impossible value", []change{func(a *Answers) { a.RedFlags[QWorsening] = 9 }}, TierUrgent, "worsening", "not answered"},
		{"no red flags at all: every rule on a question fires", []change{func(a *Answers) { a.RedFlags = nil }}, TierEmergency, "bladder-bowel", "not answered"},
		{"onset in the future, at 62", []change{onset(today.AddDays(1)), aged(62, 100)}, TierClearance, "age-new-pain", "is in the future, so counted as recent"},
		{"no onset, at 62", []change{onset(civil.Date{}), aged(62, 100)}, TierClearance, "age-new-pain", "no date given"},
		{"impossible onset date, at 62", []change{onset(civil.Date{Year: 2027, Month: 2, Day: 30}), aged(62, 100)}, TierClearance, "age-new-pain", "no date given"},
		{"no date of birth, new pain", []change{born(civil.Date{}), newPain}, TierClearance, "age-new-pain", "age is counted as under 20 or 50 or over"},
		{"date of birth in the future, new pain", []change{born(today.AddDays(1)), newPain}, TierClearance, "age-new-pain", "missing or in the future"},
		{"no date of birth, minor trauma", []change{born(civil.Date{}), yes(QMinorTrauma)}, TierUrgent, "minor-trauma-at-risk", "age is counted as 50 or over"},
		{"unanswered minor trauma at 56", []change{unanswered(QMinorTrauma), aged(56, 1)}, TierUrgent, "minor-trauma-at-risk", "not answered"},
		{"surgery without a date", []change{func(a *Answers) { a.Events = []Event{{Kind: Surgery, Area: "neck"}} }}, TierClearance, "recent-surgery", "no date given"},
		{"surgery in the future", []change{event(Surgery, -7, "neck")}, TierClearance, "recent-surgery", "in the future"},
		{"pain unanswered, new onset, at 62", []change{func(a *Answers) { a.Pain = nil; a.PainMap = nil }, newPain, aged(62, 100)}, TierClearance, "age-new-pain", "pain started"},
		{"pregnant, risk not given", []change{pregnant(2, Unanswered)}, TierClearance, "high-risk-pregnancy", "not answered"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Screen(with(tt.change...), now)
			if s.Tier != tt.tier {
				t.Errorf("tier = %s, want %s (%v)", s.Tier, tt.tier, findingIDs(s))
			}
			i := slices.IndexFunc(s.Findings, func(f Finding) bool { return f.Rule == tt.rule })
			if i < 0 {
				t.Fatalf("rule %s did not fire: %v", tt.rule, findingIDs(s))
			}
			if !slices.ContainsFunc(s.Findings[i].Causes, func(c Cause) bool { return strings.Contains(c.Says, tt.says) }) {
				t.Errorf("causes %+v do not say %q", s.Findings[i].Causes, tt.says)
			}
		})
	}
}

// The highest tier wins; every finding is listed, strictest first and in
// table order within a tier.
func TestCombinations(t *testing.T) {
	tests := []struct {
		name   string
		change []change
		tier   Tier
		rules  []string
	}{
		{"clearance then urgent then emergency", []change{yes(QNotImproving), yes(QFever), yes(QBladderBowel)}, TierEmergency,
			[]string{"bladder-bowel", "fever", "not-improving"}},
		{"two urgent", []change{yes(QWorsening), yes(QMajorTrauma)}, TierUrgent, []string{"major-trauma", "worsening"}},
		{"urgent and clearance", []change{yes(QImmune), event(Surgery, 14, "mid-back")}, TierUrgent, []string{"immune-suppression", "recent-surgery"}},
		{"two clearance", []change{yes(QNotImproving), newPain, aged(70, 3)}, TierClearance, []string{"age-new-pain", "not-improving"}},
		{"every emergency sign", []change{yes(QBladderBowel), yes(QSaddleNumbness), yes(QLegWeakness), yes(QBothLegs), yes(QPulsatingMass)}, TierEmergency,
			[]string{"bladder-bowel", "saddle-numbness", "leg-weakness", "bilateral-sciatica", "pulsating-mass"}},
		{"one answer, two rules: fever on the checklist and the question", []change{yes(QFever), cond(CondInfection)}, TierUrgent, []string{"fever"}},
		{"over 50 with new pain after lifting", []change{yes(QMinorTrauma), newPain, aged(58, 40)}, TierUrgent, []string{"minor-trauma-at-risk", "age-new-pain"}},
		{"cancer, new pain, over 50, weight loss", []change{yes(QCancer), yes(QWeightLoss), newPain, aged(66, 5)}, TierUrgent,
			[]string{"cancer-new-pain", "weight-loss", "age-new-pain"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkScreening(t, Screen(with(tt.change...), now), tt.tier, tt.rules, nil)
		})
	}
}

// A rule whose answer appears in two places lists both, once each.
func TestCausesAreListedOnce(t *testing.T) {
	s := Screen(with(yes(QFever), cond(CondInfection), yes(QBothLegs), pain("leg-radiating", Both)), now)
	checkScreening(t, s, TierEmergency, []string{"bilateral-sciatica", "fever"}, []string{"red_flags." + QBothLegs, "pain_map[1]"})
	if got := causeFields(s.Findings[1]); !slices.Equal(got, []string{"red_flags." + QFever, "conditions[0]"}) {
		t.Errorf("fever causes = %v", got)
	}
}

// Age is read at now, in now's zone, and "over 50" starts on the 50th
// birthday; "under 20" ends on the 20th.
func TestAgeBoundaries(t *testing.T) {
	tests := []struct {
		name       string
		years      int
		days       int // since that birthday; negative: before it
		clearance  bool
		minorTrama bool
	}{
		{"20th birthday today", 20, 0, false, false},
		{"20th birthday yesterday", 20, 1, false, false},
		{"20th birthday tomorrow: 19", 20, -1, true, false},
		{"19 and a half", 19, 180, true, false},
		{"exactly 21", 21, 0, false, false},
		{"49 and 364 days", 50, -1, false, false},
		{"50th birthday today", 50, 0, true, true},
		{"50th birthday yesterday", 50, 1, true, true},
		{"exactly 51", 51, 0, true, true},
		{"51st birthday tomorrow: 50", 51, -1, true, true},
		{"exactly 49", 49, 0, false, false},
		{"exactly 19", 19, 0, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Screen(with(aged(tt.years, tt.days), newPain), now)
			if got := slices.Contains(findingIDs(s), "age-new-pain"); got != tt.clearance {
				t.Errorf("new pain: age rule fired = %v, want %v (dob %s)", got, tt.clearance, with(aged(tt.years, tt.days)).DateOfBirth)
			}
			s = Screen(with(aged(tt.years, tt.days), yes(QMinorTrauma)), now)
			if got := s.Tier == TierUrgent; got != tt.minorTrama {
				t.Errorf("minor trauma: urgent = %v, want %v", got, tt.minorTrama)
			}
		})
	}
}

func TestAge(t *testing.T) {
	d := func(y int, m time.Month, day int) civil.Date { return civil.Date{Year: y, Month: m, Day: day} }
	tests := []struct {
		dob, on civil.Date
		age     int
		ok      bool
	}{
		{d(1977, 6, 15), d(2027, 6, 15), 50, true},
		{d(1977, 6, 16), d(2027, 6, 15), 49, true},
		{d(1977, 6, 14), d(2027, 6, 15), 50, true},
		{d(1976, 2, 29), d(2026, 2, 28), 49, true}, // a leap-day birthday comes on 1 March
		{d(1976, 2, 29), d(2026, 3, 1), 50, true},
		{d(1976, 2, 29), d(2028, 2, 29), 52, true},
		{d(2027, 6, 15), d(2027, 6, 15), 0, true},
		{d(2027, 6, 16), d(2027, 6, 15), 0, false}, // not born yet
		{civil.Date{}, d(2027, 6, 15), 0, false},
		{d(1977, 2, 30), d(2027, 6, 15), 0, false}, // not a date
	}
	for _, tt := range tests {
		if age, ok := Age(tt.dob, tt.on); age != tt.age || ok != tt.ok {
			t.Errorf("Age(%s, %s) = %d, %v; want %d, %v", tt.dob, tt.on, age, ok, tt.age, tt.ok)
		}
	}
}

// now late on 15 June in Toronto is 16 June in UTC: the same instant read
// in UTC makes a client born on 16 June a year older.
func TestAgeIsReadInNowsZone(t *testing.T) {
	a := with(born(civil.Date{Year: 1977, Month: time.June, Day: 16}), newPain)
	if got := Screen(a, now).Tier; got != TierNone {
		t.Errorf("in Toronto: %s, want none (49 until tomorrow)", got)
	}
	if got := Screen(a, now.UTC()).Tier; got != TierClearance {
		t.Errorf("in UTC: %s, want clearance (50 today)", got)
	}
}

func TestMessages(t *testing.T) {
	tests := []struct {
		name   string
		change []change
		starts string
		has    []string
	}{
		{"emergency", []change{yes(QSaddleNumbness), yes(QFever)}, "Please seek emergency care now",
			[]string{"numbness in the saddle area", "we cannot book one", "We have let the clinic know"}},
		{"urgent", []change{yes(QWeightLoss), yes(QNumbness), yes(QNotImproving)}, "Please see a doctor",
			[]string{"weight loss without trying; severe numbness or tingling", "referral letter"}},
		{"clearance", []change{yes(QNotImproving)}, "Before we can book your visit", []string{"pain not improving after 4 to 6 weeks of care"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := Screen(with(tt.change...), now).Message()
			if !strings.HasPrefix(m, tt.starts) {
				t.Errorf("message %q does not start with %q", m, tt.starts)
			}
			for _, h := range tt.has {
				if !strings.Contains(m, h) {
					t.Errorf("message %q does not say %q", m, h)
				}
			}
			if tt.name == "emergency" && strings.Contains(m, "fever") {
				t.Errorf("emergency message %q should speak only of the emergency", m)
			}
		})
	}
}

// The consequences of DOMAIN.md section 4, tier by clearance.
func TestTierConsequences(t *testing.T) {
	tests := []struct {
		tier                   Tier
		none, staff, clinician bool
		notify, letter         bool
	}{
		{TierNone, true, true, true, false, false},
		{TierClearance, false, true, true, false, false},
		{TierUrgent, false, false, true, false, true},
		{TierEmergency, false, false, false, true, false},
		{Tier(7), false, false, false, true, false}, // unknown: as an emergency
	}
	for _, tt := range tests {
		t.Run(tt.tier.String(), func(t *testing.T) {
			got := []bool{tt.tier.Bookable(NoClearance), tt.tier.Bookable(StaffClearance), tt.tier.Bookable(ClinicianClearance)}
			if want := []bool{tt.none, tt.staff, tt.clinician}; !slices.Equal(got, want) {
				t.Errorf("bookable with none/staff/clinician = %v, want %v", got, want)
			}
			if p := tt.tier.Policy(); p.NotifyClinic != tt.notify || p.ReferralLetter != tt.letter {
				t.Errorf("policy %+v: notify %v, letter %v wanted", p, tt.notify, tt.letter)
			}
		})
	}
}

// The table is reviewable: ids unique, reasons given, every question used
// by some rule, and every rule's tier real.
func TestRedFlagTable(t *testing.T) {
	ids := map[string]bool{}
	for _, r := range RedFlags {
		if ids[r.ID] || r.Reason == "" || r.When == nil || r.Tier == TierNone || r.Tier > TierEmergency {
			t.Errorf("rule %+v: duplicate id, no reason, no condition or no tier", r)
		}
		ids[r.ID] = true
	}
	qs := map[string]bool{}
	for _, q := range Questions {
		if qs[q.ID] || !strings.HasSuffix(q.Text, "?") {
			t.Errorf("question %q: duplicate or not a question", q.ID)
		}
		qs[q.ID] = true
		// Answering only this question no counts it out: a rule must use it.
		a := clean()
		delete(a.RedFlags, q.ID)
		if q.ID != QMinorTrauma && q.ID != QOsteoporosis && q.ID != QCancer && Screen(a, now).Tier == TierNone {
			t.Errorf("question %q is used by no rule", q.ID)
		}
	}
	for q, a := range map[string]Answers{
		QMinorTrauma:  with(unanswered(QMinorTrauma), aged(60, 0)),
		QOsteoporosis: with(unanswered(QOsteoporosis), yes(QMinorTrauma)),
		QCancer:       with(unanswered(QCancer), newPain),
	} {
		if Screen(a, now).Tier == TierNone {
			t.Errorf("question %q is used by no rule", q)
		}
	}
}
