package main

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/flaskbridge/flaskbridge/pickle"
	"github.com/flaskbridge/flaskbridge/py"
)

// Pickles written by CPython 3.11 (pickle.dumps) and Python 2.7
// (pickle.dumps at protocol 2).
var (
	// {'a': [1, 2], 'b': 'x'} at protocol 4
	pickle4 = mustHex("80049519000000000000007d94288c0161945d94284b014b02658c0162948c017894752e")
	// the same at protocol 2
	pickle2 = mustHex("80027d71002858010000006171015d7102284b014b026558010000006271035801000000787104752e")
	// the same at protocol 0
	pickle0 = mustHex("286470300a56610a70310a286c70320a49310a6149320a617356620a70330a56780a70340a732e")
	// os.system('echo pwned') at protocol 2, from Python 2.7
	hostile = mustB64("gAJjcG9zaXgKc3lzdGVtCnEAVQplY2hvIHB3bmVkcQGFcQJScQMu")
	// {'s': 'caf\xe9'} from Python 2.7 at protocol 2, a latin-1 str
	py2Str = mustHex("80027d710055017371015504636166e97102732e")
)

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

func mustB64(s string) []byte {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

func TestConvertPickleFixtures(t *testing.T) {
	// The fixtures are what they claim to be.
	for _, p := range [][]byte{pickle4, pickle2} {
		v, err := pickle.Unmarshal(p)
		if err != nil || py.Repr(v) != "{'a': [1, 2], 'b': 'x'}" {
			t.Fatalf("fixture %x: %s, %v", p, py.Repr(v), err)
		}
	}
}

func TestConvert(t *testing.T) {
	const val = `{'a': [1, 2], 'b': 'x'}`
	cases := []struct {
		name   string
		stdin  []byte
		args   []string
		code   int
		stdout []byte // the whole of stdout when code is 0, nil to skip
		stderr string
	}{
		{"repr to repr", []byte(val + "\n"), []string{"--from", "repr", "--to", "repr"}, 0, []byte(val + "\n"), ""},
		{"repr to tagged", []byte(val), []string{"--from=repr", "--to=tagged"}, 0, []byte(`{"a":[1,2],"b":"x"}` + "\n"), ""},
		{"repr to json", []byte(val), []string{"--from", "repr", "--to", "json"}, 0, []byte(`{"a": [1, 2], "b": "x"}` + "\n"), ""},
		{"repr to msgspec-json", []byte(val), []string{"--from", "repr", "--to", "msgspec-json"}, 0, []byte(`{"a":[1,2],"b":"x"}` + "\n"), ""},
		{"repr to pickle", []byte(val), []string{"--from", "repr", "--to", "pickle"}, 0, pickle4, ""},
		{"repr to pickle:4", []byte(val), []string{"--from", "repr", "--to", "pickle:4"}, 0, pickle4, ""},
		{"repr to pickle:2", []byte(val), []string{"--from", "repr", "--to", "pickle:2"}, 0, pickle2, ""},
		{"repr to pickle:0", []byte(val), []string{"--from", "repr", "--to", "pickle:0"}, 0, pickle0, ""},
		{"repr to pickle hex", []byte(val), []string{"--from", "repr", "--to", "pickle", "--hex"}, 0, []byte(hex.EncodeToString(pickle4) + "\n"), ""},
		{"repr to pickle base64", []byte(val), []string{"--from", "repr", "--to", "pickle", "--base64"}, 0, []byte(base64.StdEncoding.EncodeToString(pickle4) + "\n"), ""},
		{"repr to msgpack", []byte(val), []string{"--from", "repr", "--to", "msgpack", "--hex"}, 0, []byte("82a161920102a162a178\n"), ""},
		{"tagged to repr", []byte(`{"t":{" t":[1,{" b":"AP8="}]}}` + "\n"), []string{"--from", "tagged", "--to", "repr"}, 0, []byte(`{'t': (1, b'\x00\xff')}` + "\n"), ""},
		{"json to repr", []byte(`{"t":{" t":[1]}}`), []string{"--from", "json", "--to", "repr"}, 0, []byte(`{'t': {' t': [1]}}` + "\n"), ""},
		{"msgspec-json to repr", []byte(`{"a":[1,2.5,null]}` + "\n"), []string{"--from", "msgspec-json", "--to", "repr"}, 0, []byte(`{'a': [1, 2.5, None]}` + "\n"), ""},
		{"msgpack to repr", mustHex("82a161920102a162a178"), []string{"--from", "msgpack", "--to", "repr"}, 0, []byte(val + "\n"), ""},
		{"msgpack hex to repr", []byte("82a1 6192 0102\na162a178\n"), []string{"--from", "msgpack", "--to", "repr", "--hex"}, 0, []byte(val + "\n"), ""},
		{"msgpack to pickle", mustHex("82a161920102a162a178"), []string{"--from", "msgpack", "--to", "pickle"}, 0, pickle4, ""},
		{"pickle to repr", pickle4, []string{"--from", "pickle", "--to", "repr"}, 0, []byte(val + "\n"), ""},
		{"pickle hex to repr", []byte(hex.EncodeToString(pickle4)), []string{"--from", "pickle", "--to", "repr", "--hex"}, 0, []byte(val + "\n"), ""},
		{"pickle base64 to repr", []byte(base64.StdEncoding.EncodeToString(pickle4) + "\n"), []string{"--from", "pickle", "--to", "repr", "--base64"}, 0, []byte(val + "\n"), ""},
		{"pickle url base64 to repr", []byte(base64.RawURLEncoding.EncodeToString(pickle4)), []string{"--from", "pickle", "--to", "repr", "--base64"}, 0, []byte(val + "\n"), ""},
		{"pickle base64 wrapped", []byte(wrap(base64.StdEncoding.EncodeToString(pickle4), 20)), []string{"--from", "pickle", "--to", "repr", "--base64"}, 0, []byte(val + "\n"), ""},
		{"pickle keeps its protocol", pickle2, []string{"--from", "pickle", "--to", "pickle"}, 0, pickle2, ""},
		{"pickle 0 keeps its protocol", pickle0, []string{"--from", "pickle", "--to", "pickle"}, 0, pickle0, ""},
		{"pickle to pickle:4", pickle2, []string{"--from", "pickle", "--to", "pickle:4"}, 0, pickle4, ""},
		{"pickle 4 to pickle:2", pickle4, []string{"--from", "pickle", "--to", "pickle:2"}, 0, pickle2, ""},
		{"pickle base64 round trip", []byte(base64.StdEncoding.EncodeToString(pickle2)), []string{"--from", "pickle", "--to", "pickle", "--base64"}, 0, []byte(base64.StdEncoding.EncodeToString(pickle2) + "\n"), ""},
		{"pickle to tagged", pickle4, []string{"--from", "pickle", "--to", "tagged"}, 0, []byte(`{"a":[1,2],"b":"x"}` + "\n"), ""},
		{"pickle to msgpack", pickle4, []string{"--from", "pickle", "--to", "msgpack"}, 0, mustHex("82a161920102a162a178"), ""},
		{"pickle with trailing bytes", append(append([]byte{}, pickle4...), "junk"...), []string{"--from", "pickle", "--to", "repr"}, 0, []byte(val + "\n"), ""},
		{"hostile prints as data", hostile, []string{"--from", "pickle", "--to", "repr"}, 0, []byte("<reduce posix.system('echo pwned')>\n"), ""},
		{"hostile round trip", []byte(hex.EncodeToString(hostile)), []string{"--from", "pickle", "--to", "pickle:2", "--hex"}, 0, []byte("800263706f7369780a73797374656d0a7100580a0000006563686f2070776e65647101857102527103" + "2e\n"), ""},
		{"hostile strict", hostile, []string{"--from", "pickle", "--to", "repr", "--strict"}, 1, nil, "flaskbridge convert: invalid pickle: pickle: unknown global refused in strict mode: posix.system (opcode GLOBAL at offset 2)"},
		{"hostile to tagged", hostile, []string{"--from", "pickle", "--to", "tagged"}, 1, nil, "cannot write tagged: flaskcookie: value cannot be serialized"},
		{"hostile to msgpack", hostile, []string{"--from", "pickle", "--to", "msgpack"}, 1, nil, "cannot write msgpack: msgspec:"},
		{"strict accepts known classes", mustHex("80049520000000000000008c086461746574696d65948c0464617465949394430407e8051194859452942e"), []string{"--from", "pickle", "--to", "repr", "--strict"}, 0, []byte("datetime.date(2024, 5, 17)\n"), ""},
		{"strict does not apply to text", []byte(val), []string{"--from", "repr", "--to", "repr", "--strict"}, 0, []byte(val + "\n"), ""},
		{"py2 str", py2Str, []string{"--from", "pickle", "--to", "repr"}, 1, nil, "'ascii' codec can't decode byte 0xe9"},
		{"py2 str latin1", py2Str, []string{"--from", "pickle", "--to", "repr", "--pickle-encoding", "latin1"}, 0, []byte("{'s': 'café'}\n"), ""},
		{"py2 str bytes", py2Str, []string{"--from", "pickle", "--to", "repr", "--pickle-encoding", "bytes"}, 0, []byte(`{b's': b'caf\xe9'}` + "\n"), ""},
		{"bad pickle encoding", py2Str, []string{"--from", "pickle", "--to", "repr", "--pickle-encoding", "ebcdic"}, 2, nil, `bad --pickle-encoding "ebcdic": ASCII, latin1, utf-8 or bytes`},
		{"markup to msgpack", []byte(`Markup('<b>')`), []string{"--from", "repr", "--to", "msgpack"}, 1, nil, "cannot write msgpack: msgspec: markupsafe.Markup is a str subclass"},
		{"markup as str", []byte(`Markup('<b>')`), []string{"--from", "repr", "--to", "msgpack", "--markup-as-str", "--hex"}, 0, []byte("a33c623e\n"), ""},
		{"markup as str json", []byte(`[Markup('<b>')]`), []string{"--from", "repr", "--to", "msgspec-json", "--markup-as-str"}, 0, []byte(`["<b>"]` + "\n"), ""},
		{"opaque to repr", mustHex("8004951c000000000000008c0b636f6c6c656374696f6e73948c0564657175659493942952942e"), []string{"--from", "pickle", "--to", "repr"}, 0, []byte("<reduce collections.deque()>\n"), ""},
		{"bytes to json", []byte(`b'x'`), []string{"--from", "repr", "--to", "json"}, 1, nil, "cannot write json: flaskcookie: value cannot be serialized: object of type bytes is not JSON serializable"},
		{"set to tagged", []byte(`{1}`), []string{"--from", "repr", "--to", "tagged"}, 1, nil, "cannot write tagged"},
		{"set to pickle", []byte(`{1}`), []string{"--from", "repr", "--to", "pickle:1"}, 0, nil, ""},
		{"truncated pickle", pickle4[:10], []string{"--from", "pickle", "--to", "repr"}, 1, nil, "invalid pickle: pickle: data truncated"},
		{"empty pickle", nil, []string{"--from", "pickle", "--to", "repr"}, 1, nil, "invalid pickle"},
		{"bad msgpack", []byte{0x92, 0x01}, []string{"--from", "msgpack", "--to", "repr"}, 1, nil, "invalid msgpack: msgspec: input data was truncated"},
		{"bad repr", []byte(`{'a': [1,`), []string{"--from", "repr", "--to", "pickle"}, 1, nil, "invalid repr: py: invalid literal at line 1, column 10"},
		{"bad tagged", []byte(`{"a":`), []string{"--from", "tagged", "--to", "repr"}, 1, nil, "invalid tagged: flaskcookie: malformed payload"},
		{"bad json", []byte(`nope`), []string{"--from", "json", "--to", "repr"}, 1, nil, "invalid json"},
		{"bad msgspec-json", []byte(`[1,]`), []string{"--from", "msgspec-json", "--to", "repr"}, 1, nil, "invalid msgspec-json: msgspec: malformed input"},
		{"bad hex", []byte("8004zz"), []string{"--from", "pickle", "--to", "repr", "--hex"}, 1, nil, "invalid input: not hexadecimal"},
		{"odd hex", []byte("800"), []string{"--from", "pickle", "--to", "repr", "--hex"}, 1, nil, "invalid input: not hexadecimal"},
		{"bad base64", []byte("gA*"), []string{"--from", "pickle", "--to", "repr", "--base64"}, 1, nil, "invalid input: not base64"},
		{"input too large", bytes.Repeat([]byte("1"), maxInput+1), []string{"--from", "repr", "--to", "repr"}, 1, nil, "input larger than 67108864 bytes"},
		{"missing from", []byte(val), []string{"--to", "repr"}, 2, nil, "flaskbridge convert: missing --from (repr, tagged, json, pickle, msgpack or msgspec-json)"},
		{"missing to", []byte(val), []string{"--from", "repr"}, 2, nil, "missing --to"},
		{"unknown from", []byte(val), []string{"--from", "yaml", "--to", "repr"}, 2, nil, `unknown --from "yaml": repr, tagged, json, pickle, msgpack or msgspec-json`},
		{"unknown to", []byte(val), []string{"--from", "repr", "--to", "xml"}, 2, nil, `unknown --to "xml"`},
		{"protocol on another format", []byte(val), []string{"--from", "repr", "--to", "msgpack:2"}, 2, nil, `unknown --to "msgpack:2"`},
		{"protocol from pickle", []byte(val), []string{"--from", "pickle:2", "--to", "repr"}, 2, nil, `unknown --from "pickle:2"`},
		{"bad protocol", []byte(val), []string{"--from", "repr", "--to", "pickle:6"}, 2, nil, `bad pickle protocol "6" in --to: 0 to 5`},
		{"negative protocol", []byte(val), []string{"--from", "repr", "--to", "pickle:-1"}, 2, nil, `bad pickle protocol "-1"`},
		{"empty protocol", []byte(val), []string{"--from", "repr", "--to", "pickle:"}, 2, nil, `bad pickle protocol ""`},
		{"hex and base64", []byte(val), []string{"--from", "repr", "--to", "pickle", "--hex", "--base64"}, 2, nil, "give --hex or --base64, not both"},
		{"hex without binary", []byte(val), []string{"--from", "repr", "--to", "tagged", "--hex"}, 2, nil, "--hex and --base64 apply to pickle and msgpack"},
		{"argument", []byte(val), []string{"--from", "repr", "--to", "repr", "file.pickle"}, 2, nil, `unexpected argument "file.pickle": the input is read from stdin`},
		{"unknown flag", []byte(val), []string{"--from", "repr", "--to", "repr", "--protocol", "2"}, 2, nil, "flag provided but not defined: --protocol"},
		{"bool flag with value", []byte(val), []string{"--from", "repr", "--to", "repr", "--strict=maybe"}, 2, nil, `invalid boolean value "maybe" for --strict`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := cliBytes(t, c.stdin, append([]string{"convert"}, c.args...)...)
			r.want(t, c.code, c.stderr)
			if c.code == 0 && c.stdout != nil && r.stdout != string(c.stdout) {
				t.Errorf("stdout\n got %q\nwant %q", r.stdout, c.stdout)
			}
		})
	}
}

