package flasksession

import (
	"context"
	"errors"
	"time"
)

// Store is where the session values live: a Redis server, a directory, a
// memcached server, a SQL table. A store does the I/O and its own storage
// layout only; the keys it is given are the full keys (SESSION_KEY_PREFIX +
// session id) and the values the bytes Flask-Session hands its backend.
//
// Implementations must be safe for concurrent use.
type Store interface {
	// Load returns the value stored under key. A key that is absent or
	// expired gives found == false and a nil error; any failure to read is
	// an error, never "not found".
	Load(ctx context.Context, key string) (data []byte, found bool, err error)
	// Save stores data under key, replacing any value, to expire after ttl
	// (a ttl of zero means never).
	Save(ctx context.Context, key string, data []byte, ttl time.Duration) error
	// Delete removes key; deleting an absent key is not an error.
	Delete(ctx context.Context, key string) error
}

// Toucher is a store that can extend an entry's life without rewriting its
// value. The Manager uses it when a session was read but not changed and
// only its expiry needs refreshing, so that a request that merely read the
// session never writes back a value another process has just replaced.
type Toucher interface {
	// Touch sets the entry's expiry to ttl from now (zero means never) and
	// reports whether the entry existed; an absent entry is not created.
	Touch(ctx context.Context, key string, ttl time.Duration) (found bool, err error)
}

// BoundedLoader is a store that can stop reading a value at a size, so
// that a huge entry (hostile or corrupt) is refused without being read into
// memory. The Manager loads through it with Options.MaxValueSize when the
// store has it, and through Load otherwise.
type BoundedLoader interface {
	// LoadBounded is Load for a value of at most max bytes: a longer one is
	// an error wrapping ErrTooLarge, given after reading no more than
	// max+1 bytes of it. An absent key is found == false, as for Load.
	LoadBounded(ctx context.Context, key string, max int) (data []byte, found bool, err error)
}

// LoadToucher is a store that can load an entry and extend its expiry in
// one round trip. The Manager loads through it when Options.RefreshOnLoad
// is set, and then extends nothing when the request leaves the session
// unchanged.
type LoadToucher interface {
	// LoadTouch is LoadBounded that also sets the entry's expiry to ttl
	// from now (zero means never) when the entry exists; an absent entry
	// is not created. An entry removed between the read and the expiry
	// change is reported absent.
	LoadTouch(ctx context.Context, key string, max int, ttl time.Duration) (data []byte, found bool, err error)
}

// KeepTTL asks CompareAndSwap to keep the entry's current expiry.
const KeepTTL time.Duration = -1

// CompareAndSwapper is a store that can replace a value only if it still
// holds the bytes the caller read, atomically.
type CompareAndSwapper interface {
	// CompareAndSwap stores data under key with the given ttl (KeepTTL
	// keeps the current one) if the entry still holds old, and reports
	// whether it did. An absent entry does not match.
	CompareAndSwap(ctx context.Context, key string, old, data []byte, ttl time.Duration) (swapped bool, err error)
}

// CompareAndDeleter is a store that can remove an entry only if it still
// holds the bytes the caller read, atomically. Options.MergeWrites uses it
// when a merge leaves the session empty; without it (or when it fails with
// errors.ErrUnsupported: a server without the command), the entry is
// deleted whatever it holds by then.
type CompareAndDeleter interface {
	// CompareAndDelete removes key if it still holds old, and reports
	// whether it did. An absent entry does not match.
	CompareAndDelete(ctx context.Context, key string, old []byte) (deleted bool, err error)
}

// Lister is a store that can enumerate its keys, for tools that list or
// migrate sessions.
type Lister interface {
	// Keys calls fn with every key that starts with prefix, in no
	// particular order, until fn returns an error (which Keys returns).
	// Keys added or removed during the walk may or may not be seen.
	Keys(ctx context.Context, prefix string, fn func(key string) error) error
}

// TTLer is a store that can report how long an entry has left.
type TTLer interface {
	// TTL returns the time left before key expires; a negative duration
	// means the entry never expires. found is false for an absent key.
	TTL(ctx context.Context, key string) (ttl time.Duration, found bool, err error)
}

// PickleStore is a store whose layout pickles the session dict itself, as
// cachelib's FileSystemCache does: Flask-Session hands such a backend the
// dict, never msgspec bytes, whatever SESSION_SERIALIZATION_FORMAT says. A
// Manager over a PickleStore writes pickles at the protocol it names and
// reads pickles only.
type PickleStore interface {
	Store
	// PickleProtocol is the pickle protocol of the stored values.
	PickleProtocol() int
}

// Errors of this package, for errors.Is. They come wrapped with detail.
var (
	// ErrStore reports a store that failed (a server that is down, a
	// timeout, a file that cannot be read). The session is not opened or
	// not saved: it never silently becomes an empty one.
	ErrStore = errors.New("flasksession: store failed")
	// ErrCorrupt reports a stored value that none of the serializers can
	// read, or that is not a dict.
	ErrCorrupt = errors.New("flasksession: stored session cannot be read")
	// ErrTooLarge reports a stored value over Options.MaxValueSize, or over
	// the limit of a BoundedLoader's own Load. It comes with ErrStore when
	// the store refused the value as it read it, with ErrCorrupt when the
	// serializer did (either way the session is not opened), and with
	// ErrSerialize when a session to be saved is over the limit (it is not
	// written).
	ErrTooLarge = errors.New("flasksession: stored value too large")
	// ErrSerialize reports a session that the configured serializer cannot
	// write (msgspec refuses markupsafe.Markup and unknown classes, for
	// instance).
	ErrSerialize = errors.New("flasksession: session cannot be serialized")
	// ErrBadSignature reports a session id cookie whose signature does not
	// verify (with SESSION_USE_SIGNER). Open treats it as no cookie, as
	// Flask-Session does; ParseCookie returns it.
	ErrBadSignature = errors.New("flasksession: bad session id signature")
	// ErrInvalidID reports a session id that is empty, longer than
	// Options.MaxIDLength or not UTF-8; Open treats it as no cookie.
	ErrInvalidID = errors.New("flasksession: invalid session id")
	// ErrNoSecretKey reports SESSION_USE_SIGNER without a SECRET_KEY.
	ErrNoSecretKey = errors.New("flasksession: SESSION_USE_SIGNER needs a SECRET_KEY")
	// ErrConflict reports a session that Options.MergeWrites could not
	// save: other writers kept replacing its entry, or removed it.
	ErrConflict = errors.New("flasksession: session changed by another writer")
	// ErrConfig reports options or a Flask config that cannot be used.
	ErrConfig = errors.New("flasksession: bad configuration")
)
