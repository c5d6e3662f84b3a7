// Package redisstore keeps Flask-Session's sessions in Redis through a
// go-redis v9 UniversalClient: a standalone server (*redis.Client), a
// Sentinel-managed master (redis.NewFailoverClient) or a Redis Cluster
// (*redis.ClusterClient).
//
// The layout is Flask-Session's: the value under SESSION_KEY_PREFIX + sid,
// as is, with an expiry of PERMANENT_SESSION_LIFETIME seconds. Flask-Session
// 0.3 to 0.5 write it with SETEX, 0.6 and later with SET ... EX; both give
// the same entry, and Save uses SET ... EX. Each operation touches one key,
// so it works on a cluster whatever slot the key hashes to.
//
// Load reads a value with GETRANGE key 0 limit, one command that stops one
// byte past the size limit, so that a huge entry never crosses the wire
// whole. GETRANGE answers an empty string for an absent key, so an empty
// value reads as absent: Flask-Session 0.7 and later read it so too (a
// falsy value is no session), and no serializer writes an empty session.
package redisstore

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/flaskbridge/flaskbridge/flasksession"
)

// Store is a flasksession.Store (with BoundedLoader, LoadToucher, Toucher,
// CompareAndSwapper, CompareAndDeleter, Lister and TTLer) over a Redis
// client. It is safe for concurrent use.
type Store struct {
	client redis.UniversalClient
	// ScanCount is the COUNT hint of the SCAN calls of Keys (default 1000).
	ScanCount int64
	// MaxValueSize bounds the values Load reads (zero:
	// flasksession.DefaultMaxValueSize); a Manager reads with its own
	// Options.MaxValueSize through LoadBounded.
	MaxValueSize int
}

// New returns a store over client.
func New(client redis.UniversalClient) *Store {
	return &Store{client: client}
}

// Client returns the store's client.
func (s *Store) Client() redis.UniversalClient { return s.client }

// seconds is the whole-second expiry Flask-Session gives Redis; zero means
// no expiry.
func seconds(ttl time.Duration) (int64, error) {
	if ttl < 0 {
		return 0, fmt.Errorf("redisstore: negative ttl %v", ttl)
	}
	n := int64(ttl / time.Second)
	if ttl > 0 && n == 0 {
		n = 1
	}
	return n, nil
}

// Load returns the value of key, up to MaxValueSize bytes; see
// LoadBounded.
func (s *Store) Load(ctx context.Context, key string) ([]byte, bool, error) {
	max := s.MaxValueSize
	if max <= 0 {
		max = flasksession.DefaultMaxValueSize
	}
	return s.LoadBounded(ctx, key, max)
}

// LoadBounded returns the value of key if it is at most max bytes long,
// with GETRANGE key 0 max, which reads at most max+1 bytes of a longer
// value, an error wrapping flasksession.ErrTooLarge. An absent key, and an
// empty value, are found == false (see the package documentation).
func (s *Store) LoadBounded(ctx context.Context, key string, max int) ([]byte, bool, error) {
	if max < 0 {
		max = 0
	}
	b, err := s.client.GetRange(ctx, key, 0, int64(max)).Bytes()
	if err != nil {
		return nil, false, fmt.Errorf("redisstore: GETRANGE %q: %w", key, err)
	}
	return bounded(key, b, max)
}

// bounded is what GETRANGE key 0 max answered, b, as a load: an empty
// value is no entry, one longer than max is ErrTooLarge.
func bounded(key string, b []byte, max int) ([]byte, bool, error) {
	if len(b) == 0 {
		return nil, false, nil
	}
	if len(b) > max {
		return nil, false, fmt.Errorf("redisstore: GETRANGE %q: %w: over the %d byte limit", key, flasksession.ErrTooLarge, max)
	}
	return b, true, nil
}

// LoadTouch is LoadBounded and Touch in one round trip: GETRANGE key 0 max
// and EXPIRE key seconds(ttl) (PERSIST for a zero ttl), pipelined, for
// flasksession.Options.RefreshOnLoad. An absent key is not created, and
// an entry that EXPIRE no longer finds (removed right after GETRANGE read
// it) is found == false; PERSIST cannot tell, so with a zero ttl such an
// entry is returned as read. The expiry is extended also when the value
// turns out too long to return.
func (s *Store) LoadTouch(ctx context.Context, key string, max int, ttl time.Duration) ([]byte, bool, error) {
	sec, err := seconds(ttl)
	if err != nil {
		return nil, false, err
	}
	if max < 0 {
		max = 0
	}
	var get *redis.StringCmd
	var exp *redis.BoolCmd
	if _, err := s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		get = p.GetRange(ctx, key, 0, int64(max))
		exp = refresh(ctx, p, key, sec)
		return nil
	}); err != nil {
		return nil, false, fmt.Errorf("redisstore: GETRANGE and EXPIRE %q: %w", key, err)
	}
	if sec != 0 && !exp.Val() {
		return nil, false, nil // absent, or removed right after GETRANGE read it
	}
	b, _ := get.Bytes()
	return bounded(key, b, max)
}

// Save runs SET key data EX seconds(ttl), or a plain SET for a zero ttl.
func (s *Store) Save(ctx context.Context, key string, data []byte, ttl time.Duration) error {
	sec, err := seconds(ttl)
	if err != nil {
		return err
	}
	if err := s.client.Set(ctx, key, data, time.Duration(sec)*time.Second).Err(); err != nil {
		return fmt.Errorf("redisstore: SET %q: %w", key, err)
	}
	return nil
}

