package store_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"knead/internal/clinic"
	"knead/internal/store"
	"knead/internal/testdb"
)

// Run with, e.g.:
//
//	go test ./internal/store -run '^$' -bench . -benchtime 2s
//
// KNEAD_BENCH_SIZES (default "10000,1000000") sets the table sizes of
// BenchmarkScheduleRead; generating a million rows takes a while, so a
// quick run may set it to 10000.

var benchFrom = time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC)

func benchSizes(b *testing.B) []int {
	spec := os.Getenv("KNEAD_BENCH_SIZES")
	if spec == "" {
		spec = "10000,1000000"
	}
	var sizes []int
	for _, s := range strings.Split(spec, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			b.Fatalf("KNEAD_BENCH_SIZES: %q is not a count", s)
		}
		sizes = append(sizes, n)
	}
	return sizes
}

// BenchmarkScheduleRead reads one day's schedule of a clinic of ten
// therapists with eight visits each a day, from a table of 10,000 or
// 1,000,000 appointments of that clinic: the cost should not grow with the
// table. Each op reads a different day.
func BenchmarkScheduleRead(b *testing.B) {
	ctx := context.Background()
	for _, engine := range testdb.Engines {
		b.Run(engine, func(b *testing.B) {
			for _, size := range benchSizes(b) {
				// This level runs once: it has sub-benchmarks. The data is
				// made here, outside the timed loop.
				b.Run(strconv.Itoa(size), func(b *testing.B) {
					db := testdb.Open(b, engine)
					f, err := store.NewFixture(ctx, db, "bench", 10)
					if err != nil {
						b.Fatal(err)
					}
					g := store.Generation{From: benchFrom, Count: size, CancelEvery: 10, Seed: 1}
					began := time.Now()
					if err := store.GenerateAppointments(ctx, db, f, g); err != nil {
						b.Fatal(err)
					}
					b.Logf("generated %d appointments in %v", size, time.Since(began).Round(time.Millisecond))
					days := g.Days(len(f.Therapists))
					b.Run("day", func(b *testing.B) {
						visits, i := 0, 0
						for b.Loop() {
							day := benchFrom.AddDate(0, 0, (i*7919)%days) // stride through the span
							i++
							d, err := db.Schedule(ctx, clinic.ScheduleQuery{ClinicID: f.Clinic.ID, LocationID: f.Location.ID,
								ServiceID: f.Service.ID, From: day.Add(8 * time.Hour), To: day.Add(20 * time.Hour)})
							if err != nil {
								b.Fatal(err)
							}
							visits += len(d.Visits)
						}
						b.ReportMetric(float64(visits)/float64(b.N), "visits/op")
					})
				})
			}
		})
	}
}

// BenchmarkRawCommit is one durable single-row INSERT commit per op on a
// tiny table: the machine's ceiling for serial booking throughput.
func BenchmarkRawCommit(b *testing.B) {
	ctx := context.Background()
	for _, engine := range testdb.Engines {
		b.Run(engine, func(b *testing.B) {
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
	}
}

// BenchmarkInsertAppointmentTx is one booking per op, as the booking
// service makes it: a booking transaction that reads the schedule around
// the slot and inserts the visit. Serial, then from 8 goroutines.
func BenchmarkInsertAppointmentTx(b *testing.B) {
	ctx := context.Background()
	for _, engine := range testdb.Engines {
		db := testdb.Open(b, engine)
		f, err := store.NewFixture(ctx, db, "bench", 10)
		if err != nil {
			b.Fatal(err)
		}
		var slot atomic.Int64 // every booking gets a slot of its own
		book := func() error {
			n := slot.Add(1)
			th := int(n % 10)
			start := benchFrom.Add(time.Duration(n/10) * time.Hour)
			return db.InBookingTx(ctx, f.Clinic.ID, func(tx clinic.BookingTx) error {
				d, err := tx.Schedule(ctx, clinic.ScheduleQuery{ClinicID: f.Clinic.ID, LocationID: f.Location.ID,
					ServiceID: f.Service.ID, From: start, To: start.Add(time.Hour)})
				if err != nil {
					return err
				}
				for _, a := range d.Visits {
					if a.TherapistID == f.Therapists[th].ID && a.Start.Before(start.Add(time.Hour)) && a.End.After(start) {
						return fmt.Errorf("slot %d taken", n)
					}
				}
				_, err = tx.InsertAppointment(ctx, visit(f, th, start, 50*time.Minute))
				return err
			})
		}
		b.Run(engine+"/serial", func(b *testing.B) {
			retries := db.BookingRetries()
			defer func() { b.ReportMetric(float64(db.BookingRetries()-retries)/float64(b.N), "retries/op") }()
			for b.Loop() {
				if err := book(); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(engine+"/parallel8", func(b *testing.B) {
			retries := db.BookingRetries()
			defer func() { b.ReportMetric(float64(db.BookingRetries()-retries)/float64(b.N), "retries/op") }()
			b.SetParallelism(4) // 4 x GOMAXPROCS(2) = 8 goroutines
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
