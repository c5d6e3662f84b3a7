// Package scsbench times alexedwards/scs, the common Go session manager,
// on the requests chimw's benchmarks serve, over the same Redis: a baseline
// for the middleware's per-request cost. It is a module of its own so that
// the library does not depend on scs.
//
//	cd chimw/internal/scsbench && go test -run '^$' -bench . -benchmem
//	cd chimw && go test -run '^$' -bench . -benchmem
package scsbench
