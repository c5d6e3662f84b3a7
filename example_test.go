package flaskbridge_test

import (
	"fmt"

	"github.com/flaskbridge/flaskbridge"
	"github.com/flaskbridge/flaskbridge/py"
)

func ExampleSession() {
	// A session as a codec or store loads it.
	s := flaskbridge.SessionOf(py.DictOf("_user_id", "42", "_fresh", true))

	id, _ := s.String("_user_id")
	fmt.Println("user", id, "modified:", s.Modified())

	_ = s.Set("cart", []string{"apple", "pear"})
	s.SetPermanent(true)
	fmt.Println(py.Repr(s.Dict()), "modified:", s.Modified())
	// Output:
	// user 42 modified: false
	// {'_user_id': '42', '_fresh': True, 'cart': ['apple', 'pear'], '_permanent': True} modified: true
}

func ExampleSession_Decode() {
	s := flaskbridge.SessionOf(py.DictOf("_user_id", "42", "_flashes", py.NewList(py.Tuple{"message", "Saved"})))
	var v struct {
		UserID  string      `py:"_user_id"`
		Flashes [][2]string `py:"_flashes"`
	}
	if err := s.Decode(&v); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(v.UserID, v.Flashes)
	// Output: 42 [[message Saved]]
}
