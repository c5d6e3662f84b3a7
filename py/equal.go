package py

import (
	"bytes"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"
)

// maxEqualDepth bounds the recursion of Equal; Python raises RecursionError
// where we report "not equal".
const maxEqualDepth = 10_000

// Equal reports whether a == b in Python, for values of this model:
// numbers compare across types (1 == 1.0 == True == Decimal('1')), str
// equals Markup with the same text, bytes equals bytearray, list and tuple
// never equal each other, dicts and sets compare regardless of order (but an
// OrderedDict with another OrderedDict in order), naive and aware datetimes
// never compare equal, and NaN equals nothing. Two *Object values are equal
// when they are the same object or were built the same way (Python would ask
// the class's __eq__, which is unknown here).
func Equal(a, b Value) bool { return equal(a, b, 0) }

func equal(a, b Value, depth int) bool {
	if depth > maxEqualDepth {
		return false
	}
	depth++
	switch x := a.(type) {
	case nil:
		return b == nil
	case string:
		switch y := b.(type) {
		case string:
			return x == y
		case Markup:
			return x == string(y)
		}
		return false
	case Markup:
		switch y := b.(type) {
		case string:
			return string(x) == y
		case Markup:
			return x == y
		}
		return false
	case Bytes:
		switch y := b.(type) {
		case Bytes:
			return bytes.Equal(x, y)
		case *ByteArray:
			return bytes.Equal(x, y.Data)
		}
		return false
	case *ByteArray:
		switch y := b.(type) {
		case Bytes:
			return bytes.Equal(x.Data, y)
		case *ByteArray:
			return x == y || bytes.Equal(x.Data, y.Data)
		}
		return false
	case *List:
		y, ok := b.(*List)
		if !ok {
			return false
		}
		return x == y || seqEqual(x.Items, y.Items, depth)
	case Tuple:
		y, ok := b.(Tuple)
		return ok && seqEqual(x, y, depth)
	case *Dict:
		switch y := b.(type) {
		case *Dict:
			return x == y || dictEqual(x, y, depth)
		case *OrderedDict:
			return dictEqual(x, &y.Dict, depth)
		}
		return false
	case *OrderedDict:
		switch y := b.(type) {
		case *Dict:
			return dictEqual(&x.Dict, y, depth)
		case *OrderedDict:
			return x == y || orderedEqual(&x.Dict, &y.Dict, depth)
		}
		return false
	case *Set:
		y, ok := b.(*Set)
		if !ok {
			return false
		}
		if x == y {
			return true
		}
		if x.Len() != y.Len() {
			return false
		}
		for _, it := range x.items {
			if !y.Has(it) {
				return false
			}
		}
		return true
	case DateTime:
		y, ok := b.(DateTime)
		return ok && x.Equal(y)
	case Date:
		y, ok := b.(Date)
		return ok && x.Equal(y)
	case Time:
		y, ok := b.(Time)
		return ok && x.Equal(y)
	case TimeDelta:
		y, ok := b.(TimeDelta)
		return ok && x.Equal(y)
	case TimeZone:
		y, ok := b.(TimeZone)
		return ok && x.Equal(y)
	case UUID:
		y, ok := b.(UUID)
		return ok && x.Equal(y)
	case Global:
		switch y := b.(type) {
		case Global:
			return x == y
		case *Global:
			return y != nil && x == *y
		}
		return false
	case *Global:
		return x != nil && equal(*x, b, depth)
	case *Object:
		y, ok := b.(*Object)
		if !ok {
			return false
		}
		return x == y || objectEqual(x, y, depth)
	}
	if na, ok := asNumber(a); ok {
		if nb, ok := asNumber(b); ok {
			return numberEqual(na, nb)
		}
		return false
	}
	return false
}

func seqEqual(a, b []Value, depth int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !sameObject(a[i], b[i]) && !equal(a[i], b[i], depth) {
			return false
		}
	}
	return true
}

