package py

import (
	"math"
	"math/big"
	"math/rand/v2"
	"strings"
	"unicode/utf8"
)

// canonRepr is Repr with the items of every set sorted by their text: the
// form scripts/pyops/pyvalues.py's canon() gives, which does not depend on
// the order of a set (CPython prints sets in hash order).
func canonRepr(v Value) string {
	p := printer{sortSets: true}
	return string(p.value(nil, v))
}

// hasMultiSet reports whether v holds a set of two items or more, whose
// order CPython and this model may print differently.
func hasMultiSet(v Value) bool {
	switch x := v.(type) {
	case *Set:
		if x.Len() > 1 {
			return true
		}
		for _, it := range x.items {
			if hasMultiSet(it) {
				return true
			}
		}
	case *List:
		for _, it := range x.Items {
			if hasMultiSet(it) {
				return true
			}
		}
	case Tuple:
		for _, it := range x {
			if hasMultiSet(it) {
				return true
			}
		}
	case *Dict:
		for k, it := range x.All() {
			if hasMultiSet(k) || hasMultiSet(it) {
				return true
			}
		}
	case *OrderedDict:
		return hasMultiSet(&x.Dict)
	}
	return false
}

// wtf8 builds the model's string for the code points cps: UTF-8, with
// surrogates in their 3-byte form.
func wtf8(cps []rune) string {
	var b []byte
	for _, r := range cps {
		b = appendWTF8(b, r)
	}
	return string(b)
}

// normalizeWTF8 returns what ParseLiteral(Repr(s)) gives for s: each byte
// that is neither UTF-8 nor a 3-byte surrogate becomes the lone surrogate
// U+DC00+byte.
func normalizeWTF8(s string) string {
	var b []byte
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			b = append(b, s[i])
			i++
			continue
		}
		r, size := decodeWTF8(s[i:])
		if size == 0 {
			b = appendWTF8(b, 0xdc00+rune(s[i]))
			i++
			continue
		}
		b = append(b, s[i:i+size]...)
		_ = r
		i += size
	}
	return string(b)
}

// gen makes random values of the model, for the tests that compare with
// CPython.
type gen struct {
	r *rand.Rand
	// invalidUTF8 lets strings hold bytes that are not UTF-8.
	invalidUTF8 bool
}

