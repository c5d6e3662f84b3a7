package main

import (
	"fmt"
	"io"
	"math"
	"time"

	"github.com/flaskbridge/flaskbridge/flaskcookie"
	"github.com/flaskbridge/flaskbridge/py"
)

// The cookie command group: Flask's default, client-side session cookie.

// defaultMaxAge is Flask's PERMANENT_SESSION_LIFETIME, 31 days, in seconds.
const defaultMaxAge = int64(flaskcookie.DefaultLifetime / time.Second)

// maxUnixTime is 9999-12-31 23:59:59 UTC, the last second Python's
// datetime holds.
const maxUnixTime = 253402300799

// maxCookieInput bounds a cookie read from stdin; the codec then applies
// its own, smaller limit.
const maxCookieInput = 1 << 20

func cookieCommand() *command {
	return &command{
		name:    "cookie",
		summary: "Flask's signed session cookie",
		sub: []*command{
			{
				name:     "cookie decode",
				summary:  "verify a session cookie and print the session",
				synopsis: "[--secret-key K | --secret-key-hex HEX] [--fallback-key K]... [--salt S]\n      [--max-age SECONDS] [--now UNIX] [--format repr|json|tagged] COOKIE",
				about: `Verifies COOKIE, the value of Flask's "session" cookie, as Flask does with
SECRET_KEY and SECRET_KEY_FALLBACKS, and prints the session Flask loads from it.
COOKIE "-" reads the cookie from stdin (one trailing newline is dropped).

--format repr prints repr(dict(session)) exactly as Python prints it;
--format json prints Flask's app.json.dumps(dict(session)) (which refuses
bytes); --format tagged prints the session in Flask's tagged JSON, as its
session serializer writes it (for a cookie Flask wrote, the payload as it is).

Without a secret key the content is printed unverified, with a warning on
stderr: nothing proves that the app wrote it.

Exit status 1 when the cookie does not verify (bad signature, expired,
signed in the future) or its payload cannot be read.`,
				example: `  flaskbridge cookie decode --secret-key dev --now 1715949296 \
      eyJfdXNlcl9pZCI6IjQyIiwiY2FydCI6eyIgdCI6WzEsMl19fQ.ZkdO8A.Opqmq0NM8gxi_dFX7kJ7RpIW-d4
  {'_user_id': '42', 'cart': (1, 2)}

  flaskbridge cookie decode --secret-key-hex 5f3c1a9e --fallback-key old --format json - < cookie.txt
  flaskbridge cookie decode --max-age 0 --secret-key dev "$COOKIE"    # no age check`,
				run: runCookieDecode,
			},
			{
				name:     "cookie encode",
				summary:  "sign a session read from stdin as Flask's cookie",
				synopsis: "(--secret-key K | --secret-key-hex HEX) [--salt S] [--timestamp UNIX]\n      [--from repr|tagged|json] < SESSION",
				about: `Reads a session dict from stdin, as a Python literal (repr) or Flask's tagged
JSON, and prints the cookie value Flask writes for it: the same bytes, zlib
compressed when that is shorter, signed with the secret key at the time
given by --timestamp (now by default).`,
				example: `  echo "{'_user_id': '42', 'cart': (1, 2)}" | flaskbridge cookie encode --secret-key dev --timestamp 1715949296
  eyJfdXNlcl9pZCI6IjQyIiwiY2FydCI6eyIgdCI6WzEsMl19fQ.ZkdO8A.Opqmq0NM8gxi_dFX7kJ7RpIW-d4

  flaskbridge cookie encode --secret-key-file key.bin --from tagged < session.json`,
				run: runCookieEncode,
			},
		},
	}
}

// cookieFormat returns the printer of a format of cookie decode.
func cookieFormat(name string) (func(py.Value) ([]byte, error), bool) {
	switch name {
	case "repr":
		return func(v py.Value) ([]byte, error) { return py.AppendRepr(nil, v), nil }, true
	case "json":
		return flaskcookie.MarshalJSON, true
	case "tagged":
		return flaskcookie.MarshalTagged, true
	}
	return nil, false
}

