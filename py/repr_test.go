package py

import (
	"fmt"
	"math"
	"math/big"
	"strings"
	"testing"
	"time"
)

func mustDecimal(s string) Decimal {
	d, err := ParseDecimal(s)
	if err != nil {
		panic(err)
	}
	return d
}

func td(days, secs, us int64) TimeDelta {
	t, err := NewTimeDelta(days, secs, us)
	if err != nil {
		panic(err)
	}
	return t
}

func TestRepr(t *testing.T) {
	big1, _ := new(big.Int).SetString("-123456789012345678901234567890", 10)
	cest := TimeZone{Offset: td(0, 7200, 0), Name: "CEST", HasName: true}
	tests := []struct {
		v    Value
		want string
	}{
		{nil, "None"},
		{true, "True"},
		{false, "False"},
		{int64(0), "0"},
		{int64(math.MinInt64), "-9223372036854775808"},
		{big1, "-123456789012345678901234567890"},
		{int(7), "7"},
		{int8(-8), "-8"},
		{uint8(255), "255"},
		{uint64(math.MaxUint64), "18446744073709551615"},
		{0.0, "0.0"},
		{math.Copysign(0, -1), "-0.0"},
		{1.0, "1.0"},
		{1.5, "1.5"},
		{0.1, "0.1"},
		{1e16, "1e+16"},
		{1e15, "1000000000000000.0"},
		{1e-5, "1e-05"},
		{1e-4, "0.0001"},
		{123456789.0, "123456789.0"},
		{1.5e300, "1.5e+300"},
		{5e-324, "5e-324"},
		{1e22, "1e+22"},
		{math.MaxFloat64, "1.7976931348623157e+308"},
		{math.Inf(1), "inf"},
		{math.Inf(-1), "-inf"},
		{math.NaN(), "nan"},
		{float32(0.5), "0.5"},
		{float32(0.1), "0.10000000149011612"},
		{"", "''"},
		{"abc", "'abc'"},
		{"it's", `"it's"`},
		{`say "hi"`, `'say "hi"'`},
		{`both ' and "`, `'both \' and "'`},
		{"a\\b", `'a\\b'`},
		{"\t\n\r\x00\x1f\x7f", `'\t\n\r\x00\x1f\x7f'`},
		{"\u0080\u00a0\u00ad\u00e9", `'\x80\xa0\xadé'`},
		{"\u200b\u2028\ufeff\uffff", `'\u200b\u2028\ufeff\uffff'`},
		{"\U0001f600\U000e0001\U0010ffff", `'😀\U000e0001\U0010ffff'`},
		{"\xed\xa0\xbd\xed\xb8\x80", `'\ud83d\ude00'`}, // a surrogate pair kept as two lone surrogates
		{"a\xffb\xc3", `'a\udcffb\udcc3'`},             // bytes that are not UTF-8
		{Markup("<b>it's</b>"), `Markup("<b>it's</b>")`},
		{Bytes(nil), "b''"},
		{Bytes("it's"), `b"it's"`},
		{Bytes("'\""), `b'\'"'`},
		{Bytes("\x00\t\n\r\x7f\x80\xff\\"), `b'\x00\t\n\r\x7f\x80\xff\\'`},
		{&ByteArray{}, "bytearray(b'')"},
		{&ByteArray{Data: []byte("it's")}, `bytearray(b"it\'s")`},
		{&ByteArray{Data: []byte("'\"")}, `bytearray(b'\'"')`},
		{NewList(), "[]"},
		{NewList(int64(1), "a", nil), "[1, 'a', None]"},
		{Tuple{}, "()"},
		{Tuple(nil), "()"},
		{Tuple{int64(1)}, "(1,)"},
		{Tuple{int64(1), int64(2)}, "(1, 2)"},
		{NewDict(0), "{}"},
		{DictOf("a", int64(1), int64(2), Tuple{}), "{'a': 1, 2: ()}"},
		{NewOrderedDict(), "OrderedDict()"},
		{func() Value { d := NewOrderedDict(); d.Set("a", int64(1)); d.Set("b", NewList()); return d }(), "OrderedDict([('a', 1), ('b', [])])"},
		{NewSet(), "set()"},
		{NewFrozenSet(), "frozenset()"},
		{NewSet(int64(1), int64(2)), "{1, 2}"},
		{NewFrozenSet(int64(1)), "frozenset({1})"},
		{NewSet(int64(1), true, 1.0), "{1}"},
		{DateTime{Year: 2024, Month: 1, Day: 2}, "datetime.datetime(2024, 1, 2, 0, 0)"},
		{DateTime{Year: 2024, Month: 1, Day: 2, Second: 5}, "datetime.datetime(2024, 1, 2, 0, 0, 5)"},
		{DateTime{Year: 2024, Month: 1, Day: 2, Microsecond: 7}, "datetime.datetime(2024, 1, 2, 0, 0, 0, 7)"},
		{DateTime{Year: 2024, Month: 11, Day: 3, Hour: 1, Minute: 30, Fold: 1, TZ: TimeZone{}}, "datetime.datetime(2024, 11, 3, 1, 30, fold=1, tzinfo=datetime.timezone.utc)"},
		{DateTime{Year: 2024, Month: 5, Day: 1, Hour: 12, TZ: cest}, "datetime.datetime(2024, 5, 1, 12, 0, tzinfo=datetime.timezone(datetime.timedelta(seconds=7200), 'CEST'))"},
		{Date{Year: 2024, Month: 2, Day: 29}, "datetime.date(2024, 2, 29)"},
		{Time{}, "datetime.time(0, 0)"},
		{Time{Hour: 1, Second: 2}, "datetime.time(1, 0, 2)"},
		{Time{Hour: 1, Microsecond: 2}, "datetime.time(1, 0, 0, 2)"},
		{Time{Hour: 1, Fold: 1, TZ: FixedZone(-3600)}, "datetime.time(1, 0, tzinfo=datetime.timezone(datetime.timedelta(days=-1, seconds=82800)), fold=1)"},
		{TimeDelta{}, "datetime.timedelta(0)"},
		{td(-1, 5, 7), "datetime.timedelta(days=-1, seconds=5, microseconds=7)"},
		{td(0, 0, 1), "datetime.timedelta(microseconds=1)"},
		{td(3, 0, 0), "datetime.timedelta(days=3)"},
		{TimeDelta{Seconds: -1}, "datetime.timedelta(days=-1, seconds=86399)"}, // normalised as Python holds it
		{TimeZone{}, "datetime.timezone.utc"},
		{FixedZone(0), "datetime.timezone.utc"},
		{TimeZone{Name: "UTC", HasName: true}, "datetime.timezone(datetime.timedelta(0), 'UTC')"},
		{FixedZone(7200), "datetime.timezone(datetime.timedelta(seconds=7200))"},
		{mustDecimal("1.50"), "Decimal('1.50')"},
		{mustDecimal("-0"), "Decimal('-0')"},
		{mustDecimal("1e10"), "Decimal('1E+10')"},
		{mustDecimal("snan12"), "Decimal('sNaN12')"},
		{UUID{Bytes: [16]byte{0x12, 0x34, 0x56, 0x78, 0x12, 0x34, 0x56, 0x78, 0x12, 0x34, 0x56, 0x78, 0x12, 0x34, 0x56, 0x78}}, "UUID('12345678-1234-5678-1234-567812345678')"},
		{Global{Module: "myapp.models", Name: "User"}, "<global myapp.models.User>"},
		{&Global{Module: "builtins", Name: "set"}, "<global builtins.set>"},
		{Global{Module: "a b", Name: "c>"}, "<global 'a b' 'c>'>"},
		{&Object{Kind: ObjectNewObj, Callable: Global{"myapp.models", "User"}, HasState: true, State: DictOf("id", int64(7))},
			"<object myapp.models.User() state={'id': 7}>"},
		{&Object{Kind: ObjectReduce, Callable: Global{"copyreg", "_reconstructor"}, Args: Tuple{Global{"m", "C"}, Global{"builtins", "object"}, nil}},
			"<reduce copyreg._reconstructor(<global m.C>, <global builtins.object>, None)>"},
		{&Object{Kind: ObjectNewObjEx, Callable: Global{"m", "C"}, Args: Tuple{int64(1)}, Kwargs: DictOf("k", int64(2)),
			ListItems: []Value{int64(3)}, DictItems: []DictEntry{{Key: "x", Value: int64(4)}}},
			"<object m.C(1, **{'k': 2}) listitems=[3] dictitems={'x': 4}>"},
		{DateTime{Year: 2024, Month: 1, Day: 1, TZ: &Object{Callable: Global{"zoneinfo", "ZoneInfo"}, Args: Tuple{"Europe/Paris"}}},
			"datetime.datetime(2024, 1, 1, 0, 0, tzinfo=<reduce zoneinfo.ZoneInfo('Europe/Paris')>)"},
		{(*List)(nil), "None"},
		{(*Dict)(nil), "None"},
		{(*big.Int)(nil), "None"},
		{(*Object)(nil), "None"},
		{[]string{"a", "b"}, "['a', 'b']"},
		{map[string]int{"b": 2, "a": 1}, "{'a': 1, 'b': 2}"},
		{struct {
			A int `py:"a"`
		}{3}, "{'a': 3}"},
		{make(chan int), "<Go chan int>"},
	}
	for _, tt := range tests {
		if got := Repr(tt.v); got != tt.want {
			t.Errorf("Repr(%#v)\n got %s\nwant %s", tt.v, got, tt.want)
		}
		if got := string(AppendRepr([]byte("x"), tt.v)); got != "x"+tt.want {
			t.Errorf("AppendRepr(%#v) = %s", tt.v, got)
		}
	}
}

