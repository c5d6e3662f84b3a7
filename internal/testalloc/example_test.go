package testalloc_test

import (
	"fmt"

	"github.com/flaskbridge/flaskbridge/internal/testalloc"
)

// A test bounds what a call may allocate: here a buffer of 1 MiB, made
// anew on every call.
func ExamplePerCall() {
	var buf []byte
	perCall := testalloc.PerCall(10, func() { buf = make([]byte, 1<<20) })
	fmt.Println(len(buf), perCall >= 1<<20, perCall < 2<<20)
	// Output:
	// 1048576 true true
}
