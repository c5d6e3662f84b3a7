package reliability_test

import (
	"context"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/flaskbridge/flaskbridge/flasksession"
	"github.com/flaskbridge/flaskbridge/flasksession/redisstore"
	"github.com/flaskbridge/flaskbridge/internal/faultproxy"
	"github.com/flaskbridge/flaskbridge/internal/services"
)

// clientTimeout is the stores' network timeout in these tests: a server
// that stalls longer than this is a failure.
const clientTimeout = 500 * time.Millisecond

func options() flasksession.Options {
	return flasksession.Options{KeyPrefix: flasksession.String("faults:"), PermanentSessionLifetime: 10 * time.Minute}
}

func newProxy(t *testing.T, target string) *faultproxy.Proxy {
	t.Helper()
	p, err := faultproxy.New(target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func redisOptions(addr string) *redis.Options {
	return &redis.Options{Addr: addr, DialTimeout: clientTimeout, ReadTimeout: clientTimeout, WriteTimeout: clientTimeout,
		MaxRetries: 1, PoolSize: 4}
}

// redisRig is a rig over the Redis at target, reached through a fault
// proxy; the rig's direct store talks to target itself.
func redisRig(t *testing.T, target string, o rigOptions) (*rig, *faultproxy.Proxy) {
	t.Helper()
	p := newProxy(t, target)
	c := redis.NewClient(redisOptions(p.Addr()))
	d := redis.NewClient(&redis.Options{Addr: target})
	t.Cleanup(func() { c.Close(); d.Close() })
	if o.KeyPrefix == nil {
		o.Options = options()
	}
	return newRig(t, redisstore.New(c), redisstore.New(d), o), p
}

// TestFaultRedisRefused: the Redis server stops answering connections
// (the proxy refuses them and resets the open ones).
func TestFaultRedisRefused(t *testing.T) {
	t.Parallel()
	r, p := redisRig(t, services.Redis(t), rigOptions{})
	r.row.Scenario = "Redis down (connections refused)"
	ss := r.logins(3)
	must(t, p.Refuse())
	r.hammer(ss)
	r.intact(ss)
	must(t, p.Pass())
	r.resume(ss)
}

// TestFaultRedisKilled: the Redis server process is killed (SIGKILL) and
// started again on the same port with its data.
func TestFaultRedisKilled(t *testing.T) {
	t.Parallel()
	srv := startRedis(t)
	c := redis.NewClient(redisOptions(srv.addr()))
	t.Cleanup(func() { c.Close() })
	d := redis.NewClient(&redis.Options{Addr: srv.addr()})
	t.Cleanup(func() { d.Close() })
	r := newRig(t, redisstore.New(c), redisstore.New(d), rigOptions{Options: options()})
	r.row.Scenario = "Redis server killed and restarted"
	ss := r.logins(3)
	srv.kill()
	r.hammer(ss)
	srv.start()
	r.intact(ss)
	r.resume(ss)
}

// TestFaultRedisSlow: every byte to and from Redis is held longer than the
// client's timeout.
func TestFaultRedisSlow(t *testing.T) {
	t.Parallel()
	r, p := redisRig(t, services.Redis(t), rigOptions{})
	r.row.Scenario = "Redis slow (replies 4x later than the client timeout)"
	ss := r.logins(3)
	must(t, p.Delay(4*clientTimeout))
	r.hammer(ss)
	must(t, p.Pass())
	r.intact(ss)
	r.resume(ss)
}

// TestFaultRedisBlackhole: Redis stops answering without closing anything.
func TestFaultRedisBlackhole(t *testing.T) {
	t.Parallel()
	r, p := redisRig(t, services.Redis(t), rigOptions{})
	r.row.Scenario = "Redis unreachable (black hole)"
	ss := r.logins(2)
	must(t, p.Blackhole())
	r.hammer(ss)
	must(t, p.Pass())
	r.intact(ss)
	r.resume(ss)
}

// TestFaultRedisCutReply: each reply is cut after a few bytes and the
// connection reset.
func TestFaultRedisCutReply(t *testing.T) {
	t.Parallel()
	r, p := redisRig(t, services.Redis(t), rigOptions{})
	r.row.Scenario = "Redis reply cut after 8 bytes, connection reset"
	ss := r.logins(3)
	must(t, p.Truncate(8))
	r.hammer(ss)
	must(t, p.Pass())
	r.intact(ss)
	r.resume(ss)
}

// TestFaultRedisResetMidRequest: the connection is reset after the
// session was read and before it is saved, so the save fails.
func TestFaultRedisResetMidRequest(t *testing.T) {
	t.Parallel()
	for _, v := range []struct {
		name  string
		lazy  bool
		merge bool
	}{{"eager", false, false}, {"lazy", true, false}, {"MergeWrites", false, true}} {
		t.Run(v.name, func(t *testing.T) {
			o := options()
			o.MergeWrites = v.merge
			r, p := redisRig(t, services.Redis(t), rigOptions{Options: o, Lazy: v.lazy})
			r.row.Scenario = "Redis reset between load and save (" + v.name + ")"
			ss := r.logins(3)
			for _, s := range ss {
				for _, path := range []string{"/incr", "/read"} {
					method := "POST"
					if path == "/read" {
						method = "GET"
					}
					r.onNextRequest(func() { p.Reset() })
					r.faulty(s, method, path)
					must(t, p.Pass())
				}
			}
			r.intact(ss)
			r.resume(ss)
		})
	}
}

// TestFaultRedisSentinelFailover: the master of a Sentinel setup is killed
// and Sentinel promotes its replica; the failover client follows.
func TestFaultRedisSentinelFailover(t *testing.T) {
	t.Parallel()
	master := startRedis(t)
	replica := startRedis(t, "--replicaof", "127.0.0.1", itoa(master.port))
	sentinel := startSentinel(t, "faults", master.addr())
	waitFor(t, 10*time.Second, "the replica in sync", func() bool {
		info, _ := redis.NewClient(&redis.Options{Addr: replica.addr()}).Info(context.Background(), "replication").Result()
		return contains(info, "master_link_status:up")
	})
	waitFor(t, 10*time.Second, "the sentinel to see the replica", func() bool {
		c := redis.NewSentinelClient(&redis.Options{Addr: sentinel.addr()})
		defer c.Close()
		rs, err := c.Replicas(context.Background(), "faults").Result()
		return err == nil && len(rs) == 1
	})
	fc := redis.NewFailoverClient(&redis.FailoverOptions{MasterName: "faults", SentinelAddrs: []string{sentinel.addr()},
		DialTimeout: clientTimeout, ReadTimeout: clientTimeout, WriteTimeout: clientTimeout, MaxRetries: 1, PoolSize: 4})
	t.Cleanup(func() { fc.Close() })
	store := redisstore.New(fc)
	r := newRig(t, store, store, rigOptions{Options: options()})
	r.row.Scenario = "Sentinel failover (master killed, replica promoted)"
	ss := r.logins(3)
	// Redis replicates asynchronously: wait until the replica has every
	// write, as a failover that loses acknowledged writes is Redis's doing.
	mc := redis.NewClient(&redis.Options{Addr: master.addr()})
	if n, err := mc.Wait(context.Background(), 1, 5000).Result(); err != nil || n != 1 {
		t.Fatalf("WAIT: %d, %v", n, err)
	}
	mc.Close()
	master.kill()
	killed := time.Now()
	deadline := killed.Add(20 * time.Second)
	// Requests in turn until the sessions are served again: each fails
	// cleanly or is served as it was.
	for i := 0; ; i++ {
		if !r.faultyOrServed(ss[i%len(ss)], "GET", "/read") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no failover within 20 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	r.row.Recovery = time.Since(killed)
	r.intact(ss)
	r.resume(ss)
	addr, err := redis.NewSentinelClient(&redis.Options{Addr: sentinel.addr()}).GetMasterAddrByName(context.Background(), "faults").Result()
	if err != nil || len(addr) != 2 || addr[1] != itoa(replica.port) {
		t.Errorf("master after the failover: %v, %v; want the replica at %s", addr, err, replica.addr())
	}
}

// TestFaultRedisClusterNodeLost: one master of the Redis Cluster becomes
// unreachable (a proxy between the client and that node turns into a
// black hole; the node itself, shared with other tests, keeps running).
// Sessions on the other masters are served throughout.
func TestFaultRedisClusterNodeLost(t *testing.T) {
	t.Parallel()
	addrs := services.RedisCluster(t)
	direct := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs})
	t.Cleanup(func() { direct.Close() })
	ctx := context.Background()
	direct.ReloadState(ctx)
	victim := addrs[0]
	p := newProxy(t, victim)
	var dialer net.Dialer
	cc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs,
		DialTimeout: clientTimeout, ReadTimeout: clientTimeout, WriteTimeout: clientTimeout, MaxRetries: 1, MaxRedirects: 1,
		Dialer: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if addr == victim {
				addr = p.Addr()
			}
			return dialer.DialContext(ctx, network, addr)
		}})
	t.Cleanup(func() { cc.Close() })
	r := newRig(t, redisstore.New(cc), redisstore.New(direct), rigOptions{Options: options()})
	r.row.Scenario = "Redis Cluster: one of 3 masters unreachable (black hole)"
	var lost, kept []*sess
	for i := 0; len(lost) < 2 || len(kept) < 2; i++ {
		if i > 60 {
			t.Fatal("no sessions on both sides of the cluster")
		}
		s := r.login("user" + itoa(i))
		node, err := direct.MasterForKey(ctx, s.key)
		must(t, err)
		if node.Options().Addr == victim {
			lost = append(lost, s)
		} else {
			kept = append(kept, s)
		}
	}
	must(t, p.Blackhole())
	r.hammer(lost)
	for _, s := range kept {
		for _, m := range []string{"GET", "POST"} {
			path := "/read"
			if m == "POST" {
				path = "/incr"
			}
			// A master that is up serves its sessions (a second try is
			// allowed, for a moment slower than the client's timeout on
			// the shared machine).
			served := false
			for try := 0; try < 2 && !served; try++ {
				served = !r.faultyOrServed(s, m, path)
			}
			if !served {
				t.Errorf("session %s on a master that is up was not served", s.user)
			}
		}
	}
	must(t, p.Pass())
	r.intact(append(lost, kept...))
	r.resume(append(lost, kept...))
}

