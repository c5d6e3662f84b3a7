package perf

import (
	"syscall"
	"testing"
	"time"
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

// cpuTime is the CPU time (user + system) the process has used, all its
// threads together.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// measure runs f until the benchmark time is up and reports, besides the
// wall-clock time and the allocations, the CPU time per operation
// (cpu-ns/op): on a shared machine, a process that waits for a core is
// slowed in wall-clock time but not in CPU time, so the CPU time is the
// steadier figure. It counts every thread of the process: the garbage
// collector's work is in it.
func measure(b *testing.B, f func() error) {
	b.Helper()
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		if err := f(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
}

// eachPayload runs a sub-benchmark for each payload.
func eachPayload(b *testing.B, run func(b *testing.B, p *Payload)) {
	for _, p := range loadAll(b) {
		b.Run(p.Name, func(b *testing.B) { run(b, p) })
	}
}
