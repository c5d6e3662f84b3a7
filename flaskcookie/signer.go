package flaskcookie

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"fmt"
	"hash"
	"sync"
)

// KeyDerivation names how itsdangerous derives the signing key from the
// secret key and the salt.
type KeyDerivation string

// The key derivations of itsdangerous.
const (
	// DeriveDjangoConcat is digest(salt + "signer" + key), itsdangerous's
	// default.
	DeriveDjangoConcat KeyDerivation = "django-concat"
	// DeriveConcat is digest(salt + key).
	DeriveConcat KeyDerivation = "concat"
	// DeriveHMAC is HMAC(key, salt), what Flask uses for its session
	// cookie and Flask-Session for its signed session ids.
	DeriveHMAC KeyDerivation = "hmac"
	// DeriveNone uses the secret key as it is.
	DeriveNone KeyDerivation = "none"
)

// DefaultSignerSalt is the salt of an itsdangerous Signer made without one.
const DefaultSignerSalt = "itsdangerous.Signer"

// SignerOptions configure a Signer. The zero value of each field means
// itsdangerous's default.
type SignerOptions struct {
	// SecretKeys are the secret keys, oldest first, as itsdangerous takes a
	// list of keys: the last one signs, and verification tries them from
	// the last to the first. A text key is its UTF-8 bytes, as
	// itsdangerous encodes a str key. At least one key is required; an
	// empty key is allowed, as in itsdangerous.
	SecretKeys [][]byte
	// Salt distinguishes signatures made for different purposes; nil means
	// "itsdangerous.Signer", while an empty non-nil slice is an empty salt.
	Salt []byte
	// KeyDerivation defaults to DeriveDjangoConcat.
	KeyDerivation KeyDerivation
	// Digest is the hash of the HMAC and of the key derivation; nil means
	// SHA-1 (sha1.New).
	Digest func() hash.Hash
}

// Signer is itsdangerous's Signer: value + "." + base64url(HMAC(key,
// value)) with the padding stripped. Derived keys are computed once, and
// HMAC states are reused. A Signer is safe for concurrent use.
type Signer struct {
	keys []*macKey // newest first
	size int       // digest size in bytes
}

// macKey is one derived key with a pool of HMAC states keyed with it.
type macKey struct {
	pool sync.Pool // of *macState
}

// macState is an HMAC ready for reuse (Reset restores the keyed state) and
// room for its sum.
type macState struct {
	h   hash.Hash
	sum [64]byte
}

func newMacKey(digest func() hash.Hash, key []byte) *macKey {
	k := append([]byte(nil), key...)
	m := &macKey{}
	m.pool.New = func() any { return &macState{h: hmac.New(digest, k)} }
	return m
}

// appendSignature appends base64url(HMAC(key, msg)), unpadded, to dst.
func (m *macKey) appendSignature(dst, msg []byte) []byte {
	st := m.pool.Get().(*macState)
	st.h.Reset()
	st.h.Write(msg)
	dst = appendURL64(dst, st.h.Sum(st.sum[:0]))
	m.pool.Put(st)
	return dst
}

// equal reports whether sig is HMAC(key, msg), in constant time.
func (m *macKey) equal(msg, sig []byte) bool {
	st := m.pool.Get().(*macState)
	st.h.Reset()
	st.h.Write(msg)
	ok := hmac.Equal(sig, st.h.Sum(st.sum[:0]))
	m.pool.Put(st)
	return ok
}

// NewSigner returns a signer for o.
func NewSigner(o SignerOptions) (*Signer, error) {
	if len(o.SecretKeys) == 0 {
		return nil, fmt.Errorf("%w: a signer needs at least one key", ErrNoSecretKey)
	}
	digest := o.Digest
	if digest == nil {
		digest = sha1.New
	}
	salt := o.Salt
	if salt == nil {
		salt = []byte(DefaultSignerSalt)
	}
	kd := o.KeyDerivation
	if kd == "" {
		kd = DeriveDjangoConcat
	}
	s := &Signer{size: digest().Size()}
	for i := len(o.SecretKeys) - 1; i >= 0; i-- {
		dk, err := deriveKey(kd, digest, salt, o.SecretKeys[i])
		if err != nil {
			return nil, err
		}
		s.keys = append(s.keys, newMacKey(digest, dk))
	}
	return s, nil
}

// deriveKey is itsdangerous's Signer.derive_key.
func deriveKey(kd KeyDerivation, digest func() hash.Hash, salt, key []byte) ([]byte, error) {
	switch kd {
	case DeriveConcat:
		h := digest()
		h.Write(salt)
		h.Write(key)
		return h.Sum(nil), nil
	case DeriveDjangoConcat:
		h := digest()
		h.Write(salt)
		h.Write([]byte("signer"))
		h.Write(key)
		return h.Sum(nil), nil
	case DeriveHMAC:
		m := hmac.New(digest, key)
		m.Write(salt)
		return m.Sum(nil), nil
	case DeriveNone:
		return append([]byte(nil), key...), nil
	}
	return nil, fmt.Errorf("flaskcookie: unknown key derivation %q", kd)
}

// Signature returns the signature of value made with the newest key:
// base64url(HMAC) without padding.
func (s *Signer) Signature(value []byte) []byte {
	return s.appendSignature(nil, value)
}

func (s *Signer) appendSignature(dst, value []byte) []byte {
	return s.keys[0].appendSignature(dst, value)
}

// Sign returns value + "." + its signature.
func (s *Signer) Sign(value []byte) []byte {
	return s.AppendSign(make([]byte, 0, len(value)+1+b64URL.EncodedLen(s.size)), value)
}

// AppendSign appends value + "." + its signature to dst.
func (s *Signer) AppendSign(dst, value []byte) []byte {
	dst = append(dst, value...)
	dst = append(dst, '.')
	return s.appendSignature(dst, value)
}

// Verify reports whether sig is a signature of value by one of the keys,
// newest first. The signature text is decoded as itsdangerous decodes it
// (URL-safe or standard base64 characters, padding optional); the
// comparison takes constant time.
func (s *Signer) Verify(value, sig []byte) bool {
	var buf [96]byte
	got, err := decodeURL64(buf[:0], sig)
	if err != nil || len(got) != s.size {
		return false
	}
	for _, k := range s.keys {
		if k.equal(value, got) {
			return true
		}
	}
	return false
}

// Unsign checks the signature after the last "." of signed and returns the
// value before it (a sub-slice of signed). It fails with ErrBadSignature.
func (s *Signer) Unsign(signed []byte) ([]byte, error) {
	i := bytes.LastIndexByte(signed, '.')
	if i < 0 {
		return nil, fmt.Errorf("%w: no '.' found in value", ErrBadSignature)
	}
	if !s.Verify(signed[:i], signed[i+1:]) {
		return nil, fmt.Errorf("%w: signature %q does not match", ErrBadSignature, truncate(signed[i+1:], 64))
	}
	return signed[:i], nil
}

func truncate(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}
