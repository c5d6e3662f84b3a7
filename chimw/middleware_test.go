package chimw_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flaskbridge/flaskbridge"
	"github.com/flaskbridge/flaskbridge/chimw"
	"github.com/flaskbridge/flaskbridge/flaskcookie"
	"github.com/flaskbridge/flaskbridge/flasksession"
	"github.com/flaskbridge/flaskbridge/py"
)

const testKey = "flaskbridge test secret"

var fixed = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

func cookieBackend(t testing.TB, o chimw.CookieOptions) *chimw.CookieBackend {
	t.Helper()
	if o.SecretKey == nil {
		o.SecretKey = []byte(testKey)
	}
	if o.Now == nil {
		o.Now = func() time.Time { return fixed }
	}
	b, err := chimw.NewCookieBackend(o)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// errRec records what the error handler got.
type errRec struct {
	mu   sync.Mutex
	errs []error
}

func (e *errRec) handler(w http.ResponseWriter, r *http.Request, err error) {
	e.mu.Lock()
	e.errs = append(e.errs, err)
	e.mu.Unlock()
	chimw.DefaultErrorHandler(slog.New(slog.NewTextHandler(io.Discard, nil)))(w, r, err)
}

func (e *errRec) all() []error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]error(nil), e.errs...)
}

func serve(t testing.TB, m *chimw.Middleware, h http.HandlerFunc, cookie string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest("GET", "/", nil)
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	rec := httptest.NewRecorder()
	m.Handler(h).ServeHTTP(rec, req)
	return rec
}

func encode(t testing.TB, b *chimw.CookieBackend, kv ...any) string {
	t.Helper()
	d := py.NewDict(0)
	for i := 0; i < len(kv); i += 2 {
		v, err := py.ValueOf(kv[i+1])
		if err != nil {
			t.Fatal(err)
		}
		d.Set(kv[i], v)
	}
	c, err := b.Codec().EncodeAt(d, fixed)
	if err != nil {
		t.Fatal(err)
	}
	return "session=" + c
}

func TestCookieSaveRules(t *testing.T) {
	b := cookieBackend(t, chimw.CookieOptions{})
	m := chimw.New(b, chimw.Options{})
	exp := fixed.Add(flaskcookie.DefaultLifetime).Format(http.TimeFormat)

	cases := []struct {
		name      string
		cookie    string
		handler   func(s *flaskbridge.Session)
		setCookie string // "" none; "value" a new value; exact text otherwise
		vary      bool
	}{
		{"untouched new", "", func(*flaskbridge.Session) {}, "", false},
		{"read new", "", func(s *flaskbridge.Session) { s.Get("x") }, "", true},
		{"set", "", func(s *flaskbridge.Session) { s.Set("x", 1) }, "value; HttpOnly; Path=/", true},
		{"set permanent", "", func(s *flaskbridge.Session) { s.Set("x", 1); s.SetPermanent(true) },
			"value; Expires=" + exp + "; HttpOnly; Path=/", true},
		{"read permanent refreshes", encode(t, b, "_permanent", true, "x", 1), func(s *flaskbridge.Session) {},
			"value; Expires=" + exp + "; HttpOnly; Path=/", true},
		{"untouched non-permanent", encode(t, b, "x", 1), func(s *flaskbridge.Session) {}, "", false},
		{"cleared", encode(t, b, "x", 1), func(s *flaskbridge.Session) { s.Clear() },
			"session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; Path=/", true},
		{"empty untouched", encode(t, b), func(s *flaskbridge.Session) {}, "", false},
		{"bad signature", "session=eyJ4IjoxfQ.aaaaaa.bbbbbbbbbbbbbbbbbbbbbbbbbbb", func(s *flaskbridge.Session) {
			if s.Len() != 0 {
				t.Error("a bad cookie gave a non-empty session")
			}
		}, "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := serve(t, m, func(w http.ResponseWriter, r *http.Request) {
				c.handler(chimw.Session(r))
				io.WriteString(w, "ok")
			}, c.cookie)
			got := rec.Header().Get("Set-Cookie")
			switch {
			case c.setCookie == "":
				if got != "" {
					t.Errorf("Set-Cookie %q, want none", got)
				}
			case strings.HasPrefix(c.setCookie, "value"):
				name, rest, _ := strings.Cut(got, "=")
				val, attrs, _ := strings.Cut(rest, ";")
				if name != "session" || "value;"+attrs != c.setCookie {
					t.Errorf("Set-Cookie %q, want session=<value>%s", got, strings.TrimPrefix(c.setCookie, "value"))
				}
				if _, err := b.Codec().Decode(val); err != nil {
					t.Errorf("cookie does not decode: %v", err)
				}
			default:
				if got != c.setCookie {
					t.Errorf("Set-Cookie %q, want %q", got, c.setCookie)
				}
			}
			if vary := rec.Header().Get("Vary") == "Cookie"; vary != c.vary {
				t.Errorf("Vary %q, want Cookie: %v", rec.Header().Get("Vary"), c.vary)
			}
			if rec.Body.String() != "ok" {
				t.Errorf("body %q", rec.Body.String())
			}
		})
	}
}

