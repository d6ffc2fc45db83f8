// Command pgcluster starts and stops a throwaway PostgreSQL server for a
// whole test run, so that test packages share one server instead of each
// starting its own.
//
// Usage:
//
//	go run ./internal/testdb/cmd/pgcluster start DIR   # prints the server's URL
//	go run ./internal/testdb/cmd/pgcluster url DIR     # prints it again
//	go run ./internal/testdb/cmd/pgcluster stop DIR    # stops it and removes DIR
//
// In a Makefile or CI script:
//
//	dir=$$(mktemp -d)/pg
//	export KNEAD_TEST_POSTGRES=$$(go run ./internal/testdb/cmd/pgcluster start $$dir)
//	go test ./...; status=$$?
//	go run ./internal/testdb/cmd/pgcluster stop $$dir
//	exit $$status
//
// The server listens on 127.0.0.1 only, on a free port, trusts loopback
// connections as user postgres, keeps fsync on, and keeps its socket and log
// (postgres.log) in DIR. It runs from /usr/lib/postgresql/15/bin or
// KNEAD_PG_BIN, as the postgres OS user when run as root. DIR must not hold
// a cluster already; its parents must be open to the postgres user (a
// directory under /tmp is).
package main

import (
	"fmt"
	"os"

	"knead/internal/testdb"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "pgcluster: %v\n", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) != 2 {
		return fmt.Errorf("usage: pgcluster start|url|stop DIR")
	}
	dir := args[1]
	switch args[0] {
	case "start":
		c, err := testdb.StartCluster(dir, true)
		if err != nil {
			return err
		}
		fmt.Println(c.URL)
		return nil
	case "url":
		u, err := testdb.URLOf(dir)
		if err != nil {
			return err
		}
		fmt.Println(u)
		return nil
	case "stop":
		return testdb.StopDir(dir)
	}
	return fmt.Errorf("unknown command %q: usage: pgcluster start|url|stop DIR", args[0])
}
