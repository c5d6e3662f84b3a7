// Command loadserver is the Go app that scripts/load.sh drives with wrk:
// chimw sessions in Redis (flasksession over redisstore, Flask-Session
// 0.8's layout), with a debug endpoint that reports the process's memory
// and goroutines.
//
//	loadserver -addr 127.0.0.1:18080 -redis 127.0.0.1:16379
//
// Routes:
//
//	GET /login?user=NAME  a new session holding user and hits=0 (sets the cookie)
//	GET /hit              reads the session and adds one to hits (a store write)
//	GET /read             reads the session (the store only extends its expiry)
//	GET /debug/stats      JSON: goroutines, heap_alloc, heap_inuse, heap_objects,
//	                      sys, num_gc, rss (bytes, from /proc/self/statm)
//
// A request without a session, or whose session was lost, gets a 401 from
// /hit and /read, so that wrk counts it as an error.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/flaskbridge/flaskbridge/chimw"
	"github.com/flaskbridge/flaskbridge/flasksession"
	"github.com/flaskbridge/flaskbridge/flasksession/redisstore"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18080", "listen address")
	redisAddr := flag.String("redis", "127.0.0.1:16379", "Redis address")
	prefix := flag.String("prefix", "load:", "SESSION_KEY_PREFIX")
	pool := flag.Int("pool", 0, "Redis connection pool size (0: go-redis's default, 10 per CPU)")
	flag.Parse()

	rc := redis.NewClient(&redis.Options{Addr: *redisAddr, PoolSize: *pool})
	defer rc.Close()
	h, err := handler(rc, *prefix)
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{Addr: *addr, Handler: h, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}()
	log.Printf("loadserver on http://%s, sessions in Redis at %s", *addr, *redisAddr)
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Fatal(err)
	}
}

// handler is the app: the session routes behind the middleware, and
// /debug/stats beside it.
func handler(rc redis.UniversalClient, prefix string) (http.Handler, error) {
	m, err := flasksession.New(redisstore.New(rc), flasksession.Options{KeyPrefix: &prefix, PermanentSessionLifetime: time.Hour})
	if err != nil {
		return nil, err
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	sessions := chimw.New(chimw.NewStoreBackend(m), chimw.Options{Logger: logger})
	app := http.NewServeMux()
	app.HandleFunc("GET /login", func(w http.ResponseWriter, r *http.Request) {
		s := chimw.Session(r)
		s.Set("user", r.URL.Query().Get("user"))
		s.Set("hits", int64(0))
		fmt.Fprintln(w, "ok")
	})
	app.HandleFunc("GET /hit", func(w http.ResponseWriter, r *http.Request) {
		s := chimw.Session(r)
		if !s.Has("user") {
			http.Error(w, "no session", http.StatusUnauthorized)
			return
		}
		n, _ := s.Int("hits")
		s.Set("hits", n+1)
		fmt.Fprintf(w, "%d\n", n+1)
	})
	app.HandleFunc("GET /read", func(w http.ResponseWriter, r *http.Request) {
		s := chimw.Session(r)
		u, err := s.String("user")
		if err != nil {
			http.Error(w, "no session", http.StatusUnauthorized)
			return
		}
		fmt.Fprintln(w, u)
	})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /debug/stats", stats)
	mux.Handle("/", sessions.Handler(app))
	return mux, nil
}

// Stats is what /debug/stats reports.
type Stats struct {
	Goroutines  int    `json:"goroutines"`
	HeapAlloc   uint64 `json:"heap_alloc"`
	HeapInuse   uint64 `json:"heap_inuse"`
	HeapObjects uint64 `json:"heap_objects"`
	Sys         uint64 `json:"sys"`
	NumGC       uint32 `json:"num_gc"`
	RSS         int64  `json:"rss"`
}

func stats(w http.ResponseWriter, _ *http.Request) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	st := Stats{Goroutines: runtime.NumGoroutine(), HeapAlloc: ms.HeapAlloc, HeapInuse: ms.HeapInuse,
		HeapObjects: ms.HeapObjects, Sys: ms.Sys, NumGC: ms.NumGC, RSS: rss()}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(st)
}

// rss returns the resident set size from /proc/self/statm, or -1 where
// there is no /proc.
func rss() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return -1
	}
	var size, resident int64
	if _, err := fmt.Sscan(string(b), &size, &resident); err != nil {
		return -1
	}
	return resident * int64(os.Getpagesize())
}
