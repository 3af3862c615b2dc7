package api

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"time"

	"btsplan/planning"
)

// Default limits used when a Config field is zero.
const (
	DefaultMaxBodyBytes  = 1 << 20   // 1 MiB for sites (checks, proposals)
	DefaultMaxLayerBytes = 256 << 20 // 256 MiB for a layer import

	// Proposals per page when ?limit is absent, and the largest ?limit
	// accepted: planning's rule, which Service.Proposals checks.
	DefaultPageLimit = planning.DefaultPageSize
	MaxPageLimit     = planning.MaxPageSize

	DefaultMaxInFlight   = 64               // requests served at once
	DefaultReadTimeout   = 30 * time.Second // to receive a plain request's body
	DefaultWriteTimeout  = 2 * time.Minute  // to answer a plain request
	DefaultUploadTimeout = 15 * time.Minute // to receive and import a layer
	DefaultUploadMinRate = 64 << 10         // bytes/s a layer upload must keep up after ReadTimeout
	DefaultStreamTimeout = 10 * time.Minute // to stream an export
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
	// MaxAttachmentBytes is the largest attachment (POST
	// /v1/proposals/{id}/attachments) accepted; larger ones get 413 before
	// they are read whole. 0 means planning.DefaultMaxAttachmentBytes.
	MaxAttachmentBytes int64
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
	// Networks imports and lists the existing networks (/v1/sites); nil
	// answers those routes 503.
	Networks *planning.NetworkService
	// Gaps starts gap analyses and serves their results
	// (/v1/gap-analyses); nil answers those routes 503.
	Gaps *planning.GapService
	// GapFill computes the gap-fill section (POST /v1/checks?with=gap_fill)
	// and reads the stored one of proposals (assessment, report); nil
	// answers ?with=gap_fill 503 and leaves the section out.
	GapFill *planning.GapFillService
	// GapLists imports the official gap list (POST /v1/gap-lists) and
	// compares gap analyses with it; nil answers the import 503 and
	// compares with no list.
	GapLists *planning.GapListService

	// Search runs best-site searches (/v1/site-searches); nil answers
	// those routes 503.
	Search *planning.SiteSearchService

	// Auth authenticates the bearer token of every protected route (see
	// authz.go's table). nil answers every protected route 503
	// "authentication not configured": never open by default.
	Auth planning.Authenticator
	// Review runs the case workflow (/v1/proposals/{id}/case, actions,
	// signatures, decisions, /v1/cases) and the submissions. nil answers
	// the case routes 503; submissions then go to the service alone,
	// without a case (tests that predate the workflow).
	Review *planning.Review
	// Documents serves a case's comments, attachments and conditions;
	// nil answers those routes 503.
	Documents *planning.Documents
	// Notify manages webhooks (/v1/webhooks) and areas of interest
	// (/v1/areas-of-interest); nil answers those routes 503.
	Notify *planning.Notifications
	// Decisions serves the public decisions (/v1/decisions, open); nil
	// answers those routes 503.
	Decisions *planning.Decisions

	// MaxInFlight caps the requests served at once; beyond it a request
	// answers 503 with Retry-After at once. /healthz, /readyz and
	// /metrics are exempt. 0 means DefaultMaxInFlight; negative, no cap.
	MaxInFlight int
	// CORSOrigins lists the exact origins (scheme://host[:port]) whose
	// browser pages may call the API. Empty, the default, sends no CORS
	// headers at all.
	CORSOrigins []string
	// Per-route connection deadlines (see withDeadlines). ReadTimeout
	// bounds the receipt of a plain request's body and WriteTimeout its
	// answer; an upload (POST /v1/layers, a case's attachments) has UploadTimeout for both and
	// must keep up UploadMinRate bytes/s once ReadTimeout has passed;
	// streamed exports have StreamTimeout to be written. Zero values take
	// the defaults above.
	ReadTimeout   time.Duration
	WriteTimeout  time.Duration
	UploadTimeout time.Duration
	UploadMinRate int64
	StreamTimeout time.Duration
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
	if c.MaxAttachmentBytes < 0 {
		errs = append(errs, fmt.Errorf("max attachment bytes %d is negative", c.MaxAttachmentBytes))
	}
	for _, o := range c.CORSOrigins {
		if err := checkOrigin(o); err != nil {
			errs = append(errs, err)
		}
	}
	for _, d := range []time.Duration{c.ReadTimeout, c.WriteTimeout, c.UploadTimeout, c.StreamTimeout} {
		if d < 0 {
			errs = append(errs, fmt.Errorf("timeout %v is negative", d))
		}
	}
	if c.UploadMinRate < 0 {
		errs = append(errs, fmt.Errorf("upload minimum rate %d is negative", c.UploadMinRate))
	}
	return errors.Join(errs...)
}

// checkOrigin accepts an origin as browsers send it: http or https, a
// host, an optional port, and nothing else ("*" included).
func checkOrigin(o string) error {
	u, err := url.Parse(o)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		u.User != nil || u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.String() != o {
		return fmt.Errorf("CORS origin %q: want scheme://host[:port], exactly as a browser sends it", o)
	}
	return nil
}

func (c Config) withDefaults() Config {
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.MaxLayerBytes <= 0 {
		c.MaxLayerBytes = DefaultMaxLayerBytes
	}
	if c.MaxAttachmentBytes <= 0 {
		c.MaxAttachmentBytes = planning.DefaultMaxAttachmentBytes
	}
	if c.MaxInFlight == 0 {
		c.MaxInFlight = DefaultMaxInFlight
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.ReadTimeout, DefaultReadTimeout)
	def(&c.WriteTimeout, DefaultWriteTimeout)
	def(&c.UploadTimeout, DefaultUploadTimeout)
	def(&c.StreamTimeout, DefaultStreamTimeout)
	if c.UploadMinRate <= 0 {
		c.UploadMinRate = DefaultUploadMinRate
	}
	return c
}
