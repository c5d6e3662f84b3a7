package sqlstore_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"

	"github.com/flaskbridge/flaskbridge/flasksession"
	"github.com/flaskbridge/flaskbridge/flasksession/internal/storetest"
	"github.com/flaskbridge/flaskbridge/flasksession/sqlstore"
	"github.com/flaskbridge/flaskbridge/internal/services"
)

var (
	_ flasksession.Store             = (*sqlstore.Store)(nil)
	_ flasksession.Toucher           = (*sqlstore.Store)(nil)
	_ flasksession.CompareAndSwapper = (*sqlstore.Store)(nil)
	_ flasksession.Lister            = (*sqlstore.Store)(nil)
	_ flasksession.TTLer             = (*sqlstore.Store)(nil)
)

// database is one server (or SQLite file) both sides use.
type database struct {
	dialect sqlstore.Dialect
	driver  string
	dsn     string // Go's
	uri     string // SQLAlchemy's
}

var dialects = []sqlstore.Dialect{sqlstore.Postgres, sqlstore.MySQL, sqlstore.SQLite}

// open returns the database of a dialect: the servers of
// scripts/services.sh, or a SQLite file of the test's own.
func open(t testing.TB, d sqlstore.Dialect) database {
	t.Helper()
	switch d {
	case sqlstore.Postgres:
		dsn := services.Postgres(t)
		return database{d, "pgx", dsn, "postgresql+psycopg2://" + strings.TrimPrefix(strings.TrimPrefix(dsn, "postgres://"), "postgresql://")}
	case sqlstore.MySQL:
		dsn := services.MySQL(t)
		cfg, err := mysql.ParseDSN(dsn)
		if err != nil {
			t.Fatal(err)
		}
		auth := cfg.User
		if cfg.Passwd != "" {
			auth += ":" + cfg.Passwd
		}
		return database{d, "mysql", dsn, fmt.Sprintf("mysql+pymysql://%s@%s/%s", auth, cfg.Addr, cfg.DBName)}
	}
	path := filepath.Join(t.TempDir(), "sessions.db")
	return database{d, "sqlite", "file:" + path + "?_pragma=busy_timeout(10000)", "sqlite:///" + path}
}

