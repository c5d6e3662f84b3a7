package flaskcookie

import (
	"bytes"
	"crypto/sha512"
	"errors"
	"fmt"
	"hash"
	"sync"
	"time"

	"github.com/flaskbridge/flaskbridge/internal/pyjson"
	"github.com/flaskbridge/flaskbridge/py"
)

// Flask's defaults.
const (
	// DefaultSalt is SecureCookieSessionInterface.salt.
	DefaultSalt = "cookie-session"
	// DefaultLifetime is PERMANENT_SESSION_LIFETIME's default, 31 days.
	DefaultLifetime = 31 * 24 * time.Hour
	// DefaultMaxPayloadSize bounds the JSON text of a cookie once
	// inflated: 1 MiB.
	DefaultMaxPayloadSize = 1 << 20
	// DefaultMaxCookieSize bounds the cookie value: 64 KiB, far above the
	// 4 KB browsers keep (werkzeug warns from 4093 bytes on, but still
	// sends the cookie).
	DefaultMaxCookieSize = 64 << 10
)

// Options configure a Codec. Each field names the Flask setting it
// mirrors; the zero value of each means Flask's default.
type Options struct {
	// SecretKey is SECRET_KEY: a text key as its UTF-8 bytes (Flask
	// encodes a str key so), a bytes key as it is. It must not be empty:
	// Flask has no session without a key.
	SecretKey []byte
	// SecretKeyFallbacks is SECRET_KEY_FALLBACKS (Flask 3.1): older keys,
	// in the order of the config list. Cookies are always signed with
	// SecretKey and verified with SecretKey first, then with the
	// fallbacks from the last to the first, as Flask 3.1.1 and later do
	// (it hands itsdangerous fallbacks + [SECRET_KEY], which tries the
	// list from its end).
	SecretKeyFallbacks [][]byte
	// Salt is SecureCookieSessionInterface.salt; nil means
	// "cookie-session".
	Salt []byte
	// KeyDerivation is SecureCookieSessionInterface.key_derivation; ""
	// means DeriveHMAC.
	KeyDerivation KeyDerivation
	// Digest is SecureCookieSessionInterface.digest_method; nil means
	// SHA-1.
	Digest func() hash.Hash
	// PermanentSessionLifetime is PERMANENT_SESSION_LIFETIME, the maximum
	// age of a cookie in whole seconds (Flask checks it on every cookie,
	// permanent or not). 0 means 31 days; a negative value turns the age
	// checks off, expiry and future timestamps alike (Flask has no such
	// setting; itsdangerous does it for max_age=None). To get Flask's
	// behaviour for a lifetime of 0, where a cookie is only valid within
	// the second it was signed, set any duration under a second.
	PermanentSessionLifetime time.Duration
	// MaxPayloadSize bounds the JSON text once base64-decoded and
	// inflated; 0 means 1 MiB. Python has no such limit.
	MaxPayloadSize int
	// MaxCookieSize bounds the cookie value, read or written; 0 means
	// DefaultMaxCookieSize.
	MaxCookieSize int
	// MaxDepth bounds the nesting of the JSON; 0 means DefaultMaxDepth,
	// and it is at most MaxDepthCeiling.
	MaxDepth int
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// LegacyEpoch reads and writes the timestamps of itsdangerous 0.x
	// (Flask 0.x), counted from 2011-01-01.
	LegacyEpoch bool
	// LegacySHA512Fallback also accepts cookies signed the way
	// itsdangerous 1.1's default fallback signer checked them: HMAC-SHA512
	// with the django-concat key derivation (from the yanked
	// itsdangerous 1.0 release). Cookies are never written that way.
	LegacySHA512Fallback bool
	// Flask1 reads and writes cookies as Flask 1.x does, with Werkzeug 1.0
	// and itsdangerous 1.x: a tagged datetime loads as a naive datetime in
	// UTC (Werkzeug 1.0's parse_date), not an aware one; a Decimal cannot
	// be written (Flask 1.x's JSON encoder raises TypeError; Encode fails
	// with ErrUnsupported); and a signature from the future is accepted
	// (itsdangerous 1.x checks only that a cookie is not too old). The
	// cookie's bytes are otherwise the same as Flask 2 and 3 write.
	Flask1 bool
	// Werkzeug0 is Flask1 for an app that runs Werkzeug before 1.0 (0.14
	// to 0.16, which Flask 1.0 and 1.1 accept): its http_date writes the
	// year of a date or datetime as it is, so a year below 1000 has fewer
	// than four digits ("Sun, 21 Sep 245 00:00:00 GMT"), where Werkzeug
	// 1.0 and later pad it to four. Werkzeug0 implies Flask1; cookies are
	// read the same way (parse_date reads both forms).
	Werkzeug0 bool
}

