package flaskwtf_test

import (
	"crypto/tls"
	"errors"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/flaskbridge/flaskbridge/chimw"
	"github.com/flaskbridge/flaskbridge/chimw/flaskwtf"
	"github.com/flaskbridge/flaskbridge/internal/pyharness"
	"github.com/flaskbridge/flaskbridge/internal/tamper"
	"github.com/flaskbridge/flaskbridge/py"
)

const key = "flaskbridge test secret"

var t0 = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

func newCSRF(t testing.TB, now time.Time, o flaskwtf.Options) *flaskwtf.CSRF {
	t.Helper()
	if o.SecretKey == nil {
		o.SecretKey = []byte(key)
	}
	o.Now = func() time.Time { return now }
	c, err := flaskwtf.New(o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestSignMatchesItsdangerous(t *testing.T) {
	h := pyharness.Start(t, "login31")
	c := newCSRF(t, t0, flaskwtf.Options{})
	for _, raw := range []string{flaskwtf.NewRaw(), flaskwtf.NewRaw(), "", "caf\u00e9 \"q\" \\ \U0001F600 \x00\x1f\x7f\n\t"} {
		var out struct{ Token string }
		h.MustCall(t, "interop.csrf_token", map[string]any{"raw": raw, "secret_key": key, "now": t0.Unix()}, &out)
		got, err := c.Sign(raw, t0)
		if err != nil {
			t.Fatal(err)
		}
		if got != out.Token {
			t.Errorf("%q: %q, want %q", raw, got, out.Token)
		}
	}
	// Text that zlib shortens: Python compresses, Go does not; both read it.
	long := strings.Repeat("0123456789abcdef", 4)
	tok, _ := c.Sign(long, t0)
	var v struct {
		OK    bool
		Error string
	}
	h.MustCall(t, "interop.csrf_validate", map[string]any{"token": tok, "session": "{'csrf_token': '" + long + "'}",
		"secret_key": key, "now": t0.Unix()}, &v)
	if !v.OK {
		t.Errorf("uncompressed token refused: %s", v.Error)
	}
	// A bytes key.
	cb := newCSRF(t, t0, flaskwtf.Options{SecretKey: []byte{0xff, 0, 1}})
	var out struct{ Token string }
	h.MustCall(t, "interop.csrf_token", map[string]any{"raw": "abc", "secret_key_hex": "ff0001", "now": t0.Unix()}, &out)
	if got, _ := cb.Sign("abc", t0); got != out.Token {
		t.Errorf("bytes key: %q, want %q", got, out.Token)
	}
}

func TestVerifyPythonTokens(t *testing.T) {
	h := pyharness.Start(t, "login31")
	raw := flaskwtf.NewRaw()
	var out struct{ Token string }
	h.MustCall(t, "interop.csrf_token", map[string]any{"raw": raw, "secret_key": key, "now": t0.Unix()}, &out)
	// Compressed payloads are read too (Python compresses when it pays).
	var long struct{ Token string }
	h.MustCall(t, "interop.csrf_token", map[string]any{"raw": strings.Repeat("a", 200), "secret_key": key, "now": t0.Unix()}, &long)
	if !strings.HasPrefix(long.Token, ".") {
		t.Fatalf("no compressed token: %q", long.Token)
	}
	cases := []struct {
		token string
		at    time.Duration
		want  error
		raw   string
	}{
		{out.Token, 0, nil, raw},
		{out.Token, 3600 * time.Second, nil, raw},
		{out.Token, 3601 * time.Second, flaskwtf.ErrExpired, ""},
		{out.Token, -time.Second, flaskwtf.ErrExpired, ""},
		{tamper.Signature(out.Token), 0, flaskwtf.ErrInvalid, ""},
		{"garbage", 0, flaskwtf.ErrInvalid, ""},
		{long.Token, 0, nil, strings.Repeat("a", 200)},
	}
	for _, c := range cases {
		got, err := newCSRF(t, t0.Add(c.at), flaskwtf.Options{}).Verify(c.token)
		if !errors.Is(err, c.want) || (c.want == nil && err != nil) || got != c.raw {
			t.Errorf("%q at %v: %q %v, want %q %v", c.token, c.at, got, err, c.raw, c.want)
		}
	}
	if _, err := newCSRF(t, t0, flaskwtf.Options{SecretKey: []byte("other")}).Verify(out.Token); !errors.Is(err, flaskwtf.ErrInvalid) {
		t.Errorf("other key: %v", err)
	}
	if _, err := newCSRF(t, t0.Add(100*24*time.Hour), flaskwtf.Options{TimeLimit: -1}).Verify(out.Token); err != nil {
		t.Errorf("no time limit: %v", err)
	}
}

// withSession runs fn on a request whose session holds sess (repr text).
func withSession(t *testing.T, sess string, req *http.Request, fn func(r *http.Request)) {
	t.Helper()
	co := chimw.CookieOptions{}
	co.SecretKey = []byte(key)
	b, err := chimw.NewCookieBackend(co)
	if err != nil {
		t.Fatal(err)
	}
	chimw.New(b, chimw.Options{}).Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if sess != "" {
			d, err := py.ParseLiteral(sess)
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range d.(*py.Dict).All() {
				chimw.Session(r).Set(k.(string), v)
			}
		}
		fn(r)
	})).ServeHTTP(httptest.NewRecorder(), req)
}

