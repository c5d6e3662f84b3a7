package msgspec

import (
	"bytes"
	"errors"
	"math"
	"math/big"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flaskbridge/flaskbridge/py"
)

func TestJSONFloat(t *testing.T) {
	for _, c := range []struct {
		f    float64
		want string
	}{
		{0, "0.0"}, {math.Copysign(0, -1), "-0.0"}, {1, "1.0"}, {-2.5, "-2.5"}, {100, "100.0"},
		{1e15, "1000000000000000.0"}, {1e16, "1e16"}, {1.5e16, "1.5e16"}, {123456789012345678, "1.2345678901234568e17"},
		{0.1, "0.1"}, {1e-4, "0.0001"}, {1e-5, "0.00001"}, {1.5e-5, "0.000015"}, {1e-6, "1e-6"}, {1.25e-7, "1.25e-7"},
		{5e-324, "5e-324"}, {math.MaxFloat64, "1.7976931348623157e308"}, {1234567890123456.7, "1234567890123456.8"},
		{math.NaN(), "null"}, {math.Inf(1), "null"}, {math.Inf(-1), "null"},
	} {
		got, err := EncodeJSON(c.f)
		if err != nil || string(got) != c.want {
			t.Errorf("EncodeJSON(%v) = %s, %v; want %s", c.f, got, err, c.want)
		}
	}
	// As dict keys, non-finite floats are written as text.
	got, _ := EncodeJSON(py.DictOf(math.Inf(-1), 1, math.NaN(), 2, 2.5, 3))
	if want := `{"-inf":1,"nan":2,"2.5":3}`; string(got) != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestEncodeErrors(t *testing.T) {
	huge := new(big.Int).Lsh(big.NewInt(1), 64)
	cycle := py.NewList()
	cycle.Append(cycle)
	for _, c := range []struct {
		name    string
		v       py.Value
		json    bool
		want    error
		path    string
		inKey   bool
		typName string
	}{
		{"markup", py.DictOf("_flashes", py.NewList(py.Tuple{"message", py.Markup("<b>")})), false, ErrMarkup, "['_flashes'][0][1]", false, "markupsafe.Markup"},
		{"markup json", py.NewList(py.Markup("x")), true, ErrMarkup, "[0]", false, "markupsafe.Markup"},
		{"int range", py.DictOf("n", huge), false, ErrIntRange, "['n']", false, "int"},
		{"surrogate", py.DictOf("s", "a\xed\xa0\x80"), false, ErrInvalidString, "['s']", false, "str"},
		{"surrogate key", py.DictOf("a\xed\xb0\x80", 1), true, ErrInvalidString, "['a\\udc00']", true, "str"},
		{"json key", py.DictOf("a", py.DictOf(py.Tuple{int64(1)}, 2)), true, ErrKeyType, "['a'][(1,)]", true, "tuple"},
		{"json bool key", py.DictOf(true, 2), true, ErrKeyType, "[True]", true, "bool"},
		{"global", py.Global{Module: "os", Name: "system"}, false, ErrUnsupported, "", false, "global"},
		{"object", &py.Object{Callable: py.Global{Module: "app", Name: "User"}}, false, ErrUnsupported, "", false, "app.User"},
		{"timezone", py.TimeZone{}, true, ErrUnsupported, "", false, "datetime.timezone"},
		{"unknown tz", py.DateTime{Year: 2020, Month: 1, Day: 1, TZ: &py.Object{}}, false, ErrUnsupported, "", false, "datetime.datetime"},
		{"overflow", py.DateTime{Year: 1, Month: 1, Day: 1, TZ: py.FixedZone(3600)}, false, ErrRange, "", false, "datetime.datetime"},
		{"bad date", py.Date{Year: 2021, Month: 2, Day: 29}, true, ErrRange, "", false, "datetime.date"},
		{"cycle", cycle, false, ErrLimit, strings.Repeat("[0]", DefaultMaxDepth), false, "list"},
		{"depth", py.NewList(py.NewList(py.NewList())), true, ErrLimit, "[0]", false, "list"},
		{"go chan", make(chan int), false, ErrUnsupported, "", false, "Go chan int"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var err error
			opts := EncodeOptions{}
			if c.name == "depth" {
				opts.MaxDepth = 1
			}
			if c.json {
				_, err = opts.EncodeJSON(c.v)
			} else {
				_, err = opts.MarshalMsgpack(c.v)
			}
			if !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
			var ee *EncodeError
			if !errors.As(err, &ee) {
				t.Fatalf("%T is not an *EncodeError", err)
			}
			if ee.Path != c.path || ee.InKey != c.inKey || ee.Type != c.typName {
				t.Errorf("got path %q inKey %v type %q; want %q %v %q (%v)", ee.Path, ee.InKey, ee.Type, c.path, c.inKey, c.typName, err)
			}
		})
	}
}