// Codec reads and writes Flask's default session cookie, the value of the
// "session" cookie that SecureCookieSessionInterface writes:
// URLSafeTimedSerializer(keys, salt="cookie-session",
// serializer=TaggedJSONSerializer, signer_kwargs={key_derivation: "hmac",
// digest_method: sha1}). A Codec is safe for concurrent use.
type Codec struct {
	signer    *TimestampSigner
	legacy    *TimestampSigner // itsdangerous 1.1's SHA-512 fallback, or nil
	now       func() time.Time
	maxAge    time.Duration
	maxJSON   int
	maxCookie int
	maxDepth  int
	flask1    bool
	werkzeug0 bool
}

// New returns a codec for o.
func New(o Options) (*Codec, error) {
	o.Flask1 = o.Flask1 || o.Werkzeug0
	if len(o.SecretKey) == 0 {
		return nil, fmt.Errorf("%w: SECRET_KEY is empty", ErrNoSecretKey)
	}
	keys := make([][]byte, 0, len(o.SecretKeyFallbacks)+1)
	keys = append(keys, o.SecretKeyFallbacks...)
	keys = append(keys, o.SecretKey)
	salt := o.Salt
	if salt == nil {
		salt = []byte(DefaultSalt)
	}
	kd := o.KeyDerivation
	if kd == "" {
		kd = DeriveHMAC
	}
	now := o.Now
	if now == nil {
		now = time.Now
	}
	signer, err := NewTimestampSigner(TimestampSignerOptions{
		SignerOptions: SignerOptions{SecretKeys: keys, Salt: salt, KeyDerivation: kd, Digest: o.Digest},
		Now:           now,
		LegacyEpoch:   o.LegacyEpoch,
		AcceptFuture:  o.Flask1,
	})
	if err != nil {
		return nil, err
	}
	c := &Codec{signer: signer, now: now, maxAge: o.PermanentSessionLifetime,
		maxJSON: o.MaxPayloadSize, maxCookie: o.MaxCookieSize, maxDepth: o.MaxDepth, flask1: o.Flask1, werkzeug0: o.Werkzeug0}
	if o.LegacySHA512Fallback {
		c.legacy, err = NewTimestampSigner(TimestampSignerOptions{
			SignerOptions: SignerOptions{SecretKeys: keys, Salt: salt, KeyDerivation: DeriveDjangoConcat, Digest: sha512.New},
			Now:           now,
			LegacyEpoch:   o.LegacyEpoch,
			AcceptFuture:  o.Flask1,
		})
		if err != nil {
			return nil, err
		}
	}
	if c.maxAge == 0 {
		c.maxAge = DefaultLifetime
	} else if c.maxAge < 0 {
		c.maxAge = NoMaxAge
	}
	if c.maxJSON <= 0 {
		c.maxJSON = DefaultMaxPayloadSize
	}
	if c.maxCookie <= 0 {
		c.maxCookie = DefaultMaxCookieSize
	}
	if c.maxDepth <= 0 {
		c.maxDepth = DefaultMaxDepth
	}
	c.maxDepth = min(c.maxDepth, MaxDepthCeiling)
	return c, nil
}

// Lifetime returns the permanent-session lifetime the codec checks the age
// of cookies against (and that Flask gives a permanent session's cookie):
// Options.PermanentSessionLifetime, DefaultLifetime when that was 0, or
// NoMaxAge when it was negative (age checks off).
func (c *Codec) Lifetime() time.Duration { return c.maxAge }

