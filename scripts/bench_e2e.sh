#!/usr/bin/env bash
# The end-to-end part of `make bench` (scripts/bench.sh): the shared-login
# example's Go front and its Flask twin under gunicorn, on the same Redis
# sessions, each driven by wrk over loopback with the same logged-in
# session cookie, the same connections and the same duration, on the
# session-reading route GET /profile (Flask-Login's login_required, the
# user, the notes and flashed messages from the session, a CSRF token).
# The Go front runs twice: as config.toml sets it (with
# SHARED_LOGIN_REFRESH_ON_LOAD, flasksession.Options.RefreshOnLoad: one
# Redis round trip per request that only reads the session), and with it
# off (the library's default: two round trips).
#
#   scripts/bench_e2e.sh OUTDIR
#
# Settings (environment): E2E_DURATION (default 20s per run), E2E_RUNS
# (default 3 per server, the servers alternating), E2E_WARMUP (default 3s,
# once per server), E2E_CONNECTIONS (16), E2E_THREADS (2), E2E_REDIS_DB (9:
# the session keys go to this database of the test Redis, 127.0.0.1:16379).
#
# Written to OUTDIR, for internal/perf's perfreport: meta.txt, and for each
# server (go, gotwo, flask) and run N: <server>-N.wrk (wrk --latency's output) and
# <server>-N.cpu (the CPU ticks, user + system, that the server's processes
# used during the run, from /proc/<pid>/stat, and the ticks per second).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

out=${1:?usage: scripts/bench_e2e.sh OUTDIR}
E2E_DURATION=${E2E_DURATION:-20s}
E2E_RUNS=${E2E_RUNS:-3}
E2E_WARMUP=${E2E_WARMUP:-3s}
E2E_CONNECTIONS=${E2E_CONNECTIONS:-16}
E2E_THREADS=${E2E_THREADS:-2}
E2E_REDIS_DB=${E2E_REDIS_DB:-9}
workers=$(nproc)
route=/profile
agent="flaskbridge-bench"

log() { echo "bench_e2e: $*" >&2; }

command -v wrk >/dev/null || { log "wrk is missing (apt-get install wrk)"; exit 1; }
[ -f examples/shared-login/main.go ] || { log "examples/shared-login is missing"; exit 1; }
scripts/setup-python.sh login31
python=$root/.venv/login31/bin/python
mkdir -p "$out"
go build -o "$out/shared-login" ./examples/shared-login

export SHARED_LOGIN_CONFIG=$root/examples/shared-login/config.toml
export FLASK_SHARED_LOGIN_STORE=redis://127.0.0.1:16379/$E2E_REDIS_DB
FLASK_SECRET_KEY=bench-$("$python" -c 'import secrets; print(secrets.token_hex(16))')
export FLASK_SECRET_KEY
export PYTHONDONTWRITEBYTECODE=1

# Three loopback ports that were free a moment ago.
read -r go_port gotwo_port flask_port < <("$python" scripts/free_ports.py 3)

pids=()
stop() {
	for pid in "${pids[@]}"; do
		kill -TERM -- "-$pid" 2>/dev/null || true
	done
	for pid in "${pids[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
}
trap stop EXIT

# Each server in a process group of its own, ended with its workers.
set -m
"$python" -m gunicorn --chdir examples/shared-login/flaskapp --bind "127.0.0.1:$flask_port" \
	--workers "$workers" app:app >"$out/gunicorn.log" 2>&1 &
flask_pid=$!
pids+=("$flask_pid")
"$out/shared-login" -listen "127.0.0.1:$go_port" -flask "http://127.0.0.1:$flask_port" -quiet \
	>"$out/shared-login.log" 2>&1 &
go_pid=$!
pids+=("$go_pid")
FLASK_SHARED_LOGIN_REFRESH_ON_LOAD=false "$out/shared-login" -listen "127.0.0.1:$gotwo_port" \
	-flask "http://127.0.0.1:$flask_port" -quiet >"$out/shared-login-two.log" 2>&1 &
gotwo_pid=$!
pids+=("$gotwo_pid")
set +m

