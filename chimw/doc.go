// Package chimw is net/http middleware that gives each request the session
// a Flask app would give it, and saves it as Flask would, so that routes
// moved from Flask to Go share their users' sessions with the routes that
// stay. It works with chi (r.Use(m.Handler)) and with any http.Handler,
// such as http.ServeMux; it uses net/http types only.
//
// One middleware serves both kinds of Flask sessions, behind the small
// Backend interface:
//
//   - CookieBackend: Flask's default session, the signed cookie
//     (package flaskcookie), written as Flask 3.1 writes it;
//   - StoreBackend: Flask-Session's server-side sessions (package
//     flasksession and a store such as flasksession/redisstore).
//
// Handlers get the session, a *flaskbridge.Session, with Session(r) (or
// FromContext(ctx)):
//
//	sessions := chimw.New(backend, chimw.Options{})
//	r := chi.NewRouter()
//	r.Use(sessions.Handler)
//	r.Get("/cart", func(w http.ResponseWriter, r *http.Request) {
//		s := chimw.Session(r)
//		n, _ := s.Int("items")
//		s.Set("items", n+1)
//		fmt.Fprintf(w, "%d items", n+1)
//	})
//
// # What a request does, as in Flask
//
// By default the session is opened before the handler runs, as Flask opens
// it when the request context is pushed. It is saved as the Flask route
// the handler replaces would save it: the same cookie name and attributes
// (Domain, Path, Secure, HttpOnly, SameSite, Partitioned, Expires only for
// a permanent session), the cookie written when the session was modified,
// or on every request for a permanent session while
// SESSION_REFRESH_EACH_REQUEST is on, an emptied session deleted, and
// "Vary: Cookie" when the session was accessed. For Flask-Session the
// Manager follows the configured Flask-Session line (see flasksession).
//
// Options.Lazy opens the session only when the handler first asks for it,
// so routes that never touch it cost no cookie verification or store round
// trip; such routes do not refresh a permanent session either.
//
// # Saved before the first byte
//
// The handler gets a ResponseWriter that saves the session when the
// response header is written: at WriteHeader, the first Write, Flush,
// ReadFrom or Hijack, or when the handler returns without writing. It keeps
// http.Flusher, http.Hijacker and io.ReaderFrom working and has Unwrap, so
// http.ResponseController reaches the server's writer for deadlines and
// full duplex. An informational status (103 Early Hints) goes out without
// saving.
//
// Saving after the header has gone out is impossible: a change made to the
// session after that is not silently dropped but reported to the error
// handler as ErrChangedAfterWrite (the default handler logs it). A handler
// that streams should finish with the session before its first write.
//
// Hijack saves the session as a write would, and the Set-Cookie and Vary
// headers the save produced are left in Header(), which the server no
// longer sends after a hijack: a handler that hijacks the connection (a
// WebSocket upgrade) must send them itself, for example by passing
// w.Header() to the upgrader, or not change the session.
//
// BeforeSave registers functions that run just before the save, the place
// of Flask's after_request functions; chimw/flasklogin uses it for the
// remember cookie.
//
// # Errors
//
// A session that cannot be opened (a store that is down, a cookie whose
// signature verifies but whose payload cannot be read) or saved goes to
// Options.ErrorHandler, by default a 500 Internal Server Error and a
// log/slog record, as Flask fails such requests. A failed open never turns
// into an empty session that would be saved over the real one: the
// handler does not run (or, in lazy mode, its session is a stand-in that
// is never saved and its response is replaced). A failed save replaces the
// handler's response with the error handler's; the handler's later writes
// fail. A cookie that Flask ignores (bad signature, expired) gives an
// empty session, as in Flask, and a debug record.
//
// # Flask's extensions
//
// Flash and Flashes are flask.flash and get_flashed_messages. Packages
// chimw/flasklogin and chimw/flaskwtf do what Flask-Login and Flask-WTF's
// CSRF protection do with the same session, so that users log in, see
// messages and post forms across the two apps.
package chimw
