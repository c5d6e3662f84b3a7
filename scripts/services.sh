#!/usr/bin/env bash
# Starts, stops and reports the servers the store tests talk to: real Redis
# (standalone, a Sentinel setup and a 3-master Redis Cluster), memcached,
# PostgreSQL and MariaDB. They listen on 127.0.0.1 only, on fixed non-default
# ports, and keep their data under .services/ (git-ignored). Missing servers
# are installed from Debian packages (apt-get; run as root), and so is wrk,
# for scripts/load.sh.
#
#   scripts/services.sh start     install what is missing, start everything (idempotent)
#   scripts/services.sh stop      stop everything this script started
#   scripts/services.sh status    one line per server: up or down
#   scripts/services.sh env       the environment variables below, for `eval`
#
# Ports and the environment variables the Go tests read (the defaults below
# are what the tests use when a variable is unset):
#
#   FLASKBRIDGE_REDIS_ADDR          127.0.0.1:16379   standalone redis-server
#   FLASKBRIDGE_SENTINEL_ADDRS      127.0.0.1:16381   redis-sentinel (its master: 127.0.0.1:16380)
#   FLASKBRIDGE_SENTINEL_MASTER     flaskbridge       the master name the sentinel monitors
#   FLASKBRIDGE_REDIS_CLUSTER_ADDRS 127.0.0.1:16391,127.0.0.1:16392,127.0.0.1:16393
#                                                     3 masters, no replicas (bus ports 26391-26393)
#   FLASKBRIDGE_MEMCACHED_ADDR      127.0.0.1:11311   memcached
#   FLASKBRIDGE_POSTGRES_DSN        postgres://postgres@127.0.0.1:15432/flaskbridge?sslmode=disable
#                                                     trust authentication on loopback
#   FLASKBRIDGE_MYSQL_DSN           root@tcp(127.0.0.1:13306)/flaskbridge
#                                                     MariaDB, no password on loopback; socket
#                                                     .services/mariadb/mariadb.sock
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
svc=$root/.services
mkdir -p "$svc"

REDIS_PORT=16379
SENTINEL_MASTER_PORT=16380
SENTINEL_PORT=16381
SENTINEL_MASTER=flaskbridge
CLUSTER_PORTS=(16391 16392 16393)
MEMCACHED_PORT=11311
POSTGRES_PORT=15432
MARIADB_PORT=13306
DB_NAME=flaskbridge

log() { echo "services: $*" >&2; }

