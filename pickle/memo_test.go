package pickle

import (
	"bytes"
	"cmp"
	"fmt"
	"math/rand/v2"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
	"unsafe"

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

// TestMemoStrOrder encodes strs that share one block of memory, met in
// increasing and in scrambled order of address, again and again, as
// substrings of each other, next to strs of their own: the encoding must
// refer back to a str exactly when it is the same one (the same memory and
// length), as CPython does for the same object, whatever the order.
func TestMemoStrOrder(t *testing.T) {
	block := strings.Repeat("/products/0123456789?page=", 40) + "\u00e9\u00e8/caf\u00e9s"
	r := rand.New(rand.NewPCG(3, 4))
	var pieces []string
	head := len(block) - 80 // the pieces end before the last 80 bytes
	for range 300 {
		i := r.IntN(head - 2)
		j := i + 1 + r.IntN(min(300, head-i-1))
		for !utf8.RuneStart(block[i]) {
			i--
		}
		for j < len(block) && !utf8.RuneStart(block[j]) {
			j++
		}
		pieces = append(pieces, block[i:j])
	}
	for _, order := range []string{"increasing", "scrambled"} {
		items := slices.Clone(pieces)
		if order == "increasing" {
			slices.SortFunc(items, func(a, b string) int {
				if c := cmp.Compare(uintptr(unsafe.Pointer(unsafe.StringData(a))), uintptr(unsafe.Pointer(unsafe.StringData(b)))); c != 0 {
					return c
				}
				return cmp.Compare(len(a), len(b))
			})
		}
		// Past all of them: one str twice in a row, then the strs at the
		// same address with fewer and with more bytes.
		tail := block[head+10:]
		items = append(items, tail[:20], tail[:20], tail[:10], tail[:30], tail[:20], tail[:10])
		// Each again, some twice, in a nested list, and among strs of
		// their own memory.
		for k := range 200 {
			items = append(items, items[r.IntN(len(items))], fmt.Sprint("own string number ", k))
		}
		v := &py.List{Items: []py.Value{}}
		for _, s := range items {
			v.Items = append(v.Items, s)
		}
		v.Items = append(v.Items, &py.List{Items: slices.Clone(v.Items[:50])}, py.DictOf("k", items[7]))
		for proto := 0; proto <= HighestProtocol; proto++ {
			data, err := MarshalProtocol(v, proto)
			if err != nil {
				t.Fatal(err)
			}
			back, err := Unmarshal(data)
			if err != nil {
				t.Fatal(err)
			}
			if py.Repr(back) != py.Repr(v) {
				t.Fatalf("%s, protocol %d: the value changed", order, proto)
			}
			var flat, flatBack []string
			flatten(v, &flat)
			flatten(back, &flatBack)
			seen := map[[2]uintptr]int{}
			seenBack := map[[2]uintptr]int{}
			for i := range flat {
				// strs of up to 2 bytes are taken by value, as CPython
				// caches them.
				if len(flat[i]) <= 2 {
					continue
				}
				a, b := strIdent(flat[i]), strIdent(flatBack[i])
				first, ok := seen[a]
				firstBack, okBack := seenBack[b]
				if ok != okBack || ok && first != firstBack {
					t.Fatalf("%s, protocol %d: str #%d %q: met before at %d (%v), read back as met at %d (%v)",
						order, proto, i, flat[i], first, ok, firstBack, okBack)
				}
				if !ok {
					seen[a], seenBack[b] = i, i
				}
			}
		}
	}
}

func strIdent(s string) [2]uintptr {
	return [2]uintptr{uintptr(unsafe.Pointer(unsafe.StringData(s))), uintptr(len(s))}
}

// flatten lists the strs of v in the order the encoder meets them.
func flatten(v py.Value, out *[]string) {
	switch x := v.(type) {
	case string:
		*out = append(*out, x)
	case *py.List:
		for _, it := range x.Items {
			flatten(it, out)
		}
	case *py.Dict:
		for i := range x.Len() {
			k, val := x.At(i)
			flatten(k, out)
			flatten(val, out)
		}
	}
}
