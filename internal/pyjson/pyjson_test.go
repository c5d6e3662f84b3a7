package pyjson

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
	"unsafe"

	"github.com/flaskbridge/flaskbridge/py"
)

func TestAppendFloat(t *testing.T) {
	for f, want := range map[float64]string{math.Inf(1): "Infinity", math.Inf(-1): "-Infinity", math.NaN(): "NaN", 2.5: "2.5"} {
		if got := string(AppendFloat(nil, f)); got != want {
			t.Errorf("JSON %v: %s, want %s", f, got, want)
		}
	}
}

func TestAppendString(t *testing.T) {
	cases := map[string]string{
		"":                 `""`,
		"plain <>&/'":      `"plain <>&/'"`,
		"\"\\":             `"\"\\"`,
		"\b\f\n\r\t":       `"\b\f\n\r\t"`,
		"\x00\x1f\x7f":     `"\u0000\u001f\u007f"`,
		"caf\u00e9 \u20ac": `"caf\u00e9 \u20ac"`,
		"\U0001f600":       `"\ud83d\ude00"`,
		"\U0010ffff":       `"\udbff\udfff"`,
		"\xed\xa0\x80":     `"\ud800"`, // a lone surrogate in generalised UTF-8
		"a\xed\xbf\xbfb":   `"a\udfffb"`,
		"\ufeff\uffff":     `"\ufeff\uffff"`,
	}
	for in, want := range cases {
		got, err := AppendString(nil, in)
		if err != nil || string(got) != want {
			t.Errorf("%q: %s (%v), want %s", in, got, err, want)
		}
	}
	for _, bad := range []string{"\xff", "a\xc3", "\xed\xa0", "\xf4\x90\x80\x80", "\xc0\x80"} {
		if _, err := AppendString(nil, bad); !errors.Is(err, ErrString) {
			t.Errorf("%q: %v, want ErrString", bad, err)
		}
	}
}

func TestMarshal(t *testing.T) {
	cases := []struct {
		v    py.Value
		want string
	}{
		{py.DictOf("b", int64(1), "a", py.NewList(true, nil, 1.5), "\u00e9", "x"), `{"a": [true, null, 1.5], "b": 1, "\u00e9": "x"}`},
		{py.DictOf(int64(10), "a", int64(2), "b", true, "c", -0.5, "d"), `{"-0.5": "d", "true": "c", "2": "b", "10": "a"}`},
		{py.DictOf(nil, int64(1)), `{"null": 1}`},
		{py.Tuple{int64(1), py.Markup("m")}, `[1, "m"]`},
		{new(big.Int).Lsh(big.NewInt(1), 100), `1267650600228229401496703205376`},
		{py.NewList(math.NaN(), math.Inf(-1)), `[NaN, -Infinity]`},
	}
	for _, c := range cases {
		got, err := Marshal(c.v, EncodeOptions{})
		if err != nil || string(got) != c.want {
			t.Errorf("%s: %s (%v), want %s", py.Repr(c.v), got, err, c.want)
		}
	}
	compact, _ := Marshal(py.DictOf("a", py.NewList(int64(1), int64(2))), EncodeOptions{Compact: true})
	if string(compact) != `{"a":[1,2]}` {
		t.Errorf("compact: %s", compact)
	}
	for _, bad := range []py.Value{
		py.DictOf("a", int64(1), int64(2), "b"),
		py.DictOf(nil, int64(1), "a", int64(2)),
		py.DictOf(py.Tuple{int64(1)}, "x"),
		py.NewSet(int64(1)),
		py.Bytes("x"),
		new(big.Int).Exp(big.NewInt(10), big.NewInt(4300), nil),
	} {
		if _, err := Marshal(bad, EncodeOptions{}); !errors.Is(err, ErrType) && !errors.Is(err, ErrIntDigits) {
			t.Errorf("%s: %v, want a TypeError", py.Repr(bad), err)
		}
	}
	// A list that holds itself: Python reports a circular reference.
	l := py.NewList()
	l.Append(l)
	if _, err := Marshal(l, EncodeOptions{}); !errors.Is(err, ErrTooDeep) {
		t.Errorf("circular list: %v", err)
	}
}

