package storeurl_test

import (
	"context"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/redis/go-redis/v9"

	"github.com/flaskbridge/flaskbridge/flasksession"
	"github.com/flaskbridge/flaskbridge/flasksession/filestore"
	"github.com/flaskbridge/flaskbridge/flasksession/memcachedstore"
	"github.com/flaskbridge/flaskbridge/flasksession/redisstore"
	"github.com/flaskbridge/flaskbridge/flasksession/sqlstore"
	"github.com/flaskbridge/flaskbridge/flasksession/storeurl"
	"github.com/flaskbridge/flaskbridge/internal/services"
	"github.com/flaskbridge/flaskbridge/py"
)

func ctx(t testing.TB) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

func open(t *testing.T, raw string) *storeurl.Opened {
	t.Helper()
	o, err := storeurl.Open(ctx(t), raw, storeurl.Options{})
	if err != nil {
		t.Fatalf("Open(%q): %v", raw, err)
	}
	t.Cleanup(func() { o.Close() })
	return o
}

func TestBadURLs(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		url  string
		want error
		msg  string
	}{
		{"", storeurl.ErrURL, "has no scheme"},
		{"localhost:6379", storeurl.ErrURL, `unknown scheme "localhost"`},
		{"/tmp/sessions", storeurl.ErrURL, "has no scheme"},
		{"ftp://x", storeurl.ErrURL, `unknown scheme "ftp"`},
		{"redis://h:6379/x", storeurl.ErrURL, "invalid database number"},
		{"redis://h:6379/0?pool_sise=3", storeurl.ErrURL, "pool_sise"},
		{"redis://user:s3cret@h:6379/0?bogus=1", storeurl.ErrURL, "bogus"},
		{"redis+cluster://", storeurl.ErrURL, "empty host"},
		{"redis+cluster:h:1", storeurl.ErrURL, "want scheme://host:port"},
		{"redis+cluster://h:1,,h:2", storeurl.ErrURL, "empty host"},
		{"redis+cluster://h:1,h:x", storeurl.ErrURL, "bad port"},
		{"redis+cluster://h:1,h:99999", storeurl.ErrURL, "bad port"},
		{"redis+cluster://h:1/3", storeurl.ErrURL, "one database"},
		{"redis+cluster://h:1?nope=1", storeurl.ErrURL, "nope"},
		{"redis+sentinel://h:1", storeurl.ErrURL, "MASTERNAME"},
		{"redis+sentinel://h:1/m/2/3", storeurl.ErrURL, "MASTERNAME"},
		{"redis+sentinel://h:1/m/x", storeurl.ErrURL, "not a number"},
		{"redis+sentinel://h:1/m?master_name=x", storeurl.ErrURL, "the master name is the URL's path"},
		{"redis+sentinel://h:1/m?addr=h:2", storeurl.ErrURL, "separated by commas"},
		{"file://", storeurl.ErrURL, "no directory"},
		{"file://example.com/tmp", storeurl.ErrURL, "not on host"},
		{"file://" + dir + "?cachelib=1.0", storeurl.ErrURL, "cachelib version"},
		{"file://" + dir + "?threshold=-1", storeurl.ErrURL, "threshold"},
		{"file://" + dir + "?mode=999", storeurl.ErrURL, "mode"},
		{"file://" + dir + "?protocol=1", storeurl.ErrURL, "pickle protocol"},
		{"file://" + dir + "?cache=0.9", storeurl.ErrURL, `unknown parameter "cache"`},
		{"file://" + dir + "/missing", fs_ErrNotExist, "no such file"},
		{"memcached://u:p@h:1", storeurl.ErrURL, "no user or password"},
		{"memcached://h:1/x", storeurl.ErrURL, "no path"},
		{"memcached://h:1?timeout=0", storeurl.ErrURL, "timeout"},
		{"memcached://h:1?timeout=x", storeurl.ErrURL, "timeout"},
		{"memcached://h:1?bogus=1", storeurl.ErrURL, `unknown parameter "bogus"`},
	}
	for _, c := range cases {
		o, err := storeurl.Open(ctx(t), c.url, storeurl.Options{})
		if err == nil {
			o.Close()
			t.Errorf("Open(%q): no error", c.url)
			continue
		}
		if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("Open(%q) = %v; want %v saying %q", c.url, err, c.want, c.msg)
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("Open(%q): the error shows the password: %v", c.url, err)
		}
	}
	// A file that is not a directory.
	f := filepath.Join(dir, "f")
	os.WriteFile(f, nil, 0o600)
	if _, err := storeurl.Open(ctx(t), "file://"+f, storeurl.Options{}); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("a file as the directory: %v", err)
	}
	// A context that has ended.
	c, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := storeurl.Open(c, "redis://h", storeurl.Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("ended context: %v", err)
	}
}

