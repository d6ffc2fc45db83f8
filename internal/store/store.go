// Package store is knead's persistence: one implementation of clinic.Store
// over database/sql that runs on embedded SQLite (modernc.org/sqlite, pure
// Go) and on PostgreSQL (pgx). The SQL text is shared; the few places where
// the engines truly differ live in dialect.go.
//
// The no-double-booking guarantee rests only on what SQLite, PostgreSQL and
// the PostgreSQL-compatible distributed engines all provide: on SQLite a
// booking transaction holds the database's write lock from BEGIN IMMEDIATE
// to COMMIT; on PostgreSQL it runs at READ COMMITTED and takes its clinic's
// row lock before its first read, so a clinic's bookings run one at a time
// across processes. No exclusion constraint, no advisory lock.
//
// Files: store.go opens the pools; dialect.go is the engine differences and
// error mapping; migrate.go and migrations/ the schema; catalog.go,
// staff.go, users.go, clients.go and appointments.go the tables; booking.go
// the schedule read and the booking transaction, groupcommit.go its group
// commit on SQLite and pgbooking.go its pipelined round trips and group
// commit on PostgreSQL; codec.go the JSON of nested lists; datagen.go
// fixtures and bulk data for tests and benchmarks.
package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"modernc.org/sqlite"               // registers the "sqlite" database/sql driver
	sqlite3 "modernc.org/sqlite/lib"

	"knead/internal/clinic"
)

// Engines.
const (
	EngineSQLite   = "sqlite"
	EnginePostgres = "postgres"
)

// SQLiteFile is the name of the embedded database file in the data directory.
const SQLiteFile = "knead.db"

// DB is knead's database. It implements clinic.Store.
type DB struct {
	d *dialect
	// write runs every write and every booking transaction. On SQLite it
	// holds one connection: SQLite admits one writer at a time anyway, and
	// queueing writers in Go is cheaper and fairer than letting them spin on
	// SQLITE_BUSY. On PostgreSQL write and read are the same pool.
	write *sql.DB
	read  *sql.DB
	path  string // the SQLite file; "" on PostgreSQL

	retries atomic.Int64 // booking transactions run again, see BookingRetries

	catalogs catalogCache
	clinics  clinicCache     // SQLite only
	writeGen atomic.Uint64   // moves on after every commit of a write (see clinicCache)
	group    *groupCommitter // SQLite only
	pgGroups sync.Map        // PostgreSQL: clinic id -> *pgGroup (pgbooking.go)
	maxBatch atomic.Int64    // the most booking transactions one commit has held
	// Statements prepared once per query text (SQLite only; see prepared.go).
	readStmts, writeStmts *prepared
}

var _ clinic.Store = (*DB)(nil)