func TestUnmarshal(t *testing.T) {
	cases := map[string]string{
		`{"b": 1, "a": [true, false, null]}`:                                   `{'b': 1, 'a': [True, False, None]}`,
		`{"a":1,"a":2,"b":3,"a":4}`:                                            `{'a': 4, 'b': 3}`,
		`{"ab":1,"ac":2,"ab":3,"":4,"":5,"ac":6}`:                              `{'ab': 3, 'ac': 6, '': 5}`,
		`["a","b" ,"c", "d\n","e",1,"f",["g","h"],"i"]`:                        `['a', 'b', 'c', 'd\n', 'e', 1, 'f', ['g', 'h'], 'i']`,
		`{"k":0,"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"k":8,"h":9,"k":10}`: `{'k': 10, 'a': 1, 'b': 2, 'c': 3, 'd': 4, 'e': 5, 'f': 6, 'g': 7, 'h': 9}`,
		`[1.5, -0.25, 12345678901234567.5, 0.1, 9007199254740993.0, 1234567890123456789, 12345678901234567890, -18]`: `[1.5, -0.25, 1.2345678901234568e+16, 0.1, 9007199254740992.0, 1234567890123456789, 12345678901234567890, -18]`,
		`[NaN, Infinity, -Infinity, -0, -0.0, 1E5, 1e400]`:                                                           `[nan, inf, -inf, 0, -0.0, 100000.0, inf]`,
		`123456789012345678901234567890`:                                                                             `123456789012345678901234567890`,
		`-9223372036854775808`:                                                                                       `-9223372036854775808`,
		`"\ud800\udc00 \udc00\ud800 \ud800\u0041 \/"`:                                                                `'𐀀 \udc00\ud800 \ud800A /'`,
		` {"a" : [ 1 , 2 ] } `:                                                                                       `{'a': [1, 2]}`,
		"\"\\u00e9\x7f\"":                                                                                            `'é\x7f'`,
	}
	for in, want := range cases {
		v, err := Unmarshal([]byte(in), DecodeOptions{})
		if err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		if got := py.Repr(v); got != want {
			t.Errorf("%s: %s, want %s", in, got, want)
		}
	}
	errs := map[string]int{ // the offset of the error
		`[1,2`: 4, `{"a":1,}`: 7, `[1,]`: 3, `01`: 1, `1.`: 1, `.5`: 0, `1e`: 1, `-`: 0, `"\x41"`: 1,
		`"\u12"`: 1, "\"a\tb\"": 2, "\ufeff{}": 0, `nul`: 0, `"unterminated`: 0, `{"a" 1}`: 5, `{1:2}`: 1,
		"\"\xff\"": 1, ``: 0, `[] []`: 3, `[1,`: 3, `["a",`: 5, `["a`: 1, `["a"`: 4,
	}
	for in, off := range errs {
		_, err := Unmarshal([]byte(in), DecodeOptions{})
		var se *SyntaxError
		if !errors.As(err, &se) || !errors.Is(err, ErrSyntax) {
			t.Errorf("%q: %v, want a SyntaxError", in, err)
			continue
		}
		if se.Offset != off {
			t.Errorf("%q: offset %d, want %d (%v)", in, se.Offset, off, err)
		}
	}
}

func TestLimits(t *testing.T) {
	deep := strings.Repeat("[", 501) + strings.Repeat("]", 501)
	if _, err := Unmarshal([]byte(deep), DecodeOptions{}); !errors.Is(err, ErrTooDeep) {
		t.Errorf("501 levels: %v", err)
	}
	if _, err := Unmarshal([]byte(deep[1:len(deep)-1]), DecodeOptions{}); err != nil {
		t.Errorf("500 levels: %v", err)
	}
	if _, err := Unmarshal([]byte(`[[[1]]]`), DecodeOptions{MaxDepth: 2}); !errors.Is(err, ErrTooDeep) {
		t.Errorf("MaxDepth 2: %v", err)
	}
	if _, err := Unmarshal([]byte(strings.Repeat("9", 4300)), DecodeOptions{}); err != nil {
		t.Errorf("4300 digits: %v", err)
	}
	if _, err := Unmarshal([]byte("-"+strings.Repeat("9", 4301)), DecodeOptions{}); !errors.Is(err, ErrIntDigits) {
		t.Errorf("4301 digits: %v", err)
	}
}

