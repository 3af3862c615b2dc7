package planning

import (
	"context"
	"fmt"

	"github.com/paulmach/orb"

	"btsplan/geo/coverage"
)

// InputHash returns the cache key Compute would file site and opts under
// (coverage.Hash with the DEM version of the site's disc, from the tile
// index: no elevation is read), after the checks Compute makes before it
// reads the DEM (coverage.CheckBudget, which also checks that the cell
// suits the DEM's). Errors: Invalid naming the field for bad inputs; the
// terrain's (NotFound when no DEM covers the site, Unavailable).
func (s *CoverageService) InputHash(ctx context.Context, site coverage.Params, opts coverage.Options) (string, error) {
	const op = "coverage input hash"
	info, err := s.terrain.Info(ctx, site.Location[0], site.Location[1], radiusOf(opts)+coverage.TerrainMarginM)
	if err != nil {
		return "", fmt.Errorf("%s: terrain around %v: %w", op, site.Location, err)
	}
	if _, err := coverage.CheckBudget(site, opts, info.StepLonDeg, info.StepLatDeg); err != nil {
		return "", coverageError(op, err)
	}
	opts.DEMVersion = info.Version
	h, err := coverage.Hash(site, opts)
	if err != nil {
		return "", coverageError(op, err)
	}
	return h, nil
}

// withDEMVersion validates site and opts and sets opts.DEMVersion to the
// version of the DEM under the site's disc, from the tile index.
func (s *CoverageService) withDEMVersion(ctx context.Context, op string, site coverage.Params, opts coverage.Options) (coverage.Options, error) {
	opts.DEMVersion = ""
	if _, err := coverage.Hash(site, opts); err != nil {
		return opts, coverageError(op, err)
	}
	info, err := s.terrain.Info(ctx, site.Location[0], site.Location[1], radiusOf(opts)+coverage.TerrainMarginM)
	if err != nil {
		return opts, fmt.Errorf("%s: terrain around %v: %w", op, site.Location, err)
	}
	opts.DEMVersion = info.Version
	return opts, nil
}

func radiusOf(opts coverage.Options) float64 {
	if opts.RadiusM == 0 {
		return coverage.DefaultRadiusM
	}
	return opts.RadiusM
}

// Points returns site's level at each of pts, each from one ITM run on a
// profile drawn straight to it over the DEM window of the site's disc
// (coverage.Points): NaN beyond the radius. It takes no turn: a few
// hundred ITM runs cost milliseconds. Errors: Invalid naming the field;
// the terrain's (NotFound, Unavailable); Unavailable when ctx is done.
func (s *CoverageService) Points(ctx context.Context, site coverage.Params, opts coverage.Options, pts []orb.Point) (coverage.PointLevels, error) {
	const op = "coverage at points"
	opts, err := s.withDEMVersion(ctx, op, site, opts)
	if err != nil {
		return coverage.PointLevels{}, err
	}
	dem, _, err := s.terrain.Window(ctx, site.Location[0], site.Location[1], radiusOf(opts)+coverage.TerrainMarginM)
	if err != nil {
		return coverage.PointLevels{}, fmt.Errorf("%s: terrain around %v: %w", op, site.Location, err)
	}
	pl, err := coverage.Points(ctx, dem, site, opts, pts)
	if err != nil {
		return coverage.PointLevels{}, coverageError(op, err)
	}
	return pl, nil
}

// storedExisting returns the stored coverage of an existing site's
// params: the one a gap analysis computed (GapCoverageOptions), else one
// at the DEM's cells; ok is false when there is neither.
func (s *CoverageService) storedExisting(ctx context.Context, site coverage.Params) (Coverage, bool, error) {
	c, ok, err := s.Stored(ctx, site, GapCoverageOptions)
	if ok || (err != nil && FieldOf(err) != coverage.FieldCellArcSec) {
		return c, ok, err
	}
	return s.Stored(ctx, site, coverage.Options{})
}
