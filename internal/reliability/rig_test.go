package reliability_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flaskbridge/flaskbridge/chimw"
	"github.com/flaskbridge/flaskbridge/flasksession"
)

// capture is a slog handler that keeps the records, so that a test can
// check that each failure was logged with its cause.
type capture struct {
	mu   sync.Mutex
	recs []record
}

type record struct {
	level slog.Level
	msg   string
	err   error
}

func (c *capture) Enabled(context.Context, slog.Level) bool { return true }
func (c *capture) WithAttrs([]slog.Attr) slog.Handler       { return c }
func (c *capture) WithGroup(string) slog.Handler            { return c }
func (c *capture) Handle(_ context.Context, r slog.Record) error {
	rec := record{level: r.Level, msg: r.Message}
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "error" {
			rec.err, _ = a.Value.Any().(error)
		}
		return true
	})
	c.mu.Lock()
	c.recs = append(c.recs, rec)
	c.mu.Unlock()
	return nil
}

func (c *capture) since(n int) []record {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]record(nil), c.recs[n:]...)
}

func (c *capture) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.recs)
}

// result is one row of the faults table of docs/reliability.md.
type result struct {
	Scenario      string
	Test          string
	Injected      int // requests sent while the fault was on
	FailedCleanly int // of those: 500, error handler, error record with the cause
	Served        int // of those: answered normally (the fault did not touch them)
	Lost          int // sessions whose stored bytes changed or vanished through the fault
	// Recovery is how long after the fault ended (for a failover: after
	// the master died) the first request was served again, and Recovering
	// the requests that failed cleanly meanwhile.
	Recovery   time.Duration
	Recovering int
}

var results struct {
	mu   sync.Mutex
	rows []result
}

// TestMain writes the faults table to $FLASKBRIDGE_FAULTS_REPORT when set.
func TestMain(m *testing.M) {
	code := m.Run()
	if path := os.Getenv("FLASKBRIDGE_FAULTS_REPORT"); path != "" {
		results.mu.Lock()
		rows := results.rows
		results.mu.Unlock()
		sort.Slice(rows, func(i, j int) bool { return rows[i].Test+rows[i].Scenario < rows[j].Test+rows[j].Scenario })
		var b strings.Builder
		b.WriteString("| scenario | faults injected | failed cleanly | served | sessions lost | recovery | test |\n|---|---|---|---|---|---|---|\n")
		for _, r := range rows {
			fmt.Fprintf(&b, "| %s | %d | %d | %d | %d | %v (%d) | %s |\n", r.Scenario, r.Injected, r.FailedCleanly, r.Served, r.Lost,
				r.Recovery.Round(time.Millisecond), r.Recovering, r.Test)
		}
		os.WriteFile(path, []byte(b.String()), 0o644)
	}
	os.Exit(code)
}

// rig is a Go app (chimw over a flasksession.Manager over a real store)
// and what the fault tests check it with.
type rig struct {
	t      *testing.T
	mgr    *flasksession.Manager
	direct flasksession.Store // the same entries, read without the fault
	h      http.Handler
	log    *capture
	errs   atomic.Int64
	hook   atomic.Pointer[func()] // runs in the handler once, after the session opened

	row result
}

// sess is a session the test created, and what the store held for it.
type sess struct {
	cookie string // the cookie value
	key    string // the store key
	user   string
	n      int64  // the counter the app keeps
	stored []byte // the stored bytes as last written
}

type rigOptions struct {
	flasksession.Options
	Lazy    bool
	Timeout time.Duration // each request's context deadline (zero: 2s)
}

func newRig(t *testing.T, store, direct flasksession.Store, o rigOptions) *rig {
	t.Helper()
	mgr, err := flasksession.New(store, o.Options)
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{t: t, mgr: mgr, direct: direct, log: &capture{}, row: result{Test: t.Name()}}
	logger := slog.New(r.log)
	onErr := chimw.DefaultErrorHandler(logger)
	mw := chimw.New(chimw.NewStoreBackend(mgr), chimw.Options{Lazy: o.Lazy, Logger: logger,
		ErrorHandler: func(w http.ResponseWriter, req *http.Request, err error) {
			r.errs.Add(1)
			onErr(w, req, err)
		}})
	mux := http.NewServeMux()
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, req *http.Request) {
		s := chimw.Session(req)
		s.Set("user", req.FormValue("user"))
		s.Set("n", int64(0))
		fmt.Fprint(w, "ok")
	})
	mux.HandleFunc("GET /read", func(w http.ResponseWriter, req *http.Request) {
		s := chimw.Session(req)
		r.runHook()
		u, _ := s.String("user")
		n, _ := s.Int("n")
		json.NewEncoder(w).Encode(map[string]any{"user": u, "n": n})
	})
	mux.HandleFunc("POST /incr", func(w http.ResponseWriter, req *http.Request) {
		s := chimw.Session(req)
		r.runHook()
		u, _ := s.String("user")
		n, _ := s.Int("n")
		s.Set("n", n+1)
		json.NewEncoder(w).Encode(map[string]any{"user": u, "n": n + 1})
	})
	timeout := o.Timeout
	if timeout == 0 {
		timeout = 2 * time.Second
	}
	h := mw.Handler(mux)
	r.h = http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		ctx, cancel := context.WithTimeout(req.Context(), timeout)
		defer cancel()
		h.ServeHTTP(w, req.WithContext(ctx))
	})
	t.Cleanup(func() {
		results.mu.Lock()
		results.rows = append(results.rows, r.row)
		results.mu.Unlock()
		t.Logf("fault %q: injected %d, failed cleanly %d, served %d, sessions lost %d, served again after %v (%d clean failures meanwhile)",
			r.row.Scenario, r.row.Injected, r.row.FailedCleanly, r.row.Served, r.row.Lost, r.row.Recovery, r.row.Recovering)
	})
	return r
}

