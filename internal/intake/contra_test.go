package intake

import (
	"slices"
	"testing"

	"knead/internal/clinic"
)

// columnModalities are the modalities of each column of DOMAIN.md section 5,
// and those knead puts with the deep-tissue family.
var columnModalities = [NumColumns][]string{
	ColSwedish:  {"swedish"},
	ColDeep:     {"deep-tissue", "trigger-point", "myofascial-release", "myoskeletal-alignment", "sciatica-release", "sports", "thai"},
	ColHotStone: {"hot-stone"},
	ColCupping:  {"cupping"},
}

// The table of DOMAIN.md section 5, written out again from the page, cell
// by cell, with the answers that show each condition: "-" none, "caution",
// "local" (the table's local and contraindicated locally), "clearance",
// "contraindicated".
var domainTable = []struct {
	name   string
	change []change
	rule   string
	cells  [NumColumns]string // swedish, deep-tissue family, hot-stone, cupping
}{
	{"anticoagulants", []change{anticoagulants}, "bleeding", [NumColumns]string{"caution", "contraindicated", "caution", "contraindicated"}},
	{"anticoagulants not answered", []change{func(a *Answers) { a.Medications.Anticoagulants = Unanswered }}, "bleeding", [NumColumns]string{"caution", "contraindicated", "caution", "contraindicated"}},
	{"bleeding disorder", []change{cond(CondBleedingDisorder)}, "bleeding", [NumColumns]string{"caution", "contraindicated", "caution", "contraindicated"}},
	{"low platelets", []change{cond(CondLowPlatelets)}, "bleeding", [NumColumns]string{"caution", "contraindicated", "caution", "contraindicated"}},
	{"deep vein thrombosis", []change{cond(CondDVT)}, "dvt", [NumColumns]string{"contraindicated", "contraindicated", "contraindicated", "contraindicated"}},
	{"osteoporosis", []change{yes(QOsteoporosis)}, "osteoporosis", [NumColumns]string{"caution", "contraindicated", "caution", "contraindicated"}},
	{"bone metastases", []change{cond(CondBoneMetastases)}, "osteoporosis", [NumColumns]string{"caution", "contraindicated", "caution", "contraindicated"}},
	{"neuropathy", []change{cond(CondNeuropathy)}, "loss-of-sensation", [NumColumns]string{"caution", "caution", "contraindicated", "caution"}},
	{"peripheral vascular disease", []change{cond(CondVascular)}, "loss-of-sensation", [NumColumns]string{"caution", "caution", "contraindicated", "caution"}},
	{"severe numbness", []change{yes(QNumbness)}, "loss-of-sensation", [NumColumns]string{"caution", "caution", "contraindicated", "caution"}},
	{"pregnancy, 1st trimester", []change{pregnant(1, No)}, "pregnancy-early-or-high-risk", [NumColumns]string{"caution", "contraindicated", "contraindicated", "local"}},
	{"pregnancy, 2nd trimester", []change{pregnant(2, No)}, "pregnancy", [NumColumns]string{"caution", "caution", "contraindicated", "local"}},
	{"pregnancy, 3rd trimester", []change{pregnant(3, No)}, "pregnancy", [NumColumns]string{"caution", "caution", "contraindicated", "local"}},
	{"pregnancy, 2nd trimester, high-risk", []change{pregnant(2, Yes)}, "pregnancy-early-or-high-risk", [NumColumns]string{"caution", "contraindicated", "contraindicated", "local"}},
	{"pregnancy, trimester not known", []change{pregnant(0, No)}, "pregnancy-early-or-high-risk", [NumColumns]string{"caution", "contraindicated", "contraindicated", "local"}},
	{"uncontrolled high blood pressure", []change{cond(CondHighBP)}, "blood-pressure-heart", [NumColumns]string{"caution", "caution", "contraindicated", "caution"}},
	{"heart disease", []change{cond(CondHeartDisease)}, "blood-pressure-heart", [NumColumns]string{"caution", "caution", "contraindicated", "caution"}},
	{"fever", []change{yes(QFever)}, "fever-infection", [NumColumns]string{"contraindicated", "contraindicated", "contraindicated", "contraindicated"}},
	{"acute infection", []change{cond(CondInfection)}, "fever-infection", [NumColumns]string{"contraindicated", "contraindicated", "contraindicated", "contraindicated"}},
	{"surgery 11 weeks ago", []change{event(Surgery, 77, "mid-back")}, "recent-surgery", [NumColumns]string{"local", "local", "local", "local"}},
	{"recent surgery answered, no date", []change{yes(QRecentSurgery)}, "recent-surgery", [NumColumns]string{"local", "local", "local", "local"}},
	{"skin condition", []change{cond(CondSkin)}, "skin", [NumColumns]string{"local", "local", "contraindicated", "contraindicated"}},
	{"active cancer treatment", []change{cond(CondCancerTreatment)}, "cancer-treatment", [NumColumns]string{"clearance", "contraindicated", "contraindicated", "contraindicated"}},
	{"pacemaker", []change{cond(CondPacemaker)}, "pacemaker", [NumColumns]string{"-", "-", "-", "contraindicated"}},
	{"varicose veins", []change{cond(CondVaricoseVeins)}, "varicose-veins", [NumColumns]string{"local", "local", "contraindicated", "local"}},
}

