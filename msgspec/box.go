package msgspec

import (
	"sync"
	"unsafe"

	"github.com/flaskbridge/flaskbridge/internal/ifacebox"
	"github.com/flaskbridge/flaskbridge/py"
)

// Strings, int64s (from 256 up) and float64s are boxed in slabs
// (internal/ifacebox): a few allocations per decode instead of one per
// value. Lists and dicts are carved from slabs too.

var boxingWorks = checkBoxing()

// checkBoxing checks, besides ifacebox.Works, the str block layout that
// blockStr reads.
func checkBoxing() bool {
	if !ifacebox.Works() || strHeader != 2*int(unsafe.Sizeof(uintptr(0))) {
		return false
	}
	s := "box check"
	block := make([]byte, 64)
	copy(block, s)
	vb := blockStr(block, 16, 0, len(s))
	got, ok := vb.(string)
	return ok && got == s && vb == any("box check") && unsafe.StringData(got) == &block[0]
}

// slabSize returns the size of the next slab: twice the last one, at
// least want, within bounds.
func slabSize(prev, want int) int {
	return min(max(8, 2*prev, want), 512)
}

// slabs hold the values of one decode. hint, a guess of the number of
// values from the input's size, sizes the first slab of strings.
type slabs struct {
	hint    int
	block   []byte // strings of the input: see strIn
	from    int    // the input offset block's copy starts at
	hdr     int    // where the next header goes in block
	strs    []string
	ints    []int64
	floats  []float64
	dicts   []py.Dict
	entries []py.DictEntry
	lists   []py.List
	items   []py.Value
}

// firstSlabs are the first slabs of a decode, in one allocation: enough
// for a small session (a Flask-Login one) in all.
type firstSlabs struct {
	dicts   [2]py.Dict
	entries [8]py.DictEntry
	strs    [16]string
}

// init sets up the slabs of a decode of about hint values.
func (b *slabs) init(hint int) {
	b.hint = hint
	f := new(firstSlabs)
	b.dicts, b.entries, b.strs = f.dicts[:0], f.entries[:0], f.strs[:0]
}

// firstSlabsIn are firstSlabs for a decoder whose strings are in a block
// (see strIn).
type firstSlabsIn struct {
	dicts   [2]py.Dict
	entries [8]py.DictEntry
}

// initIn is init for a decoder whose strings are in a block.
func (b *slabs) initIn(hint int) {
	b.hint = hint
	f := new(firstSlabsIn)
	b.dicts, b.entries = f.dicts[:0], f.entries[:0]
}

func (b *slabs) str(s string) py.Value {
	if !boxingWorks {
		return s
	}
	if len(b.strs) == cap(b.strs) {
		b.strs = make([]string, 0, slabSize(cap(b.strs), b.hint))
	}
	b.strs = append(b.strs, s)
	return ifacebox.Make(ifacebox.String, unsafe.Pointer(&b.strs[len(b.strs)-1]))
}

// strIn boxes data[start:end] as a str. The first call copies data, from
// start on, into a block of pointer-free memory with room for string
// headers after it; each str is then a header in the block pointing to
// its bytes in the same block. The interface points into the block and
// keeps it alive, and the header's own pointer points into that very
// block, so the collector never needs to see it: the block is never
// scanned, and a header is written as two plain words, without a write
// barrier while the collector runs. The decoded value shares no memory
// with data. The room for headers is a guess (a header per 21 bytes of
// input, dict keys being shared: see fixKey); the headers of a message of
// tinier strings go on in the slab of strings.
func (b *slabs) strIn(data []byte, start, end int) py.Value {
	if at := b.hdr; at+strHeader <= len(b.block) && start >= b.from && start < end {
		b.hdr = at + strHeader
		return blockStr(b.block, at, start-b.from, end-start)
	}
	return b.strInSlow(data, start, end)
}

// blockStr writes at offset at of block the header of the str of the n > 0
// bytes at offset off, and returns the str.
func blockStr(block []byte, at, off, n int) py.Value {
	h := (*[2]uintptr)(unsafe.Pointer(&block[at]))
	h[0] = uintptr(unsafe.Pointer(&block[off]))
	h[1] = uintptr(n)
	return ifacebox.Make(ifacebox.String, unsafe.Pointer(h))
}

const strHeader = int(unsafe.Sizeof(""))

// emptyStr is the boxed empty str: it needs no memory.
var emptyStr py.Value = ""

