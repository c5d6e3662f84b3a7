package pickle

import (
	"fmt"

	"github.com/flaskbridge/flaskbridge/py"
)

// Protocol numbers, as in CPython's pickle module.
const (
	// DefaultProtocol is what pickle.dumps writes when no protocol is given
	// (Python 3.8 and later).
	DefaultProtocol = 4
	// HighestProtocol is the newest protocol.
	HighestProtocol = 5
	// TextProtocol asks EncodeOptions for protocol 0, the text protocol,
	// since a zero Protocol means DefaultProtocol.
	TextProtocol = -1
)

// Default limits of DecodeOptions.
const (
	DefaultMaxInputSize    = 64 << 20
	DefaultMaxDepth        = 10_000
	DefaultMaxMemo         = 1 << 20
	DefaultMaxContainerLen = 1 << 24
	DefaultMaxStack        = 1 << 20
	// MaxDepthCeiling is the most a MaxDepth setting may allow (a larger
	// one counts as this): the encoder and parts of the decoder recurse
	// once per level, and deeper nesting could exhaust the goroutine's
	// stack, which Go does not recover from.
	MaxDepthCeiling = 100_000
)

// DecodeOptions configures decoding. The zero value decodes as Python 3's
// pickle.loads(data) does with its defaults, within safe limits.
type DecodeOptions struct {
	// Strict refuses any global outside the classes and functions this
	// package turns into py values (datetime, uuid.UUID, decimal.Decimal,
	// collections.OrderedDict, set, frozenset, bytearray, markupsafe.Markup
	// and the helpers pickle itself uses), with ErrStrict. Without it an
	// unknown global decodes into py.Global and the objects it builds into
	// *py.Object, as data; nothing is ever imported or called.
	Strict bool
	// Encoding is how Python 2 str objects (STRING, BINSTRING,
	// SHORT_BINSTRING) are decoded, as pickle.loads' encoding argument:
	// "ASCII" (the default), "latin1", "utf-8", or "bytes" to keep them as
	// py.Bytes.
	Encoding string
	// Persistent resolves a persistent id (PERSID, BINPERSID), as
	// Unpickler.persistent_load does. Without it such pickles are refused
	// with ErrUnsupported. It may be called more than once for one id
	// (the decoder reads a pickle twice when it shares datetime-like
	// values).
	Persistent func(pid py.Value) (py.Value, error)
	// Buffers are the out-of-band buffers of a protocol 5 pickle, consumed
	// in order by NEXT_BUFFER, as pickle.loads' buffers argument. A buffer
	// decodes as a *py.ByteArray, or as py.Bytes after READONLY_BUFFER.
	// Without them NEXT_BUFFER is refused with ErrUnsupported.
	Buffers [][]byte

	// MaxInputSize bounds the size of one pickle in bytes (default
	// DefaultMaxInputSize).
	MaxInputSize int
	// MaxDepth bounds the nesting of containers (default DefaultMaxDepth,
	// at most MaxDepthCeiling).
	MaxDepth int
	// MaxMemo bounds the number of memo entries and the memo index
	// (default DefaultMaxMemo).
	MaxMemo int
	// MaxContainerLen bounds the number of items of one list, tuple, dict
	// or set (default DefaultMaxContainerLen).
	MaxContainerLen int
	// MaxStack bounds the unpickling stack (default DefaultMaxStack).
	MaxStack int
}

type strEncoding uint8

const (
	encASCII strEncoding = iota
	encLatin1
	encUTF8
	encBytes
)

// limits are the resolved options of one decode.
type limits struct {
	maxInput, maxDepth, maxMemo, maxLen, maxStack int
	enc                                           strEncoding
}

func (o *DecodeOptions) resolve() (limits, error) {
	l := limits{
		maxInput: orDefault(o.MaxInputSize, DefaultMaxInputSize),
		maxDepth: min(orDefault(o.MaxDepth, DefaultMaxDepth), MaxDepthCeiling),
		maxMemo:  orDefault(o.MaxMemo, DefaultMaxMemo),
		maxLen:   orDefault(o.MaxContainerLen, DefaultMaxContainerLen),
		maxStack: orDefault(o.MaxStack, DefaultMaxStack),
	}
	if o.Encoding == "" {
		return l, nil
	}
	name := make([]byte, 0, len(o.Encoding))
	for i := 0; i < len(o.Encoding); i++ {
		c := o.Encoding[i]
		switch {
		case c == '-' || c == '_' || c == ' ':
		case c >= 'A' && c <= 'Z':
			name = append(name, c+'a'-'A')
		default:
			name = append(name, c)
		}
	}
	switch string(name) {
	case "", "ascii", "usascii", "646":
		l.enc = encASCII
	case "latin1", "latin", "iso88591", "l1", "8859", "cp819":
		l.enc = encLatin1
	case "utf8", "u8", "utf":
		l.enc = encUTF8
	case "bytes":
		l.enc = encBytes
	default:
		return l, fmt.Errorf("%w: encoding %q (want ASCII, latin1, utf-8 or bytes)", ErrUnsupported, o.Encoding)
	}
	return l, nil
}

func orDefault(v, def int) int {
	if v <= 0 {
		return def
	}
	return v
}

// EncodeOptions configures encoding. The zero value writes what
// pickle.dumps(value) writes: protocol 4.
type EncodeOptions struct {
	// Protocol is the protocol to write, 1 to 5; zero means
	// DefaultProtocol, TextProtocol means protocol 0, and any other
	// negative value HighestProtocol, as in Python.
	Protocol int
	// MaxDepth bounds the nesting of the value (default DefaultMaxDepth,
	// at most MaxDepthCeiling); CPython itself stops at about 1000 levels
	// (RecursionError).
	MaxDepth int
}

func (o *EncodeOptions) protocol() (int, error) {
	switch p := o.Protocol; {
	case p == 0:
		return DefaultProtocol, nil
	case p == TextProtocol:
		return 0, nil
	case p < 0:
		return HighestProtocol, nil
	case p > HighestProtocol:
		return 0, fmt.Errorf("%w: pickle protocol must be <= %d, not %d", ErrUnsupported, HighestProtocol, p)
	default:
		return p, nil
	}
}
