package flaskcookie

import (
	"bytes"
	"compress/zlib"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flaskbridge/flaskbridge/py"
)

// The payloads of testdata/payloads (scripts/gen_payloads.py): a Flask-Login
// session, a 20-item cart and a 500-entry history.
var payloadNames = []string{"login", "cart", "history"}

const benchTS = 1715949296

var benchKey = []byte("bench secret key")

func benchCodec(tb testing.TB) *Codec {
	c, err := New(Options{SecretKey: benchKey, Now: func() time.Time { return time.Unix(benchTS, 0) }})
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func loadBenchPayload(tb testing.TB, name string) *py.Dict {
	tb.Helper()
	text, err := os.ReadFile(filepath.Join("..", "testdata", "payloads", name+".repr"))
	if err != nil {
		tb.Fatal(err)
	}
	v, err := py.ParseLiteral(strings.TrimSpace(string(text)))
	if err != nil {
		tb.Fatal(err)
	}
	return v.(*py.Dict)
}

// benchCookie returns the cookie Flask writes for a payload with benchKey
// at benchTS (Go writes the same bytes, which the golden tests check).
func benchCookie(tb testing.TB, name string) string {
	c := benchCodec(tb)
	cookie, err := c.EncodeAt(loadBenchPayload(tb, name), time.Unix(benchTS, 0))
	if err != nil {
		tb.Fatal(err)
	}
	return cookie
}

func BenchmarkDecode(b *testing.B) {
	c := benchCodec(b)
	for _, name := range payloadNames {
		cookie := benchCookie(b, name)
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(cookie)))
			for b.Loop() {
				if _, err := c.Decode(cookie); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkEncode(b *testing.B) {
	c := benchCodec(b)
	for _, name := range payloadNames {
		d, err := c.Decode(benchCookie(b, name))
		if err != nil {
			b.Fatal(err)
		}
		t := time.Unix(benchTS, 0)
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.EncodeAt(d, t); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkFloor is the least any decoder must do with the standard
// library: HMAC-SHA1 over the signed message (derived key ready), base64
// decoding of the payload, and zlib inflation when it is compressed.
func BenchmarkFloor(b *testing.B) {
	dk := hmac.New(sha1.New, benchKey)
	dk.Write([]byte(DefaultSalt))
	key := dk.Sum(nil)
	for _, name := range payloadNames {
		cookie := benchCookie(b, name)
		msg := []byte(cookie[:strings.LastIndexByte(cookie, '.')])
		payload := cookie[:strings.IndexByte(cookie[1:], '.')+1]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			mac := hmac.New(sha1.New, key)
			var zr io.ReadCloser
			var raw, out bytes.Buffer
			var src bytes.Reader
			buf := make([]byte, 0, len(payload))
			for b.Loop() {
				mac.Reset()
				mac.Write(msg)
				mac.Sum(nil)
				p := strings.TrimPrefix(payload, ".")
				buf = buf[:base64.RawURLEncoding.DecodedLen(len(p))]
				n, err := base64.RawURLEncoding.Decode(buf, []byte(p))
				if err != nil {
					b.Fatal(err)
				}
				if payload[0] == '.' {
					src.Reset(buf[:n])
					if zr == nil {
						zr, err = zlib.NewReader(&src)
					} else {
						err = zr.(zlib.Resetter).Reset(&src, nil)
					}
					if err != nil {
						b.Fatal(err)
					}
					out.Reset()
					if _, err := out.ReadFrom(zr); err != nil {
						b.Fatal(err)
					}
				}
				raw.Reset()
			}
		})
	}
}

func BenchmarkUnmarshalTagged(b *testing.B) {
	for _, name := range payloadNames {
		j, err := MarshalTagged(loadBenchPayload(b, name))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(j)))
			for b.Loop() {
				if _, err := UnmarshalTagged(j); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkMarshalTagged(b *testing.B) {
	for _, name := range payloadNames {
		v := loadBenchPayload(b, name)
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			var buf []byte
			for b.Loop() {
				var err error
				if buf, err = AppendTagged(buf[:0], v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkInflate compares the inflater with compress/zlib on the
// compressed payloads.
func BenchmarkInflate(b *testing.B) {
	for _, name := range payloadNames {
		j, err := MarshalTagged(loadBenchPayload(b, name))
		if err != nil {
			b.Fatal(err)
		}
		z := deflate(nil, j)
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			var out []byte
			for b.Loop() {
				if out, err = inflate(out[:0], z, 1<<20); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"_stdlib", func(b *testing.B) {
			b.ReportAllocs()
			var zr io.ReadCloser
			var src bytes.Reader
			var out bytes.Buffer
			for b.Loop() {
				src.Reset(z)
				if zr == nil {
					zr, err = zlib.NewReader(&src)
				} else {
					err = zr.(zlib.Resetter).Reset(&src, nil)
				}
				if err != nil {
					b.Fatal(err)
				}
				out.Reset()
				if _, err := out.ReadFrom(zr); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDeflate is the zlib-identical compressor on the tagged JSON of
// the payloads.
func BenchmarkDeflate(b *testing.B) {
	for _, name := range payloadNames {
		j, err := MarshalTagged(loadBenchPayload(b, name))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			var out []byte
			for b.Loop() {
				out = deflate(out[:0], j)
			}
		})
	}
}
