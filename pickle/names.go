package pickle

import (
	"fmt"
	"strings"
)

// checkLineName refuses a module or class name holding a newline where an
// opcode ends the name at a newline (GLOBAL, INST): the rest of the name
// would be read as opcodes. CPython never writes one, as it looks the
// name up before writing it.
func checkLineName(module, name string, proto int) error {
	if strings.IndexByte(module, '\n') >= 0 || strings.IndexByte(name, '\n') >= 0 {
		return fmt.Errorf("%w: can't pickle global identifier %q using pickle protocol %d: a newline would end it", ErrUnsupported, module+"."+name, proto)
	}
	return nil
}
