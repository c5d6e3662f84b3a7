package filestore_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flaskbridge/flaskbridge/flasksession"
	"github.com/flaskbridge/flaskbridge/flasksession/filestore"
	"github.com/flaskbridge/flaskbridge/internal/testalloc"
)

// TestResourceHeaders: cache file headers that claim huge values (a FRAME
// of 2^64-1 bytes, LONG1 and LONG4 lengths of 255 bytes and 2 GiB, a LONG
// of a million digits) fail with ErrHeader in every header form,
// allocating next to nothing: the header reader takes only what
// cachelib writes, an expiry of at most 64 bits.
func TestResourceHeaders(t *testing.T) {
	for _, tc := range []struct{ name, data string }{
		{"FRAME 2^64-1", "\x80\x05\x95\xff\xff\xff\xff\xff\xff\xff\xffJ\x00\x00\x00\x00."},
		{"LONG1 255 bytes", "\x80\x04\x8a\xff" + strings.Repeat("\x01", 255) + "."},
		{"LONG4 2 GiB", "\x80\x04\x8b\xff\xff\xff\x7f"},
		{"LONG 1M digits", "L" + strings.Repeat("9", 1<<20) + "L\n."},
		{"INT 1M digits", "I" + strings.Repeat("9", 1<<20) + "\n."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := []byte(tc.data)
			for _, h := range []filestore.Header{filestore.HeaderStruct, filestore.HeaderPickleHighest, filestore.HeaderPickle1} {
				var err error
				perCall := testalloc.PerCall(20, func() { _, _, _, err = filestore.DetectHeader(data, h) })
				if !errors.Is(err, filestore.ErrHeader) {
					t.Fatalf("%s: %v", h, err)
				}
				if perCall > 4<<10 {
					t.Errorf("%s: %d bytes allocated per parse", h, perCall)
				}
			}
		})
	}
}

// TestResourceFileSize: a cache file larger than MaxFileSize (16 MiB by
// default; 1 MiB here) fails to load after at most MaxFileSize bytes are
// read: a 1 GiB file costs a few MiB.
func TestResourceFileSize(t *testing.T) {
	dir := t.TempDir()
	s := newStore(t, dir, filestore.Options{MaxFileSize: 1 << 20})
	f, err := os.Create(filepath.Join(dir, s.FileName("session:big")))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(1 << 30); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	f.Close()
	var lerr error
	perCall := testalloc.PerCall(3, func() { _, _, lerr = s.Load(context.Background(), "session:big") })
	if !errors.Is(lerr, flasksession.ErrTooLarge) {
		t.Fatalf("1 GiB file with a 1 MiB limit: %v", lerr)
	}
	t.Logf("1 GiB file: %d bytes allocated", perCall)
	if perCall > 8<<20 {
		t.Errorf("%d bytes allocated per load", perCall)
	}
}
