package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"knead/internal/clinic"
)

// Booking transactions on PostgreSQL.
//
// Round trips. A booking talks to its connection through pgx directly, not
// through database/sql, so that statements that need not wait for each
// other's answers go to the server together (pgx's pipelined batches), and
// a booking's writes, which nothing in the booking waits for, are held back
// and sent with the transaction's next round trip. A booking alone is two
// round trips: BEGIN, the clinic's lock, the Idempotency-Key lookup and the
// window read (Start); then the client upsert, the insert, the key and
// COMMIT. database/sql sends one statement per round trip: eight for the
// same booking.
//
// Group commit. The bookings of one clinic run one at a time under its row
// lock (see lock), each paying a commit. Within one process they would also
// all wait on that lock inside PostgreSQL, and every commit would wake them
// all. Instead the process queues them per clinic: the first becomes the
// leader and runs the bookings waiting at that moment in one transaction,
// each in its own SAVEPOINT, under one lock and one commit, as the SQLite
// group committer does (groupcommit.go). Each booking still runs alone and
// sees the ones before it (its first round trip carries the previous
// booking's writes, ahead of its own reads), so the read-check-insert stays
// serialized: one round trip a booking, and one commit a batch. A booking
// that fails is rolled back to its savepoint; nobody is told a booking
// succeeded before the commit that holds it. Other processes' bookings of
// the clinic queue on the row lock as before.

// batchTimeout bounds a batch's database work, which goes on after a
// caller went away: a commit the database may have made must be seen
// through.
const batchTimeout = 30 * time.Second

// pgGroup queues one clinic's booking transactions in this process.
type pgGroup struct {
	db       *DB
	clinicID string
	mu       sync.Mutex
	queue    []*pgRequest
	leading  bool // a goroutine is running a batch of this clinic
}

type pgRequest struct {
	groupRequest
	attempt int
}

func (db *DB) pgGroupOf(clinicID string) *pgGroup {
	if g, ok := db.pgGroups.Load(clinicID); ok {
		return g.(*pgGroup)
	}
	g, _ := db.pgGroups.LoadOrStore(clinicID, &pgGroup{db: db, clinicID: clinicID})
	return g.(*pgGroup)
}

// run queues fn and waits for its durable outcome.
func (g *pgGroup) run(ctx context.Context, fn func(tx clinic.BookingTx) error) error {
	r := &pgRequest{groupRequest: groupRequest{ctx: ctx, fn: fn, done: make(chan error, 1)}, attempt: 1}
	g.enqueue(r)
	err := <-r.done
	if r.panicked != nil {
		panic(r.panicked) // as if fn had run here; its work was rolled back
	}
	return err
}

// enqueue adds r and, when no batch of the clinic is running, leads one.
func (g *pgGroup) enqueue(r *pgRequest) {
	g.mu.Lock()
	g.queue = append(g.queue, r)
	lead := !g.leading
	g.leading = true
	g.mu.Unlock()
	if lead {
		g.lead()
	}
}

// lead runs one batch of what is queued, then hands the rest, if any, to a
// new goroutine, so that the caller who led is answered without waiting for
// the bookings that came after. Should the store itself panic (a bug: fn's
// panics are caught in runOne), the batch's callers are answered and the
// queue moves on before the panic goes up.
func (g *pgGroup) lead() {
	g.mu.Lock()
	n := min(len(g.queue), maxGroup)
	batch := append([]*pgRequest(nil), g.queue[:n]...)
	g.queue = append(g.queue[:0], g.queue[n:]...)
	g.mu.Unlock()
	settled := 0 // requests of batch answered or queued again
	defer func() {
		v := recover()
		if v != nil {
			for _, r := range batch[settled:] {
				r.done <- fmt.Errorf("booking transaction: internal error: %v", v)
			}
		}
		g.mu.Lock()
		more := len(g.queue) > 0
		g.leading = more
		g.mu.Unlock()
		if more {
			go g.lead()
		}
		if v != nil {
			panic(v)
		}
	}()
	g.runBatch(batch, &settled)
}