// TestFaultRedisGarbage: a Redis value that no serializer reads (garbage
// bytes, a value cut short) fails the request and stays as it is.
func TestFaultRedisGarbage(t *testing.T) {
	t.Parallel()
	addr := services.Redis(t)
	c := redis.NewClient(&redis.Options{Addr: addr})
	t.Cleanup(func() { c.Close() })
	store := redisstore.New(c)
	r := newRig(t, store, store, rigOptions{Options: options()})
	r.row.Scenario = "Redis value corrupted (garbage bytes, value cut short)"
	corrupt(t, r, func(s *sess, data []byte) {
		must(t, store.Save(context.Background(), s.key, data, time.Minute))
	})
}

// corrupt replaces the stored value of sessions with garbage and with a
// prefix of itself, through put, and checks that reads and writes of them
// fail cleanly and leave the bytes, while other sessions are served.
func corrupt(t *testing.T, r *rig, put func(*sess, []byte)) {
	t.Helper()
	ss := r.logins(3)
	bad := ss[:2]
	put(bad[0], []byte("\x00\xffnot a session\x93\x01"))
	put(bad[1], bad[1].stored[:len(bad[1].stored)/2])
	for _, s := range bad {
		s.stored, _ = r.load(s)
	}
	r.hammer(bad)
	r.intact(bad)
	r.resume(ss[2:])
	// The browser without a cookie gets a new session.
	if a := r.do("POST", "/incr", ""); a.code != http.StatusOK || a.cookie == "" {
		t.Errorf("new session beside corrupted ones: %d %q", a.code, a.body)
	}
}
