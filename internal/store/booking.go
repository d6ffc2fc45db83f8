package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"knead/internal/civil"
	"knead/internal/clinic"
)

// MaxBookingAttempts bounds how often InBookingTx runs a booking on
// PostgreSQL when the database keeps reporting serialization failures.
const MaxBookingAttempts = 30

// Schedule reads a ScheduleQuery outside any booking transaction, from the
// read pool. Its reads are not one snapshot: a booking may commit between
// them. That is fine for showing availability; a booking re-reads inside
// InBookingTx, which is what decides.
func (db *DB) Schedule(ctx context.Context, q clinic.ScheduleQuery) (clinic.ScheduleData, error) {
	return db.schedule(ctx, db.r(), q, 0, false)
}

// schedule reads the catalog rows of q and the clinic's visits that reach
// into the window. LocationID and ServiceID may be empty, to read only the
// therapists and visits (e.g. for a day view of the whole clinic).
func (db *DB) schedule(ctx context.Context, c conn, q clinic.ScheduleQuery, catalogVersion int64, versionKnown bool) (clinic.ScheduleData, error) {
	cat, err := db.catalog(ctx, c, q.ClinicID, catalogVersion, versionKnown)
	if err != nil {
		return clinic.ScheduleData{}, err
	}
	d, from, to, err := resolveSchedule(cat, q)
	if err != nil {
		return clinic.ScheduleData{}, err
	}
	if d.Visits, err = windowAppointments(ctx, c, q.ClinicID, from, to); err != nil {
		return clinic.ScheduleData{}, err
	}
	return d, nil
}

// resolveSchedule is the catalog part of a ScheduleQuery: the rows it
// names, and the window [from, to) of visits it needs.
func resolveSchedule(cat *catalogSnapshot, q clinic.ScheduleQuery) (d clinic.ScheduleData, from, to time.Time, err error) {
	if q.LocationID != "" {
		var ok bool
		if d.Location, ok = cat.locations[q.LocationID]; !ok {
			return d, from, to, clinic.Errorf(clinic.ENotFound, "Location not found.")
		}
		if !q.LocalFrom.IsZero() || !q.DayOf.IsZero() {
			zone, err := civil.Zone(d.Location.TimeZone)
			if err != nil {
				return d, from, to, fmt.Errorf("location %s: %w", d.Location.ID, err)
			}
			if !q.DayOf.IsZero() {
				q.LocalFrom = civil.DateOf(q.DayOf.In(zone))
				q.LocalTo = q.LocalFrom
			}
			q.From, q.To = q.LocalFrom.In(zone, 0), q.LocalTo.AddDays(1).In(zone, 0)
		}
		d.Rooms, d.Equipment = cat.rooms[q.LocationID], cat.equipment[q.LocationID]
	}
	if q.ServiceID != "" {
		var ok bool
		if d.Service, ok = cat.services[q.ServiceID]; !ok {
			return d, from, to, clinic.Errorf(clinic.ENotFound, "Service not found.")
		}
		if !q.SlotAt.IsZero() {
			q.From = q.SlotAt.Add(-time.Duration(d.Service.BufferBeforeMinutes) * time.Minute)
			q.To = q.SlotAt.Add(time.Duration(d.Service.DurationMinutes+d.Service.BufferAfterMinutes) * time.Minute)
		}
	}
	if !q.To.After(q.From) {
		return d, from, to, clinic.Errorf(clinic.EInvalid, "The schedule window must end after it starts.")
	}
	d.Therapists = cat.therapists
	return d, q.From, q.To, nil
}

// InBookingTx runs fn in one booking transaction of the clinic and commits
// when fn returns nil. On SQLite the transaction is BEGIN IMMEDIATE on the
// single write connection, so it holds the write lock throughout and is run
// once; bookings waiting at the same moment share one commit
// (groupcommit.go). On PostgreSQL it locks the clinic's row before its
// first read of the clinic (see lock), so the bookings of a clinic run one
// at a time across processes, and those of one process waiting at the same
// moment share one transaction and one commit (pgbooking.go); should the
// database still report a serialization failure or a deadlock, fn runs
// again from the top, at most MaxBookingAttempts times, after a short
// random pause. That the window read and the insert commit together under
// the clinic's lock is the no-double-booking guarantee.
// A transaction that inserted or updated appointments also moves their
// clinic's schedule version on before it commits.
//
// fn must do all its database work through tx, and touch no other clinic:
// a write through the store itself would wait for the connection that fn
// holds.
func (db *DB) InBookingTx(ctx context.Context, clinicID string, fn func(tx clinic.BookingTx) error) error {
	if db.group != nil {
		return db.group.run(ctx, clinicID, fn)
	}
	return db.pgGroupOf(clinicID).run(ctx, fn)
}