func TestHook(t *testing.T) {
	var seen []string
	hook := func(key string, v py.Value) (py.Value, bool, error) {
		seen = append(seen, key)
		if key == "x" {
			return py.Tuple{v}, true, nil
		}
		if key == "bad" {
			return nil, false, errors.New("refused")
		}
		return nil, false, nil
	}
	v, err := Unmarshal([]byte(`{"a": {"x": {"x": 1}}, "b": {"y": 2}}`), DecodeOptions{Hook: hook})
	if err != nil {
		t.Fatal(err)
	}
	if got := py.Repr(v); got != `{'a': ((1,),), 'b': {'y': 2}}` {
		t.Errorf("got %s", got)
	}
	if strings.Join(seen, ",") != "x,x,y" {
		t.Errorf("hook order %v", seen)
	}
	_, err = Unmarshal([]byte(`[{"bad": 1}]`), DecodeOptions{Hook: hook})
	var se *SyntaxError
	if !errors.As(err, &se) || se.Offset != 10 || se.Err.Error() != "refused" {
		t.Errorf("hook error: %v", err)
	}
}

// FuzzUnmarshal checks that decoding never panics, and that what decodes
// encodes back to text that decodes to the same value.
func FuzzUnmarshal(f *testing.F) {
	for _, s := range []string{`{"a": [1, 2.5, "x", null, true]}`, `"\ud800"`, `[NaN, -Infinity]`, `{"a":1,"a":2}`,
		`123456789012345678901234567890`, `[[[[]]]]`, `"\u00e9\ud83d\ude00"`, `{" t": [1]}`, `-0.0`, `1e400`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := Unmarshal(data, DecodeOptions{})
		if err != nil {
			return
		}
		text, err := Marshal(v, EncodeOptions{Compact: true})
		if err != nil {
			t.Fatalf("%q decodes to %s, which does not encode: %v", data, py.Repr(v), err)
		}
		w, err := Unmarshal(text, DecodeOptions{})
		if err != nil {
			t.Fatalf("%q: own text %s does not decode: %v", data, text, err)
		}
		again, _ := Marshal(w, EncodeOptions{Compact: true})
		if string(again) != string(text) {
			t.Fatalf("%q: %s then %s", data, text, again)
		}
	})
}

// shortDecimal is decimal of the decimal number intPart.fracPart
// (intPart with its sign), as number reads it: ok is false beyond 19
// digits.
func shortDecimal(intPart, fracPart string) (float64, bool) {
	neg := strings.HasPrefix(intPart, "-")
	intPart = strings.TrimPrefix(intPart, "-")
	if len(intPart)+len(fracPart) > 19 {
		return 0, false
	}
	var m uint64
	for _, c := range intPart + fracPart {
		m = m*10 + uint64(c-'0')
	}
	return decimal(m, len(fracPart), neg)
}

