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

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}
