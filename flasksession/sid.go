package flasksession

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"

	"github.com/flaskbridge/flaskbridge/flaskcookie"
)

// SignerSalt is the salt Flask-Session signs session ids with.
const SignerSalt = "flask-session"

// NewUUID4ID returns a session id as Flask-Session 0.3 to 0.5 make them:
// str(uuid.uuid4()), 36 characters.
func NewUUID4ID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:], b[10:])
	return string(out[:])
}

// NewTokenID returns a session id as Flask-Session 0.6+ make them:
// secrets.token_urlsafe(n), n random bytes in unpadded URL-safe base64
// (43 characters for the default 32).
func NewTokenID(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// newSigner returns the itsdangerous Signer Flask-Session uses for session
// ids: Signer(SECRET_KEY, salt="flask-session", key_derivation="hmac").
func newSigner(secretKey string) (*flaskcookie.Signer, error) {
	s, err := flaskcookie.NewSigner(flaskcookie.SignerOptions{
		SecretKeys:    [][]byte{[]byte(secretKey)},
		Salt:          []byte(SignerSalt),
		KeyDerivation: flaskcookie.DeriveHMAC,
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	return s, nil
}

// SignID returns the cookie value of a signed session id: sid + "." +
// base64url(HMAC-SHA1(HMAC-SHA1(secretKey, "flask-session"), sid)) without
// padding, as Flask-Session's _sign writes it.
func SignID(secretKey, sid string) (string, error) {
	if secretKey == "" {
		return "", ErrNoSecretKey
	}
	s, err := newSigner(secretKey)
	if err != nil {
		return "", err
	}
	return string(s.Sign([]byte(sid))), nil
}

// UnsignID verifies a signed session id cookie and returns the session id,
// or an error wrapping ErrBadSignature.
func UnsignID(secretKey, cookie string) (string, error) {
	if secretKey == "" {
		return "", ErrNoSecretKey
	}
	s, err := newSigner(secretKey)
	if err != nil {
		return "", err
	}
	return unsign(s, cookie)
}

func unsign(s *flaskcookie.Signer, cookie string) (string, error) {
	sid, err := s.Unsign([]byte(cookie))
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrBadSignature, err)
	}
	return string(sid), nil
}