func TestCookieAttributes(t *testing.T) {
	b := cookieBackend(t, chimw.CookieOptions{
		CookieName: "sid", CookieDomain: ".example.com", CookiePath: "/app", CookieHTTPOnly: chimw.Bool(false),
		CookieSameSite: "lax", CookiePartitioned: true,
	})
	m := chimw.New(b, chimw.Options{})
	rec := serve(t, m, func(w http.ResponseWriter, r *http.Request) { chimw.Session(r).Set("a", "b") }, "")
	got := rec.Header().Get("Set-Cookie")
	_, attrs, _ := strings.Cut(got, ";")
	if want := " Domain=example.com; Secure; Path=/app; SameSite=Lax; Partitioned"; attrs != want {
		t.Errorf("attributes %q, want %q", attrs, want)
	}
	if !strings.HasPrefix(got, "sid=") {
		t.Errorf("cookie %q is not named sid", got)
	}
	if _, err := chimw.NewCookieBackend(chimw.CookieOptions{Options: flaskcookie.Options{SecretKey: []byte("k")}, CookieSameSite: "sometimes"}); !errors.Is(err, chimw.ErrConfig) {
		t.Errorf("bad SameSite: %v", err)
	}
}

func TestVaryKept(t *testing.T) {
	m := chimw.New(cookieBackend(t, chimw.CookieOptions{}), chimw.Options{})
	rec := serve(t, m, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Accept-Encoding, cookie")
		chimw.Session(r).Set("a", 1)
	}, "")
	if got := rec.Header().Values("Vary"); len(got) != 1 {
		t.Errorf("Vary %q: Cookie added twice", got)
	}
}

func TestSavedWhenHandlerWritesNothing(t *testing.T) {
	m := chimw.New(cookieBackend(t, chimw.CookieOptions{}), chimw.Options{})
	rec := serve(t, m, func(w http.ResponseWriter, r *http.Request) { chimw.Session(r).Set("a", 1) }, "")
	if rec.Header().Get("Set-Cookie") == "" || rec.Code != 200 {
		t.Errorf("code %d, Set-Cookie %q", rec.Code, rec.Header().Get("Set-Cookie"))
	}
}

func TestChangeAfterWriteReported(t *testing.T) {
	var rec errRec
	m := chimw.New(cookieBackend(t, chimw.CookieOptions{}), chimw.Options{ErrorHandler: rec.handler})
	w := serve(t, m, func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "body")
		chimw.Session(r).Set("late", 1)
	}, "")
	errs := rec.all()
	if len(errs) != 1 || !errors.Is(errs[0], chimw.ErrChangedAfterWrite) {
		t.Fatalf("errors %v, want ErrChangedAfterWrite", errs)
	}
	if w.Body.String() != "body" || w.Code != 200 {
		t.Errorf("response changed: %d %q", w.Code, w.Body.String())
	}
	// Reading after the write is fine.
	rec = errRec{}
	m = chimw.New(cookieBackend(t, chimw.CookieOptions{}), chimw.Options{ErrorHandler: rec.handler})
	serve(t, m, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(204)
		chimw.Session(r).Get("x")
	}, "")
	if errs := rec.all(); len(errs) != 0 {
		t.Errorf("a read after the write was reported: %v", errs)
	}
}

