package store

import "context"

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
