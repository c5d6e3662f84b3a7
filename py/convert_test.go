package py

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"
)

type Base struct {
	ID      int    `py:"id"`
	Created string `py:"created,omitempty"`
}

type inner struct {
	Promoted string
}

type Address struct {
	City string `py:"city"`
}

type User struct {
	Base
	inner
	*Address
	Name     string            `py:"name"`
	Email    string            `py:"email,omitempty"`
	Password string            `py:"-"`
	Roles    []string          `py:"roles"`
	Prefs    map[string]string `py:"prefs,omitempty"`
	Seen     time.Time         `py:"seen,omitzero"`
	Untagged int
	private  int
}

// Money is a Marshaler and Unmarshaler: cents as a Decimal.
type Money int64

func (m Money) MarshalPy() (Value, error) {
	return ParseDecimal(fmt.Sprintf("%d.%02d", m/100, m%100))
}

func (m *Money) UnmarshalPy(v Value) error {
	d, ok := v.(Decimal)
	if !ok {
		return fmt.Errorf("%w: Money wants a Decimal, not %s", ErrType, TypeName(v))
	}
	var units, cents int64
	if _, err := fmt.Sscanf(d.String(), "%d.%d", &units, &cents); err != nil {
		return err
	}
	*m = Money(units*100 + cents)
	return nil
}

// ptrMarshaler has MarshalPy on the pointer only.
type ptrMarshaler struct{ n int }

func (p *ptrMarshaler) MarshalPy() (Value, error) { return Tuple{"ptr", int64(p.n)}, nil }

type failing struct{}

func (failing) MarshalPy() (Value, error) { return nil, errors.New("cannot marshal") }

func TestValueOf(t *testing.T) {
	seen := time.Date(2024, 5, 1, 12, 30, 0, 123456789, time.FixedZone("CEST", 7200))
	tests := []struct {
		in   any
		want string
	}{
		{nil, "None"},
		{true, "True"},
		{42, "42"},
		{int8(-8), "-8"},
		{uint64(math.MaxUint64), "18446744073709551615"},
		{uintptr(7), "7"},
		{float32(0.5), "0.5"},
		{3.25, "3.25"},
		{"s", "'s'"},
		{[]byte("ab"), "b'ab'"},
		{[3]byte{1, 2, 3}, `b'\x01\x02\x03'`},
		{[]int{1, 2}, "[1, 2]"},
		{[]string(nil), "[]"},
		{[2]bool{true, false}, "[True, False]"},
		{[]any{1, "a", nil, []any{}}, "[1, 'a', None, []]"},
		{map[string]any{"b": 1, "a": []int{2}}, "{'a': [2], 'b': 1}"},
		{map[int]string{10: "x", -1: "y", 2: "z"}, "{-1: 'y', 2: 'z', 10: 'x'}"},
		{map[string]int(nil), "{}"},
		{map[string]struct{}{"b": {}, "a": {}}, "{'a', 'b'}"},
		{time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC), "datetime.datetime(2024, 5, 1, 12, 0, tzinfo=datetime.timezone.utc)"},
		{seen, "datetime.datetime(2024, 5, 1, 12, 30, 0, 123456, tzinfo=datetime.timezone(datetime.timedelta(seconds=7200)))"},
		{90 * time.Minute, "datetime.timedelta(seconds=5400)"},
		{-time.Nanosecond, "datetime.timedelta(days=-1, seconds=86399, microseconds=999999)"},
		{Money(1999), "Decimal('19.99')"},
		{&ptrMarshaler{3}, "('ptr', 3)"},
		{[]ptrMarshaler{{4}}, "[('ptr', 4)]"},
		{netip.MustParseAddr("10.0.0.1"), "'10.0.0.1'"},
		{big.NewInt(5), "5"},
		{*big.NewInt(6), "6"},
		{(*int)(nil), "None"},
		{new(int), "0"},
		{Markup("<b>"), "Markup('<b>')"},
		{Tuple{1, "a"}, "(1, 'a')"},
		{DateTime{Year: 2024, Month: 1, Day: 1}, "datetime.datetime(2024, 1, 1, 0, 0)"},
		{*DictOf("a", 1), "{'a': 1}"},
		{(*Dict)(nil), "None"},
		{&Global{"m", "f"}, "<global m.f>"},
		{User{Base: Base{ID: 7}, inner: inner{"p"}, Name: "ana", Password: "secret", Roles: []string{"admin"}, Untagged: 1, private: 2},
			"{'id': 7, 'Promoted': 'p', 'name': 'ana', 'roles': ['admin'], 'Untagged': 1}"},
		{&User{Address: &Address{"Lyon"}, Email: "a@b", Prefs: map[string]string{"k": "v"}, Seen: seen},
			"{'id': 0, 'Promoted': '', 'city': 'Lyon', 'name': '', 'email': 'a@b', 'roles': [], 'prefs': {'k': 'v'}, 'seen': datetime.datetime(2024, 5, 1, 12, 30, 0, 123456, tzinfo=datetime.timezone(datetime.timedelta(seconds=7200))), 'Untagged': 0}"},
	}
	for _, tt := range tests {
		v, err := ValueOf(tt.in)
		if err != nil {
			t.Errorf("ValueOf(%#v): %v", tt.in, err)
			continue
		}
		if got := Repr(v); got != tt.want {
			t.Errorf("ValueOf(%#v)\n got %s\nwant %s", tt.in, got, tt.want)
		}
	}
}

