package pickle

import (
	"errors"
	"fmt"
)

// Errors reported by the decoder and the encoder. They are wrapped in an
// *Error (decoding) or with detail (encoding); test for them with errors.Is.
var (
	// ErrTruncated reports input that ends before the pickle's STOP, or an
	// argument that runs past the end of the input.
	ErrTruncated = errors.New("pickle: data truncated")
	// ErrUnknownOpcode reports a byte that is not an opcode of protocols 0
	// to 5.
	ErrUnknownOpcode = errors.New("pickle: unknown opcode")
	// ErrInvalid reports a pickle that CPython would refuse too: a stack
	// underflow, an argument of the wrong type, text that does not decode.
	ErrInvalid = errors.New("pickle: invalid pickle")
	// ErrLimit reports input beyond one of the configured limits (input
	// size, nesting depth, memo size, container length, stack size).
	ErrLimit = errors.New("pickle: limit exceeded")
	// ErrUnsupported reports a feature that needs something this package
	// does not have: the extension registry (EXT1/2/4), persistent ids or
	// out-of-band buffers without the option that supplies them, a value
	// with no pickle form at the requested protocol.
	ErrUnsupported = errors.New("pickle: unsupported")
	// ErrStrict reports a global outside the known set, refused because
	// DecodeOptions.Strict is set.
	ErrStrict = errors.New("pickle: unknown global refused in strict mode")
)

// Error is a decoding error: where it happened and why. Err is one of the
// sentinel errors of this package.
type Error struct {
	// Offset is the byte offset of the opcode that failed.
	Offset int64
	// Op is the name of that opcode ("BINUNICODE"), or "" when the error is
	// not tied to one.
	Op string
	// Err is the sentinel error (ErrTruncated, ErrInvalid, ...).
	Err error
	// Detail says what was wrong.
	Detail string
}

func (e *Error) Error() string {
	msg := e.Err.Error()
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	if e.Op != "" {
		return fmt.Sprintf("%s (opcode %s at offset %d)", msg, e.Op, e.Offset)
	}
	return fmt.Sprintf("%s (at offset %d)", msg, e.Offset)
}

// Unwrap returns the sentinel error.
func (e *Error) Unwrap() error { return e.Err }
