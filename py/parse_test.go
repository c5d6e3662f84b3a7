package py

import (
	"errors"
	"math"
	"math/big"
	"strings"
	"testing"
)

func TestParseLiteral(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		// Strings, with every prefix, quote and escape.
		{`'a' "b" '''c''' """d"""`, `'abcd'`},
		{`r'\n\'' R"\x"`, `"\\n\\'\\x"`},
		{`rb'\0' bR'\\'`, `b'\\0\\\\'`},
		{`u'x' U"y"`, `'xy'`},
		{`'\a\b\f\n\r\t\v\0\7\101\x41\u0041\U00000041'`, `'\x07\x08\x0c\n\r\t\x0b\x00\x07AAAA'`},
		{`'\777'`, `'ǿ'`},
		{`b'\777\400'`, `b'\xff\x00'`},
		{`'\q\8'`, `'\\q\\8'`},
		{`b'\u1234'`, `b'\\u1234'`},
		{`'\ud83d\ude00'`, `'\ud83d\ude00'`},
		{`'\U0001f600'`, `'😀'`},
		{"'a\\\nb'", `'ab'`},
		{"'''a\r\nb\rc'''", `'a\nb\nc'`},
		{"r'a\\\nb'", `'a\\\nb'`},
		{`'é😀'`, `'é😀'`},
		{`''`, `''`},
		{`''''''`, `''`},
		{`'a' # comment` + "\n" + `'b'`, `'ab'`},
		// Numbers.
		{`0`, `0`},
		{`-0`, `0`},
		{`007.5`, `7.5`},
		{`0_0`, `0`},
		{`1_000`, `1000`},
		{`0x_fF`, `255`},
		{`0o17`, `15`},
		{`0b_101`, `5`},
		{`-9223372036854775808`, `-9223372036854775808`},
		{`9223372036854775808`, `9223372036854775808`},
		{`-0x8000000000000000`, `-9223372036854775808`},
		{`0x000000000000000000000001`, `1`},
		{`--5`, `5`},
		{`-+-5`, `5`},
		{`- 5`, `-5`},
		{`-True`, `-1`},
		{`+False`, `0`},
		{`1.`, `1.0`},
		{`.5`, `0.5`},
		{`1e5`, `100000.0`},
		{`1E-5`, `1e-05`},
		{`1_0.0_1e1_0`, `100100000000.0`},
		{`1e400`, `inf`},
		{`-1e400`, `-inf`},
		{`1e-400`, `0.0`},
		{`-0.0`, `-0.0`},
		{`-inf`, `-inf`},
		{`-nan`, `nan`},
		{`float('-Infinity')`, `-inf`},
		{`float(' 1_0.5\n')`, `10.5`},
		{`float(12345678901234567890123)`, `1.2345678901234568e+22`},
		{`float()`, `0.0`},
		// Containers.
		{`[1,]`, `[1]`},
		{`(1)`, `1`},
		{`(1,)`, `(1,)`},
		{`(1, 2,)`, `(1, 2)`},
		{`1, 2`, `(1, 2)`},
		{`1,`, `(1,)`},
		{`{1,}`, `{1}`},
		{`{1: 2,}`, `{1: 2}`},
		{`{1, 1.0, True}`, `{1}`},
		{`{1: 'a', 1.0: 'b', True: 'c'}`, `{1: 'c'}`},
		{`{'a': 1, 'b': 2, 'a': 3}`, `{'a': 3, 'b': 2}`},
		{`{'a': 1, Markup('a'): 2}`, `{'a': 2}`},
		{`{Markup('a'): 1, 'a': 2}`, `{Markup('a'): 2}`},
		{"[\n 1, # one\n 2 \\\n]", `[1, 2]`},
		{`set()`, `set()`},
		{`set([3, 1, 3])`, `{1, 3}`},
		{`set('ab')`, `{'a', 'b'}`},
		{`frozenset()`, `frozenset()`},
		{`frozenset({1})`, `frozenset({1})`},
		{`list(b'ab')`, `[97, 98]`},
		{`tuple('a\ud800')`, `('a', '\ud800')`},
		{`dict(a=1, b=2)`, `{'a': 1, 'b': 2}`},
		{`dict([(1, 2)], c=3)`, `{1: 2, 'c': 3}`},
		{`OrderedDict()`, `OrderedDict()`},
		{`OrderedDict([('b', 1), ('a', 2)])`, `OrderedDict([('b', 1), ('a', 2)])`},
		{`collections.OrderedDict({'a': 1})`, `OrderedDict([('a', 1)])`},
		{`bytearray()`, `bytearray(b'')`},
		{`bytearray([0, 255])`, `bytearray(b'\x00\xff')`},
		{`bytes(bytearray(b'x'))`, `b'x'`},
		// Other types.
		{`Decimal('1_000.50')`, `Decimal('1000.50')`},
		{`Decimal(0.1)`, `Decimal('0.1000000000000000055511151231257827021181583404541015625')`},
		{`Decimal(-0.0)`, `Decimal('-0')`},
		{`Decimal(1e20)`, `Decimal('100000000000000000000')`},
		{`Decimal(-inf)`, `Decimal('-Infinity')`},
		{`Decimal(-nan)`, `Decimal('NaN')`},
		{`Decimal(-12)`, `Decimal('-12')`},
		{`Decimal()`, `Decimal('0')`},
		{`decimal.Decimal('sNaN')`, `Decimal('sNaN')`},
		{`UUID(int=99)`, `UUID('00000000-0000-0000-0000-000000000063')`},
		{`uuid.UUID(bytes=b'0123456789abcdef')`, `UUID('30313233-3435-3637-3839-616263646566')`},
		{`UUID(hex='{12345678-1234-5678-1234-567812345678}')`, `UUID('12345678-1234-5678-1234-567812345678')`},
		{`Markup()`, `Markup('')`},
		{`markupsafe.Markup('<b>')`, `Markup('<b>')`},
		{`datetime.datetime(2024, 1, 2, 3, 4, 5, 6, datetime.timezone.utc, fold=1)`, `datetime.datetime(2024, 1, 2, 3, 4, 5, 6, fold=1, tzinfo=datetime.timezone.utc)`},
		{`datetime.datetime(year=2024, month=2, day=29, tzinfo=None)`, `datetime.datetime(2024, 2, 29, 0, 0)`},
		{`datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)`, `datetime.datetime(2024, 1, 1, 0, 0, tzinfo=datetime.timezone.utc)`},
		{`datetime.time(fold=1)`, `datetime.time(0, 0, fold=1)`},
		{`datetime.time(1, 2, 3, 4, datetime.timezone(datetime.timedelta(hours=-5), 'EST'))`, `datetime.time(1, 2, 3, 4, tzinfo=datetime.timezone(datetime.timedelta(days=-1, seconds=68400), 'EST'))`},
		{`datetime.timedelta()`, `datetime.timedelta(0)`},
		{`datetime.timedelta(1, 2, 3, 4, 5, 6, 7)`, `datetime.timedelta(days=50, seconds=21902, microseconds=4003)`},
		{`datetime.timedelta(hours=1.5)`, `datetime.timedelta(seconds=5400)`},
		{`datetime.timedelta(microseconds=0.5)`, `datetime.timedelta(0)`},
		{`datetime.timedelta(microseconds=1.5)`, `datetime.timedelta(microseconds=2)`},
		{`datetime.timedelta(microseconds=-1.5)`, `datetime.timedelta(days=-1, seconds=86399, microseconds=999998)`},
		{`datetime.timedelta(days=0.1, weeks=-0.3)`, `datetime.timedelta(days=-2)`},
		{"r'a\\\r\nb'", `'a\\\nb'`},
		{`-datetime.timedelta(hours=1)`, `datetime.timedelta(days=-1, seconds=82800)`},
		{`datetime.timezone(datetime.timedelta(0))`, `datetime.timezone.utc`},
		{`datetime.timezone(offset=datetime.timedelta(minutes=90), name='x')`, `datetime.timezone(datetime.timedelta(seconds=5400), 'x')`},
	}
	for _, tt := range tests {
		v, err := ParseLiteral(tt.in)
		if err != nil {
			t.Errorf("ParseLiteral(%q): %v", tt.in, err)
			continue
		}
		if got := Repr(v); got != tt.want {
			t.Errorf("ParseLiteral(%q)\n got %s\nwant %s", tt.in, got, tt.want)
		}
	}
}

