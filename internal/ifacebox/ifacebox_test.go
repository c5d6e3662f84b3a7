package ifacebox_test

import (
	"testing"
	"unsafe"

	"github.com/flaskbridge/flaskbridge/internal/ifacebox"
)

func TestMake(t *testing.T) {
	if !ifacebox.Works() {
		t.Fatal("the interface layout check failed on this platform")
	}
	slab := []string{"a", "session value"}
	v := ifacebox.Make(ifacebox.String, unsafe.Pointer(&slab[1]))
	if s, ok := v.(string); !ok || s != "session value" {
		t.Fatalf("string: %#v", v)
	}
	if typ, data := ifacebox.Words(v); typ != ifacebox.String || data != unsafe.Pointer(&slab[1]) {
		t.Fatal("Words does not give back what Make was given")
	}
	ints := []int64{-1 << 40}
	if n, ok := ifacebox.Make(ifacebox.Int64, unsafe.Pointer(&ints[0])).(int64); !ok || n != -1<<40 {
		t.Fatalf("int64: %v", n)
	}
	floats := []float64{2.5}
	if f, ok := ifacebox.Make(ifacebox.Float64, unsafe.Pointer(&floats[0])).(float64); !ok || f != 2.5 {
		t.Fatalf("float64: %v", f)
	}
	if v != any("session value") {
		t.Fatal("a made interface is not == an ordinary one")
	}
}

// Make does not allocate: that is its point.
func TestMakeAllocs(t *testing.T) {
	slab := []string{"x"}
	var sink any
	if n := testing.AllocsPerRun(100, func() { sink = ifacebox.Make(ifacebox.String, unsafe.Pointer(&slab[0])) }); n != 0 {
		t.Fatalf("%v allocations", n)
	}
	_ = sink
}
