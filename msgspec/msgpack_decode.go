package msgspec

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"unicode/utf8"
	"unsafe"

	"github.com/flaskbridge/flaskbridge/internal/ascii"
	"github.com/flaskbridge/flaskbridge/py"
)

// UnmarshalMsgpack decodes MessagePack as an untyped
// msgspec.msgpack.Decoder() does, which is how Flask-Session 0.7+ reads a
// session: a map becomes a *py.Dict, an array a *py.List (a py.Tuple when
// it is a map key), bin py.Bytes, the timestamp extension an aware
// py.DateTime in UTC, and any other extension a msgspec.msgpack.Ext (see
// NewExt). It applies the default limits of DecodeOptions.
func UnmarshalMsgpack(data []byte) (py.Value, error) {
	return DecodeOptions{}.UnmarshalMsgpack(data)
}

// UnmarshalMsgpack is UnmarshalMsgpack with these options.
func (o DecodeOptions) UnmarshalMsgpack(data []byte) (py.Value, error) {
	maxSize, maxDepth, maxValues := o.limits()
	if len(data) > maxSize {
		return nil, &DecodeError{Format: "msgpack", Offset: maxSize, Err: fmt.Errorf("%w: input of %d bytes is over MaxSize (%d)", ErrLimit, len(data), maxSize)}
	}
	d := mpDecoder{data: data, depthLeft: maxDepth, valuesLeft: maxValues}
	d.initIn(len(data) / 16)
	v, err := d.value(false)
	if err != nil {
		return nil, err
	}
	if d.pos != len(data) {
		return nil, d.fail(d.pos, ErrSyntax, "trailing characters")
	}
	return v, nil
}

// mpDecoder holds the state of one msgpack decode. Decoded str values
// share the memory of one copy of the input (see strIn).
type mpDecoder struct {
	data       []byte
	pos        int
	depthLeft  int
	valuesLeft int
	keys       [16]py.Value // recent short dict keys: see fixKey
	slabs
}

func (d *mpDecoder) fail(at int, sentinel error, detail string) error {
	err := sentinel
	if detail != "" {
		err = fmt.Errorf("%w: %s", sentinel, detail)
	}
	return &DecodeError{Format: "msgpack", Offset: at, Err: err}
}

func (d *mpDecoder) truncated() error {
	return d.fail(len(d.data), ErrTruncated, "")
}

// take returns the next n bytes.
func (d *mpDecoder) take(n int) ([]byte, error) {
	if n > len(d.data)-d.pos {
		return nil, d.truncated()
	}
	b := d.data[d.pos : d.pos+n]
	d.pos += n
	return b, nil
}

// size reads a big-endian length of w bytes.
func (d *mpDecoder) size(w int) (int, error) {
	b, err := d.take(w)
	if err != nil {
		return 0, err
	}
	switch w {
	case 1:
		return int(b[0]), nil
	case 2:
		return int(binary.BigEndian.Uint16(b)), nil
	}
	return int(binary.BigEndian.Uint32(b)), nil
}

