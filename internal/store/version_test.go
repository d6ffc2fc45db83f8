package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"knead/internal/clinic"
	"knead/internal/store"
	"knead/internal/testdb"
)

// TestScheduleVersion: every committed write that can change a clinic's
// free slots moves its schedule version on by exactly one; reads, other
// writes, failed writes, rolled-back bookings and other clinics' writes
// leave it alone. On PostgreSQL a committed booking transaction moves it
// even when it wrote no appointment: the version moves with the clinic's
// lock, in the same round trip (an extra move only costs a cache refill).
func TestScheduleVersion(t *testing.T) {
	forEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := fixture(t, db, "a", 2)
		other := fixture(t, db, "b", 1)
		C := f.Clinic.ID
		start := time.Date(2027, 5, 3, 10, 0, 0, 0, time.UTC)
		var booked clinic.Appointment
		var spare clinic.Location
		var room clinic.Room
		var kit clinic.Equipment
		var th clinic.Therapist
		var svc clinic.Service
		tx := func(fn func(tx clinic.BookingTx) error) error { return db.InBookingTx(ctx, C, fn) }
		steps := []struct {
			name  string
			write func() error
			moves bool
		}{
			{"create location", func() (err error) {
				spare, err = db.CreateLocation(ctx, C, clinic.Location{Name: "Spare", TimeZone: "UTC"})
				return err
			}, true},
			{"update location", func() error { _, err := db.UpdateLocation(ctx, C, spare); return err }, true},
			{"create room", func() (err error) {
				room, err = db.CreateRoom(ctx, C, clinic.Room{LocationID: spare.ID, Name: "R"})
				return err
			}, true},
			{"update room", func() error { _, err := db.UpdateRoom(ctx, C, room); return err }, true},
			{"create equipment", func() (err error) {
				kit, err = db.CreateEquipment(ctx, C, clinic.Equipment{LocationID: spare.ID, Kind: "k", Name: "K", Count: 1})
				return err
			}, true},
			{"update equipment", func() error { _, err := db.UpdateEquipment(ctx, C, kit); return err }, true},
			{"delete equipment", func() error { return db.DeleteEquipment(ctx, C, kit.ID) }, true},
			{"delete room", func() error { return db.DeleteRoom(ctx, C, room.ID) }, true},
			{"delete location", func() error { return db.DeleteLocation(ctx, C, spare.ID) }, true},
			{"create therapist", func() (err error) {
				th, err = db.CreateTherapist(ctx, C, clinic.Therapist{Name: "New"})
				return err
			}, true},
			{"update therapist", func() error { _, err := db.UpdateTherapist(ctx, C, th); return err }, true},
			{"delete therapist", func() error { return db.DeleteTherapist(ctx, C, th.ID) }, true},
			{"create service", func() (err error) {
				svc, err = db.CreateService(ctx, C, clinic.Service{Name: "New", Modality: "thai"})
				return err
			}, true},
			{"update service", func() error { _, err := db.UpdateService(ctx, C, svc); return err }, true},
			{"delete service", func() error { return db.DeleteService(ctx, C, svc.ID) }, true},
			{"book two visits in one transaction", func() error {
				return tx(func(tx clinic.BookingTx) error {
					var err error
					if booked, err = tx.InsertAppointment(ctx, visit(f, 0, start, time.Hour)); err != nil {
						return err
					}
					_, err = tx.InsertAppointment(ctx, visit(f, 1, start, time.Hour))
					return err
				})
			}, true},
			{"cancel a visit", func() error {
				return tx(func(tx clinic.BookingTx) error {
					booked.Status, booked.Cancelled = clinic.StatusCancelled, start.Add(-time.Hour)
					return tx.UpdateAppointment(ctx, booked)
				})
			}, true},
			{"rolled-back booking", func() error {
				err := tx(func(tx clinic.BookingTx) error {
					if _, err := tx.InsertAppointment(ctx, visit(f, 0, start.Add(2*time.Hour), time.Hour)); err != nil {
						return err
					}
					return errors.New("changed my mind")
				})
				if err == nil {
					return errors.New("committed")
				}
				return nil
			}, false},
			{"client and idempotency key only", func() error {
				return tx(func(tx clinic.BookingTx) error {
					if _, err := tx.UpsertClient(ctx, C, clinic.Client{Name: "Z", Email: "z@x.example"}); err != nil {
						return err
					}
					return tx.SaveIdempotency(ctx, C, "k", []byte("h"), booked.ID, start)
				})
			}, db.Engine() == store.EnginePostgres},
			{"refused delete", func() error {
				if err := db.DeleteTherapist(ctx, C, f.Therapists[0].ID); clinic.ErrorCode(err) != clinic.EConflict {
					return errors.New("deleted a referenced therapist")
				}
				return nil
			}, false},
			{"user and session", func() error {
				u, err := db.CreateUser(ctx, C, clinic.User{Email: "o@a.example", Role: clinic.RoleOwner})
				if err != nil {
					return err
				}
				return db.CreateSession(ctx, clinic.Session{TokenHash: []byte("t"), ClinicID: C, UserID: u.ID, Expires: start})
			}, false},
			{"rename the clinic", func() error {
				c := f.Clinic
				c.Name = "Renamed"
				_, err := db.UpdateClinic(ctx, c)
				return err
			}, false},
			{"other clinic books and edits", func() error {
				insert(t, db, visit(other, 0, start, time.Hour))
				_, err := db.UpdateTherapist(ctx, other.Clinic.ID, other.Therapists[0])
				return err
			}, false},
		}
		version := func() int64 {
			t.Helper()
			c, err := db.ClinicBySlug(ctx, "a")
			ok(t, err)
			return c.ScheduleVersion
		}
		for _, step := range steps {
			t.Run(step.name, func(t *testing.T) {
				before := version()
				ok(t, step.write())
				want := before
				if step.moves {
					want++
				}
				if got := version(); got != want {
					t.Fatalf("schedule version %d -> %d, want %d", before, got, want)
				}
			})
		}
		all, err := db.ListClinics(ctx)
		ok(t, err)
		if all[0].ScheduleVersion != version() {
			t.Fatalf("ListClinics version %d, ClinicBySlug %d", all[0].ScheduleVersion, version())
		}
	})
}

