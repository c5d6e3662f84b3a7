package reporoot_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/flaskbridge/flaskbridge/internal/reporoot"
)

// A test finds the repository's scripts and venvs from its package's
// directory.
func ExampleFind() {
	root, err := reporoot.Find()
	if err != nil {
		panic(err)
	}
	_, err = os.Stat(filepath.Join(root, "scripts", "setup-python.sh"))
	fmt.Println(err == nil)
	// Output:
	// true
}
