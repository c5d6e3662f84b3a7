package scsbench

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/alexedwards/scs/goredisstore"
	"github.com/alexedwards/scs/v2"
	"github.com/alexedwards/scs/v2/memstore"
	"github.com/redis/go-redis/v9"

	"github.com/flaskbridge/flaskbridge/internal/services"
)

// handlers mirror chimw's bench_test.go: untouched, read, write.
func handlers(sm *scs.SessionManager) []struct {
	name string
	h    http.HandlerFunc
} {
	return []struct {
		name string
		h    http.HandlerFunc
	}{
		{"untouched", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }},
		{"read", func(w http.ResponseWriter, r *http.Request) {
			sm.GetString(r.Context(), "_user_id")
			w.Write([]byte("ok"))
		}},
		{"write", func(w http.ResponseWriter, r *http.Request) {
			n := sm.GetInt(r.Context(), "hits")
			sm.Put(r.Context(), "hits", n+1)
			w.Write([]byte("ok"))
		}},
	}
}

func seed(sm *scs.SessionManager) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		sm.Put(ctx, "_user_id", "42")
		sm.Put(ctx, "_fresh", true)
		sm.Put(ctx, "_id", strings.Repeat("0123456789abcdef", 8))
		sm.Put(ctx, "csrf_token", strings.Repeat("a1", 20))
		sm.Put(ctx, "hits", 0)
	}
}

func run(b *testing.B, sm *scs.SessionManager) {
	rec := httptest.NewRecorder()
	sm.LoadAndSave(seed(sm)).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	cookie := strings.SplitN(rec.Header().Get("Set-Cookie"), ";", 2)[0]
	for _, hh := range handlers(sm) {
		h := sm.LoadAndSave(hh.h)
		b.Run(hh.name, func(b *testing.B) {
			b.ReportAllocs()
			req := httptest.NewRequest("GET", "/", nil)
			req.Header.Set("Cookie", cookie)
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != 200 {
					b.Fatal(rec.Code)
				}
			}
		})
	}
}

func BenchmarkSCSRedis(b *testing.B) {
	client := redis.NewClient(&redis.Options{Addr: services.Redis(b)})
	defer client.Close()
	if err := client.Ping(context.Background()).Err(); err != nil {
		b.Skip(err)
	}
	sm := scs.New()
	sm.Store = goredisstore.New(client)
	sm.Lifetime = 31 * 24 * time.Hour
	run(b, sm)
}

func BenchmarkSCSMemory(b *testing.B) {
	sm := scs.New()
	sm.Store = memstore.New()
	run(b, sm)
}
