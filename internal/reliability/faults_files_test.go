//go:build linux

package reliability_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/flaskbridge/flaskbridge/flasksession/filestore"
)

// tmpfs mounts a tmpfs of the given size (mount's size= syntax) on a
// directory of the test's own; it needs root (CAP_SYS_ADMIN).
func tmpfs(t *testing.T, size string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("a full disk is a small tmpfs the test mounts, which needs root")
	}
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+size+",mode=0700"); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v): the full-disk case needs CAP_SYS_ADMIN", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
	return dir
}

func fileRig(t *testing.T, dir string) (*rig, *filestore.Store) {
	t.Helper()
	store, err := filestore.New(filepath.Join(dir, "sessions"), filestore.Options{})
	must(t, err)
	return newRig(t, store, store, rigOptions{Options: options()}), store
}

// leftovers fails the test if a temporary file of a failed write stayed.
func leftovers(t *testing.T, store *filestore.Store) {
	t.Helper()
	names, _ := filepath.Glob(filepath.Join(store.Dir(), "*"+filestore.TempSuffix))
	if len(names) > 0 {
		t.Errorf("temporary files left by failed writes: %v", names)
	}
}

// TestFaultFileDiskFull: the filesystem of a cachelib directory fills up.
// Writes fail (and so do reads, whose expiry refresh rewrites the file);
// no entry is cut short or emptied, no temporary file stays, and service
// resumes once there is room.
func TestFaultFileDiskFull(t *testing.T) {
	t.Parallel()
	dir := tmpfs(t, "256k")
	r, store := fileRig(t, dir)
	r.row.Scenario = "filesystem store, disk full (tmpfs)"
	ss := r.logins(3)
	fillers := filepath.Join(dir, "filler")
	must(t, os.Mkdir(fillers, 0o700))
	// The disk is filled again before each request: the pages a tmpfs
	// frees (an old file replaced, a failed write's temporary file) may be
	// returned a moment later, between two requests.
	for _, s := range ss {
		fill(t, fillers)
		r.faulty(s, "GET", "/read")
		fill(t, fillers)
		r.faulty(s, "POST", "/incr")
	}
	r.intact(ss)
	leftovers(t, store)
	must(t, os.RemoveAll(fillers))
	r.resume(ss)
}

// fill writes files in dir until the filesystem has no room left for a
// byte: 4 KiB chunks, then files of one byte, which take a page each.
func fill(t *testing.T, dir string) {
	t.Helper()
	chunk := bytes.Repeat([]byte{'x'}, 4096)
	f, err := os.CreateTemp(dir, "big")
	if err == nil {
		for err == nil {
			_, err = f.Write(chunk)
		}
		f.Close()
	}
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatal(err)
	}
	for range 1024 {
		g, err := os.CreateTemp(dir, "small")
		if err == nil {
			_, err = g.Write([]byte{'x'})
			g.Close()
		}
		if errors.Is(err, syscall.ENOSPC) {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	t.Fatal("1024 files of one byte and still room")
}

// TestFaultFileReadOnly: the directory becomes read-only (the filesystem
// remounted read-only when running as root, which ignores file modes; the
// directory's mode otherwise).
func TestFaultFileReadOnly(t *testing.T) {
	t.Parallel()
	var dir string
	var readOnly, writable func() error
	if os.Geteuid() == 0 {
		dir = tmpfs(t, "1m")
		readOnly = func() error { return syscall.Mount("tmpfs", dir, "tmpfs", syscall.MS_REMOUNT|syscall.MS_RDONLY, "") }
		writable = func() error { return syscall.Mount("tmpfs", dir, "tmpfs", syscall.MS_REMOUNT, "") }
	} else {
		dir = t.TempDir()
		sub := filepath.Join(dir, "sessions")
		readOnly = func() error { return os.Chmod(sub, 0o555) }
		writable = func() error { return os.Chmod(sub, 0o755) }
	}
	r, store := fileRig(t, dir)
	r.row.Scenario = "filesystem store, directory read-only"
	ss := r.logins(3)
	must(t, readOnly())
	r.hammer(ss)
	r.intact(ss)
	must(t, writable())
	leftovers(t, store)
	r.resume(ss)
}

// TestFaultFileTruncated: cache files cut short (in the pickle, and in the
// header) fail their requests and are left as they are.
func TestFaultFileTruncated(t *testing.T) {
	t.Parallel()
	r, store := fileRig(t, t.TempDir())
	r.row.Scenario = "filesystem store, cachelib files cut short (in the value, in the header)"
	ss := r.logins(3)
	bad := ss[:2]
	var raw [][]byte
	for i, s := range bad {
		path := filepath.Join(store.Dir(), store.FileName(s.key))
		fi, err := os.Stat(path)
		must(t, err)
		size := fi.Size() / 2
		if i == 1 {
			size = 3 // inside the 4-byte expiry header
		}
		must(t, os.Truncate(path, size))
		b, err := os.ReadFile(path)
		must(t, err)
		raw = append(raw, b)
	}
	r.hammer(bad)
	for i, s := range bad {
		b, err := os.ReadFile(filepath.Join(store.Dir(), store.FileName(s.key)))
		if err != nil || !bytes.Equal(b, raw[i]) {
			r.row.Lost++
			t.Errorf("truncated file of %s changed: %q, %v; was %q", s.user, b, err, raw[i])
		}
	}
	r.resume(ss[2:])
	if a := r.do("POST", "/incr", ""); a.code != 200 || !strings.Contains(a.body, `"n":1`) {
		t.Errorf("new session beside truncated files: %d %q", a.code, a.body)
	}
}
