package pickle

import (
	"bytes"
	"errors"
	"math"
	"math/big"
	"strings"
	"testing"

	"github.com/flaskbridge/flaskbridge/py"
)

func TestNaNNormalised(t *testing.T) {
	// Go's math.NaN() has a payload; CPython writes float('nan') as
	// 7ff8000000000000.
	got, err := MarshalProtocol(math.NaN(), 2)
	if err != nil {
		t.Fatal(err)
	}
	if want := "\x80\x02G\x7f\xf8\x00\x00\x00\x00\x00\x00."; string(got) != want {
		t.Errorf("got %q, want %q", got, want)
	}
	got, _ = MarshalProtocol(math.NaN(), 0)
	if string(got) != "Fnan\n." {
		t.Errorf("protocol 0: got %q", got)
	}
}

func TestProtocolOption(t *testing.T) {
	for _, tc := range []struct {
		opt  int
		want byte
	}{{0, 4}, {1, 1}, {5, 5}, {TextProtocol, 0}, {-7, 5}} {
		data, err := EncodeOptions{Protocol: tc.opt}.Marshal(py.NewList())
		if err != nil {
			t.Fatal(err)
		}
		got := byte(0)
		switch {
		case data[0] == opProto:
			got = data[1]
		case data[0] == opEmptyList:
			got = 1
		}
		if got != tc.want {
			t.Errorf("Protocol %d: wrote protocol %d (%q)", tc.opt, got, data)
		}
	}
	if _, err := (EncodeOptions{Protocol: 6}).Marshal(nil); !errors.Is(err, ErrUnsupported) {
		t.Errorf("protocol 6: %v", err)
	}
	if got, _ := MarshalProtocol(nil, 0); string(got) != "N." {
		t.Errorf("MarshalProtocol 0: %q", got)
	}
}

func TestIdentityNeverMisused(t *testing.T) {
	// Two values with one Identity but different contents: both written
	// in full, as two objects.
	id := py.NewIdentity()
	a := py.WithIdentity(py.Date{Year: 2020, Month: 1, Day: 1}, id)
	b := py.WithIdentity(py.Date{Year: 2021, Month: 1, Day: 1}, id)
	data, err := Marshal(py.NewList(a, b, a))
	if err != nil {
		t.Fatal(err)
	}
	v, err := Unmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	items := v.(*py.List).Items
	if !py.Equal(items[0], a) || !py.Equal(items[1], b) || !py.Equal(items[2], a) {
		t.Fatalf("got %v", items)
	}
	if py.IdentityOf(items[0]) == nil || py.IdentityOf(items[0]) != py.IdentityOf(items[2]) || py.IdentityOf(items[1]) != nil {
		t.Errorf("identities: %p %p %p", py.IdentityOf(items[0]), py.IdentityOf(items[1]), py.IdentityOf(items[2]))
	}
}

func TestRecursiveValues(t *testing.T) {
	l := py.NewList(int64(1))
	l.Append(l)
	d := py.NewDict(1)
	d.Set("self", d)
	inner := py.NewList()
	tup := py.Tuple{inner, "x"}
	inner.Append(tup)
	for proto := 0; proto <= HighestProtocol; proto++ {
		for _, v := range []py.Value{l, d, tup} {
			data, err := MarshalProtocol(v, proto)
			if err != nil {
				t.Fatal(err)
			}
			back, err := Unmarshal(data)
			if err != nil {
				t.Fatalf("proto %d: %v\n%q", proto, err, data)
			}
			again, err := MarshalProtocol(back, proto)
			if err != nil || !bytes.Equal(again, data) {
				t.Errorf("proto %d: %q\nthen %q (%v)", proto, data, again, err)
			}
		}
	}
	// The recursive tuple: POP_MARK (or POPs) and a memo reference.
	data, _ := MarshalProtocol(tup, 1)
	if !bytes.Contains(data, []byte{opPopMark}) {
		t.Errorf("protocol 1 recursive tuple without POP_MARK: %q", data)
	}
}

