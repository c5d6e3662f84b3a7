// Package faultproxy is a loopback TCP proxy for tests that puts faults
// between a client and a real server: it forwards every connection it
// accepts to a target address and can be switched, while connections are
// open, to drop their bytes (a black hole), delay them, reset them (a TCP
// RST), cut the server's replies after a number of bytes, or refuse new
// connections as a server that is down does.
//
// A Proxy is safe for concurrent use: a test switches it from one goroutine
// while clients use it from others.
package faultproxy

import (
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// Mode is what the proxy does to the traffic.
type Mode int

// The modes of a Proxy.
const (
	// Pass forwards bytes as they come.
	Pass Mode = iota
	// Blackhole drops every byte both ways, on open connections and new
	// ones, and answers nothing: clients wait until they time out. A
	// connection that lost bytes to the hole keeps dropping them after the
	// proxy is switched back (its stream has a gap); new connections work.
	Blackhole
	// Delay holds each chunk of bytes, both ways, for the delay before
	// forwarding it.
	Delay
	// Reset ends every open connection with a TCP RST and resets new ones
	// as soon as they are accepted.
	Reset
	// Truncate forwards at most a number of bytes more from the server to
	// the client on each connection, then resets it: a reply cut midway.
	Truncate
	// Refuse closes the listening socket, so new connections are refused
	// (ECONNREFUSED), and resets the open ones: a server that is down.
	Refuse
)

func (m Mode) String() string {
	switch m {
	case Pass:
		return "pass"
	case Blackhole:
		return "blackhole"
	case Delay:
		return "delay"
	case Reset:
		return "reset"
	case Truncate:
		return "truncate"
	case Refuse:
		return "refuse"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// Stats count what the proxy did.
type Stats struct {
	Accepted      int64 // connections accepted
	Resets        int64 // connections reset (Reset, Truncate, Refuse, dial failures)
	DroppedBytes  int64 // bytes lost to Blackhole
	DelayedChunks int64 // chunks held by Delay
	Truncations   int64 // replies cut by Truncate
}

// DialTimeout bounds the proxy's connection to its target.
const DialTimeout = 2 * time.Second

// Proxy forwards connections from Addr to a target.
type Proxy struct {
	target string
	addr   string

	mu     sync.Mutex
	ln     net.Listener // nil while refusing or closed
	mode   Mode
	delay  time.Duration
	budget int64 // Truncate: bytes each connection may still pass back
	links  map[*link]struct{}
	closed bool

	wg sync.WaitGroup

	accepted, resets, dropped, delayed, truncations atomic.Int64
}

// New starts a proxy on 127.0.0.1 (a free port) to target, in Pass mode.
func New(target string) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("faultproxy: %w", err)
	}
	p := &Proxy{target: target, addr: ln.Addr().String(), ln: ln, links: map[*link]struct{}{}}
	p.wg.Add(1)
	go p.serve(ln)
	return p, nil
}

// Addr returns the address clients connect to ("127.0.0.1:port"). It stays
// the same across Refuse and Pass.
func (p *Proxy) Addr() string { return p.addr }

// Target returns the address the proxy forwards to.
func (p *Proxy) Target() string { return p.target }

// Mode returns the current mode.
func (p *Proxy) Mode() Mode {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.mode
}

// Stats returns the counters so far.
func (p *Proxy) Stats() Stats {
	return Stats{
		Accepted: p.accepted.Load(), Resets: p.resets.Load(), DroppedBytes: p.dropped.Load(),
		DelayedChunks: p.delayed.Load(), Truncations: p.truncations.Load(),
	}
}

// ErrClosed reports a use of a closed proxy.
var ErrClosed = errors.New("faultproxy: closed")

// set switches the mode; for Refuse it closes the listener, for the other
// modes it listens again on the same address if it was refusing.
func (p *Proxy) set(m Mode, delay time.Duration, budget int64) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return ErrClosed
	}
	p.mode, p.delay, p.budget = m, delay, budget
	switch m {
	case Refuse:
		if p.ln != nil {
			p.ln.Close()
			p.ln = nil
		}
		for l := range p.links {
			l.reset(p)
		}
		return nil
	case Reset:
		for l := range p.links {
			l.reset(p)
		}
	case Truncate:
		for l := range p.links {
			l.setBudget(budget)
		}
	default:
		for l := range p.links {
			l.setBudget(-1)
		}
	}
	if p.ln == nil {
		ln, err := listenAgain(p.addr)
		if err != nil {
			return err
		}
		p.ln = ln
		p.wg.Add(1)
		go p.serve(ln)
	}
	return nil
}

