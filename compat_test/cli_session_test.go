package compat_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/flaskbridge/flaskbridge/flasksession/sqlstore"
	"github.com/flaskbridge/flaskbridge/flasksession/storeurl"
	"github.com/flaskbridge/flaskbridge/internal/pyharness"
	"github.com/flaskbridge/flaskbridge/internal/services"
	"github.com/flaskbridge/flaskbridge/internal/tamper"
)

// `flaskbridge session` against real Flask-Session apps: sessions that
// Flask-Session 0.3 to 0.8 wrote, read through the command line; sessions
// the command line wrote, opened by Flask-Session; a store of 0.6 pickles
// migrated to msgpack and read by 0.8. The Python side runs a real Flask
// app over the same Redis server, memcached server or directory
// (scripts/pyops/fsession.py); values are compared by Python's == and
// repr (scripts/pyops/fscli.py).

const sessionSecret = "flaskbridge cli secret ✓"

// sessionVenv is a Flask-Session venv: its version line and the layout of
// its cachelib.
type sessionVenv struct {
	name, compat, cachelib string
}

var sessionVenvs = []sessionVenv{
	{"fs03", "0.3", "0.1.1"},
	{"fs04", "0.4", "0.6.0"},
	{"fs05", "0.5", "0.10.2"},
	{"fs06", "0.6", "0.13.0"},
	{"fs07", "0.7", "0.17.0"},
	{"fs08", "0.8", "0.17.0"},
}

// sessionStore is one store as both sides name it.
type sessionStore struct {
	name string
	url  string         // --store
	py   map[string]any // fsession's store spec
	file bool           // values are pickles whatever the format
}

func sessionStores(t *testing.T, v sessionVenv) []sessionStore {
	redisAddr := services.Redis(t)
	mc := services.Memcached(t)
	dir := t.TempDir()
	stores := []sessionStore{
		{"redis", "redis://" + redisAddr + "/0", map[string]any{"type": "redis", "addr": redisAddr}, false},
		{"file", "file://" + dir + "?cachelib=" + v.cachelib, map[string]any{"type": "filesystem", "dir": dir}, true},
		{"memcached", "memcached://" + mc, map[string]any{"type": "memcached", "servers": []string{mc}}, false},
	}
	stores = append(stores, sqlSessionStores(t)...)
	switch v.name {
	case "fs06":
		addrs, master := services.Sentinel(t)
		stores = append(stores, sessionStore{"sentinel", "redis+sentinel://" + strings.Join(addrs, ",") + "/" + master,
			map[string]any{"type": "redis", "sentinel": addrs, "master": master}, false})
	case "fs08", "fs07", "fs05":
		addrs := services.RedisCluster(t)
		stores = append(stores, sessionStore{"cluster", "redis+cluster://" + strings.Join(addrs, ","),
			map[string]any{"type": "redis", "cluster": addrs}, false})
	}
	return stores
}

// sqlSessionStores are Flask-Session's table on PostgreSQL, MariaDB and
// SQLite, each a table of its own, named to both sides by the same
// SQLALCHEMY_DATABASE_URI (plus table=).
func sqlSessionStores(t *testing.T) []sessionStore {
	pg := services.Postgres(t)
	my, err := mysql.ParseDSN(services.MySQL(t))
	if err != nil {
		t.Fatal(err)
	}
	auth := my.User
	if my.Passwd != "" {
		auth += ":" + my.Passwd
	}
	path := filepath.Join(t.TempDir(), "sessions.db")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	uris := [][2]string{
		{"postgres", "postgresql+psycopg2://" + strings.TrimPrefix(pg, "postgres://")},
		{"mariadb", "mysql+pymysql://" + auth + "@" + my.Addr + "/" + my.DBName},
		{"sqlite", "sqlite:///" + path},
	}
	var out []sessionStore
	for _, u := range uris {
		table := strings.ReplaceAll(strings.TrimSuffix(sessionPrefix(), ":"), ":", "_")
		sep := "?"
		if strings.Contains(u[1], "?") {
			sep = "&"
		}
		url := u[1] + sep + "table=" + table
		o, err := storeurl.Open(context.Background(), url, storeurl.Options{})
		if err != nil {
			t.Fatal(err)
		}
		s := o.Store.(*sqlstore.Store)
		if err := s.CreateTable(context.Background()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.DB().Exec("DROP TABLE " + table); o.Close() })
		out = append(out, sessionStore{u[0], url, map[string]any{"type": "sqlalchemy", "uri": u[1], "table": table, "create": true}, false})
	}
	return out
}

