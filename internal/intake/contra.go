package intake

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"knead/internal/clinic"
)

// Level is how far a condition stands against a modality (DOMAIN.md
// section 5). Higher is stricter.
type Level uint8

// The levels, weakest first.
const (
	LevelNone    Level = iota
	LevelCaution       // bookable; the therapist is shown a caution
	// LevelLocal: bookable; the therapist is shown the areas not to work
	// on. The table's "local" and "contraindicated locally" are both this.
	LevelLocal
	LevelClearance       // offered, but booked only once a clearance is recorded
	LevelContraindicated // never offered nor bookable for this client
)

var levelNames = [...]string{"none", "caution", "local", "clearance", "contraindicated"}

func (l Level) String() string {
	if int(l) < len(levelNames) {
		return levelNames[l]
	}
	return fmt.Sprintf("Level(%d)", uint8(l))
}

// MarshalText writes the level's name.
func (l Level) MarshalText() ([]byte, error) { return []byte(l.String()), nil }

// Bookable reports whether a modality at level l can be booked as it is.
func Bookable(l Level) bool { return l <= LevelLocal }

// Offered reports whether a modality at level l may be offered to the
// client: bookable now, or once a clearance is recorded.
func Offered(l Level) bool { return l < LevelContraindicated }

// Column is a column of the contraindication table.
type Column uint8

// The columns of DOMAIN.md section 5, in its order.
const (
	ColSwedish  Column = iota
	ColDeep            // deep-tissue / trigger-point / myofascial / myoskeletal
	ColHotStone        // heat
	ColCupping         // suction
	NumColumns
)

// ModalityColumns puts each modality of clinic.Modalities in a column.
// The table has no column for sciatica-release, sports or thai; they go
// with the deep-tissue family, whose column is never milder than Swedish:
// sciatica release and sports massage are firm, sustained pressure on deep
// tissue, and Thai massage presses and stretches with body weight. None of
// them uses heat or suction, so the hot-stone and cupping columns do not
// apply. A modality missing here takes the strictest of all columns.
var ModalityColumns = map[string]Column{
	"swedish":               ColSwedish,
	"deep-tissue":           ColDeep,
	"trigger-point":         ColDeep,
	"myofascial-release":    ColDeep,
	"myoskeletal-alignment": ColDeep,
	"hot-stone":             ColHotStone,
	"cupping":               ColCupping,
	"sciatica-release":      ColDeep,
	"sports":                ColDeep,
	"thai":                  ColDeep,
}

// Contraindication is one row of the table: a condition, when the answers
// show it, and its level in each column.
type Contraindication struct {
	ID        string
	Condition string // plain words, as in DOMAIN.md section 5
	When      Match
	// Levels in column order: Swedish, deep-tissue family, hot-stone, cupping.
	Levels [NumColumns]Level
	// Areas are where a local level applies. None: the areas the answers
	// give (a surgery site), or, when they give none, the affected area,
	// which the therapist asks about.
	Areas []string
}

// Table is a contraindication table and the modalities' columns.
type Table struct {
	Rows    []Contraindication
	Columns map[string]Column
}

// Short names that keep the table below as readable as DOMAIN.md's.
const (
	none = LevelNone
	caut = LevelCaution
	locl = LevelLocal
	clrn = LevelClearance
	cind = LevelContraindicated
)

