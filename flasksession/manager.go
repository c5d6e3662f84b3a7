package flasksession

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/flaskbridge/flaskbridge"
	"github.com/flaskbridge/flaskbridge/flaskcookie"
	"github.com/flaskbridge/flaskbridge/py"
)

// Manager opens and saves server-side sessions as Flask-Session does, over
// a Store. It is safe for concurrent use.
type Manager struct {
	store  Store
	cfg    config
	signer *flaskcookie.Signer
	ser    Serializer
}

// New returns a Manager over store with the options o.
func New(store Store, o Options) (*Manager, error) {
	if store == nil {
		return nil, fmt.Errorf("%w: no store", ErrConfig)
	}
	cfg, err := o.resolve()
	if err != nil {
		return nil, err
	}
	m := &Manager{store: store, cfg: cfg}
	if _, ok := store.(CompareAndSwapper); cfg.merge && !ok {
		return nil, fmt.Errorf("%w: MergeWrites needs a store with CompareAndSwap, and %T has none", ErrConfig, store)
	}
	if cfg.useSigner {
		if m.signer, err = newSigner(cfg.secretKey); err != nil {
			return nil, err
		}
	}
	m.ser = Serializer{
		Format:         cfg.format,
		PickleOnly:     cfg.compat != Compat08,
		PickleProtocol: cfg.pickleProtocol,
		MarkupAsStr:    cfg.markupAsStr,
		PickleStrict:   cfg.pickleStrict,
		MaxSize:        cfg.maxValueSize,
	}
	if ps, ok := store.(PickleStore); ok {
		m.ser.Format, m.ser.PickleOnly, m.ser.PickleProtocol = FormatPickle, true, ps.PickleProtocol()
	}
	return m, nil
}

// Store returns the manager's store.
func (m *Manager) Store() Store { return m.store }

// Serializer returns the serializer the manager writes and reads with.
func (m *Manager) Serializer() Serializer { return m.ser }

// Compat returns the Flask-Session line the manager follows.
func (m *Manager) Compat() Compat { return m.cfg.compat }

// Lifetime returns PERMANENT_SESSION_LIFETIME as the store's time to live,
// in whole seconds.
func (m *Manager) Lifetime() time.Duration { return m.cfg.lifetime }

// CookieName returns SESSION_COOKIE_NAME.
func (m *Manager) CookieName() string { return m.cfg.cookieName }

// Key returns the store key of a session id: SESSION_KEY_PREFIX + sid.
func (m *Manager) Key(sid string) string { return m.cfg.keyPrefix + sid }

// NewID returns a new session id in the style of the manager's line.
func (m *Manager) NewID() string {
	if m.cfg.compat == Compat05 {
		return NewUUID4ID()
	}
	return NewTokenID(m.cfg.idLength)
}

// CookieValue returns the cookie value for a session id: the id itself, or
// the id signed as Flask-Session signs it with SESSION_USE_SIGNER.
func (m *Manager) CookieValue(sid string) string {
	if m.signer == nil {
		return sid
	}
	return string(m.signer.Sign([]byte(sid)))
}

// ParseCookie returns the session id a cookie value holds, verifying its
// signature with SESSION_USE_SIGNER (ErrBadSignature when it does not
// verify, ErrInvalidID for an id that is empty, longer than MaxIDLength
// or not UTF-8).
func (m *Manager) ParseCookie(cookie string) (string, error) {
	sid := cookie
	if m.signer != nil {
		// The id is what comes before the last dot: one too long is
		// refused before its signature is computed.
		if dot := strings.LastIndexByte(cookie, '.'); dot > m.cfg.maxIDLength {
			return "", fmt.Errorf("%w: session id of %d bytes is too long", ErrInvalidID, dot)
		}
		var err error
		if sid, err = unsign(m.signer, cookie); err != nil {
			return "", err
		}
	}
	if sid == "" || len(sid) > m.cfg.maxIDLength || !utf8.ValidString(sid) {
		return "", fmt.Errorf("%w: session id of %d bytes is empty, too long or not UTF-8", ErrInvalidID, len(sid))
	}
	return sid, nil
}