// listenAgain listens on addr, retrying briefly while the port is still
// held by the socket just closed.
func listenAgain(addr string) (net.Listener, error) {
	var err error
	for i := 0; i < 100; i++ {
		var ln net.Listener
		if ln, err = net.Listen("tcp", addr); err == nil {
			return ln, nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return nil, fmt.Errorf("faultproxy: listening again on %s: %w", addr, err)
}

// Pass forwards traffic again (listening again after Refuse).
func (p *Proxy) Pass() error { return p.set(Pass, 0, 0) }

// Blackhole drops all traffic; see the Blackhole mode.
func (p *Proxy) Blackhole() error { return p.set(Blackhole, 0, 0) }

// Delay holds each chunk of bytes for d before forwarding it.
func (p *Proxy) Delay(d time.Duration) error { return p.set(Delay, d, 0) }

// Reset resets the open connections and every new one.
func (p *Proxy) Reset() error { return p.set(Reset, 0, 0) }

// Truncate lets each connection, open or new, pass n more bytes from the
// server, then resets it.
func (p *Proxy) Truncate(n int64) error { return p.set(Truncate, 0, n) }

// Refuse stops listening (new connections are refused) and resets the
// open connections.
func (p *Proxy) Refuse() error { return p.set(Refuse, 0, 0) }

// Close stops the proxy and closes every connection.
func (p *Proxy) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for l := range p.links {
		l.close()
	}
	p.mu.Unlock()
	p.wg.Wait()
	return nil
}

func (p *Proxy) serve(ln net.Listener) {
	defer p.wg.Done()
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		p.accepted.Add(1)
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			c.Close()
			return
		}
		mode, budget := p.mode, p.budget
		// A connection accepted just before Refuse closed this listener
		// is refused too: reset, as Refuse resets the open ones.
		if mode == Reset || mode == Refuse || p.ln != ln {
			p.mu.Unlock()
			p.resets.Add(1) // before the client can see the reset
			rst(c)
			continue
		}
		l := &link{client: c, done: make(chan struct{}), budget: -1}
		if mode == Truncate {
			l.budget = budget
		}
		if mode == Blackhole {
			l.holed = true
		}
		p.links[l] = struct{}{}
		p.wg.Add(1)
		p.mu.Unlock()
		go p.run(l)
	}
}

// link is one proxied connection.
type link struct {
	client, server net.Conn
	done           chan struct{}
	once           sync.Once

	mu     sync.Mutex
	holed  bool  // lost bytes to Blackhole: drops for good
	budget int64 // server->client bytes left before a reset; -1: no limit
	dead   bool
}

func (l *link) setBudget(n int64) {
	l.mu.Lock()
	l.budget = n
	l.mu.Unlock()
}

// reset ends the link with an RST to the client; p.mu may be held.
func (l *link) reset(p *Proxy) {
	l.mu.Lock()
	dead := l.dead
	l.dead = true
	l.mu.Unlock()
	if dead {
		return
	}
	p.resets.Add(1)
	l.once.Do(func() {
		close(l.done)
		rst(l.client)
		if l.server != nil {
			rst(l.server)
		}
	})
}

func (l *link) close() {
	l.mu.Lock()
	l.dead = true
	l.mu.Unlock()
	l.once.Do(func() {
		close(l.done)
		l.client.Close()
		if l.server != nil {
			l.server.Close()
		}
	})
}

// rst closes c with SO_LINGER 0, so the peer gets an RST rather than a FIN.
func rst(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	c.Close()
}

func (p *Proxy) run(l *link) {
	defer p.wg.Done()
	defer func() {
		l.close()
		p.mu.Lock()
		delete(p.links, l)
		p.mu.Unlock()
	}()
	s, err := net.DialTimeout("tcp", p.target, DialTimeout)
	if err != nil {
		l.reset(p)
		return
	}
	l.mu.Lock()
	if l.dead {
		l.mu.Unlock()
		s.Close()
		return
	}
	l.server = s
	l.mu.Unlock()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); p.pump(l, l.client, s, false) }()
	go func() { defer wg.Done(); p.pump(l, s, l.client, true) }()
	wg.Wait()
}

// pump copies src to dst under the proxy's mode; reply is whether src is
// the server.
func (p *Proxy) pump(l *link, src, dst net.Conn, reply bool) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 && !p.forward(l, dst, buf[:n], reply) {
			return
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				// Half close: pass the FIN on, as the peer sent it.
				if tc, ok := dst.(*net.TCPConn); ok {
					tc.CloseWrite()
					return
				}
			}
			l.close()
			return
		}
	}
}

// forward sends b to dst as the mode says, and reports whether the link
// goes on.
func (p *Proxy) forward(l *link, dst net.Conn, b []byte, reply bool) bool {
	p.mu.Lock()
	mode, delay := p.mode, p.delay
	p.mu.Unlock()
	l.mu.Lock()
	if mode == Blackhole {
		l.holed = true
	}
	holed, budget := l.holed, l.budget
	if reply && budget >= 0 {
		take := min(int64(len(b)), budget)
		l.budget -= take
		b = b[:take]
	}
	l.mu.Unlock()
	if holed {
		p.dropped.Add(int64(len(b)))
		return true
	}
	if mode == Delay && delay > 0 {
		p.delayed.Add(1)
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-l.done:
			t.Stop()
			return false
		}
	}
	if len(b) > 0 {
		if _, err := dst.Write(b); err != nil {
			l.close()
			return false
		}
	}
	if reply && budget >= 0 && int64(len(b)) == budget {
		p.truncations.Add(1)
		l.reset(p)
		return false
	}
	return true
}