// bookingTx is one run of a booking transaction.
type bookingTx struct {
	db       *DB
	c        conn
	clinicID string // the only clinic fn may touch
	retryErr error  // the first serialization failure met, if any
	// saved: Save ran, and the transaction takes no further call.
	saved   bool
	changed map[string]bool // clinics whose appointments were written (SQLite)

	// PostgreSQL only (pgbooking.go): the connection and the batch's
	// context; whether BEGIN was sent and the clinic's lock taken, with
	// the catalog version read with it; whether several bookings share
	// the transaction, and this one is in its savepoint; statements to
	// send first, and the writes Save held back; which booking of the
	// batch runs, and where the batch's outcomes go.
	px             *pgx.Conn
	pgctx          context.Context
	begun, locked  bool
	catalogVersion int64
	grouped        bool
	inSavepoint    bool
	pending        []pgItem
	writes         *pgWrites
	cur            int
	results        []error
	retry          []bool
}

func (t *bookingTx) changedClinic(clinicID string) {
	if t.changed == nil {
		t.changed = map[string]bool{}
	}
	t.changed[clinicID] = true
}

var _ clinic.BookingTx = (*bookingTx)(nil)

// note records a serialization failure before the error is mapped to a
// clinic.Error and the database's code is lost.
func (t *bookingTx) note(err error) error {
	if err != nil && t.retryErr == nil && t.c.d.retryable(err) {
		t.retryErr = err
	}
	return err
}

// lock takes the clinic's row lock on PostgreSQL before the transaction's
// first read of that clinic. Booking transactions run at READ COMMITTED, and
// every one of them locks its clinic first, so the bookings of one clinic
// run one at a time across all knead processes and each statement after the
// lock sees every booking committed before it: the read-check-insert cannot
// interleave. (SERIALIZABLE alone was as correct, but concurrent bookings of
// one clinic all read the same index pages and aborted one another in
// retry storms: 16 concurrent clients booked at a third of the serial rate.)
// Catalog writes lock the same row, as they move its catalog_version. Row
// locks carry over to CockroachDB and YugabyteDB. SQLite needs nothing: its
// booking transactions already hold the database's write lock.
//
// Every method of bookingTx calls lock first, so it also refuses another
// clinic than the transaction's, and any call after Save.
func (t *bookingTx) lock(ctx context.Context, clinicID string) error {
	return t.lockFor(clinicID, false)
}

// lockFor is lock before a write, which in a group commit must be inside
// the booking's savepoint.
func (t *bookingTx) lockFor(clinicID string, write bool) error {
	if err := t.usable(clinicID); err != nil {
		return err
	}
	if t.px == nil {
		return nil
	}
	return t.pgLock(clinicID, write)
}

func (t *bookingTx) usable(clinicID string) error {
	if t.saved {
		return errors.New("booking transaction: nothing may follow Save")
	}
	if clinicID != t.clinicID {
		return clinic.Errorf(clinic.ENotFound, "Clinic not found.")
	}
	return nil
}

func (t *bookingTx) Start(ctx context.Context, q clinic.ScheduleQuery, key string, client clinic.ClientRef) (clinic.BookingStart, error) {
	if err := t.usable(q.ClinicID); err != nil {
		return clinic.BookingStart{}, err
	}
	if t.px != nil {
		return t.pgStart(q, key, client)
	}
	var s clinic.BookingStart
	var err error
	if query, args := statusQuery(q.ClinicID, client); query != "" {
		if s.Clinical, err = clinicalStatus(t.c.queryRow(ctx, query, args...)); err != nil {
			return clinic.BookingStart{}, err
		}
	}
	if key != "" {
		if s.KeyAppointmentID, s.KeyRequestHash, s.KeyFound, err = t.Idempotency(ctx, q.ClinicID, key); err != nil {
			return clinic.BookingStart{}, err
		}
	}
	if s.Schedule, err = t.Schedule(ctx, q); err != nil {
		return clinic.BookingStart{}, err
	}
	return s, nil
}

