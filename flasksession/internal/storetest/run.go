package storetest

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/flaskbridge/flaskbridge/flasksession"
	"github.com/flaskbridge/flaskbridge/internal/compat"
	"github.com/flaskbridge/flaskbridge/internal/pyharness"
	"github.com/flaskbridge/flaskbridge/pickle"
	"github.com/flaskbridge/flaskbridge/py"
)

// Secret is the SECRET_KEY both sides use.
const Secret = "flaskbridge shared secret ✓"

// Lifetime is the PERMANENT_SESSION_LIFETIME both sides use.
const Lifetime = time.Hour

// Case is one venv and format over one store.
type Case struct {
	Venv   Venv
	Format flasksession.Format // FormatMsgpack or FormatJSON for 0.7+, else pickle
	Signer bool
	// Store is the Go store; PyStore the fsession op's spec of the same
	// storage.
	Store   flasksession.Store
	PyStore map[string]any
	// Values is the format the store holds values in, when the store fixes
	// it (filesystem: always pickle); empty means Format.
	Values flasksession.Format
	// PickleProtocol is the Manager's Options.PickleProtocol (memcached
	// under 0.3 to 0.5: pickle.TextProtocol).
	PickleProtocol int
	// RefreshOnLoad is the Manager's Options.RefreshOnLoad.
	RefreshOnLoad bool
}

// Prefix returns a fresh SESSION_KEY_PREFIX, so tests sharing a server do
// not meet.
func Prefix() string {
	var b [6]byte
	rand.Read(b[:])
	return "fbtest:" + hex.EncodeToString(b[:]) + ":"
}

// Setup starts the venv's helper and returns both sides, configured alike.
func (c Case) Setup(t *testing.T) (*Py, *flasksession.Manager) {
	t.Helper()
	h := pyharness.Start(t, c.Venv.Name)
	prefix := Prefix()
	cfg := map[string]any{
		"SECRET_KEY":                 Secret,
		"SESSION_USE_SIGNER":         c.Signer,
		"SESSION_KEY_PREFIX":         prefix,
		"PERMANENT_SESSION_LIFETIME": int(Lifetime / time.Second),
	}
	opts := flasksession.Options{
		Compat:                   c.Venv.Compat,
		SecretKey:                Secret,
		UseSigner:                c.Signer,
		KeyPrefix:                flasksession.String(prefix),
		PermanentSessionLifetime: Lifetime,
		PickleProtocol:           c.PickleProtocol,
		RefreshOnLoad:            c.RefreshOnLoad,
	}
	if c.Venv.Compat == flasksession.Compat08 {
		cfg["SESSION_SERIALIZATION_FORMAT"] = string(c.Format)
		opts.SerializationFormat = c.Format
	}
	m, err := flasksession.New(c.Store, opts)
	if err != nil {
		t.Fatal(err)
	}
	return &Py{H: h, Store: c.PyStore, Config: cfg}, m
}

func (c Case) values() flasksession.Format {
	if c.Values != "" {
		return c.Values
	}
	if c.Venv.Compat != flasksession.Compat08 {
		return flasksession.FormatPickle
	}
	return c.Format
}

// RunAll runs every shared scenario, and records each outcome for the
// README's compatibility table (internal/compat).
func RunAll(t *testing.T, c Case) {
	for _, sc := range []struct {
		name string
		f    func(*testing.T, Case)
	}{
		{"PythonWritesGoReads", PythonWritesGoReads},
		{"GoWritesPythonReads", GoWritesPythonReads},
		{"TouchWhilePythonWrites", TouchWhilePythonWrites},
		{"ClearDeletes", ClearDeletes},
		{"UnknownAndTamperedIDs", UnknownAndTamperedIDs},
		{"Regenerate", Regenerate},
	} {
		t.Run(sc.name, func(t *testing.T) {
			compat.Record(t, c.row(sc.name))
			sc.f(t, c)
		})
	}
}

// row describes c for the compatibility log.
func (c Case) row(check string) compat.Row {
	// The format the store holds (the filesystem store pickles whatever
	// SESSION_SERIALIZATION_FORMAT says).
	r := compat.Row{Area: "flask-session", Venv: c.Venv.Name, Format: string(c.values()), Check: check}
	switch c.PyStore["type"] {
	case "redis":
		r.Store = "redis"
		if _, ok := c.PyStore["sentinel"]; ok {
			r.Store = "redis-sentinel"
		} else if _, ok := c.PyStore["cluster"]; ok {
			r.Store = "redis-cluster"
		}
	case "memcached":
		r.Store = "memcached"
		r.Client, _ = c.PyStore["client"].(string)
	case "sqlalchemy":
		uri, _ := c.PyStore["uri"].(string)
		scheme, _, _ := strings.Cut(uri, ":")
		scheme, _, _ = strings.Cut(scheme, "+")
		r.Store = scheme
	default:
		r.Store, _ = c.PyStore["type"].(string)
	}
	return r
}

