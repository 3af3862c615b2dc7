# btsplan: two commands on a fresh Debian or Ubuntu machine with Go.
#   make demo   install PostgreSQL+PostGIS where missing, start a private database under
#               .local/, migrate, load the synthetic demo district and serve API + web map
#   make test   the same database, then go vet and the whole test suite
SHELL := /bin/bash
GO ?= go
ADDR ?= :8080
BIN := bin/btsplan
# staticcheck's releases are on the module proxy as v0.x (v0.8.2 is 2026.1.x).
STATICCHECK := $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2

# Fuzzing: make test runs every Fuzz target for FUZZ_BRIEF; make fuzz for FUZZTIME each.
FUZZTIME ?= 5m
FUZZ_BRIEF ?= 10s
# make load: LOAD_DURATION of mixed checks and submissions at concurrency 8.
LOAD_DURATION ?= 5m

.PHONY: demo test db db-stop build vet lint bench fuzz fuzz-run load tools clean

build:
	$(GO) build -o $(BIN) ./cmd/btsplan

db:
	@data/devdb.sh start >/dev/null

db-stop:
	@data/devdb.sh stop

# tools installs what the tests use as real clients: ogrinfo/ogr2ogr/gdalinfo (gdal-bin),
# and Debian's chromium with playwright-core (web/package.json) for the web map's test.
tools:
	@command -v ogrinfo >/dev/null && command -v gdalinfo >/dev/null || { \
		echo "installing gdal-bin (ogrinfo, ogr2ogr, gdalinfo) for the GIS client tests"; \
		if [ "$$(id -u)" -eq 0 ]; then S=; else S=sudo; fi; \
		$$S apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$S apt-get install -y -qq gdal-bin; }
	@[ -x /usr/bin/chromium ] || { \
		echo "installing chromium for the web map's browser test (go test ./web/)"; \
		if [ "$$(id -u)" -eq 0 ]; then S=; else S=sudo; fi; \
		$$S apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$S apt-get install -y -qq chromium; }
	@command -v npm >/dev/null || { echo "make tools: Node.js 20+ and npm are needed for the browser test" >&2; exit 1; }
	@[ web/node_modules/.package-lock.json -nt web/package-lock.json ] || npm ci --prefix web --no-audit --no-fund

demo: db build
	@export DATABASE_URL="$$(data/devdb.sh url btsplan)"; \
	$(BIN) migrate && $(BIN) demo && $(BIN) serve --addr $(ADDR)

test: db tools
	@export TEST_DATABASE_URL="$$(data/devdb.sh url btsplan_test)" DATABASE_URL="$$(data/devdb.sh url btsplan_test)"; \
	$(GO) vet ./... && $(STATICCHECK) ./... && $(GO) test -count=1 -timeout 20m ./... && \
	$(MAKE) --no-print-directory fuzz-run FUZZTIME=$(FUZZ_BRIEF)

lint: vet
	$(STATICCHECK) ./...

vet:
	$(GO) vet ./...

# Benchmarks are not part of make test: speed and memory targets are checked here.
bench: db
	@export TEST_DATABASE_URL="$$(data/devdb.sh url btsplan_test)"; \
	$(GO) test -run '^$$' -bench . -benchmem -count 5 ./... | tee .local/bench.txt

# bench-gaps runs the gap-analysis benchmarks of issue 9 (the real 3" DEM
# of ../shared, 169 SYNTHETIC sites, 96 villages); each first runs a cold
# analysis, so make bench skips them. Figures in README's Benchmarks.
.PHONY: bench-gaps
bench-gaps: db
	@export TEST_DATABASE_URL="$$(data/devdb.sh url btsplan_test)" BTSPLAN_BENCH_GAPS=1; \
	$(GO) test -run '^$$' -bench 'GapAnalysisCold' -benchtime 1x -timeout 60m ./data/jobs/ | tee .local/bench-gaps.txt && \
	$(GO) test -run '^$$' -bench 'GapAnalysisOneSiteChanged|GapFillWarmTamDao' -benchtime 5x -timeout 60m ./data/jobs/ | tee -a .local/bench-gaps.txt

# fuzz runs every Fuzz target of every package for FUZZTIME (5m by default).
fuzz: db
	@export TEST_DATABASE_URL="$$(data/devdb.sh url btsplan_test)"; \
	$(MAKE) --no-print-directory fuzz-run

# fuzz-run finds the Fuzz targets with go test -list, so a new target is
# fuzzed without editing this file. TEST_DATABASE_URL comes from the caller.
fuzz-run:
	@set -e; for pkg in $$($(GO) list ./...); do \
		for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
			echo "fuzz: $$f in $$pkg for $(FUZZTIME)"; \
			$(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg; \
		done; \
	done

# load serves the demo district from a database of its own (btsplan_load,
# dropped and made anew) on a free loopback port and sends it LOAD_DURATION
# of mixed checks and submissions from 8 clients; it fails below 500 req/s,
# above 100 ms p99, or on any error. The server's log goes to .local/load-serve.log.
load: db build
	@url="$$(data/devdb.sh fresh btsplan_load)"; \
	DATABASE_URL="$$url" $(BIN) migrate >/dev/null && DATABASE_URL="$$url" $(BIN) demo --tokens .local/load-tokens.env >/dev/null && \
	port=$$(( 20000 + RANDOM % 20000 )); \
	DATABASE_URL="$$url" BTSPLAN_LOG_LEVEL=warn $(BIN) serve --addr 127.0.0.1:$$port >.local/load-serve.log 2>&1 & pid=$$!; \
	trap "kill $$pid 2>/dev/null" EXIT; \
	. .local/load-tokens.env; BTSPLAN_TOKEN="$$BTSPLAN_TOKEN_ADMIN" $(BIN) load --url http://127.0.0.1:$$port --wait 60s --duration $(LOAD_DURATION) --concurrency 8 \
		--min-rps 500 --max-p99 100ms

clean:
	rm -rf bin
