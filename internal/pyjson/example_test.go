package pyjson_test

import (
	"fmt"

	"github.com/flaskbridge/flaskbridge/internal/pyjson"
	"github.com/flaskbridge/flaskbridge/py"
)

// Marshal writes what Python's json.dumps(v, sort_keys=True) writes:
// keys sorted, non-ASCII escaped, floats in repr form.
func ExampleMarshal() {
	d := py.DictOf("name", "Zoë", "id", int64(42), "ratio", 1e16, "tags", py.Tuple{"a", "b"})
	out, err := pyjson.Marshal(d, pyjson.EncodeOptions{})
	if err != nil {
		panic(err)
	}
	fmt.Println(string(out))
	// Output:
	// {"id": 42, "name": "Zo\u00eb", "ratio": 1e+16, "tags": ["a", "b"]}
}

// Unmarshal reads JSON as json.loads does: exact ints, NaN, and the first
// position with the last value of a duplicate key.
func ExampleUnmarshal() {
	v, err := pyjson.Unmarshal([]byte(`{"a": 1, "big": 123456789012345678901234567890, "x": NaN, "a": 2}`), pyjson.DecodeOptions{})
	if err != nil {
		panic(err)
	}
	fmt.Println(py.Repr(v))
	_, err = pyjson.Unmarshal([]byte(`{"a": 1,}`), pyjson.DecodeOptions{})
	fmt.Println(err)
	// Output:
	// {'a': 2, 'big': 123456789012345678901234567890, 'x': nan}
	// pyjson: expecting property name enclosed in double quotes at offset 8
}
