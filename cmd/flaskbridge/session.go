package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/flaskbridge/flaskbridge/flasksession"
	"github.com/flaskbridge/flaskbridge/flasksession/filestore"
	"github.com/flaskbridge/flaskbridge/flasksession/storeurl"
	"github.com/flaskbridge/flaskbridge/pickle"
	"github.com/flaskbridge/flaskbridge/py"
)

// The session command group: Flask-Session's server-side sessions, in the
// store a URL names.

// storeURLHelp is the --store flag's help.
const storeURLHelp = "the store's `URL`:\n" +
	"  redis://[user:password@]host:port[/db]   (rediss:// for TLS)\n" +
	"  redis+cluster://host:port,host:port\n" +
	"  redis+sentinel://host:port[,host:port]/MASTERNAME[/db]\n" +
	"  file:///dir?cachelib=VERSION   (the Python side's cachelib, e.g. 0.13.0)\n" +
	"  memcached://host:port[,host:port]\n" +
	"  postgres://user:password@host:port/db, mysql://user:password@host:port/db,\n" +
	"  sqlite:////absolute/path.db   (SQLALCHEMY_DATABASE_URI's forms; table=NAME\n" +
	"  for SESSION_SQLALCHEMY_TABLE)\n" +
	"key_prefix=P in the query sets SESSION_KEY_PREFIX"

// maxSIDLength bounds a session id on the command line, as the Manager
// bounds a cookie's.
const maxSIDLength = flasksession.DefaultMaxIDLength

// maxTTL bounds --ttl: 2^31-1 seconds, which every store can hold.
const maxTTL = math.MaxInt32

