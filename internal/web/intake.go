package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"knead/internal/care"
	"knead/internal/civil"
	"knead/internal/clinic"
	"knead/internal/intake"
)

// The client's intake form (DOMAIN.md section 4), reached from the visit's
// page with the visit's token: every answer on one page, the pain map as a
// figure with each region's controls over its spot. Each submission is a
// new version; what the screening found is shown to the client.

func (w *Web) registerIntake(mux *http.ServeMux) {
	mux.Handle("GET /c/{clinic}/visit/{id}/intake", w.page(w.intakePage))
	mux.Handle("POST /c/{clinic}/visit/{id}/intake", w.page(w.intakeSubmit))
	mux.Handle("GET /c/{clinic}/visit/{id}/intake/done", w.page(w.intakeDonePage))
}

// intakeRegion is one region of the pain map as the form shows it.
type intakeRegion struct {
	N      int // its marker on the figure
	Slug   string
	Name   string
	Sides  []intake.Side
	Shapes []ellipse
	MX, MY int // the marker's centre
}

// ellipse is a spot of the figure (viewBox 0 0 200 440, seen from behind).
type ellipse struct{ CX, CY, RX, RY int }

// regionSpots are where care.Regions are on the figure; a region missing
// here is listed under it without a spot.
var regionSpots = map[string]struct {
	shapes []ellipse
	mx, my int
}{
	"neck":          {[]ellipse{{100, 80, 11, 9}}, 124, 74},
	"shoulders":     {[]ellipse{{68, 102, 16, 10}, {132, 102, 16, 10}}, 170, 92},
	"upper-back":    {[]ellipse{{100, 128, 26, 14}}, 100, 128},
	"mid-back":      {[]ellipse{{100, 168, 24, 14}}, 100, 168},
	"lower-back":    {[]ellipse{{100, 206, 24, 13}}, 100, 206},
	"hips-glutes":   {[]ellipse{{83, 246, 17, 16}, {117, 246, 17, 16}}, 100, 270},
	"leg-radiating": {[]ellipse{{84, 320, 8, 42}, {116, 320, 8, 42}}, 140, 330},
}

// intakeForm is the form's data: what was typed (re-shown as typed) and
// the errors, keyed by the id of the field (or fieldset) they belong to.
type intakeForm struct {
	visitData
	Values    url.Values
	Errors    map[string]string
	Top       []string // errors that belong to no field
	Regions   []intakeRegion
	Levels    []int
	Worse     []intake.Item
	Conds     []intake.Item
	Questions []intake.Item
	Areas     []string
}

// Val is the value typed into the field name.
func (f intakeForm) Val(name string) string { return f.Values.Get(name) }

// Checked reports whether value was chosen for name.
func (f intakeForm) Checked(name, value string) bool {
	for _, v := range f.Values[name] {
		if v == value {
			return true
		}
	}
	return false
}

// Err is the error of the field id, "" without one.
func (f intakeForm) Err(id string) string { return f.Errors[id] }

func newIntakeForm(d visitData, values url.Values) intakeForm {
	f := intakeForm{visitData: d, Values: values, Errors: map[string]string{},
		Worse: intake.Aggravators, Conds: intake.Conditions, Questions: intake.Questions}
	for i, r := range care.Regions {
		spot := regionSpots[r.Slug]
		f.Regions = append(f.Regions, intakeRegion{N: i + 1, Slug: r.Slug, Name: r.Name, Sides: intake.SidesOf(r.Slug),
			Shapes: spot.shapes, MX: spot.mx, MY: spot.my})
	}
	for i := 0; i <= 10; i++ {
		f.Levels = append(f.Levels, i)
	}
	for _, r := range care.Regions {
		f.Areas = append(f.Areas, r.Slug)
	}
	f.Areas = append(f.Areas, intake.ExtraAreas...)
	return f
}

