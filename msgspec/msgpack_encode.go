package msgspec

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"slices"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/flaskbridge/flaskbridge/internal/ascii"
	"github.com/flaskbridge/flaskbridge/py"
)

// MarshalMsgpack returns the MessagePack encoding of v, byte for byte what
// msgspec.msgpack.Encoder().encode(v) returns in Python. v is a value of
// the py model or a Go value py.ValueOf converts. See the package
// documentation for the mapping.
func MarshalMsgpack(v py.Value) ([]byte, error) {
	return EncodeOptions{}.MarshalMsgpack(v)
}

// AppendMsgpack appends the MessagePack encoding of v to dst, as
// MarshalMsgpack does. On error it returns dst unchanged.
func AppendMsgpack(dst []byte, v py.Value) ([]byte, error) {
	return EncodeOptions{}.AppendMsgpack(dst, v)
}

// MarshalMsgpack is MarshalMsgpack with these options.
func (o EncodeOptions) MarshalMsgpack(v py.Value) ([]byte, error) {
	p := bufPool.Get().(*[]byte)
	out, err := o.AppendMsgpack((*p)[:0], v)
	return releaseBuffer(p, out, err)
}

// AppendMsgpack is AppendMsgpack with these options.
func (o EncodeOptions) AppendMsgpack(dst []byte, v py.Value) ([]byte, error) {
	e := encoder{markupAsStr: o.MarkupAsStr, depthLeft: o.maxDepth()}
	out, err := e.msgpack(dst, v)
	if err != nil {
		return dst, finishEncodeError(err)
	}
	return out, nil
}

// encoder holds the state of one encoding, msgpack or JSON.
type encoder struct {
	markupAsStr bool
	depthLeft   int
}

// MessagePack type codes.
const (
	mpNil      = 0xc0
	mpFalse    = 0xc2
	mpTrue     = 0xc3
	mpBin8     = 0xc4
	mpBin16    = 0xc5
	mpBin32    = 0xc6
	mpExt8     = 0xc7
	mpExt16    = 0xc8
	mpExt32    = 0xc9
	mpFloat32  = 0xca
	mpFloat64  = 0xcb
	mpUint8    = 0xcc
	mpUint16   = 0xcd
	mpUint32   = 0xce
	mpUint64   = 0xcf
	mpInt8     = 0xd0
	mpInt16    = 0xd1
	mpInt32    = 0xd2
	mpInt64    = 0xd3
	mpFixExt1  = 0xd4
	mpFixExt2  = 0xd5
	mpFixExt4  = 0xd6
	mpFixExt8  = 0xd7
	mpFixExt16 = 0xd8
	mpStr8     = 0xd9
	mpStr16    = 0xda
	mpStr32    = 0xdb
	mpArray16  = 0xdc
	mpArray32  = 0xdd
	mpMap16    = 0xde
	mpMap32    = 0xdf
)

