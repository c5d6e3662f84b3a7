package py

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/flaskbridge/flaskbridge/internal/pyharness"
)

// The tests in this file run CPython 3.11 (venv flask31, with markupsafe)
// through internal/pyharness and scripts/pyops/pyvalues.py. They are
// skipped when the venv is missing, unless FLASKBRIDGE_REQUIRE_PYTHON=1.

const pyVenv = "flask31"

type pyRoundtrip struct {
	Repr  string `json:"repr"`
	Canon string `json:"canon"`
	Error string `json:"error"`
}

// roundtrip has CPython evaluate each text and print it again, in batches.
func roundtrip(t *testing.T, h *pyharness.Helper, texts []string) []pyRoundtrip {
	t.Helper()
	var out []pyRoundtrip
	for len(texts) > 0 {
		n := min(len(texts), 400)
		var res []pyRoundtrip
		h.MustCall(t, "pyvalues.roundtrip", map[string]any{"texts": texts[:n]}, &res)
		out = append(out, res...)
		texts = texts[n:]
	}
	return out
}

// TestCrossGoValues: for thousands of random values built in Go, CPython
// evaluates Repr(v) and prints it again exactly as Repr(v) (sets compared
// regardless of order, which CPython chooses by hash), and ParseLiteral
// reads CPython's repr back to v.
func TestCrossGoValues(t *testing.T) {
	h := pyharness.Start(t, pyVenv)
	for seed := uint64(1); seed <= 4; seed++ {
		g := newGen(seed)
		g.invalidUTF8 = seed%2 == 0
		vals := make([]Value, 1000)
		texts := make([]string, len(vals))
		for i := range vals {
			vals[i] = g.value(3)
			texts[i] = Repr(vals[i])
		}
		failures := 0
		for i, res := range roundtrip(t, h, texts) {
			v := vals[i]
			if res.Error != "" {
				t.Errorf("CPython cannot evaluate %s: %s", texts[i], res.Error)
				failures++
			} else if want := canonRepr(v); res.Canon != want {
				t.Errorf("CPython reads %s\n as %s\nwant %s", texts[i], res.Canon, want)
				failures++
			} else if !hasMultiSet(v) && res.Repr != texts[i] {
				t.Errorf("CPython prints %s\n as %s", texts[i], res.Repr)
				failures++
			} else {
				w, err := ParseLiteral(res.Repr)
				if err != nil {
					t.Errorf("ParseLiteral(CPython's %s): %v", res.Repr, err)
					failures++
				} else if got := canonRepr(w); got != res.Canon {
					t.Errorf("ParseLiteral(CPython's %s)\n got %s", res.Repr, got)
					failures++
				}
			}
			if failures > 10 {
				t.Fatal("too many failures")
			}
		}
	}
}

// TestCrossPythonValues: CPython's repr of random values built in Python
// reads back and prints again byte for byte, set order included: a set
// that Repr orders prints as CPython prints the set built again from the
// printed order (pyvalues.ordered_repr).
func TestCrossPythonValues(t *testing.T) {
	h := pyharness.Start(t, pyVenv)
	failures := 0
	for seed := 1; seed <= 4; seed++ {
		var res []struct {
			Repr  string `json:"repr"`
			Order string `json:"order"`
		}
		h.MustCall(t, "pyvalues.random_values", map[string]any{"seed": seed, "n": 1000, "depth": 4}, &res)
		for _, r := range res {
			v, err := ParseLiteral(r.Repr)
			if err != nil {
				t.Errorf("ParseLiteral(%s): %v", r.Repr, err)
				failures++
			} else if got := Repr(v); got != r.Order {
				t.Errorf("Repr(ParseLiteral(%s))\n got %s\nwant %s", r.Repr, got, r.Order)
				failures++
			}
			if failures > 10 {
				t.Fatal("too many failures")
			}
		}
	}
}