func (r *rig) runHook() {
	if f := r.hook.Swap(nil); f != nil {
		(*f)()
	}
}

// onNextRequest makes f run inside the next request's handler, after its
// session opened and before it is saved.
func (r *rig) onNextRequest(f func()) { r.hook.Store(&f) }

type answer struct {
	code   int
	body   string
	cookie string // the session cookie set, if any
	User   string `json:"user"`
	N      int64  `json:"n"`
}

func (r *rig) do(method, path, cookie string) answer {
	req := httptest.NewRequest(method, path, nil)
	if cookie != "" {
		req.AddCookie(&http.Cookie{Name: r.mgr.CookieName(), Value: cookie})
	}
	rec := httptest.NewRecorder()
	r.h.ServeHTTP(rec, req)
	a := answer{code: rec.Code, body: rec.Body.String()}
	for _, c := range rec.Result().Cookies() {
		if c.Name == r.mgr.CookieName() {
			a.cookie = c.Value
		}
	}
	if a.code == http.StatusOK && strings.HasPrefix(a.body, "{") {
		json.Unmarshal([]byte(a.body), &a)
	}
	return a
}

// load returns what the store holds for s, read without the fault.
func (r *rig) load(s *sess) ([]byte, bool) {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	data, found, err := r.direct.Load(ctx, s.key)
	if err != nil {
		r.t.Fatalf("reading %q past the fault: %v", s.key, err)
	}
	return data, found
}

// login creates a session for user and records its stored bytes.
func (r *rig) login(user string) *sess {
	r.t.Helper()
	// The servers are shared with other tests: a slow moment gets two
	// more tries.
	var a answer
	for try := 0; try < 3; try++ {
		logs := r.log.len()
		if a = r.do("POST", "/login?user="+user, ""); a.code == http.StatusOK {
			break
		}
		r.t.Logf("login %s: %d %q; records: %+v", user, a.code, a.body, r.log.since(logs))
	}
	if a.code != http.StatusOK || a.cookie == "" {
		r.t.Fatalf("login %s: %d %q (cookie %q)", user, a.code, a.body, a.cookie)
	}
	sid, err := r.mgr.ParseCookie(a.cookie)
	if err != nil {
		r.t.Fatal(err)
	}
	s := &sess{cookie: a.cookie, key: r.mgr.Key(sid), user: user}
	var found bool
	if s.stored, found = r.load(s); !found {
		r.t.Fatalf("login %s: nothing stored under %q", user, s.key)
	}
	return s
}

func (r *rig) logins(n int) []*sess {
	out := make([]*sess, n)
	for i := range out {
		out[i] = r.login(fmt.Sprintf("user%d", i))
	}
	return out
}

// faulty sends a request while a fault is on and checks that it failed
// cleanly: a 500 from the error handler, and an error record whose error
// wraps chimw's ErrOpen or ErrSave and a store or corruption error. It
// returns whether it did.
func (r *rig) faulty(s *sess, method, path string) bool {
	r.t.Helper()
	r.row.Injected++
	errs, logs := r.errs.Load(), r.log.len()
	a := r.do(method, path, s.cookie)
	if a.code != http.StatusInternalServerError {
		r.t.Errorf("%s %s on %s under the fault: %d %q, want 500", method, path, s.user, a.code, a.body)
		return false
	}
	if r.errs.Load() == errs {
		r.t.Errorf("%s %s on %s: 500 without the error handler", method, path, s.user)
		return false
	}
	if a.cookie != "" {
		r.t.Errorf("%s %s on %s: a failed request set the session cookie %q", method, path, s.user, a.cookie)
		return false
	}
	for _, rec := range r.log.since(logs) {
		if rec.level == slog.LevelError && rec.err != nil &&
			(errors.Is(rec.err, chimw.ErrOpen) || errors.Is(rec.err, chimw.ErrSave)) &&
			(errors.Is(rec.err, flasksession.ErrStore) || errors.Is(rec.err, flasksession.ErrCorrupt)) {
			r.row.FailedCleanly++
			return true
		}
	}
	r.t.Errorf("%s %s on %s: no error record with the store's error; records: %+v", method, path, s.user, r.log.since(logs))
	return false
}