func sessionCommand() *command {
	return &command{
		name:    "session",
		summary: "Flask-Session's server-side sessions (Redis, files, memcached, SQL)",
		sub: []*command{
			{
				name:     "session get",
				summary:  "print a server-side session",
				synopsis: "--store URL [--key-prefix P] [--secret-key K] [--format repr|json|tagged]\n      [--now UNIX] COOKIE_OR_SID",
				about: `Prints the session Flask-Session loads for a session cookie: the entry under
SESSION_KEY_PREFIX + session id, read as Flask-Session 0.7+ reads it (msgpack,
msgspec JSON or pickle, whichever it is; the filesystem store holds pickles).

With a secret key (SESSION_USE_SIGNER) the argument is the cookie value, the
session id signed with itsdangerous's Signer (salt "flask-session"); it is
verified before the store is touched. Without one the argument is the
session id itself. COOKIE_OR_SID "-" reads it from stdin.

--format repr prints repr(dict(session)) exactly as Python prints it; json
prints Flask's app.json.dumps of it; tagged prints it in Flask's tagged JSON.
--now sets the time the filesystem and SQL stores check expiry against.

Exit status 1 when the signature does not verify, the store holds no such
session (or it has expired), the store fails or the value cannot be read.`,
				example: `  flaskbridge session get --store redis://127.0.0.1:6379/0 uDnwT3xT0aK6ZQ2Wz6bDmQ0Z4CMXP8VzX_YrG6e3vQs
  {'_permanent': True, '_user_id': '42', 'cart': [1, 2]}

  flaskbridge session get --store redis://127.0.0.1:6379 --secret-key "$SECRET_KEY" --format json "$COOKIE"
  flaskbridge session get --store 'file:///srv/app/flask_session?cachelib=0.13.0' 5d5e3e4c-...`,
				run: runSessionGet,
			},
			{
				name:     "session set",
				summary:  "write a server-side session read from stdin",
				synopsis: "--store URL [--key-prefix P] [--secret-key K] [--compat 0.5|0.6|0.8]\n      [--serializer pickle|msgpack|json] [--ttl SECONDS] [SID] < SESSION",
				about: `Reads a session dict from stdin as a Python literal (repr), stores it as
Flask-Session does under SESSION_KEY_PREFIX + SID, replacing any value, to
expire after --ttl seconds, and prints the cookie value for it on the last
line of stdout: the session id, signed when a secret key is given
(SESSION_USE_SIGNER).

Without SID a new session id is made in the style of the Flask-Session line
of --compat: str(uuid4()) for 0.3 to 0.5, secrets.token_urlsafe(32) for 0.6
and later. With a secret key SID may also be a signed cookie, which is
verified first.

The value is written as --compat's line writes it: pickle for 0.3 to 0.6,
msgpack for 0.7 and 0.8 (--serializer json or pickle for an app with
SESSION_SERIALIZATION_FORMAT="json", or one whose Python side still runs
0.6). The filesystem store always holds pickles, as cachelib pickles the
dict itself. msgspec refuses markupsafe.Markup values; --markup-as-str writes
them as str. The dict is stored as given: Flask-Session itself adds
'_permanent': True to a session when SESSION_PERMANENT is on.`,
				example: `  echo "{'_permanent': True, '_user_id': '42'}" | flaskbridge session set --store redis://127.0.0.1:6379
  gSx1Xg0n3yT5Jq0kq5GJ0p1m6cS8qk0FZtq5Qd2hC1I

  echo "{'_user_id': '42'}" | flaskbridge session set --store redis://127.0.0.1:6379 \
      --compat 0.5 --secret-key "$SECRET_KEY" --ttl 3600`,
				run: runSessionSet,
			},
			{
				name:     "session delete",
				summary:  "delete server-side sessions",
				synopsis: "--store URL [--key-prefix P] [--secret-key K] [--missing-ok] COOKIE_OR_SID...",
				about: `Deletes the sessions of the cookies (or session ids) given, as Flask-Session
does when a session is emptied. With a secret key every argument is a signed
cookie, and all are verified before the store is touched.

Exit status 1 when a signature does not verify, or when a session is not in
the store (nothing is deleted then) unless --missing-ok is given.`,
				example: `  flaskbridge session delete --store redis://127.0.0.1:6379 gSx1Xg0n3yT5Jq0kq5GJ0p1m6cS8qk0FZtq5Qd2hC1I
  flaskbridge session delete --store redis://127.0.0.1:6379 --secret-key "$SECRET_KEY" --missing-ok "$COOKIE"`,
				run: runSessionDelete,
			},
			{
				name:     "session list",
				summary:  "list or count the sessions of a store",
				synopsis: "--store URL [--key-prefix P] [--pattern GLOB] [--count]",
				about: `Prints the session id of every entry whose key starts with SESSION_KEY_PREFIX,
one a line, sorted; --pattern keeps the ids that match a glob (* any text,
? one character, [abc] or [a-z] a set, [!a] or [^a] its complement, \ quotes
the next character). --count prints only the number of sessions.

Redis (standalone, Sentinel, Cluster: every master) and SQL stores list their
sessions. memcached cannot list its keys. The filesystem store names its
files by a digest of the key, so it can only count: --count gives the number
of entries that have not expired (at --now).`,
				example: `  flaskbridge session list --store redis://127.0.0.1:6379
  flaskbridge session list --store redis://127.0.0.1:6379 --key-prefix myapp: --pattern 'a*' --count
  flaskbridge session list --store 'file:///srv/app/flask_session?cachelib=0.13.0' --count`,
				run: runSessionList,
			},
			{
				name:     "session migrate",
				summary:  "convert every session of a store to msgpack, JSON or pickle",
				synopsis: "--store URL [--key-prefix P] --to msgpack|json|pickle [--dry-run]\n      [--pattern GLOB] [--pickle-protocol N] [--markup-as-str]",
				about: `Rewrites every session under SESSION_KEY_PREFIX in the --to format, in place,
for an app moving from Flask-Session 0.3-0.6 (pickle) to 0.7+ (msgpack or
JSON) before Flask-Session 1.0 stops reading pickles, or back. Each entry is
replaced atomically, only if it still holds the value read (a session a
Flask request wrote meanwhile is read again), and keeps its time to live.
A session becomes what Flask-Session 0.7+ itself writes when it saves it:
msgspec turns tuples and sets into lists, and a Decimal, UUID or naive
datetime into text.

This needs a store that can list its keys and compare-and-swap a value:
Redis (standalone, Sentinel, Cluster) and SQL. memcached cannot list its
keys; the filesystem store always holds pickles (cachelib pickles the dict
itself, under every Flask-Session version), so there is nothing to convert.

--dry-run reads and converts every session but writes nothing. A progress
bar goes to stderr when it is a terminal (a line every few seconds
otherwise); at the end stdout gets one line for each session that could not
be converted and the counts: converted, already in the format, failed, and
gone (expired or deleted during the run, or an empty value, which
Flask-Session 0.7+ reads as no session). Exit status 1 when a session
failed (a value no format reads, a value the format cannot hold, such as
Markup in msgpack without --markup-as-str).`,
				example: `  flaskbridge session migrate --store redis://127.0.0.1:6379 --to msgpack --dry-run
  flaskbridge session migrate --store redis+cluster://10.0.0.1:7000,10.0.0.2:7000 --to msgpack
  sessions: 1200
  converted to msgpack: 1187
  already msgpack: 13
  failed: 0
  gone: 0`,
				run: runSessionMigrate,
			},
		},
	}
}

