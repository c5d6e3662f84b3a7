package wzcookie

import (
	"net/http"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/flaskbridge/flaskbridge/internal/pyharness"
)

var values = []string{
	"", "plain", "a|b", "42|0123abcdef", "with space", `quote"d`, `back\slash`, "semi;colon", "com,ma",
	"caf\u00e9", "\x01\x19\x1a\x1f\x7f", "tab\there", "eq=uals", "{}[]<>@:?", "snow\u2603man",
}

// TestDumpMatchesWerkzeug compares Append with werkzeug.http.dump_cookie.
func TestDumpMatchesWerkzeug(t *testing.T) {
	h := pyharness.Start(t, "login31")
	exp := time.Date(2027, 1, 2, 3, 4, 5, 0, time.UTC)
	cookies := []Cookie{
		{Name: "session", Value: "abc.def", Path: "/", MaxAge: -1, HTTPOnly: true},
		{Name: "session", Value: "x", Path: "/", MaxAge: -1, Expires: exp, HTTPOnly: true, SameSite: "Lax"},
		{Name: "session", Path: "/", Expires: Epoch, MaxAge: 0, Secure: true, HTTPOnly: true, Partitioned: true, SameSite: "None"},
		{Name: "remember_token", Value: "7|ff", Domain: "example.com", Path: "/a b/ü;", MaxAge: -1, Expires: exp},
		{Name: "n", Value: "v", MaxAge: 3600, Expires: exp, Path: "/"},
	}
	for _, v := range values {
		cookies = append(cookies, Cookie{Name: "c", Value: v, Path: "/", MaxAge: -1})
	}
	for _, c := range cookies {
		args := map[string]any{
			"key": c.Name, "value": c.Value, "path": c.Path, "secure": c.Secure, "httponly": c.HTTPOnly,
			"partitioned": c.Partitioned,
		}
		if c.Path == "" {
			args["path"] = nil
		}
		if c.Domain != "" {
			args["domain"] = c.Domain
		}
		if !c.Expires.IsZero() {
			args["expires"] = c.Expires.Unix()
		}
		if c.MaxAge >= 0 {
			args["max_age"] = c.MaxAge
		}
		if c.SameSite != "" {
			args["samesite"] = c.SameSite
		}
		var out struct{ Header string }
		h.MustCall(t, "interop.dump_cookie", args, &out)
		if got := c.String(); got != out.Header {
			t.Errorf("%+v:\n got %q\nwant %q", c, got, out.Header)
		}
	}
}

// TestGetMatchesWerkzeug compares Get with werkzeug.http.parse_cookie.
func TestGetMatchesWerkzeug(t *testing.T) {
	h := pyharness.Start(t, "login31")
	headers := []string{
		"a=1; b=2", " a = 1 ;b=2", `a="x\"y\\z\054\073"; b=3`, `a="unterminated; a=2`, "a; a=2", "=x; a=3",
		`a="q"x; a=4`, "a=caf\xe9", `a="caf\303\251"`, `a="\377"`, "x=1;;a=5", "a=\t1\t;", `a="\"`, "a=b=c",
	}
	for _, v := range values {
		headers = append(headers, "a="+string(AppendValue(nil, v)))
	}
	for _, hdr := range headers {
		var out struct {
			Pairs [][2]string
			Error string
		}
		latin := make([]rune, len(hdr))
		for i := 0; i < len(hdr); i++ {
			latin[i] = rune(hdr[i])
		}
		h.MustCall(t, "interop.parse_cookie", map[string]any{"header_latin1": string(latin)}, &out)
		want, wantOK := "", false
		for _, p := range out.Pairs {
			if p[0] == "a" {
				want, wantOK = p[1], true
				break
			}
		}
		got, ok := Get(http.Header{"Cookie": {hdr}}, "a")
		if got != want || ok != wantOK {
			t.Errorf("%q: got %q %v, want %q %v", hdr, got, ok, want, wantOK)
		}
	}
}

func TestNorm(t *testing.T) {
	if s, err := NormSameSite("strict"); s != "Strict" || err != nil {
		t.Errorf("%q %v", s, err)
	}
	if _, err := NormSameSite("sometimes"); err == nil {
		t.Error("bad SameSite accepted")
	}
	if d, err := NormDomain("..example.com:8080"); d != "example.com" || err != nil {
		t.Errorf("%q %v", d, err)
	}
	if _, err := NormDomain("exämple.com"); err == nil {
		t.Error("non-ASCII domain accepted")
	}
}

func FuzzGet(f *testing.F) {
	for _, v := range values {
		f.Add("a=" + string(AppendValue(nil, v)))
	}
	f.Add(`a="x\`)
	f.Fuzz(func(t *testing.T, hdr string) {
		Get(http.Header{"Cookie": {hdr}}, "a")
	})
}

// FuzzRoundTrip: what Append writes for a UTF-8 value, Get reads back.
func FuzzRoundTrip(f *testing.F) {
	for _, v := range values {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if !utf8.ValidString(v) {
			return
		}
		got, ok := Get(http.Header{"Cookie": {"a=" + string(AppendValue(nil, v))}}, "a")
		if !ok || got != v {
			t.Fatalf("%q: got %q %v", v, got, ok)
		}
	})
}
