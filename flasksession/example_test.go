package flasksession_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"

	"github.com/flaskbridge/flaskbridge/flasksession"
	"github.com/flaskbridge/flaskbridge/flasksession/filestore"
)

// A Go handler shares Flask-Session's sessions: load the session, use it,
// save it before writing the response.
func Example() {
	dir, _ := os.MkdirTemp("", "flask_session")
	defer os.RemoveAll(dir)
	store, err := filestore.New(dir, filestore.Options{}) // SESSION_TYPE = "filesystem"
	if err != nil {
		panic(err)
	}
	m, err := flasksession.New(store, flasksession.Options{
		SecretKey: "change me", // SECRET_KEY
		UseSigner: true,        // SESSION_USE_SIGNER
	})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()

	// First request: no cookie yet.
	r := httptest.NewRequest("GET", "/login", nil)
	s, err := m.Load(ctx, r)
	if err != nil {
		panic(err) // the store failed: answer 500, never an empty session
	}
	s.Set("user_id", 42)
	w := httptest.NewRecorder()
	if err := m.Save(ctx, w, s); err != nil {
		panic(err)
	}

	// Next request, with the cookie the first one set.
	r = httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Cookie", w.Header().Get("Set-Cookie"))
	s, err = m.Load(ctx, r)
	if err != nil {
		panic(err)
	}
	id, _ := s.Int("user_id")
	fmt.Println("user", id, "found", s.Found())
	// Output: user 42 found true
}

func ExampleSignID() {
	cookie, _ := flasksession.SignID("secret", "abc")
	fmt.Println(cookie)
	sid, err := flasksession.UnsignID("secret", cookie)
	fmt.Println(sid, err)
	// Output:
	// abc.UOOlglGtLOKQM3OFkrI8bWIohNg
	// abc <nil>
}

func ExampleOptionsFromTOML() {
	o, err := flasksession.OptionsFromTOML([]byte(`
SECRET_KEY = "change me"
SESSION_TYPE = "redis"
SESSION_KEY_PREFIX = "myapp:"
PERMANENT_SESSION_LIFETIME = 86400
FLASKBRIDGE_SESSION_COMPAT = "0.6.0"
`))
	if err != nil {
		panic(err)
	}
	fmt.Println(o.Type, *o.KeyPrefix, o.PermanentSessionLifetime, o.Compat)
	// Output: redis myapp: 24h0m0s 0.6
}