// storeFlags are the flags that name the store and the keys in it.
type storeFlags struct {
	url    *string
	prefix *string
}

func defineStoreFlags(fs *flagSet) storeFlags {
	return storeFlags{
		url:    fs.String("store", "", storeURLHelp),
		prefix: fs.String("key-prefix", flasksession.DefaultKeyPrefix, "SESSION_KEY_PREFIX, the `PREFIX` put before the session id to make the\nstore key (default \"session:\", or the URL's key_prefix)"),
	}
}

// openStore opens the store of --store, and returns the key prefix to use:
// --key-prefix, else the URL's key_prefix, else "session:".
func (e *env) openStore(fs *flagSet, sf storeFlags, now func() time.Time) (*storeurl.Opened, string, error) {
	if *sf.url == "" {
		return nil, "", usageErrorf("--store URL is required (redis://host:port, file:///dir, ...; see --help)")
	}
	// go-redis logs its retries to stderr through a process-wide logger;
	// the tool reports failures as one line of its own.
	redis.SetLogger(quietLogger{})
	o, err := storeurl.Open(e.ctx, *sf.url, storeurl.Options{Now: now})
	if err != nil {
		if errors.Is(err, storeurl.ErrURL) {
			return nil, "", usageErrorf("--store: %s", strings.TrimPrefix(err.Error(), "storeurl: "))
		}
		return nil, "", inputError("--store", err)
	}
	prefix := flasksession.DefaultKeyPrefix
	if o.Options.KeyPrefix != nil {
		prefix = *o.Options.KeyPrefix
	}
	if fs.isSet("key-prefix") {
		prefix = *sf.prefix
	}
	return o, prefix, nil
}

// quietLogger drops go-redis's log lines.
type quietLogger struct{}

func (quietLogger) Printf(context.Context, string, ...any) {}

// clockFlag parses --now.
func clockFlag(fs *flagSet, now int64) (func() time.Time, error) {
	if !fs.isSet("now") {
		return time.Now, nil
	}
	if now < 0 || now > maxUnixTime {
		return nil, usageErrorf("--now %d out of range: 0 to %d", now, maxUnixTime)
	}
	t := time.Unix(now, 0)
	return func() time.Time { return t }, nil
}

// checkSID checks a session id: not empty, not too long, and made of the
// characters a cookie value may hold (RFC 6265's cookie-octet), which
// every Flask-Session id style uses.
func checkSID(sid string) error {
	if sid == "" {
		return errors.New("empty session id")
	}
	if len(sid) > maxSIDLength {
		return fmt.Errorf("session id of %d bytes is longer than %d", len(sid), maxSIDLength)
	}
	for i := 0; i < len(sid); i++ {
		c := sid[i]
		if c <= 0x20 || c >= 0x7f || c == '"' || c == ',' || c == ';' || c == '\\' {
			return fmt.Errorf("session id %q has %q at byte %d, which a cookie cannot hold", sid, c, i)
		}
	}
	return nil
}

// sessionID returns the session id of a COOKIE_OR_SID argument: with a
// secret key, the signed cookie verified; without, the id itself.
func sessionID(arg string, secret []byte, signed bool) (string, error) {
	sid := arg
	if signed {
		var err error
		sid, err = flasksession.UnsignID(string(secret), arg)
		if err != nil {
			return "", inputError("invalid session cookie", err)
		}
	}
	if err := checkSID(sid); err != nil {
		return "", inputError("invalid session id", err)
	}
	return sid, nil
}

