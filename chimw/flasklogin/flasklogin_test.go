package flasklogin_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/flaskbridge/flaskbridge/chimw"
	"github.com/flaskbridge/flaskbridge/chimw/flasklogin"
	"github.com/flaskbridge/flaskbridge/internal/pyharness"
	"github.com/flaskbridge/flaskbridge/py"
)

// latin1 is the text WSGI makes of header bytes.
func latin1(b string) string {
	r := make([]rune, len(b))
	for i := 0; i < len(b); i++ {
		r[i] = rune(b[i])
	}
	return string(r)
}

func TestIdentifierMatchesFlaskLogin(t *testing.T) {
	h := pyharness.Start(t, "login31")
	type hdr = [2]string
	cases := []struct {
		remote  string // r.RemoteAddr
		headers []hdr
	}{
		{"127.0.0.1:5555", nil},
		{"127.0.0.1:5555", []hdr{{"User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0"}}},
		{"[::1]:5555", []hdr{{"User-Agent", "curl/8.5"}}},
		{"10.0.0.1:1", []hdr{{"X-Forwarded-For", "203.0.113.7, 10.0.0.1"}, {"User-Agent", "x"}}},
		{"10.0.0.1:1", []hdr{{"X-Forwarded-For", "  198.51.100.2\t,x"}}},
		{"10.0.0.1:1", []hdr{{"X-Forwarded-For", ""}, {"User-Agent", ""}}},
		{"10.0.0.1:1", []hdr{{"User-Agent", "caf\xc3\xa9 \xff 'quote' \"dq\" back\\slash"}}},
		{"10.0.0.1:1", []hdr{{"User-Agent", "it's"}}},
		{"10.0.0.1:1", []hdr{{"User-Agent", `both ' and "`}}},
		{"10.0.0.1:1", []hdr{{"X-Forwarded-For", "caf\xe9"}}},
	}
	for _, c := range cases {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.remote
		r.Header = http.Header{}
		var pyHeaders [][2]string
		for _, kv := range c.headers {
			r.Header.Add(kv[0], kv[1])
			pyHeaders = append(pyHeaders, [2]string{kv[0], latin1(kv[1])})
		}
		host := c.remote[:strings.LastIndexByte(c.remote, ':')]
		host = strings.Trim(host, "[]")
		var out struct{ ID, Base string }
		h.MustCall(t, "interop.identifier", map[string]any{"remote_addr": host, "headers": pyHeaders}, &out)
		if got := flasklogin.Identifier(r); got != out.ID {
			t.Errorf("%s %q: identifier differs from Flask-Login's (its base: %q)", c.remote, c.headers, out.Base)
		}
	}
	// Several X-Forwarded-For lines: the first entry of the first line.
	r := httptest.NewRequest("GET", "/", nil)
	r.Header = http.Header{"X-Forwarded-For": {"203.0.113.9", "10.1.1.1"}}
	var out struct{ ID string }
	h.MustCall(t, "interop.identifier", map[string]any{"remote_addr": "192.0.2.1",
		"headers": [][2]string{{"X-Forwarded-For", "203.0.113.9,10.1.1.1"}}}, &out)
	if flasklogin.Identifier(r) != out.ID {
		t.Error("several X-Forwarded-For lines")
	}
}

