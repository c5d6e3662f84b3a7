package memcachedstore_test

import (
	"testing"
	"time"

	"github.com/flaskbridge/flaskbridge/flasksession/internal/storetest"
)

// Round trips to the loopback memcached of scripts/services.sh.
func BenchmarkMemcached(b *testing.B) {
	s, _ := shared(b, "memcache")
	ctx := storetest.Ctx(b)
	key := storetest.Prefix() + "bench"
	value := make([]byte, 400)
	defer s.Delete(ctx, key)
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
	b.Run("LoadParallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, _, err := s.Load(ctx, key); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}
