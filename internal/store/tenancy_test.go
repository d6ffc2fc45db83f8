package store_test

import (
	"context"
	"testing"
	"time"

	"knead/internal/clinic"
	"knead/internal/store"
)

// TestTenancy: clinic A names rows of clinic B by their real ids, and the
// store answers as if they did not exist, changing nothing of B's.
func TestTenancy(t *testing.T) {
	forEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := fixture(t, db, "a", 1)
		b := fixture(t, db, "b", 1)
		bEquipment, err := db.CreateEquipment(ctx, b.Clinic.ID, clinic.Equipment{LocationID: b.Location.ID, Kind: "k", Name: "K", Count: 1})
		ok(t, err)
		bUser, err := db.CreateUser(ctx, b.Clinic.ID, clinic.User{Email: "owner@b.example", Name: "Owner", Role: clinic.RoleOwner})
		ok(t, err)
		bVisit := insert(t, db, visit(b, 0, time.Date(2027, 5, 3, 10, 0, 0, 0, time.UTC), time.Hour))[0]
		A := a.Clinic.ID

		tests := []struct {
			name string
			call func() error
		}{
			{"get location", func() error { _, err := db.GetLocation(ctx, A, b.Location.ID); return err }},
			{"update location", func() error { _, err := db.UpdateLocation(ctx, A, b.Location); return err }},
			{"delete location", func() error { return db.DeleteLocation(ctx, A, b.Location.ID) }},
			{"get room", func() error { _, err := db.GetRoom(ctx, A, b.Rooms[0].ID); return err }},
			{"update room", func() error {
				r := b.Rooms[0]
				r.LocationID = a.Location.ID
				_, err := db.UpdateRoom(ctx, A, r)
				return err
			}},
			{"delete room", func() error { return db.DeleteRoom(ctx, A, b.Rooms[0].ID) }},
			{"create room at B's location", func() error {
				_, err := db.CreateRoom(ctx, A, clinic.Room{LocationID: b.Location.ID, Name: "X"})
				return err
			}},
			{"get equipment", func() error { _, err := db.GetEquipment(ctx, A, bEquipment.ID); return err }},
			{"update equipment", func() error { _, err := db.UpdateEquipment(ctx, A, bEquipment); return err }},
			{"delete equipment", func() error { return db.DeleteEquipment(ctx, A, bEquipment.ID) }},
			{"get therapist", func() error { _, err := db.GetTherapist(ctx, A, b.Therapists[0].ID); return err }},
			{"update therapist", func() error { _, err := db.UpdateTherapist(ctx, A, b.Therapists[0]); return err }},
			{"delete therapist", func() error { return db.DeleteTherapist(ctx, A, b.Therapists[0].ID) }},
			{"get service", func() error { _, err := db.GetService(ctx, A, b.Service.ID); return err }},
			{"update service", func() error { _, err := db.UpdateService(ctx, A, b.Service); return err }},
			{"delete service", func() error { return db.DeleteService(ctx, A, b.Service.ID) }},
			{"get client", func() error { _, err := db.GetClient(ctx, A, b.Clients[0].ID); return err }},
			{"get user", func() error { _, err := db.GetUser(ctx, A, bUser.ID); return err }},
			{"user by email", func() error { _, err := db.UserByEmail(ctx, A, bUser.Email); return err }},
			{"user linked to B's therapist", func() error {
				_, err := db.CreateUser(ctx, A, clinic.User{Email: "t@a.example", Role: clinic.RoleTherapist, TherapistID: b.Therapists[0].ID})
				return err
			}},
			{"session for B's user", func() error {
				return db.CreateSession(ctx, clinic.Session{TokenHash: []byte("h"), ClinicID: A, UserID: bUser.ID,
					Expires: time.Now().Add(time.Hour)})
			}},
			{"get appointment", func() error { _, err := db.GetAppointment(ctx, A, bVisit.ID); return err }},
			{"schedule at B's location", func() error {
				_, err := db.Schedule(ctx, clinic.ScheduleQuery{ClinicID: A, LocationID: b.Location.ID, ServiceID: a.Service.ID,
					From: bVisit.Start, To: bVisit.End})
				return err
			}},
			{"schedule of B's service", func() error {
				_, err := db.Schedule(ctx, clinic.ScheduleQuery{ClinicID: A, LocationID: a.Location.ID, ServiceID: b.Service.ID,
					From: bVisit.Start, To: bVisit.End})
				return err
			}},
			{"tx get appointment", func() error {
				return db.InBookingTx(ctx, A, func(tx clinic.BookingTx) error {
					_, err := tx.GetAppointment(ctx, A, bVisit.ID)
					return err
				})
			}},
			{"tx update appointment", func() error {
				return db.InBookingTx(ctx, A, func(tx clinic.BookingTx) error {
					v := bVisit
					v.ClinicID, v.Status = A, clinic.StatusCancelled
					return tx.UpdateAppointment(ctx, v)
				})
			}},
			{"tx insert with B's therapist", func() error {
				return db.InBookingTx(ctx, A, func(tx clinic.BookingTx) error {
					v := visit(a, 0, bVisit.Start, time.Hour)
					v.TherapistID = b.Therapists[0].ID
					_, err := tx.InsertAppointment(ctx, v)
					return err
				})
			}},
			{"tx insert for B's client", func() error {
				return db.InBookingTx(ctx, A, func(tx clinic.BookingTx) error {
					v := visit(a, 0, bVisit.Start, time.Hour)
					v.ClientID = b.Clients[0].ID
					_, err := tx.InsertAppointment(ctx, v)
					return err
				})
			}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) { wantCode(t, tc.call(), clinic.ENotFound) })
		}

		// A's lists show none of B's rows, and B's rows are as they were.
		locs, err := db.ListLocations(ctx, A)
		ok(t, err)
		deepEqual(t, "A's locations", locs, []clinic.Location{a.Location})
		appts, err := db.ListAppointments(ctx, A, clinic.AppointmentFilter{})
		ok(t, err)
		deepEqual(t, "A's appointments", appts, nil)
		clients, err := db.ListClients(ctx, A, "", 0)
		ok(t, err)
		deepEqual(t, "A's clients", clients, a.Clients)
		gotVisit, err := db.GetAppointment(ctx, b.Clinic.ID, bVisit.ID)
		ok(t, err)
		deepEqual(t, "B's visit", gotVisit, bVisit)
		gotRoom, err := db.GetRoom(ctx, b.Clinic.ID, b.Rooms[0].ID)
		ok(t, err)
		deepEqual(t, "B's room", gotRoom, b.Rooms[0])
		gotEquipment, err := db.GetEquipment(ctx, b.Clinic.ID, bEquipment.ID)
		ok(t, err)
		deepEqual(t, "B's equipment", gotEquipment, bEquipment)
	})
}

