package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/flaskbridge/flaskbridge/flasksession"
)

// MergeToEmpty: with MergeWrites, Go removes 'a' from a session Python
// wrote ({'a': 1, 'b': 2}) while a Python request removes 'b', so that the
// merge leaves nothing (or only "_permanent"). Go's save must do what
// Flask-Session's save does with such a session, which Python alone shows
// on a session it empties the same way: 0.6 and later (and 0.3 to 0.5 for
// a session that is not permanent) delete the entry and the cookie; 0.3 to
// 0.5 store a session that holds "_permanent".
func MergeToEmpty(t *testing.T, c Case) {
	if _, ok := c.Store.(flasksession.CompareAndSwapper); !ok {
		t.Skip("MergeWrites needs CompareAndSwap")
	}
	for _, perm := range []bool{true, false} {
		t.Run(fmt.Sprintf("permanent=%v", perm), func(t *testing.T) {
			if !perm && c.PyStore["type"] == "sqlalchemy" && c.Venv.Compat != flasksession.Compat08 {
				t.Skip("Flask-Session 0.3 to 0.6 store a session that is not permanent with a NULL expiry, then fail to open it (None <= datetime)")
			}
			p, _ := c.Setup(t)
			p.Config["SESSION_PERMANENT"] = perm
			o, err := flasksession.OptionsFromConfig(p.Config)
			if err != nil {
				t.Fatal(err)
			}
			o.Compat, o.MergeWrites = c.Venv.Compat, true
			m, err := flasksession.New(c.Store, o)
			if err != nil {
				t.Fatal(err)
			}
			ctx := Ctx(t)

			// Python alone.
			w := p.Request(t, map[string]any{"set": "{'a': 1}"})
			ref := p.Request(t, map[string]any{"cookie": w.Cookie(t, m.CookieName()).Value, "delete": []string{"a"}})
			_, pyKept, err := c.Store.Load(ctx, m.Key(w.After.SID))
			if err != nil {
				t.Fatal(err)
			}
			pyC := ref.Cookie(t, m.CookieName())

			// Go and Python at once.
			w = p.Request(t, map[string]any{"set": "{'a': 1, 'b': 2}"})
			cookie := w.Cookie(t, m.CookieName()).Value
			s, err := m.Open(ctx, cookie)
			if err != nil || !s.Found() {
				t.Fatalf("open: %v", err)
			}
			s.Delete("a")
			p.Request(t, map[string]any{"cookie": cookie, "delete": []string{"b"}})
			out, err := m.Commit(ctx, s)
			if err != nil {
				t.Fatal(err)
			}
			_, goKept, err := c.Store.Load(ctx, m.Key(s.ID()))
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("Python: entry kept %v, %v; Go: %+v", pyKept, ref.SetCookie, out)
			if goKept != pyKept || out.Deleted == pyKept || out.Wrote != pyKept {
				t.Fatalf("entry kept: Python %v, Go %v (%+v)", pyKept, goKept, out)
			}
			CheckCookie(t, out.Cookie, pyC)
			if pyC != nil && (pyC.MaxAge < 0) != (out.Cookie.MaxAge < 0) {
				t.Fatalf("cookie deleted: Python %v, Go %v", pyC, out.Cookie)
			}
			if c.Venv.Compat == flasksession.Compat08 && (ref.Vary != "") != out.Vary {
				t.Errorf("Vary: Python %q, Go %v", ref.Vary, out.Vary)
			}
			// What Python then opens with the cookie it held.
			r := p.Request(t, map[string]any{"cookie": cookie, "expect": ref.After.Repr})
			if r.After.Same == nil || !*r.After.Same {
				t.Fatalf("Python opens %s, want %s", r.Before.Repr, ref.After.Repr)
			}
		})
	}
}

// CompareAndDelete checks a CompareAndDeleter on key, which must be
// absent: an absent key, and one holding other bytes (or bytes that differ
// only in case), are left; one holding the bytes given is deleted. The
// key is left absent.
func CompareAndDelete(t *testing.T, s interface {
	flasksession.Store
	flasksession.CompareAndDeleter
}, key string) {
	t.Helper()
	ctx := Ctx(t)
	if ok, err := s.CompareAndDelete(ctx, key, nil); ok || err != nil {
		t.Fatalf("absent key: %v %v", ok, err)
	}
	if err := s.Save(ctx, key, []byte("v1"), time.Minute); err != nil {
		t.Fatal(err)
	}
	for _, other := range []string{"v0", "V1"} {
		if ok, err := s.CompareAndDelete(ctx, key, []byte(other)); ok || err != nil {
			t.Fatalf("other bytes %q: %v %v", other, ok, err)
		}
	}
	if _, found, _ := s.Load(ctx, key); !found {
		t.Fatal("a key holding other bytes was deleted")
	}
	if ok, err := s.CompareAndDelete(ctx, key, []byte("v1")); !ok || err != nil {
		t.Fatalf("same bytes: %v %v", ok, err)
	}
	if _, found, _ := s.Load(ctx, key); found {
		t.Fatal("the key is still there")
	}
}
