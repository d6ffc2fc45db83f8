package clinic

import (
	"context"
	"encoding/json"
	"time"
)

// Intake records (DOMAIN.md section 4). Package intake, which judges the
// answers, imports this package, so the types here hold the answers and
// the findings as the JSON of intake.Answers and of the screening's
// findings; the store decodes, validates and screens them with package
// intake, and the API shows them through its types.

// Clearance kinds: a staff member's clearance (note, date, who), or a
// clinician's, recorded once a physician has seen the client.
const (
	ClearanceStaff     = "staff"
	ClearanceClinician = "clinician"
)

// What a client needs before a booking, as ClientClinicalStatus says it.
const (
	NeedsNone               = "none"
	NeedsIntake             = "intake"
	NeedsClearance          = "clearance"
	NeedsClinicianClearance = "clinician_clearance"
	NeedsEmergency          = "emergency"
)

// IntakeCreatedByClient is IntakeRecord.CreatedBy when the client filled
// the intake in; otherwise it is a staff user's id.
const IntakeCreatedByClient = "client"

// IntakeRecord is one stored version of a client's intake with its
// screening at the time it was stored. It is never changed.
type IntakeRecord struct {
	ClinicID  string
	ClientID  string
	Version   int             // 1, 2, ... per client
	Answers   json.RawMessage // intake.Answers
	Tier      string          // intake.Tier's name: none, clearance, urgent or emergency
	Findings  json.RawMessage // []intake.Finding
	Created   time.Time
	CreatedBy string // IntakeCreatedByClient or a staff user id
}

// Clearance is a clearance recorded for one intake version.
type Clearance struct {
	ClinicID      string
	ID            string
	ClientID      string
	IntakeVersion int    // 0 in RecordClearance: the latest
	Kind          string // ClearanceStaff or ClearanceClinician
	Note          string
	ClearedBy     string // a staff user id
	ClearedAt     time.Time
}

// AuditEntry is one line of a clinic's audit log: who read or changed a
// client's clinical data, and when.
type AuditEntry struct {
	ClinicID string
	ID       int64 // 1, 2, ... per clinic
	At       time.Time
	Actor    string // a staff user id, or "client:" and the client's id
	Action   string
	ClientID string
	Detail   string
}

// ClientClinicalStatus is whether a client may be booked now, from the
// latest intake and the clearances recorded for it.
type ClientClinicalStatus struct {
	HasIntake bool
	Version   int    // the latest intake's version; 0 without one
	Tier      string // its tier; "" without one
	// Answers are the latest intake's answers, for the booking's check of
	// contraindications by modality: never sent to staff as they are.
	Answers   json.RawMessage
	Clearance string // the best clearance recorded for it: "", ClearanceStaff or ClearanceClinician
	Bookable  bool
	Needs     string // NeedsNone when Bookable, else what is missing
}

// MaxAuditList is the most entries ListAudit returns.
const MaxAuditList = 1000

// IntakeStore keeps intakes, clearances and the audit log.
type IntakeStore interface {
	// SaveIntake validates answers (the JSON of intake.Answers: EInvalid
	// naming the fields), screens them at now and stores them as the
	// client's next version; ENotFound for a client not of the clinic.
	SaveIntake(ctx context.Context, clinicID, clientID string, answers json.RawMessage, createdBy string, now time.Time) (IntakeRecord, error)
	// LatestIntake returns the client's latest version; ENotFound if none.
	LatestIntake(ctx context.Context, clinicID, clientID string) (IntakeRecord, error)
	// ListIntakes returns every version, newest first.
	ListIntakes(ctx context.Context, clinicID, clientID string) ([]IntakeRecord, error)
	// RecordClearance records c for the latest intake (c.IntakeVersion, when
	// set, must be the latest: EConflict otherwise). EInvalid for a kind or
	// note that is missing or wrong; EConflict when there is no intake,
	// nothing to clear, an emergency (never cleared) or an urgent tier and
	// a staff clearance (it needs a clinician's).
	RecordClearance(ctx context.Context, clinicID string, c Clearance) (Clearance, error)
	// ClientStatus says whether the client may be booked now.
	ClientStatus(ctx context.Context, clinicID, clientID string) (ClientClinicalStatus, error)
	// AddAudit appends an entry (its ID is made); ListAudit returns the
	// latest entries, newest first, at most limit (at most MaxAuditList;
	// 100 when 0). There is no update nor delete.
	AddAudit(ctx context.Context, e AuditEntry) (AuditEntry, error)
	ListAudit(ctx context.Context, clinicID string, limit int) ([]AuditEntry, error)
}
