package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
)

// result is what one run of the tool gives.
type result struct {
	code           int
	stdout, stderr string
}

// cli runs the tool in-process with stdin and args, and checks the
// contract every run must keep: exit code 0, 1 or 2; on failure exactly
// one line on stderr, naming the tool; no internal error (panic).
func cli(t testing.TB, stdin string, args ...string) result {
	t.Helper()
	return cliBytes(t, []byte(stdin), args...)
}

func cliBytes(t testing.TB, stdin []byte, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, bytes.NewReader(stdin), &out, &errb)
	r := result{code: code, stdout: out.String(), stderr: errb.String()}
	if msg := contractViolation(r); msg != "" {
		t.Fatalf("flaskbridge %q: %s\nexit %d\nstdout %q\nstderr %q", args, msg, r.code, r.stdout, r.stderr)
	}
	return r
}

// contractViolation says how r breaks the tool's output contract, or "".
func contractViolation(r result) string {
	switch {
	case r.code < 0 || r.code > 2:
		return "exit code outside 0-2"
	case strings.Contains(r.stderr, "internal error"):
		return "internal error (a recovered panic)"
	case r.code != 0 && r.stdout != "":
		return "output on stdout with a failure"
	case r.code != 0 && (strings.Count(r.stderr, "\n") != 1 || !strings.HasSuffix(r.stderr, "\n")):
		return "a failure must print exactly one line on stderr"
	case r.code != 0 && !strings.HasPrefix(r.stderr, "flaskbridge"):
		return "the error line must name the tool"
	case r.code == 0 && r.stderr != "" && !strings.Contains(r.stderr, "warning:"):
		return "stderr output on success"
	}
	return ""
}

// want checks the exit code, and that stderr holds each of the errs
// fragments.
func (r result) want(t testing.TB, code int, errs ...string) {
	t.Helper()
	if r.code != code {
		t.Errorf("exit %d, want %d\nstdout %q\nstderr %q", r.code, code, r.stdout, r.stderr)
		return
	}
	for _, e := range errs {
		if !strings.Contains(r.stderr, e) {
			t.Errorf("stderr %q does not say %q", r.stderr, e)
		}
	}
}

func TestTopLevel(t *testing.T) {
	cases := []struct {
		args   []string
		code   int
		stdout string // a fragment of stdout
		stderr string // a fragment of stderr
	}{
		{nil, exitUsage, "", "flaskbridge: no command given; run 'flaskbridge --help'"},
		{[]string{"--help"}, exitOK, "Commands:\n  cookie decode", ""},
		{[]string{"-h"}, exitOK, "convert ", ""},
		{[]string{"-help"}, exitOK, "Exit status", ""},
		{[]string{"help"}, exitOK, "cookie encode", ""},
		{[]string{"help", "cookie"}, exitOK, "flaskbridge cookie COMMAND", ""},
		{[]string{"help", "cookie", "decode"}, exitOK, "Usage:\n  flaskbridge cookie decode", ""},
		{[]string{"help", "convert"}, exitOK, "Usage:\n  flaskbridge convert", ""},
		{[]string{"help", "nope"}, exitUsage, "", `flaskbridge: unknown command "nope"`},
		{[]string{"--version"}, exitOK, "flaskbridge ", ""},
		{[]string{"-version"}, exitOK, "flaskbridge ", ""},
		{[]string{"version"}, exitOK, "flaskbridge ", ""},
		{[]string{"--version", "x"}, exitUsage, "", "--version takes no arguments"},
		{[]string{"nope"}, exitUsage, "", `flaskbridge: unknown command "nope"; run 'flaskbridge --help'`},
		{[]string{"--nope"}, exitUsage, "", `unknown command "--nope"`},
		{[]string{"cookie"}, exitUsage, "", "flaskbridge cookie: missing command (decode, encode)"},
		{[]string{"cookie", "--help"}, exitOK, "decode   verify", ""},
		{[]string{"cookie", "-h"}, exitOK, "encode   sign", ""},
		{[]string{"cookie", "nope"}, exitUsage, "", `flaskbridge cookie: unknown command "nope"`},
		{[]string{"cookie", "decode", "--help"}, exitOK, "Example:\n  flaskbridge cookie decode", ""},
		{[]string{"cookie", "encode", "-h"}, exitOK, "Example:\n  echo", ""},
		{[]string{"convert", "--help"}, exitOK, "Example:\n  flaskbridge convert", ""},
		{[]string{"cookie", "decode", "--help", "--bogus"}, exitOK, "Usage:", ""},
	}
	for _, c := range cases {
		r := cli(t, "", c.args...)
		if r.code != c.code || !strings.Contains(r.stdout, c.stdout) || !strings.Contains(r.stderr, c.stderr) {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit %d, stdout with %q, stderr with %q",
				c.args, r.code, r.stdout, r.stderr, c.code, c.stdout, c.stderr)
		}
	}
}