// TestReprRecursive: a container that holds itself prints as CPython
// prints it.
func TestReprRecursive(t *testing.T) {
	l := NewList()
	l.Append(l)
	d := NewDict(0)
	d.Set("a", d)
	od := NewOrderedDict()
	od.Set("a", od)
	od2 := NewOrderedDict()
	od2.Set("x", NewList(od2))
	l2 := NewList()
	tup := Tuple{l2}
	l2.Append(tup)
	o := &Object{Callable: Global{"m", "C"}}
	o.State, o.HasState = NewList(o), true
	s := NewSet()
	s.Add(&Object{Callable: Global{"m", "S"}, HasState: true, State: NewList()})
	self := make(Tuple, 1)
	self[0] = self
	tests := []struct {
		v    Value
		want string
	}{
		{l, "[[...]]"},
		{d, "{'a': {...}}"},
		{od, "OrderedDict([('a', ...)])"},
		{od2, "OrderedDict([('x', [...])])"},
		{l2, "[([...],)]"},
		{tup, "([(...)],)"},
		{o, "<reduce m.C() state=[<...>]>"},
		{self, "((...),)"},
		{NewList(l2, l2), "[[([...],)], [([...],)]]"}, // shared, not recursive
	}
	for _, tt := range tests {
		if got := Repr(tt.v); got != tt.want {
			t.Errorf("got %s, want %s", got, tt.want)
		}
	}
	// Deep nesting past the linear lookups.
	deep := NewList()
	cur := deep
	for range 100 {
		n := NewList()
		cur.Append(n)
		cur = n
	}
	cur.Append(deep)
	if got := Repr(deep); !strings.HasSuffix(got, "[[...]]"+strings.Repeat("]", 100)) {
		t.Errorf("deep recursive list: ...%s", got[len(got)-120:])
	}
}

