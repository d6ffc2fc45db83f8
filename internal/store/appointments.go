package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"knead/internal/clinic"
)

// The longest visit and the longest buffer on either side that the store
// accepts. They bound how far from a window a visit that reaches into it can
// start, so a schedule read scans only the index range
// [From - MaxVisit - MaxBuffer, To + MaxBuffer) of one clinic: its cost
// depends on how busy the clinic is around the window, never on the size of
// the table.
const (
	MaxVisit  = 12 * time.Hour
	MaxBuffer = 4 * time.Hour
)

// DefaultListLimit is how many appointments ListAppointments returns when
// the filter does not say.
const DefaultListLimit = 500

const appointmentCols = `clinic_id, id, location_id, service_id, therapist_id, room_id, client_id, start_at, end_at,
	buffer_before, buffer_after, equipment, status, cancel_fee, created, cancelled, cancel_token_hash, checked_in`

func scanAppointment(s scanner) (clinic.Appointment, error) {
	var a clinic.Appointment
	var room sql.NullString
	var start, end, before, after, created, cancelled, checkedIn int64
	var equipment string
	if err := s.Scan(&a.ClinicID, &a.ID, &a.LocationID, &a.ServiceID, &a.TherapistID, &room, &a.ClientID,
		&start, &end, &before, &after, &equipment, &a.Status, &a.CancelFee, &created, &cancelled,
		&a.CancelTokenHash, &checkedIn); err != nil {
		return clinic.Appointment{}, err
	}
	a.RoomID = room.String
	a.Start, a.End, a.Created, a.Cancelled = fromUnix(start), fromUnix(end), fromUnix(created), fromUnix(cancelled)
	a.CheckedIn = fromUnix(checkedIn)
	a.BufferBefore, a.BufferAfter = time.Duration(before)*time.Second, time.Duration(after)*time.Second
	var err error
	a.Equipment, err = decodeStrings(equipment, "equipment")
	return a, err
}

// visitCols are what a schedule needs of an appointment: the window read
// scans thousands of rows, and each column costs.
const visitCols = `id, location_id, therapist_id, room_id, start_at, end_at, buffer_before, buffer_after, equipment`

func scanVisit(s scanner) (clinic.Visit, error) {
	var a clinic.Visit
	var room sql.NullString
	var start, end, before, after int64
	var equipment string
	if err := s.Scan(&a.ID, &a.LocationID, &a.TherapistID, &room, &start, &end, &before, &after, &equipment); err != nil {
		return clinic.Visit{}, err
	}
	a.RoomID = room.String
	a.Start, a.End = fromUnix(start), fromUnix(end)
	a.BufferBefore, a.BufferAfter = time.Duration(before)*time.Second, time.Duration(after)*time.Second
	if equipment == "[]" || equipment == "" {
		return a, nil
	}
	var err error
	a.Equipment, err = decodeStrings(equipment, "equipment")
	return a, err
}

// normalizeAppointment makes a what reading it back would give: instants in
// UTC whole seconds, buffers in whole seconds, empty lists nil.
func normalizeAppointment(a clinic.Appointment) clinic.Appointment {
	a.Start, a.End = fromUnix(unix(a.Start)), fromUnix(unix(a.End))
	a.Created, a.Cancelled = fromUnix(unix(a.Created)), fromUnix(unix(a.Cancelled))
	a.CheckedIn = fromUnix(unix(a.CheckedIn))
	a.BufferBefore, a.BufferAfter = a.BufferBefore.Truncate(time.Second), a.BufferAfter.Truncate(time.Second)
	if len(a.Equipment) == 0 {
		a.Equipment = nil
	}
	if len(a.CancelTokenHash) == 0 {
		a.CancelTokenHash = nil
	}
	return a
}

var statuses = []string{clinic.StatusBooked, clinic.StatusCancelled, clinic.StatusCompleted, clinic.StatusNoShow}

// validateAppointment checks what the store relies on: a status it knows
// and a visit and buffers within MaxVisit and MaxBuffer.
func validateAppointment(a clinic.Appointment) error {
	var v clinic.Validation
	v.Check(a.ClinicID != "", "clinic", "An appointment needs a clinic.")
	v.Check(!a.Start.IsZero() && a.End.After(a.Start), "end", "The visit must end after it starts.")
	v.Check(a.End.Sub(a.Start) <= MaxVisit, "end", "A visit may last at most %v.", MaxVisit)
	v.Check(a.BufferBefore >= 0 && a.BufferBefore <= MaxBuffer, "buffer_before", "A buffer must be between 0 and %v.", MaxBuffer)
	v.Check(a.BufferAfter >= 0 && a.BufferAfter <= MaxBuffer, "buffer_after", "A buffer must be between 0 and %v.", MaxBuffer)
	known := false
	for _, s := range statuses {
		known = known || a.Status == s
	}
	v.Check(known, "status", "Unknown status %q.", a.Status)
	return v.Err()
}

const appointmentRefMissing = "The location, service, therapist, room or client is not in this clinic."

func getAppointment(ctx context.Context, c conn, clinicID, id string) (clinic.Appointment, error) {
	return getOne(ctx, c, "Appointment", scanAppointment,
		"SELECT "+appointmentCols+" FROM appointments WHERE clinic_id = ? AND id = ?", clinicID, id)
}

