package pickle

import (
	"bytes"
	"errors"
	"io"
	"math/big"
	"strings"
	"testing"
	"testing/iotest"
	"unsafe"

	"github.com/flaskbridge/flaskbridge/py"
)

// Hostile pickles: each would run a command in CPython. Here they are data.
var hostile = []struct {
	name, data string
	module     string
	callable   string
}{
	{"os.system proto 0", "cos\nsystem\n(S'echo pwned'\ntR.", "os", "system"},
	{"posix.system proto 2", "\x80\x02cposix\nsystem\nq\x00X\n\x00\x00\x00echo pwnedq\x01\x85q\x02Rq\x03.", "posix", "system"},
	{"builtins.eval via __builtin__", "c__builtin__\neval\n(Vprint('pwned')\ntR.", "builtins", "eval"},
	{"subprocess STACK_GLOBAL", "\x80\x04\x95-\x00\x00\x00\x00\x00\x00\x00\x8c\nsubprocess\x94\x8c\x05Popen\x94\x93\x94\x8c\x04echo\x94\x8c\x05pwned\x94\x86\x94\x85\x94R\x94.", "subprocess", "Popen"},
	{"INST os.system", "(S'echo pwned'\nios\nsystem\n.", "os", "system"},
	{"OBJ os.system", "\x80\x02(cos\nsystem\nX\x0a\x00\x00\x00echo pwnedo.", "os", "system"},
	{"NEWOBJ_EX", "\x80\x04\x8c\x02os\x94\x8c\x06system\x94\x93\x94)}\x94\x92\x94.", "os", "system"},
}

func TestHostileIsData(t *testing.T) {
	for _, h := range hostile {
		t.Run(h.name, func(t *testing.T) {
			v, err := Unmarshal([]byte(h.data))
			if err != nil {
				t.Fatal(err)
			}
			o, ok := v.(*py.Object)
			if !ok {
				t.Fatalf("got %T, want *py.Object", v)
			}
			m, n, ok := o.Class()
			if !ok || m != h.module || n != h.callable {
				t.Fatalf("class %s.%s, want %s.%s", m, n, h.module, h.callable)
			}
			_, err = DecodeOptions{Strict: true}.Unmarshal([]byte(h.data))
			if !errors.Is(err, ErrStrict) {
				t.Fatalf("strict: %v, want ErrStrict", err)
			}
			if !strings.Contains(err.Error(), h.module+"."+h.callable) {
				t.Errorf("strict error %q does not name the global", err)
			}
		})
	}
}

func TestHostileRoundTrip(t *testing.T) {
	// Kept as data, a hostile object is written back as it was read.
	for _, data := range []string{hostile[1].data, hostile[3].data} {
		v, err := Unmarshal([]byte(data))
		if err != nil {
			t.Fatal(err)
		}
		got, err := MarshalProtocol(v, int(data[1]))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, []byte(data)) {
			t.Errorf("got %q\nwant %q", got, data)
		}
	}
}

func TestCrashInputs(t *testing.T) {
	for _, tc := range []struct {
		name string
		data string
		want error
	}{
		{"0xFF byte", "\xff", ErrUnknownOpcode},
		{"empty", "", ErrTruncated},
		{"FRAME of 2^63 bytes", "\x80\x04\x95\x00\x00\x00\x00\x00\x00\x00\x80N", ErrTruncated},
		{"BINUNICODE8 of 2^63 bytes", "\x80\x04\x8d\x00\x00\x00\x00\x00\x00\x00\x80", ErrTruncated},
		{"BINBYTES of 4 GiB", "\x80\x03B\xff\xff\xff\xff", ErrTruncated},
		{"LONG4 of 2 GiB", "\x80\x02\x8b\xff\xff\xff\x7f", ErrTruncated},
		{"LONG4 negative", "\x80\x02\x8b\xff\xff\xff\xff", ErrInvalid},
		{"BINSTRING negative", "T\xff\xff\xff\xff", ErrInvalid},
		{"LONG_BINPUT 2^32-1", "Nr\xff\xff\xff\xff.", ErrLimit},
		{"GET missing", "h\x05.", ErrInvalid},
		{"stack underflow", "a.", ErrInvalid},
		{"STOP on empty stack", ".", ErrInvalid},
		{"no MARK", "t.", ErrInvalid},
		{"unhashable key", "}]]s.", ErrInvalid},
		{"unhashable set item", "\x8f(]\x90.", ErrInvalid},
		{"protocol 6", "\x80\x06N.", ErrUnsupported},
		{"EXT1", "\x80\x02\x82\x01.", ErrUnsupported},
		{"PERSID", "P1\n.", ErrUnsupported},
		{"BINPERSID", "K\x01Q.", ErrUnsupported},
		{"NEXT_BUFFER", "\x80\x05\x97.", ErrUnsupported},
		{"bad UTF-8", "\x8c\x02\xff\xfe.", ErrInvalid},
		{"INT garbage", "Ixyz\n.", ErrInvalid},
		{"FLOAT hex", "F0x10\n.", ErrInvalid},
		{"STRING unquoted", "Sabc\n.", ErrInvalid},
		{"REDUCE non-tuple", "cos\nsystem\nNR.", ErrInvalid},
		{"huge int text", "L" + strings.Repeat("9", 5000) + "L\n.", ErrInvalid},
		{"datetime bad month", "\x80\x03cdatetime\ndatetime\nC\n\x07\xe4\x0d\x01\x00\x00\x00\x00\x00\x00\x85R.", ErrInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Unmarshal([]byte(tc.data))
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("%T is not an *Error", err)
			}
		})
	}
}

