// Package sqlstore keeps Flask-Session's sessions in the SQL table its
// SqlAlchemySessionInterface uses (SESSION_TYPE "sqlalchemy"), through
// database/sql, on PostgreSQL, MySQL/MariaDB and SQLite.
//
// The table is Flask-Session's model, the same in every version from 0.3 to
// 0.8 and as SQLAlchemy creates it (CreateTable writes this DDL):
//
//	PostgreSQL  id SERIAL NOT NULL, session_id VARCHAR(255), data BYTEA,
//	            expiry TIMESTAMP WITHOUT TIME ZONE, PRIMARY KEY (id), UNIQUE (session_id)
//	MySQL       id INTEGER NOT NULL AUTO_INCREMENT, session_id VARCHAR(255), data BLOB,
//	            expiry DATETIME, PRIMARY KEY (id), UNIQUE (session_id)
//	SQLite      id INTEGER NOT NULL, session_id VARCHAR(255), data BLOB,
//	            expiry DATETIME, PRIMARY KEY (id), UNIQUE (session_id)
//
// One row per session: session_id is SESSION_KEY_PREFIX + sid, data the
// bytes Flask-Session serialized, expiry the naive UTC time the session
// expires (datetime.utcnow() + PERMANENT_SESSION_LIFETIME; 0.6 writes
// Flask's aware UTC time, which the column stores as naive UTC when the
// PostgreSQL server's TimeZone is UTC). SQLite keeps it as SQLAlchemy's
// text "YYYY-MM-DD HH:MM:SS.ffffff", MySQL's DATETIME keeps whole seconds,
// and MySQL's BLOB holds at most 65,535 bytes: a larger session fails to
// save there, on both sides.
// An expiry that has passed, or is NULL, is a session that does not exist,
// as 0.6 and later read it. Python deletes such a row when it reads it; Go
// leaves it (a read does not write) to DeleteExpired, the counterpart of
// `flask session_cleanup`. A store that cannot be read is an error, never
// "not found".
//
// Options mirror SESSION_SQLALCHEMY_TABLE, SESSION_SQLALCHEMY_SCHEMA and
// SESSION_SQLALCHEMY_SEQUENCE. SESSION_SQLALCHEMY_BIND_KEY picks the
// database on the Python side: open that database here.
//
// Flask-Session 0.3 to 0.5 never create the table (apps run
// db.create_all()); 0.6 creates it when the app starts, 0.7 and later too
// (CREATE TABLE only if missing). New does not touch the database; call
// CreateTable at startup to do what 0.6+ do.
//
// Writes are one statement each: an upsert (INSERT ... ON CONFLICT /
// ON DUPLICATE KEY UPDATE on the UNIQUE session_id), so concurrent writers
// never meet a duplicate-key error, unlike Python's select-then-insert.
// The store does not import a driver: open the *sql.DB with pgx
// (github.com/jackc/pgx/v5/stdlib, "pgx"), go-sql-driver/mysql ("mysql")
// or modernc.org/sqlite ("sqlite"). With SQLite, give the connection a busy
// timeout ("file:/path?_pragma=busy_timeout(5000)" for modernc), since
// Python's sqlite3 waits 5 seconds for a lock the other side holds. Load
// sends a row's data only when it is within the size limit, and its length
// otherwise; it uses octet_length, which SQLite has since 3.43 (2023). On
// MySQL the column's default collation compares session ids without case,
// for the Python side as for Go.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/flaskbridge/flaskbridge/flasksession"
)

// Dialect is the SQL dialect of the database.
type Dialect string

// The dialects the store speaks.
const (
	Postgres Dialect = "postgres"
	MySQL    Dialect = "mysql" // MySQL and MariaDB
	SQLite   Dialect = "sqlite"
)

// DialectOf returns the dialect of a database/sql driver name ("pgx",
// "postgres", "mysql", "sqlite", "sqlite3") or of a SQLAlchemy URL scheme
// ("postgresql+psycopg2", "mysql+pymysql", "mariadb", "sqlite").
func DialectOf(name string) (Dialect, error) {
	base, _, _ := strings.Cut(strings.ToLower(name), "+")
	switch base {
	case "pgx", "postgres", "postgresql", "pq":
		return Postgres, nil
	case "mysql", "mariadb":
		return MySQL, nil
	case "sqlite", "sqlite3":
		return SQLite, nil
	}
	return "", fmt.Errorf("%w: no SQL dialect for %q", ErrConfig, name)
}

// DefaultTable is SESSION_SQLALCHEMY_TABLE's default.
const DefaultTable = "sessions"

