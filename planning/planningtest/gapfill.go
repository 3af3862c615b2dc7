package planningtest

import (
	"context"

	"github.com/paulmach/orb"

	"btsplan/planning"
)

// GapFillStore is a fake planning.GapFillStore.
type GapFillStore struct {
	VillagesNearFunc    func(ctx context.Context, p orb.Point, radiusM float64) ([]planning.Village, error)
	VillageStatusesFunc func(ctx context.Context, zoneIDs []int64) (map[int64]planning.GapVillage, int64, error)
	TowersNearFunc      func(ctx context.Context, p orb.Point, radiusM, minHeightM float64) ([]planning.ShareableTower, error)
	GapClosedFunc       func(ctx context.Context, coverageID, analysisID int64) (float64, error)
	SaveGapFillFunc     func(ctx context.Context, proposalID int64, g *planning.GapFill) error
	GapFillFunc         func(ctx context.Context, assessmentID int64) (planning.GapFill, error)
}

var _ planning.GapFillStore = (*GapFillStore)(nil)

// VillagesNear calls VillagesNearFunc.
func (s *GapFillStore) VillagesNear(ctx context.Context, p orb.Point, radiusM float64) ([]planning.Village, error) {
	if s.VillagesNearFunc == nil {
		return nil, unset("GapFillStore.VillagesNear")
	}
	return s.VillagesNearFunc(ctx, p, radiusM)
}

// VillageStatuses calls VillageStatusesFunc.
func (s *GapFillStore) VillageStatuses(ctx context.Context, zoneIDs []int64) (map[int64]planning.GapVillage, int64, error) {
	if s.VillageStatusesFunc == nil {
		return nil, 0, unset("GapFillStore.VillageStatuses")
	}
	return s.VillageStatusesFunc(ctx, zoneIDs)
}

// TowersNear calls TowersNearFunc.
func (s *GapFillStore) TowersNear(ctx context.Context, p orb.Point, radiusM, minHeightM float64) ([]planning.ShareableTower, error) {
	if s.TowersNearFunc == nil {
		return nil, unset("GapFillStore.TowersNear")
	}
	return s.TowersNearFunc(ctx, p, radiusM, minHeightM)
}

// GapClosed calls GapClosedFunc.
func (s *GapFillStore) GapClosed(ctx context.Context, coverageID, analysisID int64) (float64, error) {
	if s.GapClosedFunc == nil {
		return 0, unset("GapFillStore.GapClosed")
	}
	return s.GapClosedFunc(ctx, coverageID, analysisID)
}

// SaveGapFill calls SaveGapFillFunc.
func (s *GapFillStore) SaveGapFill(ctx context.Context, proposalID int64, g *planning.GapFill) error {
	if s.SaveGapFillFunc == nil {
		return unset("GapFillStore.SaveGapFill")
	}
	return s.SaveGapFillFunc(ctx, proposalID, g)
}

// GapFill calls GapFillFunc.
func (s *GapFillStore) GapFill(ctx context.Context, assessmentID int64) (planning.GapFill, error) {
	if s.GapFillFunc == nil {
		return planning.GapFill{}, unset("GapFillStore.GapFill")
	}
	return s.GapFillFunc(ctx, assessmentID)
}

// NetworkStore is a fake planning.NetworkStore.
type NetworkStore struct {
	SaveNetworkFunc func(ctx context.Context, n *planning.Network, sites []planning.ExistingSite) error
	NetworksFunc    func(ctx context.Context) ([]planning.Network, error)
	SitesFunc       func(ctx context.Context, f planning.SiteFilter) ([]planning.ExistingSite, error)
	OutsideDEMFunc  func(ctx context.Context, pts []orb.Point) ([]int, bool, error)
}

var _ planning.NetworkStore = (*NetworkStore)(nil)

// SaveNetwork calls SaveNetworkFunc.
func (s *NetworkStore) SaveNetwork(ctx context.Context, n *planning.Network, sites []planning.ExistingSite) error {
	if s.SaveNetworkFunc == nil {
		return unset("NetworkStore.SaveNetwork")
	}
	return s.SaveNetworkFunc(ctx, n, sites)
}

// Networks calls NetworksFunc.
func (s *NetworkStore) Networks(ctx context.Context) ([]planning.Network, error) {
	if s.NetworksFunc == nil {
		return nil, unset("NetworkStore.Networks")
	}
	return s.NetworksFunc(ctx)
}

// Sites calls SitesFunc.
func (s *NetworkStore) Sites(ctx context.Context, f planning.SiteFilter) ([]planning.ExistingSite, error) {
	if s.SitesFunc == nil {
		return nil, unset("NetworkStore.Sites")
	}
	return s.SitesFunc(ctx, f)
}

// OutsideDEM calls OutsideDEMFunc.
func (s *NetworkStore) OutsideDEM(ctx context.Context, pts []orb.Point) ([]int, bool, error) {
	if s.OutsideDEMFunc == nil {
		return nil, false, unset("NetworkStore.OutsideDEM")
	}
	return s.OutsideDEMFunc(ctx, pts)
}