// TestHelpListsEveryFlag checks that the help of every command lists each
// of its flags, the synopsis and an example.
func TestHelpListsEveryFlag(t *testing.T) {
	flags := map[string][]string{
		"cookie decode":   {"--secret-key KEY", "--secret-key-hex HEX", "--secret-key-file FILE", "--fallback-key TEXT", "--fallback-key-hex HEX", "--salt SALT", "--max-age SECONDS", "--now UNIX", "--format FORMAT", "--legacy-epoch\n", "--legacy-sha512\n", "--flask1\n"},
		"cookie encode":   {"--secret-key KEY", "--secret-key-hex HEX", "--secret-key-file FILE", "--salt SALT", "--timestamp UNIX", "--legacy-epoch\n", "--flask1\n", "--from FORMAT"},
		"convert":         {"--from FORMAT", "--to FORMAT", "--hex\n", "--base64\n", "--strict\n", "--pickle-encoding ENCODING", "--markup-as-str\n"},
		"session get":     {"--store URL", "--key-prefix PREFIX", "--secret-key KEY", "--secret-key-hex HEX", "--secret-key-file FILE", "--format FORMAT", "--now UNIX"},
		"session set":     {"--store URL", "--key-prefix PREFIX", "--secret-key KEY", "--compat VERSION", "--serializer FORMAT", "--ttl SECONDS", "--pickle-protocol PROTOCOL", "--markup-as-str\n"},
		"session delete":  {"--store URL", "--key-prefix PREFIX", "--secret-key KEY", "--missing-ok\n"},
		"session list":    {"--store URL", "--key-prefix PREFIX", "--pattern GLOB", "--count\n", "--now UNIX"},
		"session migrate": {"--store URL", "--key-prefix PREFIX", "--to FORMAT", "--dry-run\n", "--pattern GLOB", "--pickle-protocol PROTOCOL", "--markup-as-str\n"},
	}
	n := 0
	for _, g := range commands() {
		cmds := g.sub
		if g.run != nil {
			cmds = []*command{g}
		}
		for _, c := range cmds {
			n++
			r := cli(t, "", append(strings.Fields(c.name), "--help")...)
			if r.code != 0 {
				t.Errorf("%s --help: exit %d", c.name, r.code)
			}
			for _, f := range flags[c.name] {
				if !strings.Contains(r.stdout, "\n  "+f) {
					t.Errorf("%s --help does not list %q:\n%s", c.name, f, r.stdout)
				}
			}
			if !strings.Contains(r.stdout, "\nExample:\n  flaskbridge ") && !strings.Contains(r.stdout, "| flaskbridge ") {
				t.Errorf("%s --help has no example:\n%s", c.name, r.stdout)
			}
			if c.about == "" || c.summary == "" || c.synopsis == "" {
				t.Errorf("%s: help text missing", c.name)
			}
		}
	}
	if n != len(flags) {
		t.Errorf("%d commands, %d checked", n, len(flags))
	}
}

func TestVersion(t *testing.T) {
	r := cli(t, "", "--version")
	if !strings.HasPrefix(r.stdout, "flaskbridge ") || strings.Count(r.stdout, "\n") != 1 {
		t.Errorf("--version printed %q", r.stdout)
	}
}

// TestRecoverLastResort checks the last resort: a panic in a command
// becomes one line and exit code 1.
func TestRecoverLastResort(t *testing.T) {
	var out, errb bytes.Buffer
	c := &command{name: "boom", run: func(*env, *command, []string) error { panic("kaboom\nsecond line") }}
	code := func() (code int) {
		e := &env{ctx: context.Background(), stdin: strings.NewReader(""), stdout: &out, stderr: &errb}
		defer func() {
			if r := recover(); r != nil {
				t.Fatalf("panic escaped: %v", r)
			}
		}()
		return runWith(e, []*command{c}, []string{"boom"})
	}()
	if code != exitInvalid || errb.String() != "flaskbridge boom: internal error: kaboom\\u000asecond line\n" {
		t.Errorf("exit %d, stderr %q", code, errb.String())
	}
}

func TestOneLine(t *testing.T) {
	cases := map[string]string{
		"plain text":       "plain text",
		"a\nb\r\tc":        `a\u000ab\u000d\u0009c`,
		"bad \xff byte":    `bad \xff byte`,
		"caf\u00e9 \u2028": `caf` + "\u00e9" + ` \u2028`,
		"\x1b[31mred":      `\u001b[31mred`,
	}
	for in, want := range cases {
		if got := oneLine(in); got != want {
			t.Errorf("oneLine(%q) = %q, want %q", in, got, want)
		}
	}
}

// errWriter fails every write.
type errWriter struct{}

func (errWriter) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }

func TestWriteError(t *testing.T) {
	var errb bytes.Buffer
	code := run([]string{"convert", "--from", "repr", "--to", "repr"}, strings.NewReader("1"), errWriter{}, &errb)
	if code != exitInvalid || errb.String() != "flaskbridge convert: broken pipe\n" {
		t.Errorf("exit %d, stderr %q", code, errb.String())
	}
}

// errReader fails every read.
type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, io.ErrUnexpectedEOF }

func TestReadError(t *testing.T) {
	var out, errb bytes.Buffer
	code := run([]string{"convert", "--from", "repr", "--to", "repr"}, errReader{}, &out, &errb)
	if code != exitInvalid || !strings.Contains(errb.String(), "reading stdin: unexpected EOF") {
		t.Errorf("exit %d, stderr %q", code, errb.String())
	}
}

func TestInputLimit(t *testing.T) {
	if _, err := readInput(strings.NewReader("12345"), 4); err == nil || !strings.Contains(err.Error(), "larger than 4 bytes") {
		t.Errorf("readInput over the limit: %v", err)
	}
	if b, err := readInput(strings.NewReader("1234"), 4); err != nil || string(b) != "1234" {
		t.Errorf("readInput at the limit: %q, %v", b, err)
	}
}