func TestLong1Zero(t *testing.T) {
	v, err := Unmarshal([]byte("\x80\x02\x8a\x00."))
	if err != nil || v != int64(0) {
		t.Fatalf("got %v, %v", v, err)
	}
}

func TestErrorOffsetAndOpcode(t *testing.T) {
	_, err := Unmarshal([]byte("\x80\x04\x95\x05\x00\x00\x00\x00\x00\x00\x00]\x8c\x05ab"))
	var pe *Error
	if !errors.As(err, &pe) {
		t.Fatal(err)
	}
	if pe.Offset != 12 || pe.Op != "SHORT_BINUNICODE" || !errors.Is(err, ErrTruncated) {
		t.Fatalf("got offset %d op %q err %v", pe.Offset, pe.Op, err)
	}
	if !strings.Contains(err.Error(), "offset 12") || !strings.Contains(err.Error(), "SHORT_BINUNICODE") {
		t.Errorf("message %q", err)
	}
}

func TestTruncatedPrefixes(t *testing.T) {
	data, err := Marshal(py.DictOf("a", py.NewList(int64(1), "two", 3.0), "b", py.Tuple{py.Bytes("x"), nil, true}))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(data); i++ {
		if _, err := Unmarshal(data[:i]); !errors.Is(err, ErrTruncated) {
			t.Fatalf("prefix %d: %v", i, err)
		}
	}
}

func TestLimits(t *testing.T) {
	deep := strings.Repeat("]", 50) + strings.Repeat("a", 49) + "."
	if _, err := (DecodeOptions{MaxDepth: 10}).Unmarshal([]byte(deep)); !errors.Is(err, ErrLimit) {
		t.Errorf("depth: %v", err)
	}
	if _, err := Unmarshal([]byte(deep)); err != nil {
		t.Errorf("depth within the default: %v", err)
	}
	// Nesting through the memo: each list holds the previous one.
	var b strings.Builder
	b.WriteString("]q\x00")
	for i := 1; i < 60; i++ {
		b.WriteString("]h" + string(rune(i-1)) + "aq" + string(rune(i)))
	}
	b.WriteString(".")
	if _, err := (DecodeOptions{MaxDepth: 20}).Unmarshal([]byte(b.String())); !errors.Is(err, ErrLimit) {
		t.Errorf("depth through the memo: %v", err)
	}
	// Nesting built top-down: lists filled after they were shared.
	top := "]q\x00]q\x01]q\x02h\x00h\x01ah\x01h\x02ah\x00."
	if _, err := (DecodeOptions{MaxDepth: 2}).Unmarshal([]byte(top)); !errors.Is(err, ErrLimit) {
		t.Errorf("top-down depth: %v", err)
	}
	if _, err := (DecodeOptions{MaxDepth: 3}).Unmarshal([]byte(top)); err != nil {
		t.Errorf("top-down depth within the limit: %v", err)
	}
	big := "(" + strings.Repeat("N", 100) + "l."
	if _, err := (DecodeOptions{MaxContainerLen: 50}).Unmarshal([]byte(big)); !errors.Is(err, ErrLimit) {
		t.Errorf("container: %v", err)
	}
	if _, err := (DecodeOptions{MaxStack: 50}).Unmarshal([]byte(big)); !errors.Is(err, ErrLimit) {
		t.Errorf("stack: %v", err)
	}
	if _, err := (DecodeOptions{MaxInputSize: 50}).Unmarshal([]byte(big)); !errors.Is(err, ErrLimit) {
		t.Errorf("input: %v", err)
	}
	if _, err := (DecodeOptions{MaxMemo: 10}).Unmarshal([]byte("Nq\x20.")); !errors.Is(err, ErrLimit) {
		t.Errorf("memo: %v", err)
	}
	// A recursive list is not deep.
	if _, err := (DecodeOptions{MaxDepth: 2}).Unmarshal([]byte("]q\x00h\x00a.")); err != nil {
		t.Errorf("recursive list: %v", err)
	}
}

