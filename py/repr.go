package py

import (
	"math"
	"math/big"
	"reflect"
	"slices"
	"strconv"
	"unicode/utf8"
	"unsafe"
)

// Repr returns the text CPython 3.11's repr() prints for v.
//
// For every value of the model the text is exactly CPython's, so it can be
// compared with Python's own output and read back by ParseLiteral (or by
// Python's eval, given the names datetime, Decimal, UUID, Markup,
// OrderedDict, inf and nan). A few cases have no Python counterpart and get
// a form of their own:
//
//   - A string holding bytes that are not UTF-8 (nor a lone surrogate in
//     its 3-byte form) cannot be Python text. Each such byte b prints as
//     the escape of the lone surrogate U+DC00+b ('\udcff' for 0xff), the
//     form Python's "surrogateescape" error handler gives undecodable
//     bytes. ParseLiteral reads it back as that lone surrogate.
//   - A Global prints as <global module.name>, or, when module or name is
//     not a plain dotted identifier, as <global 'module' 'name'> with both
//     parts quoted as str.
//   - An *Object prints as <object CALLABLE(ARGS)> (<reduce ...> when a
//     REDUCE opcode built it), where CALLABLE is the class or function as
//     module.name, ARGS its positional arguments followed by **{...} for
//     keyword arguments, and then, when present, " state=" and the state,
//     " listitems=[...]" and " dictitems={...}". For example:
//     <object myapp.models.User() state={'id': 7}>.
//   - CPython prints a set in the order of its hash table, which follows
//     from the items' hashes and the order they were added in. When every
//     item's hash is the same in every Python process (int, bool, float
//     but NaN, Decimal but NaN, the empty str and bytes, timedelta,
//     timezone, datetime and time aware with a timezone, UUID, and tuples
//     and frozensets of these), Repr prints the items in the order CPython
//     gives the set built by adding them one by one in the order the Set
//     keeps: the set that pickle.loads, set(list) or frozenset(list) makes
//     of them. Otherwise (str and bytes hashes are salted per process,
//     None and NaN hash by address) it prints them in the order the Set
//     keeps. A set display of three or more constants, such as {1, 2, 3}
//     in source code, is built another way by CPython's compiler and may
//     iterate in another order.
//   - A nil pointer of any type prints as None.
//   - An int of more than 4300 digits prints in full, where CPython 3.11
//     raises ValueError (sys.int_info.default_max_str_digits).
//   - A Go value outside the model (int8, []string, a struct with `py`
//     tags, ...) prints as the value ValueOf converts it to; one that
//     ValueOf rejects prints as <Go TYPE>.
//
// A container that holds itself prints as CPython prints it: [[...]],
// {'a': {...}}, OrderedDict([('a', ...)]).
func Repr(v Value) string {
	var p printer
	b := p.value(make([]byte, 0, 128), v)
	// The buffer is not used again, so it can become the string's memory,
	// as strings.Builder does.
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// AppendRepr appends Repr(v) to dst and returns the extended buffer.
func AppendRepr(dst []byte, v Value) []byte {
	var p printer
	return p.value(dst, v)
}

// printer writes reprs; its methods append to a buffer and return it.
type printer struct {
	// active holds the containers being printed, to print a container
	// that holds itself as "..." the way CPython's Py_ReprEnter does.
	// Past activeLinear entries a map takes over the lookups.
	active    []unsafe.Pointer
	activeMap map[unsafe.Pointer]struct{}
	// sortSets prints set items sorted by their repr: a canonical form
	// that does not depend on the order of a set, for comparisons.
	sortSets bool
	// hashes serves the hashing that works out the order of sets.
	hashes hashState
}

const activeLinear = 16

// enter marks the container at ptr as being printed; false means it is
// already being printed further up.
func (p *printer) enter(ptr unsafe.Pointer) bool {
	if p.activeMap != nil {
		if _, ok := p.activeMap[ptr]; ok {
			return false
		}
		p.activeMap[ptr] = struct{}{}
		p.active = append(p.active, ptr)
		return true
	}
	if slices.Contains(p.active, ptr) {
		return false
	}
	p.active = append(p.active, ptr)
	if len(p.active) > activeLinear {
		p.activeMap = make(map[unsafe.Pointer]struct{}, 2*activeLinear)
		for _, a := range p.active {
			p.activeMap[a] = struct{}{}
		}
	}
	return true
}

func (p *printer) leave(ptr unsafe.Pointer) {
	p.active = p.active[:len(p.active)-1]
	if p.activeMap != nil {
		delete(p.activeMap, ptr)
	}
}

func (p *printer) value(b []byte, v Value) []byte {
	switch x := v.(type) {
	case nil:
		b = append(b, "None"...)
	case string:
		b = appendStrRepr(b, x)
	case bool:
		if x {
			b = append(b, "True"...)
		} else {
			b = append(b, "False"...)
		}
	case int64:
		b = strconv.AppendInt(b, x, 10)
	case float64:
		b = AppendFloatRepr(b, x)
	case *Dict:
		if x == nil {
			b = p.none(b)
			return b
		}
		b = p.dict(b, x)
	case *List:
		if x == nil {
			b = p.none(b)
			return b
		}
		b = p.list(b, x)
	case Tuple:
		b = p.tuple(b, x)
	case Markup:
		b = append(b, "Markup("...)
		b = appendStrRepr(b, string(x))
		b = append(b, ')')
	case Bytes:
		b = appendBytesRepr(b, x, false)
	case *ByteArray:
		if x == nil {
			b = p.none(b)
			return b
		}
		b = append(b, "bytearray("...)
		b = appendByteArrayRepr(b, x.Data)
		b = append(b, ')')
	case *big.Int:
		if x == nil {
			b = p.none(b)
			return b
		}
		b = x.Append(b, 10)
	case *OrderedDict:
		if x == nil {
			b = p.none(b)
			return b
		}
		b = p.orderedDict(b, x)
	case *Set:
		if x == nil {
			b = p.none(b)
			return b
		}
		b = p.set(b, x)
	case DateTime:
		b = p.dateTime(b, x)
	case Date:
		b = append(b, "datetime.date("...)
		b = p.ints(b, x.Year, x.Month, x.Day)
		b = append(b, ')')
	case Time:
		b = p.time(b, x)
	case TimeDelta:
		b = p.timeDelta(b, x)
	case TimeZone:
		b = p.timeZone(b, x)
	case Decimal:
		b = append(b, "Decimal('"...)
		b = x.appendString(b)
		b = append(b, "')"...)
	case UUID:
		b = append(b, "UUID('"...)
		b = x.appendString(b)
		b = append(b, "')"...)
	case Global:
		b = p.global(b, x)
	case *Global:
		if x == nil {
			b = p.none(b)
			return b
		}
		b = p.global(b, *x)
	case *Object:
		if x == nil {
			b = p.none(b)
			return b
		}
		b = p.object(b, x)
	case int:
		b = strconv.AppendInt(b, int64(x), 10)
	case int32:
		b = strconv.AppendInt(b, int64(x), 10)
	case int16:
		b = strconv.AppendInt(b, int64(x), 10)
	case int8:
		b = strconv.AppendInt(b, int64(x), 10)
	case uint:
		b = strconv.AppendUint(b, uint64(x), 10)
	case uint64:
		b = strconv.AppendUint(b, x, 10)
	case uint32:
		b = strconv.AppendUint(b, uint64(x), 10)
	case uint16:
		b = strconv.AppendUint(b, uint64(x), 10)
	case uint8:
		b = strconv.AppendUint(b, uint64(x), 10)
	case float32:
		b = AppendFloatRepr(b, float64(x))
	default:
		m, err := ValueOf(v)
		if err != nil || !isModel(m) {
			b = append(b, "<Go "...)
			b = append(b, reflect.TypeOf(v).String()...)
			b = append(b, '>')
			return b
		}
		b = p.value(b, m)
	}
	return b
}

// isModel reports whether v's dynamic type is one the printer handles
// without converting it first.
func isModel(v Value) bool {
	switch v.(type) {
	case nil, string, bool, int64, float64, *Dict, *List, Tuple, Markup, Bytes,
		*ByteArray, *big.Int, *OrderedDict, *Set, DateTime, Date, Time, TimeDelta,
		TimeZone, Decimal, UUID, Global, *Global, *Object:
		return true
	}
	return false
}

func (p *printer) none(b []byte) []byte { return append(b, "None"...) }

func (p *printer) ints(b []byte, vs ...int) []byte {
	for i, v := range vs {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = strconv.AppendInt(b, int64(v), 10)
	}
	return b
}

func (p *printer) list(b []byte, l *List) []byte {
	ptr := unsafe.Pointer(l)
	if !p.enter(ptr) {
		b = append(b, "[...]"...)
		return b
	}
	b = append(b, '[')
	for i, it := range l.Items {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = p.value(b, it)
	}
	b = append(b, ']')
	p.leave(ptr)
	return b
}

func (p *printer) tuple(b []byte, t Tuple) []byte {
	if len(t) == 0 {
		b = append(b, "()"...)
		return b
	}
	// A Go slice can hold itself, which a Python tuple cannot; the guard
	// keeps such a value from recursing forever.
	ptr := unsafe.Pointer(unsafe.SliceData(t))
	if !p.enter(ptr) {
		b = append(b, "(...)"...)
		return b
	}
	b = append(b, '(')
	for i, it := range t {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = p.value(b, it)
	}
	if len(t) == 1 {
		b = append(b, ',')
	}
	b = append(b, ')')
	p.leave(ptr)
	return b
}

func (p *printer) dict(b []byte, d *Dict) []byte {
	ptr := unsafe.Pointer(d)
	if !p.enter(ptr) {
		b = append(b, "{...}"...)
		return b
	}
	b = append(b, '{')
	for i := range d.entries {
		if i > 0 {
			b = append(b, ", "...)
		}
		e := &d.entries[i]
		b = p.value(b, e.Key)
		b = append(b, ": "...)
		b = p.value(b, e.Value)
	}
	b = append(b, '}')
	p.leave(ptr)
	return b
}

// orderedDict prints Python 3.11's form: OrderedDict() or
// OrderedDict([(key, value), ...]); a reference to itself prints as ...
func (p *printer) orderedDict(b []byte, d *OrderedDict) []byte {
	ptr := unsafe.Pointer(d)
	if !p.enter(ptr) {
		b = append(b, "..."...)
		return b
	}
	if len(d.entries) == 0 {
		b = append(b, "OrderedDict()"...)
	} else {
		b = append(b, "OrderedDict(["...)
		for i := range d.entries {
			if i > 0 {
				b = append(b, ", "...)
			}
			e := &d.entries[i]
			b = append(b, '(')
			b = p.value(b, e.Key)
			b = append(b, ", "...)
			b = p.value(b, e.Value)
			b = append(b, ')')
		}
		b = append(b, "])"...)
	}
	p.leave(ptr)
	return b
}

func (p *printer) set(b []byte, s *Set) []byte {
	name := "set"
	if s.Frozen {
		name = "frozenset"
	}
	if len(s.items) == 0 {
		b = append(b, name...)
		b = append(b, "()"...)
		return b
	}
	ptr := unsafe.Pointer(s)
	if !p.enter(ptr) {
		b = append(b, name...)
		b = append(b, "(...)"...)
		return b
	}
	if s.Frozen {
		b = append(b, "frozenset("...)
	}
	b = append(b, '{')
	if p.sortSets && len(s.items) > 1 {
		start := len(b)
		reprs := make([]string, len(s.items))
		for i, it := range s.items {
			b = p.value(b, it)
			reprs[i] = string(b[start:])
			b = b[:start]
		}
		slices.Sort(reprs)
		for i, r := range reprs {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = append(b, r...)
		}
	} else if table := p.setTable(s.items); table != nil {
		first := true
		for _, e := range table {
			if e == 0 {
				continue
			}
			if !first {
				b = append(b, ", "...)
			}
			first = false
			b = p.value(b, s.items[e-1])
		}
	} else {
		for i, it := range s.items {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = p.value(b, it)
		}
	}
	b = append(b, '}')
	if s.Frozen {
		b = append(b, ')')
	}
	p.leave(ptr)
	return b
}

// dateTime prints datetime.datetime's C repr: the seconds and
// microseconds only when not zero, then fold, then tzinfo.
func (p *printer) dateTime(b []byte, d DateTime) []byte {
	b = append(b, "datetime.datetime("...)
	b = p.ints(b, d.Year, d.Month, d.Day, d.Hour, d.Minute)
	b = p.clockTail(b, d.Second, d.Microsecond)
	if d.Fold != 0 {
		b = p.fold(b, d.Fold)
	}
	if d.TZ != nil {
		b = p.tzinfo(b, d.TZ)
	}
	b = append(b, ')')
	return b
}

// time prints datetime.time's C repr, where tzinfo comes before fold.
func (p *printer) time(b []byte, t Time) []byte {
	b = append(b, "datetime.time("...)
	b = p.ints(b, t.Hour, t.Minute)
	b = p.clockTail(b, t.Second, t.Microsecond)
	if t.TZ != nil {
		b = p.tzinfo(b, t.TZ)
	}
	if t.Fold != 0 {
		b = p.fold(b, t.Fold)
	}
	b = append(b, ')')
	return b
}

func (p *printer) clockTail(b []byte, second, micro int) []byte {
	if second != 0 || micro != 0 {
		b = append(b, ", "...)
		b = strconv.AppendInt(b, int64(second), 10)
	}
	if micro != 0 {
		b = append(b, ", "...)
		b = strconv.AppendInt(b, int64(micro), 10)
	}
	return b
}

func (p *printer) fold(b []byte, f int) []byte {
	b = append(b, ", fold="...)
	b = strconv.AppendInt(b, int64(f), 10)
	return b
}

func (p *printer) tzinfo(b []byte, tz TZInfo) []byte {
	b = append(b, ", tzinfo="...)
	b = p.value(b, tz)
	return b
}

func (p *printer) timeDelta(b []byte, t TimeDelta) []byte {
	if t.Seconds < 0 || t.Seconds >= secondsPerDay || t.Microseconds < 0 || t.Microseconds >= microsPerSecond {
		// Not in Python's normal form (built by hand): print the value
		// Python would hold.
		if n, err := NewTimeDelta(int64(t.Days), int64(t.Seconds), int64(t.Microseconds)); err == nil {
			t = n
		}
	}
	b = append(b, "datetime.timedelta("...)
	sep := false
	field := func(name string, v int) {
		if v == 0 {
			return
		}
		if sep {
			b = append(b, ", "...)
		}
		sep = true
		b = append(b, name...)
		b = strconv.AppendInt(b, int64(v), 10)
	}
	field("days=", t.Days)
	field("seconds=", t.Seconds)
	field("microseconds=", t.Microseconds)
	if !sep {
		b = append(b, '0')
	}
	b = append(b, ')')
	return b
}

func (p *printer) timeZone(b []byte, z TimeZone) []byte {
	if z.IsUTC() {
		b = append(b, "datetime.timezone.utc"...)
		return b
	}
	b = append(b, "datetime.timezone("...)
	b = p.timeDelta(b, z.Offset)
	if z.HasName {
		b = append(b, ", "...)
		b = appendStrRepr(b, z.Name)
	}
	b = append(b, ')')
	return b
}

func (p *printer) global(b []byte, g Global) []byte {
	b = append(b, "<global "...)
	b = p.globalName(b, g)
	b = append(b, '>')
	return b
}

// globalName writes module.name, or 'module' 'name' when either is not a
// plain dotted identifier.
func (p *printer) globalName(b []byte, g Global) []byte {
	if isDottedName(g.Module) && isDottedName(g.Name) {
		b = append(b, g.Module...)
		b = append(b, '.')
		b = append(b, g.Name...)
		return b
	}
	b = appendStrRepr(b, g.Module)
	b = append(b, ' ')
	b = appendStrRepr(b, g.Name)
	return b
}

// isDottedName reports whether s is ASCII identifiers joined by dots.
func isDottedName(s string) bool {
	if s == "" {
		return false
	}
	start := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '.':
			if start {
				return false
			}
			start = true
		case c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
			start = false
		case '0' <= c && c <= '9':
			if start {
				return false
			}
		default:
			return false
		}
	}
	return !start
}

