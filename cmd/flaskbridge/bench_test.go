package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The cost of one run of the tool in-process, flag parsing and output
// included, on the session payloads of testdata/payloads (a login session,
// a 20-item cart, a 500-entry history).

var payloads = []string{"login", "cart", "history"}

func readPayload(b *testing.B, name, ext string) []byte {
	b.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "payloads", name+"."+ext))
	if err != nil {
		b.Fatal(err)
	}
	return data
}

func benchRun(b *testing.B, stdin []byte, args ...string) {
	b.Helper()
	b.ReportAllocs()
	var out bytes.Buffer
	for b.Loop() {
		out.Reset()
		if code := run(args, bytes.NewReader(stdin), &out, io.Discard); code != 0 {
			b.Fatalf("exit %d", code)
		}
	}
}

func BenchmarkCookieDecode(b *testing.B) {
	for _, name := range payloads {
		b.Run(name, func(b *testing.B) {
			var enc bytes.Buffer
			if code := run([]string{"cookie", "encode", "--secret-key", "k", "--timestamp", tsArg}, bytes.NewReader(readPayload(b, name, "repr")), &enc, io.Discard); code != 0 {
				b.Fatalf("encode: exit %d", code)
			}
			benchRun(b, nil, "cookie", "decode", "--secret-key", "k", "--now", tsArg, strings.TrimSpace(enc.String()))
		})
	}
}

func BenchmarkCookieEncode(b *testing.B) {
	for _, name := range payloads {
		b.Run(name, func(b *testing.B) {
			benchRun(b, readPayload(b, name, "repr"), "cookie", "encode", "--secret-key", "k", "--timestamp", tsArg)
		})
	}
}

func BenchmarkConvertPickleToRepr(b *testing.B) {
	for _, name := range payloads {
		b.Run(name, func(b *testing.B) {
			benchRun(b, readPayload(b, name, "pickle"), "convert", "--from", "pickle", "--to", "repr")
		})
	}
}

func BenchmarkConvertPickleToMsgpack(b *testing.B) {
	for _, name := range payloads {
		b.Run(name, func(b *testing.B) {
			benchRun(b, readPayload(b, name, "pickle"), "convert", "--from", "pickle", "--to", "msgpack")
		})
	}
}
