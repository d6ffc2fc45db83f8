package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"knead/internal/auth"
	"knead/internal/clinic"
	"knead/internal/intake"
)

// Clinical data (DOMAIN.md section 4) is seen only by the client, the
// client's therapists and the owner; the front desk sees only whether a
// client may be booked and what is missing, never why. Every read of it,
// and every change, is written to the clinic's audit log before the answer
// goes out.

// Audit actions.
const (
	auditSubmitIntake     = "submit_intake"
	auditReadIntakes      = "read_intakes"
	auditReadStatus       = "read_clinical_status"
	auditRecordClearance  = "record_clearance"
	auditActorClientAsPfx = "client:"
)

// IntakeSubmitJSON is the body of an intake submission.
type IntakeSubmitJSON struct {
	CancelToken string         `json:"cancel_token,omitempty"`
	Answers     intake.Answers `json:"answers"`
}

// ScreenFindingJSON is one reason a screening found, as the client reads it.
type ScreenFindingJSON struct {
	Tier   string `json:"tier"`
	Reason string `json:"reason"`
}

// IntakeResultJSON is the screening of a submitted intake as the client
// may see it. Staff without the right to read clinical data get no
// message nor findings.
type IntakeResultJSON struct {
	Version  int                 `json:"version"`
	Tier     string              `json:"tier"` // none, clearance, urgent or emergency
	Bookable bool                `json:"bookable"`
	Needs    string              `json:"needs"` // none, clearance, clinician_clearance or emergency
	Message  string              `json:"message,omitempty"`
	Findings []ScreenFindingJSON `json:"findings,omitempty"`
}

// IntakeJSON is one stored version of a client's intake.
type IntakeJSON struct {
	Version   int              `json:"version"`
	Created   string           `json:"created"`
	CreatedBy string           `json:"created_by"` // "client" or a staff user id
	Tier      string           `json:"tier"`
	Answers   intake.Answers   `json:"answers"`
	Findings  []intake.Finding `json:"findings"`
}

// ClinicalStatusJSON is whether a client may be booked now, without why.
type ClinicalStatusJSON struct {
	Bookable bool   `json:"bookable"`
	Needs    string `json:"needs"` // none, intake, clearance, clinician_clearance or emergency
}

// ClearanceRequestJSON is the body of a clearance.
type ClearanceRequestJSON struct {
	Kind string `json:"kind"` // staff or clinician
	Note string `json:"note"`
	// IntakeVersion, when set, must be the client's latest intake: a
	// clearance is never recorded for an intake the staff member has not seen.
	IntakeVersion int `json:"intake_version,omitempty"`
}

// ClearanceJSON is a recorded clearance.
type ClearanceJSON struct {
	ID            string `json:"id"`
	IntakeVersion int    `json:"intake_version"`
	Kind          string `json:"kind"`
	Note          string `json:"note"`
	ClearedBy     string `json:"cleared_by"`
	ClearedAt     string `json:"cleared_at"`
}

// AuditEntryJSON is one line of the audit log.
type AuditEntryJSON struct {
	ID     int64  `json:"id"`
	At     string `json:"at"`
	Actor  string `json:"actor"` // a staff user id, or "client:" and the client's id
	Action string `json:"action"`
	Client string `json:"client,omitempty"`
	Detail string `json:"detail,omitempty"`
}

// screeningOf reads a stored intake's screening back.
func screeningOf(rec clinic.IntakeRecord) (intake.Screening, error) {
	var s intake.Screening
	if err := s.Tier.UnmarshalText([]byte(rec.Tier)); err != nil {
		return s, fmt.Errorf("intake %d: %w", rec.Version, err)
	}
	if err := json.Unmarshal(rec.Findings, &s.Findings); err != nil {
		return s, fmt.Errorf("intake %d findings: %w", rec.Version, err)
	}
	return s, nil
}

func (a *API) audit(ctx context.Context, clinicID, actor, action, clientID, detail string) error {
	_, err := a.store.AddAudit(ctx, clinic.AuditEntry{ClinicID: clinicID, At: a.now(), Actor: actor, Action: action,
		ClientID: clientID, Detail: detail})
	return err
}

