package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"testing"
	"time"

	"knead/internal/demo"
	"knead/internal/server"
	"knead/internal/testdb"
)

// BenchmarkPages renders the pages a client waits for on the demo data, in
// process (no network): the clinic page, the directory and a week of free
// times, each warm (the answer cached) and cold (a fresh server: nothing
// cached but the store's own catalog). It reports the median and the 99th
// percentile of single requests.
func BenchmarkPages(b *testing.B) {
	ctx := context.Background()
	st := testdb.Open(b, "sqlite")
	now := time.Date(2027, 1, 4, 13, 0, 0, 0, time.UTC)
	if _, err := demo.Seed(ctx, st, now); err != nil {
		b.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	clock := func() time.Time { return now }
	newServer := func() http.Handler { return server.New(server.Deps{Store: st, Log: log, Now: clock}) }
	h := newServer()
	get := func(h http.Handler, path string) (*httptest.ResponseRecorder, time.Duration) {
		req := httptest.NewRequest("GET", path, nil)
		rec := httptest.NewRecorder()
		start := time.Now()
		h.ServeHTTP(rec, req)
		return rec, time.Since(start)
	}
	// The week of free times of the demo's first service, from its page.
	rec, _ := get(h, "/c/demo")
	book := regexp.MustCompile(`href="(/c/demo/book\?service=[^"]+)"`).FindStringSubmatch(rec.Body.String())
	if rec.Code != 200 || book == nil {
		b.Fatalf("clinic page: %d", rec.Code)
	}
	times := book[1] + "&location=" + firstLocation(b, h, book[1])
	// healthz is the ceiling: the same handler and middleware, no work.
	pages := []struct{ name, path string }{{"healthz", "/healthz"}, {"clinic", "/c/demo"}, {"directory", "/?near=Toronto"}, {"times", times}}
	for _, p := range pages {
		for _, cold := range []bool{false, true} {
			name := p.name + "/warm"
			if cold {
				name = p.name + "/cold"
			}
			b.Run(name, func(b *testing.B) {
				var took []time.Duration
				size := 0
				for b.Loop() {
					srv := h
					if cold {
						b.StopTimer()
						srv = newServer()
						b.StartTimer()
					}
					rec, d := get(srv, p.path)
					if rec.Code != 200 {
						b.Fatalf("%s: %d", p.path, rec.Code)
					}
					took = append(took, d)
					size = rec.Body.Len()
				}
				slices.Sort(took)
				b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
				b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
				b.ReportMetric(float64(size)/1024, "KB")
			})
		}
	}
}

func firstLocation(b *testing.B, h http.Handler, path string) string {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	m := regexp.MustCompile(`name="location" value="([^"]+)"`).FindStringSubmatch(rec.Body.String())
	if m == nil {
		b.Fatalf("no location on %s", path)
	}
	return m[1]
}
