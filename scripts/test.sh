#!/usr/bin/env bash
# The whole test suite, on a fresh machine: installs what it needs (Debian's
# PostgreSQL 15), starts one throwaway PostgreSQL cluster on loopback for the
# run, checks formatting and vet, runs every test on SQLite and PostgreSQL,
# and fuzzes the availability engine and the public booking inputs for a
# bounded time.
#
#   scripts/test.sh            (what `make test` and .ci/run run)
#   FUZZTIME=2m scripts/test.sh   fuzz longer
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '== %s\n' "$*"; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# PostgreSQL: a missing server is installed, never skipped.
pg_bin=${KNEAD_PG_BIN:-/usr/lib/postgresql/15/bin}
if [ -z "${KNEAD_TEST_POSTGRES:-}" ] && [ ! -x "$pg_bin/initdb" ]; then
	log "installing PostgreSQL 15"
	as_root apt-get update -qq
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null
fi

log "gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
	echo "gofmt would change:"; echo "$unformatted"; exit 1
fi
log "go vet"
go vet ./...

pgdir=""
cleanup() {
	if [ -n "$pgdir" ]; then
		go run ./internal/testdb/cmd/pgcluster stop "$pgdir" >/dev/null 2>&1 || true
		rm -rf "$pgparent"
	fi
}
trap cleanup EXIT
if [ -z "${KNEAD_TEST_POSTGRES:-}" ]; then
	log "starting a throwaway PostgreSQL cluster"
	pgparent=$(mktemp -d /tmp/knead-pg.XXXXXX)
	chmod 755 "$pgparent" # the server runs as the postgres user, who must reach its folder
	pgdir=$pgparent/pg
	KNEAD_TEST_POSTGRES=$(go run ./internal/testdb/cmd/pgcluster start "$pgdir")
	export KNEAD_TEST_POSTGRES
fi

log "go test (SQLite and PostgreSQL)"
go test -count=1 -timeout 12m ./...

log "fuzzing the availability engine for ${FUZZTIME:=30s}"
go test -run '^$' -fuzz '^FuzzFind$' -fuzztime "$FUZZTIME" ./internal/schedule/
log "fuzzing the public booking inputs for ${FUZZTIME}"
go test -run '^$' -fuzz '^FuzzPublicInputs$' -fuzztime "$FUZZTIME" ./internal/server/

echo "test.sh: all passed"
