package flaskcookie

import (
	"encoding/base64"
	"errors"
)

// errBase64 is the detail of a base64 text Python refuses.
var errBase64 = errors.New("invalid base64-encoded data")

var (
	b64URL = base64.RawURLEncoding
	b64Std = base64.StdEncoding
)

// Decoding tables: the value of each base64 character, 0xFF for the others.
var (
	urlTable = b64Table("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", true)
	stdTable = b64Table("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", false)
)

// b64Table builds a decoding table. itsdangerous decodes with
// base64.urlsafe_b64decode, which maps '-' and '_' to '+' and '/' and then
// decodes the standard alphabet, so it takes both spellings.
func b64Table(alphabet string, both bool) (t [256]byte) {
	for i := range t {
		t[i] = 0xFF
	}
	for i := 0; i < len(alphabet); i++ {
		t[alphabet[i]] = byte(i)
	}
	if both {
		t['+'], t['/'] = 62, 63
	}
	return t
}

// decodeURL64 decodes s as itsdangerous's base64_decode does: '=' padding
// added up to a multiple of four, then Python's lenient base64 decoding.
// The common case, a text of URL-safe characters only, takes the standard
// library's path, which gives the same result for such text.
func decodeURL64(dst []byte, s []byte) ([]byte, error) {
	if urlSafeOnly(s) {
		n := len(dst)
		dst = append(dst, make([]byte, b64URL.DecodedLen(len(s)))...)
		m, err := b64URL.Decode(dst[n:], s)
		if err != nil {
			return dst[:n], errBase64
		}
		return dst[:n+m], nil
	}
	pad := (4 - len(s)%4) % 4
	return a2bBase64(dst, s, pad, &urlTable)
}

func urlSafeOnly(s []byte) bool {
	for _, c := range s {
		if urlTable[c] > 63 || c == '+' || c == '/' {
			return false
		}
	}
	return true
}

// decodeStd64 decodes s as base64.b64decode does (standard alphabet,
// padding as given, other characters skipped): the decoding of Flask's
// " b" tag.
func decodeStd64(dst []byte, s string) ([]byte, error) {
	if len(s)%4 == 0 {
		n := len(dst)
		dst = append(dst, make([]byte, b64Std.DecodedLen(len(s)))...)
		m, err := b64Std.Decode(dst[n:], []byte(s))
		if err == nil && stdOnly(s) {
			return dst[:n+m], nil
		}
		dst = dst[:n]
	}
	return a2bBase64(dst, []byte(s), 0, &stdTable)
}

func stdOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; stdTable[c] > 63 && c != '=' {
			return false
		}
	}
	return true
}

// a2bBase64 is CPython's binascii.a2b_base64 in its default, non-strict
// mode, over s followed by pad '=' characters: characters outside the
// alphabet are skipped; a '=' ends the data once it completes a quad
// (after at least two data characters); data that ends inside a quad is
// an error ("Incorrect padding", or a lone extra character).
func a2bBase64(dst []byte, s []byte, pad int, table *[256]byte) ([]byte, error) {
	quad, pads := 0, 0
	var left byte
	for i := 0; i < len(s)+pad; i++ {
		c := byte('=')
		if i < len(s) {
			c = s[i]
		}
		if c == '=' {
			if quad >= 2 {
				pads++
				if quad+pads >= 4 {
					return dst, nil
				}
			}
			continue
		}
		v := table[c]
		if v > 63 {
			continue
		}
		pads = 0
		switch quad {
		case 0:
			quad, left = 1, v
		case 1:
			quad = 2
			dst = append(dst, left<<2|v>>4)
			left = v & 0x0F
		case 2:
			quad = 3
			dst = append(dst, left<<4|v>>2)
			left = v & 0x03
		case 3:
			quad = 0
			dst = append(dst, left<<6|v)
			left = 0
		}
	}
	if quad != 0 {
		return dst, errBase64
	}
	return dst, nil
}
