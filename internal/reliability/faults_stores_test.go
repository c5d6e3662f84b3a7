package reliability_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/flaskbridge/flaskbridge/flasksession"
	"github.com/flaskbridge/flaskbridge/flasksession/memcachedstore"
	"github.com/flaskbridge/flaskbridge/flasksession/sqlstore"
	"github.com/flaskbridge/flaskbridge/internal/faultproxy"
	"github.com/flaskbridge/flaskbridge/internal/services"
)

// backend makes a store over the server at addr (a fault proxy's, or the
// server's own for the direct store).
type backend struct {
	name   string
	target string
	open   func(t *testing.T, addr string) flasksession.Store
}

// proxied is a rig over b through a fault proxy.
func proxied(t *testing.T, b backend, o rigOptions) (*rig, *faultproxy.Proxy) {
	t.Helper()
	p := newProxy(t, b.target)
	if o.KeyPrefix == nil {
		o.Options = options()
	}
	return newRig(t, b.open(t, p.Addr()), b.open(t, b.target), o), p
}

// networkFaults plays the faults a proxy can put between the Go app and
// any networked store.
func networkFaults(t *testing.T, b backend, timeout time.Duration) {
	t.Run("refused", func(t *testing.T) {
		t.Parallel()
		r, p := proxied(t, b, rigOptions{Timeout: timeout})
		r.row.Scenario = b.name + " down (connections refused)"
		ss := r.logins(3)
		must(t, p.Refuse())
		r.hammer(ss)
		r.intact(ss)
		must(t, p.Pass())
		r.resume(ss)
	})
	t.Run("slow", func(t *testing.T) {
		t.Parallel()
		r, p := proxied(t, b, rigOptions{Timeout: timeout})
		r.row.Scenario = b.name + " slow (replies held past the timeout)"
		ss := r.logins(2)
		must(t, p.Delay(2*timeout))
		r.hammer(ss)
		must(t, p.Pass())
		r.intact(ss)
		r.resume(ss)
	})
	t.Run("cut-reply", func(t *testing.T) {
		t.Parallel()
		r, p := proxied(t, b, rigOptions{Timeout: timeout})
		r.row.Scenario = b.name + " reply cut after 8 bytes, connection reset"
		ss := r.logins(3)
		must(t, p.Truncate(8))
		r.hammer(ss)
		must(t, p.Pass())
		r.intact(ss)
		r.resume(ss)
	})
	t.Run("reset-mid-request", func(t *testing.T) {
		t.Parallel()
		r, p := proxied(t, b, rigOptions{Timeout: timeout})
		r.row.Scenario = b.name + " reset between load and save"
		ss := r.logins(3)
		for _, s := range ss {
			r.onNextRequest(func() { p.Reset() })
			r.faulty(s, "POST", "/incr")
			must(t, p.Pass())
			r.onNextRequest(func() { p.Reset() })
			r.faulty(s, "GET", "/read")
			must(t, p.Pass())
		}
		r.intact(ss)
		r.resume(ss)
	})
	t.Run("garbage", func(t *testing.T) {
		t.Parallel()
		r, _ := proxied(t, b, rigOptions{Timeout: timeout})
		r.row.Scenario = b.name + " value corrupted (garbage bytes, value cut short)"
		corrupt(t, r, func(s *sess, data []byte) {
			must(t, r.direct.Save(context.Background(), s.key, data, time.Minute))
		})
	})
}

func memcachedBackend(target string) backend {
	return backend{name: "memcached", target: target, open: func(t *testing.T, addr string) flasksession.Store {
		s, err := memcachedstore.New(memcachedstore.Options{Servers: []string{addr}, Timeout: clientTimeout})
		must(t, err)
		t.Cleanup(func() { s.Close() })
		return s
	}}
}

func TestFaultMemcached(t *testing.T) {
	t.Parallel()
	networkFaults(t, memcachedBackend(services.Memcached(t)), 2*time.Second)
}

