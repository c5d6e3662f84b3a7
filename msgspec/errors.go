package msgspec

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/flaskbridge/flaskbridge/py"
)

// Errors of the encoders. An *EncodeError wraps one of them with the path
// of the value that failed; match them with errors.Is.
var (
	// ErrUnsupported reports a value msgspec cannot encode (Python raises
	// TypeError "Encoding objects of type X is unsupported"): a class or
	// function (py.Global), an instance of an unknown class (*py.Object),
	// a datetime.timezone, a Go value that py.ValueOf does not convert.
	ErrUnsupported = errors.New("msgspec: unsupported type")

	// ErrMarkup reports a markupsafe.Markup value. msgspec encodes only
	// exact str values, so a Markup (a str subclass) in a session makes
	// Flask-Session fail to save it; EncodeOptions.MarkupAsStr writes it as
	// a plain str instead. Markup dict keys are always written as str, as
	// msgspec does.
	ErrMarkup = errors.New("msgspec: markupsafe.Markup is a str subclass, which msgspec refuses")

	// ErrIntRange reports an int msgpack cannot hold (below -2**63 or above
	// 2**64-1; Python raises OverflowError), or an int of more than 4300
	// digits in JSON (Python's limit on int to str conversion).
	ErrIntRange = errors.New("msgspec: int out of range")

	// ErrKeyType reports a dict key that msgspec.json refuses (None, bool,
	// tuple, frozenset, ...): "Only dicts with str-like or number-like keys
	// are supported".
	ErrKeyType = errors.New("msgspec: dict key type not supported")

	// ErrInvalidString reports a str that is not valid UTF-8, such as one
	// holding a lone surrogate (Python raises UnicodeEncodeError).
	ErrInvalidString = errors.New("msgspec: str is not valid UTF-8")

	// ErrRange reports a datetime that cannot be converted to UTC within
	// years 1..9999 (Python raises OverflowError), or a value outside the
	// range of its Python type.
	ErrRange = errors.New("msgspec: value out of range")
)

// Errors of the decoders. A *DecodeError wraps one of them with the byte
// offset of the problem; match them with errors.Is.
var (
	// ErrSyntax reports input that is not valid MessagePack or JSON, or
	// that msgspec rejects (a bad timestamp, invalid UTF-8 in a str).
	ErrSyntax = errors.New("msgspec: malformed input")

	// ErrTruncated reports input that ends inside a value.
	ErrTruncated = errors.New("msgspec: input data was truncated")

	// ErrUnhashableKey reports a map key Python cannot use as a dict key
	// (a map, or an ext other than a timestamp).
	ErrUnhashableKey = errors.New("msgspec: map keys must be hashable")

	// ErrLimit reports input over a limit of DecodeOptions (size, depth,
	// number of values), or a value nested deeper than
	// EncodeOptions.MaxDepth.
	ErrLimit = errors.New("msgspec: limit exceeded")
)

// EncodeError is the error of an encoder: which value failed and why.
type EncodeError struct {
	// Path locates the value as Python subscripts from the top-level
	// value, such as `['cart'][3]['price']`; empty for the top-level value.
	// A set item is shown by its position in the set's order.
	Path string
	// InKey is true when the dict key at the end of Path failed, not its
	// value.
	InKey bool
	// Type is the Python type name of the value that failed (py.TypeName).
	Type string
	// Err is one of the sentinel errors, possibly wrapped with detail.
	Err error
}

func (e *EncodeError) Error() string {
	path := e.Path
	if len(path) > 200 {
		path = "..." + path[len(path)-197:]
	}
	where := ""
	switch {
	case e.InKey:
		where = " in the key " + path
	case path != "":
		where = " at " + path
	}
	return fmt.Sprintf("%v (%s%s)", e.Err, e.Type, where)
}

// Unwrap returns the sentinel error.
func (e *EncodeError) Unwrap() error { return e.Err }

// DecodeError is the error of a decoder: where the input is wrong and why.
type DecodeError struct {
	// Format is "msgpack" or "JSON".
	Format string
	// Offset is the byte offset in the input at which the problem was
	// found.
	Offset int
	// Err is one of the sentinel errors, possibly wrapped with detail.
	Err error
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("%v (%s, byte %d)", e.Err, e.Format, e.Offset)
}

// Unwrap returns the sentinel error.
func (e *DecodeError) Unwrap() error { return e.Err }

// pathError accumulates the path of an encoding error while the encoder
// unwinds; the path elements are collected innermost first.
type pathError struct {
	elems []string
	inKey bool
	typ   string
	err   error
}

func (p *pathError) Error() string { return p.err.Error() }

func newPathError(v any, err error) error {
	return &pathError{typ: py.TypeName(v), err: err}
}

// withIndex adds a list position to the path of err.
func withIndex(err error, i int) error {
	if p, ok := err.(*pathError); ok {
		p.elems = append(p.elems, "["+strconv.Itoa(i)+"]")
	}
	return err
}

// withKey adds the dict key whose value failed to the path of err.
func withKey(err error, key any) error {
	if p, ok := err.(*pathError); ok {
		p.elems = append(p.elems, "["+keyText(key)+"]")
	}
	return err
}

// withKeyOf marks err as raised by a dict key; the key names itself, so
// the path inside it is dropped.
func withKeyOf(err error, key any) error {
	if p, ok := err.(*pathError); ok {
		p.elems = append(p.elems[:0], "["+keyText(key)+"]")
		p.inKey = true
	}
	return err
}

// keyText shows a dict key in an error path: its Python repr, shortened.
func keyText(key any) string {
	s := py.Repr(key)
	if len(s) > 60 {
		s = s[:57] + "..."
	}
	return s
}

func finishEncodeError(err error) error {
	p, ok := err.(*pathError)
	if !ok {
		return err
	}
	var b strings.Builder
	for i := len(p.elems) - 1; i >= 0; i-- {
		b.WriteString(p.elems[i])
	}
	return &EncodeError{Path: b.String(), InKey: p.inKey, Type: p.typ, Err: p.err}
}
