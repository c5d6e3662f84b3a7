package pickle_test

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/flaskbridge/flaskbridge/pickle"
	"github.com/flaskbridge/flaskbridge/py"
)

func ExampleMarshal() {
	session := py.DictOf("_user_id", "42", "_fresh", true)
	data, err := pickle.Marshal(session)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%q\n", data)
	// Output: "\x80\x04\x95\x1f\x00\x00\x00\x00\x00\x00\x00}\x94(\x8c\b_user_id\x94\x8c\x0242\x94\x8c\x06_fresh\x94\x88u."
}

func ExampleUnmarshal() {
	// pickle.dumps({'_user_id': '42', 'n': [1, 2]}, 2)
	data := []byte("\x80\x02}q\x00(X\x08\x00\x00\x00_user_idq\x01X\x02\x00\x00\x0042q\x02X\x01\x00\x00\x00nq\x03]q\x04(K\x01K\x02eu.")
	v, err := pickle.Unmarshal(data)
	if err != nil {
		panic(err)
	}
	d := v.(*py.Dict)
	uid, _ := d.Get("_user_id")
	n, _ := d.Get("n")
	fmt.Println(uid, n.(*py.List).Items)
	// Output: 42 [1 2]
}

func ExampleDecodeOptions_strict() {
	// A pickle that would run os.system('echo pwned') in Python.
	data := []byte("cos\nsystem\n(S'echo pwned'\ntR.")

	v, _ := pickle.Unmarshal(data)
	obj := v.(*py.Object)
	m, name, _ := obj.Class()
	fmt.Println("kept as data:", m+"."+name, obj.Args)

	_, err := pickle.DecodeOptions{Strict: true}.Unmarshal(data)
	fmt.Println(errors.Is(err, pickle.ErrStrict))
	// Output:
	// kept as data: os.system ('echo pwned',)
	// true
}

func ExampleNewDecoder() {
	// cachelib's FileSystemCache (before 0.7) writes two pickles in a row:
	// the expiry time, then the value.
	var file bytes.Buffer
	enc := pickle.NewEncoder(&file, pickle.EncodeOptions{Protocol: 1})
	_ = enc.Encode(int64(1700000000))
	_ = enc.Encode(py.DictOf("_permanent", true))

	dec := pickle.NewDecoder(&file, pickle.DecodeOptions{})
	expiry, _ := dec.Decode()
	value, _ := dec.Decode()
	permanent, _ := value.(*py.Dict).Get("_permanent")
	fmt.Println(expiry, permanent)
	// Output: 1700000000 true
}
