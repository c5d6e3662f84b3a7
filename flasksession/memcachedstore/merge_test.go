package memcachedstore_test

import (
	"bytes"
	"context"
	"net"
	"testing"
	"time"

	"github.com/flaskbridge/flaskbridge/flasksession"
	"github.com/flaskbridge/flaskbridge/flasksession/internal/storetest"
	"github.com/flaskbridge/flaskbridge/flasksession/memcachedstore"
	"github.com/flaskbridge/flaskbridge/internal/services"
)

var _ flasksession.CompareAndDeleter = (*memcachedstore.Store)(nil)

// TestCompareAndDelete: storetest.CompareAndDelete.
func TestCompareAndDelete(t *testing.T) {
	s, _ := shared(t, "memcache")
	key := storetest.Prefix() + "cad"
	t.Cleanup(func() { s.Delete(context.Background(), key) })
	storetest.CompareAndDelete(t, s, key)
}

// TestCompareAndDeleteRace: the meta delete carries the unique of the
// value compared, so a write landing between the read and the delete keeps
// the key. The write is made by another client when the store's
// connection is about to send "md".
func TestCompareAndDeleteRace(t *testing.T) {
	other, _ := shared(t, "memcache")
	ctx := storetest.Ctx(t)
	key := storetest.Prefix() + "cadrace"
	t.Cleanup(func() { other.Delete(context.Background(), key) })
	d := &raceDialer{before: func() {
		if err := other.Save(context.Background(), key, []byte("v1"), time.Minute); err != nil {
			t.Error(err)
		}
	}}
	s := newStore(t, memcachedstore.Options{Servers: []string{services.Memcached(t)}, Dialer: d})
	if err := s.Save(ctx, key, []byte("v1"), time.Minute); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.CompareAndDelete(ctx, key, []byte("v1")); ok || err != nil {
		t.Fatalf("a write before the delete: deleted %v, %v", ok, err)
	}
	if d.races != 1 {
		t.Fatalf("%d writes raced the delete, want 1", d.races)
	}
	if _, found, _ := s.Load(ctx, key); !found {
		t.Fatal("the key written before the delete was deleted")
	}
}

// raceDialer's connections call before when a meta delete is written.
type raceDialer struct {
	net.Dialer
	before func()
	races  int
}

func (d *raceDialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	c, err := d.Dialer.DialContext(ctx, network, address)
	if err != nil {
		return nil, err
	}
	return &raceConn{Conn: c, d: d}, nil
}

type raceConn struct {
	net.Conn
	d *raceDialer
}

func (c *raceConn) Write(p []byte) (int, error) {
	if bytes.HasPrefix(p, []byte("md ")) {
		c.d.races++
		c.d.before()
	}
	return c.Conn.Write(p)
}

// TestMergeToEmpty: a merge that leaves the session empty is saved as each
// Flask-Session line saves such a session (storetest.MergeToEmpty).
func TestMergeToEmpty(t *testing.T) {
	store, spec := shared(t, "memcache")
	for _, name := range []string{"fs05", "fs06", "fs08"} {
		t.Run(name, func(t *testing.T) {
			storetest.MergeToEmpty(t, storetest.Case{Venv: storetest.VenvByName(name), Format: flasksession.FormatMsgpack, Store: store, PyStore: spec})
		})
	}
}
