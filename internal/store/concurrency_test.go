package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"knead/internal/clinic"
	"knead/internal/store"
	"knead/internal/testdb"
)

// TestNoDoubleBooking: 32 requests for the same therapist and time race
// through two independent stores on one database, as two knead processes
// would. Each reads the schedule and books only if the therapist is free.
// Exactly one may win, on every engine, every round.
func TestNoDoubleBooking(t *testing.T) {
	const racers = 32
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			dsn, dir := testdb.DSN(t, engine)
			pools := []*store.DB{testdb.OpenDSN(t, dsn, dir), testdb.OpenDSN(t, dsn, dir)}
			f := fixture(t, pools[0], "race", 2)
			T := f.Therapists[0]

			for round, start := range []time.Time{
				time.Date(2027, 5, 3, 10, 0, 0, 0, time.UTC),
				time.Date(2027, 5, 3, 10, 30, 0, 0, time.UTC), // overlaps the first: every racer loses
				time.Date(2027, 5, 4, 10, 0, 0, 0, time.UTC),
			} {
				wins, conflicts := race(t, pools, f, T, start, round, racers)
				want := 1
				if round == 1 {
					want = 0
				}
				if wins != want || wins+conflicts != racers {
					t.Fatalf("round %d: %d won, %d conflicted, want %d winner of %d", round, wins, conflicts, want, racers)
				}
			}
			booked, err := pools[1].ListAppointments(ctx, f.Clinic.ID, clinic.AppointmentFilter{TherapistID: T.ID})
			ok(t, err)
			if len(booked) != 2 {
				t.Fatalf("therapist has %d appointments, want 2", len(booked))
			}
		})
	}
}

func race(t *testing.T, pools []*store.DB, f store.Fixture, T clinic.Therapist, start time.Time, round, racers int) (wins, conflicts int) {
	t.Helper()
	ctx := context.Background()
	end := start.Add(50 * time.Minute)
	var (
		mu       sync.Mutex
		ready    sync.WaitGroup
		done     sync.WaitGroup
		go_      = make(chan struct{})
		failures []error
	)
	for i := range racers {
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			db := pools[i%len(pools)]
			ready.Done()
			<-go_
			err := db.InBookingTx(ctx, func(tx clinic.BookingTx) error {
				d, err := tx.Schedule(ctx, clinic.ScheduleQuery{ClinicID: f.Clinic.ID, LocationID: f.Location.ID,
					ServiceID: f.Service.ID, From: start, To: end})
				if err != nil {
					return err
				}
				for _, a := range d.Visits {
					if a.TherapistID == T.ID && a.Start.Add(-a.BufferBefore).Before(end) && a.End.Add(a.BufferAfter).After(start) {
						return clinic.Errorf(clinic.EConflict, "taken")
					}
				}
				c, err := tx.UpsertClient(ctx, f.Clinic.ID, clinic.Client{Name: "Racer",
					Email: fmt.Sprintf("racer%d-%d@x.example", round, i)})
				if err != nil {
					return err
				}
				a := visit(f, 0, start, 50*time.Minute)
				a.ClientID = c.ID
				_, err = tx.InsertAppointment(ctx, a)
				return err
			})
			mu.Lock()
			defer mu.Unlock()
			switch clinic.ErrorCode(err) {
			case "":
				wins++
			case clinic.EConflict:
				conflicts++
			default:
				failures = append(failures, err)
			}
		}()
	}
	ready.Wait()
	close(go_)
	done.Wait()
	for _, err := range failures {
		t.Errorf("round %d: booking failed: %v", round, err)
	}
	return wins, conflicts
}
