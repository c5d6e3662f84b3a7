// Package wzcookie writes Set-Cookie header values and reads Cookie headers
// the way Werkzeug 3.1 (and so Flask) does: dump_cookie's attribute order
// and value quoting, parse_cookie's unquoting.
package wzcookie

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Epoch is the Expires of a deleted cookie, as delete_cookie writes it
// (expires=0).
var Epoch = time.Unix(0, 0).UTC()

// Cookie is what dump_cookie takes. A zero Expires and a negative MaxAge
// are left out. (dump_cookie derives an Expires from a Max-Age given
// alone; set both.)
type Cookie struct {
	Name, Value string
	Domain      string
	Expires     time.Time
	MaxAge      int // -1: none; 0 or more: Max-Age=n
	Secure      bool
	HTTPOnly    bool
	Path        string // "" leaves the attribute out
	SameSite    string // "", "Strict", "Lax" or "None"
	Partitioned bool
}

// ErrSameSite reports a SameSite value Werkzeug refuses.
var ErrSameSite = errors.New("SameSite must be 'Strict', 'Lax' or 'None'")

// NormSameSite returns s title-cased, as dump_cookie does, or an error for
// a value it refuses; "" stays "".
func NormSameSite(s string) (string, error) {
	switch strings.ToLower(s) {
	case "":
		return "", nil
	case "strict":
		return "Strict", nil
	case "lax":
		return "Lax", nil
	case "none":
		return "None", nil
	}
	return "", ErrSameSite
}

// NormDomain returns the domain attribute dump_cookie writes for d: the
// part before any ":" with leading dots removed. Only ASCII domains are
// supported (Werkzeug IDNA-encodes others).
func NormDomain(d string) (string, error) {
	if i := strings.IndexByte(d, ':'); i >= 0 {
		d = d[:i]
	}
	d = strings.TrimLeft(d, ".")
	for i := 0; i < len(d); i++ {
		if c := d[i]; c >= 0x80 || c <= ' ' || c == ';' || c == ',' {
			return "", errors.New("cookie domain must be plain ASCII without spaces, ';' or ','")
		}
	}
	return d, nil
}

// Append appends the Set-Cookie value dump_cookie returns for c.
func Append(b []byte, c *Cookie) []byte {
	b = append(b, c.Name...)
	b = append(b, '=')
	b = AppendValue(b, c.Value)
	if c.Domain != "" {
		b = append(b, "; Domain="...)
		b = append(b, c.Domain...)
	}
	if !c.Expires.IsZero() {
		b = append(b, "; Expires="...)
		b = c.Expires.UTC().AppendFormat(b, http.TimeFormat)
	}
	if c.MaxAge >= 0 {
		b = append(b, "; Max-Age="...)
		b = strconv.AppendInt(b, int64(c.MaxAge), 10)
	}
	if c.Secure || c.Partitioned {
		b = append(b, "; Secure"...)
	}
	if c.HTTPOnly {
		b = append(b, "; HttpOnly"...)
	}
	if c.Path != "" {
		b = append(b, "; Path="...)
		b = appendPath(b, c.Path)
	}
	if c.SameSite != "" {
		b = append(b, "; SameSite="...)
		b = append(b, c.SameSite...)
	}
	if c.Partitioned {
		b = append(b, "; Partitioned"...)
	}
	return b
}

// String returns the Set-Cookie value for c.
func (c *Cookie) String() string {
	return string(Append(make([]byte, 0, 96+len(c.Value)), c))
}

// FromHTTP converts a cookie as net/http describes it (MaxAge < 0 meaning
// Max-Age=0, as http.Cookie has it; MaxAge 0 meaning none).
func FromHTTP(h *http.Cookie) Cookie {
	c := Cookie{
		Name: h.Name, Value: h.Value, Domain: strings.TrimLeft(h.Domain, "."), Expires: h.Expires,
		MaxAge: -1, Secure: h.Secure, HTTPOnly: h.HttpOnly, Path: h.Path, Partitioned: h.Partitioned,
	}
	switch {
	case h.MaxAge < 0:
		c.MaxAge = 0
	case h.MaxAge > 0:
		c.MaxAge = h.MaxAge
	}
	switch h.SameSite {
	case http.SameSiteLaxMode:
		c.SameSite = "Lax"
	case http.SameSiteStrictMode:
		c.SameSite = "Strict"
	case http.SameSiteNoneMode:
		c.SameSite = "None"
	}
	return c
}

// noQuote reports the bytes dump_cookie leaves unquoted:
// [\w!#$%&'()*+\-./:<=>?@\[\]^`{|}~] in ASCII.
var noQuote = func() (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = true, true
	}
	for _, c := range "_!#$%&'()*+-./:<=>?@[]^`{|}~" {
		t[c] = true
	}
	return t
}()