// scratch holds the buffers of one decode or encode.
type scratch struct {
	raw   []byte        // the cookie, or the cookie being written
	b64   []byte        // the decoded payload
	json  []byte        // the JSON text
	z     []byte        // the compressed JSON
	items []pyjson.Item // the tagged encoder's dict entries (cleared after each dict)
}

var scratches = sync.Pool{New: func() any { return new(scratch) }}

func getScratch() *scratch { return scratches.Get().(*scratch) }

func putScratch(s *scratch) {
	if cap(s.raw)+cap(s.b64)+cap(s.json)+cap(s.z)+32*cap(s.items) > 256<<10 {
		return // let a rare huge cookie's buffers go
	}
	scratches.Put(s)
}

// Decode verifies cookie and returns the session dict Flask would load from
// it. A cookie that fails verification gives ErrBadSignature, ErrExpired or
// ErrFutureTimestamp (Flask starts an empty session for those); one whose
// signature verifies but whose payload cannot be read gives ErrMalformed
// (Flask fails the request); a cookie or payload beyond the limits gives
// ErrPayloadTooLarge.
func (c *Codec) Decode(cookie string) (*py.Dict, error) {
	d, _, err := c.DecodeTime(cookie)
	return d, err
}

// DecodeTime is Decode that also returns the time the cookie was signed.
func (c *Codec) DecodeTime(cookie string) (*py.Dict, time.Time, error) {
	if len(cookie) > c.maxCookie {
		return nil, time.Time{}, fmt.Errorf("%w: cookie of %d bytes (limit %d)", ErrPayloadTooLarge, len(cookie), c.maxCookie)
	}
	s := getScratch()
	defer putScratch(s)
	s.raw = append(s.raw[:0], cookie...)
	payload, signedAt, err := c.signer.Unsign(s.raw, c.maxAge)
	if err != nil && c.legacy != nil && errors.Is(err, ErrBadSignature) {
		if p, t, lerr := c.legacy.Unsign(s.raw, c.maxAge); !errors.Is(lerr, ErrBadSignature) {
			payload, signedAt, err = p, t, lerr
		}
	}
	if err != nil {
		return nil, signedAt, err
	}
	v, err := c.loadPayload(s, payload)
	if err != nil {
		return nil, signedAt, err
	}
	d, err := sessionDict(v)
	return d, signedAt, err
}

// loadPayload is URLSafeSerializerMixin.load_payload with the tagged JSON:
// base64, zlib when the payload starts with ".", JSON, untagging.
func (c *Codec) loadPayload(s *scratch, payload []byte) (py.Value, error) {
	return loadPayload(s, payload, c.maxJSON, c.maxDepth, c.flask1)
}

func loadPayload(s *scratch, payload []byte, maxJSON, maxDepth int, flask1 bool) (py.Value, error) {
	compressed := len(payload) > 0 && payload[0] == '.'
	if compressed {
		payload = payload[1:]
	}
	var err error
	s.b64, err = decodeURL64(s.b64[:0], payload)
	if err != nil {
		return nil, fmt.Errorf("%w: could not base64 decode the payload: %w", ErrMalformed, err)
	}
	text := s.b64
	if compressed {
		if s.json, err = inflate(s.json[:0], s.b64, maxJSON); err != nil {
			return nil, err
		}
		text = s.json
	}
	if len(text) > maxJSON {
		return nil, fmt.Errorf("%w: payload of %d bytes (limit %d)", ErrPayloadTooLarge, len(text), maxJSON)
	}
	return unmarshalTagged(text, maxDepth, flask1)
}

// sessionDict is dict(data) as Flask's SecureCookieSession (a werkzeug 3
// CallbackDict) builds it from the loaded value: a dict as it is, None as
// an empty dict, and an iterable of key-value pairs as the dict of those
// pairs. Anything else makes Python raise, which ErrMalformed reports.
func sessionDict(v py.Value) (*py.Dict, error) {
	switch x := v.(type) {
	case *py.Dict:
		return x, nil
	case nil:
		return py.NewDict(0), nil
	}
	items, ok := iterItems(v)
	if !ok {
		return nil, fmt.Errorf("%w: the session is %s, not a dict", ErrMalformed, describe(v))
	}
	d := py.NewDict(len(items))
	for i, it := range items {
		pair, ok := iterItems(it)
		if !ok || len(pair) != 2 {
			return nil, fmt.Errorf("%w: the session is %s whose item #%d is not a key-value pair", ErrMalformed, describe(v), i)
		}
		if !py.Hashable(pair[0]) {
			return nil, fmt.Errorf("%w: unhashable session key of type %s", ErrMalformed, py.TypeName(pair[0]))
		}
		d.Set(pair[0], pair[1])
	}
	return d, nil
}

