package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
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
			err := db.InBookingTx(ctx, f.Clinic.ID, func(tx clinic.BookingTx) error {
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

// TestGroupedBookings: many booking transactions of one clinic at once, as
// the group committers run them (several in one database transaction, each
// in its own savepoint). A transaction that fails or panics after writing,
// or whose held-back writes fail, leaves nothing; the others are all kept,
// and each caller hears its own outcome.
func TestGroupedBookings(t *testing.T) {
	const clients = 48
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			db := testdb.Open(t, engine)
			f := fixture(t, db, "group", 4)
			C := f.Clinic.ID
			day := time.Date(2027, 5, 3, 8, 0, 0, 0, time.UTC)
			ok(t, db.InBookingTx(ctx, C, func(tx clinic.BookingTx) error {
				return tx.SaveIdempotency(ctx, C, "taken", []byte{1}, "earlier", day)
			}))
			var wg sync.WaitGroup
			outcome := make([]string, clients)
			for i := range clients {
				wg.Add(1)
				go func() {
					defer wg.Done()
					defer func() {
						if v := recover(); v != nil {
							outcome[i] = fmt.Sprint("panic: ", v)
						}
					}()
					// Each its own slot: therapist i%4, hour i/4.
					start := day.Add(time.Duration(i/4) * time.Hour)
					a := visit(f, i%4, start, 50*time.Minute)
					err := db.InBookingTx(ctx, C, func(tx clinic.BookingTx) error {
						s, err := tx.Start(ctx, clinic.ScheduleQuery{ClinicID: C, LocationID: f.Location.ID,
							ServiceID: f.Service.ID, SlotAt: start}, fmt.Sprint("key-", i), clinic.ClientRef{})
						if err != nil || s.KeyFound {
							return fmt.Errorf("start: %v, key found %v", err, s.KeyFound)
						}
						switch i % 6 {
						case 1: // writes, then gives up
							if _, err := tx.InsertAppointment(ctx, a); err != nil {
								return err
							}
							return errors.New("gave up")
						case 4: // a write the database refuses (a room of no clinic)
							bad := a
							bad.RoomID = "nope"
							_, err := tx.InsertAppointment(ctx, bad)
							return err
						case 3: // writes, then panics
							if _, err := tx.UpsertClient(ctx, C, clinic.Client{Name: "P", Email: fmt.Sprintf("p%d@example.com", i), Phone: "555-0100"}); err != nil {
								return err
							}
							panic(fmt.Sprint("booking ", i))
						}
						key := fmt.Sprint("key-", i)
						if i%6 == 5 { // its writes fail (after fn returned, on PostgreSQL)
							key = "taken"
						}
						var stored clinic.Appointment
						return tx.Save(ctx, clinic.NewBooking{Appointment: a, IdempotencyKey: key, RequestHash: []byte{1}, Now: day}, &stored)
					})
					if outcome[i] == "" {
						outcome[i] = fmt.Sprint(err)
						if code := clinic.ErrorCode(err); err != nil && code != clinic.EInternal {
							outcome[i] = code
						}
					}
				}()
			}
			wg.Wait()
			var wantKept []string
			for i, got := range outcome {
				want := "<nil>"
				switch i % 6 {
				case 1:
					want = "gave up"
				case 3:
					want = fmt.Sprintf("panic: booking %d", i)
				case 4:
					want = clinic.ENotFound
				case 5:
					want = clinic.EConflict
				}
				if got != want {
					t.Errorf("booking %d: outcome %q, want %q", i, got, want)
				}
				if want == "<nil>" {
					wantKept = append(wantKept, day.Add(time.Duration(i/4)*time.Hour).Format("15:04")+" "+f.Therapists[i%4].ID)
				}
			}
			kept, err := db.ListAppointments(ctx, C, clinic.AppointmentFilter{})
			ok(t, err)
			var gotKept []string
			for _, a := range kept {
				gotKept = append(gotKept, a.Start.Format("15:04")+" "+a.TherapistID)
			}
			slices.Sort(gotKept)
			slices.Sort(wantKept)
			deepEqual(t, "appointments kept", gotKept, wantKept)
			panicked, err := db.ListClients(ctx, C, "p", 0)
			ok(t, err)
			for _, c := range panicked {
				if strings.HasPrefix(c.Email, "p") && strings.HasSuffix(c.Email, "@example.com") {
					t.Errorf("a panicked booking left its client %s", c.Email)
				}
			}
			if db.MaxBatch() < 2 {
				t.Errorf("no two of %d concurrent bookings shared a commit", clients)
			}
		})
	}
}
