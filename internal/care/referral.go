package care

import "slices"

// When to refer out (DOMAIN.md section 7, seed 003): back pain from a joint
// or the skeleton is for joint manipulation (chiropractic) or spinal
// decompression (physiotherapy), and massage is then not the main treatment.
// Most back pain is muscle strain, and a strained muscle guards: one painful
// or stiff movement is what muscle pain looks like. So knead refers only on
// signs that agree with each other, never on one alone:
//
//   - the lumbar joint pattern: lumbar extension restricted and painful,
//     lumbar side bend restricted and painful, and a lateral shift seen.
//     Extension and side bend load the joints at the back of the spine, and
//     a shift is the body holding itself off them: three signs together
//     point away from muscle.
//   - locking: the client says the back or neck locks or catches, and a
//     spine movement (lumbar or cervical) is restricted and painful. Locking
//     is how people describe a joint; the test confirms it is not only a
//     word. Locking alone gets a note asking the therapist to test.
//
// The referral names both professions: which of the two is for the
// clinician who examines the joint to say, not for a massage clinic.
func (f *facts) referral() Referral {
	var reasons []string
	ext := f.spineTests(LumbarExtension)
	bend := f.spineTests(LumbarSideBend)
	shift := f.seenOf(LateralShift)
	if len(ext) > 0 && len(bend) > 0 && len(shift) > 0 {
		var words []string
		for _, m := range append(ext, bend...) {
			words = append(words, tested(m))
		}
		words = append(words, seen(shift[0]))
		reasons = append(reasons, "The assessment shows "+joinAnd(words)+
			": together they point to a joint or skeletal cause rather than muscle.")
	}
	if f.factors[FactorJointLocking] {
		if spine := f.spineTests(LumbarFlexion, LumbarExtension, LumbarSideBend, LumbarRotation, CervicalRotation, CervicalSideBend); len(spine) > 0 {
			reasons = append(reasons, "You reported "+factorWords[FactorJointLocking]+", and "+
				lowerFirst(testsShown(spine))+": that points to a joint rather than muscle.")
		}
	}
	if len(reasons) == 0 {
		return Referral{}
	}
	reasons = append(reasons, "Refer to chiropractic (joint manipulation) or physiotherapy (spinal decompression); massage is not the main treatment.")
	return Referral{To: []string{Chiropractic, Physiotherapy}, Reasons: reasons}
}

// spineTests are the tests of those movements that were restricted and
// painful.
func (f *facts) spineTests(movements ...Movement) []MotionTest {
	return filter(f.tests(RestrictedPainful), func(m MotionTest) bool { return slices.Contains(movements, m.Movement) })
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]|0x20) + s[1:]
}

// Aftercare for the patterns found (DOMAIN.md section 11).
var (
	ergonomics = []string{
		"Keep your screen at eye level.",
		"Adjust your chair so your feet rest flat and your lower back is supported.",
		"Hold your phone up instead of looking down at it for long periods.",
	}
	sittingBreaks = "Break up long sitting: stand and walk gently for a few minutes every half hour."
)

func (f *facts) aftercare() []string {
	var out []string
	if len(f.techNeck()) > 0 {
		out = append(out, ergonomics...)
	}
	if len(f.lowerBackLoad()) > 0 && len(f.said(FactorLongSitting, FactorDeskWork, FactorDriving)) > 0 {
		out = append(out, sittingBreaks)
	}
	return out
}

// notes tell the therapist what the ranking cannot show.
func (f *facts) notes(ref Referral) []string {
	var out []string
	legs := f.at("leg-radiating")
	left, right := false, false
	for _, l := range legs {
		left = left || l.Side == SideLeft || l.Side == SideBoth
		right = right || l.Side == SideRight || l.Side == SideBoth
	}
	if left && right {
		out = append(out, "Pain travelling down both legs (bilateral sciatica) is an emergency red flag: intake screening must clear it before any treatment.")
	}
	if f.factors[FactorJointLocking] && len(ref.To) == 0 {
		out = append(out, "The client reports the back or neck locking or catching: test lumbar and cervical range of motion, and refer if a movement is restricted and painful.")
	}
	return out
}
