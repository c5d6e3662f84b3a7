package msgspec

import (
	"bytes"
	"strings"
	"testing"

	"github.com/flaskbridge/flaskbridge/py"
)

// addSeeds seeds a fuzz target with the inputs of the golden vectors of
// format (what the real msgspec writes, and malformed inputs it rejects),
// but the largest, plus extra.
func addSeeds(f *testing.F, format string, extra ...string) {
	for _, version := range vectorVersions {
		vs := loadVectors(f, version)
		for _, c := range vs.Decode {
			if data := unb64(f, c.Data); c.Format == format && len(data) <= 4096 {
				f.Add(data)
			}
		}
		for _, p := range vs.Payloads {
			f.Add(unb64(f, p[format]))
		}
	}
	for _, s := range extra {
		f.Add([]byte(s))
	}
}

// fuzzOptions keeps the fuzzer's inputs cheap.
var fuzzOptions = DecodeOptions{MaxSize: 1 << 16, MaxDepth: 64, MaxValues: 1 << 12}

// FuzzUnmarshalMsgpack: any input decodes or fails with a *DecodeError,
// never panics; what decodes encodes again, and that encoding reads back
// to the same value.
func FuzzUnmarshalMsgpack(f *testing.F) {
	addSeeds(f, "msgpack",
		"\xdd\xff\xff\xff\xff", "\xdf\xff\xff\xff\xff", "\xc6\xff\xff\xff\xff", "\xc9\xff\xff\xff\xff\x01",
		strings.Repeat("\x91", 100)+"\xc0", strings.Repeat("\x81\x91", 40)+"\xc0\xc0", "\x81\x91\x80\xc0",
		"\x82\x01\x01\xc3\x02", "\x82\xcb\x7f\xf8\x00\x00\x00\x00\x00\x00\x01\xcb\x7f\xf8\x00\x00\x00\x00\x00\x00\x02")
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := fuzzOptions.UnmarshalMsgpack(data)
		if err != nil {
			if _, ok := err.(*DecodeError); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		enc, err := MarshalMsgpack(v)
		if err != nil {
			t.Fatalf("decoded %s, cannot encode it: %v", py.Repr(v), err)
		}
		back, err := fuzzOptions.UnmarshalMsgpack(enc)
		if err != nil {
			t.Fatalf("re-encoded %q does not decode: %v", enc, err)
		}
		if py.Repr(back) != py.Repr(v) {
			t.Fatalf("decoded %s, then %s", py.Repr(v), py.Repr(back))
		}
		if again, _ := MarshalMsgpack(back); !bytes.Equal(again, enc) {
			t.Fatalf("encodings differ: %q then %q", enc, again)
		}
	})
}

// FuzzDecodeJSON: any input decodes or fails with a *DecodeError, never
// panics; what decodes encodes again, and that encoding reads back to the
// same value.
func FuzzDecodeJSON(f *testing.F) {
	addSeeds(f, "json",
		strings.Repeat("[", 100)+strings.Repeat("]", 100), `{"a":{"a":{"a":1}}}`, `"\ud83d\ude00\u0000"`,
		"1e999999999999999999", "-0.0", `{"a":1,"a":2}`, "123456789012345678901234567890e-5")
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := fuzzOptions.DecodeJSON(data)
		if err != nil {
			if _, ok := err.(*DecodeError); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		enc, err := EncodeJSON(v)
		if err != nil {
			t.Fatalf("decoded %s, cannot encode it: %v", py.Repr(v), err)
		}
		back, err := fuzzOptions.DecodeJSON(enc)
		if err != nil {
			t.Fatalf("re-encoded %q does not decode: %v", enc, err)
		}
		if py.Repr(back) != py.Repr(v) {
			t.Fatalf("decoded %s, then %s", py.Repr(v), py.Repr(back))
		}
	})
}
