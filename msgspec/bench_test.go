package msgspec

import (
	"testing"
	"time"

	"github.com/flaskbridge/flaskbridge/py"
)

// loop runs f b.N times and reports, beside the wall-clock time, the CPU
// time per operation (all threads, so the garbage collector's work
// counts): on a shared machine it depends far less on the other processes
// than the wall-clock time does.
func loop(b *testing.B, f func() error) {
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		if err := f(); err != nil {
			b.Fatal(err)
		}
	}
	if used := cpuTime() - start; used > 0 {
		b.ReportMetric(float64(used)/float64(time.Duration(b.N)), "cpu-ns/op")
	}
}

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
		loop(b, func() error { _, err := MarshalMsgpack(v); return err })
	})
}

func BenchmarkAppendMsgpack(b *testing.B) {
	benchPayloads(b, func(b *testing.B, v py.Value) {
		buf, _ := MarshalMsgpack(v)
		b.SetBytes(int64(len(buf)))
		loop(b, func() error { var err error; buf, err = AppendMsgpack(buf[:0], v); return err })
	})
}

func BenchmarkUnmarshalMsgpack(b *testing.B) {
	benchPayloads(b, func(b *testing.B, v py.Value) {
		data, _ := MarshalMsgpack(v)
		b.SetBytes(int64(len(data)))
		loop(b, func() error { _, err := UnmarshalMsgpack(data); return err })
	})
}

func BenchmarkEncodeJSON(b *testing.B) {
	benchPayloads(b, func(b *testing.B, v py.Value) {
		data, _ := EncodeJSON(v)
		b.SetBytes(int64(len(data)))
		loop(b, func() error { _, err := EncodeJSON(v); return err })
	})
}

func BenchmarkDecodeJSON(b *testing.B) {
	benchPayloads(b, func(b *testing.B, v py.Value) {
		data, _ := EncodeJSON(v)
		b.SetBytes(int64(len(data)))
		loop(b, func() error { _, err := DecodeJSON(data); return err })
	})
}