func (w *Web) intakePage(r *http.Request) (*view, error) {
	d, err := w.visit(r, r.URL.Query().Get("t"))
	if err != nil {
		return nil, err
	}
	return &view{page: "intake.html", title: "Your health questions", data: newIntakeForm(d, url.Values{})}, nil
}

// intakeDone is the result page's data.
type intakeDone struct {
	visitData
	Tier    string
	Message string
}

func (w *Web) intakeSubmit(r *http.Request) (*view, error) {
	if err := r.ParseForm(); err != nil {
		return nil, clinic.Errorf(clinic.EInvalid, "The form could not be read.")
	}
	d, err := w.visit(r, r.PostForm.Get("t"))
	if err != nil {
		return nil, err
	}
	f := newIntakeForm(d, r.PostForm)
	a, slugs := f.answers()
	invalid := func() (*view, error) {
		return &view{page: "intake.html", title: "Your health questions", status: http.StatusUnprocessableEntity, data: f}, nil
	}
	if len(f.Errors) > 0 {
		// Also show what the intake itself finds wrong, beside what could
		// not be read.
		if err := a.Validate(); err != nil {
			f.addErrors(err, slugs)
		}
		return invalid()
	}
	body, err := json.Marshal(a)
	if err != nil {
		return nil, err
	}
	rec, err := w.store.SaveIntake(r.Context(), d.Clinic.ID, d.Appointment.ClientID, body, clinic.IntakeCreatedByClient, w.now())
	if clinic.ErrorCode(err) == clinic.EInvalid {
		f.addErrors(err, slugs)
		return invalid()
	}
	if err != nil {
		return nil, err
	}
	if _, err := w.store.AddAudit(r.Context(), clinic.AuditEntry{ClinicID: d.Clinic.ID, At: w.now(), Actor: "client:" + d.Appointment.ClientID,
		Action: "submit_intake", ClientID: d.Appointment.ClientID, Detail: fmt.Sprintf("version %d", rec.Version)}); err != nil {
		return nil, err
	}
	// Post, redirect, get: reloading the answer page stores nothing again.
	return &view{redirect: intakeURL(d) + "/done?t=" + url.QueryEscape(d.Token)}, nil
}

func intakeURL(d visitData) string {
	return "/c/" + url.PathEscape(d.Clinic.Slug) + "/visit/" + url.PathEscape(d.Appointment.ID) + "/intake"
}

// intakeDonePage shows the client what the screening of their latest
// intake found: theirs to read, with the visit's token.
func (w *Web) intakeDonePage(r *http.Request) (*view, error) {
	d, err := w.visit(r, r.URL.Query().Get("t"))
	if err != nil {
		return nil, err
	}
	rec, err := w.store.LatestIntake(r.Context(), d.Clinic.ID, d.Appointment.ClientID)
	if err != nil {
		return nil, err
	}
	if _, err := w.store.AddAudit(r.Context(), clinic.AuditEntry{ClinicID: d.Clinic.ID, At: w.now(), Actor: "client:" + d.Appointment.ClientID,
		Action: "read_intake", ClientID: d.Appointment.ClientID, Detail: fmt.Sprintf("version %d", rec.Version)}); err != nil {
		return nil, err
	}
	var s intake.Screening
	if err := s.Tier.UnmarshalText([]byte(rec.Tier)); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(rec.Findings, &s.Findings); err != nil {
		return nil, err
	}
	return &view{page: "intake_done.html", title: "Thank you", data: intakeDone{visitData: d, Tier: s.Tier.String(), Message: s.Message()}}, nil
}

