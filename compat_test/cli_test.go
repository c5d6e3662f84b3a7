package compat_test

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flaskbridge/flaskbridge/internal/pyharness"
)

// The flaskbridge command line against the real Python stack: the binary
// is built and run as a user runs it, and what it prints is compared with
// what Flask, CPython's pickle and msgspec give for the same input.

// cliBinary builds cmd/flaskbridge into a temporary directory.
func cliBinary(t *testing.T) string {
	t.Helper()
	root, err := pyharness.Root()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "flaskbridge")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/flaskbridge")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/flaskbridge: %v\n%s", err, out)
	}
	return bin
}

type cliResult struct {
	code           int
	stdout, stderr string
}

// runCLI runs the binary and checks the output contract: exit 0, 1 or 2,
// and one line on stderr when it fails.
func runCLI(t *testing.T, bin string, stdin []byte, args ...string) cliResult {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Stdin = bytes.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := cliResult{stdout: out.String(), stderr: errb.String()}
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		r.code = exit.ExitCode()
	default:
		t.Fatalf("running %s: %v", bin, err)
	}
	if r.code != 0 && (r.code > 2 || strings.Count(r.stderr, "\n") != 1 || !strings.HasPrefix(r.stderr, "flaskbridge")) {
		t.Fatalf("flaskbridge %.200q: exit %d, stderr %q: want exit 1 or 2 and one line", args, r.code, r.stderr)
	}
	if strings.Contains(r.stderr, "panic") || strings.Contains(r.stderr, "internal error") {
		t.Fatalf("flaskbridge %.200q: %s", args, r.stderr)
	}
	return r
}

// keyFlag gives a key to the command line: as text when it can travel in
// an argument, else as hex.
func keyFlag(kind string, k []byte) []string {
	if bytes.IndexByte(k, 0) < 0 && isUTF8(k) {
		return []string{"--" + kind, string(k)}
	}
	return []string{"--" + kind + "-hex", hex.EncodeToString(k)}
}

func isUTF8(b []byte) bool { return strings.ToValidUTF8(string(b), "\uFFFD") == string(b) }

// pyKey is a key as the Python ops take it.
func pyKey(k []byte) map[string]any {
	if isUTF8(k) {
		return map[string]any{"text": string(k)}
	}
	return map[string]any{"hex": hex.EncodeToString(k)}
}

// cliKeys are the secret keys of the cookie tests: text (ASCII, Unicode,
// long, with NUL) and bytes.
var cliKeys = [][]byte{
	[]byte("dev"),
	[]byte("correct horse battery staple"),
	[]byte("clé secrète ☃ 🔑"),
	[]byte("\x00nul\x00"),
	[]byte(strings.Repeat("long key ", 40)),
	{0x5f, 0x3c, 0x1a, 0x9e, 0x8b, 0x7d, 0x6c, 0x2f, 0x4e, 0x1a, 0x0b, 0x9c, 0x8d, 0x7e, 0x6f, 0x50},
	{0xe9},
}

type cookieCase struct {
	Repr      string           `json:"repr_text"`
	SignKey   map[string]any   `json:"sign_key"`
	Timestamp int64            `json:"timestamp"`
	Salt      *string          `json:"salt,omitempty"`
	Tamper    string           `json:"tamper,omitempty"`
	Key       map[string]any   `json:"key"`
	Fallbacks []map[string]any `json:"fallbacks,omitempty"`
	Now       int64            `json:"now"`
	Lifetime  *int64           `json:"lifetime,omitempty"`

	// The same, for the command line.
	args []string
	name string
}

type cookieVerdict struct {
	Cookie    string `json:"cookie"`
	Repr      string `json:"repr"`
	Tagged    string `json:"tagged"`
	JSON      string `json:"json"`
	JSONError string `json:"json_error"`
	Error     string `json:"error"`
	Message   string `json:"message"`
	SignError string `json:"sign_error"`
}

