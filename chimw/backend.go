package chimw

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/flaskbridge/flaskbridge"
	"github.com/flaskbridge/flaskbridge/chimw/internal/wzcookie"
	"github.com/flaskbridge/flaskbridge/flaskcookie"
	"github.com/flaskbridge/flaskbridge/flasksession"
)

// ErrConfig reports options that cannot be used.
var ErrConfig = errors.New("chimw: bad configuration")

// CookieOptions configure a CookieBackend: the codec's options (SECRET_KEY,
// SECRET_KEY_FALLBACKS, PERMANENT_SESSION_LIFETIME, limits, clock) and the
// cookie's. Each field names the Flask config key it mirrors, and its zero
// value means that key's default; fields whose default is not Go's zero
// value are pointers (see Bool).
type CookieOptions struct {
	flaskcookie.Options

	// CookieName is SESSION_COOKIE_NAME (default "session").
	CookieName string
	// CookieDomain is SESSION_COOKIE_DOMAIN (default: none, a host-only
	// cookie).
	CookieDomain string
	// CookiePath is SESSION_COOKIE_PATH (default: ApplicationRoot).
	CookiePath string
	// ApplicationRoot is APPLICATION_ROOT (default "/").
	ApplicationRoot string
	// CookieHTTPOnly is SESSION_COOKIE_HTTPONLY (default true).
	CookieHTTPOnly *bool
	// CookieSecure is SESSION_COOKIE_SECURE.
	CookieSecure bool
	// CookieSameSite is SESSION_COOKIE_SAMESITE: "", "Lax", "Strict" or
	// "None".
	CookieSameSite string
	// CookiePartitioned is SESSION_COOKIE_PARTITIONED (Flask 3.1); it
	// implies Secure, as in Werkzeug.
	CookiePartitioned bool
	// RefreshEachRequest is SESSION_REFRESH_EACH_REQUEST (default true):
	// a permanent session's cookie is sent again, with a new expiry, on
	// every request that opens it.
	RefreshEachRequest *bool
}

// Bool returns a pointer to b, for the *bool fields of CookieOptions.
func Bool(b bool) *bool { return &b }

// CookieOptionsFrom returns the CookieOptions of a Flask config read by
// flasksession (flasksession.OptionsFromJSON and the other loaders), so
// that one config serves both kinds of sessions: SECRET_KEY,
// PERMANENT_SESSION_LIFETIME, SESSION_REFRESH_EACH_REQUEST and the
// SESSION_COOKIE_* keys.
func CookieOptionsFrom(o flasksession.Options) CookieOptions {
	c := CookieOptions{
		CookieName:         o.CookieName,
		CookieDomain:       o.CookieDomain,
		CookiePath:         o.CookiePath,
		ApplicationRoot:    o.ApplicationRoot,
		CookieHTTPOnly:     o.CookieHTTPOnly,
		CookieSecure:       o.CookieSecure,
		CookieSameSite:     o.CookieSameSite,
		RefreshEachRequest: o.RefreshEachRequest,
	}
	c.SecretKey = []byte(o.SecretKey)
	c.PermanentSessionLifetime = o.PermanentSessionLifetime
	c.Now = o.Now
	return c
}

// CookieBackend opens and saves Flask's default session, the signed cookie
// of SecureCookieSessionInterface, as Flask 3.1 does: the cookie is read
// with a flaskcookie.Codec and written back when the session was modified,
// or on every request for a permanent session while
// SESSION_REFRESH_EACH_REQUEST is on; an emptied session deletes the
// cookie; "Vary: Cookie" is added when the session was accessed. The
// Set-Cookie header is the one Werkzeug writes for Flask, attribute for
// attribute and in the same order.
//
// A cookie Flask ignores (bad signature, expired, signed in the future)
// opens an empty session; one whose signature verifies but whose payload
// cannot be read fails the request, as it does in Flask.
type CookieBackend struct {
	codec       *flaskcookie.Codec
	name        string
	domain      string
	path        string
	httpOnly    bool
	secure      bool
	sameSite    string
	partitioned bool
	refresh     bool
	lifetime    time.Duration
	now         func() time.Time
}

// NewCookieBackend returns the backend for o.
func NewCookieBackend(o CookieOptions) (*CookieBackend, error) {
	codec, err := flaskcookie.New(o.Options)
	if err != nil {
		return nil, err
	}
	b := &CookieBackend{
		codec:       codec,
		name:        o.CookieName,
		path:        o.CookiePath,
		httpOnly:    o.CookieHTTPOnly == nil || *o.CookieHTTPOnly,
		secure:      o.CookieSecure || o.CookiePartitioned,
		partitioned: o.CookiePartitioned,
		refresh:     o.RefreshEachRequest == nil || *o.RefreshEachRequest,
		lifetime:    o.PermanentSessionLifetime,
		now:         o.Now,
	}
	if b.name == "" {
		b.name = flasksession.DefaultCookieName
	}
	if b.path == "" {
		b.path = o.ApplicationRoot
	}
	if b.path == "" {
		b.path = "/"
	}
	if b.domain, err = wzcookie.NormDomain(o.CookieDomain); err != nil {
		return nil, fmt.Errorf("%w: SESSION_COOKIE_DOMAIN %q: %w", ErrConfig, o.CookieDomain, err)
	}
	if b.sameSite, err = wzcookie.NormSameSite(o.CookieSameSite); err != nil {
		return nil, fmt.Errorf("%w: SESSION_COOKIE_SAMESITE %q: %w", ErrConfig, o.CookieSameSite, err)
	}
	if b.lifetime <= 0 {
		b.lifetime = flaskcookie.DefaultLifetime
	}
	if b.now == nil {
		b.now = time.Now
	}
	return b, nil
}