// TestValueOfPassThrough: values of the model come back as they are.
func TestValueOfPassThrough(t *testing.T) {
	l := NewList(1)
	d := DictOf("a", 1)
	for _, v := range []Value{l, d, NewSet(), &ByteArray{}, NewOrderedDict(), &Object{}} {
		got, err := ValueOf(v)
		if err != nil || got != v {
			t.Errorf("ValueOf(%T) = %p, %v", v, got, err)
		}
	}
	n, _ := new(big.Int).SetString("123456789012345678901234567890", 10)
	if got, _ := ValueOf(n); got != n {
		t.Errorf("big int copied")
	}
	if got, _ := ValueOf(big.NewInt(-3)); got != int64(-3) {
		t.Errorf("small big int: %#v", got)
	}
	b := []byte("xy")
	v, _ := ValueOf(b)
	b[0] = 'Z'
	if Repr(v) != "b'xy'" {
		t.Errorf("[]byte not copied: %s", Repr(v))
	}
}

// Embedding rules as encoding/json has them.
type (
	E1 struct {
		X int
		Y int `py:"y"`
	}
	E2 struct {
		X int
		Z int
	}
	E3 struct {
		V int `py:"X"`
	}
	embedBoth struct {
		E1
		E2
	}
	embedTagged struct {
		E1 `py:"e1"`
		Z  string
	}
	embedShallow struct {
		E1
		X string
	}
	embedTagWins struct {
		E1
		E3
	}
	embedTwice struct {
		embedShallow
		E1
	}
)

func TestValueOfEmbedding(t *testing.T) {
	tests := []struct {
		in   any
		want string
	}{
		{embedBoth{E1{1, 2}, E2{3, 4}}, "{'y': 2, 'Z': 4}"},                // X is ambiguous: dropped
		{embedTagged{E1{1, 2}, "z"}, "{'e1': {'X': 1, 'y': 2}, 'Z': 'z'}"}, // a tagged embedding is a field
		{embedShallow{E1{1, 2}, "x"}, "{'y': 2, 'X': 'x'}"},                // the shallower field wins; order by index
		{embedTagWins{E1{1, 2}, E3{3}}, "{'y': 2, 'X': 3}"},                // the tagged one of two at one depth
		{embedTwice{embedShallow{E1{1, 2}, "x"}, E1{5, 6}}, "{'y': 6}"},    // X twice at depth 2: dropped; the deeper E1 is not followed
	}
	for _, tt := range tests {
		v, err := ValueOf(tt.in)
		if err != nil {
			t.Errorf("ValueOf(%#v): %v", tt.in, err)
			continue
		}
		if got := Repr(v); got != tt.want {
			t.Errorf("ValueOf(%T)\n got %s\nwant %s", tt.in, got, tt.want)
		}
	}
}

