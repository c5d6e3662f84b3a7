package sharedlogin

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/flaskbridge/flaskbridge/internal/reporoot"
)

// Venv is the Python venv the Flask app runs in (scripts/setup-python.sh
// builds it from scripts/requirements-login31.txt).
const Venv = "login31"

// The WSGI servers StartFlask can run the Flask app under.
const (
	Werkzeug = "werkzeug" // flask run, Werkzeug's development server (threaded)
	Gunicorn = "gunicorn" // gunicorn's sync workers
)

// FlaskOptions configure StartFlask.
type FlaskOptions struct {
	// Python is the interpreter of the venv; empty means
	// <repo>/.venv/login31/bin/python.
	Python string
	// AppDir is the Flask app's directory; empty means
	// <repo>/examples/shared-login/flaskapp.
	AppDir string
	// Server is Werkzeug (the default) or Gunicorn.
	Server string
	// Workers is gunicorn's worker count (default 1).
	Workers int
	// Args are more arguments for the server's command line.
	Args []string
	// Addr is the address to listen on; empty means 127.0.0.1 on a free
	// port.
	Addr string
	// Env is added to the process's environment (os.Environ()):
	// FLASK_SECRET_KEY, SHARED_LOGIN_CONFIG, FLASK_SHARED_LOGIN_STORE...
	Env []string
	// Log receives the server's output; nil keeps only the last 64 KiB,
	// for the error of a failed start.
	Log io.Writer
	// StartTimeout bounds the wait for the app to answer (default 30 s).
	StartTimeout time.Duration
}

// Flask is a running Flask app, a child process.
type Flask struct {
	// URL is the app's base URL, such as "http://127.0.0.1:40123".
	URL string

	cmd  *exec.Cmd
	done chan struct{}
	err  error // the process's exit, once done is closed
	log  *tailBuffer
	once sync.Once
}

// DefaultPython returns the venv's interpreter, and whether it exists.
func DefaultPython() (string, bool) {
	root, err := reporoot.Find()
	if err != nil {
		return "", false
	}
	p := filepath.Join(root, ".venv", Venv, "bin", "python")
	_, err = os.Stat(p)
	return p, err == nil
}

// DefaultAppDir returns the Flask app's directory in the repository.
func DefaultAppDir() (string, error) {
	root, err := reporoot.Find()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, "examples", "shared-login", "flaskapp"), nil
}

// FreeAddr returns a loopback address with a port that was free a moment
// ago.
func FreeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := l.Addr().String()
	return addr, l.Close()
}

// StartFlask starts the Flask app and returns once it answers GET /healthz.
// Stop it with Stop; ctx only bounds the start.
func StartFlask(ctx context.Context, o FlaskOptions) (*Flask, error) {
	if o.Python == "" {
		p, ok := DefaultPython()
		if !ok {
			return nil, fmt.Errorf("sharedlogin: the Python venv .venv/%s is missing: run scripts/setup-python.sh %s", Venv, Venv)
		}
		o.Python = p
	}
	if o.AppDir == "" {
		d, err := DefaultAppDir()
		if err != nil {
			return nil, err
		}
		o.AppDir = d
	}
	if o.StartTimeout <= 0 {
		o.StartTimeout = 30 * time.Second
	}
	// A port picked free may be taken before the server binds it: then
	// the server exits at once, and another port is tried.
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		addr := o.Addr
		if addr == "" {
			a, err := FreeAddr()
			if err != nil {
				return nil, err
			}
			addr = a
		}
		f, err := startFlask(ctx, o, addr)
		if err == nil {
			return f, nil
		}
		lastErr = err
		if o.Addr != "" || !strings.Contains(err.Error(), "in use") {
			break
		}
	}
	return nil, lastErr
}

func startFlask(ctx context.Context, o FlaskOptions, addr string) (*Flask, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("sharedlogin: Flask address %q: %w", addr, err)
	}
	var args []string
	switch o.Server {
	case "", Werkzeug:
		args = []string{"-m", "flask", "--app", filepath.Join(o.AppDir, "app.py"), "run",
			"--host", host, "--port", port, "--no-reload", "--no-debugger", "--with-threads"}
	case Gunicorn:
		w := o.Workers
		if w <= 0 {
			w = 1
		}
		args = []string{"-m", "gunicorn", "--chdir", o.AppDir, "--bind", addr,
			"--workers", strconv.Itoa(w), "--graceful-timeout", "5", "app:app"}
	default:
		return nil, fmt.Errorf("sharedlogin: server %q: want %q or %q", o.Server, Werkzeug, Gunicorn)
	}
	args = append(args, o.Args...)
	cmd := exec.Command(o.Python, args...)
	cmd.Dir = o.AppDir
	cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1", "PYTHONUNBUFFERED=1")
	cmd.Env = append(cmd.Env, o.Env...)
	f := &Flask{URL: "http://" + addr, cmd: cmd, done: make(chan struct{}), log: &tailBuffer{max: 64 << 10}}
	var out io.Writer = f.log
	if o.Log != nil {
		out = io.MultiWriter(f.log, o.Log)
	}
	cmd.Stdout, cmd.Stderr = out, out
	setProcAttr(cmd)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("sharedlogin: starting the Flask app: %w", err)
	}
	go func() {
		f.err = cmd.Wait()
		close(f.done)
	}()
	if err := f.waitReady(ctx, o.StartTimeout); err != nil {
		f.Stop()
		return nil, err
	}
	return f, nil
}

func (f *Flask) waitReady(ctx context.Context, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	client := &http.Client{Timeout: time.Second}
	for {
		req, _ := http.NewRequestWithContext(ctx, "GET", f.URL+"/healthz", nil)
		if resp, err := client.Do(req); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-f.done:
			return fmt.Errorf("sharedlogin: the Flask app exited (%v) before it answered:\n%s", f.err, f.log.String())
		case <-ctx.Done():
			return fmt.Errorf("sharedlogin: the Flask app did not answer on %s: %w\n%s", f.URL, ctx.Err(), f.log.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Output returns the last 64 KiB the server wrote.
func (f *Flask) Output() string { return f.log.String() }

// Stop stops the app and its workers: SIGTERM to its process group, SIGKILL
// after 10 seconds. It waits for the process to exit.
func (f *Flask) Stop() {
	f.once.Do(func() {
		select {
		case <-f.done:
			return
		default:
		}
		terminate(f.cmd)
		select {
		case <-f.done:
		case <-time.After(10 * time.Second):
			kill(f.cmd)
			<-f.done
		}
	})
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
	max int
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf.Write(p)
	if extra := t.buf.Len() - t.max; extra > 0 {
		t.buf.Next(extra)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.buf.String()
}