// runBatch runs batch in one transaction and answers each request, or, on
// a serialization failure or deadlock, queues it again after a short
// random pause, at most MaxBookingAttempts times.
func (g *pgGroup) runBatch(batch []*pgRequest, settled *int) {
	results := make([]error, len(batch))
	retry := make([]bool, len(batch))
	g.db.noteBatch(len(batch))
	g.db.pgBatch(g.clinicID, batch, results, retry)
	for i, r := range batch {
		*settled = i + 1
		if !retry[i] || r.panicked != nil {
			r.done <- results[i]
			continue
		}
		g.db.retries.Add(1)
		if r.attempt == MaxBookingAttempts {
			r.done <- fmt.Errorf("booking transaction: gave up after %d serialization failures: %w", r.attempt, results[i])
			continue
		}
		r.attempt++
		// Full jitter on an exponential ceiling of 1 ms to 50 ms spreads
		// the contenders out so the next round has fewer collisions.
		ceiling := min(time.Millisecond<<min(r.attempt, 6), 50*time.Millisecond)
		time.AfterFunc(rand.N(ceiling)+time.Millisecond/4, func() {
			if err := r.ctx.Err(); err != nil {
				r.done <- fmt.Errorf("booking transaction: %w", err)
				return
			}
			g.enqueue(r)
		})
	}
}

// pgBatch runs the batch on one connection of the pool.
func (db *DB) pgBatch(clinicID string, batch []*pgRequest, results []error, retry []bool) {
	ctx, cancel := context.WithTimeout(context.Background(), batchTimeout)
	defer cancel()
	sc, err := db.write.Conn(ctx)
	if err != nil {
		for i := range results {
			results[i] = fmt.Errorf("booking transaction: %w", err)
		}
		return
	}
	defer sc.Close()
	err = sc.Raw(func(dc any) error {
		px := dc.(*stdlib.Conn).Conn()
		db.pgRun(ctx, px, clinicID, batch, results, retry)
		if px.IsClosed() || px.PgConn().TxStatus() != 'I' {
			// Not back at rest (a rollback failed, or the connection broke):
			// the pool must not hand it out again.
			return driver.ErrBadConn
		}
		return nil
	})
	if err != nil {
		for i := range results {
			if results[i] == nil {
				results[i] = fmt.Errorf("booking transaction: %w", err)
			}
		}
	}
}

func (db *DB) pgRun(ctx context.Context, px *pgx.Conn, clinicID string, batch []*pgRequest, results []error, retry []bool) {
	t := &bookingTx{db: db, clinicID: clinicID, px: px, pgctx: ctx, grouped: len(batch) > 1}
	t.c = conn{px: px, pxctx: ctx, d: db.d}
	defer func() {
		// Anything but a commit rolls back.
		if t.begun && px.PgConn().TxStatus() != 'I' {
			px.Exec(ctx, "ROLLBACK", pgx.QueryExecModeSimpleProtocol) // on failure the connection is dropped (see pgBatch)
		}
	}()
	for i, r := range batch {
		if err := r.ctx.Err(); err != nil {
			results[i] = fmt.Errorf("booking transaction: %w", err)
			continue
		}
		t.cur, t.results, t.retry = i, results, retry
		err := t.runOne(r)
		if t.retryErr != nil {
			// A statement that failed for serialization was rolled back
			// (to the savepoint, or with the whole transaction): whatever
			// fn made of that error, the run is void and may go again.
			err, retry[i] = t.retryErr, true
		}
		if err != nil {
			results[i] = err // before endOne: held-back writes of a failed fn are dropped
		}
		t.endOne(err != nil)
	}
	if !t.begun || (t.writes == nil && !anyNil(results)) {
		return // rolled back by the deferred function, if begun
	}
	// Every write took the clinic's lock first, and the lock moved the
	// clinic's schedule version on: all that is left is the last booking's
	// writes and the commit.
	err := t.roundTrip("", false, func(b *pgx.Batch) { b.Queue("COMMIT") }, readCommit)
	if err != nil {
		for i := range results {
			if results[i] == nil {
				results[i], retry[i] = err, db.d.retryable(err)
			}
		}
	}
}

func anyNil(errs []error) bool {
	for _, err := range errs {
		if err == nil {
			return true
		}
	}
	return false
}

// runOne runs one request's fn, turning a panic into an error.
func (t *bookingTx) runOne(r *pgRequest) (err error) {
	t.saved, t.retryErr = false, nil
	defer func() {
		if v := recover(); v != nil {
			r.panicked = v
			err = fmt.Errorf("booking transaction panicked: %v", v)
		}
	}()
	return r.fn(t)
}

