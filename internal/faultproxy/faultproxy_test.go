package faultproxy_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/flaskbridge/flaskbridge/internal/faultproxy"
)

// echo starts a TCP server that echoes each connection's bytes.
func echo(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				io.Copy(c, c)
				c.Close()
			}()
		}
	}()
	return ln.Addr().String()
}

func start(t *testing.T) *faultproxy.Proxy {
	t.Helper()
	p, err := faultproxy.New(echo(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

func dial(t *testing.T, p *faultproxy.Proxy) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", p.Addr(), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// roundTrip writes msg and reads len(msg) bytes back within wait.
func roundTrip(c net.Conn, msg string, wait time.Duration) (string, error) {
	c.SetDeadline(time.Now().Add(wait))
	if _, err := c.Write([]byte(msg)); err != nil {
		return "", err
	}
	buf := make([]byte, len(msg))
	n, err := io.ReadFull(c, buf)
	return string(buf[:n]), err
}

func mustEcho(t *testing.T, c net.Conn, msg string) {
	t.Helper()
	got, err := roundTrip(c, msg, 5*time.Second)
	if err != nil || got != msg {
		t.Fatalf("echo of %q: %q, %v", msg, got, err)
	}
}

// readReset connects and reads one byte, and returns the error of
// whichever fails.
func readReset(p *faultproxy.Proxy) error {
	c, err := net.DialTimeout("tcp", p.Addr(), time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	_, err = c.Read(make([]byte, 1))
	return err
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func TestPass(t *testing.T) {
	p := start(t)
	c := dial(t, p)
	mustEcho(t, c, "hello")
	mustEcho(t, c, "again")
	if s := p.Stats(); s.Accepted != 1 || s.Resets != 0 {
		t.Fatalf("stats %+v", s)
	}
	if p.Mode() != faultproxy.Pass || p.Target() == "" {
		t.Fatal("mode or target")
	}
}

func TestBlackhole(t *testing.T) {
	p := start(t)
	old := dial(t, p)
	mustEcho(t, old, "before")
	if err := p.Blackhole(); err != nil {
		t.Fatal(err)
	}
	if _, err := roundTrip(old, "lost", 200*time.Millisecond); !isTimeout(err) {
		t.Fatalf("open connection in a black hole: %v, want a timeout", err)
	}
	fresh := dial(t, p) // the handshake is the proxy's: it succeeds
	if _, err := roundTrip(fresh, "lost too", 200*time.Millisecond); !isTimeout(err) {
		t.Fatalf("new connection in a black hole: %v, want a timeout", err)
	}
	if p.Stats().DroppedBytes == 0 {
		t.Fatal("no bytes counted as dropped")
	}
	if err := p.Pass(); err != nil {
		t.Fatal(err)
	}
	mustEcho(t, dial(t, p), "after")
	// The connection that lost bytes keeps losing them.
	if _, err := roundTrip(old, "gap", 200*time.Millisecond); !isTimeout(err) {
		t.Fatalf("holed connection after Pass: %v, want a timeout", err)
	}
}

func TestDelay(t *testing.T) {
	p := start(t)
	c := dial(t, p)
	mustEcho(t, c, "x")
	if err := p.Delay(400 * time.Millisecond); err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(100 * time.Millisecond))
	c.Write([]byte("slow"))
	buf := make([]byte, 4)
	if _, err := io.ReadFull(c, buf); !isTimeout(err) {
		t.Fatalf("read under a delay longer than the deadline: %v, want a timeout", err)
	}
	// The bytes were held, not lost.
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "slow" {
		t.Fatalf("delayed bytes: %q, %v", buf, err)
	}
	if p.Stats().DelayedChunks < 2 {
		t.Fatalf("stats %+v", p.Stats())
	}
	p.Pass()
	mustEcho(t, c, "fast")
}

func TestReset(t *testing.T) {
	p := start(t)
	c := dial(t, p)
	mustEcho(t, c, "x")
	if err := p.Reset(); err != nil {
		t.Fatal(err)
	}
	_, err := roundTrip(c, "y", 2*time.Second)
	if !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, syscall.EPIPE) {
		t.Fatalf("open connection after Reset: %v, want ECONNRESET", err)
	}
	// New connections are accepted, then reset at once (the client may
	// see the reset as soon as it connects, or at its first read).
	if err := readReset(p); !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("new connection under Reset: %v, want ECONNRESET", err)
	}
	if s := p.Stats(); s.Resets < 2 {
		t.Fatalf("stats %+v", s)
	}
	p.Pass()
	mustEcho(t, dial(t, p), "back")
}

func TestTruncate(t *testing.T) {
	p := start(t)
	c := dial(t, p)
	mustEcho(t, c, "abc")
	if err := p.Truncate(5); err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(2 * time.Second))
	c.Write([]byte("0123456789"))
	got, err := io.ReadAll(bufio.NewReader(c))
	if string(got) != "01234" || !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("truncated reply: %q, %v; want \"01234\" and ECONNRESET", got, err)
	}
	if p.Stats().Truncations != 1 {
		t.Fatalf("stats %+v", p.Stats())
	}
	// A new connection gets its own budget.
	c2 := dial(t, p)
	c2.SetDeadline(time.Now().Add(2 * time.Second))
	c2.Write([]byte("abcdefgh"))
	got, _ = io.ReadAll(c2)
	if string(got) != "abcde" {
		t.Fatalf("new connection: %q", got)
	}
	p.Pass()
	mustEcho(t, dial(t, p), "whole reply again")
}

