package testdb_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"knead/internal/clinic"
	"knead/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// TestOpen: each Open is a fresh, empty, migrated database of its own.
func TestOpen(t *testing.T) {
	ctx := context.Background()
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) {
			first := testdb.Open(t, engine)
			if first.Engine() != engine {
				t.Fatalf("engine %s, want %s", first.Engine(), engine)
			}
			if _, err := first.CreateClinic(ctx, clinic.Clinic{Slug: "a", Name: "A", Currency: "CAD"}); err != nil {
				t.Fatal(err)
			}
			second := testdb.Open(t, engine)
			cs, err := second.ListClinics(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(cs) != 0 {
				t.Fatalf("a fresh database holds %d clinics", len(cs))
			}
		})
	}
}

// TestDSN: two stores opened on one DSN share the database, like two
// processes.
func TestDSN(t *testing.T) {
	ctx := context.Background()
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) {
			dsn, dir := testdb.DSN(t, engine)
			a := testdb.OpenDSN(t, dsn, dir)
			b := testdb.OpenDSN(t, dsn, dir)
			if _, err := a.CreateClinic(ctx, clinic.Clinic{Slug: "shared", Name: "S", Currency: "CAD"}); err != nil {
				t.Fatal(err)
			}
			if _, err := b.ClinicBySlug(ctx, "shared"); err != nil {
				t.Fatalf("the second store does not see the first's clinic: %v", err)
			}
		})
	}
}

// TestDetachedCluster: the cluster the pgcluster command starts answers at
// the URL it prints, and StopDir stops it and removes its directory.
func TestDetachedCluster(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "pg")
	if os.Geteuid() == 0 {
		// t.TempDir's parent is private to root; the server runs as the
		// postgres user, who must reach its directory.
		var err error
		if dir, err = os.MkdirTemp("", "knead-pgcluster-test-"); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.RemoveAll(dir) })
		dir = filepath.Join(dir, "pg")
		if err := os.Chmod(filepath.Dir(dir), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	c, err := testdb.StartCluster(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			c.Stop()
		}
	})
	u, err := testdb.URLOf(dir)
	if err != nil || u != c.URL || !strings.HasPrefix(u, "postgres://postgres@127.0.0.1:") {
		t.Fatalf("URLOf = %q, %v; started at %q", u, err, c.URL)
	}
	if _, err := testdb.StartCluster(dir, true); err == nil {
		t.Fatal("started a second cluster in the same directory")
	}
	db, err := sql.Open("pgx", u)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var fsync string
	if err := db.QueryRow("SHOW fsync").Scan(&fsync); err != nil || fsync != "on" {
		t.Fatalf("fsync = %q, %v; want on", fsync, err)
	}
	db.Close()
	if err := testdb.StopDir(dir); err != nil {
		t.Fatal(err)
	}
	stopped = true
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("%s still there: %v", dir, err)
	}
	if err := testdb.StopDir(t.TempDir()); err == nil {
		t.Fatal("StopDir accepted a directory without a cluster")
	}
}