func wrap(s string, n int) string {
	var b strings.Builder
	for len(s) > n {
		b.WriteString(s[:n] + "\n")
		s = s[n:]
	}
	return b.String() + s + "\n"
}

// TestConvertEveryPair converts a value every format holds from each
// format to each other, and back.
func TestConvertEveryPair(t *testing.T) {
	const val = `{'a': [1, -2, 3.5, None, True, 'caf\xe9 \U0001f600'], 'b': {'c': []}}`
	inputs := map[string][]byte{}
	for name, f := range formats() {
		v, err := py.ParseLiteral(val)
		if err != nil {
			t.Fatal(err)
		}
		b, err := f.encode(&convertOptions{protocol: -1, inProtocol: -1}, v)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		inputs[name] = b
	}
	for from := range formats() {
		for to := range formats() {
			r := cliBytes(t, inputs[from], "convert", "--from", from, "--to", to)
			r.want(t, 0)
			want := string(inputs[to])
			if !formats()[to].binary {
				want += "\n"
			}
			if r.stdout != want {
				t.Errorf("%s to %s:\n got %q\nwant %q", from, to, r.stdout, want)
			}
		}
	}
}

// TestConvertPickleProtocols writes a value at each protocol and reads it
// back: the protocol is kept.
func TestConvertPickleProtocols(t *testing.T) {
	const val = `{'when': datetime.datetime(2024, 5, 17, 12, 34, 56, 789, tzinfo=datetime.timezone.utc), 'id': UUID('12345678-1234-5678-1234-567812345678'), 'n': Decimal('1.10'), 't': (1, b'x'), 's': frozenset({1}), 'o': OrderedDict([('b', 1)])}`
	for p := 0; p <= pickle.HighestProtocol; p++ {
		proto := "pickle:" + string(rune('0'+p))
		w := cli(t, val, "convert", "--from", "repr", "--to", proto, "--hex")
		w.want(t, 0)
		back := cli(t, w.stdout, "convert", "--from", "pickle", "--to", "pickle", "--hex")
		back.want(t, 0)
		if back.stdout != w.stdout {
			t.Errorf("protocol %d: round trip\n got %s\nwant %s", p, back.stdout, w.stdout)
		}
		r := cli(t, w.stdout, "convert", "--from", "pickle", "--to", "repr", "--hex")
		if r.stdout != val+"\n" {
			t.Errorf("protocol %d: repr\n got %s\nwant %s", p, r.stdout, val)
		}
	}
}
