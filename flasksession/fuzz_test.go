package flasksession_test

import (
	"compress/gzip"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flaskbridge/flaskbridge/flasksession"
	"github.com/flaskbridge/flaskbridge/flasksession/internal/storetest"
	"github.com/flaskbridge/flaskbridge/internal/forgeryvec"
	"github.com/flaskbridge/flaskbridge/py"
)

// Signed session ids made by itsdangerous's Signer(key, salt="flask-session",
// key_derivation="hmac") (scripts/pyops/fsession.py sign), with key
// "secret".
var pySigned = []string{
	"abc.UOOlglGtLOKQM3OFkrI8bWIohNg",
}

// FuzzParseCookie parses fuzzed session cookies with SESSION_USE_SIGNER,
// seeded with ids signed by itsdangerous (and altered copies of them, with
// itsdangerous's verdict: testdata/forgery): no panic; an error wraps
// ErrBadSignature or ErrInvalidID; an accepted cookie is its id, a ".",
// and a signature that is the id's under some base64 spelling.
func FuzzParseCookie(f *testing.F) {
	for _, s := range pySigned {
		f.Add(s)
	}
	v := forgeryvec.MustLoad(f, "flask31")
	for i, s := range v.Sids {
		if s.Key != "dev" {
			continue
		}
		f.Add(s.Cookie)
		for j, p := range v.Probes {
			if p.Kind == "sid" && p.Of == i && (p.OK || j%5 == 0) {
				f.Add(p.Token)
			}
		}
	}
	m, err := flasksession.New(newMem(), flasksession.Options{UseSigner: true, SecretKey: "secret"})
	if err != nil {
		f.Fatal(err)
	}
	dev, err := flasksession.New(newMem(), flasksession.Options{UseSigner: true, SecretKey: "dev"})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(m.CookieValue(flasksession.NewTokenID(32)))
	f.Add(m.CookieValue(flasksession.NewUUID4ID()))
	f.Add("a.b.c")
	f.Add(".")
	f.Add("abc.UOOlglGtLOKQM3OFkrI8bWIohNg==")
	f.Add("abc.UOOlglGtLOKQM3OFkrI8bWIohN")
	f.Add(strings.Repeat("x", 300) + ".UOOlglGtLOKQM3OFkrI8bWIohNg")
	f.Fuzz(func(t *testing.T, cookie string) {
		for _, m := range []*flasksession.Manager{m, dev} {
			sid, err := m.ParseCookie(cookie)
			if err != nil {
				if !errors.Is(err, flasksession.ErrBadSignature) && !errors.Is(err, flasksession.ErrInvalidID) {
					t.Fatalf("ParseCookie(%q): unexpected error %v", cookie, err)
				}
				continue
			}
			if !strings.HasPrefix(cookie, sid+".") || strings.Contains(cookie[len(sid)+1:], ".") {
				t.Fatalf("ParseCookie(%q) = %q, not the part before the signature", cookie, sid)
			}
			// A verified id signs back to a cookie that verifies to it, and
			// whose signature is the same bytes as the one given.
			own := m.CookieValue(sid)
			again, err := m.ParseCookie(own)
			if err != nil || again != sid {
				t.Fatalf("re-signed %q: %q %v", sid, again, err)
			}
			if a, b := pyB64Decode(cookie[len(sid)+1:]), pyB64Decode(own[len(sid)+1:]); a == nil || string(a) != string(b) {
				t.Fatalf("ParseCookie(%q) accepts signature bytes %x; the id's are %x", cookie, a, b)
			}
		}
	})
}

// FuzzDecodeStored reads fuzzed store values with the 0.7+ read order
// (msgpack, JSON, pickle), seeded with what Python's pickle and msgspec
// store for three Flask sessions (testdata/payloads, testdata/msgspec):
// no panic; an error wraps ErrCorrupt; a value that reads writes again in
// its format and reads back the same.
func FuzzDecodeStored(f *testing.F) {
	for _, name := range []string{"login", "cart"} {
		b, err := os.ReadFile(filepath.Join("..", "testdata", "payloads", name+".pickle"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, version := range []string{"0.18.6", "0.22.0"} {
		for _, data := range msgspecPayloads(f, version) {
			f.Add(data)
		}
	}
	d := py.DictOf("_permanent", true, "user_id", int64(42), "name", "é", "items", &py.List{Items: []py.Value{int64(1), 2.5}})
	for _, format := range []flasksession.Format{flasksession.FormatMsgpack, flasksession.FormatJSON, flasksession.FormatPickle} {
		b, err := flasksession.Serializer{Format: format}.Encode(d)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte{0x80, 0x04, 0x95})
	f.Add([]byte{0xdf, 0xff, 0xff, 0xff, 0xff})
	f.Add([]byte(`{"a":[[[[[[[[[[[[]]]]]]]]]]]]}`))
	f.Add([]byte(strings.Repeat("\x91", 2000) + "\xc0"))
	f.Add([]byte("\x80\x04\x8d\xff\xff\xff\xff\xff\xff\xff\x7f"))
	f.Add([]byte("\xdb\xff\xff\xff\xff"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s := flasksession.Serializer{MaxSize: 1 << 16}
		got, format, err := s.Decode(data)
		if err != nil {
			if !errors.Is(err, flasksession.ErrCorrupt) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if got == nil || format == "" {
			t.Fatalf("Decode gave %v, %q", got, format)
		}
		// What reads writes again in the format it was read as (or is
		// refused, as a value msgspec cannot write), and reads back to
		// the same value.
		w := flasksession.Serializer{Format: format, MaxSize: 1 << 20}
		enc, err := w.Encode(got)
		if err != nil {
			if !errors.Is(err, flasksession.ErrSerialize) {
				t.Fatalf("Encode(%s) as %s: unexpected error %v", py.Repr(got), format, err)
			}
			return
		}
		back, f2, err := w.Decode(enc)
		if err != nil || f2 != format {
			t.Fatalf("%s written as %s reads as %s: %v", py.Repr(got), format, f2, err)
		}
		if a, b := py.Repr(got), py.Repr(back); a != b {
			t.Fatalf("%q reads as %s, written as %s and read back as %s", data, a, format, b)
		}
	})
}

// msgspecPayloads returns the msgpack and JSON that msgspec wrote for the
// login and cart sessions (testdata/msgspec/vectors-<version>.json.gz).
func msgspecPayloads(t testing.TB, version string) [][]byte {
	fh, err := os.Open(filepath.Join("..", "testdata", "msgspec", "vectors-"+version+".json.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	zr, err := gzip.NewReader(fh)
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Payloads map[string]map[string]string `json:"payloads"`
	}
	if err := json.NewDecoder(zr).Decode(&v); err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, name := range []string{"login", "cart"} {
		for _, format := range []string{"msgpack", "json"} {
			out = append(out, storetest.B64(t, v.Payloads[name][format]))
		}
	}
	return out
}
