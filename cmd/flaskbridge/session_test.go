package main

import (
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/redis/go-redis/v9"

	"github.com/flaskbridge/flaskbridge/flasksession"
	"github.com/flaskbridge/flaskbridge/flasksession/filestore"
	"github.com/flaskbridge/flaskbridge/flasksession/redisstore"
	"github.com/flaskbridge/flaskbridge/flasksession/sqlstore"
	"github.com/flaskbridge/flaskbridge/flasksession/storeurl"
	"github.com/flaskbridge/flaskbridge/internal/services"
	"github.com/flaskbridge/flaskbridge/internal/tamper"
	"github.com/flaskbridge/flaskbridge/msgspec"
	"github.com/flaskbridge/flaskbridge/pickle"
	"github.com/flaskbridge/flaskbridge/py"
)

// The session commands in-process, against the real Redis servers, memcached
// and directories (scripts/services.sh start).

// redisFixture is a Redis server with a key prefix of the test's own.
type redisFixture struct {
	url    string // the --store URL
	prefix string
	c      redis.UniversalClient
}

func newPrefix() string {
	var b [6]byte
	rand.Read(b[:])
	return "fbcli:" + hex.EncodeToString(b[:]) + ":"
}

func redisFix(t *testing.T) *redisFixture {
	t.Helper()
	return redisFixB(t)
}

func redisFixB(t testing.TB) *redisFixture {
	t.Helper()
	addr := services.Redis(t)
	f := &redisFixture{url: "redis://" + addr + "/0", prefix: newPrefix(), c: redis.NewClient(&redis.Options{Addr: addr})}
	t.Cleanup(func() { cleanKeys(f.c, f.prefix); f.c.Close() })
	return f
}

func cleanKeys(c redis.UniversalClient, prefix string) {
	ctx := context.Background()
	redisstore.New(c).Keys(ctx, prefix, func(k string) error { return c.Del(ctx, k).Err() })
}

// args are the store flags plus more.
func (f *redisFixture) args(cmd string, more ...string) []string {
	return append([]string{"session", cmd, "--store", f.url, "--key-prefix", f.prefix}, more...)
}

func (f *redisFixture) raw(t testing.TB, sid string) []byte {
	t.Helper()
	b, err := f.c.Get(context.Background(), f.prefix+sid).Bytes()
	if err != nil {
		t.Fatalf("GET %s: %v", f.prefix+sid, err)
	}
	return b
}

func (f *redisFixture) pttl(t testing.TB, sid string) time.Duration {
	t.Helper()
	d, err := f.c.PTTL(context.Background(), f.prefix+sid).Result()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

var (
	uuid4Re = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	tokenRe = regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)
)

// formatOf names the format of stored bytes by their first byte.
func formatOf(b []byte) string {
	switch {
	case len(b) == 0:
		return "empty"
	case b[0] == 0x80 || b[0] == '(':
		return "pickle"
	case b[0] == '{':
		return "json"
	case b[0]&0xf0 == 0x80 || b[0] == 0xde || b[0] == 0xdf:
		return "msgpack"
	}
	return "?"
}

// A session every format keeps as it is.
const plainSession = `{'_permanent': True, '_user_id': '42', 'n': [1, 2.5, None, 'é'], 'd': {'a': False}}`

// A session only pickle keeps as it is.
const richSession = `{'_permanent': True, 'cart': (1, 2), 'b': b'\x00\xff', 's': {3}, 'when': datetime.datetime(2024, 5, 17, 12, 0, tzinfo=datetime.timezone.utc), 'd': Decimal('1.10'), 'u': UUID('12345678-1234-5678-1234-567812345678'), 'm': Markup('<b>x</b>'), 'big': 1180591620717411303424}`

func reprOf(t testing.TB, lit string) string {
	t.Helper()
	v, err := py.ParseLiteral(lit)
	if err != nil {
		t.Fatal(err)
	}
	return py.Repr(v)
}

func TestSessionSetGetRedis(t *testing.T) {
	f := redisFix(t)
	cases := []struct {
		compat, serializer, want string
		idRe                     *regexp.Regexp
	}{
		{"0.5", "", "pickle", uuid4Re},
		{"0.4.1", "pickle", "pickle", uuid4Re},
		{"0.3", "", "pickle", uuid4Re},
		{"0.6", "", "pickle", tokenRe},
		{"0.8", "", "msgpack", tokenRe},
		{"0.7", "json", "json", tokenRe},
		{"0.8", "pickle", "pickle", tokenRe},
		{"0.8", "msgpack", "msgpack", tokenRe},
	}
	for _, c := range cases {
		for _, signed := range []bool{false, true} {
			name := c.compat + "/" + c.want + map[bool]string{true: "/signed"}[signed]
			t.Run(name, func(t *testing.T) {
				var key []string
				if signed {
					key = []string{"--secret-key", "s3cret ✓"}
				}
				args := append(f.args("set", "--compat", c.compat, "--ttl", "600"), key...)
				if c.serializer != "" {
					args = append(args, "--serializer", c.serializer)
				}
				r := cli(t, plainSession, args...)
				r.want(t, 0)
				cookie := lastLine(r.stdout)
				sid := cookie
				if signed {
					var err error
					if sid, err = flasksession.UnsignID("s3cret ✓", cookie); err != nil {
						t.Fatalf("cookie %q: %v", cookie, err)
					}
				} else if strings.Contains(cookie, ".") {
					t.Fatalf("unsigned cookie %q", cookie)
				}
				if !c.idRe.MatchString(sid) {
					t.Errorf("session id %q is not in the style of %s", sid, c.compat)
				}
				if got := formatOf(f.raw(t, sid)); got != c.want {
					t.Errorf("stored as %s, want %s", got, c.want)
				}
				if d := f.pttl(t, sid); d > 600*time.Second || d < 590*time.Second {
					t.Errorf("PTTL %v, want 600 s", d)
				}
				for _, format := range []string{"repr", "json", "tagged"} {
					r = cli(t, "", append(f.args("get", "--format", format, cookie), key...)...)
					r.want(t, 0)
					want := reprOf(t, plainSession) + "\n"
					switch format {
					case "json":
						want = `{"_permanent": true, "_user_id": "42", "d": {"a": false}, "n": [1, 2.5, null, "\u00e9"]}` + "\n"
					case "tagged":
						want = `{"_permanent":true,"_user_id":"42","d":{"a":false},"n":[1,2.5,null,"\u00e9"]}` + "\n"
					}
					if r.stdout != want {
						t.Errorf("get --format %s:\n got %s\nwant %s", format, r.stdout, want)
					}
				}
				// The cookie from stdin.
				r = cli(t, cookie+"\n", append(f.args("get", "-"), key...)...)
				if r.want(t, 0); r.stdout != reprOf(t, plainSession)+"\n" {
					t.Errorf("get -: %s", r.stdout)
				}
			})
		}
	}
}

