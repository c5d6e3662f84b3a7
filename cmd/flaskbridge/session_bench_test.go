package main

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/flaskbridge/flaskbridge/flasksession"
	"github.com/flaskbridge/flaskbridge/flasksession/redisstore"
	"github.com/flaskbridge/flaskbridge/pickle"
	"github.com/flaskbridge/flaskbridge/py"
)

// BenchmarkSessionMigrate converts pickled sessions (a Flask-Login session
// with a cart and flashes) to msgpack on the Redis server of
// scripts/services.sh: read, decode, encode and compare-and-swap, one key
// at a time as the command does.
func BenchmarkSessionMigrate(b *testing.B) {
	f := redisFixB(b)
	v, _ := py.ParseLiteral(`{'_permanent': True, '_user_id': '42', '_fresh': True, '_id': 'aa', 'csrf_token': '51c0ae4e', 'cart': [(1, 2), (3, 4)], '_flashes': [('message', 'Saved')], 'when': datetime.datetime(2024, 5, 17, 12, 0, tzinfo=datetime.timezone.utc)}`)
	data, _ := pickle.Marshal(v)
	ctx := context.Background()
	st := redisstore.New(f.c)
	mg := &migration{store: st, cas: st, to: flasksession.FormatMsgpack, write: flasksession.Serializer{Format: flasksession.FormatMsgpack}}
	read := flasksession.Serializer{Format: flasksession.FormatMsgpack}
	keys := make([]string, 256)
	for i := range keys {
		keys[i] = f.prefix + strconv.Itoa(i)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := keys[i%len(keys)]
		if i%len(keys) == 0 {
			b.StopTimer()
			for _, k := range keys {
				f.c.Set(ctx, k, data, time.Hour)
			}
			b.StartTimer()
		}
		if out, reason, err := mg.one(ctx, read, k); err != nil || out != converted {
			b.Fatalf("%d %s %v", out, reason, err)
		}
	}
}