// TestDeleteReferenced: a row something still points at cannot be deleted,
// and the failed delete changes nothing; once free it can.
func TestDeleteReferenced(t *testing.T) {
	forEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := fixture(t, db, "a", 2)
		C := f.Clinic.ID
		insert(t, db, visit(f, 0, time.Date(2027, 5, 3, 10, 0, 0, 0, time.UTC), time.Hour))
		_, err := db.CreateUser(ctx, C, clinic.User{Email: "t1@a.example", Role: clinic.RoleTherapist, TherapistID: f.Therapists[1].ID})
		ok(t, err)

		referenced := []struct {
			name   string
			delete func() error
			get    func() error
		}{
			{"location with rooms and visits", func() error { return db.DeleteLocation(ctx, C, f.Location.ID) },
				func() error { _, err := db.GetLocation(ctx, C, f.Location.ID); return err }},
			{"room with a visit", func() error { return db.DeleteRoom(ctx, C, f.Rooms[0].ID) },
				func() error { _, err := db.GetRoom(ctx, C, f.Rooms[0].ID); return err }},
			{"therapist with a visit", func() error { return db.DeleteTherapist(ctx, C, f.Therapists[0].ID) },
				func() error { _, err := db.GetTherapist(ctx, C, f.Therapists[0].ID); return err }},
			{"therapist with a user", func() error { return db.DeleteTherapist(ctx, C, f.Therapists[1].ID) },
				func() error { _, err := db.GetTherapist(ctx, C, f.Therapists[1].ID); return err }},
			{"service with a visit", func() error { return db.DeleteService(ctx, C, f.Service.ID) },
				func() error { _, err := db.GetService(ctx, C, f.Service.ID); return err }},
		}
		for _, tc := range referenced {
			t.Run(tc.name, func(t *testing.T) {
				wantCode(t, tc.delete(), clinic.EConflict)
				ok(t, tc.get())
			})
		}

		t.Run("free room", func(t *testing.T) {
			ok(t, db.DeleteRoom(ctx, C, f.Rooms[1].ID))
			_, err := db.GetRoom(ctx, C, f.Rooms[1].ID)
			wantCode(t, err, clinic.ENotFound)
			wantCode(t, db.DeleteRoom(ctx, C, f.Rooms[1].ID), clinic.ENotFound)
		})
		t.Run("free location", func(t *testing.T) {
			l, err := db.CreateLocation(ctx, C, clinic.Location{Name: "Second", TimeZone: "UTC"})
			ok(t, err)
			ok(t, db.DeleteLocation(ctx, C, l.ID))
			wantCode(t, db.DeleteLocation(ctx, C, l.ID), clinic.ENotFound)
		})
	})
}