// Open opens knead's database and applies any migration it lacks. An empty
// dsn means embedded SQLite in dataDir/knead.db (the directory is created);
// a postgres:// or postgresql:// URL means PostgreSQL.
func Open(ctx context.Context, dsn, dataDir string) (*DB, error) {
	db, err := open(dsn, dataDir)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// open connects without migrating.
func open(dsn, dataDir string) (*DB, error) {
	switch {
	case dsn == "":
		return openSQLite(dataDir)
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return openPostgres(dsn)
	}
	return nil, fmt.Errorf("open store: unsupported database %q: leave it empty for SQLite or give a postgres:// URL", redactDSN(dsn))
}

// sqlitePragmas run on every new connection, busy_timeout first (the driver
// sorts it first) so that the others wait for a lock instead of failing.
//   - busy_timeout=10000: a second knead process (or a backup) holding the
//     lock is waited for, up to 10 s, rather than failing at once.
//   - journal_mode=WAL: readers never block the writer nor it them.
//   - foreign_keys=ON: SQLite leaves them off unless asked, per connection.
//   - synchronous=FULL: in WAL mode NORMAL syncs only at checkpoints, so a
//     power cut can lose the last commits; FULL syncs the WAL on every
//     commit, so a booking the client was told about survives it.
//   - temp_store=MEMORY: statement journals and sorts stay off the disk.
//   - cache_size=-16000: 16 MB of page cache per connection, not 2 MB.
//   - journal_size_limit: the WAL file shrinks back to 64 MB after a
//     checkpoint instead of keeping the size of its largest transaction.
const sqlitePragmas = "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(ON)" +
	"&_pragma=synchronous(FULL)&_pragma=temp_store(MEMORY)&_pragma=cache_size(-16000)" +
	"&_pragma=journal_size_limit(67108864)"

func openSQLite(dataDir string) (*DB, error) {
	if dataDir == "" {
		return nil, errors.New("open store: no data directory for the SQLite database")
	}
	if strings.ContainsAny(dataDir, "?#") {
		return nil, fmt.Errorf("open store: data directory %q must not contain ? or #", dataDir)
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("open store: create data directory: %w", err)
	}
	path := filepath.Join(dataDir, SQLiteFile)
	// _txlock=immediate makes every BeginTx on the write pool BEGIN
	// IMMEDIATE: the transaction takes the write lock before its first read,
	// so a booking's read-check-insert cannot interleave with another
	// process's, and no transaction fails late with SQLITE_BUSY on upgrade.
	write, err := sql.Open("sqlite", path+"?"+sqlitePragmas+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	write.SetConnMaxIdleTime(0)
	// The write pool connects first so that WAL mode is set on the file
	// before any reader opens it. query_only guards the read pool against a
	// write slipping past the single writer.
	if err := pingUntilUnlocked(write); err != nil {
		write.Close()
		return nil, fmt.Errorf("open store: %s: %w", path, err)
	}
	read, err := sql.Open("sqlite", path+"?"+sqlitePragmas+"&_pragma=query_only(ON)")
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open store: %w", err)
	}
	n := max(4, 2*runtime.NumCPU())
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	read.SetConnMaxIdleTime(5 * time.Minute)
	db := &DB{d: sqliteDialect, write: write, read: read, path: path,
		readStmts: &prepared{db: read}, writeStmts: &prepared{db: write}}
	db.group = newGroupCommitter(db)
	return db, nil
}

// pingUntilUnlocked connects, waiting out SQLITE_BUSY: switching a new file
// to WAL needs an exclusive lock that SQLite does not wait for, so two
// processes opening one new database at once may see "database is locked".
func pingUntilUnlocked(db *sql.DB) error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := db.Ping()
		var se *sqlite.Error
		if err == nil || !errors.As(err, &se) || se.Code()&0xff != sqlite3.SQLITE_BUSY || time.Now().After(deadline) {
			return err
		}
		time.Sleep(time.Duration(5+mrand.IntN(20)) * time.Millisecond)
	}
}

func openPostgres(dsn string) (*DB, error) {
	pool, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open store: %s: %w", redactDSN(dsn), err)
	}
	pool.SetMaxOpenConns(25)
	pool.SetMaxIdleConns(25)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	pool.SetConnMaxLifetime(time.Hour)
	return &DB{d: postgresDialect, write: pool, read: pool}, nil
}

// redactDSN drops the password from a URL so it can be logged or shown.
func redactDSN(dsn string) string {
	at := strings.LastIndex(dsn, "@")
	scheme := strings.Index(dsn, "://")
	if at < 0 || scheme < 0 || at < scheme {
		return dsn
	}
	userinfo := dsn[scheme+3 : at]
	if i := strings.Index(userinfo, ":"); i >= 0 {
		userinfo = userinfo[:i] + ":xxxxx"
	}
	return dsn[:scheme+3] + userinfo + dsn[at:]
}

// Engine returns EngineSQLite or EnginePostgres.
func (db *DB) Engine() string { return db.d.engine }

