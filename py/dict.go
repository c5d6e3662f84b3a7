package py

import (
	"fmt"
	"iter"
)

// DictEntry is one key and value of a Dict.
type DictEntry struct {
	Key   Value
	Value Value
}

// dictIndexMin is the size from which a Dict keeps a hash index; smaller
// dicts (most sessions) are searched linearly, which is faster.
const dictIndexMin = 9

// Dict is Python's dict: insertion-ordered, with any hashable key (str, int,
// float, bool, None, bytes, tuple, frozenset, datetime, ...), and Python's
// key equality: 1, 1.0 and True are one key, as are "a" and Markup("a").
// Setting an existing key keeps its place and its original key object, as
// Python does.
//
// A Dict is used through a pointer, like a Python dict through a reference.
// It is not safe for concurrent use.
type Dict struct {
	entries []DictEntry
	strIdx  map[string]int // str and Markup keys, once the dict is large
	keyIdx  map[string]int // every other hashable key, by hashKey
}

// NewDict returns an empty dict with room for n entries.
func NewDict(n int) *Dict {
	if n < 0 {
		n = 0
	}
	return &Dict{entries: make([]DictEntry, 0, n)}
}

// DictOf returns a dict of alternating keys and values, for literals in
// code: DictOf("a", 1, "b", 2). It panics on an odd count or an unhashable
// key, as a Go map literal with a duplicate key fails to compile.
func DictOf(kv ...Value) *Dict {
	if len(kv)%2 != 0 {
		panic("py.DictOf: odd number of arguments")
	}
	d := NewDict(len(kv) / 2)
	for i := 0; i < len(kv); i += 2 {
		d.Set(kv[i], kv[i+1])
	}
	return d
}

// Grow makes room for n more entries, so that adding them does not
// allocate again.
func (d *Dict) Grow(n int) {
	if n > 0 && cap(d.entries)-len(d.entries) < n {
		d.entries = append(make([]DictEntry, 0, len(d.entries)+n), d.entries...)
	}
}

// UseBuffer makes the empty dict d keep its entries in buf until it
// outgrows cap(buf), so that a decoder can carve the entries of many dicts
// from one allocation. The entries already in buf (up to its length) become
// the dict's: as for Append, their keys must be hashable and distinct. buf
// must not be used otherwise. It panics if d is not empty.
func (d *Dict) UseBuffer(buf []DictEntry) {
	if len(d.entries) != 0 {
		panic("py: Dict.UseBuffer on a non-empty dict")
	}
	d.entries = buf
	if len(buf) >= dictIndexMin {
		d.buildIndex()
	}
}

// Len returns the number of entries.
func (d *Dict) Len() int {
	if d == nil {
		return 0
	}
	return len(d.entries)
}

// At returns the key and value at position i in insertion order,
// 0 <= i < Len().
func (d *Dict) At(i int) (key, value Value) {
	e := d.entries[i]
	return e.Key, e.Value
}

// All iterates over the entries in insertion order. The dict must not be
// changed during the iteration (Python raises an error in that case).
func (d *Dict) All() iter.Seq2[Value, Value] {
	return func(yield func(Value, Value) bool) {
		if d == nil {
			return
		}
		for _, e := range d.entries {
			if !yield(e.Key, e.Value) {
				return
			}
		}
	}
}

// Keys iterates over the keys in insertion order.
func (d *Dict) Keys() iter.Seq[Value] {
	return func(yield func(Value) bool) {
		if d == nil {
			return
		}
		for _, e := range d.entries {
			if !yield(e.Key) {
				return
			}
		}
	}
}

// Entries returns a copy of the entries in insertion order.
func (d *Dict) Entries() []DictEntry {
	if d == nil {
		return nil
	}
	return append([]DictEntry(nil), d.entries...)
}

// Get returns the value for key, and whether the key is present.
func (d *Dict) Get(key Value) (Value, bool) {
	if d == nil {
		return nil, false
	}
	if i := d.find(key); i >= 0 {
		return d.entries[i].Value, true
	}
	return nil, false
}

