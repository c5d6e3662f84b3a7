// Command cookie serves one route that reads and writes Flask's signed
// cookie session, shared with a Flask app that has the same SECRET_KEY.
package main

import (
	"fmt"
	"log"
	"net/http"
	"os"

	"github.com/go-chi/chi/v5"

	"github.com/flaskbridge/flaskbridge/chimw"
)

func main() {
	var o chimw.CookieOptions
	o.SecretKey = []byte(os.Getenv("SECRET_KEY")) // the Flask app's SECRET_KEY
	backend, err := chimw.NewCookieBackend(o)
	if err != nil {
		log.Fatal(err)
	}
	r := chi.NewRouter()
	r.Use(chimw.New(backend, chimw.Options{}).Handler)
	r.Get("/hello", func(w http.ResponseWriter, r *http.Request) {
		s := chimw.Session(r) // what Flask's session holds
		name, _ := s.String("name")
		n, _ := s.Int("visits")
		s.Set("visits", n+1) // Flask reads it back on its next request
		fmt.Fprintf(w, "hello %s, visit %d\n", name, n+1)
	})
	log.Fatal(http.ListenAndServe("127.0.0.1:8000", r))
}
