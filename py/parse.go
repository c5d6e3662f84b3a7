package py

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ErrLimit reports input beyond a limit of ParseOptions: the size of the
// text, the nesting depth or the digits of an int.
var ErrLimit = errors.New("py: limit exceeded")

// The defaults of ParseOptions.
const (
	// DefaultMaxDepth is the default nesting depth of containers and
	// calls, Python's default recursion limit.
	DefaultMaxDepth = 1000
	// DefaultMaxLiteralSize is the default size limit of a literal, in
	// bytes.
	DefaultMaxLiteralSize = 64 << 20
	// DefaultMaxIntDigits is the default limit on the digits of a decimal
	// int literal, CPython 3.11's sys.int_info.default_max_str_digits.
	DefaultMaxIntDigits = 4300
	// MaxDepthCeiling is the most a MaxDepth setting may allow (a larger
	// one counts as this): the parser recurses once per level, and deeper
	// nesting could exhaust the goroutine's stack, which Go does not
	// recover from.
	MaxDepthCeiling = 100_000
)

// SyntaxError is the error of ParseLiteral: where the text stops making
// sense and what was expected there. It matches ErrSyntax with errors.Is,
// and also Err when that is set (ErrRange for a date out of range,
// ErrUnhashable for a list used as a dict key, ErrLimit for a limit).
type SyntaxError struct {
	// Offset is the byte offset of the error in the text.
	Offset int
	// Line and Col locate the error for a reader: Line counts lines from
	// 1, Col counts characters (not bytes) from 1 within the line.
	Line, Col int
	// Msg says what is wrong.
	Msg string
	// Err is the underlying sentinel, or nil for a plain syntax error.
	Err error
}

// Error returns "py: invalid literal at line L, column C (offset O): Msg".
func (e *SyntaxError) Error() string {
	return "py: invalid literal at line " + strconv.Itoa(e.Line) + ", column " + strconv.Itoa(e.Col) +
		" (offset " + strconv.Itoa(e.Offset) + "): " + e.Msg
}

// Is reports whether target is ErrSyntax.
func (e *SyntaxError) Is(target error) bool { return target == ErrSyntax }

// Unwrap returns Err.
func (e *SyntaxError) Unwrap() error { return e.Err }

// ParseOptions are the limits of a parse. The zero value means the
// defaults.
type ParseOptions struct {
	// MaxDepth limits the nesting of containers and calls
	// (DefaultMaxDepth when 0, at most MaxDepthCeiling).
	MaxDepth int
	// MaxSize limits the length of the text in bytes
	// (DefaultMaxLiteralSize when 0).
	MaxSize int
	// MaxIntDigits limits the digits of a decimal int literal
	// (DefaultMaxIntDigits when 0; -1 for no limit). Ints written in hex,
	// octal or binary are not limited, as in Python: their conversion
	// takes linear time.
	MaxIntDigits int
}

// ParseLiteral reads the Python literal text that Repr prints, with the
// default limits; see ParseOptions.ParseLiteral.
func ParseLiteral(text string) (Value, error) { return ParseOptions{}.ParseLiteral(text) }

// ParseLiteral reads Python literal text into a value of the model: what
// Repr prints for every value but a Global or an *Object, and what a
// person writes in Python:
//
//   - str and bytes literals with any prefix (r, u, b, rb, br, in any case),
//     single, double or triple quotes, every escape sequence but \N{...},
//     and implicit concatenation ('a' "b"); a \u or \U escape of a
//     surrogate gives a lone surrogate in its 3-byte form;
//   - int literals in decimal, hex, octal and binary with underscores
//     (beyond int64 as *big.Int), float literals, inf and nan, unary - and +;
//   - True, False, None; lists, tuples, dicts and sets with trailing
//     commas, and a top-level tuple without parentheses (1, 2);
//   - the calls set(), frozenset(), list(), tuple(), dict(), bytes(),
//     bytearray(), float('inf'), OrderedDict() and collections.OrderedDict(),
//     Decimal(), UUID() (hex, int= or bytes=), Markup(), datetime.datetime,
//     date, time, timedelta and timezone with their positional and keyword
//     arguments (tzinfo=, fold=, days=, seconds=, microseconds=,
//     milliseconds=, minutes=, hours=, weeks=), and the names
//     datetime.timezone.utc and datetime.UTC. The module prefixes
//     decimal., uuid. and markupsafe. are accepted too.
//
// Values follow Python's rules: a duplicate dict key keeps the first key's
// position and takes the last value, 1, 1.0 and True are one key, a float
// timedelta argument is rounded as CPython rounds it, and a datetime out of
// range is an error (wrapping ErrRange). White space, newlines and
// # comments may appear between tokens.
//
// A str in the result may share memory with text. Errors are *SyntaxError
// values. The "..." that Repr prints for a
// container holding itself cannot be read back; neither can \N{name}
// escapes (write \uXXXX), f-strings, operators other than unary signs, or
// names other than those above.
func (o ParseOptions) ParseLiteral(text string) (Value, error) {
	p := parser{s: text, maxDepth: o.MaxDepth, maxDigits: o.MaxIntDigits}
	if p.maxDepth <= 0 {
		p.maxDepth = DefaultMaxDepth
	}
	p.maxDepth = min(p.maxDepth, MaxDepthCeiling)
	if p.maxDigits == 0 {
		p.maxDigits = DefaultMaxIntDigits
	}
	maxSize := o.MaxSize
	if maxSize <= 0 {
		maxSize = DefaultMaxLiteralSize
	}
	if len(text) > maxSize {
		return nil, p.errorf(maxSize, ErrLimit, "literal of %d bytes is longer than the limit of %d", len(text), maxSize)
	}
	p.skip()
	if p.pos >= len(p.s) {
		return nil, p.errorf(p.pos, nil, "expected a value, found end of input")
	}
	v, err := p.expr()
	if err != nil {
		return nil, err
	}
	p.skip()
	if p.pos < len(p.s) && p.s[p.pos] == ',' {
		// A top-level tuple without parentheses, as eval reads "1, 2".
		items := Tuple{v}
		for p.pos < len(p.s) && p.s[p.pos] == ',' {
			p.pos++
			p.skip()
			if p.pos >= len(p.s) {
				break
			}
			it, err := p.expr()
			if err != nil {
				return nil, err
			}
			items = append(items, it)
			p.skip()
		}
		v = items
	}
	if p.pos < len(p.s) {
		return nil, p.errorf(p.pos, nil, "expected end of input after the value, found %s", p.describe(p.pos))
	}
	return v, nil
}

type parser struct {
	s         string
	pos       int
	depth     int
	maxDepth  int
	maxDigits int
	scratch   []byte
}

// errorf returns a *SyntaxError at byte offset off.
func (p *parser) errorf(off int, cause error, format string, args ...any) error {
	if off > len(p.s) {
		off = len(p.s)
	}
	line := 1 + strings.Count(p.s[:off], "\n")
	lineStart := strings.LastIndexByte(p.s[:off], '\n') + 1
	col := 1 + utf8.RuneCountInString(p.s[lineStart:off])
	return &SyntaxError{Offset: off, Line: line, Col: col, Msg: fmt.Sprintf(format, args...), Err: cause}
}

