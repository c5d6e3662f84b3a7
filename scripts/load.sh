#!/usr/bin/env bash
# Load test of the Go session middleware with Redis sessions: wrk drives
# internal/reliability/loadserver (chimw over flasksession/redisstore) at
# each level of concurrency in turn, every request carrying one of SESSIONS
# session cookies, while the server's /debug/stats (RSS, heap, goroutines)
# is sampled every 2 seconds. It prints a markdown table (also written to
# OUT) and exits non-zero if any request failed (a non-2xx answer or a
# socket error).
#
#   scripts/load.sh                      60 s at each of 8, 32, 128 connections
#   DURATION=5m scripts/load.sh          longer
#   DURATION=5s CONNECTIONS=8 scripts/load.sh    a smoke run
#
# Environment: DURATION (wrk's -d, per level; default 60s), CONNECTIONS
# (default "8 32 128"), THREADS (wrk's -t, default 2), SESSIONS (default
# 64), ROUTE ("hit": read and write the session on each request, the
# default; "read": read only), PORT (default 18080), OUT (default
# .load/report.md). It starts the servers of scripts/services.sh, which
# also installs wrk.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

DURATION=${DURATION:-60s}
CONNECTIONS=${CONNECTIONS:-"8 32 128"}
THREADS=${THREADS:-2}
SESSIONS=${SESSIONS:-64}
ROUTE=${ROUTE:-hit}
PORT=${PORT:-18080}
work=$root/.load
mkdir -p "$work"
OUT=${OUT:-$work/report.md}

scripts/services.sh start >/dev/null
eval "$(scripts/services.sh env)"
command -v wrk >/dev/null || { echo "load: wrk is missing (scripts/services.sh start installs it)" >&2; exit 1; }

go build -o "$work/loadserver" ./internal/reliability/loadserver
prefix="load$$:"
url="http://127.0.0.1:$PORT"
"$work/loadserver" -addr "127.0.0.1:$PORT" -redis "$FLASKBRIDGE_REDIS_ADDR" -prefix "$prefix" 2>"$work/loadserver.log" &
server=$!
sampler=
cleanup() {
	[ -n "$sampler" ] && kill "$sampler" 2>/dev/null
	kill "$server" 2>/dev/null
	wait "$server" 2>/dev/null || true
	redis-cli -u "redis://$FLASKBRIDGE_REDIS_ADDR" --scan --pattern "$prefix*" 2>/dev/null |
		xargs -r -n 500 redis-cli -u "redis://$FLASKBRIDGE_REDIS_ADDR" del >/dev/null 2>&1 || true
}
trap cleanup EXIT
for i in $(seq 1 100); do
	curl -fs "$url/debug/stats" >/dev/null && break
	sleep 0.1
done

# The sessions, and the wrk script that hands them out in turn.
{
	echo "local cookies = {"
	for i in $(seq 1 "$SESSIONS"); do
		c=$(curl -fs -D - -o /dev/null "$url/login?user=u$i" | sed -n 's/^[Ss]et-[Cc]ookie: session=\([^;]*\).*/\1/p')
		[ -n "$c" ] || { echo "load: no session cookie from /login" >&2; exit 1; }
		echo "  \"$c\","
	done
	echo "}"
	cat <<-LUA
		local n = 0
		request = function()
		  n = n + 1
		  return wrk.format("GET", "/$ROUTE", { ["Cookie"] = "session=" .. cookies[(n % #cookies) + 1] })
		end
	LUA
} >"$work/load.lua"

samples=$work/samples.txt
: >"$samples"
for c in $CONNECTIONS; do
	echo "load: $c connections for $DURATION" >&2
	(while true; do
		s=$(curl -fs "$url/debug/stats") && echo "$c $s" >>"$samples"
		sleep 2
	done) &
	sampler=$!
	wrk -t"$THREADS" -c"$c" -d"$DURATION" --latency -s "$work/load.lua" "$url" >"$work/wrk-$c.txt"
	kill "$sampler" 2>/dev/null
	wait "$sampler" 2>/dev/null || true
	sampler=
	curl -fs "$url/debug/stats" | sed "s/^/$c /" >>"$samples"
done

rc=0
python3 - "$work" "$samples" "$DURATION" "$ROUTE" "$SESSIONS" "$THREADS" $CONNECTIONS >"$OUT" <<'PY' || rc=$?
import json, re, sys

work, samples, duration, route, sessions, threads = sys.argv[1:7]
levels = sys.argv[7:]
stats = {}
for line in open(samples):
    c, _, js = line.partition(" ")
    stats.setdefault(c, []).append(json.loads(js))

def mib(n):
    return f"{n / (1 << 20):.1f}"

rows, failures = [], 0
for c in levels:
    text = open(f"{work}/wrk-{c}.txt").read()
    req = int(re.search(r"(\d+) requests in", text).group(1))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    lat = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", text, re.M))
    mx = re.search(r"Latency\s+\S+\s+\S+\s+(\S+)", text).group(1)
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    non2xx = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    sock = sum(map(int, m.groups())) if m else 0
    failures += non2xx + sock
    s = stats.get(c, [])
    rss = [x["rss"] for x in s]
    heap = [x["heap_inuse"] for x in s]
    gor = [x["goroutines"] for x in s]
    rows.append(f"| {c} | {req} | {rps:.0f} | {lat.get('50')} | {lat.get('90')} | {lat.get('99')} | {mx} | {non2xx} | {sock} "
                f"| {mib(rss[0])} / {mib(max(rss))} / {mib(rss[-1])} | {mib(heap[0])} / {mib(max(heap))} / {mib(heap[-1])} "
                f"| {min(gor)}–{max(gor)} | {len(s)} |")
print(f"wrk -t{threads} --latency, {duration} per level, GET /{route}, {sessions} sessions\n")
print("| connections | requests | req/s | p50 | p90 | p99 | max | non-2xx | socket errors | RSS MiB first / max / last | heap in use MiB first / max / last | goroutines | samples |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
print("\n".join(rows))
sys.exit(1 if failures else 0)
PY
cat "$OUT"
exit $rc
