package py

import (
	"cmp"
	"encoding"
	"errors"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Errors of ValueOf and Decode, wrapped in a *ConvertError that says where.
var (
	// ErrType reports a value whose Python type does not fit the Go
	// type it is decoded into (a str into an int field).
	ErrType = errors.New("py: type mismatch")
	// ErrUnsupported reports a Go type with no Python counterpart (a
	// channel, a function, a complex number), or a Go value nested
	// deeper than ValueOf follows (a pointer cycle).
	ErrUnsupported = errors.New("py: unsupported Go type")
	// ErrUnhashable reports a value used as a dict key or set item that
	// Python cannot hash (a list, a dict, a set).
	ErrUnhashable = errors.New("py: unhashable type")
	// ErrUnknownKey reports a dict key that matches no struct field, when
	// DecodeOptions.DisallowUnknownKeys is set.
	ErrUnknownKey = errors.New("py: unknown key")
)

// ConvertError is the error of ValueOf and Decode: Path says where in the
// value it happened, Err what (wrapping ErrType, ErrRange, ErrUnsupported,
// ErrUnhashable, ErrUnknownKey, ErrUnknownTZ, or the error of a
// Marshaler or Unmarshaler).
type ConvertError struct {
	// Path leads from the top value to the failing one: dict keys and
	// struct fields by name, list items by index, as in cart[3].price;
	// a key that is not an identifier str is written as its repr in
	// brackets (["a b"], [1]). It is empty for the top value.
	Path string
	Err  error
}

// Error returns "py: PATH: MESSAGE".
func (e *ConvertError) Error() string {
	msg := strings.TrimPrefix(e.Err.Error(), "py: ")
	if e.Path == "" {
		return "py: " + msg
	}
	return "py: " + e.Path + ": " + msg
}

// Unwrap returns Err.
func (e *ConvertError) Unwrap() error { return e.Err }

// Marshaler is implemented by Go types that convert themselves into a
// value of the model. ValueOf converts what MarshalPy returns again, so it
// may return Go values ValueOf knows (a map[string]any, a struct).
type Marshaler interface {
	MarshalPy() (Value, error)
}

// Unmarshaler is implemented by Go types that decode themselves from a
// value of the model. Decode calls UnmarshalPy with the value as it is in
// the model, without copying it.
type Unmarshaler interface {
	UnmarshalPy(Value) error
}

// maxConvertDepth bounds the nesting ValueOf and Decode follow; a deeper Go
// value is most likely a pointer cycle.
const maxConvertDepth = 1000

// addPath puts seg in front of the path of err.
func addPath(err error, seg string) error {
	if ce, ok := err.(*ConvertError); ok {
		switch {
		case ce.Path == "":
			ce.Path = seg
		case ce.Path[0] == '[':
			ce.Path = seg + ce.Path
		default:
			ce.Path = seg + "." + ce.Path
		}
		return ce
	}
	return &ConvertError{Path: seg, Err: err}
}

func indexSeg(i int) string { return "[" + strconv.Itoa(i) + "]" }

// keySeg names a dict key in a path: an identifier str as is, anything
// else as its repr in brackets.
func keySeg(k Value) string {
	var s string
	switch x := k.(type) {
	case string:
		s = x
	case Markup:
		s = string(x)
	default:
		return "[" + Repr(k) + "]"
	}
	if isIdentifier(s) {
		return s
	}
	return "[" + Repr(s) + "]"
}

func isIdentifier(s string) bool {
	if s == "" || !isIdentStart(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !isIdentChar(s[i]) {
			return false
		}
	}
	return true
}

func wrapTop(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := err.(*ConvertError); ok {
		return err
	}
	return &ConvertError{Err: err}
}

// ValueOf converts a Go value into a value of the model, in the manner of
// encoding/json's Marshal:
//
//   - values of the model pass through unchanged (containers are not
//     walked or copied), but a nil pointer becomes None and a *big.Int
//     that fits becomes an int64;
//   - a Marshaler converts itself;
//   - bool, string; every int and uint kind becomes int64 (*big.Int beyond
//     int64); float32 and float64 become float64 (a float32 keeps its exact
//     binary value: float32(0.1) is 0.10000000149011612, as Python would
//     see it);
//   - time.Time becomes an aware datetime.datetime in its own fixed offset
//     (timezone.utc for UTC), truncated to microseconds; time.Duration
//     becomes datetime.timedelta, truncated to microseconds;
//   - []byte and [N]byte become bytes (copied); other slices and arrays
//     become a *List (a nil slice becomes an empty list);
//   - map[K]struct{} becomes a set, other maps a *Dict with the keys in
//     sorted order (strings by bytes, numbers by value, others by repr), so
//     that the output is deterministic; a nil map becomes an empty dict;
//   - a struct becomes a *Dict of its exported fields in declaration order,
//     keyed by field name or by the name in a `py:"name"` tag, with the
//     encoding/json rules: `py:"-"` skips a field, `py:",omitempty"` skips
//     false, 0, "", nil and empty slices and maps, `py:",omitzero"` skips
//     zero values (or those whose IsZero method says so), and the fields of
//     embedded structs are promoted unless the embedding field has a tag;
//   - a pointer or interface converts what it points to; nil becomes None;
//   - another type with a MarshalText method becomes a str.
//
// Channels, functions and complex numbers are errors wrapping
// ErrUnsupported; every error is a *ConvertError that says where.
func ValueOf(v any) (Value, error) {
	m, err := toValue(v, 0)
	return m, wrapTop(err)
}

// toValue is ValueOf's fast path for the common types.
func toValue(v any, depth int) (Value, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case string, bool, int64, float64, Bytes, Markup, Tuple, DateTime, Date, Time,
		TimeDelta, TimeZone, Decimal, UUID, Global:
		return v, nil
	case *Dict:
		return nilToNone(x, x == nil), nil
	case *List:
		return nilToNone(x, x == nil), nil
	case *OrderedDict:
		return nilToNone(x, x == nil), nil
	case *Set:
		return nilToNone(x, x == nil), nil
	case *ByteArray:
		return nilToNone(x, x == nil), nil
	case *Object:
		return nilToNone(x, x == nil), nil
	case *Global:
		return nilToNone(x, x == nil), nil
	case *big.Int:
		if x == nil {
			return nil, nil
		}
		if x.IsInt64() {
			return x.Int64(), nil
		}
		return x, nil
	case int:
		return int64(x), nil
	case int32:
		return int64(x), nil
	case int16:
		return int64(x), nil
	case int8:
		return int64(x), nil
	case uint8:
		return int64(x), nil
	case uint16:
		return int64(x), nil
	case uint32:
		return int64(x), nil
	case uint:
		return uintValue(uint64(x)), nil
	case uint64:
		return uintValue(x), nil
	case float32:
		return float64(x), nil
	case []byte:
		return Bytes(append([]byte{}, x...)), nil
	case time.Time:
		return dateTimeValue(x)
	case time.Duration:
		return TimeDeltaOf(x), nil
	case []any:
		if depth >= maxConvertDepth {
			return nil, errTooDeep()
		}
		items := make([]Value, len(x))
		for i, it := range x {
			m, err := toValue(it, depth+1)
			if err != nil {
				return nil, addPath(err, indexSeg(i))
			}
			items[i] = m
		}
		return &List{Items: items}, nil
	case map[string]any:
		if depth >= maxConvertDepth {
			return nil, errTooDeep()
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		d := NewDict(len(keys))
		for _, k := range keys {
			m, err := toValue(x[k], depth+1)
			if err != nil {
				return nil, addPath(err, keySeg(k))
			}
			d.Append(k, m)
		}
		return d, nil
	case Marshaler:
		return marshal(x, depth)
	}
	return reflectValue(reflect.ValueOf(v), depth)
}

func nilToNone(v Value, isNil bool) Value {
	if isNil {
		return nil
	}
	return v
}

func errTooDeep() error {
	return fmt.Errorf("%w: nested deeper than %d levels (a pointer cycle?)", ErrUnsupported, maxConvertDepth)
}

func uintValue(x uint64) Value {
	if x <= math.MaxInt64 {
		return int64(x)
	}
	return new(big.Int).SetUint64(x)
}

func dateTimeValue(t time.Time) (Value, error) {
	d := DateTimeOf(t)
	if err := d.Validate(); err != nil {
		return nil, fmt.Errorf("%w (Python's datetime covers years 1 to 9999)", err)
	}
	return d, nil
}

func marshal(m Marshaler, depth int) (Value, error) {
	if depth >= maxConvertDepth {
		return nil, errTooDeep()
	}
	v, err := m.MarshalPy()
	if err != nil {
		return nil, err
	}
	return toValue(v, depth+1)
}

var (
	marshalerType       = reflect.TypeFor[Marshaler]()
	unmarshalerType     = reflect.TypeFor[Unmarshaler]()
	textMarshalerType   = reflect.TypeFor[encoding.TextMarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	timeType            = reflect.TypeFor[time.Time]()
	durationType        = reflect.TypeFor[time.Duration]()
	bigIntType          = reflect.TypeFor[big.Int]()
)

// isModelType reports whether t is a type of the model, or the struct type
// behind one of its pointer types.
func isModelType(t reflect.Type) bool {
	switch t {
	case reflect.TypeFor[Bytes](), reflect.TypeFor[Markup](), reflect.TypeFor[Tuple](),
		reflect.TypeFor[*List](), reflect.TypeFor[*Dict](), reflect.TypeFor[*OrderedDict](),
		reflect.TypeFor[*Set](), reflect.TypeFor[*ByteArray](), reflect.TypeFor[*Object](),
		reflect.TypeFor[*Global](), reflect.TypeFor[Global](),
		reflect.TypeFor[List](), reflect.TypeFor[Dict](), reflect.TypeFor[OrderedDict](),
		reflect.TypeFor[Set](), reflect.TypeFor[ByteArray](), reflect.TypeFor[Object](),
		reflect.TypeFor[DateTime](), reflect.TypeFor[Date](), reflect.TypeFor[Time](),
		reflect.TypeFor[TimeDelta](), reflect.TypeFor[TimeZone](), reflect.TypeFor[Decimal](),
		reflect.TypeFor[UUID]():
		return true
	}
	return false
}

// reflectValue converts what the fast path does not know.
func reflectValue(rv reflect.Value, depth int) (Value, error) {
	if !rv.IsValid() {
		return nil, nil
	}
	if depth >= maxConvertDepth {
		return nil, errTooDeep()
	}
	t := rv.Type()
	switch rv.Kind() {
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return nil, nil
		}
	}
	if rv.CanInterface() {
		if t.Implements(marshalerType) {
			return marshal(rv.Interface().(Marshaler), depth)
		}
		if rv.CanAddr() && reflect.PointerTo(t).Implements(marshalerType) {
			return marshal(rv.Addr().Interface().(Marshaler), depth)
		}
		if t == timeType || t == durationType || isModelType(t) {
			if t.Kind() == reflect.Struct && t != timeType && !isModel(rv.Interface()) {
				// A List, Dict, ... held by value: its address, on a copy.
				p := reflect.New(t)
				p.Elem().Set(rv)
				return toValue(p.Interface(), depth)
			}
			return toValue(rv.Interface(), depth)
		}
		if t == bigIntType {
			b := rv.Interface().(big.Int)
			return toValue(&b, depth)
		}
	}
	switch rv.Kind() {
	case reflect.Pointer, reflect.Interface:
		return reflectValue(rv.Elem(), depth+1)
	}
	if rv.CanInterface() && t.Implements(textMarshalerType) {
		text, err := rv.Interface().(encoding.TextMarshaler).MarshalText()
		if err != nil {
			return nil, err
		}
		return string(text), nil
	}
	switch rv.Kind() {
	case reflect.Bool:
		return rv.Bool(), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int(), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return uintValue(rv.Uint()), nil
	case reflect.Float32, reflect.Float64:
		return rv.Float(), nil
	case reflect.String:
		return rv.String(), nil
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return Bytes(append([]byte{}, rv.Bytes()...)), nil
		}
		return listValue(rv, depth)
	case reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			b := make([]byte, rv.Len())
			reflect.Copy(reflect.ValueOf(b), rv)
			return Bytes(b), nil
		}
		return listValue(rv, depth)
	case reflect.Map:
		return mapValue(rv, depth)
	case reflect.Struct:
		return structValue(rv, depth)
	}
	return nil, fmt.Errorf("%w: %s", ErrUnsupported, t)
}