// Session is the server-side session of one request: the session dict
// (with Flask's change tracking) and its id. The dict may be used from the
// goroutines of the request; Commit and Regenerate must not run at the
// same time as each other or as a use of the session.
type Session struct {
	*flaskbridge.Session
	id       string
	found    bool   // loaded from the store
	format   Format // of the loaded value
	raw      []byte // the loaded value, for compare-and-swap
	keepPerm bool   // Clear keeps "_permanent" (0.7+)
	gone     bool   // a Commit found the entry removed (Outcome.Gone)
	touched  bool   // its expiry was extended by the load (RefreshOnLoad)
}

// ID returns the session id (not signed).
func (s *Session) ID() string { return s.id }

// Found reports whether the session was loaded from the store.
func (s *Session) Found() bool { return s.found }

// Format returns the format the session was stored in, or "" for a session
// that was not loaded.
func (s *Session) Format() Format { return s.format }

// Clear removes every key, as session.clear() does. From Flask-Session 0.7
// on, clear keeps "_permanent"; the session is then empty all the same and
// is deleted when saved.
func (s *Session) Clear() {
	if !s.keepPerm {
		s.Session.Clear()
		return
	}
	perm, ok := s.Session.Dict().Get(flaskbridge.PermanentKey)
	s.Session.Clear()
	if !ok {
		perm = false
	}
	s.Session.Dict().Set(flaskbridge.PermanentKey, perm)
}

// newSession is a fresh session under sid, marked permanent when
// SESSION_PERMANENT is set, and neither modified nor accessed, as
// Flask-Session's session_class(sid=sid, permanent=...) is.
func (m *Manager) newSession(sid string) *Session {
	fs := flaskbridge.NewSession()
	if m.cfg.permanent {
		fs.Dict().Set(flaskbridge.PermanentKey, true)
	}
	return &Session{Session: fs, id: sid, keepPerm: m.cfg.compat == Compat08}
}

// Open opens the session a request's cookie value names ("" for no
// cookie). A missing, unsigned or tampered cookie gives a new session; a
// session id the store does not know gives a new empty session under the
// same id (0.3–0.6) or under a new id (0.7+). A store that fails is an
// error wrapping ErrStore and a value that cannot be read one wrapping
// ErrCorrupt: never an empty session that would later be saved over the
// real one.
func (m *Manager) Open(ctx context.Context, cookie string) (*Session, error) {
	if cookie == "" {
		return m.newSession(m.NewID()), nil
	}
	sid, err := m.ParseCookie(cookie)
	if err != nil {
		return m.newSession(m.NewID()), nil
	}
	l, err := m.read(ctx, sid, m.cfg.refreshOnLoad)
	if err != nil {
		return nil, err
	}
	if !l.found {
		if m.cfg.compat == Compat08 {
			return m.newSession(m.NewID()), nil
		}
		return m.newSession(sid), nil
	}
	return &Session{Session: flaskbridge.SessionOf(l.d), id: sid, found: true, format: l.format, raw: l.raw,
		keepPerm: m.cfg.compat == Compat08, touched: l.touched}, nil
}

// Load opens the session of r's session cookie; see Open.
func (m *Manager) Load(ctx context.Context, r *http.Request) (*Session, error) {
	c, err := r.Cookie(m.cfg.cookieName)
	if err != nil {
		return m.Open(ctx, "")
	}
	return m.Open(ctx, c.Value)
}

// loaded is what read found.
type loaded struct {
	d       *py.Dict
	format  Format
	raw     []byte
	found   bool
	touched bool // the load extended the entry's expiry
}

// load reads the entry of key, bounded by MaxValueSize when the store can
// stop reading at it; with touch, and a store that is a LoadToucher, it
// extends the entry's expiry in the same round trip, and reports so.
func (m *Manager) load(ctx context.Context, key string, touch bool) (data []byte, found, touched bool, err error) {
	if touch {
		if t, ok := m.store.(LoadToucher); ok {
			data, found, err = t.LoadTouch(ctx, key, m.cfg.maxValueSize, m.cfg.lifetime)
			return data, found, found, err
		}
	}
	if b, ok := m.store.(BoundedLoader); ok {
		data, found, err = b.LoadBounded(ctx, key, m.cfg.maxValueSize)
		return data, found, false, err
	}
	data, found, err = m.store.Load(ctx, key)
	return data, found, false, err
}

