package main

import (
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"
)

// errHelp reports that help was asked for and printed: exit code 0.
var errHelp = errors.New("help requested")

// usageError is a mistake on the command line: exit code 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usageErrorf(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// inputError wraps an error about the input with what was being done.
func inputError(what string, err error) error {
	return fmt.Errorf("%s: %w", what, err)
}

// flagSet is a flag.FlagSet that remembers the order its flags were
// defined in, for the help text.
type flagSet struct {
	*flag.FlagSet
	order []string
}

func newFlagSet(c *command) *flagSet {
	fs := flag.NewFlagSet(program+" "+c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return &flagSet{FlagSet: fs}
}

func (f *flagSet) Var(v flag.Value, name, usage string) {
	f.FlagSet.Var(v, name, usage)
	f.order = append(f.order, name)
}

func (f *flagSet) String(name, value, usage string) *string {
	p := new(string)
	f.FlagSet.StringVar(p, name, value, usage)
	f.order = append(f.order, name)
	return p
}

func (f *flagSet) Int64(name string, value int64, usage string) *int64 {
	p := new(int64)
	f.FlagSet.Int64Var(p, name, value, usage)
	f.order = append(f.order, name)
	return p
}

func (f *flagSet) Bool(name string, value bool, usage string) *bool {
	p := new(bool)
	f.FlagSet.BoolVar(p, name, value, usage)
	f.order = append(f.order, name)
	return p
}

// isSet reports whether the flag name was given on the command line.
func (f *flagSet) isSet(name string) bool {
	set := false
	f.Visit(func(fl *flag.Flag) {
		if fl.Name == name {
			set = true
		}
	})
	return set
}

// parse parses args with fs and returns the positional arguments. Flags
// and arguments may come in any order; "--" ends the flags. An argument
// that starts with "-" but holds a "." before any "=" (a cookie value
// whose base64 starts with "-") is an argument, never a flag. On -h or
// --help it prints the help of c and returns errHelp.
func (e *env) parse(c *command, fs *flagSet, args []string) ([]string, error) {
	var flagArgs, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			pos = append(pos, a)
			continue
		}
		name, _, hasValue := strings.Cut(strings.TrimPrefix(a[1:], "-"), "=")
		if strings.Contains(name, ".") {
			pos = append(pos, a)
			continue
		}
		flagArgs = append(flagArgs, a)
		if hasValue {
			continue
		}
		if f := fs.Lookup(name); f != nil && !isBoolFlag(f) && i+1 < len(args) {
			i++
			flagArgs = append(flagArgs, args[i])
		}
	}
	if err := fs.Parse(flagArgs); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, e.help(commandHelp(c, fs))
		}
		return nil, &usageError{msg: flagDashes(err.Error())}
	}
	return append(pos, fs.Args()...), nil
}

// flagDashes writes the flag names in an error of package flag with the
// two dashes of the help text: "--max-age", not "-max-age".
func flagDashes(msg string) string {
	return strings.NewReplacer(
		"not defined: -", "not defined: --",
		"for flag -", "for flag --",
		"an argument: -", "an argument: --",
		" for -", " for --",
	).Replace(msg)
}

func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// help prints text on stdout and returns errHelp.
func (e *env) help(text string) error {
	if _, err := io.WriteString(e.stdout, text); err != nil {
		return err
	}
	return errHelp
}

// commandHelp is the --help text of a command.
func commandHelp(c *command, fs *flagSet) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Usage:\n  %s %s %s\n\n%s\n", program, c.name, c.synopsis, strings.TrimRight(c.about, "\n"))
	if len(fs.order) > 0 {
		b.WriteString("\nFlags:\n")
		for _, name := range fs.order {
			f := fs.Lookup(name)
			meta, usage := flag.UnquoteUsage(f)
			fmt.Fprintf(&b, "  --%s", name)
			if meta != "" && !isBoolFlag(f) {
				fmt.Fprintf(&b, " %s", meta)
			}
			b.WriteString("\n")
			for _, line := range strings.Split(usage, "\n") {
				fmt.Fprintf(&b, "        %s\n", line)
			}
			if f.DefValue != "" && f.DefValue != "false" && !strings.Contains(usage, "(default") {
				fmt.Fprintf(&b, "        (default %s)\n", f.DefValue)
			}
		}
	}
	fmt.Fprintf(&b, "\nExample:\n%s\n", strings.TrimRight(c.example, "\n"))
	return b.String()
}

