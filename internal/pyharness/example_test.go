package pyharness_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/flaskbridge/flaskbridge/internal/pyharness"
)

// Root finds the repository from a test's working directory (its package
// directory); the venvs are under Root()/.venv.
func ExampleRoot() {
	root, err := pyharness.Root()
	if err != nil {
		panic(err)
	}
	_, err = os.Stat(filepath.Join(root, "scripts", "pyhelper.py"))
	fmt.Println("scripts/pyhelper.py found:", err == nil)
	fmt.Println("set to 1 to fail, not skip, without a venv:", pyharness.RequireEnv)
	// Output:
	// scripts/pyhelper.py found: true
	// set to 1 to fail, not skip, without a venv: FLASKBRIDGE_REQUIRE_PYTHON
}
