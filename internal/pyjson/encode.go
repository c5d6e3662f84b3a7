package pyjson

import (
	"fmt"
	"math/big"

	"github.com/flaskbridge/flaskbridge/py"
)

// DefaultMaxDepth is the nesting depth encoders and decoders allow when
// none is set. CPython's json and Flask's tagging recurse in Python and hit
// RecursionError a little below this in practice.
const DefaultMaxDepth = 500

// MaxDepthCeiling is the most a MaxDepth may allow: the encoders and
// decoders recurse once per level, and a larger setting could exhaust the
// goroutine's stack, which Go does not recover from. A larger MaxDepth
// counts as MaxDepthCeiling.
const MaxDepthCeiling = 100_000

// depthLimit resolves a MaxDepth setting: 0 or less means DefaultMaxDepth,
// and it is at most MaxDepthCeiling.
func depthLimit(v int) int {
	if v <= 0 {
		return DefaultMaxDepth
	}
	return min(v, MaxDepthCeiling)
}

// EncodeOptions are the json.dumps settings of an encoding. Keys are always
// sorted and the output always ASCII, as Flask sets them.
type EncodeOptions struct {
	// Compact selects the separators "," and ":" (as Flask's tagged JSON
	// passes them); the zero value gives json.dumps's ", " and ": ".
	Compact bool
	// Default is json.dumps's default: called for a value of any type
	// other than None, bool, int, float, str, list, tuple and dict, it
	// returns a value to write instead, or an error (Python's TypeError).
	// Nil refuses every such value with ErrType.
	Default func(v py.Value) (py.Value, error)
	// MaxDepth bounds the nesting of lists and dicts (and so catches a
	// list that holds itself, which json.dumps reports as a circular
	// reference); 0 means DefaultMaxDepth, and it is at most
	// MaxDepthCeiling.
	MaxDepth int
}

// Marshal returns the JSON text json.dumps(v, sort_keys=True,
// ensure_ascii=True, default=o.Default) writes, with the separators o asks
// for.
func Marshal(v py.Value, o EncodeOptions) ([]byte, error) {
	return AppendValue(nil, v, o)
}

// AppendValue appends the JSON text of v to dst, as Marshal.
func AppendValue(dst []byte, v py.Value, o EncodeOptions) ([]byte, error) {
	e := encoder{EncodeOptions: o}
	e.MaxDepth = depthLimit(e.MaxDepth)
	e.itemSep, e.keySep = ", ", ": "
	if o.Compact {
		e.itemSep, e.keySep = ",", ":"
	}
	return e.value(dst, v, 0)
}

type encoder struct {
	EncodeOptions
	itemSep, keySep string
	items           []Item
}

func (e *encoder) value(dst []byte, v py.Value, depth int) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...), nil
	case bool:
		if x {
			return append(dst, "true"...), nil
		}
		return append(dst, "false"...), nil
	case string:
		return AppendString(dst, x)
	case py.Markup:
		return AppendString(dst, string(x))
	case int64:
		return AppendInt(dst, x), nil
	case *big.Int:
		if x == nil {
			return append(dst, "null"...), nil
		}
		return AppendBigInt(dst, x)
	case float64:
		return AppendFloat(dst, x), nil
	case *py.List:
		if x == nil {
			return append(dst, "null"...), nil
		}
		return e.array(dst, x.Items, depth)
	case py.Tuple:
		return e.array(dst, x, depth)
	case *py.Dict:
		if x == nil {
			return append(dst, "null"...), nil
		}
		return e.object(dst, x, depth)
	case *py.OrderedDict:
		if x == nil {
			return append(dst, "null"...), nil
		}
		return e.object(dst, &x.Dict, depth)
	}
	if depth >= e.MaxDepth {
		return dst, fmt.Errorf("%w: more than %d levels", ErrTooDeep, e.MaxDepth)
	}
	if e.Default == nil {
		return dst, fmt.Errorf("%w: object of type %s", ErrType, py.TypeName(v))
	}
	r, err := e.Default(v)
	if err != nil {
		return dst, err
	}
	return e.value(dst, r, depth+1)
}

func (e *encoder) array(dst []byte, items []py.Value, depth int) ([]byte, error) {
	if depth >= e.MaxDepth {
		return dst, fmt.Errorf("%w: more than %d levels", ErrTooDeep, e.MaxDepth)
	}
	dst = append(dst, '[')
	var err error
	for i, it := range items {
		if i > 0 {
			dst = append(dst, e.itemSep...)
		}
		if dst, err = e.value(dst, it, depth+1); err != nil {
			return dst, err
		}
	}
	return append(dst, ']'), nil
}

func (e *encoder) object(dst []byte, d *py.Dict, depth int) ([]byte, error) {
	if depth >= e.MaxDepth {
		return dst, fmt.Errorf("%w: more than %d levels", ErrTooDeep, e.MaxDepth)
	}
	start := len(e.items)
	var err error
	if e.items, err = AppendItems(e.items, d); err != nil {
		return dst, err
	}
	end := len(e.items)
	dst = append(dst, '{')
	for i := start; i < end; i++ {
		if i > start {
			dst = append(dst, e.itemSep...)
		}
		it := e.items[i]
		if dst, err = AppendString(dst, it.Key); err != nil {
			return dst, err
		}
		dst = append(dst, e.keySep...)
		if dst, err = e.value(dst, it.Value, depth+1); err != nil {
			return dst, err
		}
	}
	e.items = e.items[:start]
	return append(dst, '}'), nil
}

// AppendInt appends n in decimal.
func AppendInt(dst []byte, n int64) []byte {
	if n >= 0 && n < 10 {
		return append(dst, byte('0'+n))
	}
	var tmp [20]byte
	i := len(tmp)
	u := uint64(n)
	if n < 0 {
		u = uint64(-n)
	}
	for u >= 10 {
		i--
		tmp[i] = byte('0' + u%10)
		u /= 10
	}
	i--
	tmp[i] = byte('0' + u)
	if n < 0 {
		dst = append(dst, '-')
	}
	return append(dst, tmp[i:]...)
}