func TestPython2Strings(t *testing.T) {
	data := []byte("(U\x04caf\xe9S'a\\x00\\'b'\nT\x01\x00\x00\x00zl.")
	if _, err := Unmarshal(data); !errors.Is(err, ErrInvalid) {
		t.Errorf("ASCII: %v", err)
	}
	v, err := DecodeOptions{Encoding: "latin1"}.Unmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	want := py.NewList("café", "a\x00'b", "z")
	if !py.Equal(v, want) {
		t.Errorf("latin1: got %#v", v)
	}
	v, err = DecodeOptions{Encoding: "bytes"}.Unmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	if !py.Equal(v, py.NewList(py.Bytes("caf\xe9"), py.Bytes("a\x00'b"), py.Bytes("z"))) {
		t.Errorf("bytes: got %#v", v)
	}
	if _, err := (DecodeOptions{Encoding: "koi8-r"}).Unmarshal(data); !errors.Is(err, ErrUnsupported) {
		t.Errorf("unknown encoding: %v", err)
	}
}

func TestPersistentAndBuffers(t *testing.T) {
	opts := DecodeOptions{Persistent: func(pid py.Value) (py.Value, error) { return py.Tuple{"pid", pid}, nil }}
	v, err := opts.Unmarshal([]byte("(Pkey1\nK\x02Ql."))
	if err != nil {
		t.Fatal(err)
	}
	if !py.Equal(v, py.NewList(py.Tuple{"pid", "key1"}, py.Tuple{"pid", int64(2)})) {
		t.Errorf("got %#v", v)
	}
	v, err = DecodeOptions{Buffers: [][]byte{[]byte("ab"), []byte("cd")}}.Unmarshal([]byte("\x80\x05(\x97\x97\x98l."))
	if err != nil {
		t.Fatal(err)
	}
	l := v.(*py.List)
	if ba, ok := l.Items[0].(*py.ByteArray); !ok || string(ba.Data) != "ab" {
		t.Errorf("buffer 0: %#v", l.Items[0])
	}
	if b, ok := l.Items[1].(py.Bytes); !ok || string(b) != "cd" {
		t.Errorf("read-only buffer 1: %#v", l.Items[1])
	}
}

func TestSharing(t *testing.T) {
	// ['shared!', 'shared!'] where both are one object, and a datetime
	// shared twice, written by CPython 3.11.
	data := []byte("\x80\x04\x95O\x00\x00\x00\x00\x00\x00\x00]\x94(\x8c\x07shared!\x94h\x01\x8c\x08datetime\x94\x8c\x08datetime\x94\x93\x94C\n\x07\xe8\x01\x01\x00\x00\x00\x00\x00\x00\x94\x85\x94R\x94h\x07h\x04C\n\x07\xe8\x01\x01\x00\x00\x00\x00\x00\x00\x94\x85\x94R\x94e.")
	v, err := Unmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	items := v.(*py.List).Items
	s0, s1 := items[0].(string), items[1].(string)
	if unsafe.StringData(s0) != unsafe.StringData(s1) {
		t.Error("a shared str came back as two strings")
	}
	d0, d1, d2 := items[2].(py.DateTime), items[3].(py.DateTime), items[4].(py.DateTime)
	if py.IdentityOf(d0) == nil || py.IdentityOf(d0) != py.IdentityOf(d1) {
		t.Error("a shared datetime lost its identity")
	}
	if py.IdentityOf(d2) != nil {
		t.Error("an unshared datetime got an identity")
	}
	got, err := Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, data) {
		t.Errorf("got %q\nwant %q", got, data)
	}
}

func TestUUIDState(t *testing.T) {
	// uuid.UUID(int=7, is_safe=SafeUUID.safe) and int=8 unsafe, CPython 3.11.
	data := []byte("\x80\x04\x95F\x00\x00\x00\x00\x00\x00\x00]\x94(\x8c\x04uuid\x94\x8c\x04UUID\x94\x93\x94)\x81\x94}\x94(\x8c\x03int\x94K\x07\x8c\x07is_safe\x94K\x00ubh\x03)\x81\x94}\x94(h\x06K\x08h\x07J\xff\xff\xff\xffube.")
	v, err := Unmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	items := v.(*py.List).Items
	u0, ok0 := items[0].(py.UUID)
	u1, ok1 := items[1].(py.UUID)
	if !ok0 || !ok1 || u0.Safe != py.SafeUUIDSafe || u1.Safe != py.SafeUUIDUnsafe || u0.Bytes[15] != 7 {
		t.Fatalf("got %#v", items)
	}
	got, err := Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, data) {
		t.Errorf("got %q\nwant %q", got, data)
	}
}

