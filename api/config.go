package api

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"btsplan/planning"
)

// Default limits used when a Config field is zero.
const (
	DefaultMaxBodyBytes  = 1 << 20   // 1 MiB for sites (checks, proposals)
	DefaultMaxLayerBytes = 256 << 20 // 256 MiB for a layer import
	DefaultPageLimit     = 50        // proposals per page when ?limit is absent
	MaxPageLimit         = 1000      // the largest ?limit accepted
)

// Config holds what NewHandler needs besides the logger and the service.
// The zero value is usable: limits default, /readyz answers ready and the
// pool gauges are left out.
type Config struct {
	// MaxBodyBytes is the largest site body (POST /v1/checks and
	// /v1/proposals) accepted; larger bodies get 413. 0 means
	// DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// MaxLayerBytes is the largest layer body (POST /v1/layers) accepted;
	// 0 means DefaultMaxLayerBytes.
	MaxLayerBytes int64
	// Ready reports whether the database is reachable; /readyz answers 503
	// when it returns an error. nil means always ready.
	Ready func(ctx context.Context) error
	// PoolStats reports the database pool's acquired, idle and total
	// connections for /metrics; nil leaves the pool gauges out. It lets cmd
	// pass pgxpool's Stat without api importing pgx.
	PoolStats func() (acquired, idle, total int32)
	// Web holds the static web map, served at "/" (index.html) and, for
	// any other GET that matches no route, by file name. nil serves no
	// map: "/" answers 404. cmd passes web.Static() or a folder on disk.
	Web fs.FS
	// Orgs names the carriers and authorities in reports (the signature
	// block); cmd passes the same store the service uses. nil prints codes
	// in place of names.
	Orgs planning.OrgStore
	// Now is the clock of the reports' "generated" time; nil is time.Now.
	Now func() time.Time
	// Coverage computes and serves coverages (/v1/coverage, a proposal's
	// coverage, the coverage in reports and exports); cmd builds it over
	// the DEM and coverage stores. nil answers those routes 503 and
	// leaves coverage out of reports and exports.
	Coverage *planning.CoverageService
}

// Validate reports a Config that cannot work.
func (c Config) Validate() error {
	var errs []error
	if c.MaxBodyBytes < 0 {
		errs = append(errs, fmt.Errorf("max body bytes %d is negative", c.MaxBodyBytes))
	}
	if c.MaxLayerBytes < 0 {
		errs = append(errs, fmt.Errorf("max layer bytes %d is negative", c.MaxLayerBytes))
	}
	return errors.Join(errs...)
}

func (c Config) withDefaults() Config {
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.MaxLayerBytes <= 0 {
		c.MaxLayerBytes = DefaultMaxLayerBytes
	}
	return c
}
