// Package compat records what the cross-language tests showed, so that the
// README's compatibility table is generated from test results rather than
// typed by hand.
//
// A test calls Record (or Recorded for a subtest's outcome); when the
// environment variable named by LogEnv holds a file path, one JSON line per
// record is appended to it. Without the variable nothing is written.
// The generator in internal/compat/gen turns the log into the table.
package compat

import (
	"encoding/json"
	"os"
	"strings"
	"sync"
	"testing"
)

// LogEnv names the environment variable holding the log file's path.
const LogEnv = "FLASKBRIDGE_COMPAT_LOG"

// Row is one cross-language result: one Python environment, one storage,
// one format, one check.
type Row struct {
	Area    string `json:"area"`              // "cookie" or "flask-session"
	Venv    string `json:"venv"`              // scripts/requirements-<venv>.txt
	Store   string `json:"store,omitempty"`   // e.g. "redis", "redis-cluster", "filesystem", "memcached", "postgresql"
	Client  string `json:"client,omitempty"`  // the Python client library, when there is a choice
	Format  string `json:"format,omitempty"`  // serialization format
	Check   string `json:"check"`             // what was checked, e.g. the test's name
	Passed  bool   `json:"passed"`            // the check passed
	Skipped bool   `json:"skipped,omitempty"` // the check did not run
}

var mu sync.Mutex

// Write appends row to the log, if there is one. Each row is a single
// write to a file opened with O_APPEND, so the test binaries of several
// packages can share the file.
func Write(row Row) error {
	path := os.Getenv(LogEnv)
	if path == "" {
		return nil
	}
	line, err := json.Marshal(row)
	if err != nil {
		return err
	}
	mu.Lock()
	defer mu.Unlock()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Record writes row with the outcome of t once t and its subtests are
// done. Check defaults to t's top-level test name.
func Record(t testing.TB, row Row) {
	t.Helper()
	if row.Check == "" {
		row.Check, _, _ = strings.Cut(t.Name(), "/")
	}
	t.Cleanup(func() {
		row.Passed = !t.Failed() && !t.Skipped()
		row.Skipped = t.Skipped()
		if err := Write(row); err != nil {
			t.Errorf("compat log: %v", err)
		}
	})
}
