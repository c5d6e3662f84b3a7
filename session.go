// Package flaskbridge lets Go services read and write the very same
// sessions as a running Python Flask app: Flask's signed cookie session
// (package flaskcookie) and Flask-Session's server-side sessions (package
// flasksession), byte for byte, so an app can move to Go one route at a time
// while its users stay logged in on both sides.
//
// This package holds Session, the session dict both kinds share. Values are
// those of package py, the Go model of Python values.
package flaskbridge

import (
	"errors"
	"fmt"
	"iter"
	"math"
	"math/big"
	"sync"
	"time"

	"github.com/flaskbridge/flaskbridge/py"
)

// PermanentKey is the session key behind Session.Permanent, as Flask's
// SessionMixin.permanent stores it.
const PermanentKey = "_permanent"

// ErrType reports a session value of another type than the getter asked for.
var ErrType = errors.New("flaskbridge: session value has another type")

// Session is the session dict of one request: ordered like a Python dict,
// and tracking changes as Flask's session classes do. Modified is set by
// every write (Set, Delete, Pop, Clear, SetPermanent), and Accessed by every
// read or write, so a save can skip an untouched session and add
// "Vary: Cookie" to a response that depends on it.
//
// As in Flask, changing a value in place (appending to a *py.List held in
// the session) is not seen; call MarkModified after doing so.
//
// A Session is safe for concurrent use by the goroutines of one request.
type Session struct {
	mu       sync.Mutex
	data     *py.Dict
	modified bool
	accessed bool
	isNew    bool
}

// NewSession returns an empty session that is marked new, as Flask's is
// when the request brought no valid session.
func NewSession() *Session {
	return &Session{data: py.NewDict(0), isNew: true}
}

// SessionOf returns a session over d, which a codec or store loaded; it is
// neither new nor modified. The session owns d from then on.
func SessionOf(d *py.Dict) *Session {
	if d == nil {
		d = py.NewDict(0)
	}
	return &Session{data: d}
}

// IsNew reports whether the session was started by this request rather than
// loaded.
func (s *Session) IsNew() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.isNew
}

// Modified reports whether the session was written to.
func (s *Session) Modified() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.modified
}

// Accessed reports whether the session was read or written.
func (s *Session) Accessed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.accessed
}

// MarkModified marks the session modified (and accessed), for changes made
// in place that the session cannot see, as Flask's session.modified = True.
func (s *Session) MarkModified() {
	s.mu.Lock()
	s.modified, s.accessed = true, true
	s.mu.Unlock()
}

// ResetFlags clears the modified and accessed flags and the new mark, for a
// store that has just saved the session.
func (s *Session) ResetFlags() {
	s.mu.Lock()
	s.modified, s.accessed, s.isNew = false, false, false
	s.mu.Unlock()
}

// Len returns the number of keys; it does not count as an access.
func (s *Session) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.data.Len()
}

// Get returns the value for key and whether it is present.
func (s *Session) Get(key string) (py.Value, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.accessed = true
	return s.data.Get(key)
}

// Has reports whether key is present.
func (s *Session) Has(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.accessed = true
	return s.data.Has(key)
}

// Set stores value under key. The value is converted with py.ValueOf, so
// Go ints, strings, slices, maps, time.Time and tagged structs can be stored
// directly.
func (s *Session) Set(key string, value any) error {
	v, err := py.ValueOf(value)
	if err != nil {
		return fmt.Errorf("flaskbridge: session[%q]: %w", key, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.data.Set(key, v)
	s.modified, s.accessed = true, true
	return nil
}

// Delete removes key and reports whether it was present. As with Flask's
// session.pop(key, None), only a removal marks the session modified.
func (s *Session) Delete(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.accessed = true
	if !s.data.Delete(key) {
		return false
	}
	s.modified = true
	return true
}

// Pop removes key and returns its value, as session.pop(key, None) does.
func (s *Session) Pop(key string) (py.Value, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.accessed = true
	v, ok := s.data.Get(key)
	if ok {
		s.data.Delete(key)
		s.modified = true
	}
	return v, ok
}

// Clear removes every key, as session.clear() does; a cleared session is
// deleted (cookie or store entry) when it is saved.
func (s *Session) Clear() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.modified, s.accessed = true, true
	s.data.Clear()
}

// Keys returns the keys in insertion order. Keys that are not str (rare in
// sessions, but Python allows them) are left out; use Dict for those.
func (s *Session) Keys() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.accessed = true
	keys := make([]string, 0, s.data.Len())
	for k := range s.data.Keys() {
		if ks, ok := k.(string); ok {
			keys = append(keys, ks)
		}
	}
	return keys
}

