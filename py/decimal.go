package py

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// ErrSyntax reports text that is not in the syntax a parser expects.
var ErrSyntax = errors.New("py: invalid syntax")

type decimalKind uint8

const (
	decFinite decimalKind = iota
	decInf
	decNaN
	decSNaN
)

// CPython's decimal module (64-bit) accepts a string only when the adjusted
// exponent (exponent + digits - 1) is at most MAX_EMAX and the exponent is at
// least MIN_ETINY = MIN_EMIN - (MAX_PREC - 1).
const (
	maxDecimalAdjusted = 999_999_999_999_999_999
	minDecimalExponent = -1_999_999_999_999_999_997
)

// Decimal is decimal.Decimal, kept exactly: sign, coefficient digits and
// exponent, or infinity, NaN and sNaN. The zero Decimal is Decimal('0').
type Decimal struct {
	neg   bool
	kind  decimalKind
	coeff string // decimal digits without leading zeros ("" means 0); NaN payload
	exp   int64
	id    *Identity
}

// ParseDecimal parses s as decimal.Decimal(s) does: optional sign, digits
// with an optional point and exponent, Infinity/Inf, NaN and sNaN with an
// optional payload, surrounding white space. Like CPython, it ignores every
// underscore ("1_", "in_f"). Digits must be ASCII (CPython also takes other
// Unicode decimal digits).
func ParseDecimal(s string) (Decimal, error) {
	d, ok := parseDecimal(trimPySpace(strings.ReplaceAll(s, "_", "")))
	if !ok {
		return Decimal{}, fmt.Errorf("%w: invalid literal for Decimal: %q", ErrSyntax, s)
	}
	return d, nil
}

// trimPySpace trims what Python's str.strip() does: Unicode white space
// and the ASCII separators U+001C to U+001F.
func trimPySpace(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return r >= 0x1c && r <= 0x1f || unicode.IsSpace(r) })
}

func parseDecimal(s string) (Decimal, bool) {
	var d Decimal
	if s == "" {
		return d, false
	}
	if s[0] == '+' || s[0] == '-' {
		d.neg = s[0] == '-'
		s = s[1:]
	}
	lower := strings.ToLower(s)
	switch {
	case lower == "inf" || lower == "infinity":
		d.kind = decInf
		return d, true
	case strings.HasPrefix(lower, "nan"):
		d.kind = decNaN
		return d.withPayload(s[3:])
	case strings.HasPrefix(lower, "snan"):
		d.kind = decSNaN
		return d.withPayload(s[4:])
	}
	mant, expText := s, ""
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		mant, expText = s[:i], s[i+1:]
	}
	intPart, fracPart := mant, ""
	if i := strings.IndexByte(mant, '.'); i >= 0 {
		intPart, fracPart = mant[:i], mant[i+1:]
	}
	intDigits, ok1 := decimalDigits(intPart)
	fracDigits, ok2 := decimalDigits(fracPart)
	if !ok1 || !ok2 || intDigits+fracDigits == "" {
		return d, false
	}
	var exp int64
	if expText != "" {
		digits := expText
		if digits[0] == '+' || digits[0] == '-' {
			digits = digits[1:]
		}
		ds, ok := decimalDigits(digits)
		if !ok || ds == "" {
			return d, false
		}
		ds = strings.TrimLeft(ds, "0")
		if len(ds) > 19 {
			return d, false
		}
		e, err := strconv.ParseInt(ds, 10, 64)
		if err != nil && ds != "" {
			return d, false
		}
		if expText[0] == '-' {
			e = -e
		}
		exp = e
	}
	exp -= int64(len(fracDigits))
	coeff := strings.TrimLeft(intDigits+fracDigits, "0")
	ndigits := int64(len(coeff))
	if ndigits == 0 {
		ndigits = 1
	}
	if exp < minDecimalExponent || exp > maxDecimalAdjusted-(ndigits-1) {
		return d, false
	}
	d.coeff = coeff
	d.exp = exp
	return d, true
}

// decimalDigits returns s without the underscores Python allows between
// digits, or false if s holds anything else.
func decimalDigits(s string) (string, bool) {
	if s == "" {
		return "", true
	}
	if s[0] == '_' || s[len(s)-1] == '_' || strings.Contains(s, "__") {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		if (s[i] < '0' || s[i] > '9') && s[i] != '_' {
			return "", false
		}
	}
	return strings.ReplaceAll(s, "_", ""), true
}

func (d Decimal) withPayload(p string) (Decimal, bool) {
	digits, ok := decimalDigits(p)
	if !ok || strings.Contains(p, "_") {
		return d, false
	}
	d.coeff = strings.TrimLeft(digits, "0")
	return d, true
}

// String returns str(Decimal), Python's scientific string form.
func (d Decimal) String() string { return string(d.appendString(make([]byte, 0, 24))) }

