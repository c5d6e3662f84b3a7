package perf

// The standard-library floors of opening the benchmark cookies: what any
// Go decoder of a Flask cookie must do at least, each step timed alone and
// all of them together.

import (
	"bytes"
	"compress/zlib"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"hash"
	"io"
	"testing"

	"github.com/flaskbridge/flaskbridge/flaskcookie"
)

// derivedKey is itsdangerous's "hmac" key derivation of SecretKey with
// Flask's salt, computed once: the floors cache it, as the codec does.
func derivedKey() []byte {
	m := hmac.New(sha1.New, SecretKey)
	m.Write([]byte(flaskcookie.DefaultSalt))
	return m.Sum(nil)
}

// floor verifies and unpacks one cookie with reused state: HMAC-SHA1 over
// the signed message compared with the decoded signature, base64 decoding
// of the payload and zlib inflation when it is compressed.
type floor struct {
	mac      hash.Hash
	sum, sig []byte
	buf      []byte
	src      bytes.Reader
	zr       io.ReadCloser
	out      bytes.Buffer
}

func newFloor() *floor {
	return &floor{mac: hmac.New(sha1.New, derivedKey()), sig: make([]byte, sha1.Size)}
}

func (f *floor) verify(p *Payload) bool {
	f.mac.Reset()
	f.mac.Write(p.Message)
	f.sum = f.mac.Sum(f.sum[:0])
	n, err := base64.RawURLEncoding.Decode(f.sig, []byte(p.Signature))
	return err == nil && hmac.Equal(f.sum, f.sig[:n])
}

func (f *floor) base64(p *Payload) ([]byte, error) {
	if n := base64.RawURLEncoding.DecodedLen(len(p.Payload)); cap(f.buf) < n {
		f.buf = make([]byte, n)
	}
	n, err := base64.RawURLEncoding.Decode(f.buf[:cap(f.buf)], []byte(p.Payload))
	return f.buf[:n], err
}

func (f *floor) inflate(z []byte) ([]byte, error) {
	f.src.Reset(z)
	var err error
	if f.zr == nil {
		f.zr, err = zlib.NewReader(&f.src)
	} else {
		err = f.zr.(zlib.Resetter).Reset(&f.src, nil)
	}
	if err != nil {
		return nil, err
	}
	f.out.Reset()
	_, err = f.out.ReadFrom(f.zr)
	return f.out.Bytes(), err
}

// open is the whole floor: verify, decode, inflate.
func (f *floor) open(p *Payload) ([]byte, error) {
	if !f.verify(p) {
		return nil, flaskcookie.ErrBadSignature
	}
	data, err := f.base64(p)
	if err != nil || !p.Compressed {
		return data, err
	}
	return f.inflate(data)
}

func TestFloor(t *testing.T) {
	f := newFloor()
	for _, p := range loadAll(t) {
		data, err := f.open(p)
		if err != nil {
			t.Fatalf("%s: %v", p.Name, err)
		}
		if !bytes.Equal(data, p.JSON) {
			t.Errorf("%s: the floor does not unpack the cookie's JSON", p.Name)
		}
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			t.Errorf("%s: %v", p.Name, err)
		}
	}
}

// BenchmarkFloor is the floor of opening each cookie: HMAC-SHA1 verify,
// base64 decoding, zlib inflation when the cookie is compressed.
func BenchmarkFloor(b *testing.B) {
	eachPayload(b, func(b *testing.B, p *Payload) {
		f := newFloor()
		measure(b, func() error { _, err := f.open(p); return err })
	})
}

// BenchmarkFloorJSON is the floor and encoding/json's Unmarshal of the
// cookie's JSON into an any: a standard-library reader of the same cookie
// (that does not know Flask's tags).
func BenchmarkFloorJSON(b *testing.B) {
	eachPayload(b, func(b *testing.B, p *Payload) {
		f := newFloor()
		measure(b, func() error {
			data, err := f.open(p)
			if err != nil {
				return err
			}
			var v any
			return json.Unmarshal(data, &v)
		})
	})
}

// BenchmarkHMAC is HMAC-SHA1 over the signed message and the comparison
// with the cookie's signature, the derived key cached.
func BenchmarkHMAC(b *testing.B) {
	eachPayload(b, func(b *testing.B, p *Payload) {
		f := newFloor()
		measure(b, func() error {
			if !f.verify(p) {
				return flaskcookie.ErrBadSignature
			}
			return nil
		})
	})
}

// BenchmarkBase64 is the URL-safe base64 decoding of the cookie payload.
func BenchmarkBase64(b *testing.B) {
	eachPayload(b, func(b *testing.B, p *Payload) {
		f := newFloor()
		measure(b, func() error { _, err := f.base64(p); return err })
	})
}

// BenchmarkInflate is compress/zlib inflating the payload of each
// compressed cookie (Flask compresses all three).
func BenchmarkInflate(b *testing.B) {
	eachPayload(b, func(b *testing.B, p *Payload) {
		if !p.Compressed {
			b.Skip("not compressed")
		}
		f := newFloor()
		measure(b, func() error { _, err := f.inflate(p.Deflated); return err })
	})
}

// BenchmarkJSON is encoding/json's Unmarshal of the cookie's JSON into
// an any, as a reference.
func BenchmarkJSON(b *testing.B) {
	eachPayload(b, func(b *testing.B, p *Payload) {
		measure(b, func() error {
			var v any
			return json.Unmarshal(p.JSON, &v)
		})
	})
}
