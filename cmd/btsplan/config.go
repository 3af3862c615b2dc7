package main

import (
	"fmt"
	"strconv"
	"time"

	"btsplan/geo/coverage"
	"btsplan/planning"
)

// config holds every setting. Each has a default and an environment
// variable; only DATABASE_URL has no default.
type config struct {
	DatabaseURL   string        // DATABASE_URL
	Addr          string        // BTSPLAN_ADDR, default ":8080"
	LogLevel      string        // BTSPLAN_LOG_LEVEL: debug, info, warn, error
	QueryTimeout  time.Duration // BTSPLAN_QUERY_TIMEOUT, default 5s
	MaxBodyBytes  int64         // BTSPLAN_MAX_BODY_BYTES, default 1 MiB (proposals, checks)
	MaxLayerBytes int64         // BTSPLAN_MAX_LAYER_BYTES, default 512 MiB (layer uploads)
	DBMaxConns    int32         // BTSPLAN_DB_MAX_CONNS, default 16
	RulesDir      string        // BTSPLAN_RULES_DIR: province rule files; "" uses only the shipped set
	DataDir       string        // BTSPLAN_DATA_DIR, default ".local/data": DEM tiles and rasters
	WebDir        string        // BTSPLAN_WEB_DIR: serve the web map from disk instead of the embedded copy
	// Coverage is the coverage service's budget of concurrency:
	// BTSPLAN_COVERAGE_CONCURRENT (default 1), BTSPLAN_COVERAGE_MAX_WAITING
	// (default 8) and BTSPLAN_COVERAGE_WORKERS (default GOMAXPROCS-1, at
	// least 1, so that a coverage leaves a core to checks and PostgreSQL).
	Coverage planning.CoverageConfig
}

// envVar documents one setting for --help and README.
type envVar struct {
	name, def, help string
}

var settings = []envVar{
	{"DATABASE_URL", "", "PostgreSQL/PostGIS connection URL (required)"},
	{"BTSPLAN_ADDR", ":8080", "listen address of serve"},
	{"BTSPLAN_LOG_LEVEL", "info", "debug, info, warn or error"},
	{"BTSPLAN_QUERY_TIMEOUT", "5s", "timeout of each database query"},
	{"BTSPLAN_MAX_BODY_BYTES", "1048576", "largest proposal or check body"},
	{"BTSPLAN_MAX_LAYER_BYTES", "536870912", "largest layer upload"},
	{"BTSPLAN_DB_MAX_CONNS", "16", "database pool size"},
	{"BTSPLAN_RULES_DIR", "", "folder of province rule files (*.yaml, *.json)"},
	{"BTSPLAN_DATA_DIR", ".local/data", "folder for DEM tiles and coverage rasters"},
	{"BTSPLAN_COVERAGE_CONCURRENT", "1", "coverages computed at once"},
	{"BTSPLAN_COVERAGE_MAX_WAITING", "8", "coverage requests that may wait for a turn; more get 503"},
	{"BTSPLAN_COVERAGE_WORKERS", "GOMAXPROCS-1", "goroutines of one coverage computation"},
}

func loadConfig(getenv func(string) string) (config, error) {
	get := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	c := config{
		DatabaseURL: getenv("DATABASE_URL"),
		Addr:        get("BTSPLAN_ADDR", ":8080"),
		LogLevel:    get("BTSPLAN_LOG_LEVEL", "info"),
		RulesDir:    getenv("BTSPLAN_RULES_DIR"),
		DataDir:     get("BTSPLAN_DATA_DIR", ".local/data"),
		WebDir:      getenv("BTSPLAN_WEB_DIR"),
	}
	var err error
	if c.QueryTimeout, err = time.ParseDuration(get("BTSPLAN_QUERY_TIMEOUT", "5s")); err != nil {
		return c, fmt.Errorf("BTSPLAN_QUERY_TIMEOUT: %w", err)
	}
	if c.MaxBodyBytes, err = strconv.ParseInt(get("BTSPLAN_MAX_BODY_BYTES", "1048576"), 10, 64); err != nil {
		return c, fmt.Errorf("BTSPLAN_MAX_BODY_BYTES: %w", err)
	}
	if c.MaxLayerBytes, err = strconv.ParseInt(get("BTSPLAN_MAX_LAYER_BYTES", "536870912"), 10, 64); err != nil {
		return c, fmt.Errorf("BTSPLAN_MAX_LAYER_BYTES: %w", err)
	}
	n, err := strconv.ParseInt(get("BTSPLAN_DB_MAX_CONNS", "16"), 10, 32)
	if err != nil {
		return c, fmt.Errorf("BTSPLAN_DB_MAX_CONNS: %w", err)
	}
	c.DBMaxConns = int32(n)
	for _, k := range []struct {
		name, def string
		dst       *int
	}{
		{"BTSPLAN_COVERAGE_CONCURRENT", "1", &c.Coverage.MaxConcurrent},
		{"BTSPLAN_COVERAGE_MAX_WAITING", "8", &c.Coverage.MaxWaiting},
		{"BTSPLAN_COVERAGE_WORKERS", strconv.Itoa(planning.DefaultCoverageWorkers()), &c.Coverage.Workers},
	} {
		v, err := strconv.Atoi(get(k.name, k.def))
		if err != nil || v < 1 || v > coverage.MaxWorkers {
			return c, fmt.Errorf("%s: %q is not a whole number in 1..%d", k.name, get(k.name, k.def), coverage.MaxWorkers)
		}
		*k.dst = v
	}
	return c, c.validate()
}

func (c config) validate() error {
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("BTSPLAN_LOG_LEVEL: %q is not debug, info, warn or error", c.LogLevel)
	}
	if c.QueryTimeout <= 0 {
		return fmt.Errorf("BTSPLAN_QUERY_TIMEOUT: %v must be positive", c.QueryTimeout)
	}
	if c.MaxBodyBytes <= 0 || c.MaxLayerBytes <= 0 {
		return fmt.Errorf("body limits must be positive")
	}
	if c.DBMaxConns <= 0 {
		return fmt.Errorf("BTSPLAN_DB_MAX_CONNS: %d must be positive", c.DBMaxConns)
	}
	return nil
}

// needDB reports a clear error when DATABASE_URL is missing.
func (c config) needDB() error {
	if c.DatabaseURL == "" {
		return fmt.Errorf("DATABASE_URL is not set (make demo sets it; or export DATABASE_URL=postgres://user@host:port/db)")
	}
	return nil
}
