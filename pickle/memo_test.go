package pickle

import (
	"bytes"
	"fmt"
	"runtime/debug"
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

// TestMemoConvertedValues encodes many Go values that the encoder converts
// to the model one by one, with the collector running often: a converted
// value freed during the encode must not leave its address in the memo for
// the next one allocated there (which would be written as a memo reference
// to the first).
func TestMemoConvertedValues(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(1))
	const n = 20000
	d := py.NewDict(0)
	for i := range n {
		d.Set(fmt.Sprint("k", i), []string{fmt.Sprint("v", i)})
	}
	b, err := Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	v, err := Unmarshal(b)
	if err != nil {
		t.Fatal(err)
	}
	got := v.(*py.Dict)
	for i := range n {
		x, _ := got.Get(fmt.Sprint("k", i))
		if l, ok := x.(*py.List); !ok || len(l.Items) != 1 || l.Items[0] != fmt.Sprint("v", i) {
			t.Fatalf("k%d = %s, want ['v%d']", i, py.Repr(x), i)
		}
	}
}
