package sharedlogin

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
	"github.com/redis/go-redis/v9"

	"github.com/flaskbridge/flaskbridge"
	"github.com/flaskbridge/flaskbridge/chimw"
	"github.com/flaskbridge/flaskbridge/chimw/flasklogin"
	"github.com/flaskbridge/flaskbridge/chimw/flaskwtf"
	"github.com/flaskbridge/flaskbridge/flasksession"
	"github.com/flaskbridge/flaskbridge/flasksession/filestore"
	"github.com/flaskbridge/flaskbridge/flasksession/redisstore"
	"github.com/flaskbridge/flaskbridge/py"
)

// Users are the example's accounts, by id, with their display names. Both
// apps know them (the Flask app also knows their passwords); a real pair
// of apps would read the same user table.
var Users = map[string]string{
	"alice": "Alice Liddell",
	"bob":   "Bob the Builder",
}

// NotesKey is the session key of the notes the users write; both apps
// append to it.
const NotesKey = "notes"

// maxNotes bounds the notes kept in a session (the oldest go first), so
// that a cookie session stays under the 4 KB browsers keep.
const maxNotes = 10

// maxNoteLen bounds one note, in characters.
const maxNoteLen = 200

// Options are what New takes besides the Config.
type Options struct {
	// Logger receives the proxy's and the session middleware's errors;
	// nil discards them.
	Logger *slog.Logger
}

// App is the Go front: the routes moved to Go, served with the sessions
// of the Flask app, and a reverse proxy to the Flask app for every other
// route. It is an http.Handler; Close releases the store's connections.
type App struct {
	handler http.Handler
	closers []func() error
	kind    StoreKind
}

// New returns the front for c. c.FlaskURL must be set.
func New(c *Config, o Options) (*App, error) {
	logger := o.Logger
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	upstream, err := url.Parse(c.FlaskURL)
	if err != nil || (upstream.Scheme != "http" && upstream.Scheme != "https") || upstream.Host == "" {
		return nil, fmt.Errorf("%w: Flask URL %q: want http://host:port", ErrConfig, c.FlaskURL)
	}
	a := &App{kind: c.StoreKind}
	backend, err := a.backend(c)
	if err != nil {
		a.Close()
		return nil, err
	}
	key := c.Session.SecretKey
	login, err := flasklogin.New(flasklogin.Options{
		SecretKey:              key,
		SessionProtection:      c.SessionProtection,
		RememberCookieDuration: c.RememberCookieDuration,
		RememberCookieSameSite: c.RememberCookieSameSite,
		RememberCookieSecure:   c.RememberCookieSecure,
	})
	if err != nil {
		a.Close()
		return nil, err
	}
	h := &handlers{login: login, kind: c.StoreKind}
	h.csrf, err = flaskwtf.New(flaskwtf.Options{
		SecretKey:    []byte(key),
		TimeLimit:    c.CSRFTimeLimit,
		ErrorHandler: h.csrfError,
	})
	if err != nil {
		a.Close()
		return nil, err
	}
	proxy := newProxy(upstream, logger)
	sessions := chimw.New(backend, chimw.Options{Logger: logger})

	r := chi.NewRouter()
	if !c.FlaskOnly {
		// The routes moved to Go. Only they go through the session
		// middleware: proxied requests leave the cookies to Flask.
		r.Group(func(r chi.Router) {
			r.Use(sessions.Handler, login.Middleware)
			r.Get("/profile", h.profile)
			r.With(h.csrf.Protect).Post("/hello", h.hello)
			r.With(h.csrf.Protect).Post("/notes", h.createNote)
			r.With(h.csrf.Protect).Post("/logout", h.logout)
		})
	}
	// Everything else, other methods on the Go paths included, is Flask's.
	r.NotFound(proxy.ServeHTTP)
	r.MethodNotAllowed(proxy.ServeHTTP)
	a.handler = r
	return a, nil
}

// backend opens the session backend c names.
func (a *App) backend(c *Config) (chimw.Backend, error) {
	switch c.StoreKind {
	case StoreCookie:
		co := chimw.CookieOptionsFrom(c.Session)
		for _, k := range c.SecretKeyFallbacks {
			co.SecretKeyFallbacks = append(co.SecretKeyFallbacks, []byte(k))
		}
		return chimw.NewCookieBackend(co)
	case StoreFilesystem:
		// The directory cachelib's FileSystemCache uses, with its
		// defaults (threshold 500, mode 0600): the Flask app makes it
		// so.
		store, err := filestore.New(c.StoreTarget, filestore.Options{})
		if err != nil {
			return nil, err
		}
		m, err := flasksession.New(store, c.Session)
		if err != nil {
			return nil, err
		}
		return chimw.NewStoreBackend(m), nil
	case StoreRedis:
		ro, err := redis.ParseURL(c.StoreTarget)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrConfig, StoreKey, err)
		}
		client := redis.NewClient(ro)
		a.closers = append(a.closers, client.Close)
		m, err := flasksession.New(redisstore.New(client), c.Session)
		if err != nil {
			return nil, err
		}
		return chimw.NewStoreBackend(m), nil
	}
	return nil, fmt.Errorf("%w: store kind %v", ErrConfig, c.StoreKind)
}

// ServeHTTP implements http.Handler.
func (a *App) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.handler.ServeHTTP(w, r) }

// Close releases the connections of the session store.
func (a *App) Close() error {
	var errs []error
	for _, c := range a.closers {
		errs = append(errs, c())
	}
	a.closers = nil
	return errors.Join(errs...)
}