func TestSessionSetValues(t *testing.T) {
	f := redisFix(t)
	// Pickle keeps every value as it is.
	r := cli(t, richSession, f.args("set", "--compat", "0.6", "--pickle-protocol", "2", "sid-rich")...)
	r.want(t, 0)
	if r.stdout != "sid-rich\n" {
		t.Errorf("cookie %q", r.stdout)
	}
	raw := f.raw(t, "sid-rich")
	if !strings.HasPrefix(string(raw), "\x80\x02") {
		t.Errorf("protocol 2 pickle: % x", raw[:4])
	}
	r = cli(t, "", f.args("get", "sid-rich")...)
	if r.want(t, 0); r.stdout != reprOf(t, richSession)+"\n" {
		t.Errorf("get:\n got %s\nwant %s", r.stdout, reprOf(t, richSession))
	}
	// Protocol 0, as Flask-Session 0.3 to 0.5 pickle for memcached.
	cli(t, plainSession, f.args("set", "--compat", "0.5", "--pickle-protocol", "0", "sid-p0")...).want(t, 0)
	if raw := f.raw(t, "sid-p0"); raw[0] != '(' {
		t.Errorf("protocol 0 pickle: %q", raw)
	}
	// msgspec refuses Markup, unless --markup-as-str.
	r = cli(t, richSession, f.args("set", "sid-markup")...)
	r.want(t, 1, "cannot be serialized as msgpack")
	if n, _ := f.c.Exists(context.Background(), f.prefix+"sid-markup").Result(); n != 0 {
		t.Error("a refused session was written")
	}
	// msgpack holds no integer over 64 bits: msgspec refuses it, Markup
	// or not.
	cli(t, richSession, f.args("set", "--markup-as-str", "sid-markup")...).want(t, 1, "int out of range")
	noBig := strings.Replace(richSession, ", 'big': 1180591620717411303424", "", 1)
	cli(t, noBig, f.args("set", "--markup-as-str", "sid-markup")...).want(t, 0)
	r = cli(t, "", f.args("get", "sid-markup")...)
	want := `{'_permanent': True, 'cart': [1, 2], 'b': b'\x00\xff', 's': [3], 'when': datetime.datetime(2024, 5, 17, 12, 0, tzinfo=datetime.timezone.utc), 'd': '1.10', 'u': '12345678-1234-5678-1234-567812345678', 'm': '<b>x</b>'}` + "\n"
	if r.want(t, 0); r.stdout != want {
		t.Errorf("get:\n got %s\nwant %s", r.stdout, want)
	}
	// An OrderedDict is a dict; other values are not sessions.
	cli(t, "OrderedDict([('b', 1), ('a', 2)])", f.args("set", "sid-od")...).want(t, 0)
	if r := cli(t, "", f.args("get", "sid-od")...); r.stdout != "{'b': 1, 'a': 2}\n" {
		t.Errorf("OrderedDict: %q", r.stdout)
	}
	cli(t, "[1, 2]", f.args("set")...).want(t, 1, "a session is a dict, not list")
	cli(t, "{'a': ", f.args("set")...).want(t, 1, "invalid session")
	cli(t, "", f.args("set")...).want(t, 1, "invalid session")
	// A session id that starts with "-".
	r = cli(t, "{'a': 1}", f.args("set", "-x0123456789abcdefghijklmn")...)
	if r.want(t, 0); r.stdout != "-x0123456789abcdefghijklmn\n" {
		t.Errorf("cookie %q", r.stdout)
	}
	if r := cli(t, "", f.args("get", "-x0123456789abcdefghijklmn", "--format", "json")...); r.stdout != "{\"a\": 1}\n" {
		t.Errorf("get of a -sid: %q %q", r.stdout, r.stderr)
	}
	// A signed cookie in place of SID is verified, then its id is used.
	signed, _ := flasksession.SignID("k", "sid-signed")
	r = cli(t, "{'a': 2}", f.args("set", "--secret-key", "k", signed)...)
	if r.want(t, 0); r.stdout != signed+"\n" {
		t.Errorf("cookie %q, want %q", r.stdout, signed)
	}
	cli(t, "{'a': 2}", f.args("set", "--secret-key", "other", signed)...).want(t, 1, "bad session id signature")
	// An id with a secret key is signed.
	r = cli(t, "{'a': 3}", f.args("set", "--secret-key-hex", "00ff", "plain-id")...)
	if s, err := flasksession.UnsignID("\x00\xff", lastLine(r.stdout)); err != nil || s != "plain-id" {
		t.Errorf("signed with a bytes key: %q: %v", r.stdout, err)
	}
	// The value replaces the one stored.
	cli(t, "{'v': 1}", f.args("set", "sid-replace")...).want(t, 0)
	cli(t, "{'w': 2}", f.args("set", "sid-replace")...).want(t, 0)
	if r := cli(t, "", f.args("get", "sid-replace")...); r.stdout != "{'w': 2}\n" {
		t.Errorf("replaced: %q", r.stdout)
	}
	// The default ttl is 31 days; the prefix of the URL is used when
	// --key-prefix is not given.
	r = cli(t, "{'a': 1}", "session", "set", "--store", f.url+"?key_prefix="+f.prefix, "sid-default")
	r.want(t, 0)
	if d := f.pttl(t, "sid-default"); d > 31*24*time.Hour || d < 31*24*time.Hour-time.Minute {
		t.Errorf("default PTTL %v", d)
	}
}

func TestSessionGetErrors(t *testing.T) {
	f := redisFix(t)
	cli(t, "{'b': b'x'}", f.args("set", "sid-bytes")...).want(t, 0)
	cli(t, "", f.args("get", "--format", "json", "sid-bytes")...).want(t, 1, "cannot be printed as json")
	cli(t, "", f.args("get", "nope")...).want(t, 1, `no session "nope" in the store (key "`+f.prefix+`nope"), or it has expired`)
	cli(t, "", f.args("get", "nope.sig")...).want(t, 1, "a signed cookie? give the app's secret key with --secret-key")
	// A value no format reads.
	f.c.Set(context.Background(), f.prefix+"corrupt", "\x00garbage", time.Minute)
	cli(t, "", f.args("get", "corrupt")...).want(t, 1, "stored session cannot be read")
	// A value that is not a dict.
	b, _ := msgspec.MarshalMsgpack(&py.List{Items: []py.Value{int64(1)}})
	f.c.Set(context.Background(), f.prefix+"list", b, time.Minute)
	cli(t, "", f.args("get", "list")...).want(t, 1, "not a dict")
	// An empty value is no session (Flask-Session 0.7+).
	f.c.Set(context.Background(), f.prefix+"empty", "", time.Minute)
	cli(t, "", f.args("get", "empty")...).want(t, 1, "no session")
}