func listValue(rv reflect.Value, depth int) (Value, error) {
	n := rv.Len()
	items := make([]Value, n)
	for i := 0; i < n; i++ {
		m, err := reflectValue(rv.Index(i), depth+1)
		if err != nil {
			return nil, addPath(err, indexSeg(i))
		}
		items[i] = m
	}
	return &List{Items: items}, nil
}

// keyOrder orders converted map keys: strings by bytes, numbers by value,
// anything else (and mixed types) by repr.
func keyOrder(a, b Value) int {
	switch x := a.(type) {
	case string:
		if y, ok := b.(string); ok {
			return strings.Compare(x, y)
		}
	case int64:
		if y, ok := b.(int64); ok {
			return cmp.Compare(x, y)
		}
	case float64:
		if y, ok := b.(float64); ok {
			return cmp.Compare(x, y)
		}
	}
	return strings.Compare(Repr(a), Repr(b))
}

func mapValue(rv reflect.Value, depth int) (Value, error) {
	t := rv.Type()
	isSet := t.Elem().Kind() == reflect.Struct && t.Elem().NumField() == 0
	type pair struct {
		k, v Value
	}
	pairs := make([]pair, 0, rv.Len())
	it := rv.MapRange()
	for it.Next() {
		k, err := reflectValue(it.Key(), depth+1)
		if err != nil {
			return nil, addPath(err, "[key]")
		}
		if !Hashable(k) {
			return nil, addPath(fmt.Errorf("%w: %s as a key", ErrUnhashable, TypeName(k)), keySeg(k))
		}
		var v Value
		if !isSet {
			if v, err = reflectValue(it.Value(), depth+1); err != nil {
				return nil, addPath(err, keySeg(k))
			}
		}
		pairs = append(pairs, pair{k, v})
	}
	slices.SortStableFunc(pairs, func(a, b pair) int { return keyOrder(a.k, b.k) })
	if isSet {
		s := &Set{items: make([]Value, 0, len(pairs))}
		for _, p := range pairs {
			if !s.Add(p.k) {
				return nil, addPath(fmt.Errorf("%w: two keys of the Go map are one item in Python", ErrUnsupported), keySeg(p.k))
			}
		}
		return s, nil
	}
	d := NewDict(len(pairs))
	for _, p := range pairs {
		if d.Has(p.k) {
			return nil, addPath(fmt.Errorf("%w: two keys of the Go map are one key in Python", ErrUnsupported), keySeg(p.k))
		}
		d.Set(p.k, p.v)
	}
	return d, nil
}

