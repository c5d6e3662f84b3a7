// Package memcachedstore keeps Flask-Session's sessions in memcached
// (SESSION_TYPE "memcached"), so that a Go service and a Flask app share
// them.
//
// The layout is Flask-Session's: the value under SESSION_KEY_PREFIX + sid,
// as the raw bytes Flask-Session hands its client (a pickle, or msgspec
// msgpack or JSON from 0.7 on), stored with client flags 0, the flags
// python-memcached, pymemcache and pylibmc all give a bytes value. Reading
// also accepts flag 8, a zlib-compressed value, which those clients write
// when they are set to compress (min_compress_len). The expiry is
// PERMANENT_SESSION_LIFETIME in whole seconds, and, as Flask-Session does,
// one of more than 30 days is sent as an absolute Unix time (now +
// lifetime), since memcached reads any expiry over 30 days as one. The
// default lifetime, 31 days, is such a case.
//
// Flask-Session 0.3 to 0.5 pickle sessions for memcached at protocol 0
// (pickle.dumps(dict(session), 0)); a Manager with
// flasksession.Options.PickleProtocol set to pickle.TextProtocol writes the
// same bytes. Any protocol reads on Python 3; Python 2 reads up to 2.
//
// The store speaks memcached's text protocol (get, gets, set, cas, touch,
// delete), which every memcached and most proxies understand, and two meta
// commands of memcached 1.6 and later: "mg <key> t" for TTL, and
// "md <key> C<unique>" for CompareAndDelete. memcached
// cannot list its keys, so the store is no flasksession.Lister: tools that
// list or migrate every session do not work on it.
//
// Several servers share the keys as python-memcached's Client shares them
// (a CRC32 of the key picks the server); pymemcache's HashClient and
// pylibmc spread keys differently, so with those use one server. Unlike
// python-memcached, which moves a key to another server while its own is
// down, a server that does not answer is an error: never "not found".
package memcachedstore

import (
	"bytes"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"net"
	"time"

	"github.com/flaskbridge/flaskbridge/flasksession"
)

// Client flags of a stored value, as python-memcached, pymemcache and
// pylibmc number them.
const (
	// FlagBytes marks raw bytes: what Flask-Session stores.
	FlagBytes uint32 = 0
	// FlagZlib marks a value compressed with zlib.
	FlagZlib uint32 = 1 << 3
)

// MaxRelativeExpiry is the longest expiry memcached reads as relative to
// now (30 days); a longer one is an absolute Unix time.
const MaxRelativeExpiry = 30 * 24 * time.Hour

// DefaultServer is the server Flask-Session's own client connects to when
// the app configures none.
const DefaultServer = "127.0.0.1:11211"

// Defaults of Options.
const (
	DefaultTimeout      = 3 * time.Second // python-memcached's socket timeout
	DefaultMaxIdleConns = 4
	DefaultMaxValueSize = 16 << 20
)

// Errors of this package, for errors.Is.
var (
	// ErrConfig reports options that cannot be used.
	ErrConfig = errors.New("memcachedstore: bad configuration")
	// ErrKey reports a key memcached's text protocol cannot carry: empty,
	// over 250 bytes, or with a control character or a space.
	ErrKey = errors.New("memcachedstore: invalid key")
	// ErrFlags reports a value stored with client flags other than raw
	// bytes (0) or zlib (8): a value a client pickled or stored as text,
	// which Flask-Session never writes.
	ErrFlags = errors.New("memcachedstore: value has unsupported client flags")
	// ErrTooLarge reports a value, or an inflated value, over
	// Options.MaxValueSize. It wraps flasksession.ErrTooLarge, which the
	// other stores report too.
	ErrTooLarge = fmt.Errorf("memcachedstore: %w", flasksession.ErrTooLarge)
	// ErrProtocol reports a reply the store does not understand.
	ErrProtocol = errors.New("memcachedstore: protocol error")
	// ErrNotStored reports a write the server refused (SERVER_ERROR, for
	// instance a value over memcached's item size limit).
	ErrNotStored = errors.New("memcachedstore: not stored")
	// ErrClosed reports a use of a closed store.
	ErrClosed = errors.New("memcachedstore: store closed")
)