// describe names what is at off for an error message.
func (p *parser) describe(off int) string {
	if off >= len(p.s) {
		return "end of input"
	}
	r, size := utf8.DecodeRuneInString(p.s[off:])
	if r == utf8.RuneError && size <= 1 {
		return fmt.Sprintf("byte 0x%02x", p.s[off])
	}
	return strconv.QuoteRune(r)
}

// skip passes white space, comments and backslash line continuations.
func (p *parser) skip() {
	for p.pos < len(p.s) {
		switch p.s[p.pos] {
		case ' ', '\t', '\n', '\r', '\f', '\v':
			p.pos++
		case '#':
			for p.pos < len(p.s) && p.s[p.pos] != '\n' && p.s[p.pos] != '\r' {
				p.pos++
			}
		case '\\':
			if p.pos+1 < len(p.s) && (p.s[p.pos+1] == '\n' || p.s[p.pos+1] == '\r') {
				p.pos += 2
				continue
			}
			return
		default:
			return
		}
	}
}

func (p *parser) enter(off int) error {
	p.depth++
	if p.depth > p.maxDepth {
		return p.errorf(off, ErrLimit, "nesting deeper than %d", p.maxDepth)
	}
	return nil
}

func (p *parser) leave() { p.depth-- }

// expr reads a value with optional unary signs.
func (p *parser) expr() (Value, error) {
	start := p.pos
	neg, signs := false, 0
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		if c != '-' && c != '+' {
			break
		}
		if c == '-' {
			neg = !neg
		}
		signs++
		p.pos++
		p.skip()
	}
	v, err := p.primary()
	if err != nil || signs == 0 {
		return v, err
	}
	return p.applySign(v, neg, start)
}

// applySign applies unary minus (neg) or plus to v, as Python does.
func (p *parser) applySign(v Value, neg bool, off int) (Value, error) {
	switch x := v.(type) {
	case bool:
		n := int64(0)
		if x {
			n = 1
		}
		if neg {
			n = -n
		}
		return n, nil
	case int64:
		if !neg {
			return x, nil
		}
		if x == math.MinInt64 {
			return new(big.Int).Neg(big.NewInt(x)), nil
		}
		return -x, nil
	case *big.Int:
		if !neg {
			return x, nil
		}
		return Int(new(big.Int).Neg(x)), nil
	case float64:
		if neg {
			return -x, nil
		}
		return x, nil
	case TimeDelta:
		if !neg {
			return x, nil
		}
		t, err := NewTimeDelta(-int64(x.Days), -int64(x.Seconds), -int64(x.Microseconds))
		if err != nil {
			return nil, p.errorf(off, ErrRange, "%s", trimPrefix(err))
		}
		return t, nil
	case Decimal:
		return nil, p.errorf(off, nil, "a sign before Decimal() is not supported (Python rounds it to the context); write the sign inside the string")
	}
	op := "+"
	if neg {
		op = "-"
	}
	return nil, p.errorf(off, ErrType, "bad operand type for unary %s: '%s'", op, TypeName(v))
}

// clip shortens text quoted in an error message to its first 40 bytes.
func clip(s string) string {
	if len(s) <= 40 {
		return s
	}
	n := 40
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}

// trimPrefix returns err's text without the package prefix.
func trimPrefix(err error) string { return strings.TrimPrefix(err.Error(), "py: ") }