// Delete runs DEL key.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := s.client.Del(ctx, key).Err(); err != nil {
		return fmt.Errorf("redisstore: DEL %q: %w", key, err)
	}
	return nil
}

// Touch runs EXPIRE key seconds(ttl) (PERSIST for a zero ttl): the value is
// left as it is, and an absent key is not created.
func (s *Store) Touch(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	sec, err := seconds(ttl)
	if err != nil {
		return false, err
	}
	if sec != 0 {
		ok, err := refresh(ctx, s.client, key, sec).Result()
		if err != nil {
			return false, fmt.Errorf("redisstore: EXPIRE %q: %w", key, err)
		}
		return ok, nil
	}
	// PERSIST reports false for a key without expiry too; EXISTS, in the
	// same round trip, tells.
	var exists *redis.IntCmd
	if _, err := s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		refresh(ctx, p, key, 0)
		exists = p.Exists(ctx, key)
		return nil
	}); err != nil {
		return false, fmt.Errorf("redisstore: PERSIST and EXISTS %q: %w", key, err)
	}
	return exists.Val() == 1, nil
}

// refresh runs (or, on a pipeline, queues) EXPIRE key sec, or PERSIST key
// when sec is 0 (no expiry).
func refresh(ctx context.Context, c redis.Cmdable, key string, sec int64) *redis.BoolCmd {
	if sec == 0 {
		return c.Persist(ctx, key)
	}
	return c.Expire(ctx, key, time.Duration(sec)*time.Second)
}

// casScript sets KEYS[1] to ARGV[2] if it holds ARGV[1]; ARGV[3] is the
// expiry in seconds, 0 for none, -1 to keep the current one.
var casScript = redis.NewScript(`
local cur = redis.call('GET', KEYS[1])
if cur ~= ARGV[1] then return 0 end
local ex = tonumber(ARGV[3])
if ex > 0 then
  redis.call('SET', KEYS[1], ARGV[2], 'EX', ex)
elseif ex == 0 then
  redis.call('SET', KEYS[1], ARGV[2])
else
  local pttl = redis.call('PTTL', KEYS[1])
  redis.call('SET', KEYS[1], ARGV[2])
  if pttl > 0 then redis.call('PEXPIRE', KEYS[1], pttl) end
end
return 1
`)

// CompareAndSwap replaces the value of key with data if it still holds old,
// atomically (a Lua script on the key's node), with the given ttl or, for
// flasksession.KeepTTL, the entry's current one.
func (s *Store) CompareAndSwap(ctx context.Context, key string, old, data []byte, ttl time.Duration) (bool, error) {
	var sec int64 = -1
	if ttl >= 0 {
		var err error
		if sec, err = seconds(ttl); err != nil {
			return false, err
		}
	}
	n, err := casScript.Run(ctx, s.client, []string{key}, old, data, sec).Int()
	if err != nil {
		return false, fmt.Errorf("redisstore: compare-and-swap %q: %w", key, err)
	}
	return n == 1, nil
}

// cadScript deletes KEYS[1] if it holds ARGV[1].
var cadScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`)

// CompareAndDelete deletes key if it still holds old, atomically (a Lua
// script on the key's node).
func (s *Store) CompareAndDelete(ctx context.Context, key string, old []byte) (bool, error) {
	n, err := cadScript.Run(ctx, s.client, []string{key}, old).Int()
	if err != nil {
		return false, fmt.Errorf("redisstore: compare-and-delete %q: %w", key, err)
	}
	return n == 1, nil
}

// TTL returns PTTL key: the time left, negative for a key without expiry.
func (s *Store) TTL(ctx context.Context, key string) (time.Duration, bool, error) {
	ms, err := s.client.Do(ctx, "PTTL", key).Int64()
	if err != nil {
		return 0, false, fmt.Errorf("redisstore: PTTL %q: %w", key, err)
	}
	switch ms {
	case -2:
		return 0, false, nil
	case -1:
		return -1, true, nil
	}
	return time.Duration(ms) * time.Millisecond, true, nil
}

// Keys walks the keys that start with prefix with SCAN MATCH (on every
// master of a cluster). Glob characters in prefix are escaped.
func (s *Store) Keys(ctx context.Context, prefix string, fn func(key string) error) error {
	pattern := escapeGlob(prefix) + "*"
	count := s.ScanCount
	if count <= 0 {
		count = 1000
	}
	scan := func(ctx context.Context, c redis.Cmdable) error {
		var cursor uint64
		for {
			keys, next, err := c.Scan(ctx, cursor, pattern, count).Result()
			if err != nil {
				return fmt.Errorf("redisstore: SCAN %q: %w", pattern, err)
			}
			for _, k := range keys {
				if err := fn(k); err != nil {
					return err
				}
			}
			if next == 0 {
				return nil
			}
			cursor = next
		}
	}
	if cc, ok := s.client.(*redis.ClusterClient); ok {
		// fn runs on one goroutine at a time, as for the other clients.
		var mu sync.Mutex
		return cc.ForEachMaster(ctx, func(ctx context.Context, c *redis.Client) error {
			mu.Lock()
			defer mu.Unlock()
			return scan(ctx, c)
		})
	}
	return scan(ctx, s.client)
}

// escapeGlob escapes the characters SCAN MATCH treats as a pattern.
func escapeGlob(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '*', '?', '[', ']', '\\':
			out = append(out, '\\')
		}
		out = append(out, s[i])
	}
	return string(out)
}
