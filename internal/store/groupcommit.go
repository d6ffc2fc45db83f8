package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"

	"knead/internal/clinic"
)

// On SQLite every booking transaction runs on the one write connection, one
// after another, and each pays a full fsync at commit: serial bookings can
// never be faster than the disk's commit rate, and most of a booking's time
// is that commit. The group committer runs the booking transactions that
// are waiting when the previous commit finishes together in one database
// transaction, each inside its own SAVEPOINT, and commits them with one
// fsync. A booking whose function fails is rolled back to its savepoint and
// leaves no trace; the others are unaffected. Nobody is told that a booking
// succeeded before the commit that holds it is durable.
//
// Each function still runs alone against the database (the writer runs them
// one at a time), and sees every booking made before it in the same batch,
// so the read-check-insert of a booking stays serialized exactly as with one
// transaction each.

// maxGroup bounds one batch so that the first booking in it is not kept
// waiting behind a long queue.
const maxGroup = 64

type groupRequest struct {
	ctx      context.Context
	clinicID string
	fn       func(tx clinic.BookingTx) error
	done     chan error
	panicked any // what fn panicked with, raised again in the caller
}

type groupCommitter struct {
	db       *DB
	requests chan *groupRequest
	quit     chan struct{}
	wg       sync.WaitGroup
}

func newGroupCommitter(db *DB) *groupCommitter {
	g := &groupCommitter{db: db, requests: make(chan *groupRequest), quit: make(chan struct{})}
	g.wg.Add(1)
	go g.loop()
	return g
}

// run hands fn to the writer and waits for its durable outcome.
func (g *groupCommitter) run(ctx context.Context, clinicID string, fn func(tx clinic.BookingTx) error) error {
	r := &groupRequest{ctx: ctx, clinicID: clinicID, fn: fn, done: make(chan error, 1)}
	select {
	case g.requests <- r:
	case <-ctx.Done():
		return fmt.Errorf("booking transaction: %w", ctx.Err())
	case <-g.quit:
		return errors.New("booking transaction: the store is closed")
	}
	// Once taken, the request is answered even if ctx ends: it may already
	// be committed, and the caller must not be told otherwise.
	err := <-r.done
	if r.panicked != nil {
		panic(r.panicked) // as if fn had run here; its work was rolled back
	}
	return err
}

func (g *groupCommitter) close() {
	close(g.quit)
	g.wg.Wait()
}

func (g *groupCommitter) loop() {
	defer g.wg.Done()
	for {
		var batch []*groupRequest
		select {
		case r := <-g.requests:
			batch = append(batch, r)
		case <-g.quit:
			return
		}
	more:
		for len(batch) < maxGroup {
			select {
			case r := <-g.requests:
				batch = append(batch, r)
			default:
				break more
			}
		}
		g.commit(batch)
	}
}

// commit runs one batch in one transaction and answers every request.
func (g *groupCommitter) commit(batch []*groupRequest) {
	results := make([]error, len(batch))
	g.db.noteBatch(len(batch))
	answer := func() {
		for i, r := range batch {
			r.done <- results[i]
		}
	}
	defer answer()
	// The transaction outlives any one caller: a caller that goes away must
	// not interrupt a statement (SQLite then rolls back the whole
	// transaction, and every booking in it with it).
	ctx := context.Background()
	sqlTx, err := g.db.write.BeginTx(ctx, nil)
	if err != nil {
		err = fmt.Errorf("begin booking transaction: %w", err)
		for i := range results {
			results[i] = err
		}
		return
	}
	ok := 0
	for i, r := range batch {
		if err := r.ctx.Err(); err != nil {
			results[i] = fmt.Errorf("booking transaction: %w", err)
			continue
		}
		var broken bool
		results[i], broken = g.runOne(sqlTx, r)
		if broken {
			// SQLite ended the whole transaction (an I/O error, say): what
			// the batch did before is gone, so none of it may be answered
			// as done, and nothing after it may run outside it.
			sqlTx.Rollback()
			for j := range results {
				if results[j] == nil || j > i {
					results[j] = fmt.Errorf("booking transaction aborted: %w", results[i])
				}
			}
			return
		}
		if results[i] == nil {
			ok++
		}
	}
	if ok == 0 {
		sqlTx.Rollback()
		return
	}
	if err := sqlTx.Commit(); err != nil {
		err = g.db.d.mapErr(fmt.Errorf("commit booking transaction: %w", err), "", "")
		for i := range results {
			if results[i] == nil {
				results[i] = err
			}
		}
	}
	g.db.writeGen.Add(1) // also after a failed commit: what was read before may be stale
}

// runOne runs fn inside a savepoint of sqlTx; on error or panic its work is
// rolled back to the savepoint. broken says the transaction itself is lost.
func (g *groupCommitter) runOne(sqlTx *sql.Tx, r *groupRequest) (err error, broken bool) {
	ctx := context.Background()
	if _, err := sqlTx.ExecContext(ctx, "SAVEPOINT booking"); err != nil {
		return fmt.Errorf("booking savepoint: %w", err), true
	}
	tx := &bookingTx{db: g.db, c: g.db.inTx(sqlTx, true), clinicID: r.clinicID}
	defer func() {
		if v := recover(); v != nil {
			r.panicked = v
			err = fmt.Errorf("booking transaction panicked: %v", v)
		}
		if err != nil {
			if _, rerr := sqlTx.ExecContext(ctx, "ROLLBACK TO booking"); rerr != nil {
				err, broken = errors.Join(err, fmt.Errorf("rollback to savepoint: %w", rerr)), true
				return
			}
		}
		if _, rerr := sqlTx.ExecContext(ctx, "RELEASE booking"); rerr != nil {
			err, broken = errors.Join(err, fmt.Errorf("release savepoint: %w", rerr)), true
		}
	}()
	if err := r.fn(tx); err != nil {
		return err, false
	}
	for _, clinicID := range slices.Sorted(maps.Keys(tx.changed)) {
		if err := bumpScheduleVersion(ctx, tx.c, clinicID); err != nil {
			return err, false
		}
	}
	return nil, false
}
