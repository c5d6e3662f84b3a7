package flasksession_test

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/flaskbridge/flaskbridge/flasksession"
	"github.com/flaskbridge/flaskbridge/py"
)

// Signed session ids made by itsdangerous's Signer(key, salt="flask-session",
// key_derivation="hmac") (scripts/pyops/fsession.py sign), with key
// "secret".
var pySigned = []string{
	"abc.UOOlglGtLOKQM3OFkrI8bWIohNg",
}

func FuzzParseCookie(f *testing.F) {
	for _, s := range pySigned {
		f.Add(s)
	}
	m, err := flasksession.New(newMem(), flasksession.Options{UseSigner: true, SecretKey: "secret"})
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
		sid, err := m.ParseCookie(cookie)
		if err != nil {
			if !errors.Is(err, flasksession.ErrBadSignature) && !errors.Is(err, flasksession.ErrInvalidID) {
				t.Fatalf("ParseCookie(%q): unexpected error %v", cookie, err)
			}
			return
		}
		if !strings.HasPrefix(cookie, sid+".") {
			t.Fatalf("ParseCookie(%q) = %q, not the part before the signature", cookie, sid)
		}
		// A verified id signs back to a cookie that verifies to it.
		again, err := m.ParseCookie(m.CookieValue(sid))
		if err != nil || again != sid {
			t.Fatalf("re-signed %q: %q %v", sid, again, err)
		}
	})
}

func FuzzDecodeStored(f *testing.F) {
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
	f.Fuzz(func(t *testing.T, data []byte) {
		s := flasksession.Serializer{MaxSize: 1 << 16}
		got, f, err := s.Decode(data)
		if err != nil {
			if !errors.Is(err, flasksession.ErrCorrupt) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if got == nil || f == "" {
			t.Fatalf("Decode gave %v, %q", got, f)
		}
	})
}

func b64(t testing.TB, s string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func b64enc(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