func TestMarkup(t *testing.T) {
	v := py.DictOf(py.Markup("k"), py.NewList("a", py.Markup("<b>")))
	if _, err := MarshalMsgpack(v); !errors.Is(err, ErrMarkup) {
		t.Fatalf("got %v", err)
	}
	got, err := EncodeOptions{MarkupAsStr: true}.MarshalMsgpack(v)
	if want := "\x81\xa1k\x92\xa1a\xa3<b>"; err != nil || string(got) != want {
		t.Errorf("got %q, %v; want %q", got, err, want)
	}
	got, err = EncodeOptions{MarkupAsStr: true}.EncodeJSON(v)
	if want := `{"k":["a","<b>"]}`; err != nil || string(got) != want {
		t.Errorf("got %s, %v; want %s", got, err, want)
	}
	// A Markup key alone is fine: msgspec accepts str subclasses as keys.
	if _, err := EncodeJSON(py.DictOf(py.Markup("k"), 1)); err != nil {
		t.Error(err)
	}
}

func TestAppendKeepsDstOnError(t *testing.T) {
	dst := []byte("prefix")
	out, err := AppendMsgpack(dst, py.NewList(int64(1), py.Markup("x")))
	if err == nil || string(out) != "prefix" {
		t.Errorf("got %q, %v", out, err)
	}
	out, err = AppendJSON(dst, py.NewList(int64(1), py.Markup("x")))
	if err == nil || string(out) != "prefix" {
		t.Errorf("got %q, %v", out, err)
	}
	out, err = AppendMsgpack(dst, true)
	if err != nil || string(out) != "prefix\xc3" {
		t.Errorf("got %q, %v", out, err)
	}
}

func TestGoValues(t *testing.T) {
	type user struct {
		ID    int      `py:"id"`
		Roles []string `py:"roles"`
	}
	when := time.Date(2024, 5, 1, 12, 30, 15, 250_000_000, time.UTC)
	v := map[string]any{"user": user{ID: 7, Roles: []string{"admin"}}, "at": when, "n": uint8(3), "raw": []byte("x")}
	got, err := MarshalMsgpack(v)
	if err != nil {
		t.Fatal(err)
	}
	want := py.DictOf("at", py.DateTimeOf(when), "n", int64(3), "raw", py.Bytes("x"),
		"user", py.DictOf("id", int64(7), "roles", py.NewList("admin")))
	wantBytes, _ := MarshalMsgpack(want)
	if !bytes.Equal(got, wantBytes) {
		t.Errorf("got %q, want %q", got, wantBytes)
	}
	js, err := EncodeJSON(v)
	if want := `{"at":"2024-05-01T12:30:15.250000Z","n":3,"raw":"eA==","user":{"id":7,"roles":["admin"]}}`; err != nil || string(js) != want {
		t.Errorf("got %s, %v; want %s", js, err, want)
	}
}