func isIdentStart(c byte) bool { return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isIdentChar(c byte) bool  { return isIdentStart(c) || '0' <= c && c <= '9' }
func isDigit(c byte) bool      { return '0' <= c && c <= '9' }

func (p *parser) primary() (Value, error) {
	if p.pos >= len(p.s) {
		return nil, p.errorf(p.pos, nil, "expected a value, found end of input")
	}
	start := p.pos
	c := p.s[p.pos]
	switch {
	case c == '[':
		return p.list()
	case c == '(':
		return p.paren()
	case c == '{':
		return p.braces()
	case c == '\'' || c == '"':
		return p.strings()
	case isDigit(c) || c == '.' && p.pos+1 < len(p.s) && isDigit(p.s[p.pos+1]):
		return p.number()
	case c == '.' && strings.HasPrefix(p.s[p.pos:], "..."):
		return nil, p.errorf(start, nil, "... stands for a container that holds itself and cannot be read back")
	case c == '<':
		return nil, p.errorf(start, nil, "a <...> form (a global or an object of an unknown class) cannot be read back")
	case isIdentStart(c):
		if _, ok := p.stringPrefix(p.pos); ok {
			return p.strings()
		}
		return p.name()
	}
	return nil, p.errorf(start, nil, "expected a value, found %s", p.describe(start))
}

// stringPrefix reports whether a string literal starts at off, and the
// length of its prefix.
func (p *parser) stringPrefix(off int) (int, bool) {
	n := 0
	for off+n < len(p.s) && n < 3 && isIdentStart(p.s[off+n]) {
		n++
	}
	if n > 2 || off+n >= len(p.s) || (p.s[off+n] != '\'' && p.s[off+n] != '"') {
		return 0, false
	}
	switch strings.ToLower(p.s[off : off+n]) {
	case "", "r", "u", "b", "br", "rb", "f", "fr", "rf":
		return n, true
	}
	return 0, false
}

func (p *parser) list() (Value, error) {
	start := p.pos
	if err := p.enter(start); err != nil {
		return nil, err
	}
	defer p.leave()
	p.pos++
	var items []Value
	for {
		p.skip()
		if p.pos < len(p.s) && p.s[p.pos] == ']' {
			p.pos++
			return &List{Items: items}, nil
		}
		v, err := p.item()
		if err != nil {
			return nil, err
		}
		items = append(items, v)
		p.skip()
		if p.pos < len(p.s) && p.s[p.pos] == ',' {
			p.pos++
			continue
		}
		if p.pos < len(p.s) && p.s[p.pos] == ']' {
			p.pos++
			return &List{Items: items}, nil
		}
		return nil, p.errorf(p.pos, nil, "expected ',' or ']' after a list item, found %s", p.describe(p.pos))
	}
}

// item reads a container item, rejecting * unpacking with a clear message.
func (p *parser) item() (Value, error) {
	if p.pos < len(p.s) && p.s[p.pos] == '*' {
		return nil, p.errorf(p.pos, nil, "unpacking with * or ** is not supported")
	}
	return p.expr()
}

func (p *parser) paren() (Value, error) {
	start := p.pos
	if err := p.enter(start); err != nil {
		return nil, err
	}
	defer p.leave()
	p.pos++
	p.skip()
	if p.pos < len(p.s) && p.s[p.pos] == ')' {
		p.pos++
		return Tuple{}, nil
	}
	first, err := p.item()
	if err != nil {
		return nil, err
	}
	p.skip()
	if p.pos < len(p.s) && p.s[p.pos] == ')' {
		p.pos++
		return first, nil // parentheses around a value
	}
	if p.pos >= len(p.s) || p.s[p.pos] != ',' {
		return nil, p.errorf(p.pos, nil, "expected ',' or ')' after a tuple item, found %s", p.describe(p.pos))
	}
	items := Tuple{first}
	for {
		p.pos++ // the comma
		p.skip()
		if p.pos < len(p.s) && p.s[p.pos] == ')' {
			p.pos++
			return items, nil
		}
		v, err := p.item()
		if err != nil {
			return nil, err
		}
		items = append(items, v)
		p.skip()
		if p.pos < len(p.s) && p.s[p.pos] == ')' {
			p.pos++
			return items, nil
		}
		if p.pos >= len(p.s) || p.s[p.pos] != ',' {
			return nil, p.errorf(p.pos, nil, "expected ',' or ')' after a tuple item, found %s", p.describe(p.pos))
		}
	}
}

func (p *parser) braces() (Value, error) {
	start := p.pos
	if err := p.enter(start); err != nil {
		return nil, err
	}
	defer p.leave()
	p.pos++
	p.skip()
	if p.pos < len(p.s) && p.s[p.pos] == '}' {
		p.pos++
		return NewDict(0), nil
	}
	if strings.HasPrefix(p.s[p.pos:], "**") {
		return nil, p.errorf(p.pos, nil, "unpacking with * or ** is not supported")
	}
	keyOff := p.pos
	first, err := p.item()
	if err != nil {
		return nil, err
	}
	p.skip()
	if p.pos < len(p.s) && p.s[p.pos] == ':' {
		return p.dictRest(first, keyOff)
	}
	s := &Set{}
	if err := p.addItem(s, first, keyOff); err != nil {
		return nil, err
	}
	for {
		p.skip()
		if p.pos < len(p.s) && p.s[p.pos] == '}' {
			p.pos++
			return s, nil
		}
		if p.pos >= len(p.s) || p.s[p.pos] != ',' {
			return nil, p.errorf(p.pos, nil, "expected ',' or '}' after a set item, found %s", p.describe(p.pos))
		}
		p.pos++
		p.skip()
		if p.pos < len(p.s) && p.s[p.pos] == '}' {
			p.pos++
			return s, nil
		}
		off := p.pos
		v, err := p.item()
		if err != nil {
			return nil, err
		}
		if err := p.addItem(s, v, off); err != nil {
			return nil, err
		}
	}
}

func (p *parser) addItem(s *Set, v Value, off int) error {
	if !Hashable(v) {
		return p.errorf(off, ErrUnhashable, "unhashable type: '%s'", TypeName(v))
	}
	s.Add(v)
	return nil
}

func (p *parser) setKey(d *Dict, k, v Value, off int) error {
	if !Hashable(k) {
		return p.errorf(off, ErrUnhashable, "unhashable type: '%s'", TypeName(k))
	}
	d.Set(k, v)
	return nil
}

// dictRest reads a dict literal after its first key; p is at the colon.
func (p *parser) dictRest(key Value, keyOff int) (Value, error) {
	d := NewDict(4)
	for {
		p.pos++ // the colon
		p.skip()
		v, err := p.expr()
		if err != nil {
			return nil, err
		}
		if err := p.setKey(d, key, v, keyOff); err != nil {
			return nil, err
		}
		p.skip()
		if p.pos < len(p.s) && p.s[p.pos] == '}' {
			p.pos++
			return d, nil
		}
		if p.pos >= len(p.s) || p.s[p.pos] != ',' {
			return nil, p.errorf(p.pos, nil, "expected ',' or '}' after a dict value, found %s", p.describe(p.pos))
		}
		p.pos++
		p.skip()
		if p.pos < len(p.s) && p.s[p.pos] == '}' {
			p.pos++
			return d, nil
		}
		if strings.HasPrefix(p.s[p.pos:], "**") {
			return nil, p.errorf(p.pos, nil, "unpacking with * or ** is not supported")
		}
		keyOff = p.pos
		key, err = p.expr()
		if err != nil {
			return nil, err
		}
		p.skip()
		if p.pos >= len(p.s) || p.s[p.pos] != ':' {
			return nil, p.errorf(p.pos, nil, "expected ':' after a dict key, found %s", p.describe(p.pos))
		}
	}
}

// strings reads one or more adjacent string literals, concatenated.
func (p *parser) strings() (Value, error) {
	if s, ok := p.plainString(); ok {
		return s, nil
	}
	buf := p.scratch[:0]
	isBytes := false
	for n := 0; ; n++ {
		litStart := p.pos
		prefix, _ := p.stringPrefix(p.pos)
		lower := strings.ToLower(p.s[p.pos : p.pos+prefix])
		if strings.Contains(lower, "f") {
			return nil, p.errorf(litStart, nil, "f-strings are not supported")
		}
		b := strings.Contains(lower, "b")
		raw := strings.Contains(lower, "r")
		if n == 0 {
			isBytes = b
		} else if b != isBytes {
			return nil, p.errorf(litStart, nil, "cannot mix bytes and nonbytes literals")
		}
		p.pos += prefix
		var err error
		buf, err = p.stringBody(buf, raw, b, litStart)
		if err != nil {
			return nil, err
		}
		// Another literal may follow.
		save := p.pos
		p.skip()
		if p.pos < len(p.s) {
			c := p.s[p.pos]
			if c == '\'' || c == '"' {
				continue
			}
			if isIdentStart(c) {
				if _, ok := p.stringPrefix(p.pos); ok {
					continue
				}
			}
		}
		p.pos = save
		break
	}
	p.scratch = buf[:0]
	if isBytes {
		return Bytes(append([]byte(nil), buf...)), nil
	}
	return string(buf), nil
}

// plainString reads the most common str literal, quoted without a prefix,
// escapes or a literal after it, as a substring of the text.
func (p *parser) plainString() (string, bool) {
	q := p.s[p.pos]
	if q != '\'' && q != '"' {
		return "", false
	}
	i := p.pos + 1
	ascii := true
	for i < len(p.s) {
		c := p.s[i]
		if c == q || c == '\\' || c == '\n' || c == '\r' {
			break
		}
		if c >= utf8.RuneSelf {
			ascii = false
		}
		i++
	}
	if i >= len(p.s) || p.s[i] != q || i == p.pos+1 {
		return "", false // escapes, an error, or '' that may open '''
	}
	body := p.s[p.pos+1 : i]
	if !ascii && !utf8.ValidString(body) {
		return "", false
	}
	// Another literal may follow, to be concatenated.
	j := i + 1
	for j < len(p.s) && (p.s[j] == ' ' || p.s[j] == '\t') {
		j++
	}
	if j < len(p.s) {
		c := p.s[j]
		if c == '\'' || c == '"' || c == '\\' || c == '#' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || isIdentStart(c) {
			return "", false
		}
	}
	p.pos = i + 1
	return body, true
}

// stringBody reads one literal from its opening quote, appending its
// value to buf.
func (p *parser) stringBody(buf []byte, raw, isBytes bool, litStart int) ([]byte, error) {
	q := p.s[p.pos]
	triple := strings.HasPrefix(p.s[p.pos:], string([]byte{q, q, q}))
	if triple {
		p.pos += 3
	} else {
		p.pos++
	}
	for {
		// Copy the run of plain characters.
		i := p.pos
		for i < len(p.s) {
			c := p.s[i]
			if c == q || c == '\\' || c == '\n' || c == '\r' || c >= utf8.RuneSelf {
				break
			}
			i++
		}
		buf = append(buf, p.s[p.pos:i]...)
		p.pos = i
		if p.pos >= len(p.s) {
			if triple {
				return nil, p.errorf(litStart, nil, "unterminated triple-quoted string literal")
			}
			return nil, p.errorf(litStart, nil, "unterminated string literal")
		}
		c := p.s[p.pos]
		switch {
		case c == q:
			if !triple {
				p.pos++
				return buf, nil
			}
			if strings.HasPrefix(p.s[p.pos:], string([]byte{q, q, q})) {
				p.pos += 3
				return buf, nil
			}
			buf = append(buf, c)
			p.pos++
		case c == '\n' || c == '\r':
			if !triple {
				return nil, p.errorf(litStart, nil, "unterminated string literal (a newline in a single-quoted string)")
			}
			// Python reads \r\n and \r in source as \n.
			buf = append(buf, '\n')
			if c == '\r' && p.pos+1 < len(p.s) && p.s[p.pos+1] == '\n' {
				p.pos++
			}
			p.pos++
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRuneInString(p.s[p.pos:])
			if r == utf8.RuneError && size <= 1 {
				return nil, p.errorf(p.pos, nil, "invalid UTF-8 in a string literal")
			}
			if isBytes {
				return nil, p.errorf(p.pos, nil, "bytes can only contain ASCII literal characters")
			}
			buf = append(buf, p.s[p.pos:p.pos+size]...)
			p.pos += size
		default: // backslash
			var err error
			buf, err = p.escape(buf, raw, isBytes)
			if err != nil {
				return nil, err
			}
		}
	}
}

// escape reads the escape sequence at p.pos (a backslash).
func (p *parser) escape(buf []byte, raw, isBytes bool) ([]byte, error) {
	start := p.pos
	if p.pos+1 >= len(p.s) {
		p.pos++
		return append(buf, '\\'), nil // the missing quote is reported next
	}
	c := p.s[p.pos+1]
	if raw {
		// A raw string keeps the backslash and the character after it,
		// which never ends the string.
		buf = append(buf, '\\')
		p.pos++
		if c == '\n' || c == '\r' {
			// A backslash and a newline stay, even in a single-quoted
			// string; \r\n and \r read as \n.
			p.pos++
			if c == '\r' && p.pos < len(p.s) && p.s[p.pos] == '\n' {
				p.pos++
			}
			return append(buf, '\n'), nil
		}
		if c >= utf8.RuneSelf {
			return buf, nil // copied by the caller, with its checks
		}
		buf = append(buf, c)
		p.pos++
		return buf, nil
	}
	p.pos += 2
	switch c {
	case '\n':
		return buf, nil
	case '\r':
		if p.pos < len(p.s) && p.s[p.pos] == '\n' {
			p.pos++
		}
		return buf, nil
	case '\\', '\'', '"':
		return append(buf, c), nil
	case 'a':
		return append(buf, 7), nil
	case 'b':
		return append(buf, 8), nil
	case 'f':
		return append(buf, 12), nil
	case 'n':
		return append(buf, '\n'), nil
	case 'r':
		return append(buf, '\r'), nil
	case 't':
		return append(buf, '\t'), nil
	case 'v':
		return append(buf, 11), nil
	case '0', '1', '2', '3', '4', '5', '6', '7':
		v := rune(c - '0')
		for k := 0; k < 2 && p.pos < len(p.s) && p.s[p.pos] >= '0' && p.s[p.pos] <= '7'; k++ {
			v = v*8 + rune(p.s[p.pos]-'0')
			p.pos++
		}
		if isBytes {
			return append(buf, byte(v)), nil
		}
		return appendWTF8(buf, v), nil
	case 'x':
		v, ok := p.hexDigits(2)
		if !ok {
			return nil, p.errorf(start, nil, "truncated \\xXX escape")
		}
		if isBytes {
			return append(buf, byte(v)), nil
		}
		return appendWTF8(buf, v), nil
	}
	if !isBytes {
		switch c {
		case 'u', 'U':
			n := 4
			if c == 'U' {
				n = 8
			}
			v, ok := p.hexDigits(n)
			if !ok {
				return nil, p.errorf(start, nil, "truncated \\%cXXXX escape", c)
			}
			if v > utf8.MaxRune || v < 0 {
				return nil, p.errorf(start, nil, "illegal Unicode character in \\U escape")
			}
			return appendWTF8(buf, v), nil
		case 'N':
			return nil, p.errorf(start, nil, "\\N{...} escapes are not supported; write \\uXXXX or \\UXXXXXXXX")
		}
	}
	// An unknown escape keeps its backslash (Python warns about it).
	p.pos = start + 1
	return append(buf, '\\'), nil
}

// hexDigits reads exactly n hex digits.
func (p *parser) hexDigits(n int) (rune, bool) {
	if p.pos+n > len(p.s) {
		return 0, false
	}
	var v rune
	for k := 0; k < n; k++ {
		c := p.s[p.pos+k]
		var d byte
		switch {
		case '0' <= c && c <= '9':
			d = c - '0'
		case 'a' <= c && c <= 'f':
			d = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, false
		}
		v = v<<4 | rune(d)
	}
	p.pos += n
	return v, true
}

// number reads an int or float literal.
func (p *parser) number() (Value, error) {
	start := p.pos
	s := p.s
	if s[p.pos] == '0' && p.pos+1 < len(s) {
		base := 0
		switch s[p.pos+1] {
		case 'x', 'X':
			base = 16
		case 'o', 'O':
			base = 8
		case 'b', 'B':
			base = 2
		}
		if base != 0 {
			return p.prefixedInt(base)
		}
	}
	i := p.pos
	ok := true
	if s[i] != '.' {
		if i, ok = p.digitPart(i); !ok {
			return nil, p.errorf(start, nil, "invalid decimal literal")
		}
	}
	isFloat := false
	if i < len(s) && s[i] == '.' {
		isFloat = true
		i++
		if i < len(s) && isDigit(s[i]) {
			if i, ok = p.digitPart(i); !ok {
				return nil, p.errorf(start, nil, "invalid decimal literal")
			}
		} else if i < len(s) && s[i] == '_' {
			return nil, p.errorf(start, nil, "invalid decimal literal")
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if j < len(s) && isDigit(s[j]) {
			if i, ok = p.digitPart(j); !ok {
				return nil, p.errorf(start, nil, "invalid decimal literal")
			}
			isFloat = true
		} else {
			return nil, p.errorf(start, nil, "invalid decimal literal (exponent without digits)")
		}
	}
	if i < len(s) && (s[i] == 'j' || s[i] == 'J') {
		return nil, p.errorf(start, nil, "complex numbers are not supported")
	}
	if i < len(s) && (isIdentChar(s[i]) || s[i] >= utf8.RuneSelf) {
		return nil, p.errorf(start, nil, "invalid decimal literal")
	}
	text := s[start:i]
	p.pos = i
	if strings.IndexByte(text, '_') >= 0 {
		text = strings.ReplaceAll(text, "_", "")
	}
	if isFloat {
		f, err := strconv.ParseFloat(text, 64)
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			return nil, p.errorf(start, nil, "invalid float literal")
		}
		return f, nil // out of range reads as inf or 0, as in Python
	}
	if len(text) > 1 && text[0] == '0' && strings.Trim(text, "0") != "" {
		return nil, p.errorf(start, nil, "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers")
	}
	return p.intValue(text, 10, start)
}

// digitPart reads digits with single underscores between them, from i.
func (p *parser) digitPart(i int) (int, bool) {
	s := p.s
	if i >= len(s) || !isDigit(s[i]) {
		return i, false
	}
	for i < len(s) {
		switch {
		case isDigit(s[i]):
			i++
		case s[i] == '_':
			if i+1 >= len(s) || !isDigit(s[i+1]) {
				return i, false
			}
			i++
		default:
			return i, true
		}
	}
	return i, true
}

func (p *parser) prefixedInt(base int) (Value, error) {
	start := p.pos
	s := p.s
	i := p.pos + 2
	names := baseName(base)
	digitStart := i
	for i < len(s) {
		c := s[i]
		if c == '_' {
			if i+1 >= len(s) || digitValue(s[i+1]) >= base {
				return nil, p.errorf(start, nil, "invalid %s literal", names)
			}
			i++
			continue
		}
		d := digitValue(c)
		if d >= base {
			if isIdentChar(c) || c >= utf8.RuneSelf {
				return nil, p.errorf(i, nil, "invalid digit %s in %s literal", p.describe(i), names)
			}
			break
		}
		i++
	}
	if i == digitStart {
		return nil, p.errorf(start, nil, "invalid %s literal", names)
	}
	p.pos = i
	text := strings.ReplaceAll(s[digitStart:i], "_", "")
	return p.intValue(text, base, start)
}

func baseName(base int) string {
	switch base {
	case 2:
		return "binary"
	case 8:
		return "octal"
	}
	return "hexadecimal"
}

// digitValue returns the value of a digit in any base up to 36, or 99.
func digitValue(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'z':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'Z':
		return int(c-'A') + 10
	}
	return 99
}

