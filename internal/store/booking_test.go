package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"knead/internal/clinic"
	"knead/internal/store"
)

func TestAppointmentRoundTrip(t *testing.T) {
	forEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := fixture(t, db, "a", 2)
		toronto, err := time.LoadLocation("America/Toronto")
		ok(t, err)
		in := visit(f, 0, time.Date(2027, 11, 7, 1, 30, 0, 500, toronto), 80*time.Minute) // the night clocks go back
		in.BufferBefore, in.BufferAfter = 5*time.Minute, 20*time.Minute+300*time.Millisecond
		in.Equipment = []string{"hot-stone-heater", "cupping-set"}
		in.CancelTokenHash = []byte{0, 1, 2, 0xfe}
		in.Created = time.Date(2027, 11, 1, 8, 0, 0, 0, toronto)
		got := insert(t, db, in)[0]
		want := in
		want.ID = got.ID
		want.Start = time.Date(2027, 11, 7, 5, 30, 0, 0, time.UTC)
		want.End = want.Start.Add(80 * time.Minute)
		want.BufferAfter = 20 * time.Minute
		want.Created = time.Date(2027, 11, 1, 12, 0, 0, 0, time.UTC)
		deepEqual(t, "inserted", got, want)
		again, err := db.GetAppointment(ctx, f.Clinic.ID, got.ID)
		ok(t, err)
		deepEqual(t, "get", again, want)

		// A cancellation: status, fee, time; then a move to another
		// therapist with no room and no equipment.
		want.Status, want.CancelFee = clinic.StatusCancelled, 4000
		want.Cancelled = time.Date(2027, 11, 6, 9, 0, 0, 0, time.UTC)
		ok(t, db.InBookingTx(ctx, func(tx clinic.BookingTx) error { return tx.UpdateAppointment(ctx, want) }))
		again, err = db.GetAppointment(ctx, f.Clinic.ID, got.ID)
		ok(t, err)
		deepEqual(t, "cancelled", again, want)
		want.TherapistID, want.RoomID, want.Equipment = f.Therapists[1].ID, "", nil
		want.Start, want.End = want.Start.Add(time.Hour), want.End.Add(time.Hour)
		ok(t, db.InBookingTx(ctx, func(tx clinic.BookingTx) error { return tx.UpdateAppointment(ctx, want) }))
		again, err = db.GetAppointment(ctx, f.Clinic.ID, got.ID)
		ok(t, err)
		deepEqual(t, "moved", again, want)

		start := time.Date(2027, 11, 8, 10, 0, 0, 0, time.UTC)
		invalid := []struct {
			name string
			a    clinic.Appointment
			code string
		}{
			{"unknown status", withStatus(visit(f, 0, start, time.Hour), "maybe"), clinic.EInvalid},
			{"ends before it starts", visit(f, 0, start, -time.Hour), clinic.EInvalid},
			{"longer than MaxVisit", visit(f, 0, start, store.MaxVisit+time.Minute), clinic.EInvalid},
			{"buffer beyond MaxBuffer", withBuffers(visit(f, 0, start, time.Hour), 0, store.MaxBuffer+time.Second), clinic.EInvalid},
			{"negative buffer", withBuffers(visit(f, 0, start, time.Hour), -time.Minute, 0), clinic.EInvalid},
			{"unknown room", atLocation(visit(f, 0, start, time.Hour), f.Location.ID, "nope"), clinic.ENotFound},
			{"unknown service", func() clinic.Appointment { a := visit(f, 0, start, time.Hour); a.ServiceID = "nope"; return a }(), clinic.ENotFound},
		}
		for _, tc := range invalid {
			t.Run("insert "+tc.name, func(t *testing.T) {
				err := db.InBookingTx(ctx, func(tx clinic.BookingTx) error {
					_, err := tx.InsertAppointment(ctx, tc.a)
					return err
				})
				wantCode(t, err, tc.code)
			})
		}
		t.Run("update unknown", func(t *testing.T) {
			err := db.InBookingTx(ctx, func(tx clinic.BookingTx) error {
				a := visit(f, 0, start, time.Hour)
				a.ID = "nope"
				return tx.UpdateAppointment(ctx, a)
			})
			wantCode(t, err, clinic.ENotFound)
		})
	})
}