func TestInformationalResponseDoesNotSave(t *testing.T) {
	m := chimw.New(cookieBackend(t, chimw.CookieOptions{}), chimw.Options{})
	srv := httptest.NewServer(m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Link", "</a.css>; rel=preload")
		w.WriteHeader(http.StatusEarlyHints)
		chimw.Session(r).Set("a", 1) // still saved with the final header
		io.WriteString(w, "ok")
	})))
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("Set-Cookie") == "" {
		t.Error("no Set-Cookie on the final response")
	}
}

// failStore is a Flask-Session store whose operations fail on demand.
type failStore struct {
	mu        sync.Mutex
	data      map[string][]byte
	failLoad  bool
	failSave  bool
	loads     atomic.Int64
	saves     atomic.Int64
	lastSaved []byte
}

var errDown = errors.New("store is down")

func (s *failStore) Load(_ context.Context, key string) ([]byte, bool, error) {
	s.loads.Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failLoad {
		return nil, false, errDown
	}
	v, ok := s.data[key]
	return v, ok, nil
}

func (s *failStore) Save(_ context.Context, key string, data []byte, _ time.Duration) error {
	s.saves.Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failSave {
		return errDown
	}
	if s.data == nil {
		s.data = map[string][]byte{}
	}
	s.data[key] = data
	s.lastSaved = data
	return nil
}

func (s *failStore) Delete(_ context.Context, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failSave {
		return errDown
	}
	delete(s.data, key)
	return nil
}

func storeMiddleware(t testing.TB, st flasksession.Store, o chimw.Options) *chimw.Middleware {
	t.Helper()
	mgr, err := flasksession.New(st, flasksession.Options{SecretKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	return chimw.New(chimw.NewStoreBackend(mgr), o)
}

func TestStoreLoadFailure(t *testing.T) {
	st := &failStore{data: map[string][]byte{}}
	var rec errRec
	m := storeMiddleware(t, st, chimw.Options{ErrorHandler: rec.handler})
	// A session that exists.
	w := serve(t, m, func(w http.ResponseWriter, r *http.Request) { chimw.Session(r).Set("user", "ann") }, "")
	cookie := strings.Split(w.Header().Get("Set-Cookie"), ";")[0]
	saved := st.lastSaved

	st.failLoad = true
	ran := false
	w = serve(t, m, func(w http.ResponseWriter, r *http.Request) { ran = true }, cookie)
	if ran || w.Code != 500 {
		t.Errorf("handler ran: %v, code %d", ran, w.Code)
	}
	if errs := rec.all(); len(errs) != 1 || !errors.Is(errs[0], chimw.ErrOpen) || !errors.Is(errs[0], errDown) || !errors.Is(errs[0], flasksession.ErrStore) {
		t.Errorf("errors %v", errs)
	}
	if w.Header().Get("Set-Cookie") != "" {
		t.Error("a failed load set a cookie")
	}
	if !bytes.Equal(st.lastSaved, saved) {
		t.Error("a failed load wrote to the store")
	}
}

func TestStoreSaveFailure(t *testing.T) {
	st := &failStore{failSave: true}
	var rec errRec
	m := storeMiddleware(t, st, chimw.Options{ErrorHandler: rec.handler})
	w := serve(t, m, func(w http.ResponseWriter, r *http.Request) {
		chimw.Session(r).Set("user", "ann")
		w.Header().Set("X-Handler", "1")
		w.WriteHeader(201)
		if _, err := io.WriteString(w, "created"); err == nil {
			t.Error("write after a failed save succeeded")
		}
	}, "")
	if w.Code != 500 || strings.Contains(w.Body.String(), "created") || w.Header().Get("X-Handler") != "" {
		t.Errorf("code %d, body %q, header %v", w.Code, w.Body.String(), w.Header())
	}
	if errs := rec.all(); len(errs) != 1 || !errors.Is(errs[0], chimw.ErrSave) || !errors.Is(errs[0], errDown) {
		t.Errorf("errors %v", errs)
	}
}

// countingBackend counts Open calls.
type countingBackend struct {
	chimw.Backend
	opens atomic.Int64
}

func (c *countingBackend) Open(ctx context.Context, r *http.Request) (chimw.Handle, error) {
	c.opens.Add(1)
	return c.Backend.Open(ctx, r)
}

func TestLazy(t *testing.T) {
	b := &countingBackend{Backend: cookieBackend(t, chimw.CookieOptions{})}
	m := chimw.New(b, chimw.Options{Lazy: true})
	perm := encode(t, b.Backend.(*chimw.CookieBackend), "_permanent", true, "x", 1)
	w := serve(t, m, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "static") }, perm)
	if b.opens.Load() != 0 || w.Header().Get("Set-Cookie") != "" || w.Header().Get("Vary") != "" {
		t.Errorf("untouched lazy session: %d opens, header %v", b.opens.Load(), w.Header())
	}
	w = serve(t, m, func(w http.ResponseWriter, r *http.Request) {
		if v, _ := chimw.Session(r).Int("x"); v != 1 {
			t.Errorf("x = %d", v)
		}
	}, perm)
	if b.opens.Load() != 1 || w.Header().Get("Set-Cookie") == "" {
		t.Errorf("touched lazy session: %d opens, header %v", b.opens.Load(), w.Header())
	}
}

