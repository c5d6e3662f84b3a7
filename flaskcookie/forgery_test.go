package flaskcookie

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
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

	"github.com/flaskbridge/flaskbridge/internal/forgeryvec"
	"github.com/flaskbridge/flaskbridge/py"
)

// forgerySeeds are the cookies Flask signed with the key "dev" in the
// forgery vectors, and their altered copies.
func forgerySeeds(t testing.TB) []string {
	v := forgeryvec.MustLoad(t, "flask31")
	var out []string
	for i, c := range v.Cookies {
		if c.Key != "dev" {
			continue
		}
		out = append(out, c.Cookie)
		for _, p := range v.Probes {
			if p.Kind == "cookie" && p.Of == i && (p.OK || len(out)%7 == 0) {
				out = append(out, p.Token)
			}
		}
	}
	return out
}

// message is what the signature of a cookie covers: everything before its
// last ".".
func message(token string) string {
	i := strings.LastIndexByte(token, '.')
	if i < 0 {
		return ""
	}
	return token[:i]
}

// TestForgeryProbes: on every altered copy of a cookie Flask wrote, the
// codec gives Flask's verdict (itsdangerous 2.2.0 and 1.1.0), and what it
// accepts carries the very message Flask signed. The accepted ones are the
// aliases of itsdangerous's lenient base64 decoding of the signature:
// "=" padding appended, the standard alphabet's "+" and "/" for "-" and
// "_", another last character that differs only in the two bits beyond
// the 160 of an SHA-1 MAC, and characters outside the alphabet that
// base64.b64decode skips, when they leave the padding arithmetic whole
// (one "é" is two UTF-8 bytes and is accepted where one "!" is not).
func TestForgeryProbes(t *testing.T) {
	for _, venv := range forgeryvec.Venvs() {
		v := forgeryvec.MustLoad(t, venv)
		// Flask 1.x reads the " d" tag as a naive datetime, where the
		// codec follows Flask 2 and 3: the values are compared with those
		// of Flask 2 and later only.
		sameValues := !strings.HasPrefix(v.Versions["flask"], "1.")
		codecs := map[string]*Codec{}
		for _, c := range v.Cookies {
			if codecs[c.Key] == nil {
				codecs[c.Key] = testCodec(t, Options{SecretKey: []byte(c.Key), Now: fixedClock(v.Now),
					PermanentSessionLifetime: time.Duration(v.Lifetime) * time.Second})
			}
			d, err := codecs[c.Key].Decode(c.Cookie)
			if err != nil || (sameValues && py.Repr(d) != c.Repr) {
				t.Fatalf("%s: Flask's cookie %q: %v %v, want %s", venv, c.Cookie, d, err, c.Repr)
			}
		}
		accepted, n := 0, 0
		for _, p := range v.Probes {
			if p.Kind != "cookie" {
				continue
			}
			n++
			orig := v.Cookies[p.Of]
			d, err := codecs[orig.Key].Decode(p.Token)
			if (err == nil) != p.OK {
				t.Errorf("%s: %s of %q: %q: Go %v, Flask accepts: %v", venv, p.How, orig.Cookie, p.Token, err, p.OK)
				continue
			}
			if err != nil {
				if !errors.Is(err, ErrBadSignature) {
					t.Errorf("%s: %s: %q: %v, want ErrBadSignature", venv, p.How, p.Token, err)
				}
				continue
			}
			accepted++
			if message(p.Token) != message(orig.Cookie) || (sameValues && py.Repr(d) != p.Repr) {
				t.Errorf("%s: %s: %q accepted as %s", venv, p.How, p.Token, py.Repr(d))
			}
		}
		t.Logf("%s (itsdangerous %s): %d altered cookies, %d aliases accepted by both", venv, v.Versions["itsdangerous"], n, accepted)
	}
}

// forgeryCount is the number of random alterations of each cookie; the
// environment variable FLASKBRIDGE_FORGERY_N raises it.
func forgeryCount(t testing.TB) int {
	n := 800
	if s := os.Getenv("FLASKBRIDGE_FORGERY_N"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			t.Fatalf("FLASKBRIDGE_FORGERY_N=%q: %v", s, err)
		}
	}
	return n
}

// forgeryTally counts the outcomes of the alterations of each kind.
type forgeryTally struct {
	tried, same, rejected, aliases map[string]int
}

func newTally() *forgeryTally {
	return &forgeryTally{map[string]int{}, map[string]int{}, map[string]int{}, map[string]int{}}
}

