package planning

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/paulmach/orb"

	"btsplan/geo"
	"btsplan/geo/coverage"
)

// Coverage is one computed coverage of a site: the resolved inputs and
// their hash, what limited it, the covered area and, once stored, its
// raster files.
type Coverage struct {
	ID        int64
	InputHash string // coverage.Hash of the inputs, "sha256:..."
	Inputs    coverage.Inputs
	Model     string // the propagation model, coverage.Model
	// DEMVersion identifies the elevation data (TerrainInfo.Version).
	DEMVersion string
	Limits     CoverageLimits
	Metric     coverage.Metric
	// ThresholdDBm is the coverage threshold in dBm of Metric.
	ThresholdDBm float64
	// AreaKm2 is the covered area on the WGS 84 ellipsoid, km².
	AreaKm2      float64
	CoveredCells int
	// Covered is the area at or above the threshold, EPSG:4326; empty when
	// nothing is covered, nil when not loaded (ProposalCoverages).
	Covered orb.MultiPolygon
	// Bound is the extent of the raster, EPSG:4326: where the PNG goes.
	Bound orb.Bound
	// CellArcSec is the raster's cell size in arc-seconds.
	CellArcSec float64
	// Grid is the received-level raster; set only on a fresh computation,
	// before the store writes it to Files.
	Grid *geo.Grid
	// Files are the stored raster files, paths relative to the data
	// directory.
	Files     map[CoverageFile]string
	CreatedAt time.Time
	// Cached is true when the coverage came from the store rather than
	// from a computation in this call. It is not stored.
	Cached bool
	// ElapsedMS is how long the computation took, in milliseconds; 0 when
	// cached. It is not stored.
	ElapsedMS int64
}

// CoverageLimits says what limited a coverage: the engine's counts
// (radius, terrain shadow, ITM warnings, filled voids) and the terrain
// window's.
type CoverageLimits struct {
	coverage.Limits
	// DEMTiles names the DEM tiles read.
	DEMTiles []string
	// DEMMissingCells counts window cells where no DEM tile is loaded;
	// they were filled from their neighbours like voids.
	DEMMissingCells int
	// DEMFilledVoids counts window cells that were voids of the source
	// DEM, filled at import (TerrainInfo.Voids); Limits.DEMVoidCells
	// counts those the engine itself filled.
	DEMFilledVoids int
}

// JSON returns l in its wire form.
func (l CoverageLimits) JSON() coverage.LimitsJSON {
	return l.Limits.JSON(l.DEMTiles, l.DEMMissingCells, l.DEMFilledVoids)
}

// CoverageLimitsOf returns the limits of their wire form.
func CoverageLimitsOf(j coverage.LimitsJSON) CoverageLimits {
	return CoverageLimits{Limits: j.Limits(), DEMTiles: j.DEMTiles, DEMMissingCells: j.DEMMissingCells, DEMFilledVoids: j.DEMFilledVoids}
}

// CoverageConfig holds the CoverageService's tunables; zero fields take
// the defaults (DefaultCoverageConfig).
type CoverageConfig struct {
	// MaxConcurrent is how many coverages are computed at once. Further
	// requests wait for a turn (or their context). Default 1.
	MaxConcurrent int
	// MaxWaiting is how many requests may wait for a turn; one more is
	// answered at once with an Unavailable *BusyError. Waiters hold no
	// terrain: the DEM window is read only once a turn is taken.
	// Default 8.
	MaxWaiting int
	// Workers is the goroutines of one computation. Default
	// GOMAXPROCS - 1 (at least 1), so that one core is left for checks
	// and PostgreSQL while a coverage runs.
	Workers int
	// RetryAfter is how long a client turned away by a full queue is told
	// to wait. Default 30 s.
	RetryAfter time.Duration
	// OnWorker is coverage.Options.OnWorker for every computation: cmd
	// lowers the worker threads' priority with it.
	OnWorker func()
	// Radio is the one radio configuration (planning/radio/defaults.yaml
	// and the provinces' files) that proposals' coverages and the
	// defaults of POST /v1/coverage and `btsplan coverage` read; nil means
	// the shipped national defaults.
	Radio *RadioBook
}

