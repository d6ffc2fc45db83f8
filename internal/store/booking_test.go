package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"knead/internal/clinic"
	"knead/internal/store"
	"knead/internal/testdb"
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
		ok(t, db.InBookingTx(ctx, f.Clinic.ID, func(tx clinic.BookingTx) error { return tx.UpdateAppointment(ctx, want) }))
		again, err = db.GetAppointment(ctx, f.Clinic.ID, got.ID)
		ok(t, err)
		deepEqual(t, "cancelled", again, want)
		want.TherapistID, want.RoomID, want.Equipment = f.Therapists[1].ID, "", nil
		want.Start, want.End = want.Start.Add(time.Hour), want.End.Add(time.Hour)
		ok(t, db.InBookingTx(ctx, f.Clinic.ID, func(tx clinic.BookingTx) error { return tx.UpdateAppointment(ctx, want) }))
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
				err := db.InBookingTx(ctx, f.Clinic.ID, func(tx clinic.BookingTx) error {
					_, err := tx.InsertAppointment(ctx, tc.a)
					return err
				})
				wantCode(t, err, tc.code)
			})
		}
		t.Run("update unknown", func(t *testing.T) {
			err := db.InBookingTx(ctx, f.Clinic.ID, func(tx clinic.BookingTx) error {
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
			ok(t, db.InBookingTx(ctx, C, func(tx clinic.BookingTx) error {
				_, _, found, err := tx.Idempotency(ctx, C, "key-1")
				if found {
					t.Errorf("idempotency key saved")
				}
				return err
			}))
		}
		t.Run("error", func(t *testing.T) {
			err := db.InBookingTx(ctx, C, func(tx clinic.BookingTx) error {
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
				db.InBookingTx(ctx, C, func(tx clinic.BookingTx) error {
					if err := book(tx); err != nil {
						return err
					}
					panic("boom")
				})
			}()
			nothingSaved(t)
		})
		t.Run("then commits", func(t *testing.T) {
			ok(t, db.InBookingTx(ctx, C, book))
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
		in := func(clinicID string, fn func(tx clinic.BookingTx) error) error {
			return db.InBookingTx(ctx, clinicID, fn)
		}

		ok(t, in(a.Clinic.ID, func(tx clinic.BookingTx) error {
			return tx.SaveIdempotency(ctx, a.Clinic.ID, "k1", []byte{1, 2, 3}, "appt-1", now)
		}))
		ok(t, in(a.Clinic.ID, func(tx clinic.BookingTx) error {
			id, hash, found, err := tx.Idempotency(ctx, a.Clinic.ID, "k1")
			if !found || id != "appt-1" || string(hash) != "\x01\x02\x03" {
				t.Errorf("Idempotency = %q, %x, %v", id, hash, found)
			}
			return err
		}))
		ok(t, in(b.Clinic.ID, func(tx clinic.BookingTx) error {
			_, _, found, err := tx.Idempotency(ctx, b.Clinic.ID, "k1")
			if found {
				t.Errorf("clinic b sees clinic a's key")
			}
			return err
		}))
		wantCode(t, in(a.Clinic.ID, func(tx clinic.BookingTx) error {
			return tx.SaveIdempotency(ctx, a.Clinic.ID, "k1", []byte{9}, "appt-2", now)
		}), clinic.EConflict)
		ok(t, in(b.Clinic.ID, func(tx clinic.BookingTx) error {
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
			ok(t, db.InBookingTx(ctx, clinicID, func(tx clinic.BookingTx) error {
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

// TestStartAndSave: a booking's first read and its writes, as booking.Book
// makes them (on PostgreSQL one round trip each, the second with the
// commit), on a database that a second process shares.
func TestStartAndSave(t *testing.T) {
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			dsn, dir := testdb.DSN(t, engine)
			db, other := testdb.OpenDSN(t, dsn, dir), testdb.OpenDSN(t, dsn, dir)
			f := fixture(t, db, "a", 3)
			C := f.Clinic.ID
			now := time.Date(2027, 5, 1, 9, 0, 0, 0, time.UTC)
			at := time.Date(2027, 5, 3, 10, 0, 0, 0, time.UTC)
			slot := clinic.ScheduleQuery{ClinicID: C, LocationID: f.Location.ID, ServiceID: f.Service.ID, SlotAt: at}
			start := func(q clinic.ScheduleQuery, key string) (s clinic.BookingStart) {
				t.Helper()
				ok(t, db.InBookingTx(ctx, q.ClinicID, func(tx clinic.BookingTx) (err error) {
					s, err = tx.Start(ctx, q, key, clinic.ClientRef{})
					return err
				}))
				return s
			}
			save := func(nb clinic.NewBooking) (a clinic.Appointment, err error) {
				err = db.InBookingTx(ctx, C, func(tx clinic.BookingTx) (err error) {
					if _, err = tx.Start(ctx, slot, nb.IdempotencyKey, clinic.ClientRef{}); err != nil {
						return err
					}
					return tx.Save(ctx, nb, &a)
				})
				return a, err
			}
			guest := clinic.Client{Name: "Ann Lee", Email: "Ann@Example.com", Phone: "555-0101"}
			booking := func(i int, from time.Time, c clinic.Client, key string) clinic.NewBooking {
				a := visit(f, i, from, 50*time.Minute)
				a.ClientID, a.BufferAfter = "", 10*time.Minute
				return clinic.NewBooking{Appointment: a, Client: c, IdempotencyKey: key, RequestHash: []byte("hash " + key), Now: now}
			}

			// Nothing booked yet: the window is empty and the key unknown.
			s := start(slot, "k1")
			if s.KeyFound || len(s.Schedule.Visits) != 0 || s.Schedule.Service.ID != f.Service.ID || len(s.Schedule.Therapists) != 3 {
				t.Fatalf("empty Start = %+v", s)
			}

			first, err := save(booking(0, at, guest, "k1"))
			ok(t, err)
			client, err := db.GetClient(ctx, C, first.ClientID)
			ok(t, err)
			if client.Email != guest.Email || client.Name != guest.Name {
				t.Fatalf("guest stored as %+v", client)
			}
			stored, err := db.GetAppointment(ctx, C, first.ID)
			ok(t, err)
			deepEqual(t, "saved appointment", stored, first)

			// The key and the visit are what the next Start reads.
			s = start(slot, "k1")
			if !s.KeyFound || s.KeyAppointmentID != first.ID || string(s.KeyRequestHash) != "hash k1" {
				t.Fatalf("Start key = %v %q %q", s.KeyFound, s.KeyAppointmentID, s.KeyRequestHash)
			}
			deepEqual(t, "window", visitIDs(s.Schedule.Visits), []string{first.ID})

			// The same guest in other case: the same client, updated.
			again, err := save(booking(1, at, clinic.Client{Name: "Ann Lee-Park", Email: "ann@example.COM", Phone: "555-0199"}, ""))
			ok(t, err)
			if again.ClientID != first.ClientID {
				t.Fatalf("returning guest got client %s, want %s", again.ClientID, first.ClientID)
			}
			client, err = db.GetClient(ctx, C, first.ClientID)
			ok(t, err)
			if client.Name != "Ann Lee-Park" || client.Phone != "555-0199" {
				t.Fatalf("returning guest not updated: %+v", client)
			}
			// Unchanged details: the same client, as stored.
			same, err := save(booking(2, at, clinic.Client{Name: "Ann Lee-Park", Email: "ANN@example.com", Phone: "555-0199"}, ""))
			ok(t, err)
			if same.ClientID != first.ClientID {
				t.Fatalf("unchanged returning guest got client %s, want %s", same.ClientID, first.ClientID)
			}
			// Staff book an existing client; a guest without a phone is new.
			mine := booking(0, at.Add(2*time.Hour), clinic.Client{}, "")
			mine.Appointment.ClientID = f.Clients[1].ID
			staff, err := save(mine)
			ok(t, err)
			if staff.ClientID != f.Clients[1].ID {
				t.Fatalf("staff booking for %s stored client %s", f.Clients[1].ID, staff.ClientID)
			}
			walkIn, err := save(booking(1, at.Add(2*time.Hour), clinic.Client{Name: "Walk-in", Email: "walk@example.com"}, ""))
			ok(t, err)
			if walkIn.ClientID == first.ClientID || walkIn.ClientID == "" {
				t.Fatalf("walk-in stored client %q", walkIn.ClientID)
			}

			// A key already used: a conflict, and nothing of the booking stays.
			before, err := db.ListAppointments(ctx, C, clinic.AppointmentFilter{})
			ok(t, err)
			_, err = save(booking(0, at.Add(4*time.Hour), clinic.Client{Name: "Bo", Email: "bo@example.com", Phone: "555-0102"}, "k1"))
			wantCode(t, err, clinic.EConflict)
			after, err := db.ListAppointments(ctx, C, clinic.AppointmentFilter{})
			ok(t, err)
			deepEqual(t, "appointments after a conflict", ids(after), ids(before))
			cs, err := db.ListClients(ctx, C, "bo@example.com", 0)
			ok(t, err)
			if len(cs) != 0 {
				t.Fatalf("the conflicting booking left its client: %+v", cs)
			}

			// Nothing may follow Save in its transaction, and an error after
			// it undoes it.
			before, err = db.ListAppointments(ctx, C, clinic.AppointmentFilter{})
			ok(t, err)
			var lost clinic.Appointment
			err = db.InBookingTx(ctx, C, func(tx clinic.BookingTx) error {
				if err := tx.Save(ctx, booking(0, at.Add(6*time.Hour), clinic.Client{}, ""), &lost); err != nil {
					return err
				}
				if _, err := tx.GetAppointment(ctx, C, first.ID); err == nil {
					t.Error("a read after Save worked")
				}
				return errors.New("changed my mind")
			})
			if err == nil || err.Error() != "changed my mind" {
				t.Fatalf("InBookingTx = %v, want fn's error", err)
			}
			after, err = db.ListAppointments(ctx, C, clinic.AppointmentFilter{})
			ok(t, err)
			deepEqual(t, "appointments after an error after Save", ids(after), ids(before))

			// Another process lengthens the buffer before the visit: the
			// window of a slot just after the first visit must reach back to
			// it, though this process cached the catalog before the change.
			svc := f.Service
			svc.BufferBeforeMinutes = 60
			_, err = other.UpdateService(ctx, C, svc)
			ok(t, err)
			late := slot
			late.SlotAt = at.Add(80 * time.Minute) // first ends at +50, buffer after to +60
			s = start(late, "")
			if s.Schedule.Service.BufferBeforeMinutes != 60 {
				t.Fatalf("Start read a stale service: buffer before %d", s.Schedule.Service.BufferBeforeMinutes)
			}
			if !slices.Contains(visitIDs(s.Schedule.Visits), first.ID) {
				t.Fatalf("window %v misses the visit the new buffer reaches", visitIDs(s.Schedule.Visits))
			}
			// A clinic that does not exist.
			err = db.InBookingTx(ctx, "nope", func(tx clinic.BookingTx) error {
				q := slot
				q.ClinicID = "nope"
				_, err := tx.Start(ctx, q, "k", clinic.ClientRef{})
				return err
			})
			wantCode(t, err, clinic.ENotFound)
		})
	}
}
