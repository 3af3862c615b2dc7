package coverage_test

import (
	"context"
	"math"
	"testing"

	"github.com/paulmach/orb"

	"btsplan/geo/coverage"
)

// coveredPct is the covered share of the cells within the radius, %.
func coveredPct(r *coverage.Result) float64 {
	return 100 * float64(r.CoveredCells) / float64(r.CoveredCells+r.Limits.BelowThresholdCells)
}

// TestTerrainSampling: nearest-post sampling (SPLAT!, Signal-Server) and
// bilinear sampling (ITU-R P.1144, the default) read the same heights on
// flat terrain, so every level agrees; on rough terrain they read
// slightly different profiles, so some levels move but the covered share
// moves by a few points at most.
func TestTerrainSampling(t *testing.T) {
	const radiusM = 5000
	tests := []struct {
		name     string
		terrain  func(xM, yM float64) float64
		wantSame bool
	}{
		{"flat", func(_, _ float64) float64 { return 100 }, true},
		{"rough", func(x, y float64) float64 {
			// Hills of 150 m every ~1.3 km plus a ridge 3 km north.
			h := 200 + 75*math.Sin(x/230)*math.Cos(y/190) + 20*math.Sin((x+y)/300)
			if y > 2800 && y < 3200 {
				h += 250
			}
			return h
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dem := synthDEM(t, radiusM, tt.terrain)
			site := omniSite(55)
			res := map[coverage.TerrainSampling]*coverage.Result{}
			for _, s := range []coverage.TerrainSampling{"", coverage.SamplingBilinear, coverage.SamplingNearest} {
				r, err := coverage.Compute(context.Background(), dem, site, coverage.Options{RadiusM: radiusM, TerrainSampling: s}, nil)
				if err != nil {
					t.Fatalf("%q: %v", s, err)
				}
				res[s] = r
			}
			bi, near := res[coverage.SamplingBilinear], res[coverage.SamplingNearest]
			if res[""].InputHash != bi.InputHash || res[""].Inputs.TerrainSampling != coverage.SamplingBilinear {
				t.Errorf("default sampling %q hash %s, want bilinear's %s", res[""].Inputs.TerrainSampling, res[""].InputHash, bi.InputHash)
			}
			if near.InputHash == bi.InputHash || near.Inputs.TerrainSampling != coverage.SamplingNearest {
				t.Errorf("nearest sampling %q has bilinear's hash %s, want its own", near.Inputs.TerrainSampling, near.InputHash)
			}
			var differ int
			var sumAbs float64
			for i, a := range bi.Grid.Pix {
				b := near.Grid.Pix[i]
				if math.IsNaN(float64(a)) != math.IsNaN(float64(b)) {
					t.Fatalf("cell %d: bilinear %v, nearest %v: the rasters' extents differ", i, a, b)
				}
				if a != b && !math.IsNaN(float64(a)) {
					differ++
					sumAbs += math.Abs(float64(a - b))
				}
			}
			dPct := math.Abs(coveredPct(bi) - coveredPct(near))
			t.Logf("%s: %d cells differ, mean |Δ| %.2f dB; covered %.2f %% bilinear, %.2f %% nearest",
				tt.name, differ, sumAbs/max(float64(differ), 1), coveredPct(bi), coveredPct(near))
			if tt.wantSame {
				if differ != 0 || bi.CoveredCells != near.CoveredCells {
					t.Errorf("flat terrain: %d cells differ, covered %d vs %d; want identical rasters", differ, bi.CoveredCells, near.CoveredCells)
				}
				return
			}
			if differ == 0 {
				t.Errorf("rough terrain: no cell differs; want nearest sampling to move some levels")
			}
			if mean := sumAbs / float64(max(differ, 1)); mean > 6 {
				t.Errorf("rough terrain: mean |Δ| = %.2f dB, want a slight difference (≤ 6 dB)", mean)
			}
			if dPct > 8 {
				t.Errorf("rough terrain: covered share moves %.2f points, want ≤ 8", dPct)
			}
		})
	}
	if _, err := coverage.Hash(omniSite(55), coverage.Options{TerrainSampling: "cubic"}); err == nil {
		t.Errorf("Hash with TerrainSampling \"cubic\" = nil error, want an InputError")
	}
}

// TestTerrainSamplingTamDao measures, on the real SRTM-3 tile, how far the
// choice of terrain sampling moves the covered share of 15 km sites (the
// README's figure). It skips without the shared tile (fails in CI).
func TestTerrainSamplingTamDao(t *testing.T) {
	if testing.Short() {
		t.Skip("four 15 km coverages twice")
	}
	tl := loadTile(t)
	const radiusM = 15000
	sites := []orb.Point{
		{105.60, 21.40}, // Vĩnh Phúc plain, 9 km south-west of the crest
		{105.64, 21.46}, // on the Tam Đảo ridge
		{105.70, 21.55}, // Đại Từ valley, north of the ridge
		{105.45, 21.60}, // hills west of the ridge
	}
	var worst float64
	for _, site := range sites {
		dem := window(t, tl, site, radiusM)
		// The national radio defaults (planning/radio/defaults.yaml):
		// climate 3, N0 360, the medians.
		radio := coverage.DefaultRadio()
		radio.Climate, radio.N0 = 3, 360
		p := coverage.Params{Location: site, HeightM: 30, FreqMHz: 1800, Technology: coverage.LTE,
			Sectors: []coverage.Sector{{EIRPdBm: 60}}, Radio: radio}
		var pct [2]float64
		for i, s := range []coverage.TerrainSampling{coverage.SamplingBilinear, coverage.SamplingNearest} {
			r, err := coverage.Compute(context.Background(), dem, p, coverage.Options{RadiusM: radiusM, TerrainSampling: s}, nil)
			if err != nil {
				t.Fatal(err)
			}
			pct[i] = coveredPct(r)
		}
		d := math.Abs(pct[0] - pct[1])
		worst = max(worst, d)
		t.Logf("%v (ground %.0f m): covered %.2f %% bilinear, %.2f %% nearest: %.2f points",
			site, tl.Bilinear(site), pct[0], pct[1], d)
	}
	t.Logf("largest move: %.2f points", worst)
	if worst == 0 || worst > 8 {
		t.Errorf("largest move of the covered share = %.2f points, want a few (0 < Δ ≤ 8)", worst)
	}
}
