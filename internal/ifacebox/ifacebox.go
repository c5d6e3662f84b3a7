// Package ifacebox makes interface values that point at memory their
// caller owns, for the decoders (pickle, msgspec, the tagged JSON of
// flaskcookie).
//
// Storing a string, an int64 or a float64 in an interface makes Go
// allocate a copy of it, one allocation per value, and a decoded session
// is mostly such values. A decoder can keep them in slabs (arrays of its
// own) instead and make each interface point at its slab element, which
// is never written again: a few allocations per decode instead of one per
// value.
//
// An interface value is a type word and a data word; for a non-pointer
// type the data word points at an immutable copy of the value, which is
// what a slab element is once written. Works tells whether that layout
// holds (it is checked once, when the package starts); where it does not,
// the decoders box values the ordinary way.
package ifacebox

import "unsafe"

// eface is the layout of an interface value with no methods.
type eface struct {
	typ  unsafe.Pointer
	data unsafe.Pointer
}

// Words returns the type word and the data word of v.
func Words(v any) (typ, data unsafe.Pointer) {
	e := (*eface)(unsafe.Pointer(&v))
	return e.typ, e.data
}

// The type words of the kinds the decoders box, for Make.
var (
	String  = typeOf("")
	Int64   = typeOf(int64(0))
	Float64 = typeOf(float64(0))
)

func typeOf(v any) unsafe.Pointer { t, _ := Words(v); return t }

var works = check()

// Make returns the interface value of type word typ (String, Int64 or
// Float64) whose value is at data: memory holding a value of that type
// that is never written again while the interface is in use.
func Make(typ, data unsafe.Pointer) any {
	var v any
	e := (*eface)(unsafe.Pointer(&v))
	e.typ, e.data = typ, data
	return v
}

// Works reports whether interface values have the layout Make assumes.
func Works() bool { return works }

func check() bool {
	s, i, f := "box check", int64(1)<<40, 2.5
	vs, vi, vf := Make(String, unsafe.Pointer(&s)), Make(Int64, unsafe.Pointer(&i)), Make(Float64, unsafe.Pointer(&f))
	got, ok1 := vs.(string)
	n, ok2 := vi.(int64)
	x, ok3 := vf.(float64)
	_, data := Words(vs)
	return ok1 && ok2 && ok3 && got == s && n == i && x == f && vs == any("box check") &&
		data == unsafe.Pointer(&s) && unsafe.Sizeof(eface{}) == unsafe.Sizeof(vs)
}
