// Package flasklogin logs users in and out of the sessions a Flask app
// running Flask-Login 0.6 shares with a Go service, writing exactly what
// Flask-Login writes: the session keys "_user_id", "_fresh", "_id" (the
// session-protection identifier), "_remember" and "_remember_seconds", and
// the "remember me" cookie. A user who logs in on either side is logged in
// on both, session protection "strong" included.
//
// A Manager works on the session of package chimw's middleware, and its
// Middleware, installed after the session middleware, plays Flask-Login's
// after-request hook (the remember cookie):
//
//	sessions := chimw.New(backend, chimw.Options{})
//	login, _ := flasklogin.New(flasklogin.Options{SecretKey: "...", SessionProtection: "strong"})
//	r := chi.NewRouter()
//	r.Use(sessions.Handler, login.Middleware)
//	r.Get("/profile", func(w http.ResponseWriter, r *http.Request) {
//		id, ok := login.UserID(r) // Flask-Login's current_user.get_id()
//		...
//	})
//
// # What Flask-Login does, and this package with it
//
// login_user stores the user id, the freshness and the identifier; with
// remember=True it also leaves "_remember": "set" (and "_remember_seconds"
// for a duration), which the after-request hook turns into the
// "remember_token" cookie: the user id, "|", and the hex HMAC-SHA512 of the
// id keyed with SECRET_KEY (a str key as its Latin-1 bytes). logout_user
// removes the three keys and, when the request carried a remember cookie,
// leaves "_remember": "clear", which makes the hook delete the cookie.
//
// The identifier is the SHA-512 hex digest of "<address>|<user agent>",
// where both parts are Python bytes printed with repr (b'203.0.113.7') or
// None: the address is the first entry of X-Forwarded-For when the request
// has that header (whoever sent it), else the peer address; the user agent
// is the header's Latin-1 text encoded as UTF-8. A Go front that proxies to
// Flask with httputil.ReverseProxy adds the client's address to
// X-Forwarded-For, so both sides compute the same identifier for a browser.
//
// On every request that asks for the current user, session protection
// compares the identifier with "_id" in a non-empty session: on a
// mismatch, "basic" (and any permanent session) marks the login not fresh,
// and "strong" removes Flask-Login's keys and deletes the remember cookie.
// With no user in the session, a valid remember cookie logs the user back
// in, not fresh.
//
// Flask-Login's user_loader has no counterpart: UserID returns the id, and
// the caller looks the user up. (Flask-Login falls back to the remember
// cookie when the loader finds no user for the session's id; here the
// session's id wins.)
package flasklogin

import (
	"crypto/hmac"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/flaskbridge/flaskbridge"
	"github.com/flaskbridge/flaskbridge/chimw"
	"github.com/flaskbridge/flaskbridge/chimw/internal/wzcookie"
	"github.com/flaskbridge/flaskbridge/py"
)

// The session keys Flask-Login uses (its SESSION_KEYS).
const (
	UserIDKey          = "_user_id"
	FreshKey           = "_fresh"
	IDKey              = "_id"
	RememberKey        = "_remember"
	RememberSecondsKey = "_remember_seconds"
	NextKey            = "next"
)

// Flask-Login's defaults.
const (
	DefaultCookieName     = "remember_token"
	DefaultCookieDuration = 365 * 24 * time.Hour
)

// Errors of this package, for errors.Is.
var (
	// ErrConfig reports options that cannot be used.
	ErrConfig = errors.New("flasklogin: bad configuration")
	// ErrNoSession reports a request that did not go through chimw's
	// middleware.
	ErrNoSession = chimw.ErrNoSession
)