// TestCrossAllCodePoints: Repr of a str agrees with CPython for every code
// point, surrogates included.
func TestCrossAllCodePoints(t *testing.T) {
	h := pyharness.Start(t, pyVenv)
	const chunk = 2048
	var batch [][]rune
	check := func() {
		var reprs []string
		h.MustCall(t, "pyvalues.str_reprs", map[string]any{"codepoints": batch}, &reprs)
		for i, cps := range batch {
			if got := Repr(wtf8(cps)); got != reprs[i] {
				for _, r := range cps {
					if g, w := Repr(wtf8([]rune{r})), reprOne(t, h, r); g != w {
						t.Errorf("Repr(%U) = %s, CPython %s", r, g, w)
					}
				}
				t.Fatalf("Repr of U+%04X..U+%04X differs from CPython's", cps[0], cps[len(cps)-1])
			}
		}
		batch = batch[:0]
	}
	for lo := rune(0); lo <= 0x10ffff; lo += chunk {
		cps := make([]rune, 0, chunk)
		for r := lo; r < lo+chunk && r <= 0x10ffff; r++ {
			cps = append(cps, r)
		}
		batch = append(batch, cps)
		if len(batch) == 32 {
			check()
		}
	}
	if len(batch) > 0 {
		check()
	}
}

func reprOne(t *testing.T, h *pyharness.Helper, r rune) string {
	var reprs []string
	h.MustCall(t, "pyvalues.str_reprs", map[string]any{"codepoints": [][]rune{{r}}}, &reprs)
	return reprs[0]
}

// TestCrossPrintableTable: the generated table is CPython 3.11's
// str.isprintable(), run for run.
func TestCrossPrintableTable(t *testing.T) {
	h := pyharness.Start(t, pyVenv)
	var res struct {
		Runs    [][2]rune `json:"runs"`
		Unicode string    `json:"unicode"`
	}
	h.MustCall(t, "pyvalues.printable_runs", nil, &res)
	if res.Unicode != unicodeVersion {
		t.Fatalf("CPython has Unicode %s, the table %s: run scripts/gen_printable.py", res.Unicode, unicodeVersion)
	}
	var ours [][2]rune
	for i := 0; i < len(printable16); i += 2 {
		ours = append(ours, [2]rune{rune(printable16[i]), rune(printable16[i+1])})
	}
	for i := 0; i < len(printable32); i += 2 {
		ours = append(ours, [2]rune{rune(printable32[i]), rune(printable32[i+1])})
	}
	if len(ours) != len(res.Runs) {
		t.Fatalf("%d runs, CPython %d", len(ours), len(res.Runs))
	}
	for i := range ours {
		if ours[i] != res.Runs[i] {
			t.Fatalf("run %d: %U, CPython %U", i, ours[i], res.Runs[i])
		}
	}
}

// eqPool holds values chosen to collide under Python's ==: numbers of
// every type, str and Markup, bytes and bytearray, naive and aware
// datetimes at one instant, empty containers.
var eqPool = []string{
	`None`, `True`, `False`, `0`, `1`, `-1`, `2`, `0.0`, `-0.0`, `1.0`, `1.5`, `0.1`, `0.5`, `inf`, `-inf`,
	`9007199254740992`, `9007199254740993`, `9007199254740992.0`, `9223372036854775807`,
	`9223372036854775808`, `9223372036854775808.0`, `18446744073709551616`, `-9223372036854775809`,
	`Decimal('0')`, `Decimal('-0')`, `Decimal('1')`, `Decimal('1.00')`, `Decimal('1.5')`, `Decimal('0.1')`,
	`Decimal('0.5')`, `Decimal('NaN')`, `Decimal('Infinity')`, `Decimal('-Infinity')`, `Decimal('9223372036854775808')`,
	`Decimal('1E+2')`, `100`, `100.0`, `Decimal('1E-1074')`, `5e-324`,
	`'a'`, `Markup('a')`, `''`, `Markup('')`, `'1'`, `b'a'`, `bytearray(b'a')`, `b''`, `bytearray()`,
	`()`, `(1,)`, `(1.0,)`, `(True,)`, `[]`, `[1]`, `[1.0]`, `{}`, `{1: 2}`, `{1.0: 2}`, `{True: 2.0}`,
	`OrderedDict()`, `OrderedDict([(1, 2)])`, `OrderedDict([(1, 2), (3, 4)])`, `OrderedDict([(3, 4), (1, 2)])`,
	`{1: 2, 3: 4}`, `set()`, `frozenset()`, `{1}`, `frozenset({1})`, `frozenset({1.0})`, `{True}`, `{1, 2}`,
	`frozenset({2, 1})`, `frozenset({frozenset()})`, `frozenset({1, 'a'})`, `{Markup('a'), 1.0}`,
	`datetime.datetime(2024, 1, 1, 12, 0)`, `datetime.datetime(2024, 1, 1, 12, 0, fold=1)`,
	`datetime.datetime(2024, 1, 1, 12, 0, tzinfo=datetime.timezone.utc)`,
	`datetime.datetime(2024, 1, 1, 14, 0, tzinfo=datetime.timezone(datetime.timedelta(seconds=7200)))`,
	`datetime.datetime(2024, 1, 1, 12, 0, tzinfo=datetime.timezone(datetime.timedelta(0), 'UTC'))`,
	`datetime.datetime(2023, 12, 31, 23, 0, tzinfo=datetime.timezone(datetime.timedelta(days=-1, seconds=82800)))`,
	`datetime.datetime(2024, 1, 1, 12, 0, 0, 1, tzinfo=datetime.timezone.utc)`, `datetime.date(2024, 1, 1)`,
	`datetime.time(12, 0)`, `datetime.time(12, 0, tzinfo=datetime.timezone.utc)`,
	`datetime.time(14, 0, tzinfo=datetime.timezone(datetime.timedelta(seconds=7200)))`,
	`datetime.timedelta(0)`, `datetime.timedelta(days=1)`, `datetime.timedelta(seconds=86400)`,
	`datetime.timezone.utc`, `datetime.timezone(datetime.timedelta(0), 'UTC')`,
	`datetime.timezone(datetime.timedelta(seconds=7200))`, `datetime.timezone(datetime.timedelta(seconds=7200), 'CEST')`,
	`UUID('12345678-1234-5678-1234-567812345678')`, `UUID('00000000-0000-0000-0000-000000000001')`,
}

