// Package reliability holds the tests of how sessions fare when things go
// wrong: servers that go down, stall, reset connections or cut replies,
// a Sentinel failover, a lost Redis Cluster node, a restarted memcached,
// lost SQL connections, a full or read-only disk and corrupted entries
// (faults_test.go, through internal/faultproxy and private server
// processes); a Flask-Session app under gunicorn and a Go server writing
// the same sessions at once (concurrency_test.go); and, in the loadserver
// command, the Go server that scripts/load.sh drives with wrk.
// docs/reliability.md records what they measured.
package reliability
