package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one numbered file of migrations/, applied in one transaction.
type migration struct {
	version int
	name    string
	sql     string
}

func loadMigrations() ([]migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, fmt.Errorf("list migrations: %w", err)
	}
	var out []migration
	for _, path := range names {
		name := strings.TrimPrefix(path, "migrations/")
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must start with a positive number and _", name)
		}
		b, err := migrationFiles.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", name, err)
		}
		out = append(out, migration{version: v, name: name, sql: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i := 1; i < len(out); i++ {
		if out[i].version == out[i-1].version {
			return nil, fmt.Errorf("migrations %s and %s share a version", out[i-1].name, out[i].name)
		}
	}
	return out, nil
}

// statements splits a migration into statements at semicolons that end a
// line; migrations keep to that form (no triggers or quoted semicolons).
// On SQLite BYTEA becomes BLOB; BYTEA would work there too, but with
// numeric affinity, which is not what a hash column means.
func (d *dialect) statements(script string) []string {
	if d.engine == EngineSQLite {
		script = strings.ReplaceAll(script, "BYTEA", "BLOB")
	}
	var out []string
	for _, s := range strings.Split(script, ";\n") {
		if strings.TrimSpace(stripComments(s)) != "" {
			out = append(out, s)
		}
	}
	return out
}

func stripComments(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(s, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "--") {
			b.WriteString(line)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// migrationLockKey is the pg_advisory_lock key that serializes migrations
// of several knead processes starting at once on one PostgreSQL.
const migrationLockKey = 0x6b6e656164 // "knead"

// Migrate applies, in order, every embedded migration the database lacks,
// each in its own transaction with its row in schema_migrations. It is
// idempotent and safe to run from several processes at once: on SQLite the
// IMMEDIATE transaction of the single write connection excludes the other
// processes; on PostgreSQL a session advisory lock does (that lock guards
// migrations only; on an engine without advisory locks, run "knead migrate"
// once before starting the servers).
func (db *DB) Migrate(ctx context.Context) error {
	return db.migrate(ctx, math.MaxInt)
}

// migrate applies the migrations up to version upTo.
func (db *DB) migrate(ctx context.Context, upTo int) error {
	migs, err := loadMigrations()
	if err != nil {
		return err
	}
	c, err := db.write.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migrate: connect: %w", err)
	}
	defer c.Close()
	if db.d.engine == EnginePostgres {
		if _, err := c.ExecContext(ctx, "SELECT pg_advisory_lock($1)", migrationLockKey); err != nil {
			return fmt.Errorf("migrate: lock: %w", err)
		}
		// Unlock on a fresh context: the caller's may be done by now, and
		// a lock left behind would stall the next process's migration
		// until this connection closes.
		defer c.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrationLockKey)
	}
	for _, m := range migs {
		if m.version > upTo {
			break
		}
		if err := db.apply(ctx, c, m); err != nil {
			return err
		}
	}
	return nil
}

func (db *DB) apply(ctx context.Context, sc *sql.Conn, m migration) error {
	tx, err := sc.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate %s: begin: %w", m.name, err)
	}
	defer tx.Rollback()
	c := conn{q: tx, d: db.d}
	if _, err := c.exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version BIGINT NOT NULL PRIMARY KEY,
		name    TEXT   NOT NULL,
		applied BIGINT NOT NULL
	)`); err != nil {
		return fmt.Errorf("migrate: create schema_migrations: %w", err)
	}
	var n int
	if err := c.queryRow(ctx, "SELECT count(*) FROM schema_migrations WHERE version = ?", m.version).Scan(&n); err != nil {
		return fmt.Errorf("migrate %s: check: %w", m.name, err)
	}
	if n > 0 {
		return nil
	}
	for i, stmt := range db.d.statements(m.sql) {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("migrate %s: statement %d: %w", m.name, i+1, err)
		}
	}
	if _, err := c.exec(ctx, "INSERT INTO schema_migrations (version, name, applied) VALUES (?, ?, ?)",
		m.version, m.name, time.Now().Unix()); err != nil {
		return fmt.Errorf("migrate %s: record: %w", m.name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate %s: commit: %w", m.name, err)
	}
	return nil
}

// SchemaVersion returns the highest migration applied.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v sql.NullInt64
	if err := db.r().queryRow(ctx, "SELECT max(version) FROM schema_migrations").Scan(&v); err != nil {
		return 0, fmt.Errorf("schema version: %w", err)
	}
	return int(v.Int64), nil
}
