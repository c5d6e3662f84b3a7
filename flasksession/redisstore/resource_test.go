package redisstore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/flaskbridge/flaskbridge/flasksession"
	"github.com/flaskbridge/flaskbridge/flasksession/internal/storetest"
	"github.com/flaskbridge/flaskbridge/internal/testalloc"
)

// TestResourceValueSize: an entry of 256 MiB (made on the server with
// SETRANGE, so that the test does not send it) under a limit of 1 MiB is
// ErrTooLarge, with one byte past the limit read: a load allocates about
// the limit, not the entry. Through a Manager with MaxValueSize, Open
// fails the same way.
func TestResourceValueSize(t *testing.T) {
	const size, limit = 256 << 20, 1 << 20
	s, _ := standalone(t)
	ctx := storetest.Ctx(t)
	prefix := storetest.Prefix()
	key := prefix + "huge"
	if err := s.Client().SetRange(ctx, key, size-1, "x").Err(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Delete(context.Background(), key) })
	var (
		found bool
		err   error
	)
	perCall := testalloc.PerCall(5, func() { _, found, err = s.LoadBounded(ctx, key, limit) })
	if !errors.Is(err, flasksession.ErrTooLarge) || found {
		t.Fatalf("256 MiB with a 1 MiB limit: %v %v", found, err)
	}
	t.Logf("%d bytes allocated per load: %v", perCall, err)
	if perCall > 2*limit {
		t.Errorf("%d bytes allocated per load, over %d", perCall, 2*limit)
	}
	m, err := flasksession.New(s, flasksession.Options{KeyPrefix: flasksession.String(prefix), MaxValueSize: limit})
	if err != nil {
		t.Fatal(err)
	}
	perCall = testalloc.PerCall(5, func() { _, err = m.Open(ctx, "huge") })
	if !errors.Is(err, flasksession.ErrTooLarge) || !errors.Is(err, flasksession.ErrStore) {
		t.Fatalf("Open: %v, want ErrTooLarge and ErrStore", err)
	}
	if perCall > 2*limit {
		t.Errorf("%d bytes allocated per Open, over %d", perCall, 2*limit)
	}
}
