package flaskwtf

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"errors"
	"fmt"
	"io"

	"github.com/flaskbridge/flaskbridge/flaskcookie"
	"github.com/flaskbridge/flaskbridge/py"
)

// maxPayload bounds what a token's payload may inflate to: a raw token is
// 42 bytes of JSON.
const maxPayload = 4 << 10

// maxToken bounds the signed token read.
const maxToken = 8 << 10

func base64url(dst, src []byte) []byte {
	return base64.RawURLEncoding.AppendEncode(dst, src)
}

// loadPayload is URLSafeSerializerMixin.load_payload: base64url (padding
// optional), zlib when marked with a leading ".", then json.loads.
func loadPayload(p []byte) (py.Value, error) {
	compressed := len(p) > 0 && p[0] == '.'
	if compressed {
		p = p[1:]
	}
	p = bytes.TrimRight(p, "=")
	raw, err := base64.RawURLEncoding.AppendDecode(nil, p)
	if err != nil {
		return nil, fmt.Errorf("payload base64: %w", err)
	}
	if compressed {
		zr, err := zlib.NewReader(bytes.NewReader(raw))
		if err != nil {
			return nil, fmt.Errorf("payload zlib: %w", err)
		}
		raw, err = io.ReadAll(io.LimitReader(zr, maxPayload+1))
		if err != nil {
			return nil, fmt.Errorf("payload zlib: %w", err)
		}
		if len(raw) > maxPayload {
			return nil, errors.New("payload inflates beyond 4 KiB")
		}
	}
	return flaskcookie.UnmarshalJSON(raw)
}

// appendJSONString appends s as itsdangerous's JSON serializer writes a
// str (json.dumps with ensure_ascii=False): '"' and '\' escaped, control
// characters as \n, \r, \t, \b, \f or \u00XX, everything else as it is.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\r':
			b = append(b, '\\', 'r')
		case c == '\t':
			b = append(b, '\\', 't')
		case c == '\b':
			b = append(b, '\\', 'b')
		case c == '\f':
			b = append(b, '\\', 'f')
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}