// parseSession is e.parse for the commands that take session ids, one in
// 64 of which starts with "-" (secrets.token_urlsafe): an argument of 20
// characters or more that starts with "-", holds no "=" and names no flag
// is a session id, not a flag. ("--" before the ids works too.)
func (e *env) parseSession(c *command, fs *flagSet, args []string) ([]string, error) {
	var rest, ids []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i:]...)
			break
		}
		if len(a) >= 20 && a[0] == '-' && !strings.Contains(a, "=") && fs.Lookup(strings.TrimLeft(a, "-")) == nil && checkSID(a) == nil {
			ids = append(ids, a)
			continue
		}
		rest = append(rest, a)
		// A flag's value is never an id.
		if len(a) > 1 && a[0] == '-' && !strings.Contains(a, "=") {
			if f := fs.Lookup(strings.TrimLeft(a, "-")); f != nil && !isBoolFlag(f) && i+1 < len(args) {
				i++
				rest = append(rest, args[i])
			}
		}
	}
	pos, err := e.parse(c, fs, rest)
	if err != nil {
		return nil, err
	}
	return append(ids, pos...), nil
}

// argOrStdin returns arg, or for "-" the first line of stdin.
func (e *env) argOrStdin(arg string) (string, error) {
	if arg != "-" {
		return arg, nil
	}
	data, err := readInput(e.stdin, maxCookieInput)
	if err != nil {
		return "", err
	}
	return trimNewline(string(data)), nil
}

func runSessionGet(e *env, c *command, args []string) error {
	fs := newFlagSet(c)
	sf := defineStoreFlags(fs)
	var keys keyFlags
	keys.define(fs, false)
	format := fs.String("format", "repr", "the output `FORMAT`: repr, json or tagged")
	now := fs.Int64("now", 0, "check expiry as if the time were `UNIX` seconds (filesystem and SQL\nstores; default: the clock)")
	pos, err := e.parseSession(c, fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) == 0:
		return usageErrorf("missing COOKIE_OR_SID (use - to read it from stdin)")
	case len(pos) > 1:
		return usageErrorf("one COOKIE_OR_SID expected, got %d arguments", len(pos))
	}
	marshal, ok := cookieFormat(*format)
	if !ok {
		return usageErrorf("unknown --format %q: repr, json or tagged", *format)
	}
	clock, err := clockFlag(fs, *now)
	if err != nil {
		return err
	}
	secret, signed, err := keys.key()
	if err != nil {
		return err
	}
	if *sf.url == "" {
		return usageErrorf("--store URL is required (redis://host:port, file:///dir, ...; see --help)")
	}
	arg, err := e.argOrStdin(pos[0])
	if err != nil {
		return err
	}
	// The signature is checked before the store is opened: a forged
	// cookie never reaches it.
	sid, err := sessionID(arg, secret, signed)
	if err != nil {
		return err
	}
	o, prefix, err := e.openStore(fs, sf, clock)
	if err != nil {
		return err
	}
	defer o.Close()
	m, err := flasksession.New(o.Store, flasksession.Options{KeyPrefix: &prefix, Now: clock})
	if err != nil {
		return err
	}
	d, _, found, err := m.Read(e.ctx, sid)
	if err != nil {
		return err
	}
	if !found {
		hint := ""
		if !signed && strings.Contains(sid, ".") {
			hint = " (a signed cookie? give the app's secret key with --secret-key)"
		}
		return fmt.Errorf("no session %q in the store (key %q), or it has expired%s", sid, m.Key(sid), hint)
	}
	out, err := marshal(d)
	if err != nil {
		return inputError("the session cannot be printed as "+*format, err)
	}
	return writeLine(e.stdout, out)
}

// serializerFormat is the format of --serializer.
func serializerFormat(name string) (flasksession.Format, bool) {
	switch f := flasksession.Format(name); f {
	case flasksession.FormatPickle, flasksession.FormatMsgpack, flasksession.FormatJSON:
		return f, true
	}
	return "", false
}

// readSession reads the session dict of stdin, a Python literal.
func (e *env) readSession() (*py.Dict, error) {
	data, err := readInput(e.stdin, maxInput)
	if err != nil {
		return nil, err
	}
	v, err := py.ParseLiteral(string(data))
	if err != nil {
		return nil, inputError("invalid session", err)
	}
	switch x := v.(type) {
	case *py.Dict:
		return x, nil
	case *py.OrderedDict:
		return x.Dict.Copy(), nil
	}
	return nil, fmt.Errorf("invalid session: a session is a dict, not %s", py.TypeName(v))
}

