package sharedlogin

import (
	"bytes"
	"html/template"
	"math/rand/v2"
	"testing"

	"github.com/flaskbridge/flaskbridge/chimw"
)

// reference are the pages as html/template templates: what pages.go must
// write, byte for byte, escaping included.
var reference = template.Must(template.New("").Funcs(template.FuncMap{
	"markup": func(s string) template.HTML { return template.HTML(s) },
}).ParseGlob("testdata/templates/*.html"))

// hostile are strings that need every escape html/template makes, and some
// that need none.
var hostile = []string{
	"", "alice", "Alice Liddell", "<script>alert(1)</script>", `" onmouseover="x`, "' or '1'='1",
	"a+b=c & d", "\x00nul", "tab\tnew\nline", "é ünïcode · ✓", "\xff\xfe invalid \xc3", "&amp; already",
	"javascript:alert(1)", "}}{{.Name}}", "\uFFFD\u2028\u2029", "x>y<z",
}

func randomText(r *rand.Rand) string {
	const alphabet = "ab <>&\"'+=\x00\n\t/é·\xff"
	b := make([]byte, r.IntN(24))
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

func TestPagesMatchHTMLTemplate(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var cases []page
	for i, s := range hostile {
		other := hostile[(i+3)%len(hostile)]
		cases = append(cases, page{
			Title: s, UserID: s, Name: other, Fresh: i%2 == 0, CSRF: other, Store: s, Error: other,
			Notes:   make([]string, i),
			Flashes: []chimw.Flashed{{Category: s, Message: other, Markup: i%3 == 0}, {Category: "info", Message: s}},
		})
	}
	for i := 0; i < 500; i++ {
		p := page{
			Title: randomText(r), UserID: randomText(r), Name: randomText(r), Fresh: r.IntN(2) == 0,
			CSRF: randomText(r), Store: randomText(r), Error: randomText(r), Notes: make([]string, r.IntN(12)),
		}
		for n := r.IntN(3); n > 0; n-- {
			p.Flashes = append(p.Flashes, chimw.Flashed{Category: randomText(r), Message: randomText(r), Markup: r.IntN(2) == 0})
		}
		cases = append(cases, p)
	}
	pages := []struct {
		template string
		write    func(*page) []byte
	}{{"profile.html", profilePage}, {"error.html", errorPage}}
	for i, p := range cases {
		for _, pg := range pages {
			var want bytes.Buffer
			if err := reference.ExecuteTemplate(&want, pg.template, p); err != nil {
				t.Fatal(err)
			}
			if got := pg.write(&p); !bytes.Equal(got, want.Bytes()) {
				t.Fatalf("case %d, %s: page %q\nhtml/template %q", i, pg.template, got, want.Bytes())
			}
		}
	}
}

func BenchmarkProfilePage(b *testing.B) {
	p := page{Title: "Profile", UserID: "alice", Name: "Alice Liddell", CSRF: "ImFiYzEyMyI.Z0x1Yg.abcdefghijklmnopqrstuvwx", Store: "redis"}
	b.Run("writer", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			profilePage(&p)
		}
	})
	b.Run("html/template", func(b *testing.B) {
		b.ReportAllocs()
		var buf bytes.Buffer
		for b.Loop() {
			buf.Reset()
			reference.ExecuteTemplate(&buf, "profile.html", p)
		}
	})
}