func TestLazyLoadFailure(t *testing.T) {
	st := &failStore{failLoad: true}
	var rec errRec
	m := storeMiddleware(t, st, chimw.Options{Lazy: true, ErrorHandler: rec.handler})
	w := serve(t, m, func(w http.ResponseWriter, r *http.Request) {
		s := chimw.Session(r)
		if s == nil || s.Len() != 0 {
			t.Fatal("no stand-in session")
		}
		s.Set("x", 1)
		io.WriteString(w, "handler output")
	}, "session=abc")
	if w.Code != 500 || strings.Contains(w.Body.String(), "handler") {
		t.Errorf("code %d body %q", w.Code, w.Body.String())
	}
	if st.saves.Load() != 0 {
		t.Error("the stand-in session was saved")
	}
	if errs := rec.all(); len(errs) != 1 || !errors.Is(errs[0], chimw.ErrOpen) {
		t.Errorf("errors %v", errs)
	}
}

func TestMalformedCookieFails(t *testing.T) {
	b := cookieBackend(t, chimw.CookieOptions{})
	// A signed payload that is not JSON: Flask answers 500 (BadPayload).
	signer, _ := flaskcookie.NewTimestampSigner(flaskcookie.TimestampSignerOptions{
		SignerOptions: flaskcookie.SignerOptions{SecretKeys: [][]byte{[]byte(testKey)}, Salt: []byte("cookie-session"), KeyDerivation: flaskcookie.DeriveHMAC},
		Now:           func() time.Time { return fixed },
	})
	bad, _ := signer.Sign([]byte("bm90IGpzb24")) // "not json"
	var rec errRec
	m := chimw.New(b, chimw.Options{ErrorHandler: rec.handler})
	w := serve(t, m, func(w http.ResponseWriter, r *http.Request) { t.Error("handler ran") }, "session="+string(bad))
	if w.Code != 500 {
		t.Errorf("code %d", w.Code)
	}
	if errs := rec.all(); len(errs) != 1 || !errors.Is(errs[0], flaskcookie.ErrMalformed) {
		t.Errorf("errors %v", errs)
	}
}

func TestOutsideMiddleware(t *testing.T) {
	r := httptest.NewRequest("GET", "/", nil)
	if chimw.Session(r) != nil {
		t.Error("a session outside the middleware")
	}
	if err := chimw.Flash(r, "x", ""); !errors.Is(err, chimw.ErrNoSession) {
		t.Errorf("Flash: %v", err)
	}
	if err := chimw.BeforeSave(r, nil); !errors.Is(err, chimw.ErrNoSession) {
		t.Errorf("BeforeSave: %v", err)
	}
	if chimw.Flashes(r) != nil {
		t.Error("flashes outside the middleware")
	}
}