// Defaults of CoverageConfig.
const (
	DefaultCoverageMaxConcurrent = 1
	DefaultCoverageMaxWaiting    = 8
	DefaultCoverageRetryAfter    = 30 * time.Second
)

// DefaultCoverageWorkers returns the default CoverageConfig.Workers:
// GOMAXPROCS - 1, at least 1.
func DefaultCoverageWorkers() int { return max(runtime.GOMAXPROCS(0)-1, 1) }

// BusyError is the error of a coverage request turned away because
// MaxWaiting requests already wait for a turn. It comes wrapped in an
// Unavailable *Error; its message is safe to show a client.
type BusyError struct {
	Waiting    int           // requests waiting when it was turned away
	RetryAfter time.Duration // how long to wait before trying again
}

func (e *BusyError) Error() string {
	return fmt.Sprintf("the coverage queue is full (%d requests waiting for a turn); try again in %.0f s",
		e.Waiting, e.RetryAfter.Seconds())
}

// CoverageService computes coverages, caches them by the hash of their
// inputs, and gives every proposal's assessment its coverage. It is safe
// for concurrent use.
type CoverageService struct {
	cfg     CoverageConfig
	terrain TerrainSource
	store   CoverageStore
	props   ProposalStore
	turns   chan struct{}
	waiting atomic.Int64
	now     func() time.Time
}

// NewCoverageService returns a CoverageService. props is the store the
// proposals' sites and assessments are read from; it may be nil when only
// Compute is used. store may be nil too: then nothing is cached or
// stored, every Compute computes (as `btsplan coverage --dem` without
// --store does) and the coverages it returns have no ID.
func NewCoverageService(cfg CoverageConfig, terrain TerrainSource, store CoverageStore, props ProposalStore) *CoverageService {
	if store == nil {
		store = noCoverageStore{}
	}
	if cfg.MaxConcurrent <= 0 {
		cfg.MaxConcurrent = DefaultCoverageMaxConcurrent
	}
	if cfg.MaxWaiting <= 0 {
		cfg.MaxWaiting = DefaultCoverageMaxWaiting
	}
	if cfg.Workers <= 0 {
		cfg.Workers = DefaultCoverageWorkers()
	}
	if cfg.RetryAfter <= 0 {
		cfg.RetryAfter = DefaultCoverageRetryAfter
	}
	if cfg.Radio == nil {
		// The embedded file loads (TestLoadRadioBook); keep a nil book
		// out of the service whatever happens.
		if book, err := LoadRadioBook(nil); err == nil {
			cfg.Radio = book
		} else {
			cfg.Radio = &RadioBook{}
		}
	}
	return &CoverageService{cfg: cfg, terrain: terrain, store: store, props: props,
		turns: make(chan struct{}, cfg.MaxConcurrent), now: time.Now}
}

