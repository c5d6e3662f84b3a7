// Package ascii tells whether text is all ASCII, a word at a time, for
// the encoders' and decoders' fast paths (an ASCII str needs no UTF-8
// check and has as many characters as bytes), and copies it while it
// checks.
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

// Copy copies s into dst, which must hold at least len(s) bytes, and
// reports whether s is all ASCII. It checks the bytes as it copies them, a
// word at a time (the last word overlapping the one before), without a
// call to memmove: for the short strs of a session, one pass instead of a
// check and a copy. dst holds the bytes of s either way.
func Copy(dst []byte, s string) bool {
	n := len(s)
	if n == 0 {
		return true
	}
	_ = dst[n-1]
	p, q := unsafe.Pointer(unsafe.StringData(s)), unsafe.Pointer(&dst[0])
	var or uint64
	switch {
	case n >= 8:
		for i := 0; i < n-8; i += 8 {
			w := binary.LittleEndian.Uint64((*[8]byte)(unsafe.Add(p, i))[:])
			or |= w
			binary.LittleEndian.PutUint64((*[8]byte)(unsafe.Add(q, i))[:], w)
		}
		w := binary.LittleEndian.Uint64((*[8]byte)(unsafe.Add(p, n-8))[:])
		or |= w
		binary.LittleEndian.PutUint64((*[8]byte)(unsafe.Add(q, n-8))[:], w)
	case n >= 4:
		w1 := binary.LittleEndian.Uint32((*[4]byte)(p)[:])
		w2 := binary.LittleEndian.Uint32((*[4]byte)(unsafe.Add(p, n-4))[:])
		or = uint64(w1 | w2)
		binary.LittleEndian.PutUint32((*[4]byte)(q)[:], w1)
		binary.LittleEndian.PutUint32((*[4]byte)(unsafe.Add(q, n-4))[:], w2)
	default:
		for i := range n {
			c := s[i]
			or |= uint64(c)
			dst[i] = c
		}
	}
	return or&0x8080808080808080 == 0
}
