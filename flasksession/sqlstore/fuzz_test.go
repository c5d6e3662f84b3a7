package sqlstore

import (
	"testing"
	"time"
)

// FuzzParseExpiry reads arbitrary expiry column text: a time or
// ErrExpiry, never a panic; the texts SQLAlchemy, PyMySQL and the drivers
// give are seeds.
func FuzzParseExpiry(f *testing.F) {
	for _, s := range []string{"2026-11-23 16:36:31.811397", "2026-11-23 16:36:31", "9999-12-31 23:59:59",
		"2026-11-23T16:36:31", "2026-11-23", "", "0000-00-00 00:00:00", "2026-13-40 25:61:61"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tm, ok, err := parseExpiry(s)
		if err == nil && (!ok || tm.Location() != time.UTC) {
			t.Fatalf("%q: %v %v", s, tm, ok)
		}
		parseExpiry([]byte(s))
	})
}
