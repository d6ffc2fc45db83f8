package care

import (
	"errors"
	"slices"
	"testing"

	"knead/internal/clinic"
)

// fieldsOf returns the field names of a validation error, or nil.
func fieldsOf(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var e *clinic.Error
	if !errors.As(err, &e) || e.Code != clinic.EInvalid {
		t.Fatalf("error %v is not a validation error", err)
	}
	var out []string
	for _, f := range e.Fields {
		if f.Message == "" {
			t.Errorf("field %s without a message", f.Field)
		}
		out = append(out, f.Field)
	}
	return out
}

// wantFields asserts that err names each of fields, or that it is nil when
// fields is.
func wantFields(t *testing.T, err error, fields []string) {
	t.Helper()
	got := fieldsOf(t, err)
	if fields == nil && got != nil {
		t.Fatalf("fields %q, want valid", got)
	}
	if fields != nil && got == nil {
		t.Fatalf("valid, want fields %q", fields)
	}
	for _, f := range fields {
		if !slices.Contains(got, f) {
			t.Errorf("fields %q lack %q", got, f)
		}
	}
}

func TestAssessmentValidate(t *testing.T) {
	many := make([]PostureFinding, maxPosture+1)
	for i := range many {
		many[i] = sees(ForwardHead, SideNone)
	}
	tests := []struct {
		name   string
		a      Assessment
		fields []string // nil: valid
	}{
		{"empty", Assessment{}, nil},
		{"every finding with its side", Assessment{
			Posture: []PostureFinding{sees(ShoulderHeight, SideLeft), sees(ForwardHead, SideNone), sees(RoundedShoulders, SideNone),
				sees(UnevenHips, SideRight), sees(LateralShift, SideLeft)},
			Motion: tests(move(LumbarFlexion, SideNone, Normal), move(LumbarExtension, SideNone, RestrictedPainful),
				move(LumbarSideBend, SideLeft, Restricted), move(LumbarSideBend, SideRight, Normal), move(LumbarRotation, SideBoth, Painful),
				move(CervicalRotation, SideNone, Normal), move(CervicalSideBend, SideRight, Painful), move(ArmRaise, SideLeft, Restricted))},
			nil},
		{"rounded shoulders on one side", Assessment{Posture: []PostureFinding{sees(RoundedShoulders, SideRight)}}, nil},
		{"unknown posture", Assessment{Posture: []PostureFinding{sees("slouch", SideNone)}}, []string{"posture[0].kind"}},
		{"higher shoulder needs a side", Assessment{Posture: []PostureFinding{sees(ShoulderHeight, SideNone)}}, []string{"posture[0].side"}},
		{"uneven hips cannot be both", Assessment{Posture: []PostureFinding{sees(UnevenHips, SideBoth)}}, []string{"posture[0].side"}},
		{"lateral shift needs a side", Assessment{Posture: []PostureFinding{sees(LateralShift, SideNone)}}, []string{"posture[0].side"}},
		{"forward head has no side", Assessment{Posture: []PostureFinding{sees(ForwardHead, SideLeft)}}, []string{"posture[0].side"}},
		{"posture side unknown", Assessment{Posture: []PostureFinding{sees(RoundedShoulders, "up")}}, []string{"posture[0].side"}},
		{"posture repeated", Assessment{Posture: []PostureFinding{sees(LateralShift, SideLeft), sees(LateralShift, SideRight)}}, []string{"posture[1]"}},
		{"too many findings", Assessment{Posture: many}, []string{"posture", "posture[1]"}},
		{"unknown movement", Assessment{Motion: tests(move("toe-touch", SideNone, Normal))}, []string{"motion[0].movement"}},
		{"unknown result", Assessment{Motion: tests(move(LumbarFlexion, SideNone, "stiff"))}, []string{"motion[0].result"}},
		{"empty result", Assessment{Motion: tests(move(ArmRaise, SideLeft, ""))}, []string{"motion[0].result"}},
		{"flexion has no side", Assessment{Motion: tests(move(LumbarFlexion, SideLeft, Restricted))}, []string{"motion[0].side"}},
		{"extension has no side, even normal", Assessment{Motion: tests(move(LumbarExtension, SideBoth, Normal))}, []string{"motion[0].side"}},
		{"a restricted side bend needs its side", Assessment{Motion: tests(move(LumbarSideBend, SideNone, Restricted))}, []string{"motion[0].side"}},
		{"a painful arm raise needs its side", Assessment{Motion: tests(move(ArmRaise, SideNone, Painful))}, []string{"motion[0].side"}},
		{"motion repeated on a side", Assessment{Motion: tests(move(CervicalRotation, SideLeft, Restricted), move(CervicalRotation, SideLeft, Painful))},
			[]string{"motion[1]"}},
		{"several at once", Assessment{Posture: []PostureFinding{sees("x", SideNone)}, Motion: tests(move(ArmRaise, "up", Restricted))},
			[]string{"posture[0].kind", "motion[0].side"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { wantFields(t, tc.a.Validate(), tc.fields) })
	}
}

func TestReportValidate(t *testing.T) {
	tests := []struct {
		name   string
		r      Report
		fields []string
	}{
		{"empty", Report{}, nil},
		{"full", Report{Pain: pain(spot("neck", SideLeft, 3), spot("neck", SideRight, 0), spot("leg-radiating", SideBoth, 10)),
			NPRS: 10, PainDays: maxPainDays, FlareUp: true, Factors: Factors, Goal: GoalMobility}, nil},
		{"unknown region", Report{Pain: pain(spot("elbow", SideNone, 3))}, []string{"pain[0].region"}},
		{"unknown side", Report{Pain: pain(spot("neck", "front", 3))}, []string{"pain[0].side"}},
		{"intensity over 10", Report{Pain: pain(spot("neck", SideNone, 11))}, []string{"pain[0].intensity"}},
		{"negative intensity", Report{Pain: pain(spot("neck", SideNone, -1))}, []string{"pain[0].intensity"}},
		{"spot repeated", Report{Pain: pain(spot("mid-back", SideNone, 3), spot("mid-back", SideNone, 5))}, []string{"pain[1]"}},
		{"nprs", Report{NPRS: 11}, []string{"nprs"}},
		{"pain days", Report{PainDays: -1}, []string{"pain_days"}},
		{"unknown factor", Report{Factors: factors(FactorStress, "weather")}, []string{"factors[1]"}},
		{"unknown goal", Report{Goal: "fun"}, []string{"goal"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { wantFields(t, tc.r.Validate(), tc.fields) })
	}
}

// Recommend refuses what it cannot read, naming the field, the assessment's
// under "assessment.".
func TestRecommendRejectsInvalid(t *testing.T) {
	_, err := Recommend(Input{Report: Report{NPRS: 12, Pain: pain(spot("knee", SideNone, 2))},
		Assessment: Assessment{Motion: tests(move(ArmRaise, SideLeft, "bad"))}})
	wantFields(t, err, []string{"nprs", "pain[0].region", "assessment.motion[0].result"})
}

func TestPhases(t *testing.T) {
	tests := []struct {
		r              Report
		acute, chronic bool
	}{
		{Report{}, false, false},
		{Report{PainDays: 1}, true, false},
		{Report{PainDays: AcuteBeforeDays - 1}, true, false},
		{Report{PainDays: AcuteBeforeDays}, false, false},
		{Report{PainDays: ChronicFromDays - 1}, false, false},
		{Report{PainDays: ChronicFromDays}, false, true},
		{Report{PainDays: 1000, FlareUp: true}, true, true},
		{Report{FlareUp: true}, true, false},
	}
	for _, tc := range tests {
		if tc.r.Acute() != tc.acute || tc.r.Chronic() != tc.chronic {
			t.Errorf("%+v: acute %v chronic %v, want %v %v", tc.r, tc.r.Acute(), tc.r.Chronic(), tc.acute, tc.chronic)
		}
	}
	if got := (Report{Pain: pain(spot("neck", SideNone, 4), spot("mid-back", SideNone, 7))}).Overall(); got != 7 {
		t.Errorf("overall without NPRS = %d, want the worst spot 7", got)
	}
	if got := (Report{NPRS: 3, Pain: pain(spot("neck", SideNone, 8))}).Overall(); got != 3 {
		t.Errorf("overall with NPRS = %d, want 3", got)
	}
}