var fs_ErrNotExist = os.ErrNotExist

func TestRedact(t *testing.T) {
	cases := map[string]string{
		"redis://h:1/0":                                    "redis://h:1/0",
		"redis://:pw@h:1/0":                                "redis://:xxxxx@h:1/0",
		"redis://user:p%40ss@h:1/0":                        "redis://user:xxxxx@h:1/0",
		"redis://user@h:1":                                 "redis://user@h:1",
		"redis+cluster://u:pw@a:1,b:2?x=1":                 "redis+cluster://u:xxxxx@a:1,b:2?x=1",
		"redis+sentinel://a:1/m?sentinel_password=pw&db=2": "redis+sentinel://a:1/m?sentinel_password=xxxxx&db=2",
		"postgres://u:pw@h/db?sslmode=disable":             "postgres://u:xxxxx@h/db?sslmode=disable",
		"mysql://u:p@ss@h:3306/db":                         "mysql://u:xxxxx@h:3306/db",
		"file:///tmp/x":                                    "file:///tmp/x",
	}
	for in, want := range cases {
		if got := storeurl.Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}

// roundTrip writes and reads a session through a Manager over the store.
func roundTrip(t *testing.T, o *storeurl.Opened, prefix string) {
	t.Helper()
	m, err := flasksession.New(o.Store, flasksession.Options{KeyPrefix: &prefix, PermanentSessionLifetime: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	sid := m.NewID()
	d := py.DictOf("_permanent", true, "user", "42")
	if err := m.Write(ctx(t), sid, d); err != nil {
		t.Fatal(err)
	}
	got, _, found, err := m.Read(ctx(t), sid)
	if err != nil || !found || !py.Equal(got, d) {
		t.Fatalf("read back %v, %v, %v", py.Repr(got), found, err)
	}
	if err := m.Remove(ctx(t), sid); err != nil {
		t.Fatal(err)
	}
}

func init() {
	redis.SetLogger(quiet{})
}

// quiet drops go-redis's log lines (retries against servers that are down
// on purpose).
type quiet struct{}

func (quiet) Printf(context.Context, string, ...any) {}

func TestRedis(t *testing.T) {
	addr := services.Redis(t)
	o := open(t, "redis://"+addr+"/0?key_prefix=p1:&dial_timeout=2s")
	if _, ok := o.Store.(*redisstore.Store); !ok || o.Options.Type != "redis" || o.Scheme != "redis" || *o.Options.KeyPrefix != "p1:" {
		t.Fatalf("opened %+v", o)
	}
	roundTrip(t, o, "storeurl:"+t.Name()+":")
	// The database of the path.
	o3 := open(t, "redis://"+addr+"/3")
	if db := o3.Store.(*redisstore.Store).Client().(*redis.Client).Options().DB; db != 3 {
		t.Errorf("db %d", db)
	}
	if o3.Options.KeyPrefix != nil {
		t.Errorf("key prefix %q without key_prefix", *o3.Options.KeyPrefix)
	}
	roundTrip(t, o3, "storeurl:"+t.Name()+":")
	// rediss is TLS: the plain server does not speak it.
	ot := open(t, "rediss://"+addr+"?max_retries=-1&dial_timeout=1s")
	if _, _, err := ot.Store.Load(ctx(t), "x"); err == nil {
		t.Error("rediss:// against a plain server read")
	}
	if c := ot.Store.(*redisstore.Store).Client().(*redis.Client).Options().TLSConfig; c == nil {
		t.Error("rediss:// without TLS")
	}
	if err := o.Close(); err != nil {
		t.Error(err)
	}
	if err := o.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestRedisCluster(t *testing.T) {
	addrs := services.RedisCluster(t)
	o := open(t, "redis+cluster://"+strings.Join(addrs, ",")+"?key_prefix=c:")
	if _, ok := o.Store.(*redisstore.Store).Client().(*redis.ClusterClient); !ok || o.Scheme != "redis+cluster" {
		t.Fatalf("opened %+v", o)
	}
	if got := o.Store.(*redisstore.Store).Client().(*redis.ClusterClient).Options().Addrs; strings.Join(got, ",") != strings.Join(addrs, ",") {
		t.Errorf("addrs %v", got)
	}
	for i := 0; i < 10; i++ { // keys in several slots
		roundTrip(t, o, "storeurl:"+t.Name()+":"+string(rune('a'+i))+":")
	}
	// One node is enough to find the others.
	roundTrip(t, open(t, "redis+cluster://"+addrs[0]), "storeurl:one:")
	o = open(t, "rediss+cluster://u:pw@"+addrs[0])
	opt := o.Store.(*redisstore.Store).Client().(*redis.ClusterClient).Options()
	if opt.TLSConfig == nil || opt.Username != "u" || opt.Password != "pw" {
		t.Errorf("rediss+cluster options: tls %v, user %q, password %q", opt.TLSConfig != nil, opt.Username, opt.Password)
	}
}

func TestRedisSentinel(t *testing.T) {
	addrs, master := services.Sentinel(t)
	o := open(t, "redis+sentinel://"+strings.Join(addrs, ",")+"/"+master+"/2?key_prefix=s:")
	if o.Scheme != "redis+sentinel" || *o.Options.KeyPrefix != "s:" {
		t.Fatalf("opened %+v", o)
	}
	roundTrip(t, o, "storeurl:"+t.Name()+":")
	// The session is in database 2 of the master.
	m, _ := flasksession.New(o.Store, flasksession.Options{KeyPrefix: flasksession.String("storeurl:db:")})
	if err := m.Write(ctx(t), "x", py.DictOf("a", int64(1))); err != nil {
		t.Fatal(err)
	}
	c := o.Store.(*redisstore.Store).Client()
	if n, err := c.Do(ctx(t), "CLIENT", "INFO").Text(); err != nil || !strings.Contains(n, " db=2 ") {
		t.Errorf("CLIENT INFO: %q, %v", n, err)
	}
	c.Del(ctx(t), "storeurl:db:x")
	// Credentials: the user info is the master's, sentinel_* the
	// sentinels'.
	o = open(t, "redis+sentinel://u:p%40w@"+addrs[0]+"/"+master+"?sentinel_username=su&sentinel_password=sp")
	if opt := o.Store.(*redisstore.Store).Client().(*redis.Client).Options(); opt.Username != "u" || opt.Password != "p@w" {
		t.Errorf("master credentials %q %q", opt.Username, opt.Password)
	}
}

func TestFile(t *testing.T) {
	dir := t.TempDir()
	o := open(t, "file://"+dir+"?cachelib=0.13.0&threshold=0&mode=0640&protocol=4&key_prefix=f:")
	fs, ok := o.Store.(*filestore.Store)
	if !ok || o.Options.Type != "filesystem" || *o.Options.KeyPrefix != "f:" || fs.PickleProtocol() != 4 {
		t.Fatalf("opened %+v", o)
	}
	sum := md5.Sum([]byte("f:abc"))
	if fs.FileName("f:abc") != hex.EncodeToString(sum[:]) {
		t.Errorf("cachelib 0.13 names files by md5")
	}
	m, _ := flasksession.New(o.Store, flasksession.Options{KeyPrefix: o.Options.KeyPrefix})
	if err := m.Write(ctx(t), "abc", py.DictOf("a", int64(1))); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, fs.FileName("f:abc")))
	if err != nil || fi.Mode().Perm() != 0o640 {
		t.Errorf("file mode: %v, %v", fi, err)
	}
	if _, err := os.Stat(filepath.Join(dir, fs.FileName(filestore.CountKey))); err == nil {
		t.Error("threshold=0 wrote a count file")
	}
	// The newest layout by default, and a relative path.
	o = open(t, "file://"+dir)
	sha := sha256.Sum256([]byte("x"))
	if o.Store.(*filestore.Store).FileName("x") != hex.EncodeToString(sha[:]) {
		t.Error("default layout: not sha256 names")
	}
	wd, _ := os.Getwd()
	rel, err := filepath.Rel(wd, dir)
	if err == nil {
		if o := open(t, "file:"+url.PathEscape(rel)); o.Store.(*filestore.Store).Dir() != rel {
			t.Errorf("file:%s opened %s", rel, o.Store.(*filestore.Store).Dir())
		}
	}
	roundTrip(t, open(t, "file://localhost"+dir+"?cachelib=werkzeug"), "k:")
	// Now is the store's clock.
	t0 := time.Unix(2_000_000_000, 0)
	o, err = storeurl.Open(ctx(t), "file://"+dir, storeurl.Options{Now: func() time.Time { return t0 }})
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	o.Store.Save(ctx(t), "k", []byte("\x80\x04}\x94."), time.Minute)
	if ttl, _, _ := o.Store.(flasksession.TTLer).TTL(ctx(t), "k"); ttl != time.Minute {
		t.Errorf("TTL with a fixed clock: %v", ttl)
	}
}

func TestMemcached(t *testing.T) {
	addr := services.Memcached(t)
	o := open(t, "memcached://"+addr+"?key_prefix=m:&timeout=2s")
	if _, ok := o.Store.(*memcachedstore.Store); !ok || o.Options.Type != "memcached" || *o.Options.KeyPrefix != "m:" {
		t.Fatalf("opened %+v", o)
	}
	roundTrip(t, o, "storeurl:"+t.Name()+":")
	if _, ok := o.Store.(flasksession.Lister); ok {
		t.Error("memcached lists keys?")
	}
	// Two servers, as python-memcached lists them; a port by default.
	o = open(t, "memcached://"+addr+",127.0.0.1?timeout=3")
	if s := o.Store.(*memcachedstore.Store).ServerFor("x"); s != addr && s != "127.0.0.1:11211" {
		t.Errorf("ServerFor: %q", s)
	}
	// A server that is down is an error, never "not found".
	down := fmt.Sprintf("127.0.0.1:%d", services.FreePort(t))
	o = open(t, "memcached://"+down+"?timeout=1")
	if _, _, err := o.Store.Load(ctx(t), "x"); err == nil {
		t.Error("a server that is down: no error")
	}
}

func randomTable() string {
	var b [5]byte
	rand.Read(b[:])
	return "fbstoreurl_" + hex.EncodeToString(b[:])
}

// sqlURLs are the URLs of the test databases, as SQLALCHEMY_DATABASE_URI
// writes them.
func sqlURLs(t *testing.T) map[string]string {
	pg := services.Postgres(t)
	my, err := mysql.ParseDSN(services.MySQL(t))
	if err != nil {
		t.Fatal(err)
	}
	auth := my.User
	if my.Passwd != "" {
		auth += ":" + url.QueryEscape(my.Passwd)
	}
	path := filepath.Join(t.TempDir(), "s.db")
	os.WriteFile(path, nil, 0o600)
	return map[string]string{
		"postgres": pg,
		"mysql":    "mysql+pymysql://" + auth + "@" + my.Addr + "/" + my.DBName,
		"sqlite":   "sqlite:///" + path,
	}
}

func TestSQL(t *testing.T) {
	for name, u := range sqlURLs(t) {
		t.Run(name, func(t *testing.T) {
			table := randomTable()
			sep := "?"
			if strings.Contains(u, "?") {
				sep = "&"
			}
			o := open(t, u+sep+"table="+table+"&key_prefix=q:")
			s, ok := o.Store.(*sqlstore.Store)
			if !ok || o.Options.Type != "sqlalchemy" || *o.Options.KeyPrefix != "q:" {
				t.Fatalf("opened %+v", o)
			}
			if err := s.CreateTable(ctx(t)); err != nil {
				t.Fatal(err)
			}
			defer s.DB().Exec("DROP TABLE " + table)
			roundTrip(t, o, "storeurl:")
			if _, ok := o.Store.(flasksession.Lister); !ok {
				t.Error("not a Lister")
			}
			if _, ok := o.Store.(flasksession.CompareAndSwapper); !ok {
				t.Error("not a CompareAndSwapper")
			}
			// A table that does not exist: an error at the first use, never
			// "not found".
			o2 := open(t, u+sep+"table=nosuchtable_fb")
			if _, _, err := o2.Store.Load(ctx(t), "x"); err == nil {
				t.Error("a missing table read as no session")
			}
		})
	}
	for _, c := range []struct{ url, msg string }{
		{"postgres://u:s3cret@h:notaport/db", "invalid port"},
		{"postgres://u:s3cret@h/db?sslmode=bogus", "cannot parse"},
		{"mysql://u:s3cret@h:3306/a/b", "has a /"},
		{"mysql://u:s3cret@h:3306/db?parseTime=maybe", "invalid bool value"},
		{"sqlite://host/x.db", "has no host"},
		{"sqlite:///", "no database file"},
		{"sqlite:///x.db?timeout=3", `unknown parameter "timeout"`},
		{"postgres://h/db?sequence=s&table=t", ""},
		{"mysql://h/db?sequence=s", "for PostgreSQL"},
	} {
		o, err := storeurl.Open(ctx(t), c.url, storeurl.Options{})
		if c.msg == "" {
			if err != nil {
				t.Errorf("Open(%q): %v", c.url, err)
			} else {
				o.Close()
			}
			continue
		}
		if err == nil || !errors.Is(err, storeurl.ErrURL) || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("Open(%q) = %v; want ErrURL saying %q", c.url, err, c.msg)
		}
		if err != nil && strings.Contains(err.Error(), "s3cret") {
			t.Errorf("Open(%q): the error shows the password: %v", c.url, err)
		}
	}
	if _, err := storeurl.Open(ctx(t), "sqlite:///"+filepath.Join(t.TempDir(), "missing.db"), storeurl.Options{}); err == nil || !strings.Contains(err.Error(), "sqlite:////absolute.db") {
		t.Errorf("missing SQLite file: %v", err)
	}
}