// faultyOrServed is faulty for a request that the fault may or may not
// reach (a node that holds only some keys, a failover under way): a 200
// must carry the session as it was.
func (r *rig) faultyOrServed(s *sess, method, path string) (failed bool) {
	r.t.Helper()
	errs := r.errs.Load()
	logs := r.log.len()
	a := r.do(method, path, s.cookie)
	if a.code == http.StatusOK {
		r.row.Injected++
		r.row.Served++
		if a.User != s.user {
			r.t.Errorf("%s %s on %s: served the session of %q", method, path, s.user, a.User)
		}
		if method == "POST" {
			s.n++
			s.stored, _ = r.load(s)
		}
		return false
	}
	// Not served: it must have failed as faulty checks.
	r.row.Injected++
	if a.code != http.StatusInternalServerError || r.errs.Load() == errs {
		r.t.Errorf("%s %s on %s: %d %q, want 200 or a 500 from the error handler", method, path, s.user, a.code, a.body)
		return true
	}
	for _, rec := range r.log.since(logs) {
		if rec.level == slog.LevelError && errors.Is(rec.err, flasksession.ErrStore) {
			r.row.FailedCleanly++
			return true
		}
	}
	r.t.Errorf("%s %s on %s: no error record with the store's error", method, path, s.user)
	return true
}

// hammer sends a read and a write for every session under the fault.
func (r *rig) hammer(ss []*sess) {
	r.t.Helper()
	for _, s := range ss {
		r.faulty(s, "GET", "/read")
		r.faulty(s, "POST", "/incr")
	}
}

// intact checks that the store still holds each session's bytes as they
// were before the fault, and counts the sessions lost.
func (r *rig) intact(ss []*sess) {
	r.t.Helper()
	for _, s := range ss {
		data, found := r.load(s)
		if !found || !bytes.Equal(data, s.stored) {
			r.row.Lost++
			r.t.Errorf("session of %s (%q) changed under the fault: found %v, %q, was %q", s.user, s.key, found, data, s.stored)
		}
	}
}

// resume waits (up to 5 s) until the first session is served again, the
// requests failing cleanly meanwhile, then checks that every session is
// served as it was and that a write lands.
func (r *rig) resume(ss []*sess) {
	r.t.Helper()
	start := time.Now()
	for len(ss) > 0 {
		errs := r.errs.Load()
		a := r.do("GET", "/read", ss[0].cookie)
		if a.code == http.StatusOK {
			break
		}
		if a.code != http.StatusInternalServerError || r.errs.Load() == errs {
			r.t.Errorf("read of %s after the fault: %d %q, want 200 or a clean 500", ss[0].user, a.code, a.body)
			break
		}
		r.row.Recovering++
		if time.Since(start) > 5*time.Second {
			r.t.Errorf("not served again within 5 s of the fault's end: %q", a.body)
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if r.row.Recovery == 0 {
		r.row.Recovery = time.Since(start)
	}
	for _, s := range ss {
		a := r.retry("GET", "/read", s.cookie)
		if a.code != http.StatusOK || a.User != s.user || a.N != s.n {
			r.t.Errorf("read of %s after the fault: %d %q, want user %q n %d", s.user, a.code, a.body, s.user, s.n)
			continue
		}
		a = r.retry("POST", "/incr", s.cookie)
		if a.code != http.StatusOK || a.N != s.n+1 {
			r.t.Errorf("write of %s after the fault: %d %q", s.user, a.code, a.body)
			continue
		}
		s.n++
		s.stored, _ = r.load(s)
		d, _, err := r.mgr.Serializer().Decode(s.stored)
		if err != nil {
			r.t.Errorf("session of %s after the fault: %v", s.user, err)
			continue
		}
		if n, _ := d.Get("n"); n != s.n {
			r.t.Errorf("session of %s after the fault holds n=%v, want %d", s.user, n, s.n)
		}
	}
}

// retry sends a request with no fault on, trying twice more after a clean
// 500: the servers are shared with the other tests, and a moment slower
// than the client's timeout is not what the test is after. The tries that
// failed are counted as recovering.
func (r *rig) retry(method, path, cookie string) answer {
	var a answer
	for try := 0; try < 3; try++ {
		errs := r.errs.Load()
		if a = r.do(method, path, cookie); a.code != http.StatusInternalServerError || r.errs.Load() == errs {
			return a
		}
		r.row.Recovering++
		time.Sleep(50 * time.Millisecond)
	}
	return a
}

func itoa(n int) string { return strconv.Itoa(n) }

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// waitFor polls cond until it holds, failing the test after d.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s", d, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
