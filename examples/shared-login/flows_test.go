package main

// The example's flows over plain HTTP, as a browser plays them (a cookie
// jar, redirects followed), against the real Flask app behind the Go
// front: each page says which side served it, who is logged in, and which
// messages it showed.

import (
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/flaskbridge/flaskbridge/examples/shared-login/sharedlogin"
	"github.com/flaskbridge/flaskbridge/internal/pyharness"
	"github.com/flaskbridge/flaskbridge/internal/tamper"
)

const userAgent = "Mozilla/5.0 (X11; Linux x86_64) shared-login-test"

// client is one browser: its cookies and user agent.
type client struct {
	t   *testing.T
	c   *http.Client
	jar *cookiejar.Jar
}

func newClient(t *testing.T) *client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &client{t: t, c: &http.Client{Jar: jar}, jar: jar}
}

// page is what a response shows.
type page struct {
	status   int
	path     string // the final URL's path and query, after redirects
	servedBy string // "flask" or "go"
	user     string // data-user: the id, "" when logged out, "?" when the page has no user line
	fresh    bool   // the Go profile says "fresh login"
	flashes  []string
	notes    []string
	csrf     string
	errText  string
	body     string
}

var (
	servedByRE = regexp.MustCompile(`data-served-by="(\w+)"`)
	userRE     = regexp.MustCompile(`id="user" data-user="([^"]*)"`)
	flashRE    = regexp.MustCompile(`<li class="flash [^"]*" data-category="([^"]*)">(.*?)</li>`)
	notesRE    = regexp.MustCompile(`(?s)<ol id="notes">(.*?)</ol>`)
	liRE       = regexp.MustCompile(`(?s)<li>(.*?)</li>`)
	csrfRE     = regexp.MustCompile(`name="csrf_token"[^>]*value="([^"]+)"`)
	errorRE    = regexp.MustCompile(`<p id="error">(.*?)</p>`)
)

func parsePage(resp *http.Response) page {
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	body := string(data)
	p := page{status: resp.StatusCode, path: resp.Request.URL.RequestURI(), body: body, user: "?"}
	if m := servedByRE.FindStringSubmatch(body); m != nil {
		p.servedBy = m[1]
	}
	if m := userRE.FindStringSubmatch(body); m != nil {
		p.user = html.UnescapeString(m[1])
	}
	p.fresh = strings.Contains(body, "fresh login")
	for _, m := range flashRE.FindAllStringSubmatch(body, -1) {
		p.flashes = append(p.flashes, m[1]+": "+html.UnescapeString(m[2]))
	}
	if m := notesRE.FindStringSubmatch(body); m != nil {
		for _, li := range liRE.FindAllStringSubmatch(m[1], -1) {
			p.notes = append(p.notes, html.UnescapeString(li[1]))
		}
	}
	if m := csrfRE.FindStringSubmatch(body); m != nil {
		p.csrf = m[1]
	}
	if m := errorRE.FindStringSubmatch(body); m != nil {
		p.errText = html.UnescapeString(m[1])
	}
	return p
}

func (c *client) do(method, u string, form url.Values) page {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("User-Agent", userAgent)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.c.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	return parsePage(resp)
}

func (c *client) get(u string) page                   { return c.do("GET", u, nil) }
func (c *client) post(u string, form url.Values) page { return c.do("POST", u, form) }

// postNoFollow posts and returns the response itself, not following a
// redirect.
func (c *client) postNoFollow(u string, form url.Values) page {
	c.t.Helper()
	c.c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	defer func() { c.c.CheckRedirect = nil }()
	return c.post(u, form)
}

// cookie returns the value of the named cookie the browser sends to u.
func (c *client) cookie(u, name string) (string, bool) {
	pu, _ := url.Parse(u)
	for _, ck := range c.jar.Cookies(pu) {
		if ck.Name == name {
			return ck.Value, true
		}
	}
	return "", false
}

// expect checks a page: the side that served it, the path it ended on,
// the user it shows, and its flashed messages.
func expect(t *testing.T, step string, p page, servedBy, path, user string, flashes ...string) {
	t.Helper()
	if p.servedBy != servedBy || p.path != path || p.user != user || !slices.Equal(p.flashes, flashes) {
		t.Errorf("%s: got %d %s served by %q, user %q, flashes %q; want %s served by %q, user %q, flashes %q",
			step, p.status, p.path, p.servedBy, p.user, p.flashes, path, servedBy, user, flashes)
	}
}

