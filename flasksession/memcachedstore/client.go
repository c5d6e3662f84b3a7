package memcachedstore

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// server is one memcached server and its idle connections.
type server struct {
	network, addr string
	mu            sync.Mutex
	idle          []*conn
	closed        bool
}

// conn is one connection to a server, with buffers sized for session
// values.
type conn struct {
	nc net.Conn
	r  *bufio.Reader
	w  *bufio.Writer
}

// aLongTimeAgo is a deadline in the past, to wake a blocked read or write.
var aLongTimeAgo = time.Unix(1, 0)

// parseServer splits a server address: "host:port", or a Unix socket as
// "unix:/path" or "/path".
func parseServer(s string) (network, addr string, err error) {
	switch {
	case strings.HasPrefix(s, "unix:"):
		return "unix", strings.TrimPrefix(s, "unix:"), nil
	case strings.HasPrefix(s, "/"):
		return "unix", s, nil
	}
	if _, _, err := net.SplitHostPort(s); err != nil {
		return "", "", fmt.Errorf("%w: server %q: %v", ErrConfig, s, err)
	}
	return "tcp", s, nil
}

// withConn runs fn on a connection to srv within the context's deadline
// (or the store's timeout, whichever comes first). A connection that saw a
// network or protocol error is closed; the others go back to the pool. A
// pooled connection that the server closed meanwhile (a restart, an idle
// timeout) fails on first use: the command then runs again once on a new
// connection, as python-memcached reconnects.
func (s *Store) withConn(ctx context.Context, srv *server, fn func(*conn) error) error {
	for attempt := 0; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		c, pooled, err := s.getConn(ctx, srv, attempt > 0)
		if err != nil {
			return err
		}
		err = s.run(ctx, srv, c, fn)
		if err != nil && pooled && attempt == 0 && stale(err) && ctx.Err() == nil {
			srv.drain()
			continue
		}
		return err
	}
}