// endOne settles the booking that just ran, in the batch's next round
// trip: its held-back writes are dropped if it failed, and its savepoint is
// rolled back if it failed, released if not.
func (t *bookingTx) endOne(failed bool) {
	if failed {
		t.writes = nil
		if t.inSavepoint {
			t.rollbackToSavepoint()
		}
	} else if t.writes != nil && (t.inSavepoint || t.writes.savepoint) {
		t.writes.items = append(t.writes.items, execItem("RELEASE SAVEPOINT booking"))
	} else if t.inSavepoint {
		t.pending = append(t.pending, execItem("RELEASE SAVEPOINT booking"))
	}
	t.inSavepoint = false
}

func readCommit(br pgx.BatchResults) error {
	tag, err := br.Exec()
	if err == nil && tag.String() != "COMMIT" {
		err = errors.New("the transaction was rolled back")
	}
	if err != nil {
		return fmt.Errorf("commit booking transaction: %w", err)
	}
	return nil
}

// pgItem is a statement for the transaction's next round trip, and how to
// read its answer.
type pgItem struct {
	query string
	args  []any
	read  func(br pgx.BatchResults) error
}

func execItem(query string) pgItem {
	return pgItem{query: query, read: func(br pgx.BatchResults) error {
		_, err := br.Exec()
		return err
	}}
}

// pgWrites are a booking's writes that Save held back.
type pgWrites struct {
	items     []pgItem
	savepoint bool            // items open the booking's savepoint
	done      func(err error) // records the booking's outcome once they ran
}

// errWritesFailed says that the previous booking's held-back writes failed
// (its outcome is recorded) and took the rest of the round trip with them.
var errWritesFailed = errors.New("the previous booking's writes failed")

const lockQuery = "UPDATE clinics SET schedule_version = schedule_version + 1 WHERE id = ? RETURNING catalog_version"

// prefix is what queuePrefix queued.
type prefix struct {
	begin, lock     bool
	items           []pgItem
	writes          *pgWrites
	wFrom, wTo      int  // writes.items within items
	savepointBefore bool // whether the booking was in its savepoint before
}

// queuePrefix queues what must precede the transaction's next statements:
// BEGIN; the clinic's lock (one statement takes the row lock, moves the
// schedule version on, rolled back with the transaction if it fails, and
// reads the catalog version); what the previous booking of the batch left
// to settle and its held-back writes; and, when the next statements write
// in a batch of several, this booking's savepoint. The lock is taken
// outside any savepoint, so it holds for the whole batch.
func (t *bookingTx) queuePrefix(b *pgx.Batch, clinicID string, write bool) prefix {
	var p prefix
	if !t.begun {
		b.Queue("BEGIN")
		t.begun, p.begin = true, true
	}
	if clinicID != "" && !t.locked {
		b.Queue(t.c.d.rebind(lockQuery), clinicID)
		p.lock = true
	}
	p.items = append(p.items, t.pending...)
	t.pending = nil
	if t.writes != nil {
		p.writes, p.wFrom = t.writes, len(p.items)
		p.items = append(p.items, t.writes.items...)
		p.wTo = len(p.items)
		t.writes = nil
	}
	p.savepointBefore = t.inSavepoint
	if write && t.grouped && !t.inSavepoint {
		p.items = append(p.items, execItem("SAVEPOINT booking"))
		t.inSavepoint = true
	}
	for _, it := range p.items {
		b.Queue(it.query, it.args...)
	}
	return p
}

// readPrefix reads what queuePrefix queued.
func (t *bookingTx) readPrefix(br pgx.BatchResults, p prefix) error {
	if p.begin {
		if _, err := br.Exec(); err != nil {
			return fmt.Errorf("begin booking transaction: %w", err)
		}
	}
	if p.lock {
		var catalogVersion int64
		err := br.QueryRow().Scan(&catalogVersion)
		if errors.Is(err, pgx.ErrNoRows) {
			return clinic.Errorf(clinic.ENotFound, "Clinic not found.")
		}
		if err != nil {
			return fmt.Errorf("lock clinic: %w", err)
		}
		t.locked, t.catalogVersion = true, catalogVersion
	}
	for i, it := range p.items {
		err := it.read(br)
		if p.writes != nil && i == p.wTo-1 && err == nil {
			p.writes.done(nil)
		}
		if err == nil {
			continue
		}
		if p.writes != nil && i >= p.wFrom && i < p.wTo {
			p.writes.done(err)
			return errWritesFailed
		}
		return fmt.Errorf("booking batch: %w", err)
	}
	return nil
}