status() { curl -s -o /dev/null -w '%{http_code}' -A "$agent" "$@" || true; }
for i in $(seq 1 150); do
	if [ "$(status "http://127.0.0.1:$flask_port/healthz")" = 200 ] &&
		[ "$(status "http://127.0.0.1:$go_port/healthz")" = 200 ] &&
		[ "$(status "http://127.0.0.1:$gotwo_port/healthz")" = 200 ]; then
		break
	fi
	if [ "$i" = 150 ]; then
		log "the servers did not answer within 30 s (see $out/gunicorn.log and $out/shared-login.log)"
		exit 1
	fi
	sleep 0.2
done

# Log in as alice through the Flask app (the login form and its CSRF
# token), and keep the session cookie both servers then read.
jar=$out/cookies.txt
rm -f "$jar"
form=$(curl -sf -c "$jar" -b "$jar" -A "$agent" "http://127.0.0.1:$flask_port/login")
token=$(sed -n 's/.*name="csrf_token"[^>]*value="\([^"]*\)".*/\1/p' <<<"$form" | head -1)
[ -n "$token" ] || { log "no CSRF token in the login form"; exit 1; }
curl -sf -o /dev/null -c "$jar" -b "$jar" -A "$agent" \
	--data-urlencode "csrf_token=$token" --data-urlencode username=alice --data-urlencode password=wonderland \
	"http://127.0.0.1:$flask_port/login"
session=$(awk '$6 == "session" { print $7 }' "$jar")
[ -n "$session" ] || { log "no session cookie after logging in"; exit 1; }
for port in "$go_port" "$gotwo_port" "$flask_port"; do
	page=$(curl -sf -A "$agent" -b "session=$session" "http://127.0.0.1:$port$route")
	grep -q "Alice Liddell" <<<"$page" || { log "GET $route on port $port does not show the logged-in user"; exit 1; }
done

# cpu_ticks PID...: user + system ticks of the processes (fields 14 and 15
# of /proc/<pid>/stat, counted after the command name).
cpu_ticks() {
	local total=0 pid f
	for pid in "$@"; do
		f=$(sed 's/^.*) //' "/proc/$pid/stat")
		set -- $f
		total=$((total + ${12} + ${13}))
	done
	echo "$total"
}
server_pids() {
	case $1 in
	go) echo "$go_pid" ;;
	gotwo) echo "$gotwo_pid" ;;
	flask) echo "$flask_pid" $(pgrep -P "$flask_pid") ;;
	esac
}
port_of() {
	case $1 in
	go) echo "$go_port" ;;
	gotwo) echo "$gotwo_port" ;;
	flask) echo "$flask_port" ;;
	esac
}
drive() { # drive SERVER DURATION
	wrk -t "$E2E_THREADS" -c "$E2E_CONNECTIONS" -d "$2" --latency \
		-H "Cookie: session=$session" -H "User-Agent: $agent" "http://127.0.0.1:$(port_of "$1")$route"
}

hz=$(getconf CLK_TCK)
servers="go gotwo flask"
for server in $servers; do
	log "warm-up of $server ($E2E_WARMUP)"
	drive "$server" "$E2E_WARMUP" >/dev/null
done
for run in $(seq 1 "$E2E_RUNS"); do
	for server in $servers; do
		log "$server, run $run of $E2E_RUNS ($E2E_DURATION)"
		pids_now=$(server_pids "$server")
		before=$(cpu_ticks $pids_now)
		drive "$server" "$E2E_DURATION" >"$out/$server-$run.wrk"
		after=$(cpu_ticks $pids_now)
		echo "$((after - before)) $hz" >"$out/$server-$run.cpu"
	done
done

# The session is still the logged-in one (no request logged it out).
page=$(curl -sf -A "$agent" -b "session=$session" "http://127.0.0.1:$flask_port$route" || true)
grep -q "Alice Liddell" <<<"$page" || log "warning: the session was lost during the runs"
redis-cli -p 16379 -n "$E2E_REDIS_DB" DEL "session:$session" >/dev/null || true

gunicorn_version=$("$python" -m gunicorn --version 2>&1 | awk '{ print $NF }' | tr -d '()')
flask_version=$("$python" -c 'from importlib.metadata import version as v; print("Flask %s, Flask-Session %s, Flask-Login %s, Flask-WTF %s" % (v("flask"), v("flask-session"), v("flask-login"), v("flask-wtf")))')
{
	echo "description=The shared-login example (examples/shared-login) with its sessions in Redis (db $E2E_REDIS_DB of the test Redis): its Go front (chi, chimw, flasklogin, flaskwtf; GOMAXPROCS = $workers) and the Flask app it replaces ($flask_version) under gunicorn with $workers sync workers (gunicorn's default worker; it closes each connection after its response, so wrk reconnects), on the same logged-in session of the same Redis. Both serve GET $route themselves: the Flask-Login user from the session, the notes and flashed messages, a CSRF token; Flask renders it with its Jinja template, the Go front writes the same page with the functions of sharedlogin/pages.go (every value escaped as html/template escapes it; executing the template with html/template was about a quarter of the Go front's CPU per request). With SESSION_PERMANENT and SESSION_REFRESH_EACH_REQUEST (both on), Flask-Session serializes and rewrites the session (SET with its expiry) on every request; the Go front extends the expiry of an unchanged session instead and rewrites only a changed one. As config.toml sets it (SHARED_LOGIN_REFRESH_ON_LOAD = true, flasksession.Options.RefreshOnLoad), it extends the expiry with an EXPIRE pipelined with the load's GETRANGE: one Redis round trip per request. The second Go row runs it with FLASK_SHARED_LOGIN_REFRESH_ON_LOAD=false, the library's default: EXPIRE after the handler, a second round trip, so that a logout landing during the request is seen and no cookie is sent for it."
	echo "route=$route"
	echo "workers=$workers"
	echo "duration=$E2E_DURATION"
	echo "warmup=$E2E_WARMUP"
	echo "runs=$E2E_RUNS"
	echo "connections=$E2E_CONNECTIONS"
	echo "threads=$E2E_THREADS"
	echo "server_go=Go front (shared-login, config.toml: refresh on load)"
	echo "server_gotwo=Go front, SHARED_LOGIN_REFRESH_ON_LOAD=false (two round trips)"
	echo "server_flask=Flask twin (gunicorn, $workers workers)"
	echo "wrk=$(wrk -v 2>&1 | head -1 | awk '{ print $2 }')"
	echo "gunicorn=$gunicorn_version"
	echo "redis=$(redis-cli -p 16379 INFO server | tr -d '\r' | awk -F: '$1 == "redis_version" { print $2 }')"
} >"$out/meta.txt"