// cookieCases builds the cases for one Flask line: every session signed
// with every key, then the same sessions expired, signed in the future,
// at the edge of the lifetime, tampered with, under another salt and, on
// Flask 3.1, verified with fallback keys.
func cookieCases(sessions []string, fallbacks bool) []cookieCase {
	var cases []cookieCase
	add := func(name, repr string, sign, key []byte, fb [][]byte, ts, now int64, lifetime *int64, salt *string, tamper string) {
		c := cookieCase{Repr: repr, SignKey: pyKey(sign), Timestamp: ts, Salt: salt, Tamper: tamper, Key: pyKey(key), Now: now, Lifetime: lifetime, name: name}
		c.args = append([]string{"cookie", "decode", "--now", strconv.FormatInt(now, 10)}, keyFlag("secret-key", key)...)
		for _, k := range fb {
			c.Fallbacks = append(c.Fallbacks, pyKey(k))
			c.args = append(c.args, keyFlag("fallback-key", k)...)
		}
		if lifetime != nil {
			c.args = append(c.args, "--max-age", strconv.FormatInt(*lifetime, 10))
		}
		if salt != nil {
			c.args = append(c.args, "--salt", *salt)
		}
		cases = append(cases, c)
	}
	lt := func(n int64) *int64 { return &n }
	str := func(s string) *string { return &s }
	const month = 2678400
	for i, s := range sessions {
		k := cliKeys[i%len(cliKeys)]
		other := cliKeys[(i+1)%len(cliKeys)]
		name := fmt.Sprintf("session %d", i)
		add(name, s, k, k, nil, cookieTS, cookieTS, nil, nil, "")
		switch i % 8 {
		case 0:
			add(name+" expired", s, k, k, nil, cookieTS-month-1, cookieTS, nil, nil, "")
			add(name+" at max age", s, k, k, nil, cookieTS-month, cookieTS, nil, nil, "")
		case 1:
			add(name+" future", s, k, k, nil, cookieTS+1, cookieTS, nil, nil, "")
			add(name+" lifetime 60", s, k, k, nil, cookieTS-60, cookieTS, lt(60), nil, "")
			add(name+" lifetime 60 expired", s, k, k, nil, cookieTS-61, cookieTS, lt(60), nil, "")
		case 2:
			add(name+" wrong key", s, other, k, nil, cookieTS, cookieTS, nil, nil, "")
			add(name+" salt", s, k, k, nil, cookieTS, cookieTS, nil, str("my salt"), "")
		case 3:
			for _, tamper := range []string{"signature", "payload", "timestamp", "truncate", "swap"} {
				add(name+" tampered "+tamper, s, k, k, nil, cookieTS, cookieTS, nil, nil, tamper)
			}
		case 4:
			if fallbacks {
				add(name+" fallback", s, other, k, [][]byte{[]byte("x"), other}, cookieTS, cookieTS, nil, nil, "")
				add(name+" fallback first", s, other, k, [][]byte{other, []byte("x")}, cookieTS, cookieTS, nil, nil, "")
				add(name+" fallback expired", s, other, k, [][]byte{other}, cookieTS-month-1, cookieTS, nil, nil, "")
				add(name+" fallback unknown", s, other, k, [][]byte{[]byte("x")}, cookieTS, cookieTS, nil, nil, "")
			}
		}
	}
	return cases
}

// fixedCLISessions are written by hand, one for each kind of value and
// escape; random ones come from Python.
var fixedCLISessions = append([]string{
	`{'_fresh': True, '_id': '` + strings.Repeat("ab", 64) + `', '_user_id': '42', 'csrf_token': '51c0ae4e'}`,
	`{'history': [` + strings.Repeat(`'/page/1', `, 300) + `'/']}`,
	`{'when': datetime.datetime(2024, 5, 17, 12, 34, 56, 789), 'day': datetime.date(2024, 5, 17), 'dec': Decimal('1.10')}`,
	`{'k': {2: 'b', 1: 'a', 10: 'c', True: 'x', 1.5: 'y', None: 'n'}}`,
	`{'mixed': {1: 'a', 'b': 2}}`,
	`{'b': b'\x00\xff', 'u': UUID('12345678-1234-5678-1234-567812345678')}`,
}, fixedSessions...)

