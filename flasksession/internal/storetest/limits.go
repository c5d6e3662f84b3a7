package storetest

import (
	"errors"
	"strings"
	"testing"

	"github.com/flaskbridge/flaskbridge/flasksession"
)

// TooLarge: Python stores a session of about 40 KB; a Go Manager whose
// MaxValueSize is one byte short of it fails to open it with
// ErrTooLarge (and ErrStore, when the store stopped reading at the limit),
// not with an empty session, and the entry stays as it was: Python reads it
// still. A Manager whose limit is the value's size opens it.
func TooLarge(t *testing.T, c Case) {
	p, m := c.Setup(t)
	ctx := Ctx(t)
	w := p.Request(t, map[string]any{"set": "{'user_id': 5, 'blob': 'x' * 40000}"})
	cookie := w.Cookie(t, m.CookieName()).Value
	key := m.Key(w.After.SID)
	raw, found, err := c.Store.Load(ctx, key)
	if err != nil || !found {
		t.Fatalf("load: %v %v", found, err)
	}
	manager := func(limit int) *flasksession.Manager {
		o, err := flasksession.OptionsFromConfig(p.Config)
		if err != nil {
			t.Fatal(err)
		}
		o.Compat, o.MaxValueSize = c.Venv.Compat, limit
		m, err := flasksession.New(c.Store, o)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	s, err := manager(len(raw)-1).Open(ctx, cookie)
	if !errors.Is(err, flasksession.ErrTooLarge) || s != nil {
		t.Fatalf("open of %d bytes with a limit of %d: %v, %v; want ErrTooLarge", len(raw), len(raw)-1, s, err)
	}
	if _, ok := c.Store.(flasksession.BoundedLoader); ok && !errors.Is(err, flasksession.ErrStore) {
		t.Errorf("a bounded load's refusal is not ErrStore: %v", err)
	}
	s, err = manager(len(raw)).Open(ctx, cookie)
	if err != nil || !s.Found() || s.ID() != w.After.SID {
		t.Fatalf("open of %d bytes with a limit of %d: %v, %v", len(raw), len(raw), s, err)
	}
	now, found, err := c.Store.Load(ctx, key)
	if err != nil || !found || string(now) != string(raw) {
		t.Fatalf("the entry changed: %d bytes, %v, %v", len(now), found, err)
	}
	r := p.Request(t, map[string]any{"cookie": cookie})
	if r.Before.SID != w.After.SID || !strings.Contains(r.Before.Repr, "'user_id': 5") {
		t.Fatalf("Python opens sid %q: %.80s", r.Before.SID, r.Before.Repr)
	}
}
