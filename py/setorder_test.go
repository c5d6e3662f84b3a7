package py

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"math"
	"math/big"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
)

// setOrderVectors is testdata/py/setorder.json.gz, written by CPython 3.11
// with scripts/gen_py_vectors.py (see there for the sections).
type setOrderVectors struct {
	Python string `json:"python"`
	Hashes []struct {
		Src  string `json:"src"`
		Hash int64  `json:"hash"`
	} `json:"hashes"`
	Unstable []string `json:"unstable"`
	Cases    []struct {
		Src     string    `json:"src"`
		Repr    string    `json:"repr"`
		Pickles []*string `json:"pickles"`
	} `json:"cases"`
}

var loadSetOrderVectors = sync.OnceValues(func() (*setOrderVectors, error) {
	f, err := os.Open("../testdata/py/setorder.json.gz")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	var v setOrderVectors
	if err := json.NewDecoder(zr).Decode(&v); err != nil {
		return nil, err
	}
	return &v, nil
})

func setOrderGolden(t *testing.T) *setOrderVectors {
	t.Helper()
	v, err := loadSetOrderVectors()
	if err != nil {
		t.Fatalf("golden vectors: %v (regenerate with scripts/gen_py_vectors.py)", err)
	}
	if !strings.HasPrefix(v.Python, "3.11.") {
		t.Fatalf("vectors from Python %s, want 3.11", v.Python)
	}
	return v
}

// TestSetHashGolden: the hash of values of every type whose hash is the
// same in every process is CPython's.
func TestSetHashGolden(t *testing.T) {
	g := setOrderGolden(t)
	if len(g.Hashes) < 1000 {
		t.Fatalf("only %d hashes", len(g.Hashes))
	}
	for _, c := range g.Hashes {
		v, err := ParseLiteral(c.Src)
		if err != nil {
			t.Errorf("ParseLiteral(%s): %v", c.Src, err)
			continue
		}
		var p printer
		h, ok := p.hash(v)
		if !ok || int64(h) != c.Hash {
			t.Errorf("hash(%s) = %d, %v; CPython %d", c.Src, int64(h), ok, c.Hash)
		}
	}
}

// TestSetHashUnstable: values hashed by address or with the per-process
// salt have no hash here.
func TestSetHashUnstable(t *testing.T) {
	g := setOrderGolden(t)
	for _, src := range g.Unstable {
		v, err := ParseLiteral(src)
		if err != nil {
			t.Errorf("ParseLiteral(%s): %v", src, err)
			continue
		}
		var p printer
		if h, ok := p.hash(v); ok {
			t.Errorf("hash(%s) = %d, want none", src, int64(h))
		}
	}
	naive := DateTime{Year: 2024, Month: 1, Day: 1}
	for _, v := range []Value{
		Global{Module: "builtins", Name: "int"},
		&Object{Callable: Global{Module: "m", Name: "C"}},
		DateTime{Year: 2024, Month: 1, Day: 1, TZ: &Object{}},
		Time{Hour: 1, TZ: &Object{}},
		NewSet(int64(1)),
		Tuple{int64(1), NewList()},
		(*big.Int)(nil),
		naive,
	} {
		var p printer
		if h, ok := p.hash(v); ok {
			t.Errorf("hash(%s) = %d, want none", Repr(v), int64(h))
		}
	}
}

// TestSetOrderGoldenLiterals: a set CPython builds by adding its items one
// by one (set([...]), frozenset([...]), a display that is not folded into a
// constant) prints in CPython's order, for random sets of numbers, tuples,
// frozensets, datetimes and more, small and large.
func TestSetOrderGoldenLiterals(t *testing.T) {
	g := setOrderGolden(t)
	n := 0
	for _, c := range g.Cases {
		if c.Src == "" {
			continue
		}
		n++
		v, err := ParseLiteral(c.Src)
		if err != nil {
			t.Errorf("ParseLiteral(%.200s): %v", c.Src, err)
			continue
		}
		if got := Repr(v); got != c.Repr {
			t.Errorf("Repr(ParseLiteral(%.300s))\n got %.300s\nwant %.300s", c.Src, got, c.Repr)
		}
	}
	if n < 500 {
		t.Errorf("only %d cases", n)
	}
}

// TestSetOrderKeepsStoredOrder: a set with an item whose hash changes from
// process to process prints in the order it keeps.
func TestSetOrderKeepsStoredOrder(t *testing.T) {
	for _, tt := range []struct {
		v    Value
		want string
	}{
		{NewSet(int64(16), int64(1), int64(2), int64(3), int64(4)), "{1, 2, 3, 4, 16}"},
		{NewSet(int64(16), int64(1), int64(2), int64(3), "a"), "{16, 1, 2, 3, 'a'}"},
		{NewSet("b", int64(9), int64(1)), "{'b', 9, 1}"},
		{NewSet(int64(9), int64(1), nil), "{9, 1, None}"},
		{NewFrozenSet(int64(9), int64(1), Tuple{int64(2), "x"}), "frozenset({9, 1, (2, 'x')})"},
		{NewSet(int64(9), int64(1), NewFrozenSet("x")), "{9, 1, frozenset({'x'})}"},
		{NewSet(int64(9), int64(1), "", Bytes(nil)), "{'', 9, 1, b''}"},
	} {
		if got := Repr(tt.v); got != tt.want {
			t.Errorf("Repr = %s, want %s", got, tt.want)
		}
	}
}

