package storeurl_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/flaskbridge/flaskbridge/flasksession/storeurl"
)

// FuzzOpen parses random URLs: an error wrapping ErrURL or a store, never a
// panic, and no connection is made (the network stores connect lazily). File and SQLite
// URLs are left out: opening them touches the file system.
func FuzzOpen(f *testing.F) {
	for _, s := range []string{
		"redis://u:pw@h:1/2?dial_timeout=1s&key_prefix=x:",
		"rediss://h",
		"redis+cluster://u:pw@a:1,b:2,[::1]:3?key_prefix=p",
		"rediss+cluster://a",
		"redis+sentinel://a:1,b/master/3?sentinel_password=x",
		"memcached://a:1,b?timeout=2s",
		"postgres://u:pw@h:5432/db?sslmode=disable&table=t",
		"postgresql+psycopg2://h/db",
		"mysql://u:p@ss@h:3306/db?tls=true&table=s",
		"mariadb://h/db",
		"redis+cluster://,",
		"redis+sentinel://h//",
		"memcached://[::1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		scheme, _, _ := strings.Cut(strings.ToLower(raw), ":")
		if scheme == "file" || strings.HasPrefix(scheme, "sqlite") {
			return
		}
		o, err := storeurl.Open(context.Background(), raw, storeurl.Options{})
		if err != nil && !errors.Is(err, storeurl.ErrURL) {
			t.Fatalf("Open(%q): error %v does not wrap ErrURL", raw, err)
		}
		if err == nil {
			if o.Store == nil {
				t.Fatalf("Open(%q): no store", raw)
			}
			o.Close()
		}
		_ = storeurl.Redact(raw)
	})
}

// FuzzRedact checks that the password of a URL never survives Redact.
func FuzzRedact(f *testing.F) {
	f.Add("redis", "user", "s3cret", "host:1,h2:2", "/0?x=1")
	f.Add("postgres", "u", "p@ss", "h", "/db")
	f.Fuzz(func(t *testing.T, scheme, user, pw, hosts, tail string) {
		if len(pw) < 4 || strings.ContainsAny(pw, "/?#") || strings.ContainsAny(user, "@/?#:") ||
			strings.ContainsAny(hosts, "@/?#") || strings.Contains(tail, pw) || strings.Contains(hosts, pw) ||
			strings.Contains(user, pw) || strings.Contains(scheme, pw) || strings.ContainsAny(scheme, ":/?#@") ||
			(tail != "" && !strings.ContainsAny(tail[:1], "/?#")) {
			return
		}
		raw := scheme + "://" + user + ":" + pw + "@" + hosts + tail
		if got := storeurl.Redact(raw); strings.Contains(got, pw) {
			t.Fatalf("Redact(%q) = %q", raw, got)
		}
	})
}