func (d *mpDecoder) value(isKey bool) (any, error) {
	if d.pos >= len(d.data) {
		return nil, d.truncated()
	}
	d.valuesLeft--
	if d.valuesLeft < 0 {
		return nil, d.fail(d.pos, ErrLimit, "more values than MaxValues")
	}
	start := d.pos
	op := d.data[d.pos]
	d.pos++
	switch {
	case op <= 0x7f:
		return int64(op), nil
	case op >= 0xe0:
		return d.int(int64(int8(op))), nil
	case op >= 0xa0 && op <= 0xbf:
		return d.str_(start, int(op&0x1f))
	case op >= 0x90 && op <= 0x9f:
		return d.array(start, int(op&0x0f), isKey)
	case op >= 0x80 && op <= 0x8f:
		return d.mapping(start, int(op&0x0f))
	}
	switch op {
	case mpNil:
		return nil, nil
	case mpTrue:
		return true, nil
	case mpFalse:
		return false, nil
	case mpUint8, mpUint16, mpUint32, mpUint64:
		b, err := d.take(1 << (op - mpUint8))
		if err != nil {
			return nil, err
		}
		var u uint64
		switch len(b) {
		case 1:
			u = uint64(b[0])
		case 2:
			u = uint64(binary.BigEndian.Uint16(b))
		case 4:
			u = uint64(binary.BigEndian.Uint32(b))
		default:
			u = binary.BigEndian.Uint64(b)
		}
		if u > math.MaxInt64 {
			return new(big.Int).SetUint64(u), nil
		}
		return d.int(int64(u)), nil
	case mpInt8, mpInt16, mpInt32, mpInt64:
		b, err := d.take(1 << (op - mpInt8))
		if err != nil {
			return nil, err
		}
		switch len(b) {
		case 1:
			return d.int(int64(int8(b[0]))), nil
		case 2:
			return d.int(int64(int16(binary.BigEndian.Uint16(b)))), nil
		case 4:
			return d.int(int64(int32(binary.BigEndian.Uint32(b)))), nil
		}
		return d.int(int64(binary.BigEndian.Uint64(b))), nil
	case mpFloat32:
		b, err := d.take(4)
		if err != nil {
			return nil, err
		}
		return d.float(float64(math.Float32frombits(binary.BigEndian.Uint32(b)))), nil
	case mpFloat64:
		b, err := d.take(8)
		if err != nil {
			return nil, err
		}
		return d.float(math.Float64frombits(binary.BigEndian.Uint64(b))), nil
	case mpStr8, mpStr16, mpStr32:
		n, err := d.size(1 << (op - mpStr8))
		if err != nil {
			return nil, err
		}
		return d.str_(start, n)
	case mpBin8, mpBin16, mpBin32:
		n, err := d.size(1 << (op - mpBin8))
		if err != nil {
			return nil, err
		}
		b, err := d.take(n)
		if err != nil {
			return nil, err
		}
		return py.Bytes(append([]byte(nil), b...)), nil
	case mpArray16, mpArray32:
		n, err := d.size(2 << (op - mpArray16))
		if err != nil {
			return nil, err
		}
		return d.array(start, n, isKey)
	case mpMap16, mpMap32:
		n, err := d.size(2 << (op - mpMap16))
		if err != nil {
			return nil, err
		}
		return d.mapping(start, n)
	case mpFixExt1, mpFixExt2, mpFixExt4, mpFixExt8, mpFixExt16:
		return d.ext(start, 1<<(op-mpFixExt1))
	case mpExt8, mpExt16, mpExt32:
		n, err := d.size(1 << (op - mpExt8))
		if err != nil {
			return nil, err
		}
		return d.ext(start, n)
	}
	return nil, d.fail(start, ErrSyntax, fmt.Sprintf("invalid opcode 0x%02x", op))
}

// fixStr decodes the next value when it is an ASCII fixstr (most of a
// session), as value would, without its general dispatch.
func (d *mpDecoder) fixStr() (py.Value, bool) {
	p := d.pos
	if p >= len(d.data) || d.data[p]&0xe0 != 0xa0 || d.valuesLeft <= 0 {
		return nil, false
	}
	end := p + 1 + int(d.data[p]&0x1f)
	if end > len(d.data) || !ascii.Is(bstr(d.data[p+1:end])) {
		return nil, false
	}
	d.valuesLeft--
	d.pos = end
	return d.strIn(d.data, p+1, end), true
}

// fixKey is fixStr for a dict key. The keys of a message repeat (a list of
// dicts of the same keys, as msgpack has no references), so a short one is
// looked up among the keys decoded before, and shares their memory: str
// values have no identity in msgpack.
func (d *mpDecoder) fixKey() (py.Value, bool) {
	p := d.pos
	if p >= len(d.data) || d.data[p]&0xe0 != 0xa0 || d.valuesLeft <= 0 {
		return nil, false
	}
	n := int(d.data[p] & 0x1f)
	end := p + 1 + n
	if n == 0 || n > 16 || end > len(d.data) {
		return d.fixStr()
	}
	text := bstr(d.data[p+1 : end])
	h := (uint32(n) | uint32(text[0])<<8 | uint32(text[n-1])<<16 | uint32(text[n/2])<<24) * 0x9E3779B1 >> 28 // len(d.keys) is 16
	if k := d.keys[h]; k != nil && k.(string) == text {
		d.valuesLeft--
		d.pos = end
		return k, true
	}
	k, ok := d.fixStr()
	if ok {
		d.keys[h] = k
	}
	return k, ok
}

