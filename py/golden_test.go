package py

import (
	"compress/gzip"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math"
	"os"
	"strconv"
	"sync"
	"testing"
)

// vectors is testdata/py/vectors.json.gz, written by CPython 3.11 with
// scripts/gen_py_vectors.py (see there for the sections).
type vectors struct {
	Python     string `json:"python"`
	Unicode    string `json:"unicode"`
	Markupsafe string `json:"markupsafe"`
	Literals   []struct {
		Src   string `json:"src"`
		Repr  string `json:"repr"`
		Canon string `json:"canon"`
	} `json:"literals"`
	Random []string `json:"random"`
	// RandomOrder is, for each of Random, how it prints once its sets are
	// built again by adding their items in the printed order ("" when the
	// text is the same).
	RandomOrder []string `json:"random_order"`
	Errors      []struct {
		Src   string `json:"src"`
		Error string `json:"error"`
	} `json:"errors"`
	Strings []struct {
		Cps  []rune `json:"cps"`
		Repr string `json:"repr"`
	} `json:"strings"`
	Bytes []struct {
		Hex       string `json:"hex"`
		Repr      string `json:"repr"`
		ByteArray string `json:"bytearray"`
	} `json:"bytes"`
	Floats []struct {
		Bits string `json:"bits"`
		Repr string `json:"repr"`
	} `json:"floats"`
	Pool     []string `json:"pool"`
	Equal    []string `json:"equal"`
	Hashable string   `json:"hashable"`
	Dict     string   `json:"dict"`
}

var loadVectors = sync.OnceValues(func() (*vectors, error) {
	f, err := os.Open("../testdata/py/vectors.json.gz")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	var v vectors
	if err := json.NewDecoder(zr).Decode(&v); err != nil {
		return nil, err
	}
	return &v, nil
})

func golden(t *testing.T) *vectors {
	t.Helper()
	v, err := loadVectors()
	if err != nil {
		t.Fatalf("golden vectors: %v (regenerate with scripts/gen_py_vectors.py)", err)
	}
	return v
}

func TestGoldenVersions(t *testing.T) {
	v := golden(t)
	if v.Unicode != unicodeVersion {
		t.Errorf("vectors from Unicode %s, printable table from %s", v.Unicode, unicodeVersion)
	}
	if v.Python[:5] != "3.11." {
		t.Errorf("vectors from Python %s, want 3.11", v.Python)
	}
}

// TestGoldenLiterals: Python source as people write it reads as the value
// CPython's eval makes of it, and prints as CPython's repr.
func TestGoldenLiterals(t *testing.T) {
	for _, c := range golden(t).Literals {
		v, err := ParseLiteral(c.Src)
		if err != nil {
			t.Errorf("ParseLiteral(%q): %v", c.Src, err)
			continue
		}
		if got := canonRepr(v); got != c.Canon {
			t.Errorf("ParseLiteral(%q)\n got %s\nwant %s", c.Src, got, c.Canon)
			continue
		}
		if !hasMultiSet(v) {
			if got := Repr(v); got != c.Repr {
				t.Errorf("Repr(ParseLiteral(%q))\n got %s\nwant %s", c.Src, got, c.Repr)
			}
		}
		// CPython's own repr reads back to the same value.
		w, err := ParseLiteral(c.Repr)
		if err != nil {
			t.Errorf("ParseLiteral(%q): %v", c.Repr, err)
		} else if got := canonRepr(w); got != c.Canon {
			t.Errorf("ParseLiteral(%q)\n got %s\nwant %s", c.Repr, got, c.Canon)
		}
	}
}

// TestGoldenRandom: CPython's repr of random values reads back and prints
// again byte for byte, but for the sets whose order Repr works out: those
// print as CPython prints the set built again from the printed order.
func TestGoldenRandom(t *testing.T) {
	g := golden(t)
	if len(g.RandomOrder) != len(g.Random) {
		t.Fatalf("%d random_order for %d random", len(g.RandomOrder), len(g.Random))
	}
	for i, text := range g.Random {
		v, err := ParseLiteral(text)
		if err != nil {
			t.Errorf("ParseLiteral(%q): %v", text, err)
			continue
		}
		want := text
		if g.RandomOrder[i] != "" {
			want = g.RandomOrder[i]
		}
		if got := Repr(v); got != want {
			t.Errorf("Repr(ParseLiteral(%s))\n got %s\nwant %s", text, got, want)
		}
	}
}

