// Package storeurl opens the flasksession store a URL names, so that a
// tool can be pointed at a Flask-Session store with one string:
//
//	redis://[user:password@]host[:port][/db][?options]            a Redis server
//	rediss://...                                                  the same over TLS
//	redis+cluster://[user:password@]host:port[,host:port...]      a Redis Cluster (rediss+cluster: TLS)
//	redis+sentinel://[user:password@]host:port[,host:port...]/master[/db]
//	                                                              a master found through Sentinel (rediss+sentinel: TLS)
//	file:///dir[?cachelib=VERSION]                                cachelib's FileSystemCache directory
//	memcached://host:port[,host:port...]                          memcached
//	postgres://user:password@host:port/db?sslmode=disable         Flask-Session's SQL table (pgx)
//	mysql://user:password@host:port/db                            the same on MySQL or MariaDB
//	sqlite:///relative.db, sqlite:////absolute.db                 the same in a SQLite file
//
// The SQL URLs are SQLALCHEMY_DATABASE_URI's (postgresql+psycopg2:// and
// mysql+pymysql:// are read as postgres:// and mysql://), with the
// parameters table (SESSION_SQLALCHEMY_TABLE), schema and sequence; their
// other parameters go to the driver (pgx, go-sql-driver/mysql). The table
// must exist (Flask-Session 0.6+ create it when the app starts).
//
// Every URL may carry key_prefix=P (SESSION_KEY_PREFIX), returned in
// Opened.Options. The Redis URLs take go-redis's connection options as
// query parameters (dial_timeout=3s, pool_size=4, ...; see redis.ParseURL);
// the user and password of a redis+sentinel URL are the master's, and
// sentinel_username and sentinel_password those of the sentinels. A file
// URL takes cachelib (the version of cachelib the Python side runs, whose
// file layout to follow: "0.9", "0.13.0", "werkzeug"), threshold
// (SESSION_FILE_THRESHOLD), mode (SESSION_FILE_MODE, octal) and protocol
// (the Python side's pickle.HIGHEST_PROTOCOL); its directory must exist, as
// must a SQLite file. A memcached URL takes timeout (for each command).
// An unknown query parameter is an error (SQL URLs: the driver's error),
// so a misspelt option is never ignored.
package storeurl

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/flaskbridge/flaskbridge/flasksession"
	"github.com/flaskbridge/flaskbridge/flasksession/filestore"
	"github.com/flaskbridge/flaskbridge/flasksession/redisstore"
)

// Errors of this package, for errors.Is. It comes wrapped with detail.
var (
	// ErrURL reports a store URL that cannot be parsed or names options
	// that do not exist.
	ErrURL = errors.New("storeurl: bad store URL")
)

// Options tune Open; the zero value is what a tool wants.
type Options struct {
	// Now is the clock of the stores that compare expiry times themselves
	// (the filesystem and SQL stores; memcached for expiries over 30
	// days). Zero: time.Now.
	Now func() time.Time
}

// Opened is a store opened from a URL. Close it when done.
type Opened struct {
	// Store is the store, with the optional interfaces its package
	// implements (flasksession.Lister, CompareAndSwapper, TTLer, ...).
	Store flasksession.Store
	// Options are the Flask-Session options the URL implies: Type is
	// SESSION_TYPE ("redis", "filesystem", "memcached", "sqlalchemy"), and
	// KeyPrefix is set when the URL has key_prefix.
	Options flasksession.Options
	// Scheme is the URL's scheme, lower case.
	Scheme string

	close func() error
}

// Close releases the store's connections.
func (o *Opened) Close() error {
	if o == nil || o.close == nil {
		return nil
	}
	err := o.close()
	o.close = nil
	return err
}

// Schemes are the URL schemes Open knows.
var schemes = []string{
	"redis", "rediss", "redis+cluster", "rediss+cluster", "redis+sentinel", "rediss+sentinel",
	"file", "memcached", "postgres", "postgresql", "mysql", "mariadb", "sqlite",
}

