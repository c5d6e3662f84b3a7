package py_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/flaskbridge/flaskbridge/py"
)

func TestAppendFloatRepr(t *testing.T) {
	cases := map[float64]string{
		0: "0.0", math.Copysign(0, -1): "-0.0", 1: "1.0", -1.5: "-1.5", 0.1: "0.1", 1e16: "1e+16",
		1e15: "1000000000000000.0", 1e-5: "1e-05", 1e-4: "0.0001", 0.0001234: "0.0001234", 123456789.0: "123456789.0",
		1.5e-7: "1.5e-07", 1e100: "1e+100", 5e-324: "5e-324", math.MaxFloat64: "1.7976931348623157e+308",
		1234567890123456.0: "1234567890123456.0", 12345678901234567.0: "1.2345678901234568e+16",
		math.Inf(1): "inf", math.Inf(-1): "-inf", math.NaN(): "nan", 1.0 / 3: "0.3333333333333333", 2.5e-300: "2.5e-300",
		100: "100.0",
	}
	for f, want := range cases {
		if got := string(py.AppendFloatRepr(nil, f)); got != want {
			t.Errorf("%v: %s, want %s", f, got, want)
		}
	}
}

// TestAppendFloatReprBounds checks the positional fast path against the
// general one around its bounds and on random floats.
func TestAppendFloatReprBounds(t *testing.T) {
	general := func(f float64) string {
		// The repr from strconv's 'e' digits, as CPython lays them out.
		b := strconv.AppendFloat(nil, math.Abs(f), 'e', -1, 64)
		e := strings.IndexByte(string(b), 'e')
		exp, _ := strconv.Atoi(string(b[e+1:]))
		digits := strings.Replace(string(b[:e]), ".", "", 1)
		sign := ""
		if math.Signbit(f) {
			sign = "-"
		}
		decpt := exp + 1
		switch {
		case decpt <= -4 || decpt > 16:
			m := digits[:1]
			if len(digits) > 1 {
				m += "." + digits[1:]
			}
			return fmt.Sprintf("%s%se%+03d", sign, m, decpt-1)
		case decpt <= 0:
			return sign + "0." + strings.Repeat("0", -decpt) + digits
		case decpt >= len(digits):
			return sign + digits + strings.Repeat("0", decpt-len(digits)) + ".0"
		}
		return sign + digits[:decpt] + "." + digits[decpt:]
	}
	fs := []float64{1e-4, math.Nextafter(1e-4, 0), math.Nextafter(1e-4, 1), 1e16, math.Nextafter(1e16, 0),
		1e15, 9999999999999998, 0.1, 4.99, 16.990000000000002, 123456789, 1e-5, 5e-324, math.MaxFloat64}
	rng := rand.New(rand.NewPCG(11, 12))
	for i := 0; i < 100000; i++ {
		fs = append(fs, math.Float64frombits(rng.Uint64()), (rng.Float64()-0.5)*math.Pow(10, float64(rng.IntN(40)-20)))
	}
	for _, f := range fs {
		if math.IsNaN(f) || math.IsInf(f, 0) || f == 0 {
			continue
		}
		for _, g := range []float64{f, -f} {
			if got, want := string(py.AppendFloatRepr(nil, g)), general(g); got != want {
				t.Fatalf("%b: %s, want %s", g, got, want)
			}
		}
	}
}