// TestCLICookieDecodeFlask has real Flask write cookies, and the command
// line decode them: it prints the repr, the tagged JSON and the
// app.json.dumps of the session Flask loads, and refuses (exit 1, with the
// reason) what Flask refuses.
func TestCLICookieDecodeFlask(t *testing.T) {
	bin := cliBinary(t)
	n := 120
	if testing.Short() {
		n = 30
	}
	forEachFlask(t, func(t *testing.T, h *pyharness.Helper) {
		var random []string
		h.MustCall(t, "cli.random_sessions", map[string]any{"seed": cookieTS, "count": n}, &random)
		sessions := make([]string, 0, len(fixedCLISessions)+n)
		for _, s := range fixedCLISessions {
			sessions = append(sessions, expand(t, h, s))
		}
		sessions = append(sessions, random...)
		cases := cookieCases(sessions, h.Venv == "flask31")
		if flask1(h) {
			for i := range cases {
				cases[i].args = append(cases[i].args, "--flask1")
			}
		}
		var verdicts []cookieVerdict
		h.MustCall(t, "cli.cookies", map[string]any{"cases": cases}, &verdicts)
		ok, refused, compressed := 0, 0, 0
		for i, c := range cases {
			v := verdicts[i]
			if v.SignError != "" {
				continue // Flask cannot write it (TestCLICookieEncodeFlask checks that we refuse it too)
			}
			if strings.HasPrefix(v.Cookie, ".") {
				compressed++
			}
			args := append(c.args, "--", v.Cookie)
			r := runCLI(t, bin, nil, args...)
			if v.Error != "" {
				refused++
				want := cliVerdict(v.Error, v.Message)
				if r.code != 1 || !strings.Contains(r.stderr, want) {
					t.Errorf("%s: Flask: %s: %s; flaskbridge: exit %d %s (want %q)", c.name, v.Error, v.Message, r.code, r.stderr, want)
				}
				continue
			}
			ok++
			if r.code != 0 || r.stdout != v.Repr+"\n" {
				t.Errorf("%s (%s):\n got exit %d %s%s\nwant %s", c.name, v.Cookie, r.code, r.stderr, r.stdout, v.Repr)
				continue
			}
			// The other formats, and the cookie from stdin.
			r = runCLI(t, bin, []byte(v.Cookie+"\n"), append(c.args, "--format", "tagged", "-")...)
			if r.code != 0 || r.stdout != v.Tagged+"\n" {
				t.Errorf("%s: tagged:\n got exit %d %s%s\nwant %s", c.name, r.code, r.stderr, r.stdout, v.Tagged)
			}
			r = runCLI(t, bin, nil, append(c.args, "--format", "json", v.Cookie)...)
			switch {
			case v.JSONError != "":
				if r.code != 1 || !strings.Contains(r.stderr, "cannot be printed as json") {
					t.Errorf("%s: json: Flask raises %s; flaskbridge: exit %d %s%s", c.name, v.JSONError, r.code, r.stderr, r.stdout)
				}
			case r.code != 0 || r.stdout != v.JSON+"\n":
				t.Errorf("%s: json:\n got exit %d %s%s\nwant %s", c.name, r.code, r.stderr, r.stdout, v.JSON)
			}
		}
		t.Logf("%d cookies loaded, %d refused, %d compressed", ok, refused, compressed)
		if ok < n || refused < 10 || compressed < 5 {
			t.Errorf("too few cases: %d loaded, %d refused, %d compressed", ok, refused, compressed)
		}
	})
}

// cliVerdict is the fragment of the error line for what Flask raised.
func cliVerdict(pyErr, msg string) string {
	lower := func(s string) string { return strings.ToLower(s[:1]) + s[1:] }
	switch {
	case pyErr == "BadSignature":
		return "invalid cookie: flaskcookie: bad signature"
	case pyErr == "SignatureExpired" && strings.Contains(msg, "< 0"):
		return "invalid cookie: flaskcookie: signature timestamp is in the future: " + lower(msg)
	case pyErr == "SignatureExpired":
		return "invalid cookie: flaskcookie: signature expired: " + lower(msg)
	}
	return "invalid cookie: flaskcookie: malformed payload"
}