// Compute returns the coverage of site with opts: the stored one when the
// same inputs (on the same DEM version) were computed before, otherwise a
// new computation, stored before it is returned. progress, when not nil,
// is called as in coverage.Compute. opts.DEMVersion is ignored: the
// terrain source names it.
//
// It validates the inputs, asks the terrain source for the DEM's version
// and cell size (an index lookup), checks the cost against the budget
// (coverage.CheckBudget) and looks up the cache, all before it waits for
// a turn; only with a turn does it read the DEM window. So a cache hit
// reads no terrain, and a waiting request holds no memory.
//
// Errors: Invalid with Field the input's wire path (coverage.Field*:
// "sectors/0/eirp_dbm", "radius_m") for bad inputs or inputs over the
// budget (wrapping a *coverage.BudgetError), or "location" when the DEM
// does not cover the site's disc; Unavailable wrapping a *BusyError
// when MaxWaiting requests wait already, or the context's error while
// waiting; the terrain's and the store's errors (NotFound when no DEM
// covers the site, Unavailable).
func (s *CoverageService) Compute(ctx context.Context, site coverage.Params, opts coverage.Options, progress func(done, total int)) (Coverage, error) {
	const op = "compute coverage"
	opts.DEMVersion = ""
	if opts.Workers == 0 {
		opts.Workers = s.cfg.Workers
	}
	if opts.OnWorker == nil {
		opts.OnWorker = s.cfg.OnWorker
	}
	// Validate before reading anything.
	if _, err := coverage.Hash(site, opts); err != nil {
		return Coverage{}, coverageError(op, err)
	}
	radiusM := opts.RadiusM
	if radiusM == 0 {
		radiusM = coverage.DefaultRadiusM
	}
	lon, lat, windowM := site.Location[0], site.Location[1], radiusM+coverage.TerrainMarginM
	info, err := s.terrain.Info(ctx, lon, lat, windowM)
	if err != nil {
		return Coverage{}, fmt.Errorf("%s: terrain around %v: %w", op, site.Location, err)
	}
	if _, err := coverage.CheckBudget(site, opts, info.StepLonDeg, info.StepLatDeg); err != nil {
		return Coverage{}, coverageError(op, err)
	}
	opts.DEMVersion = info.Version
	if c, ok, err := s.cached(ctx, op, site, opts); err != nil || ok {
		return c, err
	}

	release, err := s.turn(ctx, op)
	if err != nil {
		return Coverage{}, err
	}
	defer release()
	// Another request may have computed the same inputs while this one
	// waited.
	if c, ok, err := s.cached(ctx, op, site, opts); err != nil || ok {
		return c, err
	}
	dem, winfo, err := s.terrain.Window(ctx, lon, lat, windowM)
	if err != nil {
		return Coverage{}, fmt.Errorf("%s: terrain around %v: %w", op, site.Location, err)
	}
	// The window's version names the data it holds; it differs from the
	// index's only when a tile was imported meanwhile.
	opts.DEMVersion = winfo.Version
	t0 := s.now()
	res, err := coverage.Compute(ctx, dem, site, opts, progress)
	if err != nil {
		return Coverage{}, coverageError(op, err)
	}
	c := NewCoverage(res, winfo)
	c.ElapsedMS = s.now().Sub(t0).Milliseconds()
	if err := s.store.SaveCoverage(ctx, &c); err != nil {
		return Coverage{}, fmt.Errorf("%s: store: %w", op, err)
	}
	return c, nil
}

// RadioDefaults returns the radio defaults of province (its admin-unit
// code; "" for the national ones, which a province without a file gets too).
func (s *CoverageService) RadioDefaults(province string) RadioDefaults {
	return s.cfg.Radio.For(province)
}

// Config returns the service's configuration with the defaults filled in.
func (s *CoverageService) Config() CoverageConfig { return s.cfg }

// Waiting returns how many requests wait for a turn now.
func (s *CoverageService) Waiting() int { return int(s.waiting.Load()) }

// cached returns the stored coverage of site and opts (opts.DEMVersion
// set), with ok false when there is none.
func (s *CoverageService) cached(ctx context.Context, op string, site coverage.Params, opts coverage.Options) (Coverage, bool, error) {
	hash, err := coverage.Hash(site, opts)
	if err != nil {
		return Coverage{}, false, coverageError(op, err)
	}
	c, err := s.store.CoverageByHash(ctx, hash)
	switch {
	case err == nil:
		c.Cached = true
		return c, true, nil
	case KindOf(err) != NotFound:
		return Coverage{}, false, fmt.Errorf("%s: look up %s: %w", op, hash, err)
	}
	return Coverage{}, false, nil
}

