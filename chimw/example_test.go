package chimw_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/flaskbridge/flaskbridge/chimw"
	"github.com/flaskbridge/flaskbridge/flasksession"
	"github.com/flaskbridge/flaskbridge/flasksession/filestore"
)

// get sends one request to h and returns the response.
func get(h http.Handler, path, cookie string) *http.Response {
	req := httptest.NewRequest("GET", path, nil)
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

// With chi: Flask's signed cookie session, shared with a Flask app that has
// the same SECRET_KEY.
func ExampleMiddleware_chi() {
	o := chimw.CookieOptions{}
	o.SecretKey = []byte("the Flask app's SECRET_KEY")
	o.Now = func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) } // for the output below
	backend, err := chimw.NewCookieBackend(o)
	if err != nil {
		panic(err)
	}
	sessions := chimw.New(backend, chimw.Options{})

	r := chi.NewRouter()
	r.Use(sessions.Handler)
	r.Get("/visit", func(w http.ResponseWriter, r *http.Request) {
		s := chimw.Session(r)
		n, _ := s.Int("visits") // 0 when absent
		s.Set("visits", n+1)
		fmt.Fprintf(w, "visit %d", n+1)
	})

	resp := get(r, "/visit", "")
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(string(body))
	fmt.Println(resp.Header.Get("Set-Cookie"))
	fmt.Println("Vary:", resp.Header.Get("Vary"))

	cookie := strings.SplitN(resp.Header.Get("Set-Cookie"), ";", 2)[0]
	body, _ = io.ReadAll(get(r, "/visit", cookie).Body)
	fmt.Println(string(body))
	// Output:
	// visit 1
	// session=eyJ2aXNpdHMiOjF9.aVc1pQ.gKXRvAIz-LxOtUYvHOY6R_-7FOo; HttpOnly; Path=/
	// Vary: Cookie
	// visit 2
}

// With the standard library's ServeMux: Flask-Session's sessions in a
// directory shared with the Flask app (SESSION_TYPE = "filesystem"), opened
// only by the routes that use them (lazy mode).
func ExampleMiddleware_serveMux() {
	dir, err := os.MkdirTemp("", "sessions")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	store, err := filestore.New(dir, filestore.Options{})
	if err != nil {
		panic(err)
	}
	manager, err := flasksession.New(store, flasksession.Options{SecretKey: "the Flask app's SECRET_KEY"})
	if err != nil {
		panic(err)
	}
	sessions := chimw.New(chimw.NewStoreBackend(manager), chimw.Options{Lazy: true})

	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok") // never opens the session
	})
	mux.HandleFunc("GET /cart/add", func(w http.ResponseWriter, r *http.Request) {
		s := chimw.Session(r)
		n, _ := s.Int("items")
		s.Set("items", n+1)
		chimw.Flash(r, "Added to your cart.", "info")
		fmt.Fprintf(w, "%d items", n+1)
	})
	mux.HandleFunc("GET /cart", func(w http.ResponseWriter, r *http.Request) {
		for _, f := range chimw.Flashes(r) {
			fmt.Fprintf(w, "[%s] %s\n", f.Category, f.Message)
		}
		n, _ := chimw.Session(r).Int("items")
		fmt.Fprintf(w, "%d items", n)
	})
	h := sessions.Handler(mux)

	resp := get(h, "/health", "")
	fmt.Printf("health: cookie set: %v\n", resp.Header.Get("Set-Cookie") != "")
	resp = get(h, "/cart/add", "")
	cookie := strings.SplitN(resp.Header.Get("Set-Cookie"), ";", 2)[0]
	fmt.Printf("add: cookie set: %v\n", cookie != "")
	body, _ := io.ReadAll(get(h, "/cart", cookie).Body)
	fmt.Println(string(body))
	// Output:
	// health: cookie set: false
	// add: cookie set: true
	// [info] Added to your cart.
	// 1 items
}

// Flashes works as get_flashed_messages: the first call of a request takes
// the messages out of the session, and a category filter keeps the others
// out of the answer.
func ExampleFlashes() {
	o := chimw.CookieOptions{}
	o.SecretKey = []byte("secret")
	backend, _ := chimw.NewCookieBackend(o)
	h := chimw.New(backend, chimw.Options{}).Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/flash" {
			chimw.Flash(r, "Saved.", "")
			chimw.Flash(r, "Disk almost full.", "warning")
			return
		}
		for _, f := range chimw.Flashes(r, "warning") {
			fmt.Fprintf(w, "%s: %s\n", f.Category, f.Message)
		}
		fmt.Fprintf(w, "all: %d", len(chimw.Flashes(r)))
	}))
	cookie := strings.SplitN(get(h, "/flash", "").Header.Get("Set-Cookie"), ";", 2)[0]
	body, _ := io.ReadAll(get(h, "/show", cookie).Body)
	fmt.Println(string(body))
	// Output:
	// warning: Disk almost full.
	// all: 2
}
