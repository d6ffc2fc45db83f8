// Package care is what knead knows of the work itself, as the public and the
// clinic read it: what each modality is and is for, the body regions of the
// pain map and which modalities suit each, and what to do before a visit
// (DOMAIN.md sections 2, 3, 7 and 11); the assessment's findings (section 6);
// and Recommend, which matches the modality to the misery from what the
// client reports and the therapist finds (section 7). It is pure data and
// functions.
package care

// Modality describes one modality of DOMAIN.md section 2.
type Modality struct {
	Slug, Name string
	What       string // what it is
	For        string // what it is typically for
}

// Modalities in the order of DOMAIN.md section 2; their slugs are
// clinic.Modalities.
var Modalities = []Modality{
	{"swedish", "Swedish massage", "Long strokes, kneading and circular movement on the top layer of muscle.",
		"Relaxation, stress, circulation, mild to moderate pain and maintenance."},
	{"deep-tissue", "Deep tissue massage", "Slow, firm strokes and sustained pressure on the deep layers of muscle and fascia.",
		"Chronic tension, old injuries, posture problems and long-term pain."},
	{"trigger-point", "Trigger point therapy", "Sustained pressure on hyperirritable knots that refer pain elsewhere.",
		"Localized pain, knots, referred pain and acute flare-ups."},
	{"myofascial-release", "Myofascial release", "Gentle sustained stretching of tight fascia.",
		"Stiffness, spasm and restricted movement."},
	{"myoskeletal-alignment", "Myoskeletal alignment", "Orthopedic work that restores muscle balance around the spine.",
		"Posture imbalance, alignment and chronic stiffness."},
	{"hot-stone", "Hot stone massage", "Heated smooth stones relax the tissue for deeper work.",
		"Stress held in the upper back and shoulders, knots and tension headaches."},
	{"cupping", "Cupping", "Suction lifts the tissue instead of pressing on it.",
		"Stubborn tightness, poor circulation, restricted movement and scar tissue."},
	{"sciatica-release", "Sciatica release", "Targeted work on the hips, glutes and piriformis.",
		"Sciatic nerve pain travelling down the leg."},
	{"sports", "Sports massage", "Work specific to a sport and its strains.",
		"Athletes, strains and recovery."},
	{"thai", "Thai massage", "Assisted stretching.", "Mobility."},
}

// ModalityOf returns the description of slug, and false for an unknown one.
func ModalityOf(slug string) (Modality, bool) {
	for _, m := range Modalities {
		if m.Slug == slug {
			return m, true
		}
	}
	return Modality{}, false
}

// Region is a body region of the pain map (DOMAIN.md section 3).
type Region struct {
	Slug, Name string
	// Modalities are those that address pain here (DOMAIN.md section 7),
	// best first.
	Modalities []string
}

// Regions of the pain map, top to bottom.
var Regions = []Region{
	{"neck", "Neck", []string{"trigger-point", "deep-tissue", "myofascial-release", "swedish"}},
	{"shoulders", "Shoulders", []string{"hot-stone", "trigger-point", "deep-tissue", "swedish"}},
	{"upper-back", "Upper back (tech neck)", []string{"trigger-point", "hot-stone", "deep-tissue", "myoskeletal-alignment"}},
	{"mid-back", "Mid back", []string{"deep-tissue", "myofascial-release", "cupping", "swedish"}},
	{"lower-back", "Lower back", []string{"deep-tissue", "myoskeletal-alignment", "myofascial-release", "sciatica-release"}},
	{"hips-glutes", "Hips and glutes", []string{"sciatica-release", "deep-tissue", "myofascial-release"}},
	{"leg-radiating", "Pain travelling down the leg", []string{"sciatica-release"}},
}

// RegionOf returns the region slug, and false for an unknown one.
func RegionOf(slug string) (Region, bool) {
	for _, r := range Regions {
		if r.Slug == slug {
			return r, true
		}
	}
	return Region{}, false
}

// Suits reports whether modality addresses pain in region.
func (r Region) Suits(modality string) bool {
	for _, m := range r.Modalities {
		if m == modality {
			return true
		}
	}
	return false
}

// BeforeFirstVisit is the before-care of DOMAIN.md section 11.
var BeforeFirstVisit = []string{
	"Skip a heavy meal and alcohol for a few hours before.",
	"Wear comfortable clothing.",
	"Arrive 10 minutes early: the first visit starts with a few questions about your pain and health.",
	"Tell your therapist about any concern, injury or condition, and whether the pressure is right during the visit.",
}
