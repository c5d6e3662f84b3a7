package flaskcookie

import (
	"encoding/base64"
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
	c, err := New(Options{SecretKey: []byte("dev"), Now: fixedClock(1715949296), MaxPayloadSize: 1 << 16})
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
		d, err := c.Decode(cookie)
		if err != nil {
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

// FuzzUnmarshalTagged reads fuzzed tagged JSON: no panic, and what reads
// and writes again reads to the same text.
func FuzzUnmarshalTagged(f *testing.F) {
	_, jsons := seedCookies(f)
	for _, j := range jsons {
		f.Add([]byte(j))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := UnmarshalTagged(data)
		if err != nil {
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

// FuzzInflate inflates fuzzed zlib streams: no panic, output within the
// limit, and what inflates compresses and inflates back to itself.
func FuzzInflate(f *testing.F) {
	for _, s := range []string{"", "x", `{"a":1}`, "abcabcabcabcabcabc", string(make([]byte, 300))} {
		f.Add(deflate(nil, []byte(s)))
	}
	f.Add([]byte{0x78, 0x01, 0x01, 0x00, 0x00, 0xff, 0xff, 0, 0, 0, 1})
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
