package gomcbench

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/bradfitz/gomemcache/memcache"

	"github.com/flaskbridge/flaskbridge/flasksession/memcachedstore"
)

func addr(b *testing.B) string {
	a := os.Getenv("FLASKBRIDGE_MEMCACHED_ADDR")
	if a == "" {
		a = "127.0.0.1:11311"
	}
	c := memcache.New(a)
	if err := c.Ping(); err != nil {
		b.Skipf("memcached at %s: %v (scripts/services.sh start)", a, err)
	}
	return a
}

var value = make([]byte, 400)

func BenchmarkMemcachedstore(b *testing.B) {
	s, err := memcachedstore.New(memcachedstore.Options{Servers: []string{addr(b)}})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	key := "gomcbench:ours"
	b.Run("Save", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if err := s.Save(ctx, key, value, time.Hour); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Load", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, _, err := s.Load(ctx, key); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Touch", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := s.Touch(ctx, key, time.Hour); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkGomemcache(b *testing.B) {
	c := memcache.New(addr(b))
	key := "gomcbench:gomemcache"
	b.Run("Save", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if err := c.Set(&memcache.Item{Key: key, Value: value, Expiration: 3600}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Load", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := c.Get(key); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Touch", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if err := c.Touch(key, 3600); err != nil {
				b.Fatal(err)
			}
		}
	})
}