// newProxy returns the reverse proxy to the Flask app. It keeps the
// browser's Host (so that Flask builds its URLs for the front) and passes
// X-Forwarded-For on as the default Director does, the client's address
// appended to what the request carried: Flask-Login takes the first entry
// as the client's address, as chimw/flasklogin does on the Go side, so
// both compute the same session identifier.
func newProxy(upstream *url.URL, logger *slog.Logger) *httputil.ReverseProxy {
	return &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(upstream)
			pr.Out.Host = pr.In.Host
			if xff, ok := pr.In.Header["X-Forwarded-For"]; ok {
				pr.Out.Header["X-Forwarded-For"] = append([]string(nil), xff...)
			}
			pr.SetXForwarded()
		},
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			logger.Error("proxy to Flask", "method", r.Method, "path", r.URL.Path, "err", err)
			http.Error(w, "502 Bad Gateway: the Flask app does not answer", http.StatusBadGateway)
		},
	}
}

// handlers are the routes moved to Go, twins of the Flask app's.
type handlers struct {
	login *flasklogin.Manager
	csrf  *flaskwtf.CSRF
	kind  StoreKind
}

// page is what the pages show (pages.go).
type page struct {
	Title   string
	UserID  string
	Name    string
	Fresh   bool
	Flashes []chimw.Flashed
	Notes   []string
	CSRF    string
	Store   string
	Error   string
}

// user returns the logged-in user, as Flask-Login's current_user with a
// user_loader that knows Users.
func (h *handlers) user(r *http.Request) (id, name string, ok bool) {
	id, ok = h.login.UserID(r)
	if !ok {
		return "", "", false
	}
	name, ok = Users[id]
	return id, name, ok
}

// loginRequired answers as Flask-Login's unauthorized() with login_view
// "login": a flashed message and a redirect to the login page, with the
// path asked for in "next".
func (h *handlers) loginRequired(w http.ResponseWriter, r *http.Request) {
	if err := chimw.Flash(r, "Please log in to access this page.", "info"); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/login?"+url.Values{"next": {r.URL.RequestURI()}}.Encode(), http.StatusFound)
}

func (h *handlers) fail(w http.ResponseWriter, _ *http.Request, err error) {
	http.Error(w, "500 Internal Server Error: "+err.Error(), http.StatusInternalServerError)
}

// render answers with the page that write makes of p (pages.go).
func (h *handlers) render(w http.ResponseWriter, status int, write func(*page) []byte, p page) {
	p.Store = h.kind.String()
	body := write(&p)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(body)
}

// profile is GET /profile: the logged-in user, the messages flashed for
// them, a button that flashes a greeting.
func (h *handlers) profile(w http.ResponseWriter, r *http.Request) {
	id, name, ok := h.user(r)
	if !ok {
		h.loginRequired(w, r)
		return
	}
	token, err := h.csrf.Token(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, http.StatusOK, profilePage, page{
		Title: "Profile", UserID: id, Name: name, Fresh: h.login.Fresh(r),
		Flashes: chimw.Flashes(r), Notes: notes(chimw.Session(r)), CSRF: token,
	})
}

// hello is POST /hello: it flashes a greeting and sends the user to
// Flask's home page, which shows it.
func (h *handlers) hello(w http.ResponseWriter, r *http.Request) {
	_, name, ok := h.user(r)
	if !ok {
		h.loginRequired(w, r)
		return
	}
	if err := chimw.Flash(r, "Hello from Go, "+name+"!", "info"); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/", http.StatusFound)
}

// createNote is POST /notes, the target of the form Flask renders at
// /notes/new: the note goes into the session, and a flashed message says so.
func (h *handlers) createNote(w http.ResponseWriter, r *http.Request) {
	if _, _, ok := h.user(r); !ok {
		h.loginRequired(w, r)
		return
	}
	text := strings.TrimSpace(r.PostFormValue("text"))
	if text == "" || utf8.RuneCountInString(text) > maxNoteLen {
		if err := chimw.Flash(r, fmt.Sprintf("A note has 1 to %d characters.", maxNoteLen), "error"); err != nil {
			h.fail(w, r, err)
			return
		}
		http.Redirect(w, r, "/notes/new", http.StatusFound)
		return
	}
	s := chimw.Session(r)
	items := append(notes(s), text)
	if len(items) > maxNotes {
		items = items[len(items)-maxNotes:]
	}
	list := &py.List{Items: make([]py.Value, len(items))}
	for i, n := range items {
		list.Items[i] = n
	}
	if err := s.Set(NotesKey, list); err != nil {
		h.fail(w, r, err)
		return
	}
	if err := chimw.Flash(r, "Note saved by Go: "+text, "success"); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/", http.StatusFound)
}

// logout is POST /logout: Flask-Login's logout_user, then Flask's home page.
func (h *handlers) logout(w http.ResponseWriter, r *http.Request) {
	if err := h.login.LogoutUser(r); err != nil {
		h.fail(w, r, err)
		return
	}
	if err := chimw.Flash(r, "You are logged out (by Go).", "info"); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/", http.StatusFound)
}

// csrfError answers a refused form as the Flask app's CSRFError handler
// does: 400 and Flask-WTF's reason.
func (h *handlers) csrfError(w http.ResponseWriter, r *http.Request, err error) {
	h.render(w, http.StatusBadRequest, errorPage, page{Title: "Bad Request", Error: flaskwtf.Reason(err)})
}

// notes returns the session's notes: a list of str (a tuple in a pickled
// session), other items skipped.
func notes(s *flaskbridge.Session) []string {
	v, _ := s.Get(NotesKey)
	var items []py.Value
	switch x := v.(type) {
	case *py.List:
		items = x.Items
	case py.Tuple:
		items = x
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		if t, ok := it.(string); ok {
			out = append(out, t)
		}
	}
	return out
}
