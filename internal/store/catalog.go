package store

import (
	"context"
	"fmt"
	"sort"
	"time"

	"knead/internal/clinic"
)

// Catalog writes run in a short transaction that reads the row back, so a
// Create or Update returns exactly what a later Get will (ids, UTC times
// truncated to seconds, empty lists as nil). Lists come back ordered by name
// then id, sorted in Go so that the order is byte order on both engines
// whatever PostgreSQL's collation.

func byName[T any](xs []T, name, id func(T) string) []T {
	sort.SliceStable(xs, func(i, j int) bool {
		if a, b := name(xs[i]), name(xs[j]); a != b {
			return a < b
		}
		return id(xs[i]) < id(xs[j])
	})
	return xs
}

// ---- clinics

const clinicCols = `id, slug, name, currency, created, schedule_version`

func scanClinic(s scanner) (clinic.Clinic, error) {
	var c clinic.Clinic
	var created int64
	if err := s.Scan(&c.ID, &c.Slug, &c.Name, &c.Currency, &created, &c.ScheduleVersion); err != nil {
		return clinic.Clinic{}, err
	}
	c.Created = fromUnix(created)
	return c, nil
}

const slugTaken = "A clinic with this slug already exists."

// CreateClinic stores a new clinic; Created defaults to now.
func (db *DB) CreateClinic(ctx context.Context, c clinic.Clinic) (clinic.Clinic, error) {
	c.ID = newID()
	if c.Created.IsZero() {
		c.Created = time.Now()
	}
	var out clinic.Clinic
	err := db.inWriteTx(ctx, func(tx conn) error {
		if _, err := tx.exec(ctx, "INSERT INTO clinics (id, slug, name, currency, created) VALUES (?, ?, ?, ?, ?)",
			c.ID, c.Slug, c.Name, c.Currency, unix(c.Created)); err != nil {
			return db.d.mapErr(fmt.Errorf("create clinic: %w", err), slugTaken, "")
		}
		var err error
		out, err = getOne(ctx, tx, "Clinic", scanClinic, "SELECT "+clinicCols+" FROM clinics WHERE id = ?", c.ID)
		return err
	})
	return out, err
}

// ClinicBySlug returns the clinic with the slug.
//
// On SQLite the answer comes from memory while nothing has been written
// since it was read: this process is the database's only writer, and every
// availability request starts here (see clinicCache).
func (db *DB) ClinicBySlug(ctx context.Context, slug string) (clinic.Clinic, error) {
	if db.d.engine == EngineSQLite {
		if c, ok := db.clinics.get(slug, db.writeGen.Load()); ok {
			return c, nil
		}
	}
	gen := db.writeGen.Load()
	c, err := getOne(ctx, db.r(), "Clinic", scanClinic, "SELECT "+clinicCols+" FROM clinics WHERE slug = ?", slug)
	if err == nil && db.d.engine == EngineSQLite {
		db.clinics.put(slug, c, gen)
	}
	return c, err
}

// GetClinic returns the clinic id.
func (db *DB) GetClinic(ctx context.Context, id string) (clinic.Clinic, error) {
	return getOne(ctx, db.r(), "Clinic", scanClinic, "SELECT "+clinicCols+" FROM clinics WHERE id = ?", id)
}

// ListClinics returns every clinic, ordered by slug.
func (db *DB) ListClinics(ctx context.Context) ([]clinic.Clinic, error) {
	cs, err := list(ctx, db.r(), "clinics", scanClinic, "SELECT "+clinicCols+" FROM clinics")
	return byName(cs, func(c clinic.Clinic) string { return c.Slug }, func(c clinic.Clinic) string { return c.ID }), err
}

