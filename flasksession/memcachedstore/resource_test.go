package memcachedstore

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"errors"
	"testing"

	"github.com/flaskbridge/flaskbridge/internal/testalloc"
)

// TestResourceReplies: a reply that claims a value of 2 GiB fails with
// ErrTooLarge before anything is read or allocated for it, and a value
// python-memcached would have compressed (flag 8) that inflates past
// MaxValueSize (1 MiB here) fails with ErrTooLarge after at most the limit
// is inflated.
func TestResourceReplies(t *testing.T) {
	reply := []byte("VALUE k 0 2147483647 1\r\n")
	var err error
	perCall := testalloc.PerCall(20, func() {
		_, err = readGetsReply(bufio.NewReaderSize(bytes.NewReader(reply), maxLine), "k", 1<<20)
	})
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("2 GiB claim: %v", err)
	}
	// The bufio.Reader of maxLine bytes is the test's.
	if perCall > maxLine+4<<10 {
		t.Errorf("2 GiB claim: %d bytes allocated per reply", perCall)
	}

	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	zw.Write(make([]byte, 8<<20))
	zw.Close()
	s := &Store{maxSize: 1 << 20}
	it := &item{flags: FlagZlib, value: z.Bytes()}
	perCall = testalloc.PerCall(3, func() { _, err = s.decode("k", it) })
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("%d bytes inflating to 8 MiB: %v", z.Len(), err)
	}
	t.Logf("%d bytes inflating to 8 MiB: %d bytes allocated", z.Len(), perCall)
	if perCall > 8<<20 {
		t.Errorf("zlib bomb: %d bytes allocated", perCall)
	}
}