// appendString appends str(Decimal) to b.
func (d Decimal) appendString(b []byte) []byte {
	if d.neg {
		b = append(b, '-')
	}
	switch d.kind {
	case decInf:
		return append(b, "Infinity"...)
	case decNaN:
		b = append(b, "NaN"...)
		return append(b, d.coeff...)
	case decSNaN:
		b = append(b, "sNaN"...)
		return append(b, d.coeff...)
	}
	coeff := d.coeff
	if coeff == "" {
		coeff = "0"
	}
	n := int64(len(coeff))
	left := d.exp + n
	var dot int64
	if d.exp <= 0 && left > -6 {
		dot = left
	} else {
		dot = 1
	}
	switch {
	case dot <= 0:
		b = append(b, "0."...)
		for range -dot {
			b = append(b, '0')
		}
		b = append(b, coeff...)
	case dot >= n:
		b = append(b, coeff...)
		for range dot - n {
			b = append(b, '0')
		}
	default:
		b = append(b, coeff[:dot]...)
		b = append(b, '.')
		b = append(b, coeff[dot:]...)
	}
	if left != dot {
		b = append(b, 'E')
		if left-dot >= 0 {
			b = append(b, '+')
		}
		b = strconv.AppendInt(b, left-dot, 10)
	}
	return b
}

// IsNaN reports whether d is a quiet or signalling NaN.
func (d Decimal) IsNaN() bool { return d.kind == decNaN || d.kind == decSNaN }

// IsInf reports whether d is an infinity.
func (d Decimal) IsInf() bool { return d.kind == decInf }

// IsZero reports whether d is a zero of either sign and any exponent
// ("0", "-0.00", "0E+5"): the Decimals that Python's bool() calls false.
func (d Decimal) IsZero() bool { return d.kind == decFinite && d.coeff == "" }

// Equal reports whether d and o are numerically equal, as Python's ==
// compares Decimals (Decimal('1.0') == Decimal('1.00')); NaN equals nothing.
func (d Decimal) Equal(o Decimal) bool {
	ka, oka := d.numericKey()
	kb, okb := o.numericKey()
	return oka && okb && ka == kb
}

// numericKey returns a canonical text for the number d names, equal for
// equal numbers of every numeric type; false for NaN.
func (d Decimal) numericKey() (string, bool) {
	switch d.kind {
	case decInf:
		if d.neg {
			return "-inf", true
		}
		return "inf", true
	case decNaN, decSNaN:
		return "", false
	}
	return canonicalNumber(d.neg, d.coeff, d.exp), true
}

// canonicalNumber writes a finite decimal number sign*coeff*10**exp in one
// form for each value: trailing zeros moved into the exponent, zero unsigned.
func canonicalNumber(neg bool, coeff string, exp int64) string {
	coeff = strings.TrimLeft(coeff, "0")
	if coeff == "" {
		return "0"
	}
	trimmed := strings.TrimRight(coeff, "0")
	exp += int64(len(coeff) - len(trimmed))
	sign := ""
	if neg {
		sign = "-"
	}
	if exp == 0 {
		return sign + trimmed
	}
	return sign + trimmed + "e" + strconv.FormatInt(exp, 10)
}

// UUID is uuid.UUID: 16 bytes, big-endian as uuid.UUID.bytes gives them.
type UUID struct {
	Bytes [16]byte
	// Safe is the UUID's is_safe attribute. It is kept so that a UUID
	// read from a pickle is written back the same; it takes no part in
	// comparisons, as in Python.
	Safe SafeUUID
	id   *Identity
}

// SafeUUID is uuid.SafeUUID: whether the platform generated a UUID in a
// way that is safe for concurrent processes.
type SafeUUID int8

// The values of SafeUUID; the zero value is SafeUUID.unknown, the value
// of every UUID not made by uuid.uuid1().
const (
	SafeUUIDUnknown SafeUUID = iota // SafeUUID.unknown (value None)
	SafeUUIDSafe                    // SafeUUID.safe (value 0)
	SafeUUIDUnsafe                  // SafeUUID.unsafe (value -1)
)

// ParseUUID parses the forms uuid.UUID(hex) accepts: 32 hex digits with any
// hyphens, optionally in braces or after "urn:uuid:".
func ParseUUID(s string) (UUID, error) {
	t := strings.TrimPrefix(strings.TrimPrefix(s, "urn:"), "uuid:")
	t = strings.Trim(t, "{}")
	t = strings.ReplaceAll(t, "-", "")
	var u UUID
	if len(t) != 32 {
		return u, fmt.Errorf("%w: badly formed hexadecimal UUID string %q", ErrSyntax, s)
	}
	if _, err := hex.Decode(u.Bytes[:], []byte(t)); err != nil {
		return u, fmt.Errorf("%w: badly formed hexadecimal UUID string %q", ErrSyntax, s)
	}
	return u, nil
}

// String returns the canonical 36-character form, as str(uuid) does.
func (u UUID) String() string {
	var buf [36]byte
	return string(u.appendString(buf[:0]))
}

// appendString appends the canonical 36-character form to b.
func (u UUID) appendString(b []byte) []byte {
	var buf [36]byte
	hex.Encode(buf[0:8], u.Bytes[0:4])
	buf[8] = '-'
	hex.Encode(buf[9:13], u.Bytes[4:6])
	buf[13] = '-'
	hex.Encode(buf[14:18], u.Bytes[6:8])
	buf[18] = '-'
	hex.Encode(buf[19:23], u.Bytes[8:10])
	buf[23] = '-'
	hex.Encode(buf[24:], u.Bytes[10:])
	return append(b, buf[:]...)
}

// Hex returns the 32 lowercase hex digits, as uuid.hex does.
func (u UUID) Hex() string { return hex.EncodeToString(u.Bytes[:]) }

// Equal reports whether u and o hold the same 16 bytes.
func (u UUID) Equal(o UUID) bool { return u.Bytes == o.Bytes }