// TestCLICookieEncodeFlask has the command line sign sessions (from repr
// and from tagged JSON) and real Flask load them: Flask loads the session
// it loads from its own cookie, and the cookie is Flask's, byte for byte.
func TestCLICookieEncodeFlask(t *testing.T) {
	bin := cliBinary(t)
	n := 120
	if testing.Short() {
		n = 30
	}
	forEachFlask(t, func(t *testing.T, h *pyharness.Helper) {
		var random []string
		h.MustCall(t, "cli.random_sessions", map[string]any{"seed": cookieTS + 1, "count": n}, &random)
		var sessions []string
		for _, s := range fixedCLISessions {
			sessions = append(sessions, expand(t, h, s))
		}
		sessions = append(sessions, random...)
		type item struct {
			Cookie    string         `json:"cookie"`
			Repr      string         `json:"repr_text"`
			Key       map[string]any `json:"key"`
			Salt      *string        `json:"salt,omitempty"`
			Timestamp int64          `json:"timestamp"`
		}
		var items []item
		for i, s := range sessions {
			k := cliKeys[i%len(cliKeys)]
			args := append([]string{"cookie", "encode", "--timestamp", strconv.Itoa(cookieTS)}, keyFlag("secret-key", k)...)
			if flask1(h) {
				args = append(args, "--flask1")
			}
			if werkzeug0(h) {
				args = append(args, "--werkzeug0")
			}
			var salt *string
			if i%5 == 4 {
				s := "salt " + strconv.Itoa(i)
				salt = &s
				args = append(args, "--salt", s)
			}
			r := runCLI(t, bin, []byte(s+"\n"), args...)
			if r.code != 0 {
				// Only values Flask cannot serialize either may fail;
				// check_cookies reports Flask's error for them.
				if !strings.Contains(r.stderr, "cannot be written as a cookie") {
					t.Errorf("%s: exit %d %s", s, r.code, r.stderr)
				}
			}
			items = append(items, item{Cookie: strings.TrimSuffix(r.stdout, "\n"), Repr: s, Key: pyKey(k), Salt: salt, Timestamp: cookieTS})
		}
		var res []struct {
			Same              bool
			Repr, Want, Error string
			Tagged            string
			FlaskCookie       string `json:"flask_cookie"`
			FlaskErr          string `json:"flask_error"`
		}
		h.MustCall(t, "cli.check_cookies", map[string]any{"items": items}, &res)
		loaded, tagged, unwritable := 0, 0, 0
		for i, r := range res {
			it := items[i]
			switch {
			case r.FlaskErr != "":
				if it.Cookie != "" {
					t.Errorf("%s: Flask cannot serialize it (%s), flaskbridge wrote %s", it.Repr, r.FlaskErr, it.Cookie)
				}
				unwritable++
				continue
			case it.Cookie == "":
				t.Errorf("%s: flaskbridge failed, Flask writes %s", it.Repr, r.FlaskCookie)
				continue
			case r.Error != "" || !r.Same:
				t.Errorf("%s: Flask loads %s (%s), want %s", it.Repr, r.Repr, r.Error, r.Want)
			case it.Cookie != r.FlaskCookie:
				t.Errorf("%s:\n got %s\nwant %s (Flask's cookie)", it.Repr, it.Cookie, r.FlaskCookie)
			}
			loaded++
			if r.Want != it.Repr {
				continue // not kept by the tagged JSON (int keys, dates...)
			}
			// From Flask's tagged JSON, the same cookie.
			args := append([]string{"cookie", "encode", "--timestamp", strconv.Itoa(cookieTS), "--from", "tagged"}, keyFlag("secret-key", cliKeys[i%len(cliKeys)])...)
			if it.Salt != nil {
				args = append(args, "--salt", *it.Salt)
			}
			tagged++
			c := runCLI(t, bin, []byte(r.Tagged), args...)
			if c.code != 0 || c.stdout != r.FlaskCookie+"\n" {
				t.Errorf("%s: from tagged %s:\n got exit %d %s%s\nwant %s", it.Repr, r.Tagged, c.code, c.stderr, c.stdout, r.FlaskCookie)
			}
		}
		t.Logf("%d cookies loaded in Flask, %d also written from tagged JSON, %d refused by both", loaded, tagged, unwritable)
		want := n
		if flask1(h) {
			want -= unwritable // Flask 1.x cannot write a Decimal
		}
		if loaded < want || tagged < n/8 {
			t.Errorf("only %d cookies loaded in Flask, %d from tagged JSON", loaded, tagged)
		}
	})
}

// pickleInterpreters are the CPython versions of the pickle tests: the
// flask31 venv (3.11, with markupsafe) and the bare pyenv interpreters.
var pickleInterpreters = []string{"3.8.18", "3.9.18", "3.10.13", "3.12.1", "3.13.0"}

// forEachPython runs f against the flask31 venv and every pyenv CPython 3
// the machine has.
func forEachPython(t *testing.T, f func(t *testing.T, h *pyharness.Helper)) {
	t.Run("flask31", func(t *testing.T) { f(t, pyharness.Start(t, "flask31")) })
	for _, v := range pickleInterpreters {
		t.Run("python"+v, func(t *testing.T) {
			python := filepath.Join("/root/.pyenv/versions", v, "bin", "python")
			if _, err := os.Stat(python); err != nil {
				if os.Getenv(pyharness.RequireEnv) == "1" {
					t.Logf("%s not installed", python)
				}
				t.Skipf("%s not installed (pyenv install %s)", python, v)
			}
			h, err := pyharness.StartPython(python)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(h.Close)
			f(t, h)
		})
	}
}