// Codec returns the backend's cookie codec.
func (b *CookieBackend) Codec() *flaskcookie.Codec { return b.codec }

// CookieName returns SESSION_COOKIE_NAME.
func (b *CookieBackend) CookieName() string { return b.name }

// Open implements Backend.
func (b *CookieBackend) Open(_ context.Context, r *http.Request) (Handle, error) {
	val := ""
	if c, err := r.Cookie(b.name); err == nil {
		val = c.Value
	}
	s, err := b.codec.Load(val)
	if s == nil {
		return nil, err
	}
	return &cookieHandle{b: b, s: s}, err
}

type cookieHandle struct {
	b *CookieBackend
	s *flaskbridge.Session
}

func (h *cookieHandle) Session() *flaskbridge.Session { return h.s }

// Commit is SecureCookieSessionInterface.save_session (Flask 3.1).
func (h *cookieHandle) Commit(_ context.Context, hdr http.Header) error {
	b, s := h.b, h.s
	if s.Accessed() {
		AddVary(hdr)
	}
	modified := s.Modified()
	if s.Len() == 0 {
		if modified {
			c := b.cookie("")
			c.Expires, c.MaxAge = wzcookie.Epoch, 0
			hdr.Add("Set-Cookie", c.String())
			AddVary(hdr)
		}
		s.ResetFlags()
		return nil
	}
	perm := s.Permanent()
	if !modified && !(perm && b.refresh) {
		s.ResetFlags()
		return nil
	}
	now := b.now()
	val, err := b.codec.SaveAt(s, now)
	if err != nil {
		return err
	}
	c := b.cookie(val)
	if perm {
		c.Expires = now.Add(b.lifetime)
	}
	hdr.Add("Set-Cookie", c.String())
	AddVary(hdr)
	s.ResetFlags()
	return nil
}

func (b *CookieBackend) cookie(val string) *wzcookie.Cookie {
	return &wzcookie.Cookie{
		Name: b.name, Value: val, Domain: b.domain, MaxAge: -1, Secure: b.secure, HTTPOnly: b.httpOnly,
		Path: b.path, SameSite: b.sameSite, Partitioned: b.partitioned,
	}
}

// StoreBackend opens and saves Flask-Session's server-side sessions through
// a flasksession.Manager, which follows the Flask-Session line configured
// in its options (when to write the store and the cookie, what an empty
// session is, new ids for unknown ones). The cookie is written as Werkzeug
// writes Flask-Session's.
type StoreBackend struct {
	m *flasksession.Manager
}

// NewStoreBackend returns the backend over m.
func NewStoreBackend(m *flasksession.Manager) *StoreBackend { return &StoreBackend{m: m} }

// Manager returns the backend's manager.
func (b *StoreBackend) Manager() *flasksession.Manager { return b.m }

// Open implements Backend. A store that fails, or a stored value that
// cannot be read, fails the request: never an empty session that would be
// saved over the real one.
func (b *StoreBackend) Open(ctx context.Context, r *http.Request) (Handle, error) {
	s, err := b.m.Load(ctx, r)
	if err != nil {
		return nil, err
	}
	return &storeHandle{m: b.m, s: s}, nil
}

type storeHandle struct {
	m *flasksession.Manager
	s *flasksession.Session
}

func (h *storeHandle) Session() *flaskbridge.Session { return h.s.Session }

func (h *storeHandle) Commit(ctx context.Context, hdr http.Header) error {
	out, err := h.m.Commit(ctx, h.s)
	if out.Vary {
		AddVary(hdr)
	}
	if err != nil {
		return err
	}
	if out.Cookie != nil {
		c := wzcookie.FromHTTP(out.Cookie)
		hdr.Add("Set-Cookie", c.String())
	}
	return nil
}

func (h *storeHandle) Regenerate(ctx context.Context) error { return h.m.Regenerate(ctx, h.s) }

// AddVary adds "Cookie" to the Vary header unless it (or "*") is there
// already, as Werkzeug's response.vary.add("Cookie") does.
func AddVary(h http.Header) {
	for _, v := range h["Vary"] {
		for _, f := range strings.Split(v, ",") {
			f = strings.TrimSpace(f)
			if f == "*" || strings.EqualFold(f, "Cookie") {
				return
			}
		}
	}
	h.Add("Vary", "Cookie")
}

func (h *cookieHandle) empty() bool { return h.s.Len() == 0 }

func (h *storeHandle) empty() bool {
	d := h.s.Dict()
	switch d.Len() {
	case 0:
		return true
	case 1:
		return h.m.Compat() != flasksession.Compat05 && d.Has(flaskbridge.PermanentKey)
	}
	return false
}