func (db database) sqlDB(t testing.TB) *sql.DB {
	t.Helper()
	d, err := sql.Open(db.driver, db.dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func randomName(base string) string {
	var b [5]byte
	rand.Read(b[:])
	return base + hex.EncodeToString(b[:])
}

// fixture is a table of the test's own, made by Go, dropped at the end.
type fixture struct {
	db    database
	sqlDB *sql.DB
	table string
	store *sqlstore.Store
	spec  map[string]any
}

func newFixture(t testing.TB, d sqlstore.Dialect, o sqlstore.Options) *fixture {
	t.Helper()
	db := open(t, d)
	f := &fixture{db: db, sqlDB: db.sqlDB(t), table: randomName("fbtest_")}
	o.Dialect, o.Table = d, f.table
	var err error
	if f.store, err = sqlstore.New(f.sqlDB, o); err != nil {
		t.Fatal(err)
	}
	ctx := storetest.Ctx(t)
	if err := f.store.CreateTable(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.sqlDB.Exec("DROP TABLE " + f.table) })
	f.spec = map[string]any{"type": "sqlalchemy", "uri": db.uri, "table": f.table}
	return f
}

func cases() []storetest.Case {
	var out []storetest.Case
	for i, v := range storetest.Venvs {
		formats := []flasksession.Format{flasksession.FormatPickle}
		if v.Compat == flasksession.Compat08 {
			formats = []flasksession.Format{flasksession.FormatMsgpack, flasksession.FormatJSON}
		}
		for j, f := range formats {
			out = append(out, storetest.Case{Venv: v, Format: f, Signer: (i+j)%2 == 0})
		}
	}
	return out
}

func name(c storetest.Case) string {
	s := c.Venv.Name + "/" + string(c.Format)
	if c.Signer {
		s += "/signed"
	}
	return s
}

// TestShared runs the shared scenarios for every Flask-Session venv on
// PostgreSQL, MariaDB and SQLite.
func TestShared(t *testing.T) {
	for _, d := range dialects {
		t.Run(string(d), func(t *testing.T) {
			for _, c := range cases() {
				t.Run(name(c), func(t *testing.T) {
					f := newFixture(t, d, sqlstore.Options{})
					c.Store, c.PyStore = f.store, f.spec
					storetest.RunAll(t, c)
				})
			}
		})
	}
}

// record is the row of a key as the app's Flask-Session model reads it.
type record struct {
	Found  bool   `json:"found"`
	Data   string `json:"data"`
	Expiry string `json:"expiry"`
}

func (f *fixture) record(t testing.TB, p *storetest.Py, key string) record {
	t.Helper()
	var r record
	p.H.MustCall(t, "fsession.sql_record", map[string]any{"config": p.Config, "store": p.Store, "key": key}, &r)
	return r
}

// TestExpiry: the expiry Go writes is the naive UTC datetime Python reads
// (to the microsecond, whole seconds on MySQL); rows whose expiry passed
// or is NULL are not found, and each side's cleanup removes the other's.
func TestExpiry(t *testing.T) {
	for _, d := range dialects {
		t.Run(string(d), func(t *testing.T) {
			now := time.Now().UTC()
			fixed := time.Date(now.Year()+3, 1, 2, 3, 4, 5, 123456789, time.UTC)
			f := newFixture(t, d, sqlstore.Options{Now: func() time.Time { return fixed }})
			real, _ := sqlstore.New(f.sqlDB, sqlstore.Options{Dialect: d, Table: f.table})
			c := storetest.Case{Venv: storetest.VenvByName("fs08"), Format: flasksession.FormatMsgpack, Store: real, PyStore: f.spec}
			p, m := c.Setup(t)
			ctx := storetest.Ctx(t)
			prefix := p.Config["SESSION_KEY_PREFIX"].(string)

			// Go's expiry as Python reads it.
			key := prefix + "fixed"
			if err := f.store.Save(ctx, key, []byte("\x80"), time.Hour); err != nil {
				t.Fatal(err)
			}
			want := "datetime.datetime(" + fmt.Sprint(fixed.Year()) + ", 1, 2, 4, 4, 5, 123456)"
			if d == sqlstore.MySQL {
				want = "datetime.datetime(" + fmt.Sprint(fixed.Year()) + ", 1, 2, 4, 4, 5)"
			}
			if r := f.record(t, p, key); !r.Found || r.Expiry != want {
				t.Errorf("Python reads expiry %+v, want %s", r, want)
			}
			if ttl, found, err := f.store.TTL(ctx, key); err != nil || !found || ttl > time.Hour || ttl < time.Hour-time.Second {
				t.Errorf("TTL = %v %v %v", ttl, found, err)
			}
			// A ttl of zero is the last second of year 9999, which Python
			// reads as a session that does not expire.
			if err := real.Save(ctx, key+"-never", []byte("\x80"), 0); err != nil {
				t.Fatal(err)
			}
			if r := f.record(t, p, key+"-never"); r.Expiry != "datetime.datetime(9999, 12, 31, 23, 59, 59)" {
				t.Errorf("never: Python reads %s", r.Expiry)
			}
			if ttl, found, _ := real.TTL(ctx, key+"-never"); !found || ttl >= 0 {
				t.Errorf("TTL of never = %v %v", ttl, found)
			}

			// Python's expiry as Go reads it.
			w := p.Request(t, map[string]any{"set": "{'a': 1}"})
			pyKey := m.Key(w.After.SID)
			if ttl, found, err := real.TTL(ctx, pyKey); err != nil || !found || ttl > storetest.Lifetime || ttl < storetest.Lifetime-5*time.Second {
				t.Errorf("TTL of Python's row = %v %v %v", ttl, found, err)
			}
			// Seen from three years on, it has expired.
			if _, found, err := f.store.Load(ctx, pyKey); found || err != nil {
				t.Errorf("expired row: found %v, %v", found, err)
			}
			if ok, err := f.store.Touch(ctx, pyKey, time.Hour); ok || err != nil {
				t.Errorf("Touch of an expired row = %v %v", ok, err)
			}
			if ok, err := f.store.CompareAndSwap(ctx, pyKey, storetest.B64(t, f.record(t, p, pyKey).Data), []byte("x"), time.Hour); ok || err != nil {
				t.Errorf("swap of an expired row = %v %v", ok, err)
			}
			n := 0
			f.store.Keys(ctx, prefix, func(string) error { n++; return nil })
			if n != 2 { // the fixed row and the row of year 9999
				t.Errorf("Keys from three years on: %d", n)
			}

			// A NULL expiry (Flask-Session 0.3-0.6 write one for a session
			// that is not permanent) is no session.
			if _, err := f.sqlDB.ExecContext(ctx, rebind(d, "INSERT INTO "+f.table+" (session_id, data, expiry) VALUES (?, ?, NULL)"), key+"-null", []byte("\x80")); err != nil {
				t.Fatal(err)
			}
			if _, found, err := real.Load(ctx, key+"-null"); found || err != nil {
				t.Errorf("NULL expiry: found %v, %v", found, err)
			}

			// Python's cleanup removes what Go wrote to expire in the past,
			// and keeps what Go wrote to live.
			past, _ := sqlstore.New(f.sqlDB, sqlstore.Options{Dialect: d, Table: f.table, Now: func() time.Time { return now.Add(-2 * time.Hour) }})
			if err := past.Save(ctx, key+"-past", []byte("\x80"), time.Hour); err != nil {
				t.Fatal(err)
			}
			p.H.MustCall(t, "fsession.sql_cleanup", map[string]any{"config": p.Config, "store": p.Store}, nil)
			if r := f.record(t, p, key+"-past"); r.Found {
				t.Error("Python's cleanup kept Go's expired row")
			}
			if r := f.record(t, p, key); !r.Found {
				t.Error("Python's cleanup removed Go's live row")
			}
			// Go's cleanup, three years on, removes Python's row and the
			// NULL one, and keeps year 9999.
			nDel, err := f.store.DeleteExpired(ctx)
			if err != nil || nDel != 2 {
				t.Errorf("DeleteExpired = %d %v, want 2 (Python's row, the NULL one)", nDel, err)
			}
			if r := f.record(t, p, key+"-never"); !r.Found {
				t.Error("DeleteExpired removed the row of year 9999")
			}
		})
	}
}

func rebind(d sqlstore.Dialect, q string) string {
	if d != sqlstore.Postgres {
		return q
	}
	n := 0
	return regexp.MustCompile(`\?`).ReplaceAllStringFunc(q, func(string) string { n++; return fmt.Sprintf("$%d", n) })
}

// TestPythonCreatesTable: the table each Flask-Session line creates (0.6+
// by itself, 0.3-0.5 through db.create_all()) is the one CreateTable
// creates, and Go uses it.
func TestPythonCreatesTable(t *testing.T) {
	for _, d := range dialects {
		t.Run(string(d), func(t *testing.T) {
			f := newFixture(t, d, sqlstore.Options{})
			goDDL := describe(t, f.sqlDB, d, f.table)
			for _, v := range storetest.Venvs {
				t.Run(v.Name, func(t *testing.T) {
					table := randomName("fbpy_")
					store, err := sqlstore.New(f.sqlDB, sqlstore.Options{Dialect: d, Table: table})
					if err != nil {
						t.Fatal(err)
					}
					spec := map[string]any{"type": "sqlalchemy", "uri": f.db.uri, "table": table, "create": true}
					c := storetest.Case{Venv: v, Format: flasksession.FormatMsgpack, Store: store, PyStore: spec}
					p, m := c.Setup(t)
					t.Cleanup(func() { f.sqlDB.Exec("DROP TABLE " + table) })
					w := p.Request(t, map[string]any{"set": "{'a': 1}"})
					pyDDL := strings.ReplaceAll(describe(t, f.sqlDB, d, table), table, f.table)
					if pyDDL != goDDL {
						t.Errorf("tables differ:\nPython %s\nGo     %s", pyDDL, goDDL)
					}
					ctx := storetest.Ctx(t)
					s, err := m.Open(ctx, w.Cookie(t, "session").Value)
					if err != nil || !s.Found() {
						t.Fatalf("Go open: %v", err)
					}
					s.Set("b", int64(2))
					if _, err := m.Commit(ctx, s); err != nil {
						t.Fatal(err)
					}
					s2, _ := m.Open(ctx, "")
					s2.Set("c", int64(3))
					out, err := m.Commit(ctx, s2)
					if err != nil {
						t.Fatal(err)
					}
					r := p.Request(t, map[string]any{"cookie": out.Cookie.Value, "expect": "{'_permanent': True, 'c': 3}"})
					if r.After.Same == nil || !*r.After.Same {
						t.Errorf("Python reads %s", r.Before.Repr)
					}
					p.H.MustCall(t, "fsession.sql_dispose", map[string]any{"config": p.Config, "store": p.Store}, nil)
				})
			}
		})
	}
}

// describe returns a table's definition as the server reports it.
func describe(t testing.TB, db *sql.DB, d sqlstore.Dialect, table string) string {
	t.Helper()
	ctx := storetest.Ctx(t)
	switch d {
	case sqlstore.Postgres:
		rows, err := db.QueryContext(ctx, `SELECT column_name, data_type, coalesce(character_maximum_length, 0), is_nullable, coalesce(column_default, '')
			FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position`, table)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var name, typ, null, def string
			var n int
			rows.Scan(&name, &typ, &n, &null, &def)
			out = append(out, fmt.Sprintf("%s %s(%d) %s %s", name, typ, n, null, def))
		}
		var cons []string
		crow, err := db.QueryContext(ctx, `SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = $1::regclass ORDER BY 1`, table)
		if err != nil {
			t.Fatal(err)
		}
		defer crow.Close()
		for crow.Next() {
			var c string
			crow.Scan(&c)
			cons = append(cons, c)
		}
		return strings.Join(out, "; ") + " | " + strings.Join(cons, "; ")
	case sqlstore.MySQL:
		var name, ddl string
		if err := db.QueryRowContext(ctx, "SHOW CREATE TABLE `"+table+"`").Scan(&name, &ddl); err != nil {
			t.Fatal(err)
		}
		return regexp.MustCompile(` AUTO_INCREMENT=\d+`).ReplaceAllString(ddl, "")
	}
	var ddl string
	if err := db.QueryRowContext(ctx, "SELECT sql FROM sqlite_master WHERE name = ?", table).Scan(&ddl); err != nil {
		t.Fatal(err)
	}
	return strings.Join(strings.Fields(strings.ReplaceAll(ddl, `"`, "")), " ")
}

