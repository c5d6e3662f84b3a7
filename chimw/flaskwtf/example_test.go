package flaskwtf_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/flaskbridge/flaskbridge/chimw"
	"github.com/flaskbridge/flaskbridge/chimw/flaskwtf"
)

// A form rendered by Go and posted back to Go; a form rendered by Flask
// with {{ csrf_token() }} posts to the same route, and Flask accepts the
// tokens Go puts in its forms.
func Example() {
	o := chimw.CookieOptions{}
	o.SecretKey = []byte("the Flask app's SECRET_KEY")
	backend, _ := chimw.NewCookieBackend(o)
	sessions := chimw.New(backend, chimw.Options{})
	csrf, _ := flaskwtf.New(flaskwtf.Options{SecretKey: []byte("the Flask app's SECRET_KEY")})

	r := chi.NewRouter()
	r.Use(sessions.Handler)
	r.Get("/form", func(w http.ResponseWriter, r *http.Request) {
		token, _ := csrf.Token(r)
		fmt.Fprintf(w, `<input type="hidden" name="csrf_token" value="%s">`, token)
	})
	r.With(csrf.Protect).Post("/form", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "saved")
	})

	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, httptest.NewRequest("GET", "/form", nil))
	cookie := strings.SplitN(rec.Header().Get("Set-Cookie"), ";", 2)[0]
	token := strings.Split(rec.Body.String(), `value="`)[1]
	token = strings.TrimSuffix(token, `">`)

	for _, tok := range []string{token, "forged"} {
		req := httptest.NewRequest("POST", "/form", strings.NewReader(url.Values{"csrf_token": {tok}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Cookie", cookie)
		rec = httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		fmt.Println(rec.Code, strings.TrimSpace(rec.Body.String()))
	}
	// Output:
	// 200 saved
	// 400 Bad Request: The CSRF token is invalid.
}
