package flasksession

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/flaskbridge/flaskbridge/pickle"
)

// Compat names the Flask-Session line whose behaviour the Manager follows.
// The lines differ in how session ids look, how values are serialized, what
// counts as an empty session, when the store and the cookie are written, and
// what happens to a cookie whose session id the store does not know.
type Compat int

const (
	// Compat08 is Flask-Session 0.7 and 0.8 (the zero value): ids from
	// secrets.token_urlsafe(SESSION_ID_LENGTH); msgspec msgpack or JSON
	// values (read in the order configured format, the other msgspec
	// format, pickle); a session holding only "_permanent" is empty; the
	// store is written when the session was modified or
	// SESSION_REFRESH_EACH_REQUEST is set, the cookie when Flask's
	// should_set_cookie says so; "Vary: Cookie" when the session was
	// accessed; an unknown session id is replaced by a new one.
	Compat08 Compat = iota
	// Compat06 is Flask-Session 0.6: token_urlsafe ids, pickled values, a
	// session holding only "_permanent" is empty, store and cookie written
	// when the session was modified or is permanent with
	// SESSION_REFRESH_EACH_REQUEST; an unknown id is kept.
	Compat06
	// Compat05 is Flask-Session 0.3 to 0.5: str(uuid4()) ids, pickled
	// values, only a dict without keys is empty (a new permanent session
	// holds "_permanent" and is saved), store and cookie written on every
	// request; an unknown id is kept.
	Compat05
)

// ParseCompat returns the Compat of a Flask-Session version ("0.4.1",
// "0.8").
func ParseCompat(version string) (Compat, error) {
	parts := strings.SplitN(strings.TrimPrefix(strings.TrimSpace(version), "v"), ".", 3)
	if len(parts) < 2 {
		return 0, fmt.Errorf("%w: Flask-Session version %q", ErrConfig, version)
	}
	major, err1 := strconv.Atoi(parts[0])
	minor, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil || major != 0 {
		return 0, fmt.Errorf("%w: Flask-Session version %q", ErrConfig, version)
	}
	switch {
	case minor >= 3 && minor <= 5:
		return Compat05, nil
	case minor == 6:
		return Compat06, nil
	case minor >= 7 && minor <= 8:
		return Compat08, nil
	}
	return 0, fmt.Errorf("%w: Flask-Session %q is not supported (0.3 to 0.8 are)", ErrConfig, version)
}

// String returns the Flask-Session versions of c, such as "0.3-0.5".
func (c Compat) String() string {
	switch c {
	case Compat08:
		return "0.7-0.8"
	case Compat06:
		return "0.6"
	case Compat05:
		return "0.3-0.5"
	}
	return "Compat(" + strconv.Itoa(int(c)) + ")"
}

// Format is a serialization format of session values.
type Format string

// The formats Flask-Session stores sessions in.
const (
	// FormatMsgpack is msgspec's MessagePack, Flask-Session 0.7+'s default.
	FormatMsgpack Format = "msgpack"
	// FormatJSON is msgspec's JSON (SESSION_SERIALIZATION_FORMAT="json").
	FormatJSON Format = "json"
	// FormatPickle is Python's pickle: Flask-Session 0.3 to 0.6, and what
	// 0.7+ still reads.
	FormatPickle Format = "pickle"
)

// Defaults of the Flask and Flask-Session config keys.
const (
	DefaultKeyPrefix  = "session:"
	DefaultIDLength   = 32
	DefaultLifetime   = 31 * 24 * time.Hour
	DefaultCookieName = "session"
	// DefaultMaxIDLength bounds the session id a cookie may carry; a longer
	// one is treated as no cookie. Flask-Session has no such limit.
	DefaultMaxIDLength = 256
	// DefaultMaxValueSize bounds a stored value the serializers read.
	DefaultMaxValueSize = 16 << 20
)

