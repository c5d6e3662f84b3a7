package msgspec

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"strconv"
	"sync"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/flaskbridge/flaskbridge/py"
)

// DecodeJSON decodes JSON as an untyped msgspec.json.Decoder() does, which
// is how Flask-Session 0.7+ reads a session stored as JSON: an object
// becomes a *py.Dict with str keys, an array a *py.List, a number an int
// (int64, or *big.Int beyond it, at any size up to 4300 characters) or a
// float64, and strings stay str (a datetime written as JSON reads back as
// its text, as in Python). It applies the default limits of DecodeOptions.
func DecodeJSON(data []byte) (py.Value, error) {
	return DecodeOptions{}.DecodeJSON(data)
}

// DecodeJSON is DecodeJSON with these options.
func (o DecodeOptions) DecodeJSON(data []byte) (py.Value, error) {
	maxSize, maxDepth, maxValues := o.limits()
	if len(data) > maxSize {
		return nil, &DecodeError{Format: "JSON", Offset: maxSize, Err: fmt.Errorf("%w: input of %d bytes is over MaxSize (%d)", ErrLimit, len(data), maxSize)}
	}
	d := jsonDecoder{data: data, text: string(data), depthLeft: maxDepth, valuesLeft: maxValues, bigIntBug: o.Msgspec0186BigInts}
	d.init(len(data) / 24)
	d.lastObjectLen = 8
	v, err := d.value()
	if sc := d.pooled; sc != nil {
		clear(d.stack[:d.stackHigh])                          // so that the GC can free what it held
		if cap(d.stack) <= 1<<16 && cap(d.scratch) <= 1<<20 { // do not keep huge buffers alive
			sc.stack, sc.bytes = d.stack[:0], d.scratch[:0]
			scratchPool.Put(sc)
		}
	}
	if err != nil {
		return nil, err
	}
	for ; d.pos < len(data); d.pos++ {
		if c := data[d.pos]; c != ' ' && c != '\n' && c != '\r' && c != '\t' {
			return nil, d.fail(d.pos, ErrSyntax, "trailing characters")
		}
	}
	return v, nil
}

// jsonScratch is the reusable memory of a JSON decode.
type jsonScratch struct {
	stack []py.Value
	bytes []byte
}

var scratchPool = sync.Pool{New: func() any { return new(jsonScratch) }}

// usePool takes the stack and scratch memory from the pool, the first
// time they are needed.
func (d *jsonDecoder) usePool() {
	if d.pooled == nil {
		d.pooled = scratchPool.Get().(*jsonScratch)
		d.stack, d.scratch = d.pooled.stack[:0], d.pooled.bytes[:0]
	}
}

type jsonDecoder struct {
	data       []byte
	text       string
	pos        int
	depthLeft  int
	valuesLeft int
	bigIntBug  bool
	scratch    []byte
	// stack holds the items of the open arrays until their end gives
	// their size.
	stack     []py.Value
	stackHigh int // the most items stack held
	// lastObjectLen is the size of the last object read.
	lastObjectLen int
	// pooled is the reusable memory the stack and scratch come from, got
	// from scratchPool on first need.
	pooled *jsonScratch
	slabs
}

func (d *jsonDecoder) fail(at int, sentinel error, detail string) error {
	err := sentinel
	if detail != "" {
		err = fmt.Errorf("%w: %s", sentinel, detail)
	}
	return &DecodeError{Format: "JSON", Offset: at, Err: err}
}

func (d *jsonDecoder) truncated() error {
	return d.fail(len(d.data), ErrTruncated, "")
}

// peek skips white space and returns the next byte.
func (d *jsonDecoder) peek() (byte, error) {
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		if c != ' ' && c != '\n' && c != '\r' && c != '\t' {
			return c, nil
		}
		d.pos++
	}
	return 0, d.truncated()
}

func (d *jsonDecoder) value() (any, error) {
	c, err := d.peek()
	if err != nil {
		return nil, err
	}
	return d.valueAt(c)
}