// Open opens the store rawURL names. Network stores connect lazily: a
// server that is down shows in the first operation, as an error.
func Open(ctx context.Context, rawURL string, o Options) (*Opened, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	scheme, rest, ok := strings.Cut(rawURL, ":")
	if !ok || scheme == "" {
		return nil, fmt.Errorf("%w: %q has no scheme (want one of %s)", ErrURL, Redact(rawURL), strings.Join(schemes, ", "))
	}
	scheme = strings.ToLower(scheme)
	switch scheme {
	case "redis", "rediss":
		return openRedis(rawURL, scheme)
	case "redis+cluster", "rediss+cluster":
		return openCluster(rest, strings.TrimSuffix(scheme, "+cluster"))
	case "redis+sentinel", "rediss+sentinel":
		return openSentinel(rest, strings.TrimSuffix(scheme, "+sentinel"))
	case "file":
		return openFile(rawURL, o)
	case "memcached":
		return openMemcached(rawURL, o)
	case "postgres", "postgresql", "mysql", "mariadb", "sqlite":
		return openSQL(ctx, rawURL, scheme, o)
	}
	// SQLAlchemy's dialect+driver schemes: postgresql+psycopg2, mysql+pymysql.
	if base, _, ok := strings.Cut(scheme, "+"); ok {
		switch base {
		case "postgres", "postgresql", "mysql", "mariadb":
			return openSQL(ctx, base+":"+rest, base, o)
		}
	}
	return nil, fmt.Errorf("%w: unknown scheme %q (want one of %s)", ErrURL, scheme, strings.Join(schemes, ", "))
}

// Redact returns rawURL with the passwords it holds (in the user info or
// a password query parameter) replaced by "xxxxx", for messages.
func Redact(rawURL string) string {
	s := rawURL
	if i := strings.Index(s, "://"); i >= 0 {
		start := i + 3
		end := len(s)
		if j := strings.IndexAny(s[start:], "/?#"); j >= 0 {
			end = start + j
		}
		if at := strings.LastIndexByte(s[start:end], '@'); at >= 0 {
			if c := strings.IndexByte(s[start:start+at], ':'); c >= 0 {
				s = s[:start+c+1] + "xxxxx" + s[start+at:]
			}
		}
	}
	if q := strings.IndexByte(s, '?'); q >= 0 {
		parts := strings.Split(s[q+1:], "&")
		for i, p := range parts {
			name, _, ok := strings.Cut(p, "=")
			if ok && strings.Contains(strings.ToLower(name), "password") {
				parts[i] = name + "=xxxxx"
			}
		}
		s = s[:q+1] + strings.Join(parts, "&")
	}
	return s
}

// takeQuery removes the parameters of names from u's query and returns
// them (the last value of each).
func takeQuery(u *url.URL, names ...string) map[string]string {
	q := u.Query()
	out := map[string]string{}
	for _, n := range names {
		if vs, ok := q[n]; ok {
			out[n] = vs[len(vs)-1]
			delete(q, n)
		}
	}
	u.RawQuery = q.Encode()
	return out
}

func withPrefix(o *Opened, params map[string]string) *Opened {
	if p, ok := params["key_prefix"]; ok {
		o.Options.KeyPrefix = flasksession.String(p)
	}
	return o
}

func redisOpened(c redis.UniversalClient, scheme string, params map[string]string) *Opened {
	o := &Opened{
		Store:   redisstore.New(c),
		Options: flasksession.Options{Type: "redis"},
		Scheme:  scheme,
		close:   c.Close,
	}
	return withPrefix(o, params)
}

func openRedis(rawURL, scheme string) (*Opened, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrURL, redactErr(err, rawURL))
	}
	params := takeQuery(u, "key_prefix")
	u.Scheme = scheme
	opt, err := redis.ParseURL(u.String())
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrURL, Redact(rawURL), redactErr(err, rawURL))
	}
	return redisOpened(redis.NewClient(opt), scheme, params), nil
}