// TestSchemaAndSequence: on PostgreSQL, Flask-Session 0.8 with
// SESSION_SQLALCHEMY_SCHEMA and SESSION_SQLALCHEMY_SEQUENCE makes a table
// whose id has no default; Go inserts through the sequence.
func TestSchemaAndSequence(t *testing.T) {
	db := open(t, sqlstore.Postgres)
	sqlDB := db.sqlDB(t)
	ctx := storetest.Ctx(t)
	schema, seq, table := randomName("fbschema_"), randomName("fbseq_"), randomName("fbtest_")
	if _, err := sqlDB.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sqlDB.Exec("DROP SCHEMA " + schema + " CASCADE")
		sqlDB.Exec("DROP SEQUENCE IF EXISTS " + seq)
	})
	store, err := sqlstore.New(sqlDB, sqlstore.Options{Dialect: sqlstore.Postgres, Table: table, Schema: schema, Sequence: seq})
	if err != nil {
		t.Fatal(err)
	}
	spec := map[string]any{"type": "sqlalchemy", "uri": db.uri, "table": table, "schema": schema, "sequence": seq}
	c := storetest.Case{Venv: storetest.VenvByName("fs08"), Format: flasksession.FormatMsgpack, Store: store, PyStore: spec}
	p, m := c.Setup(t)
	w := p.Request(t, map[string]any{"set": "{'a': 1}"})
	var def sql.NullString
	if err := sqlDB.QueryRowContext(ctx, "SELECT column_default FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 AND column_name = 'id'", schema, table).Scan(&def); err != nil {
		t.Fatal(err)
	}
	if def.Valid {
		t.Errorf("id default %q: the sequence is not the one supplying ids", def.String)
	}
	s, err := m.Open(ctx, w.Cookie(t, "session").Value)
	if err != nil || !s.Found() {
		t.Fatalf("Go open: %v", err)
	}
	s2, _ := m.Open(ctx, "")
	s2.Set("go", true)
	out, err := m.Commit(ctx, s2)
	if err != nil {
		t.Fatal(err)
	}
	r := p.Request(t, map[string]any{"cookie": out.Cookie.Value, "expect": "{'_permanent': True, 'go': True}"})
	if r.After.Same == nil || !*r.After.Same {
		t.Errorf("Python reads %s", r.Before.Repr)
	}
	// CreateTable makes the same table and sequence when they are missing.
	other, _ := sqlstore.New(sqlDB, sqlstore.Options{Dialect: sqlstore.Postgres, Table: table + "_go", Schema: schema, Sequence: seq + "_go"})
	t.Cleanup(func() { sqlDB.Exec("DROP SEQUENCE IF EXISTS " + seq + "_go") })
	if err := other.CreateTable(ctx); err != nil {
		t.Fatal(err)
	}
	if err := other.Save(ctx, "k", []byte("v"), time.Minute); err != nil {
		t.Fatal(err)
	}
}

