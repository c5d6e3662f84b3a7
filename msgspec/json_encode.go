package msgspec

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/flaskbridge/flaskbridge/py"
)

// EncodeJSON returns the JSON encoding of v, byte for byte what
// msgspec.json.Encoder().encode(v) returns in Python (Flask-Session's
// SESSION_SERIALIZATION_FORMAT = 'json'). The name differs from Go's
// json.Marshaler method on purpose: this is Python's JSON, not Go's.
func EncodeJSON(v py.Value) ([]byte, error) {
	return EncodeOptions{}.EncodeJSON(v)
}

// AppendJSON appends the JSON encoding of v to dst, as EncodeJSON does. On
// error it returns dst unchanged.
func AppendJSON(dst []byte, v py.Value) ([]byte, error) {
	return EncodeOptions{}.AppendJSON(dst, v)
}

// EncodeJSON is EncodeJSON with these options.
func (o EncodeOptions) EncodeJSON(v py.Value) ([]byte, error) {
	p := bufPool.Get().(*[]byte)
	out, err := o.AppendJSON((*p)[:0], v)
	return releaseBuffer(p, out, err)
}

// AppendJSON is AppendJSON with these options.
func (o EncodeOptions) AppendJSON(dst []byte, v py.Value) ([]byte, error) {
	e := encoder{markupAsStr: o.MarkupAsStr, depthLeft: o.maxDepth()}
	out, err := e.json(dst, v)
	if err != nil {
		return dst, finishEncodeError(err)
	}
	return out, nil
}

func (e *encoder) json(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case string:
		return appendJSONStr(b, x, v)
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case float64:
		return appendJSONFloat(b, x, false), nil
	case bool:
		if x {
			return append(b, "true"...), nil
		}
		return append(b, "false"...), nil
	case nil:
		return append(b, "null"...), nil
	case *py.Dict:
		if x == nil {
			return append(b, "null"...), nil
		}
		return e.jsonDict(b, x)
	case *py.List:
		if x == nil {
			return append(b, "null"...), nil
		}
		return e.jsonArray(b, x.Items, v)
	case py.Tuple:
		return e.jsonArray(b, x, v)
	case []any:
		return e.jsonArray(b, x, v)
	case py.Bytes:
		return appendJSONBase64(b, x), nil
	case []byte:
		return appendJSONBase64(b, x), nil
	case *py.ByteArray:
		if x == nil {
			return append(b, "null"...), nil
		}
		return appendJSONBase64(b, x.Data), nil
	case *py.OrderedDict:
		if x == nil {
			return append(b, "null"...), nil
		}
		return e.jsonDict(b, &x.Dict)
	case *py.Set:
		if x == nil {
			return append(b, "null"...), nil
		}
		return e.jsonSet(b, x)
	case py.DateTime, py.Date, py.Time, py.TimeDelta, py.UUID, py.Decimal:
		return appendJSONText(b, v)
	case py.Markup:
		if !e.markupAsStr {
			return b, newPathError(v, ErrMarkup)
		}
		return appendJSONStr(b, string(x), v)
	case *big.Int:
		return appendJSONBigInt(b, x, v)
	case int:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int32:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int16:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int8:
		return strconv.AppendInt(b, int64(x), 10), nil
	case uint:
		return strconv.AppendUint(b, uint64(x), 10), nil
	case uint64:
		return strconv.AppendUint(b, x, 10), nil
	case uint32:
		return strconv.AppendUint(b, uint64(x), 10), nil
	case uint16:
		return strconv.AppendUint(b, uint64(x), 10), nil
	case uint8:
		return strconv.AppendUint(b, uint64(x), 10), nil
	case float32:
		return appendJSONFloat(b, float64(x), false), nil
	case time.Time:
		return appendJSONText(b, py.DateTimeOf(x))
	case *py.Object:
		if x == nil {
			return append(b, "null"...), nil
		}
		return b, newPathError(v, fmt.Errorf("%w: an instance of a class msgspec.json does not know", ErrUnsupported))
	case py.Global, *py.Global, py.TimeZone:
		return b, newPathError(v, ErrUnsupported)
	}
	conv, err := convertGo(v)
	if err != nil {
		return b, newPathError(v, err)
	}
	return e.json(b, conv)
}