// TestCLIPickleCPython runs pickles written by real CPython (random
// sessions at every protocol, and objects of application and library
// classes) through convert: --to repr prints CPython 3.11's repr of
// pickle.loads (objects of unknown classes in the tool's own form), and
// --to pickle gives back the input, byte for byte.
func TestCLIPickleCPython(t *testing.T) {
	bin := cliBinary(t)
	n := 40
	if testing.Short() {
		n = 10
	}
	// The reference repr is CPython 3.11's, which the tool prints (3.12
	// prints OrderedDict otherwise).
	ref := pyharness.Start(t, "flask31")
	forEachPython(t, func(t *testing.T, h *pyharness.Helper) {
		var ps []struct {
			Pickle   string
			Protocol int
			Repr     string
			Opaque   bool
		}
		h.MustCall(t, "cli.pickles", map[string]any{"seed": 7, "count": n, "protocols": []int{0, 1, 2, 3, 4, 5}}, &ps)
		b64s := make([]string, len(ps))
		for i, p := range ps {
			b64s[i] = p.Pickle
		}
		var reprs []struct{ Repr, Error string }
		ref.MustCall(t, "cli.loads_reprs", map[string]any{"items": b64s}, &reprs)
		same, trips := 0, 0
		for i, p := range ps {
			data, err := base64.StdEncoding.DecodeString(p.Pickle)
			if err != nil {
				t.Fatal(err)
			}
			if reprs[i].Error != "" {
				t.Fatalf("CPython 3.11 cannot load a pickle of %s: %s", p.Repr, reprs[i].Error)
			}
			want := reprs[i].Repr
			r := runCLI(t, bin, data, "convert", "--from", "pickle", "--to", "repr")
			switch {
			case r.code != 0:
				t.Errorf("protocol %d: exit %d %s (CPython: %.200s)", p.Protocol, r.code, r.stderr, want)
				continue
			case p.Opaque:
				if !strings.Contains(r.stdout, "<object ") && !strings.Contains(r.stdout, "<reduce ") {
					t.Errorf("protocol %d: %s printed as %s", p.Protocol, want, r.stdout)
				}
				s := runCLI(t, bin, data, "convert", "--from", "pickle", "--to", "repr", "--strict")
				if s.code != 1 || !strings.Contains(s.stderr, "unknown global refused in strict mode") {
					t.Errorf("protocol %d: --strict on %s: exit %d %s", p.Protocol, want, s.code, s.stderr)
				}
			case r.stdout != want+"\n":
				t.Errorf("protocol %d: repr differs: %s", p.Protocol, firstDiff(r.stdout, want+"\n"))
			default:
				same++
			}
			r = runCLI(t, bin, data, "convert", "--from", "pickle", "--to", "pickle")
			trips++
			if r.code != 0 || r.stdout != string(data) {
				t.Errorf("protocol %d: %.200s: round trip: exit %d %s%s", p.Protocol, want, r.code, r.stderr, firstDiff(hex.EncodeToString([]byte(r.stdout)), hex.EncodeToString(data)))
			}
			// At the same protocol named explicitly, in base64.
			r = runCLI(t, bin, []byte(p.Pickle), "convert", "--from", "pickle", "--to", "pickle:"+strconv.Itoa(p.Protocol), "--base64")
			if r.stdout != p.Pickle+"\n" {
				t.Errorf("protocol %d: --to pickle:%d --base64 differs", p.Protocol, p.Protocol)
			}
		}
		t.Logf("%d reprs equal to CPython's, %d round trips", same, trips)
		if same < n*5 {
			t.Errorf("only %d reprs compared", same)
		}
	})
}

// firstDiff shows where got and want part.
func firstDiff(got, want string) string {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	from := max(0, i-80)
	return fmt.Sprintf("at byte %d:\n got ...%.160q\nwant ...%.160q", i, got[from:], want[from:])
}

