package store_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"knead/internal/clinic"
	"knead/internal/store"
	"knead/internal/testdb"
)

// TestSQLiteConnections: every connection of both pools has the settings
// the store relies on, not just the first one.
func TestSQLiteConnections(t *testing.T) {
	ctx := context.Background()
	db := testdb.Open(t, store.EngineSQLite)
	write, read := db.Pools()
	for _, pool := range []struct {
		name      string
		db        *sql.DB
		conns     int
		queryOnly string
	}{{"write", write, 1, "0"}, {"read", read, 3, "1"}} {
		t.Run(pool.name, func(t *testing.T) {
			want := map[string]string{
				"journal_mode": "wal",
				"foreign_keys": "1",
				"synchronous":  "2", // FULL
				"busy_timeout": "10000",
				"query_only":   pool.queryOnly,
			}
			var conns []*sql.Conn
			for range pool.conns { // hold several at once so they are distinct
				c, err := pool.db.Conn(ctx)
				ok(t, err)
				defer c.Close()
				conns = append(conns, c)
			}
			for i, c := range conns {
				for pragma, value := range want {
					var got string
					ok(t, c.QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got))
					if got != value {
						t.Errorf("connection %d: PRAGMA %s = %s, want %s", i, pragma, got, value)
					}
				}
			}
		})
	}
	t.Run("read pool cannot write", func(t *testing.T) {
		_, err := read.ExecContext(ctx, "INSERT INTO clinics (id, slug, name, currency, created) VALUES ('x', 'x', 'x', 'x', 0)")
		if err == nil {
			t.Fatal("the read pool wrote")
		}
	})
}

// TestSQLiteDurability: what was committed is there after the store is
// closed and opened again, and the file is sound.
func TestSQLiteDurability(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := store.Open(ctx, "", filepath.Join(dir, "nested", "data"))
	ok(t, err)
	f, err := store.NewFixture(ctx, db, "a", 2)
	ok(t, err)
	booked := insert(t, db, visit(f, 1, time.Date(2027, 5, 3, 10, 0, 0, 0, time.UTC), time.Hour))[0]
	ok(t, db.Close())

	db, err = store.Open(ctx, "", filepath.Join(dir, "nested", "data"))
	ok(t, err)
	defer db.Close()
	if db.Path() != filepath.Join(dir, "nested", "data", store.SQLiteFile) {
		t.Fatalf("path = %s", db.Path())
	}
	got, err := db.GetAppointment(ctx, f.Clinic.ID, booked.ID)
	ok(t, err)
	deepEqual(t, "appointment", got, booked)
	ts, err := db.ListTherapists(ctx, f.Clinic.ID)
	ok(t, err)
	deepEqual(t, "therapists", ts, f.Therapists)

	_, read := db.Pools()
	var integrity string
	ok(t, read.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&integrity))
	if integrity != "ok" {
		t.Fatalf("integrity_check: %s", integrity)
	}
	var violations int
	ok(t, read.QueryRowContext(ctx, "SELECT count(*) FROM pragma_foreign_key_check").Scan(&violations))
	if violations != 0 {
		t.Fatalf("%d foreign key violations", violations)
	}
}

// TestMigrations: several processes opening one new database at once all
// succeed and apply each migration once; opening again changes nothing.
func TestMigrations(t *testing.T) {
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			dsn, dir := testdb.DSN(t, engine)
			var wg sync.WaitGroup
			dbs := make([]*store.DB, 4)
			errs := make([]error, len(dbs))
			for i := range dbs {
				wg.Go(func() { dbs[i], errs[i] = store.Open(ctx, dsn, dir) })
			}
			wg.Wait()
			for i, err := range errs {
				ok(t, err)
				defer dbs[i].Close()
			}
			for _, db := range dbs {
				v, err := db.SchemaVersion(ctx)
				ok(t, err)
				if v != store.LatestVersion() {
					t.Fatalf("schema version %d, want %d", v, store.LatestVersion())
				}
			}
			_, read := dbs[0].Pools()
			var n int
			ok(t, read.QueryRowContext(ctx, "SELECT count(*) FROM schema_migrations").Scan(&n))
			if n != store.LatestVersion() {
				t.Fatalf("%d rows in schema_migrations, want %d", n, store.LatestVersion())
			}
			ok(t, dbs[0].Migrate(ctx))
			ok(t, dbs[0].Ping(ctx))
			if dbs[0].Engine() != engine {
				t.Fatalf("engine %s, want %s", dbs[0].Engine(), engine)
			}
		})
	}
}

// TestUpgrade: a database an older knead left at version 1, with data in
// it, is brought up to date by Open and keeps its data.
func TestUpgrade(t *testing.T) {
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			dsn, dir := testdb.DSN(t, engine)
			old, err := store.OpenAtVersion(ctx, dsn, dir, 1)
			ok(t, err)
			write, _ := old.Pools()
			insert := "INSERT INTO clinics (id, slug, name, currency, created) VALUES ('c1', 'old', 'Old', 'CAD', 1800000000)"
			_, err = write.ExecContext(ctx, insert)
			ok(t, err)
			v, err := old.SchemaVersion(ctx)
			ok(t, err)
			ok(t, old.Close())
			if v != 1 {
				t.Fatalf("old database at version %d", v)
			}
			db := testdb.OpenDSN(t, dsn, dir)
			c, err := db.ClinicBySlug(ctx, "old")
			ok(t, err)
			deepEqual(t, "clinic", c, clinic.Clinic{ID: "c1", Slug: "old", Name: "Old", Currency: "CAD",
				Created: time.Unix(1800000000, 0).UTC()})
		})
	}
}

func TestOpenRejects(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct{ name, dsn, dir string }{
		{"mysql", "mysql://u:secret@host/db", ""},
		{"no data directory", "", ""},
		{"? in directory", "", t.TempDir() + "/a?b"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, err := store.Open(ctx, tc.dsn, tc.dir)
			if err == nil {
				db.Close()
				t.Fatal("opened")
			}
			if clinic.ErrorCode(err) != clinic.EInternal {
				t.Fatalf("code %s", clinic.ErrorCode(err))
			}
			if strings.Contains(err.Error(), "secret") {
				t.Fatalf("error shows the password: %v", err)
			}
		})
	}
}
