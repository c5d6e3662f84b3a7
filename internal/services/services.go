// Package services gives tests the addresses of the servers that
// scripts/services.sh runs on loopback (Redis standalone, Sentinel and
// Cluster, memcached, PostgreSQL, MariaDB), from environment variables with
// the script's defaults.
//
// A test whose server does not answer is skipped with a message that says
// how to start it, so `go test ./...` passes on a machine without them;
// FLASKBRIDGE_REQUIRE_SERVICES=1 (set by `make test`) turns the skip into a
// failure so that CI never passes by skipping.
package services

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// RequireEnv names the environment variable that makes an unreachable
// server fail the test instead of skipping it.
const RequireEnv = "FLASKBRIDGE_REQUIRE_SERVICES"

// The environment variables and the defaults scripts/services.sh uses.
const (
	RedisEnv           = "FLASKBRIDGE_REDIS_ADDR"
	RedisDefault       = "127.0.0.1:16379"
	SentinelEnv        = "FLASKBRIDGE_SENTINEL_ADDRS"
	SentinelDefault    = "127.0.0.1:16381"
	SentinelMasterEnv  = "FLASKBRIDGE_SENTINEL_MASTER"
	SentinelMasterName = "flaskbridge"
	ClusterEnv         = "FLASKBRIDGE_REDIS_CLUSTER_ADDRS"
	ClusterDefault     = "127.0.0.1:16391,127.0.0.1:16392,127.0.0.1:16393"
	MemcachedEnv       = "FLASKBRIDGE_MEMCACHED_ADDR"
	MemcachedDefault   = "127.0.0.1:11311"
	PostgresEnv        = "FLASKBRIDGE_POSTGRES_DSN"
	PostgresDefault    = "postgres://postgres@127.0.0.1:15432/flaskbridge?sslmode=disable"
	MySQLEnv           = "FLASKBRIDGE_MYSQL_DSN"
	MySQLDefault       = "root@tcp(127.0.0.1:13306)/flaskbridge"
)

func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// Reachable reports whether a TCP connection to addr opens within a second.
func Reachable(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// FreePort returns a loopback port that was free a moment ago, for a
// server a test runs of its own beside the shared ones.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Command returns the path of a server's executable (redis-server,
// memcached, ...), for a test that runs a server of its own; it skips (or
// fails, under FLASKBRIDGE_REQUIRE_SERVICES=1) the test when it is not
// installed.
func Command(t testing.TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		skipOrFail(t, fmt.Sprintf("%s is not installed: run `scripts/services.sh start` (it installs the servers), then go test", name))
	}
	return path
}

func skipOrFail(t testing.TB, msg string) {
	t.Helper()
	if os.Getenv(RequireEnv) == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// need skips (or fails, under FLASKBRIDGE_REQUIRE_SERVICES=1) the test
// when one of addrs does not answer.
func need(t testing.TB, what, envName string, addrs ...string) {
	t.Helper()
	for _, a := range addrs {
		if Reachable(a) {
			continue
		}
		skipOrFail(t, fmt.Sprintf("%s at %s is not reachable: run `scripts/services.sh start` (or set %s), then go test", what, a, envName))
	}
}

// Redis returns the address of the standalone Redis server.
func Redis(t testing.TB) string {
	t.Helper()
	a := env(RedisEnv, RedisDefault)
	need(t, "redis-server", RedisEnv, a)
	return a
}

// Sentinel returns the sentinels' addresses and the name of the master
// they watch.
func Sentinel(t testing.TB) (addrs []string, master string) {
	t.Helper()
	addrs = strings.Split(env(SentinelEnv, SentinelDefault), ",")
	need(t, "redis-sentinel", SentinelEnv, addrs...)
	return addrs, env(SentinelMasterEnv, SentinelMasterName)
}

// RedisCluster returns the addresses of the Redis Cluster's masters.
func RedisCluster(t testing.TB) []string {
	t.Helper()
	addrs := strings.Split(env(ClusterEnv, ClusterDefault), ",")
	need(t, "Redis Cluster", ClusterEnv, addrs...)
	return addrs
}

// Memcached returns the address of the memcached server.
func Memcached(t testing.TB) string {
	t.Helper()
	a := env(MemcachedEnv, MemcachedDefault)
	need(t, "memcached", MemcachedEnv, a)
	return a
}

// Postgres returns the DSN of the PostgreSQL database (a URL).
func Postgres(t testing.TB) string {
	t.Helper()
	dsn := env(PostgresEnv, PostgresDefault)
	host := "127.0.0.1:5432"
	if u, err := url.Parse(dsn); err == nil && u.Host != "" {
		host = u.Host
	}
	need(t, "PostgreSQL", PostgresEnv, host)
	return dsn
}

// MySQL returns the DSN of the MariaDB database, in go-sql-driver/mysql's
// form (user@tcp(host:port)/db).
func MySQL(t testing.TB) string {
	t.Helper()
	dsn := env(MySQLEnv, MySQLDefault)
	host := "127.0.0.1:3306"
	if i := strings.Index(dsn, "tcp("); i >= 0 {
		if j := strings.IndexByte(dsn[i:], ')'); j > 0 {
			host = dsn[i+4 : i+j]
		}
	}
	need(t, "MariaDB", MySQLEnv, host)
	return dsn
}