func TestValidateMatchesFlaskWTF(t *testing.T) {
	h := pyharness.Start(t, "login31")
	raw := flaskwtf.NewRaw()
	good, _ := newCSRF(t, t0, flaskwtf.Options{}).Sign(raw, t0)
	other, _ := newCSRF(t, t0, flaskwtf.Options{}).Sign(flaskwtf.NewRaw(), t0)
	sess := "{'csrf_token': '" + raw + "'}"
	cases := []struct {
		name, token, session string
		at                   time.Duration
	}{
		{"ok", good, sess, 10 * time.Second},
		{"missing", "", sess, 0},
		{"no session token", good, "{}", 0},
		{"expired", good, sess, 3601 * time.Second},
		{"future", good, sess, -5 * time.Second},
		{"invalid", good + "x", sess, 0},
		{"mismatch", other, sess, 0},
		{"session token not str", good, "{'csrf_token': 5}", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out struct {
				OK    bool
				Error string
			}
			err := h.Call("interop.csrf_validate", map[string]any{"token": c.token, "session": c.session,
				"secret_key": key, "now": t0.Add(c.at).Unix()}, &out)
			if err != nil {
				// compare_digest(5, str) raises TypeError in Python: a 500.
				out.Error = "python raised: " + err.Error()
			}
			withSession(t, c.session, httptest.NewRequest("POST", "/", nil), func(r *http.Request) {
				err := newCSRF(t, t0.Add(c.at), flaskwtf.Options{}).Validate(r, c.token)
				got := ""
				if err != nil {
					got = flaskwtf.Reason(err)
				}
				switch {
				case strings.HasPrefix(out.Error, "python raised"):
					if err == nil {
						t.Errorf("Go accepted a token Python fails on (%s)", out.Error)
					}
				case got != out.Error:
					t.Errorf("Go %q, Flask-WTF %q", got, out.Error)
				}
			})
		})
	}
}

func TestProtectMatchesFlaskWTF(t *testing.T) {
	h := pyharness.Start(t, "login31")
	raw := flaskwtf.NewRaw()
	good, _ := newCSRF(t, t0, flaskwtf.Options{}).Sign(raw, t0)
	sess := "{'csrf_token': '" + raw + "'}"
	type kv = [2]string
	cases := []struct {
		name    string
		method  string
		url     string
		form    []kv
		headers []kv
	}{
		{"form field", "POST", "http://localhost/", []kv{{"csrf_token", good}}, nil},
		{"prefixed field", "POST", "http://localhost/", []kv{{"x", "1"}, {"profile-csrf_token", good}}, nil},
		{"empty field, header", "POST", "http://localhost/", []kv{{"csrf_token", ""}}, []kv{{"X-CSRFToken", good}}},
		{"second header", "PUT", "http://localhost/", nil, []kv{{"X-CSRF-Token", good}}},
		{"missing", "DELETE", "http://localhost/", nil, nil},
		{"GET passes", "GET", "http://localhost/", nil, nil},
		{"query string is not the form", "POST", "http://localhost/?csrf_token=" + url.QueryEscape(good), nil, nil},
		{"https without referrer", "POST", "https://localhost/", []kv{{"csrf_token", good}}, nil},
		{"https, same origin", "POST", "https://localhost/", []kv{{"csrf_token", good}}, []kv{{"Referer", "https://localhost/form"}}},
		{"https, other host", "POST", "https://localhost/", []kv{{"csrf_token", good}}, []kv{{"Referer", "https://evil.example/"}}},
		{"https, explicit port", "POST", "https://localhost/", []kv{{"csrf_token", good}}, []kv{{"Referer", "https://localhost:443/"}}},
		{"https, http referrer", "POST", "https://LOCALHOST/", []kv{{"csrf_token", good}}, []kv{{"Referer", "http://localhost/"}}},
	}
	for _, c := range cases {
		for _, multi := range []bool{false, true} {
			if multi && c.form == nil {
				continue
			}
			name := c.name
			if multi {
				name += " (multipart)"
			}
			t.Run(name, func(t *testing.T) {
				var out struct {
					OK    bool
					Error string
				}
				args := map[string]any{"method": c.method, "url": c.url, "headers": c.headers, "session": sess,
					"secret_key": key, "now": t0.Unix()}
				if c.form != nil {
					args["form"] = c.form
				}
				h.MustCall(t, "interop.csrf_protect", args, &out)
				req := request(t, c.method, c.url, c.form, multi)
				for _, kv := range c.headers {
					req.Header.Add(kv[0], kv[1])
				}
				withSession(t, sess, req, func(r *http.Request) {
					err := newCSRF(t, t0, flaskwtf.Options{}).Check(r)
					got := ""
					if err != nil {
						got = flaskwtf.Reason(err)
					}
					if got != out.Error {
						t.Errorf("Go %q, Flask-WTF %q", got, out.Error)
					}
				})
			})
		}
	}
}