func levelName(l Level) string {
	if l == LevelNone {
		return "-"
	}
	return l.String()
}

// Every cell of DOMAIN.md section 5, for every modality of its column.
func TestEveryContraindicationCell(t *testing.T) {
	columnNames := [NumColumns]string{"swedish", "deep-tissue family", "hot-stone", "cupping"}
	for _, row := range domainTable {
		got := Assess(with(row.change...), now)
		for col, modalities := range columnModalities {
			t.Run(row.name+"/"+columnNames[col], func(t *testing.T) {
				for _, m := range modalities {
					d := got[m]
					if levelName(d.Level) != row.cells[col] {
						t.Errorf("%s: %s, want %s (%+v)", m, levelName(d.Level), row.cells[col], d.Concerns)
					}
					if d.Level == LevelNone {
						if len(d.Concerns) != 0 {
							t.Errorf("%s: concerns %+v at level none", m, d.Concerns)
						}
						continue
					}
					if len(d.Concerns) != 1 || d.Concerns[0].Rule != row.rule || d.Concerns[0].Level != d.Level || len(d.Concerns[0].Causes) == 0 {
						t.Errorf("%s: concerns %+v, want one of rule %s with its causes", m, d.Concerns, row.rule)
					}
				}
			})
		}
	}
}

func TestNoConditionNoConcern(t *testing.T) {
	got := Assess(clean(), now)
	if len(got) != len(clinic.Modalities) {
		t.Fatalf("%d decisions for %d modalities", len(got), len(clinic.Modalities))
	}
	for _, m := range clinic.Modalities {
		if d := got[m]; d.Modality != m || d.Level != LevelNone || len(d.Concerns) != 0 || d.Areas != nil {
			t.Errorf("%s: %+v", m, d)
		}
	}
}

