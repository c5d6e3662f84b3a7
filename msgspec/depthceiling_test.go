package msgspec

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/flaskbridge/flaskbridge/py"
)

// TestMaxDepthCeiling: a negative MaxDepth, or one above MaxDepthCeiling,
// counts as the ceiling, so that nesting deeper than it is ErrLimit and
// not a goroutine stack exhausted, in both formats and both directions.
func TestMaxDepthCeiling(t *testing.T) {
	for _, setting := range []int{-1, 1 << 40} {
		dec := DecodeOptions{MaxDepth: setting, MaxSize: 1 << 30, MaxValues: 1 << 30}
		enc := EncodeOptions{MaxDepth: setting}
		for _, n := range []int{MaxDepthCeiling / 2, MaxDepthCeiling + 10} {
			ok := n <= MaxDepthCeiling
			check := func(what string, err error) {
				t.Helper()
				if ok && err != nil {
					t.Errorf("MaxDepth %d, %s, %d levels: %v", setting, what, n, err)
				}
				if !ok && !errors.Is(err, ErrLimit) {
					t.Errorf("MaxDepth %d, %s, %d levels: %v, want ErrLimit", setting, what, n, err)
				}
			}
			mp := append(bytes.Repeat([]byte{0x91}, n), 0xc0) // [[[...[None]...]]]
			_, err := dec.UnmarshalMsgpack(mp)
			check("UnmarshalMsgpack", err)
			_, err = dec.DecodeJSON([]byte(strings.Repeat("[", n) + strings.Repeat("]", n)))
			check("DecodeJSON", err)
			var v py.Value = py.NewList()
			for range n - 1 {
				v = py.NewList(v)
			}
			_, err = enc.MarshalMsgpack(v)
			check("MarshalMsgpack", err)
			_, err = enc.EncodeJSON(v)
			check("EncodeJSON", err)
		}
	}
}