// TestBookingTxRollback: when fn fails or panics, nothing it did is saved.
func TestBookingTxRollback(t *testing.T) {
	forEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := fixture(t, db, "a", 1)
		C := f.Clinic.ID
		boom := errors.New("boom")
		book := func(tx clinic.BookingTx) error {
			c, err := tx.UpsertClient(ctx, C, clinic.Client{Name: "New", Email: "new@x.example"})
			if err != nil {
				return err
			}
			a := visit(f, 0, time.Date(2027, 5, 3, 10, 0, 0, 0, time.UTC), time.Hour)
			a.ClientID = c.ID
			if a, err = tx.InsertAppointment(ctx, a); err != nil {
				return err
			}
			return tx.SaveIdempotency(ctx, C, "key-1", []byte("hash"), a.ID, time.Now())
		}
		nothingSaved := func(t *testing.T) {
			t.Helper()
			as, err := db.ListAppointments(ctx, C, clinic.AppointmentFilter{})
			ok(t, err)
			deepEqual(t, "appointments", as, nil)
			cs, err := db.ListClients(ctx, C, "new@", 0)
			ok(t, err)
			deepEqual(t, "clients", cs, nil)
			ok(t, db.InBookingTx(ctx, func(tx clinic.BookingTx) error {
				_, _, found, err := tx.Idempotency(ctx, C, "key-1")
				if found {
					t.Errorf("idempotency key saved")
				}
				return err
			}))
		}
		t.Run("error", func(t *testing.T) {
			err := db.InBookingTx(ctx, func(tx clinic.BookingTx) error {
				if err := book(tx); err != nil {
					return err
				}
				return boom
			})
			if !errors.Is(err, boom) {
				t.Fatalf("err = %v, want boom", err)
			}
			nothingSaved(t)
		})
		t.Run("panic", func(t *testing.T) {
			func() {
				defer func() {
					if recover() == nil {
						t.Fatal("no panic")
					}
				}()
				db.InBookingTx(ctx, func(tx clinic.BookingTx) error {
					if err := book(tx); err != nil {
						return err
					}
					panic("boom")
				})
			}()
			nothingSaved(t)
		})
		t.Run("then commits", func(t *testing.T) {
			ok(t, db.InBookingTx(ctx, book))
			as, err := db.ListAppointments(ctx, C, clinic.AppointmentFilter{})
			ok(t, err)
			if len(as) != 1 {
				t.Fatalf("%d appointments, want 1", len(as))
			}
		})
	})
}

func TestIdempotency(t *testing.T) {
	forEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := fixture(t, db, "a", 1)
		b := fixture(t, db, "b", 1)
		now := time.Date(2027, 5, 3, 10, 0, 0, 0, time.UTC)
		in := func(fn func(tx clinic.BookingTx) error) error { return db.InBookingTx(ctx, fn) }

		ok(t, in(func(tx clinic.BookingTx) error {
			return tx.SaveIdempotency(ctx, a.Clinic.ID, "k1", []byte{1, 2, 3}, "appt-1", now)
		}))
		ok(t, in(func(tx clinic.BookingTx) error {
			id, hash, found, err := tx.Idempotency(ctx, a.Clinic.ID, "k1")
			if !found || id != "appt-1" || string(hash) != "\x01\x02\x03" {
				t.Errorf("Idempotency = %q, %x, %v", id, hash, found)
			}
			return err
		}))
		ok(t, in(func(tx clinic.BookingTx) error {
			_, _, found, err := tx.Idempotency(ctx, b.Clinic.ID, "k1")
			if found {
				t.Errorf("clinic b sees clinic a's key")
			}
			return err
		}))
		wantCode(t, in(func(tx clinic.BookingTx) error {
			return tx.SaveIdempotency(ctx, a.Clinic.ID, "k1", []byte{9}, "appt-2", now)
		}), clinic.EConflict)
		ok(t, in(func(tx clinic.BookingTx) error {
			return tx.SaveIdempotency(ctx, b.Clinic.ID, "k1", []byte{9}, "appt-2", now)
		}))

		n, err := db.DeleteIdempotencyKeys(ctx, now.Add(time.Second))
		ok(t, err)
		if n != 2 {
			t.Fatalf("deleted %d keys, want 2", n)
		}
	})
}

