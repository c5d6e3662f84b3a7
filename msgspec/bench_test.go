package msgspec

import (
	"testing"

	"github.com/flaskbridge/flaskbridge/py"
)

// payloadNames are the benchmark sessions of testdata/payloads: a
// Flask-Login session, a 20-item cart, a 500-entry history.
var payloadNames = []string{"login", "cart", "history"}

func benchPayloads(b *testing.B, run func(b *testing.B, v py.Value)) {
	for _, name := range payloadNames {
		v := loadPayload(b, name)
		b.Run(name, func(b *testing.B) { run(b, v) })
	}
}

func BenchmarkMarshalMsgpack(b *testing.B) {
	benchPayloads(b, func(b *testing.B, v py.Value) {
		data, _ := MarshalMsgpack(v)
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := MarshalMsgpack(v); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkAppendMsgpack(b *testing.B) {
	benchPayloads(b, func(b *testing.B, v py.Value) {
		buf, _ := MarshalMsgpack(v)
		b.SetBytes(int64(len(buf)))
		b.ReportAllocs()
		for b.Loop() {
			var err error
			if buf, err = AppendMsgpack(buf[:0], v); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkUnmarshalMsgpack(b *testing.B) {
	benchPayloads(b, func(b *testing.B, v py.Value) {
		data, _ := MarshalMsgpack(v)
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := UnmarshalMsgpack(data); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkEncodeJSON(b *testing.B) {
	benchPayloads(b, func(b *testing.B, v py.Value) {
		data, _ := EncodeJSON(v)
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := EncodeJSON(v); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkDecodeJSON(b *testing.B) {
	benchPayloads(b, func(b *testing.B, v py.Value) {
		data, _ := EncodeJSON(v)
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := DecodeJSON(data); err != nil {
				b.Fatal(err)
			}
		}
	})
}