func (p *parser) intValue(digits string, base, off int) (Value, error) {
	if base == 10 && len(digits) <= 18 || base == 16 && len(digits) <= 15 || base == 8 && len(digits) <= 21 || base == 2 && len(digits) <= 63 {
		n, err := strconv.ParseInt(digits, base, 64)
		if err == nil {
			return n, nil
		}
	}
	if base == 10 && p.maxDigits > 0 && len(digits) > p.maxDigits {
		return nil, p.errorf(off, ErrLimit, "int literal of %d digits exceeds the limit of %d (Python's sys.int_info.default_max_str_digits)", len(digits), p.maxDigits)
	}
	n, ok := new(big.Int).SetString(digits, base)
	if !ok {
		return nil, p.errorf(off, nil, "invalid int literal")
	}
	return Int(n), nil
}

// name reads a dotted name, and the call that may follow it.
func (p *parser) name() (Value, error) {
	start := p.pos
	i := p.pos
	for {
		for i < len(p.s) && isIdentChar(p.s[i]) {
			i++
		}
		if i+1 < len(p.s) && p.s[i] == '.' && isIdentStart(p.s[i+1]) {
			i++
			continue
		}
		break
	}
	name := p.s[start:i]
	p.pos = i
	if i < len(p.s) && p.s[i] >= utf8.RuneSelf {
		return nil, p.errorf(start, nil, "unknown name starting %q", clip(name))
	}
	save := p.pos
	p.skip()
	if p.pos < len(p.s) && p.s[p.pos] == '(' {
		return p.call(name, start)
	}
	p.pos = save
	switch name {
	case "True":
		return true, nil
	case "False":
		return false, nil
	case "None":
		return nil, nil
	case "inf":
		return math.Inf(1), nil
	case "nan":
		return math.NaN(), nil
	case "datetime.timezone.utc", "datetime.UTC":
		return TimeZone{}, nil
	case "Ellipsis":
		return nil, p.errorf(start, nil, "Ellipsis stands for a container that holds itself and cannot be read back")
	}
	return nil, p.errorf(start, nil, "unknown name %q (expected a literal, True, False, None, inf, nan or a known constructor)", clip(name))
}

