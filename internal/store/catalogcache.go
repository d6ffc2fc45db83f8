package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"

	"knead/internal/clinic"
)

// catalogSnapshot is a clinic's whole catalog as of one catalog version.
// Nothing in it is ever changed once it is stored in the cache: readers
// share it.
type catalogSnapshot struct {
	version    int64
	locations  map[string]clinic.Location
	services   map[string]clinic.Service
	rooms      map[string][]clinic.Room      // by location
	equipment  map[string][]clinic.Equipment // by location
	therapists []clinic.Therapist
}

// catalogCache keeps one snapshot per clinic. A snapshot is used only when
// the clinic's catalog_version, read through the caller's connection (in
// the caller's transaction), equals the snapshot's: every catalog write
// moves the version in its own transaction (inCatalogTx), in any process.
type catalogCache struct {
	m sync.Map // clinic id -> *catalogSnapshot
}

// catalog returns the clinic's current catalog, reading its version with c
// (unless the caller read it already, under the clinic's lock) and the rows
// only when the cached copy is older.
func (db *DB) catalog(ctx context.Context, c conn, clinicID string, version int64, versionKnown bool) (*catalogSnapshot, error) {
	if !versionKnown {
		err := c.queryRow(ctx, "SELECT catalog_version FROM clinics WHERE id = ?", clinicID).Scan(&version)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, clinic.Errorf(clinic.ENotFound, "No such clinic.")
		}
		if err != nil {
			return nil, fmt.Errorf("read catalog version: %w", err)
		}
	}
	if v, ok := db.catalogs.m.Load(clinicID); ok && v.(*catalogSnapshot).version == version {
		return v.(*catalogSnapshot), nil
	}
	s := &catalogSnapshot{version: version, locations: map[string]clinic.Location{}, services: map[string]clinic.Service{},
		rooms: map[string][]clinic.Room{}, equipment: map[string][]clinic.Equipment{}}
	locations, err := list(ctx, c, "locations", scanLocation, "SELECT "+locationCols+" FROM locations WHERE clinic_id = ?", clinicID)
	if err != nil {
		return nil, err
	}
	for _, l := range locations {
		s.locations[l.ID] = l
	}
	services, err := list(ctx, c, "services", scanService, "SELECT "+serviceCols+" FROM services WHERE clinic_id = ?", clinicID)
	if err != nil {
		return nil, err
	}
	for _, v := range services {
		s.services[v.ID] = v
	}
	rooms, err := list(ctx, c, "rooms", scanRoom, "SELECT "+roomCols+" FROM rooms WHERE clinic_id = ? ORDER BY name COLLATE BINARY, id", clinicID)
	if err != nil {
		return nil, err
	}
	for _, r := range rooms {
		s.rooms[r.LocationID] = append(s.rooms[r.LocationID], r)
	}
	equipment, err := list(ctx, c, "equipment", scanEquipment, "SELECT "+equipmentCols+" FROM equipment WHERE clinic_id = ? ORDER BY name COLLATE BINARY, id", clinicID)
	if err != nil {
		return nil, err
	}
	for _, e := range equipment {
		s.equipment[e.LocationID] = append(s.equipment[e.LocationID], e)
	}
	if s.therapists, err = listTherapists(ctx, c, clinicID); err != nil {
		return nil, err
	}
	// A snapshot read at an older version than one already stored (a slow
	// reader) must not replace the newer one.
	if old, ok := db.catalogs.m.Load(clinicID); !ok || old.(*catalogSnapshot).version < version {
		db.catalogs.m.Store(clinicID, s)
	}
	return s, nil
}

// bumpCatalogVersion moves the clinic's catalog version on by one.
func bumpCatalogVersion(ctx context.Context, c conn, clinicID string) error {
	if _, err := c.exec(ctx, "UPDATE clinics SET catalog_version = catalog_version + 1 WHERE id = ?", clinicID); err != nil {
		return fmt.Errorf("bump catalog version: %w", err)
	}
	return nil
}

// clinicCache keeps clinics by slug on SQLite, each with the write
// generation (DB.writeGen) at which it was read. DB.writeGen moves on after
// every commit of this process, the only writer of an embedded database, so
// an entry read at the current generation is what the database holds: a
// reader that raced a commit stored an older generation and reads again.
type clinicCache struct {
	m sync.Map // slug -> clinicEntry
}

type clinicEntry struct {
	c   clinic.Clinic
	gen uint64
}

func (cc *clinicCache) get(slug string, gen uint64) (clinic.Clinic, bool) {
	v, ok := cc.m.Load(slug)
	if !ok || v.(clinicEntry).gen != gen {
		return clinic.Clinic{}, false
	}
	return v.(clinicEntry).c, true
}

func (cc *clinicCache) put(slug string, c clinic.Clinic, gen uint64) {
	cc.m.Store(slug, clinicEntry{c: c, gen: gen})
}