func request(t *testing.T, method, target string, form [][2]string, multi bool) *http.Request {
	t.Helper()
	var req *http.Request
	switch {
	case form == nil:
		req = httptest.NewRequest(method, target, nil)
	case multi:
		var b strings.Builder
		mw := multipart.NewWriter(&b)
		for _, kv := range form {
			mw.WriteField(kv[0], kv[1])
		}
		mw.Close()
		req = httptest.NewRequest(method, target, strings.NewReader(b.String()))
		req.Header.Set("Content-Type", mw.FormDataContentType())
	default:
		v := url.Values{}
		for _, kv := range form {
			v.Add(kv[0], kv[1])
		}
		req = httptest.NewRequest(method, target, strings.NewReader(v.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if strings.HasPrefix(target, "https:") {
		req.TLS = &tls.ConnectionState{}
	}
	return req
}

func TestTokenRoundTrip(t *testing.T) {
	h := pyharness.Start(t, "login31")
	c := newCSRF(t, t0, flaskwtf.Options{})
	withSession(t, "", httptest.NewRequest("GET", "/", nil), func(r *http.Request) {
		tok, err := c.Token(r)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := chimw.Session(r).String("csrf_token")
		if len(raw) != 40 {
			t.Fatalf("raw token %q", raw)
		}
		var out struct {
			OK    bool
			Error string
		}
		h.MustCall(t, "interop.csrf_validate", map[string]any{"token": tok, "session": "{'csrf_token': '" + raw + "'}",
			"secret_key": key, "now": t0.Add(time.Minute).Unix()}, &out)
		if !out.OK {
			t.Errorf("Flask-WTF refused the Go token: %s", out.Error)
		}
		// A second token keeps the session's raw token.
		tok2, _ := c.Token(r)
		if raw2, _ := chimw.Session(r).String("csrf_token"); raw2 != raw || tok2 == "" {
			t.Error("a second Token changed the raw token")
		}
	})
	// generate_csrf in Python on a session Go made, and the other way.
	var gen struct{ Token, Session string }
	h.MustCall(t, "interop.csrf_generate", map[string]any{"secret_key": key, "now": t0.Unix()}, &gen)
	withSession(t, gen.Session, httptest.NewRequest("POST", "/", nil), func(r *http.Request) {
		if err := c.Validate(r, gen.Token); err != nil {
			t.Errorf("Go refused Flask-WTF's token: %v", err)
		}
	})
}

func TestProtectMiddleware(t *testing.T) {
	c := newCSRF(t, t0, flaskwtf.Options{})
	ran := false
	h := c.Protect(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { ran = true }))
	withSession(t, "", httptest.NewRequest("POST", "/", nil), func(r *http.Request) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		if ran || rec.Code != 400 || !strings.Contains(rec.Body.String(), "The CSRF token is missing.") {
			t.Errorf("ran %v, %d %q", ran, rec.Code, rec.Body.String())
		}
	})
	if _, err := flaskwtf.New(flaskwtf.Options{}); !errors.Is(err, flaskwtf.ErrConfig) {
		t.Errorf("no key: %v", err)
	}
}

func FuzzVerify(f *testing.F) {
	c := newCSRF(f, t0, flaskwtf.Options{})
	for _, raw := range []string{flaskwtf.NewRaw(), "", "caf\u00e9"} {
		tok, _ := c.Sign(raw, t0)
		f.Add(tok)
	}
	// itsdangerous's compressed form, and known bad shapes.
	f.Add(".eJxTMjA0MjYxNTO3sExMSk5JTcPFVwIA4koKpQ.aae9vw.4BL_CIedy54j_eDGaon5Hn--9Zk")
	f.Add("..aae9vw.x")
	f.Add("a.b.c.d")
	f.Fuzz(func(t *testing.T, tok string) {
		raw, err := c.Verify(tok)
		if err == nil {
			if again, _ := c.Sign(raw, t0); again == "" {
				t.Fatal("a verified raw token does not sign")
			}
		}
	})
}
