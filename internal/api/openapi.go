package api

import (
	"encoding"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"

	"knead/internal/civil"
	"knead/internal/clinic"
	"knead/internal/intake"
)

// schemaTypes names the Go type behind each schema of the document. Lists
// ("ListX") are made from X.
var schemaTypes = map[string]any{
	"Clinic":            clinic.Clinic{},
	"Location":          clinic.Location{},
	"Room":              clinic.Room{},
	"Equipment":         clinic.Equipment{},
	"Therapist":         clinic.Therapist{},
	"Service":           clinic.Service{},
	"Client":            clinic.Client{},
	"User":              clinic.User{},
	"Availability":      AvailabilityJSON{},
	"Slot":              SlotJSON{},
	"BookRequest":       BookJSON{},
	"Appointment":       AppointmentJSON{},
	"CancelRequest":     CancelJSON{},
	"RescheduleRequest": RescheduleJSON{},
	"MarkRequest":       MarkJSON{},
	"Login":             LoginJSON{},
	"Token":             TokenJSON{},
	"NewUser":           NewUserJSON{},
	"Problem":           Problem{},
	"FieldError":        clinic.FieldError{},
	"IntakeSubmit":      IntakeSubmitJSON{},
	"IntakeAnswers":     intake.Answers{},
	"IntakeResult":      IntakeResultJSON{},
	"Intake":            IntakeJSON{},
	"IntakeFinding":     intake.Finding{},
	"ClinicalStatus":    ClinicalStatusJSON{},
	"ClearanceRequest":  ClearanceRequestJSON{},
	"Clearance":         ClearanceJSON{},
	"AuditEntry":        AuditEntryJSON{},
}

// required lists the fields a request must carry or a response always has.
var required = map[string][]string{
	"Clinic":            {"name", "slug", "currency"},
	"Location":          {"name", "timezone"},
	"Room":              {"name", "location"},
	"Equipment":         {"name", "kind", "location", "count"},
	"Therapist":         {"name"},
	"Service":           {"name", "modality", "duration_minutes", "price", "currency", "late_cancel"},
	"Availability":      {"slots"},
	"Slot":              {"start", "end", "therapist", "location"},
	"BookRequest":       {"service", "location", "start"},
	"Appointment":       {"id", "status", "start", "end", "therapist", "location", "service"},
	"Login":             {"clinic", "email", "password"},
	"Token":             {"token", "expires", "user"},
	"NewUser":           {"email", "name", "role", "password"},
	"Problem":           {"type", "title", "status"},
	"FieldError":        {"field", "message"},
	"RescheduleRequest": {"start"},
	"MarkRequest":       {"mark"},
	"IntakeSubmit":      {"answers"},
	"IntakeAnswers": {"date_of_birth", "emergency_contact", "pain_nprs", "medications", "pregnancy",
		"red_flags", "consent"},
	"IntakeResult":     {"version", "tier", "bookable", "needs"},
	"Intake":           {"version", "created", "created_by", "tier", "answers", "findings"},
	"ClinicalStatus":   {"bookable", "needs"},
	"ClearanceRequest": {"kind", "note"},
	"Clearance":        {"id", "intake_version", "kind", "note", "cleared_by", "cleared_at"},
	"AuditEntry":       {"id", "at", "actor", "action"},
}