// valueAt reads a value whose first byte, c, is at d.pos.
func (d *jsonDecoder) valueAt(c byte) (any, error) {
	d.valuesLeft--
	if d.valuesLeft < 0 {
		return nil, d.fail(d.pos, ErrLimit, "more values than MaxValues")
	}
	switch c {
	case 'n':
		return nil, d.literal("null")
	case 't':
		return true, d.literal("true")
	case 'f':
		return false, d.literal("false")
	case '[':
		return d.array()
	case '{':
		return d.object()
	case '"':
		s, err := d.string()
		if err != nil {
			return nil, err
		}
		return d.str(s), nil
	}
	return d.number()
}

func (d *jsonDecoder) literal(word string) error {
	if len(d.data)-d.pos < len(word) {
		return d.truncated()
	}
	if d.text[d.pos:d.pos+len(word)] != word {
		return d.fail(d.pos, ErrSyntax, "invalid character")
	}
	d.pos += len(word)
	return nil
}

func (d *jsonDecoder) enter() error {
	d.depthLeft--
	if d.depthLeft < 0 {
		return d.fail(d.pos, ErrLimit, "nesting deeper than MaxDepth")
	}
	return nil
}

func (d *jsonDecoder) array() (any, error) {
	if err := d.enter(); err != nil {
		return nil, err
	}
	d.pos++ // '['
	d.usePool()
	start := len(d.stack)
	for first := true; ; first = false {
		c, err := d.peek()
		if err != nil {
			return nil, err
		}
		switch {
		case c == ']':
			d.pos++
			d.depthLeft++
			items := d.itemSlice(len(d.stack) - start)
			copy(items, d.stack[start:])
			d.stack = d.stack[:start]
			return d.list(items), nil
		case c == ',' && !first:
			d.pos++
			if c, err = d.peek(); err != nil {
				return nil, err
			}
			if c == ']' {
				return nil, d.fail(d.pos, ErrSyntax, "trailing comma in array")
			}
		case !first:
			return nil, d.fail(d.pos, ErrSyntax, "expected ',' or ']'")
		}
		v, err := d.valueAt(c)
		if err != nil {
			return nil, err
		}
		d.stack = append(d.stack, v)
		d.stackHigh = max(d.stackHigh, len(d.stack))
	}
}

func (d *jsonDecoder) object() (any, error) {
	if err := d.enter(); err != nil {
		return nil, err
	}
	d.pos++ // '{'
	// The dict gets room for as many entries as the last one had: the
	// dicts of a list are mostly alike.
	m := d.dict(d.lastObjectLen)
	for first := true; ; first = false {
		c, err := d.peek()
		if err != nil {
			return nil, err
		}
		switch {
		case c == '}':
			d.pos++
			d.depthLeft++
			d.lastObjectLen = m.Len()
			return m, nil
		case c == ',' && !first:
			d.pos++
			if c, err = d.peek(); err != nil {
				return nil, err
			}
		case !first:
			return nil, d.fail(d.pos, ErrSyntax, "expected ',' or '}'")
		}
		switch c {
		case '"':
		case '}':
			return nil, d.fail(d.pos, ErrSyntax, "trailing comma in object")
		default:
			return nil, d.fail(d.pos, ErrSyntax, "object keys must be strings")
		}
		d.valuesLeft--
		if d.valuesLeft < 0 {
			return nil, d.fail(d.pos, ErrLimit, "more values than MaxValues")
		}
		k, err := d.string()
		if err != nil {
			return nil, err
		}
		if c, err = d.peek(); err != nil {
			return nil, err
		}
		if c != ':' {
			return nil, d.fail(d.pos, ErrSyntax, "expected ':'")
		}
		d.pos++
		v, err := d.value()
		if err != nil {
			return nil, err
		}
		setStr(m, k, d.str(k), v)
	}
}