// iterItems returns what iterating v gives in Python, for the iterable
// values a payload can hold.
func iterItems(v py.Value) ([]py.Value, bool) {
	switch x := v.(type) {
	case *py.List:
		return x.Items, true
	case py.Tuple:
		return x, true
	case string, py.Markup, *py.Dict, py.Bytes:
		t, err := untagTuple(x)
		if err != nil {
			return nil, false
		}
		return t.(py.Tuple), true
	}
	return nil, false
}

// Encode returns the cookie value Flask writes for d now.
func (c *Codec) Encode(d *py.Dict) (string, error) {
	return c.EncodeAt(d, c.now())
}

// EncodeAt returns the cookie value Flask writes for d at time t:
// URLSafeTimedSerializer.dumps, with the payload zlib-compressed (and
// marked with a leading ".") when that makes it shorter by more than one
// byte, as itsdangerous does.
func (c *Codec) EncodeAt(d *py.Dict, t time.Time) (string, error) {
	s := getScratch()
	defer putScratch(s)
	var err error
	e := tagEncoder{maxDepth: c.maxDepth, items: s.items[:0], flask1: c.flask1, werkzeug0: c.werkzeug0}
	var v py.Value = d
	if d == nil {
		v = py.NewDict(0)
	}
	s.json, err = e.encode(s.json[:0], v)
	clear(e.items) // what an error left, so that the pool holds no values
	s.items = e.items[:0]
	if err != nil {
		return "", err
	}
	s.z = deflate(s.z[:0], s.json)
	body := s.json
	s.raw = s.raw[:0]
	if len(s.z) < len(s.json)-1 {
		body = s.z
		s.raw = append(s.raw, '.')
	}
	s.raw = appendURL64(s.raw, body)
	out, err := c.signer.AppendSignAt(s.b64[:0], s.raw, t)
	if err != nil {
		return "", err
	}
	s.b64 = out
	if len(out) > c.maxCookie {
		return "", fmt.Errorf("%w: cookie of %d bytes (limit %d)", ErrPayloadTooLarge, len(out), c.maxCookie)
	}
	return string(out), nil
}

// DecodeUnverified reads a cookie without checking its signature or age,
// as itsdangerous's loads_unsafe does, for debugging: never trust what it
// returns. It gives the session value (a dict, or whatever the payload
// holds) and the signing time when the timestamp can be read.
func DecodeUnverified(cookie string) (py.Value, time.Time, error) {
	if len(cookie) > DefaultMaxCookieSize {
		return nil, time.Time{}, fmt.Errorf("%w: cookie of %d bytes (limit %d)", ErrPayloadTooLarge, len(cookie), DefaultMaxCookieSize)
	}
	s := getScratch()
	defer putScratch(s)
	s.raw = append(s.raw[:0], cookie...)
	msg := s.raw
	i := bytes.LastIndexByte(msg, '.')
	if i < 0 {
		return nil, time.Time{}, fmt.Errorf("%w: no '.' found in value", ErrMalformed)
	}
	msg = msg[:i]
	var signedAt time.Time
	if j := bytes.LastIndexByte(msg, '.'); j >= 0 {
		var tsb [16]byte
		if raw, err := decodeURL64(tsb[:0], msg[j+1:]); err == nil && len(raw) <= 8 {
			var ts uint64
			for _, c := range raw {
				ts = ts<<8 | uint64(c)
			}
			if ts <= maxTimestamp {
				signedAt = time.Unix(int64(ts), 0).UTC()
			}
			msg = msg[:j]
		}
	}
	v, err := loadPayload(s, msg, DefaultMaxPayloadSize, DefaultMaxDepth, false)
	return v, signedAt, err
}
