package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
)

// Exit codes.
const (
	exitOK      = 0 // success, or help asked for
	exitInvalid = 1 // the input is invalid: bad signature, expired, malformed...
	exitUsage   = 2 // the command line is wrong
)

const program = "flaskbridge"

// A command is one command of the tool (cookie decode), or a group of
// commands (cookie) when it has subcommands instead of a run function.
type command struct {
	name     string // the full name, "cookie decode"
	summary  string // one line, for the list of commands
	synopsis string // the arguments after the name, for the usage line
	about    string // what it does, for --help
	example  string // one or more example command lines, for --help
	run      func(e *env, c *command, args []string) error
	sub      []*command
}

// commands is the table of the tool's commands. A new group lives in a file
// of its own and adds its constructor here.
func commands() []*command {
	return []*command{
		cookieCommand(),
		convertCommand(),
		sessionCommand(),
	}
}

// env is what a command talks to.
type env struct {
	// ctx ends when the user interrupts the tool; commands that do I/O
	// beyond stdin and stdout pass it on.
	ctx            context.Context
	stdin          io.Reader
	stdout, stderr io.Writer
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := runContext(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run runs the tool with the command-line arguments args (without the
// program name) and returns its exit code: 0 on success, 1 on invalid
// input, 2 on a usage error. Errors are reported as one line on stderr.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return runContext(context.Background(), args, stdin, stdout, stderr)
}

// runContext is run with a context for the commands.
func runContext(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return runWith(&env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr}, commands(), args)
}

// runWith is run with the command table table.
func runWith(e *env, table []*command, args []string) (code int) {
	name := program
	defer func() {
		// A last resort: no input should get here, but if one does, the
		// user gets one line and exit code 1 rather than a stack trace.
		if r := recover(); r != nil {
			fmt.Fprintf(e.stderr, "%s: internal error: %s\n", name, oneLine(fmt.Sprint(r)))
			code = exitInvalid
		}
	}()
	if len(args) > 0 && args[0] == "help" {
		// "help cookie decode" is "cookie decode --help".
		args = append(args[1:len(args):len(args)], "--help")
	}
	c, rest := resolve(table, args)
	if c != nil {
		name = program + " " + c.name
	}
	var err error
	switch {
	case c == nil && len(rest) == 0:
		err = usageErrorf("no command given; run '%s --help' for the list", program)
	case c == nil && isHelpFlag(rest[0]):
		err = e.help(topHelp(table))
	case c == nil && (rest[0] == "--version" || rest[0] == "-version" || rest[0] == "version"):
		if len(rest) > 1 {
			err = usageErrorf("%s takes no arguments", rest[0])
		} else {
			err = printVersion(e)
		}
	case c == nil:
		err = usageErrorf("unknown command %q; run '%s --help' for the list", rest[0], program)
	case c.run != nil:
		err = c.run(e, c, rest)
	case len(rest) == 0:
		err = usageErrorf("missing command (%s); run '%s %s --help'", subNames(c), program, c.name)
	case isHelpFlag(rest[0]):
		err = e.help(groupHelp(c))
	default:
		err = usageErrorf("unknown command %q; run '%s %s --help' for the list", rest[0], program, c.name)
	}
	return report(e, name, err)
}

// resolve walks the command table along the first arguments and returns
// the command they name (nil when the first names none) and the arguments
// left after its name.
func resolve(table []*command, args []string) (*command, []string) {
	var c *command
	list := table
	for len(args) > 0 {
		found := find(list, args[0])
		if found == nil {
			break
		}
		c, args, list = found, args[1:], found.sub
		if c.run != nil {
			break
		}
	}
	return c, args
}

func find(list []*command, name string) *command {
	for _, c := range list {
		if lastWord(c.name) == name {
			return c
		}
	}
	return nil
}

func subNames(c *command) string {
	names := make([]string, len(c.sub))
	for i, s := range c.sub {
		names[i] = lastWord(s.name)
	}
	return strings.Join(names, ", ")
}

func lastWord(s string) string {
	if i := strings.LastIndexByte(s, ' '); i >= 0 {
		return s[i+1:]
	}
	return s
}

func isHelpFlag(s string) bool {
	return s == "-h" || s == "-help" || s == "--help"
}

// report writes err, if any, as one line on stderr and returns the exit
// code for it.
func report(e *env, name string, err error) int {
	var u *usageError
	switch {
	case err == nil, errors.Is(err, errHelp):
		return exitOK
	case errors.As(err, &u):
		fmt.Fprintf(e.stderr, "%s: %s\n", name, oneLine(err.Error()))
		return exitUsage
	default:
		fmt.Fprintf(e.stderr, "%s: %s\n", name, oneLine(err.Error()))
		return exitInvalid
	}
}

// printVersion prints the version of the module the binary was built from.
func printVersion(e *env) error {
	version := "(devel)"
	var rev, modified string
	if info, ok := debug.ReadBuildInfo(); ok {
		if v := info.Main.Version; v != "" {
			version = v
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					modified = ", modified"
				}
			}
		}
	}
	line := program + " " + version
	if rev != "" && version == "(devel)" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		line += " (" + rev + modified + ")"
	}
	_, err := fmt.Fprintln(e.stdout, line)
	return err
}

func topHelp(table []*command) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s reads and writes Flask's sessions: signed cookies, pickles, msgpack.\n\n", program)
	fmt.Fprintf(&b, "Usage:\n  %s COMMAND [flags] [arguments]\n\nCommands:\n", program)
	for _, c := range table {
		if c.run != nil {
			fmt.Fprintf(&b, "  %-16s %s\n", c.name, c.summary)
			continue
		}
		for _, s := range c.sub {
			fmt.Fprintf(&b, "  %-16s %s\n", s.name, s.summary)
		}
	}
	fmt.Fprintf(&b, "\nRun '%s COMMAND --help' for the flags of a command, with examples.\n", program)
	fmt.Fprintf(&b, "'%s --version' prints the version.\n", program)
	fmt.Fprintf(&b, "\nExit status: 0 on success, 1 when the input is invalid (bad signature,\nexpired cookie, malformed data), 2 when the command line is wrong.\n")
	return b.String()
}

func groupHelp(c *command) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\nUsage:\n  %s %s COMMAND [flags] [arguments]\n\nCommands:\n", c.summary, program, c.name)
	for _, s := range c.sub {
		fmt.Fprintf(&b, "  %-8s %s\n", lastWord(s.name), s.summary)
	}
	fmt.Fprintf(&b, "\nRun '%s %s COMMAND --help' for the flags of a command, with examples.\n", program, c.name)
	return b.String()
}