// Path returns the SQLite database file, or "" on PostgreSQL.
func (db *DB) Path() string { return db.path }

// BookingRetries returns how many times, since Open, a booking transaction
// was run again after a serialization failure: a measure of contention,
// for metrics and load tests.
func (db *DB) BookingRetries() int64 { return db.retries.Load() }

// noteBatch records a commit of n booking transactions.
func (db *DB) noteBatch(n int) {
	for {
		old := db.maxBatch.Load()
		if int64(n) <= old || db.maxBatch.CompareAndSwap(old, int64(n)) {
			return
		}
	}
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.read.PingContext(ctx); err != nil {
		return fmt.Errorf("ping database: %w", err)
	}
	if db.write != db.read {
		if err := db.write.PingContext(ctx); err != nil {
			return fmt.Errorf("ping database: %w", err)
		}
	}
	return nil
}

// Close releases the pools. On SQLite the write pool closes last, so that
// its connection, the last one on the file, checkpoints the WAL.
func (db *DB) Close() error {
	if db.group != nil {
		db.group.close()
	}
	if db.readStmts != nil {
		db.readStmts.close()
		db.writeStmts.close()
	}
	var errs []error
	if db.read != db.write {
		errs = append(errs, db.read.Close())
	}
	errs = append(errs, db.write.Close())
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("close database: %w", err)
	}
	return nil
}

// rw returns a conn over the write pool, r over the read pool.
func (db *DB) rw() conn {
	if db.writeStmts != nil {
		return conn{q: db.writeStmts, d: db.d}
	}
	return conn{q: db.write, d: db.d}
}

func (db *DB) r() conn {
	if db.readStmts != nil {
		return conn{q: db.readStmts, d: db.d}
	}
	return conn{q: db.read, d: db.d}
}

// inTx returns a conn over a transaction of the write pool.
func (db *DB) inTx(tx *sql.Tx, detach bool) conn {
	return conn{q: preparedTx{tx: tx, pool: db.writeStmts, detach: detach}, d: db.d}
}

// inWriteTx runs fn in a plain transaction on the write pool: IMMEDIATE on
// SQLite, READ COMMITTED on PostgreSQL. It is for catalog writes that read
// back what they wrote; bookings use InBookingTx.
func (db *DB) inWriteTx(ctx context.Context, fn func(c conn) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(db.inTx(tx, false)); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return db.d.mapErr(fmt.Errorf("commit: %w", err), "", "")
	}
	db.writeGen.Add(1)
	return nil
}

// newID returns a fresh opaque id: 16 random bytes in lower-case base32.
func newID() string {
	var b [16]byte
	rand.Read(b[:]) // never fails: crypto/rand aborts the process instead
	return strings.ToLower(idEncoding.EncodeToString(b[:]))
}

var idEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// unix stores an instant as unix seconds; the zero time is 0.
func unix(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

// fromUnix reads what unix stored, in UTC.
func fromUnix(s int64) time.Time {
	if s == 0 {
		return time.Time{}
	}
	return time.Unix(s, 0).UTC()
}

func notFound(what string) error {
	return clinic.Errorf(clinic.ENotFound, "%s not found.", what)
}

// RawCommitProbe makes a two-column table and returns a function that
// inserts one row into it and commits, durably, per call: the most serial
// commits the database and disk allow, the ceiling booking benchmarks are
// compared with in the same run.
func (db *DB) RawCommitProbe(ctx context.Context) (func() error, error) {
	if _, err := db.write.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS bench_commit (id BIGINT PRIMARY KEY, v BIGINT NOT NULL)"); err != nil {
		return nil, fmt.Errorf("raw commit probe: %w", err)
	}
	insert := db.d.rebind("INSERT INTO bench_commit (id, v) VALUES (?, ?)")
	var i int64
	return func() error {
		i++
		_, err := db.write.ExecContext(ctx, insert, i, i)
		return err
	}, nil
}
