package flasksession_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flaskbridge/flaskbridge/flasksession"
	"github.com/flaskbridge/flaskbridge/py"
)

// memStore is a map store for the tests of the Manager alone; it counts
// the calls and can be made to fail.
type memStore struct {
	mu      sync.Mutex
	data    map[string][]byte
	ttl     map[string]time.Duration
	fail    error
	saves   int
	touches int
	deletes int
}

func newMem() *memStore {
	return &memStore{data: map[string][]byte{}, ttl: map[string]time.Duration{}}
}

func (m *memStore) Load(_ context.Context, key string) ([]byte, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return nil, false, m.fail
	}
	b, ok := m.data[key]
	return b, ok, nil
}

func (m *memStore) Save(_ context.Context, key string, data []byte, ttl time.Duration) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return m.fail
	}
	m.saves++
	m.data[key], m.ttl[key] = append([]byte(nil), data...), ttl
	return nil
}

func (m *memStore) Delete(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return m.fail
	}
	m.deletes++
	delete(m.data, key)
	return nil
}

func (m *memStore) Touch(_ context.Context, key string, ttl time.Duration) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return false, m.fail
	}
	m.touches++
	_, ok := m.data[key]
	if ok {
		m.ttl[key] = ttl
	}
	return ok, nil
}

func newManager(t *testing.T, st flasksession.Store, o flasksession.Options) *flasksession.Manager {
	t.Helper()
	m, err := flasksession.New(st, o)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

var (
	uuid4RE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	tokenRE = regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)
)

func TestIDStyles(t *testing.T) {
	st := newMem()
	for _, c := range []struct {
		compat flasksession.Compat
		re     *regexp.Regexp
	}{{flasksession.Compat05, uuid4RE}, {flasksession.Compat06, tokenRE}, {flasksession.Compat08, tokenRE}} {
		m := newManager(t, st, flasksession.Options{Compat: c.compat})
		seen := map[string]bool{}
		for i := 0; i < 100; i++ {
			id := m.NewID()
			if !c.re.MatchString(id) || seen[id] {
				t.Fatalf("%s: id %q", c.compat, id)
			}
			seen[id] = true
		}
	}
	if n := len(flasksession.NewTokenID(16)); n != 22 {
		t.Errorf("token_urlsafe(16) has %d chars, want 22", n)
	}
}

func TestLifecycle08(t *testing.T) {
	ctx := context.Background()
	st := newMem()
	m := newManager(t, st, flasksession.Options{})
	s, err := m.Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	// A new session holding only _permanent is empty: nothing is stored.
	out, err := m.Commit(ctx, s)
	if err != nil || out.Cookie != nil || out.Wrote || st.saves != 0 {
		t.Fatalf("untouched new session: %+v %v", out, err)
	}
	s.Set("user_id", int64(1))
	out, err = m.Commit(ctx, s)
	if err != nil || !out.Wrote || out.Cookie == nil || !out.Vary {
		t.Fatalf("modified: %+v %v", out, err)
	}
	if out.Cookie.Expires.IsZero() || !out.Cookie.HttpOnly || out.Cookie.Path != "/" {
		t.Errorf("cookie %s", out.Cookie)
	}
	if st.ttl[m.Key(s.ID())] != flasksession.DefaultLifetime {
		t.Errorf("ttl %v", st.ttl[m.Key(s.ID())])
	}
	cookie := out.Cookie.Value
	// Reading only: the expiry is extended, the value not written.
	s, err = m.Open(ctx, cookie)
	if err != nil || !s.Found() || s.Format() != flasksession.FormatMsgpack {
		t.Fatalf("reopen: %v %v", s, err)
	}
	if v, _ := s.Get("user_id"); v != int64(1) {
		t.Fatalf("user_id = %v", v)
	}
	saves := st.saves
	out, err = m.Commit(ctx, s)
	if err != nil || out.Wrote || !out.Touched || st.saves != saves || out.Cookie == nil {
		t.Fatalf("read-only commit: %+v %v", out, err)
	}
	// Clear keeps _permanent (0.7+) and deletes the entry and the cookie.
	s.Clear()
	if !s.Permanent() || s.Len() != 1 {
		t.Errorf("after clear: %s", py.Repr(s.Dict()))
	}
	out, err = m.Commit(ctx, s)
	if err != nil || !out.Deleted || out.Cookie == nil || out.Cookie.MaxAge != -1 {
		t.Fatalf("clear: %+v %v", out, err)
	}
	if len(st.data) != 0 {
		t.Errorf("store still holds %d entries", len(st.data))
	}
	// An unknown id gets a new one (0.7+).
	s, _ = m.Open(ctx, cookie)
	if s.ID() == cookie || s.Found() {
		t.Errorf("unknown id kept")
	}
}