// proxy forwards TCP connections to a server until it is closed, which
// looks to a client like the server stopping.
type proxy struct {
	l     net.Listener
	mu    sync.Mutex
	conns []net.Conn
}

func newProxy(t testing.TB, target string) *proxy {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{l: l}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, s)
			p.mu.Unlock()
			go func() { io.Copy(s, c); s.Close() }()
			go func() { io.Copy(c, s); c.Close() }()
		}
	}()
	t.Cleanup(p.close)
	return p
}

func (p *proxy) close() {
	p.l.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
}

// TestServerDown: a database server that stops makes Open and Commit fail
// with ErrStore; a missing SQLite table is an error too. Nothing becomes an
// empty session.
func TestServerDown(t *testing.T) {
	for _, d := range dialects {
		t.Run(string(d), func(t *testing.T) {
			f := newFixture(t, d, sqlstore.Options{})
			dsn := f.db.dsn
			var p *proxy
			switch d {
			case sqlstore.Postgres:
				host := regexp.MustCompile(`@([^/]+)/`).FindStringSubmatch(dsn)[1]
				p = newProxy(t, host)
				dsn = strings.Replace(dsn, "@"+host+"/", "@"+p.l.Addr().String()+"/", 1)
			case sqlstore.MySQL:
				cfg, _ := mysql.ParseDSN(dsn)
				p = newProxy(t, cfg.Addr)
				cfg.Addr = p.l.Addr().String()
				cfg.Timeout = 2 * time.Second
				dsn = cfg.FormatDSN()
			}
			db, err := sql.Open(f.db.driver, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			store, _ := sqlstore.New(db, sqlstore.Options{Dialect: d, Table: f.table})
			m, _ := flasksession.New(store, flasksession.Options{})
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			s, _ := m.Open(ctx, "")
			s.Set("user_id", int64(1))
			out, err := m.Commit(ctx, s)
			if err != nil {
				t.Fatal(err)
			}
			if s, err := m.Open(ctx, out.Cookie.Value); err != nil || !s.Found() {
				t.Fatalf("open while up: %v", err)
			}
			if p != nil {
				p.close()
			} else {
				if _, err := db.ExecContext(ctx, "DROP TABLE "+f.table); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := m.Open(ctx, out.Cookie.Value); !errors.Is(err, flasksession.ErrStore) {
				t.Fatalf("open with the server down: %v, want ErrStore", err)
			}
			s.Set("more", int64(2))
			if _, err := m.Commit(ctx, s); !errors.Is(err, flasksession.ErrStore) {
				t.Fatalf("commit with the server down: %v, want ErrStore", err)
			} else {
				t.Logf("commit: %v", err)
			}
		})
	}
}

// TestCommands checks the edges of each statement on every dialect.
func TestCommands(t *testing.T) {
	for _, d := range dialects {
		t.Run(string(d), func(t *testing.T) {
			f := newFixture(t, d, sqlstore.Options{})
			s := f.store
			ctx := storetest.Ctx(t)
			if err := s.CreateTable(ctx); err != nil {
				t.Fatalf("CreateTable twice: %v", err)
			}
			k := "session:cmd"
			if err := s.Save(ctx, k, []byte("v1"), time.Minute); err != nil {
				t.Fatal(err)
			}
			if err := s.Save(ctx, k, []byte("v2"), time.Hour); err != nil {
				t.Fatalf("upsert: %v", err)
			}
			if b, found, err := s.Load(ctx, k); string(b) != "v2" || !found || err != nil {
				t.Fatalf("Load = %q %v %v", b, found, err)
			}
			if ok, err := s.Touch(ctx, k, time.Hour); !ok || err != nil {
				t.Errorf("Touch (same second) = %v %v", ok, err)
			}
			if ok, err := s.Touch(ctx, k+"-absent", time.Minute); ok || err != nil {
				t.Errorf("Touch(absent) = %v %v", ok, err)
			}
			if _, found, _ := s.Load(ctx, k+"-absent"); found {
				t.Error("Touch created a row")
			}
			if ok, err := s.CompareAndSwap(ctx, k, []byte("stale"), []byte("x"), time.Minute); ok || err != nil {
				t.Errorf("stale swap = %v %v", ok, err)
			}
			if ok, err := s.CompareAndSwap(ctx, k, []byte("v2"), []byte("v2"), flasksession.KeepTTL); !ok || err != nil {
				t.Errorf("swap to the same bytes = %v %v", ok, err)
			}
			if ok, err := s.CompareAndSwap(ctx, k, []byte("v2"), []byte("v3"), flasksession.KeepTTL); !ok || err != nil {
				t.Errorf("swap = %v %v", ok, err)
			}
			if ttl, _, _ := s.TTL(ctx, k); ttl > time.Hour || ttl < time.Hour-5*time.Second {
				t.Errorf("KeepTTL: %v", ttl)
			}
			if ok, err := s.CompareAndSwap(ctx, k, []byte("v3"), []byte("v4"), 2*time.Hour); !ok || err != nil {
				t.Errorf("swap = %v %v", ok, err)
			}
			if ttl, _, _ := s.TTL(ctx, k); ttl > 2*time.Hour || ttl < 2*time.Hour-5*time.Second {
				t.Errorf("ttl after swap: %v", ttl)
			}
			if err := s.Save(ctx, "session:empty", nil, time.Minute); err != nil {
				t.Fatal(err)
			}
			if b, found, err := s.Load(ctx, "session:empty"); len(b) != 0 || !found || err != nil {
				t.Errorf("empty value: %q %v %v", b, found, err)
			}
			// Keys: wildcards in the prefix are literal, pages follow each
			// other, and fn's error stops the walk.
			for i := 0; i < sqlstore.KeysPage+7; i++ {
				if err := s.Save(ctx, fmt.Sprintf("p_%%!:%04d", i), []byte("v"), time.Minute); err != nil {
					t.Fatal(err)
				}
			}
			s.Save(ctx, "pX%!:other", []byte("v"), time.Minute)
			s.Save(ctx, "P_%!:upper", []byte("v"), time.Minute)
			n := 0
			if err := s.Keys(ctx, "p_%!:", func(k string) error { n++; return nil }); err != nil || n != sqlstore.KeysPage+7 {
				t.Errorf("Keys = %d, %v", n, err)
			}
			stop := errors.New("stop")
			if err := s.Keys(ctx, "p_", func(string) error { return stop }); !errors.Is(err, stop) {
				t.Errorf("Keys did not return fn's error: %v", err)
			}
			if err := s.Delete(ctx, k); err != nil {
				t.Fatal(err)
			}
			if err := s.Delete(ctx, k); err != nil {
				t.Errorf("deleting an absent row: %v", err)
			}
			if _, err := s.Touch(ctx, k, -time.Second); err == nil {
				t.Error("negative ttl accepted")
			}
		})
	}
}

func TestOptions(t *testing.T) {
	db, _ := sql.Open("sqlite", ":memory:")
	defer db.Close()
	for _, o := range []sqlstore.Options{{}, {Dialect: "oracle"}, {Dialect: sqlstore.MySQL, Sequence: "s"}} {
		if _, err := sqlstore.New(db, o); !errors.Is(err, sqlstore.ErrConfig) {
			t.Errorf("New(%+v) = %v", o, err)
		}
	}
	if _, err := sqlstore.New(nil, sqlstore.Options{Dialect: sqlstore.SQLite}); !errors.Is(err, sqlstore.ErrConfig) {
		t.Error("nil db accepted")
	}
	for name, want := range map[string]sqlstore.Dialect{"pgx": sqlstore.Postgres, "postgresql+psycopg2": sqlstore.Postgres,
		"mysql": sqlstore.MySQL, "mariadb+pymysql": sqlstore.MySQL, "sqlite3": sqlstore.SQLite, "sqlite": sqlstore.SQLite} {
		if got, err := sqlstore.DialectOf(name); got != want || err != nil {
			t.Errorf("DialectOf(%q) = %q %v", name, got, err)
		}
	}
	if _, err := sqlstore.DialectOf("mssql"); !errors.Is(err, sqlstore.ErrConfig) {
		t.Error("DialectOf(mssql)")
	}
	s, _ := sqlstore.New(db, sqlstore.Options{Dialect: sqlstore.Postgres, Table: `we"ird`, Schema: "app"})
	if got := s.CreateTableSQL()[0]; !strings.HasPrefix(got, `CREATE TABLE IF NOT EXISTS "app"."we""ird" (`) {
		t.Errorf("quoting: %s", got)
	}
}

// TestConcurrentUpserts: many writers of the same new key never meet a
// duplicate-key error (Python's select-then-insert does).
func TestConcurrentUpserts(t *testing.T) {
	for _, d := range dialects {
		t.Run(string(d), func(t *testing.T) {
			f := newFixture(t, d, sqlstore.Options{})
			ctx := storetest.Ctx(t)
			var wg sync.WaitGroup
			errs := make(chan error, 40)
			for g := 0; g < 8; g++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; i < 5; i++ {
						errs <- f.store.Save(ctx, fmt.Sprintf("session:c%d", i), []byte{byte(g)}, time.Minute)
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Error(err)
				}
			}
		})
	}
}

// TestMigratePickleToMsgpack: a session 0.6 pickled into the table is
// rewritten as msgpack by a Go manager set to 0.8, which 0.8 reads.
func TestMigratePickleToMsgpack(t *testing.T) {
	for _, d := range dialects {
		t.Run(string(d), func(t *testing.T) {
			f := newFixture(t, d, sqlstore.Options{})
			storetest.MigratePickleToMsgpack(t, f.store, f.spec)
		})
	}
}
