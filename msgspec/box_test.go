package msgspec

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/flaskbridge/flaskbridge/py"
)

// TestMsgpackStrBlocks decodes messages whose str headers outgrow the room
// the decoder's block keeps for them (many tiny strings), with many dicts
// of the same keys (shared through the key cache), and long strings; the
// input is cleared after decoding, as a caller reusing its buffer would.
func TestMsgpackStrBlocks(t *testing.T) {
	for _, n := range []int{1, 10, 300, 3000} {
		for _, size := range []int{1, 2, 9, 17, 40, 300} {
			items := make([]py.Value, 0, 2*n)
			for i := range n {
				s := fmt.Sprintf("%0*d", size, i)[:size]
				items = append(items, s, py.DictOf("k", s, "key"+s[:1], int64(i), "a long key, over 16 bytes", s))
			}
			v := &py.List{Items: items}
			data, err := MarshalMsgpack(v)
			if err != nil {
				t.Fatal(err)
			}
			in := bytes.Clone(data)
			got, err := UnmarshalMsgpack(in)
			if err != nil {
				t.Fatalf("n=%d size=%d: %v", n, size, err)
			}
			clear(in)
			if !py.Equal(got, v) {
				t.Fatalf("n=%d size=%d: decoded value differs", n, size)
			}
			again, err := MarshalMsgpack(got)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(again, data) {
				t.Fatalf("n=%d size=%d: re-encoded bytes differ", n, size)
			}
		}
	}
}