// Local decisions name where not to work.
func TestLocalAreas(t *testing.T) {
	tests := []struct {
		name     string
		change   []change
		modality string
		areas    []string
	}{
		{"pregnancy: cupping not over the abdomen or lower back", []change{pregnant(2, No)}, "cupping", []string{"abdomen", "lower-back"}},
		{"pregnancy, 1st trimester: the same for cupping", []change{pregnant(1, No)}, "cupping", []string{"abdomen", "lower-back"}},
		{"surgery site", []change{event(Surgery, 30, "neck")}, "deep-tissue", []string{"neck"}},
		{"two surgery sites", []change{event(Surgery, 30, "neck"), event(Surgery, 40, "abdomen")}, "swedish", []string{"abdomen", "neck"}},
		{"a recent and an old surgery", []change{event(Surgery, 30, "neck"), event(Surgery, 200, "abdomen")}, "hot-stone", []string{"neck"}},
		{"an injury is not a surgery", []change{event(Surgery, 30, "neck"), event(Injury, 3, "legs")}, "cupping", []string{"neck"}},
		{"surgery and pregnancy", []change{pregnant(3, No), event(Surgery, 20, "chest")}, "cupping", []string{"abdomen", "chest", "lower-back"}},
		{"skin: the affected area, not known", []change{cond(CondSkin)}, "swedish", nil},
		{"surgery answered without a site", []change{yes(QRecentSurgery)}, "thai", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Assess(with(tt.change...), now)[tt.modality]
			if d.Level != LevelLocal || !slices.Equal(d.Areas, tt.areas) {
				t.Errorf("level %s, areas %v; want local, %v", d.Level, d.Areas, tt.areas)
			}
		})
	}
}

// Surgery is recent for less than 12 weeks before now.
func TestSurgeryWeeks(t *testing.T) {
	tests := []struct {
		days  int
		level Level
	}{
		{0, LevelLocal}, {1, LevelLocal}, {77, LevelLocal}, {83, LevelLocal},
		{84, LevelNone}, {91, LevelNone}, {400, LevelNone},
		{-1, LevelLocal}, // a date in the future counts as recent
	}
	for _, tt := range tests {
		d := Assess(with(event(Surgery, tt.days, "lower-back")), now)
		for _, m := range clinic.Modalities {
			if d[m].Level != tt.level {
				t.Errorf("surgery %d days ago, %s: %s, want %s", tt.days, m, d[m].Level, tt.level)
			}
		}
	}
}

// The strictest level of several conditions wins, and every one is listed,
// strictest first.
func TestStrictestConditionWins(t *testing.T) {
	tests := []struct {
		name     string
		change   []change
		modality string
		level    Level
		rules    []string
	}{
		{"anticoagulants and skin: swedish local over caution", []change{anticoagulants, cond(CondSkin)}, "swedish", LevelLocal, []string{"skin", "bleeding"}},
		{"anticoagulants and skin: deep tissue contraindicated", []change{anticoagulants, cond(CondSkin)}, "deep-tissue", LevelContraindicated, []string{"bleeding", "skin"}},
		{"cancer treatment and varicose veins: swedish needs clearance", []change{cond(CondVaricoseVeins), cond(CondCancerTreatment)}, "swedish", LevelClearance, []string{"cancer-treatment", "varicose-veins"}},
		{"pacemaker adds nothing to swedish", []change{cond(CondPacemaker), cond(CondHighBP)}, "swedish", LevelCaution, []string{"blood-pressure-heart"}},
		{"pacemaker and surgery: cupping contraindicated", []change{cond(CondPacemaker), event(Surgery, 7, "neck")}, "cupping", LevelContraindicated, []string{"pacemaker", "recent-surgery"}},
		{"neuropathy and pregnancy: hot stone contraindicated twice", []change{cond(CondNeuropathy), pregnant(2, No)}, "hot-stone", LevelContraindicated, []string{"loss-of-sensation", "pregnancy"}},
		{"dvt over everything: sports", []change{cond(CondDVT), cond(CondVaricoseVeins), anticoagulants}, "sports", LevelContraindicated, []string{"bleeding", "dvt", "varicose-veins"}},
		{"three cautions stay a caution: thai", []change{cond(CondNeuropathy), cond(CondHeartDisease), pregnant(3, No)}, "thai", LevelCaution, []string{"loss-of-sensation", "pregnancy", "blood-pressure-heart"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Assess(with(tt.change...), now)[tt.modality]
			var rules []string
			for _, c := range d.Concerns {
				rules = append(rules, c.Rule)
			}
			if d.Level != tt.level || !slices.Equal(rules, tt.rules) {
				t.Errorf("%s %v, want %s %v", d.Level, rules, tt.level, tt.rules)
			}
		})
	}
}