// countingServer is a TCP listener that counts the connections made to it
// and closes them: a store that must not be reached.
func countingServer(t *testing.T) (addr string, conns *atomic.Int64) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	conns = new(atomic.Int64)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			c.Close()
		}
	}()
	t.Cleanup(func() { l.Close() })
	return l.Addr().String(), conns
}

// TestSessionTamperedNeverReachesStore: a cookie whose signature does not
// verify exits 1 before the store is opened.
func TestSessionTamperedNeverReachesStore(t *testing.T) {
	addr, conns := countingServer(t)
	good, _ := flasksession.SignID("k", "abc")
	store := "redis://" + addr + "?max_retries=-1"
	bad := []string{
		tamper.Signature(good),              // signature
		"abd" + good[3:],                    // id
		"abc",                               // unsigned
		"abc.",                              // empty signature
		good + ".x",                         // extra part
		strings.Replace(good, ".", ".!", 1), // not base64
		strings.Repeat("a", 300) + good[3:], // long
		"\xff" + good[3:],                   // not UTF-8
		"",                                  // empty
	}
	for _, c := range bad {
		cli(t, "", "session", "get", "--store", store, "--secret-key", "k", "--", c).want(t, 1, "invalid session cookie")
		cli(t, "", "session", "delete", "--store", store, "--secret-key", "k", "--", c).want(t, 1, "invalid session cookie")
		cli(t, "{'a': 1}", "session", "set", "--store", store, "--secret-key", "k", "--", c+".x").want(t, 1)
	}
	// Signed with another key.
	other, _ := flasksession.SignID("other", "abc")
	cli(t, "", "session", "get", "--store", store, "--secret-key", "k", other).want(t, 1, "bad session id signature")
	// One bad cookie among good ones: nothing is deleted.
	cli(t, "", "session", "delete", "--store", store, "--secret-key", "k", good, other).want(t, 1, "bad session id signature")
	// A file store is not even opened (its directory does not exist).
	missing := filepath.Join(t.TempDir(), "missing")
	cli(t, "", "session", "get", "--store", "file://"+missing, "--secret-key", "k", other).want(t, 1, "bad session id signature")
	if _, err := os.Stat(missing); err == nil {
		t.Error("the store directory was made")
	}
	if n := conns.Load(); n != 0 {
		t.Fatalf("the store saw %d connections", n)
	}
	// The good cookie does reach it (and fails there: it is no Redis).
	cli(t, "", "session", "get", "--store", store, "--secret-key", "k", good).want(t, 1, "store failed")
	if conns.Load() == 0 {
		t.Fatal("the counting server saw nothing: the test proves nothing")
	}
}