// UpdateClinic changes the slug, name and currency of the clinic c.ID.
func (db *DB) UpdateClinic(ctx context.Context, c clinic.Clinic) (clinic.Clinic, error) {
	var out clinic.Clinic
	err := db.inWriteTx(ctx, func(tx conn) error {
		if err := execOne(ctx, tx, "Clinic", "UPDATE clinics SET slug = ?, name = ?, currency = ? WHERE id = ?",
			c.Slug, c.Name, c.Currency, c.ID); err != nil {
			return db.d.mapErr(fmt.Errorf("update clinic: %w", err), slugTaken, "")
		}
		var err error
		out, err = getOne(ctx, tx, "Clinic", scanClinic, "SELECT "+clinicCols+" FROM clinics WHERE id = ?", c.ID)
		return err
	})
	return out, err
}

// ---- locations

const locationCols = "clinic_id, id, name, address, latitude, longitude, time_zone, hours, closures"

func scanLocation(s scanner) (clinic.Location, error) {
	var l clinic.Location
	var hours, closures string
	if err := s.Scan(&l.ClinicID, &l.ID, &l.Name, &l.Address, &l.Latitude, &l.Longitude, &l.TimeZone, &hours, &closures); err != nil {
		return clinic.Location{}, err
	}
	var err error
	if l.Hours, err = decodeHours(hours); err != nil {
		return clinic.Location{}, err
	}
	if l.Closures, err = decodeClosures(closures); err != nil {
		return clinic.Location{}, err
	}
	return l, nil
}

func getLocation(ctx context.Context, c conn, clinicID, id string) (clinic.Location, error) {
	return getOne(ctx, c, "Location", scanLocation,
		"SELECT "+locationCols+" FROM locations WHERE clinic_id = ? AND id = ?", clinicID, id)
}

// CreateLocation stores a new location of the clinic.
func (db *DB) CreateLocation(ctx context.Context, clinicID string, l clinic.Location) (clinic.Location, error) {
	l.ID = newID()
	var out clinic.Location
	err := db.inCatalogTx(ctx, clinicID, func(tx conn) error {
		if _, err := tx.exec(ctx, "INSERT INTO locations ("+locationCols+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
			clinicID, l.ID, l.Name, l.Address, l.Latitude, l.Longitude, l.TimeZone,
			encodeHours(l.Hours), encodeClosures(l.Closures)); err != nil {
			return db.d.mapErr(fmt.Errorf("create location: %w", err), "", "Clinic not found.")
		}
		var err error
		out, err = getLocation(ctx, tx, clinicID, l.ID)
		return err
	})
	return out, err
}

// GetLocation returns the clinic's location id.
func (db *DB) GetLocation(ctx context.Context, clinicID, id string) (clinic.Location, error) {
	return getLocation(ctx, db.r(), clinicID, id)
}

// ListLocations returns the clinic's locations.
func (db *DB) ListLocations(ctx context.Context, clinicID string) ([]clinic.Location, error) {
	ls, err := list(ctx, db.r(), "locations", scanLocation,
		"SELECT "+locationCols+" FROM locations WHERE clinic_id = ?", clinicID)
	return byName(ls, func(l clinic.Location) string { return l.Name }, func(l clinic.Location) string { return l.ID }), err
}

// UpdateLocation replaces every field of the clinic's location l.ID.
func (db *DB) UpdateLocation(ctx context.Context, clinicID string, l clinic.Location) (clinic.Location, error) {
	var out clinic.Location
	err := db.inCatalogTx(ctx, clinicID, func(tx conn) error {
		if err := execOne(ctx, tx, "Location", `UPDATE locations SET name = ?, address = ?, latitude = ?, longitude = ?,
			time_zone = ?, hours = ?, closures = ? WHERE clinic_id = ? AND id = ?`,
			l.Name, l.Address, l.Latitude, l.Longitude, l.TimeZone, encodeHours(l.Hours), encodeClosures(l.Closures),
			clinicID, l.ID); err != nil {
			return fmt.Errorf("update location: %w", err)
		}
		var err error
		out, err = getLocation(ctx, tx, clinicID, l.ID)
		return err
	})
	return out, err
}

// DeleteLocation deletes the clinic's location id; EConflict while rooms,
// equipment or appointments refer to it.
func (db *DB) DeleteLocation(ctx context.Context, clinicID, id string) error {
	return db.deleteRow(ctx, "locations", "Location", clinicID, id)
}

