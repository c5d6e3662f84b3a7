package pickle

import (
	"errors"
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