// PythonWritesGoReads: a Flask request stores a session; Go opens the
// cookie Flask set and reads what Flask itself reads back.
func PythonWritesGoReads(t *testing.T, c Case) {
	p, m := c.Setup(t)
	ctx := Ctx(t)
	w := p.Request(t, map[string]any{"set": PySample(c.values())})
	pyC := w.Cookie(t, m.CookieName())
	if pyC == nil {
		t.Fatalf("Python set no cookie: %+v", w)
	}
	s, err := m.Open(ctx, pyC.Value)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Found() || s.ID() != w.After.SID {
		t.Fatalf("Go opened sid %q (found %v), Python wrote %q", s.ID(), s.Found(), w.After.SID)
	}
	if s.Format() != c.values() {
		t.Errorf("stored format %s, want %s", s.Format(), c.values())
	}
	// What Python reads back from the store is what Go must have read.
	t.Logf("Go read %s", py.Repr(s.Dict()))
	r := p.Request(t, map[string]any{"cookie": pyC.Value, "expect": py.Repr(s.Dict())})
	if r.After.Same == nil || !*r.After.Same {
		t.Fatalf("Go read %s\nPython reads %s", py.Repr(s.Dict()), r.Before.Repr)
	}
	// The Go cookie for this session matches Python's.
	s.MarkModified()
	out, err := m.Commit(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	CheckCookie(t, out.Cookie, pyC)
	if out.Cookie.Value != pyC.Value {
		t.Errorf("cookie value: Go %q, Python %q", out.Cookie.Value, pyC.Value)
	}
	if ttl, ok := c.Store.(flasksession.TTLer); ok {
		checkTTL(t, ttl, m.Key(s.ID()), Lifetime)
	}
}

// GoWritesPythonReads: Go starts a session and saves it; a Flask request
// with Go's cookie reads the same values, and the stored bytes are what
// the Python serializer writes for them.
func GoWritesPythonReads(t *testing.T, c Case) {
	p, m := c.Setup(t)
	ctx := Ctx(t)
	s, err := m.Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	want := Sample(c.values())
	for k, v := range want.All() {
		if err := s.Set(k.(string), v); err != nil {
			t.Fatal(err)
		}
	}
	out, err := m.Commit(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if !out.Wrote || out.Cookie == nil {
		t.Fatalf("commit of a new session: %+v", out)
	}
	r := p.Request(t, map[string]any{"cookie": out.Cookie.Value, "expect": py.Repr(want)})
	if r.Before.SID != s.ID() {
		t.Fatalf("Python opened sid %q, Go wrote %q", r.Before.SID, s.ID())
	}
	if r.After.Same == nil || !*r.After.Same {
		t.Fatalf("Go wrote %s\nPython reads %s", py.Repr(want), r.Before.Repr)
	}
	// The same values through Python's serializer give the same bytes.
	data, found, err := c.Store.Load(ctx, m.Key(s.ID()))
	if err != nil || !found {
		t.Fatalf("load: %v %v", found, err)
	}
	var dumped string
	args := map[string]any{"format": string(c.values()), "repr_text": py.Repr(want)}
	if c.values() == flasksession.FormatPickle {
		switch proto := m.Serializer().PickleProtocol; proto {
		case 0:
			args["protocol"] = 4
		case pickle.TextProtocol:
			args["protocol"] = 0
		default:
			args["protocol"] = proto
		}
	}
	p.H.MustCall(t, "fsession.dumps", args, &dumped)
	if pyBytes := B64(t, dumped); string(pyBytes) != string(data) {
		t.Errorf("stored bytes differ from Python's serializer:\n  Go     %x\n  Python %x", data, pyBytes)
	}
	// Python's cookie for the session, after a change, matches Go's.
	r = p.Request(t, map[string]any{"cookie": out.Cookie.Value, "set": "{'more': 1}"})
	CheckCookie(t, out.Cookie, r.Cookie(t, m.CookieName()))
}

// TouchWhilePythonWrites: Go opens a session and only reads it; Python
// writes new values meanwhile; Go's save extends the expiry without
// writing back the values it read. Then Python logs out (clears the
// session, which deletes the entry) while another Go request only reads
// it: Go's save does not bring the entry back and sets no cookie
// (Outcome.Gone), and Python then opens a new session with the cookie.
func TouchWhilePythonWrites(t *testing.T, c Case) {
	ttler, ok := c.Store.(flasksession.TTLer)
	toucher, ok2 := c.Store.(flasksession.Toucher)
	if !ok || !ok2 {
		t.Skip("store cannot report or extend expiries")
	}
	p, m := c.Setup(t)
	ctx := Ctx(t)
	w := p.Request(t, map[string]any{"set": "{'user_id': 1, 'step': 'python-1'}"})
	cookie := w.Cookie(t, m.CookieName()).Value
	s, err := m.Open(ctx, cookie)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := s.Get("step"); v != "python-1" {
		t.Fatalf("Go read step %v", v)
	}
	// Python writes while the Go request runs.
	p.Request(t, map[string]any{"cookie": cookie, "set": "{'step': 'python-2'}"})
	// Age the entry, then let Go's request end.
	key := m.Key(s.ID())
	if _, err := toucher.Touch(ctx, key, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	checkTTL(t, ttler, key, 5*time.Second)
	out, err := m.Commit(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if out.Wrote || !out.Touched {
		t.Fatalf("an unchanged session must be touched, not written: %+v", out)
	}
	checkTTL(t, ttler, key, Lifetime)
	r := p.Request(t, map[string]any{"cookie": cookie, "expect": "{'_permanent': True, 'user_id': 1, 'step': 'python-2'}"})
	if r.After.Same == nil || !*r.After.Same {
		t.Fatalf("Python's write was lost: %s", r.Before.Repr)
	}

	s, err = m.Open(ctx, cookie)
	if err != nil || !s.Found() {
		t.Fatalf("open: %v", err)
	}
	s.Get("user_id")
	lo := p.Request(t, map[string]any{"cookie": cookie, "clear": true})
	if lc := lo.Cookie(t, m.CookieName()); lc == nil || lc.MaxAge >= 0 {
		t.Fatalf("Python's logout did not delete the cookie: %v", lo.SetCookie)
	}
	if _, found, err := c.Store.Load(ctx, key); err != nil || found {
		t.Fatalf("Python's logout left the entry (err %v)", err)
	}
	out, err = m.Commit(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if !out.Gone || out.Touched || out.Wrote || out.Cookie != nil {
		t.Fatalf("commit after Python's logout: %+v; want Gone, no cookie", out)
	}
	if _, found, err := c.Store.Load(ctx, key); err != nil || found {
		t.Fatalf("Go brought back the session Python removed (err %v)", err)
	}
	r = p.Request(t, map[string]any{"cookie": cookie})
	if strings.Contains(r.Before.Repr, "user_id") || (c.Venv.Compat == flasksession.Compat08) == (r.Before.SID == s.ID()) {
		t.Fatalf("Python opens sid %q (was %q): %s", r.Before.SID, s.ID(), r.Before.Repr)
	}
}

// ClearDeletes: Go empties a session Python wrote; the entry and the
// cookie go, as when Python empties one.
func ClearDeletes(t *testing.T, c Case) {
	p, m := c.Setup(t)
	ctx := Ctx(t)
	w := p.Request(t, map[string]any{"set": "{'user_id': 7}"})
	cookie := w.Cookie(t, m.CookieName()).Value
	s, err := m.Open(ctx, cookie)
	if err != nil {
		t.Fatal(err)
	}
	s.Clear()
	out, err := m.Commit(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if !out.Deleted || out.Cookie == nil || out.Cookie.MaxAge >= 0 {
		t.Fatalf("clear: %+v", out)
	}
	if _, found, err := c.Store.Load(ctx, m.Key(s.ID())); err != nil || found {
		t.Fatalf("entry still there (err %v)", err)
	}
	// Python's own clear of another session sends the same deletion.
	w = p.Request(t, map[string]any{"set": "{'user_id': 8}"})
	cookie = w.Cookie(t, m.CookieName()).Value
	r := p.Request(t, map[string]any{"cookie": cookie, "clear": true})
	pyC := r.Cookie(t, m.CookieName())
	if pyC == nil || pyC.MaxAge >= 0 || pyC.Value != "" {
		t.Fatalf("Python's deletion cookie: %v", r.SetCookie)
	}
	if pyC.Path != out.Cookie.Path || pyC.HttpOnly != out.Cookie.HttpOnly || pyC.Secure != out.Cookie.Secure {
		t.Errorf("deletion cookies differ: Go %s, Python %s", out.Cookie, pyC)
	}
	if c.Venv.Compat == flasksession.Compat08 {
		if r.Vary == "" || !out.Vary {
			t.Errorf("0.7+ adds Vary: Cookie on deletion (Python %q, Go %v)", r.Vary, out.Vary)
		}
	}
}

// UnknownAndTamperedIDs: a cookie whose id the store does not know, and a
// tampered signed cookie, give the sessions Python gives.
func UnknownAndTamperedIDs(t *testing.T, c Case) {
	p, m := c.Setup(t)
	ctx := Ctx(t)
	unknown := m.CookieValue(m.NewID())
	r := p.Request(t, map[string]any{"cookie": unknown})
	s, err := m.Open(ctx, unknown)
	if err != nil {
		t.Fatal(err)
	}
	sidOf := func(cookie string) string {
		sid, err := m.ParseCookie(cookie)
		if err != nil {
			t.Fatal(err)
		}
		return sid
	}
	pyKept := r.Before.SID == sidOf(unknown)
	goKept := s.ID() == sidOf(unknown)
	if pyKept != goKept {
		t.Errorf("unknown sid: Python kept it %v, Go kept it %v", pyKept, goKept)
	}
	if want := c.Venv.Compat != flasksession.Compat08; goKept != want {
		t.Errorf("unknown sid kept %v, want %v for %s", goKept, want, c.Venv.Compat)
	}
	if !Same(t, p.H, r.Before.Repr, s.Dict()) {
		t.Errorf("new session: Python %s, Go %s", r.Before.Repr, py.Repr(s.Dict()))
	}
	if !c.Signer {
		return
	}
	w := p.Request(t, map[string]any{"set": "{'user_id': 9}"})
	cookie := w.Cookie(t, m.CookieName()).Value
	// The signature's first character: its last ones carry bits that
	// base64 decoding drops, so changing them may leave it valid.
	i := strings.LastIndexByte(cookie, '.') + 1
	c0 := byte('A')
	if cookie[i] == c0 {
		c0 = 'B'
	}
	tampered := cookie[:i] + string(c0) + cookie[i+1:]
	r = p.Request(t, map[string]any{"cookie": tampered})
	s, err = m.Open(ctx, tampered)
	if err != nil {
		t.Fatal(err)
	}
	if r.Before.SID == w.After.SID || s.ID() == w.After.SID || s.Found() {
		t.Fatalf("a tampered cookie opened the session (Python sid %q, Go sid %q)", r.Before.SID, s.ID())
	}
	if _, err := m.ParseCookie(tampered); !errors.Is(err, flasksession.ErrBadSignature) {
		t.Errorf("ParseCookie(tampered) = %v", err)
	}
}

// Regenerate: after Go regenerates a Python session, the old id is gone
// and Python opens the new one with the same values.
func Regenerate(t *testing.T, c Case) {
	p, m := c.Setup(t)
	ctx := Ctx(t)
	w := p.Request(t, map[string]any{"set": "{'cart': [1, 2]}"})
	cookie := w.Cookie(t, m.CookieName()).Value
	s, err := m.Open(ctx, cookie)
	if err != nil {
		t.Fatal(err)
	}
	old := s.ID()
	if err := m.Regenerate(ctx, s); err != nil {
		t.Fatal(err)
	}
	if err := s.Set("user_id", int64(5)); err != nil {
		t.Fatal(err)
	}
	out, err := m.Commit(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if s.ID() == old || out.Cookie == nil {
		t.Fatalf("regenerate: id %q -> %q, cookie %v", old, s.ID(), out.Cookie)
	}
	if _, found, _ := c.Store.Load(ctx, m.Key(old)); found {
		t.Error("the old entry is still there")
	}
	r := p.Request(t, map[string]any{"cookie": out.Cookie.Value, "expect": "{'_permanent': True, 'cart': [1, 2], 'user_id': 5}"})
	if r.Before.SID != s.ID() || r.After.Same == nil || !*r.After.Same {
		t.Fatalf("Python opened %q: %s", r.Before.SID, r.Before.Repr)
	}
}

func checkTTL(t testing.TB, s flasksession.TTLer, key string, want time.Duration) {
	t.Helper()
	ttl, found, err := s.TTL(Ctx(t), key)
	if err != nil || !found {
		t.Fatalf("TTL(%q): %v %v", key, found, err)
	}
	if ttl > want || ttl < want-5*time.Second {
		t.Errorf("TTL(%q) = %v, want about %v", key, ttl, want)
	}
}