// login logs alice in on the Flask login page, coming from the Go profile.
func login(t *testing.T, c *client, base string, remember bool) page {
	t.Helper()
	p := c.get(base + "/profile")
	expect(t, "profile before login", p, "flask", "/login?next=%2Fprofile", "?", "info: Please log in to access this page.")
	form := url.Values{"csrf_token": {p.csrf}, "username": {"alice"}, "password": {"wonderland"}}
	if remember {
		form.Set("remember", "y")
	}
	p = c.post(base+"/login?next=%2Fprofile", form)
	expect(t, "login", p, "go", "/profile", "alice", "success: Welcome, Alice Liddell! (logged in by Flask)")
	return p
}

// TestFlows plays the example's flows for each session kind: logged in on
// Flask, seen on Go; flashed on Go, shown by Flask (and the other way); a
// form rendered by Flask posted to Go, with a good token and with bad
// ones; logged out on Go, seen on Flask. Redis runs twice: with and
// without SHARED_LOGIN_REFRESH_ON_LOAD.
func TestFlows(t *testing.T) {
	for _, k := range append(slices.Clone(kinds), kind{name: "redis", server: sharedlogin.Gunicorn, refreshOnLoad: true}) {
		t.Run(k.label(), func(t *testing.T) {
			t.Parallel()
			s := startStack(t, k, storeEnv(t, k))
			base := s.front.URL
			c := newClient(t)

			p := login(t, c, base, false)
			if !p.fresh || !strings.Contains(p.body, "sessions: <span id=\"store\">"+k.name) {
				t.Errorf("Go profile: fresh %v, body:\n%s", p.fresh, p.body)
			}

			// Flashed on Go, shown by Flask.
			p = c.post(base+"/hello", url.Values{"csrf_token": {p.csrf}})
			expect(t, "hello", p, "flask", "/", "alice", "info: Hello from Go, Alice Liddell!")

			// A form rendered by Flask, posted to Go.
			form := c.get(base + "/notes/new")
			expect(t, "note form", form, "flask", "/notes/new", "?")
			note := `Buy milk & "eggs" <ünï> ☕`
			p = c.post(base+"/notes", url.Values{"csrf_token": {form.csrf}, "text": {note}})
			expect(t, "note", p, "flask", "/", "alice", "success: Note saved by Go: "+note)
			if !slices.Equal(p.notes, []string{note}) {
				t.Errorf("notes on Flask's page: %q", p.notes)
			}

			// Bad tokens: Go refuses them as Flask-WTF does.
			other := newClient(t).get(base + "/login") // a token of another session
			form = c.get(base + "/notes/new")
			for _, bad := range []struct{ token, reason string }{
				{form.csrf + "x", "The CSRF token is invalid."},
				{tamper.Signature(form.csrf), "The CSRF token is invalid."},
				{"", "The CSRF token is missing."},
				{other.csrf, "The CSRF tokens do not match."},
			} {
				p = c.post(base+"/notes", url.Values{"csrf_token": {bad.token}, "text": {"forged"}})
				if p.status != http.StatusBadRequest || p.servedBy != "go" || p.errText != bad.reason {
					t.Errorf("token %q: %d served by %q, %q; want 400 from Go, %q", bad.token, p.status, p.servedBy, p.errText, bad.reason)
				}
			}
			home := c.get(base + "/")
			expect(t, "home after forged posts", home, "flask", "/", "alice")
			if !slices.Equal(home.notes, []string{note}) {
				t.Errorf("notes after forged posts: %q", home.notes)
			}

			// Logged out on Go, seen on Flask.
			p = c.post(base+"/logout", url.Values{"csrf_token": {home.csrf}})
			expect(t, "logout", p, "flask", "/", "", "info: You are logged out (by Go).")
			p = c.get(base + "/notes/new")
			expect(t, "note form after logout", p, "flask", "/login?next=%2Fnotes%2Fnew", "?", "info: Please log in to access this page.")
			p = c.get(base + "/profile")
			expect(t, "Go profile after logout", p, "flask", "/login?next=%2Fprofile", "?", "info: Please log in to access this page.")
		})
	}
}