func (p *printer) object(b []byte, o *Object) []byte {
	ptr := unsafe.Pointer(o)
	if !p.enter(ptr) {
		b = append(b, "<...>"...)
		return b
	}
	if o.Kind == ObjectReduce {
		b = append(b, "<reduce "...)
	} else {
		b = append(b, "<object "...)
	}
	switch c := o.Callable.(type) {
	case Global:
		b = p.globalName(b, c)
	case *Global:
		if c != nil {
			b = p.globalName(b, *c)
		} else {
			b = p.none(b)
		}
	default:
		b = p.value(b, c)
	}
	b = append(b, '(')
	for i, a := range o.Args {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = p.value(b, a)
	}
	if o.Kwargs.Len() > 0 {
		if len(o.Args) > 0 {
			b = append(b, ", "...)
		}
		b = append(b, "**"...)
		b = p.dict(b, o.Kwargs)
	}
	b = append(b, ')')
	if o.HasState {
		b = append(b, " state="...)
		b = p.value(b, o.State)
	}
	if len(o.ListItems) > 0 {
		b = append(b, " listitems=["...)
		for i, it := range o.ListItems {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = p.value(b, it)
		}
		b = append(b, ']')
	}
	if len(o.DictItems) > 0 {
		b = append(b, " dictitems={"...)
		for i, e := range o.DictItems {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = p.value(b, e.Key)
			b = append(b, ": "...)
			b = p.value(b, e.Value)
		}
		b = append(b, '}')
	}
	b = append(b, '>')
	p.leave(ptr)
	return b
}

