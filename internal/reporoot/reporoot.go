// Package reporoot finds the root of the repository's checkout, where
// go.mod, scripts/, testdata/ and the Python venvs (.venv/) are, for the
// tests and the example programs that run from a directory inside it.
//
// It imports no testing code, so that programs as well as tests can use
// it.
package reporoot

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ErrNotFound is returned by Find when no directory from the working
// directory up holds go.mod.
var ErrNotFound = errors.New("reporoot: go.mod not found")

// Find returns the repository root: the working directory, or the nearest
// directory above it, that holds go.mod.
func Find() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	return find(dir)
}

func find(start string) (string, error) {
	for dir := start; ; {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("%w in %s or above", ErrNotFound, start)
		}
		dir = parent
	}
}
