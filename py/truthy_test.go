package py

import (
	"math"
	"math/big"
	"testing"
)

// TestTruthy: bool() of each kind of value, empty or zero and not.
func TestTruthy(t *testing.T) {
	dec := func(s string) Decimal {
		d, err := ParseDecimal(s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	for _, tc := range []struct {
		v    Value
		want bool
	}{
		{nil, false}, {false, false}, {true, true},
		{int64(0), false}, {int64(-1), true},
		{new(big.Int), false}, {big.NewInt(1), true},
		{0.0, false}, {math.Copysign(0, -1), false}, {math.NaN(), true}, {0.5, true},
		{"", false}, {"a", true}, {Markup(""), false}, {Markup("a"), true},
		{Bytes(nil), false}, {Bytes("a"), true},
		{&ByteArray{}, false}, {&ByteArray{Data: []byte("a")}, true},
		{&List{}, false}, {&List{Items: []Value{nil}}, true},
		{Tuple{}, false}, {Tuple{nil}, true},
		{NewDict(0), false}, {DictOf("a", nil), true},
		{NewSet(), false}, {NewSet(int64(1)), true}, {NewOrderedDict(), false},
		{TimeDelta{}, false}, {TimeDelta{Microseconds: 1}, true},
		{dec("0"), false}, {dec("-0.00"), false}, {dec("0E+5"), false},
		{dec("NaN"), true}, {dec("0.1"), true},
		{Date{Year: 2024, Month: 1, Day: 1}, true}, {Time{}, true},
		{UUID{}, true}, {&Object{}, true},
	} {
		if got := Truthy(tc.v); got != tc.want {
			t.Errorf("Truthy(%s) = %v, want %v", Repr(tc.v), got, tc.want)
		}
	}
	for _, v := range []Value{(*big.Int)(nil), (*List)(nil), (*ByteArray)(nil), (*Dict)(nil), (*OrderedDict)(nil), (*Set)(nil)} {
		if Truthy(v) {
			t.Errorf("Truthy(%T(nil)) = true, want false", v)
		}
	}
}
