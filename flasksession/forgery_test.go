package flasksession_test

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"math/rand/v2"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flaskbridge/flaskbridge/flaskcookie"
	"github.com/flaskbridge/flaskbridge/flasksession"
	"github.com/flaskbridge/flaskbridge/internal/forgeryvec"
	"github.com/flaskbridge/flaskbridge/py"
)

// pyB64Decode decodes a signature as itsdangerous does: "=" appended up
// to a multiple of four characters, "-" and "_" read as "+" and "/", then
// binascii.a2b_base64 in its default mode, which skips characters outside
// the alphabet, stops at a "=" that completes a group of four after at
// least two data characters, and ignores the unused low bits of the last
// character. It returns nil where Python raises.
func pyB64Decode(s string) []byte {
	s += strings.Repeat("=", (4-len(s)%4)%4)
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	out := []byte{}
	quad, pads := 0, 0
	var acc uint
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '-':
			c = '+'
		case '_':
			c = '/'
		}
		if c == '=' {
			if quad >= 2 {
				pads++
				if quad+pads >= 4 {
					return out
				}
			}
			continue
		}
		v := strings.IndexByte(alphabet, c)
		if v < 0 {
			continue
		}
		pads = 0
		acc = acc<<6 | uint(v)
		quad++
		switch quad {
		case 2:
			out = append(out, byte(acc>>4))
			acc &= 0x0F
		case 3:
			out = append(out, byte(acc>>2))
			acc &= 0x03
		case 4:
			out = append(out, byte(acc))
			acc, quad = 0, 0
		}
	}
	if quad != 0 {
		return nil
	}
	return out
}

