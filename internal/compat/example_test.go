package compat_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/flaskbridge/flaskbridge/internal/compat"
)

// Write appends one result to the log named by FLASKBRIDGE_COMPAT_LOG;
// tests call Record, which writes when the test is done.
func ExampleWrite() {
	dir, _ := os.MkdirTemp("", "compat")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "compat.jsonl")
	os.Setenv(compat.LogEnv, path)
	defer os.Unsetenv(compat.LogEnv)

	compat.Write(compat.Row{Area: "flask-session", Venv: "fs08", Store: "redis", Format: "msgpack", Check: "GoWritesPythonReads", Passed: true})
	b, _ := os.ReadFile(path)
	fmt.Print(string(b))
	// Output:
	// {"area":"flask-session","venv":"fs08","store":"redis","format":"msgpack","check":"GoWritesPythonReads","passed":true}
}