func TestSessionUsage(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		stdin string
		args  []string
		msg   string
	}{
		{"", []string{"session", "get", "abc"}, "--store URL is required"},
		{"", []string{"session", "get", "--store", "redis://h"}, "missing COOKIE_OR_SID"},
		{"", []string{"session", "get", "--store", "redis://h", "a", "b"}, "one COOKIE_OR_SID expected, got 2"},
		{"", []string{"session", "get", "--store", "redis://h", "--format", "xml", "a"}, `unknown --format "xml"`},
		{"", []string{"session", "get", "--store", "redis://h", "--now", "-1", "a"}, "--now -1 out of range"},
		{"", []string{"session", "get", "--store", "redis://h", "--secret-key", "", "a"}, "--secret-key is empty"},
		{"", []string{"session", "get", "--store", "redis://h", "--secret-key", "a", "--secret-key-hex", "00", "a"}, "give one secret key"},
		{"", []string{"session", "get", "--store", "redis://h", "--bogus", "a"}, "flag provided but not defined: --bogus"},
		{"", []string{"session", "get", "--store", "ftp://h", "a"}, `--store: bad store URL: unknown scheme "ftp"`},
		{"", []string{"session", "get", "--store", "redis://:pw@h/x", "a"}, "invalid database number"},
		{"", []string{"session", "get", "--store", "h:6379", "a"}, "--store: bad store URL"},
		{"", []string{"session", "set", "--store", "redis://h", "--compat", "1.0"}, `--compat "1.0"`},
		{"", []string{"session", "set", "--store", "redis://h", "--compat", "0.6", "--serializer", "msgpack"}, "Flask-Session 0.6 reads pickles only"},
		{"", []string{"session", "set", "--store", "redis://h", "--serializer", "yaml"}, `unknown --serializer "yaml"`},
		{"", []string{"session", "set", "--store", "redis://h", "--ttl", "0"}, "--ttl 0 out of range"},
		{"", []string{"session", "set", "--store", "redis://h", "--ttl", "2147483648"}, "--ttl 2147483648 out of range"},
		{"", []string{"session", "set", "--store", "redis://h", "--pickle-protocol", "6"}, "--pickle-protocol 6 out of range"},
		{"", []string{"session", "set", "--store", "redis://h", "a", "b"}, "at most one SID"},
		{"", []string{"session", "set"}, "--store URL is required"},
		{"{}", []string{"session", "set", "--store", "file://" + dir, "--serializer", "json"}, "the filesystem store holds pickles only"},
		{"", []string{"session", "delete", "--store", "redis://h"}, "missing COOKIE_OR_SID"},
		{"", []string{"session", "delete", "a"}, "--store URL is required"},
		{"", []string{"session", "list", "--store", "redis://h", "x"}, `unexpected argument "x"`},
		{"", []string{"session", "list", "--store", "redis://h", "--pattern", "[ab"}, "has a [ without its ]"},
		{"", []string{"session", "list", "--store", "redis://h", "--pattern", `a\`}, `ends with a lone \`},
		{"", []string{"session", "list"}, "--store URL is required"},
		{"", []string{"session", "list", "--store", "file://" + dir}, "its session ids cannot be listed; --count counts"},
		{"", []string{"session", "list", "--store", "file://" + dir, "--count", "--pattern", "a*"}, "--pattern and --key-prefix do not apply"},
		{"", []string{"session", "list", "--store", "file://" + dir, "--count", "--now", "999999999999"}, "--now 999999999999 out of range"},
		{"", []string{"session", "migrate", "--store", "redis://h"}, "--to is required"},
		{"", []string{"session", "migrate", "--store", "redis://h", "--to", "yaml"}, `unknown --to "yaml"`},
		{"", []string{"session", "migrate", "--store", "redis://h", "--to", "pickle", "--pickle-protocol", "-1"}, "--pickle-protocol -1 out of range"},
		{"", []string{"session", "migrate", "--store", "redis://h", "--to", "json", "x"}, `unexpected argument "x"`},
		{"", []string{"session", "migrate", "--store", "redis://h", "--to", "json", "--pattern", "[x"}, "has a [ without its ]"},
		{"", []string{"session", "migrate", "--store", "file://" + dir, "--to", "msgpack"}, "the filesystem store holds pickles only"},
		{"", []string{"session", "migrate", "--to", "msgpack"}, "--store URL is required"},
		{"", []string{"session", "nope"}, `unknown command "nope"`},
		{"", []string{"session"}, "missing command (get, set, delete, list, migrate)"},
	}
	for _, c := range cases {
		r := cli(t, c.stdin, c.args...)
		if r.code != exitUsage || !strings.Contains(r.stderr, c.msg) {
			t.Errorf("%q: exit %d, stderr %q; want exit 2 saying %q", c.args, r.code, r.stderr, c.msg)
		}
		if strings.Contains(r.stderr, ":pw@") {
			t.Errorf("%q: the password shows: %s", c.args, r.stderr)
		}
	}
}

func TestSessionStoreDown(t *testing.T) {
	addr := fmt.Sprintf("127.0.0.1:%d", services.FreePort(t))
	store := "redis://:pw@" + addr + "?max_retries=-1&dial_timeout=1s"
	for _, args := range [][]string{
		{"get", "abc"},
		{"delete", "abc"},
		{"delete", "--missing-ok", "abc"},
		{"list"},
		{"list", "--count"},
		{"migrate", "--to", "msgpack"},
	} {
		r := cli(t, "", append([]string{"session", args[0], "--store", store}, args[1:]...)...)
		r.want(t, 1, "connection refused")
		if strings.Contains(r.stderr, ":pw@") {
			t.Errorf("the password shows: %s", r.stderr)
		}
	}
	r := cli(t, "{'a': 1}", "session", "set", "--store", store)
	r.want(t, 1, "store failed")
	// A file store whose directory is missing.
	cli(t, "", "session", "get", "--store", "file://"+filepath.Join(t.TempDir(), "nope"), "abc").want(t, 1, "session directory")
}

func TestSessionDelete(t *testing.T) {
	f := redisFix(t)
	for _, sid := range []string{"a1", "a2", "a3"} {
		cli(t, "{'x': 1}", f.args("set", sid)...).want(t, 0)
	}
	signed, _ := flasksession.SignID("k", "a3")
	cli(t, "", f.args("delete", "a1", "missing")...).want(t, 1, `no session "missing" in the store`)
	if n, _ := f.c.Exists(context.Background(), f.prefix+"a1").Result(); n != 1 {
		t.Error("a failed delete deleted a1")
	}
	r := cli(t, "", f.args("delete", "a1", "a2")...)
	if r.want(t, 0); r.stdout != "" {
		t.Errorf("delete printed %q", r.stdout)
	}
	cli(t, "", f.args("delete", "--missing-ok", "a1", "--secret-key", "k", signed)...).want(t, 1, "invalid session cookie")
	cli(t, "", f.args("delete", "--secret-key", "k", signed)...).want(t, 0)
	if n, _ := f.c.Exists(context.Background(), f.prefix+"a1", f.prefix+"a2", f.prefix+"a3").Result(); n != 0 {
		t.Errorf("%d sessions left", n)
	}
	cli(t, "", f.args("delete", "a1")...).want(t, 1, "nothing deleted")
	cli(t, "", f.args("delete", "--missing-ok", "a1")...).want(t, 0)
}

func TestSessionList(t *testing.T) {
	f := redisFix(t)
	sids := []string{"b-2", "a-1", "a-10", "c/3", "a*", "d~5"}
	for _, sid := range sids {
		cli(t, "{'x': 1}", f.args("set", sid)...).want(t, 0)
	}
	// Another prefix's key is not listed.
	f.c.Set(context.Background(), f.prefix[:len(f.prefix)-1]+"x:zz", "v", time.Minute)
	defer f.c.Del(context.Background(), f.prefix[:len(f.prefix)-1]+"x:zz")
	sorted := slices.Clone(sids)
	slices.Sort(sorted)
	cases := []struct {
		args []string
		want string
	}{
		{nil, strings.Join(sorted, "\n") + "\n"},
		{[]string{"--count"}, "6\n"},
		{[]string{"--pattern", "a*"}, "a*\na-1\na-10\n"},
		{[]string{"--pattern", `a\*`}, "a*\n"},
		{[]string{"--pattern", "a-?"}, "a-1\n"},
		{[]string{"--pattern", "[bc]*"}, "b-2\nc/3\n"},
		{[]string{"--pattern", "[!a]*"}, "b-2\nc/3\nd~5\n"},
		{[]string{"--pattern", "?~5"}, "d~5\n"},
		{[]string{"--pattern", "*3"}, "c/3\n"},
		{[]string{"--pattern", "z*"}, ""},
		{[]string{"--pattern", "z*", "--count"}, "0\n"},
		{[]string{"--pattern", "a*", "--count"}, "3\n"},
	}
	for _, c := range cases {
		r := cli(t, "", f.args("list", c.args...)...)
		if r.want(t, 0); r.stdout != c.want {
			t.Errorf("list %q:\n got %q\nwant %q", c.args, r.stdout, c.want)
		}
	}
	// An empty prefix lists every key of the database (the other prefix's
	// too).
	r := cli(t, "", "session", "list", "--store", f.url, "--key-prefix", "", "--pattern", f.prefix+"*", "--count")
	if r.stdout != "6\n" {
		t.Errorf("empty prefix: %q", r.stdout)
	}
}

func TestSessionFileStore(t *testing.T) {
	dir := t.TempDir()
	store := "file://" + dir + "?cachelib=0.13.0"
	r := cli(t, plainSession, "session", "set", "--store", store, "--compat", "0.6", "--ttl", "60", "sid-f")
	r.want(t, 0)
	sum := md5.Sum([]byte("session:sid-f"))
	data, err := os.ReadFile(filepath.Join(dir, hex.EncodeToString(sum[:])))
	if err != nil {
		t.Fatalf("cachelib 0.13's file: %v", err)
	}
	// A struct header (the expiry, 4 bytes) then the pickle at protocol 5.
	if !strings.HasPrefix(string(data[4:]), "\x80\x05") {
		t.Errorf("file % x", data[:8])
	}
	r = cli(t, "", "session", "get", "--store", store, "sid-f")
	if r.want(t, 0); r.stdout != reprOf(t, plainSession)+"\n" {
		t.Errorf("get %q", r.stdout)
	}
	// Under 0.8 the filesystem store pickles too: the default serializer
	// gives way, an explicit one is refused.
	cli(t, "{'a': 1}", "session", "set", "--store", store, "sid-8").want(t, 0)
	sum = md5.Sum([]byte("session:sid-8"))
	if data, _ := os.ReadFile(filepath.Join(dir, hex.EncodeToString(sum[:]))); !strings.HasPrefix(string(data[4:]), "\x80\x05") {
		t.Errorf("0.8 file % x", data[:8])
	}
	cli(t, "{'a': 1}", "session", "set", "--store", store, "--serializer", "msgpack").want(t, 2, "pickles only")
	// Expiry, at --now.
	now := time.Now().Unix()
	cli(t, "", "session", "get", "--store", store, "--now", strconv.FormatInt(now+3600, 10), "sid-f").want(t, 1, "or it has expired")
	r = cli(t, "", "session", "list", "--store", store, "--count")
	if r.want(t, 0); r.stdout != "2\n" {
		t.Errorf("count %q", r.stdout)
	}
	r = cli(t, "", "session", "list", "--store", store, "--count", "--now", strconv.FormatInt(now+120, 10))
	if r.stdout != "1\n" {
		t.Errorf("count at now+120: %q", r.stdout)
	}
	cli(t, "", "session", "delete", "--store", store, "sid-f", "sid-8").want(t, 0)
	if r := cli(t, "", "session", "list", "--store", store, "--count"); r.stdout != "0\n" {
		t.Errorf("count after delete: %q", r.stdout)
	}
	// Another layout: werkzeug's cache, pickled headers.
	wz := "file://" + dir + "?cachelib=werkzeug&key_prefix=wz:"
	cli(t, "{'a': (1,)}", "session", "set", "--store", wz, "--compat", "0.3", "x").want(t, 0)
	if r := cli(t, "", "session", "get", "--store", wz, "x"); r.stdout != "{'a': (1,)}\n" {
		t.Errorf("werkzeug layout: %q %q", r.stdout, r.stderr)
	}
	fst, _ := filestore.New(dir, filestore.Options{Cachelib: "werkzeug"})
	if _, err := os.Stat(filepath.Join(dir, fst.FileName("wz:x"))); err != nil {
		t.Error(err)
	}
}

func TestSessionMemcached(t *testing.T) {
	addr := services.Memcached(t)
	store := "memcached://" + addr + "?key_prefix=" + newPrefix()
	r := cli(t, plainSession, "session", "set", "--store", store, "--compat", "0.5", "--pickle-protocol", "0", "--secret-key", "k")
	r.want(t, 0)
	cookie := lastLine(r.stdout)
	r = cli(t, "", "session", "get", "--store", store, "--secret-key", "k", cookie)
	if r.want(t, 0); r.stdout != reprOf(t, plainSession)+"\n" {
		t.Errorf("get %q", r.stdout)
	}
	cli(t, "", "session", "list", "--store", store).want(t, 2, "memcached has no way to list its keys")
	cli(t, "", "session", "migrate", "--store", store, "--to", "msgpack").want(t, 2, "memcached has no way to list its keys")
	cli(t, "", "session", "delete", "--store", store, "--secret-key", "k", cookie).want(t, 0)
	cli(t, "", "session", "get", "--store", store, "--secret-key", "k", cookie).want(t, 1, "no session")
}

func TestSessionSentinelAndCluster(t *testing.T) {
	addrs, master := services.Sentinel(t)
	cluster := services.RedisCluster(t)
	for _, store := range []string{
		"redis+sentinel://" + strings.Join(addrs, ",") + "/" + master + "/1",
		"redis+cluster://" + strings.Join(cluster, ","),
	} {
		prefix := newPrefix()
		args := func(cmd string, more ...string) []string {
			return append([]string{"session", cmd, "--store", store, "--key-prefix", prefix}, more...)
		}
		var sids []string
		for i := 0; i < 20; i++ { // spread over the cluster's slots
			r := cli(t, fmt.Sprintf("{'i': %d, 't': (1, 2)}", i), args("set", "--compat", "0.6")...)
			r.want(t, 0)
			sids = append(sids, lastLine(r.stdout))
		}
		r := cli(t, "", args("get", sids[7])...)
		if r.want(t, 0); r.stdout != "{'i': 7, 't': (1, 2)}\n" {
			t.Errorf("%s: get %q", store, r.stdout)
		}
		if r := cli(t, "", args("list", "--count")...); r.stdout != "20\n" {
			t.Errorf("%s: count %q", store, r.stdout)
		}
		r = cliMigrate(t, args("migrate", "--to", "msgpack")...)
		if r.want(t, 0); !strings.Contains(r.stdout, "converted to msgpack: 20\n") {
			t.Errorf("%s: migrate:\n%s", store, r.stdout)
		}
		r = cli(t, "", args("get", sids[7])...)
		if r.stdout != "{'i': 7, 't': [1, 2]}\n" {
			t.Errorf("%s: after migrate %q", store, r.stdout)
		}
		cli(t, "", args("delete", sids...)...).want(t, 0)
		if r := cli(t, "", args("list", "--count")...); r.stdout != "0\n" {
			t.Errorf("%s: count after delete %q", store, r.stdout)
		}
	}
}

// cliMigrate runs migrate, whose report goes to stdout even when it exits
// 1 (some sessions failed); the rest of the contract holds.
func cliMigrate(t testing.TB, args ...string) result {
	t.Helper()
	var out, errb strings.Builder
	code := run(args, strings.NewReader(""), &out, &errb)
	r := result{code: code, stdout: out.String(), stderr: errb.String()}
	check := r
	if r.code == exitInvalid && strings.Contains(r.stdout, "\nfailed: ") {
		check.stdout = ""
	}
	if msg := contractViolation(check); msg != "" {
		t.Fatalf("flaskbridge %q: %s\nexit %d\nstdout %q\nstderr %q", args, msg, r.code, r.stdout, r.stderr)
	}
	return r
}

func TestSessionMigrate(t *testing.T) {
	f := redisFix(t)
	ctx := context.Background()
	type entry struct {
		sid  string
		data []byte
		ttl  time.Duration // 0: none
	}
	mustPickle := func(lit string, proto int) []byte {
		v, err := py.ParseLiteral(lit)
		if err != nil {
			t.Fatal(err)
		}
		b, err := pickle.MarshalProtocol(v, proto)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	mp, _ := msgspec.MarshalMsgpack(py.DictOf("a", int64(1)))
	js, _ := msgspec.EncodeJSON(py.DictOf("a", int64(2)))
	entries := []entry{
		{"p2", mustPickle(`{'a': (1, 2), 'when': datetime.datetime(2024, 5, 17, 0, 0, tzinfo=datetime.timezone.utc)}`, 2), time.Hour},
		{"p4", mustPickle(`{'_permanent': True, 'u': UUID('12345678-1234-5678-1234-567812345678'), 's': {1}}`, 4), 2 * time.Hour},
		{"p5", mustPickle(`{'b': b'\x00', 'd': Decimal('1.5')}`, 5), 0},
		{"p0", mustPickle(`{'x': 'y'}`, 0), 90 * time.Second},
		{"mp", mp, time.Hour},
		{"js", js, time.Hour},
		{"markup", mustPickle(`{'m': Markup('<b>')}`, 4), time.Hour},
		{"corrupt", []byte("\x80\x04garbage"), time.Hour},
		{"big", mustPickle(`{'n': 1180591620717411303424}`, 4), time.Hour},
		{"empty", []byte{}, time.Hour},
	}
	for _, e := range entries {
		f.c.Set(ctx, f.prefix+e.sid, e.data, e.ttl)
	}
	before := map[string]time.Duration{}
	for _, e := range entries {
		before[e.sid] = f.pttl(t, e.sid)
	}
	start := time.Now()

	// A dry run reads everything and writes nothing.
	r := cliMigrate(t, f.args("migrate", "--to", "msgpack", "--dry-run")...)
	// The empty value is no session (Flask-Session 0.7+ reads it so, and
	// Redis' bounded read answers it as absent): gone, left as it is.
	r.want(t, 1, "3 of 10 sessions could not be converted to msgpack")
	wantReport := "sessions: 10\nwould convert to msgpack: 5\nalready msgpack: 1\nfailed: 3\ngone: 1\n"
	if !strings.HasSuffix(r.stdout, wantReport) {
		t.Errorf("dry run report:\n%s\nwant suffix\n%s", r.stdout, wantReport)
	}
	for _, want := range []string{
		`cannot convert "` + f.prefix + `markup": flasksession: session cannot be serialized as msgpack`,
		`cannot convert "` + f.prefix + `corrupt": flasksession: stored session cannot be read`,
		`cannot convert "` + f.prefix + `big": flasksession: session cannot be serialized as msgpack`,
	} {
		if !strings.Contains(r.stdout, want+"") {
			t.Errorf("dry run report lacks %q:\n%s", want, r.stdout)
		}
	}
	for _, e := range entries {
		if got := f.raw(t, e.sid); string(got) != string(e.data) {
			t.Errorf("dry run changed %s", e.sid)
		}
	}

	// The migration.
	r = cliMigrate(t, f.args("migrate", "--to", "msgpack")...)
	r.want(t, 1, "3 of 10 sessions could not be converted")
	if !strings.HasSuffix(r.stdout, "sessions: 10\nconverted to msgpack: 5\nalready msgpack: 1\nfailed: 3\ngone: 1\n") {
		t.Errorf("report:\n%s", r.stdout)
	}
	elapsed := time.Since(start)
	wantRepr := map[string]string{
		"p2": "{'a': [1, 2], 'when': datetime.datetime(2024, 5, 17, 0, 0, tzinfo=datetime.timezone.utc)}",
		"p4": "{'_permanent': True, 'u': '12345678-1234-5678-1234-567812345678', 's': [1]}",
		"p5": "{'b': b'\\x00', 'd': '1.5'}",
		"p0": "{'x': 'y'}",
		"mp": "{'a': 1}",
		"js": "{'a': 2}",
	}
	for sid, want := range wantRepr {
		raw := f.raw(t, sid)
		if sid != "js" && formatOf(raw) != "msgpack" {
			t.Errorf("%s: stored as %s", sid, formatOf(raw))
		}
		if r := cli(t, "", f.args("get", sid)...); r.stdout != want+"\n" {
			t.Errorf("%s: %q, want %q", sid, r.stdout, want)
		}
	}
	// JSON is read as msgspec JSON: already in a msgspec format, but not
	// msgpack, so it was converted too.
	if formatOf(f.raw(t, "js")) != "msgpack" {
		t.Errorf("js stored as %s", formatOf(f.raw(t, "js")))
	}
	// The TTLs are kept (to the millisecond, less the time that passed).
	for _, e := range entries {
		got := f.pttl(t, e.sid)
		b := before[e.sid]
		if b < 0 {
			if got != b {
				t.Errorf("%s: PTTL %v, was %v", e.sid, got, b)
			}
			continue
		}
		if got > b || got < b-elapsed-time.Second {
			t.Errorf("%s: PTTL %v, was %v (%v ago)", e.sid, got, b, elapsed)
		}
	}
	// Failed values are left as they were.
	for _, e := range entries[6:] {
		if got := f.raw(t, e.sid); string(got) != string(e.data) {
			t.Errorf("failed %s was changed", e.sid)
		}
	}
	// --markup-as-str converts the Markup session; a second run finds the
	// rest converted.
	r = cliMigrate(t, f.args("migrate", "--to", "msgpack", "--markup-as-str", "--pattern", "m*")...)
	if r.want(t, 0); r.stdout != "sessions: 2\nconverted to msgpack: 1\nalready msgpack: 1\nfailed: 0\ngone: 0\n" {
		t.Errorf("markup-as-str:\n%s", r.stdout)
	}
	if r := cli(t, "", f.args("get", "markup")...); r.stdout != "{'m': '<b>'}\n" {
		t.Errorf("markup: %q", r.stdout)
	}
	// Back to pickle (protocol 2), and to JSON.
	f.c.Del(ctx, f.prefix+"corrupt", f.prefix+"big", f.prefix+"empty")
	r = cliMigrate(t, f.args("migrate", "--to", "pickle", "--pickle-protocol", "2")...)
	if r.want(t, 0); r.stdout != "sessions: 7\nconverted to pickle: 7\nalready pickle: 0\nfailed: 0\ngone: 0\n" {
		t.Errorf("to pickle:\n%s", r.stdout)
	}
	if raw := f.raw(t, "p4"); !strings.HasPrefix(string(raw), "\x80\x02") {
		t.Errorf("p4 % x", raw[:2])
	}
	// p5 holds bytes, which msgspec JSON writes as base64 text.
	r = cliMigrate(t, f.args("migrate", "--to", "json")...)
	if r.want(t, 0); r.stdout != "sessions: 7\nconverted to json: 7\nalready json: 0\nfailed: 0\ngone: 0\n" {
		t.Errorf("to json:\n%s", r.stdout)
	}
	if r := cli(t, "", f.args("get", "p5")...); r.stdout != "{'b': 'AA==', 'd': '1.5'}\n" {
		t.Errorf("p5 as json: %q", r.stdout)
	}
	// An empty store.
	r = cliMigrate(t, "session", "migrate", "--store", f.url, "--key-prefix", newPrefix(), "--to", "msgpack")
	if r.want(t, 0); r.stdout != "sessions: 0\nconverted to msgpack: 0\nalready msgpack: 0\nfailed: 0\ngone: 0\n" {
		t.Errorf("empty:\n%s", r.stdout)
	}
}

// racingStore is a real store in which another writer replaces a value
// between the migration's read and its swap, as a Flask request would.
type racingStore struct {
	*redisstore.Store
	races  int
	writes [][]byte
}

func (s *racingStore) Load(ctx context.Context, key string) ([]byte, bool, error) {
	b, found, err := s.Store.Load(ctx, key)
	if s.races > 0 && err == nil && found {
		s.races--
		w := s.writes[0]
		s.writes = s.writes[1:]
		if err := s.Store.Client().Set(ctx, key, w, redis.KeepTTL).Err(); err != nil {
			return nil, false, err
		}
	}
	return b, found, err
}

func TestSessionMigrateConcurrentWriter(t *testing.T) {
	f := redisFix(t)
	ctx := context.Background()
	p := func(lit string) []byte {
		v, _ := py.ParseLiteral(lit)
		b, _ := pickle.Marshal(v)
		return b
	}
	mpNew, _ := msgspec.MarshalMsgpack(py.DictOf("v", "python 0.8 wrote"))
	key := f.prefix + "k"
	cases := []struct {
		name   string
		writes [][]byte
		want   outcome
		repr   string
	}{
		{"pickle rewritten", [][]byte{p(`{'v': 'second'}`)}, converted, "{'v': 'second'}"},
		{"rewritten as msgpack", [][]byte{mpNew}, already, "{'v': 'python 0.8 wrote'}"},
		{"rewritten every time", [][]byte{p("{'v': 1}"), p("{'v': 2}"), p("{'v': 3}"), p("{'v': 4}"), p("{'v': 5}")}, failed, "{'v': 5}"},
	}
	for _, c := range cases {
		f.c.Set(ctx, key, p(`{'v': 'first'}`), time.Hour)
		st := &racingStore{Store: redisstore.New(f.c), races: len(c.writes), writes: c.writes}
		mg := &migration{store: st, cas: st, to: flasksession.FormatMsgpack, progress: &progress{w: &strings.Builder{}, interval: time.Hour, now: time.Now}}
		mg.write = flasksession.Serializer{Format: flasksession.FormatMsgpack}
		out, reason, err := mg.one(ctx, flasksession.Serializer{Format: flasksession.FormatMsgpack}, key)
		if err != nil || out != c.want {
			t.Errorf("%s: outcome %d (%s), %v; want %d", c.name, out, reason, err, c.want)
		}
		d, _, err := (flasksession.Serializer{}).Decode(f.raw(t, "k"))
		if err != nil || py.Repr(d) != c.repr {
			t.Errorf("%s: stored %s, %v; want %s", c.name, py.Repr(d), err, c.repr)
		}
		if ttl := f.pttl(t, "k"); ttl < 59*time.Minute {
			t.Errorf("%s: PTTL %v", c.name, ttl)
		}
	}
	// A key that expires during the run is gone.
	mg := &migration{store: redisstore.New(f.c), cas: redisstore.New(f.c), to: flasksession.FormatMsgpack}
	if out, _, err := mg.one(ctx, flasksession.Serializer{}, f.prefix+"never"); out != gone || err != nil {
		t.Errorf("absent key: %d, %v", out, err)
	}
}

func TestSessionMigrateInterrupted(t *testing.T) {
	f := redisFix(t)
	for i := 0; i < 3; i++ {
		cli(t, "{'a': 1}", f.args("set", "--compat", "0.6")...).want(t, 0)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb strings.Builder
	e := &env{ctx: ctx, stdin: strings.NewReader(""), stdout: &out, stderr: &errb}
	st := redisstore.New(f.c)
	mg := &migration{store: st, cas: st, to: flasksession.FormatMsgpack, progress: &progress{w: &errb, interval: time.Hour, now: time.Now}}
	err := mg.run(e.ctx, []string{f.prefix + "a", f.prefix + "b"})
	if err == nil || !strings.Contains(err.Error(), "interrupted after 0 of 2 sessions (converted 0, already msgpack 0, failed 0, gone 0)") {
		t.Errorf("interrupted: %v", err)
	}
}

func TestProgress(t *testing.T) {
	var b strings.Builder
	clock := time.Unix(0, 0)
	now := func() time.Time { return clock }
	tally := func() string { return "converted 1" }
	// A terminal: a bar redrawn in place, cleared at the end.
	p := &progress{w: &b, name: "session migrate", total: 4, tty: true, interval: 100 * time.Millisecond, now: now, start: clock, last: clock}
	p.update(1, tally) // too soon: nothing
	clock = clock.Add(time.Second)
	p.update(2, tally)
	p.update(3, tally) // too soon again
	p.update(4, tally) // the last is always drawn
	p.finish()
	want := "\r[===============               ]  50% 2/4  converted 1\x1b[K" +
		"\r[==============================] 100% 4/4  converted 1\x1b[K" + "\r\x1b[K"
	if b.String() != want {
		t.Errorf("terminal:\n got %q\nwant %q", b.String(), want)
	}
	// Not a terminal: a line now and then, and none for a short run.
	b.Reset()
	p = &progress{w: &b, name: "session migrate", total: 3, interval: 5 * time.Second, now: now, start: clock, last: clock}
	p.update(1, tally)
	p.update(2, tally)
	p.update(3, tally)
	p.finish()
	if b.String() != "" {
		t.Errorf("short run: %q", b.String())
	}
	p = &progress{w: &b, name: "session migrate", total: 3, interval: 5 * time.Second, now: now, start: clock, last: clock}
	clock = clock.Add(6 * time.Second)
	p.update(1, tally)
	p.update(2, tally)
	p.update(3, tally)
	p.finish()
	want = "flaskbridge session migrate: 1/3 sessions (33%): converted 1\n" +
		"flaskbridge session migrate: 3/3 sessions (100%): converted 1\n"
	if b.String() != want {
		t.Errorf("plain:\n got %q\nwant %q", b.String(), want)
	}
	if isTerminal(&b) {
		t.Error("a buffer is a terminal?")
	}
}

func TestGlob(t *testing.T) {
	cases := []struct {
		p, s string
		want bool
	}{
		{"*", "", true},
		{"*", "a/b", true},
		{"a*", "abc", true},
		{"a*", "ba", false},
		{"*c", "abc", true},
		{"a*c", "ac", true},
		{"a*c", "abcbd", false},
		{"a*b*c", "axxbyyc", true},
		{"a*b*c", "axxbyyd", false},
		{"?", "ä", true},
		{"?", "", false},
		{"??", "ä", false},
		{"[abc]", "b", true},
		{"[abc]", "d", false},
		{"[a-c]x", "bx", true},
		{"[c-a]x", "bx", true},
		{"[!a-c]", "d", true},
		{"[^a-c]", "b", false},
		{"[]]", "]", true},
		{"[]a]", "a", true},
		{`[\]]`, "]", true},
		{"[ä-ö]", "ö", true},
		{`\*`, "*", true},
		{`\*`, "a", false},
		{`\?x`, "?x", true},
		{"a[", "a[", true},
		{"*[0-9]", "abc7", true},
		{"*[0-9]", "abc", false},
		{"x", "x", true},
		{"x", "xy", false},
		{"**", "anything", true},
	}
	for _, c := range cases {
		if got := globMatch(c.p, c.s); got != c.want {
			t.Errorf("globMatch(%q, %q) = %v", c.p, c.s, got)
		}
	}
	for p, ok := range map[string]bool{"*": true, "[a": false, `a\`: false, `\\`: true, "[]": false, "[!]": false, "[a-]": true, `[\`: false, "[a-\\": false} {
		if err := checkGlob(p); (err == nil) != ok {
			t.Errorf("checkGlob(%q) = %v", p, err)
		}
	}
}

func FuzzGlob(f *testing.F) {
	f.Add("a*b?[c-d]", "axxbyc")
	f.Add(`[!\]]*`, "x]")
	f.Add("*[", "[")
	f.Add("\x9b", "\xa0") // two bytes that are not UTF-8 are not one character
	f.Fuzz(func(t *testing.T, p, s string) {
		if len(p) > 64 || len(s) > 256 {
			return
		}
		m := globMatch(p, s)
		if checkGlob(p) != nil {
			return
		}
		// A pattern of plain characters matches itself only.
		if !strings.ContainsAny(p, `*?[\`) && m != (p == s) {
			t.Fatalf("globMatch(%q, %q) = %v", p, s, m)
		}
		if globMatch("*", s) != true {
			t.Fatal("* does not match")
		}
	})
}

func TestCheckSID(t *testing.T) {
	for sid, ok := range map[string]bool{
		"abc":                                  true,
		"-abc_DEF-123":                         true,
		"5d5e3e4c-1a2b-4c3d-8e9f-0a1b2c3d4e5f": true,
		"":                                     false,
		"a b":                                  false,
		"a;b":                                  false,
		"a,b":                                  false,
		`a"b`:                                  false,
		`a\b`:                                  false,
		"é":                                    false,
		"a\x00":                                false,
		strings.Repeat("a", 256):               true,
		strings.Repeat("a", 257):               false,
	} {
		if err := checkSID(sid); (err == nil) != ok {
			t.Errorf("checkSID(%q) = %v", sid, err)
		}
	}
}

// sqlStores are the SQL test databases as --store URLs, each with a
// sessions table of its own (dropped at the end).
func sqlStores(t *testing.T) map[string]string {
	pg := services.Postgres(t)
	my, err := mysql.ParseDSN(services.MySQL(t))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "s.db")
	os.WriteFile(path, nil, 0o600)
	urls := map[string]string{
		"postgres": pg,
		"mysql":    "mysql://" + my.User + ":" + my.Passwd + "@" + my.Addr + "/" + my.DBName,
		"sqlite":   "sqlite:///" + path,
	}
	for name, u := range urls {
		table := "fbcli_" + strings.TrimSuffix(strings.TrimPrefix(newPrefix(), "fbcli:"), ":")
		sep := "?"
		if strings.Contains(u, "?") {
			sep = "&"
		}
		u += sep + "table=" + table
		o, err := storeurl.Open(context.Background(), u, storeurl.Options{})
		if err != nil {
			t.Fatal(err)
		}
		s := o.Store.(*sqlstore.Store)
		if err := s.CreateTable(context.Background()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.DB().Exec("DROP TABLE " + table); o.Close() })
		urls[name] = u
	}
	return urls
}

