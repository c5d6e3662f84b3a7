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

var _ flasksession.BoundedLoader = (*redisstore.Store)(nil)

// TestLoadBounded: Load and LoadBounded on every kind of client: an absent
// key, an empty value (absent too), a value at the limit and one byte over it
// (ErrTooLarge, nothing returned), a key of another type (an error, not a
// size).
func TestLoadBounded(t *testing.T) {
	for _, st := range clientKinds {
		t.Run(st.name, func(t *testing.T) {
			s := st.open(t)
			ctx := storetest.Ctx(t)
			key := storetest.Prefix() + "bounded"
			t.Cleanup(func() { s.Delete(context.Background(), key) })
			if b, found, err := s.LoadBounded(ctx, key, 10); b != nil || found || err != nil {
				t.Fatalf("absent key: %q %v %v", b, found, err)
			}
			if err := s.Save(ctx, key, nil, time.Minute); err != nil {
				t.Fatal(err)
			}
			// An empty value is no session, as Flask-Session 0.7+ reads it.
			if b, found, err := s.LoadBounded(ctx, key, 10); b != nil || found || err != nil {
				t.Fatalf("empty value: %q %v %v", b, found, err)
			}
			value := []byte("0123456789")
			if err := s.Save(ctx, key, value, time.Minute); err != nil {
				t.Fatal(err)
			}
			if b, found, err := s.LoadBounded(ctx, key, 10); string(b) != string(value) || !found || err != nil {
				t.Fatalf("value at the limit: %q %v %v", b, found, err)
			}
			for _, limit := range []int{9, 0} {
				b, found, err := s.LoadBounded(ctx, key, limit)
				if !errors.Is(err, flasksession.ErrTooLarge) || b != nil || found {
					t.Fatalf("10 bytes, limit %d: %q %v %v, want ErrTooLarge", limit, b, found, err)
				}
			}
			s.MaxValueSize = 9
			if _, _, err := s.Load(ctx, key); !errors.Is(err, flasksession.ErrTooLarge) {
				t.Fatalf("Load over MaxValueSize: %v", err)
			}
			s.MaxValueSize = 0
			if b, found, err := s.Load(ctx, key); string(b) != string(value) || !found || err != nil {
				t.Fatalf("Load: %q %v %v", b, found, err)
			}
			if err := s.Client().LPush(ctx, key+":list", "x").Err(); err != nil {
				t.Fatal(err)
			}
			defer s.Delete(context.Background(), key+":list")
			if _, found, err := s.LoadBounded(ctx, key+":list", 10); err == nil || found || errors.Is(err, flasksession.ErrTooLarge) {
				t.Fatalf("a list: %v %v, want WRONGTYPE", found, err)
			}
		})
	}
}

// TestManagerMaxValueSize: a Manager opens through LoadBounded with its own
// MaxValueSize. A session over it is ErrTooLarge (and ErrStore), never an
// empty session, and the entry stays as it was; Python reads it still
// (0.5: pickle; 0.8: msgpack).
func TestManagerMaxValueSize(t *testing.T) {
	store, spec := standalone(t)
	for _, name := range []string{"fs05", "fs08"} {
		t.Run(name, func(t *testing.T) {
			c := storetest.Case{Venv: storetest.VenvByName(name), Format: flasksession.FormatMsgpack, Store: store, PyStore: spec}
			storetest.TooLarge(t, c)
		})
	}
}

// TestLoadTouch: LoadTouch on every kind of client reads as LoadBounded
// does and sets the expiry of an entry it finds (PERSIST for a zero ttl);
// an absent key is not created, an empty value is absent, a value over the
// limit is ErrTooLarge, a key of another type an error.
func TestLoadTouch(t *testing.T) {
	for _, st := range clientKinds {
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
