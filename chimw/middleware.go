package chimw

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"

	"github.com/flaskbridge/flaskbridge"
)

// Errors of this package, for errors.Is. Errors of the backends (a store
// that fails, a cookie that cannot be read) reach the error handler
// wrapped, so that errors.Is finds both.
var (
	// ErrNoSession reports a request that did not go through the
	// middleware.
	ErrNoSession = errors.New("chimw: no session middleware on this request")
	// ErrOpen wraps a failure to open the session of a request.
	ErrOpen = errors.New("chimw: cannot open the session")
	// ErrSave wraps a failure to save the session of a request.
	ErrSave = errors.New("chimw: cannot save the session")
	// ErrChangedAfterWrite reports a session changed after the response
	// header was sent (or the connection hijacked), when the change can
	// no longer be saved. The error handler gets it after the response
	// has started: it can only log it.
	ErrChangedAfterWrite = errors.New("chimw: session changed after the response header was written")
)

// A Backend opens the session of a request: Flask's signed cookie session
// (CookieBackend) or a Flask-Session server-side session (StoreBackend).
type Backend interface {
	// Open opens the session r carries. An error with a nil Handle
	// fails the request (the error handler answers it). An error with a
	// non-nil Handle is a cookie Flask would ignore (a bad signature, an
	// expired cookie): the request goes on with the Handle's session,
	// usually a new empty one, and the middleware logs the error at
	// debug level.
	Open(ctx context.Context, r *http.Request) (Handle, error)
}

// A Handle is the session of one request as its Backend opened it.
type Handle interface {
	// Session returns the session dict.
	Session() *flaskbridge.Session
	// Commit saves the session as the Flask side would at the end of the
	// request, and puts the Set-Cookie and "Vary: Cookie" headers this
	// needs on h. It is called once, before the response header is
	// written.
	Commit(ctx context.Context, h http.Header) error
}

// Regenerator is a Handle whose session can move to a new id (a
// Flask-Session session); see Regenerate.
type Regenerator interface {
	Regenerate(ctx context.Context) error
}

// Options configure a Middleware. The zero value opens the session of
// every request before its handler runs, answers failures with a 500 and
// logs them with slog.Default().
type Options struct {
	// Lazy opens the session only when the handler first asks for it
	// (Session, Flash, ...), so that routes that never touch the
	// session cost no cookie verification and no store round trip. Such
	// a route then also skips what Flask does for every request: a
	// permanent session's cookie and store entry are not refreshed, and
	// no "Vary: Cookie" is added. When opening fails in lazy mode,
	// Session returns an empty session that is never saved, and the
	// handler's response is replaced by the error handler's (unless it
	// has already started).
	Lazy bool
	// ErrorHandler answers a request whose session cannot be opened or
	// saved (the error wraps ErrOpen or ErrSave, and the backend's
	// error), and hears of a session changed after the response started
	// (ErrChangedAfterWrite; w then discards what is written). Before it
	// runs for ErrOpen and ErrSave, the headers the handler had set are
	// removed, as Flask answers a failed save with a new error response.
	// Nil means DefaultErrorHandler with Logger.
	ErrorHandler func(w http.ResponseWriter, r *http.Request, err error)
	// Logger receives the middleware's records; nil means
	// slog.Default().
	Logger *slog.Logger
}

// Middleware loads the session of each request before its handler (or, in
// lazy mode, when the handler first asks) and saves it before the first
// byte of the response goes out. It is safe for concurrent use.
type Middleware struct {
	backend Backend
	lazy    bool
	onError func(w http.ResponseWriter, r *http.Request, err error)
	log     *slog.Logger
}

// New returns the middleware for backend with the options o.
func New(backend Backend, o Options) *Middleware {
	m := &Middleware{backend: backend, lazy: o.Lazy, onError: o.ErrorHandler, log: o.Logger}
	if m.log == nil {
		m.log = slog.Default()
	}
	if m.onError == nil {
		m.onError = DefaultErrorHandler(m.log)
	}
	return m
}

// DefaultErrorHandler returns the error handler the middleware uses when
// none is given: it logs err on logger at error level and, unless the
// response has started (ErrChangedAfterWrite), answers 500 Internal Server
// Error, as Flask does when opening or saving a session raises.
func DefaultErrorHandler(logger *slog.Logger) func(w http.ResponseWriter, r *http.Request, err error) {
	if logger == nil {
		logger = slog.Default()
	}
	return func(w http.ResponseWriter, r *http.Request, err error) {
		logger.LogAttrs(r.Context(), slog.LevelError, "session error",
			slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Any("error", err))
		if errors.Is(err, ErrChangedAfterWrite) {
			return
		}
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
	}
}

type ctxKey struct{}

// state is the session of one request and the writer that saves it, in one
// allocation.
type state struct {
	rw writer // first: its address is the writer handed to the handler

	m   *Middleware
	req *http.Request // the request as the handler gets it

	mu      sync.Mutex
	opened  bool // Open ran (successfully or not)
	handle  Handle
	sess    *flaskbridge.Session
	openErr error // lazy mode: the failure to report at commit
	hooks   []func(h http.Header, s *flaskbridge.Session)

	flashes     []Flashed // get_flashed_messages' per-request cache
	flashesRead bool
}