// stale reports an error of a connection the server had closed.
func stale(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

func (s *Store) run(ctx context.Context, srv *server, c *conn, fn func(*conn) error) (err error) {
	deadline := time.Now().Add(s.timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	if err := c.nc.SetDeadline(deadline); err != nil {
		c.nc.Close()
		return err
	}
	stop := context.AfterFunc(ctx, func() { c.nc.SetDeadline(aLongTimeAgo) })
	err = fn(c)
	if !stop() {
		// The context ended while the command ran: the connection may be
		// mid-reply, and the error is the context's.
		c.nc.Close()
		if err != nil {
			return fmt.Errorf("%w (%v)", ctx.Err(), err)
		}
		return ctx.Err()
	}
	var r *reply
	if err != nil && !errors.As(err, &r) {
		c.nc.Close()
		return err
	}
	s.putConn(srv, c)
	return err
}

// getConn returns an idle connection (pooled == true) or a new one.
func (s *Store) getConn(ctx context.Context, srv *server, fresh bool) (c *conn, pooled bool, err error) {
	srv.mu.Lock()
	if srv.closed {
		srv.mu.Unlock()
		return nil, false, ErrClosed
	}
	if n := len(srv.idle); n > 0 && !fresh {
		c := srv.idle[n-1]
		srv.idle = srv.idle[:n-1]
		srv.mu.Unlock()
		return c, true, nil
	}
	srv.mu.Unlock()
	dctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	nc, err := s.dialer.DialContext(dctx, srv.network, srv.addr)
	if err != nil {
		return nil, false, err
	}
	return &conn{nc: nc, r: bufio.NewReaderSize(nc, maxLine), w: bufio.NewWriterSize(nc, 4096)}, false, nil
}

func (s *Store) putConn(srv *server, c *conn) {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if srv.closed || len(srv.idle) >= s.maxIdle {
		c.nc.Close()
		return
	}
	srv.idle = append(srv.idle, c)
}

// drain closes the idle connections.
func (srv *server) drain() {
	srv.mu.Lock()
	idle := srv.idle
	srv.idle = nil
	srv.mu.Unlock()
	for _, c := range idle {
		c.nc.Close()
	}
}

func (srv *server) close() {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	srv.closed = true
	for _, c := range srv.idle {
		c.nc.Close()
	}
	srv.idle = nil
}

// reply is a well-formed answer that is not the one hoped for (NOT_FOUND,
// EXISTS, NOT_STORED, SERVER_ERROR ...): the connection stays usable.
type reply struct {
	line string
}

func (r *reply) Error() string { return "memcached replied " + strconv.Quote(r.line) }

// maxLine bounds a reply line; longer ones are a protocol error.
const maxLine = 4096

// readLine returns the next reply line without its CRLF.
func (c *conn) readLine() ([]byte, error) {
	line, err := c.r.ReadSlice('\n')
	if err != nil {
		if errors.Is(err, bufio.ErrBufferFull) {
			return nil, fmt.Errorf("%w: reply line longer than %d bytes", ErrProtocol, maxLine)
		}
		return nil, err
	}
	if len(line) < 2 || line[len(line)-2] != '\r' {
		return nil, fmt.Errorf("%w: reply line %q does not end in CRLF", ErrProtocol, line)
	}
	return line[:len(line)-2], nil
}

// status reads a one-line reply and returns nil when it is want, a *reply
// for another well-formed status, and an ErrProtocol error otherwise.
func (c *conn) status(want string) error {
	line, err := c.readLine()
	if err != nil {
		return err
	}
	return checkStatus(line, want)
}

func checkStatus(line []byte, want string) error {
	if string(line) == want {
		return nil
	}
	switch {
	case bytes.HasPrefix(line, []byte("SERVER_ERROR ")),
		string(line) == "NOT_FOUND", string(line) == "EXISTS", string(line) == "NOT_STORED":
		return &reply{line: string(line)}
	}
	return fmt.Errorf("%w: %q where %s was expected", ErrProtocol, truncate(line), want)
}

func truncate(b []byte) []byte {
	if len(b) > 80 {
		return b[:80]
	}
	return b
}

// item is a value as memcached holds it.
type item struct {
	flags uint32
	cas   uint64
	value []byte
}

// gets runs "gets key" and returns the item, or nil for a miss.
func (c *conn) gets(key string, maxSize int) (*item, error) {
	c.w.WriteString("gets ")
	c.w.WriteString(key)
	c.w.WriteString("\r\n")
	if err := c.w.Flush(); err != nil {
		return nil, err
	}
	return readGetsReply(c.r, key, maxSize)
}

// readGetsReply reads the reply to "gets key": one VALUE block or none,
// then END. Values longer than maxSize are refused before they are read.
func readGetsReply(r *bufio.Reader, key string, maxSize int) (*item, error) {
	c := &conn{r: r}
	line, err := c.readLine()
	if err != nil {
		return nil, err
	}
	if string(line) == "END" {
		return nil, nil
	}
	it, size, err := parseValueLine(line, key)
	if err != nil {
		return nil, err
	}
	if size > maxSize {
		return nil, fmt.Errorf("%w: value of %q is %d bytes, over the %d byte limit", ErrTooLarge, key, size, maxSize)
	}
	it.value = make([]byte, size+2)
	if _, err := io.ReadFull(r, it.value); err != nil {
		return nil, err
	}
	if it.value[size] != '\r' || it.value[size+1] != '\n' {
		return nil, fmt.Errorf("%w: value of %q is not followed by CRLF", ErrProtocol, key)
	}
	it.value = it.value[:size]
	line, err = c.readLine()
	if err != nil {
		return nil, err
	}
	if string(line) != "END" {
		return nil, fmt.Errorf("%w: %q after the value of %q, want END", ErrProtocol, truncate(line), key)
	}
	return it, nil
}

// parseValueLine reads "VALUE <key> <flags> <bytes> <cas unique>".
func parseValueLine(line []byte, key string) (*item, int, error) {
	f := strings.Fields(string(line))
	if len(f) != 5 || f[0] != "VALUE" {
		if len(f) > 0 && (f[0] == "SERVER_ERROR" || f[0] == "CLIENT_ERROR" || f[0] == "ERROR") {
			return nil, 0, fmt.Errorf("%w: %q", ErrProtocol, truncate(line))
		}
		return nil, 0, fmt.Errorf("%w: %q where VALUE or END was expected", ErrProtocol, truncate(line))
	}
	if f[1] != key {
		return nil, 0, fmt.Errorf("%w: value of key %q where %q was asked", ErrProtocol, truncate([]byte(f[1])), key)
	}
	flags, err1 := strconv.ParseUint(f[2], 10, 32)
	size, err2 := strconv.ParseUint(f[3], 10, 31)
	cas, err3 := strconv.ParseUint(f[4], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return nil, 0, fmt.Errorf("%w: bad VALUE line %q", ErrProtocol, truncate(line))
	}
	return &item{flags: uint32(flags), cas: cas}, int(size), nil
}

// store runs "set" (cas == 0) or "cas" and reads STORED, or a *reply.
func (c *conn) store(key string, flags uint32, exptime int64, value []byte, cas uint64) error {
	var hdr []byte
	if cas == 0 {
		hdr = append(hdr, "set "...)
	} else {
		hdr = append(hdr, "cas "...)
	}
	hdr = append(hdr, key...)
	hdr = append(hdr, ' ')
	hdr = strconv.AppendUint(hdr, uint64(flags), 10)
	hdr = append(hdr, ' ')
	hdr = strconv.AppendInt(hdr, exptime, 10)
	hdr = append(hdr, ' ')
	hdr = strconv.AppendInt(hdr, int64(len(value)), 10)
	if cas != 0 {
		hdr = append(hdr, ' ')
		hdr = strconv.AppendUint(hdr, cas, 10)
	}
	hdr = append(hdr, "\r\n"...)
	c.w.Write(hdr)
	c.w.Write(value)
	c.w.WriteString("\r\n")
	if err := c.w.Flush(); err != nil {
		return err
	}
	return c.status("STORED")
}

// simple runs a one-line command and reads the one-line reply.
func (c *conn) simple(cmd, want string) error {
	c.w.WriteString(cmd)
	c.w.WriteString("\r\n")
	if err := c.w.Flush(); err != nil {
		return err
	}
	return c.status(want)
}

// ttl runs the meta command "mg key t" (memcached 1.6 and later) and
// returns the seconds left, -1 for no expiry, and whether the key exists.
func (c *conn) ttl(key string) (int64, bool, error) {
	c.w.WriteString("mg ")
	c.w.WriteString(key)
	c.w.WriteString(" t\r\n")
	if err := c.w.Flush(); err != nil {
		return 0, false, err
	}
	line, err := c.readLine()
	if err != nil {
		return 0, false, err
	}
	return parseTTLReply(line)
}

// metaDelete runs the meta command "md key C<cas>" (memcached 1.6 and
// later): the key is deleted only if its unique is still cas. It reports
// whether it was.
func (c *conn) metaDelete(key string, cas uint64) (bool, error) {
	c.w.WriteString("md ")
	c.w.WriteString(key)
	c.w.WriteString(" C")
	c.w.WriteString(strconv.FormatUint(cas, 10))
	c.w.WriteString("\r\n")
	if err := c.w.Flush(); err != nil {
		return false, err
	}
	line, err := c.readLine()
	if err != nil {
		return false, err
	}
	return parseDeleteReply(line)
}

func parseDeleteReply(line []byte) (bool, error) {
	switch string(line) {
	case "HD":
		return true, nil
	case "EX", "NF": // another unique (a write since), or gone
		return false, nil
	case "ERROR":
		return false, fmt.Errorf("%w: the server has no meta commands (memcached 1.6+)", errors.ErrUnsupported)
	}
	return false, fmt.Errorf("%w: %q where a meta delete reply was expected", ErrProtocol, truncate(line))
}

func parseTTLReply(line []byte) (int64, bool, error) {
	switch {
	case string(line) == "EN":
		return 0, false, nil
	case string(line) == "ERROR":
		return 0, false, fmt.Errorf("%w: the server has no meta commands (memcached 1.6+)", errors.ErrUnsupported)
	case bytes.HasPrefix(line, []byte("HD")):
		for _, tok := range strings.Fields(string(line[2:])) {
			if len(tok) > 1 && tok[0] == 't' {
				n, err := strconv.ParseInt(tok[1:], 10, 64)
				if err != nil {
					break
				}
				return n, true, nil
			}
		}
	}
	return 0, false, fmt.Errorf("%w: %q where a meta get reply was expected", ErrProtocol, truncate(line))
}
