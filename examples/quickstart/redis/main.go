// Command redis serves one route that reads and writes Flask-Session's
// Redis sessions, configured from the same SECRET_KEY and SESSION_*
// environment variables as the Flask app.
package main

import (
	"fmt"
	"log"
	"net/http"
	"os"

	"github.com/go-chi/chi/v5"
	"github.com/redis/go-redis/v9"

	"github.com/flaskbridge/flaskbridge/chimw"
	"github.com/flaskbridge/flaskbridge/flasksession"
	"github.com/flaskbridge/flaskbridge/flasksession/redisstore"
)

func main() {
	opts, err := flasksession.OptionsFromEnv("", os.LookupEnv) // SECRET_KEY, SESSION_KEY_PREFIX, ...
	if err != nil {
		log.Fatal(err)
	}
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
	manager, err := flasksession.New(redisstore.New(rdb), opts)
	if err != nil {
		log.Fatal(err)
	}
	r := chi.NewRouter()
	r.Use(chimw.New(chimw.NewStoreBackend(manager), chimw.Options{}).Handler)
	r.Get("/me", func(w http.ResponseWriter, r *http.Request) {
		s := chimw.Session(r) // the session Flask-Session stored under the cookie's id
		if user, err := s.String("_user_id"); err == nil {
			fmt.Fprintf(w, "logged in as %s\n", user) // Flask-Login's user id
			return
		}
		http.Error(w, "not logged in", http.StatusUnauthorized)
	})
	log.Fatal(http.ListenAndServe("127.0.0.1:8000", r))
}
