package pickle

import (
	"testing"

	"github.com/flaskbridge/flaskbridge/py"
)

// TestGoldenRepr compares py.Repr of every decoded golden value with
// CPython 3.11's repr of pickle.loads of the same bytes.
func TestGoldenRepr(t *testing.T) {
	fails := 0
	for _, v := range loadVectors(t) {
		if v.Repr == "" || opaqueVectors[v.Name] || v.Name == "str_set" || v.Name == "globals" {
			continue
		}
		val, err := DecodeOptions{Encoding: v.Encoding}.Unmarshal(v.data())
		if err != nil {
			t.Fatalf("%s %s: %v", v.Python, v.Name, err)
		}
		if got := py.Repr(val); got != v.Repr {
			fails++
			if fails < 20 {
				t.Errorf("%s %s proto %d:\n got %.300s\nwant %.300s", v.Python, v.Name, v.Protocol, got, v.Repr)
			}
		}
	}
}