// multiHost splits the part of a URL after "scheme:" into its user info,
// its comma-separated hosts (each checked as host:port, with defPort when
// none is given) and the path and query after them.
func multiHost(rest, defPort string) (userinfo string, hosts []string, tail string, err error) {
	if !strings.HasPrefix(rest, "//") {
		return "", nil, "", errors.New("want scheme://host:port, and more hosts after commas")
	}
	rest = rest[2:]
	end := len(rest)
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		end = i
	}
	authority, tail := rest[:end], rest[end:]
	if at := strings.LastIndexByte(authority, '@'); at >= 0 {
		userinfo, authority = authority[:at], authority[at+1:]
	}
	for _, h := range strings.Split(authority, ",") {
		if h == "" {
			return "", nil, "", errors.New("empty host")
		}
		host, port, err := net.SplitHostPort(h)
		if err != nil {
			if !strings.Contains(err.Error(), "missing port") {
				return "", nil, "", fmt.Errorf("host %q: %w", h, err)
			}
			host, port = strings.Trim(h, "[]"), defPort
		}
		if host == "" {
			return "", nil, "", fmt.Errorf("host %q has no name", h)
		}
		if n, err := strconv.Atoi(port); err != nil || n <= 0 || n > 65535 {
			return "", nil, "", fmt.Errorf("host %q: bad port", h)
		}
		hosts = append(hosts, net.JoinHostPort(host, port))
	}
	return userinfo, hosts, tail, nil
}

func openCluster(rest, scheme string) (*Opened, error) {
	raw := scheme + "+cluster:" + rest
	userinfo, hosts, tail, err := multiHost(rest, "6379")
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrURL, Redact(raw), err)
	}
	u, err := url.Parse(scheme + "://" + hosts[0] + tail)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrURL, redactErr(err, raw))
	}
	if strings.Trim(u.Path, "/") != "" {
		return nil, fmt.Errorf("%w: %s: a Redis Cluster has one database: no path", ErrURL, Redact(raw))
	}
	u.Path = ""
	params := takeQuery(u, "key_prefix")
	q := u.Query()
	for _, h := range hosts[1:] {
		q.Add("addr", h)
	}
	u.RawQuery = q.Encode()
	opt, err := redis.ParseClusterURL(u.String())
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrURL, Redact(raw), err)
	}
	if userinfo != "" {
		if opt.Username, opt.Password, err = splitUserinfo(userinfo); err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrURL, Redact(raw), err)
		}
	}
	return redisOpened(redis.NewClusterClient(opt), scheme+"+cluster", params), nil
}

func openSentinel(rest, scheme string) (*Opened, error) {
	raw := scheme + "+sentinel:" + rest
	userinfo, hosts, tail, err := multiHost(rest, "26379")
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrURL, Redact(raw), err)
	}
	u, err := url.Parse(scheme + "://" + hosts[0] + tail)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrURL, redactErr(err, raw))
	}
	path := strings.Split(strings.Trim(u.Path, "/"), "/")
	if path[0] == "" || len(path) > 2 {
		return nil, fmt.Errorf("%w: %s: want /MASTERNAME or /MASTERNAME/DB after the sentinels", ErrURL, Redact(raw))
	}
	u.Path = ""
	params := takeQuery(u, "key_prefix", "sentinel_username", "sentinel_password", "master_name", "addr")
	if _, ok := params["master_name"]; ok {
		return nil, fmt.Errorf("%w: %s: the master name is the URL's path", ErrURL, Redact(raw))
	}
	if _, ok := params["addr"]; ok {
		return nil, fmt.Errorf("%w: %s: list the sentinels in the host, separated by commas", ErrURL, Redact(raw))
	}
	q := u.Query()
	q.Set("master_name", path[0])
	if len(path) == 2 {
		if _, err := strconv.Atoi(path[1]); err != nil {
			return nil, fmt.Errorf("%w: %s: database %q is not a number", ErrURL, Redact(raw), path[1])
		}
		q.Set("db", path[1])
	}
	for _, h := range hosts[1:] {
		q.Add("addr", h)
	}
	u.RawQuery = q.Encode()
	opt, err := redis.ParseFailoverURL(u.String())
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrURL, Redact(raw), err)
	}
	if userinfo != "" {
		if opt.Username, opt.Password, err = splitUserinfo(userinfo); err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrURL, Redact(raw), err)
		}
	}
	opt.SentinelUsername, opt.SentinelPassword = params["sentinel_username"], params["sentinel_password"]
	return redisOpened(redis.NewFailoverClient(opt), scheme+"+sentinel", params), nil
}

