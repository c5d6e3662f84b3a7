package chimw_test

// Cross-language tests: a real Flask app (Flask 3.1, Flask-Login 0.6.3,
// Flask-WTF 1.3, Flask-Session 0.8 over Redis, or Flask's cookie session)
// served on loopback behind a Go front that serves /go/... itself and
// proxies everything else to Flask, as an app half moved to Go does. A
// browser-like client talks to the front only. Each step can be played on
// either side from the same cookies, and the outcomes (the answer, the
// cookies set, the session Flask then reads) are compared.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/flaskbridge/flaskbridge/chimw"
	"github.com/flaskbridge/flaskbridge/chimw/flasklogin"
	"github.com/flaskbridge/flaskbridge/chimw/flaskwtf"
	"github.com/flaskbridge/flaskbridge/flasksession"
	"github.com/flaskbridge/flaskbridge/flasksession/redisstore"
	"github.com/flaskbridge/flaskbridge/internal/pyharness"
	"github.com/flaskbridge/flaskbridge/internal/services"
)

const uaBrowser = "Mozilla/5.0 (X11; Linux x86_64) flaskbridge-test caf\xc3\xa9"

// front is the Go app in front of Flask.
type front struct {
	t          *testing.T
	rdb        *redis.Client // the Redis of Flask-Session, or nil
	cookieName string        // SESSION_COOKIE_NAME
	url        string
	login      *flasklogin.Manager
	csrf       *flaskwtf.CSRF
}

// goRoutes are the Go twins of the Flask app's routes (scripts/pyops/interop.py).
func goRoutes(login *flasklogin.Manager, csrf *flaskwtf.CSRF) *http.ServeMux {
	mux := http.NewServeMux()
	writeJSON := func(w http.ResponseWriter, v any) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(v)
	}
	mux.HandleFunc("GET /go/whoami", func(w http.ResponseWriter, r *http.Request) {
		id, ok := login.UserID(r)
		var idv any
		if ok {
			idv = id
		}
		writeJSON(w, map[string]any{"authenticated": ok, "id": idv, "fresh": login.Fresh(r), "remembered": login.Remembered(r)})
	})
	mux.HandleFunc("POST /go/login", func(w http.ResponseWriter, r *http.Request) {
		o := flasklogin.LoginOptions{Remember: r.FormValue("remember") == "1", Stale: r.FormValue("fresh") == "0"}
		if d := r.FormValue("duration"); d != "" {
			f, _ := strconv.ParseFloat(d, 64)
			o.Duration = time.Duration(f * float64(time.Second))
		}
		if p := r.FormValue("permanent"); p != "" {
			chimw.Session(r).SetPermanent(p == "1")
		}
		err := login.LoginUser(r, r.FormValue("id"), o)
		writeJSON(w, map[string]any{"ok": err == nil})
	})
	mux.HandleFunc("POST /go/logout", func(w http.ResponseWriter, r *http.Request) {
		err := login.LogoutUser(r)
		writeJSON(w, map[string]any{"ok": err == nil})
	})
	mux.HandleFunc("POST /go/flash", func(w http.ResponseWriter, r *http.Request) {
		cat := r.FormValue("category")
		if _, ok := r.PostForm["category"]; !ok {
			cat = ""
		}
		var err error
		if r.FormValue("markup") == "1" {
			err = chimw.FlashMarkup(r, r.FormValue("message"), cat)
		} else {
			err = chimw.Flash(r, r.FormValue("message"), cat)
		}
		writeJSON(w, map[string]any{"ok": err == nil})
	})
	mux.HandleFunc("GET /go/flashes", func(w http.ResponseWriter, r *http.Request) {
		out := [][]any{}
		for _, f := range chimw.Flashes(r, r.URL.Query()["filter"]...) {
			out = append(out, []any{f.Category, f.Message, f.Markup})
		}
		writeJSON(w, map[string]any{"flashes": out})
	})
	mux.HandleFunc("GET /go/csrf", func(w http.ResponseWriter, r *http.Request) {
		tok, err := csrf.Token(r)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		raw, _ := chimw.Session(r).String(csrf.FieldName())
		writeJSON(w, map[string]any{"token": tok, "raw": raw})
	})
	mux.Handle("/go/protected", csrf.Protect(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, map[string]any{"ok": true})
	})))
	return mux
}

type kind struct {
	name   string
	store  map[string]any // nil: cookie sessions
	config map[string]any // more Flask config
}

