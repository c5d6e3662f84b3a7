package perf

// github.com/vmihailenco/msgpack/v5 on the same sessions, as a reference
// for the msgpack codec: the session as Go maps and slices, which it
// encodes without the dict order (so not msgspec's bytes), and msgspec's
// bytes decoded into a map.

import (
	"bytes"
	"testing"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/flaskbridge/flaskbridge/py"
)

// native turns a session of the py model into the Go values
// vmihailenco/msgpack encodes: maps, slices, []byte, time.Time, and the
// UUID as its string, as msgspec writes it.
func native(v py.Value) any {
	switch x := v.(type) {
	case *py.Dict:
		m := make(map[string]any, x.Len())
		for k, val := range x.All() {
			m[k.(string)] = native(val)
		}
		return m
	case *py.List:
		return native(py.Tuple(x.Items))
	case py.Tuple:
		out := make([]any, len(x))
		for i, it := range x {
			out[i] = native(it)
		}
		return out
	case py.Bytes:
		return []byte(x)
	case py.DateTime:
		t, _ := x.Time()
		return t.UTC()
	case py.UUID:
		return x.String()
	}
	return v
}

// TestVmihailenco checks that vmihailenco/msgpack handles every session
// (so that its figures measure the same work) and reports whether it
// writes what msgspec writes, and so what Flask-Session stores: Go maps
// iterate in random order, so it counts the identical encodings among 20.
func TestVmihailenco(t *testing.T) {
	for _, p := range loadAll(t) {
		if _, err := msgpack.Marshal(native(p.Value)); err != nil {
			t.Errorf("%s: encode: %v", p.Name, err)
		}
		var out map[string]any
		if err := msgpack.Unmarshal(p.Msgpack, &out); err != nil {
			t.Errorf("%s: decode: %v", p.Name, err)
		} else if len(out) != p.Value.Len() {
			t.Errorf("%s: decoded %d keys, want %d", p.Name, len(out), p.Value.Len())
		}
		same, size := 0, 0
		for range 20 {
			var buf bytes.Buffer
			enc := msgpack.NewEncoder(&buf)
			enc.UseCompactInts(true)
			if err := enc.Encode(native(p.Value)); err != nil {
				t.Fatal(err)
			}
			size = buf.Len()
			if bytes.Equal(buf.Bytes(), p.Msgpack) {
				same++
			}
		}
		t.Logf("%s: msgspec writes %d bytes, vmihailenco/msgpack %d; identical in %d of 20 encodings", p.Name, len(p.Msgpack), size, same)
	}
}

func BenchmarkVmihailencoEncode(b *testing.B) {
	eachPayload(b, func(b *testing.B, p *Payload) {
		v := native(p.Value)
		measure(b, func() error { _, err := msgpack.Marshal(v); return err })
	})
}

func BenchmarkVmihailencoDecode(b *testing.B) {
	eachPayload(b, func(b *testing.B, p *Payload) {
		measure(b, func() error {
			var out map[string]any
			return msgpack.Unmarshal(p.Msgpack, &out)
		})
	})
}
