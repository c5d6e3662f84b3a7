package pickle

import (
	"math"
	"unsafe"

	"github.com/flaskbridge/flaskbridge/internal/ifacebox"
	"github.com/flaskbridge/flaskbridge/py"
)

// Strings, int64s and float64s are boxed in slabs (internal/ifacebox):
// a few allocations per decode instead of one per value.

// nextSlab returns the size of the next slab: small for small pickles,
// growing with the pickle up to a bound.
func nextSlab(prev int) int {
	return min(max(8, 2*prev), 256)
}

var slabsWork = checkSlabs()

// checkSlabs checks, besides ifacebox.Works, the str header layout that
// boxStrAt writes.
func checkSlabs() bool {
	if !ifacebox.Works() || strHeader != 2*int(unsafe.Sizeof(uintptr(0))) {
		return false
	}
	s := "slab check"
	chunk := make([]byte, 64)
	vc := boxStrAt(chunk, []byte(s))
	got, ok := vc.(string)
	return ok && got == s && vc == any("slab check") && unsafe.StringData(got) == &chunk[strHeader]
}

// slabs hold the values of one decode.
type slabs struct {
	block  []byte   // str memory: see str
	from   int      // the input offset block's copy starts at
	hdr    int      // where the next header goes in block
	strs   []string // headers that found no room in block
	ints   []int64
	floats []float64
	dicts  []py.Dict
	ents   []py.DictEntry
	tuples []py.Value
}

// items returns memory for the n > 0 items of a tuple, carved from a slab
// (with its capacity cut, so that no append reaches the next tuple).
func (b *slabs) items(n int) py.Tuple {
	if n > 64 {
		return make(py.Tuple, n)
	}
	if cap(b.tuples)-len(b.tuples) < n {
		b.tuples = make([]py.Value, 0, max(n, nextSlab(cap(b.tuples))))
	}
	start := len(b.tuples)
	b.tuples = b.tuples[:start+n]
	return py.Tuple(b.tuples[start : start+n : start+n])
}

// entries returns room for the n entries of a new dict (length 0,
// capacity n), carved from a slab.
func (b *slabs) entries(n int) []py.DictEntry {
	if n > 64 {
		return make([]py.DictEntry, 0, n)
	}
	if cap(b.ents)-len(b.ents) < n {
		// The first slab fits the first dict (often the only one).
		b.ents = make([]py.DictEntry, 0, max(n, min(2*cap(b.ents), 32)))
	}
	start := len(b.ents)
	b.ents = b.ents[:start+n]
	return b.ents[start : start : start+n]
}

// firstDicts are the first slabs of dicts and entries.
type firstDicts struct {
	dicts [1]py.Dict
	ents  [6]py.DictEntry
}

// dict returns a new empty dict, carved from a slab of dicts.
func (b *slabs) dict() *py.Dict {
	if cap(b.dicts) == 0 && cap(b.ents) == 0 {
		// The first dicts and their entries in one allocation: all a
		// small session needs.
		f := new(firstDicts)
		b.dicts, b.ents = f.dicts[:0], f.ents[:0]
	}
	if len(b.dicts) == cap(b.dicts) {
		b.dicts = make([]py.Dict, 0, min(max(1, 2*cap(b.dicts)), 64))
	}
	b.dicts = b.dicts[:len(b.dicts)+1]
	return &b.dicts[len(b.dicts)-1]
}

// A str value needs its bytes and a string header for the interface to
// point to. The decoder copies the rest of the input, once, into a block
// of pointer-free memory with room for headers after it: a str is then a
// header in the block pointing to its bytes in the same block. The
// interface points into the block and keeps it alive, and the header's own
// pointer points into that very block, so the collector never needs to
// see it: the block is never scanned, and a header is written as two plain
// words, without a write barrier while the collector runs. For a decoder
// whose values are mostly strings that is most of the garbage collector's
// cost. Since the input is copied, the decoded value never shares memory
// with the caller's slice, which the caller may reuse.
//
// The room for headers is a guess (3/4 of the input: a header per 21
// bytes); a pickle of tinier strings gets the rest of its headers from a
// slab of strings, which the collector scans.

const strHeader = int(unsafe.Sizeof(""))

// emptyStr is the boxed empty str: it needs no memory.
var emptyStr py.Value = ""