// Has reports whether key is present.
func (d *Dict) Has(key Value) bool {
	return d != nil && d.find(key) >= 0
}

// Set sets key to value. An existing equal key keeps its position and its
// original key object. Set panics if key is not hashable (a list, dict, set
// or bytearray), as Python raises TypeError; check with Hashable first when
// the key comes from outside.
func (d *Dict) Set(key, value Value) {
	if i := d.find(key); i >= 0 {
		d.entries[i].Value = value
		return
	}
	if !Hashable(key) {
		panic(fmt.Sprintf("py: unhashable dict key of type %s", TypeName(key)))
	}
	d.entries = append(d.entries, DictEntry{Key: key, Value: value})
	if d.strIdx != nil {
		d.indexEntry(len(d.entries) - 1)
	} else if len(d.entries) >= dictIndexMin {
		d.buildIndex()
	}
}

// Append adds an entry at the end without looking for an equal key. It is
// for decoders that have checked the key is new and hashable; a duplicate
// key would make the dict hold one key twice.
func (d *Dict) Append(key, value Value) {
	d.entries = append(d.entries, DictEntry{Key: key, Value: value})
	if d.strIdx != nil {
		d.indexEntry(len(d.entries) - 1)
	} else if len(d.entries) >= dictIndexMin {
		d.buildIndex()
	}
}

// Delete removes key and reports whether it was present. The order of the
// other entries is kept.
func (d *Dict) Delete(key Value) bool {
	if d == nil {
		return false
	}
	i := d.find(key)
	if i < 0 {
		return false
	}
	copy(d.entries[i:], d.entries[i+1:])
	d.entries[len(d.entries)-1] = DictEntry{}
	d.entries = d.entries[:len(d.entries)-1]
	if d.strIdx != nil {
		d.buildIndex()
	}
	return true
}

// Clear removes every entry.
func (d *Dict) Clear() {
	clear(d.entries)
	d.entries = d.entries[:0]
	d.strIdx, d.keyIdx = nil, nil
}

// Copy returns a shallow copy, as dict.copy() does.
func (d *Dict) Copy() *Dict {
	c := &Dict{entries: append([]DictEntry(nil), d.entries...)}
	if len(c.entries) >= dictIndexMin {
		c.buildIndex()
	}
	return c
}

func (d *Dict) buildIndex() {
	d.strIdx = make(map[string]int, len(d.entries))
	d.keyIdx = nil
	for i := range d.entries {
		d.indexEntry(i)
	}
}

func (d *Dict) indexEntry(i int) {
	switch k := d.entries[i].Key.(type) {
	case string:
		d.strIdx[k] = i
	case Markup:
		d.strIdx[string(k)] = i
	default:
		hk, ok := hashKey(k)
		if !ok {
			return // NaN: never found again, as in Python without identity
		}
		if d.keyIdx == nil {
			d.keyIdx = make(map[string]int)
		}
		d.keyIdx[hk] = i
	}
}

// find returns the position of key, or -1.
func (d *Dict) find(key Value) int {
	if d.strIdx != nil {
		switch k := key.(type) {
		case string:
			if i, ok := d.strIdx[k]; ok {
				return i
			}
			return -1
		case Markup:
			if i, ok := d.strIdx[string(k)]; ok {
				return i
			}
			return -1
		}
		hk, ok := hashKey(key)
		if !ok {
			return -1
		}
		if i, found := d.keyIdx[hk]; found {
			return i
		}
		return -1
	}
	if s, ok := key.(string); ok {
		for i := range d.entries {
			switch k := d.entries[i].Key.(type) {
			case string:
				if k == s {
					return i
				}
			case Markup:
				if string(k) == s {
					return i
				}
			}
		}
		return -1
	}
	for i := range d.entries {
		if keyEqual(d.entries[i].Key, key) {
			return i
		}
	}
	return -1
}

// keyEqual compares two keys as a dict does: identity first, then ==.
func keyEqual(a, b Value) bool {
	return Equal(a, b)
}