// Options configure a Manager. Each field mirrors the Flask or Flask-Session
// config key named in its comment, and its zero value means that key's
// default; fields whose default is not Go's zero value are pointers (see
// Bool and String).
type Options struct {
	// Compat is the Flask-Session line to follow (zero: 0.7–0.8).
	Compat Compat
	// Type is SESSION_TYPE ("redis", "filesystem", ...). The Manager does
	// not use it; it is kept for tools that pick a store from a config.
	Type string
	// Permanent is SESSION_PERMANENT (default true): a new session gets
	// "_permanent": True, so its cookie carries an expiry.
	Permanent *bool
	// UseSigner is SESSION_USE_SIGNER: the cookie holds the session id
	// signed with itsdangerous's Signer (salt "flask-session", HMAC key
	// derivation, SHA-1), and an unsigned or tampered cookie starts a new
	// session. It needs SecretKey.
	UseSigner bool
	// KeyPrefix is SESSION_KEY_PREFIX (default "session:"), put before the
	// session id to make the store key.
	KeyPrefix *string
	// IDLength is SESSION_ID_LENGTH (default 32): the number of random
	// bytes of a session id from secrets.token_urlsafe (0.6+).
	IDLength int
	// SerializationFormat is SESSION_SERIALIZATION_FORMAT for Compat08:
	// FormatMsgpack (the default) or FormatJSON. The older lines always
	// pickle; FormatPickle here makes a Compat08 manager write pickles, for
	// a deployment whose Python side still runs 0.6.
	SerializationFormat Format
	// PickleProtocol is the pickle protocol written (default 4, what
	// pickle.dumps writes on Python 3.8+; Python 3.0 to 3.7 wrote 3).
	// pickle.TextProtocol writes protocol 0, as Flask-Session 0.3 to 0.5
	// do for memcached.
	PickleProtocol int
	// PermanentSessionLifetime is PERMANENT_SESSION_LIFETIME (default 31
	// days): the store entry's time to live, in whole seconds as
	// Flask-Session counts it, and a permanent session's cookie lifetime.
	PermanentSessionLifetime time.Duration
	// RefreshEachRequest is SESSION_REFRESH_EACH_REQUEST (default true).
	RefreshEachRequest *bool
	// SecretKey is SECRET_KEY, as text or raw bytes.
	SecretKey string
	// CookieName is SESSION_COOKIE_NAME (default "session").
	CookieName string
	// CookieDomain is SESSION_COOKIE_DOMAIN (default: none).
	CookieDomain string
	// CookiePath is SESSION_COOKIE_PATH (default: ApplicationRoot, "/").
	CookiePath string
	// ApplicationRoot is APPLICATION_ROOT (default "/").
	ApplicationRoot string
	// CookieHTTPOnly is SESSION_COOKIE_HTTPONLY (default true).
	CookieHTTPOnly *bool
	// CookieSecure is SESSION_COOKIE_SECURE.
	CookieSecure bool
	// CookieSameSite is SESSION_COOKIE_SAMESITE: "", "Lax", "Strict" or
	// "None". Flask-Session 0.3 does not set it (leave it empty there);
	// 0.4 and later do.
	CookieSameSite string

	// MarkupAsStr writes markupsafe.Markup values as plain str in msgspec
	// formats instead of failing, as msgspec (and so Flask-Session 0.7+)
	// does; see msgspec.EncodeOptions.MarkupAsStr. Pickle keeps Markup.
	MarkupAsStr bool
	// PickleStrict reads pickled sessions with pickle.DecodeOptions.Strict:
	// a session holding an instance of a class other than those the pickle
	// package models (datetime, UUID, Decimal, OrderedDict, set, Markup, ...)
	// fails to open with ErrCorrupt wrapping pickle.ErrStrict, and is left
	// as it is in the store. Without it such an instance is read as opaque
	// data (*py.Object) and written back as it was read; nothing is ever
	// imported or run either way. Set it where the sessions should hold
	// only plain values, so that an unexpected class is an error on the Go
	// side rather than carried along.
	PickleStrict bool
	// MaxIDLength bounds the session id of a cookie (default
	// DefaultMaxIDLength).
	MaxIDLength int
	// MaxValueSize bounds a stored value (default DefaultMaxValueSize): a
	// longer one is an error wrapping ErrTooLarge, and the session is not
	// opened. A store that is a BoundedLoader (redisstore, sqlstore) stops
	// reading at it, so that a huge entry never comes whole into memory;
	// filestore and memcachedstore bound their reads with limits of their
	// own (MaxFileSize, MaxValueSize), and the serializers refuse a longer
	// value before decoding it.
	MaxValueSize int
	// Now returns the current time, for cookie expiry (default time.Now).
	Now func() time.Time
	// MergeWrites is Go's own, with no Flask-Session counterpart: a
	// modified session that was loaded from the store is written with
	// CompareAndSwap against the bytes it was loaded from, so that a
	// write made meanwhile by another request (Go or Python) is not
	// overwritten. When the entry changed, Commit reads it again, applies
	// this request's own changes to it top-level key by key (keys set,
	// changed or removed since the load; for a key both changed, this
	// request's value), and tries again after a random pause of up to a
	// millisecond per attempt, up to MaxMergeAttempts times, then fails
	// with ErrConflict. An entry removed meanwhile (a logout) is
	// ErrConflict too, not written back. A session the request emptied is
	// deleted, and a new or regenerated one written, as without the
	// option. A merge that leaves the session empty (this request removed
	// the keys the other writer kept, and the other writer the rest) is
	// not stored either: as Flask-Session does with a session that is
	// empty when saved, the entry is deleted and so is the cookie
	// (Outcome.Deleted), by compare-and-delete when the store is a
	// CompareAndDeleter (a change made meanwhile is merged in turn), else
	// (or when its server lacks the command) by a plain Delete. The store
	// must be a CompareAndSwapper (New fails with ErrConfig otherwise).
	// Python writers still write whole values, so a Flask request can still
	// drop a Go change made during it; see docs/reliability.md.
	MergeWrites bool
	// RefreshOnLoad is Go's own, with no Flask-Session counterpart: when
	// the store is a LoadToucher (redisstore) and RefreshEachRequest is on,
	// the entry's expiry is extended in the same round trip as the load
	// (a pipelined GETRANGE and EXPIRE), and Commit of an unchanged session
	// then has nothing left to do in the store: one round trip per request
	// that only reads the session instead of two. The expiry is extended
	// before the session is decoded, as Flask-Session 0.7+ and 0.3 to 0.5
	// extend it for every session they open (they write the entry back
	// whether the session is permanent or not, 0.3 to 0.5 even without
	// SESSION_REFRESH_EACH_REQUEST); 0.6 refreshes permanent sessions only,
	// so under Compat06 the option changes nothing. An entry too large to
	// open (MaxValueSize), or one Flask-Session would take for no session
	// (0.7+: an empty value, or one holding only "_permanent"), has its
	// expiry extended all the same.
	//
	// What the option gives up, and why it is off by default: an entry
	// removed while the request runs (a logout elsewhere) is still not
	// written back, but Commit no longer sees the removal, so it reports
	// Touched and sets the cookie instead of reporting Gone and setting
	// none (see Commit). Without the option the same can happen to a
	// removal that lands between Commit's EXPIRE and the response; the
	// option widens that window to the whole request. With another store
	// the option changes nothing.
	RefreshOnLoad bool
}