// answers reads the form into intake.Answers, noting what cannot be read
// (a date that is not one, a number that is not one) in f.Errors. slugs
// are the regions of the pain map in the order of a.PainMap.
func (f *intakeForm) answers() (a intake.Answers, slugs []string) {
	date := func(name, id string) civil.Date {
		s := strings.TrimSpace(f.Val(name))
		if s == "" {
			return civil.Date{}
		}
		var dt civil.Date
		if err := dt.UnmarshalText([]byte(s)); err != nil {
			f.Errors[id] = "must be a date, like 1990-05-31"
		}
		return dt
	}
	number := func(name, id string) (float64, bool) {
		s := strings.TrimSpace(f.Val(name))
		if s == "" {
			return 0, false
		}
		n, err := strconv.ParseFloat(s, 64)
		if err != nil {
			f.Errors[id] = "must be a number"
			return 0, false
		}
		return n, true
	}
	yesNo := func(name, id string) intake.YesNo {
		var y intake.YesNo
		if err := y.UnmarshalText([]byte(f.Val(name))); err != nil {
			f.Errors[id] = "is required: answer yes or no"
		}
		return y
	}
	a.DateOfBirth = date("dob", "dob")
	a.EmergencyContact = intake.EmergencyContact{Name: strings.TrimSpace(f.Val("ec_name")), Phone: strings.TrimSpace(f.Val("ec_phone"))}
	for _, rg := range f.Regions {
		if f.Val("pain_"+rg.Slug) == "" {
			continue
		}
		p := intake.PainArea{Region: rg.Slug, Side: intake.Side(f.Val("side_" + rg.Slug))}
		if len(rg.Sides) == 0 {
			p.Side = intake.Centre
		}
		if n, ok := number("level_"+rg.Slug, "level-"+rg.Slug); ok {
			p.Intensity = int(n)
			if float64(p.Intensity) != n {
				f.Errors["level-"+rg.Slug] = "must be a whole number from 0 to 10"
			}
		} else if f.Errors["level-"+rg.Slug] == "" {
			f.Errors["level-"+rg.Slug] = "is required: how much it hurts here, from 0 to 10"
		}
		a.PainMap = append(a.PainMap, p)
		slugs = append(slugs, rg.Slug)
	}
	if n, ok := number("pain", "pain"); ok {
		p := int(n)
		a.Pain = &p
	}
	a.Onset = date("onset", "onset")
	a.WorseWith = f.Values["worse"]
	a.WorseOther = strings.TrimSpace(f.Val("worse_other"))
	a.Habits.SittingHours, _ = number("sitting_hours", "sitting-hours")
	a.Habits.DrivingHours, _ = number("driving_hours", "driving-hours")
	a.Habits.ScreenHours, _ = number("screen_hours", "screen-hours")
	a.Conditions = f.Values["cond"]
	a.OtherConditions = strings.TrimSpace(f.Val("cond_other"))
	a.Medications = intake.Medications{List: strings.TrimSpace(f.Val("meds")), Anticoagulants: yesNo("anticoag", "anticoag")}
	a.Pregnancy.Pregnant = yesNo("pregnant", "pregnant")
	if n, ok := number("trimester", "trimester"); ok {
		a.Pregnancy.Trimester = int(n)
	}
	if f.Val("high_risk") != "" {
		a.Pregnancy.HighRisk = yesNo("high_risk", "high-risk")
	}
	if kind, dt, area := f.Val("event_kind"), strings.TrimSpace(f.Val("event_date")), f.Val("event_area"); kind != "" || dt != "" || area != "" {
		a.Events = []intake.Event{{Kind: kind, Date: date("event_date", "event-date"), Area: area,
			Details: strings.TrimSpace(f.Val("event_details"))}}
	}
	a.RedFlags = map[string]intake.YesNo{}
	for _, q := range intake.Questions {
		var y intake.YesNo
		if y.UnmarshalText([]byte(f.Val("rf_"+q.ID))) == nil && y != intake.Unanswered {
			a.RedFlags[q.ID] = y
		}
	}
	a.Consent = intake.Consent{Treatment: f.Val("consent_treatment") == "yes", Accurate: f.Val("consent_accurate") == "yes",
		SignedName: strings.TrimSpace(f.Val("signed_name"))}
	return a, slugs
}

