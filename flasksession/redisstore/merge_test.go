package redisstore_test

import (
	"context"
	"testing"

	"github.com/flaskbridge/flaskbridge/flasksession"
	"github.com/flaskbridge/flaskbridge/flasksession/internal/storetest"
	"github.com/flaskbridge/flaskbridge/flasksession/redisstore"
)

var _ flasksession.CompareAndDeleter = (*redisstore.Store)(nil)

// TestCompareAndDelete on every kind of client: a key holding other bytes,
// or absent, is left; one holding the bytes given is deleted.
func TestCompareAndDelete(t *testing.T) {
	for _, st := range clientKinds {
		t.Run(st.name, func(t *testing.T) {
			s := st.open(t)
			key := storetest.Prefix() + "cad"
			t.Cleanup(func() { s.Delete(context.Background(), key) })
			storetest.CompareAndDelete(t, s, key)
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
