package booking_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"knead/internal/booking"
	"knead/internal/civil"
	"knead/internal/clinic"
	"knead/internal/store"
	"knead/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// BenchmarkBook measures serial booking throughput next to the machine's
// raw durable commit rate on the same engine in the same run: "raw-commit"
// is one single-row INSERT committed per op; "book" is one whole booking
// per op, as the API makes it (key lookup, schedule read, engine check,
// client upsert, insert, key), each into a slot of its own; then the same
// from 16 clients at once, at one clinic and at 16.
func BenchmarkBook(b *testing.B) {
	ctx := context.Background()
	for _, engine := range testdb.Engines {
		b.Run(engine+"/raw-commit", func(b *testing.B) {
			db := testdb.Open(b, engine)
			commit, err := db.RawCommitProbe(ctx)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if err := commit(); err != nil {
					b.Fatal(err)
				}
			}
		})
		db := testdb.Open(b, engine)
		const therapists = 10
		f, err := store.NewFixture(ctx, db, "bench", therapists)
		if err != nil {
			b.Fatal(err)
		}
		day0 := time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC) // the fixture's location opens 08:00-20:00 UTC
		now := day0.Add(-24 * time.Hour)
		// bookNth books the n-th slot of fixture g: therapist n%10, then
		// hour by hour, day by day, so every booking has a slot of its own.
		bookNth := func(g store.Fixture, n int) error {
			th, k := n%therapists, n/therapists
			start := day0.Add(time.Duration(k/12)*24*time.Hour + time.Duration(k%12)*time.Hour)
			_, err := booking.Book(ctx, db, booking.Request{
				ClinicID: g.Clinic.ID, LocationID: g.Location.ID, ServiceID: g.Service.ID, TherapistID: g.Therapists[th].ID,
				Start: start, Staff: true, IdempotencyKey: fmt.Sprintf("bench-%d", n),
				Client: clinic.Client{Name: "Bench Client", Email: fmt.Sprintf("c%d@bench.example", n%500), Phone: "+1 416 555 0100"},
			}, now)
			if err != nil {
				return fmt.Errorf("booking %d: %w", n, err)
			}
			return nil
		}
		var next atomic.Int64
		book := func() error { return bookNth(f, int(next.Add(1)-1)) }
		b.Run(engine+"/book-serial", func(b *testing.B) {
			for b.Loop() {
				if err := book(); err != nil {
					b.Fatal(err)
				}
			}
		})
		// 16 clients booking at once at 16 different clinics of one server,
		// as on a hosting provider's database: bookings of one clinic queue
		// on its lock, those of different clinics do not.
		type clinicSlots struct {
			f    store.Fixture
			next int // only one goroutine books at a clinic at a time
		}
		clinics := make([]*clinicSlots, 16)
		for i := range clinics {
			g, err := store.NewFixture(ctx, db, fmt.Sprintf("bench-%02d", i), therapists)
			if err != nil {
				b.Fatal(err)
			}
			clinics[i] = &clinicSlots{f: g}
		}
		var worker atomic.Int64
		b.Run(engine+"/book-16-clients-16-clinics", func(b *testing.B) {
			b.SetParallelism(8)
			b.RunParallel(func(pb *testing.PB) {
				c := clinics[int(worker.Add(1)-1)%len(clinics)] // one goroutine a clinic
				for pb.Next() {
					n := c.next
					c.next++
					if err := bookNth(c.f, n); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
		// 16 clients booking at once at one clinic, as at the opening of a
		// popular clinic's calendar: they share commits (group commit), on
		// SQLite through the one writer, on PostgreSQL under the clinic's
		// lock.
		b.Run(engine+"/book-16-clients", func(b *testing.B) {
			b.SetParallelism(8) // 8 x GOMAXPROCS(2)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := book(); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

// BenchmarkSlotsMonth is one uncached 30-day availability query (store read
// of the window, request building, engine) for a clinic with 25 therapists
// and a room each, 200 visits a day, in a table of 10,000 or 1,000,000
// appointments: only the window is read, so the two should cost the same.
func BenchmarkSlotsMonth(b *testing.B) {
	ctx := context.Background()
	day0 := time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC)
	for _, engine := range testdb.Engines {
		for _, size := range []int{10_000, 1_000_000} {
			b.Run(fmt.Sprintf("%s/%d", engine, size), func(b *testing.B) {
				db := testdb.Open(b, engine)
				f, err := store.NewFixture(ctx, db, "month", 25)
				if err != nil {
					b.Fatal(err)
				}
				// 200 visits a day from day0: 10,000 cover 50 days, a million 5,000.
				if err := store.GenerateAppointments(ctx, db, f, store.Generation{From: day0, Count: size, CancelEvery: 20, Seed: 3}); err != nil {
					b.Fatal(err)
				}
				from := civil.DateOf(day0).AddDays(10)
				q := booking.Query{ClinicID: f.Clinic.ID, LocationID: f.Location.ID, ServiceID: f.Service.ID, From: from, To: from.AddDays(29)}
				now := day0
				slots := 0
				for b.Loop() {
					av, err := booking.Slots(ctx, db, q, now)
					if err != nil {
						b.Fatal(err)
					}
					slots = len(av.Slots)
				}
				b.ReportMetric(float64(slots), "slots")
			})
		}
	}
}
