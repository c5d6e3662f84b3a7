// Package tamper alters signed tokens for tests of signature checks.
package tamper

// Signature returns s with its third-last character changed. s ends in a
// base64 signature of at least three characters. The last character of a
// base64 text may carry padding bits that decoders ignore, so changing it
// can leave the decoded bytes as they were; the third-last always counts.
func Signature(s string) string {
	i := len(s) - 3
	c := byte('A')
	if s[i] == 'A' {
		c = 'B'
	}
	return s[:i] + string(c) + s[i+1:]
}