func TestEncodeErrors(t *testing.T) {
	deep := py.Value(py.NewList())
	for i := 0; i < 50; i++ {
		deep = py.NewList(deep)
	}
	if _, err := (EncodeOptions{MaxDepth: 20}).Marshal(deep); !errors.Is(err, ErrLimit) {
		t.Errorf("depth: %v", err)
	}
	if _, err := Marshal("\xff\xfe"); !errors.Is(err, ErrUnsupported) {
		t.Errorf("invalid UTF-8: %v", err)
	}
	if _, err := Marshal(make(chan int)); !errors.Is(err, ErrUnsupported) {
		t.Errorf("Go value: %v", err)
	}
	if _, err := MarshalProtocol(py.Global{Module: "m\u00e9", Name: "x"}, 2); !errors.Is(err, ErrUnsupported) {
		t.Errorf("non-ASCII global at protocol 2: %v", err)
	}
	if _, err := Marshal(py.Date{Year: 2021, Month: 2, Day: 29}); !errors.Is(err, ErrUnsupported) {
		t.Errorf("invalid date: %v", err)
	}
}

func TestGoValues(t *testing.T) {
	// Go's own int, uint and float types, []byte and big values.
	data, err := Marshal([]any{int(1), int8(-2), uint16(300), uint64(1 << 63), float32(0.5), []byte("ab"), "s"})
	if err != nil {
		t.Fatal(err)
	}
	v, err := Unmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	items := v.(*py.List).Items
	if items[0] != int64(1) || items[1] != int64(-2) || items[2] != int64(300) || items[4] != 0.5 {
		t.Errorf("got %#v", items)
	}
	if !py.Equal(items[3], py.Int(new(big.Int).SetUint64(1<<63))) || !py.Equal(items[5], py.Bytes("ab")) {
		t.Errorf("got %#v", items)
	}
}

func TestGoStructs(t *testing.T) {
	type user struct {
		ID    string   `py:"_user_id"`
		Fresh bool     `py:"_fresh"`
		Roles []string `py:"roles,omitempty"`
	}
	got, err := Marshal(user{ID: "42", Fresh: true})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := Marshal(py.DictOf("_user_id", "42", "_fresh", true))
	if !bytes.Equal(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
	got, _ = Marshal(map[string]any{"b": 1, "a": []string{"x"}})
	want, _ = Marshal(py.DictOf("a", py.NewList("x"), "b", int64(1)))
	if !bytes.Equal(got, want) {
		t.Errorf("map: got %q\nwant %q", got, want)
	}
}

func TestLargeStrOutsideFrames(t *testing.T) {
	big := strings.Repeat("x", 70000)
	data, err := Marshal(py.NewList("a", big, "b"))
	if err != nil {
		t.Fatal(err)
	}
	// FRAME(list, MARK, 'a'), BINUNICODE header and payload unframed, then
	// a new frame for the rest.
	if data[2] != opFrame {
		t.Fatalf("no first frame: %q", data[:20])
	}
	at := bytes.Index(data, []byte(big))
	if data[at-5] != opBinUnicode {
		t.Fatalf("payload not after a BINUNICODE header")
	}
	tail := data[at+len(big):]
	if tail[0] != opFrame {
		t.Fatalf("tail %q", tail)
	}
}

func TestManyGlobals(t *testing.T) {
	// More distinct classes than the memo keeps in its short list.
	l := py.NewList()
	for i := 0; i < 100; i++ {
		g := py.Global{Module: "mod" + string(rune('a'+i%26)), Name: "C" + strings.Repeat("x", i)}
		l.Append(g, g)
	}
	for proto := 0; proto <= HighestProtocol; proto++ {
		data, err := MarshalProtocol(l, proto)
		if err != nil {
			t.Fatal(err)
		}
		v, err := Unmarshal(data)
		if err != nil {
			t.Fatal(err)
		}
		if !py.Equal(v, l) {
			t.Fatalf("proto %d: round trip differs", proto)
		}
		again, _ := MarshalProtocol(v, proto)
		if !bytes.Equal(again, data) {
			t.Fatalf("proto %d: re-encoded bytes differ", proto)
		}
	}
}
