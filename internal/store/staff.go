package store

import (
	"context"
	"fmt"

	"knead/internal/clinic"
)

// ---- therapists

const therapistCols = "clinic_id, id, name, bio, years_experience, specialties, modalities, credentials, shifts, time_off"

func scanTherapist(s scanner) (clinic.Therapist, error) {
	var t clinic.Therapist
	var specialties, modalities, credentials, shifts, timeOff string
	if err := s.Scan(&t.ClinicID, &t.ID, &t.Name, &t.Bio, &t.YearsExperience,
		&specialties, &modalities, &credentials, &shifts, &timeOff); err != nil {
		return clinic.Therapist{}, err
	}
	var err error
	if t.Specialties, err = decodeStrings(specialties, "specialties"); err != nil {
		return clinic.Therapist{}, err
	}
	if t.Modalities, err = decodeStrings(modalities, "modalities"); err != nil {
		return clinic.Therapist{}, err
	}
	if t.Credentials, err = decodeCredentials(credentials); err != nil {
		return clinic.Therapist{}, err
	}
	if t.Shifts, err = decodeShifts(shifts); err != nil {
		return clinic.Therapist{}, err
	}
	if t.TimeOff, err = decodeTimeOff(timeOff); err != nil {
		return clinic.Therapist{}, err
	}
	return t, nil
}

func getTherapist(ctx context.Context, c conn, clinicID, id string) (clinic.Therapist, error) {
	return getOne(ctx, c, "Therapist", scanTherapist,
		"SELECT "+therapistCols+" FROM therapists WHERE clinic_id = ? AND id = ?", clinicID, id)
}

func listTherapists(ctx context.Context, c conn, clinicID string) ([]clinic.Therapist, error) {
	ts, err := list(ctx, c, "therapists", scanTherapist,
		"SELECT "+therapistCols+" FROM therapists WHERE clinic_id = ?", clinicID)
	return byName(ts, func(t clinic.Therapist) string { return t.Name }, func(t clinic.Therapist) string { return t.ID }), err
}

// CreateTherapist stores a new therapist of the clinic.
func (db *DB) CreateTherapist(ctx context.Context, clinicID string, t clinic.Therapist) (clinic.Therapist, error) {
	t.ID = newID()
	var out clinic.Therapist
	err := db.inCatalogTx(ctx, clinicID, func(tx conn) error {
		if _, err := tx.exec(ctx, "INSERT INTO therapists ("+therapistCols+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			clinicID, t.ID, t.Name, t.Bio, t.YearsExperience, encodeStrings(t.Specialties), encodeStrings(t.Modalities),
			encodeCredentials(t.Credentials), encodeShifts(t.Shifts), encodeTimeOff(t.TimeOff)); err != nil {
			return db.d.mapErr(fmt.Errorf("create therapist: %w", err), "", "Clinic not found.")
		}
		var err error
		out, err = getTherapist(ctx, tx, clinicID, t.ID)
		return err
	})
	return out, err
}

// GetTherapist returns the clinic's therapist id.
func (db *DB) GetTherapist(ctx context.Context, clinicID, id string) (clinic.Therapist, error) {
	return getTherapist(ctx, db.r(), clinicID, id)
}

// ListTherapists returns every therapist of the clinic.
func (db *DB) ListTherapists(ctx context.Context, clinicID string) ([]clinic.Therapist, error) {
	return listTherapists(ctx, db.r(), clinicID)
}

// UpdateTherapist replaces every field of the clinic's therapist t.ID.
func (db *DB) UpdateTherapist(ctx context.Context, clinicID string, t clinic.Therapist) (clinic.Therapist, error) {
	var out clinic.Therapist
	err := db.inCatalogTx(ctx, clinicID, func(tx conn) error {
		if err := execOne(ctx, tx, "Therapist", `UPDATE therapists SET name = ?, bio = ?, years_experience = ?,
			specialties = ?, modalities = ?, credentials = ?, shifts = ?, time_off = ? WHERE clinic_id = ? AND id = ?`,
			t.Name, t.Bio, t.YearsExperience, encodeStrings(t.Specialties), encodeStrings(t.Modalities),
			encodeCredentials(t.Credentials), encodeShifts(t.Shifts), encodeTimeOff(t.TimeOff), clinicID, t.ID); err != nil {
			return fmt.Errorf("update therapist: %w", err)
		}
		var err error
		out, err = getTherapist(ctx, tx, clinicID, t.ID)
		return err
	})
	return out, err
}

