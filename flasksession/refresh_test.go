package flasksession_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/flaskbridge/flaskbridge/flasksession"
	"github.com/flaskbridge/flaskbridge/py"
)

// loadToucher is memStore with LoadTouch, counted.
type loadToucher struct {
	*memStore
	loadTouches int
}

func (m *loadToucher) LoadTouch(ctx context.Context, key string, max int, ttl time.Duration) ([]byte, bool, error) {
	data, found, err := m.Load(ctx, key)
	if err != nil || !found {
		return nil, false, err
	}
	m.mu.Lock()
	m.loadTouches++
	m.ttl[key] = ttl
	m.mu.Unlock()
	if len(data) > max {
		return nil, false, flasksession.ErrTooLarge
	}
	return data, true, nil
}

// TestRefreshOnLoad checks the Manager's side of Options.RefreshOnLoad with
// an in-process store; the real one is redisstore's TestRefreshOnLoad,
// beside every Flask-Session line.
func TestRefreshOnLoad(t *testing.T) {
	ctx := context.Background()
	for _, compat := range []flasksession.Compat{flasksession.Compat08, flasksession.Compat05} {
		t.Run(compat.String(), func(t *testing.T) {
			st := &loadToucher{memStore: newMem()}
			m := newManager(t, st, flasksession.Options{Compat: compat, RefreshOnLoad: true})
			sid := m.NewID()
			if err := m.Write(ctx, sid, py.DictOf("_permanent", true, "user_id", int64(1))); err != nil {
				t.Fatal(err)
			}
			if _, _, found, err := m.Read(ctx, sid); err != nil || !found || st.loadTouches != 0 {
				t.Fatalf("Read: %v %v, %d load-touches; want a plain load", found, err, st.loadTouches)
			}
			s, err := m.Open(ctx, m.CookieValue(sid))
			if err != nil || !s.Found() || st.loadTouches != 1 {
				t.Fatalf("open: %v, %d load-touches", err, st.loadTouches)
			}
			s.Get("user_id")
			out, err := m.Commit(ctx, s)
			if err != nil || !out.Touched || out.Wrote || out.Gone || out.Cookie == nil || st.touches != 0 {
				t.Fatalf("commit: %+v, %v, %d touches; want Touched, a cookie, no store call", out, err, st.touches)
			}
			// A second Commit extends the expiry again, through the store.
			if out, err = m.Commit(ctx, s); err != nil || !out.Touched || st.touches != 1 {
				t.Fatalf("second commit: %+v, %v, %d touches", out, err, st.touches)
			}
			// A changed session is written as without the option.
			saves := st.saves
			s, _ = m.Open(ctx, m.CookieValue(sid))
			s.Set("user_id", int64(2))
			if out, err = m.Commit(ctx, s); err != nil || !out.Wrote || st.saves != saves+1 {
				t.Fatalf("commit of a change: %+v, %v", out, err)
			}
			// A regenerated session is written under its new id.
			s, _ = m.Open(ctx, m.CookieValue(sid))
			if err := m.Regenerate(ctx, s); err != nil {
				t.Fatal(err)
			}
			if out, err = m.Commit(ctx, s); err != nil || !out.Wrote || out.Cookie == nil {
				t.Fatalf("commit after Regenerate: %+v, %v", out, err)
			}
			if _, found, _ := st.Load(ctx, m.Key(s.ID())); !found {
				t.Fatal("the regenerated session was not stored")
			}
			// Removed during the request: not written back, but the
			// removal is not seen (Touched, with a cookie).
			sid = s.ID()
			s, _ = m.Open(ctx, m.CookieValue(sid))
			s.Get("user_id")
			if err := m.Remove(ctx, sid); err != nil {
				t.Fatal(err)
			}
			saves = st.saves
			if out, err = m.Commit(ctx, s); err != nil || !out.Touched || out.Gone || st.saves != saves {
				t.Fatalf("commit after a removal: %+v, %v", out, err)
			}
			if _, found, _ := st.Load(ctx, m.Key(sid)); found {
				t.Fatal("the removed entry was written back")
			}
		})
	}
}

// TestRefreshOnLoadOff: without SESSION_REFRESH_EACH_REQUEST, under
// Compat06, or with a store that is not a LoadToucher, the option changes
// nothing.
func TestRefreshOnLoadOff(t *testing.T) {
	ctx := context.Background()
	st := &loadToucher{memStore: newMem()}
	m := newManager(t, st, flasksession.Options{RefreshOnLoad: true, RefreshEachRequest: flasksession.Bool(false)})
	sid := m.NewID()
	if err := m.Write(ctx, sid, py.DictOf("_permanent", true, "user_id", int64(1))); err != nil {
		t.Fatal(err)
	}
	s, err := m.Open(ctx, m.CookieValue(sid))
	if err != nil || !s.Found() || st.loadTouches != 0 {
		t.Fatalf("open without refresh: %v, %d load-touches", err, st.loadTouches)
	}

	// 0.6 extends the expiry of permanent sessions only, which the load
	// cannot tell.
	m = newManager(t, st, flasksession.Options{RefreshOnLoad: true, Compat: flasksession.Compat06})
	if err := m.Write(ctx, sid, py.DictOf("_permanent", true, "user_id", int64(1))); err != nil {
		t.Fatal(err)
	}
	s, err = m.Open(ctx, m.CookieValue(sid))
	if err != nil || !s.Found() || st.loadTouches != 0 {
		t.Fatalf("open under 0.6: %v, %d load-touches", err, st.loadTouches)
	}
	s.Get("user_id")
	if out, err := m.Commit(ctx, s); err != nil || !out.Touched || st.touches != 1 {
		t.Fatalf("commit under 0.6: %+v, %v, %d touches", out, err, st.touches)
	}

	plain := newMem()
	m = newManager(t, plain, flasksession.Options{RefreshOnLoad: true})
	if err := m.Write(ctx, sid, py.DictOf("_permanent", true, "user_id", int64(1))); err != nil {
		t.Fatal(err)
	}
	s, _ = m.Open(ctx, m.CookieValue(sid))
	s.Get("user_id")
	if out, err := m.Commit(ctx, s); err != nil || !out.Touched || plain.touches != 1 {
		t.Fatalf("commit with a plain Toucher: %+v, %v, %d touches", out, err, plain.touches)
	}
}

// TestRefreshOnLoadFailure: a store that fails the load-and-touch is an
// error wrapping ErrStore, not a new session.
func TestRefreshOnLoadFailure(t *testing.T) {
	ctx := context.Background()
	st := &loadToucher{memStore: newMem()}
	m := newManager(t, st, flasksession.Options{RefreshOnLoad: true})
	sid := m.NewID()
	if err := m.Write(ctx, sid, py.DictOf("_permanent", true, "user_id", int64(1))); err != nil {
		t.Fatal(err)
	}
	down := errors.New("connection refused")
	st.fail = down
	if _, err := m.Open(ctx, m.CookieValue(sid)); !errors.Is(err, flasksession.ErrStore) || !errors.Is(err, down) {
		t.Fatalf("open with a failing store: %v", err)
	}
}
