package flaskcookie

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"errors"
	"hash/adler32"
	"strings"
	"testing"

	"github.com/flaskbridge/flaskbridge/internal/pyjson"
	"github.com/flaskbridge/flaskbridge/internal/testalloc"
)

// zlibBomb returns a zlib stream of {"a":"<n zero bytes>"} at DEFLATE's
// best ratio, about 1 KiB per MiB. The blocks of 4 MiB of zeros, flushed
// to a byte boundary, are repeated rather than compressed again: they
// refer to nothing before them but the zeros they write.
func zlibBomb(t testing.TB, n int) []byte {
	chunk := func(data []byte, final bool) []byte {
		var b bytes.Buffer
		fw, err := flate.NewWriter(&b, flate.BestCompression)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(data)
		if final {
			fw.Close()
		} else {
			fw.Flush()
		}
		return b.Bytes()
	}
	const unit = 4 << 20
	zero := make([]byte, min(n, unit))
	sum := adler32.New()
	sum.Write([]byte(`{"a":"`))
	out := []byte{0x78, 0xda}
	out = append(out, chunk([]byte(`{"a":"`), false)...)
	if n >= unit {
		block := chunk(zero, false)
		for range n / unit {
			sum.Write(zero)
			out = append(out, block...)
		}
	}
	if rest := zero[:n%unit]; len(rest) > 0 {
		sum.Write(rest)
		out = append(out, chunk(rest, false)...)
	}
	sum.Write([]byte(`"}`))
	out = append(out, chunk([]byte(`"}`), true)...)
	return sum.Sum(out)
}

// TestResourceZlibBomb: signed cookies that inflate a thousand times over
// (a cookie within the 4093 bytes a browser keeps, inflating to 3 MB, and
// one of the largest the codec reads, 64 KiB, inflating to 48 MiB) are
// refused with ErrPayloadTooLarge once the output passes MaxPayloadSize
// (1 MiB): a decode allocates a small multiple of the limit (the output
// buffer grows by doubling; under -race sync.Pool drops its buffers at
// random), never the inflated size.
func TestResourceZlibBomb(t *testing.T) {
	c := testCodec(t, Options{})
	for _, tc := range []struct {
		name     string
		inflated int
		maxSize  int
	}{
		{"browser-sized", 3_000_000, 4093},
		{"codec-sized", 48 << 20, DefaultMaxCookieSize},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cookie := signedPayload(t, c, "."+base64.RawURLEncoding.EncodeToString(zlibBomb(t, tc.inflated)))
			if len(cookie) > tc.maxSize {
				t.Fatalf("bomb cookie of %d bytes, over %d", len(cookie), tc.maxSize)
			}
			var err error
			perCall := testalloc.PerCall(5, func() { _, err = c.Decode(cookie) })
			if !errors.Is(err, ErrPayloadTooLarge) {
				t.Fatalf("%d-byte cookie inflating to %d bytes: %v", len(cookie), tc.inflated, err)
			}
			t.Logf("%d-byte cookie inflating to %d bytes: %d KiB allocated per decode", len(cookie), tc.inflated, perCall>>10)
			if limit := uint64(8 * DefaultMaxPayloadSize); perCall > limit {
				t.Errorf("%d bytes allocated per decode, over %d", perCall, limit)
			}
		})
	}
}

// TestResourceOversizedCookie: a cookie over MaxCookieSize (64 KiB) is
// refused before any base64, HMAC or zlib work, allocating next to
// nothing, however large.
func TestResourceOversizedCookie(t *testing.T) {
	c := testCodec(t, Options{})
	huge := strings.Repeat("A", 8<<20) + ".ZkdOtA.MLIVP7A3yKbqM2dTHfaNb_675GU"
	var err error
	perCall := testalloc.PerCall(10, func() { _, err = c.Decode(huge) })
	if !errors.Is(err, ErrPayloadTooLarge) {
		t.Fatalf("8 MiB cookie: %v", err)
	}
	if perCall > 1<<10 {
		t.Errorf("8 MiB cookie: %d bytes allocated per decode", perCall)
	}
	s, err := c.Load(huge)
	if s != nil || !errors.Is(err, ErrPayloadTooLarge) {
		t.Errorf("Load of an 8 MiB cookie: %v, %v", s, err)
	}
}

// TestResourceDeepNesting: JSON nested far beyond MaxDepth (500) is
// refused with ErrMalformed wrapping pyjson.ErrTooDeep, whether it comes
// as tagged JSON or as a compressed cookie: the parser stops at the limit,
// so the nesting costs memory in proportion to the limit, not to the
// input (a compressed cookie costs the inflated text, up to MaxPayloadSize,
// and its copies).
func TestResourceDeepNesting(t *testing.T) {
	const n = 500_000
	for name, text := range map[string]string{
		"lists":  strings.Repeat("[", n) + strings.Repeat("]", n),
		"dicts":  strings.Repeat(`{"a":`, n/5) + "1" + strings.Repeat("}", n/5),
		"tagged": strings.Repeat(`{" t":[`, n/7) + strings.Repeat("]}", n/7),
	} {
		t.Run(name, func(t *testing.T) {
			var err error
			data := []byte(text)
			perCall := testalloc.PerCall(5, func() { _, err = UnmarshalTagged(data) })
			if !errors.Is(err, ErrMalformed) || !errors.Is(err, pyjson.ErrTooDeep) {
				t.Fatalf("%d bytes of nesting: %v", len(text), err)
			}
			t.Logf("UnmarshalTagged, %d bytes of nesting: %d bytes allocated", len(text), perCall)
			// The text itself is copied once, for the decoded strings to share.
			if limit := uint64(len(text) + 256<<10); perCall > limit {
				t.Errorf("UnmarshalTagged: %d bytes allocated, over %d", perCall, limit)
			}
			c := testCodec(t, Options{})
			cookie := signedPayload(t, c, "."+base64.RawURLEncoding.EncodeToString(deflate(nil, []byte(text))))
			if len(cookie) > DefaultMaxCookieSize {
				t.Fatalf("cookie of %d bytes", len(cookie))
			}
			perCall = testalloc.PerCall(5, func() { _, err = c.Decode(cookie) })
			if !errors.Is(err, ErrMalformed) || !errors.Is(err, pyjson.ErrTooDeep) {
				t.Fatalf("%d-byte cookie: %v", len(cookie), err)
			}
			t.Logf("Decode, %d-byte cookie: %d bytes allocated", len(cookie), perCall)
			if limit := uint64(8 * DefaultMaxPayloadSize); perCall > limit {
				t.Errorf("Decode: %d bytes allocated, over %d", perCall, limit)
			}
		})
	}
}