func TestRememberCookieMatchesFlaskLogin(t *testing.T) {
	h := pyharness.Start(t, "login31")
	keys := []struct {
		o    flasklogin.Options
		args map[string]any
	}{
		{flasklogin.Options{SecretKey: "flaskbridge test secret"}, map[string]any{"secret_key": "flaskbridge test secret"}},
		{flasklogin.Options{SecretKey: "clé secrète"}, map[string]any{"secret_key": "clé secrète"}},
		{flasklogin.Options{SecretKeyBytes: []byte{0xc3, 0xa9, 0, 0xff}}, map[string]any{"secret_key_hex": "c3a900ff"}},
	}
	for _, k := range keys {
		m, err := flasklogin.New(k.o)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{"42", "ünï", "a|b", "", "user@example.com"} {
			args := map[string]any{"payload": id}
			for n, v := range k.args {
				args[n] = v
			}
			var enc struct{ Cookie string }
			h.MustCall(t, "interop.remember_encode", args, &enc)
			if got := m.EncodeCookie(id); got != enc.Cookie {
				t.Errorf("%v %q: %q, want %q", k.args, id, got, enc.Cookie)
			}
			if got, ok := m.DecodeCookie(enc.Cookie); !ok || got != id {
				t.Errorf("%v: decode %q: %q %v", k.args, enc.Cookie, got, ok)
			}
			bad := enc.Cookie[:len(enc.Cookie)-1] + "0"
			if bad == enc.Cookie {
				bad = enc.Cookie[:len(enc.Cookie)-1] + "1"
			}
			var dec struct{ Payload *string }
			args = map[string]any{"cookie": bad}
			for n, v := range k.args {
				args[n] = v
			}
			h.MustCall(t, "interop.remember_decode", args, &dec)
			if _, ok := m.DecodeCookie(bad); ok || dec.Payload != nil {
				t.Errorf("tampered cookie accepted: Go %v, Python %v", ok, dec.Payload)
			}
		}
	}
	if _, err := flasklogin.New(flasklogin.Options{SecretKey: "snow\u2603"}); !errors.Is(err, flasklogin.ErrConfig) {
		t.Errorf("a key Flask-Login cannot encode: %v", err)
	}
	if _, err := flasklogin.New(flasklogin.Options{SessionProtection: "paranoid"}); !errors.Is(err, flasklogin.ErrConfig) {
		t.Errorf("bad SESSION_PROTECTION: %v", err)
	}
}

// Go-only behaviour of the request functions; the cross-language flows are
// in package chimw's interop tests.

var fixed = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

func newStack(t *testing.T, o flasklogin.Options) (*flasklogin.Manager, *chimw.Middleware) {
	t.Helper()
	o.SecretKey = "flaskbridge test secret"
	o.Now = func() time.Time { return fixed }
	m, err := flasklogin.New(o)
	if err != nil {
		t.Fatal(err)
	}
	co := chimw.CookieOptions{}
	co.SecretKey = []byte(o.SecretKey)
	b, err := chimw.NewCookieBackend(co)
	if err != nil {
		t.Fatal(err)
	}
	return m, chimw.New(b, chimw.Options{})
}

func do(t *testing.T, mw *chimw.Middleware, m *flasklogin.Manager, req *http.Request, fn func(r *http.Request)) *http.Response {
	t.Helper()
	rec := httptest.NewRecorder()
	mw.Handler(m.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fn(r)
		io.WriteString(w, "ok")
	}))).ServeHTTP(rec, req)
	return rec.Result()
}

func cookieHeader(resp *http.Response) string {
	var parts []string
	for _, c := range resp.Cookies() {
		if c.MaxAge >= 0 && c.Value != "" {
			parts = append(parts, c.Name+"="+c.Value)
		}
	}
	return strings.Join(parts, "; ")
}