func structValue(rv reflect.Value, depth int) (Value, error) {
	info := structInfoOf(rv.Type())
	d := NewDict(len(info.fields))
	for i := range info.fields {
		f := &info.fields[i]
		fv, ok := fieldForRead(rv, f.index)
		if !ok {
			continue // behind a nil embedded pointer
		}
		if f.omitEmpty && isEmptyValue(fv) || f.omitZero && isZeroValue(fv) {
			continue
		}
		m, err := reflectValue(fv, depth+1)
		if err != nil {
			return nil, addPath(err, keySeg(f.name))
		}
		d.Append(f.name, m)
	}
	return d, nil
}

// fieldForRead follows index through embedded structs; false when a nil
// embedded pointer is on the way.
func fieldForRead(rv reflect.Value, index []int) (reflect.Value, bool) {
	for i, x := range index {
		if i > 0 && rv.Kind() == reflect.Pointer {
			if rv.IsNil() {
				return reflect.Value{}, false
			}
			rv = rv.Elem()
		}
		rv = rv.Field(x)
	}
	return rv, true
}

func isEmptyValue(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool:
		return !v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() == 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return v.Uint() == 0
	case reflect.Float32, reflect.Float64:
		return v.Float() == 0
	case reflect.Interface, reflect.Pointer:
		return v.IsNil()
	}
	return false
}

