package care

import (
	"fmt"
	"slices"

	"knead/internal/clinic"
)

// Side is the side of the body a pain, a posture finding or a movement test
// is on. The empty side means the midline, or that no side was given.
type Side string

// Sides. Both is for a finding on the two sides at once.
const (
	SideNone  Side = ""
	SideLeft  Side = "left"
	SideRight Side = "right"
	SideBoth  Side = "both"
)

func (s Side) valid() bool {
	return s == SideNone || s == SideLeft || s == SideRight || s == SideBoth
}

// sideRank orders targets and findings: no side, both, left, right.
func (s Side) rank() int {
	switch s {
	case SideBoth:
		return 1
	case SideLeft:
		return 2
	case SideRight:
		return 3
	}
	return 0
}

// Posture is one visual posture finding of DOMAIN.md section 6.
type Posture string

// Posture findings. Where a side applies it names:
//   - ShoulderHeight, UnevenHips: the higher shoulder or hip (left or right);
//   - LateralShift: the way the trunk has moved over the pelvis (left or
//     right), as a shift is named in the clinic;
//   - RoundedShoulders: left, right or both (no side means both);
//   - ForwardHead: no side.
const (
	ShoulderHeight   Posture = "shoulder-height"
	ForwardHead      Posture = "forward-head"
	RoundedShoulders Posture = "rounded-shoulders"
	UnevenHips       Posture = "uneven-hips"
	LateralShift     Posture = "lateral-shift"
)

// Postures in the order of DOMAIN.md section 6.
var Postures = []Posture{ShoulderHeight, ForwardHead, RoundedShoulders, UnevenHips, LateralShift}

// PostureFinding is what the therapist saw of one posture sign.
type PostureFinding struct {
	Kind Posture `json:"kind"`
	Side Side    `json:"side,omitempty"`
}

// Movement is one range-of-motion test of DOMAIN.md section 6.
type Movement string

// Movements. Flexion and extension are midline (no side); the others are
// recorded with the side they were tested to (side bend and rotation) or on
// (arm raise).
const (
	LumbarFlexion    Movement = "lumbar-flexion"
	LumbarExtension  Movement = "lumbar-extension"
	LumbarSideBend   Movement = "lumbar-side-bend"
	LumbarRotation   Movement = "lumbar-rotation"
	CervicalRotation Movement = "cervical-rotation"
	CervicalSideBend Movement = "cervical-side-bend"
	ArmRaise         Movement = "arm-raise"
)

// Movements in the order of DOMAIN.md section 6.
var Movements = []Movement{LumbarFlexion, LumbarExtension, LumbarSideBend, LumbarRotation,
	CervicalRotation, CervicalSideBend, ArmRaise}

// Result is what a range-of-motion test showed. A movement can be both
// short of its range and painful, which matters for telling a joint from a
// muscle (see Recommend), so that is a result of its own.
type Result string

// Results.
const (
	Normal            Result = "normal"
	Restricted        Result = "restricted"
	Painful           Result = "painful"
	RestrictedPainful Result = "restricted-painful"
)

// Results in order.
var Results = []Result{Normal, Restricted, Painful, RestrictedPainful}

// IsRestricted reports whether the movement fell short of its range.
func (r Result) IsRestricted() bool { return r == Restricted || r == RestrictedPainful }

// IsPainful reports whether the movement hurt.
func (r Result) IsPainful() bool { return r == Painful || r == RestrictedPainful }

// MotionTest is one range-of-motion test and what it showed.
type MotionTest struct {
	Movement Movement `json:"movement"`
	Side     Side     `json:"side,omitempty"`
	Result   Result   `json:"result"`
}

// Assessment is what the therapist finds before treating (DOMAIN.md
// section 6).
type Assessment struct {
	Posture []PostureFinding `json:"posture,omitempty"`
	Motion  []MotionTest     `json:"motion,omitempty"`
}

// Limits that keep one assessment from holding absurd lists.
const (
	maxPosture = 20
	maxMotion  = 50
)

// Validate checks an assessment, naming each bad field.
func (a Assessment) Validate() error {
	var v clinic.Validation
	a.validate(&v, "")
	return v.Err()
}

func (a Assessment) validate(v *clinic.Validation, prefix string) {
	v.Check(len(a.Posture) <= maxPosture, prefix+"posture", "must list at most %d findings", maxPosture)
	for i, p := range a.Posture {
		f := fmt.Sprintf("%sposture[%d]", prefix, i)
		if !slices.Contains(Postures, p.Kind) {
			v.Add(f+".kind", "%q is not a posture finding (one of %s)", p.Kind, joinQuoted(Postures))
			continue
		}
		checkSide(v, f+".side", p.Side, p.Kind.sides())
		if j := slices.IndexFunc(a.Posture[:i], func(o PostureFinding) bool { return o.Kind == p.Kind }); j >= 0 {
			v.Add(f, "repeats posture[%d]: record %s once", j, p.Kind)
		}
	}
	v.Check(len(a.Motion) <= maxMotion, prefix+"motion", "must list at most %d tests", maxMotion)
	for i, m := range a.Motion {
		f := fmt.Sprintf("%smotion[%d]", prefix, i)
		if !slices.Contains(Movements, m.Movement) {
			v.Add(f+".movement", "%q is not a range-of-motion test (one of %s)", m.Movement, joinQuoted(Movements))
			continue
		}
		if slices.Contains(Results, m.Result) {
			checkSide(v, f+".side", m.Side, m.Movement.sides(m.Result))
		} else {
			v.Add(f+".result", "must be one of %s", joinQuoted(Results))
		}
		if j := slices.IndexFunc(a.Motion[:i], func(o MotionTest) bool { return o.Movement == m.Movement && o.Side == m.Side }); j >= 0 {
			v.Add(f, "repeats motion[%d]: record %s once per side", j, m.Movement)
		}
	}
}

func (p Posture) sides() []Side {
	switch p {
	case ShoulderHeight, UnevenHips, LateralShift:
		return []Side{SideLeft, SideRight}
	case RoundedShoulders:
		return []Side{SideNone, SideLeft, SideRight, SideBoth}
	}
	return []Side{SideNone}
}

// sides are the sides a test may be recorded with: none for flexion and
// extension; for the others the side it hurt or stopped on, which a normal
// result may leave out.
func (m Movement) sides(r Result) []Side {
	switch {
	case m == LumbarFlexion || m == LumbarExtension:
		return []Side{SideNone}
	case r == Normal:
		return []Side{SideNone, SideLeft, SideRight, SideBoth}
	}
	return []Side{SideLeft, SideRight, SideBoth}
}

// lumbar reports whether the movement tests the lower back.
func (m Movement) lumbar() bool {
	return m == LumbarFlexion || m == LumbarExtension || m == LumbarSideBend || m == LumbarRotation
}

// region is the pain-map region a movement tests.
func (m Movement) region() string {
	switch {
	case m.lumbar():
		return "lower-back"
	case m == ArmRaise:
		return "shoulders"
	}
	return "neck"
}

func checkSide(v *clinic.Validation, field string, s Side, allowed []Side) {
	for _, a := range allowed {
		if s == a {
			return
		}
	}
	names := make([]string, len(allowed))
	for i, a := range allowed {
		names[i] = string(a)
		if a == SideNone {
			names[i] = "none"
		}
	}
	v.Add(field, "must be %s", joinOr(names))
}
