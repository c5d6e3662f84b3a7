package sharedlogin

// The Go front on its own, in front of a stand-in for the Flask app: the
// routing between the two, the proxy's headers, and the Go routes on
// cookie sessions made here. The flows against the real Flask app are in
// the example's package (flows_test.go, browser_test.go).

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/flaskbridge/flaskbridge/chimw/flasklogin"
	"github.com/flaskbridge/flaskbridge/flaskcookie"
	"github.com/flaskbridge/flaskbridge/py"
)

const testKey = "test secret key"

// upstream is a stand-in for the Flask app: it answers with what it got.
func upstream(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]string{
			"method": r.Method, "path": r.URL.RequestURI(), "host": r.Host,
			"xff": r.Header.Get("X-Forwarded-For"), "proto": r.Header.Get("X-Forwarded-Proto"),
			"cookie": r.Header.Get("Cookie"),
		})
	}))
	t.Cleanup(srv.Close)
	return srv
}

func newFront(t *testing.T, flaskURL string, flaskOnly bool) *App {
	t.Helper()
	c, err := LoadConfig("", []string{"FLASK_SECRET_KEY=" + testKey, "FLASK_SESSION_PROTECTION=strong"})
	if err != nil {
		t.Fatal(err)
	}
	c.FlaskURL, c.FlaskOnly = flaskURL, flaskOnly
	a, err := New(c, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

func serve(h http.Handler, method, target, cookie string, form url.Values, hdr ...string) *http.Response {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, target, body)
	req.RemoteAddr = "198.51.100.9:4242"
	req.Header.Set("User-Agent", "test")
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func proxied(t *testing.T, resp *http.Response) map[string]string {
	t.Helper()
	var got map[string]string
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatalf("not proxied: %d %v", resp.StatusCode, err)
	}
	return got
}

func TestRouting(t *testing.T) {
	up := upstream(t)
	a := newFront(t, up.URL, false)
	for _, c := range []struct {
		method, path string
		toFlask      bool
	}{
		{"GET", "/", true},
		{"GET", "/login?next=%2Fprofile", true},
		{"POST", "/login", true},
		{"GET", "/static/style.css", true},
		{"GET", "/notes/new", true},
		{"GET", "/profile", false},
		{"POST", "/profile", true}, // only GET moved
		{"GET", "/hello", true},    // only POST moved
		{"POST", "/hello", false},
		{"POST", "/notes", false},
		{"POST", "/logout", false},
		{"GET", "/logout", true},
	} {
		resp := serve(a, c.method, c.path, "", nil)
		body, _ := io.ReadAll(resp.Body)
		isFlask := strings.HasPrefix(string(body), "{")
		if isFlask != c.toFlask {
			t.Errorf("%s %s: to Flask %v, want %v (%d %.60q)", c.method, c.path, isFlask, c.toFlask, resp.StatusCode, body)
		}
	}
	// The rollback front sends everything to Flask.
	rollback := newFront(t, up.URL, true)
	for _, m := range []string{"GET", "POST"} {
		for _, p := range []string{"/profile", "/hello", "/notes", "/logout"} {
			if got := proxied(t, serve(rollback, m, p, "", nil)); got["path"] != p || got["method"] != m {
				t.Errorf("rollback %s %s: %v", m, p, got)
			}
		}
	}
}

// The proxy keeps the browser's Host and cookies, and passes
// X-Forwarded-For on with the client's address appended, as the default
// Director does.
func TestProxyHeaders(t *testing.T) {
	a := newFront(t, upstream(t).URL, false)
	got := proxied(t, serve(a, "GET", "http://front.example/page?q=1", "session=abc; other=1", nil))
	want := map[string]string{"method": "GET", "path": "/page?q=1", "host": "front.example",
		"xff": "198.51.100.9", "proto": "http", "cookie": "session=abc; other=1"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
	got = proxied(t, serve(a, "GET", "/", "", nil, "X-Forwarded-For", "203.0.113.7"))
	if got["xff"] != "203.0.113.7, 198.51.100.9" {
		t.Errorf("X-Forwarded-For: %q", got["xff"])
	}
}

func TestFlaskDown(t *testing.T) {
	up := httptest.NewServer(http.NotFoundHandler())
	up.Close()
	a := newFront(t, up.URL, false)
	if resp := serve(a, "GET", "/", "", nil); resp.StatusCode != http.StatusBadGateway {
		t.Errorf("status %d", resp.StatusCode)
	}
}

// sessionCookie returns a Flask session cookie holding d, signed with the
// test key.
func sessionCookie(t *testing.T, d *py.Dict) string {
	t.Helper()
	codec, err := flaskcookie.New(flaskcookie.Options{SecretKey: []byte(testKey)})
	if err != nil {
		t.Fatal(err)
	}
	v, err := codec.Encode(d)
	if err != nil {
		t.Fatal(err)
	}
	return "session=" + v
}

// session returns the session a response's cookie holds.
func session(t *testing.T, resp *http.Response) *py.Dict {
	t.Helper()
	codec, _ := flaskcookie.New(flaskcookie.Options{SecretKey: []byte(testKey)})
	for _, c := range resp.Cookies() {
		if c.Name == "session" {
			d, err := codec.Decode(c.Value)
			if err != nil {
				t.Fatal(err)
			}
			return d
		}
	}
	t.Fatalf("no session cookie in %q", resp.Header.Values("Set-Cookie"))
	return nil
}

var tokenRE = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func TestGoRoutes(t *testing.T) {
	a := newFront(t, upstream(t).URL, false)

	// Anonymous: Flask-Login's redirect and message.
	resp := serve(a, "GET", "/profile?tab=1", "", nil)
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusFound || loc != "/login?next=%2Fprofile%3Ftab%3D1" {
		t.Errorf("anonymous profile: %d %q", resp.StatusCode, loc)
	}
	if got := py.Repr(session(t, resp)); got != "{'_flashes': [('info', 'Please log in to access this page.')]}" {
		t.Errorf("session: %s", got)
	}

	// Logged in by Flask (the session Flask-Login writes), with a message;
	// from another browser (another identifier), strong protection logs
	// the user out.
	flashes := &py.List{Items: []py.Value{py.Tuple{"success", "Welcome <b>"}}}
	stolen := py.DictOf("_user_id", "alice", "_fresh", true, "_id", "elsewhere", "_flashes", flashes)
	resp = serve(a, "GET", "/profile", sessionCookie(t, stolen), nil)
	if resp.StatusCode != http.StatusFound || session(t, resp).Has("_user_id") {
		t.Errorf("strong protection: %d", resp.StatusCode)
	}
	req := httptest.NewRequest("GET", "/", nil)
	req.RemoteAddr = "198.51.100.9:1"
	req.Header.Set("User-Agent", "test")
	logged := py.DictOf("_user_id", "alice", "_fresh", true, "_id", flasklogin.Identifier(req), "_flashes", flashes)
	cookie := sessionCookie(t, logged)
	resp = serve(a, "GET", "/profile", cookie, nil)
	body, _ := io.ReadAll(resp.Body)
	page := string(body)
	for _, want := range []string{`data-user="alice"`, "Alice Liddell", `data-category="success">Welcome &lt;b&gt;</li>`, `data-served-by="go"`} {
		if !strings.Contains(page, want) {
			t.Errorf("profile lacks %q:\n%s", want, page)
		}
	}
	if !strings.Contains(page, "fresh login") {
		t.Error("not a fresh login")
	}
	m := tokenRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no token:\n%s", page)
	}
	token := m[1]
	cookie = "session=" + strings.SplitN(strings.SplitN(resp.Header.Get("Set-Cookie"), ";", 2)[0], "=", 2)[1]

	resp = serve(a, "POST", "/hello", cookie, url.Values{"csrf_token": {token}})
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/" {
		t.Errorf("hello: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if f, _ := session(t, resp).Get("_flashes"); py.Repr(f) != "[('info', 'Hello from Go, Alice Liddell!')]" {
		t.Errorf("hello flashed %s", py.Repr(f))
	}

	// Notes: kept to the last maxNotes; an empty one is refused.
	for i := 0; i < maxNotes+2; i++ {
		resp = serve(a, "POST", "/notes", cookie, url.Values{"csrf_token": {token}, "text": {fmt.Sprint("note ", i)}})
		if resp.StatusCode != http.StatusFound {
			t.Fatalf("note %d: %d", i, resp.StatusCode)
		}
		cookie = resp.Cookies()[0].Name + "=" + resp.Cookies()[0].Value
	}
	if n, _ := session(t, resp).Get(NotesKey); py.Repr(n) != "['note 2', 'note 3', 'note 4', 'note 5', 'note 6', 'note 7', 'note 8', 'note 9', 'note 10', 'note 11']" {
		t.Errorf("notes: %s", py.Repr(n))
	}
	resp = serve(a, "POST", "/notes", cookie, url.Values{"csrf_token": {token}, "text": {"  "}})
	if resp.Header.Get("Location") != "/notes/new" {
		t.Errorf("empty note: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}

	// A bad token: Flask-WTF's reason, in a page of the Go side.
	resp = serve(a, "POST", "/notes", cookie, url.Values{"csrf_token": {token + "x"}, "text": {"x"}})
	body, _ = io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), `<p id="error">The CSRF token is invalid.</p>`) {
		t.Errorf("bad token: %d\n%s", resp.StatusCode, body)
	}

	// Logout: Flask-Login's keys go, the message comes.
	resp = serve(a, "POST", "/logout", cookie, url.Values{"csrf_token": {token}})
	d := session(t, resp)
	if d.Has("_user_id") || d.Has("_fresh") || d.Has("_id") {
		t.Errorf("after logout: %s", py.Repr(d))
	}
	if f, _ := d.Get("_flashes"); !strings.HasSuffix(py.Repr(f), ", ('info', 'You are logged out (by Go).')]") {
		t.Errorf("logout flashed %s", py.Repr(f))
	}
}

func TestNewErrors(t *testing.T) {
	c, err := LoadConfig("", []string{"FLASK_SECRET_KEY=k"})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"", "127.0.0.1:5000", "ftp://h/", "http://"} {
		c.FlaskURL = u
		if _, err := New(c, Options{}); err == nil {
			t.Errorf("Flask URL %q: no error", u)
		}
	}
	c.FlaskURL = "http://127.0.0.1:1"
	c.SessionProtection = "paranoid"
	if _, err := New(c, Options{}); err == nil {
		t.Error("SESSION_PROTECTION paranoid: no error")
	}
}
