// Package testalloc measures the memory a piece of code allocates, for the
// tests that hold a decoder's limits to a bound on the memory bad input
// can make it use.
package testalloc

import "runtime"

// PerCall returns the bytes f allocates per call, averaged over runs calls
// (runs must be at least 1). It counts runtime.MemStats.TotalAlloc, every
// byte allocated whether freed since or not, which bounds the peak memory
// f can have used. It runs a garbage collection first; allocations by
// other goroutines at the same time count too.
func PerCall(runs int, f func()) uint64 {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range runs {
		f()
	}
	runtime.ReadMemStats(&after)
	return (after.TotalAlloc - before.TotalAlloc) / uint64(runs)
}
