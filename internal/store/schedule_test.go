package store_test

import (
	"context"
	"testing"
	"time"

	"knead/internal/clinic"
	"knead/internal/store"
)

// TestScheduleWindow: a schedule read returns the catalog of the location
// and service, every therapist of the clinic, and exactly the clinic's
// live visits whose padded span reaches into the window, at any location.
func TestScheduleWindow(t *testing.T) {
	forEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := fixture(t, db, "a", 3)
		other := fixture(t, db, "b", 1)
		C := f.Clinic.ID
		second, err := db.CreateLocation(ctx, C, clinic.Location{Name: "Second", TimeZone: "UTC"})
		ok(t, err)
		secondRoom, err := db.CreateRoom(ctx, C, clinic.Room{LocationID: second.ID, Name: "Elsewhere"})
		ok(t, err)
		_, err = db.CreateEquipment(ctx, C, clinic.Equipment{LocationID: second.ID, Kind: "table", Name: "Table", Count: 1})
		ok(t, err)
		heater, err := db.CreateEquipment(ctx, C, clinic.Equipment{LocationID: f.Location.ID, Kind: "hot-stone-heater", Name: "Heater", Count: 1})
		ok(t, err)

		from := time.Date(2027, 5, 3, 9, 0, 0, 0, time.UTC)
		to := from.Add(3 * time.Hour)
		at := func(h, m int) time.Time { return from.Add(time.Duration(h-9)*time.Hour + time.Duration(m)*time.Minute) }
		cases := []struct {
			name   string
			visit  clinic.Appointment
			inside bool
		}{
			{"inside", visit(f, 0, at(10, 0), 50*time.Minute), true},
			{"cancelled inside", withStatus(visit(f, 1, at(10, 0), 50*time.Minute), clinic.StatusCancelled), false},
			{"completed inside", withStatus(visit(f, 1, at(9, 0), 50*time.Minute), clinic.StatusCompleted), true},
			{"started before, buffer reaches in", withBuffers(visit(f, 1, at(7, 30), 80*time.Minute), 0, 15*time.Minute), true},
			{"started before, buffer ends at From", withBuffers(visit(f, 2, at(7, 0), 110*time.Minute), 0, 10*time.Minute), false},
			{"ends at From", visit(f, 0, at(8, 0), time.Hour), false},
			{"longest visit and buffer from the day before", withBuffers(visit(f, 2, at(9, 1).Add(-store.MaxVisit-store.MaxBuffer), store.MaxVisit), 0, store.MaxBuffer), true},
			{"at the other location", atLocation(visit(f, 2, at(10, 30), 50*time.Minute), second.ID, secondRoom.ID), true},
			{"starts after To, buffer before reaches in", withBuffers(visit(f, 0, at(12, 10), 50*time.Minute), 15*time.Minute, 0), true},
			{"longest buffer before", withBuffers(visit(f, 1, at(11, 59).Add(store.MaxBuffer), time.Hour), store.MaxBuffer, 0), true},
			{"starts at To", visit(f, 1, at(12, 0), time.Hour), false},
			{"next day", visit(f, 0, at(10, 0).Add(24*time.Hour), time.Hour), false},
			{"day before", visit(f, 0, at(10, 0).Add(-24*time.Hour), time.Hour), false},
			{"other clinic", visit(other, 0, at(10, 0), time.Hour), false},
		}
		var all []clinic.Appointment
		for _, c := range cases {
			all = append(all, c.visit)
		}
		stored := insert(t, db, all...)
		var want []string
		for i, c := range cases {
			if c.inside {
				want = append(want, stored[i].ID)
			}
		}
		names := map[string]string{}
		for i, c := range cases {
			names[stored[i].ID] = c.name
		}

		check := func(t *testing.T, d clinic.ScheduleData) {
			t.Helper()
			deepEqual(t, "location", d.Location, f.Location)
			deepEqual(t, "service", d.Service, f.Service)
			deepEqual(t, "therapists", d.Therapists, f.Therapists)
			deepEqual(t, "rooms", d.Rooms, f.Rooms)
			deepEqual(t, "equipment", d.Equipment, []clinic.Equipment{heater})
			got := visitIDs(d.Visits)
			if len(got) != len(want) {
				var gotNames []string
				for _, id := range got {
					gotNames = append(gotNames, names[id])
				}
				t.Fatalf("visits: got %q", gotNames)
			}
			for i := 1; i < len(d.Visits); i++ {
				if d.Visits[i].Start.Before(d.Visits[i-1].Start) {
					t.Fatalf("visits not ordered by start")
				}
			}
			gotSet := map[string]bool{}
			for _, id := range got {
				gotSet[id] = true
			}
			for _, id := range want {
				if !gotSet[id] {
					t.Fatalf("missing visit %q", names[id])
				}
			}
		}
		q := clinic.ScheduleQuery{ClinicID: C, LocationID: f.Location.ID, ServiceID: f.Service.ID, From: from, To: to}
		t.Run("outside a transaction", func(t *testing.T) {
			d, err := db.Schedule(ctx, q)
			ok(t, err)
			check(t, d)
		})
		t.Run("in a booking transaction", func(t *testing.T) {
			ok(t, db.InBookingTx(ctx, q.ClinicID, func(tx clinic.BookingTx) error {
				d, err := tx.Schedule(ctx, q)
				if err == nil {
					check(t, d)
				}
				return err
			}))
		})

		bad := []struct {
			name string
			q    clinic.ScheduleQuery
			code string
		}{
			{"empty window", clinic.ScheduleQuery{ClinicID: C, LocationID: f.Location.ID, ServiceID: f.Service.ID, From: from, To: from}, clinic.EInvalid},
			{"unknown location", clinic.ScheduleQuery{ClinicID: C, LocationID: "nope", ServiceID: f.Service.ID, From: from, To: to}, clinic.ENotFound},
			{"unknown service", clinic.ScheduleQuery{ClinicID: C, LocationID: f.Location.ID, ServiceID: "nope", From: from, To: to}, clinic.ENotFound},
		}
		for _, tc := range bad {
			t.Run(tc.name, func(t *testing.T) {
				_, err := db.Schedule(ctx, tc.q)
				wantCode(t, err, tc.code)
			})
		}
	})
}

func withStatus(a clinic.Appointment, status string) clinic.Appointment {
	a.Status = status
	return a
}

func withBuffers(a clinic.Appointment, before, after time.Duration) clinic.Appointment {
	a.BufferBefore, a.BufferAfter = before, after
	return a
}

func atLocation(a clinic.Appointment, location, room string) clinic.Appointment {
	a.LocationID, a.RoomID = location, room
	return a
}