func TestSessionSQL(t *testing.T) {
	for name, store := range sqlStores(t) {
		t.Run(name, func(t *testing.T) {
			args := func(cmd string, more ...string) []string {
				return append([]string{"session", cmd, "--store", store}, more...)
			}
			var cookies []string
			for i := 0; i < 4; i++ {
				r := cli(t, fmt.Sprintf("{'i': %d, 't': (1, 2)}", i), args("set", "--compat", "0.6", "--ttl", "600", "--secret-key", "k")...)
				r.want(t, 0)
				cookies = append(cookies, lastLine(r.stdout))
			}
			r := cli(t, "", args("get", "--secret-key", "k", cookies[2])...)
			if r.want(t, 0); r.stdout != "{'i': 2, 't': (1, 2)}\n" {
				t.Errorf("get %q", r.stdout)
			}
			if r := cli(t, "", args("list", "--count")...); r.stdout != "4\n" {
				t.Errorf("count %q %q", r.stdout, r.stderr)
			}
			o, err := storeurl.Open(context.Background(), store, storeurl.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer o.Close()
			sid, _ := flasksession.UnsignID("k", cookies[2])
			ttl := func() time.Duration {
				d, _, err := o.Store.(flasksession.TTLer).TTL(context.Background(), "session:"+sid)
				if err != nil {
					t.Fatal(err)
				}
				return d
			}
			// An empty value is no session, as in Redis: gone, not failed.
			if err := o.Store.Save(context.Background(), "session:empty", []byte{}, time.Minute); err != nil {
				t.Fatal(err)
			}
			before := ttl()
			r = cliMigrate(t, args("migrate", "--to", "msgpack")...)
			if r.want(t, 0); r.stdout != "sessions: 5\nconverted to msgpack: 4\nalready msgpack: 0\nfailed: 0\ngone: 1\n" {
				t.Errorf("migrate:\n%s", r.stdout)
			}
			if after := ttl(); after > before || after < before-2*time.Second {
				t.Errorf("TTL %v, was %v", after, before)
			}
			if err := o.Store.Delete(context.Background(), "session:empty"); err != nil {
				t.Fatal(err)
			}
			if r := cli(t, "", args("get", "--secret-key", "k", cookies[2])...); r.stdout != "{'i': 2, 't': [1, 2]}\n" {
				t.Errorf("after migrate %q", r.stdout)
			}
			cli(t, "", append(args("delete", "--secret-key", "k"), cookies...)...).want(t, 0)
			if r := cli(t, "", args("list")...); r.stdout != "" {
				t.Errorf("list after delete %q", r.stdout)
			}
		})
	}
	cli(t, "", "session", "get", "--store", "sqlite:///"+filepath.Join(t.TempDir(), "none.db"), "x").want(t, 1, "SQLite database")
}
