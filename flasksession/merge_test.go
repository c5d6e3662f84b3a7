package flasksession_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/flaskbridge/flaskbridge/flasksession"
	"github.com/flaskbridge/flaskbridge/py"
)

// casMem is memStore with CompareAndSwap; before, when set, runs at the
// start of each swap, to play a writer that gets in first.
type casMem struct {
	*memStore
	before func()
	swaps  int
}

func (c *casMem) CompareAndSwap(_ context.Context, key string, old, data []byte, ttl time.Duration) (bool, error) {
	if c.before != nil {
		c.before()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.swaps++
	cur, ok := c.data[key]
	if !ok || !bytes.Equal(cur, old) {
		return false, nil
	}
	c.data[key], c.ttl[key] = append([]byte(nil), data...), ttl
	return true, nil
}

// mergeSetup stores {"a": 1, "b": 1} and opens it; write stores a dict
// under the same id, as another request would.
func mergeSetup(t *testing.T, o flasksession.Options) (*casMem, *flasksession.Manager, *flasksession.Session, func(...any)) {
	t.Helper()
	st := &casMem{memStore: newMem()}
	m := newManager(t, st, o)
	ctx := context.Background()
	sid := m.NewID()
	if err := m.Write(ctx, sid, py.DictOf("a", int64(1), "b", int64(1))); err != nil {
		t.Fatal(err)
	}
	s, err := m.Open(ctx, m.CookieValue(sid))
	if err != nil || !s.Found() {
		t.Fatalf("open: %v", err)
	}
	write := func(kv ...any) {
		if err := m.Write(ctx, sid, py.DictOf(kv...)); err != nil {
			t.Fatal(err)
		}
	}
	return st, m, s, write
}

func stored(t *testing.T, m *flasksession.Manager, sid string) string {
	t.Helper()
	d, _, found, err := m.Read(context.Background(), sid)
	if err != nil || !found {
		t.Fatalf("read: %v, found %v", err, found)
	}
	return py.Repr(d)
}

func TestMergeWrites(t *testing.T) {
	ctx := context.Background()
	o := flasksession.Options{MergeWrites: true}

	t.Run("other keys kept", func(t *testing.T) {
		st, m, s, write := mergeSetup(t, o)
		s.Set("a", int64(2))
		s.Delete("b")
		write("a", int64(1), "b", int64(1), "c", int64(7)) // another request added c
		out, err := m.Commit(ctx, s)
		if err != nil || !out.Wrote {
			t.Fatalf("commit: %+v, %v", out, err)
		}
		if got := stored(t, m, s.ID()); got != "{'a': 2, 'c': 7}" {
			t.Fatalf("stored %s", got)
		}
		if st.swaps != 2 {
			t.Fatalf("%d swaps, want 2", st.swaps)
		}
	})
	t.Run("merged value kept for the next commit", func(t *testing.T) {
		_, m, s, write := mergeSetup(t, o)
		s.Set("a", int64(2))
		write("a", int64(1), "b", int64(1), "c", int64(7)) // another request added c
		if _, err := m.Commit(ctx, s); err != nil {
			t.Fatal(err)
		}
		if got := py.Repr(s.Dict()); got != "{'a': 2, 'b': 1, 'c': 7}" {
			t.Fatalf("session after the merge %s", got)
		}
		s.Set("d", int64(4)) // a second commit of the same session
		if _, err := m.Commit(ctx, s); err != nil {
			t.Fatal(err)
		}
		if got := stored(t, m, s.ID()); got != "{'a': 2, 'b': 1, 'c': 7, 'd': 4}" {
			t.Fatalf("stored %s", got)
		}
	})
	t.Run("same key: this request's value", func(t *testing.T) {
		_, m, s, write := mergeSetup(t, o)
		s.Set("b", int64(3))
		write("a", int64(5), "b", int64(4))
		if _, err := m.Commit(ctx, s); err != nil {
			t.Fatal(err)
		}
		if got := stored(t, m, s.ID()); got != "{'a': 5, 'b': 3}" {
			t.Fatalf("stored %s", got)
		}
	})
	t.Run("nested change", func(t *testing.T) {
		_, m, s, write := mergeSetup(t, o)
		s.Set("cart", py.NewList(int64(1)))
		write("a", int64(1), "b", int64(9))
		if _, err := m.Commit(ctx, s); err != nil {
			t.Fatal(err)
		}
		if got := stored(t, m, s.ID()); got != "{'a': 1, 'b': 9, 'cart': [1]}" {
			t.Fatalf("stored %s", got)
		}
	})
	t.Run("no conflict: one swap", func(t *testing.T) {
		st, m, s, _ := mergeSetup(t, o)
		s.Set("a", int64(2))
		if _, err := m.Commit(ctx, s); err != nil {
			t.Fatal(err)
		}
		if st.swaps != 1 || st.saves != 1 { // the setup's Write is the one save
			t.Fatalf("swaps %d, saves %d", st.swaps, st.saves)
		}
	})
	t.Run("removed meanwhile", func(t *testing.T) {
		st, m, s, _ := mergeSetup(t, o)
		s.Set("a", int64(2))
		m.Remove(ctx, s.ID()) // a logout elsewhere
		_, err := m.Commit(ctx, s)
		if !errors.Is(err, flasksession.ErrConflict) {
			t.Fatalf("commit: %v, want ErrConflict", err)
		}
		if _, found, _ := st.Load(ctx, m.Key(s.ID())); found {
			t.Fatal("a removed session was written back")
		}
	})
	t.Run("always replaced", func(t *testing.T) {
		st, m, s, write := mergeSetup(t, o)
		s.Set("a", int64(2))
		n := int64(1) // b is 1 when the session is loaded
		st.before = func() { n++; write("a", int64(1), "b", n) }
		_, err := m.Commit(ctx, s)
		if !errors.Is(err, flasksession.ErrConflict) || st.swaps != flasksession.MaxMergeAttempts {
			t.Fatalf("commit: %v after %d swaps, want ErrConflict after %d", err, st.swaps, flasksession.MaxMergeAttempts)
		}
	})
	t.Run("read only: touched, not swapped", func(t *testing.T) {
		st, m, s, _ := mergeSetup(t, o)
		s.Get("a")
		out, err := m.Commit(ctx, s)
		if err != nil || !out.Touched || st.swaps != 0 {
			t.Fatalf("commit: %+v, %v, %d swaps", out, err, st.swaps)
		}
	})
	t.Run("off: the other write is lost", func(t *testing.T) {
		_, m, s, write := mergeSetup(t, flasksession.Options{})
		s.Set("a", int64(2))
		write("a", int64(1), "b", int64(1), "c", int64(7))
		if _, err := m.Commit(ctx, s); err != nil {
			t.Fatal(err)
		}
		if got := stored(t, m, s.ID()); got != "{'a': 2, 'b': 1}" {
			t.Fatalf("stored %s", got)
		}
	})
	t.Run("needs CompareAndSwap", func(t *testing.T) {
		_, err := flasksession.New(newMem(), o)
		if !errors.Is(err, flasksession.ErrConfig) {
			t.Fatalf("New over a store without CompareAndSwap: %v", err)
		}
	})
}

// cadMem is casMem with CompareAndDelete; beforeDelete, when set, runs at
// the start of each, to play a writer that gets in first.
type cadMem struct {
	*casMem
	beforeDelete func()
	cads         int
	unsupported  bool // the server has no such command
}

func (c *cadMem) CompareAndDelete(_ context.Context, key string, old []byte) (bool, error) {
	if c.unsupported {
		return false, fmt.Errorf("md: %w", errors.ErrUnsupported)
	}
	if c.beforeDelete != nil {
		c.beforeDelete()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cads++
	cur, ok := c.data[key]
	if !ok || !bytes.Equal(cur, old) {
		return false, nil
	}
	delete(c.data, key)
	return true, nil
}

// TestMergeToEmpty: with MergeWrites, a merge that leaves the session empty
// deletes the entry and the cookie, as Flask-Session's save does with an
// empty session, rather than store an empty dict.
func TestMergeToEmpty(t *testing.T) {
	ctx := context.Background()
	// setup stores base and opens it over a store with (or without)
	// CompareAndDelete.
	setup := func(t *testing.T, o flasksession.Options, cad bool, base *py.Dict) (*cadMem, *flasksession.Manager, *flasksession.Session, func(...any)) {
		t.Helper()
		st := &cadMem{casMem: &casMem{memStore: newMem()}}
		var store flasksession.Store = st
		if !cad {
			store = st.casMem
		}
		o.MergeWrites = true
		m := newManager(t, store, o)
		sid := m.NewID()
		if err := m.Write(ctx, sid, base); err != nil {
			t.Fatal(err)
		}
		s, err := m.Open(ctx, sid)
		if err != nil || !s.Found() {
			t.Fatalf("open: %v", err)
		}
		write := func(kv ...any) {
			if err := m.Write(ctx, sid, py.DictOf(kv...)); err != nil {
				t.Fatal(err)
			}
		}
		return st, m, s, write
	}
	deleted := func(t *testing.T, st *cadMem, m *flasksession.Manager, s *flasksession.Session, out flasksession.Outcome, err error) {
		t.Helper()
		if err != nil || !out.Deleted || out.Wrote || out.Cookie == nil || out.Cookie.MaxAge != -1 {
			t.Fatalf("commit: %+v, %v; want the entry and the cookie deleted", out, err)
		}
		if _, found, _ := st.Load(ctx, m.Key(s.ID())); found {
			t.Fatal("the entry is still there")
		}
		if s.Found() || s.Len() > 1 {
			t.Fatalf("session after the commit: found %v, %s", s.Found(), py.Repr(s.Dict()))
		}
	}
	for _, cad := range []bool{true, false} {
		t.Run(fmt.Sprintf("CompareAndDelete=%v", cad), func(t *testing.T) {
			st, m, s, write := setup(t, flasksession.Options{}, cad, py.DictOf("a", int64(1), "b", int64(1)))
			s.Delete("a")
			write("a", int64(1)) // another request removed b
			out, err := m.Commit(ctx, s)
			deleted(t, st, m, s, out, err)
			if !out.Vary {
				t.Error("0.7+ sends Vary: Cookie with the deletion")
			}
			if cad && (st.cads != 1 || st.deletes != 0) || !cad && st.deletes != 1 {
				t.Errorf("%d compare-and-deletes, %d deletes", st.cads, st.deletes)
			}
		})
	}
	t.Run("server without compare-and-delete", func(t *testing.T) {
		// A store whose server cannot compare (memcached before 1.6)
		// deletes as a store without CompareAndDelete does.
		st, m, s, write := setup(t, flasksession.Options{}, true, py.DictOf("a", int64(1), "b", int64(1)))
		st.unsupported = true
		s.Delete("a")
		write("a", int64(1))
		out, err := m.Commit(ctx, s)
		deleted(t, st, m, s, out, err)
		if st.deletes != 1 {
			t.Errorf("%d deletes, want 1", st.deletes)
		}
	})
	t.Run("only _permanent left", func(t *testing.T) {
		for _, c := range []struct {
			compat flasksession.Compat
			empty  bool
		}{{flasksession.Compat08, true}, {flasksession.Compat06, true}, {flasksession.Compat05, false}} {
			st, m, s, write := setup(t, flasksession.Options{Compat: c.compat}, true, py.DictOf("_permanent", true, "a", int64(1), "b", int64(1)))
			s.Delete("a")
			write("_permanent", true, "a", int64(1))
			out, err := m.Commit(ctx, s)
			if c.empty {
				deleted(t, st, m, s, out, err)
				continue
			}
			// 0.3 to 0.5 count a session holding "_permanent" as not
			// empty, and store it.
			if err != nil || !out.Wrote || out.Deleted || out.Cookie == nil || out.Cookie.MaxAge != 0 {
				t.Fatalf("%s: commit: %+v, %v", c.compat, out, err)
			}
			if got := stored(t, m, s.ID()); got != "{'_permanent': True}" {
				t.Fatalf("%s: stored %s", c.compat, got)
			}
		}
	})
	t.Run("changed before the delete", func(t *testing.T) {
		st, m, s, write := setup(t, flasksession.Options{}, true, py.DictOf("a", int64(1), "b", int64(1)))
		s.Delete("a")
		write("a", int64(1))
		st.beforeDelete = func() { st.beforeDelete = nil; write("a", int64(1), "c", int64(7)) }
		out, err := m.Commit(ctx, s)
		if err != nil || !out.Wrote || out.Deleted || out.Cookie == nil || out.Cookie.MaxAge != 0 {
			t.Fatalf("commit: %+v, %v", out, err)
		}
		if got := stored(t, m, s.ID()); got != "{'c': 7}" {
			t.Fatalf("stored %s", got)
		}
		if got := py.Repr(s.Dict()); got != "{'c': 7}" || !s.Found() {
			t.Fatalf("session after the merge %s", got)
		}
	})
	t.Run("removed before the delete", func(t *testing.T) {
		st, m, s, write := setup(t, flasksession.Options{}, true, py.DictOf("a", int64(1), "b", int64(1)))
		s.Delete("a")
		write("a", int64(1))
		st.beforeDelete = func() { m.Remove(ctx, s.ID()) }
		out, err := m.Commit(ctx, s)
		deleted(t, st, m, s, out, err)
	})
}
