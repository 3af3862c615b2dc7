package planning

import (
	"context"
	"errors"
	"io"

	"btsplan/geo"
)

// TerrainInfo says where a terrain window came from.
type TerrainInfo struct {
	// Version identifies the elevation data (the DEM import); it is hashed
	// into every coverage's inputs, so a re-imported DEM never serves a
	// coverage computed on the old one.
	Version string
	// Tiles names the DEM tiles the window was read from.
	Tiles []string
	// Voids counts the window's cells that were voids in the source and
	// were filled before they reached the window (at import); Missing
	// counts its cells no tile covers (NaN in the grid).
	Voids   int
	Missing int
	// StepLonDeg and StepLatDeg are the window's cell size in degrees
	// (the finest tile's): what a coverage's budget is reckoned on.
	StepLonDeg, StepLatDeg float64
}

// TerrainSource reads elevations. data/dem implements it (cmd wires it).
type TerrainSource interface {
	// Window returns a north-up EPSG:4326 elevation grid in metres that
	// covers the disc of radiusM metres around [lon, lat], NaN where there
	// is no data, and what it was read from. Errors: NotFound when no DEM
	// covers the point at all, Unavailable.
	Window(ctx context.Context, lon, lat, radiusM float64) (*geo.Grid, TerrainInfo, error)
	// Info returns what Window would for the same disc without reading
	// any elevation: the Version, the tiles and the cell size, with Voids
	// and Missing 0. It must be cheap (an index lookup), since it is asked
	// before every cache lookup. Errors: as Window's.
	Info(ctx context.Context, lon, lat, radiusM float64) (TerrainInfo, error)
}

// CoverageFile names one of the raster files stored with a coverage.
type CoverageFile string

// The files of a stored coverage.
const (
	// CoverageGeoTIFF is the received level (the metric in dBm) as a
	// single-band float32 GeoTIFF in EPSG:4326, NaN outside the radius.
	CoverageGeoTIFF CoverageFile = "tif"
	// CoveragePNG is the level drawn through the colour ramp, one pixel per
	// cell, to lay over a map on Coverage.Bound.
	CoveragePNG CoverageFile = "png"
	// CoverageLegend is the ramp's legend as a PNG.
	CoverageLegend CoverageFile = "legend.png"
)

// CoverageFiles lists every CoverageFile, in the order they are written.
var CoverageFiles = []CoverageFile{CoverageGeoTIFF, CoveragePNG, CoverageLegend}

// CoverageStore keeps computed coverages, keyed by the hash of their
// inputs, and links assessments to them.
type CoverageStore interface {
	// SaveCoverage writes c.Grid's raster files and stores c, filling in
	// c.ID, c.Files and c.CreatedAt. When a coverage with the same
	// c.InputHash is stored already (a concurrent computation), it fills c
	// from that one instead and returns nil.
	SaveCoverage(ctx context.Context, c *Coverage) error
	// Coverage returns one coverage with its covered geometry; NotFound.
	Coverage(ctx context.Context, id int64) (Coverage, error)
	// CoverageByHash returns the coverage of an input hash; NotFound.
	CoverageByHash(ctx context.Context, inputHash string) (Coverage, error)
	// LinkCoverage records that coverageID is the coverage of assessment
	// assessmentID of proposal proposalID. Linking the same assessment
	// again replaces its coverage.
	LinkCoverage(ctx context.Context, proposalID, assessmentID, coverageID int64) error
	// AssessmentCoverage returns the coverage linked to an assessment;
	// NotFound when there is none.
	AssessmentCoverage(ctx context.Context, assessmentID int64) (Coverage, error)
	// ProposalCoverages returns, for those of proposalIDs whose latest
	// assessment has a coverage, that coverage without its geometry.
	ProposalCoverages(ctx context.Context, proposalIDs []int64) (map[int64]Coverage, error)
	// OpenCoverageFile opens one raster file of a stored coverage;
	// NotFound when it is missing.
	OpenCoverageFile(ctx context.Context, c Coverage, f CoverageFile) (io.ReadCloser, error)
}

// noCoverageStore is the store of a CoverageService given none: it keeps
// nothing, so every Compute computes and nothing can be looked up.
type noCoverageStore struct{}

var errNoCoverageStore = errors.New("coverages are not stored here")

func (noCoverageStore) SaveCoverage(context.Context, *Coverage) error { return nil }

func (noCoverageStore) Coverage(context.Context, int64) (Coverage, error) {
	return Coverage{}, &Error{Kind: NotFound, Err: errNoCoverageStore}
}

func (noCoverageStore) CoverageByHash(context.Context, string) (Coverage, error) {
	return Coverage{}, &Error{Kind: NotFound, Err: errNoCoverageStore}
}

func (noCoverageStore) LinkCoverage(context.Context, int64, int64, int64) error {
	return &Error{Kind: Internal, Err: errNoCoverageStore}
}

func (noCoverageStore) AssessmentCoverage(context.Context, int64) (Coverage, error) {
	return Coverage{}, &Error{Kind: NotFound, Err: errNoCoverageStore}
}

func (noCoverageStore) ProposalCoverages(context.Context, []int64) (map[int64]Coverage, error) {
	return map[int64]Coverage{}, nil
}

func (noCoverageStore) OpenCoverageFile(context.Context, Coverage, CoverageFile) (io.ReadCloser, error) {
	return nil, &Error{Kind: NotFound, Err: errNoCoverageStore}
}
