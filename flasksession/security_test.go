package flasksession_test

import (
	"context"
	"errors"
	"testing"

	"github.com/flaskbridge/flaskbridge/flaskcookie"
	"github.com/flaskbridge/flaskbridge/flasksession"
	"github.com/flaskbridge/flaskbridge/msgspec"
	"github.com/flaskbridge/flaskbridge/pickle"
	"github.com/flaskbridge/flaskbridge/py"
)

// hostileSession is a pickled session dict {'x': os.system('echo')}: what
// Python's pickle.loads would run.
const hostileSession = "\x80\x02}q\x00X\x01\x00\x00\x00xq\x01cos\nsystem\nq\x02X\x04\x00\x00\x00echoq\x03\x85q\x04Rq\x05s."

// TestSecurityOpaqueObjects: a stored pickle that would run a command in
// Python is read by the Manager as data (an inert *py.Object naming
// os.system; nothing is imported or called in Go); pickle's Strict mode
// refuses it. Written back as pickle, the object is written as it was read
// (the Go side neither runs nor launders it); the msgspec formats and the
// cookie's tagged JSON refuse it, as msgspec and Flask do.
func TestSecurityOpaqueObjects(t *testing.T) {
	ctx := context.Background()
	st := newMem()
	m := newManager(t, st, flasksession.Options{})
	sid := m.NewID()
	st.data[m.Key(sid)] = []byte(hostileSession)
	d, format, found, err := m.Read(ctx, sid)
	if err != nil || !found || format != flasksession.FormatPickle {
		t.Fatalf("Read: %v %v %v", format, found, err)
	}
	v, _ := d.Get("x")
	obj, ok := v.(*py.Object)
	if !ok || obj.Callable != (py.Global{Module: "os", Name: "system"}) {
		t.Fatalf("x = %s, want an inert os.system object", py.Repr(v))
	}
	if _, err := (pickle.DecodeOptions{Strict: true}).Unmarshal([]byte(hostileSession)); !errors.Is(err, pickle.ErrStrict) {
		t.Errorf("Strict: %v, want ErrStrict", err)
	}

	out, err := flasksession.Serializer{Format: flasksession.FormatPickle, PickleProtocol: 2}.Encode(d)
	if err != nil || string(out) != hostileSession {
		t.Errorf("written back as pickle: %q %v, want the bytes read", out, err)
	}
	for _, f := range []flasksession.Format{flasksession.FormatMsgpack, flasksession.FormatJSON} {
		if _, err := (flasksession.Serializer{Format: f}).Encode(d); !errors.Is(err, flasksession.ErrSerialize) || !errors.Is(err, msgspec.ErrUnsupported) {
			t.Errorf("written as %s: %v, want ErrSerialize and msgspec.ErrUnsupported", f, err)
		}
	}
	if _, err := flaskcookie.MarshalTagged(d); !errors.Is(err, flaskcookie.ErrUnsupported) {
		t.Errorf("as a cookie: %v, want flaskcookie.ErrUnsupported", err)
	}
	// Only the pickle decoder makes such values: a literal naming a
	// function is no value.
	if v, err := py.ParseLiteral("os.system('echo')"); err == nil {
		t.Errorf("ParseLiteral made %s", py.Repr(v))
	}
}

// TestSecurityFixation: an id an attacker planted in a victim's browser.
// Flask-Session 0.7+ (Compat08) replaces an id the store does not know, so
// the planted id never names the victim's session; 0.3 to 0.6 keep it, as
// the Manager does for those lines, and Regenerate after the login gives
// the session a new id and deletes the entry of the planted one.
func TestSecurityFixation(t *testing.T) {
	ctx := context.Background()
	planted := flasksession.NewTokenID(32)

	st := newMem()
	m := newManager(t, st, flasksession.Options{})
	s, err := m.Open(ctx, planted)
	if err != nil {
		t.Fatal(err)
	}
	if s.ID() == planted {
		t.Errorf("Compat08 kept the planted id")
	}

	for _, compat := range []flasksession.Compat{flasksession.Compat06, flasksession.Compat05} {
		st := newMem()
		m := newManager(t, st, flasksession.Options{Compat: compat})
		s, err := m.Open(ctx, planted)
		if err != nil {
			t.Fatal(err)
		}
		if s.ID() != planted {
			t.Fatalf("%s: id %q, want the planted one kept as Flask-Session does", compat, s.ID())
		}
		if _, err := m.Commit(ctx, s); err != nil { // the visit before the login
			t.Fatal(err)
		}
		s.Set("_user_id", "42") // the login
		if err := m.Regenerate(ctx, s); err != nil {
			t.Fatal(err)
		}
		if s.ID() == planted {
			t.Fatalf("%s: Regenerate kept the id", compat)
		}
		if _, err := m.Commit(ctx, s); err != nil {
			t.Fatal(err)
		}
		if _, _, found, err := m.Read(ctx, planted); found || err != nil {
			t.Errorf("%s: the planted id still names a session (%v)", compat, err)
		}
		if d, _, found, err := m.Read(ctx, s.ID()); !found || err != nil || d.Len() == 0 {
			t.Errorf("%s: the new id names no session (%v)", compat, err)
		}
	}
}
