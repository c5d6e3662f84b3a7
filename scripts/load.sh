#!/usr/bin/env bash
# Load test of Go routes on Flask's sessions in Redis: wrk drives a Go app
# at each level of concurrency in turn, every request carrying one of
# SESSIONS session cookies, while the app's memory (and, where it tells,
# its heap and goroutines) is sampled every 2 seconds. It prints a markdown
# table (also written to OUT) and exits non-zero if any request failed: an
# answer other than 200 (a lost session redirects or answers 401) or a
# socket error.
#
# TARGET picks the app:
#   example   the shared-login example (examples/shared-login): its Go
#             front, with its Flask app under gunicorn behind it, sessions
#             in Redis; the users log in through Flask, and wrk asks the Go
#             front for GET /profile (Flask-Login's session read by Go).
#             Sampled: RSS and threads from /proc.
#   server    internal/reliability/loadserver, chimw over redisstore alone;
#             GET /hit reads and writes the session on every request
#             (ROUTE=read: reads only). Sampled: RSS, heap in use and
#             goroutines from its /debug/stats.
#
#   scripts/load.sh                      the example, 60 s at each of 8, 32, 128 connections
#   TARGET=server DURATION=5m scripts/load.sh
#   DURATION=5s CONNECTIONS=8 scripts/load.sh    a smoke run
#
# Environment: TARGET (default example), DURATION (wrk's -d, per level;
# default 60s), CONNECTIONS (default "8 32 128"), THREADS (wrk's -t,
# default 2), SESSIONS (default 64), ROUTE (server: hit or read), WORKERS
# (example: gunicorn workers, default 2), PORT (the app's; default: a free
# one, and so is the example's Flask port), OUT
# (default .load/report.md). It starts the servers of scripts/services.sh,
# which also installs wrk; the example needs the login31 venv
# (scripts/setup-python.sh login31).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

TARGET=${TARGET:-example}
DURATION=${DURATION:-60s}
CONNECTIONS=${CONNECTIONS:-"8 32 128"}
THREADS=${THREADS:-2}
SESSIONS=${SESSIONS:-64}
WORKERS=${WORKERS:-2}
# Two free loopback ports, the app's (unless PORT is set) and the example's
# Flask port: whichever of them is not PORT.
read -r free1 free2 < <(python3 scripts/free_ports.py 2)
PORT=${PORT:-$free1}
work=$root/.load
mkdir -p "$work"
OUT=${OUT:-$work/report.md}

scripts/services.sh start >/dev/null
eval "$(scripts/services.sh env)"
command -v wrk >/dev/null || { echo "load: wrk is missing (scripts/services.sh start installs it)" >&2; exit 1; }

prefix="load$$:"
url="http://127.0.0.1:$PORT"
pids=()
sampler=
cleanup() {
	[ -n "$sampler" ] && kill "$sampler" 2>/dev/null
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	redis-cli -u "redis://$FLASKBRIDGE_REDIS_ADDR" --scan --pattern "$prefix*" 2>/dev/null |
		xargs -r -n 500 redis-cli -u "redis://$FLASKBRIDGE_REDIS_ADDR" del >/dev/null 2>&1 || true
}
trap cleanup EXIT

# up URL: waits up to 30 s for URL to answer.
up() {
	local i
	for i in $(seq 1 300); do
		curl -fs -o /dev/null "$1" && return 0
		sleep 0.1
	done
	echo "load: $1 does not answer" >&2
	return 1
}

cookies=()
case $TARGET in
server)
	ROUTE=${ROUTE:-hit}
	go build -o "$work/loadserver" ./internal/reliability/loadserver
	"$work/loadserver" -addr "127.0.0.1:$PORT" -redis "$FLASKBRIDGE_REDIS_ADDR" -prefix "$prefix" 2>"$work/loadserver.log" &
	server=$!
	pids+=("$server")
	up "$url/debug/stats"
	for i in $(seq 1 "$SESSIONS"); do
		c=$(curl -fs -D - -o /dev/null "$url/login?user=u$i" | sed -n 's/^[Ss]et-[Cc]ookie: session=\([^;]*\).*/\1/p')
		[ -n "$c" ] || { echo "load: no session cookie from /login" >&2; exit 1; }
		cookies+=("$c")
	done
	;;
