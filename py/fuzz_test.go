package py

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// fuzzSeeds are inputs that once broke, or nearly broke, a parser of this
// kind: truncated escapes and literals, deep nesting, huge exponents.
var fuzzSeeds = []string{
	`'\`, `'\x`, `'\u00`, `'\U0010fff`, `r'\`, `b'\`, `'''`, `''''`, `'''''`, `"""a""`, "'\\\r", "'a\\\r\n'",
	`0x`, `0b_`, `1e`, `1e+`, `.`, `..`, `...`, `.e5`, `1.e`, `0_`, `-`, `--`, `+`, `(`, `[`, `{`, `{1:`, `{1`,
	`(,)`, `[,]`, `{,}`, `{:}`, `f(`, `set(`, `datetime.`, `datetime.timezone.`, `datetime.datetime(`,
	"\xed\xa0\x80", "'\xed\xa0\x80'", "'\xff'", "\x00", "#", "\\", "\\\n1",
	`datetime.timedelta(microseconds=1e308)`, `datetime.timedelta(weeks=-1e300)`, `datetime.timedelta(days=1e-300)`,
	`datetime.timedelta(days=-0.0000000001, seconds=0.5, microseconds=-0.5)`,
	`Decimal('1e999999999999999999')`, `Decimal('-1e-999999999999999999')`, `Decimal('1e9999999999999999999')`,
	`Decimal(5e-324)`, `{Decimal('1e999999'): 1, 1: 2}`, `{1e308: 1, Decimal('1E+308'): 2}`,
	`float('nan')`, `-nan`, `{nan: 1, nan: 2}`, `{nan, nan}`,
	`UUID(int=0x` + strings.Repeat("f", 40) + `)`,
	`OrderedDict(a=OrderedDict(b=OrderedDict()))`, `set([set()])`, `frozenset(frozenset(frozenset()))`,
	`{-1, -2, 6}`, `{32, 0, frozenset({(1, 2.5), -0.0}), Decimal('1.5'), datetime.timedelta(1), inf}`,
	strings.Repeat("[", 1001) + strings.Repeat("]", 1001), strings.Repeat("-", 5000) + "1",
	strings.Repeat("(", 500) + "1" + strings.Repeat(",)", 500),
	"0x" + strings.Repeat("f", 5000), strings.Repeat("9", 4300), strings.Repeat("9", 4301),
}

// FuzzParseLiteral: ParseLiteral never panics; an error is a *SyntaxError
// inside the text; a value prints as text that reads back to the same
// print.
func FuzzParseLiteral(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	if v, err := loadVectors(); err == nil {
		for _, c := range v.Literals {
			f.Add(c.Src)
		}
		for _, c := range v.Errors {
			f.Add(c.Src)
		}
		for _, s := range v.Random[:200] {
			f.Add(s)
		}
	}
	reread := ParseOptions{MaxDepth: 1 << 20, MaxIntDigits: -1}
	f.Fuzz(func(t *testing.T, text string) {
		v, err := ParseLiteral(text)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || !errors.Is(err, ErrSyntax) {
				t.Fatalf("error %T %v is not a *SyntaxError", err, err)
			}
			if se.Offset < 0 || se.Offset > len(text) || se.Line < 1 || se.Col < 1 {
				t.Fatalf("bad position %d %d:%d for %d bytes", se.Offset, se.Line, se.Col, len(text))
			}
			return
		}
		r1 := Repr(v)
		v2, err := reread.ParseLiteral(r1)
		if err != nil {
			t.Fatalf("ParseLiteral(%q) prints %q, which does not read back: %v", text, r1, err)
		}
		// Sets of items of stable hash can print in another order the
		// second time, as CPython's set(list(s)) can iterate in another
		// order than s.
		if r2 := Repr(v2); r2 != r1 && (!hasMultiSet(v) || canonRepr(v2) != canonRepr(v)) {
			t.Fatalf("ParseLiteral(%q): prints %q, then %q", text, r1, r2)
		}
	})
}

// FuzzReprStr: the repr of any Go string reads back as that string (bytes
// that are not UTF-8 as their surrogateescape lone surrogates).
func FuzzReprStr(f *testing.F) {
	for _, s := range []string{"", "a'b\"c", "\xed\xa0\x80\xed\xbf\xbf", "\xff\xfe", "\U0010ffff\u0378", "\\\t\n\r\x00\x7f\x80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := Repr(s)
		v, err := ParseLiteral(r)
		if err != nil {
			t.Fatalf("ParseLiteral(Repr(%q)) = ParseLiteral(%s): %v", s, r, err)
		}
		if want := normalizeWTF8(s); v != want {
			t.Fatalf("ParseLiteral(Repr(%q)) = %q, want %q", s, v, want)
		}
		if r2 := Repr(v); r2 != r {
			t.Fatalf("Repr(%q) = %s, then %s", s, r, r2)
		}
		m, err := ParseLiteral(Repr(Markup(s)))
		if err != nil || m != Markup(normalizeWTF8(s)) {
			t.Fatalf("Markup: %q, %v", m, err)
		}
	})
}

// FuzzReprBytes: the repr of bytes and bytearray reads back as the bytes.
func FuzzReprBytes(f *testing.F) {
	for _, s := range []string{"", "'", "\"", "'\"", "\\'", "\x00\xff\x7f\t"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, v := range []Value{Bytes(b), &ByteArray{Data: b}} {
			r := Repr(v)
			w, err := ParseLiteral(r)
			if err != nil || !Equal(w, Bytes(b)) || TypeName(w) != TypeName(v) {
				t.Fatalf("ParseLiteral(%s) = %v, %v", r, w, err)
			}
		}
	})
}

// FuzzReprFloat: the repr of any float reads back as the same bits.
func FuzzReprFloat(f *testing.F) {
	for _, x := range []float64{0, math.Copysign(0, -1), 1e16, 1e-5, 5e-324, math.MaxFloat64, math.Inf(-1), 0.1} {
		f.Add(math.Float64bits(x))
	}
	f.Fuzz(func(t *testing.T, bits uint64) {
		x := math.Float64frombits(bits)
		r := Repr(x)
		v, err := ParseLiteral(r)
		y, ok := v.(float64)
		if err != nil || !ok || (math.Float64bits(y) != bits && !(math.IsNaN(x) && math.IsNaN(y))) {
			t.Fatalf("Repr(%x) = %s, reads as %v, %v", bits, r, v, err)
		}
	})
}
