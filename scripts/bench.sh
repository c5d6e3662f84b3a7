#!/usr/bin/env bash
# make bench: flaskbridge against Flask, CPython and the Go alternatives, in
# one run on this machine, written to docs/performance.md and its chart
# docs/performance.png.
#
#   scripts/bench.sh                                  the full run (about 10 minutes)
#   BENCH_COUNT=2 BENCH_TIME=50ms E2E_DURATION=3s scripts/bench.sh   a quick one
#
# Settings (environment):
#   BENCH_COUNT      rounds (default 8): each round runs every Go benchmark once
#                    (-test.count=1) and every Python timing once, one after the
#                    other, so that both sides see the same load; the Go samples
#                    are summarised with benchstat, and every row reports the
#                    median, minimum and maximum of its BENCH_COUNT samples
#   BENCH_TIME       -test.benchtime of a Go sample, and the least duration of a
#                    Python sample (default 300ms)
#   E2E_DURATION     wrk's duration for each server of the end-to-end test
#                    (default 20s; 0 skips the end-to-end test)
#   E2E_CONNECTIONS  wrk connections (default 16), E2E_THREADS wrk threads (default 2)
#   BENCH_OUT        where the raw output goes (default artifacts/bench)
#   BENCH_DOC        the document written (default docs/performance.md; the chart
#                    is written beside it, as the same name with .png)
#
# What runs:
#   Go: the benchmarks of internal/perf, a module of its own so that the library
#     does not depend on what it is compared with: flaskbridge (flaskcookie's
#     Codec.Decode and EncodeAt, pickle's Unmarshal and Marshal, msgspec's
#     MarshalMsgpack and UnmarshalMsgpack, chimw with Redis sessions), the Go
#     alternatives (gopickle, og-rek, vmihailenco/msgpack/v5, alexedwards/scs
#     with its go-redis store) and the standard-library floors of the cookie,
#     each timed by one loop that reports the CPU time per operation beside
#     the wall-clock time;
#   Python: scripts/bench_py.py (Flask 3.1's cookie serializer and CPython's C
#     pickle in .venv/flask31, msgspec in .venv/msgspec022);
#   end to end: scripts/bench_e2e.sh (the shared-login example's Go server and
#     its Flask twin under gunicorn, on the same Redis, driven by wrk).
# The codec benchmarks run with GOMAXPROCS=1 (-test.cpu 1), as the Python side
# runs on one core; the middleware benchmarks and the servers use every core.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

# The command as typed, for the document: the settings given, then make bench.
command="make bench"
for v in E2E_RUNS E2E_THREADS E2E_CONNECTIONS E2E_DURATION BENCH_TIME BENCH_COUNT; do
	if [ -n "${!v:-}" ]; then command="$v=${!v} $command"; fi
done

BENCH_COUNT=${BENCH_COUNT:-8}
BENCH_TIME=${BENCH_TIME:-300ms}
E2E_DURATION=${E2E_DURATION:-20s}
E2E_CONNECTIONS=${E2E_CONNECTIONS:-16}
E2E_THREADS=${E2E_THREADS:-2}
BENCH_OUT=${BENCH_OUT:-$root/artifacts/bench}
BENCH_DOC=${BENCH_DOC:-$root/docs/performance.md}
GO=${GO:-go}
# benchstat, pinned.
BENCHSTAT=golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da

log() { echo "bench: $*" >&2; }

# Seconds of a Go duration such as 300ms or 2s, for Python's --min-time.
seconds() {
	case "$1" in
	*ms) awk -v v="${1%ms}" 'BEGIN { print v / 1000 }' ;;
	*s) echo "${1%s}" ;;
	*) echo "bench: BENCH_TIME must be a duration (300ms, 1s), not $1" >&2; exit 2 ;;
	esac
}
min_time=$(seconds "$BENCH_TIME")

# What the run needs: the venvs, Redis, and wrk for the end-to-end test
# (scripts/services.sh installs it with the servers; it does nothing for
# what already runs).
scripts/setup-python.sh flask31 msgspec022 login31
scripts/services.sh start

rm -rf "$BENCH_OUT"
mkdir -p "$BENCH_OUT/bin"
out=$BENCH_OUT
bin=$out/bin

start=$(date +%s)
{
	echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "loadavg_start=$(cut -d' ' -f1-3 /proc/loadavg)"
	echo "command=$command"
	echo "bench_count=$BENCH_COUNT"
	echo "bench_time=$BENCH_TIME"
	echo "go=$($GO version)"
	echo "benchstat=${BENCHSTAT#*@}"
	commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
	if ! git diff --quiet HEAD -- . ':!docs/performance.*' 2>/dev/null; then
		commit="$commit, with uncommitted changes"
	fi
	echo "commit=$commit"
} >"$out/meta.txt"

# The benchmarks, built once.
log "building the benchmarks"
(cd internal/perf && $GO test -c -o "$bin/perf.test" . && $GO build -o "$bin/perfreport" ./cmd/perfreport)
# benchstat is fetched and built before the timings start.
$GO run "$BENCHSTAT" -h >/dev/null 2>&1 || true

# gobench CPU PATTERN: one sample of each benchmark, appended to go.txt.
gobench() {
	local cpu=()
	[ "$1" != default ] && cpu=(-test.cpu "$1")
	(cd internal/perf && "$bin/perf.test" -test.run '^$' -test.bench "$2" -test.benchmem \
		-test.benchtime "$BENCH_TIME" -test.count 1 "${cpu[@]}") >>"$out/go.txt"
}

for round in $(seq 1 "$BENCH_COUNT"); do
	log "round $round of $BENCH_COUNT"
	gobench 1 '^Benchmark(Cookie|Floor|HMAC|Base64|Inflate|JSON|Pickle|Gopickle|Ogrek|Msgpack|Vmihailenco)'
	gobench default '^BenchmarkHTTP'
	.venv/flask31/bin/python scripts/bench_py.py --suite cookie --suite pickle \
		--min-time "$min_time" --round "$round" --out "$out/py.jsonl"
	.venv/msgspec022/bin/python scripts/bench_py.py --suite msgspec \
		--min-time "$min_time" --round "$round" --out "$out/py.jsonl"
done

log "benchstat"
(cd "$out" && $GO run "$BENCHSTAT" flaskbridge=go.txt) >"$out/benchstat.txt"

if [ "$E2E_DURATION" = 0 ]; then
	echo "e2e_skipped=not run (E2E_DURATION=0)" >>"$out/meta.txt"
elif [ ! -x scripts/bench_e2e.sh ]; then
	echo "e2e_skipped=not run (no scripts/bench_e2e.sh)" >>"$out/meta.txt"
else
	log "end to end"
	E2E_DURATION=$E2E_DURATION E2E_CONNECTIONS=$E2E_CONNECTIONS E2E_THREADS=$E2E_THREADS \
		scripts/bench_e2e.sh "$out/e2e"
fi

{
	echo "loadavg_end=$(cut -d' ' -f1-3 /proc/loadavg)"
	echo "seconds=$(($(date +%s) - start))"
} >>"$out/meta.txt"

"$bin/perfreport" -root "$root" -in "$out" -doc "$BENCH_DOC"