// turn waits for one of the MaxConcurrent turns and returns the function
// that gives it back. When MaxWaiting requests wait already it answers at
// once with an Unavailable *BusyError.
func (s *CoverageService) turn(ctx context.Context, op string) (release func(), err error) {
	release = func() { <-s.turns }
	select {
	case s.turns <- struct{}{}:
		return release, nil
	default:
	}
	if n := s.waiting.Add(1); n > int64(s.cfg.MaxWaiting) {
		s.waiting.Add(-1)
		return nil, &Error{Op: op, Kind: Unavailable, Err: &BusyError{Waiting: int(n - 1), RetryAfter: s.cfg.RetryAfter}}
	}
	defer s.waiting.Add(-1)
	select {
	case s.turns <- struct{}{}:
		return release, nil
	case <-ctx.Done():
		return nil, &Error{Op: op, Kind: Unavailable, Err: fmt.Errorf("waiting for a turn: %w", ctx.Err())}
	}
}

// NewCoverage returns the Coverage of a computed result on terrain info.
func NewCoverage(res *coverage.Result, info TerrainInfo) Coverage {
	c := Coverage{
		InputHash:    res.InputHash,
		Inputs:       res.Inputs,
		Model:        res.Model,
		DEMVersion:   res.DEMVersion,
		Limits:       CoverageLimits{Limits: res.Limits, DEMTiles: info.Tiles, DEMMissingCells: info.Missing, DEMFilledVoids: info.Voids},
		Metric:       res.Inputs.Metric,
		ThresholdDBm: res.Inputs.ThresholdDBm,
		AreaKm2:      res.AreaKm2,
		CoveredCells: res.CoveredCells,
		Covered:      res.Covered,
		Bound:        res.Grid.Bound(),
		CellArcSec:   res.Stats.CellArcSec,
		Grid:         res.Grid,
	}
	if c.Covered == nil {
		c.Covered = orb.MultiPolygon{}
	}
	return c
}

// coverageError classifies the engine's errors: an *InputError is Invalid
// naming its field, a DEM that does not cover the disc is Invalid at
// "location", a cancelled context Unavailable.
func coverageError(op string, err error) error {
	var ie *coverage.InputError
	switch {
	case errors.As(err, &ie):
		return &Error{Op: op, Kind: Invalid, Field: ie.Field, Err: ie.Err}
	case errors.Is(err, coverage.ErrDEMCoverage):
		return &Error{Op: op, Kind: Invalid, Field: coverage.FieldLocation, Err: err}
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return &Error{Op: op, Kind: Unavailable, Err: err}
	}
	return fmt.Errorf("%s: %w", op, err)
}

// Coverage returns a stored coverage with its geometry; NotFound.
func (s *CoverageService) Coverage(ctx context.Context, id int64) (Coverage, error) {
	c, err := s.store.Coverage(ctx, id)
	if err != nil {
		return Coverage{}, fmt.Errorf("coverage %d: %w", id, err)
	}
	c.Cached = true
	return c, nil
}

// OpenFile opens one raster file of stored coverage id; NotFound when the
// coverage or its file is missing.
func (s *CoverageService) OpenFile(ctx context.Context, id int64, f CoverageFile) (Coverage, io.ReadCloser, error) {
	if !slices.Contains(CoverageFiles, f) {
		return Coverage{}, nil, &Error{Kind: Invalid, Field: "file", Err: fmt.Errorf("unknown coverage file %q", f)}
	}
	c, err := s.Coverage(ctx, id)
	if err != nil {
		return Coverage{}, nil, err
	}
	rc, err := s.store.OpenCoverageFile(ctx, c, f)
	if err != nil {
		return Coverage{}, nil, fmt.Errorf("coverage %d %s: %w", id, f, err)
	}
	return c, rc, nil
}