// Errors of this package, for errors.Is.
var (
	// ErrConfig reports options that cannot be used.
	ErrConfig = errors.New("sqlstore: bad configuration")
	// ErrExpiry reports an expiry column value that is not a time.
	ErrExpiry = errors.New("sqlstore: unreadable expiry")
)

// Options configure a Store.
type Options struct {
	// Dialect is the database's dialect (required).
	Dialect Dialect
	// Table is SESSION_SQLALCHEMY_TABLE (zero: "sessions").
	Table string
	// Schema is SESSION_SQLALCHEMY_SCHEMA (0.6+; zero: the default
	// schema, or on MySQL the connection's database).
	Schema string
	// Sequence is SESSION_SQLALCHEMY_SEQUENCE (0.6+, PostgreSQL): the
	// sequence the id column draws from, for a table made with one (its id
	// has no default then).
	Sequence string
	// Now returns the current time (zero: time.Now).
	Now func() time.Time
	// MaxValueSize bounds the data Load reads (zero:
	// flasksession.DefaultMaxValueSize); a Manager reads with its own
	// Options.MaxValueSize through LoadBounded.
	MaxValueSize int
}

// Store is a flasksession.Store (with BoundedLoader, Toucher,
// CompareAndSwapper, CompareAndDeleter, Lister and TTLer) over a
// Flask-Session sessions table. It is safe for concurrent use.
type Store struct {
	db      *sql.DB
	dialect Dialect
	table   string // quoted, with its schema
	seq     string
	now     func() time.Time
	maxSize int
	q       queries
}

type queries struct {
	load, upsert, del, cad, touch, ttl, cas, casKeep, keys, expired string
}

