package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"time"

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
	var d clinic.ScheduleData
	if q.LocationID != "" {
		var ok bool
		if d.Location, ok = cat.locations[q.LocationID]; !ok {
			return clinic.ScheduleData{}, clinic.Errorf(clinic.ENotFound, "Location not found.")
		}
		if !q.LocalFrom.IsZero() || !q.DayOf.IsZero() {
			zone, err := civil.Zone(d.Location.TimeZone)
			if err != nil {
				return clinic.ScheduleData{}, fmt.Errorf("location %s: %w", d.Location.ID, err)
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
			return clinic.ScheduleData{}, clinic.Errorf(clinic.ENotFound, "Service not found.")
		}
		if !q.SlotAt.IsZero() {
			q.From = q.SlotAt.Add(-time.Duration(d.Service.BufferBeforeMinutes) * time.Minute)
			q.To = q.SlotAt.Add(time.Duration(d.Service.DurationMinutes+d.Service.BufferAfterMinutes) * time.Minute)
		}
	}
	if !q.To.After(q.From) {
		return clinic.ScheduleData{}, clinic.Errorf(clinic.EInvalid, "The schedule window must end after it starts.")
	}
	d.Therapists = cat.therapists
	if d.Visits, err = windowAppointments(ctx, c, q.ClinicID, q.From, q.To); err != nil {
		return clinic.ScheduleData{}, err
	}
	return d, nil
}

// InBookingTx runs fn in one booking transaction and commits when fn
// returns nil. On SQLite the transaction is BEGIN IMMEDIATE on the single
// write connection, so it holds the write lock throughout and is run once;
// bookings waiting at the same moment share one commit (groupcommit.go).
// On PostgreSQL it locks the clinic's row before its first read of the
// clinic (see lock), so the bookings of a clinic run one at a time across
// processes; should the database still report a serialization failure or a
// deadlock, the transaction is rolled back and fn runs again from the top,
// at most MaxBookingAttempts times, after a short random pause. That the
// window read and the insert commit together under the clinic's lock is the
// no-double-booking guarantee.
// A transaction that inserted or updated appointments also moves their
// clinic's schedule version on, just before it commits.
//
// fn must do all its database work through tx: on SQLite a write through
// the store itself would wait for the one write connection that fn holds.
func (db *DB) InBookingTx(ctx context.Context, fn func(tx clinic.BookingTx) error) error {
	if db.group != nil {
		return db.group.run(ctx, fn)
	}
	for attempt := 1; ; attempt++ {
		retry, err := db.bookingAttempt(ctx, fn)
		if !retry {
			return err
		}
		db.retries.Add(1)
		if attempt == MaxBookingAttempts {
			return fmt.Errorf("booking transaction: gave up after %d serialization failures: %w", attempt, err)
		}
		// Full jitter on an exponential ceiling of 1 ms to 50 ms spreads
		// the contenders out so the next round has fewer collisions.
		ceiling := min(time.Millisecond<<min(attempt, 6), 50*time.Millisecond)
		t := time.NewTimer(rand.N(ceiling) + time.Millisecond/4)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("booking transaction: %w", ctx.Err())
		case <-t.C:
		}
	}
}

// bookingAttempt runs fn once; retry says whether it met a serialization
// failure and may be run again.
func (db *DB) bookingAttempt(ctx context.Context, fn func(tx clinic.BookingTx) error) (retry bool, err error) {
	// READ COMMITTED (the default) with the clinic's row lock: see lock.
	sqlTx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return db.d.retryable(err), fmt.Errorf("begin booking transaction: %w", err)
	}
	tx := &bookingTx{db: db, c: db.inTx(sqlTx, false)}
	committed := false
	defer func() {
		if !committed {
			sqlTx.Rollback() // a panic in fn leaves nothing half-saved either
		}
	}()
	if err := fn(tx); err != nil {
		// A statement that failed for serialization aborts the transaction;
		// whatever fn made of that error, the run is void and may go again.
		if tx.retryErr != nil {
			return true, tx.retryErr
		}
		return false, err
	}
	if tx.retryErr != nil {
		// fn swallowed a serialization failure: the transaction is aborted
		// and cannot commit.
		return true, tx.retryErr
	}
	// The version moves last, so that a counter row stays locked only for
	// the moment before the commit; clinics in sorted order, so that two
	// transactions never wait on each other in a cycle.
	for _, clinicID := range slices.Sorted(maps.Keys(tx.changed)) {
		if tx.locked[clinicID] {
			continue // moved on when the lock was taken
		}
		if err := tx.note(bumpScheduleVersion(ctx, tx.c, clinicID)); err != nil {
			return tx.retryErr != nil, err
		}
	}
	committed = true
	if err := sqlTx.Commit(); err != nil {
		err = fmt.Errorf("commit booking transaction: %w", err)
		return db.d.retryable(err), db.d.mapErr(err, "", "")
	}
	db.writeGen.Add(1)
	return false, nil
}

