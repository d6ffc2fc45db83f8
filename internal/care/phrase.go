package care

import (
	"fmt"
	"strings"
)

// The words reasons are made of. Reasons quote what the client said and what
// the therapist found, in plain words, so a reason can be checked against
// the answers that caused it.

func joinQuoted[T ~string](items []T) string {
	q := make([]string, len(items))
	for i, it := range items {
		q[i] = fmt.Sprintf("%q", it)
	}
	return strings.Join(q, ", ")
}

// joinAnd joins "a", "a and b", "a, b and c".
func joinAnd(items []string) string { return joinWith(items, " and ") }

// joinOr joins "a", "a or b", "a, b or c".
func joinOr(items []string) string { return joinWith(items, " or ") }

func joinWith(items []string, last string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + last + items[len(items)-1]
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// where says where a spot is: "in your lower back", "in the left side of
// your neck", "travelling down your left leg".
func where(region string, side Side) string {
	switch region {
	case "leg-radiating":
		switch side {
		case SideLeft, SideRight:
			return "travelling down your " + string(side) + " leg"
		case SideBoth:
			return "travelling down both legs"
		}
		return "travelling down your leg"
	case "shoulders":
		if side == SideLeft || side == SideRight {
			return "in your " + string(side) + " shoulder"
		}
		return "in your shoulders"
	case "hips-glutes":
		if side == SideLeft || side == SideRight {
			return "in your " + string(side) + " hip and glute"
		}
		return "in your hips and glutes"
	}
	name := strings.ToLower(region)
	if r, ok := RegionOf(region); ok {
		name = strings.ToLower(strings.TrimSuffix(r.Name, " (tech neck)"))
	}
	switch side {
	case SideLeft, SideRight:
		return "in the " + string(side) + " side of your " + name
	case SideBoth:
		return "on both sides of your " + name
	}
	return "in your " + name
}

// painAt quotes spots: "pain in your lower back (6/10) and travelling down
// your left leg (7/10)".
func painAt(spots []PainSpot) string {
	parts := make([]string, len(spots))
	for i, s := range spots {
		parts[i] = fmt.Sprintf("%s (%d/10)", where(s.Region, s.Side), s.Intensity)
	}
	return "pain " + joinAnd(parts)
}

// lasting quotes how long pain has lasted: "for 10 days", "for 20 weeks",
// "for 3 years".
func lasting(days int) string {
	switch {
	case days == 1:
		return "for 1 day"
	case days < 14:
		return fmt.Sprintf("for %d days", days)
	case days < 2*365:
		return fmt.Sprintf("for %d weeks", days/7)
	}
	return fmt.Sprintf("for %d years", days/365)
}

var factorWords = map[Factor]string{
	FactorLongSitting:      "long hours of sitting",
	FactorDeskWork:         "desk work",
	FactorPhoneUse:         "phone use",
	FactorDriving:          "long drives",
	FactorLifting:          "lifting",
	FactorStress:           "stress",
	FactorTensionHeadaches: "tension headaches",
	FactorKnots:            "muscle knots",
	FactorStiffness:        "stiffness",
	FactorSpasm:            "muscle spasm",
	FactorPoorCirculation:  "poor circulation",
	FactorScarTissue:       "scar tissue",
	FactorAthletic:         "athletic activity",
	FactorOldInjury:        "an old injury",
	FactorPoorPosture:      "poor posture",
	FactorJointLocking:     "your back or neck locking or catching",
}

// factorsSaid quotes factors in the order of Factors.
func factorsSaid(fs []Factor) string {
	words := make([]string, len(fs))
	for i, f := range fs {
		words[i] = factorWords[f]
	}
	return joinAnd(words)
}

// seen says what a posture finding shows.
func seen(p PostureFinding) string {
	other := map[Side]string{SideLeft: "right", SideRight: "left"}
	switch p.Kind {
	case ShoulderHeight:
		return fmt.Sprintf("the %s shoulder sits higher than the %s", p.Side, other[p.Side])
	case UnevenHips:
		return fmt.Sprintf("the %s hip sits higher than the %s", p.Side, other[p.Side])
	case LateralShift:
		return fmt.Sprintf("the trunk shifts to the %s", p.Side)
	case ForwardHead:
		return "the head is held forward"
	}
	if p.Side == SideLeft || p.Side == SideRight {
		return fmt.Sprintf("the %s shoulder is rounded forward", p.Side)
	}
	return "the shoulders are rounded forward"
}

var movementWords = map[Movement]string{
	LumbarFlexion:    "lumbar flexion",
	LumbarExtension:  "lumbar extension",
	LumbarSideBend:   "lumbar side bend",
	LumbarRotation:   "lumbar rotation",
	CervicalRotation: "cervical rotation",
	CervicalSideBend: "cervical side bend",
	ArmRaise:         "arm raise",
}

var resultWords = map[Result]string{
	Normal:            "normal",
	Restricted:        "restricted",
	Painful:           "painful",
	RestrictedPainful: "restricted and painful",
}

// tested says what a movement test showed: "lumbar side bend to the left is
// restricted and painful".
func tested(m MotionTest) string {
	s := movementWords[m.Movement]
	switch {
	case m.Side == SideNone:
	case m.Movement == ArmRaise && m.Side == SideBoth:
		s += " on both sides"
	case m.Movement == ArmRaise:
		s += " on the " + string(m.Side)
	case m.Side == SideBoth:
		s += " to both sides"
	default:
		s += " to the " + string(m.Side)
	}
	return s + " is " + resultWords[m.Result]
}

// named is a modality's name as reasons say it within a sentence: "deep
// tissue massage", "Swedish massage".
func named(slug string) string {
	m, ok := ModalityOf(slug)
	if !ok {
		return slug
	}
	if strings.HasPrefix(m.Name, "Swedish") || strings.HasPrefix(m.Name, "Thai") {
		return m.Name
	}
	return strings.ToLower(m.Name[:1]) + m.Name[1:]
}
