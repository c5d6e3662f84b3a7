package py

import (
	"errors"
	"strings"
	"testing"
)

// TestMaxDepthCeiling: a MaxDepth above MaxDepthCeiling counts as the
// ceiling, so that nesting deeper than it is ErrLimit and not a goroutine
// stack exhausted.
func TestMaxDepthCeiling(t *testing.T) {
	o := ParseOptions{MaxDepth: 1 << 40}
	for _, n := range []int{MaxDepthCeiling / 2, MaxDepthCeiling + 10} {
		_, err := o.ParseLiteral(strings.Repeat("[", n) + strings.Repeat("]", n))
		if n <= MaxDepthCeiling && err != nil {
			t.Errorf("%d levels: %v", n, err)
		}
		if n > MaxDepthCeiling && !errors.Is(err, ErrLimit) {
			t.Errorf("%d levels with MaxDepth 1<<40: %v, want ErrLimit", n, err)
		}
	}
}
