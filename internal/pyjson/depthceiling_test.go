package pyjson

import (
	"errors"
	"strings"
	"testing"

	"github.com/flaskbridge/flaskbridge/py"
)

// TestMaxDepthCeiling: a MaxDepth above MaxDepthCeiling counts as the
// ceiling, so that nesting deeper than it is an error and not a goroutine
// stack exhausted, whatever the setting.
func TestMaxDepthCeiling(t *testing.T) {
	huge := DecodeOptions{MaxDepth: 1 << 40}
	for _, n := range []int{MaxDepthCeiling / 2, MaxDepthCeiling + 10} {
		text := strings.Repeat("[", n) + strings.Repeat("]", n)
		_, err := Unmarshal([]byte(text), huge)
		if n <= MaxDepthCeiling && err != nil {
			t.Errorf("%d levels: %v", n, err)
		}
		if n > MaxDepthCeiling && !errors.Is(err, ErrTooDeep) {
			t.Errorf("%d levels with MaxDepth 1<<40: %v, want ErrTooDeep", n, err)
		}
		var v py.Value = py.NewList()
		for range n - 1 {
			v = py.NewList(v)
		}
		_, err = Marshal(v, EncodeOptions{MaxDepth: 1 << 40})
		if n <= MaxDepthCeiling && err != nil {
			t.Errorf("Marshal, %d levels: %v", n, err)
		}
		if n > MaxDepthCeiling && !errors.Is(err, ErrTooDeep) {
			t.Errorf("Marshal, %d levels with MaxDepth 1<<40: %v, want ErrTooDeep", n, err)
		}
	}
}
