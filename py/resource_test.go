package py

import (
	"errors"
	"strings"
	"testing"

	"github.com/flaskbridge/flaskbridge/internal/testalloc"
)

// TestResourceParseLimits: literal text nested a million levels deep
// fails with ErrLimit at MaxDepth (1000); an int of a million decimal
// digits fails at MaxIntDigits (4300, CPython's limit on int from str)
// before any conversion, whose cost grows faster than the digits; text
// over MaxSize fails before it is read. Each allocates next to nothing
// beside the limit's worth of containers.
func TestResourceParseLimits(t *testing.T) {
	for _, tc := range []struct {
		name  string
		text  string
		opts  ParseOptions
		bound uint64
	}{
		{"lists", strings.Repeat("[", 1<<20) + strings.Repeat("]", 1<<20), ParseOptions{}, 256 << 10},
		{"calls", strings.Repeat("set(", 1<<18) + strings.Repeat(")", 1<<18), ParseOptions{}, 256 << 10},
		{"dicts", strings.Repeat("{1: ", 1<<18) + "1" + strings.Repeat("}", 1<<18), ParseOptions{}, 256 << 10},
		{"int digits", strings.Repeat("7", 1<<20), ParseOptions{}, 16 << 10},
		{"size", "'" + strings.Repeat("a", 2<<20) + "'", ParseOptions{MaxSize: 1 << 20}, 4 << 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			perCall := testalloc.PerCall(5, func() { _, err = tc.opts.ParseLiteral(tc.text) })
			if !errors.Is(err, ErrLimit) {
				t.Fatalf("%d bytes: %v, want ErrLimit", len(tc.text), err)
			}
			t.Logf("%d bytes: %d bytes allocated", len(tc.text), perCall)
			if perCall > tc.bound {
				t.Errorf("%d bytes allocated, over %d", perCall, tc.bound)
			}
		})
	}
}
