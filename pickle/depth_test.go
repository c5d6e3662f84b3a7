package pickle

import (
	"errors"
	"strings"
	"testing"

	"github.com/flaskbridge/flaskbridge/py"
)

// TestDepthOfGrownContainers: MaxDepth holds when a container grows after
// it was memoized or copied, which the running depth count alone cannot
// see: CPython's order (a list memoized before its items are appended)
// chaining lists through two memo slots; a list memoized, filled, and read
// back under more lists; a list copied by DUP into a tuple that is read
// back after the list grew. Each is 31 levels deep and counted as at most
// 17 by the running count.
func TestDepthOfGrownContainers(t *testing.T) {
	var chain strings.Builder
	chain.WriteString("\x80\x02]q\x00")
	for i := 1; i < 31; i++ {
		chain.WriteString("]q" + string(rune(i%2)) + "h" + string(rune((i-1)%2)) + "a0")
	}
	chain.WriteString("h\x00.")
	const k, j = 15, 15
	for name, data := range map[string]string{
		"memoized first": chain.String(),
		"filled, then read back": "]q\x00" + strings.Repeat("]", k) + strings.Repeat("a", k) + "0" +
			strings.Repeat("]", j) + "h\x00" + strings.Repeat("a", j) + ".",
		"copied into a tuple": "\x80\x02]2\x85q\x000" + strings.Repeat("]", k) + strings.Repeat("a", k) + "0" +
			strings.Repeat("]", j) + "h\x00" + strings.Repeat("a", j) + ".",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := (DecodeOptions{MaxDepth: 40}).Unmarshal([]byte(data)); err != nil {
				t.Fatalf("within the limit: %v", err)
			}
			if _, err := (DecodeOptions{MaxDepth: 20}).Unmarshal([]byte(data)); !errors.Is(err, ErrLimit) {
				t.Fatalf("31 levels with MaxDepth 20: %v, want ErrLimit", err)
			}
		})
	}
}

// TestDepthRemeasureOfLargeValue: re-measuring the depth of a value with a
// shared container that grew after it was memoized (see checkDepth) does
// not refuse a valid pickle for holding more plain values than its budget
// of extra visits: a list of 5 Mi ints, memoized before its items are
// appended as CPython does, then read back into a tuple with itself.
func TestDepthRemeasureOfLargeValue(t *testing.T) {
	if testing.Short() {
		t.Skip("a 10 MB pickle")
	}
	const n = 5 << 20
	var b strings.Builder
	b.WriteString("\x80\x04]\x94") // PROTO 4, EMPTY_LIST, MEMOIZE
	for i := range n {
		if i%1000 == 0 {
			b.WriteString("(") // MARK: appended by 1000, as CPython does
		}
		b.WriteString("K" + string(rune(i%128))) // BININT1
		if i%1000 == 999 || i == n-1 {
			b.WriteString("e") // APPENDS
		}
	}
	b.WriteString("h\x00\x86.") // BINGET 0, TUPLE2, STOP: (list, list)
	v, err := Unmarshal([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if l := v.(py.Tuple)[1].(*py.List); len(l.Items) != n || v.(py.Tuple)[0] != py.Value(l) {
		t.Fatalf("got a list of %d items", len(l.Items))
	}
}
