#!/usr/bin/env bash
# The HTTP availability endpoint under load, next to the machine's ceiling
# measured in the same run: a trivial Go handler returning fixed JSON.
# Everything listens on 127.0.0.1; every load is bounded in time.
#
#   scripts/bench-http.sh [ROUNDS] [SECONDS]      default 3 rounds of 10 s each
#
# It seeds a SQLite store with 1,000,000 appointments (50,000 at the clinic
# asked about, 25 therapists), starts `knead demo` on it (so the demo clinic
# is there too), and alternates rounds against the trivial handler and the
# availability endpoint (64 connections, 30-day windows rotating over 7
# start dates). It prints each round, the medians, and knead's peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
secs=${2:-10}
work=$(mktemp -d /tmp/knead-bench.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

go build -o "$work/knead" ./cmd/knead
go build -o "$work/kneadbench" ./cmd/kneadbench
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(go version | cut -d' ' -f3)"

ids=$("$work/kneadbench" seed --data "$work/data" --appointments "${APPOINTMENTS:-1000000}" --big 50000)
loc=$(echo "$ids" | python3 -c 'import json,sys; print(json.load(sys.stdin)["location"])')
svc=$(echo "$ids" | python3 -c 'import json,sys; print(json.load(sys.stdin)["service"])')

"$work/knead" demo --addr 127.0.0.1:0 --data "$work/data" --log warn > "$work/knead.out" 2>"$work/knead.err" &
pids+=($!); knead_pid=$!
"$work/kneadbench" trivial --addr 127.0.0.1:0 > "$work/trivial.out" &
pids+=($!)
for _ in $(seq 100); do
	grep -q listening "$work/knead.out" 2>/dev/null && grep -q listening "$work/trivial.out" 2>/dev/null && break
	sleep 0.1
done
knead_url=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$work/knead.out")
trivial_url=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$work/trivial.out")

paths=()
for d in 0 1 2 3 4 5 6; do
	from=$(date -u -d "+$d day" +%F); to=$(date -u -d "+$((d + 29)) day" +%F)
	paths+=(--path "/api/v1/clinics/bench/availability?service=$svc&location=$loc&from=$from&to=$to")
done
slots=$(curl -sf "$knead_url${paths[1]}" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["slots"]))')
echo "one 30-day answer holds $slots slots"

for r in $(seq "$rounds"); do
	t=$("$work/kneadbench" http --json --url "$trivial_url" --conns 64 --duration "${secs}s" --path /)
	a=$("$work/kneadbench" http --json --url "$knead_url" --conns 64 --duration "${secs}s" "${paths[@]}")
	echo "round $r trivial      $t"
	echo "round $r availability $a"
	echo "$t" >> "$work/trivial.jsonl"; echo "$a" >> "$work/avail.jsonl"
done
python3 - "$work/trivial.jsonl" "$work/avail.jsonl" <<'PY'
import json, statistics, sys
t = [json.loads(l) for l in open(sys.argv[1])]
a = [json.loads(l) for l in open(sys.argv[2])]
med = lambda xs, k: statistics.median(x[k] for x in xs)
print(f"median trivial:      {med(t,'rps'):.0f} req/s, p50 {med(t,'p50_ms')} ms, p99 {med(t,'p99_ms')} ms")
print(f"median availability: {med(a,'rps'):.0f} req/s, p50 {med(a,'p50_ms')} ms, p99 {med(a,'p99_ms')} ms")
print(f"ratio availability/trivial (median of rounds): {statistics.median(x['rps']/y['rps'] for x, y in zip(a, t)):.1%}")
PY
echo "knead peak RSS: $(sed -n 's/^VmHWM: *//p' /proc/$knead_pid/status), now $(sed -n 's/^VmRSS: *//p' /proc/$knead_pid/status)"