// roundTrip sends the prefix and what build queues, and reads the answers
// with read. When the previous booking's held-back writes failed (in a
// batch of several), it rolls them back to their savepoint and sends again.
func (t *bookingTx) roundTrip(clinicID string, write bool, build func(b *pgx.Batch), read func(br pgx.BatchResults) error) error {
	for {
		b := &pgx.Batch{}
		p := t.queuePrefix(b, clinicID, write)
		build(b)
		if b.Len() == 0 {
			return nil
		}
		br := t.px.SendBatch(t.pgctx, b)
		err := t.readPrefix(br, p)
		if err == nil {
			err = read(br)
		}
		err = errors.Join(err, closeBatch(br, err))
		if errors.Is(err, errWritesFailed) && t.grouped {
			// Every held-back write of a batch of several is inside its
			// booking's savepoint: undo it and go on.
			t.rollbackToSavepoint()
			t.inSavepoint = p.savepointBefore
			continue
		}
		return t.note(err)
	}
}

// rollbackToSavepoint undoes the booking in its savepoint: with the next
// round trip if the transaction is still sound, at once if a statement
// failed (the server then refuses to prepare any statement but a rollback,
// so it goes as a simple query).
func (t *bookingTx) rollbackToSavepoint() {
	const undo = "ROLLBACK TO SAVEPOINT booking; RELEASE SAVEPOINT booking"
	if t.px.PgConn().TxStatus() != 'E' {
		t.pending = append(t.pending, execItem("ROLLBACK TO SAVEPOINT booking"), execItem("RELEASE SAVEPOINT booking"))
		return
	}
	// Should this fail, the transaction stays aborted and every later
	// statement of the batch reports it.
	t.px.Exec(t.pgctx, undo, pgx.QueryExecModeSimpleProtocol)
}

// closeBatch closes br; when reading it already failed (failed != nil) the
// close's error says nothing new.
func closeBatch(br pgx.BatchResults, failed error) error {
	err := br.Close()
	if failed != nil || err == nil {
		return nil
	}
	return fmt.Errorf("booking batch: %w", err)
}

// pgLock sends the prefix, if anything is due, as a round trip of its own.
func (t *bookingTx) pgLock(clinicID string, write bool) error {
	return t.roundTrip(clinicID, write, func(*pgx.Batch) {}, func(pgx.BatchResults) error { return nil })
}

// pgStart is Start on PostgreSQL in one round trip. The window to read
// depends on the catalog (the location's time zone, the service's buffers),
// which is read under the lock: the round trip assumes the cached catalog
// is current, and when the lock reports that it is not, the catalog and the
// window are read again under the lock.
func (t *bookingTx) pgStart(q clinic.ScheduleQuery, key string, client clinic.ClientRef) (clinic.BookingStart, error) {
	if err := pgText(key); err != nil {
		return clinic.BookingStart{}, err
	}
	var s clinic.BookingStart
	var from, to time.Time
	var cached *catalogSnapshot
	if v, ok := t.db.catalogs.m.Load(q.ClinicID); ok {
		var err error
		cached = v.(*catalogSnapshot)
		if s.Schedule, from, to, err = resolveSchedule(cached, q); err != nil {
			cached = nil // maybe stale; the read under the lock reports it
		}
	}
	status, statusArgs := statusQuery(q.ClinicID, client)
	err := t.roundTrip(q.ClinicID, false, func(b *pgx.Batch) {
		if status != "" {
			b.Queue(t.c.d.rebind(status), statusArgs...)
		}
		if key != "" {
			b.Queue(t.c.d.rebind(idempotencyQuery), q.ClinicID, key)
		}
		if cached != nil {
			b.Queue(t.c.d.rebind(windowQuery), windowArgs(q.ClinicID, from, to)...)
		}
	}, func(br pgx.BatchResults) error {
		if status != "" {
			var err error
			if s.Clinical, err = clinicalStatus(pgRow{br.QueryRow()}); err != nil {
				return err
			}
		}
		if key != "" {
			err := br.QueryRow().Scan(&s.KeyAppointmentID, &s.KeyRequestHash)
			switch {
			case err == nil:
				s.KeyFound = true
			case !errors.Is(err, pgx.ErrNoRows):
				return fmt.Errorf("get idempotency key: %w", err)
			}
		}
		if cached == nil {
			return nil
		}
		rows, err := br.Query()
		if err == nil {
			s.Schedule.Visits, err = collect(pgRows{rows}, scanVisit)
		}
		if err != nil {
			return fmt.Errorf("list appointments: %w", err)
		}
		return nil
	})
	if err != nil {
		return clinic.BookingStart{}, err
	}
	if cached == nil || cached.version != t.catalogVersion {
		if s.Schedule, err = t.Schedule(t.pgctx, q); err != nil {
			return clinic.BookingStart{}, err
		}
	}
	return s, nil
}