// msgspec is whether the venv's line stores with msgspec (0.7+).
func (v sessionVenv) msgspec() bool { return v.compat == "0.7" || v.compat == "0.8" }

// formats are the serialization formats a venv's line stores.
func (v sessionVenv) formats() []string {
	if v.msgspec() {
		return []string{"msgpack", "json"}
	}
	return []string{"pickle"}
}

func sessionPrefix() string {
	var b [6]byte
	rand.Read(b[:])
	return "fbclitest:" + hex.EncodeToString(b[:]) + ":"
}

// sessionCase is one venv, store, format and signer setting, with the
// Flask config of the Python side and the flags of the command line.
type sessionCase struct {
	v      sessionVenv
	store  sessionStore
	format string
	signed bool
	prefix string
	config map[string]any
}

func (c sessionCase) String() string {
	s := c.v.name + "/" + c.store.name + "/" + c.format
	if c.signed {
		s += "/signed"
	}
	return s
}

func newSessionCase(v sessionVenv, st sessionStore, format string, signed bool) sessionCase {
	c := sessionCase{v: v, store: st, format: format, signed: signed, prefix: sessionPrefix()}
	c.config = map[string]any{
		"SECRET_KEY":                 sessionSecret,
		"SESSION_USE_SIGNER":         signed,
		"SESSION_KEY_PREFIX":         c.prefix,
		"PERMANENT_SESSION_LIFETIME": 3600,
	}
	if v.msgspec() {
		c.config["SESSION_SERIALIZATION_FORMAT"] = format
	}
	return c
}

// flags are the command line's flags for the case.
func (c sessionCase) flags(cmd string) []string {
	args := []string{"session", cmd, "--store", c.store.url, "--key-prefix", c.prefix}
	if c.signed {
		args = append(args, "--secret-key", sessionSecret)
	}
	return args
}

// stored is the format the store holds values in.
func (c sessionCase) stored() string {
	if c.store.file {
		return "pickle"
	}
	return c.format
}

// eachSessionCase runs f for every venv, store, format and signer setting.
func eachSessionCase(t *testing.T, f func(t *testing.T, h *pyharness.Helper, c sessionCase)) {
	for _, v := range sessionVenvs {
		t.Run(v.name, func(t *testing.T) {
			h := pyharness.Start(t, v.name)
			for _, st := range sessionStores(t, v) {
				for i, format := range v.formats() {
					for _, signed := range []bool{false, true} {
						if st.file && i > 0 {
							continue // the directory holds pickles in every format
						}
						c := newSessionCase(v, st, format, signed)
						t.Run(c.String()[len(v.name)+1:], func(t *testing.T) { f(t, h, c) })
					}
				}
			}
		})
	}
}

type fsResult struct {
	Before struct {
		SID  string `json:"sid"`
		Repr string `json:"repr"`
	} `json:"before"`
	After struct {
		SID  string `json:"sid"`
		Repr string `json:"repr"`
	} `json:"after"`
	SetCookie []string `json:"set_cookie"`
}

// request runs one request through the Flask app of the case.
func (c sessionCase) request(t *testing.T, h *pyharness.Helper, cookie *string, set string) fsResult {
	t.Helper()
	args := map[string]any{"config": c.config, "store": c.store.py}
	if cookie != nil {
		args["cookie"] = *cookie
	}
	if set != "" {
		args["set"] = set
	}
	var r fsResult
	h.MustCall(t, "fsession.request", args, &r)
	return r
}

// cookieOf returns the value of the session cookie a response set.
func cookieOf(t *testing.T, r fsResult) string {
	t.Helper()
	for _, h := range r.SetCookie {
		c, err := http.ParseSetCookie(h)
		if err == nil && c.Name == "session" && c.Value != "" {
			return c.Value
		}
	}
	t.Fatalf("no session cookie in %q", r.SetCookie)
	return ""
}

func sameRepr(t *testing.T, h *pyharness.Helper, a, b string) bool {
	t.Helper()
	if a == b {
		return true
	}
	var same bool
	h.MustCall(t, "fscli.same_as", map[string]any{"a": a, "b": b}, &same)
	return same
}

func sessionCount(n int) int {
	if testing.Short() {
		return n / 4
	}
	return n
}

