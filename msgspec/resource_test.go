package msgspec

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/flaskbridge/flaskbridge/internal/testalloc"
)

// TestResourceClaimedLengths: MessagePack headers that claim 4 GiB or 4
// billion items in five bytes (array32, map32, bin32, str32, ext32) fail
// with ErrTruncated or ErrLimit, allocating next to nothing: nothing is
// sized from a claimed length before the bytes are there.
func TestResourceClaimedLengths(t *testing.T) {
	for _, tc := range []struct{ name, data string }{
		{"array32", "\xdd\xff\xff\xff\xff"},
		{"map32", "\xdf\xff\xff\xff\xff"},
		{"bin32", "\xc6\xff\xff\xff\xff"},
		{"str32", "\xdb\xff\xff\xff\xff"},
		{"ext32", "\xc9\xff\xff\xff\xff\x01"},
		{"array16 of array32", "\xdc\xff\xff" + strings.Repeat("\xdd\xff\xff\xff\xff", 3)},
		{"map32 in a map32", "\xdf\xff\xff\xff\xff\xa1a\xdf\xff\xff\xff\xff"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := []byte(tc.data)
			var err error
			perCall := testalloc.PerCall(100, func() { _, err = UnmarshalMsgpack(data) })
			if !errors.Is(err, ErrTruncated) && !errors.Is(err, ErrLimit) {
				t.Fatalf("%q: %v", tc.data, err)
			}
			if perCall > 4<<10 {
				t.Errorf("%q: %d bytes allocated per decode", tc.data, perCall)
			}
		})
	}
}

// TestResourceDeepNesting: MessagePack and JSON nested a million levels
// deep fail with ErrLimit at MaxDepth (1000): the decoders stop there, so
// the cost is the input's copy and the limit's worth of containers.
func TestResourceDeepNesting(t *testing.T) {
	const n = 1 << 20
	mp := append(bytes.Repeat([]byte{0x91}, n), 0xc0)
	js := []byte(strings.Repeat("[", n) + strings.Repeat("]", n))
	for name, decode := range map[string]func() error{
		"msgpack": func() error { _, err := UnmarshalMsgpack(mp); return err },
		"json":    func() error { _, err := DecodeJSON(js); return err },
	} {
		t.Run(name, func(t *testing.T) {
			var err error
			perCall := testalloc.PerCall(5, func() { err = decode() })
			if !errors.Is(err, ErrLimit) {
				t.Fatalf("%v, want ErrLimit", err)
			}
			t.Logf("a million levels: %d bytes allocated", perCall)
			if limit := uint64(len(js) + 256<<10); perCall > limit {
				t.Errorf("%d bytes allocated, over %d", perCall, limit)
			}
		})
	}
}

// TestResourceValueCount: an array32 of four million nils (4 MiB of
// input, 64 MiB once decoded) fails with ErrLimit when it passes
// MaxValues (2^20), here as soon as the header claims more than are
// left: MaxSize and MaxValues together bound what a decode allocates.
func TestResourceValueCount(t *testing.T) {
	n := 4 << 20
	data := append([]byte{0xdd, byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}, bytes.Repeat([]byte{0xc0}, n)...)
	var err error
	perCall := testalloc.PerCall(3, func() { _, err = UnmarshalMsgpack(data) })
	if !errors.Is(err, ErrLimit) {
		t.Fatalf("4M values: %v, want ErrLimit", err)
	}
	t.Logf("4M values: %d bytes allocated", perCall)
	if limit := uint64(len(data) + 48*DefaultMaxValues); perCall > limit {
		t.Errorf("%d bytes allocated, over %d", perCall, limit)
	}
	if _, err := (DecodeOptions{MaxValues: -1}).UnmarshalMsgpack(data); err != nil {
		t.Errorf("without a value limit: %v", err)
	}
}

// TestResourceInputSize: an input over MaxSize fails with ErrLimit before
// it is read.
func TestResourceInputSize(t *testing.T) {
	data := append([]byte{0xc6, 0, 0x20, 0, 0}, make([]byte, 2<<20)...) // bin32 of 2 MiB
	opts := DecodeOptions{MaxSize: 1 << 20}
	var err error
	perCall := testalloc.PerCall(10, func() { _, err = opts.UnmarshalMsgpack(data) })
	if !errors.Is(err, ErrLimit) {
		t.Fatalf("2 MiB with a 1 MiB limit: %v", err)
	}
	if perCall > 1<<10 {
		t.Errorf("%d bytes allocated per decode", perCall)
	}
}
