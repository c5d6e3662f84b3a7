package flaskcookie

import (
	"bytes"
	"fmt"
	"math"
	"time"
)

// LegacyEpoch is the epoch of itsdangerous before 1.0 (Flask 0.x): its
// timestamps count seconds from 2011-01-01 00:00:00 UTC.
const LegacyEpoch = 1293840000

// maxTimestamp is the last second Python's datetime holds (9999-12-31
// 23:59:59 UTC); itsdangerous cannot turn a later timestamp into the
// datetime it returns.
const maxTimestamp = 253402300799

// NoMaxAge passed as the maximum age turns the age checks off, as
// max_age=None does in itsdangerous.
const NoMaxAge time.Duration = -1

// TimestampSignerOptions configure a TimestampSigner.
type TimestampSignerOptions struct {
	SignerOptions
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// LegacyEpoch writes and reads timestamps as itsdangerous 0.x did,
	// counted from 2011-01-01 (LegacyEpoch) instead of 1970-01-01.
	LegacyEpoch bool
	// AcceptFuture accepts a timestamp later than now, as itsdangerous
	// before 2.0 does: only the maximum age is checked.
	AcceptFuture bool
}

// TimestampSigner is itsdangerous's TimestampSigner: value + "." +
// timestamp + "." + signature, the timestamp being the Unix time of signing
// as big-endian bytes without leading zero bytes, base64url-encoded without
// padding. It is safe for concurrent use.
type TimestampSigner struct {
	*Signer
	now          func() time.Time
	epoch        int64
	acceptFuture bool
}

// NewTimestampSigner returns a timestamp signer for o.
func NewTimestampSigner(o TimestampSignerOptions) (*TimestampSigner, error) {
	s, err := NewSigner(o.SignerOptions)
	if err != nil {
		return nil, err
	}
	ts := &TimestampSigner{Signer: s, now: o.Now, acceptFuture: o.AcceptFuture}
	if ts.now == nil {
		ts.now = time.Now
	}
	if o.LegacyEpoch {
		ts.epoch = LegacyEpoch
	}
	return ts, nil
}

// Sign signs value with the current time.
func (s *TimestampSigner) Sign(value []byte) ([]byte, error) {
	return s.SignAt(value, s.now())
}

// SignAt signs value with the time t (whole seconds, as int(time.time())).
// It fails for a time before the epoch, which itsdangerous cannot write.
func (s *TimestampSigner) SignAt(value []byte, t time.Time) ([]byte, error) {
	return s.AppendSignAt(make([]byte, 0, len(value)+12+b64URL.EncodedLen(s.size)), value, t)
}

// AppendSignAt appends the signed value to dst, as SignAt.
func (s *TimestampSigner) AppendSignAt(dst, value []byte, t time.Time) ([]byte, error) {
	ts := t.Unix() - s.epoch
	if ts < 0 {
		return dst, fmt.Errorf("flaskcookie: cannot sign with a time before the epoch (%s)", t.UTC().Format(time.RFC3339))
	}
	start := len(dst)
	dst = append(dst, value...)
	dst = append(dst, '.')
	dst = appendTimestamp(dst, uint64(ts))
	msg := dst[start:]
	return s.appendSignature(append(dst, '.'), msg), nil
}

// appendTimestamp appends itsdangerous's int_to_bytes(ts), base64url-encoded.
func appendTimestamp(dst []byte, ts uint64) []byte {
	var b [8]byte
	n := 0
	for v := ts; v > 0; v >>= 8 {
		n++
	}
	for i := 0; i < n; i++ {
		b[i] = byte(ts >> (8 * (n - 1 - i)))
	}
	return appendURL64(dst, b[:n])
}

// Unsign verifies signed and returns the value and the time it was signed.
// maxAge is the maximum age in whole seconds (a fraction is dropped, as
// Flask's int(total_seconds())): a signature exactly maxAge old is still
// valid, an older one fails with ErrExpired, and one from the future with
// ErrFutureTimestamp (unless AcceptFuture was set); NoMaxAge (any negative
// duration) turns both checks off. A bad or missing signature or timestamp
// fails with ErrBadSignature, and a timestamp beyond the year 9999 with
// ErrMalformed (Python raises ValueError for it).
func (s *TimestampSigner) Unsign(signed []byte, maxAge time.Duration) (value []byte, signedAt time.Time, err error) {
	msg, err := s.Signer.Unsign(signed)
	if err != nil {
		return nil, time.Time{}, err
	}
	value, ts, err := s.splitTimestamp(msg)
	if err != nil {
		return nil, time.Time{}, err
	}
	return s.checkAge(value, ts, maxAge)
}

// splitTimestamp splits a verified message into value and timestamp.
func (s *TimestampSigner) splitTimestamp(msg []byte) ([]byte, uint64, error) {
	i := bytes.LastIndexByte(msg, '.')
	if i < 0 {
		return nil, 0, fmt.Errorf("%w: timestamp missing", ErrBadSignature)
	}
	var buf [16]byte
	raw, err := decodeURL64(buf[:0], msg[i+1:])
	if err != nil || len(raw) > 8 {
		return nil, 0, fmt.Errorf("%w: malformed timestamp", ErrBadSignature)
	}
	var ts uint64
	for _, c := range raw {
		ts = ts<<8 | uint64(c)
	}
	return msg[:i], ts, nil
}

// checkAge applies the age checks of itsdangerous 2.x (1.x's with
// AcceptFuture) to a verified timestamp.
func (s *TimestampSigner) checkAge(value []byte, ts uint64, maxAge time.Duration) ([]byte, time.Time, error) {
	if ts > math.MaxInt64-uint64(s.epoch) || int64(ts)+s.epoch > maxTimestamp {
		return nil, time.Time{}, fmt.Errorf("%w: timestamp %d is beyond the year 9999", ErrMalformed, ts)
	}
	unix := int64(ts) + s.epoch
	signedAt := time.Unix(unix, 0).UTC()
	if maxAge >= 0 {
		age := s.now().Unix() - s.epoch - int64(ts)
		limit := int64(maxAge / time.Second)
		if age > limit {
			return nil, signedAt, fmt.Errorf("%w: signature age %d > %d seconds", ErrExpired, age, limit)
		}
		if age < 0 && !s.acceptFuture {
			return nil, signedAt, fmt.Errorf("%w: signature age %d < 0 seconds", ErrFutureTimestamp, age)
		}
	}
	return value, signedAt, nil
}
