package storetest

import (
	"testing"

	"github.com/flaskbridge/flaskbridge/flasksession"
	"github.com/flaskbridge/flaskbridge/py"
)

// MigratePickleToMsgpack: Flask-Session 0.6 pickles a session into the
// store (spec is the fsession op's view of it); a Go Manager configured as
// 0.8 reads the pickle and, although nothing changed, rewrites it as
// msgpack (by compare-and-swap where the store has it); Flask-Session 0.8
// then reads the msgpack value as Go does. A swap against bytes that are
// no longer there does nothing.
func MigratePickleToMsgpack(t *testing.T, store flasksession.Store, spec map[string]any) {
	ctx := Ctx(t)
	old := Case{Venv: VenvByName("fs06"), Store: store, PyStore: spec}
	p06, m06 := old.Setup(t)
	w := p06.Request(t, map[string]any{"set": PySample(flasksession.FormatMsgpack)})
	cookie := w.Cookie(t, "session").Value
	prefix := p06.Config["SESSION_KEY_PREFIX"].(string)
	key := m06.Key(w.After.SID)
	raw, found, err := store.Load(ctx, key)
	if err != nil || !found || raw[0] != 0x80 {
		t.Fatalf("0.6 did not store a pickle: %x %v %v", raw, found, err)
	}

	newer := Case{Venv: VenvByName("fs08"), Format: flasksession.FormatMsgpack, Store: store, PyStore: spec}
	p08, _ := newer.Setup(t)
	p08.Config["SESSION_KEY_PREFIX"] = prefix
	m08, err := flasksession.New(store, flasksession.Options{KeyPrefix: flasksession.String(prefix), PermanentSessionLifetime: Lifetime})
	if err != nil {
		t.Fatal(err)
	}
	s, err := m08.Open(ctx, cookie)
	if err != nil || !s.Found() || s.Format() != flasksession.FormatPickle {
		t.Fatalf("Go 0.8 open of a pickle: %v %v", s, err)
	}
	out, err := m08.Commit(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if !out.Wrote {
		t.Fatalf("the pickled session was not rewritten: %+v", out)
	}
	raw, _, _ = store.Load(ctx, key)
	if raw[0] == 0x80 {
		t.Fatalf("still a pickle: %x", raw[:8])
	}
	s2, err := m08.Open(ctx, cookie)
	if err != nil || s2.Format() != flasksession.FormatMsgpack {
		t.Fatalf("reopen: %v %v", s2, err)
	}
	r := p08.Request(t, map[string]any{"cookie": cookie, "expect": py.Repr(s2.Dict())})
	if r.Before.SID != w.After.SID || r.After.Same == nil || !*r.After.Same {
		t.Fatalf("0.8 reads %s (sid %q), Go %s", r.Before.Repr, r.Before.SID, py.Repr(s2.Dict()))
	}
	if cas, ok := store.(flasksession.CompareAndSwapper); ok {
		swapped, err := cas.CompareAndSwap(ctx, key, []byte("stale"), []byte("x"), flasksession.KeepTTL)
		if err != nil || swapped {
			t.Fatalf("stale swap: %v %v", swapped, err)
		}
	}
}
