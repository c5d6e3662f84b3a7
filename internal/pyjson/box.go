package pyjson

import (
	"strings"
	"unsafe"

	"github.com/flaskbridge/flaskbridge/internal/ifacebox"
	"github.com/flaskbridge/flaskbridge/py"
)

// Strings, int64s and float64s are boxed in slabs (internal/ifacebox):
// a few allocations per document instead of one per value. The dicts and
// lists come from slabs too. The strings that are pieces of the text keep
// their headers in the text's own allocation instead (decoder.textStr).

var slabsWork = ifacebox.Works()

// slabs hold the values of one decoding.
type slabs struct {
	strs    []string
	ints    []int64
	floats  []float64
	dicts   []py.Dict
	lists   []py.List
	items   []py.Value
	entries []py.DictEntry

	presized uint8 // the kinds whose first slab was sized from the text
}

// The kinds of slabs presize makes.
const (
	slabStrs uint8 = 1 << iota
	slabDicts
	slabLists
	slabEntries
)

// next returns the size of the next slab of a kind, the last one holding
// c: small after a slab presize made (the estimate was close), then
// doubling.
func (b *slabs) next(kind uint8, c int) int {
	if b.presized&kind != 0 {
		b.presized &^= kind
		return max(8, c/4)
	}
	return slabSize(c)
}

// textCounts are the counts of a text's bytes that size its slabs: its
// quotes, colons and braces, and, when it has an array, its commas.
type textCounts struct {
	quotes, colons, braces, commas int
	arrays                         bool
}

// countText counts the bytes of s that size its slabs.
func countText(s string) textCounts {
	c := textCounts{quotes: strings.Count(s, `"`), colons: strings.Count(s, ":"), braces: strings.Count(s, "{")}
	if c.arrays = strings.IndexByte(s, '[') >= 0; c.arrays {
		c.commas = strings.Count(s, ",")
	}
	return c
}

// strs estimates the number of strings: two quotes each, less the keys
// (one per colon), which repeat and are interned; at most 4096.
func (c textCounts) strs() int { return min(max(c.quotes/2-c.colons+min(c.colons, 16), 0), 4096) }

// presize makes the first slabs about as large as the text needs, and
// returns an estimate of the number of array items. A dict takes a brace
// and its entries a colon each; the items of arrays take the commas that
// do not separate dict entries, plus one per array (lists, usually few,
// take the default slabs), at most 4096. The strings' slab is sized only
// when their headers have no room in the text's allocation.
func (b *slabs) presize(c textCounts, strSlab bool) (items int) {
	if n := c.strs(); n > 0 && strSlab {
		b.strs = make([]string, 0, n)
		b.presized |= slabStrs
	}
	if c.braces > 0 {
		b.dicts = make([]py.Dict, 0, min(c.braces, 1024))
		b.presized |= slabDicts
	}
	if c.colons > 0 {
		b.entries = make([]py.DictEntry, 0, min(c.colons, 4096))
		b.presized |= slabEntries
	}
	if !c.arrays {
		return 0
	}
	// Bounded as the slabs are: commas inside strings count too, and
	// the first array keeps the stack's memory.
	return min(max(c.commas-c.colons+c.braces, 0)+16, 4096)
}

// slabSize is the size of the next slab: small for small documents,
// growing up to a bound.
func slabSize(prev int) int { return min(max(8, 2*prev), 512) }

func (b *slabs) str(s string) py.Value {
	if !slabsWork {
		return s
	}
	if len(b.strs) == cap(b.strs) {
		b.strs = make([]string, 0, b.next(slabStrs, cap(b.strs)))
	}
	b.strs = append(b.strs, s)
	return ifacebox.Make(ifacebox.String, unsafe.Pointer(&b.strs[len(b.strs)-1]))
}

func (b *slabs) int(n int64) py.Value {
	if !slabsWork || (n >= 0 && n < 256) {
		return n // small ints are boxed without allocating
	}
	if len(b.ints) == cap(b.ints) {
		b.ints = make([]int64, 0, slabSize(cap(b.ints)))
	}
	b.ints = append(b.ints, n)
	return ifacebox.Make(ifacebox.Int64, unsafe.Pointer(&b.ints[len(b.ints)-1]))
}

func (b *slabs) float(f float64) py.Value {
	if !slabsWork {
		return f
	}
	if len(b.floats) == cap(b.floats) {
		b.floats = make([]float64, 0, slabSize(cap(b.floats)))
	}
	b.floats = append(b.floats, f)
	return ifacebox.Make(ifacebox.Float64, unsafe.Pointer(&b.floats[len(b.floats)-1]))
}

// maxSlabDict is the most entries of a dict carved from a slab; a larger
// dict has entries of its own.
const maxSlabDict = 64

// newDict returns an empty dict from a slab.
func (b *slabs) newDict() *py.Dict {
	if len(b.dicts) == cap(b.dicts) {
		b.dicts = make([]py.Dict, 0, min(b.next(slabDicts, cap(b.dicts)), 256))
	}
	b.dicts = b.dicts[:len(b.dicts)+1]
	return &b.dicts[len(b.dicts)-1]
}

// dictEntries returns n entries for one dict, carved from a slab (their
// capacity cut at n) when there are at most maxSlabDict.
func (b *slabs) dictEntries(n int) []py.DictEntry {
	if n > maxSlabDict {
		return make([]py.DictEntry, n)
	}
	if cap(b.entries)-len(b.entries) < n {
		b.entries = make([]py.DictEntry, 0, max(n, b.next(slabEntries, cap(b.entries))))
	}
	start := len(b.entries)
	b.entries = b.entries[:start+n]
	return b.entries[start : start+n : start+n]
}

// list returns a list of items, which it keeps.
func (b *slabs) list(items []py.Value) *py.List {
	if len(b.lists) == cap(b.lists) {
		b.lists = make([]py.List, 0, min(b.next(slabLists, cap(b.lists)), 256))
	}
	b.lists = b.lists[:len(b.lists)+1]
	l := &b.lists[len(b.lists)-1]
	l.Items = items
	return l
}

// copyItems copies items into memory carved from a slab, its capacity cut
// so that appending to one list never writes into the next.
func (b *slabs) copyItems(items []py.Value) []py.Value {
	n := len(items)
	if n == 0 {
		return nil
	}
	if n > 64 {
		return append([]py.Value(nil), items...)
	}
	if cap(b.items)-len(b.items) < n {
		b.items = make([]py.Value, 0, max(n, slabSize(cap(b.items))))
	}
	start := len(b.items)
	b.items = append(b.items, items...)
	return b.items[start : start+n : start+n]
}
