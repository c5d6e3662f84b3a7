package main

import (
	"errors"
	"strings"
	"unicode/utf8"
)

// Glob patterns of session list and migrate, as Redis's MATCH reads them
// but over whole characters: * matches any text ("/" included), ? one
// character, [abc] and [a-z] a set, [!a] or [^a] its complement, and \
// quotes the next character.

// checkGlob reports a malformed pattern: an unclosed [ or a trailing \.
func checkGlob(p string) error {
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '\\':
			if i+1 == len(p) {
				return errors.New(`ends with a lone \`)
			}
			i++
		case '[':
			_, end, ok := classAt(p, i)
			if !ok {
				return errors.New("has a [ without its ]")
			}
			i = end - 1
		}
	}
	return nil
}

// globMatch reports whether s matches the pattern p (checked by checkGlob;
// a malformed part matches itself literally).
func globMatch(p, s string) bool {
	// The classic backtracking matcher: on a mismatch, let the last * eat
	// one more character. Linear in practice, O(len(p)*len(s)) at worst.
	pi, si := 0, 0
	starP, starS := -1, -1
	for si < len(s) {
		if pi < len(p) {
			switch p[pi] {
			case '*':
				starP, starS = pi, si
				pi++
				continue
			case '?':
				_, n := utf8.DecodeRuneInString(s[si:])
				pi++
				si += n
				continue
			case '[':
				if class, end, ok := classAt(p, pi); ok {
					r, n := utf8.DecodeRuneInString(s[si:])
					if class(r) {
						pi, si = end, si+n
						continue
					}
					break
				}
				if s[si] == '[' {
					pi++
					si++
					continue
				}
			case '\\':
				if pi+1 < len(p) {
					_, n := utf8.DecodeRuneInString(p[pi+1:])
					if strings.HasPrefix(s[si:], p[pi+1:pi+1+n]) {
						pi, si = pi+1+n, si+n
						continue
					}
					break
				}
				fallthrough
			default:
				// Literal characters compare byte for byte (bytes that are
				// not UTF-8 included).
				_, n := utf8.DecodeRuneInString(p[pi:])
				if strings.HasPrefix(s[si:], p[pi:pi+n]) {
					pi, si = pi+n, si+n
					continue
				}
			}
		}
		if starP < 0 {
			return false
		}
		_, n := utf8.DecodeRuneInString(s[starS:])
		starS += n
		pi, si = starP+1, starS
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// classAt parses the set that starts at p[i] == '[' and returns its test
// and the index after its ']'.
func classAt(p string, i int) (func(rune) bool, int, bool) {
	j := i + 1
	negate := false
	if j < len(p) && (p[j] == '!' || p[j] == '^') {
		negate = true
		j++
	}
	type span struct{ lo, hi rune }
	var spans []span
	first := true
	for j < len(p) {
		if p[j] == ']' && !first {
			in := func(r rune) bool {
				for _, s := range spans {
					if s.lo <= r && r <= s.hi {
						return !negate
					}
				}
				return negate
			}
			return in, j + 1, true
		}
		first = false
		lo, n := classChar(p, j)
		if n == 0 {
			return nil, 0, false
		}
		j += n
		hi := lo
		if j+1 < len(p) && p[j] == '-' && p[j+1] != ']' {
			h, m := classChar(p, j+1)
			if m == 0 {
				return nil, 0, false
			}
			hi = h
			j += 1 + m
		}
		if hi < lo {
			lo, hi = hi, lo
		}
		spans = append(spans, span{lo, hi})
	}
	return nil, 0, false
}

// classChar reads one character of a set (\ quotes), and its length; 0 at
// the end of p.
func classChar(p string, j int) (rune, int) {
	if p[j] == '\\' {
		if j+1 == len(p) {
			return 0, 0
		}
		r, n := utf8.DecodeRuneInString(p[j+1:])
		return r, 1 + n
	}
	r, n := utf8.DecodeRuneInString(p[j:])
	return r, n
}
