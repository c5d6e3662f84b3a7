package ascii_test

import (
	"bytes"
	"fmt"
	"slices"
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

// Copy writes exactly the bytes of s, whatever they are, and reports what
// Is reports: every length up to 40, with one byte of 0x80 or more at each
// place, or none, into a buffer whose bytes past len(s) must stay.
func TestCopy(t *testing.T) {
	for n := 0; n <= 40; n++ {
		base := []byte(strings.Repeat("a", n))
		for i := -1; i < n; i++ {
			b := slices.Clone(base)
			if i >= 0 {
				b[i] = 0xC3
			}
			dst := bytes.Repeat([]byte{'#'}, n+8)
			if got, want := ascii.Copy(dst, string(b)), ascii.Is(string(b)); got != want {
				t.Fatalf("Copy(%q) = %v, want %v", b, got, want)
			}
			if !bytes.Equal(dst[:n], b) || !bytes.Equal(dst[n:], bytes.Repeat([]byte{'#'}, 8)) {
				t.Fatalf("Copy(%q) wrote %q", b, dst)
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
		dst := make([]byte, len(s))
		if ascii.Copy(dst, s) != want || string(dst) != s {
			t.Fatalf("Copy(%q) = %v, %q", s, !want, dst)
		}
	})
}

func ExampleCopy() {
	dst := make([]byte, 8)
	fmt.Println(ascii.Copy(dst, "session"), string(dst[:7]))
	// Output: true session
}

func ExampleIs() {
	fmt.Println(ascii.Is("/products/7919?page=1"), ascii.Is("café"))
	// Output: true false
}
