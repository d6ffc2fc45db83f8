package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"knead/internal/clinic"
)

// dialect is all that differs between the engines in the SQL that knead
// sends. Queries are written once, SQLite style, with ? placeholders and
// "COLLATE BINARY" where byte order matters; rebind rewrites them for
// PostgreSQL ($1, COLLATE "C") and caches the result.
type dialect struct {
	engine string
	cache  sync.Map // query -> rebound query
	// classify reports what kind of constraint err broke, if any.
	classify func(err error) violation
	// retryable reports whether a booking transaction that met err may be
	// run again from the top (serialization failure, deadlock).
	retryable func(err error) bool
}

type violation int

const (
	noViolation violation = iota
	uniqueViolation
	foreignKeyViolation
	checkViolation
)

var sqliteDialect = &dialect{
	engine: EngineSQLite,
	classify: func(err error) violation {
		var e *sqlite.Error
		if !errors.As(err, &e) {
			return noViolation
		}
		switch e.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return uniqueViolation
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return foreignKeyViolation
		case sqlite3.SQLITE_CONSTRAINT_CHECK, sqlite3.SQLITE_CONSTRAINT_NOTNULL:
			return checkViolation
		}
		return noViolation
	},
	// A booking transaction on SQLite holds the write lock from BEGIN, so
	// it never meets a serialization failure; SQLITE_BUSY after the busy
	// timeout is overload and is reported, not retried.
	retryable: func(error) bool { return false },
}

var postgresDialect = &dialect{
	engine: EnginePostgres,
	classify: func(err error) violation {
		var e *pgconn.PgError
		if !errors.As(err, &e) {
			return noViolation
		}
		switch e.Code {
		case "23505":
			return uniqueViolation
		case "23503":
			return foreignKeyViolation
		case "23514", "23502":
			return checkViolation
		}
		return noViolation
	},
	retryable: func(err error) bool {
		var e *pgconn.PgError
		// 40001 serialization_failure, 40P01 deadlock_detected.
		return errors.As(err, &e) && (e.Code == "40001" || e.Code == "40P01")
	},
}

// rebind returns query in the engine's own syntax.
func (d *dialect) rebind(query string) string {
	if d.engine == EngineSQLite {
		return query
	}
	if q, ok := d.cache.Load(query); ok {
		return q.(string)
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	q := strings.ReplaceAll(b.String(), "COLLATE BINARY", `COLLATE "C"`)
	d.cache.Store(query, q)
	return q
}

// mapErr turns a constraint violation into a *clinic.Error: a unique key
// already taken is EConflict with taken as the message; a foreign key is
// ENotFound with missing as the message when a row points at something that
// is not in the clinic, or EConflict when a row still referenced is being
// deleted (missing == ""). Anything else is returned as it is.
func (d *dialect) mapErr(err error, taken, missing string) error {
	switch d.classify(err) {
	case uniqueViolation:
		if taken == "" {
			taken = "It already exists."
		}
		return &clinic.Error{Code: clinic.EConflict, Message: taken}
	case foreignKeyViolation:
		if missing == "" {
			return clinic.Errorf(clinic.EConflict, "It is still referenced and cannot be deleted.")
		}
		return &clinic.Error{Code: clinic.ENotFound, Message: missing}
	case checkViolation:
		return clinic.Errorf(clinic.EInvalid, "A value is out of range.")
	}
	return err
}

// querier is what *sql.DB, *sql.Tx and *sql.Conn have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// conn runs SQLite-style queries on a pool or a transaction of an engine,
// or, when px is set, straight on one PostgreSQL connection through pgx (a
// booking transaction: see pgbooking.go).
type conn struct {
	q     querier
	px    *pgx.Conn
	pxctx context.Context // on px every statement runs under this context, not the caller's
	d     *dialect
}

// rows is a *sql.Rows or pgx's rows.
type rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close() error
}

func (c conn) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if c.px != nil {
		tag, err := c.px.Exec(c.pxctx, c.d.rebind(query), args...)
		return pgResult(tag.RowsAffected()), err
	}
	return c.q.ExecContext(ctx, c.d.rebind(query), args...)
}

func (c conn) query(ctx context.Context, query string, args ...any) (rows, error) {
	if c.px != nil {
		r, err := c.px.Query(c.pxctx, c.d.rebind(query), args...)
		if err != nil {
			return nil, err
		}
		return pgRows{r}, nil
	}
	return c.q.QueryContext(ctx, c.d.rebind(query), args...)
}

func (c conn) queryRow(ctx context.Context, query string, args ...any) scanner {
	if c.px != nil {
		return pgRow{c.px.QueryRow(c.pxctx, c.d.rebind(query), args...)}
	}
	return c.q.QueryRowContext(ctx, c.d.rebind(query), args...)
}

// pgResult is what a pgx statement reports, as a sql.Result.
type pgResult int64

func (pgResult) LastInsertId() (int64, error) {
	return 0, errors.New("no last insert id on PostgreSQL")
}
func (r pgResult) RowsAffected() (int64, error) { return int64(r), nil }

// pgRows and pgRow make pgx's answers look like database/sql's: Close
// reports the error, and no row is sql.ErrNoRows.
type pgRows struct{ pgx.Rows }

func (r pgRows) Close() error {
	r.Rows.Close()
	return r.Rows.Err()
}

type pgRow struct{ r pgx.Row }

func (r pgRow) Scan(dest ...any) error {
	err := r.r.Scan(dest...)
	if errors.Is(err, pgx.ErrNoRows) {
		return sql.ErrNoRows
	}
	return err
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface {
	Scan(dest ...any) error
}

// getOne reads one row; no row is ENotFound for what.
func getOne[T any](ctx context.Context, c conn, what string, scan func(scanner) (T, error), query string, args ...any) (T, error) {
	v, err := scan(c.queryRow(ctx, query, args...))
	if errors.Is(err, sql.ErrNoRows) {
		var zero T
		return zero, notFound(what)
	}
	if err != nil {
		var zero T
		return zero, fmt.Errorf("get %s: %w", strings.ToLower(what), err)
	}
	return v, nil
}

// list reads every row of query.
func list[T any](ctx context.Context, c conn, what string, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := c.query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", what, err)
	}
	out, err := collect(rows, scan)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", what, err)
	}
	return out, nil
}

// collect scans every row and closes rows.
func collect[T any](rows rows, scan func(scanner) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// execOne runs a statement that must touch exactly one row of the clinic;
// none is ENotFound for what.
func execOne(ctx context.Context, c conn, what string, query string, args ...any) error {
	res, err := c.exec(ctx, query, args...)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("rows affected: %w", err)
	}
	if n == 0 {
		return notFound(what)
	}
	return nil
}

// nullable stores "" as NULL, for optional references.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
