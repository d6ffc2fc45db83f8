#!/usr/bin/env bash
# The whole test suite, on a fresh machine: installs what it needs (Debian's
# PostgreSQL 15; Debian's Chromium and a pinned axe-core from npm for the
# browser tests of internal/browsertest), starts one throwaway PostgreSQL
# cluster on loopback for the run, checks formatting and vet, runs every test
# on SQLite and PostgreSQL, and fuzzes the availability engine and the public
# booking inputs for a bounded time.
#
# What is missing is installed, never skipped:
#   - PostgreSQL 15 with apt-get, unless KNEAD_TEST_POSTGRES names a server;
#   - Chromium with apt-get when /usr/bin/chromium is missing (KNEAD_CHROMIUM
#     names another browser binary, which must then exist);
#   - axe-core, at the exact version axe_version below, with npm into
#     ${XDG_CACHE_HOME:-~/.cache}/knead/npm, outside the tree, when that version
#     is not there; KNEAD_AXE_JS is exported as its axe.min.js (set it yourself
#     to use another file).
# Screenshots and other test artifacts (go test -artifacts) land in
# test-output/_artifacts/<package>/<test>/, emptied at each run and ignored
# by git; a failed browser step leaves failure-*.png there.
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

# Chromium, for the browser tests.
if [ -n "${KNEAD_CHROMIUM:-}" ]; then
	if [ ! -x "$KNEAD_CHROMIUM" ]; then
		echo "test.sh: KNEAD_CHROMIUM=$KNEAD_CHROMIUM is not an executable file"; exit 1
	fi
elif [ ! -x /usr/bin/chromium ]; then
	log "installing Chromium"
	as_root apt-get update -qq
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

# axe-core, for the accessibility checks of the browser tests: one exact
# version, kept in step with browsertest.AxeVersion (a test checks that).
axe_version=4.14.1
if [ -z "${KNEAD_AXE_JS:-}" ]; then
	npm_dir=${XDG_CACHE_HOME:-$HOME/.cache}/knead/npm
	KNEAD_AXE_JS=$npm_dir/node_modules/axe-core/axe.min.js
	if [ ! -f "$KNEAD_AXE_JS" ] ||
		! grep -qs "\"version\": \"$axe_version\"" "$npm_dir/node_modules/axe-core/package.json"; then
		if ! command -v npm >/dev/null; then
			log "installing npm"
			as_root apt-get update -qq
			as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null
		fi
		log "installing axe-core $axe_version"
		npm install --prefix "$npm_dir" --no-audit --no-fund --save-exact "axe-core@$axe_version" >/dev/null
	fi
	export KNEAD_AXE_JS
fi
if [ ! -f "$KNEAD_AXE_JS" ]; then
	echo "test.sh: no axe-core at KNEAD_AXE_JS=$KNEAD_AXE_JS"; exit 1
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

log "go test (SQLite and PostgreSQL; screenshots in test-output/)"
rm -rf test-output && mkdir test-output
status=0
go test -count=1 -timeout 12m -artifacts -outputdir "$PWD/test-output" ./... || status=$?
# Go 1.26 also leaves an empty _artifacts/<random> folder for each test that
# asked for one; browsertest writes into _artifacts/<package>/<test>/.
find test-output -mindepth 1 -type d -empty -delete
if [ "$status" != 0 ]; then
	echo "go test failed; the screenshots are in test-output/_artifacts/"; exit "$status"
fi

log "fuzzing the availability engine for ${FUZZTIME:=30s}"
go test -run '^$' -fuzz '^FuzzFind$' -fuzztime "$FUZZTIME" ./internal/schedule/
log "fuzzing the public booking inputs for ${FUZZTIME}"
go test -run '^$' -fuzz '^FuzzPublicInputs$' -fuzztime "$FUZZTIME" ./internal/server/

echo "test.sh: all passed"
