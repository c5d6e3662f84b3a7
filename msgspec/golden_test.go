package msgspec

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flaskbridge/flaskbridge/py"
)

// vectors is testdata/msgspec/vectors-<version>.json.gz, written by
// scripts/gen_msgspec_vectors.py with the real msgspec.
type vectors struct {
	Msgspec string `json:"msgspec"`
	Encode  []struct {
		Repr         string  `json:"repr"`
		Msgpack      *string `json:"msgpack"`
		MsgpackError string  `json:"msgpack_error"`
		JSON         *string `json:"json"`
		JSONError    string  `json:"json_error"`
	} `json:"encode"`
	Decode []struct {
		Format string `json:"format"`
		Data   string `json:"data"`
		Repr   string `json:"repr"`
		Error  string `json:"error"`
	} `json:"decode"`
	Payloads map[string]map[string]string `json:"payloads"`
}

// vectorVersions are the msgspec versions with golden vectors: the oldest
// Flask-Session 0.8 accepts and the newest.
var vectorVersions = []string{"0.18.6", "0.22.0"}

func loadVectors(t testing.TB, version string) *vectors {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "testdata", "msgspec", "vectors-"+version+".json.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var v vectors
	if err := json.NewDecoder(zr).Decode(&v); err != nil {
		t.Fatal(err)
	}
	if v.Msgspec != version {
		t.Fatalf("vectors of msgspec %s in the file for %s", v.Msgspec, version)
	}
	return &v
}

func unb64(t testing.TB, s string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// encodeSentinel is the error the Go encoders give where msgspec raises the
// Python exception of text.
func encodeSentinel(text string) error {
	switch {
	case strings.Contains(text, "can't serialize ints"), strings.Contains(text, "Exceeds the limit"):
		return ErrIntRange
	case strings.Contains(text, "date value out of range"):
		return ErrRange
	case strings.Contains(text, "type Markup"):
		return ErrMarkup
	case strings.Contains(text, "str-like or number-like keys"):
		return ErrKeyType
	case strings.HasPrefix(text, "UnicodeEncodeError"):
		return ErrInvalidString
	}
	return ErrUnsupported
}

// decodeSentinel is the error the Go decoders give where msgspec raises the
// Python exception of text.
func decodeSentinel(text string) error {
	switch {
	case strings.Contains(text, "truncated"):
		return ErrTruncated
	case strings.Contains(text, "hashable"):
		return ErrUnhashableKey
	case strings.Contains(text, "Integer value out of range"):
		return ErrIntRange
	}
	return ErrSyntax
}

func TestGoldenEncode(t *testing.T) {
	for _, version := range vectorVersions {
		t.Run(version, func(t *testing.T) {
			vs := loadVectors(t, version)
			for _, c := range vs.Encode {
				v, err := py.ParseLiteral(c.Repr)
				if err != nil {
					t.Errorf("ParseLiteral(%.80s): %v", c.Repr, err)
					continue
				}
				checkEncoded(t, "msgpack", c.Repr, v, MarshalMsgpack, c.Msgpack, c.MsgpackError)
				checkEncoded(t, "JSON", c.Repr, v, EncodeJSON, c.JSON, c.JSONError)
			}
		})
	}
}

func checkEncoded(t *testing.T, format, repr string, v py.Value, enc func(py.Value) ([]byte, error), want *string, wantErr string) {
	t.Helper()
	got, err := enc(v)
	if want == nil {
		if err == nil {
			t.Errorf("%s of %.100s: got %x, msgspec raises %s", format, repr, got, wantErr)
		} else if sentinel := encodeSentinel(wantErr); !errors.Is(err, sentinel) {
			t.Errorf("%s of %.100s: got error %v, want %v (msgspec: %s)", format, repr, err, sentinel, wantErr)
		}
		return
	}
	if err != nil {
		t.Errorf("%s of %.100s: %v", format, repr, err)
		return
	}
	if w := unb64(t, *want); !bytes.Equal(got, w) {
		t.Errorf("%s of %.100s:\n got %.200q\nwant %.200q", format, repr, got, w)
	}
}

func TestGoldenDecode(t *testing.T) {
	for _, version := range vectorVersions {
		t.Run(version, func(t *testing.T) {
			vs := loadVectors(t, version)
			opts := DecodeOptions{Msgspec0186BigInts: version < "0.19"}
			for _, c := range vs.Decode {
				data := unb64(t, c.Data)
				var v py.Value
				var err error
				if c.Format == "msgpack" {
					v, err = opts.UnmarshalMsgpack(data)
				} else {
					v, err = opts.DecodeJSON(data)
				}
				if c.Error != "" {
					if err == nil {
						t.Errorf("%s %.80q: got %.100s, msgspec raises %s", c.Format, data, py.Repr(v), c.Error)
					} else if sentinel := decodeSentinel(c.Error); !errors.Is(err, sentinel) {
						t.Errorf("%s %.80q: got error %v, want %v (msgspec: %s)", c.Format, data, err, sentinel, c.Error)
					}
					continue
				}
				if err != nil {
					t.Errorf("%s %.80q: %v (msgspec reads %.100s)", c.Format, data, err, c.Repr)
					continue
				}
				if got := py.Repr(v); got != c.Repr {
					t.Errorf("%s %.80q:\n got %.200s\nwant %.200s", c.Format, data, got, c.Repr)
				}
			}
		})
	}
}

func TestGoldenPayloads(t *testing.T) {
	for _, version := range vectorVersions {
		vs := loadVectors(t, version)
		for name, want := range vs.Payloads {
			v := loadPayload(t, name)
			got, err := MarshalMsgpack(v)
			if err != nil || !bytes.Equal(got, unb64(t, want["msgpack"])) {
				t.Errorf("%s msgpack of %s: %v\n got %q\nwant %q", version, name, err, got, unb64(t, want["msgpack"]))
			}
			got, err = EncodeJSON(v)
			if err != nil || !bytes.Equal(got, unb64(t, want["json"])) {
				t.Errorf("%s JSON of %s: %v\n got %s\nwant %s", version, name, err, got, unb64(t, want["json"]))
			}
		}
	}
}

// loadPayload reads testdata/payloads/<name>.repr, one of the benchmark
// sessions.
func loadPayload(t testing.TB, name string) py.Value {
	t.Helper()
	text, err := os.ReadFile(filepath.Join("..", "testdata", "payloads", name+".repr"))
	if err != nil {
		t.Fatal(err)
	}
	v, err := py.ParseLiteral(strings.TrimSpace(string(text)))
	if err != nil {
		t.Fatal(err)
	}
	return v
}
