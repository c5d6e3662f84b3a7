package pickle

import (
	"fmt"
	"time"

	"github.com/flaskbridge/flaskbridge/py"
)

// toModel converts a Go value outside the py model.
func toModel(v any) (py.Value, error) {
	switch x := v.(type) {
	case map[string]any:
		d := py.NewDict(len(x))
		for k, val := range x {
			d.Set(k, val)
		}
		return d, nil
	case []any:
		return py.NewList(x...), nil
	case time.Time:
		return py.DateTimeOf(x), nil
	}
	return nil, fmt.Errorf("cannot convert Go %T", v)
}