// read loads and decodes the entry of sid (see load for touch).
func (m *Manager) read(ctx context.Context, sid string, touch bool) (loaded, error) {
	key := m.Key(sid)
	data, found, touched, err := m.load(ctx, key, touch)
	if err != nil {
		return loaded{}, fmt.Errorf("%w: loading %q: %w", ErrStore, key, err)
	}
	if !found || (len(data) == 0 && m.cfg.compat == Compat08) {
		// Flask-Session 0.7+ treats an empty value as no session.
		return loaded{}, nil
	}
	d, f, err := m.ser.Decode(data)
	if err != nil {
		return loaded{}, fmt.Errorf("key %q: %w", key, err)
	}
	return loaded{d: d, format: f, raw: data, found: true, touched: touched}, nil
}

// Read returns the session dict stored for sid, and the format it was in.
// It only reads: the entry's expiry is left as it is.
func (m *Manager) Read(ctx context.Context, sid string) (d *py.Dict, f Format, found bool, err error) {
	l, err := m.read(ctx, sid, false)
	return l.d, l.format, l.found, err
}

// Write stores d as the session of sid, serialized as configured, to live
// PERMANENT_SESSION_LIFETIME.
func (m *Manager) Write(ctx context.Context, sid string, d *py.Dict) error {
	data, err := m.ser.Encode(d)
	if err != nil {
		return err
	}
	if err := m.store.Save(ctx, m.Key(sid), data, m.cfg.lifetime); err != nil {
		return fmt.Errorf("%w: saving %q: %w", ErrStore, m.Key(sid), err)
	}
	return nil
}

// Remove deletes the stored session of sid.
func (m *Manager) Remove(ctx context.Context, sid string) error {
	if err := m.store.Delete(ctx, m.Key(sid)); err != nil {
		return fmt.Errorf("%w: deleting %q: %w", ErrStore, m.Key(sid), err)
	}
	return nil
}

// Regenerate gives the session a new id and removes the entry of the old
// one, for use after a login so that an id known before it (session
// fixation) is worthless. The session is marked modified, so Save stores it
// under the new id and sends the new cookie. Unlike Flask-Session 0.8's
// regenerate, which does nothing to an empty session, the id always
// changes.
func (m *Manager) Regenerate(ctx context.Context, s *Session) error {
	if s.found {
		if err := m.Remove(ctx, s.id); err != nil {
			return err
		}
	}
	s.id = m.NewID()
	s.found, s.raw, s.format, s.gone, s.touched = false, nil, "", false, false
	s.MarkModified()
	return nil
}

// Outcome is what Commit did and what the response must carry.
type Outcome struct {
	// Cookie is the Set-Cookie the response needs, or nil. A deletion has
	// MaxAge -1 (Max-Age=0) and an Expires in 1970.
	Cookie *http.Cookie
	// Vary is whether the response must carry "Vary: Cookie" (0.7+).
	Vary bool
	// Wrote, Touched and Deleted tell what happened in the store: the value
	// was written, only its expiry was extended (by Commit, or by the load
	// under Options.RefreshOnLoad), or the entry was removed.
	Wrote, Touched, Deleted bool
	// Gone reports a session that was loaded and not changed, whose entry
	// was no longer in the store when Commit (this one or an earlier one
	// of the same session) went to extend its expiry: another request
	// removed it (a logout, on the Python side or in Go) or it expired.
	// Nothing was written and Cookie is nil; see Commit. When
	// Options.RefreshOnLoad extended the expiry as the session was
	// loaded, Commit does not go to the store and reports Touched instead.
	Gone bool
}

// empty is Flask-Session's bool(session) negated: 0.6+ also count a
// session holding only "_permanent" as empty.
func (m *Manager) empty(d *py.Dict) bool {
	switch d.Len() {
	case 0:
		return true
	case 1:
		return m.cfg.compat != Compat05 && d.Has(flaskbridge.PermanentKey)
	}
	return false
}

// permanent is Python's bool(session.permanent), read from the dict so that
// the session is not marked accessed (as Session.Permanent would).
func permanent(d *py.Dict) bool {
	v, ok := d.Get(flaskbridge.PermanentKey)
	return ok && py.Truthy(v)
}