// arg is a call argument and where it starts.
type arg struct {
	v   Value
	off int
	set bool
}

type kwarg struct {
	name string
	arg
}

// call holds the arguments of a constructor call.
type call struct {
	name string
	off  int
	pos  []arg
	kw   []kwarg
}

// call reads the argument list of name(...) and builds the value.
func (p *parser) call(name string, start int) (Value, error) {
	if err := p.enter(p.pos); err != nil {
		return nil, err
	}
	defer p.leave()
	c := &call{name: name, off: start}
	p.pos++ // (
	for {
		p.skip()
		if p.pos < len(p.s) && p.s[p.pos] == ')' {
			p.pos++
			break
		}
		if p.pos < len(p.s) && p.s[p.pos] == '*' {
			return nil, p.errorf(p.pos, nil, "unpacking with * or ** is not supported")
		}
		argOff := p.pos
		// A keyword argument: name = value (and not ==).
		kwName := ""
		if p.pos < len(p.s) && isIdentStart(p.s[p.pos]) {
			j := p.pos
			for j < len(p.s) && isIdentChar(p.s[j]) {
				j++
			}
			k := j
			for k < len(p.s) && (p.s[k] == ' ' || p.s[k] == '\t') {
				k++
			}
			if k < len(p.s) && p.s[k] == '=' && (k+1 >= len(p.s) || p.s[k+1] != '=') {
				kwName = p.s[p.pos:j]
				p.pos = k + 1
				p.skip()
			}
		}
		v, err := p.expr()
		if err != nil {
			return nil, err
		}
		if kwName != "" {
			for _, k := range c.kw {
				if k.name == kwName {
					return nil, p.errorf(argOff, nil, "keyword argument repeated: %s", clip(kwName))
				}
			}
			c.kw = append(c.kw, kwarg{name: kwName, arg: arg{v: v, off: argOff, set: true}})
		} else {
			if len(c.kw) > 0 {
				return nil, p.errorf(argOff, nil, "positional argument follows keyword argument")
			}
			c.pos = append(c.pos, arg{v: v, off: argOff, set: true})
		}
		p.skip()
		if p.pos < len(p.s) && p.s[p.pos] == ',' {
			p.pos++
			continue
		}
		if p.pos < len(p.s) && p.s[p.pos] == ')' {
			p.pos++
			break
		}
		return nil, p.errorf(p.pos, nil, "expected ',' or ')' after an argument of %s(), found %s", name, p.describe(p.pos))
	}
	return p.build(c)
}

