// Package storetest runs the cross-language tests every flasksession store
// shares: a real Flask app with the pinned Flask-Session of each venv
// (scripts/requirements-fsNN.txt, ops in scripts/pyops/fsession.py) and a
// Go Manager over the store under test use the same server or directory,
// each writing what the other reads.
package storetest

import (
	"context"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/flaskbridge/flaskbridge/flasksession"
	"github.com/flaskbridge/flaskbridge/internal/pyharness"
	"github.com/flaskbridge/flaskbridge/py"
)

// Venv is one pinned Flask-Session venv.
type Venv struct {
	Name     string // .venv/<Name>
	Version  string // Flask-Session version
	Compat   flasksession.Compat
	Cachelib string // cachelib version in the venv
	// RedisCluster is whether the venv's redis-py has RedisCluster.
	RedisCluster bool
}

// Venvs are the venvs scripts/setup-python.sh builds for Flask-Session.
var Venvs = []Venv{
	{Name: "fs03", Version: "0.3.2", Compat: flasksession.Compat05, Cachelib: "0.1.1"},
	{Name: "fs04", Version: "0.4.0", Compat: flasksession.Compat05, Cachelib: "0.6.0", RedisCluster: true},
	{Name: "fs05", Version: "0.5.0", Compat: flasksession.Compat05, Cachelib: "0.10.2", RedisCluster: true},
	{Name: "fs06", Version: "0.6.0", Compat: flasksession.Compat06, Cachelib: "0.13.0", RedisCluster: true},
	{Name: "fs07", Version: "0.7.0", Compat: flasksession.Compat08, Cachelib: "0.17.0", RedisCluster: true},
	{Name: "fs08", Version: "0.8.0", Compat: flasksession.Compat08, Cachelib: "0.17.0", RedisCluster: true},
}

// VenvByName returns the venv named name.
func VenvByName(name string) Venv {
	for _, v := range Venvs {
		if v.Name == name {
			return v
		}
	}
	panic("storetest: no venv " + name)
}

// Py is a Flask-Session venv's helper with the store spec and Flask config
// the test uses.
type Py struct {
	H      *pyharness.Helper
	Store  map[string]any
	Config map[string]any
}

// Result is what the fsession.request op returns.
type Result struct {
	Before struct {
		SID  string `json:"sid"`
		Repr string `json:"repr"`
		Bool bool   `json:"bool"`
	} `json:"before"`
	After struct {
		SID      string `json:"sid"`
		Repr     string `json:"repr"`
		Modified bool   `json:"modified"`
		Same     *bool  `json:"same"`
	} `json:"after"`
	SetCookie []string `json:"set_cookie"`
	Vary      string   `json:"vary"`
}

// Request runs one request through the Python app; args are the op's
// (cookie, set, delete, clear, permanent, modified, regenerate, expect).
func (p *Py) Request(t testing.TB, args map[string]any) Result {
	t.Helper()
	a := map[string]any{"config": p.Config, "store": p.Store}
	for k, v := range args {
		a[k] = v
	}
	var r Result
	p.H.MustCall(t, "fsession.request", a, &r)
	return r
}

