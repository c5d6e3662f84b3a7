package flasksession_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/flaskbridge/flaskbridge/flasksession"
	"github.com/flaskbridge/flaskbridge/pickle"
	"github.com/flaskbridge/flaskbridge/py"
)

// counterSession is what CPython 3.11 pickles for a session holding an
// instance of a class the pickle package does not model:
// pickle.dumps({'_permanent': True, 'seen': collections.Counter('abca')}, 4).
var counterSession = []byte("\x80\x04\x95N\x00\x00\x00\x00\x00\x00\x00}\x94(\x8c\n_permanent\x94\x88\x8c\x04seen\x94\x8c\x0bcollections\x94\x8c\x07Counter\x94\x93\x94}\x94(\x8c\x01a\x94K\x02\x8c\x01b\x94K\x01\x8c\x01c\x94K\x01u\x85\x94R\x94u.")

// TestPickleStrict: with Options.PickleStrict a session holding an unknown
// class fails to open with ErrCorrupt and pickle.ErrStrict, and its entry
// is left as it is; without it the instance is opaque data, written back
// as Python wrote it.
func TestPickleStrict(t *testing.T) {
	ctx := context.Background()
	for _, strict := range []bool{true, false} {
		st := newMem()
		m := newManager(t, st, flasksession.Options{Compat: flasksession.Compat06, PickleStrict: strict})
		sid := m.NewID()
		st.data[m.Key(sid)] = bytes.Clone(counterSession)
		s, err := m.Open(ctx, m.CookieValue(sid))
		if strict {
			if !errors.Is(err, flasksession.ErrCorrupt) || !errors.Is(err, pickle.ErrStrict) {
				t.Fatalf("strict: Open = %v, want ErrCorrupt and pickle.ErrStrict", err)
			}
			if !bytes.Equal(st.data[m.Key(sid)], counterSession) {
				t.Fatal("strict: the entry changed")
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		v, _ := s.Get("seen")
		if _, ok := v.(*py.Object); !ok {
			t.Fatalf("seen = %#v, want an opaque *py.Object", v)
		}
		s.Set("visits", int64(1))
		if _, err := m.Commit(ctx, s); err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(st.data[m.Key(sid)], []byte("\x8c\x0bcollections\x94\x8c\x07Counter\x94\x93")) {
			t.Errorf("written back without the Counter: %q", st.data[m.Key(sid)])
		}
	}
}
