package py

import (
	"math/big"
)

// Value is any value of the model. The dynamic types a codec of this module
// produces are listed in the package documentation; codecs also accept the
// Go types that ValueOf converts.
type Value = any

// Bytes is Python's bytes. A nil Bytes is the empty bytes object.
type Bytes []byte

// ByteArray is Python's bytearray, a mutable byte string. It is used through
// a pointer so that two references to one bytearray stay one object.
type ByteArray struct {
	Data []byte
}

// Markup is markupsafe.Markup: a str subclass that Jinja does not escape
// again. Flask's tagged JSON keeps it apart from str (tag " m"), and pickle
// keeps its class. It compares equal to the str with the same text.
type Markup string

// List is Python's list. It is used through a pointer, like a Python list is
// used through a reference: appending to a list held in two places changes
// both.
type List struct {
	Items []Value
}

// NewList returns a list holding items (the slice is kept, not copied).
func NewList(items ...Value) *List { return &List{Items: items} }

// Len returns the number of items.
func (l *List) Len() int { return len(l.Items) }

// Append adds items at the end.
func (l *List) Append(items ...Value) { l.Items = append(l.Items, items...) }

// Tuple is Python's tuple. The empty tuple is Tuple{} or nil.
type Tuple []Value

// Global is a reference to a module-level name, such as a class or a
// function, the way pickle stores one (GLOBAL, STACK_GLOBAL). Loading one in
// Go never imports or runs anything.
type Global struct {
	Module string
	Name   string
}

// ObjectKind tells how a pickle built an Object, so that encoding it again
// writes the same opcodes.
type ObjectKind uint8

// The ways a pickle can build an object.
const (
	// ObjectReduce is Callable(*Args): the REDUCE opcode.
	ObjectReduce ObjectKind = iota
	// ObjectNewObj is Class.__new__(Class, *Args): NEWOBJ.
	ObjectNewObj
	// ObjectNewObjEx is Class.__new__(Class, *Args, **Kwargs): NEWOBJ_EX.
	ObjectNewObjEx
	// ObjectInst is the protocol 0 INST opcode (module and name inline).
	ObjectInst
	// ObjectObj is the protocol 1 OBJ opcode (class on the stack).
	ObjectObj
)

// Object is an instance of a class this model does not know, kept as data:
// which callable or class built it, with what arguments, and the state and
// items later applied to it. Nothing of it is ever executed. A session that
// holds an application object still loads, and encoding the Object again
// writes the same bytes CPython wrote.
type Object struct {
	// Kind says which opcode built the object.
	Kind ObjectKind
	// Callable is what REDUCE called, or the class for NEWOBJ, NEWOBJ_EX,
	// INST and OBJ. It is most often a Global.
	Callable Value
	// Args are the positional arguments.
	Args Tuple
	// Kwargs are the keyword arguments of NEWOBJ_EX, or nil.
	Kwargs *Dict
	// State is the argument of BUILD (often a dict, or a (dict, slots)
	// tuple); HasState tells whether BUILD was applied at all, since a state
	// of None is possible.
	State    Value
	HasState bool
	// ListItems were added by APPEND/APPENDS, DictItems by SETITEM/SETITEMS,
	// as pickle does for list and dict subclasses.
	ListItems []Value
	DictItems []DictEntry
}

// Class returns the module and name of the class (or callable) that built
// the object, when that is a Global.
func (o *Object) Class() (module, name string, ok bool) {
	if g, isGlobal := o.Callable.(Global); isGlobal {
		return g.Module, g.Name, true
	}
	if g, isGlobal := o.Callable.(*Global); isGlobal && g != nil {
		return g.Module, g.Name, true
	}
	return "", "", false
}

// Int returns the int value of n: an int64 when it fits, else a copy of n.
// Codecs of this module always produce int values in this normal form.
func Int(n *big.Int) Value {
	if n.IsInt64() {
		return n.Int64()
	}
	return new(big.Int).Set(n)
}

// OrderedDict is collections.OrderedDict. It has every method of Dict;
// unlike a Dict it compares order-sensitively with another OrderedDict, as
// Python does, and pickle keeps its class.
type OrderedDict struct {
	Dict
}

// NewOrderedDict returns an empty OrderedDict.
func NewOrderedDict() *OrderedDict { return &OrderedDict{} }