// TestCLISessionGetFlaskSession: real Flask-Session writes random sessions
// (every value type its format stores); `session get` prints what
// Flask-Session itself loads back, repr for repr.
func TestCLISessionGetFlaskSession(t *testing.T) {
	bin := cliBinary(t)
	seed := 1
	total := 0
	eachSessionCase(t, func(t *testing.T, h *pyharness.Helper, c sessionCase) {
		var sessions []string
		seed++
		h.MustCall(t, "fscli.random_sessions", map[string]any{"seed": seed, "count": sessionCount(16), "format": c.stored()}, &sessions)
		var loads, cookies []string
		for _, s := range sessions {
			w := c.request(t, h, nil, s)
			cookie := cookieOf(t, w)
			if strings.Contains(cookie, ".") != c.signed {
				t.Fatalf("cookie %q (signed: %v)", cookie, c.signed)
			}
			// What Flask-Session loads from the store.
			loaded := c.request(t, h, &cookie, "")
			if loaded.Before.SID != w.After.SID {
				t.Fatalf("Flask-Session did not find its own session %q: %+v", w.After.SID, loaded)
			}
			r := runCLI(t, bin, nil, append(c.flags("get"), "--", cookie)...)
			if r.code != 0 || !sameRepr(t, h, strings.TrimSuffix(r.stdout, "\n"), loaded.Before.Repr) {
				t.Errorf("session %s\nFlask-Session loads %s\n   flaskbridge: exit %d %s%s", s, loaded.Before.Repr, r.code, r.stderr, r.stdout)
			}
			total++
			loads = append(loads, loaded.Before.Repr)
			cookies = append(cookies, cookie)
		}
		// --format json and tagged print what Flask's app.json.dumps and its
		// session serializer print (Flask 2.2 and later), or fail where
		// they raise.
		var printed []struct {
			JSON        *string `json:"json"`
			JSONError   string  `json:"json_error"`
			Tagged      *string `json:"tagged"`
			TaggedError string  `json:"tagged_error"`
		}
		h.MustCall(t, "fscli.flask_json", map[string]any{"repr_texts": loads}, &printed)
		for i, p := range printed {
			for _, f := range []struct {
				name, errMsg string
				want         *string
			}{{"json", p.JSONError, p.JSON}, {"tagged", p.TaggedError, p.Tagged}} {
				r := runCLI(t, bin, nil, append(c.flags("get"), "--format", f.name, "--", cookies[i])...)
				switch {
				case f.want == nil && (r.code != 1 || !strings.Contains(r.stderr, "cannot be printed as "+f.name)):
					t.Errorf("%s: Flask raises %s; flaskbridge: exit %d %s%s", loads[i], f.errMsg, r.code, r.stderr, r.stdout)
				case f.want != nil && (r.code != 0 || r.stdout != *f.want+"\n"):
					t.Errorf("%s --format %s:\n got exit %d %s%s\nwant %s", loads[i], f.name, r.code, r.stderr, r.stdout, *f.want)
				}
			}
		}
		// The cookie from stdin, and a tampered one.
		w := c.request(t, h, nil, "{'a': 1}")
		cookie := cookieOf(t, w)
		r := runCLI(t, bin, []byte(cookie+"\n"), append(c.flags("get"), "-")...)
		if r.code != 0 || r.stdout == "" {
			t.Errorf("get -: exit %d %s", r.code, r.stderr)
		}
		if c.signed {
			bad := tamper.Signature(cookie)
			r := runCLI(t, bin, nil, append(c.flags("get"), "--", bad)...)
			if r.code != 1 || !strings.Contains(r.stderr, "bad session id signature") {
				t.Errorf("tampered cookie: exit %d %s", r.code, r.stderr)
			}
		}
	})
	t.Logf("%d sessions written by Flask-Session read through the command line", total)
}