func TestClients(t *testing.T) {
	forEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := fixture(t, db, "a", 0)
		b := fixture(t, db, "b", 0)
		upsert := func(clinicID string, c clinic.Client) clinic.Client {
			t.Helper()
			var out clinic.Client
			ok(t, db.InBookingTx(ctx, func(tx clinic.BookingTx) error {
				var err error
				out, err = tx.UpsertClient(ctx, clinicID, c)
				return err
			}))
			return out
		}
		ann := upsert(a.Clinic.ID, clinic.Client{ID: "ignored", Name: "Ann Lee", Email: "Ann@Example.com", Phone: "555-0101"})
		deepEqual(t, "created", ann, clinic.Client{ID: ann.ID, ClinicID: a.Clinic.ID, Name: "Ann Lee", Email: "Ann@Example.com", Phone: "555-0101"})
		again := upsert(a.Clinic.ID, clinic.Client{Name: "Ann Lee-Park", Email: "ann@example.COM", Phone: "555-0199"})
		ann.Name, ann.Phone = "Ann Lee-Park", "555-0199"
		deepEqual(t, "upserted", again, ann)
		again = upsert(a.Clinic.ID, clinic.Client{Email: "ANN@example.com"}) // blank fields keep what is stored
		deepEqual(t, "upserted blank", again, ann)
		got, err := db.GetClient(ctx, a.Clinic.ID, ann.ID)
		ok(t, err)
		deepEqual(t, "get", got, ann)

		inB := upsert(b.Clinic.ID, clinic.Client{Name: "Ann in B", Email: "ann@example.com"})
		if inB.ID == ann.ID {
			t.Fatal("clinic b reused clinic a's client")
		}
		walkIn1 := upsert(a.Clinic.ID, clinic.Client{Name: "Walk-in", Phone: "555-0150"})
		walkIn2 := upsert(a.Clinic.ID, clinic.Client{Name: "Walk-in"})
		if walkIn1.ID == walkIn2.ID {
			t.Fatal("clients without email were merged")
		}
		percent := upsert(a.Clinic.ID, clinic.Client{Name: "100% Zed", Email: "zed@example.com"})

		searches := []struct {
			query string
			limit int
			want  []clinic.Client
		}{
			{"", 0, []clinic.Client{percent, ann, walkIn1, walkIn2}},
			{"", 2, []clinic.Client{percent, ann}},
			{"ANN", 0, []clinic.Client{ann}},
			{"example.com", 0, []clinic.Client{percent, ann}},
			{"0150", 0, []clinic.Client{walkIn1}},
			{"%", 0, []clinic.Client{percent}},
			{"_", 0, nil},
		}
		for _, s := range searches {
			t.Run("search "+s.query, func(t *testing.T) {
				got, err := db.ListClients(ctx, a.Clinic.ID, s.query, s.limit)
				ok(t, err)
				if s.query == "" && s.limit == 0 {
					// walk-ins share a name: ordered by id
					if walkIn2.ID < walkIn1.ID {
						s.want[2], s.want[3] = walkIn2, walkIn1
					}
				}
				deepEqual(t, "clients", got, s.want)
			})
		}
		_, err = db.GetClient(ctx, b.Clinic.ID, ann.ID)
		wantCode(t, err, clinic.ENotFound)
	})
}

func TestListAppointments(t *testing.T) {
	forEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := fixture(t, db, "a", 2)
		other := fixture(t, db, "b", 1)
		second, err := db.CreateLocation(ctx, f.Clinic.ID, clinic.Location{Name: "Second", TimeZone: "UTC"})
		ok(t, err)
		day := time.Date(2027, 5, 3, 0, 0, 0, 0, time.UTC)
		v := insert(t, db,
			visit(f, 0, day.Add(9*time.Hour), time.Hour),                                       // 0
			visit(f, 1, day.Add(9*time.Hour+30*time.Minute), time.Hour),                        // 1
			withStatus(visit(f, 0, day.Add(11*time.Hour), time.Hour), clinic.StatusCancelled),  // 2
			atLocation(visit(f, 1, day.Add(33*time.Hour), time.Hour), second.ID, ""),           // 3
			withStatus(visit(f, 0, day.Add(-15*time.Hour), time.Hour), clinic.StatusCompleted), // 4
			visit(other, 0, day.Add(9*time.Hour), time.Hour),                                   // other clinic
		)
		tests := []struct {
			name string
			f    clinic.AppointmentFilter
			want []clinic.Appointment
		}{
			{"all, by start", clinic.AppointmentFilter{}, []clinic.Appointment{v[4], v[0], v[1], v[2], v[3]}},
			{"therapist", clinic.AppointmentFilter{TherapistID: f.Therapists[1].ID}, []clinic.Appointment{v[1], v[3]}},
			{"client", clinic.AppointmentFilter{ClientID: f.Clients[0].ID}, []clinic.Appointment{v[4], v[0], v[2]}},
			{"location", clinic.AppointmentFilter{LocationID: second.ID}, []clinic.Appointment{v[3]}},
			{"status", clinic.AppointmentFilter{Status: clinic.StatusCancelled}, []clinic.Appointment{v[2]}},
			{"day", clinic.AppointmentFilter{From: day, To: day.Add(24 * time.Hour)}, []clinic.Appointment{v[0], v[1], v[2]}},
			{"from only", clinic.AppointmentFilter{From: day.Add(10 * time.Hour)}, []clinic.Appointment{v[2], v[3]}},
			{"to is exclusive", clinic.AppointmentFilter{To: day.Add(9 * time.Hour)}, []clinic.Appointment{v[4]}},
			{"limit", clinic.AppointmentFilter{Limit: 2}, []clinic.Appointment{v[4], v[0]}},
			{"combined", clinic.AppointmentFilter{TherapistID: f.Therapists[0].ID, Status: clinic.StatusBooked, From: day}, []clinic.Appointment{v[0]}},
			{"nothing", clinic.AppointmentFilter{TherapistID: other.Therapists[0].ID}, nil},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				got, err := db.ListAppointments(ctx, f.Clinic.ID, tc.f)
				ok(t, err)
				deepEqual(t, "appointments", ids(got), ids(tc.want))
				if len(got) > 0 {
					deepEqual(t, "first", got[0], tc.want[0])
				}
			})
		}
	})
}
