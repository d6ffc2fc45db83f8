package server_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"knead/internal/clinic"
	"knead/internal/server"
	"knead/internal/testdb"
)

// raceBookings sends n concurrent bookings of the same start, spread over
// the given server URLs, and counts the answers by status.
func raceBookings(t *testing.T, f *fixture, urls []string, n int, body func(i int) map[string]any) map[int]int {
	t.Helper()
	var mu sync.Mutex
	counts := map[int]int{}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			g := *f
			g.srv = &httptest.Server{URL: urls[i%len(urls)]}
			r := g.do("POST", f.path("/appointments"), "", body(i))
			mu.Lock()
			counts[r.Status]++
			mu.Unlock()
		}()
	}
	close(start)
	wg.Wait()
	return counts
}

// assertNoOverlaps checks the stored appointments: no therapist and no room
// holds two visits at once.
func assertNoOverlaps(t *testing.T, st clinic.Store, clinicSlug string) int {
	t.Helper()
	ctx := context.Background()
	c, err := st.ClinicBySlug(ctx, clinicSlug)
	if err != nil {
		t.Fatal(err)
	}
	list, err := st.ListAppointments(ctx, c.ID, clinic.AppointmentFilter{Status: clinic.StatusBooked, Limit: 10000})
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range list {
		for _, b := range list[i+1:] {
			overlap := a.Start.Before(b.End) && b.Start.Before(a.End)
			if overlap && a.TherapistID == b.TherapistID {
				t.Errorf("therapist %s double-booked: %s and %s", a.TherapistID, a.ID, b.ID)
			}
			if overlap && a.RoomID != "" && a.RoomID == b.RoomID {
				t.Errorf("room %s double-booked: %s and %s", a.RoomID, a.ID, b.ID)
			}
		}
	}
	return len(list)
}

func TestConcurrentBookingsNeverDoubleBook(t *testing.T) {
	forEachEngine(t, func(t *testing.T, engine string) {
		f := newFixture(t, engine)
		urls := []string{f.srv.URL}
		if engine == "postgres" {
			// A second knead "process": its own pool on the same database.
			st2 := testdb.OpenDSN(t, f.dsn, f.dir)
			srv2 := httptest.NewServer(server.New(server.Deps{Store: st2, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: f.clock.Now}))
			t.Cleanup(srv2.Close)
			urls = append(urls, srv2.URL)
		}
		const n = 40
		// One therapist, one time: exactly one wins.
		counts := raceBookings(t, f, urls, n, func(i int) map[string]any {
			return f.bookBody(f.swedish, f.ana, at(5, 10, 0), fmt.Sprintf("Racer %d", i))
		})
		if counts[201] != 1 || counts[409] != n-1 {
			t.Fatalf("same therapist and time: %v, want 1 created and %d conflicts", counts, n-1)
		}
		// Any therapist at one time, three therapists but two rooms: exactly two win.
		counts = raceBookings(t, f, urls, n, func(i int) map[string]any {
			return f.bookBody(f.swedish, "", at(6, 13, 0), fmt.Sprintf("Any %d", i))
		})
		if counts[201] != 2 || counts[409] != n-2 {
			t.Fatalf("any therapist, two rooms: %v, want 2 created and %d conflicts", counts, n-2)
		}
		// Overlapping but different starts for one therapist: at most one per hour.
		counts = raceBookings(t, f, urls, n, func(i int) map[string]any {
			start := at(7, 9, 0).Add(time.Duration(i%8) * 15 * time.Minute)
			return f.bookBody(f.deep, f.ana, start, fmt.Sprintf("Stagger %d", i))
		})
		if counts[201] < 1 || counts[201] > 2 || counts[201]+counts[409] != n {
			t.Fatalf("staggered starts: %v", counts)
		}
		if got := assertNoOverlaps(t, f.st, f.clinic); got != 3+counts[201] {
			t.Fatalf("%d booked appointments stored, want %d", got, 3+counts[201])
		}
	})
}
