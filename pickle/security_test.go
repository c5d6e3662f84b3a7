package pickle

import (
	"errors"
	"strings"
	"testing"

	"github.com/flaskbridge/flaskbridge/py"
)

// TestSecurityGlobalNames: a class or function name holding a newline
// would smuggle opcodes into the newline-terminated GLOBAL of protocols 0
// to 3 and into INST (a protocol 3 pickle of the first name below would
// run os.system when Python loads it); the encoder refuses it there with
// ErrUnsupported, as CPython never writes such a name, and writes it at
// protocols 4 and 5 as the length-prefixed strings of STACK_GLOBAL, which
// read back as the same name. A name outside ASCII is refused below
// protocol 3, as CPython refuses it, and written from protocol 3 on.
func TestSecurityGlobalNames(t *testing.T) {
	accented := py.Global{Module: "café", Name: "Crème"}
	for proto := 0; proto <= HighestProtocol; proto++ {
		data, err := EncodeOptions{Protocol: protoOption(proto)}.Marshal(accented)
		if proto < 3 {
			if !errors.Is(err, ErrUnsupported) {
				t.Errorf("%v at protocol %d: %q, %v; want ErrUnsupported", accented, proto, data, err)
			}
			continue
		}
		if back, err := Unmarshal(data); err != nil || back != accented {
			t.Errorf("%v at protocol %d: %q reads as %v, %v", accented, proto, data, back, err)
		}
	}
	for _, g := range []py.Global{
		{Module: "os\nsystem\n(S'echo pwned'\ntR.", Name: "x"},
		{Module: "app", Name: "User\nc"},
	} {
		for proto := 0; proto <= HighestProtocol; proto++ {
			data, err := EncodeOptions{Protocol: protoOption(proto)}.Marshal(g)
			if proto < 4 {
				if !errors.Is(err, ErrUnsupported) {
					t.Errorf("protocol %d: %q, %v; want ErrUnsupported", proto, data, err)
				}
				continue
			}
			if err != nil {
				t.Fatalf("protocol %d: %v", proto, err)
			}
			back, err := Unmarshal(data)
			if err != nil || back != g {
				t.Errorf("protocol %d: %q reads as %v, %v", proto, data, back, err)
			}
		}
		inst := &py.Object{Kind: py.ObjectInst, Callable: g}
		for proto := 0; proto <= HighestProtocol; proto++ {
			if data, err := (EncodeOptions{Protocol: protoOption(proto)}).Marshal(inst); !errors.Is(err, ErrUnsupported) {
				t.Errorf("INST at protocol %d: %q, %v; want ErrUnsupported", proto, data, err)
			}
		}
	}
}

// TestPython2NamesAsGlobals: a global read from a protocol 3+ pickle under
// a Python 2 name (__builtin__.set: opaque data, since Python 3 has no such
// module) has no form at protocols 0 to 2, whose readers would map it to
// builtins.set and call the real set: ErrUnsupported there, and a round
// trip from protocol 3 on. A Python 3 name that CPython maps lossily is
// still written as CPython writes it.
func TestPython2NamesAsGlobals(t *testing.T) {
	g := py.Global{Module: "__builtin__", Name: "set"}
	inst := &py.Object{Kind: py.ObjectInst, Callable: py.Global{Module: "copy_reg", Name: "Thing"}, Args: py.Tuple{int64(1)}}
	for _, v := range []py.Value{g, inst, py.NewList(g)} {
		for proto := 0; proto <= HighestProtocol; proto++ {
			data, err := EncodeOptions{Protocol: protoOption(proto)}.Marshal(v)
			if proto < 3 {
				if !errors.Is(err, ErrUnsupported) {
					t.Errorf("%s at protocol %d: %q, %v; want ErrUnsupported", py.Repr(v), proto, data, err)
				}
				continue
			}
			if err != nil {
				t.Errorf("%s at protocol %d: %v", py.Repr(v), proto, err)
				continue
			}
			if back, err := Unmarshal(data); err != nil || py.Repr(back) != py.Repr(v) {
				t.Errorf("%s at protocol %d reads back as %v, %v", py.Repr(v), proto, back, err)
			}
		}
	}
	data, err := EncodeOptions{Protocol: 2}.Marshal(py.Global{Module: "builtins", Name: "FileNotFoundError"})
	if err != nil || !strings.Contains(string(data), "cexceptions\nOSError\n") {
		t.Errorf("builtins.FileNotFoundError at protocol 2: %q, %v; want CPython's exceptions.OSError", data, err)
	}
}