func TestLoginRememberLogout(t *testing.T) {
	m, mw := newStack(t, flasklogin.Options{SessionProtection: "strong"})
	req := httptest.NewRequest("POST", "/login", nil)
	resp := do(t, mw, m, req, func(r *http.Request) {
		if err := m.LoginUser(r, "7", flasklogin.LoginOptions{Remember: true, Duration: 90 * time.Second}); err != nil {
			t.Fatal(err)
		}
		s := chimw.Session(r)
		if v, _ := s.Get(flasklogin.RememberSecondsKey); v != py.Value(90.0) {
			t.Errorf("_remember_seconds = %v", v)
		}
	})
	var remember *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "remember_token" {
			remember = c
		}
	}
	if remember == nil || remember.Value != m.EncodeCookie("7") || !remember.Expires.Equal(fixed.Add(90*time.Second)) || !remember.HttpOnly {
		t.Fatalf("remember cookie %+v", remember)
	}
	jar := cookieHeader(resp)

	// The same client sees the user, fresh.
	req = httptest.NewRequest("GET", "/", nil)
	req.Header.Set("Cookie", jar)
	do(t, mw, m, req, func(r *http.Request) {
		if id, ok := m.UserID(r); id != "7" || !ok || !m.Fresh(r) || !m.Remembered(r) {
			t.Errorf("UserID %q %v fresh %v", id, ok, m.Fresh(r))
		}
	})

	// Another user agent: strong protection logs out and clears the cookie.
	req = httptest.NewRequest("GET", "/", nil)
	req.Header.Set("Cookie", jar)
	req.Header.Set("User-Agent", "other")
	resp = do(t, mw, m, req, func(r *http.Request) {
		if id, ok := m.UserID(r); ok {
			t.Errorf("strong protection let %q through", id)
		}
	})
	if !strings.Contains(strings.Join(resp.Header.Values("Set-Cookie"), "\n"), "remember_token=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/") {
		t.Errorf("remember cookie not cleared: %q", resp.Header.Values("Set-Cookie"))
	}

	// Only the remember cookie (a new browser session): restored, not fresh.
	req = httptest.NewRequest("GET", "/", nil)
	req.Header.Set("Cookie", "remember_token="+remember.Value)
	do(t, mw, m, req, func(r *http.Request) {
		if id, ok := m.UserID(r); id != "7" || !ok || m.Fresh(r) {
			t.Errorf("restored: %q %v fresh %v", id, ok, m.Fresh(r))
		}
	})

	// Logout with the remember cookie: deleted.
	req = httptest.NewRequest("POST", "/logout", nil)
	req.Header.Set("Cookie", jar)
	resp = do(t, mw, m, req, func(r *http.Request) {
		m.LogoutUser(r)
		if _, ok := m.UserID(r); ok {
			t.Error("still logged in after LogoutUser")
		}
	})
	if !strings.Contains(strings.Join(resp.Header.Values("Set-Cookie"), "\n"), "remember_token=; Expires=") {
		t.Errorf("remember cookie not deleted: %q", resp.Header.Values("Set-Cookie"))
	}
}

func TestRefreshEachRequest(t *testing.T) {
	m, mw := newStack(t, flasklogin.Options{RememberCookieRefreshEachRequest: true})
	resp := do(t, mw, m, httptest.NewRequest("POST", "/", nil), func(r *http.Request) { m.LoginUser(r, "1", flasklogin.LoginOptions{}) })
	jar := cookieHeader(resp)
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("Cookie", jar)
	resp = do(t, mw, m, req, func(r *http.Request) {})
	n := 0
	for _, c := range resp.Cookies() {
		if c.Name == "remember_token" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d remember cookies, want 1", n)
	}
}

func TestOutsideMiddleware(t *testing.T) {
	m, _ := newStack(t, flasklogin.Options{})
	r := httptest.NewRequest("GET", "/", nil)
	if err := m.LoginUser(r, "1", flasklogin.LoginOptions{}); !errors.Is(err, flasklogin.ErrNoSession) {
		t.Errorf("LoginUser: %v", err)
	}
	if _, ok := m.UserID(r); ok {
		t.Error("a user outside the middleware")
	}
}

func FuzzDecodeCookie(f *testing.F) {
	m, _ := flasklogin.New(flasklogin.Options{SecretKey: "k"})
	f.Add(m.EncodeCookie("42"))
	f.Add("|")
	f.Add("no bar")
	f.Fuzz(func(t *testing.T, c string) {
		if id, ok := m.DecodeCookie(c); ok && m.EncodeCookie(id) != c {
			t.Fatalf("%q verified but does not re-encode", c)
		}
	})
}