func signerManager(t testing.TB, key string) *flasksession.Manager {
	t.Helper()
	m, err := flasksession.New(newMem(), flasksession.Options{UseSigner: true, SecretKey: key})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestForgeryProbes: on every altered copy of an id itsdangerous signed
// (itsdangerous 2.2.0 and 1.1.0), ParseCookie gives itsdangerous's verdict,
// and what it accepts is the id that was signed, with the same signature
// bytes. The accepted copies are the aliases of the lenient base64
// decoding of the signature (see flaskcookie's TestForgeryProbes).
func TestForgeryProbes(t *testing.T) {
	for _, venv := range forgeryvec.Venvs() {
		v := forgeryvec.MustLoad(t, venv)
		managers := map[string]*flasksession.Manager{}
		for _, s := range v.Sids {
			if managers[s.Key] == nil {
				managers[s.Key] = signerManager(t, s.Key)
			}
			if c := managers[s.Key].CookieValue(s.Sid); c != s.Cookie {
				t.Fatalf("%s: %q signed as %q, itsdangerous %q", venv, s.Sid, c, s.Cookie)
			}
		}
		accepted, n := 0, 0
		for _, p := range v.Probes {
			if p.Kind != "sid" {
				continue
			}
			n++
			orig := v.Sids[p.Of]
			sid, err := managers[orig.Key].ParseCookie(p.Token)
			if (err == nil) != p.OK {
				t.Errorf("%s: %s of %q: %q: Go %v, itsdangerous accepts: %v", venv, p.How, orig.Cookie, p.Token, err, p.OK)
				continue
			}
			if err != nil {
				continue
			}
			accepted++
			if sid != orig.Sid || sid != p.Sid {
				t.Errorf("%s: %s: %q accepted as %q", venv, p.How, p.Token, sid)
			}
			sig := func(c string) string { return c[strings.LastIndexByte(c, '.')+1:] }
			if a, b := pyB64Decode(sig(p.Token)), pyB64Decode(sig(orig.Cookie)); a == nil || string(a) != string(b) {
				t.Errorf("%s: %s: %q: signature bytes %x, signed %x", venv, p.How, p.Token, a, b)
			}
		}
		t.Logf("%s (itsdangerous %s): %d altered ids, %d aliases accepted by both", venv, v.Versions["itsdangerous"], n, accepted)
	}
}

// wrongSignerOptions are Signer options that differ from Flask-Session's
// (the key, salt "flask-session", HMAC key derivation, SHA-1) in one
// setting. Keys that HMAC pads to the same block (the key followed by zero
// bytes) are the same key and are left out.
func wrongSignerOptions(key string) map[string][]flaskcookie.SignerOptions {
	right := flaskcookie.SignerOptions{SecretKeys: [][]byte{[]byte(key)}, Salt: []byte(flasksession.SignerSalt),
		KeyDerivation: flaskcookie.DeriveHMAC, Digest: sha1.New}
	out := map[string][]flaskcookie.SignerOptions{}
	add := func(kind string, f func(o *flaskcookie.SignerOptions)) {
		o := right
		f(&o)
		out[kind] = append(out[kind], o)
	}
	hmacKey := func(k string) string { return strings.TrimRight(k, "\x00") }
	for _, k := range []string{"", "x", key + "\x01", key[:len(key)-1], strings.ToUpper(key), "secret", " " + key, key + key} {
		if hmacKey(k) != hmacKey(key) {
			add("re-sign: wrong key", func(o *flaskcookie.SignerOptions) { o.SecretKeys = [][]byte{[]byte(k)} })
		}
	}
	for _, s := range []string{"", flaskcookie.DefaultSignerSalt, flaskcookie.DefaultSalt, "flask-session ", "Flask-Session", "flask_session"} {
		add("re-sign: wrong salt", func(o *flaskcookie.SignerOptions) { o.Salt = []byte(s) })
	}
	add("re-sign: wrong salt", func(o *flaskcookie.SignerOptions) { o.Salt = nil }) // itsdangerous's default
	for _, d := range []func() hash.Hash{md5.New, sha256.New224, sha256.New, sha512.New384, sha512.New} {
		add("re-sign: wrong digest", func(o *flaskcookie.SignerOptions) { o.Digest = d })
	}
	for _, kd := range []flaskcookie.KeyDerivation{flaskcookie.DeriveDjangoConcat, flaskcookie.DeriveConcat, flaskcookie.DeriveNone} {
		add("re-sign: wrong key derivation", func(o *flaskcookie.SignerOptions) { o.KeyDerivation = kd })
	}
	return out
}

// sidAlterations returns altered copies of a signed id cookie, by kind.
func sidAlterations(t testing.TB, cookie, sid, key string, n int, rng *rand.Rand) map[string][]string {
	out := map[string][]string{}
	add := func(kind, s string) { out[kind] = append(out[kind], s) }
	b := []byte(cookie)
	for range n {
		c := slices.Clone(b)
		i := rng.IntN(len(c))
		switch rng.IntN(5) {
		case 0:
			c[i] ^= 1 << rng.IntN(8)
			add("flip bit", string(c))
		case 1:
			add("drop bytes", string(slices.Delete(c, i, min(len(c), i+1+rng.IntN(3)))))
		case 2:
			ins := make([]byte, 1+rng.IntN(3))
			for j := range ins {
				ins[j] = byte(rng.IntN(256))
			}
			add("insert bytes", string(slices.Insert(c, i, ins...)))
		case 3:
			c[i] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/"[rng.IntN(68)]
			add("replace byte", string(c))
		case 4:
			add("truncate", string(c[:i]))
		}
	}
	sig := cookie[len(sid)+1:]
	for _, s := range []string{sig + "." + sid, sid + "." + sid, sig + "." + sig, sid + "." + sig + "." + sig, sid + ".." + sig,
		"." + sig, sid + ".", sid, sig, sid + "." + sig[:len(sig)-1], sid + "." + sig + "A", sid + "." + sig[1:] + sig[:1],
		sid + "x." + sig, "x" + sid + "." + sig, sid[:len(sid)-1] + "." + sig} {
		add("segments", s)
	}
	for kind, opts := range wrongSignerOptions(key) {
		for _, o := range opts {
			s, err := flaskcookie.NewSigner(o)
			if err != nil {
				t.Fatal(err)
			}
			add(kind, string(s.Sign([]byte(sid))))
		}
	}
	// The id signed with a timestamp, as a Flask session cookie is.
	ts, err := flaskcookie.NewTimestampSigner(flaskcookie.TimestampSignerOptions{SignerOptions: flaskcookie.SignerOptions{
		SecretKeys: [][]byte{[]byte(key)}, Salt: []byte(flaskcookie.DefaultSalt), KeyDerivation: flaskcookie.DeriveHMAC}})
	if err != nil {
		t.Fatal(err)
	}
	c, err := ts.SignAt([]byte(sid), time.Unix(1715949296, 0))
	if err != nil {
		t.Fatal(err)
	}
	add("re-sign: session cookie signer", string(c))
	return out
}

// TestForgery alters signed session ids, itsdangerous's (the forgery
// vectors of two itsdangerous versions) and the Manager's own (token and
// uuid4-style ids under several keys), tens of thousands of ways, with a fixed
// seed: ParseCookie and UnsignID may accept an altered cookie only when
// it gives the very id that was signed (an alias of the signature's base64
// text); any other accepted cookie is a forgery and fails the test. It
// also checks that a Flask session cookie signed with the same key is no
// signed id, and that a signed id is no session cookie.
// FLASKBRIDGE_FORGERY_N sets the number of random alterations of each id
// (default 800).
func TestForgery(t *testing.T) {
	n := 800
	if s := os.Getenv("FLASKBRIDGE_FORGERY_N"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			t.Fatalf("FLASKBRIDGE_FORGERY_N=%q: %v", s, err)
		}
	}
	rng := rand.New(rand.NewPCG(20240517, 2))
	type original struct {
		name, key, sid, cookie string
	}
	var originals []original
	var cookies []original // Flask session cookies
	for _, venv := range forgeryvec.Venvs() {
		v := forgeryvec.MustLoad(t, venv)
		for i, s := range v.Sids {
			originals = append(originals, original{fmt.Sprintf("%s id %d", venv, i), s.Key, s.Sid, s.Cookie})
		}
		for i, c := range v.Cookies {
			cookies = append(cookies, original{fmt.Sprintf("%s cookie %d", venv, i), c.Key, "", c.Cookie})
		}
	}
	// Ids of both styles, fixed so that the counts are the same in every
	// run, signed by the Manager.
	for _, key := range []string{"secret", "\x00k", "clé ☃"} {
		m := signerManager(t, key)
		token := make([]byte, 32)
		for i := range token {
			token[i] = byte(rng.IntN(256))
		}
		for i, sid := range []string{base64.RawURLEncoding.EncodeToString(token), base64.RawURLEncoding.EncodeToString(token[:16]),
			fmt.Sprintf("%08x-%04x-4%03x-a%03x-%012x", rng.Uint32(), rng.IntN(1<<16), rng.IntN(1<<12), rng.IntN(1<<12), rng.Int64N(1<<48))} {
			originals = append(originals, original{fmt.Sprintf("Go id %d, key %q", i, key), key, sid, m.CookieValue(sid)})
		}
	}
	kinds := map[string]*[4]int{} // tried, identical, rejected, aliases
	count := func(kind string, i int) {
		if kinds[kind] == nil {
			kinds[kind] = new([4]int)
		}
		kinds[kind][i]++
	}
	managers := map[string]*flasksession.Manager{}
	for _, o := range originals {
		m := managers[o.key]
		if m == nil {
			m = signerManager(t, o.key)
			managers[o.key] = m
		}
		if sid, err := m.ParseCookie(o.cookie); err != nil || sid != o.sid {
			t.Fatalf("%s: %q: %q %v", o.name, o.cookie, sid, err)
		}
		for kind, tokens := range sidAlterations(t, o.cookie, o.sid, o.key, n, rng) {
			for _, tok := range tokens {
				count(kind, 0)
				if tok == o.cookie {
					count(kind, 1)
					continue
				}
				sid, err := m.ParseCookie(tok)
				sid2, err2 := flasksession.UnsignID(o.key, tok)
				if (err == nil) != (err2 == nil) && !errors.Is(err, flasksession.ErrInvalidID) {
					t.Errorf("%s: %q: ParseCookie %v, UnsignID %v", o.name, tok, err, err2)
				}
				switch {
				case err != nil && err2 != nil:
					count(kind, 2)
				case (err == nil && sid != o.sid) || (err2 == nil && sid2 != o.sid):
					t.Errorf("%s: forgery accepted (%s): %q as %q / %q", o.name, kind, tok, sid, sid2)
				default:
					count(kind, 3)
				}
			}
		}
	}
	// Across the two signers: a session cookie is no signed id, and a
	// signed id no session cookie, under the same key.
	for _, c := range cookies {
		count("session cookie as id", 0)
		if sid, err := signerManager(t, c.key).ParseCookie(c.cookie); err == nil {
			t.Errorf("%s: session cookie %q accepted as the id %q", c.name, c.cookie, sid)
		}
		count("session cookie as id", 2)
	}
	for _, o := range originals {
		count("id as session cookie", 0)
		codec, err := flaskcookie.New(flaskcookie.Options{SecretKey: []byte(o.key), PermanentSessionLifetime: flaskcookie.NoMaxAge})
		if err != nil {
			t.Fatal(err)
		}
		if d, err := codec.Decode(o.cookie); err == nil {
			t.Errorf("%s: signed id %q accepted as the session %s", o.name, o.cookie, py.Repr(d))
		}
		count("id as session cookie", 2)
	}
	names := make([]string, 0, len(kinds))
	for k := range kinds {
		names = append(names, k)
	}
	sort.Strings(names)
	var total [4]int
	for _, k := range names {
		c := kinds[k]
		t.Logf("%-30s tried %6d  identical %4d  rejected %6d  aliases %4d", k, c[0], c[1], c[2], c[3])
		for i := range total {
			total[i] += c[i]
		}
	}
	t.Logf("%-30s tried %6d  identical %4d  rejected %6d  aliases %4d  forgeries 0", "total", total[0], total[1], total[2], total[3])
}