// deleteRow deletes one row of the clinic; a row still referenced is
// EConflict and stays.
func (db *DB) deleteRow(ctx context.Context, table, what, clinicID, id string) error {
	return db.inCatalogTx(ctx, clinicID, func(tx conn) error {
		err := execOne(ctx, tx, what, "DELETE FROM "+table+" WHERE clinic_id = ? AND id = ?", clinicID, id)
		if err != nil {
			if db.d.classify(err) == foreignKeyViolation {
				return clinic.Errorf(clinic.EConflict, "%s is still referenced and cannot be deleted.", what)
			}
			return fmt.Errorf("delete %s: %w", table, err)
		}
		return nil
	})
}

// inCatalogTx runs a catalog write and, in the same transaction, moves the
// clinic's schedule version on: every catalog edit may change free slots.
func (db *DB) inCatalogTx(ctx context.Context, clinicID string, fn func(tx conn) error) error {
	return db.inWriteTx(ctx, func(tx conn) error {
		if err := fn(tx); err != nil {
			return err
		}
		if err := bumpCatalogVersion(ctx, tx, clinicID); err != nil {
			return err
		}
		return bumpScheduleVersion(ctx, tx, clinicID)
	})
}

// bumpScheduleVersion moves the clinic's schedule version on by one.
func bumpScheduleVersion(ctx context.Context, c conn, clinicID string) error {
	if _, err := c.exec(ctx, "UPDATE clinics SET schedule_version = schedule_version + 1 WHERE id = ?", clinicID); err != nil {
		return fmt.Errorf("bump schedule version: %w", err)
	}
	return nil
}

// ---- rooms

const roomCols = "clinic_id, id, location_id, name"

func scanRoom(s scanner) (clinic.Room, error) {
	var r clinic.Room
	err := s.Scan(&r.ClinicID, &r.ID, &r.LocationID, &r.Name)
	return r, err
}

func getRoom(ctx context.Context, c conn, clinicID, id string) (clinic.Room, error) {
	return getOne(ctx, c, "Room", scanRoom, "SELECT "+roomCols+" FROM rooms WHERE clinic_id = ? AND id = ?", clinicID, id)
}

const locationMissing = "Location not found."

// CreateRoom stores a new room at one of the clinic's locations.
func (db *DB) CreateRoom(ctx context.Context, clinicID string, r clinic.Room) (clinic.Room, error) {
	r.ID = newID()
	var out clinic.Room
	err := db.inCatalogTx(ctx, clinicID, func(tx conn) error {
		if _, err := tx.exec(ctx, "INSERT INTO rooms ("+roomCols+") VALUES (?, ?, ?, ?)",
			clinicID, r.ID, r.LocationID, r.Name); err != nil {
			return db.d.mapErr(fmt.Errorf("create room: %w", err), "", locationMissing)
		}
		var err error
		out, err = getRoom(ctx, tx, clinicID, r.ID)
		return err
	})
	return out, err
}

// GetRoom returns the clinic's room id.
func (db *DB) GetRoom(ctx context.Context, clinicID, id string) (clinic.Room, error) {
	return getRoom(ctx, db.r(), clinicID, id)
}

// ListRooms returns the rooms of every location of the clinic.
func (db *DB) ListRooms(ctx context.Context, clinicID string) ([]clinic.Room, error) {
	rs, err := list(ctx, db.r(), "rooms", scanRoom, "SELECT "+roomCols+" FROM rooms WHERE clinic_id = ?", clinicID)
	return byName(rs, func(r clinic.Room) string { return r.Name }, func(r clinic.Room) string { return r.ID }), err
}

