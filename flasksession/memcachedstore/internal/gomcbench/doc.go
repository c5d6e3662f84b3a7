// Package gomcbench times memcachedstore beside bradfitz/gomemcache, the
// common Go memcached client, on the same server and values. It is a
// module of its own so that the library does not depend on gomemcache:
//
//	cd flasksession/memcachedstore/internal/gomcbench && go test -bench . -benchmem
package gomcbench
