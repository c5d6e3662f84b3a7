// Package filestore keeps Flask-Session's sessions in a directory laid out
// as cachelib's FileSystemCache (SESSION_TYPE "filesystem") lays it out, so
// a Go service and a Flask app can share the directory.
//
// One file per key, named by the hex digest of the key's UTF-8 bytes (MD5
// up to cachelib 0.15, SHA-256 from 0.16 on). A file holds the expiry (an
// absolute Unix time, 0 for never) in one of three header forms (see
// Header), then the session dict pickled at HIGHEST_PROTOCOL: cachelib
// pickles the dict itself, whatever Flask-Session's serialization format
// says. Files are written to a temporary "tmp*.__wz_cache" file in the
// directory and renamed over the target, then given mode 0600, so a reader
// (Python or Go) never sees a partial file. A management file (key
// "__wz_cache_count", never expiring) holds the number of entries, and a
// write that finds more entries than the threshold prunes the directory
// first: expired entries, then those that expire soonest.
package filestore

import (
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/flaskbridge/flaskbridge/flasksession"
	"github.com/flaskbridge/flaskbridge/pickle"
)

// CountKey is the key of the management entry holding the entry count.
const CountKey = "__wz_cache_count"

// TempSuffix ends the names of files being written.
const TempSuffix = ".__wz_cache"

// DefaultThreshold is SESSION_FILE_THRESHOLD's default.
const DefaultThreshold = 500

// NoThreshold turns counting and pruning off (a threshold of 0 in Python).
const NoThreshold = -1

// DefaultMaxFileSize bounds the files Load reads.
const DefaultMaxFileSize = 16 << 20

// Hash names the digest of the file names.
type Hash int

const (
	// HashSHA256 is cachelib 0.16 and later's default.
	HashSHA256 Hash = iota
	// HashMD5 is the default of cachelib up to 0.15 and of Werkzeug's
	// cache.
	HashMD5
)

// Options configure a Store. The zero value follows cachelib 0.16 and
// later as Flask-Session configures it: SHA-256 names, struct headers,
// threshold 500, mode 0600, values pickled at protocol 5.
type Options struct {
	// Cachelib is the cachelib version whose layout to follow ("0.9",
	// "0.13.0", "werkzeug" for werkzeug.contrib.cache); it sets Header,
	// Hash and LegacyPrune. Empty means the newest.
	Cachelib string
	// Header is the header form written (zero: HeaderStruct); reading
	// accepts all three.
	Header Header
	// Hash is the digest of file names (zero: HashSHA256).
	Hash Hash
	// LegacyPrune prunes as cachelib 0.1 and Werkzeug's cache do: every
	// third file and the expired ones, then a recount.
	LegacyPrune bool
	// Threshold is SESSION_FILE_THRESHOLD (zero: 500; NoThreshold: no
	// counting or pruning, Python's 0).
	Threshold int
	// Mode is SESSION_FILE_MODE (zero: 0600).
	Mode fs.FileMode
	// PickleProtocol is the protocol of the pickled values and of a
	// HeaderPickleHighest header: the writer's pickle.HIGHEST_PROTOCOL
	// (zero: 5, Python 3.8+; 4 for 3.4–3.7, 2 for Python 2).
	PickleProtocol int
	// MaxFileSize bounds the files read (zero: DefaultMaxFileSize).
	MaxFileSize int64
	// Now returns the current time (zero: time.Now).
	Now func() time.Time
}

// Store is a flasksession.Store (with Toucher and TTLer) over a cachelib
// FileSystemCache directory. It is safe for concurrent use, and with a
// Python process using the same directory: files are replaced atomically.
// The entry count is kept as cachelib keeps it, with the same races.
type Store struct {
	dir       string
	header    Header
	hash      Hash
	legacy    bool
	threshold int // 0: none
	mode      fs.FileMode
	protocol  int
	maxSize   int64
	now       func() time.Time
	countName string
}

