package sqlstore_test

import (
	"errors"
	"testing"
	"time"

	"github.com/flaskbridge/flaskbridge/flasksession"
	"github.com/flaskbridge/flaskbridge/flasksession/internal/storetest"
	"github.com/flaskbridge/flaskbridge/flasksession/sqlstore"
	"github.com/flaskbridge/flaskbridge/internal/testalloc"
)

var _ flasksession.BoundedLoader = (*sqlstore.Store)(nil)

// setData runs an UPDATE of the data of key's row with the expression
// expr, whose one parameter is n: a value made by the server.
func (f *fixture) setData(t *testing.T, key, expr string, n int) {
	t.Helper()
	q := "UPDATE " + f.table + " SET data = " + expr + " WHERE session_id = ?"
	if f.db.dialect == sqlstore.Postgres {
		q = "UPDATE " + f.table + " SET data = " + expr + " WHERE session_id = $2"
	}
	res, err := f.sqlDB.ExecContext(storetest.Ctx(t), q, n, key)
	if err != nil {
		t.Fatal(err)
	}
	if rows, _ := res.RowsAffected(); rows != 1 {
		t.Fatalf("%s updated %d rows", q, rows)
	}
}

// TestLoadBounded: Load and LoadBounded on each dialect: an absent row, an
// empty value, NULL data, a value at the limit and one byte over it
// (ErrTooLarge, nothing returned), an expired row over the limit (absent,
// as any expired row).
func TestLoadBounded(t *testing.T) {
	for _, d := range dialects {
		t.Run(string(d), func(t *testing.T) {
			f := newFixture(t, d, sqlstore.Options{})
			s := f.store
			ctx := storetest.Ctx(t)
			key := "session:bounded"
			if b, found, err := s.LoadBounded(ctx, key, 10); b != nil || found || err != nil {
				t.Fatalf("absent row: %q %v %v", b, found, err)
			}
			if err := s.Save(ctx, key, nil, time.Minute); err != nil {
				t.Fatal(err)
			}
			if b, found, err := s.LoadBounded(ctx, key, 10); b == nil || len(b) != 0 || !found || err != nil {
				t.Fatalf("empty value: %q %v %v", b, found, err)
			}
			if _, err := f.sqlDB.ExecContext(ctx, "UPDATE "+f.table+" SET data = NULL"); err != nil {
				t.Fatal(err)
			}
			if b, found, err := s.LoadBounded(ctx, key, 10); b == nil || len(b) != 0 || !found || err != nil {
				t.Fatalf("NULL data: %q %v %v", b, found, err)
			}
			value := []byte("0123456789")
			if err := s.Save(ctx, key, value, time.Minute); err != nil {
				t.Fatal(err)
			}
			if b, found, err := s.LoadBounded(ctx, key, 10); string(b) != string(value) || !found || err != nil {
				t.Fatalf("value at the limit: %q %v %v", b, found, err)
			}
			for _, limit := range []int{9, 0, -1} {
				b, found, err := s.LoadBounded(ctx, key, limit)
				if !errors.Is(err, flasksession.ErrTooLarge) || b != nil || found {
					t.Fatalf("10 bytes, limit %d: %q %v %v, want ErrTooLarge", limit, b, found, err)
				}
			}
			if b, found, err := s.LoadBounded(ctx, key, 1<<40); string(b) != string(value) || !found || err != nil {
				t.Fatalf("limit 2^40: %q %v %v", b, found, err)
			}
			small, err := sqlstore.New(f.sqlDB, sqlstore.Options{Dialect: d, Table: f.table, MaxValueSize: 9})
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := small.Load(ctx, key); !errors.Is(err, flasksession.ErrTooLarge) {
				t.Fatalf("Load over MaxValueSize: %v", err)
			}
			if b, found, err := s.Load(ctx, key); string(b) != string(value) || !found || err != nil {
				t.Fatalf("Load: %q %v %v", b, found, err)
			}
			if _, err := s.Touch(ctx, key, time.Nanosecond); err != nil {
				t.Fatal(err)
			}
			time.Sleep(10 * time.Millisecond)
			if b, found, err := s.LoadBounded(ctx, key, 9); b != nil || found || err != nil {
				t.Fatalf("expired row over the limit: %q %v %v", b, found, err)
			}
		})
	}
}

