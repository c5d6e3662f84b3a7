package flasklogin_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/flaskbridge/flaskbridge/chimw"
	"github.com/flaskbridge/flaskbridge/chimw/flasklogin"
)

// A Go app that logs users in and out of the sessions of a Flask app
// running Flask-Login: users logged in on either side are logged in on both.
func Example() {
	o := chimw.CookieOptions{}
	o.SecretKey = []byte("the Flask app's SECRET_KEY")
	backend, _ := chimw.NewCookieBackend(o)
	sessions := chimw.New(backend, chimw.Options{})
	login, _ := flasklogin.New(flasklogin.Options{SecretKey: "the Flask app's SECRET_KEY", SessionProtection: "strong"})

	r := chi.NewRouter()
	r.Use(sessions.Handler, login.Middleware)
	r.Post("/login", func(w http.ResponseWriter, r *http.Request) {
		// ... check the password, then:
		login.LoginUser(r, "42", flasklogin.LoginOptions{Remember: true})
	})
	r.Get("/profile", func(w http.ResponseWriter, r *http.Request) {
		id, ok := login.UserID(r)
		if !ok {
			http.Redirect(w, r, "/login", http.StatusFound)
			return
		}
		fmt.Fprintf(w, "user %s, fresh login: %v", id, login.Fresh(r))
	})
	r.Post("/logout", func(w http.ResponseWriter, r *http.Request) { login.LogoutUser(r) })

	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, httptest.NewRequest("POST", "/login", nil))
	var cookies []string
	for _, c := range rec.Result().Cookies() {
		cookies = append(cookies, c.Name+"="+c.Value)
		fmt.Println("cookie:", c.Name)
	}

	req := httptest.NewRequest("GET", "/profile", nil)
	req.Header.Set("Cookie", strings.Join(cookies, "; "))
	rec = httptest.NewRecorder()
	r.ServeHTTP(rec, req)
	body, _ := io.ReadAll(rec.Body)
	fmt.Println(string(body))
	// Output:
	// cookie: remember_token
	// cookie: session
	// user 42, fresh login: true
}

// The remember cookie is the user id and its HMAC-SHA512 keyed with
// SECRET_KEY, as Flask-Login's encode_cookie writes it.
func ExampleManager_EncodeCookie() {
	login, _ := flasklogin.New(flasklogin.Options{SecretKey: "secret"})
	c := login.EncodeCookie("42")
	fmt.Println(c[:11] + "...")
	id, ok := login.DecodeCookie(c)
	fmt.Println(id, ok)
	_, ok = login.DecodeCookie("43" + c[2:])
	fmt.Println(ok)
	// Output:
	// 42|b97e927e...
	// 42 true
	// false
}