// insertAppointment stores a new appointment of a.ClinicID; Status defaults
// to booked and Created to now.
func insertAppointment(ctx context.Context, c conn, a clinic.Appointment) (clinic.Appointment, error) {
	a, err := newAppointment(a)
	if err != nil {
		return clinic.Appointment{}, err
	}
	if _, err := c.exec(ctx, insertAppointmentQuery, appointmentArgs(a)...); err != nil {
		return clinic.Appointment{}, c.d.mapErr(fmt.Errorf("insert appointment: %w", err), "", appointmentRefMissing)
	}
	return a, nil
}

// newAppointment gives a new appointment its defaults (status booked,
// created now) and its ID, checks it and normalizes it.
func newAppointment(a clinic.Appointment) (clinic.Appointment, error) {
	if a.Status == "" {
		a.Status = clinic.StatusBooked
	}
	if a.Created.IsZero() {
		a.Created = time.Now()
	}
	if err := validateAppointment(a); err != nil {
		return clinic.Appointment{}, err
	}
	a.ID = newID()
	return normalizeAppointment(a), nil
}

const insertAppointmentQuery = "INSERT INTO appointments (" + appointmentCols + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"

// appointmentArgs are a's values in the order of appointmentCols.
func appointmentArgs(a clinic.Appointment) []any {
	return []any{a.ClinicID, a.ID, a.LocationID, a.ServiceID, a.TherapistID, nullable(a.RoomID), a.ClientID,
		unix(a.Start), unix(a.End), int64(a.BufferBefore / time.Second), int64(a.BufferAfter / time.Second),
		encodeStrings(a.Equipment), a.Status, a.CancelFee, unix(a.Created), unix(a.Cancelled), a.CancelTokenHash, unix(a.CheckedIn)}
}

// updateAppointment writes the fields of a that may change after booking.
func updateAppointment(ctx context.Context, c conn, a clinic.Appointment) error {
	if err := validateAppointment(a); err != nil {
		return err
	}
	a = normalizeAppointment(a)
	err := execOne(ctx, c, "Appointment", `UPDATE appointments SET status = ?, start_at = ?, end_at = ?,
		therapist_id = ?, room_id = ?, equipment = ?, buffer_before = ?, buffer_after = ?, cancel_fee = ?,
		cancelled = ?, checked_in = ? WHERE clinic_id = ? AND id = ?`,
		a.Status, unix(a.Start), unix(a.End), a.TherapistID, nullable(a.RoomID), encodeStrings(a.Equipment),
		int64(a.BufferBefore/time.Second), int64(a.BufferAfter/time.Second), a.CancelFee, unix(a.Cancelled),
		unix(a.CheckedIn), a.ClinicID, a.ID)
	if err != nil {
		return c.d.mapErr(fmt.Errorf("update appointment: %w", err), "", appointmentRefMissing)
	}
	return nil
}

// windowAppointments returns the clinic's visits, not cancelled, whose
// padded span [Start-BufferBefore, End+BufferAfter) overlaps [from, to),
// ordered by start. The index range on start_at is bounded by MaxVisit and
// MaxBuffer; the exact overlap is filtered in the database, so rows that
// merely lie near the window are never sent to Go.
func windowAppointments(ctx context.Context, c conn, clinicID string, from, to time.Time) ([]clinic.Visit, error) {
	return list(ctx, c, "appointments", scanVisit, windowQuery, windowArgs(clinicID, from, to)...)
}

const windowQuery = "SELECT " + visitCols + ` FROM appointments
		WHERE clinic_id = ? AND start_at >= ? AND start_at < ?
		AND start_at - buffer_before < ? AND end_at + buffer_after > ? AND status <> 'cancelled'
		ORDER BY start_at, id`

func windowArgs(clinicID string, from, to time.Time) []any {
	return []any{clinicID, from.Add(-MaxVisit - MaxBuffer).Unix(), to.Add(MaxBuffer).Unix(), to.Unix(), from.Unix()}
}

// GetAppointment returns the clinic's appointment id.
func (db *DB) GetAppointment(ctx context.Context, clinicID, id string) (clinic.Appointment, error) {
	return getAppointment(ctx, db.r(), clinicID, id)
}

// ListAppointments returns the clinic's appointments that match f, ordered
// by start, at most f.Limit (DefaultListLimit when 0).
func (db *DB) ListAppointments(ctx context.Context, clinicID string, f clinic.AppointmentFilter) ([]clinic.Appointment, error) {
	where := []string{"clinic_id = ?"}
	args := []any{clinicID}
	for _, eq := range []struct{ col, val string }{
		{"location_id", f.LocationID}, {"therapist_id", f.TherapistID}, {"client_id", f.ClientID}, {"status", f.Status},
	} {
		if eq.val != "" {
			where = append(where, eq.col+" = ?")
			args = append(args, eq.val)
		}
	}
	if !f.From.IsZero() {
		where = append(where, "start_at >= ?")
		args = append(args, f.From.Unix())
	}
	if !f.To.IsZero() {
		where = append(where, "start_at < ?")
		args = append(args, f.To.Unix())
	}
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultListLimit
	}
	args = append(args, limit)
	return list(ctx, db.r(), "appointments", scanAppointment, "SELECT "+appointmentCols+
		" FROM appointments WHERE "+strings.Join(where, " AND ")+" ORDER BY start_at, id LIMIT ?", args...)
}
