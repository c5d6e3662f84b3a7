package msgspec

import (
	"math"

	"github.com/flaskbridge/flaskbridge/py"
)

// extClass is the class of msgspec's msgpack extension values.
var extClass = py.Global{Module: "msgspec.msgpack", Name: "Ext"}

// NewExt returns msgspec.msgpack.Ext(code, data): what an untyped msgspec
// decoder returns for a MessagePack extension other than the timestamp
// (type -1). It is a *py.Object as pickle keeps one, built by calling the
// class with (code, data), so that a pickle codec writes it as CPython
// would; the msgpack encoder writes it back as the extension. data is kept,
// not copied.
func NewExt(code int8, data []byte) *py.Object {
	return &py.Object{Kind: py.ObjectReduce, Callable: extClass, Args: py.Tuple{int64(code), py.Bytes(data)}}
}

// ExtOf returns the code and data of a value NewExt made, or of an
// equivalent *py.Object (from a pickle, say); ok is false for any other
// value.
func ExtOf(v py.Value) (code int8, data []byte, ok bool) {
	o, isObj := v.(*py.Object)
	if !isObj || o == nil || o.Kind != py.ObjectReduce || len(o.Args) != 2 || o.HasState ||
		o.Kwargs.Len() != 0 || len(o.ListItems) != 0 || len(o.DictItems) != 0 {
		return 0, nil, false
	}
	if m, n, isGlobal := o.Class(); !isGlobal || m != extClass.Module || n != extClass.Name {
		return 0, nil, false
	}
	c, isInt := o.Args[0].(int64)
	if !isInt || c < math.MinInt8 || c > math.MaxInt8 {
		return 0, nil, false
	}
	switch d := o.Args[1].(type) {
	case py.Bytes:
		data = d
	case *py.ByteArray:
		if d == nil {
			return 0, nil, false
		}
		data = d.Data
	default:
		return 0, nil, false
	}
	if uint64(len(data)) >= 1<<32 {
		return 0, nil, false
	}
	return int8(c), data, true
}
