package py_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/flaskbridge/flaskbridge/py"
)

func ExampleRepr() {
	session := py.DictOf(
		"_user_id", "42",
		"_fresh", true,
		"_flashes", py.NewList(py.Tuple{"message", py.Markup("<b>Saved</b>")}),
		"cart_total", 19.5,
		"at", py.DateTimeOf(time.Date(2024, 5, 1, 12, 30, 0, 0, time.UTC)),
		"token", py.Bytes("\x00\xff'"),
	)
	fmt.Println(py.Repr(session))
	fmt.Println(py.Repr("it's \u200b\U0001f600"))
	fmt.Println(py.Repr(1e16), py.Repr(1e-5), py.Repr(123456789.0))
	// Output:
	// {'_user_id': '42', '_fresh': True, '_flashes': [('message', Markup('<b>Saved</b>'))], 'cart_total': 19.5, 'at': datetime.datetime(2024, 5, 1, 12, 30, tzinfo=datetime.timezone.utc), 'token': b"\x00\xff'"}
	// "it's \u200b😀"
	// 1e+16 1e-05 123456789.0
}

func ExampleAppendFloatRepr() {
	for _, f := range []float64{0.1, 1e16, 1e15, 1e-5, 100} {
		fmt.Println(string(py.AppendFloatRepr(nil, f)))
	}
	// Output:
	// 0.1
	// 1e+16
	// 1000000000000000.0
	// 1e-05
	// 100.0
}

func ExampleParseLiteral() {
	v, err := py.ParseLiteral(`{'_permanent': True, 'ids': (1, 2), 'when': datetime.datetime(2024, 5, 1, 12, 0, tzinfo=datetime.timezone.utc),
		'price': Decimal('9.99'), 'big': 0x_ffff_ffff_ffff_ffff_ff}`)
	if err != nil {
		fmt.Println(err)
		return
	}
	d := v.(*py.Dict)
	for k, v := range d.All() {
		fmt.Printf("%s: %s (%s)\n", k, py.Repr(v), py.TypeName(v))
	}
	// Output:
	// _permanent: True (bool)
	// ids: (1, 2) (tuple)
	// when: datetime.datetime(2024, 5, 1, 12, 0, tzinfo=datetime.timezone.utc) (datetime.datetime)
	// price: Decimal('9.99') (decimal.Decimal)
	// big: 4722366482869645213695 (int)
}

func ExampleParseLiteral_error() {
	_, err := py.ParseLiteral("{'a': 1,\n 'b' 2}")
	var se *py.SyntaxError
	if errors.As(err, &se) {
		fmt.Println(se.Line, se.Col, se.Msg)
	}
	fmt.Println(errors.Is(err, py.ErrSyntax))
	_, err = py.ParseLiteral("datetime.date(2023, 2, 29)")
	fmt.Println(errors.Is(err, py.ErrRange))
	// Output:
	// 2 6 expected ':' after a dict key, found '2'
	// true
	// true
}

func ExampleValueOf() {
	type Item struct {
		SKU   string  `py:"sku"`
		Qty   int     `py:"qty"`
		Price float64 `py:"price"`
		Note  string  `py:"note,omitempty"`
	}
	type Cart struct {
		Items   []Item        `py:"items"`
		Updated time.Time     `py:"updated"`
		TTL     time.Duration `py:"ttl"`
		Secret  string        `py:"-"`
	}
	v, err := py.ValueOf(Cart{
		Items:   []Item{{SKU: "A-1", Qty: 2, Price: 9.5}},
		Updated: time.Date(2024, 5, 1, 14, 0, 0, 0, time.FixedZone("CEST", 2*3600)),
		TTL:     90 * time.Minute,
		Secret:  "not stored",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(py.Repr(v))
	// Output:
	// {'items': [{'sku': 'A-1', 'qty': 2, 'price': 9.5}], 'updated': datetime.datetime(2024, 5, 1, 14, 0, tzinfo=datetime.timezone(datetime.timedelta(seconds=7200))), 'ttl': datetime.timedelta(seconds=5400)}
}

func ExampleDecode() {
	type Session struct {
		UserID  string    `py:"_user_id"`
		Fresh   bool      `py:"_fresh"`
		Flashes [][]any   `py:"_flashes"`
		Seen    time.Time `py:"seen"`
		Visits  int8      `py:"visits"`
	}
	v, _ := py.ParseLiteral(`{'_user_id': '42', '_fresh': True, '_flashes': [('message', 'Saved!')],
		'seen': datetime.datetime(2024, 5, 1, 12, 0), 'csrf_token': 'abc', 'visits': 7}`)
	var s Session
	if err := py.Decode(v, &s); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.UserID, s.Fresh, s.Flashes, s.Seen, s.Visits)

	bad, _ := py.ParseLiteral(`{'visits': 300}`)
	err := py.Decode(bad, &s)
	fmt.Println(err)
	fmt.Println(errors.Is(err, py.ErrRange))
	// Output:
	// 42 true [[message Saved!]] 2024-05-01 12:00:00 +0000 UTC 7
	// py: visits: value out of range: int 300 overflows Go int8
	// true
}

func ExampleDict() {
	d := py.NewDict(0)
	d.Set(1, "int")
	d.Set(1.0, "float") // 1 == 1.0 in Python: one key, the first key object stays
	d.Set(true, "bool")
	d.Set("a", "str")
	d.Set(py.Markup("a"), "markup")
	fmt.Println(py.Repr(d), d.Len())
	v, _ := d.Get(int64(1))
	fmt.Println(v)
	// Output:
	// {1: 'bool', 'a': 'markup'} 2
	// bool
}
