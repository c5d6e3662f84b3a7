package flaskbridge_test

import (
	"os"
	"regexp"
	"testing"
)

// TestReadmeQuickstarts checks that each program the README shows is the
// file it names, which the module builds and vets.
func TestReadmeQuickstarts(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)<!-- quickstart: (\\S+) -->\n```go\n(.*?)```").FindAllSubmatch(readme, -1)
	if len(blocks) == 0 {
		t.Fatal("README.md shows no quickstart")
	}
	for _, b := range blocks {
		want, err := os.ReadFile(string(b[1]))
		if err != nil {
			t.Fatal(err)
		}
		if string(b[2]) != string(want) {
			t.Errorf("README.md's copy of %s differs from the file", b[1])
		}
	}
}