// New returns a store over dir, creating it if needed. As FileSystemCache
// does when it is made, it counts the entries and records the count
// (unless the threshold is off).
func New(dir string, o Options) (*Store, error) {
	s := &Store{dir: dir, header: o.Header, hash: o.Hash, legacy: o.LegacyPrune,
		threshold: o.Threshold, mode: o.Mode, protocol: o.PickleProtocol, maxSize: o.MaxFileSize, now: o.Now}
	if o.Cachelib != "" {
		if err := s.applyVersion(o.Cachelib); err != nil {
			return nil, err
		}
	}
	switch {
	case s.threshold == 0:
		s.threshold = DefaultThreshold
	case s.threshold < 0:
		s.threshold = 0
	}
	if s.mode == 0 {
		s.mode = 0o600
	}
	if s.protocol == 0 {
		s.protocol = pickle.HighestProtocol
	} else if s.protocol < 2 || s.protocol > pickle.HighestProtocol {
		return nil, fmt.Errorf("%w: pickle protocol %d (want 2 to %d)", ErrConfig, s.protocol, pickle.HighestProtocol)
	}
	if s.header < HeaderStruct || s.header > HeaderPickle1 {
		return nil, fmt.Errorf("%w: unknown header form %d", ErrConfig, int(s.header))
	}
	if s.hash != HashSHA256 && s.hash != HashMD5 {
		return nil, fmt.Errorf("%w: unknown hash %d", ErrConfig, int(s.hash))
	}
	if s.maxSize <= 0 {
		s.maxSize = DefaultMaxFileSize
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.countName = s.FileName(CountKey)
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return nil, fmt.Errorf("filestore: %w", err)
	}
	if s.threshold != 0 {
		names, err := s.listDir()
		if err != nil {
			return nil, err
		}
		if err := s.setCount(int64(len(names))); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// applyVersion sets the layout of a cachelib version.
func (s *Store) applyVersion(v string) error {
	if v == "werkzeug" {
		s.header, s.hash, s.legacy = HeaderPickle1, HashMD5, true
		return nil
	}
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 || parts[0] != "0" {
		return fmt.Errorf("%w: cachelib version %q", ErrConfig, v)
	}
	minor, err := strconv.Atoi(parts[1])
	if err != nil {
		return fmt.Errorf("%w: cachelib version %q", ErrConfig, v)
	}
	switch {
	case minor < 2:
		s.header, s.legacy = HeaderPickle1, true
	case minor < 5:
		s.header = HeaderPickle1
	case minor < 7:
		s.header = HeaderPickleHighest
	default:
		s.header = HeaderStruct
	}
	if minor < 16 {
		s.hash = HashMD5
	} else {
		s.hash = HashSHA256
	}
	return nil
}

// Dir returns the store's directory.
func (s *Store) Dir() string { return s.dir }

// PickleProtocol returns the protocol the session dicts are pickled at:
// the store's values are pickles whatever the serialization format, and a
// flasksession.Manager over the store writes them so.
func (s *Store) PickleProtocol() int { return s.protocol }

// FileName returns the name of key's file: the hex digest of its UTF-8
// bytes.
func (s *Store) FileName(key string) string {
	var h hash.Hash
	if s.hash == HashMD5 {
		h = md5.New()
	} else {
		h = sha256.New()
	}
	io.WriteString(h, key)
	return hex.EncodeToString(h.Sum(nil))
}

func (s *Store) path(name string) string { return filepath.Join(s.dir, name) }

// valid reports whether an entry with this expiry is still valid at now,
// as "expiry == 0 or expiry >= time.time()".
func valid(expiry int64, now time.Time) bool {
	if expiry == 0 {
		return true
	}
	sec := now.Unix()
	return expiry > sec || (expiry == sec && now.Nanosecond() == 0)
}

// file is one cache file read and parsed.
type file struct {
	expiry int64
	header Header
	body   []byte // the pickled value
}

// readFile reads and parses a cache file; a missing file is (nil, nil).
func (s *Store) readFile(name string) (*file, error) {
	f, err := os.Open(s.path(name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("filestore: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, s.maxSize+64+1))
	if err != nil {
		return nil, fmt.Errorf("filestore: reading %s: %w", name, err)
	}
	if int64(len(data)) > s.maxSize+64 {
		return nil, fmt.Errorf("filestore: %w: %s is larger than %d bytes", flasksession.ErrTooLarge, name, s.maxSize)
	}
	exp, n, h, err := DetectHeader(data, s.header)
	if err != nil {
		return nil, fmt.Errorf("filestore: %s: %w", name, err)
	}
	return &file{expiry: exp, header: h, body: data[n:]}, nil
}

// Load returns the pickled value of key, or not found when there is no file
// or it has expired (the file is left for pruning, as cachelib 0.4+ does).
func (s *Store) Load(ctx context.Context, key string) ([]byte, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	f, err := s.readFile(s.FileName(key))
	if err != nil || f == nil || !valid(f.expiry, s.now()) {
		return nil, false, err
	}
	return f.body, true, nil
}

// expiryFor is cachelib's _normalize_timeout: int(time()) + timeout, or 0.
func (s *Store) expiryFor(ttl time.Duration) (int64, error) {
	if ttl < 0 {
		return 0, fmt.Errorf("filestore: negative ttl %v", ttl)
	}
	if ttl == 0 {
		return 0, nil
	}
	sec := int64(ttl / time.Second)
	if sec == 0 {
		sec = 1
	}
	return s.now().Unix() + sec, nil
}

// Save writes data (a pickled value) under key, to expire after ttl, as
// FileSystemCache.set does: prune when over the threshold, write a
// temporary file, rename it over the entry, set its mode, and count a new
// entry.
func (s *Store) Save(ctx context.Context, key string, data []byte, ttl time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := s.prune(); err != nil {
		return err
	}
	exp, err := s.expiryFor(ttl)
	if err != nil {
		return err
	}
	name := s.FileName(key)
	overwrite := isFile(s.path(name))
	if err := s.write(name, s.header, exp, data); err != nil {
		return err
	}
	if !overwrite {
		return s.addCount(1)
	}
	return nil
}

func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}

// ErrConfig reports options that cannot be used (an unknown cachelib
// version, pickle protocol, header form or hash). It comes wrapped with
// detail.
var ErrConfig = errors.New("filestore: bad configuration")

// errChanged stops a write whose guard found the file changed.
var errChanged = errors.New("filestore: file changed")

// write puts header + body in a temporary file and renames it to name. A
// guard, when given, runs just before the rename; if it returns false the
// write is dropped with errChanged.
func (s *Store) write(name string, h Header, expiry int64, body []byte, guard ...func() bool) error {
	buf := make([]byte, 0, 16+len(body))
	buf, err := AppendHeader(buf, h, expiry, s.protocol)
	if err != nil {
		return err
	}
	buf = append(buf, body...)
	tmp, err := os.CreateTemp(s.dir, "tmp*"+TempSuffix)
	if err != nil {
		return fmt.Errorf("filestore: %w", err)
	}
	_, werr := tmp.Write(buf)
	cerr := tmp.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil && len(guard) > 0 && !guard[0]() {
		werr = errChanged
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), s.path(name))
	}
	if werr == errChanged {
		os.Remove(tmp.Name())
		return errChanged
	}
	if werr != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("filestore: writing %s: %w", name, werr)
	}
	if err := os.Chmod(s.path(name), s.mode); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("filestore: %w", err)
	}
	return nil
}