const hexDigits = "0123456789abcdef"

// appendStrRepr appends Python's repr of the str s (UTF-8, lone surrogates
// in their 3-byte form; see Repr for other bytes).
func appendStrRepr(b []byte, s string) []byte {
	quote := byte('\'')
	if containsByte(s, '\'') && !containsByte(s, '"') {
		quote = '"'
	}
	b = append(b, quote)
	i := 0
	for i < len(s) {
		// Copy the longest run of characters that need no escape.
		j := i
		for j < len(s) {
			c := s[j]
			if c < 0x20 || c >= 0x7f || c == quote || c == '\\' {
				break
			}
			j++
		}
		b = append(b, s[i:j]...)
		i = j
		if i >= len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			switch c {
			case quote, '\\':
				b = append(b, '\\', c)
			case '\t':
				b = append(b, '\\', 't')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			default:
				b = append(b, '\\', 'x', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			continue
		}
		r, size := decodeWTF8(s[i:])
		if size > 0 && isPrintable(r) {
			b = append(b, s[i:i+size]...)
			i += size
			continue
		}
		if size == 0 {
			// Not UTF-8: the byte as a surrogateescape lone surrogate.
			r, size = 0xdc00+rune(c), 1
		}
		b = appendCodePointEscape(b, r)
		i += size
	}
	return append(b, quote)
}

// appendCodePointEscape writes \xNN, \uNNNN or \UNNNNNNNN.
func appendCodePointEscape(b []byte, r rune) []byte {
	switch {
	case r <= 0xff:
		return append(b, '\\', 'x', hexDigits[r>>4], hexDigits[r&0xf])
	case r <= 0xffff:
		return append(b, '\\', 'u', hexDigits[r>>12], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
	}
	b = append(b, '\\', 'U')
	for shift := 28; shift >= 0; shift -= 4 {
		b = append(b, hexDigits[r>>uint(shift)&0xf])
	}
	return b
}

// decodeWTF8 decodes the first code point of s (s[0] >= 0x80): a UTF-8
// sequence or a surrogate in its 3-byte form. size 0 means neither.
func decodeWTF8(s string) (rune, int) {
	r, size := utf8.DecodeRuneInString(s)
	if r != utf8.RuneError || size > 1 {
		return r, size
	}
	if len(s) >= 3 && s[0] == 0xed && s[1]&0xe0 == 0xa0 && s[2]&0xc0 == 0x80 {
		return 0xd000 | rune(s[1]&0x3f)<<6 | rune(s[2]&0x3f), 3
	}
	return 0, 0
}

// appendWTF8 appends the code point r; a surrogate gets its 3-byte form,
// which UTF-8 does not allow but the model uses for Python's lone
// surrogates.
func appendWTF8(b []byte, r rune) []byte {
	if r >= 0xd800 && r <= 0xdfff {
		return append(b, 0xe0|byte(r>>12), 0x80|byte(r>>6)&0x3f, 0x80|byte(r)&0x3f)
	}
	return utf8.AppendRune(b, r)
}

func containsByte(s string, c byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return true
		}
	}
	return false
}