// TestShortDecimal compares the fast path for decimals of up to 19 digits
// with strconv.ParseFloat: random ones of every length, and ones at or next
// to the halfway points between floats (ties to even), where the fast path
// must give up rather than round the wrong way.
func TestShortDecimal(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	check := func(ip, fp string) bool {
		text := ip + "." + fp
		want, _ := strconv.ParseFloat(text, 64)
		got, ok := shortDecimal(ip, fp)
		if digits := len(strings.TrimPrefix(ip, "-")) + len(fp); ok && digits > 19 {
			t.Fatalf("%s: ok with %d digits", text, digits)
		}
		if ok && math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("%s: %v, want %v", text, got, want)
		}
		return ok
	}
	fast := 0
	for i := 0; i < 1000000; i++ {
		nd := 1 + rng.IntN(20)
		digits := []byte(fmt.Sprintf("%020d", rng.Uint64()))[:nd]
		if digits[0] == '0' {
			digits[0] = '1' + byte(rng.IntN(9))
		}
		cut := rng.IntN(nd)
		ip, fp := string(digits[:cut]), string(digits[cut:])
		if ip == "" {
			ip = "0"
		}
		if rng.IntN(2) == 0 {
			ip = "-" + ip
		}
		if check(ip, fp) {
			fast++
		}
	}
	if fast < 900000 {
		t.Errorf("the fast path took %d of 1,000,000", fast)
	}
	// Halfway points and their neighbours: n + 0.5 for floats n with a
	// step of 1, and the midpoints of floats with a step of 2^-k written
	// out with up to 19 digits.
	for i := 0; i < 200000; i++ {
		var text string
		switch i % 3 {
		case 0:
			n := uint64(1)<<52 + rng.Uint64N(1<<52)
			text = strconv.FormatUint(n, 10) + ".5"
		case 1:
			n := uint64(1)<<53 + 2*rng.Uint64N(1<<52) + 1 // odd: halfway between two floats
			text = strconv.FormatUint(n, 10) + ".0"
		default:
			f := math.Float64frombits(math.Float64bits(float64(rng.Uint64N(1<<20)+1)) + uint64(rng.IntN(1000)))
			mid := new(big.Float).SetPrec(200).Add(big.NewFloat(f), big.NewFloat(math.Nextafter(f, math.Inf(1))))
			mid.Quo(mid, big.NewFloat(2))
			text = mid.Text('f', -1)
			if !strings.Contains(text, ".") {
				text += ".0"
			}
		}
		dot := strings.IndexByte(text, '.')
		for _, d := range []int{0, 1, -1} {
			ip, fp := text[:dot], text[dot+1:]
			if d != 0 {
				// A neighbour: the last digit one up or down.
				b := []byte(fp)
				if c := b[len(b)-1]; (d > 0 && c < '9') || (d < 0 && c > '0') {
					b[len(b)-1] = byte(int(c) + d)
				}
				fp = string(b)
			}
			check(ip, fp)
		}
	}
	for _, text := range []string{"-0.0", "0.0", "999999999999999.0", "0.000000000000001", "123456789012345.6",
		"16.990000000000002", "9007199254740993.0", "4503599627370496.5", "0.3000000000000000444", "1.0000000000000000000"} {
		v, err := Unmarshal([]byte(text), DecodeOptions{})
		want, _ := strconv.ParseFloat(text, 64)
		if f, ok := v.(float64); err != nil || !ok || math.Float64bits(f) != math.Float64bits(want) {
			t.Errorf("%s: %v (%v), want %v", text, v, err, want)
		}
	}
}