// TestSetOrderCycle: a frozenset that holds itself (which Python cannot
// build) has no hash, so it prints in its own order without looping.
func TestSetOrderCycle(t *testing.T) {
	s := NewFrozenSet(int64(9), int64(1))
	s.items = append(s.items, s)
	if got, want := Repr(s), "frozenset({9, 1, frozenset(...)})"; got != want {
		t.Errorf("Repr = %s, want %s", got, want)
	}
	u := NewFrozenSet(int64(9), int64(1))
	u.items = append(u.items, Tuple{u, u})
	if got, want := Repr(NewSet(int64(8), int64(0), u)), "{8, 0, frozenset({9, 1, (frozenset(...), frozenset(...))})}"; got != want {
		t.Errorf("Repr = %s, want %s", got, want)
	}
	// Shared frozensets are hashed once.
	inner := NewFrozenSet(int64(3), int64(2))
	var p printer
	outer := NewSet(inner, Tuple{inner, inner}, int64(1))
	if order := tableOrder(p.setTable(outer.items)); len(order) != 3 || len(p.hashes.done) != 1 {
		t.Errorf("order %v, %d frozensets hashed", order, len(p.hashes.done))
	}
}

// TestTableOrderGrowth: the table grows at 5, 20, 77, 308 and 1229 items
// (to 32, 128, 512, 2048 and 8192 slots); ints below the table size sit in
// their own slot, so the order is sorted.
func TestTableOrderGrowth(t *testing.T) {
	for _, n := range []int{2, 4, 5, 19, 20, 76, 77, 307, 308, 1228, 1229, 3000} {
		hashes := make([]uint64, n)
		for i := range hashes {
			hashes[i] = uint64(n - 1 - i)
		}
		order := tableOrder(setTable(hashes))
		if len(order) != n {
			t.Fatalf("n=%d: %d items in the table", n, len(order))
		}
		for i, k := range order {
			if hashes[k] != uint64(i) {
				t.Fatalf("n=%d: position %d holds hash %d", n, i, hashes[k])
			}
		}
	}
	// set([32, 0, 1, 2, 3]) is {32, 0, 2, 3, 1}: in the first table of 8
	// slots, 0 meets 32 in slot 0 and jumps to slot 1, 1 then jumps to
	// slot 6; the table of 32 slots takes them in that order, where 0 and
	// then 1 find the next free neighbour.
	if got := tableOrder(setTable([]uint64{32, 0, 1, 2, 3})); !slices.Equal(got, []int32{0, 1, 3, 4, 2}) {
		t.Errorf("order %v", got)
	}
}

// FuzzSetOrder: a set of any ints and floats prints each of its items
// once, whatever their hashes.
func FuzzSetOrder(f *testing.F) {
	f.Add([]byte{0, 8, 16, 24, 32, 40, 0xff, 0xfe})
	f.Add(bytes.Repeat([]byte{0xff, 0, 0, 0, 0, 0, 0, 0x80}, 40))
	f.Fuzz(func(t *testing.T, data []byte) {
		s := NewSet()
		for len(data) >= 8 {
			n := binary.LittleEndian.Uint64(data)
			data = data[8:]
			if n&1 == 0 {
				s.Add(int64(n >> 1))
			} else if f := math.Float64frombits(n); !math.IsNaN(f) {
				s.Add(f)
			}
		}
		for _, b := range data {
			s.Add(int64(b) - 128)
		}
		var p printer
		table := p.setTable(s.items)
		if s.Len() < 2 {
			return
		}
		order := tableOrder(table)
		slices.Sort(order)
		for i, k := range order {
			if k != int32(i) {
				t.Fatalf("table of %d items holds positions %v", s.Len(), order)
			}
		}
		if len(order) != s.Len() {
			t.Fatalf("table of %d items holds %d", s.Len(), len(order))
		}
	})
}

// tableOrder returns the positions of the items in a table of setTable.
func tableOrder(table []int32) []int32 {
	var order []int32
	for _, e := range table {
		if e != 0 {
			order = append(order, e-1)
		}
	}
	return order
}

func BenchmarkReprSet(b *testing.B) {
	strs := NewSet()
	ints := NewSet()
	tuples := NewSet()
	for i := range 1000 {
		strs.Add("key" + string(rune('a'+i%26)) + Repr(int64(i)))
		ints.Add(int64(i*7919 - 500000))
		tuples.Add(Tuple{int64(i), float64(i) / 3})
	}
	for _, bb := range []struct {
		name string
		s    *Set
	}{{"str", strs}, {"int", ints}, {"tuple", tuples}} {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			buf := make([]byte, 0, 1<<16)
			for b.Loop() {
				buf = AppendRepr(buf[:0], bb.s)
			}
		})
	}
}