// TestCLISessionSetFlaskReads: `session set` writes random sessions in the
// line's format; Flask-Session opens the cookie it printed and finds the
// session under the same id, equal to what its own format keeps of the
// literal.
func TestCLISessionSetFlaskReads(t *testing.T) {
	bin := cliBinary(t)
	seed := 1000
	total := 0
	eachSessionCase(t, func(t *testing.T, h *pyharness.Helper, c sessionCase) {
		var sessions []string
		seed++
		h.MustCall(t, "fscli.random_sessions", map[string]any{"seed": seed, "count": sessionCount(16), "format": c.stored()}, &sessions)
		for i, s := range sessions {
			args := append(c.flags("set"), "--compat", c.v.compat, "--ttl", "3600")
			if c.v.msgspec() {
				args = append(args, "--serializer", c.stored())
			}
			if i%3 == 1 {
				args = append(args, fmt.Sprintf("given-id-%d-%s", i, c.prefix[10:22]))
			}
			r := runCLI(t, bin, []byte(s), args...)
			if r.code != 0 {
				t.Errorf("set %s: exit %d %s", s, r.code, r.stderr)
				continue
			}
			lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
			cookie := lines[len(lines)-1]
			var want struct {
				Repr  string `json:"repr"`
				Error string `json:"error"`
			}
			h.MustCall(t, "fscli.roundtrip", map[string]any{"format": c.stored(), "repr_text": s}, &want)
			if want.Error != "" {
				t.Fatalf("Python cannot store %s: %s", s, want.Error)
			}
			got := c.request(t, h, &cookie, "")
			sid := cookie
			if c.signed {
				sid = cookie[:strings.LastIndexByte(cookie, '.')]
			}
			if got.Before.SID != sid {
				t.Errorf("Flask-Session opened session %q for cookie %q (session id %q): it did not find it", got.Before.SID, cookie, sid)
				continue
			}
			if !sameRepr(t, h, got.Before.Repr, want.Repr) {
				t.Errorf("set %s\nFlask-Session loads %s\n          want %s", s, got.Before.Repr, want.Repr)
			}
			total++
		}
	})
	t.Logf("%d sessions written through the command line read by Flask-Session", total)
}

type redisValue struct {
	Found bool   `json:"found"`
	Data  string `json:"data"`
	PTTL  int64  `json:"pttl"`
}