// TestFaultMemcachedRestart: memcached is killed, then started again
// empty. While it is down requests fail (never a new session); once it is
// back, a session it lost is a new session under a new id, and writing it
// overwrites nothing.
func TestFaultMemcachedRestart(t *testing.T) {
	t.Parallel()
	srv := startMemcached(t)
	b := memcachedBackend(srv.addr())
	r := newRig(t, b.open(t, srv.addr()), b.open(t, srv.addr()), rigOptions{Options: options()})
	r.row.Scenario = "memcached killed and restarted empty (its 3 sessions become new ones)"
	ss := r.logins(3)
	srv.kill()
	r.hammer(ss)
	srv.start()
	// A session made after the restart, which nothing may touch.
	other := r.login("other")
	old := map[string]bool{}
	for _, s := range ss {
		old[s.cookie] = true
	}
	for _, s := range ss {
		if a := r.do("GET", "/read", s.cookie); a.code != http.StatusOK || a.User != "" || a.N != 0 || a.cookie != "" {
			r.row.Lost++ // served someone else's session, or failed
			t.Errorf("read with the lost session of %s: %d %q, cookie %q; want an empty session and no cookie", s.user, a.code, a.body, a.cookie)
		}
		a := r.do("POST", "/incr", s.cookie)
		if a.code != http.StatusOK || a.User != "" || a.N != 1 || a.cookie == "" || old[a.cookie] || a.cookie == other.cookie {
			r.row.Lost++
			t.Errorf("write with the lost session of %s: %d %q, cookie %q; want a new session under a new id", s.user, a.code, a.body, a.cookie)
		}
		if _, found := r.load(s); found {
			t.Errorf("the lost id of %s was written again", s.user)
		}
	}
	r.intact([]*sess{other})
	r.resume([]*sess{other})
}

// sqlBackend is a Flask-Session table of the test's own on the database
// of dsn, reached at addr.
func sqlBackend(t *testing.T, d sqlstore.Dialect, dsn string) backend {
	t.Helper()
	var buf [6]byte
	rand.Read(buf[:])
	table := "faults_" + hex.EncodeToString(buf[:])
	driver, target := "pgx", ""
	withAddr := func(addr string) string { return "" }
	switch d {
	case sqlstore.Postgres:
		u, err := url.Parse(dsn)
		must(t, err)
		target = u.Host
		withAddr = func(addr string) string {
			v := *u
			v.Host = addr
			q := v.Query()
			q.Set("connect_timeout", "2")
			v.RawQuery = q.Encode()
			return v.String()
		}
	case sqlstore.MySQL:
		cfg, err := mysql.ParseDSN(dsn)
		must(t, err)
		driver, target = "mysql", cfg.Addr
		withAddr = func(addr string) string {
			c := cfg.Clone()
			c.Addr = addr
			c.Timeout = 2 * time.Second
			return c.FormatDSN()
		}
	}
	name := "PostgreSQL"
	if d == sqlstore.MySQL {
		name = "MariaDB"
	}
	open := func(t *testing.T, addr string) (*sql.DB, *sqlstore.Store) {
		db, err := sql.Open(driver, withAddr(addr))
		must(t, err)
		db.SetMaxOpenConns(4)
		t.Cleanup(func() { db.Close() })
		s, err := sqlstore.New(db, sqlstore.Options{Dialect: d, Table: table})
		must(t, err)
		return db, s
	}
	// The table lives as long as the test that made the backend and all
	// its subtests.
	db, s := open(t, target)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	must(t, s.CreateTable(ctx))
	t.Cleanup(func() { db.Exec("DROP TABLE " + table) })
	return backend{name: name, target: target, open: func(t *testing.T, addr string) flasksession.Store {
		_, s := open(t, addr)
		return s
	}}
}

func TestFaultPostgres(t *testing.T) {
	t.Parallel()
	networkFaults(t, sqlBackend(t, sqlstore.Postgres, services.Postgres(t)), time.Second)
}

func TestFaultMariaDB(t *testing.T) {
	t.Parallel()
	networkFaults(t, sqlBackend(t, sqlstore.MySQL, services.MySQL(t)), time.Second)
}