func runSessionSet(e *env, c *command, args []string) error {
	fs := newFlagSet(c)
	sf := defineStoreFlags(fs)
	var keys keyFlags
	keys.define(fs, false)
	compatName := fs.String("compat", "0.8", "the Flask-Session `VERSION` of the app: its session id style and\nserializer (0.3 to 0.8)")
	serializer := fs.String("serializer", "", "the `FORMAT` written: pickle, msgpack or json (default: pickle for\n0.3 to 0.6, msgpack for 0.7 and 0.8)")
	ttl := fs.Int64("ttl", int64(flasksession.DefaultLifetime/time.Second), "the entry's time to live in `SECONDS` (PERMANENT_SESSION_LIFETIME)")
	protocol := fs.Int64("pickle-protocol", 4, "the pickle `PROTOCOL` written, 0 to 5 (the filesystem store: the URL's\nprotocol)")
	markupAsStr := fs.Bool("markup-as-str", false, "write markupsafe.Markup values as str in msgpack and JSON, where\nmsgspec refuses them")
	pos, err := e.parseSession(c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return usageErrorf("at most one SID expected, got %d arguments (the session is read from stdin)", len(pos))
	}
	compat, err := flasksession.ParseCompat(*compatName)
	if err != nil {
		return usageErrorf("--compat %q: want a Flask-Session version, 0.3 to 0.8", *compatName)
	}
	format := flasksession.FormatMsgpack
	if compat != flasksession.Compat08 {
		format = flasksession.FormatPickle
	}
	if fs.isSet("serializer") {
		f, ok := serializerFormat(*serializer)
		if !ok {
			return usageErrorf("unknown --serializer %q: pickle, msgpack or json", *serializer)
		}
		if compat != flasksession.Compat08 && f != flasksession.FormatPickle {
			return usageErrorf("--serializer %s: Flask-Session %s reads pickles only (msgpack and json are 0.7+)", f, *compatName)
		}
		format = f
	}
	if *ttl < 1 || *ttl > maxTTL {
		return usageErrorf("--ttl %d out of range: 1 to %d seconds", *ttl, maxTTL)
	}
	if *protocol < 0 || *protocol > 5 {
		return usageErrorf("--pickle-protocol %d out of range: 0 to 5", *protocol)
	}
	secret, signed, err := keys.key()
	if err != nil {
		return err
	}
	if *sf.url == "" {
		return usageErrorf("--store URL is required (redis://host:port, file:///dir, ...; see --help)")
	}
	sid := ""
	if len(pos) == 1 {
		// A signed cookie in place of the id is verified; an id as it is.
		if sid, err = sessionID(pos[0], secret, signed && strings.Contains(pos[0], ".")); err != nil {
			return err
		}
	}
	d, err := e.readSession()
	if err != nil {
		return err
	}
	o, prefix, err := e.openStore(fs, sf, nil)
	if err != nil {
		return err
	}
	defer o.Close()
	if _, pickles := o.Store.(flasksession.PickleStore); pickles && fs.isSet("serializer") && format != flasksession.FormatPickle {
		return usageErrorf("--serializer %s: the filesystem store holds pickles only (cachelib pickles the session dict, whatever SESSION_SERIALIZATION_FORMAT says)", format)
	}
	proto := int(*protocol)
	if proto == 0 {
		proto = pickle.TextProtocol // Options' zero is protocol 4
	}
	opts := flasksession.Options{
		Compat:                   compat,
		KeyPrefix:                &prefix,
		UseSigner:                signed,
		SecretKey:                string(secret),
		SerializationFormat:      format,
		PickleProtocol:           proto,
		PermanentSessionLifetime: time.Duration(*ttl) * time.Second,
		MarkupAsStr:              *markupAsStr,
	}
	m, err := flasksession.New(o.Store, opts)
	if err != nil {
		return err
	}
	if sid == "" {
		sid = m.NewID()
	}
	err = m.Write(e.ctx, sid, d)
	if err != nil {
		return err
	}
	return writeLine(e.stdout, []byte(m.CookieValue(sid)))
}

