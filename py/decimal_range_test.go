package py

import "testing"

// The exponent bounds of CPython 3.11's decimal constructor (64-bit), as it
// answered for each of these strings.
func TestDecimalExponentBounds(t *testing.T) {
	for in, want := range map[string]string{
		"10e999999999999999999":      "",
		"1.0E+1000000000000000000":   "",
		"1e999999999999999999":       "1E+999999999999999999",
		"1e-1000000000000000018":     "1E-1000000000000000018",
		"1e-1999999999999999997":     "1E-1999999999999999997",
		"1e-1999999999999999998":     "",
		"12e-1999999999999999997":    "1.2E-1999999999999999996",
		"0.1e-1999999999999999997":   "",
		"10e999999999999999998":      "1.0E+999999999999999999",
		"0e999999999999999999":       "0E+999999999999999999",
		"0e1000000000000000000":      "",
		"0.00e999999999999999999":    "0E+999999999999999997",
		"1.5e999999999999999999":     "1.5E+999999999999999999",
		"1e9999999999999999999999":   "",
		"0e-99999999999999999999999": "",
	} {
		d, err := ParseDecimal(in)
		switch {
		case want == "" && err == nil:
			t.Errorf("ParseDecimal(%q) = %s, CPython refuses it", in, d)
		case want != "" && err != nil:
			t.Errorf("ParseDecimal(%q): %v, CPython gives %s", in, err, want)
		case want != "" && d.String() != want:
			t.Errorf("ParseDecimal(%q) = %s, CPython gives %s", in, d, want)
		}
		if err == nil {
			if back, err := ParseDecimal(d.String()); err != nil || back.String() != d.String() {
				t.Errorf("%s does not read back: %v", d, err)
			}
		}
	}
}
