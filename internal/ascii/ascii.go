// Package ascii tells whether text is all ASCII, a word at a time, for
// the encoders' and decoders' fast paths (an ASCII str needs no UTF-8
// check and has as many characters as bytes).
package ascii

import (
	"encoding/binary"
	"unsafe"
)

// Is reports whether s holds only bytes below 0x80. It reads s 8 bytes at
// a time, the last word overlapping the one before rather than finishing
// byte by byte; it is small enough to be inlined.
func Is(s string) bool {
	b := unsafe.Slice(unsafe.StringData(s), len(s))
	if len(b) < 8 {
		for _, c := range b {
			if c >= 0x80 {
				return false
			}
		}
		return true
	}
	var or uint64
	for i := 0; i+8 <= len(b); i += 8 {
		or |= binary.LittleEndian.Uint64(b[i:])
	}
	or |= binary.LittleEndian.Uint64(b[len(b)-8:]) // the tail, overlapping
	return or&0x8080808080808080 == 0
}
