package planningtest

import (
	"context"
	"io"

	"btsplan/geo"
	"btsplan/planning"
)

// TerrainSource is a fake planning.TerrainSource.
type TerrainSource struct {
	WindowFunc func(ctx context.Context, lon, lat, radiusM float64) (*geo.Grid, planning.TerrainInfo, error)
	InfoFunc   func(ctx context.Context, lon, lat, radiusM float64) (planning.TerrainInfo, error)
}

var _ planning.TerrainSource = (*TerrainSource)(nil)

// Window calls WindowFunc.
func (s *TerrainSource) Window(ctx context.Context, lon, lat, radiusM float64) (*geo.Grid, planning.TerrainInfo, error) {
	if s.WindowFunc == nil {
		return nil, planning.TerrainInfo{}, unset("TerrainSource.Window")
	}
	return s.WindowFunc(ctx, lon, lat, radiusM)
}

// Info calls InfoFunc; without one, it calls WindowFunc and returns its
// info with the grid's cell size, as a store's index would give it.
func (s *TerrainSource) Info(ctx context.Context, lon, lat, radiusM float64) (planning.TerrainInfo, error) {
	if s.InfoFunc != nil {
		return s.InfoFunc(ctx, lon, lat, radiusM)
	}
	if s.WindowFunc == nil {
		return planning.TerrainInfo{}, unset("TerrainSource.Info")
	}
	g, info, err := s.WindowFunc(ctx, lon, lat, radiusM)
	if err != nil {
		return planning.TerrainInfo{}, err
	}
	info.StepLonDeg, info.StepLatDeg = g.DLon, g.DLat
	return info, nil
}

// CoverageStore is a fake planning.CoverageStore.
type CoverageStore struct {
	SaveCoverageFunc       func(ctx context.Context, c *planning.Coverage) error
	CoverageFunc           func(ctx context.Context, id int64) (planning.Coverage, error)
	CoverageByHashFunc     func(ctx context.Context, inputHash string) (planning.Coverage, error)
	LinkCoverageFunc       func(ctx context.Context, proposalID, assessmentID, coverageID int64) error
	AssessmentCoverageFunc func(ctx context.Context, assessmentID int64) (planning.Coverage, error)
	ProposalCoveragesFunc  func(ctx context.Context, proposalIDs []int64) (map[int64]planning.Coverage, error)
	OpenCoverageFileFunc   func(ctx context.Context, c planning.Coverage, f planning.CoverageFile) (io.ReadCloser, error)
}

var _ planning.CoverageStore = (*CoverageStore)(nil)

// SaveCoverage calls SaveCoverageFunc.
func (s *CoverageStore) SaveCoverage(ctx context.Context, c *planning.Coverage) error {
	if s.SaveCoverageFunc == nil {
		return unset("CoverageStore.SaveCoverage")
	}
	return s.SaveCoverageFunc(ctx, c)
}

// Coverage calls CoverageFunc.
func (s *CoverageStore) Coverage(ctx context.Context, id int64) (planning.Coverage, error) {
	if s.CoverageFunc == nil {
		return planning.Coverage{}, unset("CoverageStore.Coverage")
	}
	return s.CoverageFunc(ctx, id)
}

// CoverageByHash calls CoverageByHashFunc.
func (s *CoverageStore) CoverageByHash(ctx context.Context, inputHash string) (planning.Coverage, error) {
	if s.CoverageByHashFunc == nil {
		return planning.Coverage{}, unset("CoverageStore.CoverageByHash")
	}
	return s.CoverageByHashFunc(ctx, inputHash)
}

// LinkCoverage calls LinkCoverageFunc.
func (s *CoverageStore) LinkCoverage(ctx context.Context, proposalID, assessmentID, coverageID int64) error {
	if s.LinkCoverageFunc == nil {
		return unset("CoverageStore.LinkCoverage")
	}
	return s.LinkCoverageFunc(ctx, proposalID, assessmentID, coverageID)
}

// AssessmentCoverage calls AssessmentCoverageFunc.
func (s *CoverageStore) AssessmentCoverage(ctx context.Context, assessmentID int64) (planning.Coverage, error) {
	if s.AssessmentCoverageFunc == nil {
		return planning.Coverage{}, unset("CoverageStore.AssessmentCoverage")
	}
	return s.AssessmentCoverageFunc(ctx, assessmentID)
}

// ProposalCoverages calls ProposalCoveragesFunc.
func (s *CoverageStore) ProposalCoverages(ctx context.Context, proposalIDs []int64) (map[int64]planning.Coverage, error) {
	if s.ProposalCoveragesFunc == nil {
		return nil, unset("CoverageStore.ProposalCoverages")
	}
	return s.ProposalCoveragesFunc(ctx, proposalIDs)
}

// OpenCoverageFile calls OpenCoverageFileFunc.
func (s *CoverageStore) OpenCoverageFile(ctx context.Context, c planning.Coverage, f planning.CoverageFile) (io.ReadCloser, error) {
	if s.OpenCoverageFileFunc == nil {
		return nil, unset("CoverageStore.OpenCoverageFile")
	}
	return s.OpenCoverageFileFunc(ctx, c, f)
}
