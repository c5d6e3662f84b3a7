// Package pyharness runs the real Python stack for the cross-language
// tests: a long-lived scripts/pyhelper.py process in one of the venvs that
// scripts/setup-python.sh builds, spoken to one JSON object a line.
//
// When a venv is missing the tests that need it are skipped with a message
// that says how to build it, so `go test ./...` passes on a machine without
// Python. `make test` sets FLASKBRIDGE_REQUIRE_PYTHON=1, which turns those
// skips into failures so that CI never passes by skipping.
package pyharness

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/flaskbridge/flaskbridge/internal/reporoot"
)

// RequireEnv names the environment variable that makes a missing venv fail
// the test instead of skipping it.
const RequireEnv = "FLASKBRIDGE_REQUIRE_PYTHON"

// Root returns the repository root: the nearest directory above the working
// directory that holds go.mod (see reporoot.Find).
func Root() (string, error) {
	return reporoot.Find()
}

// Python returns the interpreter of venv .venv/<name>, skipping (or, under
// FLASKBRIDGE_REQUIRE_PYTHON=1, failing) the test when it is missing.
func Python(t testing.TB, name string) string {
	t.Helper()
	root, err := Root()
	if err != nil {
		t.Fatal(err)
	}
	py := filepath.Join(root, ".venv", name, "bin", "python")
	if _, err := os.Stat(py); err != nil {
		msg := fmt.Sprintf("cross-language test needs the Python venv .venv/%s: run `make test`, or `scripts/setup-python.sh %s` and then go test", name, name)
		if os.Getenv(RequireEnv) == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return py
}

// Helper is a running scripts/pyhelper.py.
type Helper struct {
	mu     sync.Mutex
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	out    *bufio.Reader
	stderr *strings.Builder
	nextID int
	Venv   string
}

// Start starts the helper in venv .venv/<venv> and stops it when the test
// ends. It skips the test when the venv is missing (see Python).
func Start(t testing.TB, venv string) *Helper {
	t.Helper()
	h, err := StartPython(Python(t, venv))
	if err != nil {
		t.Fatal(err)
	}
	h.Venv = venv
	t.Cleanup(h.Close)
	return h
}

// StartPython starts the helper under the given interpreter.
func StartPython(python string) (*Helper, error) {
	root, err := Root()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(python, "-X", "utf8", filepath.Join(root, "scripts", "pyhelper.py"))
	cmd.Env = append(os.Environ(), "PYTHONHASHSEED=0", "PYTHONDONTWRITEBYTECODE=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	h := &Helper{cmd: cmd, stdin: stdin, out: bufio.NewReaderSize(stdout, 1<<20), stderr: new(strings.Builder)}
	cmd.Stderr = h.stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("pyharness: starting %s: %w", python, err)
	}
	return h, nil
}

// Close stops the helper.
func (h *Helper) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.stdin != nil {
		_ = h.stdin.Close()
		_ = h.cmd.Wait()
		h.stdin = nil
	}
}

// Error is an exception the Python side raised.
type Error struct {
	Op    string
	Msg   string // "TypeName: message"
	Trace string
}

func (e *Error) Error() string { return fmt.Sprintf("python %s: %s", e.Op, e.Msg) }

// Call runs op with args and decodes the result into out (which may be nil).
// A Python exception comes back as *Error.
func (h *Helper) Call(op string, args map[string]any, out any) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.stdin == nil {
		return errors.New("pyharness: helper is closed")
	}
	h.nextID++
	req := map[string]any{"id": h.nextID, "op": op}
	for k, v := range args {
		req[k] = v
	}
	line, err := json.Marshal(req)
	if err != nil {
		return err
	}
	if _, err := h.stdin.Write(append(line, '\n')); err != nil {
		return fmt.Errorf("pyharness: writing to helper: %w (stderr: %s)", err, h.stderr.String())
	}
	respLine, err := h.out.ReadBytes('\n')
	if err != nil {
		return fmt.Errorf("pyharness: reading from helper: %w (stderr: %s)", err, h.stderr.String())
	}
	var resp struct {
		ID     int             `json:"id"`
		OK     bool            `json:"ok"`
		Result json.RawMessage `json:"result"`
		Error  string          `json:"error"`
		Trace  string          `json:"trace"`
	}
	if err := json.Unmarshal(respLine, &resp); err != nil {
		return fmt.Errorf("pyharness: bad response %q: %w", respLine, err)
	}
	if resp.ID != h.nextID {
		return fmt.Errorf("pyharness: response id %d, want %d", resp.ID, h.nextID)
	}
	if !resp.OK {
		return &Error{Op: op, Msg: resp.Error, Trace: resp.Trace}
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(resp.Result, out)
}

// MustCall is Call that fails the test on error.
func (h *Helper) MustCall(t testing.TB, op string, args map[string]any, out any) {
	t.Helper()
	if err := h.Call(op, args, out); err != nil {
		var pe *Error
		if errors.As(err, &pe) {
			t.Fatalf("%v\n%s", err, pe.Trace)
		}
		t.Fatal(err)
	}
}