// splitUserinfo is user[:password], each percent-decoded.
func splitUserinfo(s string) (user, password string, err error) {
	user, password, _ = strings.Cut(s, ":")
	if user, err = url.PathUnescape(user); err != nil {
		return "", "", errors.New("bad user name escape")
	}
	if password, err = url.PathUnescape(password); err != nil {
		return "", "", errors.New("bad password escape")
	}
	return user, password, nil
}

// redactErr keeps a url.Error from repeating the URL with its password.
func redactErr(err error, rawURL string) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", Redact(rawURL), ue.Err)
	}
	return err
}

func openFile(rawURL string, o Options) (*Opened, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrURL, redactErr(err, rawURL))
	}
	dir := u.Path
	switch {
	case u.Opaque != "":
		dir, err = url.PathUnescape(u.Opaque) // file:relative/dir
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrURL, rawURL, err)
		}
	case u.Host != "" && u.Host != "localhost":
		return nil, fmt.Errorf("%w: %s: a file URL names a directory on this machine (file:///dir), not on host %q", ErrURL, rawURL, u.Host)
	}
	if dir == "" {
		return nil, fmt.Errorf("%w: %s: no directory (want file:///dir)", ErrURL, rawURL)
	}
	params := takeQuery(u, "key_prefix", "cachelib", "threshold", "mode", "protocol")
	if u.RawQuery != "" {
		return nil, fmt.Errorf("%w: %s: unknown parameter %q (a file URL takes key_prefix, cachelib, threshold, mode, protocol)", ErrURL, rawURL, firstParam(u))
	}
	fo := filestore.Options{Cachelib: params["cachelib"], Now: o.Now}
	if v, ok := params["threshold"]; ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("%w: %s: threshold %q is not a count", ErrURL, rawURL, v)
		}
		fo.Threshold = n
		if n == 0 {
			fo.Threshold = filestore.NoThreshold
		}
	}
	if v, ok := params["mode"]; ok {
		n, err := strconv.ParseUint(v, 8, 32)
		if err != nil || n == 0 || n > 0o777 {
			return nil, fmt.Errorf("%w: %s: mode %q is not an octal file mode", ErrURL, rawURL, v)
		}
		fo.Mode = fs.FileMode(n)
	}
	if v, ok := params["protocol"]; ok {
		n, err := strconv.Atoi(v)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: protocol %q is not a number", ErrURL, rawURL, v)
		}
		fo.PickleProtocol = n
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("session directory: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("session directory %s: not a directory", dir)
	}
	s, err := filestore.New(dir, fo)
	if err != nil {
		if errors.Is(err, filestore.ErrConfig) {
			return nil, fmt.Errorf("%w: %s: %w", ErrURL, rawURL, err)
		}
		return nil, err
	}
	return withPrefix(&Opened{Store: s, Options: flasksession.Options{Type: "filesystem"}, Scheme: "file"}, params), nil
}

// firstParam names one parameter of u's query.
func firstParam(u *url.URL) string {
	for k := range u.Query() {
		return k
	}
	return ""
}
