package main

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/flaskbridge/flaskbridge/flaskcookie"
	"github.com/flaskbridge/flaskbridge/msgspec"
	"github.com/flaskbridge/flaskbridge/pickle"
	"github.com/flaskbridge/flaskbridge/py"
)

// The convert command: one value from one format to another.

func convertCommand() *command {
	return &command{
		name:     "convert",
		summary:  "convert a value between repr, tagged JSON, JSON, pickle and msgpack",
		synopsis: "--from FORMAT --to FORMAT [--hex | --base64] [--strict] < INPUT > OUTPUT",
		about: `Reads one value from stdin in the --from format and writes it to stdout in the
--to format. Nothing in the input is ever run: a pickle that would call a
function (os.system, say) decodes to an inert object that prints as
<reduce posix.system('...')>, or is refused with --strict.

Formats:
  repr          a Python literal, as repr() prints it (objects of unknown
                classes print as <object ...> or <reduce ...>, which cannot
                be read back)
  tagged        Flask's tagged JSON, the text of a session cookie
  json          Flask's app.json (plain JSON: no bytes, tuples become lists)
  pickle[:N]    a pickle, protocols 0 to 5 (binary)
  msgpack       MessagePack as msgspec writes it, Flask-Session 0.7+ (binary)
  msgspec-json  JSON as msgspec writes it, Flask-Session's 'json' format

--to pickle writes protocol 4, except from a pickle, where it writes the
protocol of the input: a pickle CPython wrote comes out byte for byte as it
went in. --to pickle:N picks the protocol.

Text formats are written with a trailing newline. Binary formats are read
and written as raw bytes, or as hex or base64 text with --hex or --base64
(which then apply to both sides; whitespace in the input is ignored, and
base64 may use either alphabet, with or without padding).`,
		example: `  flaskbridge convert --from pickle --to repr < session.pickle
  redis-cli --raw GET session:abc | flaskbridge convert --from pickle --to repr --strict
  echo "{'cart': (1, 2)}" | flaskbridge convert --from repr --to pickle:2 --hex
  flaskbridge convert --from pickle --to msgpack --base64 < pickle.b64`,
		run: runConvert,
	}
}

// convertOptions are the flags that tune the formats.
type convertOptions struct {
	strict      bool
	encoding    string
	markupAsStr bool
	protocol    int // the pickle protocol to write, or -1 for the default
	inProtocol  int // the protocol of a pickle read, or -1
}

type format struct {
	binary bool
	decode func(o *convertOptions, data []byte) (py.Value, error)
	encode func(o *convertOptions, v py.Value) ([]byte, error)
}

// formats returns the formats convert reads and writes, by name.
func formats() map[string]format {
	return map[string]format{
		"repr": {
			decode: func(_ *convertOptions, b []byte) (py.Value, error) { return py.ParseLiteral(string(b)) },
			encode: func(_ *convertOptions, v py.Value) ([]byte, error) { return py.AppendRepr(nil, v), nil },
		},
		"tagged": {
			decode: func(_ *convertOptions, b []byte) (py.Value, error) { return flaskcookie.UnmarshalTagged(b) },
			encode: func(_ *convertOptions, v py.Value) ([]byte, error) { return flaskcookie.MarshalTagged(v) },
		},
		"json": {
			decode: func(_ *convertOptions, b []byte) (py.Value, error) { return flaskcookie.UnmarshalJSON(b) },
			encode: func(_ *convertOptions, v py.Value) ([]byte, error) { return flaskcookie.MarshalJSON(v) },
		},
		"pickle": {
			binary: true,
			decode: func(o *convertOptions, b []byte) (py.Value, error) {
				v, proto, err := pickle.DecodeOptions{Strict: o.strict, Encoding: o.encoding}.UnmarshalProtocol(b)
				o.inProtocol = proto
				return v, err
			},
			encode: func(o *convertOptions, v py.Value) ([]byte, error) {
				proto := o.protocol
				if proto < 0 {
					proto = o.inProtocol
				}
				if proto < 0 {
					proto = pickle.DefaultProtocol
				}
				return pickle.MarshalProtocol(v, proto)
			},
		},
		"msgpack": {
			binary: true,
			decode: func(_ *convertOptions, b []byte) (py.Value, error) { return msgspec.UnmarshalMsgpack(b) },
			encode: func(o *convertOptions, v py.Value) ([]byte, error) {
				return msgspec.EncodeOptions{MarkupAsStr: o.markupAsStr}.MarshalMsgpack(v)
			},
		},
		"msgspec-json": {
			decode: func(_ *convertOptions, b []byte) (py.Value, error) { return msgspec.DecodeJSON(b) },
			encode: func(o *convertOptions, v py.Value) ([]byte, error) {
				return msgspec.EncodeOptions{MarkupAsStr: o.markupAsStr}.EncodeJSON(v)
			},
		},
	}
}

