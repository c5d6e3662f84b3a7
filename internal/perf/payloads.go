package perf

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/flaskbridge/flaskbridge/flaskcookie"
	"github.com/flaskbridge/flaskbridge/msgspec"
	"github.com/flaskbridge/flaskbridge/pickle"
	"github.com/flaskbridge/flaskbridge/py"
)

// Names are the payloads of testdata/payloads, in the order of the report:
// a Flask-Login session, a 20-item cart (tuple, bytes, aware datetime,
// UUID) and a 500-entry history, which Flask compresses in its cookie.
var Names = []string{"login", "cart", "history"}

// SecretKey and Timestamp sign the benchmark cookies; scripts/bench_py.py
// uses the same, and the report checks that both sides write the same
// cookie.
var SecretKey = []byte("bench secret key")

// Timestamp is the signing time of the benchmark cookies.
const Timestamp = 1715949296

// Payload is one benchmark session in every form the run times.
type Payload struct {
	Name   string
	Value  *py.Dict // the session, parsed from <name>.repr
	Pickle []byte   // <name>.pickle: pickle.dumps(session, 4), as CPython wrote it

	Cookie     string // the Flask session cookie of Value, signed with SecretKey at Timestamp
	Message    []byte // the signed part of Cookie: payload "." timestamp
	Signature  string // the base64 signature after the last "."
	Payload    string // the base64 payload, without the "." that marks compression
	Compressed bool   // whether the payload is zlib-compressed
	Deflated   []byte // the base64-decoded payload (zlib data when Compressed)
	JSON       []byte // the tagged JSON text inside Cookie

	Msgpack []byte // msgspec.msgpack.encode(session)
}

// Codec returns the flaskcookie codec of the benchmark cookies: SecretKey,
// and a clock stopped at Timestamp.
func Codec() (*flaskcookie.Codec, error) {
	return flaskcookie.New(flaskcookie.Options{
		SecretKey: SecretKey,
		Now:       func() time.Time { return time.Unix(Timestamp, 0) },
	})
}

// Root returns the repository root: dir or the nearest parent of it that
// holds testdata/payloads.
func Root(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		if st, err := os.Stat(filepath.Join(d, "testdata", "payloads")); err == nil && st.IsDir() {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("perf: no testdata/payloads in %s or above", dir)
		}
	}
}

// Load reads the payload name from the repository at root.
func Load(root, name string) (*Payload, error) {
	dir := filepath.Join(root, "testdata", "payloads")
	text, err := os.ReadFile(filepath.Join(dir, name+".repr"))
	if err != nil {
		return nil, err
	}
	v, err := py.ParseLiteral(strings.TrimSpace(string(text)))
	if err != nil {
		return nil, fmt.Errorf("perf: %s.repr: %w", name, err)
	}
	d, ok := v.(*py.Dict)
	if !ok {
		return nil, fmt.Errorf("perf: %s.repr holds a %s, not a dict", name, py.TypeName(v))
	}
	p := &Payload{Name: name, Value: d}
	if p.Pickle, err = os.ReadFile(filepath.Join(dir, name+".pickle")); err != nil {
		return nil, err
	}
	c, err := Codec()
	if err != nil {
		return nil, err
	}
	if p.Cookie, err = c.EncodeAt(d, time.Unix(Timestamp, 0)); err != nil {
		return nil, fmt.Errorf("perf: %s: cookie: %w", name, err)
	}
	if err := p.splitCookie(); err != nil {
		return nil, fmt.Errorf("perf: %s: %w", name, err)
	}
	if p.Msgpack, err = msgspec.MarshalMsgpack(d); err != nil {
		return nil, fmt.Errorf("perf: %s: msgpack: %w", name, err)
	}
	return p, nil
}

// LoadAll reads every payload of Names.
func LoadAll(root string) ([]*Payload, error) {
	var out []*Payload
	for _, name := range Names {
		p, err := Load(root, name)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// splitCookie fills the parts of the cookie with the standard library
// alone: the floors time exactly these steps.
func (p *Payload) splitCookie() error {
	last := strings.LastIndexByte(p.Cookie, '.')
	if last < 0 {
		return fmt.Errorf("cookie without a signature")
	}
	p.Message, p.Signature = []byte(p.Cookie[:last]), p.Cookie[last+1:]
	body := p.Cookie[:last]
	p.Compressed = strings.HasPrefix(body, ".")
	body = strings.TrimPrefix(body, ".")
	dot := strings.IndexByte(body, '.')
	if dot < 0 {
		return fmt.Errorf("cookie without a timestamp")
	}
	p.Payload = body[:dot]
	var err error
	if p.Deflated, err = base64.RawURLEncoding.DecodeString(p.Payload); err != nil {
		return fmt.Errorf("cookie payload: %w", err)
	}
	p.JSON = p.Deflated
	if p.Compressed {
		zr, err := zlib.NewReader(bytes.NewReader(p.Deflated))
		if err != nil {
			return fmt.Errorf("cookie payload: %w", err)
		}
		if p.JSON, err = io.ReadAll(zr); err != nil {
			return fmt.Errorf("cookie payload: %w", err)
		}
	}
	return nil
}

// RoundTrip checks that the library reads back what it wrote for p: the
// cookie, the pickle (and re-encodes it to CPython's bytes) and the
// msgpack, so that no benchmark times a failing call.
func (p *Payload) RoundTrip() error {
	c, err := Codec()
	if err != nil {
		return err
	}
	// Flask's cookie keeps a datetime to the second: compare the cookie
	// written again from what was read, not the values.
	d, err := c.Decode(p.Cookie)
	if err != nil {
		return fmt.Errorf("%s: cookie: %w", p.Name, err)
	}
	if again, err := c.EncodeAt(d, time.Unix(Timestamp, 0)); err != nil {
		return fmt.Errorf("%s: cookie: %w", p.Name, err)
	} else if again != p.Cookie {
		return fmt.Errorf("%s: the cookie read and written again differs", p.Name)
	}
	v, err := pickle.Unmarshal(p.Pickle)
	if err != nil {
		return fmt.Errorf("%s: pickle: %w", p.Name, err)
	}
	if !py.Equal(v, p.Value) {
		return fmt.Errorf("%s: %s.pickle and %s.repr hold different sessions", p.Name, p.Name, p.Name)
	}
	if b, err := pickle.Marshal(v); err != nil {
		return fmt.Errorf("%s: pickle: %w", p.Name, err)
	} else if !bytes.Equal(b, p.Pickle) {
		return fmt.Errorf("%s: pickle.Marshal does not write CPython's bytes", p.Name)
	}
	if m, err := msgspec.UnmarshalMsgpack(p.Msgpack); err != nil {
		return fmt.Errorf("%s: msgpack: %w", p.Name, err)
	} else if _, ok := m.(*py.Dict); !ok {
		return fmt.Errorf("%s: msgpack decodes to a %s", p.Name, py.TypeName(m))
	}
	return nil
}