func (e *encoder) msgpack(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case string:
		return appendMsgpackStr(b, x, v)
	case int64:
		return appendMsgpackInt(b, x), nil
	case float64:
		return appendMsgpackFloat(b, x), nil
	case bool:
		if x {
			return append(b, mpTrue), nil
		}
		return append(b, mpFalse), nil
	case nil:
		return append(b, mpNil), nil
	case *py.Dict:
		if x == nil {
			return append(b, mpNil), nil
		}
		return e.msgpackDict(b, x)
	case *py.List:
		if x == nil {
			return append(b, mpNil), nil
		}
		return e.msgpackArray(b, x.Items, v)
	case py.Tuple:
		return e.msgpackArray(b, x, v)
	case []any:
		return e.msgpackArray(b, x, v)
	case py.Bytes:
		return appendMsgpackBin(b, x, v)
	case []byte:
		return appendMsgpackBin(b, x, v)
	case *py.ByteArray:
		if x == nil {
			return append(b, mpNil), nil
		}
		return appendMsgpackBin(b, x.Data, v)
	case *py.OrderedDict:
		if x == nil {
			return append(b, mpNil), nil
		}
		return e.msgpackDict(b, &x.Dict)
	case *py.Set:
		if x == nil {
			return append(b, mpNil), nil
		}
		return e.msgpackSet(b, x)
	case py.DateTime:
		return appendMsgpackDateTime(b, x)
	case py.Date:
		if err := x.Validate(); err != nil {
			return b, newPathError(v, fmt.Errorf("%w: %w", ErrRange, err))
		}
		b = append(b, 0xa0|10)
		return appendDate(b, x.Year, x.Month, x.Day), nil
	case py.Time:
		return appendMsgpackTime(b, x)
	case py.TimeDelta:
		if err := checkTimeDelta(x); err != nil {
			return b, newPathError(v, err)
		}
		var buf [32]byte
		return appendMsgpackStrBytes(b, appendTimeDelta(buf[:0], x)), nil
	case py.UUID:
		b = append(b, mpStr8, 36)
		return appendUUID(b, x), nil
	case py.Decimal:
		return appendMsgpackStrBytes(b, []byte(x.String())), nil
	case py.Markup:
		if !e.markupAsStr {
			return b, newPathError(v, ErrMarkup)
		}
		return appendMsgpackStr(b, string(x), v)
	case *big.Int:
		return appendMsgpackBigInt(b, x, v)
	case int:
		return appendMsgpackInt(b, int64(x)), nil
	case int32:
		return appendMsgpackInt(b, int64(x)), nil
	case int16:
		return appendMsgpackInt(b, int64(x)), nil
	case int8:
		return appendMsgpackInt(b, int64(x)), nil
	case uint:
		return appendMsgpackUint(b, uint64(x)), nil
	case uint64:
		return appendMsgpackUint(b, x), nil
	case uint32:
		return appendMsgpackUint(b, uint64(x)), nil
	case uint16:
		return appendMsgpackUint(b, uint64(x)), nil
	case uint8:
		return appendMsgpackUint(b, uint64(x)), nil
	case float32:
		return appendMsgpackFloat(b, float64(x)), nil
	case time.Time:
		return appendMsgpackDateTime(b, py.DateTimeOf(x))
	case *py.Object:
		if x == nil {
			return append(b, mpNil), nil
		}
		if code, data, ok := ExtOf(x); ok {
			return appendMsgpackExt(b, code, data), nil
		}
		return b, newPathError(v, fmt.Errorf("%w: an instance of a class msgspec does not know", ErrUnsupported))
	case py.Global, *py.Global, py.TimeZone:
		return b, newPathError(v, ErrUnsupported)
	}
	conv, err := convertGo(v)
	if err != nil {
		return b, newPathError(v, err)
	}
	return e.msgpack(b, conv)
}

// appendFixStr appends the fixstr of s, when s is ASCII and shorter than
// 32 bytes (most of a session); false, with b unchanged, otherwise. It
// checks and copies s a word at a time (the last word overlapping the one
// before), without a call to memmove. That is ascii.Copy, kept in line
// here: a call per str made this encoder's hottest path 6-7% slower on the
// cart and history payloads (minimum of 20 alternating runs).
func appendFixStr(b []byte, s string) ([]byte, bool) {
	n := len(s)
	if n >= 32 {
		return b, false
	}
	l := len(b)
	if cap(b)-l < 1+n {
		b = slices.Grow(b, 1+n)
	}
	out := b[l : l+1+n]
	if n > 0 {
		p, q := unsafe.Pointer(unsafe.StringData(s)), unsafe.Pointer(&out[1])
		var or uint64
		switch {
		case n >= 8:
			for i := 0; i < n-8; i += 8 {
				w := binary.LittleEndian.Uint64((*[8]byte)(unsafe.Add(p, i))[:])
				or |= w
				binary.LittleEndian.PutUint64((*[8]byte)(unsafe.Add(q, i))[:], w)
			}
			w := binary.LittleEndian.Uint64((*[8]byte)(unsafe.Add(p, n-8))[:])
			or |= w
			binary.LittleEndian.PutUint64((*[8]byte)(unsafe.Add(q, n-8))[:], w)
		case n >= 4:
			w1 := binary.LittleEndian.Uint32((*[4]byte)(p)[:])
			w2 := binary.LittleEndian.Uint32((*[4]byte)(unsafe.Add(p, n-4))[:])
			or = uint64(w1 | w2)
			binary.LittleEndian.PutUint32((*[4]byte)(q)[:], w1)
			binary.LittleEndian.PutUint32((*[4]byte)(unsafe.Add(q, n-4))[:], w2)
		default:
			for i := range n {
				c := s[i]
				or |= uint64(c)
				out[1+i] = c
			}
		}
		if or&0x8080808080808080 != 0 {
			return b[:l], false
		}
	}
	out[0] = 0xa0 | byte(n)
	return b[:l+1+n], true
}

