package main

// The stack the end-to-end tests play against: the real Flask app
// (flaskapp/app.py in venv login31, under Werkzeug or gunicorn) and the Go
// front built by sharedlogin.New, on free loopback ports, sharing one
// config (config.toml and FLASK_* variables) and one session store.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flaskbridge/flaskbridge/examples/shared-login/sharedlogin"
	"github.com/flaskbridge/flaskbridge/internal/pyharness"
	"github.com/flaskbridge/flaskbridge/internal/services"
)

// kind is one way of running the stack.
type kind struct {
	name   string // "cookie", "filesystem", "redis"
	server string // sharedlogin.Werkzeug or sharedlogin.Gunicorn
	// refreshOnLoad sets SHARED_LOGIN_REFRESH_ON_LOAD (Redis only).
	refreshOnLoad bool
}

// label names k in test names.
func (k kind) label() string {
	if k.refreshOnLoad {
		return k.name + "-refresh-on-load"
	}
	return k.name
}

// kinds are the session kinds, each under one of the two servers.
var kinds = []kind{
	{name: "cookie", server: sharedlogin.Werkzeug},
	{name: "filesystem", server: sharedlogin.Gunicorn},
	{name: "redis", server: sharedlogin.Gunicorn},
}

// stack is a running Flask app and Go front.
type stack struct {
	t      *testing.T
	env    []string // what both sides read besides config.toml
	flask  *sharedlogin.Flask
	front  *httptest.Server
	app    *sharedlogin.App
	config string
}

func randomHex(t testing.TB, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// storeEnv returns the FLASK_* variables that put k's sessions in a place
// of the test's own: a temporary directory, or a key prefix of its own on
// the test Redis (scripts/services.sh).
func storeEnv(t *testing.T, k kind) []string {
	switch k.name {
	case "cookie":
		return []string{"FLASK_SHARED_LOGIN_STORE=cookie"}
	case "filesystem":
		return []string{"FLASK_SHARED_LOGIN_STORE=" + filepath.Join(t.TempDir(), "sessions")}
	case "redis":
		addr := services.Redis(t)
		return []string{"FLASK_SHARED_LOGIN_STORE=redis://" + addr + "/0",
			"FLASK_SESSION_KEY_PREFIX=shared-login-test-" + randomHex(t, 6) + ":",
			fmt.Sprintf("FLASK_%s=%v", sharedlogin.RefreshOnLoadKey, k.refreshOnLoad)}
	}
	t.Fatalf("unknown kind %q", k.name)
	return nil
}

// startStack starts the Flask app and the Go front with env (FLASK_*
// variables) on top of config.toml. It skips the test when the venv is
// missing (pyharness.Python), and stops both when the test ends.
func startStack(t *testing.T, k kind, env []string) *stack {
	t.Helper()
	python := pyharness.Python(t, sharedlogin.Venv)
	config, err := filepath.Abs("config.toml")
	if err != nil {
		t.Fatal(err)
	}
	s := &stack{t: t, config: config}
	base := []string{sharedlogin.ConfigEnv + "=" + config, "FLASK_SECRET_KEY=" + randomHex(t, 32)}
	s.env = mergeEnv(base, env)
	s.startFlask(python, k.server)
	s.startFront(false)
	return s
}

func (s *stack) startFlask(python, server string) {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	f, err := sharedlogin.StartFlask(ctx, sharedlogin.FlaskOptions{Python: python, Server: server, Workers: 2, Env: s.env})
	if err != nil {
		s.t.Fatal(err)
	}
	s.flask = f
	s.t.Cleanup(func() {
		f.Stop()
		if s.t.Failed() {
			s.t.Logf("Flask app's output:\n%s", f.Output())
		}
	})
}

// newFront returns a Go front over the running Flask app, with the
// stack's config; flaskOnly makes it the rollback front.
func (s *stack) newFront(flaskOnly bool) *httptest.Server {
	s.t.Helper()
	cfg, err := sharedlogin.LoadConfig(s.config, s.env)
	if err != nil {
		s.t.Fatal(err)
	}
	cfg.FlaskURL = s.flask.URL
	cfg.FlaskOnly = flaskOnly
	app, err := sharedlogin.New(cfg, sharedlogin.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		s.t.Fatal(err)
	}
	srv := httptest.NewServer(app)
	s.t.Cleanup(func() {
		srv.Close()
		app.Close()
	})
	if !flaskOnly {
		s.app = app
	}
	return srv
}

func (s *stack) startFront(flaskOnly bool) { s.front = s.newFront(flaskOnly) }

// restart stops the Flask app and starts both sides again with env
// replacing the stack's FLASK_* variables of the same names.
func (s *stack) restart(python, server string, env ...string) {
	s.t.Helper()
	s.flask.Stop()
	s.front.Close()
	s.env = mergeEnv(s.env, env)
	s.startFlask(python, server)
	s.startFront(false)
}

// mergeEnv returns base with the variables of more set (replaced or added).
func mergeEnv(base, more []string) []string {
	out := append([]string(nil), base...)
	for _, kv := range more {
		name := kv[:strings.IndexByte(kv, '=')+1]
		replaced := false
		for i, old := range out {
			if len(old) >= len(name) && old[:len(name)] == name {
				out[i], replaced = kv, true
			}
		}
		if !replaced {
			out = append(out, kv)
		}
	}
	return out
}

// jsonList is a list of strings as a FLASK_* variable holds it (JSON).
func jsonList(items ...string) string {
	b, _ := json.Marshal(items)
	return string(b)
}
