// Package sharedlogin is the Go half of the shared-login example: a Go
// front (chi and package chimw) that serves the routes moved from Flask to
// Go and proxies every other route to the Flask app it is replacing, both
// apps sharing their users' sessions, logins, flashed messages and CSRF
// tokens. The Flask app is examples/shared-login/flaskapp; README.md
// beside this package tells how to run the two.
//
// The routes moved to Go:
//
//	GET  /profile   the logged-in user (login required, as Flask-Login's login_required)
//	POST /hello     flashes a greeting, then redirects to Flask's home page
//	POST /notes     the target of the CSRF-protected form Flask renders at /notes/new
//	POST /logout    Flask-Login's logout_user
//
// Both apps read one config (LoadConfig): a TOML file and FLASK_-prefixed
// environment variables, as Flask's app.config.from_file and
// from_prefixed_env read them.
//
// New builds the front as an http.Handler, for tests and benchmarks that
// run it in-process; StartFlask runs the Flask app (under Werkzeug or
// gunicorn) as a child process on loopback.
package sharedlogin