// TestParseKeepsFirstKey: a duplicate key keeps the first key object and
// its position, and takes the last value, as Python's dict display does.
func TestParseKeepsFirstKey(t *testing.T) {
	v, err := ParseLiteral(`{1: 'a', 'x': 0, 1.0: 'b', True: 'c'}`)
	if err != nil {
		t.Fatal(err)
	}
	d := v.(*Dict)
	k, val := d.At(0)
	if k != int64(1) || val != "c" || d.Len() != 2 {
		t.Errorf("got %s (key %T)", Repr(d), k)
	}
}

func TestParseTypes(t *testing.T) {
	tests := []struct {
		in   string
		want Value
	}{
		{`None`, nil},
		{`True`, true},
		{`5`, int64(5)},
		{`5.0`, 5.0},
		{`'s'`, "s"},
		{`b's'`, Bytes("s")},
		{`Markup('s')`, Markup("s")},
		{`datetime.timezone.utc`, TimeZone{}},
		{`datetime.date(2024, 5, 1)`, Date{Year: 2024, Month: 5, Day: 1}},
	}
	for _, tt := range tests {
		v, err := ParseLiteral(tt.in)
		if err != nil || !Equal(v, tt.want) || TypeName(v) != TypeName(tt.want) {
			t.Errorf("ParseLiteral(%q) = %#v, %v; want %#v", tt.in, v, err, tt.want)
		}
	}
	v, _ := ParseLiteral(`123456789012345678901234567890`)
	if n, ok := v.(*big.Int); !ok || n.String() != "123456789012345678901234567890" {
		t.Errorf("big int: %#v", v)
	}
	v, _ = ParseLiteral(`-0.0`)
	if f := v.(float64); f != 0 || !math.Signbit(f) {
		t.Errorf("-0.0: %v", f)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in        string
		offset    int
		line, col int
		msg       string
		sentinel  error
	}{
		{"", 0, 1, 1, "expected a value, found end of input", nil},
		{"[1, 2,\n  3 4]", 11, 2, 5, "expected ',' or ']' after a list item, found '4'", nil},
		{"['é', x]", 7, 1, 7, `unknown name "x"`, nil},
		{"{1: 2, 3}", 8, 1, 9, "expected ':' after a dict key", nil},
		{"(1 2)", 3, 1, 4, "expected ',' or ')' after a tuple item", nil},
		{"'abc", 0, 1, 1, "unterminated string literal", nil},
		{"x = '''abc", 0, 1, 1, `unknown name "x"`, nil},
		{"[1, '''abc", 4, 1, 5, "unterminated triple-quoted string literal", nil},
		{"'a\nb'", 0, 1, 1, "unterminated string literal", nil},
		{`'\x4'`, 1, 1, 2, `truncated \xXX escape`, nil},
		{`'\u12'`, 1, 1, 2, `truncated \uXXXX escape`, nil},
		{`'\U00110000'`, 1, 1, 2, "illegal Unicode character", nil},
		{`'\N{BULLET}'`, 1, 1, 2, `\N{...} escapes are not supported`, nil},
		{`b'é'`, 2, 1, 3, "bytes can only contain ASCII literal characters", nil},
		{`'a' b'b'`, 4, 1, 5, "cannot mix bytes and nonbytes literals", nil},
		{`f'{x}'`, 0, 1, 1, "f-strings are not supported", nil},
		{"'\xff'", 1, 1, 2, "invalid UTF-8", nil},
		{"\xff", 0, 1, 1, "expected a value, found byte 0xff", nil},
		{`01`, 0, 1, 1, "leading zeros in decimal integer literals are not permitted", nil},
		{`1__0`, 0, 1, 1, "invalid decimal literal", nil},
		{`0b12`, 3, 1, 4, "invalid digit '2' in binary literal", nil},
		{`0x`, 0, 1, 1, "invalid hexadecimal literal", nil},
		{`1e`, 0, 1, 1, "exponent without digits", nil},
		{`1j`, 0, 1, 1, "complex numbers are not supported", nil},
		{`1 2`, 2, 1, 3, "expected end of input after the value, found '2'", nil},
		{`[1, ...]`, 4, 1, 5, "holds itself", nil},
		{`<global m.f>`, 0, 1, 1, "cannot be read back", nil},
		{`{[1]: 2}`, 1, 1, 2, "unhashable type: 'list'", ErrUnhashable},
		{`{1, {}}`, 4, 1, 5, "unhashable type: 'dict'", ErrUnhashable},
		{`datetime.date(2023, 2, 29)`, 0, 1, 1, "datetime.date(): value out of range: day is out of range for month", ErrRange},
		{`datetime.datetime(2024, 1, 1, fold=2)`, 0, 1, 1, "fold must be either 0 or 1", ErrRange},
		{`datetime.timedelta(days=1000000000)`, 0, 1, 1, "days=1000000000; must have magnitude <= 999999999", ErrRange},
		{`datetime.timezone(datetime.timedelta(hours=24))`, 0, 1, 1, "strictly between", ErrRange},
		{`datetime.datetime(2024, 1)`, 0, 1, 1, "datetime.datetime() missing required argument 'day'", ErrType},
		{`datetime.datetime(2024.0, 1, 1)`, 18, 1, 19, "year must be an int, not float", ErrType},
		{`datetime.date(2024, 1, 1, month=1)`, 26, 1, 27, "got multiple values for argument 'month'", ErrType},
		{`datetime.time(hour=1, hour=2)`, 22, 1, 23, "keyword argument repeated: hour", nil},
		{`datetime.time(hour=1, 2)`, 22, 1, 23, "positional argument follows keyword argument", nil},
		{`datetime.time(zone=1)`, 14, 1, 15, "unexpected keyword argument 'zone'", ErrType},
		{`set(1)`, 4, 1, 5, "'int' object is not iterable", ErrType},
		{`-'a'`, 0, 1, 1, "bad operand type for unary -: 'str'", ErrType},
		{`-Decimal('1')`, 0, 1, 1, "sign before Decimal()", nil},
		{`UUID(int=-1)`, 5, 1, 6, "int is out of range", ErrRange},
		{`float('x')`, 6, 1, 7, "could not convert string to float: 'x'", nil},
		{`print(1)`, 0, 1, 1, "unknown constructor print()", nil},
		{`[*a]`, 1, 1, 2, "unpacking", nil},
	}
	for _, tt := range tests {
		v, err := ParseLiteral(tt.in)
		if err == nil {
			t.Errorf("ParseLiteral(%q) = %s, want an error", tt.in, Repr(v))
			continue
		}
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("ParseLiteral(%q): %T, want *SyntaxError", tt.in, err)
			continue
		}
		if !errors.Is(err, ErrSyntax) {
			t.Errorf("ParseLiteral(%q): not ErrSyntax", tt.in)
		}
		if tt.sentinel != nil && !errors.Is(err, tt.sentinel) {
			t.Errorf("ParseLiteral(%q): %v, want it to wrap %v", tt.in, err, tt.sentinel)
		}
		if se.Offset != tt.offset || se.Line != tt.line || se.Col != tt.col || !strings.Contains(se.Msg, tt.msg) {
			t.Errorf("ParseLiteral(%q):\n got %d %d:%d %s\nwant %d %d:%d %s", tt.in, se.Offset, se.Line, se.Col, se.Msg, tt.offset, tt.line, tt.col, tt.msg)
		}
	}
	_, err := ParseLiteral("[1,\n x]")
	if want := "py: invalid literal at line 2, column 2 (offset 5): unknown name \"x\""; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("Error() = %v, want prefix %s", err, want)
	}
}

