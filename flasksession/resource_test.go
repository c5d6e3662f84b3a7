package flasksession_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/flaskbridge/flaskbridge/flasksession"
	"github.com/flaskbridge/flaskbridge/internal/testalloc"
)

// TestResourceIDLength: a session cookie whose id is longer than
// MaxIDLength (256) fails with ErrInvalidID, signed or not, before the
// store is asked, allocating next to nothing: a signed cookie's id is
// measured before its signature is computed.
func TestResourceIDLength(t *testing.T) {
	long := strings.Repeat("a", 1<<20)
	for _, signed := range []bool{false, true} {
		store := newMem()
		m, err := flasksession.New(store, flasksession.Options{UseSigner: signed, SecretKey: "secret"})
		if err != nil {
			t.Fatal(err)
		}
		cookie := long
		if signed {
			cookie = m.CookieValue(long)
		}
		var perr error
		perCall := testalloc.PerCall(10, func() { _, perr = m.ParseCookie(cookie) })
		if !errors.Is(perr, flasksession.ErrInvalidID) {
			t.Fatalf("signed %v: 1 MiB id: %v", signed, perr)
		}
		// Signed or not, a long id is refused before anything is
		// computed over it (its signature included).
		bound := uint64(1 << 10)
		if perCall > bound {
			t.Errorf("signed %v: %d bytes allocated per parse, over %d", signed, perCall, bound)
		}
		if _, err := m.Open(context.Background(), cookie); !errors.Is(err, flasksession.ErrInvalidID) && err != nil {
			t.Errorf("signed %v: Open: %v", signed, err)
		}
	}
}

// TestResourceValueSize: a stored value larger than MaxValueSize (16 MiB
// by default; 1 MiB here) fails with ErrCorrupt before any decoder reads
// it, allocating next to nothing.
func TestResourceValueSize(t *testing.T) {
	store := newMem()
	m, err := flasksession.New(store, flasksession.Options{MaxValueSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	sid := m.NewID()
	store.data[m.Key(sid)] = append([]byte{0xc6, 0, 0x20, 0, 0}, make([]byte, 2<<20)...) // bin32 of 2 MiB
	var rerr error
	perCall := testalloc.PerCall(10, func() { _, _, _, rerr = m.Read(context.Background(), sid) })
	if !errors.Is(rerr, flasksession.ErrCorrupt) {
		t.Fatalf("2 MiB value with a 1 MiB limit: %v", rerr)
	}
	if perCall > 4<<10 {
		t.Errorf("%d bytes allocated per read", perCall)
	}
}
