package pickle

import "github.com/flaskbridge/flaskbridge/py"

// noteCopy is called when GET or DUP pushes one more reference to v. The
// running depth count fixes the depth of a container when it is memoized
// or copied, but a mutable container can still grow afterwards (CPython
// memoizes a list before it appends the items), and then the depths
// recorded for its memo entry, its copies and what holds them are too
// small. So once such a container is read back, the value is measured
// whole at STOP (checkDepth). Pickles that share no list, dict, set or
// object, as most do, never pay for it.
func (d *decoder) noteCopy(v py.Value) {
	switch v.(type) {
	case *py.List, *py.Dict, *py.OrderedDict, *py.Set, *py.Object:
		d.stale = true
	}
}