func kinds(t *testing.T) []kind {
	return []kind{{"cookie", nil, nil}, {"redis", map[string]any{"type": "redis", "addr": services.Redis(t)}, nil}}
}

func startFront(t *testing.T, h *pyharness.Helper, k kind, config map[string]any) *front {
	t.Helper()
	cfg := map[string]any{"SECRET_KEY": testKey, "SESSION_PROTECTION": "strong"}
	for n, v := range config {
		cfg[n] = v
	}
	var out struct{ Port int }
	h.MustCall(t, "interop.serve", map[string]any{"config": cfg, "store": k.store}, &out)
	t.Cleanup(func() { h.Call("interop.stop", map[string]any{"port": out.Port}, nil) })

	var backend chimw.Backend
	var rdb *redis.Client
	fo, err := flasksession.OptionsFromConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if k.store == nil {
		co := chimw.CookieOptionsFrom(fo)
		co.CookiePartitioned = cfg["SESSION_COOKIE_PARTITIONED"] == true
		b, err := chimw.NewCookieBackend(co)
		if err != nil {
			t.Fatal(err)
		}
		backend = b
	} else {
		client := redis.NewClient(&redis.Options{Addr: k.store["addr"].(string)})
		t.Cleanup(func() { client.Close() })
		rdb = client
		m, err := flasksession.New(redisstore.New(client), fo)
		if err != nil {
			t.Fatal(err)
		}
		backend = chimw.NewStoreBackend(m)
	}
	lo := flasklogin.Options{SecretKey: testKey, SessionProtection: "strong"}
	if d, ok := config["REMEMBER_COOKIE_DURATION"].(int); ok {
		lo.RememberCookieDuration = time.Duration(d) * time.Second
	}
	lo.RememberCookieSameSite, _ = config["REMEMBER_COOKIE_SAMESITE"].(string)
	lo.RememberCookieSecure, _ = config["REMEMBER_COOKIE_SECURE"].(bool)
	lo.RememberCookiePath, _ = config["REMEMBER_COOKIE_PATH"].(string)
	login, err := flasklogin.New(lo)
	if err != nil {
		t.Fatal(err)
	}
	csrf, err := flaskwtf.New(flaskwtf.Options{SecretKey: []byte(testKey)})
	if err != nil {
		t.Fatal(err)
	}
	flask, _ := url.Parse(fmt.Sprintf("http://127.0.0.1:%d", out.Port))
	mux := goRoutes(login, csrf)
	mux.Handle("/", httputil.NewSingleHostReverseProxy(flask))
	sessions := chimw.New(backend, chimw.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	// The session middleware wraps the Go routes only: proxied requests
	// leave their cookies to Flask.
	root := http.NewServeMux()
	root.Handle("/go/", sessions.Handler(login.Middleware(mux)))
	root.Handle("/", mux)
	srv := httptest.NewServer(root)
	t.Cleanup(srv.Close)
	name, _ := cfg["SESSION_COOKIE_NAME"].(string)
	if name == "" {
		name = "session"
	}
	return &front{t: t, rdb: rdb, cookieName: name, url: srv.URL, login: login, csrf: csrf}
}

// jar is the cookies of one browser: name -> value.
type jar map[string]string

func (j jar) clone() jar {
	c := jar{}
	for k, v := range j {
		c[k] = v
	}
	return c
}

func (j jar) header() string {
	var parts []string
	for k, v := range j {
		parts = append(parts, k+"="+v)
	}
	return strings.Join(parts, "; ")
}

// apply stores the cookies of Set-Cookie lines as a browser does, values
// as they are (quoted ones included), and forgets deleted ones.
func (j jar) apply(lines []string) {
	for _, l := range lines {
		nv, attrs, _ := strings.Cut(l, ";")
		name, value, _ := strings.Cut(nv, "=")
		if strings.Contains(attrs, "Max-Age=0") || strings.Contains(attrs, "1970") {
			delete(j, name)
			continue
		}
		j[name] = value
	}
}

// result is one response.
type result struct {
	status    int
	body      map[string]any
	setCookie []string
	vary      string
}

// do sends one request as a browser with cookies j and user agent ua, and
// applies the response's cookies to j.
func (f *front) do(j jar, ua, method, path string, form url.Values) result {
	f.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, f.url+path, body)
	if err != nil {
		f.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("User-Agent", ua)
	if len(j) > 0 {
		req.Header.Set("Cookie", j.header())
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	res := result{status: resp.StatusCode, setCookie: resp.Header.Values("Set-Cookie"), vary: resp.Header.Get("Vary")}
	if err := json.Unmarshal(data, &res.body); err != nil && resp.StatusCode == 200 {
		f.t.Fatalf("%s %s: %q", method, path, data)
	}
	j.apply(res.setCookie)
	return res
}

// session is the session Flask reads with the cookies of j, as repr text.
func (f *front) session(j jar) string {
	f.t.Helper()
	res := f.do(f.fork(j), uaBrowser, "GET", "/session", nil)
	return res.body["repr"].(string)
}

// fork returns a browser in the same state as j: for Flask-Session, with a
// copy of the stored session under a new id, so that the two sides of a
// step do not share it.
func (f *front) fork(j jar) jar {
	f.t.Helper()
	c := j.clone()
	if f.rdb == nil || j[f.cookieName] == "" {
		return c
	}
	ctx := context.Background()
	val, err := f.rdb.Get(ctx, "session:"+j[f.cookieName]).Bytes()
	if err == redis.Nil {
		return c
	}
	if err != nil {
		f.t.Fatal(err)
	}
	sid := flasksession.NewTokenID(32)
	if err := f.rdb.Set(ctx, "session:"+sid, val, time.Hour).Err(); err != nil {
		f.t.Fatal(err)
	}
	c[f.cookieName] = sid
	return c
}

// both plays a step on Flask (path) and on Go (/go + path) from the same
// cookies, checks that the answers and the sessions Flask reads afterwards
// agree, and returns the Go side's cookies and result.
func (f *front) both(j jar, ua, method, path string, form url.Values) (jar, result) {
	f.t.Helper()
	pj, gj := f.fork(j), f.fork(j)
	pr := f.do(pj, ua, method, path, form)
	gr := f.do(gj, ua, method, "/go"+path, form)
	if pr.status != gr.status || fmt.Sprint(pr.body) != fmt.Sprint(gr.body) {
		f.t.Errorf("%s %s: Flask %d %v, Go %d %v", method, path, pr.status, pr.body, gr.status, gr.body)
	}
	if ps, gs := f.session(pj), f.session(gj); ps != gs {
		f.t.Errorf("%s %s: session after Flask %s, after Go %s", method, path, ps, gs)
	}
	if pn, gn := cookieNames(pr.setCookie, "remember_token"), cookieNames(gr.setCookie, "remember_token"); pn != gn {
		f.t.Errorf("%s %s: remember cookie from Flask %q, from Go %q", method, path, pn, gn)
	}
	if pa, ga := attributes(pr.setCookie, f.cookieName), attributes(gr.setCookie, f.cookieName); pa != ga {
		f.t.Errorf("%s %s: session cookie from Flask %q, from Go %q", method, path, pa, ga)
	}
	if pr.vary != gr.vary {
		f.t.Errorf("%s %s: Vary from Flask %q, from Go %q", method, path, pr.vary, gr.vary)
	}
	return gj, gr
}

// cookieNames returns the Set-Cookie of the named cookie without its
// Expires date (which differs by a second or two between the sides).
func cookieNames(lines []string, name string) string {
	for _, l := range lines {
		if strings.HasPrefix(l, name+"=") {
			var keep []string
			for _, p := range strings.Split(l, "; ") {
				if !strings.HasPrefix(p, "Expires=") || strings.Contains(p, "1970") {
					keep = append(keep, p)
				}
			}
			return strings.Join(keep, "; ")
		}
	}
	return ""
}

// attributes returns the attributes of the named cookie's Set-Cookie, with
// whether it has a value and an Expires, but not what they are.
func attributes(lines []string, name string) string {
	for _, l := range lines {
		if strings.HasPrefix(l, name+"=") {
			parts := strings.Split(l, "; ")
			if parts[0] != name+"=" {
				parts[0] = name + "=<value>"
			}
			for i, p := range parts {
				if strings.HasPrefix(p, "Expires=") && !strings.Contains(p, "1970") {
					parts[i] = "Expires=<date>"
				}
			}
			return strings.Join(parts, "; ")
		}
	}
	return ""
}

func whoami(r result) string {
	return fmt.Sprintf("%v %v fresh=%v", r.body["authenticated"], r.body["id"], r.body["fresh"])
}

// attrConfig sets every cookie attribute away from its default.
var attrConfig = map[string]any{
	"SESSION_COOKIE_NAME": "sid", "SESSION_COOKIE_SAMESITE": "Lax", "SESSION_COOKIE_HTTPONLY": false,
	"SESSION_COOKIE_PATH": "/", "SESSION_COOKIE_PARTITIONED": true, "PERMANENT_SESSION_LIFETIME": 600,
	"REMEMBER_COOKIE_SAMESITE": "Strict", "REMEMBER_COOKIE_SECURE": true, "REMEMBER_COOKIE_PATH": "/",
}

func TestInteropLogin(t *testing.T) {
	h := pyharness.Start(t, "login31")
	ks := kinds(t)
	ks = append(ks, kind{"cookie-attributes", nil, attrConfig}, kind{"redis-attributes", ks[1].store, attrConfig})
	for _, k := range ks {
		t.Run(k.name, func(t *testing.T) {
			f := startFront(t, h, k, k.config)
			form := url.Values{"id": {"42"}}

			// Python logs in, Go sees the user.
			j := jar{}
			f.do(j, uaBrowser, "POST", "/login", form)
			if got := whoami(f.do(j, uaBrowser, "GET", "/go/whoami", nil)); got != "true 42 fresh=true" {
				t.Errorf("Go after a Flask login: %s", got)
			}
			// Go logs in: the same session as a Flask login; Flask's
			// current_user is the user, with strong protection.
			j, _ = f.both(jar{}, uaBrowser, "POST", "/login", form)
			if got := whoami(f.do(j, uaBrowser, "GET", "/whoami", nil)); got != "true 42 fresh=true" {
				t.Errorf("Flask after a Go login: %s", got)
			}
			// Both agree on every later request, and strong protection
			// logs out another user agent on both sides.
			f.both(j, uaBrowser, "GET", "/whoami", nil)
			_, r := f.both(j, "another browser", "GET", "/whoami", nil)
			want := "false <nil> fresh=false"
			if k.store != nil {
				// Flask-Session's sessions are permanent (SESSION_PERMANENT):
				// strong protection only marks the login not fresh.
				want = "true 42 fresh=false"
			}
			if whoami(r) != want {
				t.Errorf("strong protection: %s, want %s", whoami(r), want)
			}
			// Logout on Go: Flask sees nobody.
			j, _ = f.both(j, uaBrowser, "POST", "/logout", nil)
			if got := whoami(f.do(j, uaBrowser, "GET", "/whoami", nil)); got != "false <nil> fresh=false" {
				t.Errorf("Flask after a Go logout: %s", got)
			}
			// A stale login, and a permanent session (where strong
			// protection only marks the login not fresh).
			j, _ = f.both(jar{}, uaBrowser, "POST", "/login", url.Values{"id": {"5"}, "fresh": {"0"}, "permanent": {"1"}})
			f.both(j, "another browser", "GET", "/whoami", nil)
		})
	}
}

func TestInteropRemember(t *testing.T) {
	h := pyharness.Start(t, "login31")
	for _, k := range kinds(t) {
		t.Run(k.name, func(t *testing.T) {
			f := startFront(t, h, k, map[string]any{"REMEMBER_COOKIE_DURATION": 7200})
			for _, form := range []url.Values{
				{"id": {"7"}, "remember": {"1"}},
				{"id": {"ünï code"}, "remember": {"1"}, "duration": {"90.5"}},
			} {
				j, r := f.both(jar{}, uaBrowser, "POST", "/login", form)
				if j["remember_token"] == "" {
					t.Fatalf("no remember cookie: %q", r.setCookie)
				}
				// A new browser session: only the remember cookie is left.
				restart := jar{"remember_token": j["remember_token"]}
				j2, r2 := f.both(restart, uaBrowser, "GET", "/whoami", nil)
				if want := "true " + form.Get("id") + " fresh=false"; whoami(r2) != want {
					t.Errorf("restored from the remember cookie: %s, want %s", whoami(r2), want)
				}
				// The next request (strong protection, no "_id" in a
				// restored session) goes the same way on both sides.
				f.both(j2, uaBrowser, "GET", "/whoami", nil)
				// Logout deletes the remember cookie on both sides.
				j3, r3 := f.both(j, uaBrowser, "POST", "/logout", nil)
				if _, ok := j3["remember_token"]; ok {
					t.Errorf("remember cookie kept after logout: %q", r3.setCookie)
				}
			}
		})
	}
}

func TestInteropFlash(t *testing.T) {
	h := pyharness.Start(t, "login31")
	for _, k := range kinds(t) {
		t.Run(k.name, func(t *testing.T) {
			f := startFront(t, h, k, nil)
			j := jar{}
			j, _ = f.both(j, uaBrowser, "POST", "/flash", url.Values{"message": {"saved"}, "category": {"info"}})
			j, _ = f.both(j, uaBrowser, "POST", "/flash", url.Values{"message": {"plain"}})
			if k.store == nil {
				j, _ = f.both(j, uaBrowser, "POST", "/flash", url.Values{"message": {"<b>bold</b>"}, "category": {"error"}, "markup": {"1"}})
			}
			// Flashed on Go, shown by Flask, and the other way; the
			// filter keeps the others out and still consumes them.
			got := f.do(f.fork(j), uaBrowser, "GET", "/flashes", nil)
			want := "[[info saved false] [message plain false]"
			if !strings.HasPrefix(fmt.Sprint(got.body["flashes"]), want) {
				t.Errorf("Flask shows %v", got.body["flashes"])
			}
			for _, q := range []string{"", "?filter=info", "?filter=error&filter=message", "?filter=none"} {
				jj, _ := f.both(j, uaBrowser, "GET", "/flashes"+q, nil)
				if fl := f.do(jj, uaBrowser, "GET", "/flashes", nil); fmt.Sprint(fl.body["flashes"]) != "[]" {
					t.Errorf("%s: messages left after reading: %v", q, fl.body["flashes"])
				}
			}
			// Flashed by Flask, read by Go.
			pj := jar{}
			f.do(pj, uaBrowser, "POST", "/flash", url.Values{"message": {"from flask"}, "category": {"warning"}})
			if r := f.do(pj, uaBrowser, "GET", "/go/flashes", nil); fmt.Sprint(r.body["flashes"]) != "[[warning from flask false]]" {
				t.Errorf("Go shows %v", r.body["flashes"])
			}
		})
	}
}

func TestInteropMarkupInMsgspecStore(t *testing.T) {
	// Flask-Session 0.8 cannot store Markup (msgspec refuses it): both
	// sides fail the request rather than lose the message silently.
	h := pyharness.Start(t, "login31")
	f := startFront(t, h, kinds(t)[1], nil)
	form := url.Values{"message": {"<b>x</b>"}, "markup": {"1"}}
	pr := f.do(jar{}, uaBrowser, "POST", "/flash", form)
	gr := f.do(jar{}, uaBrowser, "POST", "/go/flash", form)
	if pr.status != 500 || gr.status != 500 {
		t.Errorf("Flask %d, Go %d, want 500 both", pr.status, gr.status)
	}
}

func TestInteropCSRF(t *testing.T) {
	h := pyharness.Start(t, "login31")
	for _, k := range kinds(t) {
		t.Run(k.name, func(t *testing.T) {
			f := startFront(t, h, k, nil)
			for _, issuer := range []string{"", "/go"} {
				j := jar{}
				tok := f.do(j, uaBrowser, "GET", issuer+"/csrf", nil).body["token"].(string)
				for _, checker := range []string{"", "/go"} {
					for _, c := range []struct {
						form url.Values
						want int
					}{
						{url.Values{"csrf_token": {tok}}, 200},
						{url.Values{"csrf_token": {tok + "x"}}, 400},
						{url.Values{"other": {"1"}}, 400},
					} {
						r := f.do(f.fork(j), uaBrowser, "POST", checker+"/protected", c.form)
						if r.status != c.want {
							t.Errorf("token from %q checked by %q (%v): %d", issuer, checker, c.form, r.status)
						}
					}
				}
				// A token Flask and Go issue for the same session carries the
				// same raw token.
				p := f.do(j, uaBrowser, "GET", "/csrf", nil).body["raw"]
				g := f.do(j, uaBrowser, "GET", "/go/csrf", nil).body["raw"]
				if p != g || p == "" {
					t.Errorf("raw tokens: Flask %v, Go %v", p, g)
				}
			}
			// Without a session token, both refuse with the same reason.
			pr := f.do(jar{}, uaBrowser, "POST", "/protected", url.Values{"csrf_token": {"x"}})
			gr := f.do(jar{}, uaBrowser, "POST", "/go/protected", url.Values{"csrf_token": {"x"}})
			if pr.status != 400 || gr.status != 400 || pr.body["error"] != "The CSRF session token is missing." {
				t.Errorf("Flask %d %v, Go %d", pr.status, pr.body, gr.status)
			}
		})
	}
}
