package py

import (
	"strconv"
	"testing"
	"time"
)

// benchSession is a session of the size a Flask app keeps: Flask-Login's
// keys, flashed messages, a CSRF token, a cart of 20 items with Decimal
// prices, timestamps and a few preferences.
func benchSession() *Dict {
	cart := NewList()
	for i := range 20 {
		cart.Append(DictOf(
			"sku", "SKU-"+strconv.Itoa(1000+i),
			"qty", int64(i%4+1),
			"price", mustDecimal("19.99"),
			"name", "Ceramic mug, blue – "+strconv.Itoa(i),
		))
	}
	return DictOf(
		"_permanent", true,
		"_user_id", "42",
		"_fresh", true,
		"_id", "3f0c9e1a2b4d6f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7",
		"csrf_token", "6b1d1c0e9f4c4a7b8e2d3f5a6c7b8d9e0f1a2b3c",
		"_flashes", NewList(Tuple{"message", "Saved!"}, Tuple{"error", Markup("<b>Card declined</b>")}),
		"cart", cart,
		"cart_total", mustDecimal("439.78"),
		"last_seen", DateTimeOf(time.Date(2024, 5, 1, 12, 30, 15, 123456000, time.UTC)),
		"visits", int64(1234),
		"ratio", 0.875,
		"prefs", DictOf("theme", "dark", "lang", "fr", "tz", "Europe/Paris", "tags", NewSet("a", "b", "c")),
		"token", Bytes("\x00\x01binary\xff"),
		"order_id", UUID{Bytes: [16]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}},
	)
}

func BenchmarkRepr(b *testing.B) {
	v := benchSession()
	b.SetBytes(int64(len(Repr(v))))
	b.ReportAllocs()
	for b.Loop() {
		_ = Repr(v)
	}
}

func BenchmarkParseLiteral(b *testing.B) {
	text := Repr(benchSession())
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseLiteral(text); err != nil {
			b.Fatal(err)
		}
	}
}

type benchItem struct {
	SKU   string  `py:"sku"`
	Qty   int     `py:"qty"`
	Price float64 `py:"price"`
	Name  string  `py:"name"`
}

type benchSessionStruct struct {
	Permanent bool        `py:"_permanent"`
	UserID    string      `py:"_user_id"`
	Fresh     bool        `py:"_fresh"`
	ID        string      `py:"_id"`
	CSRF      string      `py:"csrf_token"`
	Cart      []benchItem `py:"cart"`
	LastSeen  time.Time   `py:"last_seen"`
	Visits    int         `py:"visits"`
	Ratio     float64     `py:"ratio"`
	Token     []byte      `py:"token"`
}

func BenchmarkDecode(b *testing.B) {
	v := benchSession()
	b.ReportAllocs()
	for b.Loop() {
		var s benchSessionStruct
		if err := Decode(v, &s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkValueOf(b *testing.B) {
	var s benchSessionStruct
	if err := Decode(benchSession(), &s); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ValueOf(s); err != nil {
			b.Fatal(err)
		}
	}
}