type cyclic struct {
	Next *cyclic
}

func TestValueOfErrors(t *testing.T) {
	c := &cyclic{}
	c.Next = c
	tests := []struct {
		in       any
		path     string
		sentinel error
	}{
		{make(chan int), "", ErrUnsupported},
		{map[string]any{"a": []any{1, func() {}}}, "a[1]", ErrUnsupported},
		{struct {
			C complex128 `py:"c c"`
		}{}, `['c c']`, ErrUnsupported},
		{c, "", ErrUnsupported},
		{map[any]int{1: 1, 1.0: 2}, "[1.0]", ErrUnsupported},
		{map[[2]int]bool{{1, 2}: true}, "[[1, 2]]", ErrUnhashable},
		{time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), "", ErrRange},
		{[]any{failing{}}, "[0]", nil},
	}
	for _, tt := range tests {
		_, err := ValueOf(tt.in)
		var ce *ConvertError
		if !errors.As(err, &ce) {
			t.Errorf("ValueOf(%T): %v, want a *ConvertError", tt.in, err)
			continue
		}
		if tt.sentinel != nil && !errors.Is(err, tt.sentinel) {
			t.Errorf("ValueOf(%T): %v, want %v", tt.in, err, tt.sentinel)
		}
		if ce.Path != tt.path && !(tt.in == any(c) && strings.HasPrefix(ce.Path, "Next.Next")) {
			t.Errorf("ValueOf(%T): path %q, want %q (%v)", tt.in, ce.Path, tt.path, err)
		}
	}
}

type Item struct {
	SKU   string  `py:"sku"`
	Qty   int8    `py:"qty"`
	Price float64 `py:"price"`
}

type Cart struct {
	Items []Item          `py:"cart"`
	Owner *User           `py:"owner"`
	Total Money           `py:"total"`
	Tags  map[string]bool `py:"tags"`
	Raw   Value           `py:"raw"`
	At    time.Time       `py:"at"`
	TTL   time.Duration   `py:"ttl"`
	IP    netip.Addr      `py:"ip"`
	Token [4]byte         `py:"token"`
}

func mustParse(t *testing.T, text string) Value {
	t.Helper()
	v, err := ParseLiteral(text)
	if err != nil {
		t.Fatalf("ParseLiteral(%s): %v", text, err)
	}
	return v
}

func TestDecode(t *testing.T) {
	v := mustParse(t, `{'cart': [{'sku': 'A', 'qty': 2, 'price': Decimal('9.99')}, {'sku': Markup('B'), 'qty': 1, 'price': 5}],
		'owner': {'id': 7, 'name': 'ana', 'city': 'Lyon', 'roles': ('a', 'b'), 'Promoted': 'p', 'unknown': 1, 5: 'x'},
		'total': Decimal('15.99'), 'tags': {'x', 'y'}, 'raw': [1, {2}],
		'at': datetime.datetime(2024, 5, 1, 14, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=2))),
		'ttl': datetime.timedelta(minutes=90), 'ip': '10.0.0.1', 'token': b'abcd'}`)
	var c Cart
	if err := Decode(v, &c); err != nil {
		t.Fatal(err)
	}
	want := Cart{
		Items: []Item{{"A", 2, 9.99}, {"B", 1, 5}},
		Owner: &User{Base: Base{ID: 7}, inner: inner{"p"}, Address: &Address{"Lyon"}, Name: "ana", Roles: []string{"a", "b"}},
		Total: 1599,
		Tags:  map[string]bool{"x": true, "y": true},
		At:    time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC),
		TTL:   90 * time.Minute,
		IP:    netip.MustParseAddr("10.0.0.1"),
		Token: [4]byte{'a', 'b', 'c', 'd'},
	}
	raw := c.Raw
	c.Raw = nil
	if !c.At.Equal(want.At) {
		t.Errorf("At = %v, want %v", c.At, want.At)
	}
	if _, off := c.At.Zone(); off != 7200 {
		t.Errorf("At keeps its offset: %v", c.At)
	}
	c.At = want.At
	if !reflect.DeepEqual(c, want) {
		t.Errorf("Decode\n got %+v\nwant %+v", c, want)
	}
	if raw != v.(*Dict).entries[4].Value {
		t.Errorf("an any field gets the model value itself: %#v", raw)
	}
}