// UpdateRoom changes the location and name of the clinic's room r.ID.
func (db *DB) UpdateRoom(ctx context.Context, clinicID string, r clinic.Room) (clinic.Room, error) {
	var out clinic.Room
	err := db.inCatalogTx(ctx, clinicID, func(tx conn) error {
		if err := execOne(ctx, tx, "Room", "UPDATE rooms SET location_id = ?, name = ? WHERE clinic_id = ? AND id = ?",
			r.LocationID, r.Name, clinicID, r.ID); err != nil {
			return db.d.mapErr(fmt.Errorf("update room: %w", err), "", locationMissing)
		}
		var err error
		out, err = getRoom(ctx, tx, clinicID, r.ID)
		return err
	})
	return out, err
}

// DeleteRoom deletes the clinic's room id; EConflict while appointments
// refer to it.
func (db *DB) DeleteRoom(ctx context.Context, clinicID, id string) error {
	return db.deleteRow(ctx, "rooms", "Room", clinicID, id)
}

// ---- equipment

const equipmentCols = "clinic_id, id, location_id, kind, name, quantity"

func scanEquipment(s scanner) (clinic.Equipment, error) {
	var e clinic.Equipment
	err := s.Scan(&e.ClinicID, &e.ID, &e.LocationID, &e.Kind, &e.Name, &e.Count)
	return e, err
}

func getEquipment(ctx context.Context, c conn, clinicID, id string) (clinic.Equipment, error) {
	return getOne(ctx, c, "Equipment", scanEquipment,
		"SELECT "+equipmentCols+" FROM equipment WHERE clinic_id = ? AND id = ?", clinicID, id)
}

// CreateEquipment stores a new kind of equipment at one of the clinic's
// locations.
func (db *DB) CreateEquipment(ctx context.Context, clinicID string, e clinic.Equipment) (clinic.Equipment, error) {
	e.ID = newID()
	var out clinic.Equipment
	err := db.inCatalogTx(ctx, clinicID, func(tx conn) error {
		if _, err := tx.exec(ctx, "INSERT INTO equipment ("+equipmentCols+") VALUES (?, ?, ?, ?, ?, ?)",
			clinicID, e.ID, e.LocationID, e.Kind, e.Name, e.Count); err != nil {
			return db.d.mapErr(fmt.Errorf("create equipment: %w", err), "", locationMissing)
		}
		var err error
		out, err = getEquipment(ctx, tx, clinicID, e.ID)
		return err
	})
	return out, err
}

// GetEquipment returns the clinic's equipment id.
func (db *DB) GetEquipment(ctx context.Context, clinicID, id string) (clinic.Equipment, error) {
	return getEquipment(ctx, db.r(), clinicID, id)
}

// ListEquipment returns the equipment of every location of the clinic.
func (db *DB) ListEquipment(ctx context.Context, clinicID string) ([]clinic.Equipment, error) {
	es, err := list(ctx, db.r(), "equipment", scanEquipment,
		"SELECT "+equipmentCols+" FROM equipment WHERE clinic_id = ?", clinicID)
	return byName(es, func(e clinic.Equipment) string { return e.Name }, func(e clinic.Equipment) string { return e.ID }), err
}

// UpdateEquipment changes every field of the clinic's equipment e.ID.
func (db *DB) UpdateEquipment(ctx context.Context, clinicID string, e clinic.Equipment) (clinic.Equipment, error) {
	var out clinic.Equipment
	err := db.inCatalogTx(ctx, clinicID, func(tx conn) error {
		if err := execOne(ctx, tx, "Equipment",
			"UPDATE equipment SET location_id = ?, kind = ?, name = ?, quantity = ? WHERE clinic_id = ? AND id = ?",
			e.LocationID, e.Kind, e.Name, e.Count, clinicID, e.ID); err != nil {
			return db.d.mapErr(fmt.Errorf("update equipment: %w", err), "", locationMissing)
		}
		var err error
		out, err = getEquipment(ctx, tx, clinicID, e.ID)
		return err
	})
	return out, err
}

// DeleteEquipment deletes the clinic's equipment id. Appointments name the
// kinds they took, not the row, so nothing refers to it.
func (db *DB) DeleteEquipment(ctx context.Context, clinicID, id string) error {
	return db.deleteRow(ctx, "equipment", "Equipment", clinicID, id)
}