// poolValue returns a random value made of pool values, sometimes nested
// in a container. A bare NaN is not put in containers: Python's container
// comparisons take one NaN object as equal to itself, and Go values have
// no object identity.
func poolValue(r *rand.Rand, pool []Value, depth int) Value {
	if depth == 0 || r.IntN(3) > 0 {
		return pool[r.IntN(len(pool))]
	}
	n := r.IntN(3)
	items := make([]Value, n)
	for i := range items {
		items[i] = poolValue(r, pool, depth-1)
	}
	switch r.IntN(5) {
	case 0:
		return Tuple(items)
	case 1:
		return &List{Items: items}
	case 2:
		s := NewFrozenSet()
		for _, it := range items {
			if Hashable(it) {
				s.Add(it)
			}
		}
		return s
	case 3:
		d := NewDict(0)
		for _, it := range items {
			if Hashable(it) {
				d.Set(it, pool[r.IntN(len(pool))])
			}
		}
		return d
	}
	d := NewOrderedDict()
	for _, it := range items {
		if Hashable(it) {
			d.Set(it, pool[r.IntN(len(pool))])
		}
	}
	return d
}

func parsePool(t *testing.T) []Value {
	vals := make([]Value, len(eqPool))
	for i, src := range eqPool {
		v, err := ParseLiteral(src)
		if err != nil {
			t.Fatalf("ParseLiteral(%s): %v", src, err)
		}
		vals[i] = v
	}
	return vals
}

// TestCrossEqual: Equal and Hashable agree with CPython's == and hash() on
// every pair of the pool and on random pairs of nested pool values.
func TestCrossEqual(t *testing.T) {
	h := pyharness.Start(t, pyVenv)
	pool := parsePool(t)
	var as, bs []Value
	for _, a := range pool {
		for _, b := range pool {
			as, bs = append(as, a), append(bs, b)
		}
	}
	r := rand.New(rand.NewPCG(7, 11))
	for range 6000 {
		a := poolValue(r, pool, 2)
		var b Value
		if r.IntN(4) > 0 {
			b = poolValue(r, pool, 2)
		} else {
			// An equal value, but another object, as CPython evaluates
			// the two texts apart.
			var err error
			if b, err = ParseLiteral(Repr(a)); err != nil {
				t.Fatal(err)
			}
		}
		as, bs = append(as, a), append(bs, b)
	}
	for start := 0; start < len(as); start += 2000 {
		end := min(start+2000, len(as))
		pairs := make([][2]string, 0, end-start)
		for i := start; i < end; i++ {
			pairs = append(pairs, [2]string{Repr(as[i]), Repr(bs[i])})
		}
		var res []struct {
			Eq    *bool `json:"eq"`
			HashA bool  `json:"hash_a"`
			HashB bool  `json:"hash_b"`
		}
		h.MustCall(t, "pyvalues.compare", map[string]any{"pairs": pairs}, &res)
		for k, c := range res {
			a, b := as[start+k], bs[start+k]
			if c.Eq != nil && Equal(a, b) != *c.Eq {
				t.Errorf("Equal(%s, %s) = %v, CPython says %v", Repr(a), Repr(b), !*c.Eq, *c.Eq)
			}
			if Hashable(a) != c.HashA {
				t.Errorf("Hashable(%s) = %v, CPython says %v", Repr(a), !c.HashA, c.HashA)
			}
		}
	}
}