// Options configure a Store. The zero value talks to DefaultServer.
type Options struct {
	// Servers are the memcached servers, "host:port" or a Unix socket
	// ("unix:/path" or "/path"), in the order the Python client lists them
	// (zero: DefaultServer).
	Servers []string
	// Timeout bounds each command, dial included, when the context has no
	// earlier deadline (zero: DefaultTimeout).
	Timeout time.Duration
	// MaxIdleConns is the number of idle connections kept per server
	// (zero: DefaultMaxIdleConns).
	MaxIdleConns int
	// MaxValueSize bounds a value read, and a compressed value once
	// inflated (zero: DefaultMaxValueSize).
	MaxValueSize int
	// Now returns the current time, for expiries over 30 days (zero:
	// time.Now).
	Now func() time.Time
	// Dialer makes the connections (zero: a net.Dialer).
	Dialer interface {
		DialContext(ctx context.Context, network, address string) (net.Conn, error)
	}
}

// Store is a flasksession.Store (with Toucher, CompareAndSwapper,
// CompareAndDeleter and TTLer) over memcached. It is safe for concurrent use.
type Store struct {
	servers []*server
	timeout time.Duration
	maxIdle int
	maxSize int
	now     func() time.Time
	dialer  interface {
		DialContext(ctx context.Context, network, address string) (net.Conn, error)
	}
}

