package reporoot_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/flaskbridge/flaskbridge/internal/reporoot"
)

// Run from any package's directory, Find gives the directory of the
// module's go.mod.
func ExampleFind() {
	root, err := reporoot.Find()
	if err != nil {
		panic(err)
	}
	mod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		panic(err)
	}
	module, _, _ := strings.Cut(string(mod), "\n")
	fmt.Println(module)
	// Output:
	// module github.com/flaskbridge/flaskbridge
}
