package sharedlogin_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/flaskbridge/flaskbridge/examples/shared-login/sharedlogin"
)

// The Go front built in-process, as a test or a benchmark starts it, in
// front of a stand-in for the Flask app: the Go routes answer themselves,
// every other route goes to Flask.
func Example() {
	flask := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "Flask served %s %s", r.Method, r.URL.Path)
	}))
	defer flask.Close()

	// The config both apps read: config.toml and FLASK_* variables.
	cfg, err := sharedlogin.LoadConfig("../config.toml", []string{
		"FLASK_SECRET_KEY=the shared secret",
		"FLASK_SHARED_LOGIN_STORE=cookie",
	})
	if err != nil {
		panic(err)
	}
	cfg.FlaskURL = flask.URL
	app, err := sharedlogin.New(cfg, sharedlogin.Options{})
	if err != nil {
		panic(err)
	}
	defer app.Close()
	front := httptest.NewServer(app)
	defer front.Close()

	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, path := range []string{"/profile", "/notes/new"} {
		resp, err := client.Get(front.URL + path)
		if err != nil {
			panic(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusFound {
			fmt.Printf("%s: Go redirects to %s\n", path, resp.Header.Get("Location"))
		} else {
			fmt.Printf("%s: %s\n", path, body)
		}
	}
	// Output:
	// /profile: Go redirects to /login?next=%2Fprofile
	// /notes/new: Flask served GET /notes/new
}