// Contraindications is the default table, DOMAIN.md section 5 row by row.
var Contraindications = Table{Columns: ModalityColumns, Rows: []Contraindication{
	{ID: "bleeding", Condition: "anticoagulants or antiplatelets, a bleeding disorder or low platelets",
		When:   AnyOf(Anticoagulants(), HasCondition(CondBleedingDisorder), HasCondition(CondLowPlatelets)),
		Levels: [NumColumns]Level{caut, cind, caut, cind}},
	{ID: "dvt", Condition: "deep vein thrombosis, known or suspected",
		When:   HasCondition(CondDVT),
		Levels: [NumColumns]Level{cind, cind, cind, cind}},
	// How severe osteoporosis is cannot be told from a client's answer,
	// so any osteoporosis is read as the table's "severe".
	{ID: "osteoporosis", Condition: "severe osteoporosis or bone metastases",
		When:   AnyOf(Flag(QOsteoporosis), HasCondition(CondBoneMetastases)),
		Levels: [NumColumns]Level{caut, cind, caut, cind}},
	{ID: "loss-of-sensation", Condition: "loss of sensation: neuropathy or peripheral vascular disease",
		When:   AnyOf(HasCondition(CondNeuropathy), HasCondition(CondVascular), Flag(QNumbness)),
		Levels: [NumColumns]Level{caut, caut, cind, caut}},
	// The table's pregnancy row, split in two so each row has one level
	// per column: the deep-tissue family is contraindicated in the first
	// trimester (or when the trimester is not known) and when high-risk,
	// and otherwise a caution, as for Swedish.
	{ID: "pregnancy-early-or-high-risk", Condition: "pregnancy: first trimester or high-risk",
		When:   PregnantEarlyOrHighRisk(),
		Levels: [NumColumns]Level{caut, cind, cind, locl}, Areas: []string{"abdomen", "lower-back"}},
	{ID: "pregnancy", Condition: "pregnancy: second or third trimester",
		When:   PregnantLater(),
		Levels: [NumColumns]Level{caut, caut, cind, locl}, Areas: []string{"abdomen", "lower-back"}},
	{ID: "blood-pressure-heart", Condition: "uncontrolled high blood pressure or heart disease",
		When:   AnyOf(HasCondition(CondHighBP), HasCondition(CondHeartDisease)),
		Levels: [NumColumns]Level{caut, caut, cind, caut}},
	{ID: "fever-infection", Condition: "fever or an acute infection",
		When:   AnyOf(Flag(QFever), HasCondition(CondInfection)),
		Levels: [NumColumns]Level{cind, cind, cind, cind}},
	{ID: "recent-surgery", Condition: fmt.Sprintf("surgery in the last %d weeks", RecentWeeks),
		When:   AnyOf(Flag(QRecentSurgery), RecentEvent(Surgery, RecentWeeks)),
		Levels: [NumColumns]Level{locl, locl, locl, locl}},
	{ID: "skin", Condition: "a skin condition, open wound, burn or sunburn",
		When:   HasCondition(CondSkin),
		Levels: [NumColumns]Level{locl, locl, cind, cind}},
	{ID: "cancer-treatment", Condition: "active cancer treatment (chemotherapy, radiation)",
		When:   HasCondition(CondCancerTreatment),
		Levels: [NumColumns]Level{clrn, cind, cind, cind}},
	{ID: "pacemaker", Condition: "a pacemaker",
		When:   HasCondition(CondPacemaker),
		Levels: [NumColumns]Level{none, none, none, cind}},
	{ID: "varicose-veins", Condition: "varicose veins",
		When:   HasCondition(CondVaricoseVeins),
		Levels: [NumColumns]Level{locl, locl, cind, locl}},
}}

// Concern is one condition that stands against a modality.
type Concern struct {
	Rule      string   `json:"rule"`
	Condition string   `json:"condition"`
	Level     Level    `json:"level"`
	Areas     []string `json:"areas,omitempty"` // at LevelLocal: where not to work, when known
	Causes    []Cause  `json:"causes"`
}

// Decision is what the table says of one modality for one client: the
// strictest level and every concern, strictest first.
type Decision struct {
	Modality string    `json:"modality"`
	Level    Level     `json:"level"`
	Areas    []string  `json:"areas,omitempty"` // every area of the local concerns, sorted
	Concerns []Concern `json:"concerns"`
}

// Assess decides every modality of clinic.Modalities with the default
// table, Contraindications.
func Assess(a Answers, now time.Time) map[string]Decision { return Contraindications.Assess(a, now) }

type hit struct {
	row    *Contraindication
	causes []Cause
}

func (t Table) hits(a Answers, now time.Time) []hit {
	var hs []hit
	for i := range t.Rows {
		if cs := t.Rows[i].When(a, now); len(cs) > 0 {
			hs = append(hs, hit{&t.Rows[i], dedupe(cs)})
		}
	}
	return hs
}

// Assess decides every modality of clinic.Modalities for the answers at now.
func (t Table) Assess(a Answers, now time.Time) map[string]Decision {
	hs := t.hits(a, now)
	out := make(map[string]Decision, len(clinic.Modalities))
	for _, m := range clinic.Modalities {
		out[m] = t.decide(m, hs)
	}
	return out
}

// Decide decides one modality, which need not be in clinic.Modalities.
func (t Table) Decide(modality string, a Answers, now time.Time) Decision {
	return t.decide(modality, t.hits(a, now))
}

// level is row's level for modality: its column's, or the strictest of all
// for a modality without a column.
func (t Table) level(row *Contraindication, modality string) Level {
	if c, ok := t.Columns[modality]; ok && c < NumColumns {
		return row.Levels[c]
	}
	return slices.Max(row.Levels[:])
}

func (t Table) decide(modality string, hs []hit) Decision {
	d := Decision{Modality: modality, Concerns: []Concern{}}
	for _, h := range hs {
		l := t.level(h.row, modality)
		if l == LevelNone {
			continue
		}
		c := Concern{Rule: h.row.ID, Condition: h.row.Condition, Level: l, Causes: h.causes}
		if l == LevelLocal {
			c.Areas = h.row.Areas
			if len(c.Areas) == 0 {
				for _, cause := range h.causes {
					c.Areas = append(c.Areas, cause.Areas...)
				}
			}
			c.Areas = sortedSet(c.Areas)
			d.Areas = append(d.Areas, c.Areas...)
		}
		d.Concerns = append(d.Concerns, c)
		d.Level = max(d.Level, l)
	}
	slices.SortStableFunc(d.Concerns, func(x, y Concern) int { return cmp.Compare(y.Level, x.Level) })
	d.Areas = sortedSet(d.Areas)
	return d
}

func sortedSet(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	s = slices.Clone(s)
	slices.Sort(s)
	return slices.Compact(s)
}
