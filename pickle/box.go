package pickle

import (
	"unsafe"

	"github.com/flaskbridge/flaskbridge/py"
)

// Boxing: storing a string (or an int64, a float64) in an interface makes
// Go allocate a copy of it, one allocation per value. A decoded session is
// mostly strings, so the decoder keeps them in slabs of its own and makes
// each interface point into a slab: a few allocations per decode.
//
// An interface value is a type pointer and a data pointer. For a
// non-pointer type the data pointer points to an immutable copy of the
// value, which is what a slab element is once written. The layout is
// checked once at start-up; should it ever differ, boxing falls back to
// plain conversions.

type eface struct {
	typ  unsafe.Pointer
	data unsafe.Pointer
}

// nextSlab returns the size of the next slab: small for small pickles,
// growing with the pickle up to a bound.
func nextSlab(prev int) int {
	return min(max(8, 2*prev), 256)
}

func typeOf(v any) unsafe.Pointer { return (*eface)(unsafe.Pointer(&v)).typ }

var (
	stringType  = typeOf("")
	int64Type   = typeOf(int64(0))
	float64Type = typeOf(float64(0))
	slabsWork   = checkSlabs()
)

func makeBox(typ, data unsafe.Pointer) any {
	var v any
	e := (*eface)(unsafe.Pointer(&v))
	e.typ, e.data = typ, data
	return v
}

func checkSlabs() bool {
	s, i, f := "slab check", int64(1)<<40, 2.5
	vs, vi, vf := makeBox(stringType, unsafe.Pointer(&s)), makeBox(int64Type, unsafe.Pointer(&i)), makeBox(float64Type, unsafe.Pointer(&f))
	got, ok1 := vs.(string)
	n, ok2 := vi.(int64)
	x, ok3 := vf.(float64)
	return ok1 && ok2 && ok3 && got == s && n == i && x == f && vs == any("slab check")
}

// slabs hold the values of one decode.
type slabs struct {
	strs   []string
	ints   []int64
	floats []float64
	dicts  []py.Dict
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

// dict returns a new empty dict, carved from a slab of dicts.
func (b *slabs) dict() *py.Dict {
	if len(b.dicts) == cap(b.dicts) {
		b.dicts = make([]py.Dict, 0, min(max(1, 2*cap(b.dicts)), 64))
	}
	b.dicts = b.dicts[:len(b.dicts)+1]
	return &b.dicts[len(b.dicts)-1]
}

func (b *slabs) str(s string) py.Value {
	if !slabsWork {
		return s
	}
	if len(b.strs) == cap(b.strs) {
		b.strs = make([]string, 0, nextSlab(cap(b.strs)))
	}
	b.strs = append(b.strs, s)
	return makeBox(stringType, unsafe.Pointer(&b.strs[len(b.strs)-1]))
}

func (b *slabs) int(n int64) py.Value {
	if n >= 0 && n < 256 || !slabsWork {
		return n // Go keeps these without allocating
	}
	if len(b.ints) == cap(b.ints) {
		b.ints = make([]int64, 0, nextSlab(cap(b.ints)))
	}
	b.ints = append(b.ints, n)
	return makeBox(int64Type, unsafe.Pointer(&b.ints[len(b.ints)-1]))
}

func (b *slabs) float(f float64) py.Value {
	if !slabsWork {
		return f
	}
	if len(b.floats) == cap(b.floats) {
		b.floats = make([]float64, 0, nextSlab(cap(b.floats)))
	}
	b.floats = append(b.floats, f)
	return makeBox(float64Type, unsafe.Pointer(&b.floats[len(b.floats)-1]))
}