// Options configure a Manager. Each field names the Flask or Flask-Login
// config key it mirrors; the zero value of each means its default (fields
// whose default is not Go's zero value are pointers, see chimw.Bool).
type Options struct {
	// SecretKey is a str SECRET_KEY. Flask-Login signs remember cookies
	// with its Latin-1 bytes (unlike Flask and itsdangerous, which use
	// UTF-8), so a key with characters beyond U+00FF cannot be used.
	SecretKey string
	// SecretKeyBytes is a bytes SECRET_KEY, used as it is; it takes
	// precedence over SecretKey.
	SecretKeyBytes []byte
	// SessionProtection is SESSION_PROTECTION: "basic" (the default, ""),
	// "strong", or "none" (Python's None) to turn it off.
	SessionProtection string
	// RememberCookieName is REMEMBER_COOKIE_NAME (default
	// "remember_token").
	RememberCookieName string
	// RememberCookieDomain is REMEMBER_COOKIE_DOMAIN (default: none).
	RememberCookieDomain string
	// RememberCookiePath is REMEMBER_COOKIE_PATH (default "/").
	RememberCookiePath string
	// RememberCookieSecure is REMEMBER_COOKIE_SECURE.
	RememberCookieSecure bool
	// RememberCookieHTTPOnly is REMEMBER_COOKIE_HTTPONLY (default true).
	RememberCookieHTTPOnly *bool
	// RememberCookieSameSite is REMEMBER_COOKIE_SAMESITE: "", "Lax",
	// "Strict" or "None".
	RememberCookieSameSite string
	// RememberCookieDuration is REMEMBER_COOKIE_DURATION (default 365
	// days).
	RememberCookieDuration time.Duration
	// RememberCookieRefreshEachRequest is
	// REMEMBER_COOKIE_REFRESH_EACH_REQUEST: the remember cookie is sent
	// again on every request of a logged-in user.
	RememberCookieRefreshEachRequest bool
	// Identifier replaces the session identifier, as
	// login_manager._session_identifier_generator does in Python (both
	// sides must agree); nil means Identifier.
	Identifier func(r *http.Request) string
	// Now is the clock, for the remember cookie's expiry; nil means
	// time.Now.
	Now func() time.Time
}

type protection uint8

const (
	protectBasic protection = iota
	protectStrong
	protectNone
)

// Manager logs users in and out as Flask-Login does. It is safe for
// concurrent use.
type Manager struct {
	key        []byte
	protection protection
	cookie     wzcookie.Cookie // name and attributes of the remember cookie
	duration   time.Duration
	refresh    bool
	ident      func(r *http.Request) string
	now        func() time.Time
}

// New returns a Manager for o.
func New(o Options) (*Manager, error) {
	m := &Manager{
		duration: o.RememberCookieDuration,
		refresh:  o.RememberCookieRefreshEachRequest,
		ident:    o.Identifier,
		now:      o.Now,
	}
	switch {
	case o.SecretKeyBytes != nil:
		m.key = o.SecretKeyBytes
	default:
		k, err := latin1(o.SecretKey)
		if err != nil {
			return nil, fmt.Errorf("%w: SECRET_KEY: %w", ErrConfig, err)
		}
		m.key = k
	}
	switch strings.ToLower(o.SessionProtection) {
	case "", "basic":
	case "strong":
		m.protection = protectStrong
	case "none", "off", "false":
		m.protection = protectNone
	default:
		return nil, fmt.Errorf("%w: SESSION_PROTECTION %q is not \"basic\", \"strong\" or \"none\"", ErrConfig, o.SessionProtection)
	}
	c := wzcookie.Cookie{
		Name:     o.RememberCookieName,
		Path:     o.RememberCookiePath,
		Secure:   o.RememberCookieSecure,
		HTTPOnly: o.RememberCookieHTTPOnly == nil || *o.RememberCookieHTTPOnly,
		MaxAge:   -1,
	}
	if c.Name == "" {
		c.Name = DefaultCookieName
	}
	if c.Path == "" {
		c.Path = "/"
	}
	var err error
	if c.Domain, err = wzcookie.NormDomain(o.RememberCookieDomain); err != nil {
		return nil, fmt.Errorf("%w: REMEMBER_COOKIE_DOMAIN %q: %w", ErrConfig, o.RememberCookieDomain, err)
	}
	if c.SameSite, err = wzcookie.NormSameSite(o.RememberCookieSameSite); err != nil {
		return nil, fmt.Errorf("%w: REMEMBER_COOKIE_SAMESITE %q: %w", ErrConfig, o.RememberCookieSameSite, err)
	}
	m.cookie = c
	if m.duration == 0 {
		m.duration = DefaultCookieDuration
	}
	if m.ident == nil {
		m.ident = Identifier
	}
	if m.now == nil {
		m.now = time.Now
	}
	return m, nil
}