// submitIntake stores a new intake version for the client of an
// appointment: the client with the booking's cancel token, or staff who
// book on a client's behalf.
func (a *API) submitIntake(w http.ResponseWriter, r *http.Request) error {
	var body IntakeSubmitJSON
	if err := decode(w, r, &body); err != nil {
		return err
	}
	c, u, err := a.optionalStaff(r, auth.Book)
	if err != nil {
		return err
	}
	if u == nil && body.CancelToken == "" {
		return clinic.Errorf(clinic.EUnauthorized, "Send the booking's cancel_token, or log in as staff.")
	}
	ap, err := a.store.GetAppointment(r.Context(), c.ID, r.PathValue("id"))
	if err != nil {
		return notFoundAs(err, "appointment")
	}
	if u == nil && !auth.TokenMatches(body.CancelToken, ap.CancelTokenHash) {
		return clinic.Errorf(clinic.EForbidden, "The cancel token does not match this booking.")
	}
	answers, err := json.Marshal(body.Answers)
	if err != nil {
		return err
	}
	createdBy, actor := clinic.IntakeCreatedByClient, auditActorClientAsPfx+ap.ClientID
	if u != nil {
		createdBy, actor = u.ID, u.ID
	}
	rec, err := a.store.SaveIntake(r.Context(), c.ID, ap.ClientID, answers, createdBy, a.now())
	if err != nil {
		return prefixFields(err, "answers.")
	}
	if err := a.audit(r.Context(), c.ID, actor, auditSubmitIntake, ap.ClientID, fmt.Sprintf("version %d", rec.Version)); err != nil {
		return err
	}
	s, err := screeningOf(rec)
	if err != nil {
		return err
	}
	// A new version has no clearance yet; the store says what it needs.
	st, err := a.store.ClientStatus(r.Context(), c.ID, ap.ClientID)
	if err != nil {
		return err
	}
	out := IntakeResultJSON{Version: rec.Version, Tier: s.Tier.String(), Bookable: st.Bookable, Needs: st.Needs}
	if u == nil || auth.Authorize(*u, c.ID, auth.ReadClinical) == nil {
		out.Message = s.Message()
		for _, f := range s.Findings {
			out.Findings = append(out.Findings, ScreenFindingJSON{Tier: f.Tier.String(), Reason: f.Reason})
		}
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

// prefixFields names an invalid answer's field as the request body does.
func prefixFields(err error, prefix string) error {
	ce, ok := err.(*clinic.Error)
	if !ok || len(ce.Fields) == 0 {
		return err
	}
	out := &clinic.Error{Code: ce.Code, Message: ce.Message, Fields: make([]clinic.FieldError, len(ce.Fields))}
	for i, f := range ce.Fields {
		out.Fields[i] = clinic.FieldError{Field: prefix + f.Field, Message: f.Message}
	}
	return out
}

// clinicalClient resolves the {id} client for a staff user allowed to take
// action; a therapist only for a client they have a visit with (booked,
// completed or a no-show).
func (a *API) clinicalClient(r *http.Request, action auth.Action) (clinic.Clinic, clinic.User, clinic.Client, error) {
	c, u, err := a.staff(r, action)
	if err != nil {
		return c, u, clinic.Client{}, err
	}
	cl, err := a.store.GetClient(r.Context(), c.ID, r.PathValue("id"))
	if err != nil {
		return c, u, cl, notFoundAs(err, "client")
	}
	if u.Role == clinic.RoleTherapist {
		if err := a.therapistOf(r.Context(), c.ID, u, cl.ID); err != nil {
			return c, u, cl, err
		}
	}
	return c, u, cl, nil
}

func (a *API) therapistOf(ctx context.Context, clinicID string, u clinic.User, clientID string) error {
	if u.TherapistID == "" {
		return clinic.Errorf(clinic.EForbidden, "Your account is not linked to a therapist.")
	}
	aps, err := a.store.ListAppointments(ctx, clinicID, clinic.AppointmentFilter{TherapistID: u.TherapistID, ClientID: clientID})
	if err != nil {
		return err
	}
	for _, ap := range aps {
		if ap.Status != clinic.StatusCancelled {
			return nil
		}
	}
	return clinic.Errorf(clinic.EForbidden, "Therapists see the clinical data only of clients they have a visit with.")
}

func (a *API) listIntakes(w http.ResponseWriter, r *http.Request) error {
	c, u, cl, err := a.clinicalClient(r, auth.ReadClinical)
	if err != nil {
		return err
	}
	recs, err := a.store.ListIntakes(r.Context(), c.ID, cl.ID)
	if err != nil {
		return err
	}
	items := make([]IntakeJSON, len(recs))
	for i, rec := range recs {
		s, err := screeningOf(rec)
		if err != nil {
			return err
		}
		it := IntakeJSON{Version: rec.Version, Created: rec.Created.Format(time.RFC3339), CreatedBy: rec.CreatedBy,
			Tier: s.Tier.String(), Findings: s.Findings}
		if err := json.Unmarshal(rec.Answers, &it.Answers); err != nil {
			return fmt.Errorf("intake %d answers: %w", rec.Version, err)
		}
		items[i] = it
	}
	detail := "no intake"
	if len(recs) > 0 {
		detail = fmt.Sprintf("versions 1 to %d", recs[0].Version)
	}
	if err := a.audit(r.Context(), c.ID, u.ID, auditReadIntakes, cl.ID, detail); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, Items[IntakeJSON]{Items: items})
	return nil
}

func (a *API) clinicalStatus(w http.ResponseWriter, r *http.Request) error {
	c, u, err := a.staff(r, auth.ReadClinicalStatus)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	st, err := a.store.ClientStatus(r.Context(), c.ID, id)
	if err != nil {
		return notFoundAs(err, "client")
	}
	if err := a.audit(r.Context(), c.ID, u.ID, auditReadStatus, id, st.Needs); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ClinicalStatusJSON{Bookable: st.Bookable, Needs: st.Needs})
	return nil
}

