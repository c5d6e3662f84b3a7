package perf

// flaskbridge itself on the payloads: the cookie codec, pickle and msgspec.

import (
	"testing"
	"time"

	"github.com/flaskbridge/flaskbridge/msgspec"
	"github.com/flaskbridge/flaskbridge/pickle"
)

// BenchmarkCookieOpen is flaskcookie's Codec.Decode: verify and decode.
func BenchmarkCookieOpen(b *testing.B) {
	eachPayload(b, func(b *testing.B, p *Payload) {
		c, err := Codec()
		if err != nil {
			b.Fatal(err)
		}
		measure(b, func() error { _, err := c.Decode(p.Cookie); return err })
	})
}

// BenchmarkCookieSave is flaskcookie's Codec.EncodeAt: encode and sign.
func BenchmarkCookieSave(b *testing.B) {
	eachPayload(b, func(b *testing.B, p *Payload) {
		c, err := Codec()
		if err != nil {
			b.Fatal(err)
		}
		t := time.Unix(Timestamp, 0)
		measure(b, func() error { _, err := c.EncodeAt(p.Value, t); return err })
	})
}

// BenchmarkPickleDecode is pickle.Unmarshal of CPython's pickle.
func BenchmarkPickleDecode(b *testing.B) {
	eachPayload(b, func(b *testing.B, p *Payload) {
		measure(b, func() error { _, err := pickle.Unmarshal(p.Pickle); return err })
	})
}

// BenchmarkPickleEncode is pickle.Marshal of what Unmarshal read.
func BenchmarkPickleEncode(b *testing.B) {
	eachPayload(b, func(b *testing.B, p *Payload) {
		v, err := pickle.Unmarshal(p.Pickle)
		if err != nil {
			b.Fatal(err)
		}
		measure(b, func() error { _, err := pickle.Marshal(v); return err })
	})
}

// BenchmarkMsgpackEncode is msgspec.MarshalMsgpack of the session.
func BenchmarkMsgpackEncode(b *testing.B) {
	eachPayload(b, func(b *testing.B, p *Payload) {
		measure(b, func() error { _, err := msgspec.MarshalMsgpack(p.Value); return err })
	})
}

// BenchmarkMsgpackDecode is msgspec.UnmarshalMsgpack of msgspec's bytes.
func BenchmarkMsgpackDecode(b *testing.B) {
	eachPayload(b, func(b *testing.B, p *Payload) {
		measure(b, func() error { _, err := msgspec.UnmarshalMsgpack(p.Msgpack); return err })
	})
}