// ProposalCoverage returns the coverage of a proposal's latest assessment,
// computing and linking it on the first call (see ProposalCoverageParams
// for how the site becomes the coverage's inputs). Errors: NotFound for an
// unknown proposal or assessment; Invalid naming the proposal's member
// ("/properties/antennas/0/band_mhz") when its site cannot be computed;
// those of Compute.
func (s *CoverageService) ProposalCoverage(ctx context.Context, proposalID int64, progress func(done, total int)) (Coverage, error) {
	op := fmt.Sprintf("coverage of proposal %d", proposalID)
	p, a, err := s.proposal(ctx, proposalID)
	if err != nil {
		return Coverage{}, err
	}
	c, err := s.store.AssessmentCoverage(ctx, a.ID)
	switch {
	case err == nil:
		c.Cached = true
		return c, nil
	case KindOf(err) != NotFound:
		return Coverage{}, fmt.Errorf("%s: %w", op, err)
	}
	// A proposal names no province: the national radio defaults.
	site, opts, sectorAntenna, err := ProposalCoverageParams(p.Site, s.RadioDefaults(""))
	if err != nil {
		return Coverage{}, &Error{Op: op, Kind: Invalid, Err: err}
	}
	c, err = s.Compute(ctx, site, opts, progress)
	if err != nil {
		if f := FieldOf(err); f != "" && KindOf(err) == Invalid {
			var pe *Error
			errors.As(err, &pe)
			return Coverage{}, &Error{Op: op, Kind: Invalid, Field: proposalField(f, sectorAntenna), Err: pe.Err}
		}
		return Coverage{}, fmt.Errorf("%s: %w", op, err)
	}
	if err := s.store.LinkCoverage(ctx, p.ID, a.ID, c.ID); err != nil {
		return Coverage{}, fmt.Errorf("%s: link assessment %d: %w", op, a.ID, err)
	}
	return c, nil
}

// StoredProposalCoverage returns the coverage of a proposal's latest
// assessment if it has been computed, without computing it: ok is false
// when there is none yet.
func (s *CoverageService) StoredProposalCoverage(ctx context.Context, proposalID int64) (c Coverage, ok bool, err error) {
	_, a, err := s.proposal(ctx, proposalID)
	if err != nil {
		return Coverage{}, false, err
	}
	c, err = s.store.AssessmentCoverage(ctx, a.ID)
	switch {
	case err == nil:
		c.Cached = true
		return c, true, nil
	case KindOf(err) == NotFound:
		return Coverage{}, false, nil
	}
	return Coverage{}, false, fmt.Errorf("coverage of proposal %d: %w", proposalID, err)
}

// ProposalCoverages returns the stored coverages (without geometry) of
// those of ids whose latest assessment has one, by proposal ID.
func (s *CoverageService) ProposalCoverages(ctx context.Context, ids []int64) (map[int64]Coverage, error) {
	if len(ids) == 0 {
		return map[int64]Coverage{}, nil
	}
	m, err := s.store.ProposalCoverages(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("coverages of %d proposals: %w", len(ids), err)
	}
	return m, nil
}

func (s *CoverageService) proposal(ctx context.Context, id int64) (Proposal, Assessment, error) {
	if s.props == nil {
		return Proposal{}, Assessment{}, &Error{Kind: Internal, Err: errors.New("coverage service has no proposal store")}
	}
	p, err := s.props.Proposal(ctx, id)
	if err != nil {
		return Proposal{}, Assessment{}, fmt.Errorf("proposal %d: %w", id, err)
	}
	a, err := s.props.Assessment(ctx, id)
	if err != nil {
		return Proposal{}, Assessment{}, fmt.Errorf("assessment of proposal %d: %w", id, err)
	}
	return p, a, nil
}

// ProposalRadiusM is the radius computed around a proposed site.
const ProposalRadiusM = coverage.DefaultRadiusM

