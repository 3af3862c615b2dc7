package planning_test

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"btsplan/geo"
	"btsplan/geo/coverage"
	"btsplan/planning"
	"btsplan/planning/planningtest"
)

func TestGapFillServiceFill(t *testing.T) {
	ctx := context.Background()
	radio, err := planning.LoadRadioBook(nil)
	if err != nil {
		t.Fatal(err)
	}
	site := planning.Site{Carrier: "452-04", Code: "T-1", Location: orb.Point{105.6, 21.4}, HeightM: 30}
	omni := func(tech string, band float64) planning.Cell {
		return planning.Cell{Technology: tech, BandMHz: band, EIRPdBm: 60, GainDBi: 15, HBeamwidthDeg: 360, VBeamwidthDeg: 7, Omni: true}
	}
	ownCached := planning.ExistingSite{ID: 1, Carrier: "452-04", Code: "OWN-CACHED", Location: orb.Point{105.61, 21.4}, HeightM: 40, Cells: []planning.Cell{omni("GSM", 900)}}
	ownMissing := planning.ExistingSite{ID: 2, Carrier: "452-04", Code: "OWN-MISSING", Location: orb.Point{105.62, 21.4}, HeightM: 40, Cells: []planning.Cell{omni("LTE", 1800)}}
	ownFar := planning.ExistingSite{ID: 3, Carrier: "452-04", Code: "OWN-FAR", Location: orb.Point{106.2, 21.4}, HeightM: 40, Cells: []planning.Cell{omni("GSM", 900)}} // ~62 km
	other := planning.ExistingSite{ID: 4, Carrier: "452-01", Code: "OTHER", Location: orb.Point{105.603, 21.4}, HeightM: 45, Cells: []planning.Cell{omni("GSM", 900)}}
	cachedHash, err := coverage.Hash(planning.ExistingSiteCoverageParams(ownCached, radio.For(""))[0], coverage.Options{DEMVersion: "dem-1"})
	if err != nil {
		t.Fatal(err)
	}
	// The proposal's raster: -80 dBm everywhere around the site.
	g, err := geo.NewGrid(40, 40, 105.58, 21.42, 0.001, 0.001)
	if err != nil {
		t.Fatal(err)
	}
	for y := range g.H {
		for x := range g.W {
			g.Set(x, y, -80)
		}
	}
	c := planning.Coverage{ID: 7, ThresholdDBm: -100, Grid: g, Inputs: coverage.Inputs{RadiusM: 15000}}
	// OWN-CACHED's raster over the same cells covers the north-west
	// quarter of them (-90 dBm; -120 elsewhere): a 25 % overlap.
	quarter, err := geo.NewGrid(40, 40, 105.58, 21.42, 0.001, 0.001)
	if err != nil {
		t.Fatal(err)
	}
	for y := range quarter.H {
		for x := range quarter.W {
			v := float32(-120)
			if x < 20 && y < 20 {
				v = -90
			}
			quarter.Set(x, y, v)
		}
	}
	village := planning.Village{ZoneID: 1, Category: planning.CategoryVillage, Name: "Thôn A", Population: 300, HasPopulation: true,
		Centre: orb.Point{105.6, 21.41}, Geometry: orb.Point{105.6, 21.41}}

	tests := []struct {
		name         string
		sites        []planning.ExistingSite
		analysisID   int64
		wantOthers   []int64 // the stored coverages whose rasters are read
		wantPct      float64
		wantMissing  int
		wantGapKm2   float64
		wantTowerIDs []int64
		wantPeople   int // Thôn A's 300 when newly covered; 0 when its status is unknown
	}{
		{name: "overlap with the stored coverage of the carrier's sites in reach", analysisID: 5,
			sites:      []planning.ExistingSite{ownCached, ownMissing, ownFar, other},
			wantOthers: []int64{11}, wantPct: 25, wantMissing: 1, wantGapKm2: 0.4, wantTowerIDs: []int64{4}, wantPeople: 300},
		// Without an analysis, the carrier's own site within 15 km leaves
		// Thôn A's status unknown: counted, not listed.
		{name: "no own coverage stored: no overlap, no analysis: no gap closed", analysisID: 0,
			sites: []planning.ExistingSite{ownMissing, other}, wantMissing: 1, wantTowerIDs: []int64{4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var gotOthers []int64
			store := &planningtest.GapFillStore{
				VillagesNearFunc: func(_ context.Context, p orb.Point, radiusM float64) ([]planning.Village, error) {
					if p != site.Location || radiusM != 15000 {
						t.Errorf("VillagesNear(%v, %g), want the site and 15000 m", p, radiusM)
					}
					return []planning.Village{village}, nil
				},
				VillageStatusesFunc: func(_ context.Context, ids []int64) (map[int64]planning.GapVillage, int64, error) {
					if tt.analysisID == 0 {
						return map[int64]planning.GapVillage{}, 0, nil
					}
					return map[int64]planning.GapVillage{1: {NotSpot: planning.NotSpotPartial,
						Coverage: map[string]planning.CarrierCoverage{"452-04": {Status: planning.TrangSong}, "452-01": {Status: planning.Covered}}}}, tt.analysisID, nil
				},
				TowersNearFunc: func(_ context.Context, _ orb.Point, radiusM, minHeightM float64) ([]planning.ShareableTower, error) {
					if radiusM != 500 || minHeightM != 30 {
						t.Errorf("TowersNear(%g m, ≥ %g m), want 500 m, ≥ 30 m", radiusM, minHeightM)
					}
					return []planning.ShareableTower{{ID: 4, Carrier: "452-01", Code: "OTHER", DistanceM: 310, HeightM: 45}}, nil
				},
				GapClosedFunc: func(_ context.Context, coverageID, analysisID int64) (float64, error) {
					if coverageID != 7 || analysisID != tt.analysisID || analysisID == 0 {
						t.Errorf("GapClosed(%d, %d), want (7, %d)", coverageID, analysisID, tt.analysisID)
					}
					return 0.4, nil
				},
			}
			nets := planning.NewNetworkService(&planningtest.NetworkStore{SitesFunc: func(context.Context, planning.SiteFilter) ([]planning.ExistingSite, error) {
				return tt.sites, nil
			}}, nil, radio)
			covStore := &planningtest.CoverageStore{CoverageByHashFunc: func(_ context.Context, h string) (planning.Coverage, error) {
				if h == cachedHash {
					return planning.Coverage{ID: 11, ThresholdDBm: -100}, nil
				}
				return planning.Coverage{}, planning.Errorf(planning.NotFound, "coverage %s", h)
			}}
			terrain := &planningtest.TerrainSource{InfoFunc: func(context.Context, float64, float64, float64) (planning.TerrainInfo, error) {
				return planning.TerrainInfo{Version: "dem-1", StepLonDeg: 1.0 / 1200, StepLatDeg: 1.0 / 1200}, nil
			}}
			cov := planning.NewCoverageService(planning.CoverageConfig{}, terrain, covStore, nil)
			grids := gridsFunc(func(_ context.Context, c planning.Coverage) (*geo.Grid, error) {
				gotOthers = append(gotOthers, c.ID)
				if c.ID != 11 {
					t.Errorf("CoverageGrid(%d), want only 11's", c.ID)
				}
				return quarter, nil
			})
			svc := planning.NewGapFillService(planning.GapFillConfig{}, store, nets, cov, grids, nil)
			gf, err := svc.Fill(ctx, site, "", c)
			if err != nil {
				t.Fatalf("Fill: %v", err)
			}
			if !slices.Equal(gotOthers, tt.wantOthers) {
				t.Errorf("overlap with coverages %v, want %v", gotOthers, tt.wantOthers)
			}
			if math.Abs(gf.OverlapPct-tt.wantPct) > 1e-9 || gf.OverlapCoverages != len(tt.wantOthers) || gf.OverlapSitesMissing != tt.wantMissing {
				t.Errorf("overlap = %g%% of %d coverages, %d missing; want %g%% of %d, %d missing",
					gf.OverlapPct, gf.OverlapCoverages, gf.OverlapSitesMissing, tt.wantPct, len(tt.wantOthers), tt.wantMissing)
			}
			if gf.GapKm2Closed != tt.wantGapKm2 || gf.GapAnalysisID != tt.analysisID || gf.CoverageID != 7 {
				t.Errorf("gap closed %g km² (analysis %d, coverage %d), want %g (analysis %d, coverage 7)",
					gf.GapKm2Closed, gf.GapAnalysisID, gf.CoverageID, tt.wantGapKm2, tt.analysisID)
			}
			var towers []int64
			for _, tw := range gf.ShareableTowers {
				towers = append(towers, tw.ID)
			}
			if !slices.Equal(towers, tt.wantTowerIDs) {
				t.Errorf("towers = %v, want %v", towers, tt.wantTowerIDs)
			}
			switch {
			case tt.wantPeople == 0:
				if len(gf.VillagesNewlyCovered) != 0 || gf.VillagesUnknown != 1 || gf.VillagesCovered != 1 {
					t.Errorf("newly covered = %+v, unknown %d; want none and 1 unknown", gf.VillagesNewlyCovered, gf.VillagesUnknown)
				}
			case len(gf.VillagesNewlyCovered) != 1 || gf.PeopleNewlyCovered != tt.wantPeople || gf.VillagesNewlyCovered[0].LevelDBm != -80:
				t.Errorf("newly covered = %+v (%d people), want Thôn A at -80 dBm, %d people", gf.VillagesNewlyCovered, gf.PeopleNewlyCovered, tt.wantPeople)
			}
		})
	}
}

// gridsFunc is a planning.CoverageGrids made of a function.
type gridsFunc func(ctx context.Context, c planning.Coverage) (*geo.Grid, error)

func (f gridsFunc) CoverageGrid(ctx context.Context, c planning.Coverage) (*geo.Grid, error) {
	return f(ctx, c)
}
