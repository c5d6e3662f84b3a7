package vmbench

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flaskbridge/flaskbridge/msgspec"
	"github.com/flaskbridge/flaskbridge/py"
	"github.com/vmihailenco/msgpack/v5"
)

var payloadNames = []string{"login", "cart", "history"}

func loadPayload(t testing.TB, name string) py.Value {
	t.Helper()
	text, err := os.ReadFile(filepath.Join("..", "..", "..", "testdata", "payloads", name+".repr"))
	if err != nil {
		t.Fatal(err)
	}
	v, err := py.ParseLiteral(strings.TrimSpace(string(text)))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// native turns a session of the py model into the Go values
// vmihailenco/msgpack encodes: a map (whose order Go does not keep),
// slices, time.Time, and the UUID as its string, as msgspec writes it.
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

// TestSameBytes reports whether vmihailenco/msgpack writes what msgspec
// writes (and so what Flask-Session stores) for each session.
func TestSameBytes(t *testing.T) {
	for _, name := range payloadNames {
		v := loadPayload(t, name)
		want, err := msgspec.MarshalMsgpack(v)
		if err != nil {
			t.Fatal(err)
		}
		// Go maps iterate in random order: count the identical encodings
		// among several.
		same, size := 0, 0
		for range 20 {
			var buf bytes.Buffer
			enc := msgpack.NewEncoder(&buf)
			enc.UseCompactInts(true)
			if err := enc.Encode(native(v)); err != nil {
				t.Fatal(err)
			}
			size = buf.Len()
			if bytes.Equal(buf.Bytes(), want) {
				same++
			}
		}
		t.Logf("%s: msgspec writes %d bytes, vmihailenco/msgpack %d; identical in %d of 20 encodings", name, len(want), size, same)
		var back map[string]any
		if err := msgpack.Unmarshal(want, &back); err != nil {
			t.Errorf("%s: vmihailenco/msgpack cannot read msgspec's bytes: %v", name, err)
		}
		if at, ok := back["updated_at"].(time.Time); ok {
			t.Logf("%s: timestamp read as %v", name, at)
		}
	}
}

func benchPayloads(b *testing.B, run func(b *testing.B, v py.Value)) {
	for _, name := range payloadNames {
		v := loadPayload(b, name)
		b.Run(name, func(b *testing.B) { run(b, v) })
	}
}

func BenchmarkVMMarshal(b *testing.B) {
	benchPayloads(b, func(b *testing.B, v py.Value) {
		n := native(v)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := msgpack.Marshal(n); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkVMUnmarshal(b *testing.B) {
	benchPayloads(b, func(b *testing.B, v py.Value) {
		data, _ := msgspec.MarshalMsgpack(v)
		b.ReportAllocs()
		for b.Loop() {
			var out map[string]any
			if err := msgpack.Unmarshal(data, &out); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkOursMarshal(b *testing.B) {
	benchPayloads(b, func(b *testing.B, v py.Value) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := msgspec.MarshalMsgpack(v); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkOursUnmarshal(b *testing.B) {
	benchPayloads(b, func(b *testing.B, v py.Value) {
		data, _ := msgspec.MarshalMsgpack(v)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := msgspec.UnmarshalMsgpack(data); err != nil {
				b.Fatal(err)
			}
		}
	})
}
