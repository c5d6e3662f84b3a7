package flasksession_test

import (
	"context"
	"testing"

	"github.com/flaskbridge/flaskbridge/flasksession"
	"github.com/flaskbridge/flaskbridge/py"
)

// benchSession is a typical logged-in session: Flask-Login's keys, a CSRF
// token, flashes and a few app values.
func benchSession() *py.Dict {
	return py.DictOf(
		"_permanent", true,
		"_user_id", "42",
		"_fresh", true,
		"_id", "c0ffee1234567890c0ffee1234567890c0ffee1234567890c0ffee1234567890c0ffee1234567890c0ffee1234567890c0ffee1234567890c0ffee12345678",
		"csrf_token", "3f1a9c0b5e7d2f4a6c8e0b1d3f5a7c9e1b3d5f7a",
		"cart", &py.List{Items: []py.Value{int64(101), int64(202), int64(303)}},
		"locale", "en_GB",
		"_flashes", &py.List{Items: []py.Value{py.Tuple{"message", "Welcome back!"}}},
	)
}

// BenchmarkOpenCommit is one request that reads a stored session and
// changes it, per format, over a map store (no I/O).
func BenchmarkOpenCommit(b *testing.B) {
	for _, f := range []flasksession.Format{flasksession.FormatMsgpack, flasksession.FormatJSON, flasksession.FormatPickle} {
		b.Run(string(f), func(b *testing.B) {
			ctx := context.Background()
			st := newMem()
			compat := flasksession.Compat08
			if f == flasksession.FormatPickle {
				compat = flasksession.Compat06
			}
			m, err := flasksession.New(st, flasksession.Options{Compat: compat, SerializationFormat: formatFor(f), UseSigner: true, SecretKey: "k"})
			if err != nil {
				b.Fatal(err)
			}
			sid := m.NewID()
			if err := m.Write(ctx, sid, benchSession()); err != nil {
				b.Fatal(err)
			}
			cookie := m.CookieValue(sid)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				s, err := m.Open(ctx, cookie)
				if err != nil {
					b.Fatal(err)
				}
				s.Set("locale", "en_GB")
				if _, err := m.Commit(ctx, s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func formatFor(f flasksession.Format) flasksession.Format {
	if f == flasksession.FormatPickle {
		return ""
	}
	return f
}

// BenchmarkOpenReadOnly is a request that only reads: decode and a touch.
func BenchmarkOpenReadOnly(b *testing.B) {
	ctx := context.Background()
	m, _ := flasksession.New(newMem(), flasksession.Options{})
	sid := m.NewID()
	m.Write(ctx, sid, benchSession())
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		s, err := m.Open(ctx, sid)
		if err != nil {
			b.Fatal(err)
		}
		s.Get("_user_id")
		if _, err := m.Commit(ctx, s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseSignedCookie(b *testing.B) {
	m, _ := flasksession.New(newMem(), flasksession.Options{UseSigner: true, SecretKey: "k"})
	cookie := m.CookieValue(m.NewID())
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := m.ParseCookie(cookie); err != nil {
			b.Fatal(err)
		}
	}
}