// string reads a JSON string; d.pos is at its opening quote. A string
// without escapes shares the memory of the input.
func (d *jsonDecoder) string() (string, error) {
	start := d.pos
	d.pos++
	data := d.data
	i := d.pos
	ascii := true
	// Find the first '"', '\\', control character (or, while the string is
	// ASCII, non-ASCII byte) 8 bytes at a time.
	for {
		var c byte
		if i+8 <= len(data) {
			w := binary.LittleEndian.Uint64(data[i:])
			m := specialJSON(w)
			if !ascii {
				m = escapeOrQuote(w)
			}
			if m == 0 {
				i += 8
				continue
			}
			i += bits.TrailingZeros64(m) / 8
			c = data[i]
		} else {
			for i < len(data) && jsonEscape[data[i]] == 0 && (!ascii || data[i] < 0x80) {
				i++
			}
			if i >= len(data) {
				return "", d.truncated()
			}
			c = data[i]
		}
		switch {
		case c == '"':
			s := d.text[d.pos:i]
			if !ascii && !utf8.ValidString(s) {
				return "", d.fail(start, ErrSyntax, "str is not valid UTF-8")
			}
			d.pos = i + 1
			return s, nil
		case c >= 0x80:
			ascii = false
			i++
		default: // '\\' or a control character
			return d.stringEscaped(start, i)
		}
	}
}

// stringEscaped reads the rest of a string from i, its first escape or
// invalid character, into the scratch buffer.
func (d *jsonDecoder) stringEscaped(start, i int) (string, error) {
	d.usePool()
	buf := append(d.scratch[:0], d.data[d.pos:i]...)
	for {
		if i >= len(d.data) {
			return "", d.truncated()
		}
		c := d.data[i]
		switch {
		case c == '"':
			d.pos = i + 1
			d.scratch = buf
			if !utf8.Valid(buf) {
				return "", d.fail(start, ErrSyntax, "str is not valid UTF-8")
			}
			return string(buf), nil
		case c < 0x20:
			return "", d.fail(i, ErrSyntax, "invalid character")
		case c != '\\':
			buf = append(buf, c)
			i++
			continue
		}
		i++
		if i >= len(d.data) {
			return "", d.truncated()
		}
		c = d.data[i]
		i++
		switch c {
		case 'n':
			buf = append(buf, '\n')
		case '"', '\\', '/':
			buf = append(buf, c)
		case 't':
			buf = append(buf, '\t')
		case 'r':
			buf = append(buf, '\r')
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'u':
			r, next, err := d.unicodeEscape(i)
			if err != nil {
				return "", err
			}
			buf = utf8.AppendRune(buf, r)
			i = next
		default:
			return "", d.fail(i, ErrSyntax, "invalid escape character in string")
		}
	}
}

// unicodeEscape reads the 4 hex digits of \u at i, and the low half of a
// surrogate pair; it returns the code point and the offset after it.
func (d *jsonDecoder) unicodeEscape(i int) (rune, int, error) {
	hi, err := d.hex4(i)
	if err != nil {
		return 0, 0, err
	}
	i += 4
	switch {
	case hi >= 0xdc00 && hi <= 0xdfff:
		return 0, 0, d.fail(i, ErrSyntax, "invalid utf-16 surrogate pair")
	case hi >= 0xd800 && hi <= 0xdbff:
		if len(d.data)-i < 6 {
			return 0, 0, d.truncated()
		}
		if d.data[i] != '\\' || d.data[i+1] != 'u' {
			return 0, 0, d.fail(i, ErrSyntax, "unexpected end of escaped utf-16 surrogate pair")
		}
		lo, err := d.hex4(i + 2)
		if err != nil {
			return 0, 0, err
		}
		i += 6
		if lo < 0xdc00 || lo > 0xdfff {
			return 0, 0, d.fail(i, ErrSyntax, "invalid utf-16 surrogate pair")
		}
		return utf16.DecodeRune(hi, lo), i, nil
	}
	return hi, i, nil
}

func (d *jsonDecoder) hex4(i int) (rune, error) {
	if len(d.data)-i < 4 {
		return 0, d.truncated()
	}
	var r rune
	for j := i; j < i+4; j++ {
		c := d.data[j]
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, d.fail(j+1, ErrSyntax, "invalid character in unicode escape")
		}
		r = r<<4 | rune(c)
	}
	return r, nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// number reads a JSON number with msgspec's grammar: -?(0|[1-9][0-9]*)
