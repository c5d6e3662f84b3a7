package flaskcookie

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"hash/adler32"
	"io"
	"math"
	"math/rand/v2"
	"testing"
)

func TestAdler32Sum(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var data []byte
	for _, n := range []int{0, 1, 7, 8, 9, 15, 16, 17, 100, 5552, 5553, 1 << 16, 1<<16 + 9, 300000} {
		for len(data) < n {
			data = append(data, byte(rng.Uint32()))
		}
		for _, b := range [][]byte{data[:n], bytes.Repeat([]byte{0xFF}, n)} {
			if got, want := adler32Sum(b), adler32.Checksum(b); got != want {
				t.Errorf("%d bytes: %08x, want %08x", n, got, want)
			}
		}
	}
}

// TestInflateMatchesStdlib inflates streams written by compress/flate at
// every level (other block boundaries, codes and match choices than
// zlib's) and compares with what compress/zlib reads.
func TestInflateMatchesStdlib(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 300; i++ {
		data := make([]byte, rng.IntN(70000))
		alpha := 1 + rng.IntN(255)
		for j := range data {
			if j > 10 && rng.IntN(4) == 0 {
				// Repeats at short and long distances, overlapping.
				d := 1 + rng.IntN(min(j, []int{4, 16, 300, 40000}[rng.IntN(4)]))
				data[j] = data[j-d]
			} else {
				data[j] = byte(rng.IntN(alpha))
			}
		}
		level := rng.IntN(12) - 2 // HuffmanOnly, default, none, 1..9
		z := zlibStream(t, data, level)
		got, err := inflate([]byte("prefix"), z, len(data))
		if err != nil || !bytes.Equal(got[6:], data) || string(got[:6]) != "prefix" {
			t.Fatalf("%d bytes at level %d: %v", len(data), level, err)
		}
		if len(data) > 0 {
			if _, err := inflate(nil, z, len(data)-1); err == nil {
				t.Fatalf("%d bytes at level %d: inflated with a limit of one byte less", len(data), level)
			}
		}
	}
}

func zlibStream(tb testing.TB, data []byte, level int) []byte {
	var b bytes.Buffer
	w, err := zlib.NewWriterLevel(&b, level)
	if err != nil {
		tb.Fatal(err)
	}
	w.Write(data)
	w.Close()
	return b.Bytes()
}

// FuzzInflateStdlib compares the inflater with compress/zlib on fuzzed
// streams: whatever both read, they read the same way.
func FuzzInflateStdlib(f *testing.F) {
	for _, s := range []string{"", "x", `{"a":1}`, "abcabcabcabcabcabc", string(make([]byte, 300))} {
		f.Add(deflate(nil, []byte(s)))
		f.Add(zlibStream(f, []byte(s), flate.BestSpeed))
		f.Add(zlibStream(f, []byte(s), flate.HuffmanOnly))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		const limit = 1 << 16
		got, err := inflate(nil, data, limit)
		if len(got) > limit {
			t.Fatalf("%d bytes out, limit %d", len(got), limit)
		}
		zr, zerr := zlib.NewReader(bytes.NewReader(data))
		if zerr != nil {
			return
		}
		want, zerr := io.ReadAll(io.LimitReader(zr, limit+1))
		if zerr == nil {
			zerr = zr.Close()
		}
		if err == nil && zerr == nil && !bytes.Equal(got, want) {
			t.Fatalf("%x: %d bytes, compress/zlib reads %d", data, len(got), len(want))
		}
	})
}

// TestInflateNoLimit inflates with the largest limit an int holds (a
// MaxPayloadSize meant as "no limit"), after a prefix too: the limit
// arithmetic must not overflow.
func TestInflateNoLimit(t *testing.T) {
	data := bytes.Repeat([]byte("abcdefgh"), 1000)
	z := zlibStream(t, data, 6)
	for _, prefix := range []string{"", "prefix"} {
		got, err := inflate([]byte(prefix), z, math.MaxInt)
		if err != nil || string(got[:len(prefix)]) != prefix || !bytes.Equal(got[len(prefix):], data) {
			t.Fatalf("prefix %q: %d bytes, %v", prefix, len(got), err)
		}
	}
}