// Commit saves the session as the configured Flask-Session line does at
// the end of a request, and returns the cookie to send. Where Python would
// rewrite an unchanged value only to refresh its expiry, Commit extends the
// expiry instead (when the store is a Toucher), so that a request that only
// read the session never overwrites a value another process wrote since.
// A value read in another format than the configured one is rewritten in
// the configured format (atomically, when the store is a
// CompareAndSwapper), which is how 0.7+ migrates pickled sessions.
//
// An unchanged session whose entry is gone by then (removed by a logout
// elsewhere, or expired) is not brought back: Commit reports Gone and sets
// no cookie, and so does a later Commit of the session while it stays
// unchanged (a changed one is stored again). Flask-Session would write the
// values it had read, undoing the logout; Go takes the store as it finds
// it, as Flask-Session takes a cookie whose entry is missing: no session,
// nothing stored, no cookie.
// The cookie the browser holds names no entry, and its next request opens
// a new session, as it would with Flask-Session. No deletion cookie is sent
// either: by the time the response arrives, the browser may hold the
// cookie of a newer session (the logout's own response deleted the old
// one, a login may have set another), which a deletion would throw away.
// With a store that is not a Toucher, an unchanged session is rewritten as
// Flask-Session rewrites it, and Gone is never set. With
// Options.RefreshOnLoad and a LoadToucher, the expiry was extended when the
// session was loaded: Commit of an unchanged session reports Touched and
// sets the cookie without asking the store again, so a removal made while
// the request ran is not seen (the entry stays removed all the same).
func (m *Manager) Commit(ctx context.Context, s *Session) (Outcome, error) {
	var out Outcome
	// Only the first Commit after the load may count on its refresh.
	defer func() { s.touched = false }()
	d := s.Dict()
	modified := s.Modified()
	if m.cfg.compat == Compat08 && s.Accessed() {
		out.Vary = true
	}
	perm := permanent(d)
	shouldSetCookie := modified || (perm && m.cfg.refresh)
	if m.cfg.compat == Compat06 && !shouldSetCookie {
		return out, nil
	}
	if m.empty(d) {
		if modified {
			if err := m.Remove(ctx, s.id); err != nil {
				return out, err
			}
			out.Deleted = true
			out.Cookie = m.deletionCookie()
			out.Vary = out.Vary || m.cfg.compat == Compat08
			s.found, s.raw = false, nil
		}
		s.ResetFlags()
		return out, nil
	}
	if m.cfg.compat == Compat08 && !modified && !m.cfg.refresh {
		return out, nil
	}
	if err := m.store_(ctx, s, modified, &out); err != nil {
		return out, err
	}
	s.ResetFlags()
	if out.Deleted {
		// A merge left the session empty (Options.MergeWrites).
		out.Cookie = m.deletionCookie()
		out.Vary = out.Vary || m.cfg.compat == Compat08
		return out, nil
	}
	if out.Gone {
		return out, nil
	}
	if m.cfg.compat == Compat08 && !shouldSetCookie {
		return out, nil
	}
	out.Cookie = m.sessionCookie(s.id, perm)
	out.Vary = out.Vary || m.cfg.compat == Compat08
	return out, nil
}

// store_ writes, touches or migrates the entry of a session that is not
// empty.
func (m *Manager) store_(ctx context.Context, s *Session, modified bool, out *Outcome) error {
	key := m.Key(s.id)
	if !modified && s.gone {
		// Still unchanged since a Commit found the entry removed: not
		// brought back by a later Commit either.
		out.Gone = true
		return nil
	}
	if !modified && s.found {
		if s.format != m.ser.format() {
			return m.migrate(ctx, s, out)
		}
		if s.touched {
			// The load extended the expiry (Options.RefreshOnLoad).
			out.Touched = true
			return nil
		}
		if t, ok := m.store.(Toucher); ok {
			return m.touch(ctx, t, key, s, out)
		}
	}
	if m.cfg.merge && modified && s.found {
		return m.mergeWrite(ctx, s, out)
	}
	data, err := m.ser.Encode(s.Dict())
	if err != nil {
		return err
	}
	if err := m.store.Save(ctx, key, data, m.cfg.lifetime); err != nil {
		return fmt.Errorf("%w: saving %q: %w", ErrStore, key, err)
	}
	s.found, s.raw, s.format, s.gone = true, data, m.ser.format(), false
	out.Wrote = true
	return nil
}