func (b *slabs) strInSlow(data []byte, start, end int) py.Value {
	if start == end {
		return emptyStr
	}
	if !boxingWorks {
		return string(data[start:end])
	}
	if b.block == nil || start < b.from {
		rest := len(data) - start
		n := (rest + 7) &^ 7
		b.block = make([]byte, n+max(rest*3/4, 8*strHeader)&^7)
		copy(b.block, data[start:])
		b.from, b.hdr = start, n
		return b.strIn(data, start, end)
	}
	return b.str(unsafe.String(&b.block[start-b.from], end-start))
}

func (b *slabs) int(n int64) py.Value {
	if n >= 0 && n < 256 || !boxingWorks {
		return n // Go keeps these without allocating
	}
	if len(b.ints) == cap(b.ints) {
		b.ints = make([]int64, 0, slabSize(cap(b.ints), 0))
	}
	b.ints = append(b.ints, n)
	return ifacebox.Make(ifacebox.Int64, unsafe.Pointer(&b.ints[len(b.ints)-1]))
}

func (b *slabs) float(f float64) py.Value {
	if !boxingWorks {
		return f
	}
	if len(b.floats) == cap(b.floats) {
		b.floats = make([]float64, 0, slabSize(cap(b.floats), 0))
	}
	b.floats = append(b.floats, f)
	return ifacebox.Make(ifacebox.Float64, unsafe.Pointer(&b.floats[len(b.floats)-1]))
}

// dict returns a new empty dict with room for n entries, the struct carved
// from a slab.
func (b *slabs) dict(n int) *py.Dict {
	if len(b.dicts) == cap(b.dicts) {
		b.dicts = make([]py.Dict, 0, min(max(4, 2*cap(b.dicts)), 64))
	}
	b.dicts = b.dicts[:len(b.dicts)+1]
	d := &b.dicts[len(b.dicts)-1]
	if n > 0 && n <= 16 {
		if cap(b.entries)-len(b.entries) < n {
			b.entries = make([]py.DictEntry, 0, min(max(n, 8, 2*cap(b.entries)), 256))
		}
		start := len(b.entries)
		b.entries = b.entries[:start+n]
		d.UseBuffer(b.entries[start : start : start+n])
	} else {
		d.Grow(n)
	}
	return d
}

// list returns a list holding items, the struct carved from a slab.
func (b *slabs) list(items []py.Value) *py.List {
	if len(b.lists) == cap(b.lists) {
		b.lists = make([]py.List, 0, min(max(4, 2*cap(b.lists)), 64))
	}
	b.lists = append(b.lists, py.List{Items: items})
	return &b.lists[len(b.lists)-1]
}

// itemSlice returns memory for n items of a list or tuple, carved from a
// slab when small (with its capacity cut, so that an append to the list
// does not reach the next one).
func (b *slabs) itemSlice(n int) []py.Value {
	if n > 64 {
		return make([]py.Value, n)
	}
	if cap(b.items)-len(b.items) < n {
		b.items = make([]py.Value, 0, slabSize(cap(b.items), n))
	}
	start := len(b.items)
	b.items = b.items[:start+n]
	return b.items[start : start+n : start+n]
}

// setStr adds the entry of a str key to a decoded dict: appended without a
// search when the dict is small and holds no equal key (the common case),
// else through Set, which keeps Python's rule for a repeated key.
func setStr(m *py.Dict, k string, key, v py.Value) {
	n := m.Len()
	if n >= 8 {
		m.Set(key, v)
		return
	}
	for i := range n {
		switch old, _ := m.At(i); o := old.(type) {
		case string:
			if o == k {
				m.Set(key, v)
				return
			}
		case py.Markup:
			if string(o) == k {
				m.Set(key, v)
				return
			}
		}
	}
	m.Append(key, v)
}

// bufPool holds the buffers the Marshal functions encode into before
// copying the result out, so that an encoding allocates once.
var bufPool = sync.Pool{New: func() any { return new([]byte) }}

// releaseBuffer returns a copy of out, the output of an encoding into the
// pooled buffer p, and puts the buffer back in the pool.
func releaseBuffer(p *[]byte, out []byte, err error) ([]byte, error) {
	var res []byte
	if err == nil {
		res = append([]byte(nil), out...)
	}
	if cap(out) <= 1<<20 { // do not keep huge buffers alive
		*p = out[:0]
		bufPool.Put(p)
	}
	return res, err
}
