package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/flaskbridge/flaskbridge/flasksession"
	"github.com/flaskbridge/flaskbridge/flasksession/internal/storetest"
	"github.com/flaskbridge/flaskbridge/flasksession/redisstore"
	"github.com/flaskbridge/flaskbridge/internal/services"
	"github.com/flaskbridge/flaskbridge/py"
)

var (
	_ flasksession.Store             = (*redisstore.Store)(nil)
	_ flasksession.Toucher           = (*redisstore.Store)(nil)
	_ flasksession.LoadToucher       = (*redisstore.Store)(nil)
	_ flasksession.CompareAndSwapper = (*redisstore.Store)(nil)
	_ flasksession.Lister            = (*redisstore.Store)(nil)
	_ flasksession.TTLer             = (*redisstore.Store)(nil)
)

func standalone(t testing.TB) (*redisstore.Store, map[string]any) {
	addr := services.Redis(t)
	c := redis.NewClient(&redis.Options{Addr: addr})
	t.Cleanup(func() { c.Close() })
	return redisstore.New(c), map[string]any{"type": "redis", "addr": addr}
}

func sentinel(t *testing.T) (*redisstore.Store, map[string]any) {
	addrs, master := services.Sentinel(t)
	c := redis.NewFailoverClient(&redis.FailoverOptions{MasterName: master, SentinelAddrs: addrs})
	t.Cleanup(func() { c.Close() })
	return redisstore.New(c), map[string]any{"type": "redis", "sentinel": addrs, "master": master}
}

func cluster(t *testing.T) (*redisstore.Store, map[string]any) {
	addrs := services.RedisCluster(t)
	c := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs})
	t.Cleanup(func() { c.Close() })
	return redisstore.New(c), map[string]any{"type": "redis", "cluster": addrs}
}

// clientKinds open a store on each kind of client.
var clientKinds = []struct {
	name string
	open func(*testing.T) *redisstore.Store
}{
	{"standalone", func(t *testing.T) *redisstore.Store { s, _ := standalone(t); return s }},
	{"sentinel", func(t *testing.T) *redisstore.Store { s, _ := sentinel(t); return s }},
	{"cluster", func(t *testing.T) *redisstore.Store { s, _ := cluster(t); return s }},
}

// cases are the venv and format combinations; the signer alternates so
// both cookie forms meet every line.
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

func TestStandalone(t *testing.T) {
	for _, c := range cases() {
		t.Run(name(c), func(t *testing.T) {
			c.Store, c.PyStore = standalone(t)
			storetest.RunAll(t, c)
		})
	}
}

func TestSentinel(t *testing.T) {
	for _, c := range cases() {
		if c.Venv.Name != "fs04" && c.Venv.Name != "fs08" {
			continue
		}
		t.Run(name(c), func(t *testing.T) {
			c.Store, c.PyStore = sentinel(t)
			storetest.RunAll(t, c)
		})
	}
}

// TestCluster runs a real 3-master Redis Cluster with redis-py's
// RedisCluster on the Python side. Flask-Session 0.4 to 0.6 take any
// client; 0.7 and 0.8 replace a client that is not a redis.Redis with
// Redis() on localhost:6379, so the Python app puts the RedisCluster on
// the session interface after Session(app) (scripts/pyops/fsession.py).
// redis-py 3.5 (the Flask-Session 0.3 venv) has no RedisCluster.
func TestCluster(t *testing.T) {
	for _, c := range cases() {
		t.Run(name(c), func(t *testing.T) {
			if !c.Venv.RedisCluster {
				t.Skipf("redis-py in %s has no RedisCluster", c.Venv.Name)
			}
			c.Store, c.PyStore = cluster(t)
			storetest.RunAll(t, c)
		})
	}
}