// AppendValue appends a cookie value as dump_cookie writes it: as it is when
// every byte is allowed, else in double quotes with '"' and '\' escaped by a
// backslash and the bytes 0x00-0x19, ',', ';' and 0x7f-0xff as three octal
// digits (0x1a-0x1f and the space stay as they are, as Werkzeug's pattern
// leaves them).
func AppendValue(b []byte, v string) []byte {
	plain := true
	for i := 0; i < len(v); i++ {
		if !noQuote[v[i]] {
			plain = false
			break
		}
	}
	if plain {
		return append(b, v...)
	}
	b = append(b, '"')
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c <= 0x19 || c == ',' || c == ';' || c >= 0x7f:
			b = append(b, '\\', '0'+c>>6, '0'+(c>>3)&7, '0'+c&7)
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

// appendPath percent-encodes the path as urllib.parse.quote(path,
// safe="%!$&'()*+,/:=@") does.
func appendPath(b []byte, p string) []byte {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(p); i++ {
		c := p[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("_.-~%!$&'()*+,/:=@", c) >= 0 {
			b = append(b, c)
			continue
		}
		b = append(b, '%', hex[c>>4], hex[c&15])
	}
	return b
}

// Get returns the first cookie called name in the Cookie headers of h, read
// as Werkzeug's parse_cookie reads the header of a WSGI request: the header
// bytes are UTF-8 text, and a quoted value is unescaped (backslash escapes
// and three-digit octal escapes) and decoded as UTF-8 with U+FFFD for bad
// bytes. A header line that is not UTF-8 is skipped (Werkzeug fails the
// request). Several Cookie header lines are read in turn.
func Get(h http.Header, name string) (string, bool) {
	lines := h["Cookie"]
	for _, line := range lines {
		if !utf8.ValidString(line) {
			continue
		}
		if v, ok := get(line, name); ok {
			return v, true
		}
	}
	return "", false
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' }

// get scans one header line as parse_cookie's regular expression does.
func get(s, name string) (string, bool) {
	pos := 0
	for pos <= len(s) {
		key, val, quoted, end, ok := match(s, pos)
		if !ok {
			i := strings.IndexByte(s[pos:], ';')
			if i < 0 {
				return "", false
			}
			pos += i + 1
			continue
		}
		pos = end
		if key == name {
			if quoted {
				return unquote(val), true
			}
			return val, true
		}
		if pos >= len(s) {
			return "", false
		}
	}
	return "", false
}

// match tries the cookie pattern at pos; val excludes the quotes of a
// quoted value.
func match(s string, pos int) (key, val string, quoted bool, end int, ok bool) {
	i := pos
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	k := i
	for i < len(s) && !isSpace(s[i]) && s[i] != '=' && s[i] != '"' && s[i] != ';' {
		i++
	}
	if i == k {
		return "", "", false, 0, false
	}
	key = s[k:i]
	// optional [ \t]*=[ \t]*value
	j := i
	for j < len(s) && isSpace(s[j]) {
		j++
	}
	if j < len(s) && s[j] == '=' {
		j++
		for j < len(s) && isSpace(s[j]) {
			j++
		}
		if v, q, e, vok := value(s, j); vok {
			if e2, tok := tail(s, e); tok {
				return key, v, q, e2, true
			}
		}
		// Otherwise the regular expression drops the optional "=value"
		// group (a token value cannot start with '"', and one that is
		// not followed by ";" or the end fails).
	}
	if e2, tok := tail(s, i); tok {
		return key, "", false, e2, true
	}
	return "", "", false, 0, false
}

// value reads a quoted or token value at j.
func value(s string, j int) (v string, quoted bool, end int, ok bool) {
	if j < len(s) && s[j] == '"' {
		k := j + 1
		for k < len(s) {
			switch s[k] {
			case '\\':
				if k+1 < len(s) && s[k+1] != '\n' {
					k += 2
					continue
				}
				return "", false, 0, false
			case '"':
				return s[j+1 : k], true, k + 1, true
			}
			k++
		}
		return "", false, 0, false
	}
	k := j
	for k < len(s) && !isSpace(s[k]) && s[k] != '"' && s[k] != ';' {
		k++
	}
	return s[j:k], false, k, true
}

// tail matches [ \t]*(?:;|\Z) at i.
func tail(s string, i int) (int, bool) {
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	if i == len(s) {
		return i, true
	}
	if s[i] == ';' {
		return i + 1, true
	}
	return 0, false
}

// unquote undoes dump_cookie's escapes: \ooo and \c escapes replaced by
// their bytes, the result decoded as UTF-8 with U+FFFD for bad bytes.
func unquote(v string) string {
	if strings.IndexByte(v, '\\') < 0 {
		return v
	}
	b := make([]byte, 0, len(v))
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c != '\\' || i+1 >= len(v) {
			b = append(b, c)
			continue
		}
		if i+3 < len(v) && '0' <= v[i+1] && v[i+1] <= '3' && isOct(v[i+2]) && isOct(v[i+3]) {
			b = append(b, (v[i+1]-'0')<<6|(v[i+2]-'0')<<3|(v[i+3]-'0'))
			i += 3
			continue
		}
		b = append(b, v[i+1])
		i++
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

func isOct(c byte) bool { return '0' <= c && c <= '7' }
