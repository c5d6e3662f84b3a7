package pickle

import (
	"fmt"
	"slices"
	"time"

	"github.com/flaskbridge/flaskbridge/py"
)

// toModel converts the common Go values outside the py model: maps with
// string keys (in sorted key order), slices, time.Time (an aware
// datetime) and time.Duration (a timedelta).
func toModel(v any) (py.Value, error) {
	switch x := v.(type) {
	case map[string]any:
		return stringMap(x), nil
	case map[string]string:
		return stringMap(x), nil
	case []any:
		return py.NewList(x...), nil
	case []string:
		l := make([]py.Value, len(x))
		for i, s := range x {
			l[i] = s
		}
		return py.NewList(l...), nil
	case []int:
		l := make([]py.Value, len(x))
		for i, n := range x {
			l[i] = int64(n)
		}
		return py.NewList(l...), nil
	case time.Time:
		return py.DateTimeOf(x), nil
	case time.Duration:
		return py.TimeDeltaOf(x), nil
	}
	return nil, fmt.Errorf("cannot convert Go %T", v)
}

func stringMap[V any](m map[string]V) *py.Dict {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	d := py.NewDict(len(keys))
	for _, k := range keys {
		d.Append(k, m[k])
	}
	return d
}
