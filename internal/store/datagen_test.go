package store_test

import (
	"context"
	"testing"
	"time"

	"knead/internal/clinic"
	"knead/internal/store"
	"knead/internal/testdb"
)

// The generator feeds the benchmarks and the load test: its rows must be
// readable appointments that never overlap for a therapist or a room.
func TestGenerateAppointments(t *testing.T) {
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			db := testdb.Open(t, engine)
			f, err := store.NewFixture(ctx, db, "gen", 3)
			if err != nil {
				t.Fatal(err)
			}
			from := time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC)
			if err := store.GenerateAppointments(ctx, db, f, store.Generation{From: from, Count: 250, CancelEvery: 10, Seed: 7}); err != nil {
				t.Fatal(err)
			}
			all, err := db.ListAppointments(ctx, f.Clinic.ID, clinic.AppointmentFilter{Limit: 1000})
			if err != nil {
				t.Fatal(err)
			}
			booked, err := db.ListAppointments(ctx, f.Clinic.ID, clinic.AppointmentFilter{Status: clinic.StatusBooked, Limit: 1000})
			if err != nil {
				t.Fatal(err)
			}
			if len(all) != 250 || len(booked) != 225 {
				t.Fatalf("%d appointments, %d booked; want 250 and 225", len(all), len(booked))
			}
			for i, a := range all {
				for _, b := range all[i+1:] {
					if a.Start.Before(b.End) && b.Start.Before(a.End) && (a.TherapistID == b.TherapistID || a.RoomID == b.RoomID) {
						t.Fatalf("generated visits overlap: %+v and %+v", a, b)
					}
				}
			}
		})
	}
}
