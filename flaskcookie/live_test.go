package flaskcookie

import (
	"bytes"
	"encoding/base64"
	"math/rand/v2"
	"testing"

	"github.com/flaskbridge/flaskbridge/internal/pyharness"
)

func TestDeflateMatchesCPython(t *testing.T) {
	h := pyharness.Start(t, "flask31")
	rng := rand.New(rand.NewPCG(1, 2))
	var inputs [][]byte
	inputs = append(inputs, nil, []byte("a"), []byte("hello"), bytes.Repeat([]byte("a"), 1000))
	for i := 0; i < 300; i++ {
		n := rng.IntN(3000)
		if i%50 == 0 {
			n = rng.IntN(200000)
		}
		alpha := 2 + rng.IntN(60)
		b := make([]byte, n)
		for j := range b {
			if j > 10 && rng.IntN(4) == 0 {
				k := rng.IntN(j)
				b[j] = b[k]
			} else {
				b[j] = byte('0' + rng.IntN(alpha))
			}
		}
		inputs = append(inputs, b)
	}
	// Incompressible, very repetitive, and sizes around the window.
	for _, n := range []int{100, 5000, 40000, 65535, 65536, 65537, 70000, 131072, 300000} {
		b := make([]byte, n)
		for j := range b {
			b[j] = byte(rng.Uint32())
		}
		inputs = append(inputs, b, bytes.Repeat([]byte("ab"), n/2), bytes.Repeat([]byte{0}, n))
		c := make([]byte, n)
		const text = `{"_id":"0123456789abcdef","n":[1,2,3]} `
		for j := range c {
			c[j] = text[rng.IntN(len(text))]
		}
		inputs = append(inputs, c)
	}
	inputs = append(inputs, skewedInputs()...)
	var enc []string
	for _, in := range inputs {
		enc = append(enc, base64.StdEncoding.EncodeToString(in))
	}
	var out []string
	h.MustCall(t, "cookie.zlib_compress_many", map[string]any{"items": enc}, &out)
	bad := 0
	for i, in := range inputs {
		want, _ := base64.StdEncoding.DecodeString(out[i])
		got := deflate(nil, in)
		if !bytes.Equal(got, want) {
			bad++
			if bad < 5 {
				t.Errorf("input %d (%d bytes): got %d bytes, want %d; first diff at %d", i, len(in), len(got), len(want), firstDiff(got, want))
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d differ", bad, len(inputs))
	}
}

// skewedInputs are inputs whose trees are deeper than deflate allows, so
// that the compressor takes zlib's path that shortens the longest codes
// (gen_bitlen's overflow), which ordinary text never reaches. For the
// code-length tree (7 bits): 18 symbols with Fibonacci frequencies, each
// followed by two random bytes, shuffled (about half the seeds reach it),
// and bytes drawn with a steeply falling density. For the literal/length
// tree (15 bits): deepLiterals.
func skewedInputs() [][]byte {
	var out [][]byte
	for seed := uint64(0); seed < 16; seed++ {
		rng := rand.New(rand.NewPCG(seed, 3))
		var b []byte
		f1, f2 := 1, 1
		for sym := 0; sym < 18; sym++ {
			for range f1 {
				b = append(b, byte(sym), byte(rng.IntN(256)), byte(rng.IntN(256)))
			}
			f1, f2 = f2, f1+f2
		}
		rng.Shuffle(len(b)/3, func(i, j int) {
			for k := range 3 {
				b[3*i+k], b[3*j+k] = b[3*j+k], b[3*i+k]
			}
		})
		out = append(out, b)
	}
	for seed := uint64(0); seed < 8; seed++ {
		rng := rand.New(rand.NewPCG(seed, 2))
		b := make([]byte, 1000+rng.IntN(100000))
		for i := range b {
			x := rng.Float64()
			b[i] = byte(256 * x * x * x * x)
		}
		out = append(out, b)
	}
	for seed := uint64(0); seed < 4; seed++ {
		out = append(out, deepLiterals(seed))
	}
	return out
}

// deepLiterals is one block of literals whose Huffman tree is 17 deep: 13
// bytes with the Fibonacci counts 1, 2, 3, ... 377 (with the end-of-block
// code's 1, the chain of a Fibonacci tree) among 40 bytes of 382 each, in
// an order with no match deflate would take (no four bytes seen before,
// no three within 4096 bytes, with rare exceptions).
func deepLiterals(seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 4))
	var counts []int
	f1, f2 := 1, 2
	for range 13 {
		counts = append(counts, f1)
		f1, f2 = f2, f1+f2
	}
	for range 40 {
		counts = append(counts, 382)
	}
	left := 0
	for _, c := range counts {
		left += c
	}
	b := make([]byte, 0, left)
	quads := make(map[uint32]bool)
	triples := make(map[uint32]int) // where each three bytes were last seen
	for left > 0 {
		var sym int
		var q uint32
		for try := 0; ; try++ {
			// A byte drawn in proportion to what is left of it.
			r := rng.IntN(left)
			sym = 0
			for r >= counts[sym] {
				r -= counts[sym]
				sym++
			}
			n := len(b)
			if n < 3 {
				break
			}
			q = uint32(b[n-3])<<24 | uint32(b[n-2])<<16 | uint32(b[n-1])<<8 | uint32(sym)
			at, seen := triples[q&0xFFFFFF]
			if try == 50 || !quads[q] && (!seen || n-at > 4200) {
				quads[q] = true
				triples[q&0xFFFFFF] = n
				break
			}
		}
		b = append(b, byte(sym))
		counts[sym]--
		left--
	}
	return b
}