// bind matches the arguments of c to the parameter names; the first
// maxPos may be given by position, the first required must be given.
func (p *parser) bind(c *call, names []string, maxPos, required int) ([]arg, error) {
	out := make([]arg, len(names))
	if len(c.pos) > maxPos {
		return nil, p.errorf(c.pos[maxPos].off, ErrType, "%s() takes at most %d positional arguments (%d given)", c.name, maxPos, len(c.pos))
	}
	copy(out, c.pos)
	for _, k := range c.kw {
		i := -1
		for j, n := range names {
			if n == k.name {
				i = j
				break
			}
		}
		if i < 0 {
			return nil, p.errorf(k.off, ErrType, "%s() got an unexpected keyword argument '%s'", c.name, clip(k.name))
		}
		if out[i].set {
			return nil, p.errorf(k.off, ErrType, "%s() got multiple values for argument '%s'", c.name, k.name)
		}
		out[i] = k.arg
	}
	for i := 0; i < required; i++ {
		if !out[i].set {
			return nil, p.errorf(c.off, ErrType, "%s() missing required argument '%s'", c.name, names[i])
		}
	}
	return out, nil
}

func (p *parser) noKeywords(c *call, maxPos int) error {
	if len(c.kw) > 0 {
		return p.errorf(c.kw[0].off, ErrType, "%s() takes no keyword arguments", c.name)
	}
	if len(c.pos) > maxPos {
		return p.errorf(c.pos[maxPos].off, ErrType, "%s() takes at most %d arguments (%d given)", c.name, maxPos, len(c.pos))
	}
	return nil
}

func (p *parser) build(c *call) (Value, error) {
	switch c.name {
	case "set", "frozenset":
		if err := p.noKeywords(c, 1); err != nil {
			return nil, err
		}
		s := &Set{Frozen: c.name == "frozenset"}
		if len(c.pos) == 1 {
			items, err := p.iterate(c.pos[0])
			if err != nil {
				return nil, err
			}
			for _, it := range items {
				if err := p.addItem(s, it, c.pos[0].off); err != nil {
					return nil, err
				}
			}
		}
		return s, nil
	case "list", "tuple":
		if err := p.noKeywords(c, 1); err != nil {
			return nil, err
		}
		var items []Value
		if len(c.pos) == 1 {
			var err error
			if items, err = p.iterate(c.pos[0]); err != nil {
				return nil, err
			}
		}
		if c.name == "tuple" {
			return Tuple(items), nil
		}
		return &List{Items: items}, nil
	case "dict":
		d := NewDict(0)
		return d, p.fillDict(c, d)
	case "OrderedDict", "collections.OrderedDict":
		d := NewOrderedDict()
		return d, p.fillDict(c, &d.Dict)
	case "bytes", "bytearray":
		if err := p.noKeywords(c, 1); err != nil {
			return nil, err
		}
		var data []byte
		if len(c.pos) == 1 {
			var err error
			if data, err = p.byteData(c, c.pos[0]); err != nil {
				return nil, err
			}
		}
		if c.name == "bytes" {
			return Bytes(data), nil
		}
		return &ByteArray{Data: data}, nil
	case "float":
		return p.buildFloat(c)
	case "Decimal", "decimal.Decimal":
		return p.buildDecimal(c)
	case "UUID", "uuid.UUID":
		return p.buildUUID(c)
	case "Markup", "markupsafe.Markup":
		if err := p.noKeywords(c, 1); err != nil {
			return nil, err
		}
		if len(c.pos) == 0 {
			return Markup(""), nil
		}
		switch x := c.pos[0].v.(type) {
		case string:
			return Markup(x), nil
		case Markup:
			return x, nil
		}
		return nil, p.errorf(c.pos[0].off, ErrType, "Markup() takes a str here, not %s", TypeName(c.pos[0].v))
	case "datetime.datetime":
		return p.buildDateTime(c)
	case "datetime.date":
		a, err := p.bind(c, []string{"year", "month", "day"}, 3, 3)
		if err != nil {
			return nil, err
		}
		f, err := p.intArgs(c, a, []string{"year", "month", "day"})
		if err != nil {
			return nil, err
		}
		d := Date{Year: f[0], Month: f[1], Day: f[2]}
		if err := d.Validate(); err != nil {
			return nil, p.errorf(c.off, ErrRange, "%s(): %s", c.name, trimPrefix(err))
		}
		return d, nil
	case "datetime.time":
		return p.buildTime(c)
	case "datetime.timedelta":
		return p.buildTimeDelta(c)
	case "datetime.timezone":
		return p.buildTimeZone(c)
	}
	return nil, p.errorf(c.off, nil, "unknown constructor %s()", clip(c.name))
}

// iterate returns the items Python's iter() gives for a literal value.
func (p *parser) iterate(a arg) ([]Value, error) {
	switch x := a.v.(type) {
	case *List:
		return append([]Value(nil), x.Items...), nil
	case Tuple:
		return append([]Value(nil), x...), nil
	case *Set:
		return x.Items(), nil
	case *Dict:
		return dictKeys(x), nil
	case *OrderedDict:
		return dictKeys(&x.Dict), nil
	case string:
		var out []Value
		for i := 0; i < len(x); {
			_, size := decodeWTF8(x[i:])
			if x[i] < utf8.RuneSelf {
				size = 1
			}
			out = append(out, x[i:i+size])
			i += size
		}
		return out, nil
	case Markup:
		return p.iterate(arg{v: string(x), off: a.off})
	case Bytes:
		return bytesItems(x), nil
	case *ByteArray:
		return bytesItems(x.Data), nil
	}
	return nil, p.errorf(a.off, ErrType, "'%s' object is not iterable", TypeName(a.v))
}

func dictKeys(d *Dict) []Value {
	out := make([]Value, len(d.entries))
	for i := range d.entries {
		out[i] = d.entries[i].Key
	}
	return out
}

func bytesItems(b []byte) []Value {
	out := make([]Value, len(b))
	for i, c := range b {
		out[i] = int64(c)
	}
	return out
}

// fillDict applies dict(mapping_or_pairs, **kwargs) to d.
func (p *parser) fillDict(c *call, d *Dict) error {
	if len(c.pos) > 1 {
		return p.errorf(c.pos[1].off, ErrType, "%s() expected at most 1 argument, got %d", c.name, len(c.pos))
	}
	if len(c.pos) == 1 {
		a := c.pos[0]
		var src *Dict
		switch x := a.v.(type) {
		case *Dict:
			src = x
		case *OrderedDict:
			src = &x.Dict
		}
		if src != nil {
			for _, e := range src.entries {
				d.Set(e.Key, e.Value)
			}
		} else {
			items, err := p.iterate(a)
			if err != nil {
				return err
			}
			for i, it := range items {
				pair, err := p.iterate(arg{v: it, off: a.off})
				if err != nil {
					return err
				}
				if len(pair) != 2 {
					return p.errorf(a.off, ErrType, "%s(): sequence element #%d has length %d; 2 is required", c.name, i, len(pair))
				}
				if err := p.setKey(d, pair[0], pair[1], a.off); err != nil {
					return err
				}
			}
		}
	}
	for _, k := range c.kw {
		d.Set(k.name, k.v)
	}
	return nil
}

