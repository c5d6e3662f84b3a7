package msgspec_test

import (
	"errors"
	"fmt"

	"github.com/flaskbridge/flaskbridge/msgspec"
	"github.com/flaskbridge/flaskbridge/py"
)

// A Flask-Login session, written as Flask-Session 0.7+ stores it.
func ExampleMarshalMsgpack() {
	session := py.DictOf("_permanent", true, "_user_id", "42", "_fresh", false)
	data, err := msgspec.MarshalMsgpack(session)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%x\n", data)
	// Output: 83aa5f7065726d616e656e74c3a85f757365725f6964a23432a65f6672657368c2
}

// What Flask-Session 0.7+ stores, read back as Python's msgspec reads it.
func ExampleUnmarshalMsgpack() {
	data := []byte("\x82\xa8_user_id\xa242\xa4seen\xd6\xff\x66\x32\x35\xd7")
	v, err := msgspec.UnmarshalMsgpack(data)
	if err != nil {
		panic(err)
	}
	fmt.Println(py.Repr(v))
	// Output: {'_user_id': '42', 'seen': datetime.datetime(2024, 5, 1, 12, 30, 15, tzinfo=datetime.timezone.utc)}
}

// SESSION_SERIALIZATION_FORMAT = 'json': datetimes and UUIDs become
// strings, floats are written in msgspec's short form.
func ExampleEncodeJSON() {
	session := py.DictOf(
		"at", py.DateTime{Year: 2024, Month: 5, Day: 1, Hour: 12, TZ: py.FixedZone(2 * 3600)},
		"ratio", 1e-6,
		"tags", py.Tuple{"a", "é"},
	)
	data, err := msgspec.EncodeJSON(session)
	if err != nil {
		panic(err)
	}
	fmt.Println(string(data))
	// Output: {"at":"2024-05-01T12:00:00+02:00","ratio":1e-6,"tags":["a","é"]}
}

func ExampleDecodeJSON() {
	v, err := msgspec.DecodeJSON([]byte(`{"n": 18446744073709551616, "x": [1.5, null]}`))
	if err != nil {
		panic(err)
	}
	fmt.Println(py.Repr(v))
	// Output: {'n': 18446744073709551616, 'x': [1.5, None]}
}

// msgspec refuses Markup, which Flask's flash() and many templates use; so
// does this package, unless told to write it as str.
func ExampleEncodeOptions_MarshalMsgpack() {
	session := py.DictOf("_flashes", py.NewList(py.Tuple{"message", py.Markup("<b>Saved</b>")}))
	_, err := msgspec.MarshalMsgpack(session)
	fmt.Println(errors.Is(err, msgspec.ErrMarkup))
	fmt.Println(err)

	data, err := msgspec.EncodeOptions{MarkupAsStr: true}.MarshalMsgpack(session)
	if err != nil {
		panic(err)
	}
	v, _ := msgspec.UnmarshalMsgpack(data)
	fmt.Println(py.Repr(v))
	// Output:
	// true
	// msgspec: markupsafe.Markup is a str subclass, which msgspec refuses (markupsafe.Markup at ['_flashes'][0][1])
	// {'_flashes': [['message', '<b>Saved</b>']]}
}

// Limits bound what a hostile or corrupt store entry can cost.
func ExampleDecodeOptions() {
	opts := msgspec.DecodeOptions{MaxSize: 1 << 20, MaxDepth: 32}
	_, err := opts.UnmarshalMsgpack([]byte("\xdd\xff\xff\xff\xff"))
	var de *msgspec.DecodeError
	fmt.Println(errors.Is(err, msgspec.ErrTruncated), errors.As(err, &de) && de.Offset == 0)
	fmt.Println(err)
	// Output:
	// true true
	// msgspec: input data was truncated: a container of 4294967295 items in 0 remaining bytes (msgpack, byte 0)
}