// TestClusterKeysSpreadOverSlots checks that sessions land on every master
// and that Keys finds them all.
func TestClusterKeysSpreadOverSlots(t *testing.T) {
	s, _ := cluster(t)
	ctx := storetest.Ctx(t)
	prefix := storetest.Prefix()
	want := map[string]bool{}
	for i := 0; i < 30; i++ {
		k := prefix + flasksession.NewTokenID(32)
		if err := s.Save(ctx, k, []byte{0x80}, time.Minute); err != nil {
			t.Fatal(err)
		}
		want[k] = true
	}
	masters := map[string]bool{}
	cc := s.Client().(*redis.ClusterClient)
	for k := range want {
		node, err := cc.MasterForKey(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		masters[node.Options().Addr] = true
	}
	if len(masters) < 2 {
		t.Errorf("30 keys on %d master(s)", len(masters))
	}
	got := map[string]bool{}
	if err := s.Keys(ctx, prefix, func(k string) error { got[k] = true; return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Errorf("Keys found %d of %d", len(got), len(want))
	}
	for k := range want {
		s.Delete(ctx, k)
	}
}

// TestMigratePickleToMsgpack: a session Flask-Session 0.6 pickled is read
// by a Go manager configured as 0.8 (msgpack), which rewrites it as msgpack
// on its next save even though it did not change; Flask-Session 0.8 then
// reads the msgpack value, and a 0.8 app reads a pickled one too.
func TestMigratePickleToMsgpack(t *testing.T) {
	store, spec := standalone(t)
	ctx := storetest.Ctx(t)
	old := storetest.Case{Venv: storetest.VenvByName("fs06"), Store: store, PyStore: spec}
	p06, m06 := old.Setup(t)
	w := p06.Request(t, map[string]any{"set": storetest.PySample(flasksession.FormatMsgpack)})
	cookie := w.Cookie(t, "session").Value

	newer := storetest.Case{Venv: storetest.VenvByName("fs08"), Format: flasksession.FormatMsgpack, Store: store, PyStore: spec}
	p08, _ := newer.Setup(t)
	p08.Config["SESSION_KEY_PREFIX"] = p06.Config["SESSION_KEY_PREFIX"]
	m08, err := flasksession.New(store, flasksession.Options{KeyPrefix: flasksession.String(p06.Config["SESSION_KEY_PREFIX"].(string)),
		PermanentSessionLifetime: storetest.Lifetime})
	if err != nil {
		t.Fatal(err)
	}
	key := m06.Key(w.After.SID)
	raw, _, _ := store.Load(ctx, key)
	if raw[0] != 0x80 {
		t.Fatalf("0.6 did not pickle: %x", raw[:8])
	}
	// Flask-Session 0.8 reads the pickled session as it is.
	r := p08.Request(t, map[string]any{"cookie": cookie})
	if r.Before.SID != w.After.SID {
		t.Fatalf("0.8 did not open the pickled session: %+v", r.Before)
	}
	if err := store.Save(ctx, key, raw, storetest.Lifetime); err != nil { // undo 0.8's own rewrite
		t.Fatal(err)
	}

	s, err := m08.Open(ctx, cookie)
	if err != nil {
		t.Fatal(err)
	}
	if s.Format() != flasksession.FormatPickle {
		t.Fatalf("format %s", s.Format())
	}
	before := py.Repr(s.Dict())
	out, err := m08.Commit(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if !out.Wrote {
		t.Fatalf("the pickled session was not rewritten: %+v", out)
	}
	raw, _, _ = store.Load(ctx, key)
	if raw[0] == 0x80 || raw[0]&0xf0 != 0x80 && raw[0] != 0xde {
		t.Fatalf("not msgpack: %x", raw[:8])
	}
	var res struct {
		Repr string `json:"repr"`
	}
	p08.H.MustCall(t, "fsession.loads", map[string]any{"data": storetest.B64Encode(raw)}, &res)
	s2, err := m08.Open(ctx, cookie)
	if err != nil || s2.Format() != flasksession.FormatMsgpack {
		t.Fatalf("reopen: %v %v", s2, err)
	}
	if !storetest.Same(t, p08.H, res.Repr, s2.Dict()) {
		t.Fatalf("0.8 reads %s, Go %s (before: %s)", res.Repr, py.Repr(s2.Dict()), before)
	}
	r = p08.Request(t, map[string]any{"cookie": cookie, "expect": py.Repr(s2.Dict())})
	if r.After.Same == nil || !*r.After.Same {
		t.Fatalf("0.8 app reads %s", r.Before.Repr)
	}
	// A swap against bytes that changed meanwhile does nothing.
	ok, err := store.CompareAndSwap(ctx, key, []byte("stale"), []byte("x"), flasksession.KeepTTL)
	if err != nil || ok {
		t.Fatalf("stale swap: %v %v", ok, err)
	}
}

// TestStoreDown: a server that stops makes Open and Commit fail with
// ErrStore; nothing turns into an empty session.
func TestStoreDown(t *testing.T) {
	services.Redis(t) // the tests need redis-server installed
	bin := services.Command(t, "redis-server")
	port := services.FreePort(t)
	dir := t.TempDir()
	cmd := exec.Command(bin, "--port", fmt.Sprint(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stopped := false
	stop := func() {
		if !stopped {
			cmd.Process.Kill()
			cmd.Wait()
			stopped = true
		}
	}
	t.Cleanup(stop)
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	for i := 0; i < 100 && !services.Reachable(addr); i++ {
		time.Sleep(50 * time.Millisecond)
	}
	c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialTimeout: time.Second})
	defer c.Close()
	m, err := flasksession.New(redisstore.New(c), flasksession.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s, _ := m.Open(ctx, "")
	s.Set("user_id", int64(1))
	out, err := m.Commit(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	cookie := out.Cookie.Value
	s, err = m.Open(ctx, cookie)
	if err != nil || !s.Found() {
		t.Fatalf("open while up: %v", err)
	}
	stop()
	if _, err := m.Open(ctx, cookie); !errors.Is(err, flasksession.ErrStore) {
		t.Fatalf("open with the server down: %v, want ErrStore", err)
	}
	s.Set("more", int64(2))
	if _, err := m.Commit(ctx, s); !errors.Is(err, flasksession.ErrStore) {
		t.Fatalf("commit with the server down: %v, want ErrStore", err)
	}
	_ = os.Remove(filepath.Join(dir, "dump.rdb"))
}

// TestRawCommands checks the store's commands against redis-py's view of
// them: TTLs in whole seconds, zero for none, Touch of a missing key.
func TestRawCommands(t *testing.T) {
	s, _ := standalone(t)
	ctx := storetest.Ctx(t)
	k := storetest.Prefix() + "raw"
	defer s.Delete(ctx, k)
	if err := s.Save(ctx, k, []byte("v"), 90*time.Second+500*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	ttl, _, _ := s.TTL(ctx, k)
	if ttl > 90*time.Second || ttl < 85*time.Second {
		t.Errorf("ttl %v", ttl)
	}
	if err := s.Save(ctx, k, []byte("v"), 0); err != nil {
		t.Fatal(err)
	}
	if ttl, found, _ := s.TTL(ctx, k); !found || ttl >= 0 {
		t.Errorf("ttl %v %v, want none", ttl, found)
	}
	if ok, err := s.Touch(ctx, k, 0); !ok || err != nil {
		t.Errorf("Touch(persistent) = %v %v", ok, err)
	}
	if ok, err := s.Touch(ctx, k+"-absent", 0); ok || err != nil {
		t.Errorf("Touch(absent, 0) = %v %v", ok, err)
	}
	if err := s.Save(ctx, k, []byte("v"), time.Minute); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.Touch(ctx, k, 0); !ok || err != nil {
		t.Errorf("Touch(expiring, 0) = %v %v", ok, err)
	}
	if ttl, found, _ := s.TTL(ctx, k); !found || ttl >= 0 {
		t.Errorf("after Touch(0): ttl %v %v, want none", ttl, found)
	}
	if ok, err := s.Touch(ctx, k+"-absent", time.Minute); ok || err != nil {
		t.Errorf("Touch(absent) = %v %v", ok, err)
	}
	if _, found, _ := s.Load(ctx, k+"-absent"); found {
		t.Error("Touch created a key")
	}
	if ok, err := s.CompareAndSwap(ctx, k, []byte("v"), []byte("w"), flasksession.KeepTTL); !ok || err != nil {
		t.Errorf("CompareAndSwap = %v %v", ok, err)
	}
	if b, _, _ := s.Load(ctx, k); string(b) != "w" {
		t.Errorf("after swap: %q", b)
	}
	if err := s.Keys(ctx, strings.TrimSuffix(k, "raw"), func(string) error { return errors.New("stop") }); err == nil {
		t.Error("Keys did not return fn's error")
	}
}

// TestCookieAttributes: with the SESSION_COOKIE_* keys set, every line's
// cookie carries what Python's does. Flask-Session 0.3 sends no SameSite.
func TestCookieAttributes(t *testing.T) {
	store, spec := standalone(t)
	for _, v := range storetest.Venvs {
		t.Run(v.Name, func(t *testing.T) {
			c := storetest.Case{Venv: v, Format: flasksession.FormatMsgpack, Store: store, PyStore: spec}
			p, _ := c.Setup(t)
			cfg := map[string]any{
				"SESSION_COOKIE_NAME":     "sid",
				"SESSION_COOKIE_PATH":     "/app",
				"SESSION_COOKIE_DOMAIN":   "example.org",
				"SESSION_COOKIE_SECURE":   true,
				"SESSION_COOKIE_HTTPONLY": false,
				"SESSION_COOKIE_SAMESITE": "Lax",
				"SESSION_PERMANENT":       false,
			}
			for k, val := range cfg {
				p.Config[k] = val
			}
			o, err := flasksession.OptionsFromConfig(p.Config)
			if err != nil {
				t.Fatal(err)
			}
			o.Compat = v.Compat
			if v.Name == "fs03" {
				o.CookieSameSite = ""
			}
			m, err := flasksession.New(store, o)
			if err != nil {
				t.Fatal(err)
			}
			ctx := storetest.Ctx(t)
			w := p.Request(t, map[string]any{"set": "{'a': 1}"})
			pyC := w.Cookie(t, "sid")
			s, err := m.Open(ctx, "")
			if err != nil {
				t.Fatal(err)
			}
			s.Set("a", int64(1))
			out, err := m.Commit(ctx, s)
			if err != nil {
				t.Fatal(err)
			}
			storetest.CheckCookie(t, out.Cookie, pyC)
			t.Logf("Python: %s\nGo:     %s", w.SetCookie[0], out.Cookie)
		})
	}
}

// TestDecisionTable runs the same requests through each Flask-Session line
// and through a Go Manager set to that line, with SESSION_PERMANENT and
// SESSION_REFRESH_EACH_REQUEST on and off, and compares what each did: set
// the cookie, deleted it, left an entry in Redis, refreshed its expiry.
func TestDecisionTable(t *testing.T) {
	store, spec := standalone(t)
	rc := store.Client()
	type outcome struct{ SetCookie, DelCookie, Stored, Refreshed bool }
	scenarios := []string{"new", "new-set", "read", "read-set", "read-clear"}
	for _, v := range storetest.Venvs {
		for _, perm := range []bool{true, false} {
			for _, refresh := range []bool{true, false} {
				t.Run(fmt.Sprintf("%s/permanent=%v/refresh=%v", v.Name, perm, refresh), func(t *testing.T) {
					c := storetest.Case{Venv: v, Format: flasksession.FormatMsgpack, Store: store, PyStore: spec}
					p, _ := c.Setup(t)
					p.Config["SESSION_PERMANENT"] = perm
					p.Config["SESSION_REFRESH_EACH_REQUEST"] = refresh
					o, err := flasksession.OptionsFromConfig(p.Config)
					if err != nil {
						t.Fatal(err)
					}
					o.Compat = v.Compat
					m, err := flasksession.New(store, o)
					if err != nil {
						t.Fatal(err)
					}
					ctx := storetest.Ctx(t)
					prefix := p.Config["SESSION_KEY_PREFIX"].(string)
					// prepare stores a session through Python and ages it.
					prepare := func() string {
						w := p.Request(t, map[string]any{"set": "{'a': 1}"})
						c := w.Cookie(t, "session")
						if c == nil {
							t.Fatalf("no cookie: %+v", w)
						}
						rc.Expire(ctx, prefix+w.After.SID, 100*time.Second)
						return c.Value
					}
					observe := func(sid string, setCookie []*http.Cookie) outcome {
						var o outcome
						for _, c := range setCookie {
							if c.MaxAge < 0 {
								o.DelCookie = true
							} else if c != nil {
								o.SetCookie = true
							}
						}
						ttl, err := rc.TTL(ctx, prefix+sid).Result()
						if err != nil {
							t.Fatal(err)
						}
						o.Stored = ttl != -2*time.Nanosecond && ttl > 0
						o.Refreshed = ttl > 100*time.Second
						return o
					}
					for _, sc := range scenarios {
						args := map[string]any{}
						goCookie := ""
						if strings.HasPrefix(sc, "read") {
							args["cookie"] = prepare()
							goCookie = prepare()
						}
						switch sc {
						case "new-set", "read-set":
							args["set"] = "{'b': 2}"
						case "read-clear":
							args["clear"] = true
						}
						r := p.Request(t, args)
						var pyCookies []*http.Cookie
						if c := r.Cookie(t, "session"); c != nil {
							pyCookies = append(pyCookies, c)
						}
						pyOut := observe(r.After.SID, pyCookies)

						s, err := m.Open(ctx, goCookie)
						if err != nil {
							t.Fatal(err)
						}
						switch sc {
						case "new-set", "read-set":
							s.Set("b", int64(2))
						case "read-clear":
							s.Clear()
						case "read":
							s.Get("a")
						}
						out, err := m.Commit(ctx, s)
						if err != nil {
							t.Fatal(err)
						}
						var goCookies []*http.Cookie
						if out.Cookie != nil {
							goCookies = append(goCookies, out.Cookie)
						}
						goOut := observe(s.ID(), goCookies)
						t.Logf("%s: %+v", sc, pyOut)
						if goOut != pyOut {
							t.Errorf("%s: Python %+v, Go %+v (%+v)", sc, pyOut, goOut, out)
						}
						if sc == "read" && out.Wrote {
							t.Errorf("read: Go rewrote an unchanged session")
						}
					}
				})
			}
		}
	}
}

// A Sentinel that knows no such master wraps redis.Nil in its error; that is
// a failure to reach the store, not a missing session.
func TestUnknownSentinelMasterIsAnError(t *testing.T) {
	addrs, _ := services.Sentinel(t)
	client := redis.NewFailoverClient(&redis.FailoverOptions{MasterName: "no-such-master", SentinelAddrs: addrs, MaxRetries: -1})
	defer client.Close()
	_, found, err := redisstore.New(client).Load(context.Background(), "session:x")
	if err == nil || found {
		t.Fatalf("Load = found %v, err %v; want an error", found, err)
	}
}

// TestRefreshOnLoad runs Options.RefreshOnLoad (a pipelined GETRANGE and
// EXPIRE) beside every Flask-Session line on a standalone server, and
// beside Flask-Session 0.8 (msgpack) on a Sentinel master and a Cluster.
func TestRefreshOnLoad(t *testing.T) {
	for _, c := range cases() {
		t.Run("standalone/"+name(c), func(t *testing.T) {
			c.Store, c.PyStore = standalone(t)
			storetest.RefreshOnLoad(t, c)
		})
		if c.Venv.Name != "fs08" || c.Format != flasksession.FormatMsgpack {
			continue
		}
		t.Run("sentinel/"+name(c), func(t *testing.T) {
			c.Store, c.PyStore = sentinel(t)
			storetest.RefreshOnLoad(t, c)
		})
		t.Run("cluster/"+name(c), func(t *testing.T) {
			c.Store, c.PyStore = cluster(t)
			storetest.RefreshOnLoad(t, c)
		})
	}
}
