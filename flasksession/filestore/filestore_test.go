package filestore_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/flaskbridge/flaskbridge/flasksession"
	"github.com/flaskbridge/flaskbridge/flasksession/filestore"
	"github.com/flaskbridge/flaskbridge/flasksession/internal/storetest"
	"github.com/flaskbridge/flaskbridge/internal/pyharness"
	"github.com/flaskbridge/flaskbridge/pickle"
	"github.com/flaskbridge/flaskbridge/py"
)

var (
	_ flasksession.PickleStore = (*filestore.Store)(nil)
	_ flasksession.Toucher     = (*filestore.Store)(nil)
	_ flasksession.TTLer       = (*filestore.Store)(nil)
)

func newStore(t *testing.T, dir string, o filestore.Options) *filestore.Store {
	t.Helper()
	s, err := filestore.New(dir, o)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestCrossLanguage runs the shared scenarios with each venv's
// Flask-Session and cachelib on one directory, the Go store set to that
// cachelib's layout.
func TestCrossLanguage(t *testing.T) {
	for i, v := range storetest.Venvs {
		formats := []flasksession.Format{flasksession.FormatPickle}
		if v.Compat == flasksession.Compat08 {
			formats = []flasksession.Format{flasksession.FormatMsgpack, flasksession.FormatJSON}
		}
		for j, f := range formats {
			c := storetest.Case{Venv: v, Format: f, Signer: (i+j)%2 == 1, Values: flasksession.FormatPickle}
			t.Run(v.Name+"/"+string(f), func(t *testing.T) {
				dir := t.TempDir()
				c.Store = newStore(t, dir, filestore.Options{Cachelib: v.Cachelib})
				c.PyStore = map[string]any{"type": "filesystem", "dir": dir}
				storetest.RunAll(t, c)
			})
		}
	}
}

type fileInfo struct {
	Name   string `json:"name"`
	Found  bool   `json:"found"`
	Data   string `json:"data"`
	Expiry int64  `json:"expiry"`
	Mode   int    `json:"mode"`
}

// TestLayoutPerCachelib: for each cachelib version in the venvs, the file
// Go writes for a key is the one cachelib writes: same name, same bytes
// (the header for the same expiry, then the value pickled at protocol 5),
// mode 0600; and each reads the other's.
func TestLayoutPerCachelib(t *testing.T) {
	for _, v := range storetest.Venvs {
		t.Run(v.Name+"/cachelib-"+v.Cachelib, func(t *testing.T) {
			h := pyharness.Start(t, v.Name)
			ctx := storetest.Ctx(t)
			pyDir, goDir := t.TempDir(), t.TempDir()
			s := newStore(t, goDir, filestore.Options{Cachelib: v.Cachelib})
			value := py.DictOf("_permanent", true, "user_id", int64(3), "name", "é", "raw", py.Bytes("\x01"))
			key := "session:" + flasksession.NewTokenID(32)
			var ok bool
			h.MustCall(t, "fsession.cachelib_set", map[string]any{"dir": pyDir, "key": key, "repr_text": py.Repr(value), "timeout": 600}, &ok)
			body, err := pickle.MarshalProtocol(value, 5)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Save(ctx, key, body, 600*time.Second); err != nil {
				t.Fatal(err)
			}
			var pf, gf fileInfo
			h.MustCall(t, "fsession.cachelib_file", map[string]any{"dir": pyDir, "key": key}, &pf)
			h.MustCall(t, "fsession.cachelib_file", map[string]any{"dir": goDir, "key": key}, &gf)
			if !pf.Found || !gf.Found {
				t.Fatalf("files: Python %v, Go %v", pf.Found, gf.Found)
			}
			if pf.Name != s.FileName(key) || gf.Name != pf.Name {
				t.Errorf("file name: Python %s, Go %s", pf.Name, s.FileName(key))
			}
			if gf.Mode != 0o600 || pf.Mode != 0o600 {
				t.Errorf("modes: Python %o, Go %o", pf.Mode, gf.Mode)
			}
			if d := gf.Expiry - pf.Expiry; d < 0 || d > 2 {
				t.Errorf("expiry: Python %d, Go %d", pf.Expiry, gf.Expiry)
			}
			// Same bytes once the expiries agree.
			pyBytes := storetest.B64(t, pf.Data)
			exp, n, hdr, err := filestore.DetectHeader(pyBytes, filestore.HeaderStruct)
			if err != nil {
				t.Fatal(err)
			}
			if exp != pf.Expiry {
				t.Errorf("Go reads expiry %d, Python %d", exp, pf.Expiry)
			}
			want, _ := filestore.AppendHeader(nil, hdr, gf.Expiry, 5)
			if goBytes := storetest.B64(t, gf.Data); string(goBytes) != string(append(want, pyBytes[n:]...)) {
				t.Errorf("file bytes differ:\n  Go     %x\n  Python %x", goBytes, pyBytes)
			}
			// Each side reads the other's file.
			var got struct {
				Found bool `json:"found"`
				Same  bool `json:"same"`
			}
			h.MustCall(t, "fsession.cachelib_get", map[string]any{"dir": goDir, "key": key, "expect": py.Repr(value)}, &got)
			if !got.Found || !got.Same {
				t.Errorf("cachelib reads Go's file: %+v", got)
			}
			// The newest layout (no counting, so no writes) reads the older
			// headers, but names files by SHA-256.
			ps := newStore(t, pyDir, filestore.Options{Threshold: filestore.NoThreshold})
			_, found, _ := ps.Load(ctx, key)
			if hashOf(v.Cachelib) == filestore.HashMD5 && found {
				t.Errorf("a SHA-256 store found an MD5-named file")
			}
			ps = newStore(t, pyDir, filestore.Options{Hash: hashOf(v.Cachelib), Threshold: filestore.NoThreshold})
			b, found, err := ps.Load(ctx, key)
			if err != nil || !found {
				t.Fatalf("Go reads cachelib's file: %v %v", found, err)
			}
			d, err := pickle.Unmarshal(b)
			if err != nil || !py.Equal(d, value) {
				t.Errorf("Go read %s, %v", py.Repr(d), err)
			}
		})
	}
}

func hashOf(cachelib string) filestore.Hash {
	var minor int
	fmt.Sscanf(cachelib, "0.%d", &minor)
	if minor < 16 {
		return filestore.HashMD5
	}
	return filestore.HashSHA256
}

// TestPruneLikeCachelib: the same sequence of writes into a directory over
// the threshold leaves the same entries and count with cachelib as with
// the Go store, for the modern prune (expired, then soonest to expire).
func TestPruneLikeCachelib(t *testing.T) {
	for _, name := range []string{"fs03", "fs04", "fs08"} {
		v := storetest.VenvByName(name)
		t.Run(name, func(t *testing.T) {
			h := pyharness.Start(t, v.Name)
			ctx := storetest.Ctx(t)
			pyDir, goDir := t.TempDir(), t.TempDir()
			const threshold = 5
			s := newStore(t, goDir, filestore.Options{Cachelib: v.Cachelib, Threshold: threshold})
			for i := 0; i < 12; i++ {
				key := fmt.Sprintf("session:k%02d", i)
				timeout := 1000 + (i*7)%12*100 // distinct expiries, not in write order
				var ok bool
				h.MustCall(t, "fsession.cachelib_set", map[string]any{"dir": pyDir, "key": key, "repr_text": "{'i': " + fmt.Sprint(i) + "}", "timeout": timeout, "threshold": threshold}, &ok)
				body, _ := pickle.MarshalProtocol(py.DictOf("i", int64(i)), 5)
				if err := s.Save(ctx, key, body, time.Duration(timeout)*time.Second); err != nil {
					t.Fatal(err)
				}
			}
			got, want := dirNames(t, goDir), dirNames(t, pyDir)
			if !slices.Equal(got, want) {
				t.Errorf("entries after pruning:\n  Go     %v\n  Python %v", got, want)
			}
			if len(want) > threshold+2 { // entries, the new one and the count file
				t.Errorf("no pruning: %d files", len(want))
			}
			var pyCount, goCount int
			h.MustCall(t, "fsession.cachelib_count", map[string]any{"dir": pyDir}, &pyCount)
			h.MustCall(t, "fsession.cachelib_count", map[string]any{"dir": goDir}, &goCount)
			if pyCount != goCount {
				t.Errorf("count: Python %d, Go %d", pyCount, goCount)
			}
		})
	}
}

func dirNames(t *testing.T, dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// TestConcurrentWithPython: a Python process writes and reads keys of the
// directory while Go does the same; no side ever reads a partial file.
func TestConcurrentWithPython(t *testing.T) {
	v := storetest.VenvByName("fs08")
	h := pyharness.Start(t, v.Name)
	dir := t.TempDir()
	s := newStore(t, dir, filestore.Options{Threshold: 50})
	ctx := context.Background()
	keys := []string{"session:a", "session:b", "session:c"}
	var wg sync.WaitGroup
	errs := make(chan error, 10)
	stop := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			k := keys[i%len(keys)]
			body, _ := pickle.MarshalProtocol(py.DictOf("go", int64(i), "pad", make(py.Bytes, 2000)), 5)
			if err := s.Save(ctx, k, body, time.Minute); err != nil {
				errs <- err
				return
			}
			b, found, err := s.Load(ctx, keys[(i+1)%len(keys)])
			if err != nil {
				errs <- fmt.Errorf("Go load: %w", err)
				return
			}
			if found {
				if _, err := pickle.Unmarshal(b); err != nil {
					errs <- fmt.Errorf("Go read a partial file: %w", err)
					return
				}
			}
		}
	}()
	for i := 0; i < 150; i++ {
		k := keys[i%len(keys)]
		var ok bool
		h.MustCall(t, "fsession.cachelib_set", map[string]any{"dir": dir, "key": k, "repr_text": fmt.Sprintf("{'py': %d, 'pad': b'x' * 3000}", i), "timeout": 60, "threshold": 50}, &ok)
		var got struct {
			Found bool   `json:"found"`
			Repr  string `json:"repr"`
		}
		h.MustCall(t, "fsession.cachelib_get", map[string]any{"dir": dir, "key": keys[(i+2)%len(keys)], "threshold": 50}, &got)
		if !got.Found && i > 10 {
			t.Errorf("Python found no value for %s", keys[(i+2)%len(keys)])
		}
	}
	close(stop)
	wg.Wait()
	select {
	case err := <-errs:
		t.Fatal(err)
	default:
	}
	for _, n := range dirNames(t, dir) {
		if filepath.Ext(n) == filestore.TempSuffix {
			t.Errorf("temporary file left: %s", n)
		}
	}
}

