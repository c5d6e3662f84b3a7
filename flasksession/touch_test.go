package flasksession_test

import (
	"context"
	"testing"

	"github.com/flaskbridge/flaskbridge/flasksession"
	"github.com/flaskbridge/flaskbridge/py"
)

// TestTouchOfARemovedEntry: a session read and not changed, whose entry
// another request removed meanwhile, is not written back when it is
// committed, and gets no cookie: Outcome.Gone.
func TestTouchOfARemovedEntry(t *testing.T) {
	ctx := context.Background()
	for _, compat := range []flasksession.Compat{flasksession.Compat08, flasksession.Compat06, flasksession.Compat05} {
		t.Run(compat.String(), func(t *testing.T) {
			st := newMem()
			m := newManager(t, st, flasksession.Options{Compat: compat})
			sid := m.NewID()
			if err := m.Write(ctx, sid, py.DictOf("_permanent", true, "user_id", int64(1))); err != nil {
				t.Fatal(err)
			}
			s, err := m.Open(ctx, m.CookieValue(sid))
			if err != nil || !s.Found() {
				t.Fatalf("open: %v", err)
			}
			s.Get("user_id")
			if err := m.Remove(ctx, sid); err != nil { // a logout elsewhere
				t.Fatal(err)
			}
			saves := st.saves
			out, err := m.Commit(ctx, s)
			if err != nil || !out.Gone || out.Touched || out.Wrote || out.Deleted || out.Cookie != nil {
				t.Fatalf("commit: %+v, %v; want Gone and no cookie", out, err)
			}
			if out.Vary != (compat == flasksession.Compat08) {
				t.Errorf("Vary %v: the session was accessed", out.Vary)
			}
			if _, found, _ := st.Load(ctx, m.Key(sid)); found || st.saves != saves {
				t.Fatal("the removed entry was written back")
			}
			if s.Found() {
				t.Error("the session is still Found")
			}
			// A later Commit of the same session, still unchanged, does
			// not bring the entry back either.
			s.Get("user_id")
			out, err = m.Commit(ctx, s)
			if err != nil || !out.Gone || out.Touched || out.Wrote || out.Deleted || out.Cookie != nil {
				t.Fatalf("second commit: %+v, %v; want Gone and no cookie", out, err)
			}
			if _, found, _ := st.Load(ctx, m.Key(sid)); found || st.saves != saves {
				t.Fatal("the removed entry was written back by a second commit")
			}
			// Changed after that, it is stored again, as a session whose
			// id the store does not know.
			s.Set("user_id", int64(2))
			if out, err = m.Commit(ctx, s); err != nil || !out.Wrote || out.Gone || out.Cookie == nil || !s.Found() {
				t.Fatalf("commit of a change: %+v, %v", out, err)
			}
			if out, err = m.Commit(ctx, s); err != nil || !out.Touched || out.Gone {
				t.Fatalf("unchanged commit after the write: %+v, %v", out, err)
			}
		})
	}
	t.Run("entry there: touched", func(t *testing.T) {
		st := newMem()
		m := newManager(t, st, flasksession.Options{})
		sid := m.NewID()
		m.Write(ctx, sid, py.DictOf("_permanent", true, "user_id", int64(1)))
		s, _ := m.Open(ctx, sid)
		out, err := m.Commit(ctx, s)
		if err != nil || !out.Touched || out.Gone || out.Cookie == nil {
			t.Fatalf("commit: %+v, %v", out, err)
		}
	})
	t.Run("store without Touch: rewritten, as by Flask-Session", func(t *testing.T) {
		st := newMem()
		m := newManager(t, struct{ flasksession.Store }{st}, flasksession.Options{})
		sid := m.NewID()
		m.Write(ctx, sid, py.DictOf("_permanent", true, "user_id", int64(1)))
		s, _ := m.Open(ctx, sid)
		m.Remove(ctx, sid)
		out, err := m.Commit(ctx, s)
		if err != nil || !out.Wrote || out.Gone || out.Cookie == nil {
			t.Fatalf("commit: %+v, %v", out, err)
		}
	})
	// A pickled session that a 0.8 manager would rewrite as msgpack: a swap
	// that fails because the entry is gone is Gone too; one that fails
	// because another writer replaced it extends the new entry's expiry.
	for _, removed := range []bool{true, false} {
		name := map[bool]string{true: "format migration: removed", false: "format migration: replaced"}[removed]
		t.Run(name, func(t *testing.T) {
			st := &casMem{memStore: newMem()}
			old := newManager(t, st, flasksession.Options{Compat: flasksession.Compat06})
			m := newManager(t, st, flasksession.Options{})
			sid := m.NewID()
			old.Write(ctx, sid, py.DictOf("_permanent", true, "user_id", int64(1)))
			s, err := m.Open(ctx, sid)
			if err != nil || s.Format() != flasksession.FormatPickle {
				t.Fatalf("open: %v %v", s, err)
			}
			if removed {
				m.Remove(ctx, sid)
			} else {
				old.Write(ctx, sid, py.DictOf("_permanent", true, "user_id", int64(2)))
			}
			out, err := m.Commit(ctx, s)
			if err != nil || out.Wrote || out.Gone != removed || out.Touched == removed || (out.Cookie == nil) != removed {
				t.Fatalf("commit: %+v, %v", out, err)
			}
			if _, found, _ := st.Load(ctx, m.Key(sid)); found == removed {
				t.Fatalf("entry found %v", found)
			}
		})
	}
}
