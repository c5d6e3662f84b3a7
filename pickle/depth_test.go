package pickle

import (
	"errors"
	"strings"
	"testing"
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
