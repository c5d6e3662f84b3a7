package pickle

import (
	"bytes"
	"testing"

	"github.com/flaskbridge/flaskbridge/py"
)

// TestMemoGenerations encodes with one Encoder across the wrap of its memo
// table's generation counter: entries of an earlier encode must never be
// taken for entries of this one.
func TestMemoGenerations(t *testing.T) {
	shared := "shared text"
	inner := &py.List{Items: []py.Value{shared, shared}}
	values := []py.Value{
		&py.List{Items: []py.Value{inner, inner, shared, "other", shared}},
		py.DictOf("a", shared, "b", inner, "c", py.Tuple{shared, inner}),
	}
	var out bytes.Buffer
	enc := NewEncoder(&out, EncodeOptions{})
	enc.e.memo.gen = 1<<24 - 3
	for range 6 {
		for _, v := range values {
			want, err := Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			out.Reset()
			if err := enc.Encode(v); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out.Bytes(), want) {
				t.Fatalf("generation %d: %q, want %q", enc.e.memo.gen, out.Bytes(), want)
			}
		}
	}
	if enc.e.memo.gen > 10 {
		t.Fatalf("generation %d: the counter did not wrap", enc.e.memo.gen)
	}
}
