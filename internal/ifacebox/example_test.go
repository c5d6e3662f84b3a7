package ifacebox_test

import (
	"fmt"
	"unsafe"

	"github.com/flaskbridge/flaskbridge/internal/ifacebox"
)

// A decoder keeps its strings in a slab and boxes each in place.
func Example() {
	slab := make([]string, 0, 8)
	var values []any
	for _, s := range []string{"alice", "bob"} {
		slab = append(slab, s)
		if ifacebox.Works() {
			values = append(values, ifacebox.Make(ifacebox.String, unsafe.Pointer(&slab[len(slab)-1])))
		} else {
			values = append(values, s)
		}
	}
	fmt.Println(values...)
	// Output: alice bob
}
