package pickle

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/flaskbridge/flaskbridge/py"
)

// TestStrBlocks decodes pickles of many tiny strings, whose headers
// outgrow the room the decoder's block keeps for them, and of long ones,
// and checks the values, the memo references to them, and that the input
// can be reused afterwards.
func TestStrBlocks(t *testing.T) {
	for _, n := range []int{1, 10, 100, 3000} {
		for _, size := range []int{2, 7, 8, 9, 40, 300, 20000} {
			if n*size > 1<<20 {
				continue
			}
			items := make([]py.Value, 0, 2*n)
			for i := range n {
				s := fmt.Sprintf("%0*d", size, i)[:size]
				items = append(items, s, s) // the second is a memo reference
			}
			v := &py.List{Items: items}
			data, err := Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			in := bytes.Clone(data)
			got, err := Unmarshal(in)
			if err != nil {
				t.Fatalf("n=%d size=%d: %v", n, size, err)
			}
			clear(in) // the caller reuses its buffer
			if !py.Equal(got, v) {
				t.Fatalf("n=%d size=%d: decoded value differs", n, size)
			}
			again, err := Marshal(got)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(again, data) {
				t.Fatalf("n=%d size=%d: re-encoded bytes differ (memo sharing lost)", n, size)
			}
		}
	}
}

// TestStrRunLimits checks that a list of str decoded without the stack
// (appendStrRun) meets the limits and errors of the general path.
func TestStrRunLimits(t *testing.T) {
	items := make([]py.Value, 10)
	for i := range items {
		items[i] = fmt.Sprintf("item %d", i)
	}
	data, err := Marshal(&py.List{Items: items})
	if err != nil {
		t.Fatal(err)
	}
	// PROTO, FRAME, EMPTY_LIST, MEMOIZE, MARK, then the items: the stack
	// holds the list and 10 items; the memo the list and 10 items.
	for _, c := range []struct {
		opts DecodeOptions
		ok   bool
	}{
		{DecodeOptions{MaxStack: 11}, true},
		{DecodeOptions{MaxStack: 10}, false},
		{DecodeOptions{MaxMemo: 11}, true},
		{DecodeOptions{MaxMemo: 10}, false},
		{DecodeOptions{MaxContainerLen: 10}, true},
		{DecodeOptions{MaxContainerLen: 9}, false},
		{DecodeOptions{MaxDepth: 1}, true},
	} {
		_, err := c.opts.Unmarshal(data)
		if c.ok != (err == nil) || err != nil && !errors.Is(err, ErrLimit) {
			t.Errorf("%+v: %v", c.opts, err)
		}
	}
	bad := bytes.Replace(data, []byte("item 5"), []byte("item \xff"), 1)
	if _, err := Unmarshal(bad); !errors.Is(err, ErrInvalid) {
		t.Errorf("invalid UTF-8 in a run: %v", err)
	}
}

// TestBlockSizeLimit checks that an input too large for the memo's int32
// offsets of str headers gets no block (the block would be over 2 GiB,
// too large to try in a test).
func TestBlockSizeLimit(t *testing.T) {
	for _, rest := range []int{5 << 28, 1<<31 - 1, 1 << 31, 3 << 30, 5 << 30} {
		if _, size := blockSize(rest); size <= math.MaxInt32 {
			t.Errorf("block for %d bytes: size %d fits int32 offsets", rest, size)
		}
	}
	if _, size := blockSize(1 << 20); size > math.MaxInt32 {
		t.Errorf("block for 1 MiB: size %d", size)
	}
}
