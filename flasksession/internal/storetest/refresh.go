package storetest

import (
	"strings"
	"testing"
	"time"

	"github.com/flaskbridge/flaskbridge/flasksession"
)

// RefreshOnLoad runs a Manager with Options.RefreshOnLoad beside the
// Python app, for a store that is a LoadToucher: a session that is not
// permanent has its expiry extended where Python extends it (not under
// 0.6, where the option changes nothing); opening a session extends
// its expiry at once and Read does not; an unchanged session is committed
// without asking the store again, so a write Python made meanwhile stays;
// a changed one is written and Python reads it; a Python logout during a
// Go request that only reads is not undone, though Commit, not seeing it,
// reports Touched and sends the cookie, which Python then reads as no
// session.
func RefreshOnLoad(t *testing.T, c Case) {
	ttler, ok := c.Store.(flasksession.TTLer)
	toucher, ok2 := c.Store.(flasksession.Toucher)
	if _, ok3 := c.Store.(flasksession.LoadToucher); !ok || !ok2 || !ok3 {
		t.Skip("store cannot load and touch in one go, or report expiries")
	}
	c.RefreshOnLoad = true
	p, m := c.Setup(t)
	ctx := Ctx(t)
	w := p.Request(t, map[string]any{"set": "{'user_id': 1, 'step': 'python-1'}"})
	cookie := w.Cookie(t, m.CookieName()).Value
	key := m.Key(w.After.SID)
	ageKey := func(key string) {
		t.Helper()
		if _, err := toucher.Touch(ctx, key, 5*time.Second); err != nil {
			t.Fatal(err)
		}
		checkTTL(t, ttler, key, 5*time.Second)
	}
	age := func() { t.Helper(); ageKey(key) }
	ttlOf := func(key string) time.Duration {
		t.Helper()
		ttl, found, err := ttler.TTL(ctx, key)
		if err != nil || !found {
			t.Fatalf("TTL(%q): %v %v", key, found, err)
		}
		return ttl
	}

	// A session that is not permanent: a request that only reads it
	// extends its expiry on the Go side exactly where it does on the
	// Python side (0.7+ and 0.3 to 0.5: always; 0.6: never, and there the
	// option changes nothing).
	np := p.Request(t, map[string]any{"set": "{'user_id': 2}", "permanent": false})
	npCookie := np.Cookie(t, m.CookieName()).Value
	npKey := m.Key(np.After.SID)
	ageKey(npKey)
	p.Request(t, map[string]any{"cookie": npCookie})
	pyExtended := ttlOf(npKey) > time.Minute
	if want := c.Venv.Compat != flasksession.Compat06; pyExtended != want {
		t.Fatalf("Flask-Session extends the expiry of a session that is not permanent: %v, want %v", pyExtended, want)
	}
	ageKey(npKey)
	s, err := m.Open(ctx, npCookie)
	if err != nil || !s.Found() {
		t.Fatalf("open of the session that is not permanent: %v", err)
	}
	if goExtended := ttlOf(npKey) > time.Minute; goExtended != pyExtended {
		t.Fatalf("Go's load extends the expiry of a session that is not permanent: %v; Python: %v", goExtended, pyExtended)
	}
	s.Get("user_id")
	if _, err := m.Commit(ctx, s); err != nil {
		t.Fatal(err)
	}
	if goExtended := ttlOf(npKey) > time.Minute; goExtended != pyExtended {
		t.Fatalf("after Commit, Go extended the expiry of a session that is not permanent: %v; Python: %v", goExtended, pyExtended)
	}
	if c.Venv.Compat == flasksession.Compat06 {
		// The option changes nothing: the load of a permanent session
		// leaves its expiry, and Commit extends it through the store.
		age()
		s, err := m.Open(ctx, cookie)
		if err != nil || !s.Found() {
			t.Fatalf("open: %v", err)
		}
		checkTTL(t, ttler, key, 5*time.Second)
		s.Get("user_id")
		if out, err := m.Commit(ctx, s); err != nil || !out.Touched {
			t.Fatalf("commit: %+v %v", out, err)
		}
		checkTTL(t, ttler, key, Lifetime)
		return
	}

	// Read only reads.
	age()
	if _, _, found, err := m.Read(ctx, w.After.SID); err != nil || !found {
		t.Fatalf("Read: %v %v", found, err)
	}
	checkTTL(t, ttler, key, 5*time.Second)

	// Open extends the expiry; Python writes while the Go request runs;
	// Go's Commit of the unchanged session leaves Python's write alone.
	s, err = m.Open(ctx, cookie)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := s.Get("step"); v != "python-1" {
		t.Fatalf("Go read step %v", v)
	}
	checkTTL(t, ttler, key, Lifetime)
	p.Request(t, map[string]any{"cookie": cookie, "set": "{'step': 'python-2'}"})
	age()
	out, err := m.Commit(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if out.Wrote || !out.Touched || out.Gone || out.Cookie == nil {
		t.Fatalf("commit of an unchanged session: %+v; want Touched with a cookie", out)
	}
	// Nothing was asked of the store: the aged expiry is as Python left it.
	checkTTL(t, ttler, key, 5*time.Second)
	r := p.Request(t, map[string]any{"cookie": cookie, "expect": "{'_permanent': True, 'user_id': 1, 'step': 'python-2'}"})
	if r.After.Same == nil || !*r.After.Same {
		t.Fatalf("Python's write was lost: %s", r.Before.Repr)
	}
	// A second Commit of the session asks the store again.
	age()
	if out, err = m.Commit(ctx, s); err != nil || !out.Touched {
		t.Fatalf("second commit: %+v %v", out, err)
	}
	checkTTL(t, ttler, key, Lifetime)

	// A changed session is written, and Python reads Go's value.
	s, err = m.Open(ctx, cookie)
	if err != nil || !s.Found() {
		t.Fatalf("open: %v", err)
	}
	if err := s.Set("step", "go-1"); err != nil {
		t.Fatal(err)
	}
	if out, err = m.Commit(ctx, s); err != nil || !out.Wrote {
		t.Fatalf("commit of a changed session: %+v %v", out, err)
	}
	r = p.Request(t, map[string]any{"cookie": cookie, "expect": "{'_permanent': True, 'user_id': 1, 'step': 'go-1'}"})
	if r.After.Same == nil || !*r.After.Same {
		t.Fatalf("Python reads %s", r.Before.Repr)
	}

	// A Python logout during a Go request that only reads the session.
	s, err = m.Open(ctx, cookie)
	if err != nil || !s.Found() {
		t.Fatalf("open: %v", err)
	}
	s.Get("user_id")
	p.Request(t, map[string]any{"cookie": cookie, "clear": true})
	if _, found, err := c.Store.Load(ctx, key); err != nil || found {
		t.Fatalf("Python's logout left the entry (err %v)", err)
	}
	if out, err = m.Commit(ctx, s); err != nil || !out.Touched || out.Wrote || out.Cookie == nil {
		t.Fatalf("commit after Python's logout: %+v %v; want Touched with a cookie", out, err)
	}
	if _, found, err := c.Store.Load(ctx, key); err != nil || found {
		t.Fatalf("Go brought back the session Python removed (err %v)", err)
	}
	// Opening it again finds nothing, and creates nothing.
	if s, err = m.Open(ctx, cookie); err != nil || s.Found() {
		t.Fatalf("open after the logout: found %v, %v", s != nil && s.Found(), err)
	}
	if _, found, err := c.Store.Load(ctx, key); err != nil || found {
		t.Fatalf("opening the removed session created an entry (err %v)", err)
	}
	r = p.Request(t, map[string]any{"cookie": out.Cookie.Value})
	if strings.Contains(r.Before.Repr, "user_id") {
		t.Fatalf("Python still reads the session it logged out: %s", r.Before.Repr)
	}
}
