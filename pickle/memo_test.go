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

// TestMemoStrKeys drives the memo table's str lookups (an address-ordered
// list with the hash slots behind it) with keys met mostly in address order,
// sometimes out of it, repeated and not, and the same address with other
// lengths, against a plain map.
func TestMemoStrKeys(t *testing.T) {
	var m memoTable
	for round := range 50 {
		m.reset()
		if round%7 == 6 {
			m.gen = 1<<24 - 1 // wraps at the next reset
		}
		want := map[mkey]int32{}
		var next int32
		p := uintptr(0x1000)
		r := uint64(round)*0x9E3779B97F4A7C15 + 1
		rnd := func(n int) int {
			r ^= r << 13
			r ^= r >> 7
			r ^= r << 17
			return int(r % uint64(n))
		}
		var seen []mkey
		for range 2000 {
			var k mkey
			switch c := rnd(10); {
			case c < 6 || len(seen) == 0: // the next string in the block
				p += uintptr(1 + rnd(40))
				k = mkey{p: p, n: 2 + rnd(30), kind: kStr}
			case c < 8: // one met before
				k = seen[rnd(len(seen))]
			case c < 9: // one met before, another length
				k = seen[rnd(len(seen))]
				k.n += 1 + rnd(3)
			default: // somewhere else in memory, below or above
				k = mkey{p: uintptr(0x800 + rnd(int(p))), n: 2 + rnd(30), kind: kStr}
			}
			slot, idx, found := m.findStr(k)
			w, ok := want[k]
			if found != ok || found && idx != w {
				t.Fatalf("round %d, key %+v: found %v idx %d, want %v %d", round, k, found, idx, ok, w)
			}
			if !found {
				m.putStr(slot, k, next)
				want[k] = next
				next++
				seen = append(seen, k)
			}
		}
		for k, w := range want {
			if _, idx, found := m.findStr(k); !found || idx != w {
				t.Fatalf("round %d, key %+v: found %v idx %d at the end, want %d", round, k, found, idx, w)
			}
		}
	}
}
