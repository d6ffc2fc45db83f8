// Command knead serves the knead practice platform.
//
//	knead serve   [--addr 127.0.0.1:8080] [--data DIR] [--db postgres://...]
//	knead demo    [--addr 127.0.0.1:8080] [--data DIR] [--db ...]   seeds the demo clinic, then serves
//	knead migrate [--data DIR] [--db ...]                            applies migrations and exits
//	knead clinic create --slug S --name N --currency C --owner-email E [--owner-name N] [--data|--db]
//	                                                                 creates a clinic and its owner
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"knead/internal/clinic"
	"knead/internal/demo"
	"knead/internal/server"
	"knead/internal/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "knead:", err)
		os.Exit(1)
	}
}

const usage = `knead: booking and practice management for massage clinics

Usage:
  knead serve   [flags]   serve the clinics in the database
  knead demo    [flags]   create (or reopen) the demo clinic and serve it
  knead migrate [flags]   apply database migrations and exit
  knead clinic create --slug S --name N --currency CAD --owner-email E [--owner-name N] [flags]
                          create a clinic and its owner; the owner's password is read from
                          $KNEAD_OWNER_PASSWORD, or made up and printed once

Flags:
  --addr ADDR   listen address (default 127.0.0.1:8080)
  --data DIR    folder of the embedded database (default ./data, or $KNEAD_DATA)
  --db URL      empty for embedded SQLite in --data, or a postgres:// URL (or $KNEAD_DB)
  --log LEVEL   debug, info, warn or error (default info)
`

type options struct {
	addr, data, db, log string
}

func parseFlags(name string, args []string, getenv func(string) string, stderr io.Writer) (options, error) {
	return parseFlagsWith(flag.NewFlagSet(name, flag.ContinueOnError), args, getenv, stderr)
}

// parseFlagsWith parses the common flags into fs, which may define more.
func parseFlagsWith(fs *flag.FlagSet, args []string, getenv func(string) string, stderr io.Writer) (options, error) {
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	var o options
	dataDefault := getenv("KNEAD_DATA")
	if dataDefault == "" {
		dataDefault = "data"
	}
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "listen address")
	fs.StringVar(&o.data, "data", dataDefault, "folder of the embedded database")
	fs.StringVar(&o.db, "db", getenv("KNEAD_DB"), "postgres:// URL, or empty for embedded SQLite")
	fs.StringVar(&o.log, "log", "info", "log level")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if o.db != "" && !strings.HasPrefix(o.db, "postgres://") && !strings.HasPrefix(o.db, "postgresql://") {
		return o, errors.New("--db must be empty (embedded SQLite) or a postgres:// URL")
	}
	return o, nil
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		return nil
	}
	cmd := args[0]
	switch cmd {
	case "serve", "demo", "migrate":
	case "clinic":
		return clinicCommand(ctx, args[1:], getenv, stdout, stderr)
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
	o, err := parseFlags(cmd, args[1:], getenv, stderr)
	if err != nil {
		return err
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(o.log)); err != nil {
		return fmt.Errorf("--log: %w", err)
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: level}))

	st, err := store.Open(ctx, o.db, o.data)
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	defer st.Close()
	if cmd == "migrate" {
		fmt.Fprintln(stdout, "migrations applied")
		return nil
	}
	var logins []demo.Login
	if cmd == "demo" {
		if logins, err = demo.Seed(ctx, st, time.Now()); err != nil {
			return fmt.Errorf("seed demo clinic: %w", err)
		}
	}
	sweep(ctx, st, log) // before serving: what expired while knead was down is gone
	go housekeeping(ctx, st, log, sweepEvery)
	return serve(ctx, o, st, log, stdout, logins)
}

// sweepEvery is how often a knead process removes expired sessions, keys
// and login counts.
const sweepEvery = 10 * time.Minute

// housekeeping sweeps the store every interval until ctx ends. Each
// process of a PostgreSQL deployment sweeps; that is harmless.
func housekeeping(ctx context.Context, st *store.DB, log *slog.Logger, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			sweep(ctx, st, log)
		}
	}
}

func sweep(ctx context.Context, st *store.DB, log *slog.Logger) {
	swept, err := st.Sweep(ctx, time.Now())
	switch {
	case ctx.Err() != nil:
	case err != nil:
		log.WarnContext(ctx, "housekeeping", "err", err)
	case swept != store.Swept{}:
		log.InfoContext(ctx, "housekeeping", "staff_sessions", swept.StaffSessions, "client_sessions", swept.ClientSessions,
			"idempotency_keys", swept.IdempotencyKeys, "login_failures", swept.LoginFailures)
	}
}

func serve(ctx context.Context, o options, st clinic.Store, log *slog.Logger, stdout io.Writer, logins []demo.Login) error {
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           server.New(server.Deps{Store: st, Log: log, Now: time.Now}),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	url := "http://" + ln.Addr().String()
	where := "embedded SQLite in " + filepath.Clean(o.data)
	if o.db != "" {
		where = "PostgreSQL"
	}
	fmt.Fprintf(stdout, "knead listening on %s (%s)\n", url, where)
	if logins != nil {
		fmt.Fprintf(stdout, "demo clinic: %s/c/%s (API: %s/api/v1/clinics/%s)\n", url, demo.Slug, url, demo.Slug)
		fmt.Fprintln(stdout, "demo staff logins (clinic \"demo\"):")
		for _, l := range logins {
			fmt.Fprintf(stdout, "  %-11s %-28s password %s\n", l.Role, l.Email, l.Password)
		}
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Finish in-flight requests before closing the database.
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	log.Info("shutting down")
	return srv.Shutdown(shutdownCtx)
}
