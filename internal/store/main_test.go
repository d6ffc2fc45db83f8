package store_test

import (
	"context"
	"testing"
	"time"

	"knead/internal/clinic"
	"knead/internal/store"
	"knead/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// forEach runs test once per engine, each time on a fresh empty store.
func forEach(t *testing.T, test func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) { test(t, testdb.Open(t, engine)) })
	}
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := clinic.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

func ok(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func fixture(t *testing.T, db *store.DB, slug string, n int) store.Fixture {
	t.Helper()
	f, err := store.NewFixture(context.Background(), db, slug, n)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// visit is a booked appointment of f's therapist i in room i for client i.
func visit(f store.Fixture, i int, start time.Time, d time.Duration) clinic.Appointment {
	return clinic.Appointment{
		ClinicID: f.Clinic.ID, LocationID: f.Location.ID, ServiceID: f.Service.ID,
		TherapistID: f.Therapists[i].ID, RoomID: f.Rooms[i].ID, ClientID: f.Clients[i].ID,
		Start: start, End: start.Add(d), Status: clinic.StatusBooked,
		Created: time.Date(2027, 1, 1, 12, 0, 0, 0, time.UTC),
	}
}

// insert stores appointments, in one booking transaction per clinic.
func insert(t *testing.T, db *store.DB, as ...clinic.Appointment) []clinic.Appointment {
	t.Helper()
	out := make([]clinic.Appointment, len(as))
	done := map[string]bool{}
	for _, first := range as {
		if done[first.ClinicID] {
			continue
		}
		done[first.ClinicID] = true
		err := db.InBookingTx(context.Background(), first.ClinicID, func(tx clinic.BookingTx) error {
			for i, a := range as {
				if a.ClinicID != first.ClinicID {
					continue
				}
				stored, err := tx.InsertAppointment(context.Background(), a)
				if err != nil {
					return err
				}
				out[i] = stored
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func ids(as []clinic.Appointment) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.ID)
	}
	return out
}

func visitIDs(vs []clinic.Visit) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.ID)
	}
	return out
}