func TestLifecycle05(t *testing.T) {
	ctx := context.Background()
	st := newMem()
	m := newManager(t, st, flasksession.Options{Compat: flasksession.Compat05})
	s, _ := m.Open(ctx, "")
	// 0.3-0.5 store a new permanent session on its first request.
	out, err := m.Commit(ctx, s)
	if err != nil || !out.Wrote || out.Cookie == nil || out.Vary {
		t.Fatalf("new session: %+v %v", out, err)
	}
	id := s.ID()
	// An unknown id is kept.
	s, _ = m.Open(ctx, "0f1e2d3c-0000-4000-8000-000000000000")
	if s.ID() != "0f1e2d3c-0000-4000-8000-000000000000" || s.Found() {
		t.Errorf("unknown id: %q", s.ID())
	}
	// Stored values are pickles.
	if b := st.data[m.Key(id)]; len(b) < 2 || b[0] != 0x80 || b[1] != 4 {
		t.Errorf("stored %x", b)
	}
	// A cleared session is deleted; one with only _permanent is not empty.
	s, _ = m.Open(ctx, id)
	s.Clear()
	if s.Len() != 0 {
		t.Errorf("0.3-0.5 clear keeps nothing")
	}
	if out, _ := m.Commit(ctx, s); !out.Deleted {
		t.Errorf("clear: %+v", out)
	}
}

func TestLifecycle06NotPermanent(t *testing.T) {
	ctx := context.Background()
	st := newMem()
	m := newManager(t, st, flasksession.Options{Compat: flasksession.Compat06, Permanent: flasksession.Bool(false)})
	s, _ := m.Open(ctx, "")
	if s.Len() != 0 {
		t.Fatalf("SESSION_PERMANENT=False: %s", py.Repr(s.Dict()))
	}
	s.Set("a", int64(1))
	out, _ := m.Commit(ctx, s)
	if !out.Wrote || out.Cookie == nil || !out.Cookie.Expires.IsZero() {
		t.Fatalf("non-permanent: %+v", out)
	}
	// Unchanged and not permanent: 0.6 neither writes nor sets a cookie.
	s, _ = m.Open(ctx, out.Cookie.Value)
	out, _ = m.Commit(ctx, s)
	if out.Wrote || out.Touched || out.Cookie != nil {
		t.Fatalf("unchanged non-permanent: %+v", out)
	}
}

// TestPermanentIsBool: "_permanent" is read with Python's bool(), as
// Flask-Session's `if session.permanent` reads it: a zero float, an empty
// list or a zero Decimal is not permanent (a session cookie, no expiry).
func TestPermanentIsBool(t *testing.T) {
	ctx := context.Background()
	m := newManager(t, newMem(), flasksession.Options{Compat: flasksession.Compat06})
	zero, err := py.ParseDecimal("-0.00")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		perm py.Value
		want bool
	}{{0.0, false}, {py.NewList(), false}, {zero, false}, {"", false}, {1.5, true}, {"no", true}} {
		s, _ := m.Open(ctx, "")
		s.Set("_permanent", c.perm)
		s.Set("a", int64(1))
		out, err := m.Commit(ctx, s)
		if err != nil || out.Cookie == nil {
			t.Fatalf("%s: %+v, %v", py.Repr(c.perm), out, err)
		}
		if got := !out.Cookie.Expires.IsZero(); got != c.want {
			t.Errorf("_permanent = %s: cookie with expiry %v, want %v", py.Repr(c.perm), got, c.want)
		}
	}
}

