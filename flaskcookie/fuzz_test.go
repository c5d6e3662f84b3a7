package flaskcookie

import (
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flaskbridge/flaskbridge/py"
)

// seedCookies are golden cookies Flask wrote with the key "dev" (key 0 of
// the vectors), and payloads that once needed care.
func seedCookies(f *testing.F) (cookies []string, jsons []string) {
	g := loadGolden(f, "flask31")
	for _, v := range g.Values {
		if v.JSON != "" {
			jsons = append(jsons, v.JSON)
		}
		for _, c := range v.Cookies {
			if c.Key == 0 {
				cookies = append(cookies, c.Cookie)
			}
		}
	}
	for _, c := range g.Cookies {
		cookies = append(cookies, c.Cookie)
	}
	for _, l := range g.Loads {
		jsons = append(jsons, l.JSON)
	}
	return cookies, jsons
}

// FuzzDecodeCookie decodes fuzzed cookies, and fuzzed payloads signed with
// the codec's key so that the fuzzer reaches base64, zlib, JSON and the
// tags. Nothing may panic or take unbounded memory; a cookie that decodes
// gives a session that encodes and decodes again to the same tagged JSON.
func FuzzDecodeCookie(f *testing.F) {
	cookies, jsons := seedCookies(f)
	for _, c := range cookies {
		f.Add(c, false)
	}
	for _, j := range jsons {
		f.Add(base64.RawURLEncoding.EncodeToString([]byte(j)), true)
		f.Add("."+base64.RawURLEncoding.EncodeToString(deflate(nil, []byte(j))), true)
	}
	f.Add(".eJwLycxVSCUA", true)
	f.Add("..", false)
	// Cookies Flask wrote with the key "dev" for the forgery tests, and
	// altered copies of them with Flask's verdict.
	for _, tok := range forgerySeeds(f) {
		f.Add(tok, false)
	}
	// A zlib bomb (1 MiB of zeros in about 1 KiB) and deep nesting, signed.
	f.Add("."+base64.RawURLEncoding.EncodeToString(deflate(nil, append(append([]byte(`{"a":"`), make([]byte, 1<<20)...), `"}`...))), true)
	f.Add(base64.RawURLEncoding.EncodeToString([]byte(strings.Repeat(`{" t":[`, 600)+strings.Repeat("]}", 600))), true)
	c, err := New(Options{SecretKey: []byte("dev"), Now: fixedClock(1715949296), MaxPayloadSize: 1 << 16})
	if err != nil {
		f.Fatal(err)
	}
	c1, err := New(Options{SecretKey: []byte("dev"), Now: fixedClock(1715949296), MaxPayloadSize: 1 << 16, Flask1: true})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data string, sign bool) {
		cookie := data
		if sign {
			b, err := c.signer.SignAt([]byte(data), time.Unix(1715949296, 0))
			if err != nil {
				t.Fatal(err)
			}
			cookie = string(b)
		}
		DecodeUnverified(cookie)
		flask1RoundTrip(t, c1, cookie)
		d, err := c.Decode(cookie)
		checkLoad(t, c, cookie, d, err)
		if err != nil {
			if !isSentinel(err) {
				t.Fatalf("Decode(%q): error %v wraps none of the package's errors", cookie, err)
			}
			return
		}
		j1, err := MarshalTagged(d)
		if err != nil {
			return // a datetime that leaves years 1 to 9999 in UTC: Flask fails too
		}
		again, err := c.EncodeAt(d, time.Unix(1715949296, 0))
		if err != nil {
			t.Fatalf("%q decodes to %s, which does not encode: %v", cookie, py.Repr(d), err)
		}
		d2, err := c.Decode(again)
		if err != nil {
			t.Fatalf("own cookie %q: %v", again, err)
		}
		if j2, _ := MarshalTagged(d2); string(j2) != string(j1) {
			t.Fatalf("%q: %s, then %s", cookie, j1, j2)
		}
	})
}