// appendFixStrs appends the fixstr of each item from the start of items as
// long as they are ASCII str shorter than 32 bytes (the items of a
// session's lists), and returns how many it wrote: appendFixStr in a loop
// of its own, whose few variables all stay in registers.
func appendFixStrs(b []byte, items []py.Value) ([]byte, int) {
	for i, it := range items {
		s, ok := it.(string)
		n := len(s)
		if !ok || n < 8 || n >= 32 {
			var done bool
			if ok {
				b, done = appendFixStr(b, s)
			}
			if !done {
				return b, i
			}
			continue
		}
		l := len(b)
		if cap(b)-l <= n {
			b = slices.Grow(b, 1+n)
		}
		p, q := unsafe.Pointer(unsafe.StringData(s)), unsafe.Add(unsafe.Pointer(unsafe.SliceData(b)), l+1)
		var or uint64
		for j := 0; j < n-8; j += 8 {
			w := binary.LittleEndian.Uint64((*[8]byte)(unsafe.Add(p, j))[:])
			or |= w
			binary.LittleEndian.PutUint64((*[8]byte)(unsafe.Add(q, j))[:], w)
		}
		w := binary.LittleEndian.Uint64((*[8]byte)(unsafe.Add(p, n-8))[:])
		binary.LittleEndian.PutUint64((*[8]byte)(unsafe.Add(q, n-8))[:], w)
		if (or|w)&0x8080808080808080 != 0 {
			return b, i
		}
		b = b[:l+1+n]
		b[l] = 0xa0 | byte(n)
	}
	return b, len(items)
}