func (ft *forgeryTally) log(t *testing.T) {
	kinds := make([]string, 0, len(ft.tried))
	for k := range ft.tried {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	total := [4]int{}
	for _, k := range kinds {
		t.Logf("%-28s tried %6d  identical %4d  rejected %6d  aliases %4d", k, ft.tried[k], ft.same[k], ft.rejected[k], ft.aliases[k])
		total[0] += ft.tried[k]
		total[1] += ft.same[k]
		total[2] += ft.rejected[k]
		total[3] += ft.aliases[k]
	}
	t.Logf("%-28s tried %6d  identical %4d  rejected %6d  aliases %4d  forgeries 0", "total", total[0], total[1], total[2], total[3])
}

// wrongSigner is a TimestampSigner that differs from the codec's in one
// setting.
type wrongSigner struct {
	name string
	o    TimestampSignerOptions
}

func wrongSigners(key []byte, ts int64) []wrongSigner {
	now := fixedClock(ts)
	right := SignerOptions{SecretKeys: [][]byte{key}, Salt: []byte(DefaultSalt), KeyDerivation: DeriveHMAC, Digest: sha1.New}
	with := func(name string, f func(o *SignerOptions)) wrongSigner {
		o := right
		f(&o)
		return wrongSigner{name, TimestampSignerOptions{SignerOptions: o, Now: now}}
	}
	var out []wrongSigner
	// HMAC pads a key with zero bytes to the hash's block size, so a key
	// and the same key followed by zero bytes are one key (RFC 2104; in
	// Python as in Go): such keys are left out.
	hmacKey := func(k []byte) string { return strings.TrimRight(string(k), "\x00") }
	for _, k := range [][]byte{nil, []byte("x"), append(slices.Clone(key), 1), key[:len(key)-1], []byte(strings.ToUpper(string(key))),
		[]byte("secret"), []byte("dev "), []byte(" " + string(key))} {
		if hmacKey(k) != hmacKey(key) {
			out = append(out, with("wrong key", func(o *SignerOptions) { o.SecretKeys = [][]byte{k} }))
		}
	}
	for _, s := range []string{"", "itsdangerous.Signer", "flask-session", "cookie-session ", "Cookie-session", "cookie-sessio"} {
		out = append(out, with("wrong salt", func(o *SignerOptions) { o.Salt = []byte(s) }))
	}
	for _, d := range []func() hash.Hash{md5.New, sha256.New224, sha256.New, sha512.New384, sha512.New} {
		out = append(out, with("wrong digest", func(o *SignerOptions) { o.Digest = d }))
	}
	for _, kd := range []KeyDerivation{DeriveConcat, DeriveDjangoConcat, DeriveNone} {
		out = append(out, with("wrong key derivation", func(o *SignerOptions) { o.KeyDerivation = kd }))
	}
	out = append(out, wrongSigner{"legacy epoch", TimestampSignerOptions{SignerOptions: right, Now: now, LegacyEpoch: true}})
	return out
}

// alterations returns altered copies of token, by kind: random bit flips,
// drops and insertions, segments swapped, dropped or doubled, the
// timestamp and the compression marker stripped or changed, and the
// message signed again with signers that differ in one setting.
func alterations(t testing.TB, token string, key []byte, ts int64, n int, rng *rand.Rand) map[string][]string {
	out := map[string][]string{}
	add := func(kind, s string) { out[kind] = append(out[kind], s) }
	b := []byte(token)
	for range n {
		c := slices.Clone(b)
		i := rng.IntN(len(c))
		switch rng.IntN(5) {
		case 0:
			c[i] ^= 1 << rng.IntN(8)
			add("flip bit", string(c))
		case 1:
			c = slices.Delete(c, i, min(len(c), i+1+rng.IntN(3)))
			add("drop bytes", string(c))
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
	segs := strings.Split(token, ".")
	for _, p := range permutations(len(segs)) {
		s := make([]string, len(segs))
		for i, j := range p {
			s[i] = segs[j]
		}
		add("swap segments", strings.Join(s, "."))
	}
	for i := range segs {
		add("drop segment", strings.Join(slices.Delete(slices.Clone(segs), i, i+1), "."))
		add("double segment", strings.Join(slices.Insert(slices.Clone(segs), i, segs[i]), "."))
	}
	// The timestamp is the segment before the signature.
	tsi := len(segs) - 2
	for _, v := range []string{"", "A", "AAAA", "=", strconv.FormatInt(ts, 10), b64ts(ts - 1), b64ts(ts + 1), b64ts(0), b64ts(1 << 62),
		segs[tsi] + "=", segs[tsi] + "A", "_" + segs[tsi][1:]} {
		s := slices.Clone(segs)
		s[tsi] = v
		add("alter timestamp", strings.Join(s, "."))
	}
	add("strip timestamp", strings.Join(slices.Delete(slices.Clone(segs), tsi, tsi+1), "."))
	if strings.HasPrefix(token, ".") {
		add("compression marker", token[1:])
		add("compression marker", "."+token)
	} else {
		add("compression marker", "."+token)
	}
	// The signature of another message, and no signature.
	sig := segs[len(segs)-1]
	for _, s := range []string{"", sig[:len(sig)-1], sig + "A", strings.Repeat("A", len(sig)), sig[1:] + sig[:1]} {
		add("alter signature", message(token)+"."+s)
	}
	// The payload signed again by signers that differ in one setting, at
	// the original time and later.
	payload := message(message(token))
	for _, w := range wrongSigners(key, ts) {
		s, err := NewTimestampSigner(w.o)
		if err != nil {
			t.Fatal(err)
		}
		for _, at := range []int64{ts, ts - 60} {
			c, err := s.SignAt([]byte(payload), time.Unix(at, 0))
			if err != nil {
				t.Fatal(err)
			}
			add("re-sign: "+w.name, string(c))
		}
	}
	// The payload signed by a Signer without a timestamp, as Flask-Session
	// signs its ids, with the cookie's salt and with its own.
	for _, salt := range []string{DefaultSalt, "flask-session"} {
		s, err := NewSigner(SignerOptions{SecretKeys: [][]byte{key}, Salt: []byte(salt), KeyDerivation: DeriveHMAC})
		if err != nil {
			t.Fatal(err)
		}
		add("re-sign: no timestamp", string(s.Sign([]byte(payload))))
		add("re-sign: no timestamp", string(s.Sign([]byte(message(token)))))
	}
	return out
}

func b64ts(ts int64) string {
	var b []byte
	for v := uint64(ts); v > 0; v >>= 8 {
		b = append([]byte{byte(v)}, b...)
	}
	return b64URL.EncodeToString(b)
}

// permutations returns every order of 0..n-1 but the identity.
func permutations(n int) [][]int {
	var out [][]int
	var rec func(p []int, used []bool)
	rec = func(p []int, used []bool) {
		if len(p) == n {
			for i := range p {
				if p[i] != i {
					out = append(out, slices.Clone(p))
					return
				}
			}
			return
		}
		for i := range n {
			if !used[i] {
				used[i] = true
				rec(append(p, i), used)
				used[i] = false
			}
		}
	}
	rec(nil, make([]bool, n))
	return out
}

// TestForgery alters valid cookies, Flask's (the forgery vectors of two
// itsdangerous versions) and the codec's own (with and without
// compression, under several keys, and under a codec with
// SECRET_KEY_FALLBACKS), tens of thousands of ways, with a fixed seed. A
// codec may accept an altered cookie only if it carries the very message
// that was signed (an alias of the signature's base64 text, see
// TestForgeryProbes); any other accepted cookie is a forgery and fails
// the test. FLASKBRIDGE_FORGERY_N sets the number of random alterations of
// each cookie (default 800).
func TestForgery(t *testing.T) {
	const ts = testTS
	n := forgeryCount(t)
	rng := rand.New(rand.NewPCG(20240517, 1))
	type original struct {
		name   string
		cookie string
		key    []byte
		codec  *Codec
	}
	var originals []original
	for _, venv := range forgeryvec.Venvs() {
		v := forgeryvec.MustLoad(t, venv)
		for i, c := range v.Cookies {
			codec := testCodec(t, Options{SecretKey: []byte(c.Key), Now: fixedClock(v.Now)})
			originals = append(originals, original{fmt.Sprintf("%s cookie %d", venv, i), c.Cookie, []byte(c.Key), codec})
		}
	}
	long := strings.Repeat("Welcome back! ", 20)
	sessions := []*py.Dict{
		py.NewDict(0),
		py.DictOf("_user_id", "42", "_fresh", true),
		py.DictOf("_flashes", &py.List{Items: []py.Value{py.Tuple{"message", long}}}), // compressed
	}
	rotated := testCodec(t, Options{SecretKey: []byte("new key"), SecretKeyFallbacks: [][]byte{[]byte("old key"), []byte("older key")}})
	for _, key := range []string{"test key", "\x00", "clé ☃"} {
		c := testCodec(t, Options{SecretKey: []byte(key)})
		for i, d := range sessions {
			cookie, err := c.EncodeAt(d, time.Unix(ts, 0))
			if err != nil {
				t.Fatal(err)
			}
			originals = append(originals, original{fmt.Sprintf("Go cookie %d, key %q", i, key), cookie, []byte(key), c})
		}
	}
	for i, d := range sessions {
		cookie, err := rotated.EncodeAt(d, time.Unix(ts, 0))
		if err != nil {
			t.Fatal(err)
		}
		originals = append(originals, original{fmt.Sprintf("Go cookie %d, fallbacks", i), cookie, []byte("new key"), rotated})
	}
	tally := newTally()
	for _, o := range originals {
		if _, err := o.codec.Decode(o.cookie); err != nil {
			t.Fatalf("%s: %q does not decode: %v", o.name, o.cookie, err)
		}
		want := message(o.cookie)
		for kind, tokens := range alterations(t, o.cookie, o.key, ts, n, rng) {
			for _, tok := range tokens {
				tally.tried[kind]++
				if tok == o.cookie {
					tally.same[kind]++
					continue
				}
				_, err := o.codec.Decode(tok)
				switch {
				case err != nil:
					tally.rejected[kind]++
				case message(tok) == want:
					tally.aliases[kind]++
				default:
					t.Errorf("%s: forgery accepted (%s): %q", o.name, kind, tok)
				}
			}
		}
	}
	tally.log(t)
}
