// Command shared-login is the Go front of the shared-login example: it
// serves the routes moved from the Flask app to Go (/profile, /hello,
// POST /notes, POST /logout) with the Flask app's own sessions, and
// proxies every other route to the Flask app. See README.md.
//
//	FLASK_SECRET_KEY=... shared-login -listen 127.0.0.1:8080 -flask http://127.0.0.1:5000
//
// The secret key and the session settings come from the config file both
// apps read (-config, or $SHARED_LOGIN_CONFIG) and the FLASK_* environment
// variables. SIGINT or SIGTERM stops it gracefully.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/flaskbridge/flaskbridge/examples/shared-login/sharedlogin"
	"github.com/flaskbridge/flaskbridge/flasksession/storeurl"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Environ(), os.Stdout, os.Stderr, nil); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "shared-login:", err)
		os.Exit(1)
	}
}

// shutdownTimeout bounds the wait for requests in flight at shutdown.
const shutdownTimeout = 10 * time.Second

// run is the command: it serves until ctx is done, then shuts down
// gracefully. ready, when not nil, is called with the address listened on.
func run(ctx context.Context, args, environ []string, stdout, stderr io.Writer, ready func(addr string)) error {
	fs := flag.NewFlagSet("shared-login", flag.ContinueOnError)
	fs.SetOutput(stderr)
	defaultConfig := lookup(environ, sharedlogin.ConfigEnv)
	if defaultConfig == "" {
		defaultConfig = "config.toml"
	}
	listen := fs.String("listen", "127.0.0.1:8080", "address to listen on")
	flaskURL := fs.String("flask", "http://127.0.0.1:5000", "URL of the Flask app to proxy to")
	configPath := fs.String("config", defaultConfig, "config file both apps read ($"+sharedlogin.ConfigEnv+")")
	store := fs.String("store", "", "override the config's "+sharedlogin.StoreKey+": cookie, a directory (relative to the config file's), or redis://host:port/db\n"+
		"(the Flask app must get the same: FLASK_"+sharedlogin.StoreKey+")")
	flaskOnly := fs.Bool("flask-only", false, "proxy every route to Flask, the Go routes included (rollback)")
	quiet := fs.Bool("quiet", false, "log errors only")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: FLASK_SECRET_KEY=... shared-login [flags]\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}

	if *store != "" {
		// -store is FLASK_SHARED_LOGIN_STORE, the variable the Flask app
		// reads: a relative directory is taken from the config file's
		// directory on both sides.
		override := &sharedlogin.Config{Store: *store}
		environ = append(environ[:len(environ):len(environ)], override.Environ()...)
	}
	cfg, err := sharedlogin.LoadConfig(*configPath, environ)
	if err != nil {
		return err
	}
	cfg.FlaskURL = *flaskURL
	cfg.FlaskOnly = *flaskOnly
	level := slog.LevelInfo
	if *quiet {
		level = slog.LevelError
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	app, err := sharedlogin.New(cfg, sharedlogin.Options{Logger: logger})
	if err != nil {
		return err
	}
	defer app.Close()

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           app,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelError),
	}
	addr := ln.Addr().String()
	target := cfg.StoreTarget
	if cfg.StoreKind == sharedlogin.StoreRedis {
		target = storeurl.Redact(target) // without its password
	}
	fmt.Fprintf(stdout, "shared-login: serving http://%s, proxying to %s, %s sessions\n", addr, cfg.FlaskURL, cfg.StoreKind)
	logger.Info("serving", "addr", "http://"+addr, "flask", cfg.FlaskURL, "store", cfg.StoreKind.String(), "target", target, "flask_only", cfg.FlaskOnly)
	if ready != nil {
		ready(addr)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// lookup returns the value of the environment variable name in environ.
func lookup(environ []string, name string) string {
	for i := len(environ) - 1; i >= 0; i-- {
		if len(environ[i]) > len(name) && environ[i][len(name)] == '=' && environ[i][:len(name)] == name {
			return environ[i][len(name)+1:]
		}
	}
	return ""
}
