package redisstore_test

import (
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/flaskbridge/flaskbridge/flasksession"
	"github.com/flaskbridge/flaskbridge/flasksession/redisstore"
)

// A Manager over a Redis Cluster, for a Flask app on Flask-Session 0.6
// whose SESSION_REDIS is a redis-py RedisCluster. go-redis connects on first
// use, so nothing here needs the cluster.
func Example() {
	client := redis.NewUniversalClient(&redis.UniversalOptions{
		Addrs: []string{"127.0.0.1:7000", "127.0.0.1:7001", "127.0.0.1:7002"}, // several: a cluster
	})
	defer client.Close()
	m, err := flasksession.New(redisstore.New(client), flasksession.Options{Compat: flasksession.Compat06})
	if err != nil {
		panic(err)
	}
	fmt.Println(m.Key("some-session-id"), m.Lifetime())
	// Output: session:some-session-id 744h0m0s
}