func TestStringers(t *testing.T) {
	tests := []struct {
		v    fmt.Stringer
		want string
	}{
		{NewList(int64(1)), "[1]"},
		{Tuple{"a"}, "('a',)"},
		{DictOf("a", nil), "{'a': None}"},
		{NewOrderedDict(), "OrderedDict()"},
		{NewFrozenSet(), "frozenset()"},
		{&ByteArray{Data: []byte("x")}, "bytearray(b'x')"},
		{DateTimeOf(time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)), "datetime.datetime(2024, 5, 1, 12, 0, tzinfo=datetime.timezone.utc)"},
		{Date{Year: 2024, Month: 5, Day: 1}, "datetime.date(2024, 5, 1)"},
		{Time{Hour: 12}, "datetime.time(12, 0)"},
		{TimeDeltaOf(90 * time.Second), "datetime.timedelta(seconds=90)"},
		{TimeZone{}, "datetime.timezone.utc"},
		{Global{"m", "f"}, "<global m.f>"},
		{&Object{Callable: Global{"m", "f"}}, "<reduce m.f()>"},
	}
	for _, tt := range tests {
		if got := tt.v.String(); got != tt.want {
			t.Errorf("String() = %s, want %s", got, tt.want)
		}
		if got := fmt.Sprint(tt.v); got != tt.want {
			t.Errorf("fmt.Sprint = %s, want %s", got, tt.want)
		}
	}
}

func TestIsPrintable(t *testing.T) {
	tests := []struct {
		r    rune
		want bool
	}{
		{' ', true}, {'~', true}, {0x7f, false}, {0x1f, false}, {0xa0, false}, {0xa1, true}, {0xad, false},
		{0xe9, true}, {0x377, true}, {0x378, false}, {0x200b, false}, {0x2028, false}, {0xd800, false},
		{0xfffd, true}, {0xffff, false}, {0x10000, true}, {0x1f600, true}, {0x1faf6, true}, {0x1faf7, false}, // U+1FAF6 came with Unicode 14, U+1FAF7 with 15
		{0xe0001, false}, {0x10ffff, false}, {0x110000, false}, {-1, false},
	}
	for _, tt := range tests {
		if got := isPrintable(tt.r); got != tt.want {
			t.Errorf("isPrintable(%U) = %v, want %v", tt.r, got, tt.want)
		}
	}
}

// TestReprLargeInt: an int beyond CPython's 4300-digit repr limit still
// prints (CPython raises ValueError).
func TestReprLargeInt(t *testing.T) {
	n := new(big.Int).Exp(big.NewInt(10), big.NewInt(5000), nil)
	if got := Repr(n); len(got) != 5001 || got[0] != '1' {
		t.Errorf("Repr(10**5000) has %d characters", len(got))
	}
}

func TestReprAllocs(t *testing.T) {
	v := benchSession()
	allocs := testing.AllocsPerRun(100, func() { _ = Repr(v) })
	// One growing buffer, and the few Decimal and UUID strings.
	if allocs > 40 {
		t.Errorf("Repr of a session: %.0f allocations", allocs)
	}
}