// TestSkewedInputsOverflow checks that skewedInputs reach the overflow
// path of both trees TestDeflateMatchesCPython compares them for.
func TestSkewedInputsOverflow(t *testing.T) {
	var reached uint8
	for _, in := range skewedInputs() {
		d := zDeflaters.Get().(*zDeflater)
		d.compress(nil, in)
		reached |= d.limited
		d.in, d.out = nil, nil
		zDeflaters.Put(d)
	}
	if reached&1 == 0 {
		t.Error("no input makes the literal/length tree deeper than 15 bits")
	}
	if reached&4 == 0 {
		t.Error("no input makes the code-length tree deeper than 7 bits")
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// TestBase64MatchesPython decodes random texts, near-base64 and not, as
// itsdangerous's base64_decode and base64.b64decode do.
func TestBase64MatchesPython(t *testing.T) {
	h := pyharness.Start(t, "flask31")
	rng := rand.New(rand.NewPCG(3, 4))
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=="
	var texts []string
	for i := 0; i < 2000; i++ {
		n := rng.IntN(14)
		b := make([]byte, n)
		for j := range b {
			switch rng.IntN(12) {
			case 0:
				b[j] = byte(rng.IntN(256))
			case 1:
				b[j] = " \n\t.!*"[rng.IntN(6)]
			default:
				b[j] = alphabet[rng.IntN(len(alphabet))]
			}
		}
		texts = append(texts, string(b))
	}
	for _, kind := range []string{"url", "std"} {
		var items []string
		for _, s := range texts {
			if kind == "std" && !isASCII(s) {
				continue // b64decode refuses non-ASCII str; the tag code checks it first
			}
			items = append(items, latin1String(s))
		}
		var out []struct{ Data, Error string }
		h.MustCall(t, "cookie.base64_decode_many", map[string]any{"items": items, "kind": kind}, &out)
		for i, s := range items {
			raw := fromLatin1(s)
			var got []byte
			var err error
			if kind == "url" {
				got, err = decodeURL64(nil, []byte(raw))
			} else {
				got, err = decodeStd64(nil, raw)
			}
			want := out[i]
			switch {
			case want.Error != "" && err == nil:
				t.Errorf("%s %q: Python fails (%s), Go gives %x", kind, raw, want.Error, got)
			case want.Error == "" && err != nil:
				t.Errorf("%s %q: Python gives %s, Go fails: %v", kind, raw, want.Data, err)
			case want.Error == "" && base64.StdEncoding.EncodeToString(got) != want.Data:
				t.Errorf("%s %q: Go %x, Python %s", kind, raw, got, want.Data)
			}
		}
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// latin1String turns bytes into the str whose latin-1 encoding they are.
func latin1String(s string) string {
	r := make([]rune, len(s))
	for i := 0; i < len(s); i++ {
		r[i] = rune(s[i])
	}
	return string(r)
}

func fromLatin1(s string) string {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		b = append(b, byte(r))
	}
	return string(b)
}

// TestInflateMatchesPython inflates valid, cut and corrupted zlib streams
// and compares with zlib.decompress: the same data, or an error for both.
func TestInflateMatchesPython(t *testing.T) {
	h := pyharness.Start(t, "flask31")
	rng := rand.New(rand.NewPCG(5, 6))
	var streams [][]byte
	for i := 0; i < 400; i++ {
		n := rng.IntN(2000)
		b := make([]byte, n)
		for j := range b {
			b[j] = byte('a' + rng.IntN(1+rng.IntN(26)))
		}
		z := deflate(nil, b)
		switch rng.IntN(5) {
		case 0: // as it is
		case 1:
			z = z[:rng.IntN(len(z)+1)]
		case 2:
			for k := 0; k < 1+rng.IntN(3); k++ {
				z[rng.IntN(len(z))] ^= byte(1 << rng.IntN(8))
			}
		case 3:
			z[2+rng.IntN(len(z)-2)] = byte(rng.Uint32())
		default:
			z = append(z, "trailing"...)
		}
		streams = append(streams, z)
	}
	// Hand-made streams: stored, fixed and dynamic blocks, odd headers.
	streams = append(streams,
		[]byte{0x78, 0x01, 0x01, 0x00, 0x00, 0xff, 0xff, 0, 0, 0, 1},            // empty stored block
		[]byte{0x78, 0x01, 0x01, 0x01, 0x00, 0xfe, 0xff, 'a', 0, 0x62, 0, 0x62}, // one stored byte
		[]byte{0x78, 0x01, 0x01, 0x01, 0x00, 0xff, 0xff, 'a', 0, 0x62, 0, 0x62}, // bad NLEN
		[]byte{0x78, 0x9c, 0x07, 0, 0, 0, 0, 1},                                 // block type 3
		[]byte{0x78, 0xbb, 0x03, 0x00, 0, 0, 0, 1},                              // FDICT
		[]byte{0x88, 0x1c, 0x03, 0x00, 0, 0, 0, 1},                              // window 2^16
		[]byte{0x78, 0x9c, 0x03, 0x00, 0, 0, 0, 1},                              // empty, fixed
		[]byte{0x78, 0x9c, 0x03, 0x00, 0, 0, 0, 2},                              // bad checksum
		[]byte{0x78, 0x9c},
		[]byte{0x79, 0x9c, 0x03, 0x00, 0, 0, 0, 1},
		// The ends of the fixed code (TestInflateFixedCodeEdges).
		fixedStream(bytes.Repeat([]byte("a"), 259), func(w *fixedBlock) { w.lit('a'); w.lit(285); w.code(0, 5); w.lit(256) }),
		fixedStream(nil, func(w *fixedBlock) { w.lit(286); w.bits(0, 64) }),
		fixedStream(nil, func(w *fixedBlock) { w.lit(287) }),
		fixedStream(nil, func(w *fixedBlock) { w.lit('a'); w.lit(257); w.code(30, 5); w.bits(0, 64) }),
		fixedStream(nil, func(w *fixedBlock) { w.lit('a'); w.lit(257); w.code(31, 5) }),
	)
	var items []string
	for _, z := range streams {
		items = append(items, base64.StdEncoding.EncodeToString(z))
	}
	var out []struct{ Data, Error string }
	h.MustCall(t, "cookie.decompress_many", map[string]any{"items": items}, &out)
	for i, z := range streams {
		got, err := inflate(nil, z, 1<<20)
		want := out[i]
		switch {
		case want.Error != "" && err == nil:
			t.Errorf("stream %d %x: Python fails (%s), Go inflates %d bytes", i, truncate(z, 40), want.Error, len(got))
		case want.Error == "" && err != nil:
			t.Errorf("stream %d %x: Python inflates it, Go fails: %v", i, truncate(z, 40), err)
		case want.Error == "" && base64.StdEncoding.EncodeToString(got) != want.Data:
			t.Errorf("stream %d: different data", i)
		}
	}
}