// Delete removes key's file and counts it out, as FileSystemCache.delete.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	err := os.Remove(s.path(s.FileName(key)))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("filestore: %w", err)
	}
	return s.addCount(-1)
}

// Touch rewrites key's header with a new expiry, keeping the value as the
// file holds it now and the header form it has; an absent or expired entry
// is left alone. The file is read again just before the new one replaces
// it, and a value written meanwhile (by Python, say) is kept as it is, with
// the fresh expiry its writer gave it. (cachelib takes no locks, so a write
// in the instant between that check and the rename can still be undone.)
func (s *Store) Touch(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	name := s.FileName(key)
	f, err := s.readFile(name)
	if err != nil || f == nil || !valid(f.expiry, s.now()) {
		return false, err
	}
	exp, err := s.expiryFor(ttl)
	if err != nil {
		return false, err
	}
	unchanged := func() bool {
		now, err := s.readFile(name)
		return err == nil && now != nil && now.expiry == f.expiry && string(now.body) == string(f.body)
	}
	if err := s.write(name, f.header, exp, f.body, unchanged); err != nil && err != errChanged {
		return false, err
	}
	return true, nil
}

// TTL returns the time left before key expires (negative: never).
func (s *Store) TTL(ctx context.Context, key string) (time.Duration, bool, error) {
	f, err := s.readFile(s.FileName(key))
	if err != nil || f == nil {
		return 0, false, err
	}
	if f.expiry == 0 {
		return -1, true, nil
	}
	now := s.now()
	if !valid(f.expiry, now) {
		return 0, false, nil
	}
	return time.Unix(f.expiry, 0).Sub(now), true, nil
}

// Entry is one cache file, as Entries lists them.
type Entry struct {
	// Name is the file name: the digest of the key, which cannot be
	// recovered from it.
	Name string
	// Expiry is when the entry expires; zero for never.
	Expiry time.Time
	// Header is the header form of the file.
	Header Header
}