func TestDecodeTargets(t *testing.T) {
	check := func(text string, out any, want any) {
		t.Helper()
		if err := Decode(mustParse(t, text), out); err != nil {
			t.Errorf("Decode(%s, %T): %v", text, out, err)
			return
		}
		if got := reflect.ValueOf(out).Elem().Interface(); !reflect.DeepEqual(got, want) {
			t.Errorf("Decode(%s, %T) = %#v, want %#v", text, out, got, want)
		}
	}
	check(`5`, new(int), 5)
	check(`-128`, new(int8), int8(-128))
	check(`255`, new(uint8), uint8(255))
	check(`18446744073709551615`, new(uint64), uint64(math.MaxUint64))
	check(`5`, new(float64), 5.0)
	check(`Decimal('0.1')`, new(float64), 0.1)
	check(`1.5`, new(float32), float32(1.5))
	check(`'s'`, new(string), "s")
	check(`Markup('<b>')`, new(string), "<b>")
	check(`'s'`, new(Markup), Markup("s"))
	check(`'\ud800'`, new(string), "\xed\xa0\x80")
	check(`bytearray(b'ab')`, new([]byte), []byte("ab"))
	check(`b'ab'`, new(Bytes), Bytes("ab"))
	check(`[1, 2]`, new([]byte), []byte{1, 2})
	check(`(1, 2)`, new([2]int), [2]int{1, 2})
	check(`frozenset({3})`, new([]int), []int{3})
	check(`{'a': 1}`, new(map[string]int), map[string]int{"a": 1})
	check(`OrderedDict([(1, 'x')])`, new(map[int]string), map[int]string{1: "x"})
	check(`{1, 2}`, new(map[int]struct{}), map[int]struct{}{1: {}, 2: {}})
	check(`{(1, 2): 'x'}`, new(map[[2]int]string), map[[2]int]string{{1, 2}: "x"})
	check(`datetime.datetime(2024, 5, 1, 12, 0)`, new(time.Time), time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC))
	check(`datetime.date(2024, 5, 1)`, new(time.Time), time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC))
	check(`-datetime.timedelta(microseconds=1)`, new(time.Duration), -time.Microsecond)
	check(`123456789012345678901234567890`, new(big.Int), *mustBig("123456789012345678901234567890"))
	check(`5`, new(*big.Int), big.NewInt(5))
	check(`(1, 'a')`, new(Tuple), Tuple{int64(1), "a"})
	check(`datetime.timedelta(1)`, new(TimeDelta), TimeDelta{Days: 1})
	check(`{'a': 1}`, new(Dict), *DictOf("a", int64(1)))
	check(`None`, new(*int), (*int)(nil))
	check(`5`, new(*int), ptrTo(5))
	check(`5`, new(any), any(int64(5)))
	var f float64
	if err := Decode(mustParse(t, `Decimal('NaN')`), &f); err != nil || !math.IsNaN(f) {
		t.Errorf("Decode(Decimal('NaN')) = %v, %v", f, err)
	}
	var s fmt.Stringer
	if err := Decode(NewList(), &s); err != nil || s.(*List) == nil {
		t.Errorf("Decode into fmt.Stringer: %v", err)
	}
}

func ptrTo[T any](v T) *T { return &v }

func mustBig(s string) *big.Int {
	n, _ := new(big.Int).SetString(s, 10)
	return n
}

