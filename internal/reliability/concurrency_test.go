package reliability_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/flaskbridge/flaskbridge/chimw"
	"github.com/flaskbridge/flaskbridge/flasksession"
	"github.com/flaskbridge/flaskbridge/flasksession/redisstore"
	"github.com/flaskbridge/flaskbridge/internal/pyharness"
	"github.com/flaskbridge/flaskbridge/internal/services"
)

// SoakEnv names the environment variable with the duration of each mode of
// TestConcurrentWithFlask (a Go duration, "5m"); `make soak` sets it.
const SoakEnv = "FLASKBRIDGE_SOAK"

// ThinkEnv names the environment variable with a pause each client makes
// between its requests (a Go duration; default none, every client sending
// its next request as soon as the last one is answered).
const ThinkEnv = "FLASKBRIDGE_SOAK_THINK"

const appSecret = "reliability-secret"

// gunicorn runs scripts/reliability_app.py (Flask 3.1, Flask-Session 0.8
// over Redis) under gunicorn from the login31 venv, and returns its URL.
func gunicorn(t *testing.T, redisAddr, prefix string) string {
	t.Helper()
	python := pyharness.Python(t, "login31")
	bin := filepath.Join(filepath.Dir(python), "gunicorn")
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("gunicorn is not in the login31 venv (scripts/requirements-login31.txt pins it): run scripts/setup-python.sh login31")
	}
	root, err := pyharness.Root()
	must(t, err)
	port := services.FreePort(t)
	cmd := exec.Command(bin, "--chdir", filepath.Join(root, "scripts"), "-k", "gthread", "-w", "2", "--threads", "4",
		"-b", "127.0.0.1:"+strconv.Itoa(port), "--log-level", "warning", "reliability_app:app")
	cmd.Env = append(os.Environ(), "FLASKBRIDGE_APP_REDIS=redis://"+redisAddr+"/0",
		"FLASKBRIDGE_APP_SECRET="+appSecret, "FLASKBRIDGE_APP_PREFIX="+prefix)
	logf, err := os.Create(filepath.Join(t.TempDir(), "gunicorn.log"))
	must(t, err)
	cmd.Stdout, cmd.Stderr = logf, logf
	must(t, cmd.Start())
	t.Cleanup(func() {
		// gunicorn's master stops its workers on SIGTERM.
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		logf.Close()
	})
	url := "http://127.0.0.1:" + strconv.Itoa(port)
	for i := 0; ; i++ {
		if resp, err := http.Get(url + "/health"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return url
			}
		}
		if i > 300 {
			out, _ := os.ReadFile(logf.Name())
			t.Fatalf("gunicorn did not answer on %s:\n%s", url, out)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// goApp is the Go twin of reliability_app.py over m.
func goApp(m *flasksession.Manager) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /incr", func(w http.ResponseWriter, r *http.Request) {
		s := chimw.Session(r)
		key := r.URL.Query().Get("key")
		n, _ := s.Int(key)
		s.Set(key, n+1)
		fmt.Fprintf(w, `{"n":%d}`, n+1)
	})
	mux.HandleFunc("GET /read", func(w http.ResponseWriter, r *http.Request) {
		s := chimw.Session(r)
		fmt.Fprintf(w, "%d keys", s.Len())
	})
	// A session that MergeWrites could not save answers 409 Conflict, for
	// the client to try again; other failures are 500s.
	onErr := chimw.DefaultErrorHandler(slog.New(slog.DiscardHandler))
	return chimw.New(chimw.NewStoreBackend(m), chimw.Options{ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
		if errors.Is(err, flasksession.ErrConflict) {
			http.Error(w, "the session changed meanwhile, try again", http.StatusConflict)
			return
		}
		onErr(w, r, err)
	}}).Handler(mux)
}

// concMode is one way of running the two apps side by side.
type concMode struct {
	name    string
	merge   bool // the Go app writes with flasksession.Options.MergeWrites
	python  bool // one Python writer per session
	goWrite bool // the Go clients write (else they only read)
}

// concResult is what one mode measured.
type concResult struct {
	mode               string
	duration, think    time.Duration
	pyWrites, goWrites int // successful increments
	goReads            int
	pyLost, goLost     int // increments missing from the final sessions
	conflicts          int // Go writes refused with ErrConflict (409)
	failed             int // other requests not answered 200
}

func (r concResult) perThousand(lost, of int) float64 {
	if of == 0 {
		return 0
	}
	return 1000 * float64(lost) / float64(of)
}

func (r concResult) String() string {
	writes := r.pyWrites + r.goWrites
	return fmt.Sprintf("%s: %v (think %v), %d writes (Python %d, Go %d), %d Go reads, %d Go conflicts (409), %d failed; lost %d = %.2f per 1000 writes "+
		"(of Python's %d = %.2f per 1000, of Go's %d = %.2f per 1000)",
		r.mode, r.duration, r.think, writes, r.pyWrites, r.goWrites, r.goReads, r.conflicts, r.failed,
		r.pyLost+r.goLost, r.perThousand(r.pyLost+r.goLost, writes),
		r.pyLost, r.perThousand(r.pyLost, r.pyWrites), r.goLost, r.perThousand(r.goLost, r.goWrites))
}