var (
	timeType    = reflect.TypeFor[time.Time]()
	dateType    = reflect.TypeFor[civil.Date]()
	clockType   = reflect.TypeFor[civil.Clock]()
	weeklyType  = reflect.TypeFor[civil.Weekly]()
	weekdayType = reflect.TypeFor[civil.Weekday]()
	durType     = reflect.TypeFor[time.Duration]()

	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

// textSchema describes a type that is written as text: the intake's
// yes/no answers and screening tiers, with their values.
func textSchema(t reflect.Type) map[string]any {
	switch t {
	case reflect.TypeFor[intake.YesNo]():
		return map[string]any{"type": "string", "enum": []string{"yes", "no", ""},
			"description": "yes or no; \"\" or null is not answered, which is never read as no"}
	case reflect.TypeFor[intake.Tier]():
		return map[string]any{"type": "string", "enum": []string{"none", "clearance", "urgent", "emergency"}}
	}
	return map[string]any{"type": "string"}
}

var schemaNameOf = func() map[reflect.Type]string {
	m := map[reflect.Type]string{}
	for name, v := range schemaTypes {
		m[reflect.TypeOf(v)] = name
	}
	return m
}()

// schemaOf describes a Go type as JSON Schema (2020-12, as OpenAPI 3.1 uses).
func schemaOf(t reflect.Type, top bool) map[string]any {
	if name, ok := schemaNameOf[t]; ok && !top {
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	switch t {
	case timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case dateType:
		return map[string]any{"type": "string", "format": "date", "examples": []string{"2027-01-04"}}
	case clockType:
		return map[string]any{"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$", "examples": []string{"09:30"}}
	case weekdayType:
		return map[string]any{"type": "string", "enum": weekdayNames()}
	case weeklyType:
		props := map[string]any{}
		for _, d := range weekdayNames() {
			props[d] = map[string]any{"type": "array", "items": map[string]any{"$ref": "#/components/schemas/ClockRange"}}
		}
		return map[string]any{"type": "object", "properties": props, "additionalProperties": false,
			"description": "Opening or working hours per weekday; several ranges on one day are split hours; a missing day is closed."}
	}
	if t.Implements(textMarshalerType) {
		return textSchema(t)
	}
	switch t.Kind() {
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": schemaOf(t.Elem(), false)}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int64, reflect.Int32:
		return map[string]any{"type": "integer"}
	case reflect.Float64, reflect.Float32:
		return map[string]any{"type": "number"}
	case reflect.Slice:
		return map[string]any{"type": "array", "items": schemaOf(t.Elem(), false)}
	case reflect.Pointer:
		return schemaOf(t.Elem(), false)
	case reflect.Struct:
		props := map[string]any{}
		for i := range t.NumField() {
			f := t.Field(i)
			tag := strings.Split(f.Tag.Get("json"), ",")[0]
			if !f.IsExported() || tag == "-" || f.Type == durType {
				continue
			}
			if tag == "" {
				tag = f.Name
			}
			props[tag] = schemaOf(f.Type, false)
		}
		return map[string]any{"type": "object", "properties": props}
	}
	panic(fmt.Sprintf("openapi: no schema for %s", t))
}

func weekdayNames() []string {
	out := make([]string, 7)
	for i := range out {
		out[i] = civil.WeekdayKey(time.Weekday((i + 1) % 7))
	}
	return out
}

var pathParamRE = regexp.MustCompile(`\{([a-z]+)\}`)

// OpenAPI returns the OpenAPI 3.1 document of routes.
func OpenAPI(routes []Route) map[string]any {
	schemas := map[string]any{
		"ClockRange": map[string]any{"type": "object", "required": []string{"start", "end"},
			"properties": map[string]any{"start": schemaOf(clockType, false), "end": schemaOf(clockType, false)}},
	}
	for name, v := range schemaTypes {
		s := schemaOf(reflect.TypeOf(v), true)
		if req := required[name]; len(req) > 0 {
			s["required"] = req
		}
		schemas[name] = s
	}
	paths := map[string]any{}
	for _, rt := range routes {
		item, _ := paths[rt.Pattern].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[rt.Pattern] = item
		}
		item[strings.ToLower(rt.Method)] = operation(rt, schemas)
	}
	return map[string]any{
		"openapi":           "3.1.0",
		"jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
		"info": map[string]any{
			"title":       "knead API",
			"version":     "1.0.0",
			"description": "Booking and practice management for therapeutic massage clinics. Errors are RFC 9457 application/problem+json. IDs are opaque strings. Times are RFC 3339 with the location's UTC offset.",
			"license":     map[string]any{"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"},
		},
		"servers": []any{map[string]any{"url": "/"}},
		"tags": []any{
			map[string]any{"name": "clinics"}, map[string]any{"name": "catalog"},
			map[string]any{"name": "booking"}, map[string]any{"name": "auth"},
			map[string]any{"name": "clinical", "description": "Intake, red-flag screening, clearances and the audit log. Clinical data is shown only to the client, the client's therapists and the owner; every read is audited."},
		},
		"paths": paths,
		"components": map[string]any{
			"schemas": schemas,
			"securitySchemes": map[string]any{
				"staffToken": map[string]any{"type": "http", "scheme": "bearer", "description": "the token from POST /api/v1/auth/login"},
			},
		},
	}
}

func operation(rt Route, schemas map[string]any) map[string]any {
	id := strings.ToLower(rt.Method) + strings.NewReplacer("/api/v1", "", "{", "", "}", "", "/", "_").Replace(rt.Pattern)
	op := map[string]any{
		"operationId": id,
		"summary":     rt.Summary,
		"description": "Who may call: " + rt.Roles + ".",
		"tags":        []string{rt.Tag},
	}
	var params []any
	for _, m := range pathParamRE.FindAllStringSubmatch(rt.Pattern, -1) {
		desc := "opaque id"
		if m[1] == "clinic" {
			desc = "the clinic's slug"
		}
		params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "description": desc, "schema": map[string]any{"type": "string"}})
	}
	for _, p := range rt.Query {
		params = append(params, param(p, "query"))
	}
	for _, p := range rt.Headers {
		params = append(params, param(p, "header"))
	}
	if len(params) > 0 {
		op["parameters"] = params
	}
	switch rt.Access {
	case Staff:
		op["security"] = []any{map[string]any{"staffToken": []string{}}}
	default:
		// Public routes also accept a staff token, which may widen the answer.
		op["security"] = []any{map[string]any{}, map[string]any{"staffToken": []string{}}}
	}
	if rt.Body != "" {
		op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
			"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/" + rt.Body}}}}
	}
	responses := map[string]any{}
	ok := map[string]any{"description": http.StatusText(rt.Status)}
	if rt.Response != "" {
		ok["content"] = map[string]any{"application/json": map[string]any{"schema": responseSchema(rt.Response, schemas)}}
	}
	responses[fmt.Sprint(rt.Status)] = ok
	errs := slices.Clone(rt.Errors)
	errs = append(errs, 500)
	for _, s := range errs {
		responses[fmt.Sprint(s)] = map[string]any{"description": http.StatusText(s), "content": map[string]any{
			"application/problem+json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Problem"}}}}
	}
	op["responses"] = responses
	return op
}

func responseSchema(name string, schemas map[string]any) map[string]any {
	if item, ok := strings.CutPrefix(name, "List"); ok {
		if _, exists := schemas[name]; !exists {
			schemas[name] = map[string]any{"type": "object", "required": []string{"items"}, "properties": map[string]any{
				"items": map[string]any{"type": "array", "items": map[string]any{"$ref": "#/components/schemas/" + item}}}}
		}
	}
	return map[string]any{"$ref": "#/components/schemas/" + name}
}

func param(p Param, in string) map[string]any {
	s := map[string]any{"type": "string"}
	switch p.Schema {
	case "date", "date-time":
		s["format"] = p.Schema
	}
	out := map[string]any{"name": p.Name, "in": in, "required": p.Required, "schema": s}
	if p.Description != "" {
		out["description"] = p.Description
	}
	return out
}
