package flaskcookie

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/flaskbridge/flaskbridge/internal/pyjson"
	"github.com/flaskbridge/flaskbridge/py"
)

// TestMaxDepthCeiling: a MaxDepth above MaxDepthCeiling counts as the
// ceiling, so that nesting deeper than it is an error and not a goroutine
// stack exhausted, in both directions.
func TestMaxDepthCeiling(t *testing.T) {
	c := testCodec(t, Options{MaxDepth: 1 << 40, MaxPayloadSize: 1 << 30, MaxCookieSize: 1 << 30})
	lim := Limits{MaxDepth: 1 << 40, MaxSize: 1 << 30}
	for _, n := range []int{MaxDepthCeiling / 2, MaxDepthCeiling + 10} {
		ok := n <= MaxDepthCeiling
		check := func(what string, err error) {
			t.Helper()
			if ok && err != nil {
				t.Errorf("%s, %d levels: %v", what, n, err)
			}
			// Decoding says ErrTooDeep; encoding, ErrUnsupported.
			if !ok && !errors.Is(err, pyjson.ErrTooDeep) && !errors.Is(err, ErrUnsupported) {
				t.Errorf("%s, %d levels with MaxDepth 1<<40: %v, want ErrTooDeep or ErrUnsupported", what, n, err)
			}
		}
		text := `{"a":` + strings.Repeat("[", n-1) + strings.Repeat("]", n-1) + "}"
		_, err := lim.DecodeTagged([]byte(text))
		check("DecodeTagged", err)
		var v py.Value = py.NewList()
		for range n - 2 {
			v = py.NewList(v)
		}
		cookie, err := c.EncodeAt(py.DictOf("a", v), time.Unix(testTS, 0))
		check("EncodeAt", err)
		if ok {
			_, err = c.Decode(cookie)
			check("Decode", err)
		}
	}
}