func (p *parser) byteData(c *call, a arg) ([]byte, error) {
	switch x := a.v.(type) {
	case Bytes:
		return append([]byte{}, x...), nil
	case *ByteArray:
		return append([]byte{}, x.Data...), nil
	case *List, Tuple:
		items, _ := p.iterate(a)
		out := make([]byte, len(items))
		for i, it := range items {
			n, ok := it.(int64)
			if !ok || n < 0 || n > 255 {
				return nil, p.errorf(a.off, ErrType, "%s(): item %d is not an int in range(0, 256)", c.name, i)
			}
			out[i] = byte(n)
		}
		return out, nil
	}
	return nil, p.errorf(a.off, ErrType, "%s() of %s is not supported here (give bytes or a list of ints)", c.name, TypeName(a.v))
}

func (p *parser) buildFloat(c *call) (Value, error) {
	if err := p.noKeywords(c, 1); err != nil {
		return nil, err
	}
	if len(c.pos) == 0 {
		return 0.0, nil
	}
	a := c.pos[0]
	switch x := a.v.(type) {
	case float64:
		return x, nil
	case bool, int64, *big.Int:
		f, ok := intToFloat(x)
		if !ok {
			return nil, p.errorf(a.off, ErrRange, "int too large to convert to float")
		}
		return f, nil
	case string:
		f, ok := parsePyFloat(x)
		if !ok {
			return nil, p.errorf(a.off, nil, "could not convert string to float: %s", Repr(clip(x)))
		}
		return f, nil
	}
	return nil, p.errorf(a.off, ErrType, "float() argument must be a string or a number, not '%s'", TypeName(a.v))
}

// intToFloat converts an int as Python's float(int) does (round half to
// even); false when it overflows.
func intToFloat(v Value) (float64, bool) {
	switch x := v.(type) {
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	case int64:
		return float64(x), true
	case *big.Int:
		f, _ := new(big.Float).SetInt(x).Float64()
		return f, !math.IsInf(f, 0)
	}
	return 0, false
}

// parsePyFloat parses s as Python's float(str) does: white space around,
// a sign, digits with single underscores, inf, infinity and nan in any case.
func parsePyFloat(s string) (float64, bool) {
	s = trimPySpace(s)
	body := s
	if body != "" && (body[0] == '+' || body[0] == '-') {
		body = body[1:]
	}
	switch strings.ToLower(body) {
	case "inf", "infinity":
		if s[0] == '-' {
			return math.Inf(-1), true
		}
		return math.Inf(1), true
	case "nan":
		if s[0] == '-' {
			return math.Copysign(math.NaN(), -1), true
		}
		return math.NaN(), true
	}
	// digits [. digits] [e [sign] digits], underscores only between digits.
	i := 0
	digits := func() bool {
		begin := i
		for i < len(body) {
			if isDigit(body[i]) {
				i++
			} else if body[i] == '_' && i > begin && i+1 < len(body) && isDigit(body[i+1]) {
				i++
			} else {
				break
			}
		}
		return i > begin
	}
	intDigits := digits()
	fracDigits := false
	if i < len(body) && body[i] == '.' {
		i++
		fracDigits = digits()
	}
	if !intDigits && !fracDigits {
		return 0, false
	}
	if i < len(body) && (body[i] == 'e' || body[i] == 'E') {
		i++
		if i < len(body) && (body[i] == '+' || body[i] == '-') {
			i++
		}
		if !digits() {
			return 0, false
		}
	}
	if i != len(body) {
		return 0, false
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(s, "_", ""), 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, false
	}
	return f, true
}

func (p *parser) buildDecimal(c *call) (Value, error) {
	a, err := p.bind(c, []string{"value", "context"}, 2, 0)
	if err != nil {
		return nil, err
	}
	if a[1].set {
		return nil, p.errorf(a[1].off, nil, "Decimal(): a context argument is not supported")
	}
	if !a[0].set {
		return Decimal{}, nil
	}
	switch x := a[0].v.(type) {
	case string:
		d, err := ParseDecimal(x)
		if err != nil {
			return nil, p.errorf(a[0].off, nil, "invalid literal for Decimal: %s", Repr(clip(x)))
		}
		return d, nil
	case Decimal:
		return x, nil
	case bool, int64, *big.Int:
		return decimalFromInt(x), nil
	case float64:
		return decimalFromFloat(x), nil
	}
	return nil, p.errorf(a[0].off, ErrType, "conversion from %s to Decimal is not supported", TypeName(a[0].v))
}

func decimalFromInt(v Value) Decimal {
	var n big.Int
	switch x := v.(type) {
	case bool:
		if x {
			n.SetInt64(1)
		}
	case int64:
		n.SetInt64(x)
	case *big.Int:
		n.Set(x)
	}
	d := Decimal{neg: n.Sign() < 0}
	n.Abs(&n)
	if n.Sign() != 0 {
		d.coeff = n.String()
	}
	return d
}

// decimalFromFloat is Decimal(f): the exact value of the float.
func decimalFromFloat(f float64) Decimal {
	switch {
	case math.IsNaN(f):
		return Decimal{kind: decNaN}
	case math.IsInf(f, 0):
		return Decimal{kind: decInf, neg: f < 0}
	}
	d := Decimal{neg: math.Signbit(f)}
	f = math.Abs(f)
	if f == 0 {
		return d
	}
	frac, e := math.Frexp(f)
	mant := uint64(frac * (1 << 53))
	e -= 53
	for mant&1 == 0 && e < 0 {
		mant >>= 1
		e++
	}
	n := new(big.Int).SetUint64(mant)
	if e >= 0 {
		n.Lsh(n, uint(e))
		d.coeff = n.String()
		return d
	}
	five := new(big.Int).Exp(big.NewInt(5), big.NewInt(int64(-e)), nil)
	n.Mul(n, five)
	d.coeff = n.String()
	d.exp = int64(e)
	return d
}

func (p *parser) buildUUID(c *call) (Value, error) {
	a, err := p.bind(c, []string{"hex", "bytes", "bytes_le", "fields", "int"}, 1, 0)
	if err != nil {
		return nil, err
	}
	given := 0
	for _, x := range a {
		if x.set {
			given++
		}
	}
	if given != 1 {
		return nil, p.errorf(c.off, ErrType, "UUID() takes exactly one of hex, bytes or int")
	}
	switch {
	case a[0].set:
		s, ok := a[0].v.(string)
		if !ok {
			return nil, p.errorf(a[0].off, ErrType, "UUID(): hex must be a str")
		}
		u, err := ParseUUID(s)
		if err != nil {
			return nil, p.errorf(a[0].off, nil, "badly formed hexadecimal UUID string %s", Repr(clip(s)))
		}
		return u, nil
	case a[1].set:
		b, ok := a[1].v.(Bytes)
		if !ok || len(b) != 16 {
			return nil, p.errorf(a[1].off, ErrType, "UUID(): bytes is not a 16-char bytes string")
		}
		var u UUID
		copy(u.Bytes[:], b)
		return u, nil
	case a[4].set:
		var n big.Int
		switch x := a[4].v.(type) {
		case int64:
			n.SetInt64(x)
		case *big.Int:
			n.Set(x)
		default:
			return nil, p.errorf(a[4].off, ErrType, "UUID(): int must be an int")
		}
		if n.Sign() < 0 || n.BitLen() > 128 {
			return nil, p.errorf(a[4].off, ErrRange, "UUID(): int is out of range (need a 128-bit value)")
		}
		var u UUID
		n.FillBytes(u.Bytes[:])
		return u, nil
	}
	return nil, p.errorf(c.off, nil, "UUID(): only hex, bytes and int are supported")
}