// jsonEscape tells, for each byte, what msgspec writes after a backslash,
// or 0 when the byte is written as it is: the control characters, '"' and
// '\'. Everything else, non-ASCII included, is written raw.
var jsonEscape = [256]byte{
	'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'b', 't', 'n', 'u', 'f', 'r', 'u', 'u',
	'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u',
	'"': '"', '\\': '\\',
}

// appendQuoted writes s between quotes, as it is.
func appendQuoted(b []byte, s string) []byte {
	n := len(b)
	if cap(b)-n < len(s)+2 {
		b = append(b[:cap(b)], make([]byte, len(s)+2)...)
	}
	b = b[:n+len(s)+2]
	b[n] = '"'
	copy(b[n+1:], s)
	b[n+1+len(s)] = '"'
	return b
}

func appendJSONStr(b []byte, s string, v any) ([]byte, error) {
	if plainJSON(s) {
		return appendQuoted(b, s), nil
	}
	if !utf8.ValidString(s) {
		return b, newPathError(v, ErrInvalidString)
	}
	return appendJSONQuoted(b, s), nil
}

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// plainJSON reports whether s is ASCII with nothing to escape, 8 bytes at
// a time: no control character, '"' or '\\'.
func plainJSON(s string) bool {
	b := unsafe.Slice(unsafe.StringData(s), len(s))
	if len(b) < 8 {
		for _, c := range b {
			if jsonEscape[c] != 0 || c >= 0x80 {
				return false
			}
		}
		return true
	}
	var bad uint64
	for i := 0; i+8 <= len(b); i += 8 {
		bad |= specialJSON(binary.LittleEndian.Uint64(b[i:]))
	}
	bad |= specialJSON(binary.LittleEndian.Uint64(b[len(b)-8:])) // the tail, overlapping
	return bad == 0
}

// escapeOrQuote is specialJSON but for non-ASCII bytes.
func escapeOrQuote(x uint64) uint64 {
	ctl := (x - lsb*0x20) &^ x
	q, bs := x^(lsb*'"'), x^(lsb*'\\')
	return (ctl | (q-lsb)&^q | (bs-lsb)&^bs) & msb
}

// specialJSON has a high bit set for the first byte of x (from the low
// end) that is a control character, '"', '\\' or not ASCII, and maybe for
// later bytes; it is zero when there is none. A byte below the first such
// one borrows from none of the subtractions, so that first one is exact.
func specialJSON(x uint64) uint64 {
	return ((x - lsb*0x20) | ((x ^ lsb*'"') - lsb) | ((x ^ lsb*'\\') - lsb) | x) & msb
}

