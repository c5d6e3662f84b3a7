package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	_ "modernc.org/sqlite"

	"github.com/flaskbridge/flaskbridge/flasksession"
	"github.com/flaskbridge/flaskbridge/flasksession/sqlstore"
)

// A Manager over the sessions table of a Flask app on Flask-Session 0.8
// with SESSION_TYPE = "sqlalchemy" and a SQLite database, and the row a
// session becomes: the key, the msgpack bytes, the naive UTC expiry.
func Example() {
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		panic(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // one in-memory database
	now := func() time.Time { return time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC) }
	store, err := sqlstore.New(db, sqlstore.Options{Dialect: sqlstore.SQLite, Now: now})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	if err := store.CreateTable(ctx); err != nil { // as Flask-Session 0.6+ do
		panic(err)
	}
	m, err := flasksession.New(store, flasksession.Options{PermanentSessionLifetime: time.Hour, Now: now})
	if err != nil {
		panic(err)
	}
	s, _ := m.Open(ctx, "")
	s.Set("user_id", int64(42))
	if _, err := m.Commit(ctx, s); err != nil {
		panic(err)
	}
	var (
		data   []byte
		expiry string
	)
	db.QueryRow("SELECT data, CAST(expiry AS TEXT) FROM sessions WHERE session_id = ?", m.Key(s.ID())).Scan(&data, &expiry)
	fmt.Printf("%x\n%s\n", data, expiry)
	// Output:
	// 82aa5f7065726d616e656e74c3a7757365725f69642a
	// 2025-03-04 06:06:07.000000
}