// isPrintable reports whether Python 3.11's str.isprintable() is true for
// the character r.
func isPrintable(r rune) bool {
	if r < 0x80 {
		return r >= 0x20 && r < 0x7f
	}
	if r <= 0xffff {
		return inRuns16(printable16[:], uint16(r))
	}
	if r > 0x10ffff {
		return false
	}
	return inRuns32(printable32[:], uint32(r))
}

// inRuns16 reports whether c lies in one of the sorted runs lo, hi.
func inRuns16(runs []uint16, c uint16) bool {
	lo, hi := 0, len(runs)/2
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if runs[2*m+1] < c {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo < len(runs)/2 && runs[2*lo] <= c
}

func inRuns32(runs []uint32, c uint32) bool {
	lo, hi := 0, len(runs)/2
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if runs[2*m+1] < c {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo < len(runs)/2 && runs[2*lo] <= c
}

// appendByteArrayRepr appends the b'...' part of Python's repr of a
// bytearray, which differs from that of bytes: CPython's bytearray repr
// escapes every single quote, even inside double quotes (b"\'").
func appendByteArrayRepr(b []byte, data []byte) []byte { return appendBytesRepr(b, data, true) }

// appendBytesRepr appends Python's repr of a bytes object, or with
// escapeSingle, the b'...' of a bytearray's.
func appendBytesRepr(b []byte, data []byte, escapeSingle bool) []byte {
	quote := byte('\'')
	sq, dq := false, false
	for _, c := range data {
		switch c {
		case '\'':
			sq = true
		case '"':
			dq = true
		}
	}
	if sq && !dq {
		quote = '"'
	}
	b = append(b, 'b', quote)
	i := 0
	for i < len(data) {
		j := i
		for j < len(data) {
			c := data[j]
			if c < 0x20 || c >= 0x7f || c == quote || c == '\\' || c == '\'' && escapeSingle {
				break
			}
			j++
		}
		b = append(b, data[i:j]...)
		if j >= len(data) {
			break
		}
		c := data[j]
		switch {
		case c == quote || c == '\\' || c == '\'' && escapeSingle:
			b = append(b, '\\', c)
		case c == '\t':
			b = append(b, '\\', 't')
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\r':
			b = append(b, '\\', 'r')
		default:
			b = append(b, '\\', 'x', hexDigits[c>>4], hexDigits[c&0xf])
		}
		i = j + 1
	}
	return append(b, quote)
}

// AppendFloatRepr appends Python's repr(f): the shortest digits that read
// back as f, in positional notation when the decimal exponent is in
// [-4, 16) (with ".0" for whole numbers) and in scientific notation
// otherwise (1e+16, 1e-05, 1.5e+300); inf, -inf and nan for the non-finite
// values. It is how CPython writes a float in pickle's text protocol, in
// JSON and in a repr.
func AppendFloatRepr(b []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(b, "nan"...)
	case math.IsInf(f, 1):
		return append(b, "inf"...)
	case math.IsInf(f, -1):
		return append(b, "-inf"...)
	case f == 0:
		if math.Signbit(f) {
			return append(b, "-0.0"...)
		}
		return append(b, "0.0"...)
	}
	if a := math.Abs(f); a >= 1e-4 && a < 1e16 {
		// Positional notation: the shortest digits that read back as
		// f have their decimal point at -3 to 16 exactly for these
		// values (1e16 is a float64, and the float64 nearest 1e-4 lies
		// above it, so no shortest form crosses either bound).
		n := len(b)
		b = strconv.AppendFloat(b, f, 'f', -1, 64)
		for _, c := range b[n:] {
			if c == '.' {
				return b
			}
		}
		return append(b, '.', '0')
	}
	// Scientific notation: strconv's shortest [-]d[.ddd]e±dd is CPython's
	// (a sign and at least two digits in the exponent).
	return strconv.AppendFloat(b, f, 'e', -1, 64)
}

// String returns Repr(l).
func (l *List) String() string { return Repr(l) }

// String returns Repr(t).
func (t Tuple) String() string { return Repr(t) }

// String returns Repr(d).
func (d *Dict) String() string { return Repr(d) }

// String returns Repr(d).
func (d *OrderedDict) String() string { return Repr(d) }

// String returns Repr(s).
func (s *Set) String() string { return Repr(s) }

// String returns Repr(b).
func (b *ByteArray) String() string { return Repr(b) }

// String returns Repr(d), such as datetime.datetime(2024, 5, 1, 12, 0).
func (d DateTime) String() string { return Repr(d) }

// String returns Repr(d), such as datetime.date(2024, 5, 1).
func (d Date) String() string { return Repr(d) }

// String returns Repr(t), such as datetime.time(12, 30).
func (t Time) String() string { return Repr(t) }

// String returns Repr(t), such as datetime.timedelta(seconds=5).
func (t TimeDelta) String() string { return Repr(t) }

// String returns Repr(z), such as datetime.timezone.utc.
func (z TimeZone) String() string { return Repr(z) }

// String returns Repr(g): <global module.name>.
func (g Global) String() string { return Repr(g) }

// String returns Repr(o); see Repr for the form.
func (o *Object) String() string { return Repr(o) }
