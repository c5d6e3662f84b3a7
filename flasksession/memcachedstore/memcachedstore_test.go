package memcachedstore_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flaskbridge/flaskbridge/flasksession"
	"github.com/flaskbridge/flaskbridge/flasksession/internal/storetest"
	"github.com/flaskbridge/flaskbridge/flasksession/memcachedstore"
	"github.com/flaskbridge/flaskbridge/internal/pyharness"
	"github.com/flaskbridge/flaskbridge/internal/services"
	"github.com/flaskbridge/flaskbridge/pickle"
	"github.com/flaskbridge/flaskbridge/py"
)

var (
	_ flasksession.Store             = (*memcachedstore.Store)(nil)
	_ flasksession.Toucher           = (*memcachedstore.Store)(nil)
	_ flasksession.CompareAndSwapper = (*memcachedstore.Store)(nil)
	_ flasksession.TTLer             = (*memcachedstore.Store)(nil)
)

func newStore(t testing.TB, o memcachedstore.Options) *memcachedstore.Store {
	t.Helper()
	s, err := memcachedstore.New(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// shared returns a store on the memcached of scripts/services.sh and the
// Python spec of it with the given client.
func shared(t testing.TB, client string) (*memcachedstore.Store, map[string]any) {
	addr := services.Memcached(t)
	return newStore(t, memcachedstore.Options{Servers: []string{addr}}),
		map[string]any{"type": "memcached", "servers": []string{addr}, "client": client}
}

// clients are the Python memcached clients of a venv: pylibmc (the one
// Flask-Session picks first) and python-memcached (its choice without
// pylibmc) everywhere, and pymemcache where it is installed (the 0.6 and
// 0.8 venvs).
func clients(v storetest.Venv) []string {
	if v.Compat == flasksession.Compat05 {
		return []string{"pylibmc", "memcache"}
	}
	return []string{"pylibmc", "memcache", "pymemcache"}
}

func cases() []storetest.Case {
	var out []storetest.Case
	for i, v := range storetest.Venvs {
		formats := []flasksession.Format{flasksession.FormatPickle}
		if v.Compat == flasksession.Compat08 {
			formats = []flasksession.Format{flasksession.FormatMsgpack, flasksession.FormatJSON}
		}
		for j, f := range formats {
			c := storetest.Case{Venv: v, Format: f, Signer: (i+j)%2 == 0}
			c.PickleProtocol = protocol(v)
			out = append(out, c)
		}
	}
	return out
}

// protocol is the pickle protocol a Flask-Session line writes to
// memcached: 0 for 0.3 to 0.5 (pickle.dumps(dict(session), 0)), the
// default otherwise.
func protocol(v storetest.Venv) int {
	if v.Compat == flasksession.Compat05 {
		return pickle.TextProtocol
	}
	return 0
}

func name(c storetest.Case, client string) string {
	s := c.Venv.Name + "/" + string(c.Format) + "/" + client
	if c.Signer {
		s += "/signed"
	}
	return s
}

// TestShared runs the shared scenarios for every Flask-Session venv and
// each of its memcached clients.
func TestShared(t *testing.T) {
	for _, c := range cases() {
		for _, client := range clients(c.Venv) {
			t.Run(name(c, client), func(t *testing.T) {
				c.Store, c.PyStore = shared(t, client)
				storetest.RunAll(t, c)
			})
		}
	}
}

// rawGet reads key's flags and bytes over a connection of its own, to see
// what a client stored.
func rawGet(t testing.TB, addr, key string) (flags int, data []byte, found bool) {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	fmt.Fprintf(c, "get %s\r\n", key)
	r := bufio.NewReader(c)
	line, err := r.ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	if line == "END\r\n" {
		return 0, nil, false
	}
	f := strings.Fields(line)
	if len(f) != 4 || f[0] != "VALUE" {
		t.Fatalf("reply %q", line)
	}
	flags, _ = strconv.Atoi(f[2])
	n, _ := strconv.Atoi(f[3])
	data = make([]byte, n+2)
	if _, err := io.ReadFull(r, data); err != nil {
		t.Fatal(err)
	}
	return flags, data[:n], true
}

// TestFlagsAndBytes: every Flask-Session line, through each of its
// clients, stores the serializer's bytes with flags 0 (0.3 to 0.5 pickle
// at protocol 0); what Go stores has flags 0 too and the clients return it
// as bytes, untouched.
func TestFlagsAndBytes(t *testing.T) {
	addr := services.Memcached(t)
	for _, v := range storetest.Venvs {
		for _, client := range clients(v) {
			t.Run(v.Name+"/"+client, func(t *testing.T) {
				store, spec := shared(t, client)
				c := storetest.Case{Venv: v, Format: flasksession.FormatMsgpack, Store: store, PyStore: spec}
				p, m := c.Setup(t)
				ctx := storetest.Ctx(t)
				w := p.Request(t, map[string]any{"set": "{'user_id': 3}"})
				key := m.Key(w.After.SID)
				flags, data, found := rawGet(t, addr, key)
				if !found || flags != 0 {
					t.Fatalf("Python stored flags %d (found %v)", flags, found)
				}
				want := map[flasksession.Compat]byte{flasksession.Compat05: '(', flasksession.Compat06: 0x80, flasksession.Compat08: 0x82}[v.Compat]
				if data[0] != want {
					t.Errorf("Python stored % x..., want a first byte %#x", data[:4], want)
				}
				got, found, err := store.Load(ctx, key)
				if err != nil || !found || string(got) != string(data) {
					t.Fatalf("Load = %x %v %v", got, found, err)
				}
				// A Go session is stored as the line stores it.
				gm, err := flasksession.New(store, flasksession.Options{Compat: v.Compat, PickleProtocol: protocol(v),
					KeyPrefix: flasksession.String(p.Config["SESSION_KEY_PREFIX"].(string))})
				if err != nil {
					t.Fatal(err)
				}
				s, _ := gm.Open(ctx, "")
				s.Set("user_id", int64(3))
				if _, err := gm.Commit(ctx, s); err != nil {
					t.Fatal(err)
				}
				_, goData, _ := rawGet(t, addr, gm.Key(s.ID()))
				args := map[string]any{"format": "pickle", "repr_text": py.Repr(s.Dict()), "protocol": 4}
				if v.Compat == flasksession.Compat05 {
					args["protocol"] = 0
				} else if v.Compat == flasksession.Compat08 {
					args = map[string]any{"format": "msgpack", "repr_text": py.Repr(s.Dict())}
				}
				var dumped string
				p.H.MustCall(t, "fsession.dumps", args, &dumped)
				if string(goData) != string(storetest.B64(t, dumped)) {
					t.Errorf("Go stored %q, Flask-Session's serializer gives %q", goData, storetest.B64(t, dumped))
				}

				goKey := key + "-go"
				if err := store.Save(ctx, goKey, []byte("\x00\x01 go bytes"), time.Minute); err != nil {
					t.Fatal(err)
				}
				if flags, _, _ := rawGet(t, addr, goKey); flags != 0 {
					t.Errorf("Go stored flags %d", flags)
				}
				var out struct {
					Found bool   `json:"found"`
					Type  string `json:"type"`
					Data  string `json:"data"`
				}
				p.H.MustCall(t, "fsession.memcached_get", map[string]any{"store": spec, "key": goKey}, &out)
				if !out.Found || out.Type != "bytes" || string(storetest.B64(t, out.Data)) != "\x00\x01 go bytes" {
					t.Errorf("Python's client reads %+v", out)
				}
			})
		}
	}
}

// TestThirtyDayRule: a lifetime over 30 days goes to memcached as an
// absolute Unix time, on both sides; exactly 30 days stays relative.
func TestThirtyDayRule(t *testing.T) {
	store, spec := shared(t, "memcache")
	ctx := storetest.Ctx(t)
	const day = 24 * time.Hour
	now := time.Now()

	if e, _ := store.Expiry(30 * day); e != 2592000 {
		t.Errorf("Expiry(30 days) = %d, want 2592000 (relative)", e)
	}
	if e, _ := store.Expiry(30*day + time.Second); e < now.Unix()+2592001 || e > now.Unix()+2592011 {
		t.Errorf("Expiry(30 days + 1s) = %d, want now + 2592001", e)
	}
	if e, _ := store.Expiry(1500 * time.Millisecond); e != 2 {
		t.Errorf("Expiry(1.5s) = %d", e)
	}
	if _, err := store.Expiry(-time.Second); err == nil {
		t.Error("negative ttl accepted")
	}

	// Go writes 31 days: memcached keeps it for 31 days.
	key := storetest.Prefix() + "31d"
	if err := store.Save(ctx, key, []byte("v"), 31*day); err != nil {
		t.Fatal(err)
	}
	checkTTL(t, store, key, 31*day)
	// The same ttl sent as relative seconds would be a time in 1970.
	old := newStore(t, memcachedstore.Options{Servers: spec["servers"].([]string), Now: func() time.Time { return now.AddDate(-1, 0, 0) }})
	if err := old.Save(ctx, key+"-past", []byte("v"), 31*day); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := store.Load(ctx, key+"-past"); found {
		t.Error("an absolute expiry in the past was kept: Now was not used")
	}
	if err := old.Save(ctx, key+"-30", []byte("v"), 30*day); err != nil {
		t.Fatal(err)
	}
	checkTTL(t, store, key+"-30", 30*day)
	if ok, err := store.Touch(ctx, key+"-30", 40*day); !ok || err != nil {
		t.Fatalf("Touch: %v %v", ok, err)
	}
	checkTTL(t, store, key+"-30", 40*day)

	// Every Flask-Session line sends a lifetime of 31 days (Flask's
	// default) as an absolute time.
	for _, v := range storetest.Venvs {
		t.Run(v.Name, func(t *testing.T) {
			c := storetest.Case{Venv: v, Format: flasksession.FormatMsgpack, Store: store, PyStore: spec}
			p, _ := c.Setup(t)
			p.Config["PERMANENT_SESSION_LIFETIME"] = int(31 * day / time.Second)
			o, err := flasksession.OptionsFromConfig(p.Config)
			if err != nil {
				t.Fatal(err)
			}
			o.Compat = v.Compat
			m, err := flasksession.New(store, o)
			if err != nil {
				t.Fatal(err)
			}
			w := p.Request(t, map[string]any{"set": "{'a': 1}"})
			checkTTL(t, store, m.Key(w.After.SID), 31*day)
			s, err := m.Open(ctx, w.Cookie(t, "session").Value)
			if err != nil || !s.Found() {
				t.Fatalf("Go open: %v", err)
			}
			s.Set("b", int64(2))
			if _, err := m.Commit(ctx, s); err != nil {
				t.Fatal(err)
			}
			checkTTL(t, store, m.Key(s.ID()), 31*day)
			r := p.Request(t, map[string]any{"cookie": w.Cookie(t, "session").Value, "expect": "{'_permanent': True, 'a': 1, 'b': 2}"})
			if r.After.Same == nil || !*r.After.Same {
				t.Fatalf("Python reads %s", r.Before.Repr)
			}
		})
	}
}

func checkTTL(t testing.TB, s *memcachedstore.Store, key string, want time.Duration) {
	t.Helper()
	ttl, found, err := s.TTL(storetest.Ctx(t), key)
	if err != nil || !found {
		t.Fatalf("TTL(%q): %v %v", key, found, err)
	}
	// memcached's clock ticks once a second and follows the monotonic
	// clock from its start, so an absolute expiry can show a few seconds
	// more than was asked on a server that has run for a while (the wall
	// clock is stepped, memcached's is not).
	if ttl > want+5*time.Second || ttl < want-5*time.Second {
		t.Errorf("TTL(%q) = %v, want about %v", key, ttl, want)
	}
}

// ownServer runs a memcached of the test's own on a free port.
type ownServer struct {
	t    *testing.T
	bin  string
	addr string
	cmd  *exec.Cmd
}

func startOwn(t *testing.T) *ownServer {
	services.Memcached(t) // the servers of the tests are installed
	bin := services.Command(t, "memcached")
	addr := fmt.Sprintf("127.0.0.1:%d", services.FreePort(t))
	o := &ownServer{t: t, bin: bin, addr: addr}
	o.start()
	t.Cleanup(o.stop)
	return o
}

func (o *ownServer) start() {
	_, port, _ := net.SplitHostPort(o.addr)
	o.cmd = exec.Command(o.bin, "-l", "127.0.0.1", "-p", port, "-U", "0", "-m", "16", "-u", "root")
	if err := o.cmd.Start(); err != nil {
		o.t.Fatal(err)
	}
	for i := 0; i < 100 && !services.Reachable(o.addr); i++ {
		time.Sleep(20 * time.Millisecond)
	}
}

func (o *ownServer) stop() {
	if o.cmd != nil {
		o.cmd.Process.Kill()
		o.cmd.Wait()
		o.cmd = nil
	}
}

// TestRestartAndStop: after a restart memcached is empty, and a session
// that was there is cleanly not found (a new session, as Python gives); a
// stopped server is ErrStore on both Open and Commit, never an empty
// session.
func TestRestartAndStop(t *testing.T) {
	srv := startOwn(t)
	for _, v := range []string{"fs05", "fs08"} {
		t.Run(v, func(t *testing.T) {
			store := newStore(t, memcachedstore.Options{Servers: []string{srv.addr}, Timeout: time.Second})
			c := storetest.Case{Venv: storetest.VenvByName(v), Format: flasksession.FormatMsgpack, Store: store,
				PyStore: map[string]any{"type": "memcached", "servers": []string{srv.addr}, "client": "memcache", "run": v + t.Name()}}
			p, m := c.Setup(t)
			ctx := storetest.Ctx(t)
			w := p.Request(t, map[string]any{"set": "{'user_id': 11}"})
			cookie := w.Cookie(t, "session").Value
			if s, err := m.Open(ctx, cookie); err != nil || !s.Found() {
				t.Fatalf("open before restart: %v", err)
			}
			srv.stop()
			srv.start()
			s, err := m.Open(ctx, cookie)
			if err != nil {
				t.Fatalf("open after restart: %v", err)
			}
			if s.Found() || s.Dict().Has("user_id") {
				t.Fatalf("restarted server: found %v, %v", s.Found(), s.Dict())
			}
			r := p.Request(t, map[string]any{"cookie": cookie})
			if !storetest.Same(t, p.H, r.Before.Repr, s.Dict()) {
				t.Errorf("Python opens %s, Go %v", r.Before.Repr, s.Dict())
			}

			s, _ = m.Open(ctx, "")
			s.Set("user_id", int64(12))
			out, err := m.Commit(ctx, s)
			if err != nil {
				t.Fatal(err)
			}
			srv.stop()
			if _, err := m.Open(ctx, out.Cookie.Value); !errors.Is(err, flasksession.ErrStore) {
				t.Fatalf("open with the server down: %v, want ErrStore", err)
			}
			s.Set("more", int64(1))
			if _, err := m.Commit(ctx, s); !errors.Is(err, flasksession.ErrStore) {
				t.Fatalf("commit with the server down: %v, want ErrStore", err)
			}
			srv.start()
		})
	}
}

// TestServers: with two servers, Go finds each key where python-memcached
// put it.
func TestServers(t *testing.T) {
	a, b := startOwn(t), startOwn(t)
	servers := []string{a.addr, b.addr}
	h := pyharness.Start(t, "fs06")
	spec := map[string]any{"type": "memcached", "servers": servers, "client": "memcache"}
	store := newStore(t, memcachedstore.Options{Servers: servers})
	single := map[string]*memcachedstore.Store{
		a.addr: newStore(t, memcachedstore.Options{Servers: []string{a.addr}}),
		b.addr: newStore(t, memcachedstore.Options{Servers: []string{b.addr}}),
	}
	ctx := storetest.Ctx(t)
	prefix := storetest.Prefix()
	per := map[string]int{}
	for i := 0; i < 40; i++ {
		key := prefix + flasksession.NewTokenID(32)
		h.MustCall(t, "fsession.memcached_set", map[string]any{"store": spec, "key": key, "data": storetest.B64Encode([]byte(key)), "time": 60}, nil)
		data, found, err := store.Load(ctx, key)
		if err != nil || !found || string(data) != key {
			t.Fatalf("Load(%q) = %q %v %v", key, data, found, err)
		}
		on := store.ServerFor(key)
		per[on]++
		if _, found, _ := single[on].Load(ctx, key); !found {
			t.Errorf("%q is not on %s", key, on)
		}
	}
	if len(per) != 2 {
		t.Errorf("keys per server: %v", per)
	}
}

// TestCompressedAndFlags: a value a Python client compressed (flag 8) is
// inflated; a value stored with other flags (a str: python-memcached's
// text flag) is an error, and through the Manager ErrStore.
func TestCompressedAndFlags(t *testing.T) {
	store, spec := shared(t, "memcache")
	h := pyharness.Start(t, "fs08")
	ctx := storetest.Ctx(t)
	key := storetest.Prefix() + "z"
	body := []byte(strings.Repeat("compressible session bytes ", 50))
	h.MustCall(t, "fsession.memcached_set", map[string]any{"store": spec, "key": key, "data": storetest.B64Encode(body), "time": 60, "min_compress_len": 10}, nil)
	if flags, _, _ := rawGet(t, services.Memcached(t), key); flags != 8 {
		t.Fatalf("python-memcached stored flags %d, want 8", flags)
	}
	data, found, err := store.Load(ctx, key)
	if err != nil || !found || string(data) != string(body) {
		t.Fatalf("Load = %d bytes, %v, %v", len(data), found, err)
	}
	small := newStore(t, memcachedstore.Options{Servers: spec["servers"].([]string), MaxValueSize: 100})
	if _, _, err := small.Load(ctx, key); !errors.Is(err, memcachedstore.ErrTooLarge) || !errors.Is(err, flasksession.ErrTooLarge) {
		t.Errorf("inflating over the limit: %v", err)
	}

	h.MustCall(t, "fsession.memcached_set", map[string]any{"store": spec, "key": key, "data": storetest.B64Encode([]byte("text")), "time": 60, "text": true}, nil)
	if _, _, err := store.Load(ctx, key); !errors.Is(err, memcachedstore.ErrFlags) {
		t.Fatalf("Load of a str value: %v, want ErrFlags", err)
	}
	m, _ := flasksession.New(store, flasksession.Options{KeyPrefix: flasksession.String("")})
	if _, err := m.Open(ctx, key); !errors.Is(err, flasksession.ErrStore) {
		t.Fatalf("Open: %v, want ErrStore", err)
	}
}

// TestCommands checks the edges of each command.
func TestCommands(t *testing.T) {
	store, _ := shared(t, "memcache")
	ctx := storetest.Ctx(t)
	k := storetest.Prefix() + "cmd"
	defer store.Delete(ctx, k)
	if err := store.Save(ctx, k, []byte("v1"), 0); err != nil {
		t.Fatal(err)
	}
	if ttl, found, err := store.TTL(ctx, k); err != nil || !found || ttl >= 0 {
		t.Errorf("TTL of a key without expiry = %v %v %v", ttl, found, err)
	}
	if err := store.Save(ctx, k, []byte("v1"), 90*time.Second); err != nil {
		t.Fatal(err)
	}
	checkTTL(t, store, k, 90*time.Second)
	if ok, err := store.Touch(ctx, k+"-absent", time.Minute); ok || err != nil {
		t.Errorf("Touch(absent) = %v %v", ok, err)
	}
	if _, found, _ := store.Load(ctx, k+"-absent"); found {
		t.Error("Touch created a key")
	}
	if _, found, err := store.TTL(ctx, k+"-absent"); found || err != nil {
		t.Errorf("TTL(absent) = %v %v", found, err)
	}
	if ok, err := store.CompareAndSwap(ctx, k, []byte("stale"), []byte("x"), time.Minute); ok || err != nil {
		t.Errorf("stale swap = %v %v", ok, err)
	}
	if ok, err := store.CompareAndSwap(ctx, k+"-absent", nil, []byte("x"), time.Minute); ok || err != nil {
		t.Errorf("swap of an absent key = %v %v", ok, err)
	}
	if ok, err := store.CompareAndSwap(ctx, k, []byte("v1"), []byte("v2"), flasksession.KeepTTL); !ok || err != nil {
		t.Errorf("swap = %v %v", ok, err)
	}
	checkTTL(t, store, k, 90*time.Second)
	if b, _, _ := store.Load(ctx, k); string(b) != "v2" {
		t.Errorf("after swap: %q", b)
	}
	if ok, err := store.CompareAndSwap(ctx, k, []byte("v2"), []byte("v3"), 2*time.Hour); !ok || err != nil {
		t.Errorf("swap = %v %v", ok, err)
	}
	checkTTL(t, store, k, 2*time.Hour)
	if err := store.Delete(ctx, k); err != nil {
		t.Fatal(err)
	}
	if err := store.Delete(ctx, k); err != nil {
		t.Errorf("deleting an absent key: %v", err)
	}
	for _, bad := range []string{"", "a b", "a\nb", "a\x7f", strings.Repeat("k", 251)} {
		if err := store.Save(ctx, bad, []byte("v"), time.Minute); !errors.Is(err, memcachedstore.ErrKey) {
			t.Errorf("Save(%q) = %v, want ErrKey", bad, err)
		}
		if _, _, err := store.Load(ctx, bad); !errors.Is(err, memcachedstore.ErrKey) {
			t.Errorf("Load(%q) = %v, want ErrKey", bad, err)
		}
	}
	big := make([]byte, 2<<20) // over memcached's default 1 MiB item limit
	if err := store.Save(ctx, k, big, time.Minute); !errors.Is(err, memcachedstore.ErrNotStored) {
		t.Errorf("Save of 2 MiB = %v, want ErrNotStored", err)
	}
	if err := store.Save(ctx, k, []byte("after"), time.Minute); err != nil {
		t.Errorf("the connection is not usable after a refusal: %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, _, err := store.Load(cctx, k); !errors.Is(err, context.Canceled) {
		t.Errorf("Load with a cancelled context: %v", err)
	}
	if _, err := memcachedstore.New(memcachedstore.Options{Servers: []string{"no port"}}); !errors.Is(err, memcachedstore.ErrConfig) {
		t.Errorf("bad server: %v", err)
	}
}

// TestConcurrent runs commands from many goroutines on a small pool.
func TestConcurrent(t *testing.T) {
	store, _ := shared(t, "memcache")
	ctx := storetest.Ctx(t)
	prefix := storetest.Prefix()
	errs := make(chan error, 16)
	for g := 0; g < 16; g++ {
		go func() {
			key := fmt.Sprintf("%sg%d", prefix, g)
			for i := 0; i < 50; i++ {
				v := []byte(fmt.Sprintf("%d-%d", g, i))
				if err := store.Save(ctx, key, v, time.Minute); err != nil {
					errs <- err
					return
				}
				got, _, err := store.Load(ctx, key)
				if err != nil || string(got) != string(v) {
					errs <- fmt.Errorf("%s: %q %v", key, got, err)
					return
				}
			}
			errs <- store.Delete(ctx, key)
		}()
	}
	for g := 0; g < 16; g++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// TestMigratePickleToMsgpack: a session 0.6 pickled into memcached is
// rewritten as msgpack by a Go manager set to 0.8, which 0.8 reads.
func TestMigratePickleToMsgpack(t *testing.T) {
	for _, client := range []string{"memcache", "pymemcache"} {
		t.Run(client, func(t *testing.T) {
			store, spec := shared(t, client)
			storetest.MigratePickleToMsgpack(t, store, spec)
		})
	}
}