// New returns a store over db. It does not touch the database.
func New(db *sql.DB, o Options) (*Store, error) {
	if db == nil {
		return nil, fmt.Errorf("%w: no database", ErrConfig)
	}
	s := &Store{db: db, dialect: o.Dialect, seq: o.Sequence, now: o.Now, maxSize: o.MaxValueSize}
	switch o.Dialect {
	case Postgres, MySQL, SQLite:
	case "":
		return nil, fmt.Errorf("%w: Options.Dialect is required", ErrConfig)
	default:
		return nil, fmt.Errorf("%w: unknown dialect %q", ErrConfig, o.Dialect)
	}
	if o.Sequence != "" && o.Dialect != Postgres {
		return nil, fmt.Errorf("%w: SESSION_SQLALCHEMY_SEQUENCE is for PostgreSQL", ErrConfig)
	}
	table := o.Table
	if table == "" {
		table = DefaultTable
	}
	s.table = s.quote(table)
	if o.Schema != "" {
		s.table = s.quote(o.Schema) + "." + s.table
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.maxSize <= 0 {
		s.maxSize = flasksession.DefaultMaxValueSize
	}
	s.q = s.build()
	return s, nil
}

// DB returns the store's database.
func (s *Store) DB() *sql.DB { return s.db }

// Dialect returns the store's dialect.
func (s *Store) Dialect() Dialect { return s.dialect }

// quote quotes an identifier for the dialect.
func (s *Store) quote(id string) string {
	if s.dialect == MySQL {
		return "`" + strings.ReplaceAll(id, "`", "``") + "`"
	}
	return `"` + strings.ReplaceAll(id, `"`, `""`) + `"`
}

// build makes the statements, with the dialect's placeholders.
func (s *Store) build() queries {
	t := s.table
	var q queries
	// The data only when it is within the limit (the first ?), and its
	// length in bytes, so that a longer value is never sent (PostgreSQL and
	// SQLite do not even read it).
	length := "octet_length(data)"
	if s.dialect == MySQL {
		length = "LENGTH(data)"
	}
	q.load = "SELECT CASE WHEN " + length + " <= ? THEN data END, " + length + ", expiry FROM " + t + " WHERE session_id = ?"
	q.ttl = "SELECT expiry FROM " + t + " WHERE session_id = ?"
	q.del = "DELETE FROM " + t + " WHERE session_id = ?"
	q.cad = "DELETE FROM " + t + " WHERE session_id = ? AND data = ? AND expiry > ?"
	q.touch = "UPDATE " + t + " SET expiry = ? WHERE session_id = ? AND expiry > ?"
	q.cas = "UPDATE " + t + " SET data = ?, expiry = ? WHERE session_id = ? AND data = ? AND expiry > ?"
	q.casKeep = "UPDATE " + t + " SET data = ? WHERE session_id = ? AND data = ? AND expiry > ?"
	// Keyset pages in session_id order: fn runs between pages, with no
	// rows open, so it may use the database itself.
	q.keys = "SELECT session_id FROM " + t + " WHERE session_id LIKE ? ESCAPE '!' AND session_id > ? AND expiry > ? ORDER BY session_id LIMIT ?"
	q.expired = "DELETE FROM " + t + " WHERE expiry <= ? OR expiry IS NULL"
	switch s.dialect {
	case Postgres:
		id, val := "", ""
		if s.seq != "" {
			id, val = "id, ", "nextval('"+strings.ReplaceAll(s.seq, "'", "''")+"'), "
		}
		q.upsert = "INSERT INTO " + t + " (" + id + "session_id, data, expiry) VALUES (" + val + "?, ?, ?) " +
			"ON CONFLICT (session_id) DO UPDATE SET data = EXCLUDED.data, expiry = EXCLUDED.expiry"
	case MySQL:
		q.upsert = "INSERT INTO " + t + " (session_id, data, expiry) VALUES (?, ?, ?) " +
			"ON DUPLICATE KEY UPDATE data = VALUES(data), expiry = VALUES(expiry)"
	case SQLite:
		q.upsert = "INSERT INTO " + t + " (session_id, data, expiry) VALUES (?, ?, ?) " +
			"ON CONFLICT (session_id) DO UPDATE SET data = excluded.data, expiry = excluded.expiry"
	}
	if s.dialect == Postgres {
		for _, p := range []*string{&q.load, &q.ttl, &q.del, &q.cad, &q.touch, &q.cas, &q.casKeep, &q.keys, &q.expired, &q.upsert} {
			*p = dollars(*p)
		}
	}
	return q
}

// dollars numbers the ? placeholders of a statement as $1, $2...
func dollars(q string) string {
	var b strings.Builder
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// CreateTableSQL returns the statements SQLAlchemy runs to create
// Flask-Session's table on the dialect, IF NOT EXISTS added.
func (s *Store) CreateTableSQL() []string {
	var stmts []string
	id := "id INTEGER NOT NULL"
	switch s.dialect {
	case Postgres:
		id = "id SERIAL NOT NULL"
		if s.seq != "" {
			stmts = append(stmts, "CREATE SEQUENCE IF NOT EXISTS "+s.quote(s.seq))
			id = "id INTEGER NOT NULL"
		}
		return append(stmts, "CREATE TABLE IF NOT EXISTS "+s.table+" (\n\t"+id+", \n\tsession_id VARCHAR(255), \n\tdata BYTEA, \n\t"+
			"expiry TIMESTAMP WITHOUT TIME ZONE, \n\tPRIMARY KEY (id), \n\tUNIQUE (session_id)\n)")
	case MySQL:
		id = "id INTEGER NOT NULL AUTO_INCREMENT"
	}
	return append(stmts, "CREATE TABLE IF NOT EXISTS "+s.table+" (\n\t"+id+", \n\tsession_id VARCHAR(255), \n\tdata BLOB, \n\t"+
		"expiry DATETIME, \n\tPRIMARY KEY (id), \n\tUNIQUE (session_id)\n)")
}

// CreateTable creates the sessions table (and its sequence) if it does not
// exist, as Flask-Session 0.6 and later do when the app starts.
func (s *Store) CreateTable(ctx context.Context) error {
	for _, q := range s.CreateTableSQL() {
		if _, err := s.db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("sqlstore: creating %s: %w", s.table, err)
		}
	}
	return nil
}

// never is the expiry a ttl of zero stores: the last second a DATETIME
// holds. A NULL would read as expired in Flask-Session 0.6 and later.
var never = time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)

// utcNow is the store's now as naive UTC to the microsecond, as
// datetime.utcnow() gives it.
func (s *Store) utcNow() time.Time {
	return s.now().UTC().Truncate(time.Microsecond)
}

func (s *Store) expiryFor(ttl time.Duration) (time.Time, error) {
	if ttl < 0 {
		return time.Time{}, fmt.Errorf("sqlstore: negative ttl %v", ttl)
	}
	if ttl == 0 {
		return never, nil
	}
	return s.utcNow().Add(ttl), nil
}

// arg is a time as the dialect's driver is given it: pgx encodes a
// time.Time's UTC wall clock into a timestamp; MySQL gets PyMySQL's text
// (so the DSN's loc does not shift it); SQLite gets SQLAlchemy's text,
// which its comparisons order correctly.
func (s *Store) arg(t time.Time) any {
	t = t.UTC().Truncate(time.Microsecond)
	switch s.dialect {
	case Postgres:
		return t
	case MySQL:
		if t.Nanosecond() == 0 {
			return t.Format("2006-01-02 15:04:05")
		}
		return t.Format("2006-01-02 15:04:05.000000")
	}
	return t.Format("2006-01-02 15:04:05.000000")
}

