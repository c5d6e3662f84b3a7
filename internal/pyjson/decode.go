package pyjson

import (
	"math"
	"math/big"
	"math/bits"
	"strconv"
	"sync"
	"unicode/utf8"
	"unsafe"

	"github.com/flaskbridge/flaskbridge/internal/ifacebox"
	"github.com/flaskbridge/flaskbridge/py"
)

// DecodeOptions are the settings of a decoding.
type DecodeOptions struct {
	// MaxDepth bounds the nesting of arrays and objects; 0 means
	// DefaultMaxDepth, and it is at most MaxDepthCeiling.
	MaxDepth int
	// Hook, when set, is called for every object that holds exactly one
	// key (once duplicate keys are merged), innermost objects first, with
	// that key and its decoded value, as a json.loads object_hook that
	// only looks at one-key dicts. When it returns ok, v stands for the
	// object; an error stops the decoding and comes back wrapped in a
	// *SyntaxError that gives the offset of the object's end.
	Hook func(key string, value py.Value) (v py.Value, ok bool, err error)
}

// Unmarshal decodes one JSON document as json.loads(data.decode("utf-8"))
// does: the text must be valid UTF-8 without a byte order mark; objects
// become *py.Dict (str keys), arrays *py.List, strings string, integers
// int64 or *big.Int, other numbers float64.
//
// The decoded strings that needed no unescaping share one allocation with
// a copy of data.
func Unmarshal(data []byte, o DecodeOptions) (py.Value, error) {
	// A view of data, only read: checked, counted and copied.
	return unmarshal(unsafe.String(unsafe.SliceData(data), len(data)), o)
}

// unmarshal decodes a copy of data. That copy is made in one allocation,
// without pointers for the collector to follow, with room after it for the
// headers of the strings that are pieces of it (textStr).
func unmarshal(data string, o DecodeOptions) (py.Value, error) {
	if !utf8.ValidString(data) {
		off := 0
		for off < len(data) {
			r, n := utf8.DecodeRuneInString(data[off:])
			if r == utf8.RuneError && n == 1 {
				break
			}
			off += n
		}
		return nil, syntaxErr(off, "invalid UTF-8")
	}
	if len(data) >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF {
		return nil, syntaxErr(0, "unexpected UTF-8 BOM")
	}
	var c textCounts // zero for a short text: the default slabs, no headers
	if len(data) >= 64 {
		c = countText(data)
	}
	off, n := (len(data)+7)&^7, 0
	if slabsWork {
		n = c.strs()
	}
	buf := make([]byte, off+16*n)
	copy(buf, data)
	text := unsafe.String(unsafe.SliceData(buf), len(data))
	hdrs := buf[off:]
	d := decoders.Get().(*decoder)
	defer d.release()
	d.s, d.maxDepth, d.hook, d.depth = text, depthLimit(o.MaxDepth), o.Hook, 0
	if len(hdrs) >= 16 {
		d.hdrBase, d.hdrCap = unsafe.Pointer(unsafe.SliceData(hdrs)), len(hdrs)/16
	}
	d.valsHint = d.presize(c, d.hdrCap == 0)
	i := d.ws(0)
	v, i, err := d.value(i)
	if err != nil {
		return nil, err
	}
	if i = d.ws(i); i != len(text) {
		return nil, syntaxErr(i, "extra data")
	}
	return v, nil
}

var decoders = sync.Pool{New: func() any { return new(decoder) }}

// release returns the decoder to the pool: its stack for objects is
// kept, its slabs and its stack for arrays (where the items of lists stay)
// belong to the decoded value.
func (d *decoder) release() {
	d.s, d.hook, d.slabs, d.vals = "", nil, slabs{}, nil
	d.hdrBase, d.hdrN, d.hdrCap = nil, 0, 0
	clear(d.ents[:max(d.high, len(d.ents))]) // an error leaves entries on the stack
	d.high, d.ents = 0, d.ents[:0]
	for _, h := range d.keyUsed {
		d.keyTable[h] = internedKey{}
	}
	d.keyUsed, d.keyMap = d.keyUsed[:0], nil
	if cap(d.buf) > 64<<10 {
		d.buf = nil
	}
	decoders.Put(d)
}