func runCookieDecode(e *env, c *command, args []string) error {
	fs := newFlagSet(c)
	var keys keyFlags
	keys.define(fs, true)
	salt := fs.String("salt", flaskcookie.DefaultSalt, "the session interface's `SALT`")
	maxAge := fs.Int64("max-age", defaultMaxAge, "the oldest cookie accepted, in `SECONDS` (PERMANENT_SESSION_LIFETIME);\n0 turns the age checks off, expiry and future timestamps alike")
	now := fs.Int64("now", 0, "check the age as if the time were `UNIX` seconds (default: the clock)")
	format := fs.String("format", "repr", "the output `FORMAT`: repr, json or tagged")
	legacyEpoch := fs.Bool("legacy-epoch", false, "read the timestamps of itsdangerous 0.x (Flask 0.x), counted from 2011")
	legacySHA512 := fs.Bool("legacy-sha512", false, "also accept cookies signed with HMAC-SHA512 and the django-concat key\nderivation, as itsdangerous 1.1's fallback signer did (Flask 1.x)")
	flask1 := fs.Bool("flask1", false, "read as Flask 1.x (Werkzeug 1.0, itsdangerous 1.x) does: naive datetimes,\nsignatures from the future accepted")
	pos, err := e.parse(c, fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) == 0:
		return usageErrorf("missing COOKIE (use - to read it from stdin)")
	case len(pos) > 1:
		return usageErrorf("one COOKIE expected, got %d arguments", len(pos))
	}
	marshal, ok := cookieFormat(*format)
	if !ok {
		return usageErrorf("unknown --format %q: repr, json or tagged", *format)
	}
	if *maxAge < 0 || *maxAge > math.MaxInt64/int64(time.Second) {
		return usageErrorf("--max-age %d out of range: 0 to %d", *maxAge, math.MaxInt64/int64(time.Second))
	}
	clock := time.Now
	if fs.isSet("now") {
		if *now < 0 || *now > maxUnixTime {
			return usageErrorf("--now %d out of range: 0 to %d", *now, maxUnixTime)
		}
		t := time.Unix(*now, 0)
		clock = func() time.Time { return t }
	}
	secret, verify, err := keys.key()
	if err != nil {
		return err
	}
	cookie := pos[0]
	if cookie == "-" {
		data, err := readInput(e.stdin, maxCookieInput)
		if err != nil {
			return err
		}
		cookie = trimNewline(string(data))
	}

	var session py.Value
	if verify {
		lifetime := time.Duration(*maxAge) * time.Second
		if *maxAge == 0 {
			lifetime = flaskcookie.NoMaxAge
		}
		codec, err := flaskcookie.New(flaskcookie.Options{
			SecretKey:                secret,
			SecretKeyFallbacks:       keys.fallbacks,
			Salt:                     append([]byte{}, *salt...),
			PermanentSessionLifetime: lifetime,
			Now:                      clock,
			LegacyEpoch:              *legacyEpoch,
			LegacySHA512Fallback:     *legacySHA512,
			Flask1:                   *flask1,
		})
		if err != nil {
			return err
		}
		d, err := codec.Decode(cookie)
		if err != nil {
			return inputError("invalid cookie", err)
		}
		session = d
	} else {
		v, _, err := flaskcookie.DecodeUnverified(cookie)
		if err != nil {
			return inputError("invalid cookie", err)
		}
		if v == nil {
			v = py.NewDict(0) // Flask's session of a null payload
		}
		session = v
	}
	out, err := marshal(session)
	if err != nil {
		return inputError("the session cannot be printed as "+*format, err)
	}
	if err := writeLine(e.stdout, out); err != nil {
		return err
	}
	if !verify {
		fmt.Fprintf(e.stderr, "%s %s: warning: no secret key given: the signature and age of this cookie were NOT verified\n", program, c.name)
	}
	return nil
}

// sessionParser returns the reader of a format of cookie encode.
func sessionParser(name string) (func([]byte) (py.Value, error), bool) {
	switch name {
	case "repr":
		return func(b []byte) (py.Value, error) { return py.ParseLiteral(string(b)) }, true
	case "tagged":
		return flaskcookie.UnmarshalTagged, true
	case "json":
		return flaskcookie.UnmarshalJSON, true
	}
	return nil, false
}

func runCookieEncode(e *env, c *command, args []string) error {
	fs := newFlagSet(c)
	var keys keyFlags
	keys.define(fs, false)
	salt := fs.String("salt", flaskcookie.DefaultSalt, "the session interface's `SALT`")
	timestamp := fs.Int64("timestamp", 0, "sign at `UNIX` seconds (default: now)")
	legacyEpoch := fs.Bool("legacy-epoch", false, "write the timestamp as itsdangerous 0.x (Flask 0.x) did, counted from 2011")
	flask1 := fs.Bool("flask1", false, "write as Flask 1.x does, which cannot write a Decimal")
	werkzeug0 := fs.Bool("werkzeug0", false, "write as Flask 1.x with Werkzeug before 1.0 does: --flask1, and the year of a\ndate below 1000 without leading zeros")
	from := fs.String("from", "repr", "the input `FORMAT`: repr (a Python literal), tagged (Flask's tagged\nJSON) or json (plain JSON)")
	pos, err := e.parse(c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErrorf("unexpected argument %q: the session is read from stdin", pos[0])
	}
	parse, ok := sessionParser(*from)
	if !ok {
		return usageErrorf("unknown --from %q: repr, tagged or json", *from)
	}
	at := time.Now()
	if fs.isSet("timestamp") {
		if *timestamp < 0 || *timestamp > maxUnixTime {
			return usageErrorf("--timestamp %d out of range: 0 to %d", *timestamp, maxUnixTime)
		}
		at = time.Unix(*timestamp, 0)
	}
	secret, ok, err := keys.key()
	if err != nil {
		return err
	}
	if !ok {
		return usageErrorf("a secret key is required: --secret-key, --secret-key-hex or --secret-key-file")
	}
	data, err := readInput(e.stdin, maxInput)
	if err != nil {
		return err
	}
	v, err := parse(data)
	if err != nil {
		return inputError("invalid session", err)
	}
	var d *py.Dict
	switch x := v.(type) {
	case *py.Dict:
		d = x
	case *py.OrderedDict:
		d = x.Dict.Copy()
	default:
		return fmt.Errorf("invalid session: a session is a dict, not %s", py.TypeName(v))
	}
	codec, err := flaskcookie.New(flaskcookie.Options{SecretKey: secret, Salt: append([]byte{}, *salt...), LegacyEpoch: *legacyEpoch, Flask1: *flask1, Werkzeug0: *werkzeug0})
	if err != nil {
		return err
	}
	cookie, err := codec.EncodeAt(d, at)
	if err != nil {
		return inputError("the session cannot be written as a cookie", err)
	}
	return writeLine(e.stdout, []byte(cookie))
}

// writeLine writes b and a newline.
func writeLine(w io.Writer, b []byte) error {
	_, err := w.Write(append(b, '\n'))
	return err
}