type isZeroer interface{ IsZero() bool }

func isZeroValue(v reflect.Value) bool {
	if v.Kind() == reflect.Pointer && v.IsNil() {
		return true
	}
	if v.CanInterface() {
		if z, ok := v.Interface().(isZeroer); ok {
			return z.IsZero()
		}
	}
	return v.IsZero()
}

// structField is a struct field as ValueOf and Decode see it.
type structField struct {
	name      string
	index     []int
	omitEmpty bool
	omitZero  bool
	tagged    bool
}

type structInfo struct {
	fields []structField
	byName map[string]int
}

// structInfoCache holds the fields of each struct type seen, as
// encoding/json caches them: computed once per type, never changed after,
// safe for concurrent use.
var structInfoCache sync.Map // reflect.Type -> *structInfo

func structInfoOf(t reflect.Type) *structInfo {
	if v, ok := structInfoCache.Load(t); ok {
		return v.(*structInfo)
	}
	info := &structInfo{fields: typeFields(t)}
	info.byName = make(map[string]int, len(info.fields))
	for i, f := range info.fields {
		info.byName[f.name] = i
	}
	v, _ := structInfoCache.LoadOrStore(t, info)
	return v.(*structInfo)
}

// typeFields lists the fields of struct type t with encoding/json's rules
// for embedded structs: fields of embedded structs are promoted level by
// level; among fields of one name the least deeply embedded wins, a tagged
// one wins a tie, and an unresolved tie drops the name.
func typeFields(t reflect.Type) []structField {
	type level struct {
		typ   reflect.Type
		index []int
	}
	var all []structField
	current := []level{{typ: t}}
	seen := map[reflect.Type]bool{}
	for len(current) > 0 {
		var next []level
		for _, l := range current {
			if seen[l.typ] {
				continue
			}
			for i := 0; i < l.typ.NumField(); i++ {
				sf := l.typ.Field(i)
				ft := sf.Type
				if ft.Name() == "" && ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if sf.Anonymous {
					if !sf.IsExported() && ft.Kind() != reflect.Struct {
						continue
					}
				} else if !sf.IsExported() {
					continue
				}
				tag := sf.Tag.Get("py")
				if tag == "-" {
					continue
				}
				name, opts, _ := strings.Cut(tag, ",")
				index := append(slices.Clip(l.index), i)
				if name == "" && sf.Anonymous && ft.Kind() == reflect.Struct {
					next = append(next, level{typ: ft, index: index})
					continue
				}
				f := structField{name: name, index: index, tagged: name != ""}
				if name == "" {
					f.name = sf.Name
				}
				for _, o := range strings.Split(opts, ",") {
					switch o {
					case "omitempty":
						f.omitEmpty = true
					case "omitzero":
						f.omitZero = true
					}
				}
				all = append(all, f)
			}
		}
		// Types embedded at this level are not followed again deeper; one
		// type embedded twice at one level gives duplicate fields, which
		// the rules below drop, as encoding/json does.
		for _, l := range current {
			seen[l.typ] = true
		}
		current = next
	}
	slices.SortStableFunc(all, func(a, b structField) int {
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		if c := cmp.Compare(len(a.index), len(b.index)); c != 0 {
			return c
		}
		if a.tagged != b.tagged {
			if a.tagged {
				return -1
			}
			return 1
		}
		return slices.Compare(a.index, b.index)
	})
	out := all[:0]
	for i := 0; i < len(all); {
		j := i + 1
		for j < len(all) && all[j].name == all[i].name {
			j++
		}
		group := all[i:j]
		i = j
		if len(group) > 1 && len(group[0].index) == len(group[1].index) && group[0].tagged == group[1].tagged {
			continue // ambiguous
		}
		out = append(out, group[0])
	}
	slices.SortFunc(out, func(a, b structField) int { return slices.Compare(a.index, b.index) })
	return out
}