// fieldIDs maps the intake's field paths to the form's ids.
var fieldIDs = map[string]string{
	"date_of_birth":              "dob",
	"emergency_contact.name":     "ec-name",
	"emergency_contact.phone":    "ec-phone",
	"pain_nprs":                  "pain",
	"onset":                      "onset",
	"worse_with":                 "worse",
	"worse_other":                "worse-other",
	"habits.sitting_hours":       "sitting-hours",
	"habits.driving_hours":       "driving-hours",
	"habits.screen_hours":        "screen-hours",
	"conditions":                 "cond",
	"conditions_other":           "cond-other",
	"medications.list":           "meds",
	"medications.anticoagulants": "anticoag",
	"pregnancy.pregnant":         "pregnant",
	"pregnancy.trimester":        "trimester",
	"pregnancy.high_risk":        "high-risk",
	"surgery_or_injury":          "event",
	"consent.treatment":          "consent-treatment",
	"consent.accurate":           "consent-accurate",
	"consent.signed_name":        "signed-name",
}

var (
	indexed  = regexp.MustCompile(`^([a-z_]+)\[(\d+)\](?:\.([a-z_]+))?$`)
	eventIDs = map[string]string{"": "event", "kind": "event-kind", "date": "event-date", "area": "event-area", "details": "event-details"}
	painIDs  = map[string]string{"": "pain", "region": "pain", "side": "side", "intensity": "level"}
)

// addErrors puts each of the intake's field errors next to its field, and
// those of no field at the top.
func (f *intakeForm) addErrors(err error, slugs []string) {
	ce, ok := err.(*clinic.Error)
	if !ok {
		f.Top = append(f.Top, err.Error())
		return
	}
	if len(ce.Fields) == 0 {
		f.Top = append(f.Top, ce.Message)
	}
	for _, fe := range ce.Fields {
		id := f.fieldID(fe.Field, slugs)
		switch {
		case id == "":
			f.Top = append(f.Top, fe.Field+": "+fe.Message)
		case f.Errors[id] == "":
			f.Errors[id] = fe.Message
		}
	}
}

func (f *intakeForm) fieldID(field string, slugs []string) string {
	if id, ok := fieldIDs[field]; ok {
		return id
	}
	if q, ok := strings.CutPrefix(field, "red_flags."); ok {
		for _, it := range intake.Questions {
			if it.ID == q {
				return "rf-" + q
			}
		}
		return ""
	}
	m := indexed.FindStringSubmatch(field)
	if m == nil {
		return ""
	}
	i, _ := strconv.Atoi(m[2])
	switch m[1] {
	case "worse_with":
		return "worse"
	case "conditions":
		return "cond"
	case "surgery_or_injury":
		if i == 0 {
			return eventIDs[m[3]]
		}
	case "pain_map":
		if p, ok := painIDs[m[3]]; ok && i < len(slugs) {
			return p + "-" + slugs[i]
		}
	}
	return ""
}

// yesNoField is a yes/no question of the form, for the "yesno" template.
type yesNoField struct {
	Name, ID, Text, Value, Err string
}

// YesNo is the question name (field id) with its answer and error.
func (f intakeForm) YesNo(name, id, text string) yesNoField {
	return yesNoField{Name: name, ID: id, Text: text, Value: f.Val(name), Err: f.Errors[id]}
}

// hourField is one of the habits' hours.
type hourField struct{ Name, ID, Label string }

// HourFields are the habits' inputs.
func (intakeForm) HourFields() []hourField {
	return []hourField{{"sitting_hours", "sitting-hours", "Sitting"}, {"driving_hours", "driving-hours", "Driving"},
		{"screen_hours", "screen-hours", "At a screen"}}
}

// Trimesters are the choices of the trimester question.
func (intakeForm) Trimesters() []int { return []int{1, 2, 3} }

// AreaName is how the form names a body area.
func (intakeForm) AreaName(slug string) string {
	if r, ok := care.RegionOf(slug); ok {
		return r.Name
	}
	return strings.ToUpper(slug[:1]) + slug[1:]
}
