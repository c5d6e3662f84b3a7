package pyjson

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/flaskbridge/flaskbridge/py"
)

// TestTextStringsSurviveGC: the strings that are pieces of the text keep
// their headers in the text's own allocation, which holds no pointers the
// collector follows. Decoded values, kept only as boxes in lists and dicts
// or only as strings taken out of them, must read back intact after
// collections that reuse the memory of everything else.
func TestTextStringsSurviveGC(t *testing.T) {
	const docs = 200
	want := func(d, k int) string { return fmt.Sprintf("/item/%d/%d?page=%d", d, k, k%7) }
	var boxes []py.Value // the decoded documents
	var strs []string    // strings taken out of other documents
	for d := range docs {
		var b strings.Builder
		b.WriteString(`{"list":[`)
		for k := range 40 {
			if k > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "%q", want(d, k))
		}
		b.WriteString(`],"key":"` + want(d, -1) + `","escaped":"a\nb"}`)
		v, err := Unmarshal([]byte(b.String()), DecodeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if d%2 == 0 {
			boxes = append(boxes, v)
			continue
		}
		list, _ := v.(*py.Dict).Get("list")
		for _, item := range list.(*py.List).Items {
			strs = append(strs, item.(string))
		}
	}
	for range 3 {
		runtime.GC()
		garbage := make([][]byte, 0, 1<<12)
		for range cap(garbage) {
			garbage = append(garbage, []byte(strings.Repeat("x", 64)))
		}
		runtime.KeepAlive(garbage)
	}
	for i, v := range boxes {
		d := 2 * i
		dict := v.(*py.Dict)
		if got, _ := dict.Get("key"); got != want(d, -1) {
			t.Fatalf("document %d: key %q", d, got)
		}
		if got, _ := dict.Get("escaped"); got != "a\nb" {
			t.Fatalf("document %d: escaped %q", d, got)
		}
		list, _ := dict.Get("list")
		for k, item := range list.(*py.List).Items {
			if item != want(d, k) {
				t.Fatalf("document %d, item %d: %q", d, k, item)
			}
		}
	}
	for i, s := range strs {
		d, k := 2*(i/40)+1, i%40
		if s != want(d, k) {
			t.Fatalf("document %d, string %d: %q", d, k, s)
		}
	}
}