// bookingTx is one run of a booking transaction.
type bookingTx struct {
	db       *DB
	c        conn
	retryErr error           // the first serialization failure met, if any
	locked   map[string]bool // clinics whose row lock this transaction holds (PostgreSQL)
	// catalogVersion of each locked clinic, read with the lock.
	catalogVersion map[string]int64
	changed        map[string]bool // clinics whose appointments were written
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
func (t *bookingTx) lock(ctx context.Context, clinicID string) error {
	if t.c.d.engine != EnginePostgres || t.locked[clinicID] {
		return nil
	}
	// One round trip takes the lock, moves the schedule version on (rolled
	// back with the transaction if it fails) and learns the catalog version.
	var catalogVersion int64
	err := t.c.queryRow(ctx, "UPDATE clinics SET schedule_version = schedule_version + 1 WHERE id = ? RETURNING catalog_version",
		clinicID).Scan(&catalogVersion)
	if errors.Is(err, sql.ErrNoRows) {
		return clinic.Errorf(clinic.ENotFound, "Clinic not found.")
	}
	if err != nil {
		return t.note(fmt.Errorf("lock clinic: %w", err))
	}
	if t.locked == nil {
		t.locked = map[string]bool{}
		t.catalogVersion = map[string]int64{}
	}
	t.locked[clinicID] = true
	t.catalogVersion[clinicID] = catalogVersion
	return nil
}

func (t *bookingTx) Schedule(ctx context.Context, q clinic.ScheduleQuery) (clinic.ScheduleData, error) {
	if err := t.lock(ctx, q.ClinicID); err != nil {
		return clinic.ScheduleData{}, err
	}
	v, known := t.catalogVersion[q.ClinicID]
	d, err := t.db.schedule(ctx, t.c, q, v, known)
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
	if err := t.lock(ctx, a.ClinicID); err != nil {
		return clinic.Appointment{}, err
	}
	out, err := insertAppointment(ctx, t.c, a)
	if err == nil {
		t.changedClinic(out.ClinicID)
	}
	return out, t.note(err)
}

func (t *bookingTx) UpdateAppointment(ctx context.Context, a clinic.Appointment) error {
	if err := t.lock(ctx, a.ClinicID); err != nil {
		return err
	}
	err := updateAppointment(ctx, t.c, a)
	if err == nil {
		t.changedClinic(a.ClinicID)
	}
	return t.note(err)
}

func (t *bookingTx) UpsertClient(ctx context.Context, clinicID string, c clinic.Client) (clinic.Client, error) {
	if err := t.lock(ctx, clinicID); err != nil {
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
	err := t.c.queryRow(ctx, "SELECT appointment_id, request_hash FROM idempotency_keys WHERE clinic_id = ? AND idem_key = ?",
		clinicID, key).Scan(&appointmentID, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil, false, nil
	}
	if err != nil {
		return "", nil, false, t.note(fmt.Errorf("get idempotency key: %w", err))
	}
	return appointmentID, hash, true, nil
}

func (t *bookingTx) SaveIdempotency(ctx context.Context, clinicID, key string, requestHash []byte, appointmentID string, now time.Time) error {
	if err := t.lock(ctx, clinicID); err != nil {
		return err
	}
	_, err := t.c.exec(ctx, `INSERT INTO idempotency_keys (clinic_id, idem_key, request_hash, appointment_id, created)
		VALUES (?, ?, ?, ?, ?)`, clinicID, key, requestHash, appointmentID, unix(now))
	if err != nil {
		t.note(err)
		return t.c.d.mapErr(fmt.Errorf("save idempotency key: %w", err), "The idempotency key was already used.", "Clinic not found.")
	}
	return nil
}

// DeleteIdempotencyKeys removes keys created before cutoff and returns how
// many; a housekeeping job calls it now and then (clients retry within
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