// latin1 encodes s as Python's str.encode("latin1").
func latin1(s string) ([]byte, error) {
	b := make([]byte, 0, len(s))
	for i, r := range s {
		if r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD") {
			return nil, errors.New("not valid UTF-8")
		}
		if r > 0xFF {
			return nil, fmt.Errorf("character %U at byte %d is not Latin-1, which Flask-Login needs", r, i)
		}
		b = append(b, byte(r))
	}
	return b, nil
}

// CookieName returns REMEMBER_COOKIE_NAME.
func (m *Manager) CookieName() string { return m.cookie.Name }

// session returns the request's session or ErrNoSession.
func session(r *http.Request) (*flaskbridge.Session, error) {
	s := chimw.Session(r)
	if s == nil {
		return nil, ErrNoSession
	}
	return s, nil
}

// Identifier returns Flask-Login's session identifier for r
// (_create_identifier): the SHA-512 hex digest of "<address>|<user agent>",
// each part the repr of Python bytes, or None when absent. The address is
// the first comma-separated entry of X-Forwarded-For when the request has
// that header (several header lines are joined by ",", as WSGI servers
// join them), stripped of ASCII whitespace, else the host of r.RemoteAddr.
// Header bytes are read as Latin-1 and encoded as UTF-8, as Werkzeug hands
// them to Flask-Login.
func Identifier(r *http.Request) string {
	b := make([]byte, 0, 256)
	b = appendBase(b, r)
	sum := sha512.Sum512(b)
	return hex.EncodeToString(sum[:])
}

// appendBase appends "<address>|<user agent>" to b.
func appendBase(b []byte, r *http.Request) []byte {
	if xff, ok := r.Header["X-Forwarded-For"]; ok {
		v := strings.Join(xff, ",")
		if i := strings.IndexByte(v, ','); i >= 0 {
			v = v[:i]
		}
		b = appendBytesRepr(b, strings.Trim(v, " \t\n\r\x0b\x0c"))
	} else if r.RemoteAddr != "" {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			host = r.RemoteAddr
		}
		b = appendBytesRepr(b, host)
	} else {
		b = append(b, "None"...)
	}
	b = append(b, '|')
	if ua, ok := r.Header["User-Agent"]; ok {
		b = appendBytesRepr(b, strings.Join(ua, ","))
	} else {
		b = append(b, "None"...)
	}
	return b
}

// appendBytesRepr appends the repr of the Python bytes that a Latin-1
// header text encodes to in UTF-8.
func appendBytesRepr(b []byte, latin string) []byte {
	utf := make([]byte, 0, len(latin)+8)
	for i := 0; i < len(latin); i++ {
		utf = utf8.AppendRune(utf, rune(latin[i]))
	}
	return py.AppendRepr(b, py.Bytes(utf))
}

// digest is Flask-Login's _cookie_digest: hex HMAC-SHA512 of the payload's
// UTF-8 bytes keyed with the secret key.
func (m *Manager) digest(payload string) []byte {
	mac := hmac.New(sha512.New, m.key)
	mac.Write([]byte(payload))
	sum := mac.Sum(nil)
	out := make([]byte, hex.EncodedLen(len(sum)))
	hex.Encode(out, sum)
	return out
}

// EncodeCookie returns the remember cookie value for a user id, as
// flask_login.utils.encode_cookie: id + "|" + hex HMAC-SHA512.
func (m *Manager) EncodeCookie(userID string) string {
	return userID + "|" + string(m.digest(userID))
}

