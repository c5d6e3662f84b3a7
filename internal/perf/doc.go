// Package perf holds the parts of `make bench` (scripts/bench.sh) that the
// library must not depend on: benchmarks of the other Go pickle decoders
// (github.com/nlpodyssey/gopickle, github.com/kisielk/og-rek), the
// standard-library floors of the Flask cookie (HMAC-SHA1, base64, zlib,
// encoding/json), and cmd/perfreport, which reads the raw Go and Python
// figures of a run and writes docs/performance.md and its chart. It is a
// module of its own so that the library's go.mod does not grow for
// benchmarks.
//
// Every benchmark reads the payloads of testdata/payloads (written by
// scripts/gen_payloads.py), the files the Python side of the run reads.
//
//	cd internal/perf && go test -run '^$' -bench . -benchmem -cpu 1
package perf
