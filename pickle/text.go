package pickle

import (
	"errors"
	"unicode/utf8"
)

// appendWTF8 appends the UTF-8 form of r, writing a surrogate code point
// (which UTF-8 proper cannot hold) as its 3-byte form, as Python's
// surrogatepass error handler does.
func appendWTF8(b []byte, r rune) []byte {
	if r >= 0xD800 && r <= 0xDFFF {
		return append(b, 0xED, byte(0x80|(r>>6)&0x3F), byte(0x80|r&0x3F))
	}
	return utf8.AppendRune(b, r)
}

// decodeWTF8 returns the first code point of s and its length, reading the
// 3-byte form of a surrogate as that surrogate. s must be valid (validWTF8).
func decodeWTF8(s string) (rune, int) {
	c := s[0]
	if c < 0x80 {
		return rune(c), 1
	}
	if c == 0xED && len(s) >= 3 && s[1] >= 0xA0 {
		return rune(c&0x0F)<<12 | rune(s[1]&0x3F)<<6 | rune(s[2]&0x3F), 3
	}
	return utf8.DecodeRuneInString(s)
}

var errTruncatedEscape = errors.New("'rawunicodeescape' codec can't decode bytes: truncated escape")

// rawUnicodeEscapeDecode decodes the argument of UNICODE as Python's
// raw_unicode_escape codec: each byte is the code point of that value,
// except \uXXXX and \UXXXXXXXX after an odd number of backslashes.
func rawUnicodeEscapeDecode(b []byte) (string, error) {
	ascii := true
	for _, c := range b {
		if c >= 0x80 || c == '\\' {
			ascii = false
			break
		}
	}
	if ascii {
		return string(b), nil
	}
	out := make([]byte, 0, len(b)+8)
	for i := 0; i < len(b); {
		c := b[i]
		if c != '\\' {
			out = appendWTF8(out, rune(c))
			i++
			continue
		}
		j := i
		for j < len(b) && b[j] == '\\' {
			j++
		}
		out = append(out, b[i:j]...)
		if (j-i)%2 == 0 || j >= len(b) || (b[j] != 'u' && b[j] != 'U') {
			i = j
			continue
		}
		out = out[:len(out)-1] // the escaping backslash
		n := 4
		if b[j] == 'U' {
			n = 8
		}
		j++
		if j+n > len(b) {
			return "", errTruncatedEscape
		}
		var r rune
		for _, h := range b[j : j+n] {
			v, ok := hexVal(h)
			if !ok {
				return "", errTruncatedEscape
			}
			r = r<<4 | rune(v)
		}
		if r > 0x10FFFF || r < 0 {
			return "", errors.New("'rawunicodeescape' codec can't decode bytes: \\Uxxxxxxxx out of range")
		}
		out = appendWTF8(out, r)
		i = j + n
	}
	return string(out), nil
}

func hexVal(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// escapeDecode decodes the inside of a STRING argument as Python's
// codecs.escape_decode does.
func escapeDecode(b []byte) ([]byte, error) {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		i++
		if i >= len(b) {
			return nil, errors.New("trailing \\ in string")
		}
		switch c = b[i]; c {
		case '\n':
		case '\\', '\'', '"':
			out = append(out, c)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 't':
			out = append(out, '\t')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 'v':
			out = append(out, '\v')
		case 'a':
			out = append(out, 7)
		case '0', '1', '2', '3', '4', '5', '6', '7':
			v := int(c - '0')
			for k := 0; k < 2 && i+1 < len(b) && b[i+1] >= '0' && b[i+1] <= '7'; k++ {
				i++
				v = v*8 + int(b[i]-'0')
			}
			out = append(out, byte(v))
		case 'x':
			if i+2 < len(b) {
				hi, ok1 := hexVal(b[i+1])
				lo, ok2 := hexVal(b[i+2])
				if ok1 && ok2 {
					out = append(out, hi<<4|lo)
					i += 2
					continue
				}
			}
			return nil, errors.New("invalid \\x escape")
		default:
			out = append(out, '\\', c)
		}
	}
	return out, nil
}
