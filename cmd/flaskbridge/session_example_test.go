package main

import (
	"fmt"
	"os"
	"strings"
)

// A session written to a Flask-Session directory (cachelib 0.13's layout),
// read back, counted and deleted.
func Example_session() {
	dir, _ := os.MkdirTemp("", "flask_session")
	defer os.RemoveAll(dir)
	store := "file://" + dir + "?cachelib=0.13.0"

	run([]string{"session", "set", "--store", store, "--compat", "0.6", "--secret-key", "dev", "abc"},
		strings.NewReader("{'_permanent': True, '_user_id': '42', 'cart': (1, 2)}"), os.Stdout, os.Stdout)
	run([]string{"session", "get", "--store", store, "--secret-key", "dev", "abc.PJw42rZcwe82Whbo0poRR9mBVes"},
		nil, os.Stdout, os.Stdout)
	run([]string{"session", "list", "--store", store, "--count"}, nil, os.Stdout, os.Stdout)

	// A tampered cookie: exit status 1, the store is not touched.
	code := run([]string{"session", "get", "--store", store, "--secret-key", "dev", "abd.PJw42rZcwe82Whbo0poRR9mBVes"},
		nil, os.Stdout, os.Stdout)
	fmt.Println("exit status", code)
	run([]string{"session", "delete", "--store", store, "abc"}, nil, os.Stdout, os.Stdout)
	run([]string{"session", "list", "--store", store, "--count"}, nil, os.Stdout, os.Stdout)
	// Output:
	// abc.PJw42rZcwe82Whbo0poRR9mBVes
	// {'_permanent': True, '_user_id': '42', 'cart': (1, 2)}
	// 1
	// flaskbridge session get: invalid session cookie: flasksession: bad session id signature: flaskcookie: bad signature: signature "PJw42rZcwe82Whbo0poRR9mBVes" does not match
	// exit status 1
	// 0
}
