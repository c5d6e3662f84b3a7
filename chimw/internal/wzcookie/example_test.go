package wzcookie_test

import (
	"fmt"
	"net/http"
	"time"

	"github.com/flaskbridge/flaskbridge/chimw/internal/wzcookie"
)

// The Set-Cookie value Werkzeug's dump_cookie writes for Flask's session
// cookie: its attribute order, and a value with a space quoted.
func ExampleAppend() {
	c := &wzcookie.Cookie{
		Name: "session", Value: "eyJ4IjoxfQ.aVc1pQ.sig", MaxAge: -1,
		Expires: time.Date(2026, 2, 1, 3, 4, 5, 0, time.UTC), HTTPOnly: true, Path: "/", SameSite: "Lax",
	}
	fmt.Println(string(wzcookie.Append(nil, c)))
	c = &wzcookie.Cookie{Name: "note", Value: "two words", MaxAge: -1, Path: "/"}
	fmt.Println(string(wzcookie.Append(nil, c)))
	// Output:
	// session=eyJ4IjoxfQ.aVc1pQ.sig; Expires=Sun, 01 Feb 2026 03:04:05 GMT; HttpOnly; Path=/; SameSite=Lax
	// note="two words"; Path=/
}

// Get reads a cookie from the request's Cookie header as Werkzeug's
// parse_cookie does, unquoting a quoted value.
func ExampleGet() {
	h := http.Header{"Cookie": {`theme=dark; note="two words"`}}
	v, ok := wzcookie.Get(h, "note")
	fmt.Printf("%q %v\n", v, ok)
	_, ok = wzcookie.Get(h, "session")
	fmt.Println(ok)
	// Output:
	// "two words" true
	// false
}
