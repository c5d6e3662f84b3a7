package flaskcookie_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/flaskbridge/flaskbridge/flaskcookie"
	"github.com/flaskbridge/flaskbridge/py"
)

// A session cookie Flask 3.1 wrote with SECRET_KEY = "dev" for
// session["_user_id"] = "42"; session["cart"] = ("apple", 2).
const flaskCookie = "eyJfdXNlcl9pZCI6IjQyIiwiY2FydCI6eyIgdCI6WyJhcHBsZSIsMl19fQ.ZkdO8A.ugykTdQkYAARV3vnb8kFjZ55GkE"

// signedAt is when Flask signed it.
var signedAt = time.Date(2024, 5, 17, 12, 34, 56, 0, time.UTC)

func ExampleCodec_Decode() {
	codec, err := flaskcookie.New(flaskcookie.Options{
		SecretKey: []byte("dev"),
		Now:       func() time.Time { return signedAt.Add(time.Hour) }, // a fixed clock for the example
	})
	if err != nil {
		panic(err)
	}
	session, err := codec.Decode(flaskCookie)
	if err != nil {
		panic(err)
	}
	fmt.Println(py.Repr(session))
	// Output: {'_user_id': '42', 'cart': ('apple', 2)}
}

func ExampleCodec_EncodeAt() {
	codec, err := flaskcookie.New(flaskcookie.Options{SecretKey: []byte("dev")})
	if err != nil {
		panic(err)
	}
	session := py.DictOf("_user_id", "42", "cart", py.Tuple{"apple", int64(2)})
	cookie, err := codec.EncodeAt(session, signedAt)
	if err != nil {
		panic(err)
	}
	fmt.Println(cookie == flaskCookie)
	// Output: true
}

func ExampleCodec_Load() {
	codec, err := flaskcookie.New(flaskcookie.Options{
		SecretKey: []byte("dev"),
		Now:       func() time.Time { return signedAt.Add(40 * 24 * time.Hour) }, // past the 31 days
	})
	if err != nil {
		panic(err)
	}
	// Flask ignores an expired cookie and starts an empty session: so
	// does Load, and it says why.
	session, err := codec.Load(flaskCookie)
	fmt.Println(session.Len(), errors.Is(err, flaskcookie.ErrExpired))
	// Output: 0 true
}

func ExampleMarshalTagged() {
	v := py.DictOf(
		"when", py.DateTime{Year: 2024, Month: 5, Day: 17, Hour: 12, TZ: py.TimeZone{}},
		"pair", py.Tuple{int64(1), py.Bytes("hi")},
		"esc", py.DictOf(" t", "not a tuple"),
		"name", "Zo\u00eb",
	)
	text, err := flaskcookie.MarshalTagged(v)
	if err != nil {
		panic(err)
	}
	fmt.Println(string(text))
	// Output: {"esc":{" di":{" t__":"not a tuple"}},"name":"Zo\u00eb","pair":{" t":[1,{" b":"aGk="}]},"when":{" d":"Fri, 17 May 2024 12:00:00 GMT"}}
}

func ExampleUnmarshalTagged() {
	v, err := flaskcookie.UnmarshalTagged([]byte(`{"m":{" m":"<b>hi</b>"},"u":{" u":"12345678123456781234567812345678"}}`))
	if err != nil {
		panic(err)
	}
	fmt.Println(py.Repr(v))
	// Output: {'m': Markup('<b>hi</b>'), 'u': UUID('12345678-1234-5678-1234-567812345678')}
}

func ExampleMarshalJSON() {
	text, err := flaskcookie.MarshalJSON(py.DictOf("b", py.Tuple{int64(1), 2.5}, "a", py.Date{Year: 2024, Month: 5, Day: 17}))
	if err != nil {
		panic(err)
	}
	fmt.Println(string(text))
	// Output: {"a": "Fri, 17 May 2024 00:00:00 GMT", "b": [1, 2.5]}
}

// Flask-Session signs its session ids with itsdangerous's Signer, salt
// "flask-session" and the hmac key derivation.
func ExampleSigner() {
	s, err := flaskcookie.NewSigner(flaskcookie.SignerOptions{
		SecretKeys:    [][]byte{[]byte("dev")},
		Salt:          []byte("flask-session"),
		KeyDerivation: flaskcookie.DeriveHMAC,
	})
	if err != nil {
		panic(err)
	}
	signed := s.Sign([]byte("4b8f0c2a-sid"))
	fmt.Println(string(signed))
	sid, err := s.Unsign(signed)
	fmt.Println(string(sid), err)
	// Output:
	// 4b8f0c2a-sid.v1cFVSFxVdItA4eaq79ivbMPfho
	// 4b8f0c2a-sid <nil>
}

func ExampleTimestampSigner() {
	s, err := flaskcookie.NewTimestampSigner(flaskcookie.TimestampSignerOptions{
		SignerOptions: flaskcookie.SignerOptions{SecretKeys: [][]byte{[]byte("dev")}},
		Now:           func() time.Time { return signedAt.Add(2 * time.Hour) },
	})
	if err != nil {
		panic(err)
	}
	token, err := s.SignAt([]byte("reset:42"), signedAt)
	if err != nil {
		panic(err)
	}
	_, _, err = s.Unsign(token, time.Hour)
	fmt.Println(errors.Is(err, flaskcookie.ErrExpired))
	value, at, err := s.Unsign(token, 3*time.Hour)
	fmt.Println(string(value), at.Format(time.RFC3339), err)
	// Output:
	// true
	// reset:42 2024-05-17T12:34:56Z <nil>
}
