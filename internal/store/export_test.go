package store

import (
	"context"
	"database/sql"
)

// LatestVersion is the version of the newest embedded migration.
func LatestVersion() int {
	migs, err := loadMigrations()
	if err != nil {
		panic(err)
	}
	return migs[len(migs)-1].version
}

// OpenAtVersion opens a database migrated only up to version, as an older
// knead would have left it.
func OpenAtVersion(ctx context.Context, dsn, dataDir string, version int) (*DB, error) {
	db, err := open(dsn, dataDir)
	if err != nil {
		return nil, err
	}
	if err := db.migrate(ctx, version); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// Pools returns the connection pools, for tests that check connection
// settings and the database file with plain SQL. What is written through
// them bypasses the store's rules (tenancy, ids, the schedule version), so
// only tests may have them.
func (db *DB) Pools() (write, read *sql.DB) { return db.write, db.read }

// MaxBatch returns the most booking transactions one commit has held since
// Open: tests of group commit check that they made groups at all.
func (db *DB) MaxBatch() int64 { return db.maxBatch.Load() }