func appendMsgpackStr(b []byte, s string, v any) ([]byte, error) {
	if out, ok := appendFixStr(b, s); ok {
		return out, nil
	}
	if !ascii.Is(s) && !utf8.ValidString(s) {
		return b, newPathError(v, ErrInvalidString)
	}
	n := len(s)
	switch {
	case n < 32:
		b = append(b, 0xa0|byte(n))
	case n < 1<<8:
		b = append(b, mpStr8, byte(n))
	case n < 1<<16:
		b = append(b, mpStr16, byte(n>>8), byte(n))
	case uint64(n) < 1<<32:
		b = append(b, mpStr32, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	default:
		return b, newPathError(v, fmt.Errorf("%w: str longer than 2**32 - 1 bytes", ErrRange))
	}
	return append(b, s...), nil
}

// appendMsgpackStrBytes writes a short ASCII text the encoder made itself.
func appendMsgpackStrBytes(b []byte, s []byte) []byte {
	n := len(s)
	switch {
	case n < 32:
		b = append(b, 0xa0|byte(n))
	case n < 1<<8:
		b = append(b, mpStr8, byte(n))
	case n < 1<<16:
		b = append(b, mpStr16, byte(n>>8), byte(n))
	default:
		b = append(b, mpStr32, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
	return append(b, s...)
}

func appendMsgpackBin(b []byte, data []byte, v any) ([]byte, error) {
	n := len(data)
	switch {
	case n < 1<<8:
		b = append(b, mpBin8, byte(n))
	case n < 1<<16:
		b = append(b, mpBin16, byte(n>>8), byte(n))
	case uint64(n) < 1<<32:
		b = append(b, mpBin32, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	default:
		return b, newPathError(v, fmt.Errorf("%w: bytes longer than 2**32 - 1", ErrRange))
	}
	return append(b, data...), nil
}

// appendMsgpackInt writes an int in the smallest form, as msgspec does:
// positive values as positive fixint or uint8..uint64, negative ones as
// negative fixint or int8..int64.
func appendMsgpackInt(b []byte, x int64) []byte {
	if x >= 0 {
		return appendMsgpackUint(b, uint64(x))
	}
	switch {
	case x >= -32:
		return append(b, byte(x))
	case x >= math.MinInt8:
		return append(b, mpInt8, byte(x))
	case x >= math.MinInt16:
		return append(b, mpInt16, byte(x>>8), byte(x))
	case x >= math.MinInt32:
		return append(b, mpInt32, byte(x>>24), byte(x>>16), byte(x>>8), byte(x))
	}
	b = append(b, mpInt64)
	return binary.BigEndian.AppendUint64(b, uint64(x))
}

func appendMsgpackUint(b []byte, x uint64) []byte {
	switch {
	case x < 128:
		return append(b, byte(x))
	case x < 1<<8:
		return append(b, mpUint8, byte(x))
	case x < 1<<16:
		return append(b, mpUint16, byte(x>>8), byte(x))
	case x < 1<<32:
		return append(b, mpUint32, byte(x>>24), byte(x>>16), byte(x>>8), byte(x))
	}
	b = append(b, mpUint64)
	return binary.BigEndian.AppendUint64(b, x)
}

var maxUint64 = new(big.Int).SetUint64(math.MaxUint64)

func appendMsgpackBigInt(b []byte, x *big.Int, v any) ([]byte, error) {
	if x == nil {
		return b, newPathError(v, fmt.Errorf("%w: nil *big.Int", ErrUnsupported))
	}
	if x.IsInt64() {
		return appendMsgpackInt(b, x.Int64()), nil
	}
	if x.Sign() > 0 && x.Cmp(maxUint64) <= 0 {
		return appendMsgpackUint(b, x.Uint64()), nil
	}
	return b, newPathError(v, fmt.Errorf("%w: can't serialize ints < -2**63 or > 2**64 - 1", ErrIntRange))
}

// goNaN is the bit pattern of Go's math.NaN().
const goNaN = 0x7ff8000000000001

// appendMsgpackFloat writes float64 always, with the value's own bits, so
// that a NaN read from Python keeps its payload; only Go's math.NaN(),
// which a Python process does not make, is written as Python's
// float('nan'), 7ff8000000000000.
func appendMsgpackFloat(b []byte, f float64) []byte {
	b = append(b, mpFloat64)
	bits := math.Float64bits(f)
	if bits == goNaN {
		bits = 0x7ff8000000000000
	}
	return binary.BigEndian.AppendUint64(b, bits)
}

func appendMsgpackArrayHeader(b []byte, n int) []byte {
	switch {
	case n < 16:
		return append(b, 0x90|byte(n))
	case n < 1<<16:
		return append(b, mpArray16, byte(n>>8), byte(n))
	}
	return append(b, mpArray32, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
}

func appendMsgpackMapHeader(b []byte, n int) []byte {
	switch {
	case n < 16:
		return append(b, 0x80|byte(n))
	case n < 1<<16:
		return append(b, mpMap16, byte(n>>8), byte(n))
	}
	return append(b, mpMap32, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
}

func (e *encoder) enter(v any) error {
	e.depthLeft--
	if e.depthLeft < 0 {
		return newPathError(v, fmt.Errorf("%w: nesting deeper than MaxDepth (Python raises RecursionError)", ErrLimit))
	}
	return nil
}

// msgpackArray writes the items of v, a list, tuple or []any.
func (e *encoder) msgpackArray(b []byte, items []any, v any) ([]byte, error) {
	if uint64(len(items)) >= 1<<32 {
		return b, newPathError(v, fmt.Errorf("%w: more than 2**32 - 1 items", ErrRange))
	}
	b = appendMsgpackArrayHeader(b, len(items))
	if len(items) == 0 {
		return b, nil
	}
	if err := e.enter(v); err != nil {
		return b, err
	}
	var err error
	for i := 0; i < len(items); i++ {
		var done int
		if b, done = appendFixStrs(b, items[i:]); done > 0 {
			i += done - 1
			continue
		}
		it := items[i]
		if b, err = e.msgpack(b, it); err != nil {
			return b, withIndex(err, i)
		}
	}
	e.depthLeft++
	return b, nil
}

func (e *encoder) msgpackSet(b []byte, s *py.Set) ([]byte, error) {
	n := s.Len()
	b = appendMsgpackArrayHeader(b, n)
	if n == 0 {
		return b, nil
	}
	if err := e.enter(s); err != nil {
		return b, err
	}
	var err error
	for i := range n {
		if b, err = e.msgpack(b, s.At(i)); err != nil {
			return b, withIndex(err, i)
		}
	}
	e.depthLeft++
	return b, nil
}

func (e *encoder) msgpackDict(b []byte, d *py.Dict) ([]byte, error) {
	n := d.Len()
	if uint64(n) >= 1<<32 {
		return b, newPathError(d, fmt.Errorf("%w: more than 2**32 - 1 items", ErrRange))
	}
	b = appendMsgpackMapHeader(b, n)
	if n == 0 {
		return b, nil
	}
	if err := e.enter(d); err != nil {
		return b, err
	}
	var err error
	for i := range n {
		k, v := d.At(i)
		switch kk := k.(type) {
		case string:
			b, err = appendMsgpackStr(b, kk, k)
		case py.Markup: // msgspec accepts str subclasses as keys
			b, err = appendMsgpackStr(b, string(kk), k)
		default:
			b, err = e.msgpack(b, k)
		}
		if err != nil {
			return b, withKeyOf(err, k)
		}
		if b, err = e.msgpack(b, v); err != nil {
			return b, withKey(err, k)
		}
	}
	e.depthLeft++
	return b, nil
}

// appendMsgpackDateTime writes a naive datetime as a str and an aware one
// as the timestamp extension (type -1) of its instant, in the smallest of
// the three forms: 32-bit seconds, 64-bit (30-bit nanoseconds and 34-bit
// seconds), or 96-bit (32-bit nanoseconds and signed 64-bit seconds).
func appendMsgpackDateTime(b []byte, dt py.DateTime) ([]byte, error) {
	if err := checkDateTime(dt); err != nil {
		return b, newPathError(dt, err)
	}
	if dt.TZ == nil {
		var buf [32]byte
		text, _ := appendDateTimeText(buf[:0], dt)
		return appendMsgpackStrBytes(b, text), nil
	}
	secs, nanos, err := epochUTC(dt)
	if err != nil {
		return b, newPathError(dt, err)
	}
	if secs>>34 == 0 {
		data64 := uint64(nanos)<<34 | uint64(secs)
		if data64>>32 == 0 {
			b = append(b, mpFixExt4, 0xff)
			return binary.BigEndian.AppendUint32(b, uint32(data64)), nil
		}
		b = append(b, mpFixExt8, 0xff)
		return binary.BigEndian.AppendUint64(b, data64), nil
	}
	b = append(b, mpExt8, 12, 0xff)
	b = binary.BigEndian.AppendUint32(b, nanos)
	return binary.BigEndian.AppendUint64(b, uint64(secs)), nil
}

func appendMsgpackTime(b []byte, t py.Time) ([]byte, error) {
	if err := t.Validate(); err != nil {
		return b, newPathError(t, fmt.Errorf("%w: %w", ErrRange, err))
	}
	var buf [32]byte
	text, err := appendClock(buf[:0], t.Hour, t.Minute, t.Second, t.Microsecond, t.TZ)
	if err != nil {
		return b, newPathError(t, err)
	}
	return appendMsgpackStrBytes(b, text), nil
}

func appendMsgpackExt(b []byte, code int8, data []byte) []byte {
	n := len(data)
	switch n {
	case 1:
		b = append(b, mpFixExt1, byte(code))
	case 2:
		b = append(b, mpFixExt2, byte(code))
	case 4:
		b = append(b, mpFixExt4, byte(code))
	case 8:
		b = append(b, mpFixExt8, byte(code))
	case 16:
		b = append(b, mpFixExt16, byte(code))
	default:
		switch {
		case n < 1<<8:
			b = append(b, mpExt8, byte(n), byte(code))
		case n < 1<<16:
			b = append(b, mpExt16, byte(n>>8), byte(n), byte(code))
		default:
			b = append(b, mpExt32, byte(n>>24), byte(n>>16), byte(n>>8), byte(n), byte(code))
		}
	}
	return append(b, data...)
}

// convertGo converts a Go value outside the model with py.ValueOf.
func convertGo(v any) (py.Value, error) {
	conv, err := py.ValueOf(v)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnsupported, err)
	}
	switch conv.(type) {
	case string, int64, float64, bool, nil, *py.Dict, *py.List, py.Tuple, py.Bytes, *py.ByteArray,
		*py.OrderedDict, *py.Set, py.DateTime, py.Date, py.Time, py.TimeDelta, py.UUID, py.Decimal,
		py.Markup, *big.Int, *py.Object, py.Global, *py.Global, py.TimeZone:
		return conv, nil
	}
	return nil, fmt.Errorf("%w: Go type %T", ErrUnsupported, v)
}