// Handler wraps next: the requests it serves carry their session in their
// context (see Session), and their responses carry its cookie. It is a
// chi middleware (r.Use(m.Handler)) and wraps any http.Handler, such as
// an http.ServeMux.
func (m *Middleware) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := &state{m: m}
		st.rw.w, st.rw.st = w, st
		r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, st))
		st.req = r
		if !m.lazy {
			st.mu.Lock()
			err := st.open()
			st.mu.Unlock()
			if err != nil {
				clearHeader(w.Header())
				m.onError(w, r, err)
				return
			}
		}
		next.ServeHTTP(&st.rw, r)
		st.finish()
	})
}

// open opens the session; st.mu is held.
func (st *state) open() error {
	st.opened = true
	h, err := st.m.backend.Open(st.req.Context(), st.req)
	if h == nil {
		if err == nil {
			err = errors.New("backend returned no session")
		}
		st.sess = flaskbridge.NewSession()
		st.openErr = fmt.Errorf("%w: %w", ErrOpen, err)
		return st.openErr
	}
	if err != nil {
		st.m.log.LogAttrs(st.req.Context(), slog.LevelDebug, "session cookie ignored", slog.Any("error", err))
	}
	st.handle, st.sess = h, h.Session()
	return nil
}

// session returns the session, opening it in lazy mode.
func (st *state) session() *flaskbridge.Session {
	st.mu.Lock()
	defer st.mu.Unlock()
	if !st.opened {
		_ = st.open() // kept in st.openErr, reported at commit
	}
	return st.sess
}

// commit runs the hooks and saves the session, once, before the response
// header goes out. A lazy session nobody opened is left alone.
func (st *state) commit(h http.Header) error {
	st.mu.Lock()
	opened, openErr, handle, sess := st.opened, st.openErr, st.handle, st.sess
	st.mu.Unlock()
	if !opened {
		return nil
	}
	if openErr != nil {
		return openErr
	}
	// Hooks may register hooks and use the request's session: no lock is
	// held while they run.
	for i := 0; ; i++ {
		st.mu.Lock()
		if i >= len(st.hooks) {
			st.hooks = nil
			st.mu.Unlock()
			break
		}
		hook := st.hooks[i]
		st.mu.Unlock()
		hook(h, sess)
	}
	if err := handle.Commit(st.req.Context(), h); err != nil {
		return fmt.Errorf("%w: %w", ErrSave, err)
	}
	return nil
}

// finish ends the request after the handler returned: it saves a session
// the handler wrote nothing after, and reports a change made after the
// save.
func (st *state) finish() {
	w := &st.rw
	switch w.phase {
	case phaseOpen:
		w.commit()
	case phaseSent, phaseHijacked:
		st.mu.Lock()
		late := st.opened && st.openErr == nil && st.sess.Modified()
		st.mu.Unlock()
		if late {
			how := "written"
			if w.phase == phaseHijacked {
				how = "hijacked"
			}
			st.m.onError(discard{}, st.req, fmt.Errorf("%w (response %s before the change)", ErrChangedAfterWrite, how))
		}
	}
}

func stateOf(ctx context.Context) *state {
	st, _ := ctx.Value(ctxKey{}).(*state)
	return st
}

// Session returns the session of a request served through the middleware,
// opening it first in lazy mode. It returns nil for a request that did not
// go through the middleware. The session is the same object for every call
// in the request, and safe for its goroutines.
func Session(r *http.Request) *flaskbridge.Session {
	return FromContext(r.Context())
}

// FromContext is Session for code that has only the request's context.
func FromContext(ctx context.Context) *flaskbridge.Session {
	st := stateOf(ctx)
	if st == nil {
		return nil
	}
	return st.session()
}

// BeforeSave registers fn to run just before the session of r is saved,
// when the handler writes the response header (or returns without
// writing): the place of Flask's after_request functions, where Flask-Login
// sets its remember cookie. fn may change the session and add headers to h.
// Functions run in the order registered. In lazy mode they run only if the
// session was opened.
func BeforeSave(r *http.Request, fn func(h http.Header, s *flaskbridge.Session)) error {
	st := stateOf(r.Context())
	if st == nil {
		return ErrNoSession
	}
	st.mu.Lock()
	st.hooks = append(st.hooks, fn)
	st.mu.Unlock()
	return nil
}

// Regenerate gives the session of r a new id and drops the old one's store
// entry, for use right after a login (session fixation): Flask-Session's
// session_interface.regenerate. A cookie session has no id; for it
// Regenerate does nothing.
func Regenerate(r *http.Request) error {
	st := stateOf(r.Context())
	if st == nil {
		return ErrNoSession
	}
	st.session()
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.openErr != nil {
		return st.openErr
	}
	if g, ok := st.handle.(Regenerator); ok {
		return g.Regenerate(st.req.Context())
	}
	return nil
}

func clearHeader(h http.Header) {
	for k := range h {
		delete(h, k)
	}
}

// discard is the writer the error handler gets once the response has
// started.
type discard struct{}

func (discard) Header() http.Header         { return http.Header{} }
func (discard) Write(p []byte) (int, error) { return len(p), nil }
func (discard) WriteHeader(int)             {}

// emptier is a Handle that knows what its Flask side counts as an empty
// session.
type emptier interface{ empty() bool }

// Empty reports whether the session of r is empty as its Flask side
// counts it (bool(session) is False): no keys for a cookie session, and
// for Flask-Session 0.6 and later no keys but "_permanent". It reports
// true for a request without a session.
func Empty(r *http.Request) bool {
	st := stateOf(r.Context())
	if st == nil {
		return true
	}
	s := st.session()
	st.mu.Lock()
	h := st.handle
	st.mu.Unlock()
	if e, ok := h.(emptier); ok {
		return e.empty()
	}
	return s.Len() == 0
}
