package flaskcookie

import (
	"bytes"
	"compress/zlib"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/flaskbridge/flaskbridge"
	"github.com/flaskbridge/flaskbridge/internal/pyjson"
	"github.com/flaskbridge/flaskbridge/py"
)

const testTS = 1715949296

func testCodec(t testing.TB, o Options) *Codec {
	t.Helper()
	if o.SecretKey == nil {
		o.SecretKey = []byte("test key")
	}
	if o.Now == nil {
		o.Now = fixedClock(testTS)
	}
	c, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// signedPayload signs an arbitrary payload the way the codec signs its own.
func signedPayload(t testing.TB, c *Codec, payload string) string {
	out, err := c.signer.SignAt([]byte(payload), time.Unix(testTS, 0))
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestNoSecretKey(t *testing.T) {
	for _, k := range [][]byte{nil, {}} {
		if _, err := New(Options{SecretKey: k}); !errors.Is(err, ErrNoSecretKey) {
			t.Errorf("key %q: %v", k, err)
		}
	}
	if _, err := NewSigner(SignerOptions{}); !errors.Is(err, ErrNoSecretKey) {
		t.Errorf("signer without keys: %v", err)
	}
}

// TestZlibBomb: a signed cookie of 40 KB that inflates to 30 MB
// is refused once the output passes the limit, without inflating it all.
func TestZlibBomb(t *testing.T) {
	c := testCodec(t, Options{})
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	zw.Write([]byte(`{"a":"`))
	zw.Write(bytes.Repeat([]byte("A"), 30<<20))
	zw.Write([]byte(`"}`))
	zw.Close()
	bomb := z.Bytes()
	cookie := signedPayload(t, c, "."+base64.RawURLEncoding.EncodeToString(bomb))
	if len(cookie) > DefaultMaxCookieSize {
		t.Fatalf("bomb cookie of %d bytes", len(cookie))
	}
	_, err := c.Decode(cookie)
	if !errors.Is(err, ErrPayloadTooLarge) {
		t.Fatalf("bomb: %v", err)
	}
	// Just under the limit passes; just over does not.
	small := testCodec(t, Options{MaxPayloadSize: 100})
	for n, ok := range map[int]bool{92: true, 93: false} {
		d := py.DictOf("a", strings.Repeat("A", n))
		j, _ := MarshalTagged(d)
		cookie := signedPayload(t, small, "."+base64.RawURLEncoding.EncodeToString(deflate(nil, j)))
		if _, err := small.Decode(cookie); (err == nil) != ok {
			t.Errorf("%d-byte JSON with a 100-byte limit: %v", len(j), err)
		}
		cookie = signedPayload(t, small, base64.RawURLEncoding.EncodeToString(j))
		if _, err := small.Decode(cookie); (err == nil) != ok {
			t.Errorf("%d-byte uncompressed JSON with a 100-byte limit: %v", len(j), err)
		}
	}
}

func TestCookieSizeLimit(t *testing.T) {
	c := testCodec(t, Options{MaxCookieSize: 200})
	var b strings.Builder
	x := uint32(1)
	for range 400 {
		x = x*1664525 + 1013904223
		b.WriteByte(byte('!' + x>>24%90))
	}
	d := py.DictOf("a", b.String())
	if _, err := c.EncodeAt(d, time.Unix(testTS, 0)); !errors.Is(err, ErrPayloadTooLarge) {
		t.Errorf("encode: %v", err)
	}
	if _, err := c.Decode(strings.Repeat("a", 201)); !errors.Is(err, ErrPayloadTooLarge) {
		t.Errorf("decode: %v", err)
	}
}

func TestDepthLimit(t *testing.T) {
	c := testCodec(t, Options{MaxDepth: 50})
	deep := strings.Repeat(`{"a":`, 51) + "1" + strings.Repeat("}", 51)
	_, err := c.Decode(signedPayload(t, c, base64.RawURLEncoding.EncodeToString([]byte(deep))))
	if !errors.Is(err, ErrMalformed) || !errors.Is(err, pyjson.ErrTooDeep) {
		t.Errorf("51 levels: %v", err)
	}
	var v py.Value = int64(1)
	for range 60 {
		v = py.NewList(v)
	}
	if _, err := c.EncodeAt(py.DictOf("v", v), time.Unix(testTS, 0)); !errors.Is(err, ErrUnsupported) {
		t.Errorf("encoding 61 levels: %v", err)
	}
	// A list that holds itself is caught by the depth limit.
	l := py.NewList()
	l.Append(l)
	if _, err := MarshalTagged(l); !errors.Is(err, ErrUnsupported) {
		t.Errorf("circular list: %v", err)
	}
}

func TestMaxAge(t *testing.T) {
	w := testCodec(t, Options{})
	cookie, err := w.EncodeAt(py.DictOf("a", int64(1)), time.Unix(testTS, 0))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		lifetime time.Duration
		now      int64
		want     error
	}{
		{0, testTS + 31*86400, nil},
		{0, testTS + 31*86400 + 1, ErrExpired},
		{0, testTS - 1, ErrFutureTimestamp},
		{time.Hour, testTS + 3600, nil},
		{time.Hour + 999*time.Millisecond, testTS + 3601, ErrExpired}, // whole seconds, as int(total_seconds())
		{time.Nanosecond, testTS, nil},
		{time.Nanosecond, testTS + 1, ErrExpired},
		{NoMaxAge, testTS + 10*365*86400, nil},
		{NoMaxAge, 0, nil},
	} {
		r := testCodec(t, Options{PermanentSessionLifetime: c.lifetime, Now: fixedClock(c.now)})
		d, signed, err := r.DecodeTime(cookie)
		if !errors.Is(err, c.want) || (c.want == nil && err != nil) {
			t.Errorf("lifetime %v at %+d s: %v, want %v", c.lifetime, c.now-testTS, err, c.want)
		}
		if c.want == nil && (d.Len() != 1 || !signed.Equal(time.Unix(testTS, 0))) {
			t.Errorf("lifetime %v: %s signed %v", c.lifetime, py.Repr(d), signed)
		}
	}
}

func TestLegacyOptions(t *testing.T) {
	// itsdangerous 0.x timestamps count from 2011.
	w := testCodec(t, Options{LegacyEpoch: true})
	cookie, err := w.EncodeAt(py.DictOf("a", int64(1)), time.Unix(testTS, 0))
	if err != nil {
		t.Fatal(err)
	}
	ts := strings.Split(cookie, ".")[1]
	raw, _ := base64.RawURLEncoding.DecodeString(ts)
	var n int64
	for _, b := range raw {
		n = n<<8 | int64(b)
	}
	if n != testTS-LegacyEpoch {
		t.Errorf("legacy timestamp %d", n)
	}
	if _, err := w.Decode(cookie); err != nil {
		t.Errorf("legacy codec: %v", err)
	}
	if _, err := testCodec(t, Options{}).Decode(cookie); !errors.Is(err, ErrExpired) {
		t.Errorf("modern codec on a legacy cookie: %v", err)
	}
	// itsdangerous 1.1's SHA-512, django-concat fallback signer.
	old, err := NewTimestampSigner(TimestampSignerOptions{SignerOptions: SignerOptions{
		SecretKeys: [][]byte{[]byte("test key")}, Salt: []byte(DefaultSalt), KeyDerivation: DeriveDjangoConcat, Digest: sha512.New}})
	if err != nil {
		t.Fatal(err)
	}
	signed, _ := old.SignAt([]byte(base64.RawURLEncoding.EncodeToString([]byte(`{"a":1}`))), time.Unix(testTS, 0))
	if _, err := testCodec(t, Options{}).Decode(string(signed)); !errors.Is(err, ErrBadSignature) {
		t.Errorf("SHA-512 cookie without the fallback: %v", err)
	}
	if d, err := testCodec(t, Options{LegacySHA512Fallback: true}).Decode(string(signed)); err != nil || py.Repr(d) != "{'a': 1}" {
		t.Errorf("SHA-512 cookie with the fallback: %v", err)
	}
}

func TestOtherDigestAndSalt(t *testing.T) {
	o := Options{SecretKey: []byte("k"), Salt: []byte("my-salt"), Digest: sha256.New, KeyDerivation: DeriveConcat}
	c := testCodec(t, o)
	cookie, err := c.EncodeAt(py.DictOf("x", "y"), time.Unix(testTS, 0))
	if err != nil {
		t.Fatal(err)
	}
	if sig := cookie[strings.LastIndexByte(cookie, '.')+1:]; len(sig) != 43 {
		t.Errorf("SHA-256 signature %q", sig)
	}
	if _, err := c.Decode(cookie); err != nil {
		t.Error(err)
	}
	if _, err := testCodec(t, Options{SecretKey: []byte("k")}).Decode(cookie); !errors.Is(err, ErrBadSignature) {
		t.Errorf("default codec: %v", err)
	}
}

func TestSignAtBeforeEpoch(t *testing.T) {
	s, _ := NewTimestampSigner(TimestampSignerOptions{SignerOptions: SignerOptions{SecretKeys: [][]byte{[]byte("k")}}})
	if _, err := s.SignAt([]byte("v"), time.Unix(-1, 0)); err == nil {
		t.Error("signed before 1970")
	}
	if _, _, err := s.Unsign([]byte("v"), NoMaxAge); !errors.Is(err, ErrBadSignature) {
		t.Errorf("unsigned value: %v", err)
	}
}

func TestDecodeUnverified(t *testing.T) {
	c := testCodec(t, Options{})
	cookie, _ := c.EncodeAt(py.DictOf("user", "ann", "cart", py.Tuple{int64(1)}), time.Unix(testTS, 0))
	v, ts, err := DecodeUnverified(cookie[:len(cookie)-3] + "xyz")
	if err != nil || py.Repr(v) != "{'cart': (1,), 'user': 'ann'}" || ts.Unix() != testTS {
		t.Errorf("%s %v %v", py.Repr(v), ts, err)
	}
	if _, _, err := DecodeUnverified("nodot"); !errors.Is(err, ErrMalformed) {
		t.Errorf("no dot: %v", err)
	}
}

func TestLoadSave(t *testing.T) {
	c := testCodec(t, Options{})
	s, err := c.Load("")
	if err != nil || !s.IsNew() || s.Len() != 0 {
		t.Fatalf("no cookie: %v", err)
	}
	if err := s.Set("user_id", 7); err != nil {
		t.Fatal(err)
	}
	s.SetPermanent(true)
	cookie, err := c.Save(s)
	if err != nil {
		t.Fatal(err)
	}
	s2, err := c.Load(cookie)
	if err != nil || s2.IsNew() || !s2.Permanent() {
		t.Fatalf("reload: %v", err)
	}
	if n, err := s2.Int("user_id"); err != nil || n != 7 {
		t.Errorf("user_id %d %v", n, err)
	}
	bad, err := c.Load(cookie + "x")
	if !errors.Is(err, ErrBadSignature) || bad == nil || !bad.IsNew() || bad.Len() != 0 {
		t.Errorf("bad signature: %v", err)
	}
	broken := signedPayload(t, c, base64.RawURLEncoding.EncodeToString([]byte("{")))
	if s, err := c.Load(broken); !errors.Is(err, ErrMalformed) || s != nil {
		t.Errorf("malformed: %v", err)
	}
	var _ *flaskbridge.Session = s2
}

func TestGoValues(t *testing.T) {
	type item struct {
		SKU string `py:"sku"`
		Qty int    `py:"qty"`
	}
	d := py.NewDict(0)
	d.Set("items", []item{{"A-1", 2}})
	d.Set("n", 3)
	d.Set("when", time.Date(2024, 5, 17, 12, 0, 0, 0, time.UTC))
	got, err := MarshalTagged(d)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != `{"items":[{"qty":2,"sku":"A-1"}],"n":3,"when":{" d":"Fri, 17 May 2024 12:00:00 GMT"}}` {
		t.Errorf("got %s", got)
	}
	if _, err := MarshalTagged(py.DictOf("c", make(chan int))); !errors.Is(err, ErrUnsupported) {
		t.Errorf("channel: %v", err)
	}
}

// TestConcurrentUse runs one codec from many goroutines (go test -race).
func TestConcurrentUse(t *testing.T) {
	c := testCodec(t, Options{SecretKeyFallbacks: [][]byte{[]byte("old")}})
	done := make(chan error)
	for g := range 8 {
		go func() {
			var err error
			for i := range 50 {
				d := py.DictOf("g", int64(g), "i", int64(i), "pad", strings.Repeat("ab", i*10))
				var cookie string
				if cookie, err = c.EncodeAt(d, time.Unix(testTS, 0)); err != nil {
					break
				}
				var back *py.Dict
				if back, err = c.Decode(cookie); err != nil {
					break
				}
				if !py.Equal(back, d) {
					err = errors.New("round trip differs: " + py.Repr(back))
					break
				}
			}
			done <- err
		}()
	}
	for range 8 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

func TestLimits(t *testing.T) {
	big := []byte(`"` + strings.Repeat("x", DefaultMaxPayloadSize) + `"`)
	if _, err := UnmarshalTagged(big); !errors.Is(err, ErrPayloadTooLarge) {
		t.Errorf("2 MiB: %v", err)
	}
	if _, err := (Limits{MaxSize: 4 << 20}).DecodeTagged(big); err != nil {
		t.Errorf("raised limit: %v", err)
	}
	if _, err := (Limits{MaxDepth: 2}).DecodeJSON([]byte(`[[[]]]`)); !errors.Is(err, ErrMalformed) || !errors.Is(err, pyjson.ErrTooDeep) {
		t.Errorf("depth: %v", err)
	}
	var se *SyntaxError
	if _, err := UnmarshalTagged([]byte(`{"a": [1, 2,]}`)); !errors.As(err, &se) || se.Offset != 12 {
		t.Errorf("offset: %v", err)
	}
}

func TestLifetime(t *testing.T) {
	for _, c := range []struct{ set, want time.Duration }{
		{0, DefaultLifetime}, {time.Hour, time.Hour}, {-time.Second, NoMaxAge}, {1500 * time.Millisecond, 1500 * time.Millisecond},
	} {
		codec, err := New(Options{SecretKey: []byte("k"), PermanentSessionLifetime: c.set})
		if err != nil {
			t.Fatal(err)
		}
		if got := codec.Lifetime(); got != c.want {
			t.Errorf("PermanentSessionLifetime %v: Lifetime %v, want %v", c.set, got, c.want)
		}
	}
}

// TestWerkzeug0 checks the years Werkzeug 0.x's http_date writes (str of
// the year, checked against Werkzeug 0.16.1 by compat_test's flask10 venv):
// below 1000 without leading zeros, and Werkzeug0 implies Flask1.
func TestWerkzeug0(t *testing.T) {
	d := py.DictOf(
		"a", py.Date{Year: 245, Month: 9, Day: 21},
		"b", py.DateTime{Year: 103, Month: 5, Day: 15, Hour: 17, Minute: 28, Second: 35, Microsecond: 134577, TZ: py.TimeZone{}},
		"c", py.Date{Year: 2024, Month: 5, Day: 1},
		"d", py.Date{Year: 7, Month: 7, Day: 16},
	)
	for _, tc := range []struct {
		o    Options
		want string
	}{
		{Options{}, `{"a":"Sun, 21 Sep 0245 00:00:00 GMT","b":{" d":"Tue, 15 May 0103 17:28:35 GMT"},"c":"Wed, 01 May 2024 00:00:00 GMT","d":"Mon, 16 Jul 0007 00:00:00 GMT"}`},
		{Options{Flask1: true}, `{"a":"Sun, 21 Sep 0245 00:00:00 GMT","b":{" d":"Tue, 15 May 0103 17:28:35 GMT"},"c":"Wed, 01 May 2024 00:00:00 GMT","d":"Mon, 16 Jul 0007 00:00:00 GMT"}`},
		{Options{Werkzeug0: true}, `{"a":"Sun, 21 Sep 245 00:00:00 GMT","b":{" d":"Tue, 15 May 103 17:28:35 GMT"},"c":"Wed, 01 May 2024 00:00:00 GMT","d":"Mon, 16 Jul 7 00:00:00 GMT"}`},
	} {
		c := testCodec(t, tc.o)
		cookie, err := c.EncodeAt(d, time.Unix(testTS, 0))
		if err != nil {
			t.Fatal(err)
		}
		payload, _, _ := strings.Cut(strings.TrimPrefix(cookie, "."), ".")
		raw, err := base64.RawURLEncoding.DecodeString(payload)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(cookie, ".") {
			zr, err := zlib.NewReader(bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			if raw, err = io.ReadAll(zr); err != nil {
				t.Fatal(err)
			}
		}
		if string(raw) != tc.want {
			t.Errorf("%+v: %s, want %s", tc.o, raw, tc.want)
		}
		// Read back, either form parses.
		if _, err := c.Decode(cookie); err != nil {
			t.Errorf("%+v: %v", tc.o, err)
		}
	}
	c := testCodec(t, Options{Werkzeug0: true})
	dec, err := py.ParseDecimal("1.5")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.EncodeAt(py.DictOf("x", dec), time.Unix(testTS, 0)); !errors.Is(err, ErrUnsupported) {
		t.Errorf("Werkzeug0 writes a Decimal: %v", err)
	}
}
