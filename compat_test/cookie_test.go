package compat_test

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flaskbridge/flaskbridge/flaskcookie"
	"github.com/flaskbridge/flaskbridge/internal/compat"
	"github.com/flaskbridge/flaskbridge/internal/pyharness"
	"github.com/flaskbridge/flaskbridge/py"
)

// The Flask lines the cookie is tested against, each in its own venv.
var flaskVenvs = []string{"flask10", "flask11", "flask20", "flask23", "flask30", "flask31"}

// flask1 reports whether h runs Flask 1.x, which flaskcookie reads and
// writes with Options.Flask1.
func flask1(h *pyharness.Helper) bool { return h.Venv == "flask10" || h.Venv == "flask11" }

// werkzeug0 reports whether h runs Werkzeug before 1.0 (with Flask 1.0),
// which flaskcookie writes with Options.Werkzeug0.
func werkzeug0(h *pyharness.Helper) bool { return h.Venv == "flask10" }

// refusedByBoth checks a session Flask 1.x cannot write: Flask raises
// TypeError for its Decimal, and Go refuses it with ErrUnsupported.
func refusedByBoth(t *testing.T, h *pyharness.Helper, codec *flaskcookie.Codec, lit string) {
	t.Helper()
	var d struct{ Cookie string }
	if err := h.Call("cookie.dumps", map[string]any{"repr_text": lit, "key": keyArg([]byte("k")), "timestamp": cookieTS}, &d); err == nil || !strings.Contains(err.Error(), "TypeError") || !strings.Contains(err.Error(), "Decimal") {
		t.Errorf("%s: Flask writes %q (%v), want a TypeError for the Decimal", lit, d.Cookie, err)
	}
	v, err := py.ParseLiteral(expand(t, h, lit))
	if err != nil {
		t.Fatalf("%s: %v", lit, err)
	}
	if _, err := codec.EncodeAt(v.(*py.Dict), time.Unix(cookieTS, 0)); !errors.Is(err, flaskcookie.ErrUnsupported) {
		t.Errorf("%s: Go: %v, want ErrUnsupported", lit, err)
	}
}

// newFlaskCodec is newCodec for the Flask line h runs.
func newFlaskCodec(t testing.TB, h *pyharness.Helper, o flaskcookie.Options) *flaskcookie.Codec {
	t.Helper()
	o.Flask1 = flask1(h)
	o.Werkzeug0 = werkzeug0(h)
	return newCodec(t, o)
}

const cookieTS = 1715949296 // 2024-05-17 12:34:56 UTC

func keyArg(k []byte) map[string]any { return map[string]any{"hex": hex.EncodeToString(k)} }

func clock(ts int64) func() time.Time { return func() time.Time { return time.Unix(ts, 0) } }

