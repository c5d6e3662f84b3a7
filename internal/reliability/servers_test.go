package reliability_test

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flaskbridge/flaskbridge/internal/services"
)

// proc is a server process of the test's own, on a port of its own, that
// the test may kill and start again without touching the shared servers
// of scripts/services.sh.
type proc struct {
	t    testing.TB
	name string
	bin  string // the executable, from services.Command
	args []string
	port int
	dir  string
	cmd  *exec.Cmd
	ping func(addr string) bool
}

func (p *proc) addr() string { return "127.0.0.1:" + strconv.Itoa(p.port) }

// start runs the process and waits until it answers.
func (p *proc) start() {
	p.t.Helper()
	p.cmd = exec.Command(p.bin, p.args...)
	log, err := os.OpenFile(filepath.Join(p.dir, "out.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		p.t.Fatal(err)
	}
	defer log.Close()
	p.cmd.Stdout, p.cmd.Stderr = log, log
	if err := p.cmd.Start(); err != nil {
		p.t.Fatalf("starting %s: %v", p.name, err)
	}
	for i := 0; i < 200; i++ {
		if p.ping(p.addr()) {
			return
		}
		time.Sleep(25 * time.Millisecond)
	}
	out, _ := os.ReadFile(filepath.Join(p.dir, "out.log"))
	p.t.Fatalf("%s on %s did not answer:\n%s", p.name, p.addr(), out)
}

// kill ends the process with SIGKILL and waits for it.
func (p *proc) kill() {
	if p.cmd == nil || p.cmd.Process == nil {
		return
	}
	p.cmd.Process.Kill()
	p.cmd.Wait()
	p.cmd = nil
}

// ask sends one command line and reads one reply line.
func ask(addr, line string) (string, error) {
	c, err := net.DialTimeout("tcp", addr, 300*time.Millisecond)
	if err != nil {
		return "", err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write([]byte(line + "\r\n")); err != nil {
		return "", err
	}
	reply, err := bufio.NewReader(c).ReadString('\n')
	return strings.TrimSpace(reply), err
}

func redisPing(addr string) bool {
	r, err := ask(addr, "PING")
	return err == nil && r == "+PONG"
}

// startRedis runs a redis-server of the test's own that keeps its data on
// disk (an append-only file synced on every write), so that a killed and
// restarted server comes back with what it had acknowledged.
func startRedis(t testing.TB, extra ...string) *proc {
	t.Helper()
	bin := services.Command(t, "redis-server")
	dir := t.TempDir()
	port := services.FreePort(t)
	args := []string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "",
		"--appendonly", "yes", "--appendfsync", "always", "--daemonize", "no"}
	p := &proc{t: t, name: "redis-server", bin: bin, args: append(args, extra...), port: port, dir: dir, ping: redisPing}
	p.start()
	t.Cleanup(p.kill)
	return p
}

// startSentinel runs a redis-sentinel watching the master at masterAddr
// under name, with a quorum of 1 and short timeouts.
func startSentinel(t testing.TB, name, masterAddr string) *proc {
	t.Helper()
	bin := services.Command(t, "redis-sentinel")
	dir := t.TempDir()
	port := services.FreePort(t)
	host, mport, _ := net.SplitHostPort(masterAddr)
	conf := fmt.Sprintf("port %d\nbind 127.0.0.1\ndir %s\nsentinel monitor %s %s %s 1\n"+
		"sentinel down-after-milliseconds %s 400\nsentinel failover-timeout %s 4000\n",
		port, dir, name, host, mport, name, name)
	path := filepath.Join(dir, "sentinel.conf")
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	p := &proc{t: t, name: "redis-sentinel", bin: bin, args: []string{path}, port: port, dir: dir, ping: redisPing}
	p.start()
	t.Cleanup(p.kill)
	return p
}

// startMemcached runs a memcached of the test's own.
func startMemcached(t testing.TB) *proc {
	t.Helper()
	bin := services.Command(t, "memcached")
	port := services.FreePort(t)
	args := []string{"-l", "127.0.0.1", "-p", strconv.Itoa(port), "-U", "0", "-m", "16"}
	if os.Geteuid() == 0 {
		args = append(args, "-u", "root")
	}
	p := &proc{t: t, name: "memcached", bin: bin, args: args, port: port, dir: t.TempDir(), ping: func(addr string) bool {
		r, err := ask(addr, "version")
		return err == nil && strings.HasPrefix(r, "VERSION")
	}}
	p.start()
	t.Cleanup(p.kill)
	return p
}