// DecodeOptions configure Decode. The zero value is what Decode uses.
type DecodeOptions struct {
	// DisallowUnknownKeys makes a dict key that matches no field of the
	// struct it is decoded into an error (wrapping ErrUnknownKey), as
	// encoding/json's Decoder.DisallowUnknownFields does.
	DisallowUnknownKeys bool
}

// Decode copies v, a value of the model, into the Go value out points to,
// in the manner of encoding/json's Unmarshal; see DecodeOptions.Decode.
func Decode(v Value, out any) error { return DecodeOptions{}.Decode(v, out) }

// Decode copies v, a value of the model, into the Go value out points to,
// in the manner of encoding/json's Unmarshal:
//
//   - an Unmarshaler decodes itself; a type with an UnmarshalText method
//     decodes from a str;
//   - an interface{} (or py.Value) gets the model value itself, and so does
//     a target of the value's own model type (*Dict, Tuple, DateTime, ...);
//     neither is copied;
//   - a struct decodes from a dict (or OrderedDict, or an *Object whose
//     state is a dict) with str keys matched exactly to the field names
//     ValueOf uses; other keys are ignored unless DisallowUnknownKeys;
//   - a map decodes from a dict, adding to the map; a map[K]struct{} or
//     map[K]bool also from a set;
//   - a slice decodes from a list, tuple, set or frozenset (in the set's
//     order); an array too, when the lengths match exactly; []byte and
//     [N]byte also from bytes and bytearray (copied);
//   - bool decodes from bool only, and the int and uint kinds from int only:
//     a Python bool is not taken as an int, nor a float or Decimal, and a
//     value out of the Go type's range is an error wrapping ErrRange;
//   - float32 and float64 decode from float, int and Decimal (rounded to the
//     nearest float, as Python's float() does; a float32 out of range is an
//     error);
//   - string decodes from str and Markup (a lone surrogate stays in its
//     3-byte form);
//   - time.Time decodes from datetime.datetime (a naive one read as UTC) and
//     datetime.date (midnight UTC); time.Duration from timedelta; big.Int
//     from int;
//   - None sets a pointer, interface, slice or map to nil and leaves any
//     other target unchanged, as JSON's null does.
//
// Anything else is an error wrapping ErrType. Every error is a
// *ConvertError that says where, such as cart[3].price.
func (o DecodeOptions) Decode(v Value, out any) error {
	rv := reflect.ValueOf(out)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return &ConvertError{Err: fmt.Errorf("%w: Decode needs a non-nil pointer, not %s", ErrUnsupported, goTypeString(out))}
	}
	d := decoder{opts: o}
	return wrapTop(d.decode(v, rv.Elem(), 0))
}

func goTypeString(v any) string {
	if v == nil {
		return "nil"
	}
	return reflect.TypeOf(v).String()
}

type decoder struct {
	opts DecodeOptions
}

func (d *decoder) mismatch(v Value, t reflect.Type) error {
	return fmt.Errorf("%w: cannot decode %s into Go %s", ErrType, TypeName(v), t)
}

