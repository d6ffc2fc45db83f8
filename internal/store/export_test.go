package store

import "database/sql"

// Pools exposes the connection pools to the store_test package, for the
// checks of connection settings that only a raw query can make.
func (db *DB) Pools() (write, read *sql.DB) { return db.write, db.read }