// TestRemember logs in with "remember me", then drops the session cookie
// (a browser restart): both sides log the user back in from the remember
// cookie Flask-Login set, and a logout on Go deletes it. With session
// protection "strong" and Flask's cookie session (not permanent), the
// restored login lasts one request, on either side, as in Flask-Login: the
// restored session has no identifier, so the next request fails the
// check, which logs the user out and deletes the remember cookie.
func TestRemember(t *testing.T) {
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			t.Parallel()
			s := startStack(t, k, storeEnv(t, k))
			base := s.front.URL
			restarted := rememberedClient(t, base)
			p := restarted.get(base + "/profile")
			expect(t, "Go profile from the remember cookie", p, "go", "/profile", "alice")
			if p.fresh {
				t.Error("a login restored from the remember cookie is fresh")
			}
			home := restarted.get(base + "/")
			expect(t, "Flask home from the remember cookie", home, "flask", "/", "alice")

			p = restarted.post(base+"/logout", url.Values{"csrf_token": {home.csrf}})
			expect(t, "logout", p, "flask", "/", "", "info: You are logged out (by Go).")
			if v, ok := restarted.cookie(base, "remember_token"); ok {
				t.Errorf("remember cookie kept after logout: %q", v)
			}
		})
	}
	t.Run("cookie-strong", func(t *testing.T) {
		t.Parallel()
		k := kind{name: "cookie", server: sharedlogin.Werkzeug}
		s := startStack(t, k, append(storeEnv(t, k), "FLASK_SESSION_PROTECTION=strong"))
		base := s.front.URL
		restarted := rememberedClient(t, base)
		expect(t, "Go profile from the remember cookie", restarted.get(base+"/profile"), "go", "/profile", "alice")
		expect(t, "next request", restarted.get(base+"/"), "flask", "/", "")
		if v, ok := restarted.cookie(base, "remember_token"); ok {
			t.Errorf("remember cookie kept: %q", v)
		}
	})
}

// rememberedClient logs alice in with "remember me" and returns a browser
// that has only the remember cookie.
func rememberedClient(t *testing.T, base string) *client {
	t.Helper()
	c := newClient(t)
	login(t, c, base, true)
	token, ok := c.cookie(base, "remember_token")
	if !ok || !strings.HasPrefix(token, "alice|") {
		t.Fatalf("remember cookie %q, %v", token, ok)
	}
	restarted := newClient(t)
	u, _ := url.Parse(base)
	restarted.jar.SetCookies(u, []*http.Cookie{{Name: "remember_token", Value: token, Path: "/"}})
	return restarted
}

// TestRollback sends every route back to Flask (the front's FlaskOnly
// switch, then no front at all) in the middle of a session: nobody is
// logged out, the messages Go flashed and the notes Go saved are there,
// and a form Go rendered posts to Flask.
func TestRollback(t *testing.T) {
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			t.Parallel()
			s := startStack(t, k, storeEnv(t, k))
			base := s.front.URL
			c := newClient(t)
			profile := login(t, c, base, false)
			form := c.get(base + "/notes/new")
			// The redirect is not followed: the message stays in the session.
			p := c.postNoFollow(base+"/notes", url.Values{"csrf_token": {form.csrf}, "text": {"written through Go"}})
			if p.status != http.StatusFound {
				t.Fatalf("note: %d", p.status)
			}

			rollback := s.newFront(true).URL
			p = c.get(rollback + "/profile")
			expect(t, "profile after rollback", p, "flask", "/profile", "alice", "success: Note saved by Go: written through Go")
			// A form rendered by Go before the rollback, posted to Flask.
			p = c.post(rollback+"/hello", url.Values{"csrf_token": {profile.csrf}})
			expect(t, "Flask's hello", p, "flask", "/", "alice", "info: Hello from Flask, Alice Liddell!")
			if !slices.Equal(p.notes, []string{"written through Go"}) {
				t.Errorf("notes after rollback: %q", p.notes)
			}
			// Straight to Flask, no front at all.
			p = c.get(s.flask.URL + "/profile")
			expect(t, "Flask alone", p, "flask", "/profile", "alice")
			// Flask logs out; the Go front sees it.
			p = c.post(s.flask.URL+"/logout", url.Values{"csrf_token": {p.csrf}})
			expect(t, "Flask's logout", p, "flask", "/", "", "info: You are logged out (by Flask).")
			p = c.get(base + "/profile")
			expect(t, "Go after Flask's logout", p, "flask", "/login?next=%2Fprofile", "?", "info: Please log in to access this page.")
		})
	}
}