// sameObject reports whether a and b are one pointer-typed object, which
// Python's container comparisons take as equal without asking ==.
func sameObject(a, b Value) bool {
	switch x := a.(type) {
	case *List:
		y, ok := b.(*List)
		return ok && x == y
	case *Dict:
		y, ok := b.(*Dict)
		return ok && x == y
	case *Set:
		y, ok := b.(*Set)
		return ok && x == y
	case *Object:
		y, ok := b.(*Object)
		return ok && x == y
	}
	return false
}

func dictEqual(a, b *Dict, depth int) bool {
	if a.Len() != b.Len() {
		return false
	}
	for _, e := range a.entries {
		v, ok := b.Get(e.Key)
		if !ok || (!sameObject(e.Value, v) && !equal(e.Value, v, depth)) {
			return false
		}
	}
	return true
}

func orderedEqual(a, b *Dict, depth int) bool {
	if a.Len() != b.Len() {
		return false
	}
	for i, e := range a.entries {
		f := b.entries[i]
		if !equal(e.Key, f.Key, depth) || (!sameObject(e.Value, f.Value) && !equal(e.Value, f.Value, depth)) {
			return false
		}
	}
	return true
}

func objectEqual(a, b *Object, depth int) bool {
	if a.Kind != b.Kind || a.HasState != b.HasState || len(a.ListItems) != len(b.ListItems) || len(a.DictItems) != len(b.DictItems) {
		return false
	}
	if !equal(a.Callable, b.Callable, depth) || !seqEqual(a.Args, b.Args, depth) {
		return false
	}
	if (a.Kwargs == nil) != (b.Kwargs == nil) || (a.Kwargs != nil && !dictEqual(a.Kwargs, b.Kwargs, depth)) {
		return false
	}
	if a.HasState && !equal(a.State, b.State, depth) {
		return false
	}
	if !seqEqual(a.ListItems, b.ListItems, depth) {
		return false
	}
	for i := range a.DictItems {
		if !equal(a.DictItems[i].Key, b.DictItems[i].Key, depth) || !equal(a.DictItems[i].Value, b.DictItems[i].Value, depth) {
			return false
		}
	}
	return true
}

// number is a numeric value reduced to one of three forms.
type number struct {
	kind byte // 'i' int64, 'b' big, 'f' float, 'd' decimal
	i    int64
	b    *big.Int
	f    float64
	d    Decimal
}

func asNumber(v Value) (number, bool) {
	switch x := v.(type) {
	case bool:
		if x {
			return number{kind: 'i', i: 1}, true
		}
		return number{kind: 'i'}, true
	case int64:
		return number{kind: 'i', i: x}, true
	case int:
		return number{kind: 'i', i: int64(x)}, true
	case int32:
		return number{kind: 'i', i: int64(x)}, true
	case int16:
		return number{kind: 'i', i: int64(x)}, true
	case int8:
		return number{kind: 'i', i: int64(x)}, true
	case uint8:
		return number{kind: 'i', i: int64(x)}, true
	case uint16:
		return number{kind: 'i', i: int64(x)}, true
	case uint32:
		return number{kind: 'i', i: int64(x)}, true
	case uint:
		return number{kind: 'b', b: new(big.Int).SetUint64(uint64(x))}, true
	case uint64:
		return number{kind: 'b', b: new(big.Int).SetUint64(x)}, true
	case *big.Int:
		if x == nil {
			return number{}, false
		}
		return number{kind: 'b', b: x}, true
	case float64:
		return number{kind: 'f', f: x}, true
	case float32:
		return number{kind: 'f', f: float64(x)}, true
	case Decimal:
		return number{kind: 'd', d: x}, true
	}
	return number{}, false
}

func numberEqual(a, b number) bool {
	switch {
	case a.kind == 'i' && b.kind == 'i':
		return a.i == b.i
	case a.kind == 'f' && b.kind == 'f':
		return a.f == b.f
	case a.kind == 'f' && b.kind == 'i':
		return a.f == float64(b.i) && !math.IsInf(a.f, 0) && exactIntFloat(b.i, a.f)
	case a.kind == 'i' && b.kind == 'f':
		return numberEqual(b, a)
	}
	ka, oka := a.key()
	kb, okb := b.key()
	return oka && okb && ka == kb
}

