package redisstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/flaskbridge/flaskbridge/flasksession"
	"github.com/flaskbridge/flaskbridge/flasksession/internal/storetest"
	"github.com/flaskbridge/flaskbridge/flasksession/redisstore"
)

// TestLoadTouch: LoadTouch on every kind of client reads as LoadBounded
// does and sets the expiry of an entry it finds (PERSIST for a zero ttl);
// an absent key is not created, an empty value is absent, a value over the
// limit is ErrTooLarge, a key of another type an error.
func TestLoadTouch(t *testing.T) {
	stores := []struct {
		name string
		open func(*testing.T) *redisstore.Store
	}{
		{"standalone", func(t *testing.T) *redisstore.Store { s, _ := standalone(t); return s }},
		{"sentinel", func(t *testing.T) *redisstore.Store { s, _ := sentinel(t); return s }},
		{"cluster", func(t *testing.T) *redisstore.Store { s, _ := cluster(t); return s }},
	}
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			s := st.open(t)
			ctx := storetest.Ctx(t)
			key := storetest.Prefix() + "loadtouch"
			t.Cleanup(func() { s.Delete(context.Background(), key) })
			ttl := func() time.Duration {
				t.Helper()
				d, found, err := s.TTL(ctx, key)
				if err != nil || !found {
					t.Fatalf("TTL: %v %v", found, err)
				}
				return d
			}
			if b, found, err := s.LoadTouch(ctx, key, 10, time.Hour); b != nil || found || err != nil {
				t.Fatalf("absent key: %q %v %v", b, found, err)
			}
			if _, found, _ := s.TTL(ctx, key); found {
				t.Fatal("LoadTouch created an absent key")
			}
			if err := s.Save(ctx, key, []byte("0123456789"), 10*time.Second); err != nil {
				t.Fatal(err)
			}
			b, found, err := s.LoadTouch(ctx, key, 10, time.Hour)
			if string(b) != "0123456789" || !found || err != nil {
				t.Fatalf("value at the limit: %q %v %v", b, found, err)
			}
			if d := ttl(); d < time.Hour-5*time.Second || d > time.Hour {
				t.Fatalf("TTL after LoadTouch = %v, want about 1h", d)
			}
			if b, found, err := s.LoadTouch(ctx, key, 10, 0); !found || err != nil || len(b) != 10 {
				t.Fatalf("zero ttl: %q %v %v", b, found, err)
			}
			if d := ttl(); d >= 0 {
				t.Fatalf("TTL after LoadTouch with zero ttl = %v, want none", d)
			}
			if b, found, err := s.LoadTouch(ctx, key, 9, time.Minute); b != nil || found || !errors.Is(err, flasksession.ErrTooLarge) {
				t.Fatalf("value over the limit: %q %v %v", b, found, err)
			}
			if err := s.Save(ctx, key, nil, time.Minute); err != nil {
				t.Fatal(err)
			}
			if b, found, err := s.LoadTouch(ctx, key, 10, time.Hour); b != nil || found || err != nil {
				t.Fatalf("empty value: %q %v %v", b, found, err)
			}
			if err := s.Client().Del(ctx, key).Err(); err != nil {
				t.Fatal(err)
			}
			if err := s.Client().RPush(ctx, key, "x").Err(); err != nil {
				t.Fatal(err)
			}
			if _, found, err := s.LoadTouch(ctx, key, 10, time.Hour); found || err == nil {
				t.Fatalf("a list under the key: found %v, err %v", found, err)
			}
			if _, _, err := s.LoadTouch(ctx, key, 10, -time.Second); err == nil {
				t.Fatal("a negative ttl was accepted")
			}
		})
	}
}
