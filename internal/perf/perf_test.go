package perf

import (
	"testing"
)

// loadAll reads the payloads once per test binary.
func loadAll(tb testing.TB) []*Payload {
	tb.Helper()
	if cached == nil {
		root, err := Root(".")
		if err != nil {
			tb.Fatal(err)
		}
		if cached, err = LoadAll(root); err != nil {
			tb.Fatal(err)
		}
	}
	return cached
}

var cached []*Payload

// TestPayloads checks that the library reads back each payload as the
// benchmarks use it.
func TestPayloads(t *testing.T) {
	for _, p := range loadAll(t) {
		if err := p.RoundTrip(); err != nil {
			t.Error(err)
		}
		if p.Name == "history" && !p.Compressed {
			t.Error("history: the cookie is not compressed")
		}
	}
}
