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

.PHONY: demo test db db-stop build vet lint bench fuzz tools clean

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
	$(GO) vet ./... && $(STATICCHECK) ./... && $(GO) test -count=1 -timeout 20m ./...

lint: vet
	$(STATICCHECK) ./...

vet:
	$(GO) vet ./...

# Benchmarks are not part of make test: speed and memory targets are checked here.
bench: db
	@export TEST_DATABASE_URL="$$(data/devdb.sh url btsplan_test)"; \
	$(GO) test -run '^$$' -bench . -benchmem -count 5 ./... | tee .local/bench.txt

fuzz:
	@echo "no fuzz targets yet"

clean:
	rm -rf bin