type decoder struct {
	s        string
	depth    int
	maxDepth int
	hook     func(string, py.Value) (py.Value, bool, error)
	vals     []py.Value // items of the arrays being read
	valsHint int        // the first capacity of vals
	ents     []objEntry // entries of the large objects being read
	high     int        // the most entries ents held at once
	buf      []byte     // unescaping scratch
	slabs

	// The string headers in the text's allocation (Unmarshal): hdrCap
	// of them from hdrBase, hdrN used.
	hdrBase      unsafe.Pointer
	hdrN, hdrCap int

	// The keys boxed so far, for interning: an open-addressing table of
	// the first keys, the indexes in use, and a map for any further keys.
	keyTable [keyTableSize]internedKey
	keyUsed  []uint8
	keyMap   map[string]py.Value
}

const (
	keyTableSize = 64
	keyTableMax  = 32 // keys in the table at most, for short probes
)

type internedKey struct {
	s string
	v py.Value
}

// key returns the boxed str for a dict key. Equal keys of one document
// share one string, as json.loads shares one str object among them.
func (d *decoder) key(s string) py.Value {
	if len(s) == 0 {
		return ""
	}
	h := (uint32(len(s)) ^ uint32(s[0])<<8 ^ uint32(s[len(s)/2])<<16 ^ uint32(s[len(s)-1])<<24) * 0x9E3779B1 >> 26
	for {
		e := &d.keyTable[h%keyTableSize]
		if e.v == nil {
			break
		}
		if e.s == s {
			return e.v
		}
		h++
	}
	if len(d.keyUsed) >= keyTableMax {
		if v, ok := d.keyMap[s]; ok {
			return v
		}
		if d.keyMap == nil {
			d.keyMap = make(map[string]py.Value)
		}
		v := d.anyStr(s)
		d.keyMap[s] = v
		return v
	}
	v := d.anyStr(s)
	d.keyTable[h%keyTableSize] = internedKey{s, v}
	d.keyUsed = append(d.keyUsed, uint8(h%keyTableSize))
	return v
}

// textStr boxes s, a piece of the text, with its header in the text's own
// allocation while there is room there, else in a slab.
//
// That allocation holds no pointers for the collector: the header's data
// pointer is written as an integer. That is safe because it points into
// the same allocation, which the collector keeps, and never moves, as
// long as anything points into it, as the boxed value does; a string
// read out of the box points into it in its turn. An empty string gets no
// header (its data pointer could be the end of the allocation).
func (d *decoder) textStr(s string) py.Value {
	if len(s) == 0 {
		return ""
	}
	if d.hdrN < d.hdrCap {
		d.hdrN++
		return boxAt(unsafe.Add(d.hdrBase, 16*(d.hdrN-1)), s)
	}
	return d.slabs.str(s)
}

// boxAt writes the header of s at p, in the text's allocation, and boxes
// it (textStr).
func boxAt(p unsafe.Pointer, s string) py.Value {
	*(*[2]uintptr)(p) = [2]uintptr{uintptr(unsafe.Pointer(unsafe.StringData(s))), uintptr(len(s))}
	return ifacebox.Make(ifacebox.String, p)
}

// anyStr boxes s: with textStr if it is a piece of the text, in a slab if
// unescaping made it.
func (d *decoder) anyStr(s string) py.Value {
	if len(s) > 0 && uintptr(unsafe.Pointer(unsafe.StringData(s)))-uintptr(unsafe.Pointer(unsafe.StringData(d.s))) < uintptr(len(d.s)) {
		return d.textStr(s)
	}
	return d.slabs.str(s)
}

// push adds v to the array items being read.
func (d *decoder) push(v py.Value) {
	if len(d.vals) == cap(d.vals) {
		n := max(2*len(d.vals), d.valsHint, 8)
		d.valsHint = 0
		d.vals = append(make([]py.Value, 0, n), d.vals...)
	}
	d.vals = append(d.vals, v)
}

func (d *decoder) ws(i int) int { return skipWS(d.s, i) }