// All iterates over the entries in insertion order. The session must not be
// changed during the iteration.
func (s *Session) All() iter.Seq2[py.Value, py.Value] {
	s.mu.Lock()
	s.accessed = true
	s.mu.Unlock()
	return s.data.All()
}

// Dict returns the dict the session holds, for codecs and for keys that are
// not str. Changes made through it are not tracked; call MarkModified.
func (s *Session) Dict() *py.Dict {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.data
}

// Permanent reports session["_permanent"], as session.permanent does: a
// permanent session's cookie outlives the browser session.
func (s *Session) Permanent() bool {
	v, ok := s.Get(PermanentKey)
	return ok && py.Truthy(v)
}

// SetPermanent sets session["_permanent"] = bool(permanent).
func (s *Session) SetPermanent(permanent bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.data.Set(PermanentKey, permanent)
	s.modified, s.accessed = true, true
}

// String returns the str (or Markup) value for key.
func (s *Session) String(key string) (string, error) {
	v, err := s.need(key)
	if err != nil {
		return "", err
	}
	switch x := v.(type) {
	case string:
		return x, nil
	case py.Markup:
		return string(x), nil
	}
	return "", typeErr(key, "str", v)
}

// Int returns the int value for key as an int64. A bool is refused, though
// Python counts it as an int, because a session holding True where a number
// is expected is a bug worth seeing.
func (s *Session) Int(key string) (int64, error) {
	v, err := s.need(key)
	if err != nil {
		return 0, err
	}
	switch x := v.(type) {
	case int64:
		return x, nil
	case *big.Int:
		return 0, fmt.Errorf("%w: session[%q] = %s does not fit in int64", ErrType, key, x)
	}
	return 0, typeErr(key, "int", v)
}

// Float returns the float (or int) value for key as a float64.
func (s *Session) Float(key string) (float64, error) {
	v, err := s.need(key)
	if err != nil {
		return 0, err
	}
	switch x := v.(type) {
	case float64:
		return x, nil
	case int64:
		return float64(x), nil
	case *big.Int:
		f, _ := new(big.Float).SetInt(x).Float64()
		if math.IsInf(f, 0) {
			return 0, fmt.Errorf("%w: session[%q] is too large for a float", ErrType, key)
		}
		return f, nil
	}
	return 0, typeErr(key, "float", v)
}

// Bool returns the bool value for key.
func (s *Session) Bool(key string) (bool, error) {
	v, err := s.need(key)
	if err != nil {
		return false, err
	}
	if b, ok := v.(bool); ok {
		return b, nil
	}
	return false, typeErr(key, "bool", v)
}

// Bytes returns the bytes (or bytearray) value for key.
func (s *Session) Bytes(key string) ([]byte, error) {
	v, err := s.need(key)
	if err != nil {
		return nil, err
	}
	switch x := v.(type) {
	case py.Bytes:
		return x, nil
	case *py.ByteArray:
		return x.Data, nil
	}
	return nil, typeErr(key, "bytes", v)
}

// Time returns the datetime value for key as a Go time; a naive datetime is
// read as UTC, as Flask does.
func (s *Session) Time(key string) (time.Time, error) {
	v, err := s.need(key)
	if err != nil {
		return time.Time{}, err
	}
	if d, ok := v.(py.DateTime); ok {
		t, err := d.Time()
		if err != nil {
			return time.Time{}, fmt.Errorf("session[%q]: %w", key, err)
		}
		return t, nil
	}
	return time.Time{}, typeErr(key, "datetime.datetime", v)
}

// ErrNoKey reports a key the session does not hold.
var ErrNoKey = errors.New("flaskbridge: no such session key")

func (s *Session) need(key string) (py.Value, error) {
	v, ok := s.Get(key)
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrNoKey, key)
	}
	return v, nil
}

func typeErr(key, want string, got py.Value) error {
	return fmt.Errorf("%w: session[%q] is %s, not %s", ErrType, key, py.TypeName(got), want)
}

// Decode copies the session into out (a pointer to a struct or map), as
// py.Decode does: struct fields take the keys named by their `py` tags.
func (s *Session) Decode(out any) error {
	s.mu.Lock()
	s.accessed = true
	d := s.data
	s.mu.Unlock()
	return py.Decode(d, out)
}
