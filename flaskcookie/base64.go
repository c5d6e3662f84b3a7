package flaskcookie

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"slices"
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
// The common case, a text of base64 characters only ('-' and '+', '_' and
// '/' alike), is decoded eight characters at a time; any other text takes
// the lenient path from its start.
func decodeURL64(dst []byte, s []byte) ([]byte, error) {
	n := len(dst)
	// Room for the data and for the two bytes past it that a step writes.
	dst = slices.Grow(dst, len(s)/4*3+4)
	out := dst[n : n+len(s)/4*3+4]
	i, j := 0, 0
	for ; i+8 <= len(s); i, j = i+8, j+6 {
		q := s[i : i+8]
		c0, c1, c2, c3 := urlTable[q[0]], urlTable[q[1]], urlTable[q[2]], urlTable[q[3]]
		c4, c5, c6, c7 := urlTable[q[4]], urlTable[q[5]], urlTable[q[6]], urlTable[q[7]]
		if (c0|c1|c2|c3|c4|c5|c6|c7)&0xC0 != 0 {
			return a2bBase64(dst, s, (4-len(s)%4)%4, &urlTable)
		}
		w := uint64(c0)<<58 | uint64(c1)<<52 | uint64(c2)<<46 | uint64(c3)<<40 |
			uint64(c4)<<34 | uint64(c5)<<28 | uint64(c6)<<22 | uint64(c7)<<16
		binary.BigEndian.PutUint64(out[j:], w)
	}
	// The last one to seven characters: whole quads, then two or three
	// characters that padding completes (one alone is an error).
	var w uint32
	k := 0
	for ; i < len(s); i++ {
		c := urlTable[s[i]]
		if c > 63 {
			return a2bBase64(dst, s, (4-len(s)%4)%4, &urlTable)
		}
		w = w<<6 | uint32(c)
		if k++; k == 4 {
			out[j], out[j+1], out[j+2] = byte(w>>16), byte(w>>8), byte(w)
			j += 3
			w, k = 0, 0
		}
	}
	switch k {
	case 1:
		return dst[:n], errBase64
	case 2:
		out[j] = byte(w >> 4)
		j++
	case 3:
		out[j], out[j+1] = byte(w>>10), byte(w>>2)
		j += 2
	}
	return dst[:n+j], nil
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

const urlAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// appendURL64 appends the URL-safe base64 of src without padding
// (base64.RawURLEncoding), six bytes to eight characters at a time.
func appendURL64(dst, src []byte) []byte {
	n := len(dst)
	size := b64URL.EncodedLen(len(src))
	dst = slices.Grow(dst, size)[:n+size]
	out := dst[n:]
	i, j := 0, 0
	for ; i+8 <= len(src); i, j = i+6, j+8 {
		x := binary.BigEndian.Uint64(src[i:])
		q := out[j : j+8]
		q[0], q[1], q[2], q[3] = urlAlphabet[x>>58], urlAlphabet[x>>52&63], urlAlphabet[x>>46&63], urlAlphabet[x>>40&63]
		q[4], q[5], q[6], q[7] = urlAlphabet[x>>34&63], urlAlphabet[x>>28&63], urlAlphabet[x>>22&63], urlAlphabet[x>>16&63]
	}
	for ; i+3 <= len(src); i, j = i+3, j+4 {
		x := uint(src[i])<<16 | uint(src[i+1])<<8 | uint(src[i+2])
		q := out[j : j+4]
		q[0], q[1], q[2], q[3] = urlAlphabet[x>>18], urlAlphabet[x>>12&63], urlAlphabet[x>>6&63], urlAlphabet[x&63]
	}
	switch len(src) - i {
	case 1:
		x := uint(src[i])
		out[j], out[j+1] = urlAlphabet[x>>2], urlAlphabet[x<<4&63]
	case 2:
		x := uint(src[i])<<8 | uint(src[i+1])
		out[j], out[j+1], out[j+2] = urlAlphabet[x>>10], urlAlphabet[x>>4&63], urlAlphabet[x<<2&63]
	}
	return dst
}