// intArgs returns the int arguments named names (0 when absent).
func (p *parser) intArgs(c *call, a []arg, names []string) ([]int, error) {
	out := make([]int, len(names))
	for i, n := range names {
		if !a[i].set {
			continue
		}
		switch x := a[i].v.(type) {
		case int64:
			if x < math.MinInt32 || x > math.MaxInt32 {
				return nil, p.errorf(a[i].off, ErrRange, "%s(): %s %d is out of range", c.name, n, x)
			}
			out[i] = int(x)
		case bool:
			if x {
				out[i] = 1
			}
		case *big.Int:
			return nil, p.errorf(a[i].off, ErrRange, "%s(): %s is out of range", c.name, n)
		default:
			return nil, p.errorf(a[i].off, ErrType, "%s(): %s must be an int, not %s", c.name, n, TypeName(a[i].v))
		}
	}
	return out, nil
}

func (p *parser) tzArg(c *call, a arg) (TZInfo, error) {
	if !a.set {
		return nil, nil
	}
	switch x := a.v.(type) {
	case nil:
		return nil, nil
	case TimeZone:
		return x, nil
	}
	return nil, p.errorf(a.off, ErrType, "%s(): tzinfo argument must be None or of a tzinfo subclass, not %s", c.name, TypeName(a.v))
}

func (p *parser) buildDateTime(c *call) (Value, error) {
	names := []string{"year", "month", "day", "hour", "minute", "second", "microsecond", "tzinfo", "fold"}
	a, err := p.bind(c, names, 8, 3)
	if err != nil {
		return nil, err
	}
	f, err := p.intArgs(c, append(a[:7:7], a[8]), append(names[:7:7], "fold"))
	if err != nil {
		return nil, err
	}
	tz, err := p.tzArg(c, a[7])
	if err != nil {
		return nil, err
	}
	d := DateTime{Year: f[0], Month: f[1], Day: f[2], Hour: f[3], Minute: f[4], Second: f[5], Microsecond: f[6], Fold: f[7], TZ: tz}
	if err := d.Validate(); err != nil {
		return nil, p.errorf(c.off, ErrRange, "%s(): %s", c.name, trimPrefix(err))
	}
	return d, nil
}

func (p *parser) buildTime(c *call) (Value, error) {
	names := []string{"hour", "minute", "second", "microsecond", "tzinfo", "fold"}
	a, err := p.bind(c, names, 5, 0)
	if err != nil {
		return nil, err
	}
	f, err := p.intArgs(c, append(a[:4:4], a[5]), append(names[:4:4], "fold"))
	if err != nil {
		return nil, err
	}
	tz, err := p.tzArg(c, a[4])
	if err != nil {
		return nil, err
	}
	t := Time{Hour: f[0], Minute: f[1], Second: f[2], Microsecond: f[3], Fold: f[4], TZ: tz}
	if err := t.Validate(); err != nil {
		return nil, p.errorf(c.off, ErrRange, "%s(): %s", c.name, trimPrefix(err))
	}
	return t, nil
}

// buildTimeDelta follows CPython's timedelta constructor exactly: ints are
// summed exactly in microseconds, the fractional microseconds of float
// arguments are summed as floats (in the order microseconds, milliseconds,
// seconds, minutes, hours, days, weeks) and rounded half to even.
func (p *parser) buildTimeDelta(c *call) (Value, error) {
	names := []string{"days", "seconds", "microseconds", "milliseconds", "minutes", "hours", "weeks"}
	a, err := p.bind(c, names, 7, 0)
	if err != nil {
		return nil, err
	}
	type unit struct {
		idx    int
		factor int64
	}
	order := []unit{{2, 1}, {3, 1000}, {1, 1_000_000}, {4, 60_000_000}, {5, 3_600_000_000}, {0, 86_400_000_000}, {6, 604_800_000_000}}
	var total, tmp big.Int
	leftover := 0.0
	for _, u := range order {
		x := a[u.idx]
		if !x.set {
			continue
		}
		factor := big.NewInt(u.factor)
		switch v := x.v.(type) {
		case bool, int64, *big.Int:
			tmp.Mul(asBig(v), factor)
			total.Add(&total, &tmp)
		case float64:
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, p.errorf(x.off, ErrRange, "%s(): cannot convert float %s to integer", c.name, Repr(v))
			}
			ip, fp := math.Modf(v)
			bi, _ := new(big.Float).SetFloat64(ip).Int(nil)
			tmp.Mul(bi, factor)
			total.Add(&total, &tmp)
			if fp != 0 {
				ip2, fp2 := math.Modf(float64(u.factor) * fp)
				bi2, _ := new(big.Float).SetFloat64(ip2).Int(nil)
				total.Add(&total, bi2)
				leftover += fp2
			}
		default:
			return nil, p.errorf(x.off, ErrType, "%s(): unsupported type for %s component: %s", c.name, names[u.idx], TypeName(x.v))
		}
	}
	if leftover != 0 {
		whole := math.Round(leftover)
		if math.Abs(whole-leftover) == 0.5 {
			odd := float64(total.Bit(0))
			whole = 2*math.Round((leftover+odd)*0.5) - odd
		}
		total.Add(&total, big.NewInt(int64(whole)))
	}
	// Split into days and microseconds of the day, flooring.
	var days, rem big.Int
	days.DivMod(&total, big.NewInt(86_400_000_000), &rem)
	if !days.IsInt64() || days.Int64() > maxDeltaDays || days.Int64() < -maxDeltaDays {
		return nil, p.errorf(c.off, ErrRange, "%s(): days=%s; must have magnitude <= %d", c.name, days.String(), maxDeltaDays)
	}
	us := rem.Int64()
	return TimeDelta{Days: int(days.Int64()), Seconds: int(us / microsPerSecond), Microseconds: int(us % microsPerSecond)}, nil
}

func asBig(v Value) *big.Int {
	switch x := v.(type) {
	case bool:
		if x {
			return big.NewInt(1)
		}
		return new(big.Int)
	case int64:
		return big.NewInt(x)
	case *big.Int:
		return x
	}
	return new(big.Int)
}

func (p *parser) buildTimeZone(c *call) (Value, error) {
	a, err := p.bind(c, []string{"offset", "name"}, 2, 1)
	if err != nil {
		return nil, err
	}
	off, ok := a[0].v.(TimeDelta)
	if !ok {
		return nil, p.errorf(a[0].off, ErrType, "%s(): offset must be a timedelta, not %s", c.name, TypeName(a[0].v))
	}
	z := TimeZone{Offset: off}
	if a[1].set {
		name, ok := a[1].v.(string)
		if !ok {
			return nil, p.errorf(a[1].off, ErrType, "%s(): name must be a str, not %s", c.name, TypeName(a[1].v))
		}
		z.Name, z.HasName = name, true
	}
	if err := z.Validate(); err != nil {
		return nil, p.errorf(c.off, ErrRange, "%s(): offset must be a timedelta strictly between -timedelta(hours=24) and timedelta(hours=24)", c.name)
	}
	return z, nil
}
