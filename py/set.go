package py

import (
	"fmt"
	"iter"
)

// Set is Python's set, or frozenset when Frozen is true. Items must be
// hashable and are unique under Python's equality (1 and True are one item).
//
// A Set keeps its items in the order they were first added. CPython
// iterates a set in hash-table order, which for str items changes with every
// process (hash randomisation); codecs write a Set in its stored order, so a
// set decoded and encoded again comes out as it went in.
type Set struct {
	// Frozen makes the set a frozenset.
	Frozen bool
	items  []Value
	index  map[string]int // by hashKey, once the set is large
}

// NewSet returns a set of the given items (duplicates dropped). It panics
// on an unhashable item, as Set.Add does.
func NewSet(items ...Value) *Set {
	s := &Set{items: make([]Value, 0, len(items))}
	for _, it := range items {
		s.Add(it)
	}
	return s
}

// NewFrozenSet returns a frozenset of the given items.
func NewFrozenSet(items ...Value) *Set {
	s := NewSet(items...)
	s.Frozen = true
	return s
}

// Len returns the number of items.
func (s *Set) Len() int {
	if s == nil {
		return 0
	}
	return len(s.items)
}

// At returns the item at position i in insertion order.
func (s *Set) At(i int) Value { return s.items[i] }

// All iterates over the items in insertion order.
func (s *Set) All() iter.Seq[Value] {
	return func(yield func(Value) bool) {
		if s == nil {
			return
		}
		for _, v := range s.items {
			if !yield(v) {
				return
			}
		}
	}
}

// Items returns a copy of the items in insertion order.
func (s *Set) Items() []Value {
	if s == nil {
		return nil
	}
	return append([]Value(nil), s.items...)
}

// Has reports whether an item equal to v is in the set.
func (s *Set) Has(v Value) bool { return s != nil && s.find(v) >= 0 }

// Add adds v unless an equal item is present, and reports whether it was
// added. It panics if v is unhashable (Python raises TypeError); check with
// Hashable first when the item comes from outside.
func (s *Set) Add(v Value) bool {
	if s.find(v) >= 0 {
		return false
	}
	if !Hashable(v) {
		panic(fmt.Sprintf("py: unhashable set item of type %s", TypeName(v)))
	}
	s.items = append(s.items, v)
	if s.index != nil {
		s.indexItem(len(s.items) - 1)
	} else if len(s.items) >= dictIndexMin {
		s.buildIndex()
	}
	return true
}

// Remove removes the item equal to v and reports whether there was one.
func (s *Set) Remove(v Value) bool {
	i := s.find(v)
	if i < 0 {
		return false
	}
	copy(s.items[i:], s.items[i+1:])
	s.items[len(s.items)-1] = nil
	s.items = s.items[:len(s.items)-1]
	if s.index != nil {
		s.buildIndex()
	}
	return true
}

func (s *Set) buildIndex() {
	s.index = make(map[string]int, len(s.items))
	for i := range s.items {
		s.indexItem(i)
	}
}

func (s *Set) indexItem(i int) {
	if k, ok := hashKey(s.items[i]); ok {
		s.index[k] = i
	}
}

func (s *Set) find(v Value) int {
	if s == nil {
		return -1
	}
	if s.index != nil {
		k, ok := hashKey(v)
		if !ok {
			return -1
		}
		if i, found := s.index[k]; found {
			return i
		}
		return -1
	}
	for i, it := range s.items {
		if Equal(it, v) {
			return i
		}
	}
	return -1
}