// New returns a store over the servers of o. It does not connect: the
// first command does.
func New(o Options) (*Store, error) {
	s := &Store{timeout: o.Timeout, maxIdle: o.MaxIdleConns, maxSize: o.MaxValueSize, now: o.Now, dialer: o.Dialer}
	addrs := o.Servers
	if len(addrs) == 0 {
		addrs = []string{DefaultServer}
	}
	for _, a := range addrs {
		network, addr, err := parseServer(a)
		if err != nil {
			return nil, err
		}
		s.servers = append(s.servers, &server{network: network, addr: addr})
	}
	if s.timeout <= 0 {
		s.timeout = DefaultTimeout
	}
	if s.maxIdle <= 0 {
		s.maxIdle = DefaultMaxIdleConns
	}
	if s.maxSize <= 0 {
		s.maxSize = DefaultMaxValueSize
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.dialer == nil {
		s.dialer = &net.Dialer{}
	}
	return s, nil
}

// Close closes the idle connections; the store must not be used after.
func (s *Store) Close() error {
	for _, srv := range s.servers {
		srv.close()
	}
	return nil
}

// ServerFor returns the server (as given in Options.Servers) that holds
// key: with several, the one python-memcached's Client picks, the bucket
// ((crc32(key) >> 16) & 0x7fff) modulo the number of servers (each of
// weight 1). python-memcached 1.59 and older turn a hash of 0 into 1, so
// there one key in 32768 lands on another server.
func (s *Store) ServerFor(key string) string {
	srv := s.pick(key)
	if srv.network == "unix" {
		return "unix:" + srv.addr
	}
	return srv.addr
}

func (s *Store) pick(key string) *server {
	if len(s.servers) == 1 {
		return s.servers[0]
	}
	h := (crc32.ChecksumIEEE([]byte(key)) >> 16) & 0x7fff
	return s.servers[int(h)%len(s.servers)]
}

// checkKey refuses what python-memcached's check_key refuses and
// memcached's text protocol cannot carry.
func checkKey(key string) error {
	if len(key) == 0 || len(key) > 250 {
		return fmt.Errorf("%w: %d bytes (1 to 250)", ErrKey, len(key))
	}
	for i := 0; i < len(key); i++ {
		if c := key[i]; c <= ' ' || c == 0x7f {
			return fmt.Errorf("%w: %q has a control character or space at byte %d", ErrKey, key, i)
		}
	}
	return nil
}

// Expiry returns the expiry memcached is sent for ttl, as Flask-Session's
// _get_memcache_timeout computes it: whole seconds (a partial second
// counts as one), 0 for none, and for more than 30 days the absolute Unix
// time now + ttl.
func (s *Store) Expiry(ttl time.Duration) (int64, error) {
	if ttl < 0 {
		return 0, fmt.Errorf("memcachedstore: negative ttl %v", ttl)
	}
	sec := int64(ttl / time.Second)
	if ttl%time.Second != 0 {
		sec++
	}
	if sec > int64(MaxRelativeExpiry/time.Second) {
		sec += s.now().Unix()
	}
	return sec, nil
}

// decode returns the session bytes of an item.
func (s *Store) decode(key string, it *item) ([]byte, error) {
	switch it.flags {
	case FlagBytes:
		return it.value, nil
	case FlagZlib:
		zr, err := zlib.NewReader(bytes.NewReader(it.value))
		if err != nil {
			return nil, fmt.Errorf("memcachedstore: inflating %q: %w", key, err)
		}
		defer zr.Close()
		out, err := io.ReadAll(io.LimitReader(zr, int64(s.maxSize)+1))
		if err != nil {
			return nil, fmt.Errorf("memcachedstore: inflating %q: %w", key, err)
		}
		if len(out) > s.maxSize {
			return nil, fmt.Errorf("%w: %q inflates to more than %d bytes", ErrTooLarge, key, s.maxSize)
		}
		return out, nil
	}
	return nil, fmt.Errorf("%w: %q has flags %d (a client pickled or encoded it; Flask-Session stores bytes, flags 0)", ErrFlags, key, it.flags)
}

func (s *Store) get(ctx context.Context, key string) (*item, error) {
	if err := checkKey(key); err != nil {
		return nil, err
	}
	var it *item
	err := s.withConn(ctx, s.pick(key), func(c *conn) (err error) {
		it, err = c.gets(key, s.maxSize)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("memcachedstore: get %q: %w", key, err)
	}
	return it, nil
}

// Load returns the value of key. A miss (absent, expired, evicted, or a
// server restarted since) is found == false; a server that does not
// answer is an error.
func (s *Store) Load(ctx context.Context, key string) ([]byte, bool, error) {
	it, err := s.get(ctx, key)
	if err != nil || it == nil {
		return nil, false, err
	}
	data, err := s.decode(key, it)
	if err != nil {
		return nil, false, err
	}
	return data, true, nil
}

// Save runs "set key 0 Expiry(ttl) len(data)".
func (s *Store) Save(ctx context.Context, key string, data []byte, ttl time.Duration) error {
	if err := checkKey(key); err != nil {
		return err
	}
	exp, err := s.Expiry(ttl)
	if err != nil {
		return err
	}
	err = s.withConn(ctx, s.pick(key), func(c *conn) error {
		return c.store(key, FlagBytes, exp, data, 0)
	})
	return wrap("set", key, err)
}

// Delete runs "delete key"; an absent key is not an error.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	err := s.withConn(ctx, s.pick(key), func(c *conn) error {
		err := c.simple("delete "+key, "DELETED")
		if r := (*reply)(nil); errors.As(err, &r) && r.line == "NOT_FOUND" {
			return nil
		}
		return err
	})
	return wrap("delete", key, err)
}

// Touch runs "touch key Expiry(ttl)": the value stays as it is, and an
// absent key is not created.
func (s *Store) Touch(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	if err := checkKey(key); err != nil {
		return false, err
	}
	exp, err := s.Expiry(ttl)
	if err != nil {
		return false, err
	}
	found := true
	err = s.withConn(ctx, s.pick(key), func(c *conn) error {
		err := c.simple("touch "+key+" "+fmt.Sprint(exp), "TOUCHED")
		if r := (*reply)(nil); errors.As(err, &r) && r.line == "NOT_FOUND" {
			found = false
			return nil
		}
		return err
	})
	if err != nil {
		return false, wrap("touch", key, err)
	}
	return found, nil
}