func runSessionDelete(e *env, c *command, args []string) error {
	fs := newFlagSet(c)
	sf := defineStoreFlags(fs)
	var keys keyFlags
	keys.define(fs, false)
	missingOK := fs.Bool("missing-ok", false, "do not fail on a session that is not in the store")
	pos, err := e.parseSession(c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usageErrorf("missing COOKIE_OR_SID")
	}
	secret, signed, err := keys.key()
	if err != nil {
		return err
	}
	if *sf.url == "" {
		return usageErrorf("--store URL is required (redis://host:port, file:///dir, ...; see --help)")
	}
	sids := make([]string, len(pos))
	for i, a := range pos {
		if sids[i], err = sessionID(a, secret, signed); err != nil {
			return err
		}
	}
	o, prefix, err := e.openStore(fs, sf, nil)
	if err != nil {
		return err
	}
	defer o.Close()
	m, err := flasksession.New(o.Store, flasksession.Options{KeyPrefix: &prefix})
	if err != nil {
		return err
	}
	if !*missingOK {
		for _, sid := range sids {
			_, found, err := o.Store.Load(e.ctx, m.Key(sid))
			if err != nil {
				return fmt.Errorf("%w: loading %q: %w", flasksession.ErrStore, m.Key(sid), err)
			}
			if !found {
				return fmt.Errorf("no session %q in the store (key %q); nothing deleted (--missing-ok deletes the others)", sid, m.Key(sid))
			}
		}
	}
	for _, sid := range sids {
		if err := m.Remove(e.ctx, sid); err != nil {
			return err
		}
	}
	return nil
}

func runSessionList(e *env, c *command, args []string) error {
	fs := newFlagSet(c)
	sf := defineStoreFlags(fs)
	pattern := fs.String("pattern", "*", "list the session ids that match `GLOB` only")
	count := fs.Bool("count", false, "print the number of sessions only")
	now := fs.Int64("now", 0, "count the filesystem store's entries as if the time were `UNIX` seconds\n(default: the clock)")
	pos, err := e.parse(c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErrorf("unexpected argument %q", pos[0])
	}
	if err := checkGlob(*pattern); err != nil {
		return usageErrorf("--pattern %q: %v", *pattern, err)
	}
	clock, err := clockFlag(fs, *now)
	if err != nil {
		return err
	}
	o, prefix, err := e.openStore(fs, sf, clock)
	if err != nil {
		return err
	}
	defer o.Close()
	if fst, ok := o.Store.(*filestore.Store); ok {
		if !*count {
			return usageErrorf("the filesystem store names its files by a digest of the key, so its session ids cannot be listed; --count counts its entries")
		}
		if fs.isSet("pattern") || fs.isSet("key-prefix") {
			return usageErrorf("the filesystem store cannot match keys (its files are named by a digest): --pattern and --key-prefix do not apply")
		}
		n := 0
		t := clock()
		err := fst.Entries(e.ctx, func(en filestore.Entry) error {
			if en.Expiry.IsZero() || en.Expiry.After(t) {
				n++
			}
			return nil
		})
		if err != nil {
			return err
		}
		return writeLine(e.stdout, []byte(strconv.Itoa(n)))
	}
	sids, err := listSIDs(e, o, prefix, *pattern, "list")
	if err != nil {
		return err
	}
	if *count {
		return writeLine(e.stdout, []byte(strconv.Itoa(len(sids))))
	}
	var b []byte
	for _, s := range sids {
		b = append(append(b, s...), '\n')
	}
	_, err = e.stdout.Write(b)
	return err
}

// listSIDs returns the sorted session ids of the keys under prefix that
// match pattern.
func listSIDs(e *env, o *storeurl.Opened, prefix, pattern, verb string) ([]string, error) {
	l, ok := o.Store.(flasksession.Lister)
	if !ok {
		return nil, usageErrorf("the %s store cannot %s its sessions: %s", o.Options.Type, verb, whyNoList(o))
	}
	var sids []string
	err := l.Keys(e.ctx, prefix, func(key string) error {
		sid, ok := strings.CutPrefix(key, prefix)
		if ok && globMatch(pattern, sid) {
			sids = append(sids, sid)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%w: listing keys: %w", flasksession.ErrStore, err)
	}
	slices.Sort(sids)
	return slices.Compact(sids), nil
}

func whyNoList(o *storeurl.Opened) string {
	if o.Options.Type == "memcached" {
		return "memcached has no way to list its keys"
	}
	return "it has no way to list its keys"
}