func (d *decoder) decode(v Value, rv reflect.Value, depth int) error {
	if depth >= maxConvertDepth {
		return errTooDeep()
	}
	t := rv.Type()
	if v == nil {
		switch rv.Kind() {
		case reflect.Pointer, reflect.Interface, reflect.Slice, reflect.Map:
			rv.SetZero()
			return nil
		}
	}
	// Unmarshaler, on the target or a pointer to it.
	if rv.Kind() == reflect.Pointer && t.Implements(unmarshalerType) {
		if rv.IsNil() {
			rv.Set(reflect.New(t.Elem()))
		}
		return rv.Interface().(Unmarshaler).UnmarshalPy(v)
	}
	if rv.Kind() != reflect.Pointer && rv.CanAddr() && reflect.PointerTo(t).Implements(unmarshalerType) {
		return rv.Addr().Interface().(Unmarshaler).UnmarshalPy(v)
	}
	if v == nil {
		return nil // None leaves other targets unchanged
	}
	vt := reflect.TypeOf(v)
	if t.Kind() == reflect.Interface {
		if vt.Implements(t) {
			rv.Set(reflect.ValueOf(v))
			return nil
		}
		return d.mismatch(v, t)
	}
	switch t {
	case vt:
		if b, ok := v.(Bytes); ok {
			rv.Set(reflect.ValueOf(Bytes(append([]byte{}, b...))))
			return nil
		}
		rv.Set(reflect.ValueOf(v))
		return nil
	case timeType:
		return d.decodeTime(v, rv)
	case durationType:
		td, ok := v.(TimeDelta)
		if !ok {
			return d.mismatch(v, t)
		}
		dur, ok := td.Duration()
		if !ok {
			return fmt.Errorf("%w: %s does not fit in a time.Duration", ErrRange, Repr(td))
		}
		rv.SetInt(int64(dur))
		return nil
	case bigIntType:
		n, ok := asNumber(v)
		if !ok || (n.kind != 'i' && n.kind != 'b') || isBool(v) {
			return d.mismatch(v, t)
		}
		b := rv.Addr().Interface().(*big.Int)
		if n.kind == 'i' {
			b.SetInt64(n.i)
		} else {
			b.Set(n.b)
		}
		return nil
	}
	if rv.CanAddr() && reflect.PointerTo(t).Implements(textUnmarshalerType) && rv.Kind() != reflect.Pointer {
		var s string
		switch x := v.(type) {
		case string:
			s = x
		case Markup:
			s = string(x)
		default:
			return d.mismatch(v, t)
		}
		return rv.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s))
	}
	if isModelType(t) && t != reflect.TypeFor[Markup]() && t != reflect.TypeFor[Bytes]() {
		// Another model type: only its own type decodes into it (or the
		// pointer type, into the struct).
		if t.Kind() == reflect.Struct && vt == reflect.PointerTo(t) && !reflect.ValueOf(v).IsNil() {
			rv.Set(reflect.ValueOf(v).Elem())
			return nil
		}
		return d.mismatch(v, t)
	}
	switch rv.Kind() {
	case reflect.Pointer:
		if rv.IsNil() {
			nv := reflect.New(t.Elem())
			if err := d.decode(v, nv.Elem(), depth+1); err != nil {
				return err
			}
			rv.Set(nv)
			return nil
		}
		return d.decode(v, rv.Elem(), depth+1)
	case reflect.Bool:
		b, ok := v.(bool)
		if !ok {
			return d.mismatch(v, t)
		}
		rv.SetBool(b)
		return nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := asNumber(v)
		if !ok || (n.kind != 'i' && n.kind != 'b') || isBool(v) {
			return d.mismatch(v, t)
		}
		if n.kind == 'b' {
			if !n.b.IsInt64() {
				return fmt.Errorf("%w: int %s overflows Go %s", ErrRange, n.b, t)
			}
			n.i = n.b.Int64()
		}
		if rv.OverflowInt(n.i) {
			return fmt.Errorf("%w: int %d overflows Go %s", ErrRange, n.i, t)
		}
		rv.SetInt(n.i)
		return nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		n, ok := asNumber(v)
		if !ok || (n.kind != 'i' && n.kind != 'b') || isBool(v) {
			return d.mismatch(v, t)
		}
		var u uint64
		if n.kind == 'b' {
			if n.b.Sign() < 0 || !n.b.IsUint64() {
				return fmt.Errorf("%w: int %s overflows Go %s", ErrRange, n.b, t)
			}
			u = n.b.Uint64()
		} else {
			if n.i < 0 {
				return fmt.Errorf("%w: negative int %d into Go %s", ErrRange, n.i, t)
			}
			u = uint64(n.i)
		}
		if rv.OverflowUint(u) {
			return fmt.Errorf("%w: int %d overflows Go %s", ErrRange, u, t)
		}
		rv.SetUint(u)
		return nil
	case reflect.Float32, reflect.Float64:
		f, ok, err := toFloat(v)
		if !ok {
			return d.mismatch(v, t)
		}
		if err != nil {
			return err
		}
		if rv.OverflowFloat(f) {
			return fmt.Errorf("%w: float %s overflows Go %s", ErrRange, Repr(f), t)
		}
		rv.SetFloat(f)
		return nil
	case reflect.String:
		switch x := v.(type) {
		case string:
			rv.SetString(x)
		case Markup:
			rv.SetString(string(x))
		default:
			return d.mismatch(v, t)
		}
		return nil
	case reflect.Slice:
		return d.decodeSlice(v, rv, depth)
	case reflect.Array:
		return d.decodeArray(v, rv, depth)
	case reflect.Map:
		return d.decodeMap(v, rv, depth)
	case reflect.Struct:
		return d.decodeStruct(v, rv, depth)
	}
	return fmt.Errorf("%w: cannot decode into Go %s", ErrUnsupported, t)
}