// pgText refuses what PostgreSQL cannot store in a text column (invalid
// UTF-8, NUL) before it is sent: in a batch such a statement would fail the
// whole round trip, with the other bookings in it.
func pgText(ss ...string) error {
	for _, s := range ss {
		if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
			return clinic.Errorf(clinic.EInvalid, "A text is not valid UTF-8 or holds a NUL character.")
		}
	}
	return nil
}

// pgSave is Save on PostgreSQL: it holds the writes back for the
// transaction's next round trip (the next booking's Start, or the commit).
// A guest's upsert and the insert are one statement, so that the insert can
// take the id of a client found by email.
func (t *bookingTx) pgSave(nb clinic.NewBooking, into *clinic.Appointment) error {
	a, c := nb.Appointment, nb.Client
	if err := pgText(c.Name, c.Email, c.Phone, nb.IdempotencyKey); err != nil {
		return err
	}
	guest := a.ClientID == ""
	if guest && (emailKey(c.Email) == "" || c.Name == "" || c.Phone == "") {
		// A guest without all three: upsertClient's slower rules, one more
		// round trip.
		saved, err := t.UpsertClient(t.pgctx, a.ClinicID, c)
		if err != nil {
			return err
		}
		a.ClientID, guest = saved.ID, false
	}
	a, err := newAppointment(a)
	if err != nil {
		return err
	}
	w := &pgWrites{}
	if t.grouped && !t.inSavepoint {
		w.items, w.savepoint = append(w.items, execItem("SAVEPOINT booking")), true
	}
	if guest {
		w.items = append(w.items, pgItem{query: t.c.d.rebind(saveGuestQuery), args: saveGuestArgs(a, c),
			read: func(br pgx.BatchResults) error {
				if err := br.QueryRow().Scan(&a.ClientID); err != nil {
					return t.c.d.mapErr(fmt.Errorf("insert appointment: %w", err), "", appointmentRefMissing)
				}
				return nil
			}})
	} else {
		w.items = append(w.items, pgItem{query: t.c.d.rebind(insertAppointmentQuery), args: appointmentArgs(a),
			read: func(br pgx.BatchResults) error {
				if _, err := br.Exec(); err != nil {
					return t.c.d.mapErr(fmt.Errorf("insert appointment: %w", err), "", appointmentRefMissing)
				}
				return nil
			}})
	}
	if nb.IdempotencyKey != "" {
		w.items = append(w.items, pgItem{query: t.c.d.rebind(saveIdempotencyQuery),
			args: []any{a.ClinicID, nb.IdempotencyKey, nb.RequestHash, a.ID, unix(nb.Now)},
			read: func(br pgx.BatchResults) error {
				if _, err := br.Exec(); err != nil {
					return t.c.d.mapErr(fmt.Errorf("save idempotency key: %w", err), "The idempotency key was already used.", "Clinic not found.")
				}
				return nil
			}})
	}
	k, results, retry := t.cur, t.results, t.retry
	w.done = func(err error) {
		if err != nil {
			results[k], retry[k] = err, t.c.d.retryable(err)
			return
		}
		*into = a
	}
	t.writes = w
	return nil
}

// saveGuestQuery upserts the guest (upsertClientQuery's arguments) and
// inserts the appointment (appointmentArgs but client_id, then the clinic
// and email key again) with the client's id. A returning client whose name
// and phone are unchanged (the common case) is not rewritten: then the
// upsert returns no row, and the id is that of the stored client.
const saveGuestQuery = "WITH c AS (" + upsertClientQuery + `
		WHERE clients.name <> excluded.name OR clients.phone <> excluded.phone
		RETURNING id)
	INSERT INTO appointments (` + appointmentCols + `) VALUES (?, ?, ?, ?, ?, ?,
		COALESCE((SELECT id FROM c), (SELECT id FROM clients WHERE clinic_id = ? AND email_key = ?)),
		?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
	RETURNING client_id`

func saveGuestArgs(a clinic.Appointment, c clinic.Client) []any {
	ap := appointmentArgs(a)
	args := append(upsertClientArgs(a.ClinicID, c), ap[:6]...)
	args = append(args, a.ClinicID, emailKey(c.Email))
	return append(args, ap[7:]...)
}
