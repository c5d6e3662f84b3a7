package main

import (
	"fmt"
	"math"
	"sort"
)

// Stat summarises the samples of one measurement: times in ns per
// operation. Samples hold the figure compared: the CPU time per operation
// where the benchmark reports it (every micro-benchmark, Go and Python),
// otherwise the wall-clock time; Wall holds the wall-clock times of the
// same samples.
type Stat struct {
	Samples   []float64
	Wall      []float64
	Bytes     []float64 // B/op of each Go sample
	Allocs    []float64 // allocs/op of each Go sample
	HasAllocs bool
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func minOf(xs []float64) float64 {
	m := math.Inf(1)
	for _, x := range xs {
		m = math.Min(m, x)
	}
	return m
}

func maxOf(xs []float64) float64 {
	m := math.Inf(-1)
	for _, x := range xs {
		m = math.Max(m, x)
	}
	return m
}

// Median, Min and Max of the samples.
func (s *Stat) Median() float64 { return median(s.Samples) }
func (s *Stat) Min() float64    { return minOf(s.Samples) }
func (s *Stat) Max() float64    { return maxOf(s.Samples) }
func (s *Stat) N() int          { return len(s.Samples) }

// fmtNs prints a duration in ns with three significant digits.
func fmtNs(ns float64) string {
	switch {
	case math.IsNaN(ns):
		return "-"
	case ns >= 1e9:
		return sig3(ns/1e9) + " s"
	case ns >= 1e6:
		return sig3(ns/1e6) + " ms"
	case ns >= 1e3:
		return sig3(ns/1e3) + " µs"
	}
	return sig3(ns) + " ns"
}

// fmtRange prints min–max in the unit of the median.
func fmtRange(lo, hi float64) string {
	return fmtNs(lo) + " – " + fmtNs(hi)
}

func sig3(x float64) string {
	switch {
	case x >= 100:
		return fmt.Sprintf("%.0f", x)
	case x >= 10:
		return fmt.Sprintf("%.1f", x)
	}
	return fmt.Sprintf("%.2f", x)
}

func fmtRatio(r float64) string {
	if math.IsNaN(r) || math.IsInf(r, 0) {
		return "-"
	}
	if r >= 10 {
		return fmt.Sprintf("%.1f×", r)
	}
	return fmt.Sprintf("%.2f×", r)
}

func fmtCount(x float64) string {
	if math.IsNaN(x) {
		return "-"
	}
	return fmt.Sprintf("%.0f", x)
}

// wallToo marks the samples as wall-clock times as well (latencies,
// requests/s).
func (s *Stat) wallToo() { s.Wall = s.Samples }
