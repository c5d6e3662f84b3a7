package flasksession

import (
	"errors"
	"fmt"

	"github.com/flaskbridge/flaskbridge/msgspec"
	"github.com/flaskbridge/flaskbridge/pickle"
	"github.com/flaskbridge/flaskbridge/py"
)

// Serializer turns a session dict into the bytes Flask-Session stores and
// back. The zero value writes and reads msgspec MessagePack, falling back
// to JSON and pickle when reading, as Flask-Session 0.7 and 0.8 do.
type Serializer struct {
	// Format is the format written, and the first one tried when reading
	// (zero: FormatMsgpack).
	Format Format
	// PickleOnly reads pickle only, as Flask-Session 0.3 to 0.6 do: a
	// msgspec value is then ErrCorrupt. Without it, reading tries Format,
	// the other msgspec format, then pickle (Flask-Session 0.7+'s order).
	PickleOnly bool
	// PickleProtocol is the protocol FormatPickle writes (zero: 4;
	// pickle.TextProtocol: 0).
	PickleProtocol int
	// MarkupAsStr lets the msgspec formats write markupsafe.Markup as str
	// rather than fail as msgspec does (see msgspec.EncodeOptions).
	MarkupAsStr bool
	// MaxSize bounds the value read, in bytes (zero: DefaultMaxValueSize).
	MaxSize int
	// PickleStrict reads pickle with pickle.DecodeOptions.Strict: a value
	// holding an instance of a class the pickle package does not model is
	// ErrCorrupt (wrapping pickle.ErrStrict); see Options.PickleStrict.
	PickleStrict bool
}

// Encode returns the stored form of d. A stored form over MaxSize is
// ErrSerialize and ErrTooLarge: Decode (and so every later request on the
// Go side) would refuse it, so it is not written.
func (s Serializer) Encode(d *py.Dict) ([]byte, error) {
	var (
		b   []byte
		err error
	)
	switch s.format() {
	case FormatPickle:
		b, err = pickle.EncodeOptions{Protocol: s.protocol()}.Marshal(d)
	case FormatMsgpack:
		b, err = msgspec.EncodeOptions{MarkupAsStr: s.MarkupAsStr}.MarshalMsgpack(d)
	case FormatJSON:
		b, err = msgspec.EncodeOptions{MarkupAsStr: s.MarkupAsStr}.EncodeJSON(d)
	default:
		return nil, fmt.Errorf("%w: unknown format %q", ErrConfig, s.Format)
	}
	if err != nil {
		return nil, fmt.Errorf("%w as %s: %w", ErrSerialize, s.format(), err)
	}
	if max := s.maxSize(); len(b) > max {
		return nil, fmt.Errorf("%w as %s: %w: %d bytes, over the %d byte limit", ErrSerialize, s.format(), ErrTooLarge, len(b), max)
	}
	return b, nil
}

func (s Serializer) maxSize() int {
	if s.MaxSize <= 0 {
		return DefaultMaxValueSize
	}
	return s.MaxSize
}

// Decode reads a stored value and reports the format it was in. A value
// that no format reads, or that is not a dict, is ErrCorrupt; one over
// MaxSize is ErrCorrupt and ErrTooLarge.
func (s Serializer) Decode(data []byte) (*py.Dict, Format, error) {
	max := s.maxSize()
	if len(data) > max {
		return nil, "", fmt.Errorf("%w: %w: value of %d bytes is over the %d byte limit", ErrCorrupt, ErrTooLarge, len(data), max)
	}
	var errs []error
	for _, f := range s.readOrder() {
		v, err := s.decodeAs(f, data, max)
		if err != nil {
			errs = append(errs, fmt.Errorf("as %s: %w", f, err))
			continue
		}
		// The first format that reads the value wins, as in Python; a
		// value that is not a dict then fails to become a session.
		d, ok := asDict(v)
		if !ok {
			return nil, f, fmt.Errorf("%w: %s value is a %s, not a dict", ErrCorrupt, f, py.TypeName(v))
		}
		return d, f, nil
	}
	return nil, "", fmt.Errorf("%w: %w", ErrCorrupt, errors.Join(errs...))
}

func (s Serializer) decodeAs(f Format, data []byte, max int) (py.Value, error) {
	switch f {
	case FormatPickle:
		return pickle.DecodeOptions{MaxInputSize: max, Strict: s.PickleStrict}.Unmarshal(data)
	case FormatMsgpack:
		return msgspec.DecodeOptions{MaxSize: max}.UnmarshalMsgpack(data)
	default:
		return msgspec.DecodeOptions{MaxSize: max}.DecodeJSON(data)
	}
}

func (s Serializer) format() Format {
	if s.Format == "" {
		return FormatMsgpack
	}
	return s.Format
}

func (s Serializer) protocol() int {
	if s.PickleProtocol == 0 {
		return pickle.DefaultProtocol
	}
	return s.PickleProtocol
}

// readOrder is the order formats are tried in.
func (s Serializer) readOrder() []Format {
	if s.PickleOnly {
		return []Format{FormatPickle}
	}
	switch s.format() {
	case FormatJSON:
		return []Format{FormatJSON, FormatMsgpack, FormatPickle}
	case FormatPickle:
		return []Format{FormatPickle, FormatMsgpack, FormatJSON}
	}
	return []Format{FormatMsgpack, FormatJSON, FormatPickle}
}

// asDict returns v as the session dict: a dict, or an OrderedDict's
// entries (Python's dict(session) of it).
func asDict(v py.Value) (*py.Dict, bool) {
	switch d := v.(type) {
	case *py.Dict:
		return d, true
	case *py.OrderedDict:
		return d.Dict.Copy(), true
	}
	return nil, false
}