func isBool(v Value) bool {
	_, ok := v.(bool)
	return ok
}

// toFloat converts a number as Python's float() does; ok is false for a
// value that is not a number (a bool is not taken as one).
func toFloat(v Value) (f float64, ok bool, err error) {
	switch x := v.(type) {
	case float64:
		return x, true, nil
	case float32:
		return float64(x), true, nil
	case bool:
		return 0, false, nil
	case Decimal:
		switch x.kind {
		case decSNaN:
			return 0, true, fmt.Errorf("%w: cannot convert a signaling NaN Decimal to float", ErrRange)
		case decNaN:
			return math.NaN(), true, nil
		}
		f, err := strconv.ParseFloat(x.String(), 64)
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			return 0, true, fmt.Errorf("%w: Decimal %s", ErrRange, x)
		}
		return f, true, nil // beyond the float range: inf or 0, as float() gives
	}
	n, isNum := asNumber(v)
	if !isNum {
		return 0, false, nil
	}
	switch n.kind {
	case 'i':
		return float64(n.i), true, nil
	case 'b':
		f, _ := new(big.Float).SetInt(n.b).Float64()
		if math.IsInf(f, 0) {
			return 0, true, fmt.Errorf("%w: int too large to convert to float", ErrRange)
		}
		return f, true, nil
	}
	return 0, false, nil
}

func (d *decoder) decodeTime(v Value, rv reflect.Value) error {
	switch x := v.(type) {
	case DateTime:
		t, err := x.Time()
		if err != nil {
			return err
		}
		rv.Set(reflect.ValueOf(t))
		return nil
	case Date:
		rv.Set(reflect.ValueOf(x.Time()))
		return nil
	}
	return d.mismatch(v, rv.Type())
}

// seqItems returns the items of a list, tuple or set.
func seqItems(v Value) ([]Value, bool) {
	switch x := v.(type) {
	case *List:
		return x.Items, true
	case Tuple:
		return x, true
	case *Set:
		return x.items, true
	}
	return nil, false
}

func bytesOf(v Value) ([]byte, bool) {
	switch x := v.(type) {
	case Bytes:
		return x, true
	case *ByteArray:
		return x.Data, true
	}
	return nil, false
}

func (d *decoder) decodeSlice(v Value, rv reflect.Value, depth int) error {
	t := rv.Type()
	if t.Elem().Kind() == reflect.Uint8 {
		if b, ok := bytesOf(v); ok {
			nb := reflect.MakeSlice(t, len(b), len(b))
			reflect.Copy(nb, reflect.ValueOf(b))
			rv.Set(nb)
			return nil
		}
	}
	items, ok := seqItems(v)
	if !ok {
		return d.mismatch(v, t)
	}
	s := reflect.MakeSlice(t, len(items), len(items))
	for i, it := range items {
		if err := d.decode(it, s.Index(i), depth+1); err != nil {
			return addPath(err, indexSeg(i))
		}
	}
	rv.Set(s)
	return nil
}

func (d *decoder) decodeArray(v Value, rv reflect.Value, depth int) error {
	t := rv.Type()
	if t.Elem().Kind() == reflect.Uint8 {
		if b, ok := bytesOf(v); ok {
			if len(b) != rv.Len() {
				return fmt.Errorf("%w: %d bytes into Go %s", ErrType, len(b), t)
			}
			reflect.Copy(rv, reflect.ValueOf(b))
			return nil
		}
	}
	items, ok := seqItems(v)
	if !ok {
		return d.mismatch(v, t)
	}
	if len(items) != rv.Len() {
		return fmt.Errorf("%w: %s of %d items into Go %s", ErrType, TypeName(v), len(items), t)
	}
	for i, it := range items {
		if err := d.decode(it, rv.Index(i), depth+1); err != nil {
			return addPath(err, indexSeg(i))
		}
	}
	return nil
}

