package pickle

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// loop runs f b.N times and reports, beside the wall-clock time, the CPU
// time per operation: on a shared machine it depends far less on the
// other processes than the wall-clock time does.
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

// The payloads of testdata/payloads (scripts/gen_payloads.py): three Flask
// sessions as Flask-Session stores them.
var payloadNames = []string{"login", "cart", "history"}

func loadPayload(tb testing.TB, name string) []byte {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("..", "testdata", "payloads", name+".pickle"))
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

func TestPayloadsRoundTrip(t *testing.T) {
	for _, name := range payloadNames {
		data := loadPayload(t, name)
		v, err := Unmarshal(data)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, data) {
			t.Errorf("%s: re-encoded bytes differ", name)
		}
	}
}

func BenchmarkUnmarshal(b *testing.B) {
	for _, name := range payloadNames {
		data := loadPayload(b, name)
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			loop(b, func() error { _, err := Unmarshal(data); return err })
		})
	}
}

func BenchmarkMarshal(b *testing.B) {
	for _, name := range payloadNames {
		v, err := Unmarshal(loadPayload(b, name))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			loop(b, func() error { _, err := Marshal(v); return err })
		})
	}
}

// BenchmarkEncoder writes to a reused Encoder, whose buffer and memo are
// kept between calls.
func BenchmarkEncoder(b *testing.B) {
	for _, name := range payloadNames {
		v, err := Unmarshal(loadPayload(b, name))
		if err != nil {
			b.Fatal(err)
		}
		var out bytes.Buffer
		enc := NewEncoder(&out, EncodeOptions{})
		b.Run(name, func(b *testing.B) {
			loop(b, func() error { out.Reset(); return enc.Encode(v) })
		})
	}
}

// BenchmarkGopickleLoads times github.com/nlpodyssey/gopickle on the same
// payloads, for comparison.
func BenchmarkGopickleLoads(b *testing.B) {
	for _, name := range payloadNames {
		data := loadPayload(b, name)
		if _, err := gopickleLoads(data); err != nil {
			b.Logf("%s: gopickle: %v", name, err)
			continue
		}
		b.Run(name, func(b *testing.B) {
			loop(b, func() error { _, err := gopickleLoads(data); return err })
		})
	}
}