// parseExpiry reads an expiry column value: NULL (ok == false), a
// time.Time (its wall clock is the naive UTC time, whatever location the
// driver gave it), or text.
func parseExpiry(v any) (t time.Time, ok bool, err error) {
	switch x := v.(type) {
	case nil:
		return time.Time{}, false, nil
	case time.Time:
		return time.Date(x.Year(), x.Month(), x.Day(), x.Hour(), x.Minute(), x.Second(), x.Nanosecond(), time.UTC), true, nil
	case []byte:
		return parseExpiryText(string(x))
	case string:
		return parseExpiryText(x)
	}
	return time.Time{}, false, fmt.Errorf("%w: %T", ErrExpiry, v)
}

func parseExpiryText(s string) (time.Time, bool, error) {
	for _, layout := range []string{"2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true, nil
		}
	}
	if len(s) > 40 {
		s = s[:40]
	}
	return time.Time{}, false, fmt.Errorf("%w: %q", ErrExpiry, s)
}

// live reports whether an expiry read from the table is still ahead.
func (s *Store) live(v any) (time.Time, bool, error) {
	t, ok, err := parseExpiry(v)
	if err != nil || !ok {
		return t, false, err
	}
	return t, t.After(s.utcNow()), nil
}

// Load returns the data of the row of key, up to Options.MaxValueSize
// bytes; see LoadBounded.
func (s *Store) Load(ctx context.Context, key string) ([]byte, bool, error) {
	return s.LoadBounded(ctx, key, s.maxSize)
}

// LoadBounded returns the data of the row of key, unless its expiry has
// passed or is NULL, if it is at most max bytes long. The query selects the
// data only within the limit, with its length, so that a longer value
// (an error wrapping flasksession.ErrTooLarge) is never sent.
func (s *Store) LoadBounded(ctx context.Context, key string, limit int) ([]byte, bool, error) {
	// PostgreSQL's integer parameter is 32 bits; a bytea holds at most
	// 1 GiB anyway.
	limit = min(max(limit, 0), math.MaxInt32)
	var (
		data   []byte
		size   sql.NullInt64
		expiry any
	)
	err := s.db.QueryRowContext(ctx, s.q.load, limit, key).Scan(&data, &size, &expiry)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("sqlstore: loading %q: %w", key, err)
	}
	_, live, err := s.live(expiry)
	if err != nil {
		return nil, false, fmt.Errorf("sqlstore: loading %q: %w", key, err)
	}
	if !live {
		return nil, false, nil
	}
	if size.Int64 > int64(limit) || len(data) > limit {
		return nil, false, fmt.Errorf("sqlstore: loading %q: %w: %d bytes, over the %d byte limit",
			key, flasksession.ErrTooLarge, max(size.Int64, int64(len(data))), limit)
	}
	if data == nil {
		data = []byte{}
	}
	return data, true, nil
}

// Save inserts or replaces the row of key, to expire after ttl (zero: at
// the end of year 9999).
func (s *Store) Save(ctx context.Context, key string, data []byte, ttl time.Duration) error {
	exp, err := s.expiryFor(ttl)
	if err != nil {
		return err
	}
	if data == nil {
		data = []byte{}
	}
	if _, err := s.db.ExecContext(ctx, s.q.upsert, key, data, s.arg(exp)); err != nil {
		return fmt.Errorf("sqlstore: saving %q: %w", key, err)
	}
	return nil
}

// Delete removes the row of key.
func (s *Store) Delete(ctx context.Context, key string) error {
	if _, err := s.db.ExecContext(ctx, s.q.del, key); err != nil {
		return fmt.Errorf("sqlstore: deleting %q: %w", key, err)
	}
	return nil
}

