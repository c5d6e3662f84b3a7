package pyjson

import (
	"errors"
	"fmt"
)

// Errors that encoding and decoding wrap, for errors.Is.
var (
	// ErrSyntax reports text that json.loads refuses.
	ErrSyntax = errors.New("pyjson: invalid JSON")
	// ErrTooDeep reports nesting beyond the configured depth (Python
	// raises RecursionError somewhat below 1000 levels).
	ErrTooDeep = errors.New("pyjson: nesting too deep")
	// ErrIntDigits reports an int of more than 4300 decimal digits, which
	// CPython 3.11 refuses to convert to or from text.
	ErrIntDigits = errors.New("pyjson: int exceeds the limit (4300 digits) for integer string conversion")
	// ErrType reports a value or dict key json.dumps cannot write (Python
	// raises TypeError).
	ErrType = errors.New("pyjson: not JSON serializable")
	// ErrString reports a Go string that is not a Python str: bytes that
	// are neither UTF-8 nor a surrogate in generalised UTF-8.
	ErrString = errors.New("pyjson: string is not valid UTF-8")
)

// maxIntDigits is CPython's default sys.get_int_max_str_digits().
const maxIntDigits = 4300

// SyntaxError is a decoding error with the byte offset where it was found.
type SyntaxError struct {
	// Offset is the byte offset in the input.
	Offset int
	// Msg says what was wrong.
	Msg string
	// Err is the sentinel (ErrSyntax, ErrTooDeep, ErrIntDigits) or the
	// error a Hook returned.
	Err error
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%s at offset %d", e.Msg, e.Offset)
}

// Unwrap returns the underlying sentinel or hook error.
func (e *SyntaxError) Unwrap() error { return e.Err }

func syntaxErr(off int, format string, args ...any) error {
	return &SyntaxError{Offset: off, Msg: "pyjson: " + fmt.Sprintf(format, args...), Err: ErrSyntax}
}