func TestRefreshOff08(t *testing.T) {
	ctx := context.Background()
	st := newMem()
	m := newManager(t, st, flasksession.Options{RefreshEachRequest: flasksession.Bool(false)})
	s, _ := m.Open(ctx, "")
	s.Set("a", int64(1))
	out, _ := m.Commit(ctx, s)
	s, _ = m.Open(ctx, out.Cookie.Value)
	s.Get("a")
	out, _ = m.Commit(ctx, s)
	if out.Wrote || out.Touched || out.Cookie != nil || !out.Vary {
		t.Fatalf("unchanged, no refresh: %+v", out)
	}
}

func TestStoreFailureIsNotAnEmptySession(t *testing.T) {
	ctx := context.Background()
	st := newMem()
	m := newManager(t, st, flasksession.Options{})
	s, _ := m.Open(ctx, "")
	s.Set("user_id", int64(1))
	out, _ := m.Commit(ctx, s)
	st.fail = errors.New("connection refused")
	if _, err := m.Open(ctx, out.Cookie.Value); !errors.Is(err, flasksession.ErrStore) {
		t.Fatalf("Open = %v, want ErrStore", err)
	}
	st.fail = nil
	st.data[m.Key(s.ID())] = []byte("\x80\x04garbage")
	if _, err := m.Open(ctx, out.Cookie.Value); !errors.Is(err, flasksession.ErrCorrupt) {
		t.Fatalf("Open(corrupt) = %v, want ErrCorrupt", err)
	}
	if st.saves != 1 {
		t.Errorf("a failed open wrote to the store")
	}
}

func TestSignedCookies(t *testing.T) {
	ctx := context.Background()
	if _, err := flasksession.New(newMem(), flasksession.Options{UseSigner: true}); !errors.Is(err, flasksession.ErrNoSecretKey) {
		t.Fatalf("signer without key: %v", err)
	}
	st := newMem()
	m := newManager(t, st, flasksession.Options{UseSigner: true, SecretKey: "secret"})
	s, _ := m.Open(ctx, "")
	s.Set("a", int64(1))
	out, _ := m.Commit(ctx, s)
	// Known vector: itsdangerous Signer("secret", salt="flask-session",
	// key_derivation="hmac").sign(b"abc").
	if got, _ := flasksession.SignID("secret", "abc"); got != "abc.UOOlglGtLOKQM3OFkrI8bWIohNg" {
		t.Errorf("SignID = %q", got)
	}
	if !strings.HasPrefix(out.Cookie.Value, s.ID()+".") {
		t.Fatalf("cookie %q", out.Cookie.Value)
	}
	for _, bad := range []string{s.ID(), s.ID() + ".", s.ID() + ".AAAA", "." + s.ID(), out.Cookie.Value + "x"} {
		s2, err := m.Open(ctx, bad)
		if err != nil || s2.Found() || s2.ID() == s.ID() {
			t.Errorf("Open(%q) opened the session", bad)
		}
	}
	s2, err := m.Open(ctx, out.Cookie.Value)
	if err != nil || !s2.Found() {
		t.Fatalf("Open(signed): %v", err)
	}
}