example)
	ROUTE=profile
	venv=$root/.venv/login31
	[ -x "$venv/bin/gunicorn" ] || { echo "load: no gunicorn in .venv/login31: run scripts/setup-python.sh login31" >&2; exit 1; }
	go build -o "$work/shared-login" ./examples/shared-login
	export SHARED_LOGIN_CONFIG=$root/examples/shared-login/config.toml FLASK_SECRET_KEY=load-test-secret
	export FLASK_SHARED_LOGIN_STORE=redis://$FLASKBRIDGE_REDIS_ADDR/0 FLASK_SESSION_KEY_PREFIX=$prefix
	flask_port=$free2
	[ "$flask_port" != "$PORT" ] || flask_port=$free1
	"$venv/bin/gunicorn" --chdir examples/shared-login/flaskapp --bind "127.0.0.1:$flask_port" --workers "$WORKERS" \
		--log-level warning app:app 2>"$work/gunicorn.log" &
	pids+=("$!")
	"$work/shared-login" -listen "127.0.0.1:$PORT" -flask "http://127.0.0.1:$flask_port" -quiet 2>"$work/shared-login.log" &
	server=$!
	pids+=("$server")
	up "http://127.0.0.1:$flask_port/healthz"
	up "$url/healthz"
	jar=$work/jar.txt
	for i in $(seq 1 "$SESSIONS"); do
		user=alice password=wonderland
		if [ $((i % 2)) = 0 ]; then user=bob password=canwefixit; fi
		rm -f "$jar"
		tok=$(curl -fs -c "$jar" -b "$jar" "$url/login" | sed -n 's/.*name="csrf_token" type="hidden" value="\([^"]*\)".*/\1/p')
		curl -fs -c "$jar" -b "$jar" -o /dev/null --data-urlencode "csrf_token=$tok" \
			--data-urlencode "username=$user" --data-urlencode "password=$password" "$url/login"
		c=$(awk '$6 == "session" { print $7 }' "$jar")
		[ -n "$c" ] && [ "$(curl -s -o /dev/null -w '%{http_code}' -b "session=$c" "$url/$ROUTE")" = 200 ] ||
			{ echo "load: logging $user in through the example failed" >&2; exit 1; }
		cookies+=("$c")
	done
	;;
*)
	echo "load: TARGET must be example or server" >&2
	exit 2
	;;
esac

# The wrk script: hands the cookies out in turn, counts answers other than
# 200 (wrk itself counts 3xx as success) and prints them at the end.
{
	echo "local cookies = {"
	for c in "${cookies[@]}"; do echo "  \"$c\","; done
	echo "}"
	cat <<-LUA
		local threads = {}
		function setup(thread) table.insert(threads, thread) end
		function init(args) n = 0; bad = 0 end
		function request()
		  n = n + 1
		  return wrk.format("GET", "/$ROUTE", { ["Cookie"] = "session=" .. cookies[(n % #cookies) + 1] })
		end
		function response(status, headers, body)
		  if status ~= 200 then bad = bad + 1 end
		end
		function done(summary, latency, requests)
		  local total = 0
		  for _, t in ipairs(threads) do total = total + t:get("bad") end
		  io.write(string.format("Non-200 responses: %d\n", total))
		end
	LUA
} >"$work/load.lua"

# stats prints one JSON sample of the app.
stats() {
	if [ "$TARGET" = server ]; then
		curl -fs "$url/debug/stats"
	else
		awk '/^VmRSS:/ { rss = $2 * 1024 } /^Threads:/ { th = $2 } END { printf "{\"rss\": %d, \"threads\": %d}\n", rss, th }' "/proc/$server/status"
	fi
}
samples=$work/samples.txt
: >"$samples"
for c in $CONNECTIONS; do
	echo "load: $c connections for $DURATION" >&2
	(while true; do
		s=$(stats) && echo "$c $s" >>"$samples"
		sleep 2
	done) &
	sampler=$!
	wrk -t"$THREADS" -c"$c" -d"$DURATION" --latency -s "$work/load.lua" "$url" >"$work/wrk-$c.txt"
	kill "$sampler" 2>/dev/null
	wait "$sampler" 2>/dev/null || true
	sampler=
	echo "$c $(stats)" >>"$samples"
done

rc=0
python3 - "$work" "$samples" "$TARGET" "$DURATION" "$ROUTE" "$SESSIONS" "$THREADS" $CONNECTIONS >"$OUT" <<'PY' || rc=$?
import json, re, sys

work, samples, target, duration, route, sessions, threads = sys.argv[1:8]
levels = sys.argv[8:]
stats = {}
for line in open(samples):
    c, _, js = line.partition(" ")
    stats.setdefault(c, []).append(json.loads(js))

def mib(n):
    return f"{n / (1 << 20):.1f}"

def spread(s, key, fmt):
    vals = [x[key] for x in s if key in x]
    if not vals:
        return "n/a"
    return f"{fmt(vals[0])} / {fmt(max(vals))} / {fmt(vals[-1])}"

rows, failures = [], 0
for c in levels:
    text = open(f"{work}/wrk-{c}.txt").read()
    req = int(re.search(r"(\d+) requests in", text).group(1))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    lat = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", text, re.M))
    mx = re.search(r"Latency\s+\S+\s+\S+\s+(\S+)", text).group(1)
    m = re.search(r"Non-200 responses: (\d+)", text)
    bad = int(m.group(1)) if m else req  # no count: treat every request as failed
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    sock = sum(map(int, m.groups())) if m else 0
    failures += bad + sock
    s = stats.get(c, [])
    count = "goroutines" if target == "server" else "threads"
    counts = [x[count] for x in s if count in x]
    rows.append(f"| {c} | {req} | {rps:.0f} | {lat.get('50')} | {lat.get('90')} | {lat.get('99')} | {mx} | {bad} | {sock} "
                f"| {spread(s, 'rss', mib)} | {spread(s, 'heap_inuse', mib)} "
                f"| {min(counts)}–{max(counts)} | {len(s)} |")
print(f"{target}: wrk -t{threads} --latency, {duration} per level, GET /{route}, {sessions} sessions\n")
print("| connections | requests | req/s | p50 | p90 | p99 | max | non-200 | socket errors "
      f"| RSS MiB first / max / last | heap in use MiB first / max / last | {count} min–max | samples |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
print("\n".join(rows))
sys.exit(1 if failures else 0)
PY
cat "$OUT"
exit $rc
