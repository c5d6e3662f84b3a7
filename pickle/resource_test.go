package pickle

import (
	"errors"
	"strings"
	"testing"

	"github.com/flaskbridge/flaskbridge/internal/testalloc"
	"github.com/flaskbridge/flaskbridge/py"
)

// TestResourceClaimedLengths: opcodes that claim huge lengths in a few
// bytes (BINUNICODE8, BINBYTES8, BYTEARRAY8 and FRAME of 2^63 bytes,
// BINBYTES and BINUNICODE of 4 GiB, LONG4 of 2 GiB) fail with
// ErrTruncated or ErrLimit, allocating next to nothing: a length is
// checked against the bytes left before anything is made of it.
func TestResourceClaimedLengths(t *testing.T) {
	for _, tc := range []struct{ name, data string }{
		{"BINUNICODE8 2^63", "\x80\x04\x8d\x00\x00\x00\x00\x00\x00\x00\x80"},
		{"BINUNICODE8 2^64-1", "\x80\x04\x8d\xff\xff\xff\xff\xff\xff\xff\xff"},
		{"BINBYTES8 2^63", "\x80\x04\x8e\x00\x00\x00\x00\x00\x00\x00\x80"},
		{"BYTEARRAY8 2^63", "\x80\x05\x96\x00\x00\x00\x00\x00\x00\x00\x80"},
		{"FRAME 2^63", "\x80\x04\x95\x00\x00\x00\x00\x00\x00\x00\x80N"},
		{"FRAME 2^64-1", "\x80\x04\x95\xff\xff\xff\xff\xff\xff\xff\xffN."},
		{"BINBYTES 4 GiB", "\x80\x03B\xff\xff\xff\xff"},
		{"BINUNICODE 4 GiB", "\x80\x03X\xff\xff\xff\xff"},
		{"BINSTRING 2 GiB", "T\xff\xff\xff\x7f"},
		{"LONG4 2 GiB", "\x80\x02\x8b\xff\xff\xff\x7f"},
		{"LONG_BINPUT 4G", "Nr\xff\xff\xff\xff."},
		{"LONG_BINGET 4G", "\x80\x02j\xff\xff\xff\xff."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := []byte(tc.data)
			var err error
			perCall := testalloc.PerCall(100, func() { _, err = Unmarshal(data) })
			if !errors.Is(err, ErrTruncated) && !errors.Is(err, ErrLimit) && !errors.Is(err, ErrInvalid) {
				t.Fatalf("%q: %v", tc.data, err)
			}
			if perCall > 4<<10 {
				t.Errorf("%q: %d bytes allocated per decode", tc.data, perCall)
			}
		})
	}
}

// TestResourceDeepNesting: nesting far beyond MaxDepth (10,000) fails
// with ErrLimit, and a pickle's cost stays in proportion to its size:
// 200,000 nested lists in 400 KB, nested directly, through the memo, or
// as tuples under MARKs.
func TestResourceDeepNesting(t *testing.T) {
	const n = 200_000
	var memo strings.Builder
	memo.WriteString("\x80\x02]q\x00")
	for i := 1; i < 20_000; i++ { // deeper than the limit, through LONG_BINPUT / BINGET
		memo.WriteString("]r" + le32(i) + "j" + le32(i-1) + "a")
	}
	memo.WriteString(".")
	for name, data := range map[string]string{
		"lists":  strings.Repeat("]", n) + strings.Repeat("a", n-1) + ".",
		"tuples": strings.Repeat("(", n) + strings.Repeat("t", n) + ".",
		"memo":   memo.String(),
		"dicts":  "\x80\x02" + strings.Repeat("}K\x01", n/2) + "}" + strings.Repeat("s", n/2) + ".",
	} {
		t.Run(name, func(t *testing.T) {
			var err error
			perCall := testalloc.PerCall(3, func() { _, err = Unmarshal([]byte(data)) })
			if !errors.Is(err, ErrLimit) {
				t.Fatalf("%d bytes of nesting: %v", len(data), err)
			}
			t.Logf("%d bytes of nesting: %d bytes allocated", len(data), perCall)
			if limit := uint64(200 * len(data)); perCall > limit {
				t.Errorf("%d bytes allocated, over %d", perCall, limit)
			}
		})
	}
}

func le32(i int) string {
	return string([]byte{byte(i), byte(i >> 8), byte(i >> 16), byte(i >> 24)})
}

// TestResourceInputSize: a pickle longer than MaxInputSize fails with
// ErrLimit once the decoder reaches the limit (bytes after a STOP within
// the limit are not read, as pickle.loads ignores them): here a str of 2
// MiB under a 1 MiB limit, refused without being copied.
func TestResourceInputSize(t *testing.T) {
	data := append([]byte("\x80\x03X"+le32(2<<20)), make([]byte, 2<<20)...)
	data = append(data, '.')
	opts := DecodeOptions{MaxInputSize: 1 << 20}
	var err error
	perCall := testalloc.PerCall(10, func() { _, err = opts.Unmarshal(data) })
	if !errors.Is(err, ErrLimit) {
		t.Fatalf("2 MiB str with a 1 MiB limit: %v", err)
	}
	if perCall > 4<<10 {
		t.Errorf("%d bytes allocated per decode", perCall)
	}
	if _, err := Unmarshal(data); err != nil {
		t.Errorf("within the default limit: %v", err)
	}
}

// TestResourceMemoPutAgain: putting one value to the same memo index over
// and over (BINPUT 0, two bytes each, 4 MiB of them; and the same through
// sparse indices) keeps one memo entry, allocating next to nothing per
// put.
func TestResourceMemoPutAgain(t *testing.T) {
	for _, put := range []string{"q\x00", "r\x00\x00\x08\x00"} {
		data := "\x80\x02N" + strings.Repeat(put, (4<<20)/len(put)) + "."
		var err error
		perCall := testalloc.PerCall(1, func() { _, err = Unmarshal([]byte(data)) })
		if err != nil {
			t.Fatal(err)
		}
		if perCall > 64<<10+uint64(len(data)) {
			t.Errorf("%q repeated: %d bytes allocated for a pickle of %d", put, perCall, len(data))
		}
	}
}

// TestResourceStrRuns: a list of str built from many MARK ... APPENDS runs
// (as pickle writes a long list, 1000 items a run) costs memory in
// proportion to its length, not to the square of the number of runs.
func TestResourceStrRuns(t *testing.T) {
	const runs, per = 400, 1000
	var b strings.Builder
	b.WriteString("\x80\x04]")
	for range runs {
		b.WriteString("(" + strings.Repeat("\x8c\x00", per) + "e")
	}
	b.WriteString(".")
	data := []byte(b.String())
	var v any
	var err error
	perCall := testalloc.PerCall(2, func() { v, err = Unmarshal(data) })
	if err != nil {
		t.Fatal(err)
	}
	if l, ok := v.(*py.List); !ok || len(l.Items) != runs*per {
		t.Fatalf("got %T, want a list of %d items", v, runs*per)
	}
	// An item takes 16 bytes in the list and 16 for its str header, both
	// grown by doubling: under 100 bytes an item (a copy of the list per
	// run would be about 3 KB an item).
	if perCall > 100*runs*per {
		t.Errorf("%d bytes allocated for %d items", perCall, runs*per)
	}
}