// touch extends the expiry of an unchanged session's entry, or reports it
// gone.
func (m *Manager) touch(ctx context.Context, t Toucher, key string, s *Session, out *Outcome) error {
	found, err := t.Touch(ctx, key, m.cfg.lifetime)
	if err != nil {
		return fmt.Errorf("%w: touching %q: %w", ErrStore, key, err)
	}
	if !found {
		s.found, s.raw, s.format, s.gone = false, nil, "", true
		out.Gone = true
		return nil
	}
	out.Touched = true
	return nil
}

// mergeWrite writes a modified session with compare-and-swap against the
// bytes it was loaded from; when another writer changed the entry, this
// request's changes are applied to the entry as it is now, and the swap
// tried again (Options.MergeWrites). A merge that leaves the session empty
// deletes the entry instead, as Flask-Session does with a session that is
// empty when saved (out.Deleted).
func (m *Manager) mergeWrite(ctx context.Context, s *Session, out *Outcome) error {
	key := m.Key(s.id)
	cas := m.store.(CompareAndSwapper)
	mine := s.Dict()
	value := mine
	old := s.raw
	var base *py.Dict // the session as loaded, decoded once on a conflict
	for attempt := 1; ; attempt++ {
		// Only a merge can leave the session empty: Commit deletes a
		// session the request itself emptied before it gets here.
		deleting := m.empty(value)
		var (
			data []byte
			done bool
			err  error
		)
		if deleting {
			done, err = m.compareAndDelete(ctx, key, old)
		} else {
			if data, err = m.ser.Encode(value); err != nil {
				return err
			}
			if done, err = cas.CompareAndSwap(ctx, key, old, data, m.cfg.lifetime); err != nil {
				err = fmt.Errorf("%w: saving %q: %w", ErrStore, key, err)
			}
		}
		if err != nil {
			return err
		}
		if done {
			m.merged(s, value, data, deleting, out)
			return nil
		}
		if attempt == MaxMergeAttempts {
			return fmt.Errorf("%w: %q was replaced %d times while this request saved it", ErrConflict, key, attempt)
		}
		// A random pause of up to a millisecond per attempt, so that
		// writers that keep meeting one another fall out of step.
		pause := time.NewTimer(rand.N(time.Duration(attempt) * time.Millisecond))
		select {
		case <-ctx.Done():
			pause.Stop()
			return fmt.Errorf("%w: saving %q: %w", ErrStore, key, ctx.Err())
		case <-pause.C:
		}
		cur, found, _, err := m.load(ctx, key, false)
		if err != nil {
			return fmt.Errorf("%w: loading %q: %w", ErrStore, key, err)
		}
		if !found || (len(cur) == 0 && m.cfg.compat == Compat08) {
			if deleting {
				// Removed meanwhile: gone, as this request's changes
				// would have left it.
				m.merged(s, value, nil, true, out)
				return nil
			}
			return fmt.Errorf("%w: %q was removed while this request changed it", ErrConflict, key)
		}
		theirs, _, err := m.ser.Decode(cur)
		if err != nil {
			return fmt.Errorf("key %q: %w", key, err)
		}
		if base == nil {
			if base, _, err = m.ser.Decode(s.raw); err != nil {
				return fmt.Errorf("key %q: %w", key, err)
			}
		}
		value, old = mergeChanges(base, mine, theirs), cur
	}
}

// merged records in s and out that the store now holds value, as data,
// or that the entry is gone (deleted).
func (m *Manager) merged(s *Session, value *py.Dict, data []byte, deleted bool, out *Outcome) {
	if mine := s.Dict(); value != mine {
		// The session now holds what was stored, so that s.raw stays its
		// base: a later Commit of it must not take the other writer's
		// keys for ones this request removed.
		mine.Clear()
		for k, v := range value.All() {
			mine.Append(k, v)
		}
	}
	if deleted {
		s.found, s.raw, s.format = false, nil, ""
		out.Deleted = true
		return
	}
	s.raw, s.format = data, m.ser.format()
	out.Wrote = true
}