// dictOf returns the dict v holds: a dict, an OrderedDict, or the state of
// an object (its __dict__, merged with the slots of a (dict, slots)
// state).
func dictOf(v Value) (*Dict, bool) {
	switch x := v.(type) {
	case *Dict:
		return x, x != nil
	case *OrderedDict:
		return &x.Dict, x != nil
	case *Object:
		if x == nil || !x.HasState {
			return nil, false
		}
		switch s := x.State.(type) {
		case *Dict:
			return s, s != nil
		case Tuple:
			if len(s) != 2 {
				return nil, false
			}
			a, aok := s[0].(*Dict)
			b, bok := s[1].(*Dict)
			switch {
			case aok && bok:
				m := a.Copy()
				for k, v := range b.All() {
					m.Set(k, v)
				}
				return m, true
			case aok && s[1] == nil:
				return a, true
			case bok && s[0] == nil:
				return b, true
			}
		}
	}
	return nil, false
}

func (d *decoder) decodeMap(v Value, rv reflect.Value, depth int) error {
	t := rv.Type()
	if s, ok := v.(*Set); ok {
		ek := t.Elem().Kind()
		if !(ek == reflect.Struct && t.Elem().NumField() == 0) && ek != reflect.Bool {
			return d.mismatch(v, t)
		}
		if rv.IsNil() {
			rv.Set(reflect.MakeMapWithSize(t, s.Len()))
		}
		ev := reflect.New(t.Elem()).Elem()
		if ek == reflect.Bool {
			ev.SetBool(true)
		}
		for i, it := range s.items {
			kv := reflect.New(t.Key()).Elem()
			if err := d.decode(it, kv, depth+1); err != nil {
				return addPath(err, indexSeg(i))
			}
			rv.SetMapIndex(kv, ev)
		}
		return nil
	}
	src, ok := dictOf(v)
	if !ok {
		return d.mismatch(v, t)
	}
	if rv.IsNil() {
		rv.Set(reflect.MakeMapWithSize(t, src.Len()))
	}
	for i := range src.entries {
		e := &src.entries[i]
		kv := reflect.New(t.Key()).Elem()
		if err := d.decode(e.Key, kv, depth+1); err != nil {
			return addPath(err, keySeg(e.Key))
		}
		ev := reflect.New(t.Elem()).Elem()
		if err := d.decode(e.Value, ev, depth+1); err != nil {
			return addPath(err, keySeg(e.Key))
		}
		rv.SetMapIndex(kv, ev)
	}
	return nil
}

func (d *decoder) decodeStruct(v Value, rv reflect.Value, depth int) error {
	src, ok := dictOf(v)
	if !ok {
		return d.mismatch(v, rv.Type())
	}
	info := structInfoOf(rv.Type())
	for i := range src.entries {
		e := &src.entries[i]
		var name string
		switch k := e.Key.(type) {
		case string:
			name = k
		case Markup:
			name = string(k)
		default:
			if d.opts.DisallowUnknownKeys {
				return addPath(fmt.Errorf("%w: %s key matches no field of Go %s", ErrUnknownKey, TypeName(e.Key), rv.Type()), keySeg(e.Key))
			}
			continue
		}
		fi, ok := info.byName[name]
		if !ok {
			if d.opts.DisallowUnknownKeys {
				return addPath(fmt.Errorf("%w: no field of Go %s takes it", ErrUnknownKey, rv.Type()), keySeg(name))
			}
			continue
		}
		fv, err := fieldForWrite(rv, info.fields[fi].index)
		if err != nil {
			return addPath(err, keySeg(name))
		}
		if err := d.decode(e.Value, fv, depth+1); err != nil {
			return addPath(err, keySeg(name))
		}
	}
	return nil
}

// fieldForWrite follows index through embedded structs, allocating nil
// embedded pointers on the way.
func fieldForWrite(rv reflect.Value, index []int) (reflect.Value, error) {
	for i, x := range index {
		if i > 0 && rv.Kind() == reflect.Pointer {
			if rv.IsNil() {
				if !rv.CanSet() {
					return reflect.Value{}, fmt.Errorf("%w: cannot set an embedded pointer to unexported struct %s", ErrUnsupported, rv.Type().Elem())
				}
				rv.Set(reflect.New(rv.Type().Elem()))
			}
			rv = rv.Elem()
		}
		rv = rv.Field(x)
	}
	return rv, nil
}
