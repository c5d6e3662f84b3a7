package storeurl

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // the "sqlite" database/sql driver, pure Go

	"github.com/flaskbridge/flaskbridge/flasksession"
	"github.com/flaskbridge/flaskbridge/flasksession/sqlstore"
)

// sqlParams are the query parameters of a SQL URL that are the store's,
// not the driver's.
var sqlParams = []string{"key_prefix", "table", "schema", "sequence"}

// openSQL opens Flask-Session's sessions table:
//
//	postgres://user:password@host:port/db?sslmode=disable   (pgx; postgresql:// and
//	                                                         postgresql+DRIVER:// too)
//	mysql://user:password@host:port/db?tls=true              (go-sql-driver/mysql;
//	                                                         mariadb:// and mysql+DRIVER:// too)
//	sqlite:///relative/path.db, sqlite:////absolute/path.db  (modernc.org/sqlite)
//
// as SQLALCHEMY_DATABASE_URI writes them, with table (SESSION_SQLALCHEMY_TABLE),
// schema and sequence parameters; the other parameters go to the driver.
// The database file of a SQLite URL must exist.
func openSQL(ctx context.Context, rawURL, scheme string, o Options) (*Opened, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrURL, redactErr(err, rawURL))
	}
	params := takeQuery(u, sqlParams...)
	var (
		db      *sql.DB
		dialect sqlstore.Dialect
	)
	switch scheme {
	case "postgres", "postgresql":
		dialect = sqlstore.Postgres
		u.Scheme = "postgres"
		cfg, err := pgx.ParseConfig(u.String())
		if err != nil {
			// pgconn's message shows the URL with its password masked.
			return nil, fmt.Errorf("%w: %w", ErrURL, err)
		}
		db = stdlib.OpenDB(*cfg)
	case "mysql", "mariadb":
		dialect = sqlstore.MySQL
		cfg, err := mysqlConfig(u)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrURL, Redact(rawURL), err)
		}
		conn, err := mysql.NewConnector(cfg)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrURL, Redact(rawURL), err)
		}
		db = sql.OpenDB(conn)
	case "sqlite":
		dialect = sqlstore.SQLite
		if u.Host != "" || u.User != nil {
			return nil, fmt.Errorf("%w: %s: a SQLite URL has no host (sqlite:///relative.db or sqlite:////absolute.db)", ErrURL, rawURL)
		}
		if u.RawQuery != "" {
			return nil, fmt.Errorf("%w: %s: unknown parameter %q (a SQLite URL takes key_prefix, table)", ErrURL, rawURL, firstParam(u))
		}
		path := strings.TrimPrefix(u.Path, "/")
		if path == "" {
			return nil, fmt.Errorf("%w: %s: no database file", ErrURL, rawURL)
		}
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("SQLite database (SQLAlchemy's form: sqlite:///relative.db, sqlite:////absolute.db): %w", err)
		}
		// Python's sqlite3 waits 5 seconds for a lock; so does the store.
		db, err = sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
		if err != nil {
			return nil, err
		}
	}
	s, err := sqlstore.New(db, sqlstore.Options{Dialect: dialect, Table: params["table"], Schema: params["schema"], Sequence: params["sequence"], Now: o.Now})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("%w: %s: %w", ErrURL, Redact(rawURL), err)
	}
	opened := &Opened{Store: s, Options: flasksession.Options{Type: "sqlalchemy"}, Scheme: scheme, close: db.Close}
	return withPrefix(opened, params), nil
}

// mysqlConfig is go-sql-driver/mysql's configuration of a mysql:// URL:
// the user info, host (port 3306 by default) and database of the URL, and
// its query parameters as the driver's DSN parameters.
func mysqlConfig(u *url.URL) (*mysql.Config, error) {
	host := u.Host
	if host == "" {
		host = "127.0.0.1"
	}
	if _, _, err := net.SplitHostPort(host); err != nil {
		host = net.JoinHostPort(strings.Trim(host, "[]"), "3306")
	}
	db := strings.Trim(u.Path, "/")
	if strings.Contains(db, "/") {
		return nil, fmt.Errorf("database name %q has a /", db)
	}
	// The driver reads its parameters from a DSN; the user, password and
	// address are set on the parsed configuration so that no character in
	// them needs the DSN's escaping.
	dsn := "/"
	if u.RawQuery != "" {
		dsn += "?" + u.RawQuery
	}
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	cfg.Net, cfg.Addr, cfg.DBName = "tcp", host, db
	if u.User != nil {
		cfg.User = u.User.Username()
		cfg.Passwd, _ = u.User.Password()
	}
	return cfg, nil
}
