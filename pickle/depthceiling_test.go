package pickle

import (
	"bytes"
	"errors"
	"testing"

	"github.com/flaskbridge/flaskbridge/py"
)

// TestMaxDepthCeiling: a MaxDepth above MaxDepthCeiling counts as the
// ceiling, so that nesting deeper than it is ErrLimit and not a goroutine
// stack exhausted, in both directions.
func TestMaxDepthCeiling(t *testing.T) {
	dec := DecodeOptions{MaxDepth: 1 << 40}
	enc := EncodeOptions{MaxDepth: 1 << 40}
	for _, n := range []int{MaxDepthCeiling / 2, MaxDepthCeiling + 10} {
		ok := n <= MaxDepthCeiling
		check := func(what string, err error) {
			t.Helper()
			if ok && err != nil {
				t.Errorf("%s, %d levels: %v", what, n, err)
			}
			if !ok && !errors.Is(err, ErrLimit) {
				t.Errorf("%s, %d levels with MaxDepth 1<<40: %v, want ErrLimit", what, n, err)
			}
		}
		// EMPTY_LIST n times, then APPEND n-1 times: n nested lists.
		data := append([]byte{opProto, 4}, bytes.Repeat([]byte{opEmptyList}, n)...)
		data = append(data, bytes.Repeat([]byte{opAppend}, n-1)...)
		data = append(data, opStop)
		_, err := dec.Unmarshal(data)
		check("Unmarshal", err)
		var v py.Value = py.NewList()
		for range n - 1 {
			v = py.NewList(v)
		}
		_, err = enc.Marshal(v)
		check("Marshal", err)
	}
}
