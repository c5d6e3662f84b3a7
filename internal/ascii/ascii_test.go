package ascii_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/flaskbridge/flaskbridge/internal/ascii"
)

// Every length up to 40, with one byte of 0x80 or more at each place, or
// none.
func TestIs(t *testing.T) {
	for n := 0; n <= 40; n++ {
		s := strings.Repeat("a", n)
		if !ascii.Is(s) {
			t.Fatalf("%q", s)
		}
		for i := 0; i < n; i++ {
			for _, c := range []byte{0x80, 0xC3, 0xFF} {
				b := []byte(s)
				b[i] = c
				if ascii.Is(string(b)) {
					t.Fatalf("%q", b)
				}
			}
		}
	}
	if !ascii.Is("\x7f\x00/products/7919?page=1") {
		t.Fatal("0x7F and NUL are ASCII")
	}
}

// The bytes around a substring are not read as part of it.
func TestIsSubstring(t *testing.T) {
	s := "\xffabcdefghij\xff"
	for i := 1; i < len(s)-1; i++ {
		for j := i; j < len(s)-1; j++ {
			if !ascii.Is(s[i:j]) {
				t.Fatalf("%q", s[i:j])
			}
		}
	}
}

func FuzzIs(f *testing.F) {
	f.Add("session")
	f.Add("caf\xc3\xa9 au lait")
	f.Fuzz(func(t *testing.T, s string) {
		want := true
		for i := 0; i < len(s); i++ {
			if s[i] >= 0x80 {
				want = false
			}
		}
		if ascii.Is(s) != want {
			t.Fatalf("Is(%q) = %v", s, !want)
		}
	})
}

func ExampleIs() {
	fmt.Println(ascii.Is("/products/7919?page=1"), ascii.Is("café"))
	// Output: true false
}