// TestCLISessionMigrateFlask: Flask-Session 0.6 fills Redis with pickled
// sessions (and a few with TTLs of their own); `session migrate --to
// msgpack` converts them in place; Flask-Session 0.8 reads every one equal
// to what msgspec makes of the session 0.6 stored, the TTLs are kept, and
// the sessions msgspec cannot hold are left as they were.
func TestCLISessionMigrateFlask(t *testing.T) {
	bin := cliBinary(t)
	addr := services.Redis(t)
	h6 := pyharness.Start(t, "fs06")
	h8 := pyharness.Start(t, "fs08")
	store := map[string]any{"type": "redis", "addr": addr}
	prefix := sessionPrefix()
	c6 := newSessionCase(sessionVenvs[3], sessionStore{py: store}, "pickle", false)
	c6.prefix, c6.config["SESSION_KEY_PREFIX"] = prefix, prefix
	c8 := newSessionCase(sessionVenvs[4], sessionStore{py: store}, "msgpack", false)
	c8.prefix, c8.config["SESSION_KEY_PREFIX"] = prefix, prefix

	var sessions []string
	h6.MustCall(t, "fscli.random_sessions", map[string]any{"seed": 42, "count": sessionCount(60), "format": "pickle"}, &sessions)
	// Half of them of the values msgspec holds (tuples, sets, datetimes,
	// UUIDs, Decimals, bytes...), pickled by 0.6 all the same.
	var friendly []string
	h8.MustCall(t, "fscli.random_sessions", map[string]any{"seed": 44, "count": sessionCount(60), "format": "msgpack"}, &friendly)
	sessions = append(sessions, friendly...)
	var sids []string
	for _, s := range sessions {
		sids = append(sids, c6.request(t, h6, nil, s).After.SID)
	}
	// Some written with TTLs of their own (and one without), as pickles of
	// several protocols.
	var extra []string
	h8.MustCall(t, "fscli.random_sessions", map[string]any{"seed": 43, "count": 8, "format": "msgpack"}, &extra)
	for i, s := range extra {
		var data []string
		h6.MustCall(t, "fscli.pickled", map[string]any{"repr_texts": []string{s}, "protocol": i % 6}, &data)
		sid := fmt.Sprintf("extra-%d", i)
		args := map[string]any{"store": store, "key": prefix + sid, "data": data[0]}
		if i > 0 {
			args["ex"] = 600 + 1000*i
		}
		h6.MustCall(t, "fsession.redis_set", args, nil)
		sids = append(sids, sid)
	}
	// And one that 0.8 already wrote.
	sids = append(sids, c8.request(t, h8, nil, "{'already': [1, 2]}").After.SID)

	type state struct {
		data string
		pttl int64
	}
	before := map[string]state{}
	var datas []string
	for _, sid := range sids {
		var v redisValue
		h6.MustCall(t, "fsession.redis_get", map[string]any{"store": store, "key": prefix + sid}, &v)
		if !v.Found {
			t.Fatalf("%s not stored", sid)
		}
		before[sid] = state{v.Data, v.PTTL}
		datas = append(datas, v.Data)
	}
	var want []struct {
		Repr      string `json:"repr"`
		Error     string `json:"error"`
		LoadError string `json:"load_error"`
	}
	h8.MustCall(t, "fscli.migrated", map[string]any{"items": datas, "to": "msgpack"}, &want)
	failures := 0
	for _, w := range want {
		if w.Error != "" || w.LoadError != "" {
			failures++
		}
	}
	start := time.Now()

	// A dry run changes nothing.
	run := func(args ...string) (int, string, string) {
		cmd := exec.Command(bin, args...)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		code := 0
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			code = exit.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return code, out.String(), errb.String()
	}
	base := []string{"session", "migrate", "--store", "redis://" + addr, "--key-prefix", prefix, "--to", "msgpack"}
	wantCode := 0
	if failures > 0 {
		wantCode = 1
	}
	code, out, errs := run(append(base, "--dry-run")...)
	wantTail := fmt.Sprintf("sessions: %d\nwould convert to msgpack: %d\nalready msgpack: 1\nfailed: %d\ngone: 0\n", len(sids), len(sids)-1-failures, failures)
	if code != wantCode || !strings.HasSuffix(out, wantTail) {
		t.Fatalf("dry run: exit %d\n%s%s\nwant\n%s", code, out, errs, wantTail)
	}
	for _, sid := range sids {
		var v redisValue
		h6.MustCall(t, "fsession.redis_get", map[string]any{"store": store, "key": prefix + sid}, &v)
		if v.Data != before[sid].data {
			t.Errorf("the dry run changed %s", sid)
		}
	}

	code, out, errs = run(base...)
	elapsed := time.Since(start)
	wantTail = strings.Replace(wantTail, "would convert", "converted", 1)
	if code != wantCode || !strings.HasSuffix(out, wantTail) {
		t.Fatalf("migrate: exit %d\n%s%s\nwant\n%s", code, out, errs, wantTail)
	}
	if wantCode == 1 && (strings.Count(errs, "\n") != 1 || !strings.Contains(errs, "could not be converted")) {
		t.Errorf("stderr %q", errs)
	}
	t.Logf("%d sessions: %d converted, %d that msgspec cannot hold left as pickles", len(sids), len(sids)-1-failures, failures)
	var after []string
	for i, sid := range sids {
		var v redisValue
		h8.MustCall(t, "fsession.redis_get", map[string]any{"store": store, "key": prefix + sid}, &v)
		b := before[sid]
		switch {
		case b.pttl < 0 && v.PTTL != b.pttl:
			t.Errorf("%s: PTTL %d, was %d", sid, v.PTTL, b.pttl)
		case b.pttl >= 0 && (v.PTTL > b.pttl || v.PTTL < b.pttl-elapsed.Milliseconds()-1000):
			t.Errorf("%s: PTTL %d ms, was %d ms (%v ago)", sid, v.PTTL, b.pttl, elapsed)
		}
		if want[i].Error != "" || want[i].LoadError != "" {
			if v.Data != b.data {
				t.Errorf("%s (%s) changed", sid, want[i].Error)
			}
			if !strings.Contains(out, fmt.Sprintf("cannot convert %q", prefix+sid)) {
				t.Errorf("%s is not listed as failed:\n%s", sid, out)
			}
		}
		after = append(after, v.Data)
	}
	var loaded []struct {
		Repr  string `json:"repr"`
		Error string `json:"error"`
	}
	h8.MustCall(t, "fscli.loads_all", map[string]any{"items": after}, &loaded)
	for i, sid := range sids {
		if want[i].Error != "" || want[i].LoadError != "" {
			continue
		}
		raw := after[i]
		if raw == before[sid].data && i != len(sids)-1 {
			t.Errorf("%s was not converted", sid)
		}
		if loaded[i].Error != "" || !sameRepr(t, h8, loaded[i].Repr, want[i].Repr) {
			t.Errorf("%s: Flask-Session 0.8 loads %s %s\nwant %s", sid, loaded[i].Repr, loaded[i].Error, want[i].Repr)
		}
	}
	// Flask-Session 0.8 opens converted sessions through its cookie.
	for i, sid := range sids[:5] {
		if want[i].Error != "" {
			continue
		}
		cookie := sid
		r := c8.request(t, h8, &cookie, "")
		if r.Before.SID != sid || !sameRepr(t, h8, r.Before.Repr, want[i].Repr) {
			t.Errorf("%s: Flask-Session 0.8 opened %s %s\nwant %s", sid, r.Before.SID, r.Before.Repr, want[i].Repr)
		}
	}
}