func newGen(seed uint64) *gen {
	return &gen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

func (g *gen) pick(n int) int { return g.r.IntN(n) }

var edgeInts = []int64{0, 1, -1, 7, 255, 256, 1<<31 - 1, -1 << 31, 1 << 53, 1<<53 + 1, math.MaxInt64, math.MinInt64}

var edgeFloats = []float64{0, math.Copysign(0, -1), 1, -1.5, 0.1, 1e16, 1e15, 9999999999999998, 1e-5, 1e-4,
	0.00011, 123456789, 1.5e300, 5e-324, 2.2250738585072014e-308, math.MaxFloat64, math.Inf(1), math.Inf(-1),
	math.NaN(), 1 << 63, 1e22, 1e23, 0.3}

func (g *gen) int() Value {
	switch g.pick(4) {
	case 0:
		return edgeInts[g.pick(len(edgeInts))]
	case 1:
		return int64(g.pick(2000) - 1000)
	case 2:
		return int64(g.r.Uint64())
	}
	n := g.bigBits(64 + g.pick(300))
	if g.pick(2) == 0 {
		n.Neg(n)
	}
	return Int(n)
}

// bigBits returns a random non-negative int of at most bits bits.
func (g *gen) bigBits(bits int) *big.Int {
	buf := make([]byte, (bits+7)/8)
	for i := range buf {
		buf[i] = byte(g.r.Uint32())
	}
	n := new(big.Int).SetBytes(buf)
	return n.Rsh(n, uint(len(buf)*8-bits))
}

func (g *gen) float(noNaN bool) float64 {
	for {
		var f float64
		switch g.pick(4) {
		case 0:
			f = edgeFloats[g.pick(len(edgeFloats))]
		case 1:
			f = math.Float64frombits(g.r.Uint64())
		case 2:
			f = math.Round(g.r.Float64()*2e6-1e6) / math.Pow(10, float64(g.pick(8)))
		default:
			f = (g.r.Float64()*2 - 1) * math.Pow(10, float64(g.pick(60)-30))
		}
		if noNaN && math.IsNaN(f) {
			continue
		}
		return f
	}
}

var specialRunes = []rune{0x200b, 0x2028, 0xfeff, 0xffff, 0xfffd, 0xad, 0x85, 0xa0, 0x1f600, 0xe0001, 0x10ffff,
	0x3000, 0x1680, 0x061c, 0x0378, '\'', '"', '\\', '\t', '\n', '\r', 0, 0x7f}

func (g *gen) str() string {
	n := []int{0, 1, 2, 3, 5, 8, 20}[g.pick(7)]
	var b []byte
	for range n {
		switch c := g.pick(100); {
		case c < 35:
			b = append(b, byte(0x20+g.pick(0x5f)))
		case c < 45:
			b = appendWTF8(b, specialRunes[g.pick(len(specialRunes))])
		case c < 52:
			b = append(b, byte(g.pick(0x20)))
		case c < 60:
			b = appendWTF8(b, rune(0x7f+g.pick(0x81)))
		case c < 72:
			b = appendWTF8(b, rune(0x100+g.pick(0xff00)))
		case c < 80:
			b = appendWTF8(b, rune(0xd800+g.pick(0x800)))
		case c < 92:
			b = appendWTF8(b, rune(0x10000+g.pick(0x100000)))
		default:
			if g.invalidUTF8 {
				b = append(b, byte(0x80+g.pick(0x80)))
			} else {
				b = append(b, 'x')
			}
		}
	}
	return string(b)
}

func (g *gen) bytes() []byte {
	n := []int{0, 1, 2, 5, 16}[g.pick(5)]
	b := make([]byte, n)
	for i := range b {
		if g.pick(3) == 0 {
			b[i] = "'\"\\\t\n\r\x00\x7f\x80\xffab"[g.pick(12)]
		} else {
			b[i] = byte(g.r.Uint32())
		}
	}
	return b
}

func (g *gen) decimal() Decimal {
	var s string
	if g.pick(6) == 0 {
		s = []string{"NaN", "-NaN", "sNaN", "NaN123", "-sNaN7", "Infinity", "-Infinity", "-0", "0E-10", "0E+3", "-0.00"}[g.pick(11)]
	} else {
		coeff := g.bigBits(1 + g.pick(120))
		exp := []int{0, 0, -2, 2, g.pick(80) - 40, g.pick(2_000_000) - 1_000_000}[g.pick(6)]
		sign := ""
		if g.pick(2) == 0 {
			sign = "-"
		}
		s = sign + coeff.String() + "E" + itoa(exp)
	}
	d, err := ParseDecimal(s)
	if err != nil {
		panic(err)
	}
	return d
}

func itoa(i int) string { return big.NewInt(int64(i)).String() }

func (g *gen) timeDelta(small bool) TimeDelta {
	if small {
		us := int64(g.pick(86399*2_000_000)) - 86399*1_000_000
		t, _ := NewTimeDelta(0, 0, us)
		return t
	}
	days := int64(g.pick(1600) - 800)
	if g.pick(3) == 0 {
		days = int64(g.pick(2*maxDeltaDays+1) - maxDeltaDays)
	}
	var secs, us int64
	if g.pick(2) == 0 {
		secs = int64(g.pick(86400))
	}
	if g.pick(2) == 0 {
		us = int64(g.pick(1_000_000))
	}
	t, _ := NewTimeDelta(days, secs, us)
	return t
}

func (g *gen) timeZone() TimeZone {
	if g.pick(3) == 0 {
		return TimeZone{}
	}
	off, _ := NewTimeDelta(0, int64(60*(g.pick(2879)-1439)), 0)
	if g.pick(5) == 0 {
		off = g.timeDelta(true)
	}
	z := TimeZone{Offset: off}
	if g.pick(5) < 2 {
		z.Name, z.HasName = g.str(), true
	}
	return z
}

func (g *gen) tz() TZInfo {
	if g.pick(2) == 0 {
		return nil
	}
	return g.timeZone()
}

func (g *gen) choice(vals ...int) int { return vals[g.pick(len(vals))] }

func (g *gen) scalar(key bool) Value {
	for {
		switch g.pick(16) {
		case 0:
			return nil
		case 1:
			return g.pick(2) == 0
		case 2:
			return g.int()
		case 3:
			return g.float(key)
		case 4, 15:
			return g.str()
		case 5:
			return Bytes(g.bytes())
		case 6:
			if key {
				continue
			}
			return &ByteArray{Data: g.bytes()}
		case 7:
			d := g.decimal()
			if key && !Hashable(d) {
				continue
			}
			return d
		case 8:
			var u UUID
			for i := range u.Bytes {
				u.Bytes[i] = byte(g.r.Uint32())
			}
			return u
		case 9:
			return Markup(g.str())
		case 10:
			return DateTime{Year: 1 + g.pick(9999), Month: 1 + g.pick(12), Day: 1 + g.pick(28),
				Hour: g.choice(0, g.pick(24)), Minute: g.choice(0, g.pick(60)), Second: g.choice(0, g.pick(60)),
				Microsecond: g.choice(0, 0, g.pick(1_000_000)), Fold: g.choice(0, 0, 1), TZ: g.tz()}
		case 11:
			return Date{Year: 1 + g.pick(9999), Month: 1 + g.pick(12), Day: 1 + g.pick(28)}
		case 12:
			return Time{Hour: g.pick(24), Minute: g.choice(0, g.pick(60)), Second: g.choice(0, g.pick(60)),
				Microsecond: g.choice(0, 0, g.pick(1_000_000)), Fold: g.choice(0, 0, 1), TZ: g.tz()}
		case 13:
			return g.timeDelta(false)
		case 14:
			return g.timeZone()
		}
	}
}

// key returns a random hashable value without NaN (a shared NaN object is
// one key in Python, by identity, which Go values do not have).
func (g *gen) key(depth int) Value {
	if depth > 0 {
		switch g.pick(20) {
		case 0, 1:
			t := make(Tuple, g.pick(3))
			for i := range t {
				t[i] = g.key(depth - 1)
			}
			return t
		case 2:
			s := NewFrozenSet()
			for range g.pick(3) {
				s.Add(g.key(depth - 1))
			}
			return s
		}
	}
	return g.scalar(true)
}

func (g *gen) value(depth int) Value {
	if depth <= 0 || g.pick(100) < 45 {
		return g.scalar(false)
	}
	n := g.pick(5)
	switch g.pick(6) {
	case 0:
		l := &List{}
		for range n {
			l.Append(g.value(depth - 1))
		}
		return l
	case 1:
		t := make(Tuple, n)
		for i := range t {
			t[i] = g.value(depth - 1)
		}
		return t
	case 2:
		d := NewDict(n)
		for range n {
			d.Set(g.key(depth-1), g.value(depth-1))
		}
		return d
	case 3:
		d := NewOrderedDict()
		for range n {
			d.Set(g.key(depth-1), g.value(depth-1))
		}
		return d
	}
	s := NewSet()
	s.Frozen = g.pick(2) == 0
	for range n {
		s.Add(g.key(depth - 1))
	}
	return s
}

// reprList writes the Python list literal of texts.
func reprList(texts []string) string {
	return "[" + strings.Join(texts, ", ") + "]"
}