func newCodec(t testing.TB, o flaskcookie.Options) *flaskcookie.Codec {
	t.Helper()
	c, err := flaskcookie.New(o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// forEachFlask runs f against every Flask venv.
func forEachFlask(t *testing.T, f func(t *testing.T, h *pyharness.Helper)) {
	for _, venv := range flaskVenvs {
		t.Run(venv, func(t *testing.T) {
			compat.Record(t, compat.Row{Area: "cookie", Venv: venv})
			f(t, pyharness.Start(t, venv))
		})
	}
}

// Sessions written by hand, one for each kind of value and escape.
var fixedSessions = []string{
	`{}`,
	`{'_permanent': True, '_user_id': '42', '_fresh': True, '_id': 'ab' * 64, 'csrf_token': '51c0ae4e67ece03d97accfc9c90ac2a0e5868131'}`,
	`{'_flashes': [('message', 'Hello'), ('error', Markup('<b>bad</b>'))]}`,
	`{'t': (), 'u': (1,), 'n': ((1, (2,)), [3, (4,)]), 'b': b'\x00\xff', 'e': b''}`,
	`{'s': ['', 'caf\xe9', '\u20ac', '\U0001f600', '\ud800', 'a\udfffb', '\x00\x1f\x7f', '"\\/', '\u2028']}`,
	`{'i': [0, -1, 2**63 - 1, -2**63, 2**63, 10**50, -10**80], 'f': [0.0, -0.0, 1e16, 1e-05, 0.0001, 123456789.0, 5e-324, inf, -inf, nan]}`,
	`{'d': {' t': 1}, 'e': {' di': {' b': b'x'}}, 'f': {' m': 'x', 'g': 1}, 'g': {' x': 1}}`,
	`{' t': [1, 2]}`,
	`{'u': UUID('12345678-1234-5678-1234-567812345678'), 'm': Markup('a & b')}`,
	`{'dt': [datetime.datetime(2024, 5, 17, 12, 34, 56, 789), datetime.datetime(2024, 5, 17, 12, 34, 56, tzinfo=datetime.timezone.utc), datetime.datetime(2024, 5, 17, 1, 2, 3, tzinfo=datetime.timezone(datetime.timedelta(seconds=-19800)))]}`,
	`{'day': datetime.date(2024, 5, 17), 'dec': Decimal('1.10'), 'od': OrderedDict([('b', 1), ('a', 2)])}`,
	`{'k': {2: 'b', 1: 'a', 10: 'c', True: 'x', 1.5: 'y'}}`,
	`{'big': 'x' * 3000, 'list': list(range(300))}`,
}

// TestCookieFlaskToGo decodes the cookies real Flask writes and compares
// the session with the one Flask loads, by repr.
func TestCookieFlaskToGo(t *testing.T) {
	key := []byte("flask to go")
	forEachFlask(t, func(t *testing.T, h *pyharness.Helper) {
		codec := newFlaskCodec(t, h, flaskcookie.Options{SecretKey: key, Now: clock(cookieTS)})
		for _, lit := range fixedSessions {
			if flask1(h) && strings.Contains(lit, "Decimal(") {
				refusedByBoth(t, h, codec, lit)
				continue
			}
			var d struct{ Cookie, JSON string }
			h.MustCall(t, "cookie.dumps", map[string]any{"repr_text": lit, "key": keyArg(key), "timestamp": cookieTS}, &d)
			var l struct{ Repr, Error string }
			h.MustCall(t, "cookie.loads", map[string]any{"cookie": d.Cookie, "key": keyArg(key), "now": cookieTS}, &l)
			got, err := codec.Decode(d.Cookie)
			if err != nil {
				t.Errorf("%s: %v", lit, err)
				continue
			}
			if r := py.Repr(got); r != l.Repr {
				t.Errorf("%s:\n got %s\nwant %s", lit, r, l.Repr)
			}
		}
	})
}

// TestCookieGoToFlask writes cookies in Go and has Flask load them: the
// session is the one Flask loads from its own cookie, and the cookie is
// byte for byte the one Flask writes.
func TestCookieGoToFlask(t *testing.T) {
	key := []byte("go to flask")
	forEachFlask(t, func(t *testing.T, h *pyharness.Helper) {
		codec := newFlaskCodec(t, h, flaskcookie.Options{SecretKey: key, Now: clock(cookieTS)})
		for _, lit := range fixedSessions {
			if flask1(h) && strings.Contains(lit, "Decimal(") {
				refusedByBoth(t, h, codec, lit)
				continue
			}
			var d struct{ Cookie string }
			h.MustCall(t, "cookie.dumps", map[string]any{"repr_text": lit, "key": keyArg(key), "timestamp": cookieTS}, &d)
			v, err := py.ParseLiteral(expand(t, h, lit))
			if err != nil {
				t.Fatalf("%s: %v", lit, err)
			}
			cookie, err := codec.EncodeAt(v.(*py.Dict), time.Unix(cookieTS, 0))
			if err != nil {
				t.Errorf("%s: %v", lit, err)
				continue
			}
			if cookie != d.Cookie {
				t.Errorf("%s:\n got %s\nwant %s", lit, cookie, d.Cookie)
			}
			var c struct {
				Same        bool
				Repr, Want  string
				Error, Mesg string
			}
			h.MustCall(t, "cookie.check", map[string]any{"cookie": cookie, "key": keyArg(key), "now": cookieTS, "want_repr": lit}, &c)
			if !c.Same || c.Error != "" {
				t.Errorf("%s: Flask loads %s (%s), want %s", lit, c.Repr, c.Error, c.Want)
			}
		}
	})
}

// expand has Python evaluate a literal that uses expressions ('ab' * 64)
// into the plain repr ParseLiteral reads.
func expand(t *testing.T, h *pyharness.Helper, lit string) string {
	var r struct{ Repr string }
	h.MustCall(t, "cookie.expand", map[string]any{"repr_text": lit}, &r)
	return r.Repr
}

// TestCookieRandomRoundTrip makes random sessions in Go, has Flask load
// each Go cookie and sign the session again with another key and time, and
// decodes that in Go: the sessions agree by repr at every step, and Go's
// cookie for the session Flask loaded is the one Flask wrote for it.
func TestCookieRandomRoundTrip(t *testing.T) {
	n := 300
	if testing.Short() {
		n = 60
	}
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("FLASKBRIDGE_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("seed %d (set FLASKBRIDGE_SEED to repeat)", seed)
	key1, key2 := []byte("first key"), []byte("\x00second\xffkey")
	const ts2 = cookieTS + 3600
	forEachFlask(t, func(t *testing.T, h *pyharness.Helper) {
		rng := rand.New(rand.NewPCG(seed, 7))
		c1 := newFlaskCodec(t, h, flaskcookie.Options{SecretKey: key1, Now: clock(cookieTS)})
		c2 := newFlaskCodec(t, h, flaskcookie.Options{SecretKey: key2, Now: clock(ts2)})
		var sessions []*py.Dict
		var items []map[string]any
		refused := 0 // by Flask 1.x, for a Decimal
		for len(sessions) < n {
			s := randSession(rng)
			cookie, err := c1.EncodeAt(s, time.Unix(cookieTS, 0))
			if err != nil {
				if errors.Is(err, flaskcookie.ErrPayloadTooLarge) {
					continue
				}
				if flask1(h) && errors.Is(err, flaskcookie.ErrUnsupported) {
					if refused++; refused <= 10 {
						refusedByBoth(t, h, c1, py.Repr(s))
					}
					continue
				}
				t.Fatalf("%s: %v", py.Repr(s), err)
			}
			sessions = append(sessions, s)
			items = append(items, map[string]any{"cookie": cookie, "key": keyArg(key1), "now": cookieTS, "new_key": keyArg(key2), "timestamp": ts2})
		}
		var checks []map[string]any
		for i, s := range sessions {
			checks = append(checks, map[string]any{"cookie": items[i]["cookie"], "key": keyArg(key1), "now": cookieTS, "want_repr": py.Repr(s)})
		}
		var checked []struct {
			Same              bool
			Repr, Want, Error string
		}
		h.MustCall(t, "cookie.check_many", map[string]any{"items": checks}, &checked)
		var resigned []struct{ Cookie, Repr, Error string }
		h.MustCall(t, "cookie.resign_many", map[string]any{"items": items}, &resigned)
		bad := 0
		for i, s := range sessions {
			fail := func(format string, args ...any) {
				bad++
				if bad <= 10 {
					t.Errorf("session %s: %s", py.Repr(s), fmt.Sprintf(format, args...))
				}
			}
			if c := checked[i]; c.Error != "" || !c.Same {
				fail("Flask loads the Go cookie as %s (%s), want %s", c.Repr, c.Error, c.Want)
				continue
			}
			r := resigned[i]
			if r.Error != "" {
				fail("Flask: %s", r.Error)
				continue
			}
			got, err := c2.Decode(r.Cookie)
			if err != nil {
				fail("decoding Flask's cookie: %v", err)
				continue
			}
			if gr := py.Repr(got); gr != r.Repr {
				fail("Go decodes Flask's cookie to\n%s\nFlask has\n%s", gr, r.Repr)
				continue
			}
			again, err := c2.EncodeAt(got, time.Unix(ts2, 0))
			if err != nil || again != r.Cookie {
				fail("Go writes\n%s (%v)\nFlask wrote\n%s", again, err, r.Cookie)
			}
		}
		if bad > 0 {
			t.Errorf("%d of %d sessions failed", bad, len(sessions))
		}
	})
}

// randSession returns a random session dict of the values Flask's tagged
// JSON holds.
func randSession(r *rand.Rand) *py.Dict {
	d := py.NewDict(0)
	for range 1 + r.IntN(6) {
		d.Set(randKey(r), randValue(r, 0))
	}
	return d
}

var tagKeys = []string{" t", " di", " b", " m", " u", " d", " x", "t", " t__"}

func randKey(r *rand.Rand) string {
	if r.IntN(8) == 0 {
		return tagKeys[r.IntN(len(tagKeys))]
	}
	return randString(r, 8)
}

func randValue(r *rand.Rand, depth int) py.Value {
	k := r.IntN(22)
	if depth > 3 && k >= 16 {
		k = r.IntN(16)
	}
	switch k {
	case 0:
		return nil
	case 1:
		return r.IntN(2) == 0
	case 2:
		return int64(r.IntN(2000) - 1000)
	case 3:
		return int64(r.Uint64())
	case 4:
		b := new(big.Int).Lsh(big.NewInt(int64(r.Uint32())+1), uint(64+r.IntN(200)))
		if r.IntN(2) == 0 {
			b.Neg(b)
		}
		return b
	case 5:
		return randFloat(r)
	case 6, 7:
		return randString(r, 20)
	case 8:
		return py.Markup(randString(r, 10))
	case 9:
		b := make([]byte, r.IntN(20))
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		return py.Bytes(b)
	case 10:
		var u py.UUID
		for i := range u.Bytes {
			u.Bytes[i] = byte(r.Uint32())
		}
		return u
	case 11:
		return randDateTime(r)
	case 12:
		return py.Date{Year: 1 + r.IntN(9999), Month: 1 + r.IntN(12), Day: 1 + r.IntN(28)}
	case 13:
		d, _ := py.ParseDecimal([]string{"1.10", "-0", "1E+5", "NaN", "-Infinity", "0.000001", "123456789.987654321"}[r.IntN(7)])
		return d
	case 14:
		return randString(r, 3)
	case 15:
		return int64(r.IntN(256))
	case 16, 17:
		t := make(py.Tuple, r.IntN(4))
		for i := range t {
			t[i] = randValue(r, depth+1)
		}
		return t
	case 18, 19:
		l := py.NewList()
		for range r.IntN(5) {
			l.Append(randValue(r, depth+1))
		}
		return l
	default:
		d := py.NewDict(0)
		n := r.IntN(5)
		if r.IntN(6) == 0 {
			// Numeric keys: JSON turns them into strings.
			for range n {
				d.Set(int64(r.IntN(100)-50), randValue(r, depth+1))
			}
			return d
		}
		for range n {
			d.Set(randKey(r), randValue(r, depth+1))
		}
		return d
	}
}

func randFloat(r *rand.Rand) float64 {
	switch r.IntN(6) {
	case 0:
		return []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(), 1e16, 1e-5, 0.1}[r.IntN(8)]
	case 1:
		return float64(r.IntN(1000)) / 8
	}
	for {
		f := math.Float64frombits(r.Uint64())
		if !math.IsNaN(f) {
			return f
		}
	}
}

// randString mixes ASCII, escapes, BMP and astral characters, and lone
// surrogates (in their 3-byte form).
func randString(r *rand.Rand, max int) string {
	var b []byte
	for range r.IntN(max + 1) {
		switch r.IntN(10) {
		case 0:
			b = append(b, byte(r.IntN(0x20)))
		case 1:
			b = append(b, `"\/<>&'`[r.IntN(7)], 0x7f)
		case 2:
			b = append(b, string(rune(0x80+r.IntN(0x780)))...)
		case 3:
			b = append(b, string(rune(0x800+r.IntN(0xD000)))...)
		case 4:
			b = append(b, string(rune(0x10000+r.IntN(0x100000)))...)
		case 5:
			s := 0xD800 + r.IntN(0x800)
			b = append(b, 0xED, byte(0x80|(s>>6)&0x3F), byte(0x80|s&0x3F))
		default:
			b = append(b, byte('a'+r.IntN(26)))
		}
	}
	return string(b)
}

func randDateTime(r *rand.Rand) py.DateTime {
	d := py.DateTime{Year: 1 + r.IntN(9999), Month: 1 + r.IntN(12), Day: 1 + r.IntN(28),
		Hour: r.IntN(24), Minute: r.IntN(60), Second: r.IntN(60), Microsecond: r.IntN(1000000)}
	switch r.IntN(3) {
	case 1:
		d.TZ = py.TimeZone{}
	case 2:
		d.TZ = py.FixedZone(r.IntN(2*86399) - 86399)
	}
	if d.TZ != nil && (d.Year < 2 || d.Year > 9998) {
		d.Year = 2000 // converting to UTC must stay within years 1 to 9999
	}
	return d
}

// TestCookieKeyRotation checks SECRET_KEY_FALLBACKS (Flask 3.1): Go signs
// with SECRET_KEY and verifies with the fallbacks too, as Flask does.
func TestCookieKeyRotation(t *testing.T) {
	h := pyharness.Start(t, "flask31")
	oldest, old, current := []byte("oldest"), []byte("old"), []byte("current")
	fallbacks := []any{keyArg(oldest), keyArg(old)}
	codec := newFlaskCodec(t, h, flaskcookie.Options{SecretKey: current, SecretKeyFallbacks: [][]byte{oldest, old}, Now: clock(cookieTS)})
	lit := `{'_user_id': '7', 'roles': ('admin',)}`
	for _, k := range [][]byte{oldest, old, current} {
		var d struct{ Cookie string }
		h.MustCall(t, "cookie.dumps", map[string]any{"repr_text": lit, "key": keyArg(k), "timestamp": cookieTS}, &d)
		got, err := codec.Decode(d.Cookie)
		if err != nil {
			t.Errorf("cookie signed with %q: %v", k, err)
		} else if r := py.Repr(got); r != "{'_user_id': '7', 'roles': ('admin',)}" {
			t.Errorf("cookie signed with %q: %s", k, r)
		}
	}
	// What Flask writes with fallbacks configured is signed with
	// SECRET_KEY: Go writes the same bytes, and a codec with the current
	// key alone reads it.
	var d struct{ Cookie string }
	h.MustCall(t, "cookie.dumps", map[string]any{"repr_text": lit, "key": keyArg(current), "fallbacks": fallbacks, "timestamp": cookieTS}, &d)
	v, _ := py.ParseLiteral(lit)
	mine, err := codec.EncodeAt(v.(*py.Dict), time.Unix(cookieTS, 0))
	if err != nil || mine != d.Cookie {
		t.Errorf("Go writes %s (%v), Flask %s", mine, err, d.Cookie)
	}
	alone := newFlaskCodec(t, h, flaskcookie.Options{SecretKey: current, Now: clock(cookieTS)})
	if _, err := alone.Decode(mine); err != nil {
		t.Errorf("current key alone: %v", err)
	}
	// Flask with only the current key reads Go's cookie; with only an
	// old key it does not.
	var l struct{ Repr, Error string }
	h.MustCall(t, "cookie.loads", map[string]any{"cookie": mine, "key": keyArg(current), "now": cookieTS}, &l)
	if l.Error != "" {
		t.Errorf("Flask with SECRET_KEY alone: %s", l.Error)
	}
	h.MustCall(t, "cookie.loads", map[string]any{"cookie": mine, "key": keyArg(old), "now": cookieTS}, &l)
	if l.Error != "BadSignature" {
		t.Errorf("Flask with an old key: %q, want BadSignature", l.Error)
	}
	// A key Go does not know.
	var other struct{ Cookie string }
	h.MustCall(t, "cookie.dumps", map[string]any{"repr_text": lit, "key": keyArg([]byte("stranger")), "timestamp": cookieTS}, &other)
	if _, err := codec.Decode(other.Cookie); !errors.Is(err, flaskcookie.ErrBadSignature) {
		t.Errorf("unknown key: %v", err)
	}
}

// TestCookieAgeAndTampering compares Flask's verdict with Go's on a Go
// cookie read at the age boundaries, under short lifetimes, and with every
// character changed.
func TestCookieAgeAndTampering(t *testing.T) {
	key := []byte("age")
	forEachFlask(t, func(t *testing.T, h *pyharness.Helper) {
		v, _ := py.ParseLiteral(`{'a': 1, 'b': (b'x', 'y'), 'c': 'z'}`)
		w := newFlaskCodec(t, h, flaskcookie.Options{SecretKey: key})
		cookie, err := w.EncodeAt(v.(*py.Dict), time.Unix(cookieTS, 0))
		if err != nil {
			t.Fatal(err)
		}
		type probe struct {
			name     string
			cookie   string
			now      int64
			lifetime int64 // seconds; -1 for Flask's default
		}
		const month = 31 * 24 * 3600
		probes := []probe{
			{"now", cookie, cookieTS, -1},
			{"at max age", cookie, cookieTS + month, -1},
			{"one second late", cookie, cookieTS + month + 1, -1},
			{"one second early", cookie, cookieTS - 1, -1},
			{"lifetime 10, at 10", cookie, cookieTS + 10, 10},
			{"lifetime 10, at 11", cookie, cookieTS + 11, 10},
			{"lifetime 0, same second", cookie, cookieTS, 0},
			{"lifetime 0, next second", cookie, cookieTS + 1, 0},
		}
		for i := range cookie {
			for _, c := range []byte{'A', '_', '.', '='} {
				if cookie[i] != c {
					probes = append(probes, probe{fmt.Sprintf("byte %d to %q", i, c), cookie[:i] + string(c) + cookie[i+1:], cookieTS, -1})
					break
				}
			}
		}
		probes = append(probes, probe{"cut", cookie[:len(cookie)/2], cookieTS, -1}, probe{"doubled", cookie + cookie, cookieTS, -1})
		for _, p := range probes {
			args := map[string]any{"cookie": p.cookie, "key": keyArg(key), "now": p.now}
			o := flaskcookie.Options{SecretKey: key, Now: clock(p.now)}
			if p.lifetime >= 0 {
				args["lifetime"] = p.lifetime
				o.PermanentSessionLifetime = time.Duration(p.lifetime) * time.Second
				if p.lifetime == 0 {
					o.PermanentSessionLifetime = time.Nanosecond // Flask's lifetime 0
				}
			}
			var l struct{ Repr, Error, Message string }
			h.MustCall(t, "cookie.loads", args, &l)
			got, err := newFlaskCodec(t, h, o).Decode(p.cookie)
			want := pyVerdict(l.Error, l.Message)
			switch {
			case want == nil && err != nil:
				t.Errorf("%s: Flask loads %s, Go: %v", p.name, l.Repr, err)
			case want == nil && py.Repr(got) != l.Repr:
				t.Errorf("%s: Flask loads %s, Go %s", p.name, l.Repr, py.Repr(got))
			case want != nil && !errors.Is(err, want):
				t.Errorf("%s: Flask: %s %s; Go: %v", p.name, l.Error, l.Message, err)
			}
		}
	})
}

// pyVerdict maps the exception Flask's serializer raised to Go's error.
func pyVerdict(pyErr, msg string) error {
	switch {
	case pyErr == "":
		return nil
	case pyErr == "BadSignature":
		return flaskcookie.ErrBadSignature
	case pyErr == "SignatureExpired" && strings.Contains(msg, "< 0"):
		return flaskcookie.ErrFutureTimestamp
	case pyErr == "SignatureExpired":
		return flaskcookie.ErrExpired
	}
	return flaskcookie.ErrMalformed
}

// TestSignerMatchesItsdangerous signs with every key derivation, a few
// digests, salts and key lists, and compares with itsdangerous.
func TestSignerMatchesItsdangerous(t *testing.T) {
	forEachFlask(t, func(t *testing.T, h *pyharness.Helper) {
		value := []byte("value.with.dots \x00\xff")
		digests := map[string]string{"": "", "sha1": "sha1", "sha256": "sha256", "sha512": "sha512", "md5": "md5"}
		for _, kd := range []flaskcookie.KeyDerivation{"", flaskcookie.DeriveHMAC, flaskcookie.DeriveConcat, flaskcookie.DeriveDjangoConcat, flaskcookie.DeriveNone} {
			for dname := range digests {
				for _, salt := range []*string{nil, ptr(""), ptr("cookie-session"), ptr("sel \u00e9")} {
					for _, ts := range []int64{-1, cookieTS} {
						keys := [][]byte{[]byte("older"), []byte("secret \u00e9")}
						args := map[string]any{"value": base64.StdEncoding.EncodeToString(value), "key": nil,
							"keys": []any{keyArg(keys[0]), keyArg(keys[1])}}
						if flask1(h) {
							// itsdangerous 1.x takes one key: the one
							// 2.x signs with, the last.
							keys = keys[1:]
							args["key"], args["keys"] = keyArg(keys[0]), nil
						}
						if kd != "" {
							args["key_derivation"] = string(kd)
						}
						if dname != "" {
							args["digest"] = dname
						}
						if salt != nil {
							args["salt"] = *salt
						}
						if ts >= 0 {
							args["timestamp"] = ts
						}
						var want struct{ Signed string }
						h.MustCall(t, "cookie.sign", args, &want)
						o := flaskcookie.SignerOptions{SecretKeys: keys, KeyDerivation: kd, Digest: digestOf(dname)}
						if salt != nil {
							o.Salt = []byte(*salt)
						}
						var got []byte
						var err error
						if ts >= 0 {
							var s *flaskcookie.TimestampSigner
							if s, err = flaskcookie.NewTimestampSigner(flaskcookie.TimestampSignerOptions{SignerOptions: o}); err == nil {
								got, err = s.SignAt(value, time.Unix(ts, 0))
							}
						} else {
							var s *flaskcookie.Signer
							if s, err = flaskcookie.NewSigner(o); err == nil {
								got = s.Sign(value)
							}
						}
						if err != nil || string(got) != latin1(want.Signed) {
							t.Errorf("kd %q digest %q salt %v ts %d: got %q (%v), want %q", kd, dname, salt, ts, got, err, latin1(want.Signed))
						}
					}
				}
			}
		}
	})
}

func ptr[T any](v T) *T { return &v }

func digestOf(name string) func() hash.Hash {
	switch name {
	case "sha1":
		return sha1.New
	case "sha256":
		return sha256.New
	case "sha512":
		return sha512.New
	case "md5":
		return md5.New
	}
	return nil
}

// latin1 turns the str itsdangerous's bytes were decoded to (latin-1) back
// into those bytes.
func latin1(s string) string {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		b = append(b, byte(r))
	}
	return string(b)
}

// TestFloatReprMatchesPython compares the float text of the JSON encoder
// with Python's repr() on random bit patterns and known edge cases.
func TestFloatReprMatchesPython(t *testing.T) {
	h := pyharness.Start(t, "flask31")
	rng := rand.New(rand.NewPCG(11, 12))
	floats := []float64{0, 1, -1, 0.1, 1e16, 1e15, 9999999999999998, 1e-4, 1e-5, 0.0001234, 123456789012345680,
		5e-324, math.MaxFloat64, math.SmallestNonzeroFloat64, 2.2250738585072014e-308, 1e22, 1e23, 1.5e300, 4.35, 0.3}
	for range 5000 {
		floats = append(floats, math.Float64frombits(rng.Uint64()))
		floats = append(floats, float64(rng.IntN(1000000))/math.Pow(10, float64(rng.IntN(25))))
	}
	var hexes []string
	for _, f := range floats {
		hexes = append(hexes, fmt.Sprintf("%016x", math.Float64bits(f)))
	}
	var reprs []string
	h.MustCall(t, "cookie.float_reprs", map[string]any{"hexes": hexes}, &reprs)
	for i, f := range floats {
		if got := string(py.AppendFloatRepr(nil, f)); got != reprs[i] {
			t.Errorf("%016x: Go %s, Python %s", math.Float64bits(f), got, reprs[i])
		}
	}
}

// TestPlainJSONMatchesFlask compares MarshalJSON with Flask's
// app.json.dumps on random values, including dicts with numeric keys (NaN
// among them) that json.dumps sorts with Python's sort.
func TestPlainJSONMatchesFlask(t *testing.T) {
	h := pyharness.Start(t, "flask31")
	rng := rand.New(rand.NewPCG(13, 14))
	var values []py.Value
	for range 400 {
		values = append(values, randPlain(rng, 0))
	}
	for range 200 {
		// One NaN key at most: Python's literal nan is one object, so
		// two would be one key there.
		d := py.NewDict(0)
		nan := false
		for range rng.IntN(12) {
			switch rng.IntN(5) {
			case 0:
				if !nan {
					d.Set(math.NaN(), int64(d.Len()))
					nan = true
				}
			case 1:
				d.Set(rng.Float64()*100-50, int64(d.Len()))
			case 2:
				d.Set(rng.IntN(2) == 0, int64(d.Len()))
			default:
				d.Set(int64(rng.IntN(100)-50), int64(d.Len()))
			}
		}
		values = append(values, d)
	}
	var reprs []string
	for _, v := range values {
		reprs = append(reprs, py.Repr(v))
	}
	var out []struct{ JSON, Error string }
	h.MustCall(t, "cookie.plain_dumps_many", map[string]any{"reprs": reprs}, &out)
	for i, v := range values {
		got, err := flaskcookie.MarshalJSON(v)
		switch {
		case out[i].Error != "" && err == nil:
			t.Errorf("%s: Python fails (%s), Go writes %s", reprs[i], out[i].Error, got)
		case out[i].Error == "" && err != nil:
			t.Errorf("%s: Python writes %s, Go fails: %v", reprs[i], out[i].JSON, err)
		case out[i].Error == "" && string(got) != out[i].JSON:
			t.Errorf("%s:\n got %s\nwant %s", reprs[i], got, out[i].JSON)
		}
	}
}

func randPlain(r *rand.Rand, depth int) py.Value {
	switch k := r.IntN(16); {
	case k < 10 || depth > 3:
		v := randValue(r, 4)
		if _, isBytes := v.(py.Bytes); isBytes && r.IntN(2) == 0 {
			return "bytes"
		}
		return v
	case k < 12:
		t := make(py.Tuple, r.IntN(3))
		for i := range t {
			t[i] = randPlain(r, depth+1)
		}
		return t
	case k < 14:
		l := py.NewList()
		for range r.IntN(4) {
			l.Append(randPlain(r, depth+1))
		}
		return l
	default:
		d := py.NewDict(0)
		for range r.IntN(4) {
			d.Set(randKey(r), randPlain(r, depth+1))
		}
		return d
	}
}

// TestDateTagMatchesWerkzeug signs tagged JSON with " d" values Flask
// never writes itself (other forms of HTTP dates, zones, two-digit years,
// dates out of range, values of other types) and compares what Go and
// Flask load from the cookie: the same datetime, None, or a failure on
// both sides. Flask 1.x reads them with Werkzeug 1.0's parse_date, the
// later lines with email.utils.parsedate_to_datetime.
func TestDateTagMatchesWerkzeug(t *testing.T) {
	key := []byte("dates")
	values := []string{
		`"Fri, 17 May 2024 12:34:56 GMT"`, `"fri, 17 may 2024 12:34:56 gmt"`, `"Fri, 17 May 0045 12:34:56 GMT"`,
		`"Fri, 17 May 0099 12:34:56 GMT"`, `"Fri, 17 May 0100 12:34:56 GMT"`, `"Fri, 17 May 24 12:34:56 GMT"`,
		`"Friday, 17-May-24 12:34:56 GMT"`, `"Fri May 17 12:34:56 2024"`, `"  Fri, 17 May 2024 12:34:56 GMT  "`,
		`"Fri, 17 May 2024 12:34:56 +0530"`, `"Fri, 17 May 2024 12:34:56 -0800"`, `"Fri, 17 May 2024 12:34:56 -0000"`,
		`"Fri, 17 May 2024 12:34:56 +0000"`, `"Fri, 17 May 2024 12:34:56 EST"`, `"Fri, 17 May 2024 12:34:56 XYZ"`,
		`"Fri, 17 May 2024 12:34:56 +9999"`, `"Fri, 17 May 2024 12:34:56 +99999999999"`, `"Fri, 17 May 2024 12:34:56 -2400"`,
		`"Mon, 01 Jan 0001 00:00:00 +0100"`, `"Mon, 01 Jan 0001 00:30:00 -0100"`, `"Fri, 31 Dec 9999 23:30:00 -0100"`,
		`"Fri, 31 Dec 9999 23:30:00 +0100"`, `"Fri, 30 Feb 2024 12:34:56 GMT"`, `"Fri, 17 May 2024 25:00:00 GMT"`,
		`"Fri, 17 May 99999999999 12:34:56 GMT"`, `"Fri, 17 May 2024 12:34 GMT"`, `"17 May 2024 12:34:56"`,
		`"Fri, 17 May 2024"`, `"not a date"`, `""`, `"   "`, `0`, `1`, `null`, `false`, `true`, `[]`, `[1]`, `{}`,
		`{" b": ""}`, `{" b": "ICA="}`, `{" b": "RnJpLCAxNyBNYXkgMjAyNCAxMjozNDo1NiBHTVQ="}`, `{" m": "Fri, 17 May 2024 12:34:56 GMT"}`,
		`{" t": []}`, `1.5`,
	}
	forEachFlask(t, func(t *testing.T, h *pyharness.Helper) {
		codec := newFlaskCodec(t, h, flaskcookie.Options{SecretKey: key, Now: clock(cookieTS)})
		signer, err := flaskcookie.NewTimestampSigner(flaskcookie.TimestampSignerOptions{SignerOptions: flaskcookie.SignerOptions{
			SecretKeys: [][]byte{key}, Salt: []byte(flaskcookie.DefaultSalt), KeyDerivation: flaskcookie.DeriveHMAC}})
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range values {
			text := `{"v":{" d":` + v + `}}`
			signed, err := signer.SignAt([]byte(base64.RawURLEncoding.EncodeToString([]byte(text))), time.Unix(cookieTS, 0))
			if err != nil {
				t.Fatal(err)
			}
			var l struct{ Repr, Error, Message string }
			h.MustCall(t, "cookie.loads", map[string]any{"cookie": string(signed), "key": keyArg(key), "now": cookieTS, "dump": false}, &l)
			got, err := codec.Decode(string(signed))
			switch {
			case l.Error == "" && err != nil:
				t.Errorf("%s: Flask loads %s, Go: %v", v, l.Repr, err)
			case l.Error == "" && py.Repr(got) != l.Repr:
				t.Errorf("%s: Flask loads %s, Go %s", v, l.Repr, py.Repr(got))
			case l.Error != "" && err == nil:
				t.Errorf("%s: Flask fails (%s: %s), Go loads %s", v, l.Error, l.Message, py.Repr(got))
			}
		}
	})
}