// appendJSONQuoted writes s, valid UTF-8, as a JSON string.
func appendJSONQuoted(b []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		esc := jsonEscape[s[i]]
		if esc == 0 {
			continue
		}
		b = append(b, s[start:i]...)
		if esc == 'u' {
			b = append(b, '\\', 'u', '0', '0', hexDigits[s[i]>>4], hexDigits[s[i]&0xf])
		} else {
			b = append(b, '\\', esc)
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

func appendJSONBase64(b []byte, data []byte) []byte {
	b = append(b, '"')
	b = base64.StdEncoding.AppendEncode(b, data)
	return append(b, '"')
}

// maxIntDigits is CPython's default limit on the digits of an int
// converted to str (sys.int_info.default_max_str_digits).
const maxIntDigits = 4300

func appendJSONBigInt(b []byte, x *big.Int, v any) ([]byte, error) {
	if x == nil {
		return b, newPathError(v, fmt.Errorf("%w: nil *big.Int", ErrUnsupported))
	}
	start := len(b)
	b = x.Append(b, 10)
	digits := len(b) - start
	if x.Sign() < 0 {
		digits--
	}
	if digits > maxIntDigits {
		return b[:start], newPathError(v, fmt.Errorf("%w: an int of %d digits is over Python's limit of %d for int to str", ErrIntRange, digits, maxIntDigits))
	}
	return b, nil
}

// appendJSONFloat writes f as msgspec does: the shortest digits that read
// back as f, in fixed notation when the decimal point falls within 16
// digits to the left or 5 to the right, else as 1.5e-7 or 1e16. A NaN or
// infinity is null in a value, and nan, inf or -inf (inside the quotes)
// in a dict key.
func appendJSONFloat(b []byte, f float64, nonfiniteAsText bool) []byte {
	switch {
	case math.IsNaN(f):
		if nonfiniteAsText {
			return append(b, "nan"...)
		}
		return append(b, "null"...)
	case math.IsInf(f, 1):
		if nonfiniteAsText {
			return append(b, "inf"...)
		}
		return append(b, "null"...)
	case math.IsInf(f, -1):
		if nonfiniteAsText {
			return append(b, "-inf"...)
		}
		return append(b, "null"...)
	}
	if a := math.Abs(f); a >= 1e-5 && a < 1e16 {
		// Fixed notation, which strconv writes with the same shortest
		// digits; msgspec adds ".0" to a whole number.
		start := len(b)
		b = strconv.AppendFloat(b, f, 'f', -1, 64)
		for _, c := range b[start:] {
			if c == '.' {
				return b
			}
		}
		return append(b, '.', '0')
	}
	return appendFloatDigits(b, f)
}

// appendFloatDigits is appendJSONFloat for any finite f, from its shortest
// digits and decimal exponent.
func appendFloatDigits(b []byte, f float64) []byte {
	if math.Signbit(f) {
		b = append(b, '-')
		f = -f
	}
	if f == 0 {
		return append(b, "0.0"...)
	}
	// Shortest digits: d[.ddd]e±XX.
	var buf [32]byte
	e := strconv.AppendFloat(buf[:0], f, 'e', -1, 64)
	var digits [20]byte
	n := 0
	i := 0
	for ; e[i] != 'e'; i++ {
		if e[i] != '.' {
			digits[n] = e[i]
			n++
		}
	}
	exp := 0
	neg := e[i+1] == '-'
	for _, c := range e[i+2:] {
		exp = exp*10 + int(c-'0')
	}
	if neg {
		exp = -exp
	}
	kk := exp + 1 // position of the decimal point after the first kk digits
	k := kk - n   // value = digits * 10**k
	switch {
	case k >= 0 && kk <= 16:
		b = append(b, digits[:n]...)
		for range k {
			b = append(b, '0')
		}
		return append(b, '.', '0')
	case kk > 0 && kk <= 16:
		b = append(b, digits[:kk]...)
		b = append(b, '.')
		return append(b, digits[kk:n]...)
	case kk > -5 && kk <= 0:
		b = append(b, '0', '.')
		for range -kk {
			b = append(b, '0')
		}
		return append(b, digits[:n]...)
	}
	b = append(b, digits[0])
	if n > 1 {
		b = append(b, '.')
		b = append(b, digits[1:n]...)
	}
	b = append(b, 'e')
	return strconv.AppendInt(b, int64(kk-1), 10)
}

// appendJSONText writes a value msgspec.json writes as a string of its own
// making: datetime, date, time, timedelta, UUID, Decimal.
func appendJSONText(b []byte, v any) ([]byte, error) {
	b = append(b, '"')
	switch x := v.(type) {
	case py.DateTime:
		if err := checkDateTime(x); err != nil {
			return b[:len(b)-1], newPathError(v, err)
		}
		var err error
		if b, err = appendDateTimeText(b, x); err != nil {
			return b, newPathError(v, err)
		}
	case py.Date:
		if err := x.Validate(); err != nil {
			return b[:len(b)-1], newPathError(v, fmt.Errorf("%w: %w", ErrRange, err))
		}
		b = appendDate(b, x.Year, x.Month, x.Day)
	case py.Time:
		if err := x.Validate(); err != nil {
			return b[:len(b)-1], newPathError(v, fmt.Errorf("%w: %w", ErrRange, err))
		}
		var err error
		if b, err = appendClock(b, x.Hour, x.Minute, x.Second, x.Microsecond, x.TZ); err != nil {
			return b, newPathError(v, err)
		}
	case py.TimeDelta:
		if err := checkTimeDelta(x); err != nil {
			return b[:len(b)-1], newPathError(v, err)
		}
		b = appendTimeDelta(b, x)
	case py.UUID:
		b = appendUUID(b, x)
	case py.Decimal:
		b = append(b, x.String()...)
	}
	return append(b, '"'), nil
}

// jsonArray writes the items of v, a list, tuple or []any.
func (e *encoder) jsonArray(b []byte, items []any, v any) ([]byte, error) {
	if len(items) == 0 {
		return append(b, '[', ']'), nil
	}
	if err := e.enter(v); err != nil {
		return b, err
	}
	b = append(b, '[')
	var err error
	for i, it := range items {
		if i > 0 {
			b = append(b, ',')
		}
		if s, ok := it.(string); ok && plainJSON(s) {
			b = appendQuoted(b, s)
			continue
		}
		if b, err = e.json(b, it); err != nil {
			return b, withIndex(err, i)
		}
	}
	e.depthLeft++
	return append(b, ']'), nil
}

func (e *encoder) jsonSet(b []byte, s *py.Set) ([]byte, error) {
	n := s.Len()
	if n == 0 {
		return append(b, '[', ']'), nil
	}
	if err := e.enter(s); err != nil {
		return b, err
	}
	b = append(b, '[')
	var err error
	for i := range n {
		if i > 0 {
			b = append(b, ',')
		}
		if b, err = e.json(b, s.At(i)); err != nil {
			return b, withIndex(err, i)
		}
	}
	e.depthLeft++
	return append(b, ']'), nil
}

func (e *encoder) jsonDict(b []byte, d *py.Dict) ([]byte, error) {
	n := d.Len()
	if n == 0 {
		return append(b, '{', '}'), nil
	}
	if err := e.enter(d); err != nil {
		return b, err
	}
	b = append(b, '{')
	var err error
	for i := range n {
		k, v := d.At(i)
		if i > 0 {
			b = append(b, ',')
		}
		if s, ok := k.(string); ok {
			b, err = appendJSONStr(b, s, k)
		} else {
			b, err = appendJSONKey(b, k)
		}
		if err != nil {
			return b, withKeyOf(err, k)
		}
		b = append(b, ':')
		if b, err = e.json(b, v); err != nil {
			return b, withKey(err, k)
		}
	}
	e.depthLeft++
	return append(b, '}'), nil
}

// appendJSONKey writes a dict key other than str: the types msgspec.json
// turns into a string key, and ErrKeyType for the rest.
func appendJSONKey(b []byte, k any) ([]byte, error) {
	switch x := k.(type) {
	case py.Markup:
		return appendJSONStr(b, string(x), k)
	case int64, int, int32, int16, int8, uint, uint64, uint32, uint16, uint8:
		b = append(b, '"')
		b = fmt.Append(b, x)
		return append(b, '"'), nil
	case *big.Int:
		b = append(b, '"')
		b, err := appendJSONBigInt(b, x, k)
		if err != nil {
			return b[:len(b)-1], err
		}
		return append(b, '"'), nil
	case float64:
		b = append(b, '"')
		b = appendJSONFloat(b, x, true)
		return append(b, '"'), nil
	case float32:
		b = append(b, '"')
		b = appendJSONFloat(b, float64(x), true)
		return append(b, '"'), nil
	case py.DateTime, py.Date, py.Time, py.TimeDelta, py.UUID, py.Decimal:
		return appendJSONText(b, k)
	case py.Bytes:
		return appendJSONBase64(b, x), nil
	}
	return b, newPathError(k, fmt.Errorf("%w: only dicts with str-like or number-like keys are supported", ErrKeyType))
}