const formatNames = "repr, tagged, json, pickle, msgpack or msgspec-json"

func runConvert(e *env, c *command, args []string) error {
	fs := newFlagSet(c)
	from := fs.String("from", "", "the input `FORMAT`: "+formatNames)
	to := fs.String("to", "", "the output `FORMAT`: "+formatNames+";\npickle:N writes protocol N (0 to 5)")
	hexFlag := fs.Bool("hex", false, "read and write the binary formats as hex text")
	b64Flag := fs.Bool("base64", false, "read and write the binary formats as base64 text")
	strict := fs.Bool("strict", false, "refuse a pickle that names a class or function outside the known\nset (datetime, UUID, Decimal, OrderedDict, Markup...) instead of\nkeeping it as inert data")
	encoding := fs.String("pickle-encoding", "ASCII", "how to read the str of a Python 2 pickle: `ENCODING` ASCII, latin1,\nutf-8, or bytes to keep them as bytes (pickle.loads' encoding)")
	markup := fs.Bool("markup-as-str", false, "write Markup as a plain str in msgpack and msgspec-json, where\nmsgspec (and so Flask-Session) refuses it")
	pos, err := e.parse(c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErrorf("unexpected argument %q: the input is read from stdin", pos[0])
	}
	switch {
	case *from == "":
		return usageErrorf("missing --from (%s)", formatNames)
	case *to == "":
		return usageErrorf("missing --to (%s)", formatNames)
	case *hexFlag && *b64Flag:
		return usageErrorf("give --hex or --base64, not both")
	}
	o := &convertOptions{strict: *strict, encoding: *encoding, markupAsStr: *markup, protocol: -1, inProtocol: -1}
	table := formats()
	in, ok := table[*from]
	if !ok {
		return usageErrorf("unknown --from %q: %s", *from, formatNames)
	}
	toName, proto, hasProto := strings.Cut(*to, ":")
	out, ok := table[toName]
	if !ok || (hasProto && toName != "pickle") {
		return usageErrorf("unknown --to %q: %s", *to, formatNames)
	}
	if hasProto {
		n, err := strconv.Atoi(proto)
		if err != nil || n < 0 || n > pickle.HighestProtocol {
			return usageErrorf("bad pickle protocol %q in --to: 0 to %d", proto, pickle.HighestProtocol)
		}
		o.protocol = n
	}
	if (*hexFlag || *b64Flag) && !in.binary && !out.binary {
		return usageErrorf("--hex and --base64 apply to pickle and msgpack, and neither is in use")
	}
	if _, err := (pickle.DecodeOptions{Encoding: *encoding}).Unmarshal([]byte("N.")); err != nil {
		return usageErrorf("bad --pickle-encoding %q: ASCII, latin1, utf-8 or bytes", *encoding)
	}

	data, err := readInput(e.stdin, maxInput)
	if err != nil {
		return err
	}
	if in.binary {
		switch {
		case *hexFlag:
			data, err = decodeHex(data)
		case *b64Flag:
			data, err = decodeBase64(data)
		}
		if err != nil {
			return inputError("invalid input", err)
		}
	}
	v, err := in.decode(o, data)
	if err != nil {
		return inputError("invalid "+*from, err)
	}
	b, err := out.encode(o, v)
	if err != nil {
		return inputError("cannot write "+toName, err)
	}
	switch {
	case !out.binary:
		return writeLine(e.stdout, b)
	case *hexFlag:
		return writeLine(e.stdout, []byte(hex.EncodeToString(b)))
	case *b64Flag:
		return writeLine(e.stdout, []byte(base64.StdEncoding.EncodeToString(b)))
	}
	_, err = e.stdout.Write(b)
	return err
}

// stripSpace removes all ASCII whitespace from b.
func stripSpace(b []byte) []byte {
	return bytes.Join(bytes.Fields(b), nil)
}

func decodeHex(b []byte) ([]byte, error) {
	b = stripSpace(b)
	out := make([]byte, hex.DecodedLen(len(b)))
	if _, err := hex.Decode(out, b); err != nil {
		return nil, fmt.Errorf("not hexadecimal: %w", err)
	}
	return out, nil
}

func decodeBase64(b []byte) ([]byte, error) {
	b = stripSpace(b)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		out := make([]byte, enc.DecodedLen(len(b)))
		if n, err := enc.Decode(out, b); err == nil {
			return out[:n], nil
		}
	}
	return nil, errors.New("not base64")
}