func TestBeforeSave(t *testing.T) {
	m := chimw.New(cookieBackend(t, chimw.CookieOptions{}), chimw.Options{})
	var order []string
	w := serve(t, m, func(w http.ResponseWriter, r *http.Request) {
		chimw.BeforeSave(r, func(h http.Header, s *flaskbridge.Session) {
			order = append(order, "first")
			s.Set("hooked", true)
			h.Set("X-Hook", "1")
			// A hook may register another, and use the request.
			chimw.BeforeSave(r, func(http.Header, *flaskbridge.Session) { order = append(order, "nested") })
			chimw.Session(r).Get("hooked")
		})
		chimw.BeforeSave(r, func(http.Header, *flaskbridge.Session) { order = append(order, "second") })
		io.WriteString(w, "x")
	}, "")
	if strings.Join(order, ",") != "first,second,nested" {
		t.Errorf("order %v", order)
	}
	if w.Header().Get("X-Hook") != "1" || w.Header().Get("Set-Cookie") == "" {
		t.Errorf("header %v", w.Header())
	}
}

func TestWriterInterfaces(t *testing.T) {
	m := chimw.New(cookieBackend(t, chimw.CookieOptions{}), chimw.Options{})
	mux := http.NewServeMux()
	mux.HandleFunc("/flush", func(w http.ResponseWriter, r *http.Request) {
		chimw.Session(r).Set("a", 1)
		if err := http.NewResponseController(w).Flush(); err != nil {
			t.Error(err)
		}
		io.WriteString(w, "flushed")
	})
	mux.HandleFunc("/flusher", func(w http.ResponseWriter, r *http.Request) {
		chimw.Session(r).Set("a", 1)
		w.(http.Flusher).Flush()
	})
	mux.HandleFunc("/readfrom", func(w http.ResponseWriter, r *http.Request) {
		chimw.Session(r).Set("a", 1)
		if _, ok := w.(io.ReaderFrom); !ok {
			t.Error("no io.ReaderFrom")
		}
		io.Copy(w, strings.NewReader("copied"))
	})
	mux.HandleFunc("/deadline", func(w http.ResponseWriter, r *http.Request) {
		if err := http.NewResponseController(w).SetWriteDeadline(time.Now().Add(time.Minute)); err != nil {
			t.Errorf("SetWriteDeadline through Unwrap: %v", err)
		}
		chimw.Session(r).Set("a", 1)
	})
	mux.HandleFunc("/hijack", func(w http.ResponseWriter, r *http.Request) {
		chimw.Session(r).Set("a", 1)
		conn, brw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close()
		// The save put its cookie in the header; a hijacking handler sends it.
		brw.WriteString("HTTP/1.1 200 OK\r\nSet-Cookie: " + w.Header().Get("Set-Cookie") + "\r\nContent-Length: 8\r\nConnection: close\r\n\r\nhijacked")
		brw.Flush()
	})
	srv := httptest.NewServer(m.Handler(mux))
	defer srv.Close()
	for path, body := range map[string]string{"/flush": "flushed", "/flusher": "", "/readfrom": "copied", "/deadline": "", "/hijack": "hijacked"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(got) != body || !strings.HasPrefix(resp.Header.Get("Set-Cookie"), "session=") {
			t.Errorf("%s: body %q, Set-Cookie %q", path, got, resp.Header.Get("Set-Cookie"))
		}
	}
}

func TestHijackThenChangeReported(t *testing.T) {
	var rec errRec
	m := chimw.New(cookieBackend(t, chimw.CookieOptions{}), chimw.Options{ErrorHandler: rec.handler})
	done := make(chan struct{})
	inner := m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, brw, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		chimw.Session(r).Set("late", 1)
		brw.WriteString("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")
		brw.Flush()
		conn.Close()
	}))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer close(done)
		inner.ServeHTTP(w, r)
	}))
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	<-done
	if errs := rec.all(); len(errs) != 1 || !errors.Is(errs[0], chimw.ErrChangedAfterWrite) {
		t.Errorf("errors %v", errs)
	}
}