func TestNilPointers(t *testing.T) {
	for _, v := range []py.Value{(*py.Dict)(nil), (*py.List)(nil), (*py.Set)(nil), (*py.OrderedDict)(nil), (*py.ByteArray)(nil), (*py.Object)(nil)} {
		if got, err := MarshalMsgpack(v); err != nil || string(got) != "\xc0" {
			t.Errorf("msgpack %T: %q, %v", v, got, err)
		}
		if got, err := EncodeJSON(v); err != nil || string(got) != "null" {
			t.Errorf("JSON %T: %q, %v", v, got, err)
		}
	}
}

func TestJSONBigInt(t *testing.T) {
	n := new(big.Int).Exp(big.NewInt(10), big.NewInt(4299), nil) // 4300 digits
	if _, err := EncodeJSON(n); err != nil {
		t.Error(err)
	}
	n.Mul(n, big.NewInt(-10))
	if _, err := EncodeJSON(n); !errors.Is(err, ErrIntRange) {
		t.Errorf("4301 digits: %v", err)
	}
	if _, err := EncodeJSON(py.DictOf(n, 1)); !errors.Is(err, ErrIntRange) {
		t.Errorf("4301-digit key: %v", err)
	}
}

func TestExt(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 4, 8, 16, 17, 255, 256, 65536} {
		data := bytes.Repeat([]byte{0xab}, n)
		enc, err := MarshalMsgpack(NewExt(42, data))
		if err != nil {
			t.Fatal(err)
		}
		v, err := UnmarshalMsgpack(enc)
		if err != nil {
			t.Fatal(err)
		}
		code, got, ok := ExtOf(v)
		if !ok || code != 42 || !bytes.Equal(got, data) {
			t.Errorf("%d bytes: got %v %d %x", n, ok, code, got)
		}
		again, _ := MarshalMsgpack(v)
		if !bytes.Equal(again, enc) {
			t.Errorf("%d bytes: re-encoded %x, want %x", n, again, enc)
		}
	}
	if _, err := EncodeJSON(NewExt(1, nil)); !errors.Is(err, ErrUnsupported) {
		t.Errorf("JSON of an Ext: %v", err)
	}
	if _, _, ok := ExtOf(&py.Object{Callable: extClass, Args: py.Tuple{int64(300), py.Bytes("x")}}); ok {
		t.Error("code 300 taken as an Ext")
	}
}

func TestDecodeLimits(t *testing.T) {
	deep := bytes.Repeat([]byte{0x91}, 50)
	deep = append(deep, 0xc0)
	deepJSON := strings.Repeat("[", 50) + strings.Repeat("]", 50)
	for _, c := range []struct {
		name string
		opts DecodeOptions
		mp   []byte
		js   string
		want error
	}{
		{"size", DecodeOptions{MaxSize: 4}, []byte("\xa5hello"), `"hello"`, ErrLimit},
		{"depth", DecodeOptions{MaxDepth: 49}, deep, deepJSON, ErrLimit},
		{"values", DecodeOptions{MaxValues: 3}, []byte("\x93\x01\x02\x03"), "[1,2,3]", ErrLimit},
		{"map values", DecodeOptions{MaxValues: 4}, []byte("\x82\xa1a\x01\xa1b\x02"), `{"a":1,"b":2}`, ErrLimit},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := c.opts.UnmarshalMsgpack(c.mp); !errors.Is(err, c.want) {
				t.Errorf("msgpack: %v", err)
			}
			if _, err := c.opts.DecodeJSON([]byte(c.js)); !errors.Is(err, c.want) {
				t.Errorf("JSON: %v", err)
			}
			// With no limit, the same input decodes.
			none := DecodeOptions{MaxSize: -1, MaxDepth: -1, MaxValues: -1}
			if _, err := none.UnmarshalMsgpack(c.mp); err != nil {
				t.Errorf("msgpack without limits: %v", err)
			}
			if _, err := none.DecodeJSON([]byte(c.js)); err != nil {
				t.Errorf("JSON without limits: %v", err)
			}
		})
	}
	if _, err := UnmarshalMsgpack(deep); err != nil {
		t.Errorf("default depth: %v", err)
	}
}