// TestResourceValueSize: a row whose data the server makes huge (128 MiB
// on PostgreSQL, 64 MiB on SQLite; 8 MiB on MariaDB, in a column altered
// to LONGBLOB, since max_allowed_packet is 16 MiB by default and a BLOB
// holds 64 KiB) under a limit of 64 KiB is ErrTooLarge: the query sends
// the length only, and a load allocates next to nothing. Through a Manager
// with MaxValueSize, Open fails the same way.
func TestResourceValueSize(t *testing.T) {
	const limit = 64 << 10
	for _, d := range dialects {
		t.Run(string(d), func(t *testing.T) {
			f := newFixture(t, d, sqlstore.Options{})
			ctx := storetest.Ctx(t)
			key := "session:huge"
			if err := f.store.Save(ctx, key, []byte{0x80}, time.Hour); err != nil {
				t.Fatal(err)
			}
			var size int
			switch d {
			case sqlstore.Postgres:
				size = 128 << 20
				f.setData(t, key, "convert_to(repeat('a', $1), 'UTF8')", size)
			case sqlstore.MySQL:
				size = 8 << 20
				if _, err := f.sqlDB.ExecContext(ctx, "ALTER TABLE "+f.table+" MODIFY data LONGBLOB"); err != nil {
					t.Fatal(err)
				}
				f.setData(t, key, "REPEAT('a', ?)", size)
			case sqlstore.SQLite:
				size = 64 << 20
				f.setData(t, key, "zeroblob(?)", size)
			}
			var (
				found bool
				err   error
			)
			perCall := testalloc.PerCall(5, func() { _, found, err = f.store.LoadBounded(ctx, key, limit) })
			if !errors.Is(err, flasksession.ErrTooLarge) || found {
				t.Fatalf("%d bytes with a %d byte limit: %v %v", size, limit, found, err)
			}
			t.Logf("%d bytes allocated per load: %v", perCall, err)
			if perCall > 16<<10 {
				t.Errorf("%d bytes allocated per load", perCall)
			}
			m, err := flasksession.New(f.store, flasksession.Options{KeyPrefix: flasksession.String("session:"), MaxValueSize: limit})
			if err != nil {
				t.Fatal(err)
			}
			perCall = testalloc.PerCall(5, func() { _, err = m.Open(ctx, "huge") })
			if !errors.Is(err, flasksession.ErrTooLarge) || !errors.Is(err, flasksession.ErrStore) {
				t.Fatalf("Open: %v, want ErrTooLarge and ErrStore", err)
			}
			if perCall > 16<<10 {
				t.Errorf("%d bytes allocated per Open", perCall)
			}
		})
	}
}

// TestManagerMaxValueSize: a Manager opens through LoadBounded with its
// own MaxValueSize. A session over it is ErrTooLarge (and ErrStore), never
// an empty session, and the row stays as it was; Python reads it still
// (0.5: pickle; 0.8: msgpack).
func TestManagerMaxValueSize(t *testing.T) {
	for _, d := range dialects {
		t.Run(string(d), func(t *testing.T) {
			f := newFixture(t, d, sqlstore.Options{})
			for _, name := range []string{"fs05", "fs08"} {
				t.Run(name, func(t *testing.T) {
					c := storetest.Case{Venv: storetest.VenvByName(name), Format: flasksession.FormatMsgpack, Store: f.store, PyStore: f.spec}
					storetest.TooLarge(t, c)
				})
			}
		})
	}
}
