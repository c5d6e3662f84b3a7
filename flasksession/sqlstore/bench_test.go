package sqlstore_test

import (
	"testing"
	"time"

	"github.com/flaskbridge/flaskbridge/flasksession/internal/storetest"
	"github.com/flaskbridge/flaskbridge/flasksession/sqlstore"
)

// Statements against the loopback PostgreSQL and MariaDB of
// scripts/services.sh and a SQLite file.
func BenchmarkSQL(b *testing.B) {
	for _, d := range dialects {
		b.Run(string(d), func(b *testing.B) {
			f := newFixture(b, d, sqlstore.Options{})
			s := f.store
			ctx := storetest.Ctx(b)
			key := "session:bench"
			value := make([]byte, 400)
			b.Run("Save", func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					if err := s.Save(ctx, key, value, time.Hour); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("Load", func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					if _, _, err := s.Load(ctx, key); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("Touch", func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					if _, err := s.Touch(ctx, key, time.Hour); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
