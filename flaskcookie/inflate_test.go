package flaskcookie

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"hash/adler32"
	"io"
	"math"
	"math/bits"
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

// fixedBlock writes one final block with the fixed codes: Huffman codes go
// out from their first bit, extra bits and the header from their lowest.
type fixedBlock struct {
	out  []byte
	acc  uint64
	nacc uint
}

func (w *fixedBlock) bits(v uint64, n uint) {
	w.acc |= v << w.nacc
	for w.nacc += n; w.nacc >= 8; w.nacc -= 8 {
		w.out = append(w.out, byte(w.acc))
		w.acc >>= 8
	}
}

func (w *fixedBlock) code(c uint64, n uint) {
	w.bits(uint64(bits.Reverse64(c)>>(64-n)), n)
}

// lit writes literal/length symbol s with its fixed code.
func (w *fixedBlock) lit(s int) {
	switch {
	case s < 144:
		w.code(uint64(0x30+s), 8)
	case s < 256:
		w.code(uint64(0x190+s-144), 9)
	case s < 280:
		w.code(uint64(s-256), 7)
	default:
		w.code(uint64(0xC0+s-280), 8)
	}
}

// fixedStream is a zlib stream of one fixed block, built by build, ended
// with the Adler-32 of data.
func fixedStream(data []byte, build func(w *fixedBlock)) []byte {
	w := &fixedBlock{out: []byte{0x78, 0x01}}
	w.bits(1, 1) // BFINAL
	w.bits(1, 2) // BTYPE 01: fixed codes
	build(w)
	if w.nacc > 0 {
		w.bits(0, 8-w.nacc)
	}
	return binary.BigEndian.AppendUint32(w.out, adler32.Checksum(data))
}

// TestInflateFixedCodeEdges decodes the codes at the ends of the fixed
// code: the longest length (258, symbol 285, no extra bits), the length
// and distance symbols with the most extra bits, and the symbols the code
// has but deflate does not allow (literal/length 286 and 287, distance 30
// and 31), which fail as zlib fails on them.
func TestInflateFixedCodeEdges(t *testing.T) {
	many := bytes.Repeat([]byte("a"), 1+258+258)
	// A literal, then 258 from 1 back (symbol 285), then 258 again as
	// symbol 284 with all five extra bits set (227 + 31), distance 1.
	z := fixedStream(many, func(w *fixedBlock) {
		w.lit('a')
		w.lit(285)
		w.code(0, 5)
		w.lit(284)
		w.bits(31, 5)
		w.code(0, 5)
		w.lit(256)
	})
	if got, err := inflate(nil, z, 1<<20); err != nil || !bytes.Equal(got, many) {
		t.Errorf("lengths 258: %d bytes, %v", len(got), err)
	}
	// Distance symbol 29 with its 13 extra bits: 24577 + 8191 = 32768,
	// the farthest a match may reach.
	far := make([]byte, 32768+3)
	for i := range far[:32768] {
		far[i] = byte(i * 7)
	}
	copy(far[32768:], far[:3])
	z = fixedStream(far, func(w *fixedBlock) {
		for _, c := range far[:32768] {
			w.lit(int(c))
		}
		w.lit(257) // length 3
		w.code(29, 5)
		w.bits(8191, 13)
		w.lit(256)
	})
	if got, err := inflate(nil, z, 1<<20); err != nil || !bytes.Equal(got, far) {
		t.Errorf("distance 32768: %d bytes, %v", len(got), err)
	}
	for _, tc := range []struct {
		name  string
		build func(w *fixedBlock)
		want  error
	}{
		{"literal/length 286", func(w *fixedBlock) { w.lit(286) }, errZLitCode},
		{"literal/length 287", func(w *fixedBlock) { w.lit(287) }, errZLitCode},
		{"distance 30", func(w *fixedBlock) { w.lit('a'); w.lit(257); w.code(30, 5) }, errZDistCode},
		{"distance 31", func(w *fixedBlock) { w.lit('a'); w.lit(257); w.code(31, 5) }, errZDistCode},
		{"distance too far", func(w *fixedBlock) { w.lit('a'); w.lit(257); w.code(1, 5) }, errZTooFar},
	} {
		// Near the end of the input, and with room for the fast path
		// that reads eight bytes ahead.
		for _, pad := range []uint{0, 64} {
			z := fixedStream(nil, func(w *fixedBlock) {
				tc.build(w)
				w.bits(0, pad)
			})
			if _, err := inflate(nil, z, 1<<20); !errors.Is(err, tc.want) {
				t.Errorf("%s, %d bits after: %v, want %v", tc.name, pad, err, tc.want)
			}
		}
	}
}
