package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startRun runs the command until the returned cancel is called, and
// returns its address and a channel of its result.
func startRun(t *testing.T, args, environ []string) (addr string, stdout *syncBuffer, cancel func(), result <-chan error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout = new(syncBuffer)
	ready := make(chan string, 1)
	errc := make(chan error, 1)
	go func() {
		errc <- run(ctx, args, environ, stdout, io.Discard, func(a string) { ready <- a })
	}()
	select {
	case addr = <-ready:
	case err := <-errc:
		cancel()
		t.Fatalf("run: %v", err)
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("run did not start")
	}
	t.Cleanup(cancel)
	return addr, stdout, cancel, errc
}

// TestRunShutdown starts the command on a free port in front of a stand-in
// Flask app, checks that it serves the Go routes and proxies the others,
// then cancels it (as SIGINT or SIGTERM does) while a proxied request is
// in flight: the request completes and run returns nil.
func TestRunShutdown(t *testing.T) {
	slow := make(chan struct{})
	flask := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			close(slow)
			time.Sleep(300 * time.Millisecond)
		}
		io.WriteString(w, "flask "+r.URL.Path)
	}))
	defer flask.Close()
	environ := []string{"FLASK_SECRET_KEY=test key", "FLASK_SHARED_LOGIN_STORE=cookie"}
	addr, stdout, cancel, result := startRun(t, []string{"-listen", "127.0.0.1:0", "-flask", flask.URL, "-config", "config.toml", "-quiet"}, environ)
	base := "http://" + addr
	if !strings.Contains(stdout.String(), "serving "+base) {
		t.Errorf("stdout: %q", stdout.String())
	}

	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(base + "/profile")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/login?next=%2Fprofile" {
		t.Errorf("GET /profile: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, err = client.Get(base + "/elsewhere")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "flask /elsewhere" {
		t.Errorf("proxied: %q", body)
	}

	inFlight := make(chan string, 1)
	go func() {
		resp, err := http.Get(base + "/slow")
		if err != nil {
			inFlight <- err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		inFlight <- string(b)
	}()
	<-slow
	cancel()
	if got := <-inFlight; got != "flask /slow" {
		t.Errorf("request in flight at shutdown: %q", got)
	}
	select {
	case err := <-result:
		if err != nil {
			t.Errorf("run: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("run did not return after shutdown")
	}
}

func TestRunErrors(t *testing.T) {
	for _, c := range []struct {
		name    string
		args    []string
		environ []string
		want    string
	}{
		{"no secret key", []string{"-config", "config.toml"}, nil, "SECRET_KEY is not set"},
		{"bad flag", []string{"-nope"}, nil, "flag provided but not defined"},
		{"argument", []string{"-config", "config.toml", "extra"}, []string{"FLASK_SECRET_KEY=k"}, `unexpected argument "extra"`},
		{"bad store", []string{"-config", "config.toml", "-store", "memcached://x"}, []string{"FLASK_SECRET_KEY=k"}, "want cookie, a directory, or a redis:// URL"},
		{"bad Flask URL", []string{"-config", "config.toml", "-flask", "127.0.0.1:5000"}, []string{"FLASK_SECRET_KEY=k"}, "want http://host:port"},
		{"missing config", []string{"-config", "nope.toml"}, []string{"FLASK_SECRET_KEY=k"}, "nope.toml"},
		{"config from the environment", nil, []string{"SHARED_LOGIN_CONFIG=elsewhere.toml", "FLASK_SECRET_KEY=k"}, "elsewhere.toml"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := run(context.Background(), c.args, c.environ, io.Discard, io.Discard, nil)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("run: %v, want %q", err, c.want)
			}
		})
	}
	if err := run(context.Background(), []string{"-h"}, nil, io.Discard, io.Discard, nil); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: %v", err)
	}
}

// TestRunStoreRelative: -store is FLASK_SHARED_LOGIN_STORE, so a relative
// directory is taken from the config file's directory, as the Flask app
// takes it, not from the working directory.
func TestRunStoreRelative(t *testing.T) {
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	config := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(config, []byte(`SHARED_LOGIN_STORE = "cookie"`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // serve, then shut down at once
	stderr := new(syncBuffer)
	args := []string{"-listen", "127.0.0.1:0", "-config", config, "-store", "sessions"}
	if err := run(ctx, args, []string{"FLASK_SECRET_KEY=k"}, io.Discard, stderr, nil); err != nil {
		t.Fatal(err)
	}
	want := "target=" + filepath.Join(dir, "sessions") + " "
	if !strings.Contains(stderr.String(), want) {
		t.Errorf("log does not have %q:\n%s", want, stderr.String())
	}
}