func TestDecodeErrorOffsets(t *testing.T) {
	for _, c := range []struct {
		data   string
		json   bool
		want   error
		offset int
	}{
		{"\x92\x01\xc1", false, ErrSyntax, 2},
		{"\x82\xa1a\x01\xa1b", false, ErrTruncated, 6},
		{"\xdd\xff\xff\xff\xff\xc0", false, ErrTruncated, 0},
		{"\x81\xa1a\x01\x00", false, ErrSyntax, 4},
		{"\x91\xa2\xc3\x28", false, ErrSyntax, 1},
		{"\x81\x80\x01", false, ErrUnhashableKey, 1},
		{"\xd6\xff\x00", false, ErrTruncated, 3},
		{`{"a": [1, 2,]}`, true, ErrSyntax, 12},
		{`[1, "x`, true, ErrTruncated, 6},
		{`{"a" 1}`, true, ErrSyntax, 5},
		{`[1] x`, true, ErrSyntax, 4},
		{`[01]`, true, ErrSyntax, 2},
	} {
		var err error
		if c.json {
			_, err = DecodeJSON([]byte(c.data))
		} else {
			_, err = UnmarshalMsgpack([]byte(c.data))
		}
		var de *DecodeError
		if !errors.Is(err, c.want) || !errors.As(err, &de) || de.Offset != c.offset {
			t.Errorf("%q: got %v, want %v at byte %d", c.data, err, c.want, c.offset)
		}
	}
}