// holding returns the item of key, with its unique, if its value is old;
// nil when the key is absent or holds something else.
func (s *Store) holding(ctx context.Context, key string, old []byte) (*item, error) {
	it, err := s.get(ctx, key)
	if err != nil || it == nil {
		return nil, err
	}
	cur, err := s.decode(key, it)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(cur, old) {
		return nil, nil
	}
	return it, nil
}

// CompareAndSwap replaces the value of key with data if it still holds
// old, with memcached's cas command on the unique of the value read: a
// write by anyone in between makes it fail. KeepTTL keeps the entry's
// expiry (read with TTL, so memcached 1.6 or later).
func (s *Store) CompareAndSwap(ctx context.Context, key string, old, data []byte, ttl time.Duration) (bool, error) {
	it, err := s.holding(ctx, key, old)
	if err != nil || it == nil {
		return false, err
	}
	var exp int64
	if ttl < 0 {
		left, found, err := s.TTL(ctx, key)
		if err != nil || !found {
			return false, err
		}
		if left >= 0 {
			if exp, err = s.Expiry(max(left, time.Second)); err != nil {
				return false, err
			}
		}
	} else if exp, err = s.Expiry(ttl); err != nil {
		return false, err
	}
	swapped := true
	err = s.withConn(ctx, s.pick(key), func(c *conn) error {
		err := c.store(key, FlagBytes, exp, data, max(it.cas, 1))
		if r := (*reply)(nil); errors.As(err, &r) && (r.line == "EXISTS" || r.line == "NOT_FOUND") {
			swapped = false
			return nil
		}
		return err
	})
	if err != nil {
		return false, wrap("cas", key, err)
	}
	return swapped, nil
}

// CompareAndDelete removes key if it still holds old, with the meta
// command "md key C<unique>" (memcached 1.6 and later) on the unique of the
// value read: a write by anyone in between makes it fail, and the key
// stays. An older server gives an error wrapping errors.ErrUnsupported
// (the Manager then deletes with a plain delete, as before 1.6).
func (s *Store) CompareAndDelete(ctx context.Context, key string, old []byte) (bool, error) {
	it, err := s.holding(ctx, key, old)
	if err != nil || it == nil {
		return false, err
	}
	var deleted bool
	err = s.withConn(ctx, s.pick(key), func(c *conn) (err error) {
		deleted, err = c.metaDelete(key, max(it.cas, 1))
		return err
	})
	if err != nil {
		return false, wrap("md", key, err)
	}
	return deleted, nil
}

// TTL returns the time left before key expires (negative: never), with
// the meta command "mg key t" of memcached 1.6 and later; an older server
// gives an error wrapping errors.ErrUnsupported.
func (s *Store) TTL(ctx context.Context, key string) (time.Duration, bool, error) {
	if err := checkKey(key); err != nil {
		return 0, false, err
	}
	var (
		sec   int64
		found bool
	)
	err := s.withConn(ctx, s.pick(key), func(c *conn) (err error) {
		sec, found, err = c.ttl(key)
		return err
	})
	if err != nil {
		return 0, false, wrap("mg", key, err)
	}
	if sec < 0 {
		return -1, found, nil
	}
	return time.Duration(sec) * time.Second, found, nil
}

// wrap adds the command and key to an error, and turns a refusal the
// server sent into ErrNotStored.
func wrap(cmd, key string, err error) error {
	if err == nil {
		return nil
	}
	if r := (*reply)(nil); errors.As(err, &r) {
		return fmt.Errorf("%w: %s %q: %w", ErrNotStored, cmd, key, err)
	}
	return fmt.Errorf("memcachedstore: %s %q: %w", cmd, key, err)
}
