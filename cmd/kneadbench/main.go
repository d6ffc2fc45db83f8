// Command kneadbench makes benchmark data and drives HTTP load at a knead
// server on this machine (loopback only, bounded in time and count).
//
//	kneadbench seed    --data DIR | --db URL [--clinics N] [--appointments M] [--big K]
//	kneadbench trivial --addr 127.0.0.1:PORT          a Go handler returning fixed JSON: the ceiling
//	kneadbench http    --url URL [--conns 64] [--duration 10s] [--warmup 2s] [--path P ...]
//
// scripts/bench-http.sh runs them together and prints the figures that
// docs/benchmarks.md records.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"knead/internal/loadgen"
	"knead/internal/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "kneadbench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: kneadbench seed|trivial|http [flags]")
	}
	switch args[0] {
	case "seed":
		return seed(ctx, args[1:], stdout)
	case "trivial":
		return trivial(ctx, args[1:], stdout)
	case "http":
		return load(ctx, args[1:], stdout)
	}
	return fmt.Errorf("unknown command %q", args[0])
}

// BigClinic is the slug of the clinic the availability load asks about.
const BigClinic = "bench"

func seed(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	data := fs.String("data", "", "folder of the embedded database")
	dsn := fs.String("db", "", "postgres:// URL instead of SQLite")
	clinics := fs.Int("clinics", 100, "other clinics sharing the store")
	total := fs.Int("appointments", 1_000_000, "appointments in the store across all clinics")
	big := fs.Int("big", 50_000, "appointments of the clinic the load asks about")
	therapists := fs.Int("therapists", 25, "therapists of that clinic")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *data == "" && *dsn == "" {
		return errors.New("seed: --data or --db is required")
	}
	db, err := store.Open(ctx, *dsn, *data)
	if err != nil {
		return err
	}
	defer db.Close()
	begin := time.Now()
	from := time.Now().UTC().AddDate(0, 0, -200) // the window of today sits inside the generated days
	f, err := store.NewFixture(ctx, db, BigClinic, *therapists)
	if err != nil {
		return err
	}
	if err := store.GenerateAppointments(ctx, db, f, store.Generation{From: from, Count: *big, CancelEvery: 20, Seed: 1}); err != nil {
		return err
	}
	rest := *total - *big
	for i := range *clinics {
		if rest <= 0 {
			break
		}
		n := rest / (*clinics - i)
		g, err := store.NewFixture(ctx, db, fmt.Sprintf("other-%04d", i), 5)
		if err != nil {
			return err
		}
		if err := store.GenerateAppointments(ctx, db, g, store.Generation{From: from, Count: n, CancelEvery: 20, Seed: uint64(i + 2)}); err != nil {
			return err
		}
		rest -= n
	}
	out := map[string]string{"clinic": BigClinic, "location": f.Location.ID, "service": f.Service.ID}
	fmt.Fprintf(os.Stderr, "seeded %d appointments in %v\n", *total, time.Since(begin).Round(time.Millisecond))
	return json.NewEncoder(stdout).Encode(out)
}

func trivial(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("trivial", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:0", "listen address")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	body := []byte(`{"slots":[{"start":"2027-01-04T09:00:00-05:00","end":"2027-01-04T10:00:00-05:00","therapist":"t1","location":"l1"}]}` + "\n")
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}), ReadHeaderTimeout: 5 * time.Second}
	fmt.Fprintf(stdout, "trivial listening on http://%s\n", ln.Addr())
	go func() { <-ctx.Done(); _ = srv.Close() }()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

type pathList []string

func (p *pathList) String() string     { return strings.Join(*p, ",") }
func (p *pathList) Set(s string) error { *p = append(*p, s); return nil }

func load(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("http", flag.ContinueOnError)
	base := fs.String("url", "", "base URL of the server (loopback)")
	conns := fs.Int("conns", 64, "concurrent connections")
	duration := fs.Duration("duration", 10*time.Second, "how long to measure")
	warmup := fs.Duration("warmup", 2*time.Second, "how long to send before measuring")
	maxReqs := fs.Int("max", 5_000_000, "stop after this many requests")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	var paths pathList
	fs.Var(&paths, "path", "a path to GET; repeat to rotate among several")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *duration > 10*time.Minute {
		return errors.New("http: --duration is capped at 10m")
	}
	if len(paths) == 0 {
		paths = pathList{"/"}
	}
	if err := loadgen.CheckLoopback(*base); err != nil {
		return err
	}
	res, err := loadgen.Run(ctx, loadgen.Config{
		Conns: *conns, Duration: *duration, Warmup: *warmup, MaxReqs: *maxReqs,
		Request: func(c, i int) (*http.Request, error) {
			return http.NewRequest("GET", *base+paths[(c+i)%len(paths)], nil)
		},
	})
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(map[string]any{"requests": res.Requests, "rps": res.RPS, "errors": res.Errors,
			"p50_ms": ms(res.P50), "p90_ms": ms(res.P90), "p99_ms": ms(res.P99), "max_ms": ms(res.Max), "first_fail": res.FirstFail})
	}
	fmt.Fprintln(stdout, res)
	if res.Errors > 0 {
		return fmt.Errorf("%d failed requests; first: %s", res.Errors, res.FirstFail)
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