// ProposalCoverageParams derives the coverage inputs of a proposed site.
// A proposal says where, how high and, per antenna, azimuth, total
// downtilt, band, EIRP and technology; the rest are documented defaults:
//
//   - The antennas are at the top of the structure: HeightM is the
//     structure's height. The receiver is at defs.RxHeightM.
//   - One coverage is computed per site, on its lowest band (the widest
//     footprint, what a planner reviews first); among antennas of that band
//     the technology that comes first in GSM, UMTS, LTE, NR order is
//     taken. Antennas of other bands or technologies are left out.
//   - Each antenna is a sector with the parametric pattern of the
//     technology's panel in defs (65° × 7° nationally); its downtilt is
//     electrical (it moves the vertical pattern only), its EIRP the
//     proposal's.
//   - The threshold is the technology's in defs.
//   - The environment is defs.Radio(); the radius ProposalRadiusM; the
//     cell the DEM's own.
//
// defs is the one radio configuration (CoverageService.RadioDefaults), the
// same that existing sites read (ExistingSiteCoverageParams).
//
// sectorAntenna[k] is the index in site.Antennas of sector k. It returns
// an Invalid error when the site has no antenna.
func ProposalCoverageParams(site Site, defs RadioDefaults) (p coverage.Params, opts coverage.Options, sectorAntenna []int, err error) {
	if len(site.Antennas) == 0 {
		return p, opts, nil, FieldError(FieldAntennas, "the site has no antenna to compute a coverage for")
	}
	techRank := func(t string) int {
		i := slices.Index([]string{"GSM", "UMTS", "LTE", "NR"}, strings.ToUpper(strings.TrimSpace(t)))
		if i < 0 {
			return 99
		}
		return i
	}
	best := 0
	for i, a := range site.Antennas {
		b := site.Antennas[best]
		if a.BandMHz < b.BandMHz || a.BandMHz == b.BandMHz && techRank(a.Technology) < techRank(b.Technology) {
			best = i
		}
	}
	band, tech := site.Antennas[best].BandMHz, strings.ToUpper(strings.TrimSpace(site.Antennas[best].Technology))
	td, _ := defs.Tech(tech) // an unknown technology: the engine names it
	p = coverage.Params{
		Location:     site.Location,
		HeightM:      site.HeightM,
		RxHeightM:    defs.RxHeightM,
		FreqMHz:      band,
		Technology:   coverage.Technology(tech),
		ThresholdDBm: td.ThresholdDBm,
		Radio:        defs.Radio(),
	}
	for i, a := range site.Antennas {
		if a.BandMHz != band || strings.ToUpper(strings.TrimSpace(a.Technology)) != tech {
			continue
		}
		p.Sectors = append(p.Sectors, coverage.Sector{
			AzimuthDeg:    a.AzimuthDeg,
			ElecTiltDeg:   a.TiltDeg,
			HBeamwidthDeg: td.HBeamwidthDeg,
			VBeamwidthDeg: td.VBeamwidthDeg,
			EIRPdBm:       a.EIRPdBm,
		})
		sectorAntenna = append(sectorAntenna, i)
	}
	opts.RadiusM = ProposalRadiusM
	return p, opts, sectorAntenna, nil
}

// proposalField names the proposal member behind a coverage input's
// wire path (coverage.Field*).
func proposalField(f string, sectorAntenna []int) string {
	first := 0
	if len(sectorAntenna) > 0 {
		first = sectorAntenna[0]
	}
	switch f {
	case coverage.FieldSectors:
		return FieldAntennas
	case coverage.FieldLocation:
		return FieldCoordinates
	case coverage.FieldHeightM:
		return FieldHeight
	case coverage.FieldFreqMHz:
		return FieldAntennas + "/" + strconv.Itoa(first) + "/band_mhz"
	case coverage.FieldTechnology:
		return FieldAntennas + "/" + strconv.Itoa(first) + "/technology"
	}
	rest, ok := strings.CutPrefix(f, coverage.FieldSectors+"/")
	if !ok {
		return f
	}
	index, member, _ := strings.Cut(rest, "/")
	k, err := strconv.Atoi(index)
	if err != nil {
		return f
	}
	i := k
	if k < len(sectorAntenna) {
		i = sectorAntenna[k]
	}
	switch member {
	case coverage.FieldAzimuthDeg, coverage.FieldEIRPdBm:
		// The proposal's members have the same names.
	case coverage.FieldElecTiltDeg, coverage.FieldMechTiltDeg:
		member = "tilt_deg"
	default:
		return FieldAntennas + "/" + strconv.Itoa(i)
	}
	return FieldAntennas + "/" + strconv.Itoa(i) + "/" + member
}