func TestKnownTypes(t *testing.T) {
	for _, v := range loadVectors(t) {
		if v.Python != "3.11.7" || v.Protocol != 2 {
			continue
		}
		val, err := Unmarshal(v.data())
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{
			"datetime_naive": "datetime.datetime", "date": "datetime.date", "time": "datetime.time",
			"datetime_utc": "datetime.datetime", "ordereddict": "collections.OrderedDict",
			"nan": "float", "bigint_long4": "int", "none": "NoneType",
		}[v.Name]
		if want != "" && py.TypeName(val) != want {
			t.Errorf("%s: decoded %s, want %s", v.Name, py.TypeName(val), want)
		}
		l, ok := val.(*py.List)
		if !ok {
			continue
		}
		wantItem := map[string]string{
			"uuids": "uuid.UUID", "uuid_safe": "uuid.UUID", "decimals": "decimal.Decimal",
			"timedeltas": "datetime.timedelta", "timezones": "datetime.timezone", "bytearray": "bytearray",
			"datetime_offsets": "datetime.datetime", "globals": "global",
		}[v.Name]
		for _, it := range l.Items {
			if wantItem != "" && py.TypeName(it) != wantItem {
				t.Errorf("%s: item decoded as %s, want %s", v.Name, py.TypeName(it), wantItem)
			}
		}
	}
}

func TestStackOps(t *testing.T) {
	// DUP, POP (of a value, then of a mark), POP_MARK.
	v, err := Unmarshal([]byte("K\x012(K\x02K\x031(0\x86."))
	if err != nil {
		t.Fatal(err)
	}
	if !py.Equal(v, py.Tuple{int64(1), int64(1)}) {
		t.Errorf("got %#v", v)
	}
	// Bytes after STOP are ignored, as pickle.loads ignores them.
	if v, err := Unmarshal([]byte("N.garbage")); err != nil || v != nil {
		t.Errorf("trailing data: %v %v", v, err)
	}
	big1, _ := new(big.Int).SetString("-18446744073709551616", 10)
	if v, err := Unmarshal([]byte("L-18446744073709551616L\n.")); err != nil || py.Equal(v, big1) == false {
		t.Errorf("LONG: %v %v", v, err)
	}
}

func TestDecoderStream(t *testing.T) {
	var buf bytes.Buffer
	enc := NewEncoder(&buf, EncodeOptions{})
	values := []py.Value{int64(1700000000), py.DictOf("a", py.NewList("x", strings.Repeat("y", 9000))), nil}
	for _, v := range values {
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
	}
	dec := NewDecoder(iotest.OneByteReader(bytes.NewReader(buf.Bytes())), DecodeOptions{})
	for i, want := range values {
		got, err := dec.Decode()
		if err != nil {
			t.Fatalf("pickle %d: %v", i, err)
		}
		if !py.Equal(got, want) {
			t.Fatalf("pickle %d: got %#v", i, got)
		}
	}
	if _, err := dec.Decode(); err != io.EOF {
		t.Fatalf("after the last pickle: %v", err)
	}
	// A stream cut inside a pickle.
	dec = NewDecoder(bytes.NewReader(buf.Bytes()[:20]), DecodeOptions{})
	if _, err := dec.Decode(); err != nil {
		t.Fatalf("first pickle: %v", err)
	}
	if _, err := dec.Decode(); !errors.Is(err, ErrTruncated) {
		t.Fatalf("cut pickle: %v", err)
	}
}

func TestOldStyleInstances(t *testing.T) {
	// Python 2 old-style instances: INST at protocol 0, OBJ after.
	found := 0
	for _, v := range loadVectors(t) {
		if v.Name != "unloadable_old_style" {
			continue
		}
		found++
		val, err := DecodeOptions{Encoding: "latin1"}.Unmarshal(v.data())
		if err != nil {
			t.Fatal(err)
		}
		items := val.(*py.List).Items
		o, ok := items[0].(*py.Object)
		if !ok || items[1] != items[0] {
			t.Fatalf("proto %d: got %#v", v.Protocol, items)
		}
		wantKind := py.ObjectObj
		if v.Protocol == 0 {
			wantKind = py.ObjectInst
		}
		m, n, _ := o.Class()
		if o.Kind != wantKind || m != "__main__" || n != "OldStyle" || !py.Equal(o.State, py.DictOf("a", int64(1), "b", py.NewList("x"))) {
			t.Errorf("proto %d: got %#v", v.Protocol, o)
		}
		data, err := MarshalProtocol(val, v.Protocol)
		if err != nil {
			t.Fatal(err)
		}
		again, err := Unmarshal(data)
		if err != nil || !py.Equal(again, val) {
			t.Errorf("proto %d: re-encoded %q: %v", v.Protocol, data, err)
		}
	}
	if found == 0 {
		t.Fatal("no old-style vectors")
	}
}
