// Package testdb gives tests real databases: a fresh, empty, migrated knead
// store on embedded SQLite or on PostgreSQL, never a mock.
//
// A package whose tests need a database calls Main from TestMain:
//
//	func TestMain(m *testing.M) { testdb.Main(m) }
//
// and then, in each test, runs on every engine:
//
//	for _, engine := range testdb.Engines {
//		t.Run(engine, func(t *testing.T) {
//			db := testdb.Open(t, engine) // closed and dropped at cleanup
//			...
//		})
//	}
//
// PostgreSQL comes from KNEAD_TEST_POSTGRES, a postgres:// URL of a server
// where the user may CREATE DATABASE (the project's test command starts one
// for the whole run with cmd/pgcluster). Without it, Main starts a
// throwaway cluster of its own from /usr/lib/postgresql/15/bin (or
// KNEAD_PG_BIN), as the postgres OS user when run as root, and removes it
// afterwards. If neither works, Main fails: a missing database is a test
// failure, never a skip.
package testdb

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"net/url"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"knead/internal/store"
)

// EnvPostgres names the environment variable with the URL of a PostgreSQL
// server to create test databases on.
const EnvPostgres = "KNEAD_TEST_POSTGRES"

// Engines are the engines every store test runs on.
var Engines = []string{store.EngineSQLite, store.EnginePostgres}

var (
	serverURL string  // of the PostgreSQL server, set by Main
	admin     *sql.DB // creates and drops the test databases
	seq       atomic.Int64
)

// Main runs the package's tests with a PostgreSQL server at hand and exits
// with their status. It exits non-zero, saying why, when there is no server.
func Main(m *testing.M) {
	os.Exit(run(m))
}

// Run is Main without the exit: it returns m.Run's code, for a TestMain
// that sets up more around it (see browsertest.Around).
func Run(m *testing.M) int { return run(m) }

func run(m *testing.M) int {
	if !flag.Parsed() {
		flag.Parse() // for testing.Verbose; m.Run would parse them anyway
	}
	u := os.Getenv(EnvPostgres)
	if u == "" {
		dir, err := os.MkdirTemp("", "knead-pg-")
		if err != nil {
			return fail("make a directory for PostgreSQL: %v", err)
		}
		began := time.Now()
		cluster, err := StartCluster(dir, false)
		if err != nil {
			os.RemoveAll(dir)
			return fail("start a throwaway PostgreSQL: %v", err)
		}
		defer func() {
			if err := cluster.Stop(); err != nil {
				fmt.Fprintf(os.Stderr, "testdb: stop PostgreSQL: %v\n", err)
			}
		}()
		if testing.Verbose() {
			fmt.Fprintf(os.Stderr, "testdb: PostgreSQL up in %v at %s\n", time.Since(began).Round(time.Millisecond), cluster.URL)
		}
		u = cluster.URL
	}
	db, err := sql.Open("pgx", u)
	if err != nil {
		return fail("%s: %v", EnvPostgres, err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	err = db.PingContext(ctx)
	cancel()
	if err != nil {
		return fail("PostgreSQL at %s does not answer: %v", redact(u), err)
	}
	serverURL, admin = u, db
	return m.Run()
}

func fail(format string, args ...any) int {
	fmt.Fprintf(os.Stderr, "FAIL testdb: "+format+"\n", args...)
	fmt.Fprintf(os.Stderr, "testdb: the store tests need PostgreSQL: install postgresql-15, or set %s to a postgres:// URL of a server where the user may CREATE DATABASE.\n", EnvPostgres)
	return 1
}

func redact(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "(unparsable URL)"
	}
	return p.Redacted()
}

// Open returns a fresh, empty, migrated store on engine, closed (and on
// PostgreSQL its database dropped) when the test ends.
func Open(t testing.TB, engine string) *store.DB {
	t.Helper()
	dsn, dir := DSN(t, engine)
	return OpenDSN(t, dsn, dir)
}

// DSN makes a fresh, empty database on engine and returns what store.Open
// takes to open it: ("", a temporary directory) for SQLite, (a postgres://
// URL, "") for PostgreSQL. Opening it twice gives two independent pools on
// one database, as two knead processes would have.
func DSN(t testing.TB, engine string) (dsn, dataDir string) {
	t.Helper()
	switch engine {
	case store.EngineSQLite:
		return "", t.TempDir()
	case store.EnginePostgres:
		if admin == nil {
			t.Fatal("testdb: no PostgreSQL: call testdb.Main(m) from the package's TestMain")
		}
		name := fmt.Sprintf("knead_test_%d_%d", os.Getpid(), seq.Add(1))
		ctx := context.Background()
		if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
			t.Fatalf("testdb: create database %s: %v", name, err)
		}
		t.Cleanup(func() {
			// FORCE ends connections a test left open.
			if _, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
				t.Errorf("testdb: drop database %s: %v", name, err)
			}
		})
		p, err := url.Parse(serverURL)
		if err != nil {
			t.Fatalf("testdb: %s: %v", EnvPostgres, err)
		}
		p.Path = "/" + name
		return p.String(), ""
	}
	t.Fatalf("testdb: unknown engine %q (want one of %v)", engine, Engines)
	return "", ""
}

// OpenDSN opens a store on a database made by DSN and closes it when the
// test ends.
func OpenDSN(t testing.TB, dsn, dataDir string) *store.DB {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db, err := store.Open(ctx, dsn, dataDir)
	if err != nil {
		t.Fatalf("testdb: open store: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("testdb: close store: %v", err)
		}
	})
	return db
}