// isSentinel reports whether err wraps one of the errors of Decode.
func isSentinel(err error) bool {
	for _, s := range []error{ErrBadSignature, ErrExpired, ErrFutureTimestamp, ErrMalformed, ErrPayloadTooLarge} {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}

// checkLoad checks that Load opens the cookie as Flask's open_session
// does, given what Decode made of it: the same dict, an empty session and
// the error for a cookie Flask ignores, no session for one Flask fails on.
func checkLoad(t *testing.T, c *Codec, cookie string, d *py.Dict, decodeErr error) {
	t.Helper()
	s, err := c.Load(cookie)
	switch {
	case cookie == "":
		if s == nil || s.Len() != 0 || err != nil {
			t.Fatalf("Load(\"\") = %v, %v; want a new session", s, err)
		}
	case decodeErr == nil:
		if err != nil || s == nil {
			t.Fatalf("Load(%q): %v, but Decode reads it", cookie, err)
		}
		if a, b := py.Repr(s.Dict()), py.Repr(d); a != b {
			t.Fatalf("Load(%q) = %s, Decode %s", cookie, a, b)
		}
	case errors.Is(decodeErr, ErrMalformed) || errors.Is(decodeErr, ErrPayloadTooLarge):
		if s != nil || err == nil || err.Error() != decodeErr.Error() {
			t.Fatalf("Load(%q) = %v, %v; Decode: %v", cookie, s, err, decodeErr)
		}
	default:
		if s == nil || s.Len() != 0 || err == nil || err.Error() != decodeErr.Error() {
			t.Fatalf("Load(%q) = %v, %v; Decode: %v", cookie, s, err, decodeErr)
		}
	}
}

// flask1RoundTrip decodes cookie as Flask 1.x does: an error is one of the
// package's, and a session encodes to a cookie that decodes to a session
// that encodes to the same cookie.
func flask1RoundTrip(t *testing.T, c *Codec, cookie string) {
	d, err := c.Decode(cookie)
	if err != nil {
		if !isSentinel(err) {
			t.Fatalf("Flask1 Decode(%q): error %v wraps none of the package's errors", cookie, err)
		}
		return
	}
	// Its datetimes are naive, in years 1 to 9999: every session encodes.
	again, err := c.EncodeAt(d, time.Unix(1715949296, 0))
	if err != nil {
		t.Fatalf("Flask1: %q decodes to %s, which does not encode: %v", cookie, py.Repr(d), err)
	}
	d2, err := c.Decode(again)
	if err != nil {
		t.Fatalf("Flask1: own cookie %q: %v", again, err)
	}
	if again2, err := c.EncodeAt(d2, time.Unix(1715949296, 0)); err != nil || again2 != again {
		t.Fatalf("Flask1: %q: %s, then %s (%v)", cookie, again, again2, err)
	}
}

// FuzzUnmarshalTagged reads fuzzed tagged JSON: no panic, an error wraps
// ErrMalformed or ErrPayloadTooLarge, and what reads and writes again reads
// to the same text.
func FuzzUnmarshalTagged(f *testing.F) {
	_, jsons := seedCookies(f)
	for _, j := range jsons {
		f.Add([]byte(j))
	}
	for _, s := range []string{
		strings.Repeat("[", 501) + strings.Repeat("]", 501),
		strings.Repeat(`{" t":`, 300) + "[]" + strings.Repeat("}", 300),
		strings.Repeat(`{" di":{" di":`, 100) + "{}" + strings.Repeat("}}", 100),
		`{" b":"=="}`, `{" d":"Mon, 01 Jan 10000 00:00:00 GMT"}`, `{" u":"x"}`, `{" t":{}}`,
		`1e999999`, `"\ud800"`, `[1,` + strings.Repeat("9", 5000) + `]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := UnmarshalTagged(data)
		if err != nil {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrPayloadTooLarge) {
				t.Fatalf("%q: error %v wraps neither ErrMalformed nor ErrPayloadTooLarge", data, err)
			}
			return
		}
		text, err := MarshalTagged(v)
		if err != nil {
			return // e.g. a " d" date that leaves years 1 to 9999 in UTC
		}
		w, err := UnmarshalTagged(text)
		if err != nil {
			t.Fatalf("%q: own text %s: %v", data, text, err)
		}
		if again, err := MarshalTagged(w); err != nil || string(again) != string(text) {
			t.Fatalf("%q: %s, then %s (%v)", data, text, again, err)
		}
	})
}

// FuzzInflate inflates fuzzed zlib streams, seeded with CPython's
// (testdata/cookie/zlib.json.gz) and a zlib bomb: no panic, output within
// the limit, and what inflates compresses and inflates back to itself.
func FuzzInflate(f *testing.F) {
	zf, err := os.Open(filepath.Join("..", "testdata", "cookie", "zlib.json.gz"))
	if err != nil {
		f.Fatal(err)
	}
	defer zf.Close()
	zr, err := gzip.NewReader(zf)
	if err != nil {
		f.Fatal(err)
	}
	var g struct {
		Streams [][]byte `json:"streams"`
	}
	if err := json.NewDecoder(zr).Decode(&g); err != nil {
		f.Fatal(err)
	}
	for _, s := range g.Streams {
		if len(s) <= 4096 {
			f.Add(s)
		}
	}
	for _, s := range []string{"", "x", `{"a":1}`, "abcabcabcabcabcabc", string(make([]byte, 300))} {
		f.Add(deflate(nil, []byte(s)))
	}
	f.Add([]byte{0x78, 0x01, 0x01, 0x00, 0x00, 0xff, 0xff, 0, 0, 0, 1})
	f.Add(deflate(nil, make([]byte, 1<<20))) // 1 MiB of zeros in about 1 KiB
	f.Fuzz(func(t *testing.T, data []byte) {
		const limit = 1 << 16
		out, err := inflate(nil, data, limit)
		if len(out) > limit {
			t.Fatalf("%d bytes out, limit %d", len(out), limit)
		}
		if err != nil {
			return
		}
		back, err := inflate(nil, deflate(nil, out), limit)
		if err != nil || string(back) != string(out) {
			t.Fatalf("round trip of %d bytes: %v", len(out), err)
		}
	})
}