// DeleteTherapist deletes the clinic's therapist id; EConflict while
// appointments or a user refer to it.
func (db *DB) DeleteTherapist(ctx context.Context, clinicID, id string) error {
	return db.deleteRow(ctx, "therapists", "Therapist", clinicID, id)
}

// ---- services

const serviceCols = `clinic_id, id, name, modality, duration_minutes, price, currency, buffer_before_minutes,
	buffer_after_minutes, equipment, min_notice_minutes, horizon_days, cancel_window_hours, late_cancel,
	late_cancel_fee, slot_step_minutes`

func scanService(s scanner) (clinic.Service, error) {
	var v clinic.Service
	var equipment string
	if err := s.Scan(&v.ClinicID, &v.ID, &v.Name, &v.Modality, &v.DurationMinutes, &v.Price, &v.Currency,
		&v.BufferBeforeMinutes, &v.BufferAfterMinutes, &equipment, &v.MinNoticeMinutes, &v.HorizonDays,
		&v.CancelWindowHours, &v.LateCancel, &v.LateCancelFee, &v.SlotStepMinutes); err != nil {
		return clinic.Service{}, err
	}
	var err error
	v.Equipment, err = decodeStrings(equipment, "equipment")
	return v, err
}

func getService(ctx context.Context, c conn, clinicID, id string) (clinic.Service, error) {
	return getOne(ctx, c, "Service", scanService,
		"SELECT "+serviceCols+" FROM services WHERE clinic_id = ? AND id = ?", clinicID, id)
}

// CreateService stores a new service of the clinic.
func (db *DB) CreateService(ctx context.Context, clinicID string, s clinic.Service) (clinic.Service, error) {
	s.ID = newID()
	var out clinic.Service
	err := db.inCatalogTx(ctx, clinicID, func(tx conn) error {
		if _, err := tx.exec(ctx, "INSERT INTO services ("+serviceCols+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			clinicID, s.ID, s.Name, s.Modality, s.DurationMinutes, s.Price, s.Currency, s.BufferBeforeMinutes,
			s.BufferAfterMinutes, encodeStrings(s.Equipment), s.MinNoticeMinutes, s.HorizonDays, s.CancelWindowHours,
			s.LateCancel, s.LateCancelFee, s.SlotStepMinutes); err != nil {
			return db.d.mapErr(fmt.Errorf("create service: %w", err), "", "Clinic not found.")
		}
		var err error
		out, err = getService(ctx, tx, clinicID, s.ID)
		return err
	})
	return out, err
}

// GetService returns the clinic's service id.
func (db *DB) GetService(ctx context.Context, clinicID, id string) (clinic.Service, error) {
	return getService(ctx, db.r(), clinicID, id)
}

// ListServices returns every service of the clinic.
func (db *DB) ListServices(ctx context.Context, clinicID string) ([]clinic.Service, error) {
	ss, err := list(ctx, db.r(), "services", scanService,
		"SELECT "+serviceCols+" FROM services WHERE clinic_id = ?", clinicID)
	return byName(ss, func(s clinic.Service) string { return s.Name }, func(s clinic.Service) string { return s.ID }), err
}

// UpdateService replaces every field of the clinic's service s.ID.
func (db *DB) UpdateService(ctx context.Context, clinicID string, s clinic.Service) (clinic.Service, error) {
	var out clinic.Service
	err := db.inCatalogTx(ctx, clinicID, func(tx conn) error {
		if err := execOne(ctx, tx, "Service", `UPDATE services SET name = ?, modality = ?, duration_minutes = ?,
			price = ?, currency = ?, buffer_before_minutes = ?, buffer_after_minutes = ?, equipment = ?,
			min_notice_minutes = ?, horizon_days = ?, cancel_window_hours = ?, late_cancel = ?, late_cancel_fee = ?,
			slot_step_minutes = ? WHERE clinic_id = ? AND id = ?`,
			s.Name, s.Modality, s.DurationMinutes, s.Price, s.Currency, s.BufferBeforeMinutes, s.BufferAfterMinutes,
			encodeStrings(s.Equipment), s.MinNoticeMinutes, s.HorizonDays, s.CancelWindowHours, s.LateCancel,
			s.LateCancelFee, s.SlotStepMinutes, clinicID, s.ID); err != nil {
			return fmt.Errorf("update service: %w", err)
		}
		var err error
		out, err = getService(ctx, tx, clinicID, s.ID)
		return err
	})
	return out, err
}

// DeleteService deletes the clinic's service id; EConflict while
// appointments refer to it.
func (db *DB) DeleteService(ctx context.Context, clinicID, id string) error {
	return db.deleteRow(ctx, "services", "Service", clinicID, id)
}