# ensure_packages installs the Debian packages whose commands are missing.
ensure_packages() {
	local missing=()
	command -v redis-server >/dev/null || missing+=(redis-server)
	command -v redis-cli >/dev/null || missing+=(redis-tools)
	command -v redis-sentinel >/dev/null || missing+=(redis-sentinel)
	command -v memcached >/dev/null || missing+=(memcached)
	[ -n "$(pg_bindir 2>/dev/null)" ] || missing+=(postgresql)
	command -v mariadb-install-db >/dev/null || missing+=(mariadb-server)
	command -v mariadb >/dev/null || missing+=(mariadb-client)
	command -v wrk >/dev/null || missing+=(wrk) # scripts/load.sh
	if [ ${#missing[@]} -gt 0 ]; then
		log "installing ${missing[*]}"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -q >/dev/null
		apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
	fi
}

pg_bindir() {
	local v
	v=$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -1)
	[ -n "$v" ] && [ -x "/usr/lib/postgresql/$v/bin/initdb" ] && echo "/usr/lib/postgresql/$v/bin"
}

# wait_for CMD... retries CMD for up to 20 s.
wait_for() {
	local i
	for i in $(seq 1 100); do
		if "$@" >/dev/null 2>&1; then return 0; fi
		sleep 0.2
	done
	return 1
}

redis_up() { [ "$(redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null)" = PONG ]; }

# start_redis NAME PORT [extra config lines...]
start_redis() {
	local name=$1 port=$2
	shift 2
	local dir=$svc/$name
	if redis_up "$port"; then return 0; fi
	mkdir -p "$dir"
	{
		echo "bind 127.0.0.1"
		echo "port $port"
		echo "protected-mode yes"
		echo "daemonize yes"
		echo "pidfile $dir/redis.pid"
		echo "logfile $dir/redis.log"
		echo "dir $dir"
		echo "save \"\""
		echo "appendonly no"
		for line in "$@"; do echo "$line"; done
	} >"$dir/redis.conf"
	redis-server "$dir/redis.conf"
	wait_for redis_up "$port" || { log "redis $name did not start; see $dir/redis.log"; return 1; }
}

start_sentinel() {
	local dir=$svc/sentinel
	if redis_up "$SENTINEL_PORT"; then return 0; fi
	mkdir -p "$dir"
	# Sentinel rewrites its config file, so it gets a fresh one each start.
	cat >"$dir/sentinel.conf" <<-EOF
		bind 127.0.0.1
		port $SENTINEL_PORT
		daemonize yes
		pidfile $dir/sentinel.pid
		logfile $dir/sentinel.log
		dir $dir
		sentinel monitor $SENTINEL_MASTER 127.0.0.1 $SENTINEL_MASTER_PORT 1
		sentinel down-after-milliseconds $SENTINEL_MASTER 5000
		sentinel failover-timeout $SENTINEL_MASTER 60000
	EOF
	redis-sentinel "$dir/sentinel.conf"
	wait_for redis_up "$SENTINEL_PORT" || { log "sentinel did not start; see $dir/sentinel.log"; return 1; }
	wait_for sentinel_knows_master || { log "sentinel does not see its master"; return 1; }
}

sentinel_knows_master() {
	redis-cli -h 127.0.0.1 -p "$SENTINEL_PORT" sentinel get-master-addr-by-name "$SENTINEL_MASTER" | grep -q "$SENTINEL_MASTER_PORT"
}

cluster_ok() { redis-cli -h 127.0.0.1 -p "${CLUSTER_PORTS[0]}" cluster info 2>/dev/null | grep -q '^cluster_state:ok'; }

start_cluster() {
	local p
	for p in "${CLUSTER_PORTS[@]}"; do
		start_redis "cluster-$p" "$p" "cluster-enabled yes" "cluster-config-file $svc/cluster-$p/nodes.conf" "cluster-node-timeout 5000"
	done
	if cluster_ok; then return 0; fi
	local assigned
	assigned=$(redis-cli -h 127.0.0.1 -p "${CLUSTER_PORTS[0]}" cluster info | sed -n 's/^cluster_slots_assigned:\([0-9]*\).*/\1/p')
	if [ "${assigned:-0}" = 0 ]; then
		local addrs=()
		for p in "${CLUSTER_PORTS[@]}"; do addrs+=("127.0.0.1:$p"); done
		redis-cli --cluster create "${addrs[@]}" --cluster-replicas 0 --cluster-yes >"$svc/cluster-create.log" 2>&1 ||
			{ log "redis-cli --cluster create failed; see $svc/cluster-create.log"; return 1; }
	fi
	wait_for cluster_ok || { log "redis cluster did not reach cluster_state:ok"; return 1; }
}

memcached_up() { (exec 3<>/dev/tcp/127.0.0.1/$MEMCACHED_PORT && printf 'version\r\n' >&3 && head -c 7 <&3 | grep -q VERSION) 2>/dev/null; }

start_memcached() {
	local dir=$svc/memcached
	if memcached_up; then return 0; fi
	mkdir -p "$dir"
	memcached -d -l 127.0.0.1 -p "$MEMCACHED_PORT" -U 0 -m 64 -u root -P "$dir/memcached.pid"
	wait_for memcached_up || { log "memcached did not start"; return 1; }
}

postgres_up() { "$(pg_bindir)/pg_isready" -q -h 127.0.0.1 -p "$POSTGRES_PORT"; }

start_postgres() {
	local bin dir=$svc/postgres
	bin=$(pg_bindir)
	if postgres_up; then return 0; fi
	mkdir -p "$dir"
	# PostgreSQL refuses to run as root: the cluster belongs to the postgres user.
	chown postgres: "$dir"
	if [ ! -f "$dir/data/PG_VERSION" ]; then
		runuser -u postgres -- "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
			{ log "initdb failed; see $dir/initdb.log"; return 1; }
	fi
	runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 30 start \
		-o "-c listen_addresses=127.0.0.1 -p $POSTGRES_PORT -k $dir -c fsync=off" >/dev/null ||
		{ log "postgres did not start; see $dir/postgres.log"; return 1; }
	if ! runuser -u postgres -- "$bin/psql" -h 127.0.0.1 -p "$POSTGRES_PORT" -U postgres -tAc "select 1 from pg_database where datname='$DB_NAME'" | grep -q 1; then
		runuser -u postgres -- "$bin/createdb" -h 127.0.0.1 -p "$POSTGRES_PORT" -U postgres "$DB_NAME"
	fi
}

mariadb_up() { mariadb-admin --protocol=tcp -h 127.0.0.1 -P "$MARIADB_PORT" -u root ping >/dev/null 2>&1; }

start_mariadb() {
	local dir=$svc/mariadb
	if mariadb_up; then return 0; fi
	mkdir -p "$dir"
	if [ ! -d "$dir/data/mysql" ]; then
		mariadb-install-db --no-defaults --user=root --datadir="$dir/data" --auth-root-authentication-method=normal \
			--skip-test-db >"$dir/install.log" 2>&1 || { log "mariadb-install-db failed; see $dir/install.log"; return 1; }
	fi
	mariadbd --no-defaults --user=root --datadir="$dir/data" --bind-address=127.0.0.1 --port="$MARIADB_PORT" \
		--socket="$dir/mariadb.sock" --pid-file="$dir/mariadb.pid" --log-error="$dir/mariadb.err" \
		--skip-name-resolve --innodb-buffer-pool-size=64M --innodb-flush-log-at-trx-commit=0 >/dev/null 2>&1 &
	disown
	wait_for mariadb_up || { log "mariadb did not start; see $dir/mariadb.err"; return 1; }
	mariadb --protocol=tcp -h 127.0.0.1 -P "$MARIADB_PORT" -u root -e "CREATE DATABASE IF NOT EXISTS $DB_NAME"
}

# stop_pidfile FILE: ends the process whose id FILE holds, and waits for it.
stop_pidfile() {
	local f=$1 pid
	[ -f "$f" ] || return 0
	pid=$(cat "$f")
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill "$pid"
		local i
		for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	fi
	rm -f "$f"
}

do_start() {
	ensure_packages
	start_redis redis "$REDIS_PORT"
	start_redis sentinel-master "$SENTINEL_MASTER_PORT"
	start_sentinel
	start_cluster
	start_memcached
	start_postgres
	start_mariadb
	do_status
}

do_stop() {
	local p bin
	stop_pidfile "$svc/sentinel/sentinel.pid"
	stop_pidfile "$svc/sentinel-master/redis.pid"
	stop_pidfile "$svc/redis/redis.pid"
	for p in "${CLUSTER_PORTS[@]}"; do stop_pidfile "$svc/cluster-$p/redis.pid"; done
	stop_pidfile "$svc/memcached/memcached.pid"
	bin=$(pg_bindir || true)
	if [ -n "$bin" ] && [ -f "$svc/postgres/data/postmaster.pid" ]; then
		runuser -u postgres -- "$bin/pg_ctl" -D "$svc/postgres/data" -m fast -w stop >/dev/null || true
	fi
	stop_pidfile "$svc/mariadb/mariadb.pid"
}

# status_line NAME WHERE CMD...: prints whether CMD succeeds.
status_line() {
	local name=$1 where=$2
	shift 2
	if "$@" >/dev/null 2>&1; then echo "$name: up ($where)"; else echo "$name: down ($where)"; return 1; fi
}

do_status() {
	local rc=0
	status_line redis "127.0.0.1:$REDIS_PORT" redis_up "$REDIS_PORT" || rc=1
	status_line sentinel "127.0.0.1:$SENTINEL_PORT, master $SENTINEL_MASTER at 127.0.0.1:$SENTINEL_MASTER_PORT" sentinel_knows_master || rc=1
	status_line cluster "127.0.0.1 ports ${CLUSTER_PORTS[*]}" cluster_ok || rc=1
	status_line memcached "127.0.0.1:$MEMCACHED_PORT" memcached_up || rc=1
	status_line postgres "127.0.0.1:$POSTGRES_PORT" postgres_up || rc=1
	status_line mariadb "127.0.0.1:$MARIADB_PORT" mariadb_up || rc=1
	return $rc
}

do_env() {
	local addrs=() p
	for p in "${CLUSTER_PORTS[@]}"; do addrs+=("127.0.0.1:$p"); done
	echo "export FLASKBRIDGE_REDIS_ADDR=127.0.0.1:$REDIS_PORT"
	echo "export FLASKBRIDGE_SENTINEL_ADDRS=127.0.0.1:$SENTINEL_PORT"
	echo "export FLASKBRIDGE_SENTINEL_MASTER=$SENTINEL_MASTER"
	echo "export FLASKBRIDGE_REDIS_CLUSTER_ADDRS=$(IFS=,; echo "${addrs[*]}")"
	echo "export FLASKBRIDGE_MEMCACHED_ADDR=127.0.0.1:$MEMCACHED_PORT"
	echo "export FLASKBRIDGE_POSTGRES_DSN='postgres://postgres@127.0.0.1:$POSTGRES_PORT/$DB_NAME?sslmode=disable'"
	echo "export FLASKBRIDGE_MYSQL_DSN='root@tcp(127.0.0.1:$MARIADB_PORT)/$DB_NAME'"
}

case "${1:-}" in
start) do_start ;;
stop) do_stop ;;
status) do_status ;;
env) do_env ;;
*)
	echo "usage: $0 start|stop|status|env" >&2
	exit 2
	;;
esac
