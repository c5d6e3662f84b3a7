// Package vmbench measures github.com/vmihailenco/msgpack/v5 beside this
// repository's msgspec package on the benchmark sessions of
// testdata/payloads. It is a module of its own so that the library does
// not depend on vmihailenco/msgpack; scripts/bench_msgspec.py --vm runs it.
package vmbench
