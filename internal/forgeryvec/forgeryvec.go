// Package forgeryvec reads the forgery vectors of testdata/forgery, which
// scripts/gen_forgery_vectors.py writes with the real itsdangerous: cookies
// and signed session ids made with known keys, and altered copies of them
// with itsdangerous's verdict on each. The forgery tests of flaskcookie and
// flasksession share them.
package forgeryvec

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/flaskbridge/flaskbridge/internal/reporoot"
)

// Venvs returns the venvs the vectors were made under: itsdangerous 2.2.0
// (flask31) and 1.1.0 (fs03).
func Venvs() []string { return []string{"flask31", "fs03"} }

// Vectors is testdata/forgery/<venv>.json.gz.
type Vectors struct {
	Versions map[string]string `json:"versions"` // package versions
	Now      int64             `json:"now"`      // the clock the signatures were checked at
	Lifetime int64             `json:"lifetime"` // the max_age they were checked with, in seconds
	Cookies  []Cookie          `json:"cookies"`
	Sids     []Sid             `json:"sids"`
	Probes   []Probe           `json:"probes"`
}

// Cookie is a Flask session cookie signed with Key; Repr is its session's
// repr.
type Cookie struct {
	Key    string `json:"key"`
	Cookie string `json:"cookie"`
	Repr   string `json:"repr"`
}

// Sid is a session id signed with Key as Flask-Session signs it: Cookie.
type Sid struct {
	Key    string `json:"key"`
	Sid    string `json:"sid"`
	Cookie string `json:"cookie"`
}

// Probe is an altered token: How it was altered from Cookies[Of] (Kind
// "cookie") or Sids[Of] (Kind "sid"), and whether itsdangerous accepted it
// (OK), with what it read (Repr for a cookie, Sid for an id).
type Probe struct {
	Kind  string `json:"kind"`
	Of    int    `json:"of"`
	How   string `json:"how"`
	Token string `json:"token"`
	OK    bool   `json:"ok"`
	Repr  string `json:"repr"`
	Sid   string `json:"sid"`
}

// Load reads the vectors made under venv.
func Load(venv string) (*Vectors, error) {
	root, err := reporoot.Find()
	if err != nil {
		return nil, err
	}
	f, err := os.Open(filepath.Join(root, "testdata", "forgery", venv+".json.gz"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("forgeryvec: %s: %w", f.Name(), err)
	}
	var v Vectors
	if err := json.NewDecoder(zr).Decode(&v); err != nil {
		return nil, fmt.Errorf("forgeryvec: %s: %w", f.Name(), err)
	}
	return &v, nil
}

// MustLoad is Load for a test: an error fails it.
func MustLoad(tb testing.TB, venv string) *Vectors {
	tb.Helper()
	v, err := Load(venv)
	if err != nil {
		tb.Fatal(err)
	}
	return v
}
