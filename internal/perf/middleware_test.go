package perf

// The per-request cost of the session middleware with Redis sessions:
// chimw with flasksession's Redis store against alexedwards/scs with its
// go-redis store, the same handlers on the same Redis (the test Redis of
// internal/services). Both run the request through an httptest recorder
// with the cookie of a logged-in session.

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/alexedwards/scs/goredisstore"
	"github.com/alexedwards/scs/v2"
	"github.com/redis/go-redis/v9"

	"github.com/flaskbridge/flaskbridge/chimw"
	"github.com/flaskbridge/flaskbridge/flasksession"
	"github.com/flaskbridge/flaskbridge/flasksession/redisstore"
	"github.com/flaskbridge/flaskbridge/internal/services"
)

// A session API, so that both libraries serve the same handlers.
type sessionAPI struct {
	get func(r *http.Request, key string) any
	int func(r *http.Request, key string) int
	set func(r *http.Request, key string, v any)
}

// seedSession is what a logged-in Flask-Login user's session holds, and a
// counter.
func seedSession(api sessionAPI) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		api.set(r, "_user_id", "42")
		api.set(r, "_fresh", true)
		api.set(r, "_id", strings.Repeat("0123456789abcdef", 8))
		api.set(r, "csrf_token", strings.Repeat("a1", 20))
		api.set(r, "hits", 0)
	}
}

// handlers: read reads one key; write reads the counter and writes it
// back, so that the session is saved.
func handlers(api sessionAPI) []struct {
	name string
	h    http.HandlerFunc
} {
	return []struct {
		name string
		h    http.HandlerFunc
	}{
		{"read", func(w http.ResponseWriter, r *http.Request) {
			api.get(r, "_user_id")
			w.Write([]byte("ok"))
		}},
		{"write", func(w http.ResponseWriter, r *http.Request) {
			api.set(r, "hits", api.int(r, "hits")+1)
			w.Write([]byte("ok"))
		}},
	}
}

func redisClient(b *testing.B) *redis.Client {
	client := redis.NewClient(&redis.Options{Addr: services.Redis(b)})
	b.Cleanup(func() { client.Close() })
	if err := client.Ping(context.Background()).Err(); err != nil {
		b.Skip(err)
	}
	return client
}

// serve runs the handlers behind wrap, with the cookie that seed set.
func serve(b *testing.B, api sessionAPI, wrap func(http.Handler) http.Handler) {
	rec := httptest.NewRecorder()
	wrap(seedSession(api)).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	cookie, _, _ := strings.Cut(rec.Header().Get("Set-Cookie"), ";")
	if cookie == "" {
		b.Fatal("no session cookie")
	}
	for _, hh := range handlers(api) {
		h := wrap(hh.h)
		b.Run(hh.name, func(b *testing.B) {
			req := httptest.NewRequest("GET", "/", nil)
			req.Header.Set("Cookie", cookie)
			measure(b, func() error {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatal(rec.Code, rec.Body.String())
				}
				return nil
			})
		})
	}
}

// BenchmarkHTTPChimw is chimw with flasksession's Redis store (Flask-Session
// 0.8's defaults: msgpack values).
func BenchmarkHTTPChimw(b *testing.B) {
	benchChimw(b, flasksession.Options{SecretKey: string(SecretKey)})
}

// BenchmarkHTTPChimwRefreshOnLoad is BenchmarkHTTPChimw with
// flasksession.Options.RefreshOnLoad: one round trip per read, not two.
func BenchmarkHTTPChimwRefreshOnLoad(b *testing.B) {
	benchChimw(b, flasksession.Options{SecretKey: string(SecretKey), RefreshOnLoad: true})
}

// BenchmarkHTTPChimwFixedExpiry is BenchmarkHTTPChimw with
// SESSION_REFRESH_EACH_REQUEST off: a request that does not change the
// session leaves its expiry alone, as scs does without an IdleTimeout.
func BenchmarkHTTPChimwFixedExpiry(b *testing.B) {
	benchChimw(b, flasksession.Options{SecretKey: string(SecretKey), RefreshEachRequest: flasksession.Bool(false)})
}

func benchChimw(b *testing.B, o flasksession.Options) {
	mgr, err := flasksession.New(redisstore.New(redisClient(b)), o)
	if err != nil {
		b.Fatal(err)
	}
	m := chimw.New(chimw.NewStoreBackend(mgr), chimw.Options{})
	api := sessionAPI{
		get: func(r *http.Request, k string) any { v, _ := chimw.Session(r).Get(k); return v },
		int: func(r *http.Request, k string) int { n, _ := chimw.Session(r).Int(k); return int(n) },
		set: func(r *http.Request, k string, v any) { chimw.Session(r).Set(k, v) },
	}
	serve(b, api, m.Handler)
}

// BenchmarkHTTPSCS is alexedwards/scs with its go-redis store, a session
// that expires 31 days after it was created.
func BenchmarkHTTPSCS(b *testing.B) {
	sm := scs.New()
	sm.Lifetime = 31 * 24 * time.Hour
	benchSCS(b, sm)
}

// BenchmarkHTTPSCSIdleTimeout is scs with a session that expires 31 days
// after the last request, as Flask-Session's permanent sessions do with
// SESSION_REFRESH_EACH_REQUEST on (its default): scs's IdleTimeout, which
// saves the session again on every request that loads it.
func BenchmarkHTTPSCSIdleTimeout(b *testing.B) {
	sm := scs.New()
	sm.Lifetime = 10 * 365 * 24 * time.Hour
	sm.IdleTimeout = 31 * 24 * time.Hour
	benchSCS(b, sm)
}

func benchSCS(b *testing.B, sm *scs.SessionManager) {
	sm.Store = goredisstore.New(redisClient(b))
	api := sessionAPI{
		get: func(r *http.Request, k string) any { return sm.Get(r.Context(), k) },
		int: func(r *http.Request, k string) int { return sm.GetInt(r.Context(), k) },
		set: func(r *http.Request, k string, v any) { sm.Put(r.Context(), k, v) },
	}
	serve(b, api, sm.LoadAndSave)
}

// BenchmarkHTTPBaseline is the handler alone, without sessions.
func BenchmarkHTTPBaseline(b *testing.B) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })
	req := httptest.NewRequest("GET", "/", nil)
	measure(b, func() error {
		h.ServeHTTP(httptest.NewRecorder(), req)
		return nil
	})
}
