package memcachedstore_test

import (
	"fmt"
	"time"

	"github.com/flaskbridge/flaskbridge/flasksession"
	"github.com/flaskbridge/flaskbridge/flasksession/memcachedstore"
	"github.com/flaskbridge/flaskbridge/pickle"
)

// A Manager for a Flask app on Flask-Session 0.5 whose SESSION_MEMCACHED
// is memcache.Client(["10.0.0.5:11211", "10.0.0.6:11211"]): the same
// servers in the same order, so that each key is on the server
// python-memcached picks, and protocol 0 pickles as 0.5 writes them. The
// store connects on first use, so nothing here needs the servers.
func Example() {
	store, err := memcachedstore.New(memcachedstore.Options{
		Servers: []string{"10.0.0.5:11211", "10.0.0.6:11211"},
	})
	if err != nil {
		panic(err)
	}
	defer store.Close()
	m, err := flasksession.New(store, flasksession.Options{
		Compat:         flasksession.Compat05,
		PickleProtocol: pickle.TextProtocol,
	})
	if err != nil {
		panic(err)
	}
	key := m.Key("0b7d8a6e-3f5c-4a83-9d0e-2f1c6b5a4e3d")
	fmt.Println(key, "is on", store.ServerFor(key))
	// Flask's default lifetime, 31 days, is over memcached's 30-day limit
	// for relative expiries: it is sent as an absolute Unix time.
	exp, _ := store.Expiry(m.Lifetime())
	fmt.Println(m.Lifetime(), exp > time.Now().Unix())
	// Output:
	// session:0b7d8a6e-3f5c-4a83-9d0e-2f1c6b5a4e3d is on 10.0.0.5:11211
	// 744h0m0s true
}