// maxInput bounds what is read from stdin: the largest pickle the pickle
// package reads by default.
const maxInput = 64 << 20

// readInput reads all of r, up to limit bytes.
func readInput(r io.Reader, limit int64) ([]byte, error) {
	if r == nil {
		return nil, nil
	}
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading stdin: %w", err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("input larger than %d bytes", limit)
	}
	return data, nil
}

// trimNewline removes one trailing newline ("\n" or "\r\n").
func trimNewline(s string) string {
	s = strings.TrimSuffix(s, "\n")
	return strings.TrimSuffix(s, "\r")
}

// oneLine makes s fit on one line of a terminal: control characters and
// bytes that are not UTF-8 are escaped.
func oneLine(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == 0x2028 || r == 0x2029:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// Secret keys.

// keyFlags are the flags that give the secret key and its fallbacks.
type keyFlags struct {
	secret    []byte
	given     []string // the secret key flags given, for the usage errors
	fallbacks [][]byte
}

// define adds --secret-key, --secret-key-hex and --secret-key-file, and
// with fallbacks --fallback-key and --fallback-key-hex.
func (k *keyFlags) define(fs *flagSet, fallbacks bool) {
	fs.Var(&keyValue{k: k, name: "secret-key", decode: textKey}, "secret-key",
		"the app's SECRET_KEY, a text `KEY` (its UTF-8 bytes sign)")
	fs.Var(&keyValue{k: k, name: "secret-key-hex", decode: hexKey}, "secret-key-hex",
		"the SECRET_KEY as the `HEX` of its bytes, for a bytes key (os.urandom)")
	fs.Var(&keyValue{k: k, name: "secret-key-file", decode: fileKey}, "secret-key-file",
		"read the SECRET_KEY's bytes from `FILE` (one trailing newline dropped),\nkeeping the key out of the process list")
	if fallbacks {
		fs.Var(&keyList{dst: &k.fallbacks, decode: textKey}, "fallback-key",
			"an older key of SECRET_KEY_FALLBACKS, as `TEXT`; repeat the flag for each,\nin the order of the config list (cookies are tried with the\nsecret key first, then the fallbacks from the last to the first)")
		fs.Var(&keyList{dst: &k.fallbacks, decode: hexKey}, "fallback-key-hex",
			"a fallback key as the `HEX` of its bytes; mixes with --fallback-key\nin the order given")
	}
}

// key returns the secret key, and whether one was given. Giving more than
// one, or an empty one, is a usage error.
func (k *keyFlags) key() ([]byte, bool, error) {
	switch len(k.given) {
	case 0:
		if len(k.fallbacks) > 0 {
			return nil, false, usageErrorf("--fallback-key needs --secret-key: fallbacks only verify, the secret key is tried first")
		}
		return nil, false, nil
	case 1:
		if len(k.secret) == 0 {
			return nil, false, usageErrorf("--%s is empty: Flask has no session without a secret key", k.given[0])
		}
		return k.secret, true, nil
	}
	return nil, false, usageErrorf("give one secret key, not --%s and --%s", k.given[0], k.given[1])
}

func textKey(s string) ([]byte, error) { return []byte(s), nil }

func hexKey(s string) ([]byte, error) {
	s = strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(s), "0x"), "0X")
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, errors.New("not hexadecimal")
	}
	return b, nil
}

func fileKey(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := readInput(f, 1<<20)
	if err != nil {
		return nil, err
	}
	return []byte(trimNewline(string(b))), nil
}

// keyValue is the flag.Value of one secret key flag.
type keyValue struct {
	k      *keyFlags
	name   string
	decode func(string) ([]byte, error)
}

func (v *keyValue) String() string { return "" }

func (v *keyValue) Set(s string) error {
	b, err := v.decode(s)
	if err != nil {
		return err
	}
	v.k.secret = b
	v.k.given = append(v.k.given, v.name)
	return nil
}

// keyList is the flag.Value of a repeated key flag.
type keyList struct {
	dst    *[][]byte
	decode func(string) ([]byte, error)
}

func (l *keyList) String() string { return "" }

func (l *keyList) Set(s string) error {
	b, err := l.decode(s)
	if err != nil {
		return err
	}
	*l.dst = append(*l.dst, b)
	return nil
}
