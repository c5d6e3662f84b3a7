package filestore

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"

	"github.com/flaskbridge/flaskbridge/pickle"
)

// Header is the form of the expiry at the start of a cache file.
type Header int

// The three headers cachelib's FileSystemCache has written. The expiry is
// an absolute Unix time in seconds; 0 means never.
const (
	// HeaderStruct is struct.pack("I", expiry): 4 bytes, little-endian
	// unsigned (cachelib 0.7 and later).
	HeaderStruct Header = iota
	// HeaderPickleHighest is pickle.dump(expiry, f, HIGHEST_PROTOCOL)
	// (cachelib 0.5 and 0.6).
	HeaderPickleHighest
	// HeaderPickle1 is pickle.dump(expiry, f, 1) (Werkzeug's
	// werkzeug.contrib.cache and cachelib before 0.5).
	HeaderPickle1
)

// String names the header.
func (h Header) String() string {
	switch h {
	case HeaderStruct:
		return "struct"
	case HeaderPickleHighest:
		return "pickle-highest"
	case HeaderPickle1:
		return "pickle-1"
	}
	return "Header(" + strconv.Itoa(int(h)) + ")"
}

// ErrHeader reports a cache file whose header cannot be read.
var ErrHeader = errors.New("filestore: bad cache file header")

// ParseHeader reads the expiry header at the start of a cache file in the
// form h and returns the expiry and the header's length; the pickled value
// follows it.
func ParseHeader(data []byte, h Header) (expiry int64, n int, err error) {
	switch h {
	case HeaderStruct:
		if len(data) < 4 {
			return 0, 0, fmt.Errorf("%w: %d bytes, want 4", ErrHeader, len(data))
		}
		return int64(binary.LittleEndian.Uint32(data)), 4, nil
	case HeaderPickleHighest, HeaderPickle1:
		return parseIntPickle(data, h == HeaderPickle1)
	}
	return 0, 0, fmt.Errorf("%w: unknown header form %d", ErrHeader, int(h))
}

