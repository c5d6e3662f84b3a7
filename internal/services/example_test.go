package services_test

import (
	"fmt"
	"net"

	"github.com/flaskbridge/flaskbridge/internal/services"
)

// Reachable tells whether a server answers on an address; the test
// helpers (Redis, Postgres, ...) skip a test when it does not.
func ExampleReachable() {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	addr := l.Addr().String()
	fmt.Println(services.Reachable(addr))
	l.Close()
	fmt.Println(services.Reachable(addr))
	// Output:
	// true
	// false
}