// MaxMergeAttempts bounds the compare-and-swap attempts of one Commit
// with Options.MergeWrites.
const MaxMergeAttempts = 10

// Bool returns a pointer to b, for the *bool fields of Options.
func Bool(b bool) *bool { return &b }

// String returns a pointer to s, for the *string fields of Options.
func String(s string) *string { return &s }

// config is Options resolved: defaults applied and checked.
type config struct {
	compat         Compat
	permanent      bool
	useSigner      bool
	keyPrefix      string
	idLength       int
	format         Format
	pickleProtocol int
	lifetime       time.Duration
	refresh        bool
	secretKey      string
	cookieName     string
	cookieDomain   string
	cookiePath     string
	httpOnly       bool
	secure         bool
	sameSite       string
	markupAsStr    bool
	pickleStrict   bool
	maxIDLength    int
	maxValueSize   int
	now            func() time.Time
	merge          bool
	refreshOnLoad  bool
}

func (o *Options) resolve() (config, error) {
	c := config{
		compat:         o.Compat,
		permanent:      boolOr(o.Permanent, true),
		useSigner:      o.UseSigner,
		keyPrefix:      DefaultKeyPrefix,
		idLength:       o.IDLength,
		format:         o.SerializationFormat,
		pickleProtocol: o.PickleProtocol,
		lifetime:       o.PermanentSessionLifetime,
		refresh:        boolOr(o.RefreshEachRequest, true),
		secretKey:      o.SecretKey,
		cookieName:     o.CookieName,
		cookieDomain:   o.CookieDomain,
		cookiePath:     o.CookiePath,
		httpOnly:       boolOr(o.CookieHTTPOnly, true),
		secure:         o.CookieSecure,
		sameSite:       o.CookieSameSite,
		markupAsStr:    o.MarkupAsStr,
		pickleStrict:   o.PickleStrict,
		maxIDLength:    o.MaxIDLength,
		maxValueSize:   o.MaxValueSize,
		now:            o.Now,
		merge:          o.MergeWrites,
		// 0.6 refreshes only permanent sessions, which the load cannot
		// tell before decoding.
		refreshOnLoad: o.RefreshOnLoad && boolOr(o.RefreshEachRequest, true) && o.Compat != Compat06,
	}
	if c.compat < Compat08 || c.compat > Compat05 {
		return c, fmt.Errorf("%w: unknown Compat %d", ErrConfig, int(c.compat))
	}
	if o.KeyPrefix != nil {
		c.keyPrefix = *o.KeyPrefix
	}
	if c.idLength == 0 {
		c.idLength = DefaultIDLength
	} else if c.idLength < 0 || c.idLength > 1024 {
		return c, fmt.Errorf("%w: SESSION_ID_LENGTH %d", ErrConfig, c.idLength)
	}
	switch {
	case c.compat != Compat08:
		c.format = FormatPickle
	case c.format == "":
		c.format = FormatMsgpack
	case c.format != FormatMsgpack && c.format != FormatJSON && c.format != FormatPickle:
		return c, fmt.Errorf("%w: SESSION_SERIALIZATION_FORMAT %q (want msgpack or json)", ErrConfig, c.format)
	}
	if c.pickleProtocol == 0 {
		c.pickleProtocol = 4
	} else if (c.pickleProtocol < 0 && c.pickleProtocol != pickle.TextProtocol) || c.pickleProtocol > 5 {
		return c, fmt.Errorf("%w: pickle protocol %d", ErrConfig, c.pickleProtocol)
	}
	if c.lifetime == 0 {
		c.lifetime = DefaultLifetime
	}
	// Flask-Session counts whole seconds (timedelta.days*86400 + seconds,
	// or int(total_seconds())).
	c.lifetime = c.lifetime.Truncate(time.Second)
	if c.lifetime <= 0 {
		return c, fmt.Errorf("%w: PERMANENT_SESSION_LIFETIME must be at least one second", ErrConfig)
	}
	if c.useSigner && c.secretKey == "" {
		return c, ErrNoSecretKey
	}
	if c.cookieName == "" {
		c.cookieName = DefaultCookieName
	}
	if c.cookiePath == "" {
		c.cookiePath = o.ApplicationRoot
		if c.cookiePath == "" {
			c.cookiePath = "/"
		}
	}
	switch strings.ToLower(c.sameSite) {
	case "":
		c.sameSite = ""
	case "lax":
		c.sameSite = "Lax"
	case "strict":
		c.sameSite = "Strict"
	case "none":
		c.sameSite = "None"
	default:
		return c, fmt.Errorf("%w: SESSION_COOKIE_SAMESITE %q", ErrConfig, o.CookieSameSite)
	}
	if c.maxIDLength <= 0 {
		c.maxIDLength = DefaultMaxIDLength
	}
	if c.maxValueSize <= 0 {
		c.maxValueSize = DefaultMaxValueSize
	}
	if c.now == nil {
		c.now = time.Now
	}
	return c, nil
}

func boolOr(p *bool, def bool) bool {
	if p == nil {
		return def
	}
	return *p
}
