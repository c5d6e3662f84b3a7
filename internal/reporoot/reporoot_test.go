package reporoot

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestFind(t *testing.T) {
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte("module example.com/m\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(root, "a", "b")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{root, sub} {
		if got, err := find(dir); err != nil || got != root {
			t.Errorf("find(%s) = %q, %v; want %q", dir, got, err, root)
		}
	}
	t.Chdir(sub)
	got, err := Find()
	if err != nil {
		t.Fatal(err)
	}
	// The working directory may be reported through a symbolic link
	// resolved (macOS's /var is /private/var).
	want, _ := filepath.EvalSymlinks(root)
	if got, _ = filepath.EvalSymlinks(got); got != want {
		t.Errorf("Find() from %s = %q; want %q", sub, got, want)
	}
}

func TestFindNone(t *testing.T) {
	dir := t.TempDir()
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			t.Skipf("%s holds a go.mod: no directory here is outside a module", d)
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	if got, err := find(dir); !errors.Is(err, ErrNotFound) {
		t.Errorf("find(%s) = %q, %v; want ErrNotFound", dir, got, err)
	}
}