// DetectHeader reads the header of a file whose form is not known: it
// tries first (the form the store writes), then the other two, and takes
// the first that parses and is followed by the start of a pickle of
// protocol 2 or later (what HIGHEST_PROTOCOL has been since Python 2.3).
func DetectHeader(data []byte, first Header) (expiry int64, n int, h Header, err error) {
	order := []Header{first, HeaderStruct, HeaderPickleHighest, HeaderPickle1}
	var firstErr error
	for i, h := range order {
		if i > 0 && h == first {
			continue
		}
		exp, n, err := ParseHeader(data, h)
		if err == nil && (len(data) < n+2 || data[n] != 0x80 || data[n+1] < 2 || data[n+1] > pickle.HighestProtocol) {
			err = fmt.Errorf("%w: no pickle after a %s header", ErrHeader, h)
		}
		if err == nil {
			return exp, n, h, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	return 0, 0, first, firstErr
}

// AppendHeader appends the header h for expiry to dst; protocol is the
// pickle protocol of HeaderPickleHighest.
func AppendHeader(dst []byte, h Header, expiry int64, protocol int) ([]byte, error) {
	switch h {
	case HeaderStruct:
		if expiry < 0 || expiry > math.MaxUint32 {
			// struct.pack("I", ...) raises struct.error: cachelib's set
			// fails.
			return dst, fmt.Errorf("%w: expiry %d does not fit struct \"I\"", ErrHeader, expiry)
		}
		return binary.LittleEndian.AppendUint32(dst, uint32(expiry)), nil
	case HeaderPickleHighest, HeaderPickle1:
		p := protocol
		if h == HeaderPickle1 {
			p = 1
		}
		b, err := pickle.MarshalProtocol(expiry, p)
		if err != nil {
			return dst, fmt.Errorf("%w: %w", ErrHeader, err)
		}
		return append(dst, b...), nil
	}
	return dst, fmt.Errorf("%w: unknown header form %d", ErrHeader, int(h))
}

// parseIntPickle reads the pickle of one int, as pickle.dump writes it at
// protocol 1 (proto1) or 2 to 5, and returns it with the pickle's length.
// Only the opcodes pickle uses for an int are accepted.
func parseIntPickle(data []byte, proto1 bool) (int64, int, error) {
	i := 0
	bad := func(format string, args ...any) (int64, int, error) {
		return 0, 0, fmt.Errorf("%w: at offset %d: %s", ErrHeader, i, fmt.Sprintf(format, args...))
	}
	need := func(n int) bool { return len(data)-i >= n }
	frameStart, frameSize := -1, uint64(0)
	if !proto1 {
		if !need(2) || data[0] != 0x80 {
			return bad("no PROTO opcode")
		}
		if data[1] < 2 || data[1] > pickle.HighestProtocol {
			return bad("protocol %d", data[1])
		}
		i = 2
		if need(1) && data[i] == 0x95 { // FRAME
			if !need(9) {
				return bad("truncated FRAME")
			}
			frameSize = binary.LittleEndian.Uint64(data[i+1:])
			i += 9
			frameStart = i
			if frameSize > uint64(len(data)-i) || frameSize > 64 {
				return bad("FRAME of %d bytes", frameSize)
			}
		}
	}
	if !need(1) {
		return bad("truncated")
	}
	op := data[i]
	i++
	var v int64
	switch op {
	case 'K': // BININT1
		if !need(1) {
			return bad("truncated BININT1")
		}
		v = int64(data[i])
		i++
	case 'M': // BININT2
		if !need(2) {
			return bad("truncated BININT2")
		}
		v = int64(binary.LittleEndian.Uint16(data[i:]))
		i += 2
	case 'J': // BININT
		if !need(4) {
			return bad("truncated BININT")
		}
		v = int64(int32(binary.LittleEndian.Uint32(data[i:])))
		i += 4
	case 'L': // LONG: repr(int) + "L\n", protocol 1's form beyond 32 bits
		if !proto1 {
			return bad("LONG opcode in a protocol 2+ pickle")
		}
		end := i
		for end < len(data) && data[end] != '\n' && end-i < 24 {
			end++
		}
		if end >= len(data) || data[end] != '\n' {
			return bad("unterminated LONG")
		}
		n, ok := canonicalLong(data[i:end])
		if !ok {
			return bad("LONG %q is not what pickle writes", data[i:end])
		}
		v = n
		i = end + 1
	case 0x8a: // LONG1
		if proto1 || !need(1) {
			return bad("LONG1")
		}
		n := int(data[i])
		i++
		if n > 8 || !need(n) {
			return bad("LONG1 of %d bytes", n)
		}
		v = longLE(data[i : i+n])
		i += n
	case 0x88, 0x89: // NEWTRUE, NEWFALSE: bool is an int
		if proto1 {
			return bad("opcode 0x%02x", op)
		}
		if op == 0x88 {
			v = 1
		}
	default:
		return bad("opcode 0x%02x is not an int", op)
	}
	if !need(1) || data[i] != '.' {
		return bad("no STOP after the int")
	}
	i++
	if frameStart >= 0 && uint64(i-frameStart) != frameSize {
		// pickle.dump frames the whole int pickle, and nothing else.
		return bad("FRAME of %d bytes around a %d byte int pickle", frameSize, i-frameStart)
	}
	return v, i, nil
}

// canonicalLong reads the text pickle writes for a LONG: an optional "-",
// decimal digits without leading zeros, and "L".
func canonicalLong(b []byte) (int64, bool) {
	if len(b) < 2 || b[len(b)-1] != 'L' {
		return 0, false
	}
	digits := b[:len(b)-1]
	if digits[0] == '-' {
		digits = digits[1:]
	}
	if len(digits) == 0 || (digits[0] == '0' && len(digits) > 1) {
		return 0, false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(string(b[:len(b)-1]), 10, 64)
	return n, err == nil
}

// longLE is the little-endian two's complement integer of b (at most 8
// bytes).
func longLE(b []byte) int64 {
	if len(b) == 0 {
		return 0
	}
	n := new(big.Int)
	be := make([]byte, len(b))
	for i := range b {
		be[len(b)-1-i] = b[i]
	}
	n.SetBytes(be)
	if b[len(b)-1]&0x80 != 0 {
		n.Sub(n, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
	}
	if !n.IsInt64() {
		return math.MaxInt64
	}
	return n.Int64()
}