func TestSaveWritesHeaders(t *testing.T) {
	ctx := context.Background()
	m := newManager(t, newMem(), flasksession.Options{CookieSameSite: "lax", CookieSecure: true, CookieDomain: "example.com",
		Now: func() time.Time { return time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC) }})
	r := httptest.NewRequest("GET", "/", nil)
	s, err := m.Load(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	s.Set("a", "b")
	w := httptest.NewRecorder()
	if err := m.Save(ctx, w, s); err != nil {
		t.Fatal(err)
	}
	h := w.Header()
	want := "session=" + s.ID() + "; Path=/; Domain=example.com; Expires=Sat, 02 Feb 2030 03:04:05 GMT; HttpOnly; Secure; SameSite=Lax"
	if got := h.Get("Set-Cookie"); got != want {
		t.Errorf("Set-Cookie:\n got %s\nwant %s", got, want)
	}
	if h.Get("Vary") != "Cookie" {
		t.Errorf("Vary %q", h.Get("Vary"))
	}
	r = httptest.NewRequest("GET", "/", nil)
	r.AddCookie(&http.Cookie{Name: "session", Value: s.ID()})
	if s2, err := m.Load(ctx, r); err != nil || !s2.Found() {
		t.Errorf("Load: %v", err)
	}
}

// TestMigrationWithoutCAS: a store without compare-and-swap gets a plain
// rewrite of a pickled session.
func TestMigrationWithoutCAS(t *testing.T) {
	ctx := context.Background()
	st := newMem()
	old := newManager(t, st, flasksession.Options{Compat: flasksession.Compat06})
	s, _ := old.Open(ctx, "")
	s.Set("a", int64(1))
	out, _ := old.Commit(ctx, s)
	m := newManager(t, st, flasksession.Options{SerializationFormat: flasksession.FormatJSON})
	s, err := m.Open(ctx, out.Cookie.Value)
	if err != nil || s.Format() != flasksession.FormatPickle {
		t.Fatalf("open pickled: %v %v", s, err)
	}
	if out, _ := m.Commit(ctx, s); !out.Wrote {
		t.Fatalf("not migrated: %+v", out)
	}
	if got := string(st.data[m.Key(s.ID())]); got != `{"_permanent":true,"a":1}` {
		t.Errorf("migrated value %s", got)
	}
}

func TestMarkup(t *testing.T) {
	ctx := context.Background()
	m := newManager(t, newMem(), flasksession.Options{})
	s, _ := m.Open(ctx, "")
	s.Set("msg", py.Markup("<b>hi</b>"))
	if _, err := m.Commit(ctx, s); !errors.Is(err, flasksession.ErrSerialize) {
		t.Fatalf("Markup in msgpack: %v, want ErrSerialize", err)
	}
	m = newManager(t, newMem(), flasksession.Options{MarkupAsStr: true})
	s, _ = m.Open(ctx, "")
	s.Set("msg", py.Markup("<b>hi</b>"))
	if _, err := m.Commit(ctx, s); err != nil {
		t.Fatal(err)
	}
}

func TestSerializerReadOrder(t *testing.T) {
	d := py.DictOf("a", int64(1))
	for _, f := range []flasksession.Format{flasksession.FormatMsgpack, flasksession.FormatJSON, flasksession.FormatPickle} {
		data, err := flasksession.Serializer{Format: f}.Encode(d)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range []flasksession.Format{flasksession.FormatMsgpack, flasksession.FormatJSON} {
			got, gf, err := flasksession.Serializer{Format: r}.Decode(data)
			if err != nil || gf != f || !py.Equal(got, d) {
				t.Errorf("written %s, read with %s: %v %s %v", f, r, gf, py.Repr(got), err)
			}
		}
		_, _, err = flasksession.Serializer{PickleOnly: true}.Decode(data)
		if (err == nil) != (f == flasksession.FormatPickle) {
			t.Errorf("pickle-only read of %s: %v", f, err)
		}
	}
	if _, _, err := (flasksession.Serializer{}).Decode([]byte("[1, 2]")); !errors.Is(err, flasksession.ErrCorrupt) {
		t.Errorf("a list: %v", err)
	}
}
