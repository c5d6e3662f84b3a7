package memcachedstore

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"testing"
)

// FuzzReplies feeds arbitrary bytes to the readers of the replies to gets
// and mg: they must return an item, a miss or an error, never panic, and
// never read a value over the limit. Seeds are replies of memcached 1.6.
func FuzzReplies(f *testing.F) {
	for _, s := range []string{
		"END\r\n",
		"VALUE k 0 2 7\r\nhi\r\nEND\r\n",
		"VALUE k 0 99999999 1\r\n",
		"VALUE k 0 2 1\r\nhiXXEND\r\n",
		"VALUE other 0 2 1\r\nhi\r\nEND\r\n",
		"SERVER_ERROR out of memory\r\n",
		"VALUE k 4294967296 2 1\r\nhi\r\nEND\r\n",
		"HD t100\r\n", "HD t-1\r\n", "EN\r\n", "ERROR\r\n", "HD\r\n", "EX\r\n", "NF\r\n",
	} {
		f.Add([]byte(s))
	}
	// A value python-memcached compressed (flag 8: zlib).
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(bytes.Repeat([]byte("session "), 20))
	zw.Close()
	f.Add([]byte(fmt.Sprintf("VALUE k 8 %d 3\r\n%s\r\nEND\r\n", z.Len(), z.Bytes())))
	f.Fuzz(func(t *testing.T, data []byte) {
		it, err := readGetsReply(bufio.NewReaderSize(bytes.NewReader(data), maxLine), "k", 64)
		if err == nil && it != nil && len(it.value) > 64 {
			t.Fatalf("value of %d bytes over the limit", len(it.value))
		}
		if errors.Is(err, ErrTooLarge) && it != nil {
			t.Fatal("item with ErrTooLarge")
		}
		s := &Store{maxSize: 64}
		if it != nil {
			if v, err := s.decode("k", it); err == nil && len(v) > 64 {
				t.Fatalf("inflated to %d bytes", len(v))
			}
		}
		if line, _, _ := bytes.Cut(data, []byte("\r\n")); len(line) < maxLine {
			parseTTLReply(line)
			if ok, err := parseDeleteReply(line); ok && err != nil {
				t.Fatalf("meta delete reply %q: deleted and %v", line, err)
			}
		}
	})
}