// TestDecodeNone: None sets what can be nil and leaves the rest, as JSON's
// null does.
func TestDecodeNone(t *testing.T) {
	s := struct {
		N int            `py:"n"`
		P *int           `py:"p"`
		L []int          `py:"l"`
		M map[string]int `py:"m"`
		A any            `py:"a"`
	}{N: 3, P: new(int), L: []int{1}, M: map[string]int{}, A: 1}
	if err := Decode(mustParse(t, `{'n': None, 'p': None, 'l': None, 'm': None, 'a': None}`), &s); err != nil {
		t.Fatal(err)
	}
	if s.N != 3 || s.P != nil || s.L != nil || s.M != nil || s.A != nil {
		t.Errorf("got %+v", s)
	}
}

func TestDecodeCopies(t *testing.T) {
	v := mustParse(t, `[b'ab', bytearray(b'cd')]`)
	var out [][]byte
	if err := Decode(v, &out); err != nil {
		t.Fatal(err)
	}
	out[0][0], out[1][0] = 'X', 'Y'
	if got := Repr(v); got != `[b'ab', bytearray(b'cd')]` {
		t.Errorf("decoded bytes share memory with the value: %s", got)
	}
	var b Bytes
	src := Bytes("xy")
	if err := Decode(src, &b); err != nil {
		t.Fatal(err)
	}
	b[0] = 'Z'
	if string(src) != "xy" {
		t.Errorf("Bytes shared")
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		text     string
		out      any
		path     string
		sentinel error
	}{
		{`{'cart': [{}, {}, {}, {'sku': 'x', 'price': 'cheap'}]}`, new(Cart), "cart[3].price", ErrType},
		{`{'cart': [{'qty': 300}]}`, new(Cart), "cart[0].qty", ErrRange},
		{`{'owner': {'roles': ['a', 1]}}`, new(Cart), "owner.roles[1]", ErrType},
		{`{'total': 5}`, new(Cart), "total", ErrType},
		{`{'at': datetime.time(1, 0)}`, new(Cart), "at", ErrType},
		{`{'ip': 'not an ip'}`, new(Cart), "ip", nil},
		{`{'token': b'abc'}`, new(Cart), "token", ErrType},
		{`{'ttl': datetime.timedelta(days=999999999)}`, new(Cart), "ttl", ErrRange},
		{`True`, new(int), "", ErrType},
		{`1.0`, new(int), "", ErrType},
		{`Decimal('1')`, new(int), "", ErrType},
		{`1`, new(bool), "", ErrType},
		{`-1`, new(uint), "", ErrRange},
		{`18446744073709551616`, new(uint64), "", ErrRange},
		{`9223372036854775808`, new(int64), "", ErrRange},
		{`1e300`, new(float32), "", ErrRange},
		{`True`, new(float64), "", ErrType},
		{`Decimal('sNaN')`, new(float64), "", ErrRange},
		{`b'x'`, new(string), "", ErrType},
		{`'x'`, new([]byte), "", ErrType},
		{`[1, 2, 3]`, new([2]int), "", ErrType},
		{`{'a b': 'x'}`, new(map[string]int), `['a b']`, ErrType},
		{`{1: 2}`, new(map[string]int), "[1]", ErrType},
		{`{1, 2}`, new(map[int]int), "", ErrType},
		{`[1]`, new(struct{ A int }), "", ErrType},
		{`'x'`, new(fmt.Stringer), "", ErrType},
		{`{'a': 1}`, new(*OrderedDict), "", ErrType},
		{`[1]`, new(Tuple), "", ErrType},
		{`datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)`, new(Date), "", ErrType},
		{`{'x': 1}`, new(chan int), "", ErrUnsupported},
	}
	for _, tt := range tests {
		err := Decode(mustParse(t, tt.text), tt.out)
		var ce *ConvertError
		if !errors.As(err, &ce) {
			t.Errorf("Decode(%s, %T): %v, want a *ConvertError", tt.text, tt.out, err)
			continue
		}
		if tt.sentinel != nil && !errors.Is(err, tt.sentinel) {
			t.Errorf("Decode(%s, %T): %v, want %v", tt.text, tt.out, err, tt.sentinel)
		}
		if ce.Path != tt.path {
			t.Errorf("Decode(%s, %T): path %q, want %q (%v)", tt.text, tt.out, ce.Path, tt.path, err)
		}
	}
	err := Decode(mustParse(t, `{'cart': [{}, {'price': 'x'}]}`), new(Cart))
	if want := "py: cart[1].price: type mismatch: cannot decode str into Go float64"; err == nil || err.Error() != want {
		t.Errorf("Error() = %v, want %s", err, want)
	}
	for _, out := range []any{nil, 5, Cart{}, (*Cart)(nil)} {
		if err := Decode(int64(1), out); !errors.Is(err, ErrUnsupported) {
			t.Errorf("Decode into %#v: %v", out, err)
		}
	}
}