func (t *bookingTx) Save(ctx context.Context, b clinic.NewBooking, into *clinic.Appointment) error {
	if err := t.usable(b.Appointment.ClinicID); err != nil {
		return err
	}
	if t.px != nil {
		err := t.pgSave(b, into)
		t.saved = err == nil
		return err
	}
	a := b.Appointment
	if a.ClientID == "" {
		c, err := t.UpsertClient(ctx, a.ClinicID, b.Client)
		if err != nil {
			return err
		}
		a.ClientID = c.ID
	}
	a, err := t.InsertAppointment(ctx, a)
	if err != nil {
		return err
	}
	if b.IdempotencyKey != "" {
		if err := t.SaveIdempotency(ctx, a.ClinicID, b.IdempotencyKey, b.RequestHash, a.ID, b.Now); err != nil {
			return err
		}
	}
	t.saved = true
	*into = a
	return nil
}

func (t *bookingTx) Schedule(ctx context.Context, q clinic.ScheduleQuery) (clinic.ScheduleData, error) {
	if err := t.lock(ctx, q.ClinicID); err != nil {
		return clinic.ScheduleData{}, err
	}
	d, err := t.db.schedule(ctx, t.c, q, t.catalogVersion, t.locked)
	return d, t.note(err)
}

func (t *bookingTx) GetAppointment(ctx context.Context, clinicID, id string) (clinic.Appointment, error) {
	if err := t.lock(ctx, clinicID); err != nil {
		return clinic.Appointment{}, err
	}
	a, err := getAppointment(ctx, t.c, clinicID, id)
	return a, t.note(err)
}

func (t *bookingTx) InsertAppointment(ctx context.Context, a clinic.Appointment) (clinic.Appointment, error) {
	// insertAppointment maps only constraint violations to clinic.Error, so
	// a serialization failure reaches note as the database reported it.
	if err := t.lockFor(a.ClinicID, true); err != nil {
		return clinic.Appointment{}, err
	}
	out, err := insertAppointment(ctx, t.c, a)
	if err == nil {
		t.changedClinic(out.ClinicID)
	}
	return out, t.note(err)
}

func (t *bookingTx) UpdateAppointment(ctx context.Context, a clinic.Appointment) error {
	if err := t.lockFor(a.ClinicID, true); err != nil {
		return err
	}
	err := updateAppointment(ctx, t.c, a)
	if err == nil {
		t.changedClinic(a.ClinicID)
	}
	return t.note(err)
}

func (t *bookingTx) UpsertClient(ctx context.Context, clinicID string, c clinic.Client) (clinic.Client, error) {
	if err := t.lockFor(clinicID, true); err != nil {
		return clinic.Client{}, err
	}
	out, err := upsertClient(ctx, t.c, clinicID, c)
	return out, t.note(err)
}

func (t *bookingTx) Idempotency(ctx context.Context, clinicID, key string) (string, []byte, bool, error) {
	if err := t.lock(ctx, clinicID); err != nil {
		return "", nil, false, err
	}
	var appointmentID string
	var hash []byte
	err := t.c.queryRow(ctx, idempotencyQuery, clinicID, key).Scan(&appointmentID, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil, false, nil
	}
	if err != nil {
		return "", nil, false, t.note(fmt.Errorf("get idempotency key: %w", err))
	}
	return appointmentID, hash, true, nil
}

func (t *bookingTx) SaveIdempotency(ctx context.Context, clinicID, key string, requestHash []byte, appointmentID string, now time.Time) error {
	if err := t.lockFor(clinicID, true); err != nil {
		return err
	}
	_, err := t.c.exec(ctx, saveIdempotencyQuery, clinicID, key, requestHash, appointmentID, unix(now))
	return t.keyErr(err)
}

const (
	idempotencyQuery     = "SELECT appointment_id, request_hash FROM idempotency_keys WHERE clinic_id = ? AND idem_key = ?"
	saveIdempotencyQuery = `INSERT INTO idempotency_keys (clinic_id, idem_key, request_hash, appointment_id, created)
		VALUES (?, ?, ?, ?, ?)`
)

// keyErr maps the error of saving an idempotency key.
func (t *bookingTx) keyErr(err error) error {
	if err == nil {
		return nil
	}
	t.note(err)
	return t.c.d.mapErr(fmt.Errorf("save idempotency key: %w", err), "The idempotency key was already used.", "Clinic not found.")
}

// DeleteIdempotencyKeys removes keys created before cutoff and returns how
// many; Sweep calls it (clients retry within
// minutes, not days).
func (db *DB) DeleteIdempotencyKeys(ctx context.Context, cutoff time.Time) (int64, error) {
	res, err := db.rw().exec(ctx, "DELETE FROM idempotency_keys WHERE created < ?", cutoff.Unix())
	if err != nil {
		return 0, fmt.Errorf("delete idempotency keys: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("delete idempotency keys: %w", err)
	}
	return n, nil
}