// On SQLite, ClinicBySlug answers from memory; it must still see every
// version change at once, from bookings, group commits and catalog writes.
func TestClinicBySlugSeesEveryWrite(t *testing.T) {
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			db := testdb.Open(t, engine)
			f, err := store.NewFixture(ctx, db, "cached", 2)
			if err != nil {
				t.Fatal(err)
			}
			version := func() int64 {
				c, err := db.ClinicBySlug(ctx, "cached")
				if err != nil {
					t.Fatal(err)
				}
				return c.ScheduleVersion
			}
			v0 := version()
			if version() != v0 {
				t.Fatal("the version moved without a write")
			}
			start := time.Date(2027, 1, 4, 9, 0, 0, 0, time.UTC)
			if err := db.InBookingTx(ctx, f.Clinic.ID, func(tx clinic.BookingTx) error {
				_, err := tx.InsertAppointment(ctx, visit(f, 0, start, 50*time.Minute))
				return err
			}); err != nil {
				t.Fatal(err)
			}
			v1 := version()
			if v1 != v0+1 {
				t.Fatalf("after a booking the version is %d, want %d", v1, v0+1)
			}
			r := f.Rooms[0]
			r.Name = "Renamed"
			if _, err := db.UpdateRoom(ctx, f.Clinic.ID, r); err != nil {
				t.Fatal(err)
			}
			if v2 := version(); v2 != v1+1 {
				t.Fatalf("after a catalog edit the version is %d, want %d", v2, v1+1)
			}
			c, _ := db.ClinicBySlug(ctx, "cached")
			c.Name = "Renamed Clinic"
			if _, err := db.UpdateClinic(ctx, c); err != nil {
				t.Fatal(err)
			}
			if c2, _ := db.ClinicBySlug(ctx, "cached"); c2.Name != "Renamed Clinic" {
				t.Fatalf("ClinicBySlug after a rename: %q", c2.Name)
			}
		})
	}
}
