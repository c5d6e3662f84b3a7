package pickle

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

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
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := Unmarshal(data); err != nil {
					b.Fatal(err)
				}
			}
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
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Marshal(v); err != nil {
					b.Fatal(err)
				}
			}
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
			b.ReportAllocs()
			for b.Loop() {
				out.Reset()
				if err := enc.Encode(v); err != nil {
					b.Fatal(err)
				}
			}
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
			b.ReportAllocs()
			for b.Loop() {
				if _, err := gopickleLoads(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
