package pyjson

import (
	"fmt"
	"math"
	"math/big"
	"unicode/utf8"

	"github.com/flaskbridge/flaskbridge/py"
)

const hexDigits = "0123456789abcdef"

// plain marks the ASCII bytes json.dumps(ensure_ascii=True) writes as they
// are: ' ' to '~' except '"' and '\\'.
var plain = func() (t [256]bool) {
	for c := ' '; c <= '~'; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// DecodeRune decodes the Python code point at s[i:]: UTF-8, or a surrogate
// in its 3-byte generalised UTF-8 form (ED A0..BF 80..BF). ok is false for
// bytes that are neither.
func DecodeRune(s string, i int) (r rune, size int, ok bool) {
	c := s[i]
	if c < utf8.RuneSelf {
		return rune(c), 1, true
	}
	r, size = utf8.DecodeRuneInString(s[i:])
	if size > 1 {
		return r, size, true
	}
	if c == 0xED && i+2 < len(s) && s[i+1] >= 0xA0 && s[i+1] <= 0xBF && s[i+2] >= 0x80 && s[i+2] <= 0xBF {
		return 0xD000 | rune(s[i+1]&0x3F)<<6 | rune(s[i+2]&0x3F), 3, true
	}
	return 0, 1, false
}

// AppendRune appends the generalised UTF-8 form of r: UTF-8, and the
// 3-byte form for a surrogate (which utf8.AppendRune would replace).
func AppendRune(dst []byte, r rune) []byte {
	if r >= 0xD800 && r <= 0xDFFF {
		return append(dst, 0xED, byte(0x80|(r>>6)&0x3F), byte(0x80|r&0x3F))
	}
	return utf8.AppendRune(dst, r)
}

// AppendString appends s as a JSON string the way json.dumps with
// ensure_ascii=True writes a Python str: printable ASCII as is, the short
// escapes \" \\ \b \f \n \r \t, every other code point as \u followed by four
// lowercase hex digits, a surrogate pair above U+FFFF. s holds UTF-8, with
// lone surrogates in generalised UTF-8; other bytes are an error.
func AppendString(dst []byte, s string) ([]byte, error) {
	dst = append(dst, '"')
	if len(s) >= 8 && plainWords(s) {
		dst = append(dst, s...)
		return append(dst, '"'), nil
	}
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if plain[c] {
			i++
			continue
		}
		dst = append(dst, s[start:i]...)
		if c < utf8.RuneSelf {
			switch c {
			case '"':
				dst = append(dst, '\\', '"')
			case '\\':
				dst = append(dst, '\\', '\\')
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = appendU(dst, rune(c))
			}
			i++
			start = i
			continue
		}
		r, size, ok := DecodeRune(s, i)
		if !ok {
			return dst, fmt.Errorf("%w: byte %#x at offset %d", ErrString, c, i)
		}
		if r >= 0x10000 {
			r -= 0x10000
			dst = appendU(dst, 0xD800|(r>>10)&0x3FF)
			dst = appendU(dst, 0xDC00|r&0x3FF)
		} else {
			dst = appendU(dst, r)
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"'), nil
}

// plainWords reports whether the string s of at least eight bytes is
// plain ASCII that json.dumps writes as it is, looking at eight bytes at a
// time (the last eight overlapping the others). With no high bit in a word
// x, x - 0x20 in each byte sets one where a byte is below ' ', x + 1 where
// one is '~' + 1, and the quote and the backslash xor-ed out leave a zero
// byte, which -1 turns into 0xFF (a borrow or carry only crosses from a
// byte flagged).
func plainWords(s string) bool {
	for i := 0; ; i += 8 {
		if i+8 > len(s) {
			i = len(s) - 8
		}
		w := s[i : i+8]
		x := uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
			uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
		q := x ^ (lsb * '"')
		b := x ^ (lsb * '\\')
		if (x|(x-lsb*0x20)|(x+lsb)|(q-lsb)|(b-lsb))&msb != 0 {
			return false
		}
		if i+8 == len(s) {
			return true
		}
	}
}

func appendU(dst []byte, r rune) []byte {
	return append(dst, '\\', 'u', hexDigits[r>>12&0xF], hexDigits[r>>8&0xF], hexDigits[r>>4&0xF], hexDigits[r&0xF])
}

// AppendFloat appends f as json.dumps writes a float: NaN, Infinity and
// -Infinity for the non-finite values, Python's repr otherwise.
func AppendFloat(dst []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, "NaN"...)
	case math.IsInf(f, 1):
		return append(dst, "Infinity"...)
	case math.IsInf(f, -1):
		return append(dst, "-Infinity"...)
	}
	return py.AppendFloatRepr(dst, f)
}

// AppendBigInt appends n in decimal, failing as CPython does for more than
// 4300 digits.
func AppendBigInt(dst []byte, n *big.Int) ([]byte, error) {
	start := len(dst)
	dst = n.Append(dst, 10)
	digits := len(dst) - start
	if n.Sign() < 0 {
		digits--
	}
	if digits > maxIntDigits {
		return dst[:start], fmt.Errorf("%w (%d digits)", ErrIntDigits, digits)
	}
	return dst, nil
}