// TestReadsEveryHeader: a store reads files in all three header forms,
// whatever form it writes, and refuses garbage with ErrHeader.
func TestReadsEveryHeader(t *testing.T) {
	ctx := context.Background()
	now := time.Unix(1_700_000_000, 0)
	body, _ := pickle.MarshalProtocol(py.DictOf("a", int64(1)), 5)
	for _, w := range []filestore.Header{filestore.HeaderStruct, filestore.HeaderPickleHighest, filestore.HeaderPickle1} {
		dir := t.TempDir()
		writer := newStore(t, dir, filestore.Options{Header: w, Now: func() time.Time { return now }})
		if err := writer.Save(ctx, "k", body, time.Hour); err != nil {
			t.Fatal(err)
		}
		for _, r := range []filestore.Header{filestore.HeaderStruct, filestore.HeaderPickleHighest, filestore.HeaderPickle1} {
			reader := newStore(t, dir, filestore.Options{Header: r, Now: func() time.Time { return now }})
			b, found, err := reader.Load(ctx, "k")
			if err != nil || !found || string(b) != string(body) {
				t.Errorf("written %s, read as %s: %v %v", w, r, found, err)
			}
			ttl, _, _ := reader.TTL(ctx, "k")
			if ttl != time.Hour {
				t.Errorf("written %s, read as %s: ttl %v", w, r, ttl)
			}
		}
		later := newStore(t, dir, filestore.Options{Now: func() time.Time { return now.Add(time.Hour + time.Second) }})
		if _, found, _ := later.Load(ctx, "k"); found {
			t.Errorf("%s: expired entry found", w)
		}
		exact := newStore(t, dir, filestore.Options{Now: func() time.Time { return now.Add(time.Hour) }})
		if _, found, _ := exact.Load(ctx, "k"); !found {
			t.Errorf("%s: entry not found at its expiry second", w)
		}
	}
	dir := t.TempDir()
	s := newStore(t, dir, filestore.Options{})
	os.WriteFile(filepath.Join(dir, s.FileName("bad")), []byte("garbage"), 0o600)
	if _, _, err := s.Load(ctx, "bad"); !errors.Is(err, filestore.ErrHeader) {
		t.Errorf("garbage: %v", err)
	}
}

// TestLargeExpiry: an expiry past 2106 does not fit cachelib 0.7+'s
// header, as struct.pack("I") fails in Python.
func TestLargeExpiry(t *testing.T) {
	s := newStore(t, t.TempDir(), filestore.Options{})
	if err := s.Save(context.Background(), "k", []byte{0x80, 5, '.'}, 100*365*24*time.Hour); !errors.Is(err, filestore.ErrHeader) {
		t.Errorf("Save = %v, want ErrHeader", err)
	}
}

// TestBadOptions: options New cannot use fail with ErrConfig.
func TestBadOptions(t *testing.T) {
	for name, o := range map[string]filestore.Options{
		"cachelib 1.0":   {Cachelib: "1.0"},
		"cachelib x":     {Cachelib: "x"},
		"cachelib 0.x":   {Cachelib: "0.x"},
		"protocol 1":     {PickleProtocol: 1},
		"protocol 6":     {PickleProtocol: 6},
		"header form 99": {Header: 99},
		"hash 99":        {Hash: 99},
	} {
		if _, err := filestore.New(t.TempDir(), o); !errors.Is(err, filestore.ErrConfig) {
			t.Errorf("%s: %v, want ErrConfig", name, err)
		}
	}
}