// DecodeCookie verifies a remember cookie value and returns the user id, as
// flask_login.utils.decode_cookie: the text after the last "|" must be the
// digest of the text before it.
func (m *Manager) DecodeCookie(cookie string) (string, bool) {
	i := strings.LastIndexByte(cookie, '|')
	if i < 0 {
		return "", false
	}
	payload, digest := cookie[:i], cookie[i+1:]
	if !hmac.Equal(m.digest(payload), []byte(digest)) {
		return "", false
	}
	return payload, true
}

// userIDString is str(session["_user_id"]) for the ids a session holds.
func userIDString(v py.Value) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case py.Markup:
		return string(x), true
	case int64:
		return strconv.FormatInt(x, 10), true
	case *big.Int:
		return x.String(), true
	case nil:
		return "", false
	}
	return py.Repr(v), true
}

// protectionFailed is LoginManager._session_protection_failed.
func (m *Manager) protectionFailed(r *http.Request, s *flaskbridge.Session) bool {
	if m.protection == protectNone || chimw.Empty(r) {
		return false
	}
	ident := m.ident(r)
	if v, ok := s.Get(IDKey); ok && v == py.Value(ident) {
		return false
	}
	if m.protection == protectBasic || s.Permanent() {
		if v, ok := s.Get(FreshKey); !ok || v != py.Value(false) {
			s.Set(FreshKey, false)
		}
		return false
	}
	for _, k := range [...]string{UserIDKey, RememberKey, RememberSecondsKey, IDKey, FreshKey, NextKey} {
		s.Delete(k)
	}
	s.Set(RememberKey, "clear")
	return true
}

// UserID returns the id of the user logged in on r, as Flask-Login loads
// current_user (LoginManager._load_user): session protection first (see
// the package documentation), then "_user_id" from the session, then a
// valid remember cookie, which logs the user back in (not fresh) unless
// the session says to clear it. ok is false for an anonymous user, and for
// a request outside chimw's middleware.
func (m *Manager) UserID(r *http.Request) (id string, ok bool) {
	s, err := session(r)
	if err != nil {
		return "", false
	}
	if m.protectionFailed(r, s) {
		return "", false
	}
	if v, ok := s.Get(UserIDKey); ok && v != nil {
		return userIDString(v)
	}
	cookie, has := wzcookie.Get(r.Header, m.cookie.Name)
	if !has {
		return "", false
	}
	if v, ok := s.Get(RememberKey); ok && v == py.Value("clear") {
		return "", false
	}
	uid, valid := m.DecodeCookie(cookie)
	if !valid {
		return "", false
	}
	s.Set(UserIDKey, uid)
	s.Set(FreshKey, false)
	return uid, true
}

// Fresh reports whether the login of r is fresh (login_fresh): made with a
// password in this session rather than restored from a remember cookie.
func (m *Manager) Fresh(r *http.Request) bool {
	s := chimw.Session(r)
	if s == nil {
		return false
	}
	v, _ := s.Get(FreshKey)
	return py.Truthy(v)
}

// Remembered reports whether r carries a valid remember cookie that the
// session does not say to clear (login_remembered).
func (m *Manager) Remembered(r *http.Request) bool {
	s := chimw.Session(r)
	if s == nil {
		return false
	}
	cookie, has := wzcookie.Get(r.Header, m.cookie.Name)
	if !has {
		return false
	}
	if v, ok := s.Get(RememberKey); ok && v == py.Value("clear") {
		return false
	}
	_, valid := m.DecodeCookie(cookie)
	return valid
}

// LoginOptions are login_user's arguments.
type LoginOptions struct {
	// Remember sets the remember cookie (remember=True).
	Remember bool
	// Duration is the remember cookie's lifetime for this login
	// (duration=...); zero means RememberCookieDuration.
	Duration time.Duration
	// Stale logs the user in with a login that is not fresh
	// (fresh=False).
	Stale bool
}