func TestRegenerate(t *testing.T) {
	st := &failStore{}
	m := storeMiddleware(t, st, chimw.Options{})
	w := serve(t, m, func(w http.ResponseWriter, r *http.Request) { chimw.Session(r).Set("u", 1) }, "")
	first := strings.Split(w.Header().Get("Set-Cookie"), ";")[0]
	w = serve(t, m, func(w http.ResponseWriter, r *http.Request) {
		if err := chimw.Regenerate(r); err != nil {
			t.Error(err)
		}
	}, first)
	second := strings.Split(w.Header().Get("Set-Cookie"), ";")[0]
	if second == "" || second == first {
		t.Errorf("cookie %q after %q", second, first)
	}
	if len(st.data) != 1 {
		t.Errorf("%d entries, want the new one only", len(st.data))
	}
	// Cookie sessions have no id: nothing to do.
	m = chimw.New(cookieBackend(t, chimw.CookieOptions{}), chimw.Options{})
	serve(t, m, func(w http.ResponseWriter, r *http.Request) {
		if err := chimw.Regenerate(r); err != nil {
			t.Error(err)
		}
	}, "")
}

func TestEmpty(t *testing.T) {
	st := &failStore{}
	m := storeMiddleware(t, st, chimw.Options{})
	serve(t, m, func(w http.ResponseWriter, r *http.Request) {
		// A new Flask-Session 0.8 session holds "_permanent" only: empty.
		if !chimw.Empty(r) || chimw.Session(r).Len() != 1 {
			t.Errorf("new store session: Empty %v, Len %d", chimw.Empty(r), chimw.Session(r).Len())
		}
	}, "")
	m = chimw.New(cookieBackend(t, chimw.CookieOptions{}), chimw.Options{})
	serve(t, m, func(w http.ResponseWriter, r *http.Request) {
		chimw.Session(r).SetPermanent(true)
		if chimw.Empty(r) {
			t.Error("a cookie session holding _permanent is not empty")
		}
	}, "")
}

func TestConcurrentRequests(t *testing.T) {
	st := &failStore{}
	m := storeMiddleware(t, st, chimw.Options{Lazy: true})
	h := m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var wg sync.WaitGroup
		for i := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				chimw.Session(r).Set("k", i)
				chimw.Flash(r, "m", "c")
			}()
		}
		wg.Wait()
		chimw.Flashes(r)
	}))
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
		}()
	}
	wg.Wait()
}

func TestCookieOptionsFrom(t *testing.T) {
	o, err := flasksession.OptionsFromJSON([]byte(`{"SECRET_KEY": "k", "SESSION_COOKIE_NAME": "sid",
		"SESSION_COOKIE_SAMESITE": "Strict", "SESSION_COOKIE_SECURE": true, "SESSION_REFRESH_EACH_REQUEST": false,
		"PERMANENT_SESSION_LIFETIME": 3600}`))
	if err != nil {
		t.Fatal(err)
	}
	co := chimw.CookieOptionsFrom(o)
	co.Now = func() time.Time { return fixed }
	b, err := chimw.NewCookieBackend(co)
	if err != nil {
		t.Fatal(err)
	}
	m := chimw.New(b, chimw.Options{})
	w := serve(t, m, func(w http.ResponseWriter, r *http.Request) {
		chimw.Session(r).Set("a", 1)
		chimw.Session(r).SetPermanent(true)
	}, "")
	_, attrs, _ := strings.Cut(w.Header().Get("Set-Cookie"), ";")
	want := " Expires=" + fixed.Add(time.Hour).Format(http.TimeFormat) + "; Secure; HttpOnly; Path=/; SameSite=Strict"
	if !strings.HasPrefix(w.Header().Get("Set-Cookie"), "sid=") || attrs != want {
		t.Errorf("Set-Cookie %q, want sid=...;%s", w.Header().Get("Set-Cookie"), want)
	}
	// No refresh of an unchanged permanent session.
	cookie := strings.SplitN(w.Header().Get("Set-Cookie"), ";", 2)[0]
	w = serve(t, m, func(w http.ResponseWriter, r *http.Request) { chimw.Session(r).Get("a") }, cookie)
	if w.Header().Get("Set-Cookie") != "" {
		t.Errorf("refreshed: %q", w.Header().Get("Set-Cookie"))
	}
}
