package storeurl

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/flaskbridge/flaskbridge/flasksession"
	"github.com/flaskbridge/flaskbridge/flasksession/memcachedstore"
)

// openMemcached opens memcached://host:port[,host:port...]: the servers in
// the order the Python client lists them, which picks the server of a key
// as python-memcached does. Parameters: key_prefix, and timeout (a Go
// duration or whole seconds) for each command.
func openMemcached(rawURL string, o Options) (*Opened, error) {
	_, rest, _ := strings.Cut(rawURL, ":")
	userinfo, hosts, tail, err := multiHost(rest, "11211")
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrURL, Redact(rawURL), err)
	}
	if userinfo != "" {
		return nil, fmt.Errorf("%w: %s: memcached's text protocol has no user or password", ErrURL, Redact(rawURL))
	}
	u, err := url.Parse("memcached://host" + tail)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrURL, redactErr(err, rawURL))
	}
	if strings.Trim(u.Path, "/") != "" {
		return nil, fmt.Errorf("%w: %s: a memcached URL has no path", ErrURL, Redact(rawURL))
	}
	params := takeQuery(u, "key_prefix", "timeout")
	if u.RawQuery != "" {
		return nil, fmt.Errorf("%w: %s: unknown parameter %q (a memcached URL takes key_prefix, timeout)", ErrURL, Redact(rawURL), firstParam(u))
	}
	mo := memcachedstore.Options{Servers: hosts, Now: o.Now}
	if v, ok := params["timeout"]; ok {
		if mo.Timeout, err = parseDuration(v); err != nil {
			return nil, fmt.Errorf("%w: %s: timeout %q: %w", ErrURL, Redact(rawURL), v, err)
		}
	}
	s, err := memcachedstore.New(mo)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrURL, Redact(rawURL), err)
	}
	opened := &Opened{Store: s, Options: flasksession.Options{Type: "memcached"}, Scheme: "memcached", close: s.Close}
	return withPrefix(opened, params), nil
}

// parseDuration reads a Go duration ("2s", "500ms") or whole seconds.
func parseDuration(v string) (time.Duration, error) {
	if d, err := time.ParseDuration(v); err == nil {
		if d <= 0 {
			return 0, fmt.Errorf("not positive")
		}
		return d, nil
	}
	var n int64
	if _, err := fmt.Sscanf(v, "%d", &n); err != nil || n <= 0 || fmt.Sprint(n) != v {
		return 0, fmt.Errorf("want a duration such as 2s or whole seconds")
	}
	return time.Duration(n) * time.Second, nil
}