// exactIntFloat reports whether the float f is exactly the integer i (a
// large int64 may round to a float that compares == in Go but not in Python).
func exactIntFloat(i int64, f float64) bool {
	if f != math.Trunc(f) {
		return false
	}
	if f >= -(1<<63) && f < (1<<63) {
		return int64(f) == i
	}
	return false
}

// key returns the canonical text of the number, equal for equal numbers of
// every type; false for NaN.
func (n number) key() (string, bool) {
	switch n.kind {
	case 'i':
		return intKey(n.i), true
	case 'b':
		if n.b.IsInt64() {
			return intKey(n.b.Int64()), true
		}
		s := n.b.String()
		neg := strings.HasPrefix(s, "-")
		return canonicalNumber(neg, strings.TrimPrefix(s, "-"), 0), true
	case 'f':
		return floatKey(n.f)
	case 'd':
		return n.d.numericKey()
	}
	return "", false
}

func intKey(i int64) string {
	if i > -10 && i < 10 || i%10 != 0 {
		return strconv.FormatInt(i, 10)
	}
	s := strconv.FormatInt(i, 10)
	neg := i < 0
	return canonicalNumber(neg, strings.TrimPrefix(s, "-"), 0)
}

func floatKey(f float64) (string, bool) {
	switch {
	case math.IsNaN(f):
		return "", false
	case math.IsInf(f, 1):
		return "inf", true
	case math.IsInf(f, -1):
		return "-inf", true
	case f == 0:
		return "0", true
	}
	neg := f < 0
	if neg {
		f = -f
	}
	if f == math.Trunc(f) && f < 1<<63 {
		return canonicalNumber(neg, strconv.FormatUint(uint64(f), 10), 0), true
	}
	// f = mant * 2**exp exactly; write it as coeff * 10**exp.
	frac, e := math.Frexp(f)
	mant := int64(frac * (1 << 53))
	exp := e - 53
	coeff := big.NewInt(mant)
	if exp >= 0 {
		coeff.Lsh(coeff, uint(exp))
		return canonicalNumber(neg, coeff.String(), 0), true
	}
	five := new(big.Int).Exp(big.NewInt(5), big.NewInt(int64(-exp)), nil)
	coeff.Mul(coeff, five)
	return canonicalNumber(neg, coeff.String(), int64(exp)), true
}

// Hashable reports whether v can be a dict key or set item in Python: not a
// list, dict, non-frozen set or bytearray, nor a tuple or frozenset holding
// one.
func Hashable(v Value) bool {
	switch x := v.(type) {
	case *List, *Dict, *OrderedDict, *ByteArray:
		return false
	case *Set:
		return x.Frozen
	case Tuple:
		for _, it := range x {
			if !Hashable(it) {
				return false
			}
		}
		return true
	case Decimal:
		return x.kind != decSNaN
	}
	return true
}