// (.[0-9]+)?([eE][+-]?[0-9]+)?, not followed by any check of the next byte.
func (d *jsonDecoder) number() (any, error) {
	data := d.data
	start := d.pos
	p := start
	neg := data[p] == '-'
	if neg {
		p++
		if p == len(data) {
			return nil, d.fail(p, ErrSyntax, "invalid number")
		}
	}
	// mant collects up to 19 significant digits, for the fast paths.
	var mant uint64
	digits := 0
	intStart := p
	if data[p] == '0' {
		p++
		if p < len(data) && isDigit(data[p]) {
			return nil, d.fail(p, ErrSyntax, "invalid number")
		}
	} else {
		for p < len(data) && isDigit(data[p]) {
			mant = mant*10 + uint64(data[p]-'0')
			p++
		}
		if p == intStart {
			return nil, d.fail(p, ErrSyntax, "invalid character")
		}
		digits = p - intStart
	}
	intEnd := p
	isFloat := false
	exp10 := 0
	if p < len(data) && data[p] == '.' {
		isFloat = true
		p++
		fracStart := p
		for p < len(data) && isDigit(data[p]) {
			if mant != 0 || data[p] != '0' {
				digits++
			}
			mant = mant*10 + uint64(data[p]-'0')
			p++
		}
		if p == fracStart {
			return nil, d.fail(p, ErrSyntax, "invalid number")
		}
		exp10 = fracStart - p
	}
	if p < len(data) && (data[p] == 'e' || data[p] == 'E') {
		isFloat = true
		p++
		expNeg := false
		if p < len(data) && (data[p] == '+' || data[p] == '-') {
			expNeg = data[p] == '-'
			p++
		}
		expStart := p
		e := 0
		for p < len(data) && isDigit(data[p]) {
			if e < 10000 {
				e = e*10 + int(data[p]-'0')
			}
			p++
		}
		if p == expStart {
			return nil, d.fail(p, ErrSyntax, "invalid number")
		}
		if expNeg {
			e = -e
		}
		exp10 += e
	}
	d.pos = p
	if !isFloat {
		if digits <= 18 {
			n := int64(mant)
			if neg {
				n = -n
			}
			return d.int(n), nil
		}
		return d.bigInt(start, d.text[start:p], intEnd-intStart)
	}
	// Exact when the digits and the power of ten are both exact in a
	// float64: one correctly rounded operation.
	if digits <= 15 && mant < 1<<53 && exp10 >= -22 && exp10 <= 22 {
		f := float64(mant)
		if exp10 >= 0 {
			f *= pow10[exp10]
		} else {
			f /= pow10[-exp10]
		}
		if neg {
			f = -f
		}
		return d.float(f), nil
	}
	f, err := strconv.ParseFloat(d.text[start:p], 64)
	if err != nil || math.IsInf(f, 0) {
		return nil, d.fail(start, ErrSyntax, "number out of range")
	}
	return d.float(f), nil
}

// pow10 are the powers of ten a float64 holds exactly.
var pow10 = [23]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

var (
	two64 = new(big.Int).Lsh(big.NewInt(1), 64)
	// bugLow is 2**64 + 10**18: from the next integer up to 2*10**19 - 1,
	// msgspec 0.18 reads a 20-digit integer as its value minus 2**64.
	bugLow  = new(big.Int).Add(two64, new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil))
	bugHigh = new(big.Int).Mul(big.NewInt(2), new(big.Int).Exp(big.NewInt(10), big.NewInt(19), nil))
)

// bigInt reads an integer of more than 18 digits.
func (d *jsonDecoder) bigInt(start int, text string, digits int) (any, error) {
	if n, err := strconv.ParseInt(text, 10, 64); err == nil {
		return n, nil
	}
	if len(text) > maxIntDigits {
		return nil, d.fail(start, ErrIntRange, "integer value out of range")
	}
	n, ok := new(big.Int).SetString(text, 10)
	if !ok {
		return nil, d.fail(start, ErrSyntax, "invalid number")
	}
	if d.bigIntBug && digits == 20 {
		abs := new(big.Int).Abs(n)
		if abs.Cmp(bugLow) > 0 && abs.Cmp(bugHigh) < 0 {
			abs.Sub(abs, two64)
			if n.Sign() < 0 {
				abs.Neg(abs)
			}
			return py.Int(abs), nil
		}
	}
	return n, nil
}