// Cookie returns the session cookie the response set, parsed; nil if none.
func (r Result) Cookie(t testing.TB, name string) *http.Cookie {
	t.Helper()
	for _, h := range r.SetCookie {
		c, err := http.ParseSetCookie(h)
		if err != nil {
			t.Fatalf("Set-Cookie %q: %v", h, err)
		}
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Same reports whether Python's value (repr text pyRepr, as the op gives
// it) equals the Go value, by Python's == and repr.
func Same(t testing.TB, h *pyharness.Helper, pyRepr string, v py.Value) bool {
	t.Helper()
	var out struct {
		Same bool `json:"same"`
	}
	h.MustCall(t, "fsession.same_repr", map[string]any{"a": pyRepr, "b": py.Repr(v)}, &out)
	return out.Same
}

// B64 decodes the base64 the ops return.
func B64(t testing.TB, s string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Sample returns a session dict of the values the format keeps as they are
// through a round trip: what a Go write and a Python read must agree on.
func Sample(f flasksession.Format) *py.Dict {
	d := py.DictOf(
		"_permanent", true,
		"user_id", int64(42),
		"name", "Zoë ☃ 𝄞",
		"ratio", 0.1,
		"admin", false,
		"none", nil,
		"items", &py.List{Items: []py.Value{int64(1), "two", 3.5}},
		"nested", py.DictOf("a", py.DictOf("b", &py.List{Items: []py.Value{int64(-7)}})),
		"_flashes", &py.List{Items: []py.Value{&py.List{Items: []py.Value{"message", "Saved"}}}},
	)
	if f == flasksession.FormatJSON {
		return d
	}
	d.Set("raw", py.Bytes("\x00\xff bytes"))
	d.Set("when", py.DateTime{Year: 2024, Month: 5, Day: 6, Hour: 7, Minute: 8, Second: 9, Microsecond: 123456, TZ: py.TimeZone{}})
	d.Set("big", int64(1)<<62)
	if f == flasksession.FormatPickle {
		d.Set("_flashes", &py.List{Items: []py.Value{py.Tuple{"message", "Saved"}}})
		d.Set("tuple", py.Tuple{int64(1), int64(2)})
		d.Set("naive", py.DateTime{Year: 2001, Month: 2, Day: 3, Hour: 4, Minute: 5, Second: 6})
		d.Set("id", py.UUID{Bytes: [16]byte{0x12, 0x34, 0x56, 0x78, 0x12, 0x34, 0x56, 0x78, 0x12, 0x34, 0x56, 0x78, 0x12, 0x34, 0x56, 0x78}})
		price, _ := py.ParseDecimal("9.99")
		d.Set("price", price)
		d.Set("markup", py.Markup("<b>hi</b>"))
	}
	return d
}

// PySample is the repr text Python sets into a session for the
// Python-writes tests: richer than Sample, since Go reads whatever Python
// reads back.
func PySample(f flasksession.Format) string {
	base := `{'user_id': 42, 'name': 'Zoë ☃ 𝄞', 'ratio': 0.1, 'admin': False, 'none': None, ` +
		`'items': [1, 'two', (3, 4)], 'nested': {'a': {'b': [1.5, -7]}}, '_flashes': [('message', 'Saved')]`
	switch f {
	case flasksession.FormatJSON:
		return base + `, 'when': datetime.datetime(2024, 5, 6, 7, 8, 9, tzinfo=datetime.timezone.utc)}`
	case flasksession.FormatMsgpack:
		return base + `, 'raw': b'\x00\xff', 'big': 2**63, 'when': datetime.datetime(2024, 5, 6, 7, 8, 9, 5, tzinfo=datetime.timezone.utc), ` +
			`'naive': datetime.datetime(2001, 2, 3, 4, 5, 6), 'id': UUID('12345678-1234-5678-1234-567812345678'), 'price': Decimal('9.99')}`
	}
	return base + `, 'raw': b'\x00\xff', 'big': 2**70, 'when': datetime.datetime(2024, 5, 6, 7, 8, 9, 5, tzinfo=datetime.timezone.utc), ` +
		`'naive': datetime.datetime(2001, 2, 3, 4, 5, 6), 'id': UUID('12345678-1234-5678-1234-567812345678'), 'price': Decimal('9.99'), ` +
		`'markup': Markup('<b>x</b>'), 'fs': frozenset({1}), 'od': OrderedDict([('b', 1), ('a', 2)])}`
}

// Ctx returns a context that ends with the test.
func Ctx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// CheckCookie compares the cookie Go set with the one Python set for the
// same situation: name, path, domain, HttpOnly, Secure, SameSite, and an
// Expires present on both (within a minute) or on neither.
func CheckCookie(t testing.TB, goC, pyC *http.Cookie) {
	t.Helper()
	if (goC == nil) != (pyC == nil) {
		t.Fatalf("cookie: Go %v, Python %v", goC, pyC)
	}
	if goC == nil {
		return
	}
	if goC.Name != pyC.Name || goC.Path != pyC.Path || goC.Domain != pyC.Domain ||
		goC.HttpOnly != pyC.HttpOnly || goC.Secure != pyC.Secure || goC.SameSite != pyC.SameSite {
		t.Errorf("cookie attributes differ:\n  Go     %s\n  Python %s", goC, pyC)
	}
	if goC.Expires.IsZero() != pyC.Expires.IsZero() {
		t.Errorf("cookie Expires: Go %v, Python %v", goC.Expires, pyC.Expires)
	} else if d := goC.Expires.Sub(pyC.Expires); d > time.Minute || d < -time.Minute {
		t.Errorf("cookie Expires: Go %v, Python %v", goC.Expires, pyC.Expires)
	}
	if strings.Contains(pyC.Value, ".") != strings.Contains(goC.Value, ".") {
		t.Errorf("cookie value: Go %q, Python %q (signed on one side only)", goC.Value, pyC.Value)
	}
}

// B64Encode encodes bytes for the ops.
func B64Encode(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