// TestKeyRotation rolls SECRET_KEY over, restarting both sides as a
// deployment does.
//
// Cookie sessions: a session signed with the old key stays logged in on
// both sides while the old key is in SECRET_KEY_FALLBACKS, and after the
// fallback is dropped once the session was written again (signed with the
// new key); a session not written during the rollover is logged out when
// the fallback goes. Forms and remember cookies signed with the old key
// are refused at once: Flask-WTF and Flask-Login sign with SECRET_KEY
// only.
//
// Flask-Session: the cookie holds the bare session id, which no key signs,
// so nobody is logged out; with SESSION_USE_SIGNER the id is signed with
// SECRET_KEY only, and every session is lost, fallbacks or not.
func TestKeyRotation(t *testing.T) {
	oldKey, newKey := "old-"+randomHex(t, 16), "new-"+randomHex(t, 16)
	python := pyharness.Python(t, sharedlogin.Venv)
	loggedOut := func(t *testing.T, step string, c *client, base string) {
		t.Helper()
		expect(t, step, c.get(base+"/profile"), "flask", "/login?next=%2Fprofile", "?", "info: Please log in to access this page.")
	}

	t.Run("cookie", func(t *testing.T) {
		t.Parallel()
		k := kind{name: "cookie", server: sharedlogin.Werkzeug}
		s := startStack(t, k, []string{"FLASK_SHARED_LOGIN_STORE=cookie", "FLASK_SECRET_KEY=" + oldKey})
		active, idle := newClient(t), newClient(t)
		profile := login(t, active, s.front.URL, false)
		login(t, idle, s.front.URL, false)
		remembered := rememberedClient(t, s.front.URL)

		s.restart(python, k.server, "FLASK_SECRET_KEY="+newKey, "FLASK_SECRET_KEY_FALLBACKS="+jsonList(oldKey))
		base := s.front.URL
		p := active.get(base + "/profile")
		expect(t, "Go, old key as a fallback", p, "go", "/profile", "alice")
		expect(t, "Flask, old key as a fallback", active.get(base+"/"), "flask", "/", "alice")
		stale := active.post(base+"/hello", url.Values{"csrf_token": {profile.csrf}})
		if stale.status != http.StatusBadRequest || stale.errText != "The CSRF token is invalid." {
			t.Errorf("form signed with the old key: %d %q", stale.status, stale.errText)
		}
		loggedOut(t, "remember cookie signed with the old key", remembered, base)
		// A change re-signs the session with the new key.
		p = active.post(base+"/hello", url.Values{"csrf_token": {p.csrf}})
		expect(t, "hello with the new key", p, "flask", "/", "alice", "info: Hello from Go, Alice Liddell!")

		s.restart(python, k.server, "FLASK_SECRET_KEY_FALLBACKS=[]")
		base = s.front.URL
		expect(t, "Go, old key gone", active.get(base+"/profile"), "go", "/profile", "alice")
		expect(t, "Flask, old key gone", active.get(base+"/"), "flask", "/", "alice")
		loggedOut(t, "idle session, old key gone", idle, base)
	})

	for _, signed := range []bool{false, true} {
		name := "filesystem"
		if signed {
			name = "filesystem-signed-ids"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			k := kind{name: "filesystem", server: sharedlogin.Werkzeug}
			env := append(storeEnv(t, k), "FLASK_SECRET_KEY="+oldKey, fmt.Sprintf("FLASK_SESSION_USE_SIGNER=%v", signed))
			s := startStack(t, k, env)
			c := newClient(t)
			login(t, c, s.front.URL, false)
			s.restart(python, k.server, "FLASK_SECRET_KEY="+newKey, "FLASK_SECRET_KEY_FALLBACKS="+jsonList(oldKey))
			base := s.front.URL
			if signed {
				loggedOut(t, "signed id, old key as a fallback", c, base)
				return
			}
			s.restart(python, k.server, "FLASK_SECRET_KEY_FALLBACKS=[]")
			base = s.front.URL
			expect(t, "Go, new key only", c.get(base+"/profile"), "go", "/profile", "alice")
			expect(t, "Flask, new key only", c.get(base+"/"), "flask", "/", "alice")
		})
	}
}