// hashKey returns a text that is equal for two hashable values exactly when
// Python's == holds between them. It returns false for values never equal
// to anything (NaN and containers of NaN) and for unhashable values.
func hashKey(v Value) (string, bool) {
	switch x := v.(type) {
	case nil:
		return "N", true
	case string:
		return "s" + x, true
	case Markup:
		return "s" + string(x), true
	case Bytes:
		return "b" + string(x), true
	case Tuple:
		var b strings.Builder
		b.WriteByte('t')
		for _, it := range x {
			k, ok := hashKey(it)
			if !ok {
				return "", false
			}
			b.WriteString(strconv.Itoa(len(k)))
			b.WriteByte(':')
			b.WriteString(k)
		}
		return b.String(), true
	case *Set:
		if !x.Frozen {
			return "", false
		}
		keys := make([]string, 0, len(x.items))
		for _, it := range x.items {
			k, ok := hashKey(it)
			if !ok {
				return "", false
			}
			keys = append(keys, k)
		}
		slices.Sort(keys)
		var b strings.Builder
		b.WriteByte('f')
		for _, k := range keys {
			b.WriteString(strconv.Itoa(len(k)))
			b.WriteByte(':')
			b.WriteString(k)
		}
		return b.String(), true
	case DateTime:
		switch z := x.TZ.(type) {
		case nil:
			return fmt.Sprintf("dn%d-%d-%d-%d-%d-%d-%d", x.Year, x.Month, x.Day, x.Hour, x.Minute, x.Second, x.Microsecond), true
		case TimeZone:
			t := x.wall().Add(-time.Duration(z.offsetMicros()) * time.Microsecond)
			return "da" + strconv.FormatInt(t.UnixMicro(), 10), true
		default:
			return fmt.Sprintf("do%d-%d-%d-%d-%d-%d-%d-%p", x.Year, x.Month, x.Day, x.Hour, x.Minute, x.Second, x.Microsecond, z), true
		}
	case Date:
		return fmt.Sprintf("D%d-%d-%d", x.Year, x.Month, x.Day), true
	case Time:
		us := int64(x.Hour)*3600_000_000 + int64(x.Minute)*60_000_000 + int64(x.Second)*microsPerSecond + int64(x.Microsecond)
		switch z := x.TZ.(type) {
		case nil:
			return "Tn" + strconv.FormatInt(us, 10), true
		case TimeZone:
			return "Ta" + strconv.FormatInt(us-z.offsetMicros(), 10), true
		default:
			return fmt.Sprintf("To%d-%p", us, z), true
		}
	case TimeDelta:
		return fmt.Sprintf("e%d:%d", x.Days, int64(x.Seconds)*microsPerSecond+int64(x.Microseconds)), true
	case TimeZone:
		return "z" + strconv.FormatInt(x.offsetMicros(), 10), true
	case UUID:
		return "u" + string(x.Bytes[:]), true
	case Global:
		return "g" + x.Module + "\x00" + x.Name, true
	case *Global:
		if x == nil {
			return "", false
		}
		return "g" + x.Module + "\x00" + x.Name, true
	case *Object:
		return fmt.Sprintf("o%p", x), true
	case *List, *Dict, *OrderedDict, *ByteArray:
		return "", false
	}
	if n, ok := asNumber(v); ok {
		k, ok := n.key()
		return "n" + k, ok
	}
	return "", false
}

// TypeName returns the Python type name of v as Python's error messages
// print it ("int", "datetime.datetime", "markupsafe.Markup", the class of an
// Object), or "Go <type>" for a Go value outside the model.
func TypeName(v Value) string {
	switch x := v.(type) {
	case nil:
		return "NoneType"
	case bool:
		return "bool"
	case int64, int, int32, int16, int8, uint, uint64, uint32, uint16, uint8, *big.Int:
		return "int"
	case float64, float32:
		return "float"
	case string:
		return "str"
	case Markup:
		return "markupsafe.Markup"
	case Bytes:
		return "bytes"
	case *ByteArray:
		return "bytearray"
	case *List:
		return "list"
	case Tuple:
		return "tuple"
	case *Dict:
		return "dict"
	case *OrderedDict:
		return "collections.OrderedDict"
	case *Set:
		if x.Frozen {
			return "frozenset"
		}
		return "set"
	case DateTime:
		return "datetime.datetime"
	case Date:
		return "datetime.date"
	case Time:
		return "datetime.time"
	case TimeDelta:
		return "datetime.timedelta"
	case TimeZone:
		return "datetime.timezone"
	case Decimal:
		return "decimal.Decimal"
	case UUID:
		return "uuid.UUID"
	case Global, *Global:
		return "global"
	case *Object:
		if m, n, ok := x.Class(); ok {
			return m + "." + n
		}
		return "object"
	}
	return fmt.Sprintf("Go %T", v)
}