// LoginUser logs userID in on r, as login_user(user, remember, duration,
// fresh=...) does: session["_user_id"] = userID, session["_fresh"],
// session["_id"] = the identifier, and with Remember, session["_remember"]
// = "set" (plus "_remember_seconds" for a Duration), which Middleware turns
// into the remember cookie before the response goes out. Flask-Login does
// not change the session id; call chimw.Regenerate for that.
func (m *Manager) LoginUser(r *http.Request, userID string, o LoginOptions) error {
	s, err := session(r)
	if err != nil {
		return err
	}
	s.Set(UserIDKey, userID)
	s.Set(FreshKey, !o.Stale)
	s.Set(IDKey, m.ident(r))
	if o.Remember {
		s.Set(RememberKey, "set")
		if o.Duration != 0 {
			us := o.Duration.Round(time.Microsecond).Microseconds()
			s.Set(RememberSecondsKey, float64(us)/1e6)
		}
	}
	return nil
}

// LogoutUser logs the user of r out, as logout_user does: "_user_id",
// "_fresh" and "_id" are removed, and when r carries a remember cookie,
// session["_remember"] = "clear" (and "_remember_seconds" is removed), which
// Middleware turns into the cookie's deletion.
func (m *Manager) LogoutUser(r *http.Request) error {
	s, err := session(r)
	if err != nil {
		return err
	}
	for _, k := range [...]string{UserIDKey, FreshKey, IDKey} {
		s.Delete(k)
	}
	if _, has := wzcookie.Get(r.Header, m.cookie.Name); has {
		s.Set(RememberKey, "clear")
		s.Delete(RememberSecondsKey)
	}
	return nil
}

// ConfirmLogin marks the login of r fresh again, as confirm_login does
// after a re-authentication.
func (m *Manager) ConfirmLogin(r *http.Request) error {
	s, err := session(r)
	if err != nil {
		return err
	}
	s.Set(FreshKey, true)
	s.Set(IDKey, m.ident(r))
	return nil
}

// Middleware runs Flask-Login's after-request hook
// (LoginManager._update_remember_cookie) on every request, just before
// chimw's middleware saves the session: with
// RememberCookieRefreshEachRequest a logged-in user's remember cookie is
// sent again, and a "_remember" left in the session by LoginUser,
// LogoutUser or session protection is removed and turned into the cookie
// ("set") or its deletion ("clear"). It must be installed inside chimw's
// middleware. Without it, a "_remember" stays in the session until the
// Flask side serves the user.
func (m *Manager) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = chimw.BeforeSave(r, m.afterRequest)
		next.ServeHTTP(w, r)
	})
}

// afterRequest is _update_remember_cookie.
func (m *Manager) afterRequest(h http.Header, s *flaskbridge.Session) {
	if m.refresh && !s.Has(RememberKey) {
		s.Set(RememberKey, "set")
	}
	if !s.Has(RememberKey) {
		return
	}
	op, _ := s.Pop(RememberKey)
	switch {
	case op == py.Value("set") && s.Has(UserIDKey):
		m.setCookie(h, s)
	case op == py.Value("clear"):
		c := wzcookie.Cookie{Name: m.cookie.Name, Domain: m.cookie.Domain, Path: m.cookie.Path, Expires: wzcookie.Epoch, MaxAge: 0}
		h.Add("Set-Cookie", c.String())
	}
}

// setCookie is LoginManager._set_cookie.
func (m *Manager) setCookie(h http.Header, s *flaskbridge.Session) {
	d := m.duration
	if v, ok := s.Get(RememberSecondsKey); ok {
		switch x := v.(type) {
		case float64:
			d = time.Duration(x * float64(time.Second))
		case int64:
			d = time.Duration(x) * time.Second
		}
	}
	v, _ := s.Get(UserIDKey)
	id, _ := userIDString(v)
	c := m.cookie
	c.Value = m.EncodeCookie(id)
	c.Expires = m.now().Add(d)
	h.Add("Set-Cookie", c.String())
}
