package main

import (
	"bytes"
	"encoding/base64"
	"path/filepath"
	"sort"
	"testing"
)

// The fuzz targets check the contract of the command line on any input:
// no panic (not even one recovered), exit code 0 or 1 (never a usage
// error for a well-formed command line), one line on stderr on failure.

func fuzzRun(t *testing.T, stdin []byte, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, bytes.NewReader(stdin), &out, &errb)
	r := result{code: code, stdout: out.String(), stderr: errb.String()}
	if msg := contractViolation(r); msg != "" {
		t.Fatalf("flaskbridge %q: %s\nexit %d\nstderr %q", args, msg, r.code, r.stderr)
	}
	if code != exitOK && code != exitInvalid {
		t.Fatalf("flaskbridge %q: exit %d: %s", args, code, r.stderr)
	}
	return r
}

var decodeFormats = []string{"repr", "json", "tagged"}

// FuzzCookieDecodeCLI runs cookie decode on any cookie, with and without a
// key, from stdin or as an argument, in each format.
func FuzzCookieDecodeCLI(f *testing.F) {
	var g goldenCookies
	readGzipJSON(f, filepath.Join("..", "..", "testdata", "cookie", "flask31.json.gz"), &g)
	for _, c := range g.Cookies {
		if len(c.Cookie) < 4096 {
			f.Add(c.Cookie, uint8(0))
			f.Add(c.Cookie, uint8(1))
		}
	}
	for i, v := range g.Values {
		if len(v.Cookies) > 0 && i%3 == 0 {
			f.Add(v.Cookies[0].Cookie, uint8(5))
		}
	}
	f.Add(sign(f, loginRepr, []byte("k"), "cookie-session", ts), uint8(2))
	f.Add(sign(f, `{'a': '`+string(bytes.Repeat([]byte("ab"), 200))+`'}`, []byte("k"), "cookie-session", ts), uint8(3))
	f.Add(signRaw(f, []byte("k"), b64url(`{"a":{" t":[{" d":"x"}]}}`), ts), uint8(4))
	f.Add("", uint8(0))
	f.Add("-", uint8(6))
	f.Add(".", uint8(1))
	f.Fuzz(func(t *testing.T, cookie string, mode uint8) {
		args := []string{"cookie", "decode", "--now", tsArg, "--format", decodeFormats[int(mode>>2)%3]}
		if mode&1 == 0 {
			args = append(args, "--secret-key", "k")
		}
		if mode&2 == 0 {
			fuzzRun(t, []byte(cookie), append(args, "-")...)
		} else {
			fuzzRun(t, nil, append(args, "--", cookie)...)
		}
	})
}

// FuzzCookieEncodeCLI runs cookie encode on any session text.
func FuzzCookieEncodeCLI(f *testing.F) {
	f.Add(loginRepr, false)
	f.Add(`{'_flashes': [('message', Markup('<b>hi</b>'))], 'u': UUID('12345678-1234-5678-1234-567812345678')}`, false)
	f.Add(`{"a":{" t":[1,{" b":"AP8="}]},"d":{" d":"Fri, 17 May 2024 00:00:00 GMT"}}`, true)
	f.Add(`{' di': {' t': {' b': 1}}}`, false)
	f.Add(`{"x":{" di":{" t__":[1]}}}`, true)
	f.Fuzz(func(t *testing.T, session string, tagged bool) {
		from := "repr"
		if tagged {
			from = "tagged"
		}
		r := fuzzRun(t, []byte(session), "cookie", "encode", "--secret-key", "k", "--timestamp", tsArg, "--from", from)
		if r.code != exitOK {
			return
		}
		// What encode writes, decode reads.
		fuzzRun(t, []byte(r.stdout), "cookie", "decode", "--secret-key", "k", "--now", tsArg, "-").want(t, exitOK)
	})
}

// FuzzConvertCLI runs convert on any input, from each format to each.
func FuzzConvertCLI(f *testing.F) {
	names := make([]string, 0, len(formats()))
	for name := range formats() {
		names = append(names, name)
	}
	sort.Strings(names)
	index := func(name string) uint8 {
		return uint8(sort.SearchStrings(names, name))
	}
	var vs []pickleVector
	readGzipJSON(f, filepath.Join("..", "..", "testdata", "pickle", "vectors.json.gz"), &vs)
	for i, v := range vs {
		if i%7 != 0 || len(v.Pickle) > 4096 {
			continue
		}
		data, err := base64.StdEncoding.DecodeString(v.Pickle)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, index("pickle"), uint8(i))
	}
	for _, p := range [][]byte{pickle0, pickle2, pickle4, hostile, py2Str} {
		f.Add(p, index("pickle"), uint8(0))
	}
	// gopickle's crash inputs: a 0xff opcode, LONG1 of length 0, a FRAME
	// that claims 2**63 bytes.
	f.Add([]byte{0xff}, index("pickle"), uint8(1))
	f.Add([]byte{0x80, 0x02, 0x8a, 0x00, '.'}, index("pickle"), uint8(2))
	f.Add([]byte{0x80, 0x04, 0x95, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}, index("pickle"), uint8(3))
	f.Add(mustHex("82a161920102a162a178"), index("msgpack"), uint8(4))
	f.Add(mustHex("dd7fffffff"), index("msgpack"), uint8(5))
	f.Add([]byte(`{"a":[1,2.5,null,"\ud800"]}`), index("msgspec-json"), uint8(6))
	f.Add([]byte(`{"t":{" t":[1,{" b":"AP8="}]},"u":{" u":"12345678123456781234567812345678"}}`), index("tagged"), uint8(7))
	f.Add([]byte(`{"a": NaN, "b": [1e400]}`), index("json"), uint8(8))
	f.Add([]byte(loginRepr), index("repr"), uint8(9))
	f.Add([]byte(`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[`), index("repr"), uint8(10))
	f.Fuzz(func(t *testing.T, data []byte, from, to uint8) {
		in, out := names[int(from)%len(names)], names[int(to)%len(names)]
		if p := int(to>>4) % 7; out == "pickle" && p < 6 {
			out = "pickle:" + string(rune('0'+p))
		}
		fuzzRun(t, data, "convert", "--from", in, "--to", out)
	})
}