// TestCLIPickleHostile runs pickles that would create a file when loaded
// through convert: they print as data, --strict refuses them, they round
// trip byte for byte, and the file is never created.
func TestCLIPickleHostile(t *testing.T) {
	bin := cliBinary(t)
	forEachPython(t, func(t *testing.T, h *pyharness.Helper) {
		flag := filepath.Join(t.TempDir(), "pwned")
		var ps []struct {
			Name     string
			Protocol int
			Pickle   string
		}
		h.MustCall(t, "cli.hostile", map[string]any{"path": flag, "protocols": []int{0, 1, 2, 3, 4, 5}}, &ps)
		if len(ps) < 30 {
			t.Fatalf("only %d hostile pickles", len(ps))
		}
		for _, p := range ps {
			data, _ := base64.StdEncoding.DecodeString(p.Pickle)
			r := runCLI(t, bin, data, "convert", "--from", "pickle", "--to", "repr")
			if r.code != 0 || !strings.Contains(r.stdout, "<reduce ") || !strings.Contains(r.stdout, flag) {
				t.Errorf("%s protocol %d: exit %d %s%s", p.Name, p.Protocol, r.code, r.stderr, r.stdout)
			}
			s := runCLI(t, bin, data, "convert", "--from", "pickle", "--to", "repr", "--strict")
			if s.code != 1 || !strings.Contains(s.stderr, "refused in strict mode") {
				t.Errorf("%s protocol %d: --strict: exit %d %s", p.Name, p.Protocol, s.code, s.stderr)
			}
			rt := runCLI(t, bin, data, "convert", "--from", "pickle", "--to", "pickle")
			if rt.code != 0 || rt.stdout != string(data) {
				t.Errorf("%s protocol %d: round trip differs: exit %d %s", p.Name, p.Protocol, rt.code, rt.stderr)
			}
			for _, to := range []string{"tagged", "json", "msgpack", "msgspec-json"} {
				c := runCLI(t, bin, data, "convert", "--from", "pickle", "--to", to)
				if c.code != 1 {
					t.Errorf("%s protocol %d: --to %s: exit %d", p.Name, p.Protocol, to, c.code)
				}
			}
		}
		time.Sleep(50 * time.Millisecond) // a spawned process would have run by now
		if _, err := os.Stat(flag); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("a hostile pickle ran: %s exists (%v)", flag, err)
		}
	})
}

// TestCLIMsgspec runs values msgspec writes (Flask-Session 0.7+) through
// convert both ways, and a pickled session to msgpack, as a migration
// from Flask-Session 0.6 does.
func TestCLIMsgspec(t *testing.T) {
	bin := cliBinary(t)
	n := 60
	if testing.Short() {
		n = 15
	}
	for _, venv := range []string{"msgspec022", "fs08"} {
		t.Run(venv, func(t *testing.T) {
			h := pyharness.Start(t, venv)
			var vs []struct {
				ValueRepr   string `json:"value_repr"`
				Msgpack     string
				MsgpackRepr string `json:"msgpack_repr"`
				JSON        string
				JSONRepr    string `json:"json_repr"`
				Pickle      string
			}
			h.MustCall(t, "cli.msgspec_values", map[string]any{"seed": 11, "count": n}, &vs)
			for _, v := range vs {
				mp, _ := base64.StdEncoding.DecodeString(v.Msgpack)
				js, _ := base64.StdEncoding.DecodeString(v.JSON)
				pk, _ := base64.StdEncoding.DecodeString(v.Pickle)
				checks := []struct {
					what  string
					stdin []byte
					args  []string
					want  string
				}{
					{"msgpack to repr", mp, []string{"--from", "msgpack", "--to", "repr"}, v.MsgpackRepr + "\n"},
					{"msgspec-json to repr", js, []string{"--from", "msgspec-json", "--to", "repr"}, v.JSONRepr + "\n"},
					{"repr to msgpack", []byte(v.ValueRepr), []string{"--from", "repr", "--to", "msgpack"}, string(mp)},
					{"repr to msgspec-json", []byte(v.ValueRepr), []string{"--from", "repr", "--to", "msgspec-json"}, string(js) + "\n"},
					{"pickle to msgpack", pk, []string{"--from", "pickle", "--to", "msgpack"}, string(mp)},
					{"pickle to msgspec-json", pk, []string{"--from", "pickle", "--to", "msgspec-json"}, string(js) + "\n"},
					{"msgpack round trip", mp, []string{"--from", "msgpack", "--to", "msgpack"}, string(mp)},
				}
				for _, c := range checks {
					r := runCLI(t, bin, c.stdin, append([]string{"convert"}, c.args...)...)
					if r.code != 0 || r.stdout != c.want {
						t.Errorf("%s of %.300s:\n got exit %d %s%.300q\nwant %.300q", c.what, v.ValueRepr, r.code, r.stderr, r.stdout, c.want)
					}
				}
			}
		})
	}
}