// TestGoldenErrors: what CPython refuses to evaluate is an error here too.
func TestGoldenErrors(t *testing.T) {
	for _, c := range golden(t).Errors {
		v, err := ParseLiteral(c.Src)
		if err == nil {
			t.Errorf("ParseLiteral(%q) = %s, want an error (Python: %s)", c.Src, Repr(v), c.Error)
			continue
		}
		var se *SyntaxError
		if !errors.As(err, &se) || !errors.Is(err, ErrSyntax) {
			t.Errorf("ParseLiteral(%q): %T %v, want a *SyntaxError", c.Src, err, err)
			continue
		}
		if se.Offset < 0 || se.Offset > len(c.Src) || se.Line < 1 || se.Col < 1 {
			t.Errorf("ParseLiteral(%q): bad position in %+v", c.Src, se)
		}
	}
}

func TestGoldenStrings(t *testing.T) {
	for _, c := range golden(t).Strings {
		s := wtf8(c.Cps)
		if got := Repr(s); got != c.Repr {
			t.Errorf("Repr(%U)\n got %s\nwant %s", c.Cps, got, c.Repr)
			continue
		}
		v, err := ParseLiteral(c.Repr)
		if err != nil || v != s {
			t.Errorf("ParseLiteral(%s) = %q, %v; want %q", c.Repr, v, err, s)
		}
	}
}

func TestGoldenBytes(t *testing.T) {
	for _, c := range golden(t).Bytes {
		b, err := hex.DecodeString(c.Hex)
		if err != nil {
			t.Fatal(err)
		}
		if got := Repr(Bytes(b)); got != c.Repr {
			t.Errorf("Repr(Bytes(%x)) = %s, want %s", b, got, c.Repr)
		}
		if got := Repr(&ByteArray{Data: b}); got != c.ByteArray {
			t.Errorf("Repr(ByteArray(%x)) = %s, want %s", b, got, c.ByteArray)
		}
		for _, text := range []string{c.Repr, c.ByteArray} {
			v, err := ParseLiteral(text)
			if err != nil || !Equal(v, Bytes(b)) {
				t.Errorf("ParseLiteral(%s) = %v, %v", text, v, err)
			}
		}
	}
}

func TestGoldenFloats(t *testing.T) {
	for _, c := range golden(t).Floats {
		bits, err := strconv.ParseUint(c.Bits, 16, 64)
		if err != nil {
			t.Fatal(err)
		}
		f := math.Float64frombits(bits)
		if got := Repr(f); got != c.Repr {
			t.Errorf("Repr(%x) = %s, want %s", bits, got, c.Repr)
			continue
		}
		v, err := ParseLiteral(c.Repr)
		g, ok := v.(float64)
		if err != nil || !ok || (math.Float64bits(g) != bits && !(math.IsNaN(f) && math.IsNaN(g))) {
			t.Errorf("ParseLiteral(%s) = %v, %v", c.Repr, v, err)
		}
	}
}

// TestGoldenEqual: Equal and Hashable agree with CPython's == and hash()
// on every pair of a pool of values chosen to collide (1, 1.0, True,
// Decimal('1'), 'a' and Markup('a'), naive and aware datetimes, ...), and
// a Dict keyed by them keeps the keys CPython's dict keeps.
func TestGoldenEqual(t *testing.T) {
	g := golden(t)
	vals := make([]Value, len(g.Pool))
	for i, src := range g.Pool {
		v, err := ParseLiteral(src)
		if err != nil {
			t.Fatalf("ParseLiteral(%q): %v", src, err)
		}
		vals[i] = v
	}
	for i, a := range vals {
		if got, want := Hashable(a), g.Hashable[i] == '1'; got != want {
			t.Errorf("Hashable(%s) = %v, want %v", g.Pool[i], got, want)
		}
		for j, b := range vals {
			want := g.Equal[i][j]
			if want == 'x' {
				continue
			}
			if got := Equal(a, b); got != (want == '1') {
				t.Errorf("Equal(%s, %s) = %v, Python says %c", g.Pool[i], g.Pool[j], got, want)
			}
		}
	}
	d := NewDict(0)
	for i, v := range vals {
		if f, ok := v.(float64); ok && math.IsNaN(f) {
			continue
		}
		if Hashable(v) {
			d.Set(v, int64(i))
		}
	}
	if got := canonRepr(d); got != g.Dict {
		t.Errorf("dict of the pool\n got %s\nwant %s", got, g.Dict)
	}
}