func TestDecodeUnknownKeys(t *testing.T) {
	v := mustParse(t, `{'sku': 'a', 'color': 'red'}`)
	var it Item
	if err := Decode(v, &it); err != nil || it.SKU != "a" {
		t.Errorf("unknown keys are ignored by default: %v %+v", err, it)
	}
	err := DecodeOptions{DisallowUnknownKeys: true}.Decode(v, &it)
	var ce *ConvertError
	if !errors.Is(err, ErrUnknownKey) || !errors.As(err, &ce) || ce.Path != "color" {
		t.Errorf("DisallowUnknownKeys: %v", err)
	}
}

// TestDecodeObjectState: an instance of an unknown class decodes from its
// state dict, as a Python object from its __dict__.
func TestDecodeObjectState(t *testing.T) {
	o := &Object{Kind: ObjectNewObj, Callable: Global{"app", "Item"}, HasState: true,
		State: Tuple{DictOf("sku", "a"), DictOf("qty", int64(3))}}
	var it Item
	if err := Decode(o, &it); err != nil || it != (Item{SKU: "a", Qty: 3}) {
		t.Errorf("Decode(object) = %+v, %v", it, err)
	}
}

func TestDecodeTimeUnknownZone(t *testing.T) {
	v := DateTime{Year: 2024, Month: 1, Day: 1, TZ: &Object{Callable: Global{"zoneinfo", "ZoneInfo"}, Args: Tuple{"Europe/Paris"}}}
	var tm time.Time
	if err := Decode(v, &tm); !errors.Is(err, ErrUnknownTZ) {
		t.Errorf("Decode: %v, want ErrUnknownTZ", err)
	}
}

// TestConvertRoundTrip: ValueOf then Decode gives the Go value back.
func TestConvertRoundTrip(t *testing.T) {
	in := Cart{
		Items: []Item{{"A", 2, 9.99}},
		Owner: &User{Base: Base{ID: 7, Created: "now"}, Address: &Address{"Lyon"}, Name: "ana", Roles: []string{}, Prefs: map[string]string{"k": "v"},
			Seen: time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)},
		Total: 1234,
		Tags:  map[string]bool{"x": true},
		Raw:   int64(5),
		At:    time.Date(2024, 5, 1, 12, 0, 0, 5000, time.UTC),
		TTL:   time.Hour,
		IP:    netip.MustParseAddr("::1"),
		Token: [4]byte{1, 2, 3, 4},
	}
	v, err := ValueOf(in)
	if err != nil {
		t.Fatal(err)
	}
	var out Cart
	if err := Decode(v, &out); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, out) {
		t.Errorf("round trip\n got %+v\nwant %+v", out, in)
	}
	// The text goes through ParseLiteral too.
	w, err := ParseLiteral(Repr(v))
	if err != nil || Repr(w) != Repr(v) {
		t.Errorf("ParseLiteral(Repr(v)): %v\n%s\n%s", err, Repr(w), Repr(v))
	}
}
