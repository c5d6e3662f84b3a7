package filestore_test

import (
	"context"
	"testing"
	"time"

	"github.com/flaskbridge/flaskbridge/flasksession/filestore"
)

func BenchmarkFileStore(b *testing.B) {
	s, err := filestore.New(b.TempDir(), filestore.Options{})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	value := append([]byte{0x80, 5}, make([]byte, 400)...)
	b.Run("Save", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if err := s.Save(ctx, "session:bench", value, time.Hour); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Load", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, _, err := s.Load(ctx, "session:bench"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Touch", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := s.Touch(ctx, "session:bench", time.Hour); err != nil {
				b.Fatal(err)
			}
		}
	})
}
