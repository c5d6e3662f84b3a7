#!/usr/bin/env bash
# Runs the shared-login example on loopback: the Flask app (Werkzeug) and the
# Go front before it, one config for both. Ctrl-C stops both.
#
#   examples/shared-login/demo.sh [--store cookie|DIR|redis://HOST:PORT/DB] [--port N] [--flask-port N] [--gunicorn]
#   make demo [STORE=...]
#
# The store defaults to the config's: a directory of Flask-Session files,
# examples/shared-login/.sessions (git-ignored). FLASK_SECRET_KEY is used if
# set; otherwise a random key is made for this run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"

store=${STORE:-}
port=${PORT:-8080}
flask_port=${FLASK_PORT:-5050}
server=werkzeug
while [ $# -gt 0 ]; do
	case $1 in
	--store) store=$2; shift 2 ;;
	--store=*) store=${1#--store=}; shift ;;
	--port) port=$2; shift 2 ;;
	--flask-port) flask_port=$2; shift 2 ;;
	--gunicorn) server=gunicorn; shift ;;
	-h | --help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "demo: unknown argument $1 (see --help)" >&2; exit 2 ;;
	esac
done

scripts/setup-python.sh login31
python=$root/.venv/login31/bin/python
mkdir -p bin
go build -o bin/shared-login ./examples/shared-login

export SHARED_LOGIN_CONFIG=$here/config.toml
if [ -z "${FLASK_SECRET_KEY:-}" ]; then
	FLASK_SECRET_KEY=$("$python" -c 'import secrets; print("demo-" + secrets.token_hex(24))')
	export FLASK_SECRET_KEY
fi
if [ -n "$store" ]; then
	# Both apps read FLASK_SHARED_LOGIN_STORE on top of config.toml.
	export FLASK_SHARED_LOGIN_STORE=$store
fi
export PYTHONDONTWRITEBYTECODE=1

pids=()
stop() {
	trap - INT TERM EXIT
	for pid in "${pids[@]}"; do
		kill -TERM -- "-$pid" 2>/dev/null || true
	done
	for pid in "${pids[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	echo "demo: stopped"
}
trap stop INT TERM EXIT

# Each server in a process group of its own (set -m), so that Ctrl-C reaches
# this script only, and stop() ends each one with its workers.
set -m
if [ "$server" = gunicorn ]; then
	"$python" -m gunicorn --chdir "$here/flaskapp" --bind "127.0.0.1:$flask_port" --workers 2 app:app &
else
	"$python" -m flask --app "$here/flaskapp/app.py" run --host 127.0.0.1 --port "$flask_port" --no-reload &
fi
pids+=($!)
bin/shared-login -listen "127.0.0.1:$port" -flask "http://127.0.0.1:$flask_port" &
pids+=($!)
set +m

up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for _ in $(seq 1 100); do
	if up "$flask_port" && up "$port"; then break; fi
	sleep 0.1
done

cat <<EOF

  Open http://127.0.0.1:$port/
  Users: alice / wonderland, bob / canwefixit.
  Sessions: ${FLASK_SHARED_LOGIN_STORE:-as config.toml says (SHARED_LOGIN_STORE)}; Flask under $server on 127.0.0.1:$flask_port.
  Ctrl-C stops both.

EOF
# Until Ctrl-C, or until one of the two exits.
wait -n "${pids[@]}" || true
