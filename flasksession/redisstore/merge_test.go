package redisstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/flaskbridge/flaskbridge/flasksession"
	"github.com/flaskbridge/flaskbridge/flasksession/internal/storetest"
	"github.com/flaskbridge/flaskbridge/flasksession/redisstore"
)

var _ flasksession.CompareAndDeleter = (*redisstore.Store)(nil)

// TestCompareAndDelete on every kind of client: a key holding other bytes,
// or absent, is left; one holding the bytes given is deleted.
func TestCompareAndDelete(t *testing.T) {
	for name, open := range map[string]func(*testing.T) *redisstore.Store{
		"standalone": func(t *testing.T) *redisstore.Store { s, _ := standalone(t); return s },
		"sentinel":   func(t *testing.T) *redisstore.Store { s, _ := sentinel(t); return s },
		"cluster":    func(t *testing.T) *redisstore.Store { s, _ := cluster(t); return s },
	} {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			ctx := storetest.Ctx(t)
			key := storetest.Prefix() + "cad"
			t.Cleanup(func() { s.Delete(context.Background(), key) })
			if ok, err := s.CompareAndDelete(ctx, key, nil); ok || err != nil {
				t.Fatalf("absent key: %v %v", ok, err)
			}
			if err := s.Save(ctx, key, []byte("v1"), time.Minute); err != nil {
				t.Fatal(err)
			}
			if ok, err := s.CompareAndDelete(ctx, key, []byte("v0")); ok || err != nil {
				t.Fatalf("other bytes: %v %v", ok, err)
			}
			if _, found, _ := s.Load(ctx, key); !found {
				t.Fatal("a key holding other bytes was deleted")
			}
			if ok, err := s.CompareAndDelete(ctx, key, []byte("v1")); !ok || err != nil {
				t.Fatalf("same bytes: %v %v", ok, err)
			}
			if _, found, _ := s.Load(ctx, key); found {
				t.Fatal("the key is still there")
			}
		})
	}
}

// TestMergeToEmpty: a merge that leaves the session empty is saved as each
// Flask-Session line saves such a session (storetest.MergeToEmpty).
func TestMergeToEmpty(t *testing.T) {
	store, spec := standalone(t)
	for _, name := range []string{"fs05", "fs06", "fs08"} {
		t.Run(name, func(t *testing.T) {
			storetest.MergeToEmpty(t, storetest.Case{Venv: storetest.VenvByName(name), Format: flasksession.FormatMsgpack, Store: store, PyStore: spec})
		})
	}
}
