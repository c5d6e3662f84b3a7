package flasksession_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/flaskbridge/flaskbridge/flasksession"
	"github.com/flaskbridge/flaskbridge/py"
)

// boundedMem is casMem with LoadBounded; limits records the limit of each
// call.
type boundedMem struct {
	*casMem
	limits []int
}

func (b *boundedMem) LoadBounded(ctx context.Context, key string, max int) ([]byte, bool, error) {
	b.limits = append(b.limits, max)
	data, found, err := b.Load(ctx, key)
	if err == nil && len(data) > max {
		return nil, false, fmt.Errorf("boundedMem: %w", flasksession.ErrTooLarge)
	}
	return data, found, err
}

// TestMaxValueSizeBoundsTheLoad: the Manager loads through a store's
// LoadBounded with Options.MaxValueSize, on Open and on the reload of a
// merge; a value over it is ErrTooLarge with ErrStore. Without
// LoadBounded the serializer refuses it: ErrTooLarge with ErrCorrupt.
func TestMaxValueSizeBoundsTheLoad(t *testing.T) {
	ctx := context.Background()
	st := &boundedMem{casMem: &casMem{memStore: newMem()}}
	m := newManager(t, st, flasksession.Options{MaxValueSize: 100, MergeWrites: true})
	sid := m.NewID()
	if err := m.Write(ctx, sid, py.DictOf("a", int64(1))); err != nil {
		t.Fatal(err)
	}
	s, err := m.Open(ctx, sid)
	if err != nil || !s.Found() {
		t.Fatalf("open: %v", err)
	}
	s.Set("b", int64(2))
	// Another writer (one without the limit, as Python has none) stores a
	// value over the limit before this request saves.
	other := newManager(t, st, flasksession.Options{})
	if err := other.Write(ctx, sid, py.DictOf("a", string(make([]byte, 200)))); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Commit(ctx, s); !errors.Is(err, flasksession.ErrTooLarge) || !errors.Is(err, flasksession.ErrStore) {
		t.Fatalf("merge over a value over the limit: %v", err)
	}
	if _, err := m.Open(ctx, sid); !errors.Is(err, flasksession.ErrTooLarge) || !errors.Is(err, flasksession.ErrStore) {
		t.Fatalf("open of a value over the limit: %v", err)
	}
	for _, l := range st.limits {
		if l != 100 {
			t.Fatalf("limits %v, want 100 each time", st.limits)
		}
	}
	if len(st.limits) != 3 {
		t.Fatalf("%d bounded loads, want 3 (open, merge, open)", len(st.limits))
	}

	st.limits = nil
	newManager(t, st, flasksession.Options{}).Open(ctx, sid)
	if len(st.limits) != 1 || st.limits[0] != flasksession.DefaultMaxValueSize {
		t.Fatalf("default limit: %v", st.limits)
	}

	plain := newManager(t, st.memStore, flasksession.Options{MaxValueSize: 100})
	if _, err := plain.Open(ctx, sid); !errors.Is(err, flasksession.ErrTooLarge) || !errors.Is(err, flasksession.ErrCorrupt) {
		t.Fatalf("open through Load: %v", err)
	}
}

// TestEncodeOverMaxSize: a session whose stored form is over MaxValueSize
// is not written (ErrSerialize and ErrTooLarge), since the Go side would
// refuse to read it back; the entry keeps its last value.
func TestEncodeOverMaxSize(t *testing.T) {
	ctx := context.Background()
	st := newMem()
	m := newManager(t, st, flasksession.Options{MaxValueSize: 1 << 10})
	s, err := m.Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	s.Set("small", "x")
	out, err := m.Commit(ctx, s)
	if err != nil || out.Cookie == nil {
		t.Fatalf("small session: %+v %v", out, err)
	}
	before := bytes.Clone(st.data[m.Key(s.ID())])
	s, err = m.Open(ctx, out.Cookie.Value)
	if err != nil {
		t.Fatal(err)
	}
	s.Set("big", string(bytes.Repeat([]byte("y"), 2<<10)))
	if _, err := m.Commit(ctx, s); !errors.Is(err, flasksession.ErrSerialize) || !errors.Is(err, flasksession.ErrTooLarge) {
		t.Fatalf("Commit of a session over MaxValueSize: %v, want ErrSerialize and ErrTooLarge", err)
	}
	if !bytes.Equal(st.data[m.Key(s.ID())], before) {
		t.Error("the entry changed")
	}
}