// TestKeysInterned checks that equal keys of one document share one
// string, as the keys json.loads makes share one str object, beyond the
// table of interned keys too, and that two documents share nothing.
func TestKeysInterned(t *testing.T) {
	var b strings.Builder
	b.WriteString("[")
	for i := 0; i < 300; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"k%d":1,"common":2,"":3}`, i%100)
	}
	b.WriteString("]")
	seen := map[string]*byte{}
	var first *py.List
	for round := 0; round < 2; round++ {
		v, err := Unmarshal([]byte(b.String()), DecodeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		l := v.(*py.List)
		if round == 0 {
			first = l
		}
		for _, it := range l.Items {
			for k := range it.(*py.Dict).Keys() {
				s := k.(string)
				p := unsafe.StringData(s)
				if q, ok := seen[s]; !ok {
					seen[s] = p
				} else if round == 0 && q != p && s != "" {
					t.Fatalf("key %q: two strings", s)
				} else if round == 1 && q == p && s != "" {
					t.Fatalf("key %q: shared with the first document", s)
				}
			}
		}
		if round == 0 {
			clear(seen)
			for _, it := range l.Items {
				for k := range it.(*py.Dict).Keys() {
					seen[k.(string)] = unsafe.StringData(k.(string))
				}
			}
		}
	}
	if len(first.Items) != 300 {
		t.Errorf("%d items", len(first.Items))
	}
}

// TestListsApart checks nested and sibling arrays (whose items stay where
// they were read, or are copied): the right items, and appending to one
// list never changes another.
func TestListsApart(t *testing.T) {
	var big strings.Builder
	big.WriteString("[")
	for i := 0; i < 2000; i++ {
		if i > 0 {
			big.WriteString(",")
		}
		fmt.Fprintf(&big, `[%d,[%d],{"a":[%d,%d]}]`, i, i, i, i+1)
	}
	big.WriteString("]")
	for _, text := range []string{
		`[[1,2],[3,[4,5]],6]`, `{"a":[1,2],"b":[3],"c":[[],[7,[8]]]}`, `[[[[1]]],2,[3,4,5]]`,
		`[` + strings.Repeat(`"x",`, 999) + `"y"]`, big.String(),
	} {
		v, err := Unmarshal([]byte(text), DecodeOptions{})
		if err != nil {
			t.Fatalf("%.40s: %v", text, err)
		}
		if got, _ := Marshal(v, EncodeOptions{Compact: true}); string(got) != text {
			t.Fatalf("%.40s: reads back as %.40s", text, got)
		}
		var lists []*py.List
		var walk func(py.Value)
		walk = func(v py.Value) {
			switch x := v.(type) {
			case *py.List:
				lists = append(lists, x)
				for _, it := range x.Items {
					walk(it)
				}
			case *py.Dict:
				for _, val := range x.All() {
					walk(val)
				}
			}
		}
		walk(v)
		for _, l := range lists {
			l.Items = append(l.Items, "appended")
		}
		for _, l := range lists {
			for _, it := range l.Items[:len(l.Items)-1] {
				if it == "appended" {
					t.Fatalf("%.40s: an append to one list changed another", text)
				}
			}
		}
	}
}

// TestAppendStringWords compares the eight-byte scan of AppendString with
// the byte-by-byte one on strings of every byte at every position.
func TestAppendStringWords(t *testing.T) {
	slow := func(s string) string {
		var b strings.Builder
		for i := 0; i < len(s); i++ {
			out, _ := AppendString(nil, s[i:i+1])
			b.Write(out[1 : len(out)-1])
		}
		return `"` + b.String() + `"`
	}
	for c := 0; c < 0x80; c++ {
		for pos := 0; pos < 17; pos++ {
			s := []byte(strings.Repeat("abcdefgh", 3))[:17]
			s[pos] = byte(c)
			got, err := AppendString(nil, string(s))
			if want := slow(string(s)); err != nil || string(got) != want {
				t.Fatalf("%q: %s (%v), want %s", s, got, err, want)
			}
		}
	}
	for _, s := range []string{"\u00e9abcdefgh", "abcdefg\u00e9", "abcdefgh\u20ac", strings.Repeat("~", 16) + "\x7f", "\xed\xa0\x80abcdefgh"} {
		got, err := AppendString(nil, s)
		var want []byte
		for _, r := range s {
			w, _ := AppendString(nil, string(r))
			want = append(want, w[1:len(w)-1]...)
		}
		if err != nil || (utf8.ValidString(s) && string(got) != `"`+string(want)+`"`) {
			t.Errorf("%q: %s (%v)", s, got, err)
		}
	}
}

// FuzzShortDecimal compares the fast path for decimals with
// strconv.ParseFloat on fuzzed digits.
func FuzzShortDecimal(f *testing.F) {
	f.Add(uint64(1699), uint64(0), 2)
	f.Add(uint64(16990000000000002), uint64(0), 15)
	f.Add(uint64(9007199254740993), uint64(0), 1)
	f.Add(uint64(45035996273704965), uint64(0), 1)
	f.Fuzz(func(t *testing.T, m, neg uint64, k int) {
		digits := strconv.FormatUint(m, 10)
		if k < 1 || k > len(digits) {
			return
		}
		ip, fp := digits[:len(digits)-k], digits[len(digits)-k:]
		if ip == "" {
			ip = "0"
		}
		if neg&1 == 1 {
			ip = "-" + ip
		}
		want, _ := strconv.ParseFloat(ip+"."+fp, 64)
		if got, ok := shortDecimal(ip, fp); ok && math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("%s.%s: %v, want %v", ip, fp, got, want)
		}
	})
}

// TestAppendItemsErrorClears checks that a refused dict leaves nothing of
// its entries in the buffer past what AppendItems returns, which callers
// keep in pools.
func TestAppendItemsErrorClears(t *testing.T) {
	for _, d := range []*py.Dict{
		py.DictOf("a", "secret", "b", "secret", py.Tuple{int64(1)}, int64(1)), // a key type json.dumps refuses
		py.DictOf("a", "secret", int64(1), "secret"),                          // str and int keys together
	} {
		buf := make([]Item, 1, 16)
		buf[0] = Item{Key: "kept", Value: "kept"}
		out, err := AppendItems(buf, d)
		if !errors.Is(err, ErrType) || len(out) != 1 || out[0].Key != "kept" {
			t.Fatalf("%v: %d items, %v", d, len(out), err)
		}
		for i, it := range out[1:cap(out)] {
			if it != (Item{}) {
				t.Errorf("%v: item %d past the end holds %v", d, i+1, it)
			}
		}
	}
}

// TestPresizeBounded checks that the first stack of array items stays
// bounded for a text whose commas sit inside a string: the first list read
// keeps that stack's memory.
func TestPresizeBounded(t *testing.T) {
	var b slabs
	text := `["` + strings.Repeat(",", 1<<20) + `"]`
	if n := b.presize(countText(text), true); n > 4096 {
		t.Fatalf("presize hints %d items for a one-item array", n)
	}
	v, err := Unmarshal([]byte(text), DecodeOptions{})
	if l, ok := v.(*py.List); err != nil || !ok || len(l.Items) != 1 {
		t.Fatalf("%v, %v", v, err)
	}
}

// TestNumbers compares the numbers Unmarshal reads with strconv and
// math/big, which agree with float() and int(): random ints and decimals of
// 1 to 25 digits, signed or not, with and without exponents.
func TestNumbers(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	digits := func(n int, lead bool) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = '0' + byte(rng.IntN(10))
		}
		if !lead && n > 1 && b[0] == '0' {
			b[0] = '1' + byte(rng.IntN(9))
		}
		return string(b)
	}
	for i := 0; i < 300000; i++ {
		text := digits(1+rng.IntN(25), false)
		if rng.IntN(2) == 0 {
			text = "-" + text
		}
		float := false
		if rng.IntN(3) > 0 {
			text += "." + digits(1+rng.IntN(20), true)
			float = true
		}
		if rng.IntN(6) == 0 {
			text += "e" + strconv.Itoa(rng.IntN(40)-20)
			float = true
		}
		v, err := Unmarshal([]byte(text), DecodeOptions{})
		if err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		if float {
			want, _ := strconv.ParseFloat(text, 64)
			if got, ok := v.(float64); !ok || math.Float64bits(got) != math.Float64bits(want) {
				t.Fatalf("%s: %#v, want %v", text, v, want)
			}
			continue
		}
		want, _ := new(big.Int).SetString(text, 10)
		switch got := v.(type) {
		case int64:
			if !want.IsInt64() || want.Int64() != got {
				t.Fatalf("%s: %d, want %s", text, got, want)
			}
		case *big.Int:
			if want.IsInt64() || want.Cmp(got) != 0 {
				t.Fatalf("%s: %s, want %s", text, got, want)
			}
		default:
			t.Fatalf("%s: %#v", text, v)
		}
	}
}

// TestLongStringArrays checks arrays of plain strings longer than the
// slabs, alone and inside other arrays, against the strings written.
func TestLongStringArrays(t *testing.T) {
	for _, n := range []int{1, 7, 8, 9, 511, 512, 513, 5000} {
		want := make([]string, n)
		var b strings.Builder
		b.WriteString(`[["x"],[`)
		for i := range want {
			want[i] = strconv.Itoa(i * 7919)
			if i > 0 {
				b.WriteString(",")
				if i%97 == 0 {
					b.WriteString(" ")
				}
			}
			b.WriteString(`"` + want[i] + `"`)
		}
		b.WriteString(`],"y"]`)
		v, err := Unmarshal([]byte(b.String()), DecodeOptions{})
		if err != nil {
			t.Fatalf("%d: %v", n, err)
		}
		outer := v.(*py.List).Items
		if len(outer) != 3 || outer[2] != "y" || py.Repr(outer[0]) != "['x']" {
			t.Fatalf("%d: %s", n, py.Repr(v))
		}
		got := outer[1].(*py.List).Items
		if len(got) != n {
			t.Fatalf("%d: %d items", n, len(got))
		}
		for i, g := range got {
			if g != want[i] {
				t.Fatalf("%d: item %d is %v, want %s", n, i, g, want[i])
			}
		}
	}
}

// TestLargeObject checks an object with more entries than a slab's dict
// holds, a repeated key among them: the first place, the last value, and
// every key found through the dict's index.
func TestLargeObject(t *testing.T) {
	var b strings.Builder
	b.WriteString("{")
	for i := range 100 {
		fmt.Fprintf(&b, `"k%d":%d,`, i, i)
	}
	b.WriteString(`"k5":-1}`)
	v, err := Unmarshal([]byte(b.String()), DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	d := v.(*py.Dict)
	if d.Len() != 100 {
		t.Fatalf("%d entries", d.Len())
	}
	for i := range 100 {
		want := int64(i)
		if i == 5 {
			want = -1
		}
		if k, _ := d.At(i); k != fmt.Sprintf("k%d", i) {
			t.Fatalf("entry %d is %v", i, k)
		}
		if got, ok := d.Get(fmt.Sprintf("k%d", i)); !ok || got != want {
			t.Fatalf("k%d: %v %v", i, got, ok)
		}
	}
}