// Entries calls fn for every entry file (not the count file, not
// temporary files), expired ones included, in directory order.
func (s *Store) Entries(ctx context.Context, fn func(Entry) error) error {
	names, err := s.listDir()
	if err != nil {
		return err
	}
	for _, n := range names {
		if err := ctx.Err(); err != nil {
			return err
		}
		f, err := s.readFile(n)
		if err != nil {
			return err
		}
		if f == nil {
			continue
		}
		e := Entry{Name: n, Header: f.header}
		if f.expiry != 0 {
			e.Expiry = time.Unix(f.expiry, 0)
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}

// LoadFile returns the pickled value and expiry of the entry file name (as
// Entries gives it), expired or not.
func (s *Store) LoadFile(name string) (body []byte, expiry time.Time, found bool, err error) {
	if strings.ContainsAny(name, `/\`) || name == "." || name == ".." {
		return nil, time.Time{}, false, fmt.Errorf("filestore: bad file name %q", name)
	}
	f, err := s.readFile(name)
	if err != nil || f == nil {
		return nil, time.Time{}, false, err
	}
	if f.expiry != 0 {
		expiry = time.Unix(f.expiry, 0)
	}
	return f.body, expiry, true, nil
}

// listDir is FileSystemCache._list_dir: the directory's names in directory
// order, less the count file and temporary files.
func (s *Store) listDir() ([]string, error) {
	d, err := os.Open(s.dir)
	if err != nil {
		return nil, fmt.Errorf("filestore: %w", err)
	}
	defer d.Close()
	names, err := d.Readdirnames(-1)
	if err != nil {
		return nil, fmt.Errorf("filestore: %w", err)
	}
	return slices.DeleteFunc(names, func(n string) bool {
		return n == s.countName || strings.HasSuffix(n, TempSuffix)
	}), nil
}

// count is FileSystemCache._file_count: the management entry's value, or 0.
func (s *Store) count() int64 {
	f, err := s.readFile(s.countName)
	if err != nil || f == nil || !valid(f.expiry, s.now()) {
		return 0
	}
	v, err := pickle.Unmarshal(f.body)
	if err != nil {
		return 0
	}
	switch n := v.(type) {
	case int64:
		return n
	case bool:
		if n {
			return 1
		}
	}
	return 0
}

// setCount writes the management entry (no expiry, no pruning).
func (s *Store) setCount(n int64) error {
	body, err := pickle.MarshalProtocol(n, s.protocol)
	if err != nil {
		return fmt.Errorf("filestore: %w", err)
	}
	return s.write(s.countName, s.header, 0, body)
}

// addCount is _update_count(delta=...).
func (s *Store) addCount(delta int64) error {
	if s.threshold == 0 {
		return nil
	}
	return s.setCount(s.count() + delta)
}

func (s *Store) overThreshold() bool {
	return s.threshold != 0 && s.count() > int64(s.threshold)
}

// prune is FileSystemCache._prune.
func (s *Store) prune() error {
	if s.legacy {
		return s.pruneLegacy()
	}
	if !s.overThreshold() {
		return nil
	}
	nowf := float64(s.now().UnixNano()) / 1e9
	names, err := s.listDir()
	if err != nil {
		return err
	}
	// _remove_expired: "expires != 0 and expires < now".
	for _, n := range names {
		f, err := s.readFile(n)
		if err != nil || f == nil {
			continue // cachelib logs and goes on
		}
		if f.expiry != 0 && float64(f.expiry) < nowf {
			if err := os.Remove(s.path(n)); err == nil {
				if err := s.addCount(-1); err != nil {
					return err
				}
			}
		}
	}
	if !s.overThreshold() {
		return nil
	}
	// _remove_older: soonest expiry first (0, never, sorts first), in a
	// stable sort of the directory order.
	if names, err = s.listDir(); err != nil {
		return err
	}
	type aged struct {
		expiry int64
		name   string
	}
	var entries []aged
	for _, n := range names {
		if f, err := s.readFile(n); err == nil && f != nil {
			entries = append(entries, aged{f.expiry, n})
		}
	}
	slices.SortStableFunc(entries, func(a, b aged) int {
		switch {
		case a.expiry < b.expiry:
			return -1
		case a.expiry > b.expiry:
			return 1
		}
		return 0
	})
	for _, e := range entries {
		err := os.Remove(s.path(e.name))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil // cachelib gives up at the first failure
		}
		if err := s.addCount(-1); err != nil {
			return err
		}
		if !s.overThreshold() {
			break
		}
	}
	return nil
}

// pruneLegacy is the prune of cachelib 0.1 and Werkzeug's cache: remove
// expired entries and every third one, then recount.
func (s *Store) pruneLegacy() error {
	if s.threshold == 0 || s.count() <= int64(s.threshold) {
		return nil
	}
	names, err := s.listDir()
	if err != nil {
		return err
	}
	now := float64(s.now().UnixNano()) / 1e9
	for i, n := range names {
		f, err := s.readFile(n)
		if err != nil || f == nil {
			continue
		}
		if (f.expiry != 0 && float64(f.expiry) <= now) || i%3 == 0 {
			os.Remove(s.path(n))
		}
	}
	names, err = s.listDir()
	if err != nil {
		return err
	}
	return s.setCount(int64(len(names)))
}
