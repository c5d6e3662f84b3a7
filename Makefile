# flaskbridge: the commands of the README.
#
#   make test    install what the tests need, then run every test (Go, cross-language, lint)
#   make lint    gofmt, go vet, staticcheck
#   make fuzz    run every fuzz target for FUZZTIME (default 30s) each;
#                FUZZ_TARGETS=regex picks some, FUZZ_PARALLEL=n the workers
#                (see scripts/fuzz.sh)
#   make bench   flaskbridge against Flask, CPython and the Go alternatives in one
#                run: docs/performance.md and its chart (BENCH_COUNT, BENCH_TIME,
#                E2E_DURATION: see scripts/bench.sh)
#   make compat  rerun the cross-language tests and regenerate the README's compatibility tables
#   make soak    Flask-Session under gunicorn and Go on the same sessions, SOAK (default 5m)
#                per mode: lost updates (docs/reliability.md)
#   make load    wrk against the shared-login example's Go front on Redis sessions (TARGET=server:
#                chimw alone), DURATION (default 60s) at each of CONNECTIONS (default
#                "8 32 128"): see scripts/load.sh
#   make demo    the shared-login example: Flask and a Go front on loopback, STORE=cookie|DIR|redis://...

SHELL := /bin/bash
GO ?= go
FUZZTIME ?= 30s
STATICCHECK := $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: test deps lint gotest compat fuzz bench soak load demo

test: deps lint gotest

# Everything the tests talk to: the pinned Python venvs, and the servers
# of the store tests (Redis, Sentinel, Redis Cluster, memcached, PostgreSQL,
# MariaDB on loopback; `scripts/services.sh stop` stops them).
deps:
	scripts/setup-python.sh
	scripts/services.sh start
	scripts/setup-apt.sh

lint:
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(STATICCHECK) ./...
	cd internal/perf && $(GO) vet ./... && $(STATICCHECK) ./...
	cd flasksession/memcachedstore/internal/gomcbench && $(GO) vet ./... && $(STATICCHECK) ./...

# The cross-language tests log what they showed to $(COMPAT_LOG); the
# README's compatibility tables must be the ones that log gives
# (`make compat` rewrites them after a full run).
COMPAT_LOG := $(CURDIR)/artifacts/compat.jsonl
# Tests that need Python, the servers or the browser fail instead of skipping.
REQUIRE := FLASKBRIDGE_REQUIRE_PYTHON=1 FLASKBRIDGE_REQUIRE_SERVICES=1 FLASKBRIDGE_REQUIRE_BROWSER=1
COMPAT_GEN := $(GO) run ./internal/compat/gen -log $(COMPAT_LOG) -readme README.md

gotest:
	mkdir -p $(dir $(COMPAT_LOG)) && rm -f $(COMPAT_LOG)
	$(REQUIRE) FLASKBRIDGE_COMPAT_LOG=$(COMPAT_LOG) $(GO) test -race -count=1 -timeout 30m ./...
	cd internal/perf && $(REQUIRE) $(GO) test -race -count=1 ./...
	$(COMPAT_GEN) -check

# Only the packages that log compatibility results.
compat: deps
	mkdir -p $(dir $(COMPAT_LOG)) && rm -f $(COMPAT_LOG)
	$(REQUIRE) FLASKBRIDGE_COMPAT_LOG=$(COMPAT_LOG) $(GO) test -count=1 -timeout 30m ./compat_test/ ./flasksession/...
	$(COMPAT_GEN)

fuzz:
	scripts/fuzz.sh $(FUZZTIME)

bench:
	scripts/bench.sh

SOAK ?= 5m

soak: deps
	FLASKBRIDGE_REQUIRE_PYTHON=1 FLASKBRIDGE_REQUIRE_SERVICES=1 FLASKBRIDGE_SOAK=$(SOAK) \
		$(GO) test -count=1 -v -run TestConcurrentWithFlask -timeout 4h ./internal/reliability/

load:
	scripts/load.sh

# The shared-login example (examples/shared-login/README.md) on loopback until
# Ctrl-C. STORE: cookie, a directory, or redis://127.0.0.1:16379/0 (default:
# the Flask-Session directory of its config.toml).
demo:
	examples/shared-login/demo.sh $(if $(STORE),--store '$(STORE)')