func TestParseLimits(t *testing.T) {
	nested := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	if _, err := ParseLiteral(nested(DefaultMaxDepth)); err != nil {
		t.Errorf("depth %d: %v", DefaultMaxDepth, err)
	}
	for _, text := range []string{
		nested(DefaultMaxDepth + 1),
		strings.Repeat("(", 100000),
		strings.Repeat("{1: ", 5000) + "1" + strings.Repeat("}", 5000),
		strings.Repeat("set(", 2000) + strings.Repeat(")", 2000),
	} {
		if _, err := ParseLiteral(text); !errors.Is(err, ErrLimit) || !errors.Is(err, ErrSyntax) {
			t.Errorf("deep input %.20s...: %v, want ErrLimit", text, err)
		}
	}
	if _, err := (ParseOptions{MaxDepth: 3}).ParseLiteral("[[[[]]]]"); !errors.Is(err, ErrLimit) {
		t.Errorf("MaxDepth 3: %v", err)
	}
	if _, err := (ParseOptions{MaxSize: 10}).ParseLiteral("'0123456789'"); !errors.Is(err, ErrLimit) {
		t.Errorf("MaxSize 10: %v", err)
	}
	digits := strings.Repeat("7", DefaultMaxIntDigits)
	if _, err := ParseLiteral(digits); err != nil {
		t.Errorf("%d digits: %v", DefaultMaxIntDigits, err)
	}
	if _, err := ParseLiteral(digits + "7"); !errors.Is(err, ErrLimit) {
		t.Errorf("%d digits: %v", DefaultMaxIntDigits+1, err)
	}
	if _, err := (ParseOptions{MaxIntDigits: -1}).ParseLiteral(digits + "7"); err != nil {
		t.Errorf("no digit limit: %v", err)
	}
	if _, err := ParseLiteral("0x" + strings.Repeat("f", 20000)); err != nil {
		t.Errorf("hex digits are not limited: %v", err)
	}
	// Long inputs in linear time: a long chain of signs, a long string,
	// many adjacent literals.
	for _, text := range []string{
		strings.Repeat("-", 1<<20) + "1",
		"'" + strings.Repeat("\\x41", 1<<18) + "'",
		strings.Repeat("'a' ", 1<<16),
		"[" + strings.Repeat("1, ", 1<<16) + "]",
		"{" + strings.Repeat("1: 2, ", 1<<16) + "}",
	} {
		if _, err := ParseLiteral(text); err != nil {
			t.Errorf("%.20s...: %v", text, err)
		}
	}
}

// TestParseSharesNothingMutable: values parsed from one text are fresh
// objects; changing one does not change another.
func TestParseSharesNothingMutable(t *testing.T) {
	v, err := ParseLiteral(`[b'ab', bytearray(b'cd'), [1], {'k': []}]`)
	if err != nil {
		t.Fatal(err)
	}
	w, _ := ParseLiteral(`[b'ab', bytearray(b'cd'), [1], {'k': []}]`)
	l := v.(*List)
	l.Items[1].(*ByteArray).Data[0] = 'X'
	l.Items[2].(*List).Append(int64(2))
	if got := Repr(w); got != `[b'ab', bytearray(b'cd'), [1], {'k': []}]` {
		t.Errorf("second parse changed: %s", got)
	}
}
