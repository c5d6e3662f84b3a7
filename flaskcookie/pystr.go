package flaskcookie

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"unicode"

	"github.com/flaskbridge/flaskbridge/internal/pyjson"
	"github.com/flaskbridge/flaskbridge/py"
)

// Helpers that give Python's str methods their Python meaning, for the
// parsers of the tags.

// pyIsSpace is str.isspace for one code point.
func pyIsSpace(r rune) bool {
	return unicode.IsSpace(r) || (r >= 0x1C && r <= 0x1F)
}

// pyIsDigit approximates str.isdigit for one code point: decimal digits,
// and the superscript, subscript and circled digits Python also counts.
func pyIsDigit(r rune) bool {
	switch {
	case unicode.IsDigit(r):
		return true
	case r == 0xB2 || r == 0xB3 || r == 0xB9, r >= 0x2070 && r <= 0x2079 && r != 0x2071 && r != 0x2072 && r != 0x2073,
		r >= 0x2080 && r <= 0x2089, r >= 0x2460 && r <= 0x2468, r >= 0x2474 && r <= 0x247C, r >= 0x2488 && r <= 0x2490,
		r >= 0x24F5 && r <= 0x24FD, r == 0x24EA, r == 0x24FF, r >= 0x2776 && r <= 0x277E, r >= 0x2780 && r <= 0x2788,
		r >= 0x278A && r <= 0x2792, r >= 0x1369 && r <= 0x1371, r == 0x19DA, r >= 0x1F100 && r <= 0x1F10A:
		return true
	}
	return false
}

// digitValue is the value of a Unicode decimal digit (category Nd), whose
// ranges in the Unicode tables each start at a zero.
func digitValue(r rune) (int, bool) {
	if r >= '0' && r <= '9' {
		return int(r - '0'), true
	}
	for _, rg := range unicode.Nd.R16 {
		if rune(rg.Lo) <= r && r <= rune(rg.Hi) && (r-rune(rg.Lo))%rune(rg.Stride) == 0 {
			return int((r - rune(rg.Lo)) / rune(rg.Stride) % 10), true
		}
	}
	for _, rg := range unicode.Nd.R32 {
		if rune(rg.Lo) <= r && r <= rune(rg.Hi) && (r-rune(rg.Lo))%rune(rg.Stride) == 0 {
			return int((r - rune(rg.Lo)) / rune(rg.Stride) % 10), true
		}
	}
	return 0, false
}

func firstRune(s string) (rune, bool) {
	if s == "" {
		return 0, false
	}
	r, _, ok := pyjson.DecodeRune(s, 0)
	return r, ok
}

// pySplit is str.split() without arguments: runs of white space separate
// the words, and none are empty.
func pySplit(s string) []string {
	var out []string
	start := -1
	for i := 0; i < len(s); {
		r, n, ok := pyjson.DecodeRune(s, i)
		if !ok {
			n = 1
		}
		if ok && pyIsSpace(r) {
			if start >= 0 {
				out = append(out, s[start:i])
				start = -1
			}
		} else if start < 0 {
			start = i
		}
		i += n
	}
	if start >= 0 {
		out = append(out, s[start:])
	}
	return out
}

// pyLower and pyUpper change the case of ASCII letters only: the strings
// they are compared with are ASCII, and no other character Python lowers
// or uppers becomes one of their letters except in cases that do not
// matter here.
func pyLower(s string) string { return strings.Map(asciiLower, s) }
func pyUpper(s string) string { return strings.Map(asciiUpper, s) }

func asciiLower(r rune) rune {
	if r >= 'A' && r <= 'Z' {
		return r + 'a' - 'A'
	}
	return r
}

func asciiUpper(r rune) rune {
	if r >= 'a' && r <= 'z' {
		return r - 'a' + 'A'
	}
	return r
}

// pyParseInt is int(s, base) for base 10 or 16: white space around, a sign,
// a 0x prefix in base 16, single underscores between digits, and Unicode
// decimal digits.
func pyParseInt(s string, base int) (*big.Int, bool) {
	s = strings.TrimFunc(s, pyIsSpace)
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	underscoreOK := false
	if base == 16 && len(s) >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		s = s[2:]
		underscoreOK = true
	}
	var digits []byte
	lastUnderscore := false
	for i, r := range s {
		if r == '_' {
			if lastUnderscore || (i == 0 && !underscoreOK) {
				return nil, false
			}
			lastUnderscore = true
			continue
		}
		lastUnderscore = false
		var v int
		if h, ok := hexVal(byte(r)); ok && r < 0x80 && (base == 16 || h < 10) {
			v = int(h)
		} else if d, ok := digitValue(r); ok {
			v = d
		} else {
			return nil, false
		}
		digits = append(digits, "0123456789abcdef"[v])
	}
	if len(digits) == 0 || lastUnderscore {
		return nil, false
	}
	if base == 10 && len(digits) > 4300 {
		return nil, false // ValueError: exceeds the limit for integer string conversion
	}
	n, ok := new(big.Int).SetString(string(digits), base)
	if !ok {
		return nil, false
	}
	if neg {
		n.Neg(n)
	}
	return n, true
}

// pyStr is str(v), for Markup(v) of a value other than a str.
func pyStr(v py.Value) (string, error) {
	switch x := v.(type) {
	case nil:
		return "None", nil
	case bool:
		if x {
			return "True", nil
		}
		return "False", nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case *big.Int:
		b, err := pyjson.AppendBigInt(nil, x)
		return string(b), err
	case float64:
		return string(py.AppendFloatRepr(nil, x)), nil
	case string:
		return x, nil
	case py.Markup:
		return string(x), nil
	case py.UUID:
		return x.String(), nil
	case py.DateTime:
		return isoformat(x, ' ')
	}
	// str() of a container or bytes is its repr.
	return py.Repr(v), nil
}

// isoformat is datetime.isoformat(sep) for a naive datetime or one with a
// fixed offset.
func isoformat(d py.DateTime, sep byte) (string, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "%04d-%02d-%02d%c%02d:%02d:%02d", d.Year, d.Month, d.Day, sep, d.Hour, d.Minute, d.Second)
	if d.Microsecond != 0 {
		fmt.Fprintf(&b, ".%06d", d.Microsecond)
	}
	switch z := d.TZ.(type) {
	case nil:
	case py.TimeZone:
		off := int64(z.Offset.Days)*86_400_000_000 + int64(z.Offset.Seconds)*1_000_000 + int64(z.Offset.Microseconds)
		sign := byte('+')
		if off < 0 {
			sign, off = '-', -off
		}
		us := off % 1_000_000
		secs := off / 1_000_000
		fmt.Fprintf(&b, "%c%02d:%02d", sign, secs/3600, secs/60%60)
		if secs%60 != 0 || us != 0 {
			fmt.Fprintf(&b, ":%02d", secs%60)
			if us != 0 {
				fmt.Fprintf(&b, ".%06d", us)
			}
		}
	default:
		return "", fmt.Errorf("datetime with a tzinfo of unknown class")
	}
	return b.String(), nil
}
