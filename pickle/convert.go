package pickle

import (
	"fmt"
	"reflect"

	"github.com/flaskbridge/flaskbridge/py"
)

// toModel converts a Go value outside the py model (maps, slices, structs
// with `py` tags, time.Time, ...) with py.ValueOf.
func toModel(v any) (py.Value, error) {
	m, err := py.ValueOf(v)
	if err != nil {
		return nil, err
	}
	if reflect.TypeOf(m) == reflect.TypeOf(v) {
		return nil, fmt.Errorf("cannot convert Go %T", v)
	}
	return m, nil
}
