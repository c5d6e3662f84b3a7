package pickle

import (
	"errors"
	"testing"

	"github.com/flaskbridge/flaskbridge/py"
)

// FuzzUnmarshal feeds the decoder real CPython output and known crash
// inputs of other decoders, mutated. Nothing may panic; an error is an
// *Error or ErrUnsupported; a decoded value must encode again (or be
// refused with an error), and what it encodes to must decode, at
// protocols 4 and 5 to a value that prints as the first one.
func FuzzUnmarshal(f *testing.F) {
	for _, v := range loadVectors(f) {
		if data := v.data(); len(data) < 2048 {
			f.Add(data)
		}
	}
	for _, h := range hostile {
		f.Add([]byte(h.data))
	}
	for _, s := range []string{
		"\xff",              // not an opcode
		"\x80\x02\x8a\x00.", // LONG1 of length 0
		"\x80\x04\x95\x00\x00\x00\x00\x00\x00\x00\x80N", // FRAME of 2^63 bytes in 11 bytes
		"\x80\x04\x8d\xff\xff\xff\xff\xff\xff\xff\x7f",
		"]q\x00h\x00a.",
		"(((((((((((t.",
	} {
		f.Add([]byte(s))
	}
	opts := DecodeOptions{MaxInputSize: 1 << 20, MaxDepth: 200, MaxContainerLen: 1 << 16, MaxMemo: 1 << 16, MaxStack: 1 << 16}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := opts.Unmarshal(data)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) && !errors.Is(err, ErrUnsupported) {
				t.Fatalf("error %v is not an *Error", err)
			}
			return
		}
		for proto := 0; proto <= HighestProtocol; proto++ {
			out, err := EncodeOptions{Protocol: protoOption(proto), MaxDepth: 400}.Marshal(v)
			if err != nil {
				continue // a value with no form at this protocol, or too deep
			}
			back, err := (DecodeOptions{MaxDepth: 1000}).Unmarshal(out)
			if err != nil {
				t.Fatalf("protocol %d: the encoder wrote what the decoder refuses: %v\n%q", proto, err, out)
			}
			// Protocols 0 to 3 lose what CPython's do: datetime's fold
			// (kept from protocol 4), NEWOBJ (written as a copyreg
			// reduce below protocol 2).
			if a, b := py.Repr(v), py.Repr(back); proto >= 4 && a != b {
				t.Fatalf("protocol %d: %q decodes to %s, its encoding to %s", proto, data, a, b)
			}
		}
	})
}

func protoOption(p int) int {
	if p == 0 {
		return TextProtocol
	}
	return p
}