// skipWS returns the index of the first byte of s from i on that is not
// JSON whitespace. Every byte JSON counts as whitespace is at most ' '.
func skipWS(s string, i int) int {
	for i < len(s) && s[i] <= ' ' && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

func (d *decoder) value(i int) (py.Value, int, error) {
	s := d.s
	if i >= len(s) {
		return nil, i, syntaxErr(i, "expecting value")
	}
	switch c := s[i]; c {
	case '"':
		str, j, err := d.str(i + 1)
		if err != nil {
			return nil, j, err
		}
		return d.anyStr(str), j, nil
	case '{':
		return d.object(i)
	case '[':
		return d.array(i)
	case 'n':
		if hasPrefix(s, i, "null") {
			return nil, i + 4, nil
		}
	case 't':
		if hasPrefix(s, i, "true") {
			return true, i + 4, nil
		}
	case 'f':
		if hasPrefix(s, i, "false") {
			return false, i + 5, nil
		}
	case 'N':
		if hasPrefix(s, i, "NaN") {
			return math.NaN(), i + 3, nil
		}
	case 'I':
		if hasPrefix(s, i, "Infinity") {
			return math.Inf(1), i + 8, nil
		}
	case '-':
		if hasPrefix(s, i, "-Infinity") {
			return math.Inf(-1), i + 9, nil
		}
		return d.number(i)
	default:
		if c >= '0' && c <= '9' {
			return d.number(i)
		}
	}
	return nil, i, syntaxErr(i, "expecting value")
}

func hasPrefix(s string, i int, p string) bool {
	return len(s)-i >= len(p) && s[i:i+len(p)] == p
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// number reads the number json's scanner matches at i:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?, an int when it has neither
// fraction nor exponent. The digits are gathered in m as they are scanned;
// m is used only when there are at most 19 of them.
func (d *decoder) number(i int) (py.Value, int, error) {
	s := d.s
	start := i
	neg := s[i] == '-'
	if neg {
		i++
	}
	var m uint64
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		for i < len(s) && isDigit(s[i]) {
			m = m*10 + uint64(s[i]-'0')
			i++
		}
	default:
		return nil, start, syntaxErr(start, "expecting value")
	}
	intEnd := i
	digits := intEnd - start
	if neg {
		digits--
	}
	float, exp := false, false
	fracDigits := 0
	if i+1 < len(s) && s[i] == '.' && isDigit(s[i+1]) {
		i++
		for i < len(s) && isDigit(s[i]) {
			m = m*10 + uint64(s[i]-'0')
			i++
		}
		fracDigits = i - intEnd - 1
		float = true
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if j < len(s) && isDigit(s[j]) {
			for j < len(s) && isDigit(s[j]) {
				j++
			}
			i = j
			float, exp = true, true
		}
	}
	if float && !exp && digits+fracDigits <= 19 {
		if f, ok := decimal(m, fracDigits, neg); ok {
			return d.float(f), i, nil
		}
	}
	if float {
		// ParseFloat rounds correctly, as float() does, and gives ±Inf
		// (with a range error) where float() gives inf.
		f, _ := strconv.ParseFloat(s[start:i], 64)
		return d.float(f), i, nil
	}
	if digits <= 18 {
		n := int64(m)
		if neg {
			n = -n
		}
		return d.int(n), i, nil
	}
	if digits > maxIntDigits {
		return nil, start, &SyntaxError{Offset: start, Msg: "pyjson: int of " + strconv.Itoa(digits) + " digits", Err: ErrIntDigits}
	}
	b, _ := new(big.Int).SetString(s[start:intEnd], 10)
	if b.IsInt64() {
		return d.int(b.Int64()), i, nil
	}
	return b, i, nil
}

// exactPow10 are the powers of ten a float64 holds exactly.
var exactPow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// decimal is the float of the decimal number m / 10^fracDigits (negated
// when neg), m of at most 19 digits, rounded as float() rounds it; ok is
// false for the rare values it cannot round for sure (strconv.ParseFloat
// takes those).
func decimal(m uint64, fracDigits int, neg bool) (f float64, ok bool) {
	if fracDigits > 19 {
		return 0, false
	}
	if m < 1<<53 {
		// The digits as an integer and the power of ten are both
		// exact, and one division rounds correctly.
		f = float64(m) / exactPow10[fracDigits]
	} else if f, ok = divPow10(m, fracDigits); !ok {
		return 0, false
	}
	if neg {
		f = -f
	}
	return f, true
}

// divPow10 rounds m / 10^k (m below 10^19, k at most 19) to the nearest
// float64. m is hi + lo, hi its nearest float64 and lo the rest (exact);
// q = hi / 10^k rounded is within one and a half steps of the result, and
// hi - q*10^k is exact with a fused multiply-add, so that x - q, the
// distance from the exact quotient x to q, is known to within a relative
// 2^-52. ok is false when that is too close to a half step to tell (ties
// included), when x - q reaches past 1.25 steps, and when q is a power of
// two (the steps below and above it differ).
func divPow10(m uint64, k int) (float64, bool) {
	p := exactPow10[k]
	hi := float64(m)
	lo := float64(int64(m - uint64(hi)))
	q := hi / p
	e := (math.FMA(-q, p, hi) + lo) / p
	b := math.Float64bits(q)
	if b&(1<<52-1) == 0 {
		return 0, false
	}
	up := math.Float64frombits(b+1) - q
	dn := q - math.Float64frombits(b-1)
	margin := math.Abs(e) * 0x1p-50
	switch {
	case math.Abs(e) >= 1.25*dn, math.Abs(e-up/2) <= margin, math.Abs(e+dn/2) <= margin:
		return 0, false
	case e > up/2:
		return math.Float64frombits(b + 1), true
	case e < -dn/2:
		return math.Float64frombits(b - 1), true
	}
	return q, true
}

// strStop marks the bytes that end the fast scan of a string: the quote,
// the backslash and the control characters json.loads refuses.
var strStop = func() (t [256]bool) {
	for c := 0; c < 0x20; c++ {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// plainRun returns the index of the first byte at or after i that ends
// the plain run of a string (a quote, a backslash, a control character),
// or len(s); it looks at eight bytes at a time.
func plainRun(s string, i int) int {
	if i < 0 {
		return i
	}
	for ; i <= len(s)-8; i += 8 {
		w := s[i : i+8]
		x := uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
			uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
		// A byte is flagged when it is a quote or a backslash (zero
		// after the XOR) or below 0x20: the subtractions set its high
		// bit, and a borrow can flag only the bytes above it, so the
		// lowest flag is exact. Bytes from 0x80 have the high bit set in
		// x, and so in both XORs: &^ x clears them in all three.
		q := (x ^ (lsb * '"')) - lsb
		b := (x ^ (lsb * '\\')) - lsb
		c := x - lsb*0x20
		if t := (q | b | c) &^ x & msb; t != 0 {
			return i + bits.TrailingZeros64(t)/8
		}
	}
	for i < len(s) && !strStop[s[i]] {
		i++
	}
	return i
}

// str reads a string whose opening quote is at i-1.
func (d *decoder) str(i int) (string, int, error) {
	s := d.s
	start := i
	i = plainRun(s, i)
	if i < len(s) && s[i] == '"' {
		return s[start:i], i + 1, nil
	}
	buf := append(d.buf[:0], s[start:i]...)
	for {
		if i >= len(s) {
			return "", i, syntaxErr(start-1, "unterminated string")
		}
		c := s[i]
		switch {
		case c == '"':
			d.buf = buf
			return string(buf), i + 1, nil
		case c < 0x20:
			return "", i, syntaxErr(i, "invalid control character")
		case c != '\\':
			j := plainRun(s, i+1)
			buf = append(buf, s[i:j]...)
			i = j
			continue
		}
		// An escape.
		if i+1 >= len(s) {
			return "", i, syntaxErr(start-1, "unterminated string")
		}
		esc := s[i+1]
		switch esc {
		case '"', '\\', '/':
			buf = append(buf, esc)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, ok := hex4(s, i+2)
			if !ok {
				return "", i, syntaxErr(i, "invalid \\uXXXX escape")
			}
			i += 6
			// A high surrogate and a low one escaped right after it
			// make one code point, as in json's scanner; any other
			// surrogate stays alone.
			if r >= 0xD800 && r <= 0xDBFF && i+6 < len(s) && s[i] == '\\' && s[i+1] == 'u' {
				r2, ok := hex4(s, i+2)
				if !ok {
					return "", i, syntaxErr(i, "invalid \\uXXXX escape")
				}
				if r2 >= 0xDC00 && r2 <= 0xDFFF {
					r = 0x10000 + (r-0xD800)<<10 + (r2 - 0xDC00)
					i += 6
				}
			}
			buf = AppendRune(buf, r)
			continue
		default:
			return "", i, syntaxErr(i, "invalid \\escape")
		}
		i += 2
	}
}

func hex4(s string, i int) (rune, bool) {
	if i+4 > len(s) {
		return 0, false
	}
	var r rune
	for k := i; k < i+4; k++ {
		c := s[k]
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

func (d *decoder) enter(i int) error {
	d.depth++
	if d.depth > d.maxDepth {
		return &SyntaxError{Offset: i, Msg: "pyjson: more than " + strconv.Itoa(d.maxDepth) + " nested levels", Err: ErrTooDeep}
	}
	return nil
}

func (d *decoder) array(i int) (py.Value, int, error) {
	if err := d.enter(i); err != nil {
		return nil, i, err
	}
	s := d.s
	i = skipWS(s, i+1)
	if i < len(s) && s[i] == ']' {
		d.depth--
		return d.list(nil), i + 1, nil
	}
	base := len(d.vals)
	for {
		j, read := i, false
		if slabsWork && i < len(s) && s[i] == '"' {
			// Strings without escapes, the common items, read and
			// boxed here (textStr and push, in line) while the stack
			// has room, with the count of headers and the stack in
			// local variables, and one after the other while a comma
			// and a quote separate them.
			hdrN, vals := d.hdrN, d.vals
			for len(vals) < cap(vals) {
				k := plainRun(s, i+1)
				if k >= len(s) || s[k] != '"' {
					break
				}
				var v py.Value = ""
				switch {
				case k == i+1:
				case hdrN < d.hdrCap:
					v = boxAt(unsafe.Add(d.hdrBase, 16*hdrN), s[i+1:k])
					hdrN++
				default:
					v = d.slabs.str(s[i+1 : k])
				}
				vals = append(vals, v)
				if k+2 < len(s) && s[k+1] == ',' && s[k+2] == '"' {
					i = k + 2
					continue
				}
				j, read = k+1, true // the separator is next
				break
			}
			d.hdrN, d.vals = hdrN, vals
		}
		if !read {
			v, k, err := d.value(i)
			if err != nil {
				return nil, k, err
			}
			d.push(v)
			j = k
		}
		i = skipWS(s, j)
		if i < len(s) && s[i] == ',' {
			i = skipWS(s, i+1)
			continue
		}
		if i < len(s) && s[i] == ']' {
			break
		}
		return nil, i, syntaxErr(i, "expecting ',' delimiter")
	}
	var items []py.Value
	if n := len(d.vals) - base; base == 0 {
		// No array around this one has items yet: the list keeps its
		// items where they are, and the stack goes on past them.
		items = d.vals[:n:n]
		d.vals = d.vals[n:n]
	} else {
		items = d.copyItems(d.vals[base:])
		clear(d.vals[base:])
		d.vals = d.vals[:base]
	}
	d.depth--
	return d.list(items), i + 1, nil
}

// dedupIndexMin is the object size from which duplicate keys are found
// through a map rather than by scanning.
const dedupIndexMin = 16

// objEntry is one entry of an object being read.
type objEntry struct {
	key string
	val py.Value
}

// keyBit is one of 64 bits chosen by the length and first byte of key.
func keyBit(key string) uint64 {
	h := uint(len(key))
	if len(key) > 0 {
		h = h*31 + uint(key[0])
	}
	return 1 << (h & 63)
}

// objLocal is how many entries an object keeps in its own frame, on the
// goroutine stack, where writing them takes no write barrier; beyond that
// they move to the decoder's stack.
const objLocal = 8

func (d *decoder) object(i int) (py.Value, int, error) {
	if err := d.enter(i); err != nil {
		return nil, i, err
	}
	s := d.s
	i = skipWS(s, i+1)
	if i < len(s) && s[i] == '}' {
		d.depth--
		return d.newDict(), i + 1, nil
	}
	var local [objLocal]objEntry
	var seen uint64
	n := 0     // entries in local
	base := -1 // once they moved: the index of the first in d.ents
	var index map[string]int
	for {
		if i >= len(s) || s[i] != '"' {
			return nil, i, syntaxErr(i, "expecting property name enclosed in double quotes")
		}
		// A key without escapes, the common one, read here.
		var key string
		j := plainRun(s, i+1)
		if j < len(s) && s[j] == '"' {
			key = s[i+1 : j]
			j++
		} else {
			var err error
			if key, j, err = d.str(i + 1); err != nil {
				return nil, j, err
			}
		}
		// Most often the colon follows at once.
		if i = j; i >= len(s) || s[i] != ':' {
			i = skipWS(s, i)
		}
		if i >= len(s) || s[i] != ':' {
			return nil, i, syntaxErr(i, "expecting ':' delimiter")
		}
		i = skipWS(s, i+1)
		var v py.Value
		j = i
		if i < len(s) && s[i] == '"' {
			// A string without escapes, the common value, read here.
			if j = plainRun(s, i+1); j < len(s) && s[j] == '"' {
				v = d.textStr(s[i+1 : j])
				j++
			} else {
				j = i
			}
		}
		if j == i {
			var err error
			if i < len(s) && isDigit(s[i]) {
				v, j, err = d.number(i) // the other common value
			} else {
				v, j, err = d.value(i)
			}
			if err != nil {
				return nil, j, err
			}
		}
		// json.loads builds a dict: a repeated key keeps its first
		// place and takes the last value.
		switch {
		case base < 0:
			// seen has a bit for the length and first byte of each
			// key in local: a key whose bit is clear is new, without
			// comparing it with the others.
			k := n
			bit := keyBit(key)
			if seen&bit != 0 {
				k = 0
				for k < n && local[k].key != key {
					k++
				}
			}
			seen |= bit
			switch {
			case k < n:
				local[k].val = v
			case n < objLocal:
				local[n] = objEntry{key, v}
				n++
			default:
				base = len(d.ents)
				d.ents = append(d.ents, local[:n]...)
				d.ents = append(d.ents, objEntry{key, v})
			}
		case index != nil:
			if k, ok := index[key]; ok {
				d.ents[k].val = v
			} else {
				index[key] = len(d.ents)
				d.ents = append(d.ents, objEntry{key, v})
			}
		default:
			k := base
			for k < len(d.ents) && d.ents[k].key != key {
				k++
			}
			if k < len(d.ents) {
				d.ents[k].val = v
				break
			}
			d.ents = append(d.ents, objEntry{key, v})
			if len(d.ents)-base >= dedupIndexMin {
				index = make(map[string]int, 2*dedupIndexMin)
				for k := base; k < len(d.ents); k++ {
					index[d.ents[k].key] = k
				}
			}
		}
		i = skipWS(s, j)
		if i < len(s) && s[i] == ',' {
			i = skipWS(s, i+1)
			continue
		}
		if i < len(s) && s[i] == '}' {
			break
		}
		return nil, i, syntaxErr(i, "expecting ',' delimiter")
	}
	ents := local[:n]
	if base >= 0 {
		ents = d.ents[base:]
	}
	var out py.Value
	done := false
	if len(ents) == 1 && d.hook != nil {
		v, ok, err := d.hook(ents[0].key, ents[0].val)
		if err != nil {
			return nil, i, &SyntaxError{Offset: i, Msg: "pyjson: " + err.Error(), Err: err}
		}
		out, done = v, ok
	}
	if !done {
		// The entries (distinct keys) filled in place, then handed over.
		buf := d.dictEntries(len(ents))
		for k := range buf {
			buf[k] = py.DictEntry{Key: d.key(ents[k].key), Value: ents[k].val}
		}
		dict := d.newDict()
		dict.UseBuffer(buf)
		out = dict
	}
	if base >= 0 {
		// The stack is cleared up to its highest mark on release.
		d.high = max(d.high, len(d.ents))
		d.ents = d.ents[:base]
	}
	d.depth--
	return out, i + 1, nil
}