// Touch sets the expiry of key's row to ttl from now, leaving its data as
// it is; a row that is absent or expired is not touched.
func (s *Store) Touch(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	exp, err := s.expiryFor(ttl)
	if err != nil {
		return false, err
	}
	now := s.arg(s.utcNow())
	res, err := s.db.ExecContext(ctx, s.q.touch, s.arg(exp), key, now)
	if err != nil {
		return false, fmt.Errorf("sqlstore: touching %q: %w", key, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("sqlstore: touching %q: %w", key, err)
	}
	if n == 0 && s.dialect == MySQL {
		// MySQL counts changed rows, not matched ones: a row whose expiry
		// was already that second is not counted.
		_, found, err := s.TTL(ctx, key)
		return found, err
	}
	return n > 0, nil
}

// CompareAndSwap replaces the data of key's row with data if it still
// holds old (one UPDATE ... WHERE data = old), with the expiry ttl from
// now or, for flasksession.KeepTTL, the row's own.
func (s *Store) CompareAndSwap(ctx context.Context, key string, old, data []byte, ttl time.Duration) (bool, error) {
	if old == nil {
		old = []byte{}
	}
	if data == nil {
		data = []byte{}
	}
	now := s.arg(s.utcNow())
	var (
		res sql.Result
		err error
	)
	if ttl < 0 {
		res, err = s.db.ExecContext(ctx, s.q.casKeep, data, key, old, now)
	} else {
		exp, err2 := s.expiryFor(ttl)
		if err2 != nil {
			return false, err2
		}
		res, err = s.db.ExecContext(ctx, s.q.cas, data, s.arg(exp), key, old, now)
	}
	if err != nil {
		return false, fmt.Errorf("sqlstore: compare-and-swap %q: %w", key, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("sqlstore: compare-and-swap %q: %w", key, err)
	}
	if n == 0 && s.dialect == MySQL && string(old) == string(data) {
		// An unchanged row is not counted by MySQL: it holds data already.
		cur, found, err := s.Load(ctx, key)
		return found && string(cur) == string(data), err
	}
	return n > 0, nil
}

// CompareAndDelete deletes the row of key if it still holds old and has
// not expired (one DELETE ... WHERE data = old).
func (s *Store) CompareAndDelete(ctx context.Context, key string, old []byte) (bool, error) {
	if old == nil {
		old = []byte{}
	}
	res, err := s.db.ExecContext(ctx, s.q.cad, key, old, s.arg(s.utcNow()))
	if err != nil {
		return false, fmt.Errorf("sqlstore: compare-and-delete %q: %w", key, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("sqlstore: compare-and-delete %q: %w", key, err)
	}
	return n > 0, nil
}

// TTL returns the time left before key's row expires (negative for the
// expiry a zero ttl stores); an expired or NULL expiry is not found.
func (s *Store) TTL(ctx context.Context, key string) (time.Duration, bool, error) {
	var expiry any
	err := s.db.QueryRowContext(ctx, s.q.ttl, key).Scan(&expiry)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("sqlstore: expiry of %q: %w", key, err)
	}
	t, live, err := s.live(expiry)
	if err != nil || !live {
		if err != nil {
			err = fmt.Errorf("sqlstore: expiry of %q: %w", key, err)
		}
		return 0, false, err
	}
	if !t.Before(never) {
		return -1, true, nil
	}
	return t.Sub(s.utcNow()), true, nil
}

// KeysPage is the number of keys Keys reads per query.
const KeysPage = 500

// Keys calls fn with the key of every live row that starts with prefix, in
// session_id order, a page of KeysPage at a time.
func (s *Store) Keys(ctx context.Context, prefix string, fn func(key string) error) error {
	pattern := escapeLike(prefix) + "%"
	after := ""
	for {
		page, err := s.keysPage(ctx, pattern, after)
		if err != nil {
			return err
		}
		for _, k := range page {
			// MySQL's default collation compares without case: keep the
			// exact prefix only.
			if !strings.HasPrefix(k, prefix) {
				continue
			}
			if err := fn(k); err != nil {
				return err
			}
		}
		if len(page) < KeysPage {
			return nil
		}
		after = page[len(page)-1]
	}
}

func (s *Store) keysPage(ctx context.Context, pattern, after string) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, s.q.keys, pattern, after, s.arg(s.utcNow()), KeysPage)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: listing %q: %w", pattern, err)
	}
	defer rows.Close()
	var page []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, fmt.Errorf("sqlstore: listing %q: %w", pattern, err)
		}
		page = append(page, k)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: listing %q: %w", pattern, err)
	}
	return page, nil
}

// escapeLike escapes LIKE's wildcards with '!'.
func escapeLike(s string) string {
	r := strings.NewReplacer("!", "!!", "%", "!%", "_", "!_")
	return r.Replace(s)
}

// DeleteExpired deletes the rows whose expiry has passed (and those with
// no expiry, which no reader returns), as Flask-Session 0.7+'s
// `flask session_cleanup` and SESSION_CLEANUP_N_REQUESTS do, and returns
// how many it deleted.
func (s *Store) DeleteExpired(ctx context.Context) (int64, error) {
	res, err := s.db.ExecContext(ctx, s.q.expired, s.arg(s.utcNow()))
	if err != nil {
		return 0, fmt.Errorf("sqlstore: deleting expired sessions: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("sqlstore: deleting expired sessions: %w", err)
	}
	return n, nil
}