func TestRefuse(t *testing.T) {
	p := start(t)
	c := dial(t, p)
	mustEcho(t, c, "x")
	if err := p.Refuse(); err != nil {
		t.Fatal(err)
	}
	if _, err := net.DialTimeout("tcp", p.Addr(), time.Second); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("dial while refusing: %v, want ECONNREFUSED", err)
	}
	if _, err := roundTrip(c, "y", 2*time.Second); err == nil {
		t.Fatal("open connection survived Refuse")
	}
	if err := p.Pass(); err != nil {
		t.Fatal(err)
	}
	mustEcho(t, dial(t, p), "listening again")
}

func TestTargetDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p, err := faultproxy.New(ln.Addr().String())
	ln.Close() // after New, so that the proxy does not get its port
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if err := readReset(p); !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("connection to a target that is down: %v, want ECONNRESET", err)
	}
}

func TestClose(t *testing.T) {
	p, err := faultproxy.New(echo(t))
	if err != nil {
		t.Fatal(err)
	}
	c := dial(t, p)
	mustEcho(t, c, "x")
	p.Close()
	p.Close()
	if _, err := roundTrip(c, "y", 2*time.Second); err == nil {
		t.Fatal("connection survived Close")
	}
	if err := p.Pass(); !errors.Is(err, faultproxy.ErrClosed) {
		t.Fatalf("Pass after Close: %v", err)
	}
}

// TestConcurrentSwitching switches modes while clients run, for the race
// detector: every client either echoes or fails, and nothing hangs.
func TestConcurrentSwitching(t *testing.T) {
	p := start(t)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				c, err := net.DialTimeout("tcp", p.Addr(), time.Second)
				if err != nil {
					time.Sleep(5 * time.Millisecond)
					continue
				}
				msg := fmt.Sprint("client ", i)
				if got, err := roundTrip(c, msg, 300*time.Millisecond); err == nil && got != msg {
					t.Errorf("echo %q, want %q", got, msg)
				}
				c.Close()
			}
		}(i)
	}
	modes := []func() error{
		p.Pass, p.Blackhole, p.Reset, p.Refuse,
		func() error { return p.Delay(10 * time.Millisecond) },
		func() error { return p.Truncate(3) },
	}
	for i := 0; i < 60; i++ {
		if err := modes[i%len(modes)](); err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	if err := p.Pass(); err != nil {
		t.Fatal(err)
	}
	mustEcho(t, dial(t, p), "still works")
}

func Example() {
	// A server to put faults in front of.
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { io.Copy(c, c); c.Close() }()
		}
	}()

	p, err := faultproxy.New(ln.Addr().String())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	defer p.Close()

	c, _ := net.Dial("tcp", p.Addr())
	c.Write([]byte("ping"))
	buf := make([]byte, 4)
	io.ReadFull(c, buf)
	fmt.Println(string(buf))

	p.Refuse() // the server is down
	_, err = net.Dial("tcp", p.Addr())
	fmt.Println(errors.Is(err, syscall.ECONNREFUSED))

	p.Pass() // and back
	c, _ = net.Dial("tcp", p.Addr())
	c.Write([]byte("pong"))
	io.ReadFull(c, buf)
	fmt.Println(string(buf))
	// Output:
	// ping
	// true
	// pong
}