// TestConcurrentWithFlask runs the real Flask-Session 0.8 under gunicorn
// and a Go app (chimw over redisstore) on the same Redis sessions. Each
// session has one Python client and two Go clients, each adding one to a
// key of its own in a loop; an increment missing from the final session
// is a lost update (a whole-session write that carried an older value of
// another client's key). Modes: Go writing whole sessions as Python does;
// Go with MergeWrites (Go never drops a Python or Go increment; Python
// still drops Go's); Go only reading beside a Python writer (nothing
// lost: a read extends the expiry and writes nothing); and Go alone with
// MergeWrites. Each mode runs 3 s, or $FLASKBRIDGE_SOAK.
func TestConcurrentWithFlask(t *testing.T) {
	t.Parallel()
	dur := 3 * time.Second
	if v := os.Getenv(SoakEnv); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("%s=%q: %v", SoakEnv, v, err)
		}
		dur = d
	}
	var think time.Duration
	if v := os.Getenv(ThinkEnv); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("%s=%q: %v", ThinkEnv, v, err)
		}
		think = d
	}
	redisAddr := services.Redis(t)
	var buf [6]byte
	rand.Read(buf[:])
	prefix := "conc" + hex.EncodeToString(buf[:]) + ":"
	pyURL := gunicorn(t, redisAddr, prefix)
	rc := redis.NewClient(&redis.Options{Addr: redisAddr, PoolSize: 32})
	t.Cleanup(func() { rc.Close() })
	modes := []concMode{
		{name: "Go writes whole sessions (default)", python: true, goWrite: true},
		{name: "Go with MergeWrites", merge: true, python: true, goWrite: true},
		{name: "Go only reads", python: true},
		{name: "Go alone with MergeWrites", merge: true, goWrite: true},
	}
	for _, mode := range modes {
		m, err := flasksession.New(redisstore.New(rc), flasksession.Options{KeyPrefix: &prefix, SecretKey: appSecret, MergeWrites: mode.merge})
		must(t, err)
		goSrv := httptest.NewServer(goApp(m))
		res := runConcurrent(t, m, mode, pyURL, goSrv.URL, dur, think)
		goSrv.Close()
		t.Log(res)
		if res.failed > 0 || (res.conflicts > 0 && !mode.merge) {
			t.Errorf("%s: %d requests failed, %d conflicts", mode.name, res.failed, res.conflicts)
		}
		if (mode.merge || !mode.goWrite) && res.pyLost > 0 {
			t.Errorf("%s: the Go app dropped %d Python increments", mode.name, res.pyLost)
		}
		if mode.merge && !mode.python && res.goLost > 0 {
			t.Errorf("%s: %d Go increments lost between Go requests", mode.name, res.goLost)
		}
		if path := os.Getenv("FLASKBRIDGE_CONCURRENCY_REPORT"); path != "" {
			f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
			must(t, err)
			fmt.Fprintln(f, res)
			f.Close()
		}
	}
}

func runConcurrent(t *testing.T, m *flasksession.Manager, mode concMode, pyURL, goURL string, dur, think time.Duration) concResult {
	t.Helper()
	const sessions, goClients = 4, 2
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	defer client.CloseIdleConnections()
	do := func(method, url, cookie string) (int, string) {
		req, _ := http.NewRequest(method, url, nil)
		if cookie != "" {
			req.Header.Set("Cookie", "session="+cookie)
		}
		resp, err := client.Do(req)
		if err != nil {
			return 0, ""
		}
		defer resp.Body.Close()
		io.Copy(io.Discard, resp.Body)
		for _, c := range resp.Cookies() {
			if c.Name == "session" {
				return resp.StatusCode, c.Value
			}
		}
		return resp.StatusCode, ""
	}
	type slot struct {
		cookie, key, base string
		python, write     bool
		done, failed      int
		conflicts         int
	}
	var slots []*slot
	cookies := make([]string, sessions)
	for i := range cookies {
		code, c := do("POST", goURL+"/incr?key=init", "")
		if code != http.StatusOK || c == "" {
			t.Fatalf("creating a session: %d", code)
		}
		cookies[i] = c
		if mode.python {
			slots = append(slots, &slot{cookie: c, key: "py", base: pyURL, python: true, write: true})
		}
		for j := 0; j < goClients; j++ {
			slots = append(slots, &slot{cookie: c, key: "go" + strconv.Itoa(j), base: goURL, write: mode.goWrite})
		}
	}
	deadline := time.Now().Add(dur)
	var wg sync.WaitGroup
	for _, s := range slots {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				var code int
				if s.write {
					code, _ = do("POST", s.base+"/incr?key="+s.key, s.cookie)
				} else {
					code, _ = do("GET", s.base+"/read", s.cookie)
				}
				switch code {
				case http.StatusOK:
					s.done++
				case http.StatusConflict:
					s.conflicts++
				default:
					s.failed++
				}
				time.Sleep(think)
			}
		}()
	}
	wg.Wait()
	res := concResult{mode: mode.name, duration: dur, think: think}
	ctx := context.Background()
	for _, s := range slots {
		res.failed += s.failed
		res.conflicts += s.conflicts
		if !s.write {
			res.goReads += s.done
			continue
		}
		sid, err := m.ParseCookie(s.cookie)
		must(t, err)
		d, _, found, err := m.Read(ctx, sid)
		if err != nil || !found {
			t.Fatalf("final session: %v, found %v", err, found)
		}
		var final int64
		if v, ok := d.Get(s.key); ok {
			final, _ = v.(int64)
		}
		lost := s.done - int(final)
		if lost < 0 {
			t.Errorf("%s: key %s holds %d after %d increments", mode.name, s.key, final, s.done)
			lost = 0
		}
		if s.python {
			res.pyWrites += s.done
			res.pyLost += lost
		} else {
			res.goWrites += s.done
			res.goLost += lost
		}
	}
	for _, c := range cookies {
		if sid, err := m.ParseCookie(c); err == nil {
			m.Remove(ctx, sid)
		}
	}
	return res
}
