package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"knead/internal/clinic"
	"knead/internal/intake"
)

// maxClearanceNote bounds a clearance's note.
const maxClearanceNote = 4000

const intakeCols = "clinic_id, client_id, version, answers, tier, findings, created, created_by"

func scanIntake(s scanner) (clinic.IntakeRecord, error) {
	var r clinic.IntakeRecord
	var answers, findings string
	var created int64
	if err := s.Scan(&r.ClinicID, &r.ClientID, &r.Version, &answers, &r.Tier, &findings, &created, &r.CreatedBy); err != nil {
		return clinic.IntakeRecord{}, err
	}
	r.Answers, r.Findings, r.Created = json.RawMessage(answers), json.RawMessage(findings), fromUnix(created)
	return r, nil
}

// SaveIntake validates and screens answers and stores them as the client's
// next version. The client's row is locked first (an UPDATE that changes
// nothing), so two saves for one client take turns on both engines and
// each reads the other's version: both succeed, with different versions.
func (db *DB) SaveIntake(ctx context.Context, clinicID, clientID string, answers json.RawMessage, createdBy string, now time.Time) (clinic.IntakeRecord, error) {
	var a intake.Answers
	if err := json.Unmarshal(answers, &a); err != nil {
		return clinic.IntakeRecord{}, &clinic.Error{Code: clinic.EInvalid, Message: "The intake could not be read.",
			Fields: []clinic.FieldError{{Field: "answers", Message: strings.TrimPrefix(err.Error(), "json: ")}}}
	}
	if err := a.Validate(); err != nil {
		return clinic.IntakeRecord{}, err
	}
	if createdBy == "" {
		return clinic.IntakeRecord{}, clinic.Errorf(clinic.EInvalid, "An intake needs its author.")
	}
	s := intake.Screen(a, now)
	stored, err := json.Marshal(a)
	if err != nil {
		return clinic.IntakeRecord{}, fmt.Errorf("save intake: %w", err)
	}
	findings, err := json.Marshal(s.Findings)
	if err != nil {
		return clinic.IntakeRecord{}, fmt.Errorf("save intake: %w", err)
	}
	rec := clinic.IntakeRecord{ClinicID: clinicID, ClientID: clientID, Answers: stored, Tier: s.Tier.String(),
		Findings: findings, Created: time.Unix(now.Unix(), 0).UTC(), CreatedBy: createdBy}
	err = db.inWriteTx(ctx, func(tx conn) error {
		res, err := tx.exec(ctx, "UPDATE clients SET search = search WHERE clinic_id = ? AND id = ?", clinicID, clientID)
		if err != nil {
			return fmt.Errorf("save intake: lock client: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("save intake: %w", err)
		} else if n == 0 {
			return notFound("Client")
		}
		if err := tx.queryRow(ctx, "SELECT COALESCE(MAX(version), 0) + 1 FROM intakes WHERE clinic_id = ? AND client_id = ?",
			clinicID, clientID).Scan(&rec.Version); err != nil {
			return fmt.Errorf("save intake: next version: %w", err)
		}
		if _, err := tx.exec(ctx, "INSERT INTO intakes ("+intakeCols+") VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			clinicID, clientID, rec.Version, string(rec.Answers), rec.Tier, string(rec.Findings), unix(rec.Created), createdBy); err != nil {
			return db.d.mapErr(fmt.Errorf("save intake: %w", err), "This intake version already exists.", "Client not found.")
		}
		return nil
	})
	if err != nil {
		return clinic.IntakeRecord{}, err
	}
	return rec, nil
}

// LatestIntake returns the client's latest intake; ENotFound if none.
func (db *DB) LatestIntake(ctx context.Context, clinicID, clientID string) (clinic.IntakeRecord, error) {
	return latestIntake(ctx, db.r(), clinicID, clientID)
}

func latestIntake(ctx context.Context, c conn, clinicID, clientID string) (clinic.IntakeRecord, error) {
	return getOne(ctx, c, "Intake", scanIntake, "SELECT "+intakeCols+
		" FROM intakes WHERE clinic_id = ? AND client_id = ? ORDER BY version DESC LIMIT 1", clinicID, clientID)
}

// ListIntakes returns every version of the client's intake, newest first.
func (db *DB) ListIntakes(ctx context.Context, clinicID, clientID string) ([]clinic.IntakeRecord, error) {
	return list(ctx, db.r(), "intakes", scanIntake, "SELECT "+intakeCols+
		" FROM intakes WHERE clinic_id = ? AND client_id = ? ORDER BY version DESC", clinicID, clientID)
}

// tierOf reads a stored tier name; one it does not know is an emergency,
// as intake.Tier.Policy treats it.
func tierOf(name string) intake.Tier {
	var t intake.Tier
	if err := t.UnmarshalText([]byte(name)); err != nil {
		return intake.TierEmergency
	}
	return t
}

func clearanceOf(kind string) intake.Clearance {
	switch kind {
	case clinic.ClearanceClinician:
		return intake.ClinicianClearance
	case clinic.ClearanceStaff:
		return intake.StaffClearance
	}
	return intake.NoClearance
}

const clearanceCols = "clinic_id, id, client_id, intake_version, kind, note, cleared_by, cleared_at"

func scanClearance(s scanner) (clinic.Clearance, error) {
	var c clinic.Clearance
	var at int64
	err := s.Scan(&c.ClinicID, &c.ID, &c.ClientID, &c.IntakeVersion, &c.Kind, &c.Note, &c.ClearedBy, &at)
	c.ClearedAt = fromUnix(at)
	return c, err
}

// RecordClearance records a clearance for the client's latest intake.
func (db *DB) RecordClearance(ctx context.Context, clinicID string, c clinic.Clearance) (clinic.Clearance, error) {
	var v clinic.Validation
	v.Check(c.Kind == clinic.ClearanceStaff || c.Kind == clinic.ClearanceClinician, "kind", "must be staff or clinician")
	c.Note = strings.TrimSpace(c.Note)
	v.Check(c.Note != "", "note", "is required: what was checked, and with whom")
	v.Check(utf8.RuneCountInString(c.Note) <= maxClearanceNote, "note", "must be at most %d characters", maxClearanceNote)
	if err := v.Err(); err != nil {
		return clinic.Clearance{}, err
	}
	if c.ClearedBy == "" {
		return clinic.Clearance{}, clinic.Errorf(clinic.EInvalid, "A clearance needs the staff member who recorded it.")
	}
	if c.ClearedAt.IsZero() {
		c.ClearedAt = time.Now()
	}
	c.ClearedAt = time.Unix(c.ClearedAt.Unix(), 0).UTC()
	c.ClinicID, c.ID = clinicID, newID()
	err := db.inWriteTx(ctx, func(tx conn) error {
		latest, err := latestIntake(ctx, tx, clinicID, c.ClientID)
		if clinic.ErrorCode(err) == clinic.ENotFound {
			return clinic.Errorf(clinic.EConflict, "The client has no intake to clear.")
		}
		if err != nil {
			return err
		}
		if c.IntakeVersion != 0 && c.IntakeVersion != latest.Version {
			return clinic.Errorf(clinic.EConflict, "The client has a newer intake (version %d); clear that one.", latest.Version)
		}
		c.IntakeVersion = latest.Version
		switch tierOf(latest.Tier) {
		case intake.TierNone:
			return clinic.Errorf(clinic.EConflict, "The client's intake needs no clearance.")
		case intake.TierEmergency:
			return clinic.Errorf(clinic.EConflict, "An emergency cannot be cleared: the client must seek emergency care and fill in a new intake.")
		case intake.TierUrgent:
			if c.Kind != clinic.ClearanceClinician {
				return clinic.Errorf(clinic.EConflict, "This client needs a clinician's clearance: a staff clearance is not enough.")
			}
		}
		if _, err := tx.exec(ctx, "INSERT INTO clearances ("+clearanceCols+") VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			c.ClinicID, c.ID, c.ClientID, c.IntakeVersion, c.Kind, c.Note, c.ClearedBy, unix(c.ClearedAt)); err != nil {
			return db.d.mapErr(fmt.Errorf("record clearance: %w", err), "", "Intake not found.")
		}
		return nil
	})
	if err != nil {
		return clinic.Clearance{}, err
	}
	return c, nil
}

// ClientStatus says whether the client may be booked now: the latest
// intake's tier with the best clearance recorded for that version.
func (db *DB) ClientStatus(ctx context.Context, clinicID, clientID string) (clinic.ClientClinicalStatus, error) {
	if _, err := db.GetClient(ctx, clinicID, clientID); err != nil {
		return clinic.ClientClinicalStatus{}, err
	}
	return clinicalStatus(db.r().queryRow(ctx, statusByIDQuery, clinicID, clientID))
}

// statusQuery returns the query and arguments of client's clinical status,
// or "" when client names nobody.
func statusQuery(clinicID string, client clinic.ClientRef) (string, []any) {
	switch {
	case client.ID != "":
		return statusByIDQuery, []any{clinicID, client.ID}
	case emailKey(client.Email) != "":
		return statusByEmailQuery, []any{clinicID, emailKey(client.Email)}
	}
	return "", nil
}

const (
	statusByIDQuery = "SELECT " + statusCols + " FROM intakes i WHERE i.clinic_id = ? AND i.client_id = ?" +
		" ORDER BY i.version DESC LIMIT 1"
	statusByEmailQuery = "SELECT " + statusCols + " FROM clients c JOIN intakes i ON i.clinic_id = c.clinic_id AND i.client_id = c.id" +
		" WHERE c.clinic_id = ? AND c.email_key = ? ORDER BY i.version DESC LIMIT 1"
)

// statusCols are the latest intake's version and tier and the best
// clearance recorded for it (2 a clinician's, 1 a staff member's, 0 none).
const statusCols = `i.version, i.tier, i.answers, COALESCE((SELECT max(CASE cl.kind WHEN 'clinician' THEN 2 ELSE 1 END) FROM clearances cl
	WHERE cl.clinic_id = i.clinic_id AND cl.client_id = i.client_id AND cl.intake_version = i.version), 0)`

// clinicalStatus reads the row of a status query.
func clinicalStatus(row scanner) (clinic.ClientClinicalStatus, error) {
	var version, cleared int
	var tierName, answers string
	err := row.Scan(&version, &tierName, &answers, &cleared)
	if errors.Is(err, sql.ErrNoRows) {
		return clinic.ClientClinicalStatus{Needs: clinic.NeedsIntake}, nil
	}
	if err != nil {
		return clinic.ClientClinicalStatus{}, fmt.Errorf("clinical status: %w", err)
	}
	best := map[int]intake.Clearance{1: intake.StaffClearance, 2: intake.ClinicianClearance}[cleared]
	tier := tierOf(tierName)
	st := clinic.ClientClinicalStatus{HasIntake: true, Version: version, Tier: tier.String(), Bookable: tier.Bookable(best),
		Answers: json.RawMessage(answers)}
	switch best {
	case intake.StaffClearance:
		st.Clearance = clinic.ClearanceStaff
	case intake.ClinicianClearance:
		st.Clearance = clinic.ClearanceClinician
	}
	switch p := tier.Policy(); {
	case st.Bookable:
		st.Needs = clinic.NeedsNone
	case p.Never:
		st.Needs = clinic.NeedsEmergency
	case p.Needs == intake.ClinicianClearance:
		st.Needs = clinic.NeedsClinicianClearance
	default:
		st.Needs = clinic.NeedsClearance
	}
	return st, nil
}

const auditCols = "clinic_id, id, at, actor, action, client_id, detail"

func scanAudit(s scanner) (clinic.AuditEntry, error) {
	var e clinic.AuditEntry
	var at int64
	err := s.Scan(&e.ClinicID, &e.ID, &at, &e.Actor, &e.Action, &e.ClientID, &e.Detail)
	e.At = fromUnix(at)
	return e, err
}

// auditAttempts is how often AddAudit tries when another process took the
// same next id at the same moment (PostgreSQL only: SQLite has one writer).
const auditAttempts = 10

// AddAudit appends an entry to the clinic's audit log with the next id.
func (db *DB) AddAudit(ctx context.Context, e clinic.AuditEntry) (clinic.AuditEntry, error) {
	if e.Actor == "" || e.Action == "" {
		return clinic.AuditEntry{}, clinic.Errorf(clinic.EInvalid, "An audit entry needs an actor and an action.")
	}
	if e.At.IsZero() {
		e.At = time.Now()
	}
	e.At = time.Unix(e.At.Unix(), 0).UTC()
	var err error
	for range auditAttempts {
		err = db.inWriteTx(ctx, func(tx conn) error {
			if err := tx.queryRow(ctx, "SELECT COALESCE(MAX(id), 0) + 1 FROM audit_log WHERE clinic_id = ?", e.ClinicID).Scan(&e.ID); err != nil {
				return fmt.Errorf("add audit: next id: %w", err)
			}
			if _, err := tx.exec(ctx, "INSERT INTO audit_log ("+auditCols+") VALUES (?, ?, ?, ?, ?, ?, ?)",
				e.ClinicID, e.ID, unix(e.At), e.Actor, e.Action, e.ClientID, e.Detail); err != nil {
				return db.d.mapErr(fmt.Errorf("add audit: %w", err), "The audit entry id is taken.", "Clinic not found.")
			}
			return nil
		})
		if clinic.ErrorCode(err) != clinic.EConflict {
			break
		}
	}
	if err != nil {
		return clinic.AuditEntry{}, err
	}
	return e, nil
}

// ListAudit returns the clinic's latest audit entries, newest first.
func (db *DB) ListAudit(ctx context.Context, clinicID string, limit int) ([]clinic.AuditEntry, error) {
	if limit <= 0 {
		limit = 100
	}
	limit = min(limit, clinic.MaxAuditList)
	return list(ctx, db.r(), "audit log", scanAudit, "SELECT "+auditCols+
		" FROM audit_log WHERE clinic_id = ? ORDER BY id DESC LIMIT ?", clinicID, limit)
}