// compareAndDelete removes key if it still holds old, or whatever it holds
// when the store cannot compare: it is no CompareAndDeleter, or its server
// has no such command (errors.ErrUnsupported: memcached before 1.6).
func (m *Manager) compareAndDelete(ctx context.Context, key string, old []byte) (bool, error) {
	if cad, ok := m.store.(CompareAndDeleter); ok {
		deleted, err := cad.CompareAndDelete(ctx, key, old)
		if err == nil {
			return deleted, nil
		}
		if !errors.Is(err, errors.ErrUnsupported) {
			return false, fmt.Errorf("%w: deleting %q: %w", ErrStore, key, err)
		}
	}
	if err := m.store.Delete(ctx, key); err != nil {
		return false, fmt.Errorf("%w: deleting %q: %w", ErrStore, key, err)
	}
	return true, nil
}

// mergeChanges returns theirs with the top-level changes that turned base
// into mine: keys added or changed (by Python ==) take mine's value, keys
// removed are removed.
func mergeChanges(base, mine, theirs *py.Dict) *py.Dict {
	for k, v := range mine.All() {
		if b, ok := base.Get(k); !ok || !py.Equal(b, v) {
			theirs.Set(k, v)
		}
	}
	for k := range base.All() {
		if !mine.Has(k) {
			theirs.Delete(k)
		}
	}
	return theirs
}

// migrate rewrites an unchanged session read in another format than the
// configured one, unless another writer replaced it meanwhile.
func (m *Manager) migrate(ctx context.Context, s *Session, out *Outcome) error {
	key := m.Key(s.id)
	data, err := m.ser.Encode(s.Dict())
	if err != nil {
		return err
	}
	if cas, ok := m.store.(CompareAndSwapper); ok {
		swapped, err := cas.CompareAndSwap(ctx, key, s.raw, data, m.cfg.lifetime)
		if err != nil {
			return fmt.Errorf("%w: rewriting %q: %w", ErrStore, key, err)
		}
		if swapped {
			s.raw, s.format = data, m.ser.format()
			out.Wrote = true
			return nil
		}
		// Another writer replaced the entry, which is theirs to keep, or
		// removed it.
		if t, ok := m.store.(Toucher); ok {
			return m.touch(ctx, t, key, s, out)
		}
		return nil
	}
	if err := m.store.Save(ctx, key, data, m.cfg.lifetime); err != nil {
		return fmt.Errorf("%w: saving %q: %w", ErrStore, key, err)
	}
	s.raw, s.format = data, m.ser.format()
	out.Wrote = true
	return nil
}

// sessionCookie is the cookie Flask-Session sets: the (signed) id, an
// Expires of now + PERMANENT_SESSION_LIFETIME for a permanent session, and
// the SESSION_COOKIE_* attributes.
func (m *Manager) sessionCookie(sid string, perm bool) *http.Cookie {
	c := &http.Cookie{
		Name:     m.cfg.cookieName,
		Value:    m.CookieValue(sid),
		Path:     m.cfg.cookiePath,
		Domain:   m.cfg.cookieDomain,
		HttpOnly: m.cfg.httpOnly,
		Secure:   m.cfg.secure,
		SameSite: sameSite(m.cfg.sameSite),
	}
	if perm {
		c.Expires = m.cfg.now().Add(m.cfg.lifetime).UTC().Truncate(time.Second)
	}
	return c
}

// deletionCookie is Werkzeug's delete_cookie(name, domain=, path=) as
// Flask-Session calls it: no Secure, HttpOnly or SameSite.
func (m *Manager) deletionCookie() *http.Cookie {
	return &http.Cookie{
		Name:    m.cfg.cookieName,
		Path:    m.cfg.cookiePath,
		Domain:  m.cfg.cookieDomain,
		MaxAge:  -1,
		Expires: time.Unix(0, 0).UTC(),
	}
}

func sameSite(s string) http.SameSite {
	switch s {
	case "Lax":
		return http.SameSiteLaxMode
	case "Strict":
		return http.SameSiteStrictMode
	case "None":
		return http.SameSiteNoneMode
	}
	return 0
}

// Save commits the session (see Commit) and puts the cookie and the Vary
// header on w; call it before the response's header is written.
func (m *Manager) Save(ctx context.Context, w http.ResponseWriter, s *Session) error {
	out, err := m.Commit(ctx, s)
	if out.Vary {
		w.Header().Add("Vary", "Cookie")
	}
	if err != nil {
		return err
	}
	if out.Cookie != nil {
		http.SetCookie(w, out.Cookie)
	}
	return nil
}
