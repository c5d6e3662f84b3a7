package sqlstore_test

import (
	"testing"
	"time"

	"github.com/flaskbridge/flaskbridge/flasksession"
	"github.com/flaskbridge/flaskbridge/flasksession/internal/storetest"
	"github.com/flaskbridge/flaskbridge/flasksession/sqlstore"
)

var _ flasksession.CompareAndDeleter = (*sqlstore.Store)(nil)

// TestCompareAndDelete on each dialect: a row holding other bytes, absent
// or expired is left; one holding the bytes given is deleted.
func TestCompareAndDelete(t *testing.T) {
	for _, d := range dialects {
		t.Run(string(d), func(t *testing.T) {
			f := newFixture(t, d, sqlstore.Options{})
			s := f.store
			ctx := storetest.Ctx(t)
			key := "session:cad"
			storetest.CompareAndDelete(t, s, key)
			if err := s.Save(ctx, key, []byte("v1"), time.Minute); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Touch(ctx, key, time.Nanosecond); err != nil {
				t.Fatal(err)
			}
			time.Sleep(10 * time.Millisecond)
			if ok, err := s.CompareAndDelete(ctx, key, []byte("v1")); ok || err != nil {
				t.Fatalf("expired row: %v %v", ok, err)
			}
		})
	}
}

// TestMergeToEmpty: a merge that leaves the session empty is saved as each
// Flask-Session line saves such a session (storetest.MergeToEmpty).
func TestMergeToEmpty(t *testing.T) {
	for _, d := range dialects {
		t.Run(string(d), func(t *testing.T) {
			f := newFixture(t, d, sqlstore.Options{})
			for _, name := range []string{"fs05", "fs06", "fs08"} {
				t.Run(name, func(t *testing.T) {
					storetest.MergeToEmpty(t, storetest.Case{Venv: storetest.VenvByName(name), Format: flasksession.FormatMsgpack, Store: f.store, PyStore: f.spec})
				})
			}
		})
	}
}
