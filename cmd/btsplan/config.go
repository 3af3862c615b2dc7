package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"btsplan/api"
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
	MaxAttachment int64         // BTSPLAN_MAX_ATTACHMENT_BYTES, default 20 MiB (a case's attachments)
	DBMaxConns    int32         // BTSPLAN_DB_MAX_CONNS, default 16
	RulesDir      string        // BTSPLAN_RULES_DIR: province rule files; "" uses only the shipped set
	DataDir       string        // BTSPLAN_DATA_DIR, default ".local/data": DEM tiles and rasters
	WebDir        string        // BTSPLAN_WEB_DIR: serve the web map from disk instead of the embedded copy
	RadioDir      string        // BTSPLAN_RADIO_DIR: province radio defaults files; "" uses only the shipped set

	ReadHeaderTimeout time.Duration // BTSPLAN_READ_HEADER_TIMEOUT, default 10s
	ReadTimeout       time.Duration // BTSPLAN_READ_TIMEOUT, default 30s: a request's body
	WriteTimeout      time.Duration // BTSPLAN_WRITE_TIMEOUT, default 2m: a request's answer
	IdleTimeout       time.Duration // BTSPLAN_IDLE_TIMEOUT, default 2m: a kept-alive connection
	UploadTimeout     time.Duration // BTSPLAN_UPLOAD_TIMEOUT, default 15m: a layer upload, in and out
	UploadMinRate     int64         // BTSPLAN_UPLOAD_MIN_RATE, default 65536 bytes/s after READ_TIMEOUT
	StreamTimeout     time.Duration // BTSPLAN_STREAM_TIMEOUT, default 10m: a streamed export
	MaxInFlight       int           // BTSPLAN_MAX_IN_FLIGHT, default 64 requests at once
	CORSOrigins       []string      // BTSPLAN_CORS_ORIGINS: comma-separated exact origins; "" sends no CORS headers
	Workers           int           // BTSPLAN_WORKERS, default 1: job-queue workers of serve and worker
	ShareDistanceM    float64       // BTSPLAN_SHARE_DISTANCE_M, default 500: towers offered for sharing in a gap fill
	// WebhookAllowPrivate (BTSPLAN_WEBHOOK_ALLOW_PRIVATE, default false)
	// lets webhooks name and reach loopback and private addresses.
	WebhookAllowPrivate bool
	// ExpiryInterval (BTSPLAN_EXPIRY_INTERVAL, default 1h) is how often the
	// workers expire approvals whose validity ended.
	ExpiryInterval time.Duration
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
	{"BTSPLAN_MAX_ATTACHMENT_BYTES", "20971520", "largest attachment of a case (PDF, PNG or JPEG)"},
	{"BTSPLAN_DB_MAX_CONNS", "16", "database pool size"},
	{"BTSPLAN_RULES_DIR", "", "folder of province rule files (*.yaml, *.json)"},
	{"BTSPLAN_DATA_DIR", ".local/data", "folder for DEM tiles and coverage rasters"},
	{"BTSPLAN_RADIO_DIR", "", "folder of province radio defaults files (*.yaml), see planning/radio/defaults.yaml"},
	{"BTSPLAN_READ_HEADER_TIMEOUT", "10s", "time to receive a request's headers"},
	{"BTSPLAN_READ_TIMEOUT", "30s", "time to receive a request's body (layer uploads: see UPLOAD_*)"},
	{"BTSPLAN_WRITE_TIMEOUT", "2m", "time to answer a request (streamed exports: see STREAM_TIMEOUT)"},
	{"BTSPLAN_IDLE_TIMEOUT", "2m", "how long a kept-alive connection may wait for its next request"},
	{"BTSPLAN_UPLOAD_TIMEOUT", "15m", "time to receive and import a layer upload (POST /v1/layers) or an attachment"},
	{"BTSPLAN_UPLOAD_MIN_RATE", "65536", "bytes/s an upload must average once READ_TIMEOUT has passed"},
	{"BTSPLAN_STREAM_TIMEOUT", "10m", "time to stream an export (layers, proposals, findings, coverage)"},
	{"BTSPLAN_MAX_IN_FLIGHT", "64", "requests served at once; more get 503 with Retry-After (not /healthz, /readyz, /metrics)"},
	{"BTSPLAN_CORS_ORIGINS", "", "comma-separated origins (https://host[:port]) allowed to call the API from a browser; empty: no CORS"},
	{"BTSPLAN_WORKERS", "1", "coverage jobs that serve (0: none) or worker computes at once"},
	{"BTSPLAN_SHARE_DISTANCE_M", "500", "existing towers this close to a proposal (m) are offered for sharing in its gap fill"},
	{"BTSPLAN_WEBHOOK_ALLOW_PRIVATE", "false", "true lets webhooks go to loopback, private and link-local addresses (tests, closed networks)"},
	{"BTSPLAN_EXPIRY_INTERVAL", "1h", "how often the workers expire approvals whose validity ended unbuilt"},
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
		RadioDir:    getenv("BTSPLAN_RADIO_DIR"),
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
	if c.MaxAttachment, err = strconv.ParseInt(get("BTSPLAN_MAX_ATTACHMENT_BYTES", "20971520"), 10, 64); err != nil || c.MaxAttachment <= 0 {
		return c, fmt.Errorf("BTSPLAN_MAX_ATTACHMENT_BYTES: want a positive number of bytes, got %q", get("BTSPLAN_MAX_ATTACHMENT_BYTES", ""))
	}
	n, err := strconv.ParseInt(get("BTSPLAN_DB_MAX_CONNS", "16"), 10, 32)
	if err != nil {
		return c, fmt.Errorf("BTSPLAN_DB_MAX_CONNS: %w", err)
	}
	c.DBMaxConns = int32(n)
	for _, d := range []struct {
		dst       *time.Duration
		name, def string
	}{
		{&c.ReadHeaderTimeout, "BTSPLAN_READ_HEADER_TIMEOUT", "10s"},
		{&c.ReadTimeout, "BTSPLAN_READ_TIMEOUT", "30s"},
		{&c.WriteTimeout, "BTSPLAN_WRITE_TIMEOUT", "2m"},
		{&c.IdleTimeout, "BTSPLAN_IDLE_TIMEOUT", "2m"},
		{&c.UploadTimeout, "BTSPLAN_UPLOAD_TIMEOUT", "15m"},
		{&c.StreamTimeout, "BTSPLAN_STREAM_TIMEOUT", "10m"},
	} {
		if *d.dst, err = time.ParseDuration(get(d.name, d.def)); err != nil {
			return c, fmt.Errorf("%s: %w", d.name, err)
		}
		if *d.dst <= 0 {
			return c, fmt.Errorf("%s: %v must be positive", d.name, *d.dst)
		}
	}
	if c.UploadMinRate, err = strconv.ParseInt(get("BTSPLAN_UPLOAD_MIN_RATE", "65536"), 10, 64); err != nil || c.UploadMinRate <= 0 {
		return c, fmt.Errorf("BTSPLAN_UPLOAD_MIN_RATE: %q is not a positive number of bytes per second", get("BTSPLAN_UPLOAD_MIN_RATE", "65536"))
	}
	m, err := strconv.Atoi(get("BTSPLAN_MAX_IN_FLIGHT", "64"))
	if err != nil || m <= 0 {
		return c, fmt.Errorf("BTSPLAN_MAX_IN_FLIGHT: %q is not a positive number of requests", get("BTSPLAN_MAX_IN_FLIGHT", "64"))
	}
	c.MaxInFlight = m
	d, err := strconv.ParseFloat(get("BTSPLAN_SHARE_DISTANCE_M", "500"), 64)
	if err != nil || !(d > 0 && d <= 50000) {
		return c, fmt.Errorf("BTSPLAN_SHARE_DISTANCE_M: %q is not a distance in metres in (0, 50000]", get("BTSPLAN_SHARE_DISTANCE_M", "500"))
	}
	c.ShareDistanceM = d
	for _, o := range strings.Split(getenv("BTSPLAN_CORS_ORIGINS"), ",") {
		if o = strings.TrimSpace(o); o != "" {
			c.CORSOrigins = append(c.CORSOrigins, o)
		}
	}
	if c.Workers, err = strconv.Atoi(get("BTSPLAN_WORKERS", "1")); err != nil {
		return c, fmt.Errorf("BTSPLAN_WORKERS: %w", err)
	}
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
	if c.WebhookAllowPrivate, err = strconv.ParseBool(get("BTSPLAN_WEBHOOK_ALLOW_PRIVATE", "false")); err != nil {
		return c, fmt.Errorf("BTSPLAN_WEBHOOK_ALLOW_PRIVATE: %q is not true or false", getenv("BTSPLAN_WEBHOOK_ALLOW_PRIVATE"))
	}
	if c.ExpiryInterval, err = time.ParseDuration(get("BTSPLAN_EXPIRY_INTERVAL", "1h")); err != nil || c.ExpiryInterval < time.Second {
		return c, fmt.Errorf("BTSPLAN_EXPIRY_INTERVAL: %q is not a duration of at least 1s", get("BTSPLAN_EXPIRY_INTERVAL", "1h"))
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
	if err := (api.Config{CORSOrigins: c.CORSOrigins}).Validate(); err != nil {
		return fmt.Errorf("BTSPLAN_CORS_ORIGINS: %w", err)
	}
	if c.Workers < 0 {
		return fmt.Errorf("BTSPLAN_WORKERS: %d must be 0 or more", c.Workers)
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