// str boxes data[start:end] as a str. It also returns the offset of its
// header in the block, or -1 when it has none there (see strRef).
func (b *slabs) str(data []byte, start, end int) (py.Value, int32) {
	if at := b.hdr; at+strHeader <= len(b.block) && start >= b.from && start < end {
		h := (*[2]uintptr)(unsafe.Pointer(&b.block[at]))
		h[0] = uintptr(unsafe.Pointer(&b.block[start-b.from]))
		h[1] = uintptr(end - start)
		b.hdr = at + strHeader
		return ifacebox.Make(ifacebox.String, unsafe.Pointer(h)), int32(at)
	}
	return b.strSlow(data, start, end)
}

func (b *slabs) strSlow(data []byte, start, end int) (py.Value, int32) {
	if start == end {
		return emptyStr, -1
	}
	if !slabsWork {
		return string(data[start:end]), -1
	}
	if b.block == nil {
		if !b.newBlock(data, start) {
			return string(data[start:end]), -1
		}
		return b.str(data, start, end)
	}
	if start < b.from {
		return string(data[start:end]), -1 // not in the block (never so far)
	}
	// No room for headers left: a slab header pointing into the block.
	if len(b.strs) == cap(b.strs) {
		b.strs = make([]string, 0, nextSlab(cap(b.strs)))
	}
	b.strs = append(b.strs, unsafe.String(&b.block[start-b.from], end-start))
	return ifacebox.Make(ifacebox.String, unsafe.Pointer(&b.strs[len(b.strs)-1])), -1
}

// newBlock copies data[start:] into a new block. It reports false, making
// none, when the block would be too large for the int32 offsets the memo
// keeps of its headers (an input of more than a gigabyte): each str then
// gets memory of its own.
func (b *slabs) newBlock(data []byte, start int) bool {
	rest := len(data) - start
	n, size := blockSize(rest)
	if size > math.MaxInt32 {
		return false
	}
	b.block = make([]byte, size)
	copy(b.block, data[start:])
	b.from, b.hdr = start, n
	return true
}

// blockSize returns the size of the block for rest bytes of input: where
// its headers start, and its whole size.
func blockSize(rest int) (n, size int) {
	n = (rest + 7) &^ 7
	return n, n + max(rest*3/4, 8*strHeader)&^7
}

// strRef tells where in the block the str v has its header, when it has
// one there: the memo keeps that pointer-free reference instead of v.
func (b *slabs) strRef(v py.Value) (at int32, ok bool) {
	typ, data := ifacebox.Words(v)
	if typ != ifacebox.String || b.block == nil {
		return 0, false
	}
	base := uintptr(unsafe.Pointer(unsafe.SliceData(b.block)))
	p := uintptr(data)
	if p < base || p >= base+uintptr(b.hdr) {
		return 0, false
	}
	return int32(p - base), true
}

// strAt returns the str whose header is at offset at of the block.
func (b *slabs) strAt(at int32) py.Value {
	return ifacebox.Make(ifacebox.String, unsafe.Pointer(&b.block[at]))
}

// boxStrAt writes a header and a copy of src at the start of mem (8-byte
// aligned, pointer-free, at least strHeader+len(src) bytes) and returns
// the str it describes; checkSlabs tries it.
func boxStrAt(mem, src []byte) py.Value {
	data := mem[strHeader : strHeader+len(src)]
	copy(data, src)
	h := (*[2]uintptr)(unsafe.Pointer(&mem[0]))
	h[0] = uintptr(unsafe.Pointer(&data[0]))
	h[1] = uintptr(len(src))
	return ifacebox.Make(ifacebox.String, unsafe.Pointer(h))
}

func (b *slabs) int(n int64) py.Value {
	if n >= 0 && n < 256 || !slabsWork {
		return n // Go keeps these without allocating
	}
	if len(b.ints) == cap(b.ints) {
		b.ints = make([]int64, 0, nextSlab(cap(b.ints)))
	}
	b.ints = append(b.ints, n)
	return ifacebox.Make(ifacebox.Int64, unsafe.Pointer(&b.ints[len(b.ints)-1]))
}

func (b *slabs) float(f float64) py.Value {
	if !slabsWork {
		return f
	}
	if len(b.floats) == cap(b.floats) {
		b.floats = make([]float64, 0, nextSlab(cap(b.floats)))
	}
	b.floats = append(b.floats, f)
	return ifacebox.Make(ifacebox.Float64, unsafe.Pointer(&b.floats[len(b.floats)-1]))
}
