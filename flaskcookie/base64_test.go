package flaskcookie

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// TestDecodeURL64 compares the fast decoding with the lenient decoder
// (which TestBase64MatchesPython compares with Python) on texts of base64
// characters of every length, and with a stray character anywhere.
func TestDecodeURL64(t *testing.T) {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/"
	rng := rand.New(rand.NewPCG(9, 10))
	for i := 0; i < 20000; i++ {
		s := make([]byte, rng.IntN(40))
		for j := range s {
			s[j] = alphabet[rng.IntN(len(alphabet))]
		}
		if len(s) > 0 && rng.IntN(3) == 0 {
			s[rng.IntN(len(s))] = "=.!\n\x00\xff "[rng.IntN(7)]
		}
		want, werr := a2bBase64([]byte("pre"), s, (4-len(s)%4)%4, &urlTable)
		got, err := decodeURL64([]byte("pre"), s)
		if (err == nil) != (werr == nil) || (err == nil && !bytes.Equal(got, want)) {
			t.Fatalf("%q: %x (%v), want %x (%v)", s, got, err, want, werr)
		}
	}
}

func TestAppendURL64(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	for n := 0; n < 300; n++ {
		src := make([]byte, n)
		for i := range src {
			src[i] = byte(rng.Uint32())
		}
		got := appendURL64([]byte("pre"), src)
		if want := "pre" + b64URL.EncodeToString(src); string(got) != want {
			t.Fatalf("%d bytes: %s, want %s", n, got, want)
		}
	}
}