// TestCrossDictKeys: a Dict and a Set built from random keys (1, 1.0,
// True, 'a', Markup('a'), Decimal('1'), equal datetimes in different zones,
// tuples and frozensets of them) keep the keys, positions and values
// CPython's dict and set keep.
func TestCrossDictKeys(t *testing.T) {
	h := pyharness.Start(t, pyVenv)
	pool := parsePool(t)
	var keys []Value
	for _, v := range pool {
		if f, isFloat := v.(float64); Hashable(v) && !(isFloat && math.IsNaN(f)) {
			keys = append(keys, v)
		}
	}
	r := rand.New(rand.NewPCG(3, 5))
	var texts []string
	var dicts []*Dict
	var sets []*Set
	for range 3000 {
		n := 1 + r.IntN(12)
		pairs := make([]string, n)
		d, s := NewDict(0), NewSet()
		for i := range pairs {
			k := poolValue(r, keys, 1)
			for !Hashable(k) {
				k = poolValue(r, keys, 1)
			}
			v := int64(i)
			pairs[i] = "(" + Repr(k) + ", " + Repr(v) + ")"
			d.Set(k, v)
			s.Add(k)
		}
		texts = append(texts, reprList(pairs))
		dicts = append(dicts, d)
		sets = append(sets, s)
	}
	var res []struct {
		Dict   string `json:"dict"`
		Set    string `json:"set"`
		SetLen int    `json:"set_len"`
	}
	h.MustCall(t, "pyvalues.build", map[string]any{"texts": texts}, &res)
	for i, c := range res {
		if got := canonRepr(dicts[i]); got != c.Dict && !hasMultiSet(dicts[i]) {
			t.Errorf("dict from %s\n got %s\nwant %s", texts[i], got, c.Dict)
		} else if hasMultiSet(dicts[i]) {
			w, err := ParseLiteral(c.Dict)
			if err != nil || canonRepr(w) != canonRepr(dicts[i]) {
				t.Errorf("dict from %s\n got %s\nwant %s", texts[i], canonRepr(dicts[i]), c.Dict)
			}
		}
		if sets[i].Len() != c.SetLen || canonRepr(sets[i]) != c.Set {
			t.Errorf("set from %s\n got %s\nwant %s", texts[i], canonRepr(sets[i]), c.Set)
		}
	}
}

// TestCrossFloats: Repr of random floats is CPython's repr, and CPython's
// float(repr) gives the float back.
func TestCrossFloats(t *testing.T) {
	h := pyharness.Start(t, pyVenv)
	r := rand.New(rand.NewPCG(1, 2))
	var texts []string
	var floats []float64
	for range 20 {
		items := make([]string, 1000)
		for i := range items {
			f := math.Float64frombits(r.Uint64())
			if i%3 == 0 {
				f = float64(r.Int64N(1<<53)) / math.Pow(10, float64(r.IntN(25)))
			}
			floats = append(floats, f)
			items[i] = Repr(f)
		}
		texts = append(texts, reprList(items))
	}
	for i, res := range roundtrip(t, h, texts) {
		if res.Repr != texts[i] {
			w, _ := ParseLiteral(res.Repr)
			for k, it := range w.(*List).Items {
				if got := Repr(floats[i*1000+k]); got != Repr(it) {
					t.Errorf("Repr(%b) = %s, CPython %s", floats[i*1000+k], got, Repr(it))
				}
			}
		}
	}
}