func (a *API) recordClearance(w http.ResponseWriter, r *http.Request) error {
	var body ClearanceRequestJSON
	if err := decode(w, r, &body); err != nil {
		return err
	}
	c, u, cl, err := a.clinicalClient(r, auth.RecordClearance)
	if err != nil {
		return err
	}
	if body.Kind == clinic.ClearanceClinician {
		if err := auth.Authorize(u, c.ID, auth.ReadClinical); err != nil {
			return clinic.Errorf(clinic.EForbidden, "Only the owner or a therapist may record a clinician's clearance.")
		}
	}
	cr, err := a.store.RecordClearance(r.Context(), c.ID, clinic.Clearance{ClientID: cl.ID, IntakeVersion: body.IntakeVersion,
		Kind: body.Kind, Note: body.Note, ClearedBy: u.ID, ClearedAt: a.now()})
	if err != nil {
		return err
	}
	if err := a.audit(r.Context(), c.ID, u.ID, auditRecordClearance, cl.ID,
		fmt.Sprintf("%s clearance of version %d", cr.Kind, cr.IntakeVersion)); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, ClearanceJSON{ID: cr.ID, IntakeVersion: cr.IntakeVersion, Kind: cr.Kind, Note: cr.Note,
		ClearedBy: cr.ClearedBy, ClearedAt: cr.ClearedAt.Format(time.RFC3339)})
	return nil
}

func (a *API) listAudit(w http.ResponseWriter, r *http.Request) error {
	c, _, err := a.staff(r, auth.ReadAudit)
	if err != nil {
		return err
	}
	limit := 100
	if s := r.URL.Query().Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > clinic.MaxAuditList {
			var v clinic.Validation
			v.Add("limit", "must be a whole number from 1 to %d", clinic.MaxAuditList)
			return v.Err()
		}
		limit = n
	}
	es, err := a.store.ListAudit(r.Context(), c.ID, limit)
	if err != nil {
		return err
	}
	items := make([]AuditEntryJSON, len(es))
	for i, e := range es {
		items[i] = AuditEntryJSON{ID: e.ID, At: e.At.Format(time.RFC3339), Actor: e.Actor, Action: e.Action, Client: e.ClientID, Detail: e.Detail}
	}
	writeJSON(w, http.StatusOK, Items[AuditEntryJSON]{Items: items})
	return nil
}

// intakeRoutes are the intake, clearance and audit operations.
func (a *API) intakeRoutes(c string) []Route {
	return []Route{
		{Method: "POST", Pattern: c + "/appointments/{id}/intake", Summary: "Fill in the intake for a booking's client: stores a new version and screens it for red flags",
			Tag: "clinical", Access: Public, Roles: "the client holding the booking's cancel token; owner, front desk (the front desk is not shown the reasons)",
			Body: "IntakeSubmit", Status: 201, Response: "IntakeResult", Errors: []int{400, 401, 403, 404, 413, 415, 422}, Handler: a.submitIntake},
		{Method: "GET", Pattern: c + "/clients/{id}/intakes", Summary: "Every version of a client's intake with its screening, newest first; the read is audited",
			Tag: "clinical", Access: Staff, Roles: "owner; a therapist with a visit with the client (never the front desk)",
			Status: 200, Response: "ListIntake", Errors: []int{401, 403, 404}, Handler: a.listIntakes},
		{Method: "GET", Pattern: c + "/clients/{id}/clinical-status", Summary: "Whether a client may be booked now and what is missing, without the reasons",
			Tag: "clinical", Access: Staff, Roles: "owner, front desk, therapist",
			Status: 200, Response: "ClinicalStatus", Errors: []int{401, 403, 404}, Handler: a.clinicalStatus},
		{Method: "POST", Pattern: c + "/clients/{id}/clearances", Summary: "Record a clearance for the client's latest intake",
			Tag: "clinical", Access: Staff, Roles: "owner, front desk (staff kind only), a therapist with a visit with the client",
			Body: "ClearanceRequest", Status: 201, Response: "Clearance", Errors: []int{400, 401, 403, 404, 409, 413, 415, 422}, Handler: a.recordClearance},
		{Method: "GET", Pattern: c + "/audit", Summary: "The audit log of clinical reads and changes, newest first",
			Tag: "clinical", Access: Staff, Roles: "owner",
			Query:  []Param{{Name: "limit", Schema: "string", Description: "how many entries, 1 to 1000; 100 when omitted"}},
			Status: 200, Response: "ListAuditEntry", Errors: []int{401, 403, 404, 422}, Handler: a.listAudit},
	}
}