func TestDecodeDictKeys(t *testing.T) {
	// Keys equal in Python are one key: the first key object stays, the
	// last value wins; array keys become tuples.
	v, err := UnmarshalMsgpack([]byte("\x84\x01\xa1a\xc3\xa1b\xcb\x3f\xf0\x00\x00\x00\x00\x00\x00\xa1c\x92\x01\x92\x02\x03\xc0"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := py.Repr(v), "{1: 'c', (1, (2, 3)): None}"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestMsgspec0186BigInts(t *testing.T) {
	data := []byte("[19446744073709551616,19446744073709551617,-19999999999999999999,20000000000000000000]")
	v, err := DecodeOptions{Msgspec0186BigInts: true}.DecodeJSON(data)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := py.Repr(v), "[19446744073709551616, 1000000000000000001, -1553255926290448383, 20000000000000000000]"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	v, _ = DecodeJSON(data)
	if got, want := py.Repr(v), "[19446744073709551616, 19446744073709551617, -19999999999999999999, 20000000000000000000]"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestDecodedStringsDoNotAliasInput(t *testing.T) {
	data := []byte("\x92\xa3abc\xc4\x01x")
	v, err := UnmarshalMsgpack(data)
	if err != nil {
		t.Fatal(err)
	}
	data[2], data[6] = 'z', 'z'
	if got := py.Repr(v); got != "['abc', b'x']" {
		t.Errorf("decoded values changed with the input: %s", got)
	}
}

func TestCivilDays(t *testing.T) {
	for days := daysFromCivil(1, 1, 1); days <= daysFromCivil(9999, 12, 31); days += 997 {
		y, m, d := civilFromDays(days)
		if daysFromCivil(y, m, d) != days {
			t.Fatalf("%d -> %d-%d-%d", days, y, m, d)
		}
		tm := time.Unix(days*86400, 0).UTC()
		if tm.Year() != y || int(tm.Month()) != m || tm.Day() != d {
			t.Fatalf("%d: %d-%d-%d, Go says %v", days, y, m, d, tm)
		}
	}
}

func TestPlainJSON(t *testing.T) {
	// Every byte value at every position of strings around the 8-byte
	// word size: plainJSON agrees with the byte-by-byte rule.
	for n := 1; n <= 17; n++ {
		for pos := 0; pos < n; pos++ {
			for c := 0; c < 256; c++ {
				b := bytes.Repeat([]byte{'a'}, n)
				b[pos] = byte(c)
				want := c >= 0x20 && c < 0x80 && c != '"' && c != '\\'
				if got := plainJSON(string(b)); got != want {
					t.Fatalf("plainJSON(%q) = %v", b, got)
				}
			}
		}
	}
}

func TestJSONStringRoundTrip(t *testing.T) {
	// Strings with one special character at every position around the
	// 8-byte word size read back as written, through the escaped and
	// unescaped paths and with non-ASCII text before and after.
	specials := []string{"\"", "\\", "\n", "\x00", "\x1f", "\x7f", "é", "€", "😀", "/"}
	for n := 0; n <= 18; n++ {
		for pos := 0; pos <= n; pos++ {
			for _, sp := range specials {
				for _, prefix := range []string{"", "ü"} {
					s := prefix + strings.Repeat("a", pos) + sp + strings.Repeat("b", n-pos)
					enc, err := EncodeJSON(s)
					if err != nil {
						t.Fatal(err)
					}
					v, err := DecodeJSON(enc)
					if err != nil || v != s {
						t.Fatalf("%q: encoded %s, read %q, %v", s, enc, v, err)
					}
					if _, err := DecodeJSON(enc[:len(enc)-1]); !errors.Is(err, ErrTruncated) {
						t.Fatalf("%q without its closing quote: %v", s, err)
					}
				}
			}
		}
	}
}

func TestJSONNumbers(t *testing.T) {
	// The fast paths of the number parser agree with strconv on numbers of
	// every shape.
	r := rand.New(rand.NewPCG(7, 7))
	for range 200000 {
		var b strings.Builder
		if r.IntN(2) == 0 {
			b.WriteByte('-')
		}
		nInt := r.IntN(22)
		if nInt == 0 {
			b.WriteByte('0')
		} else {
			b.WriteByte(byte('1' + r.IntN(9)))
			for range nInt - 1 {
				b.WriteByte(byte('0' + r.IntN(10)))
			}
		}
		isFloat := false
		if r.IntN(3) > 0 {
			isFloat = true
			b.WriteByte('.')
			for range 1 + r.IntN(20) {
				b.WriteByte(byte('0' + r.IntN(10)))
			}
		}
		if r.IntN(3) == 0 {
			isFloat = true
			b.WriteString([]string{"e", "E", "e+", "e-", "E-"}[r.IntN(5)])
			b.WriteString(strconv.Itoa(r.IntN(40)))
		}
		text := b.String()
		v, err := DecodeJSON([]byte(text))
		if err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		if isFloat {
			want, _ := strconv.ParseFloat(text, 64)
			if got, ok := v.(float64); !ok || math.Float64bits(got) != math.Float64bits(want) {
				t.Fatalf("%s: got %v (%T), want %v", text, v, v, want)
			}
			continue
		}
		want, _ := new(big.Int).SetString(text, 10)
		if got := py.Repr(v); got != want.String() {
			t.Fatalf("%s: got %s", text, got)
		}
	}
}

func TestJSONFloatFixed(t *testing.T) {
	// The fixed-notation fast path writes what the general digit layout
	// writes, across its range and at its edges.
	r := rand.New(rand.NewPCG(3, 3))
	check := func(f float64) {
		got := string(appendJSONFloat(nil, f, false))
		if want := string(appendFloatDigits(nil, f)); got != want {
			t.Fatalf("%v: got %s, want %s", f, got, want)
		}
	}
	for _, f := range []float64{1e-5, math.Nextafter(1e-5, 0), math.Nextafter(1e-5, 1), 1e16, math.Nextafter(1e16, 0),
		1e15, 9999999999999998, 0.1, 100, 4.99, 16.990000000000002, 1234567.0, 0.5, 1} {
		check(f)
		check(-f)
	}
	for range 200000 {
		f := math.Float64frombits(r.Uint64())
		if math.IsNaN(f) || math.IsInf(f, 0) {
			continue
		}
		check(f)
		check(math.Ldexp(r.Float64(), r.IntN(120)-60))
		check(math.Round(r.Float64()*1e6) / math.Pow(10, float64(r.IntN(8))))
	}
}
