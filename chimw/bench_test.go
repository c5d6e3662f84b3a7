package chimw_test

// Per-request overhead of the middleware: the same handler served through
// an httptest recorder with and without it. internal/perf's BenchmarkHTTPSCS
// times alexedwards/scs on the same requests and the same Redis, beside
// BenchmarkHTTPChimw (make bench reports both).

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/flaskbridge/flaskbridge/chimw"
	"github.com/flaskbridge/flaskbridge/flasksession"
	"github.com/flaskbridge/flaskbridge/flasksession/redisstore"
	"github.com/flaskbridge/flaskbridge/internal/services"
)

// benchHandlers are the handlers timed: one that never touches the
// session, one that reads a value, one that writes one.
var benchHandlers = []struct {
	name string
	h    http.HandlerFunc
}{
	{"untouched", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }},
	{"read", func(w http.ResponseWriter, r *http.Request) {
		chimw.Session(r).Get("_user_id")
		w.Write([]byte("ok"))
	}},
	{"write", func(w http.ResponseWriter, r *http.Request) {
		n, _ := chimw.Session(r).Int("hits")
		chimw.Session(r).Set("hits", n+1)
		w.Write([]byte("ok"))
	}},
}

func runBench(b *testing.B, h http.Handler, cookie string) {
	b.ReportAllocs()
	req := httptest.NewRequest("GET", "/", nil)
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatal(rec.Code, rec.Body.String())
		}
	}
}

// loginSession is what a logged-in Flask-Login user's session holds.
func loginSession(b *testing.B, h http.Handler) string {
	b.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	c := rec.Header().Get("Set-Cookie")
	if c == "" {
		b.Fatal("no cookie")
	}
	return strings.SplitN(c, ";", 2)[0]
}

func seed(w http.ResponseWriter, r *http.Request) {
	s := chimw.Session(r)
	s.Set("_user_id", "42")
	s.Set("_fresh", true)
	s.Set("_id", strings.Repeat("0123456789abcdef", 8))
	s.Set("csrf_token", strings.Repeat("a1", 20))
	s.Set("hits", 0)
}

func BenchmarkBaseline(b *testing.B) {
	runBench(b, benchHandlers[0].h, "")
}

func BenchmarkCookie(b *testing.B) {
	backend := cookieBackend(b, chimw.CookieOptions{})
	for _, lazy := range []bool{false, true} {
		m := chimw.New(backend, chimw.Options{Lazy: lazy})
		cookie := loginSession(b, m.Handler(http.HandlerFunc(seed)))
		for _, bh := range benchHandlers {
			name := bh.name
			if lazy {
				name += "/lazy"
			}
			b.Run(name, func(b *testing.B) { runBench(b, m.Handler(bh.h), cookie) })
		}
	}
}

func BenchmarkRedis(b *testing.B) {
	client := redis.NewClient(&redis.Options{Addr: services.Redis(b)})
	defer client.Close()
	if err := client.Ping(context.Background()).Err(); err != nil {
		b.Skip(err)
	}
	mgr, err := flasksession.New(redisstore.New(client), flasksession.Options{SecretKey: testKey})
	if err != nil {
		b.Fatal(err)
	}
	for _, lazy := range []bool{false, true} {
		m := chimw.New(chimw.NewStoreBackend(mgr), chimw.Options{Lazy: lazy})
		cookie := loginSession(b, m.Handler(http.HandlerFunc(seed)))
		for _, bh := range benchHandlers {
			name := bh.name
			if lazy {
				name += "/lazy"
			}
			b.Run(name, func(b *testing.B) { runBench(b, m.Handler(bh.h), cookie) })
		}
	}
}