// bstr views b as a string, for checks that do not keep it.
func bstr(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// str_ reads a str of n bytes; start is the offset of its header.
func (d *mpDecoder) str_(start, n int) (any, error) {
	if n > len(d.data)-d.pos {
		return nil, d.truncated()
	}
	end := d.pos + n
	if s := bstr(d.data[d.pos:end]); !ascii.Is(s) && !utf8.ValidString(s) {
		return nil, d.fail(start, ErrSyntax, "str is not valid UTF-8")
	}
	v := d.strIn(d.data, d.pos, end)
	d.pos = end
	return v, nil
}

func (d *mpDecoder) enter(start int) error {
	d.depthLeft--
	if d.depthLeft < 0 {
		return d.fail(start, ErrLimit, "nesting deeper than MaxDepth")
	}
	return nil
}

// checkCount rejects a container header that claims more items than the
// rest of the input can hold (each item takes at least per bytes) or than
// MaxValues allows.
func (d *mpDecoder) checkCount(start, n, per int) error {
	if n > (len(d.data)-d.pos)/per {
		return d.fail(start, ErrTruncated, fmt.Sprintf("a container of %d items in %d remaining bytes", n, len(d.data)-d.pos))
	}
	if n > d.valuesLeft/per {
		return d.fail(start, ErrLimit, "more values than MaxValues")
	}
	return nil
}

func (d *mpDecoder) array(start, n int, isKey bool) (any, error) {
	if err := d.checkCount(start, n, 1); err != nil {
		return nil, err
	}
	if err := d.enter(start); err != nil {
		return nil, err
	}
	items := d.itemSlice(n)
	for i := range items {
		if v, ok := d.fixStr(); ok {
			items[i] = v
			continue
		}
		v, err := d.value(isKey)
		if err != nil {
			return nil, err
		}
		items[i] = v
	}
	d.depthLeft++
	if isKey {
		return py.Tuple(items), nil
	}
	return d.list(items), nil
}

func (d *mpDecoder) mapping(start, n int) (any, error) {
	if err := d.checkCount(start, n, 2); err != nil {
		return nil, err
	}
	if err := d.enter(start); err != nil {
		return nil, err
	}
	m := d.dict(n)
	for range n {
		keyAt := d.pos
		k, ok := d.fixKey()
		if !ok {
			var err error
			if k, err = d.value(true); err != nil {
				return nil, err
			}
		}
		v, ok := d.fixStr()
		if !ok {
			var err error
			if v, err = d.value(false); err != nil {
				return nil, err
			}
		}
		if ks, isStr := k.(string); isStr {
			setStr(m, ks, k, v)
			continue
		}
		if !py.Hashable(k) {
			return nil, d.fail(keyAt, ErrUnhashableKey, "a key of type "+py.TypeName(k))
		}
		if _, _, isExt := ExtOf(k); isExt {
			return nil, d.fail(keyAt, ErrUnhashableKey, "a key of type msgspec.msgpack.Ext")
		}
		m.Set(k, v)
	}
	d.depthLeft++
	return m, nil
}

// ext reads an extension of n data bytes: a timestamp for type -1, an Ext
// for any other type.
func (d *mpDecoder) ext(start, n int) (any, error) {
	b, err := d.take(1 + n)
	if err != nil {
		return nil, err
	}
	code, data := int8(b[0]), b[1:]
	if code != -1 {
		return NewExt(code, append([]byte(nil), data...)), nil
	}
	var secs int64
	var nanos uint32
	switch n {
	case 4:
		secs = int64(binary.BigEndian.Uint32(data))
	case 8:
		v := binary.BigEndian.Uint64(data)
		secs, nanos = int64(v&(1<<34-1)), uint32(v>>34)
	case 12:
		nanos = binary.BigEndian.Uint32(data)
		secs = int64(binary.BigEndian.Uint64(data[4:]))
	default:
		return nil, d.fail(start, ErrSyntax, "invalid MessagePack timestamp")
	}
	if nanos > 999_999_999 {
		return nil, d.fail(start, ErrSyntax, "invalid MessagePack timestamp: nanoseconds out of range")
	}
	dt, ok := datetimeFromEpoch(secs, nanos)
	if !ok {
		return nil, d.fail(start, ErrSyntax, "timestamp is out of range")
	}
	return dt, nil
}

// datetimeFromEpoch returns the aware UTC datetime of a Unix time, the
// nanoseconds rounded to the nearest microsecond (half up), as msgspec does;
// false when it is outside years 1..9999.
func datetimeFromEpoch(secs int64, nanos uint32) (py.DateTime, bool) {
	if secs < minEpochSeconds || secs > maxEpochSeconds {
		return py.DateTime{}, false
	}
	us := int((nanos + 500) / 1000)
	if us == 1_000_000 {
		us = 0
		secs++
	}
	if secs >= maxEpochSeconds {
		return py.DateTime{}, false
	}
	days, rem := secs/86400, secs%86400
	if rem < 0 {
		days--
		rem += 86400
	}
	y, m, dd := civilFromDays(days)
	return py.DateTime{
		Year: y, Month: m, Day: dd,
		Hour: int(rem / 3600), Minute: int(rem / 60 % 60), Second: int(rem % 60),
		Microsecond: us, TZ: py.TimeZone{},
	}, true
}