// Pregnancy by trimester and risk, for the columns where they differ.
func TestPregnancyByTrimesterAndRisk(t *testing.T) {
	tests := []struct {
		trimester int
		highRisk  YesNo
		deep      Level
	}{
		{1, No, LevelContraindicated}, {2, No, LevelCaution}, {3, No, LevelCaution},
		{1, Yes, LevelContraindicated}, {2, Yes, LevelContraindicated}, {3, Yes, LevelContraindicated},
		{3, Unanswered, LevelContraindicated},
	}
	for _, tt := range tests {
		d := Assess(with(pregnant(tt.trimester, tt.highRisk)), now)
		got := []Level{d["swedish"].Level, d["deep-tissue"].Level, d["myoskeletal-alignment"].Level, d["hot-stone"].Level, d["cupping"].Level}
		want := []Level{LevelCaution, tt.deep, tt.deep, LevelContraindicated, LevelLocal}
		if !slices.Equal(got, want) {
			t.Errorf("trimester %d, high-risk %q: %v, want %v", tt.trimester, tt.highRisk, got, want)
		}
	}
	if d := Assess(with(func(a *Answers) { a.Pregnancy = Pregnancy{} }), now)["deep-tissue"]; d.Level != LevelContraindicated {
		t.Errorf("pregnancy not answered: deep tissue %s, want contraindicated", d.Level)
	}
}

// A modality the table has no column for takes the strictest column.
func TestUnknownModalityIsStrictest(t *testing.T) {
	tests := []struct {
		change []change
		level  Level
	}{
		{[]change{cond(CondPacemaker)}, LevelContraindicated},
		{[]change{cond(CondNeuropathy)}, LevelContraindicated},
		{[]change{cond(CondCancerTreatment)}, LevelContraindicated},
		{[]change{event(Surgery, 3, "neck")}, LevelLocal},
		{nil, LevelNone},
	}
	for _, tt := range tests {
		if d := Contraindications.Decide("reflexology", with(tt.change...), now); d.Level != tt.level {
			t.Errorf("%+v: %s, want %s", d.Concerns, d.Level, tt.level)
		}
	}
}

func TestBookableAndOffered(t *testing.T) {
	tests := []struct {
		level            Level
		bookable, offerd bool
	}{
		{LevelNone, true, true},
		{LevelCaution, true, true},
		{LevelLocal, true, true},
		{LevelClearance, false, true},
		{LevelContraindicated, false, false},
		{Level(9), false, false},
	}
	for _, tt := range tests {
		if Bookable(tt.level) != tt.bookable || Offered(tt.level) != tt.offerd {
			t.Errorf("%s: bookable %v offered %v", tt.level, Bookable(tt.level), Offered(tt.level))
		}
	}
}

func TestContraindicationTable(t *testing.T) {
	for _, m := range clinic.Modalities {
		if _, ok := ModalityColumns[m]; !ok {
			t.Errorf("modality %s has no column", m)
		}
	}
	ids := map[string]bool{}
	for _, r := range Contraindications.Rows {
		if ids[r.ID] || r.Condition == "" || r.When == nil {
			t.Errorf("row %q: duplicate, no condition or no match", r.ID)
		}
		ids[r.ID] = true
		for _, a := range r.Areas {
			if !IsArea(a) {
				t.Errorf("row %s: area %q is not an area", r.ID, a)
			}
		}
	}
	// Every checklist condition stands against some modality.
	for _, c := range Conditions {
		d := Assess(with(cond(c.ID)), now)
		if !slices.ContainsFunc(clinic.Modalities, func(m string) bool { return d[m].Level > LevelNone }) {
			t.Errorf("condition %s is in no row", c.ID)
		}
	}
}
