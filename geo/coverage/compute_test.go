package coverage_test

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/paulmach/orb"

	"btsplan/geo"
	"btsplan/geo/coverage"
	"btsplan/geo/itm"
)

// synthSite is the site of the synthetic-terrain tests: on a cell centre
// of synthDEM's lattice, so hand-computed distances come out round.
var synthSite = orb.Point{105.5 + 0.5/1200, 21.5 - 0.5/1200}

// synthDEM returns a 3" grid of ±radiusM+2 km around synthSite with
// elevations from f(xM, yM), the offsets in metres east and north of the
// site (on the local tangent plane).
func synthDEM(t testing.TB, radiusM float64, f func(xM, yM float64) float64) *geo.Grid {
	t.Helper()
	const d = 1.0 / 1200
	lonM, latM := geo.MetresPerDegree(synthSite[1])
	half := radiusM + 2000
	nx := int(2*half/(d*lonM)) + 2
	ny := int(2*half/(d*latM)) + 2
	g, err := geo.NewGrid(nx, ny, synthSite[0]-float64(nx/2)*d-d/2, synthSite[1]+float64(ny/2)*d+d/2, d, d)
	if err != nil {
		t.Fatal(err)
	}
	for y := range ny {
		for x := range nx {
			c := g.CellCentre(x, y)
			g.Set(x, y, float32(f((c[0]-synthSite[0])*lonM, (c[1]-synthSite[1])*latM)))
		}
	}
	return g
}

func omniSite(eirpDBm float64) coverage.Params {
	return coverage.Params{
		Location:     synthSite,
		HeightM:      30,
		FreqMHz:      1800,
		ThresholdDBm: -95,
		Sectors:      []coverage.Sector{{EIRPdBm: eirpDBm}},
	}
}

// cellAt returns the grid cell holding p.
func cellAt(g *geo.Grid, p orb.Point) (int, int) {
	return int(math.Floor((p[0] - g.West) / g.DLon)), int(math.Floor((g.North - p[1]) / g.DLat))
}

func TestFlatTerrainMatchesITM(t *testing.T) {
	const radiusM = 6000
	dem := synthDEM(t, radiusM, func(_, _ float64) float64 { return 100 })
	site := omniSite(50)
	res, err := coverage.Compute(context.Background(), dem, site, coverage.Options{RadiusM: radiusM}, nil)
	if err != nil {
		t.Fatal(err)
	}
	p := itm.Params{HTxM: 30, HRxM: 1.5, Climate: 5, N0: 301, FreqMHz: 1800, Polarization: 1,
		Epsilon: 15, SigmaSPerM: 0.005, MDVar: 3, TimePct: 50, LocationPct: 50, SituationPct: 50}
	// On flat ground every profile is the same whatever its bearing, so
	// the level is EIRP - ITM(d) for a flat profile of n = round(d/step)
	// intervals (at least 10) of d/n metres.
	tests := []struct {
		name   string
		dirDeg float64
		distM  float64
	}{
		{"500 m north", 0, 500},
		{"1 km east", 90, 1000},
		{"2.5 km south-west", 225, 2500},
		{"4 km west", 270, 4000},
		{"5.8 km north-east", 45, 5800},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x, y := cellAt(res.Grid, geo.Destination(synthSite, tt.dirDeg, tt.distM))
			c := res.Grid.CellCentre(x, y)
			d := geo.DistanceM(synthSite, c)
			n := max(int(d/res.Stats.ProfileStepM+0.5), 10)
			pfl := make([]float64, n+3)
			pfl[0], pfl[1] = float64(n), d/float64(n)
			for i := 2; i < len(pfl); i++ {
				pfl[i] = 100
			}
			r, err := itm.P2P(p, pfl)
			if err != nil {
				t.Fatal(err)
			}
			got := float64(res.Grid.At(x, y))
			if want := 50 - r.LossDB; !geo.Near(got, want, 1e-3) {
				t.Errorf("level at %.0f m = %.4f dBm, want EIRP - ITM = 50 - %.4f = %.4f dBm", d, got, r.LossDB, want)
			}
			// ITM over smooth ground never beats free space by much:
			// FSPL = 32.45 + 20·log10(f MHz) + 20·log10(d km).
			fspl := 32.45 + 20*math.Log10(1800) + 20*math.Log10(d/1000)
			if got > 50-fspl+6.1 {
				t.Errorf("level at %.0f m = %.2f dBm, more than 6 dB above free space (%.2f dBm)", d, got, 50-fspl)
			}
		})
	}
}

func TestKnifeEdgeShadowsCellsBehind(t *testing.T) {
	// Flat ground at 0 m with a 300 m wall running north-south 3 km east
	// of the site, two DEM cells thick.
	const radiusM = 8000
	wall := func(xM, _ float64) float64 {
		if xM > 3000 && xM < 3180 {
			return 300
		}
		return 0
	}
	dem := synthDEM(t, radiusM, wall)
	site := omniSite(55)
	site.ThresholdDBm = -90
	res, err := coverage.Compute(context.Background(), dem, site, coverage.Options{RadiusM: radiusM}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, distM := range []float64{4000, 5000, 6000, 7000} {
		east := res.Grid.At(cellAt(res.Grid, geo.Destination(synthSite, 90, distM)))
		west := res.Grid.At(cellAt(res.Grid, geo.Destination(synthSite, 270, distM)))
		// The mirror cell west of the site has the same distance and the
		// same flat ground, without the wall.
		if !(east < west-20) {
			t.Errorf("at %.0f m: east (behind the wall) %.1f dBm, west (open) %.1f dBm, want east at least 20 dB lower", distM, east, west)
		}
		if !(east < float32(site.ThresholdDBm)) || !(west >= float32(site.ThresholdDBm)) {
			t.Errorf("at %.0f m: east %.1f dBm and west %.1f dBm, want east below and west at or above %g dBm", distM, east, west, site.ThresholdDBm)
		}
	}
	if res.Limits.TerrainLimitedCells == 0 {
		t.Errorf("Limits.TerrainLimitedCells = 0, want the shadowed cells counted")
	}
}

// TestTamDaoRidgeShadowsNorthValley is the acceptance test on real
// terrain: a 30 m LTE mast on the Vĩnh Phúc plain south of the Tam Đảo
// ridge (crest 1,000-1,300 m) covers the plain where it sees it and leaves
// the Đại Từ valley north of the ridge below the threshold.
func TestTamDaoRidgeShadowsNorthValley(t *testing.T) {
	tl := loadTile(t)
	site := orb.Point{105.60, 21.40} // 34 m ASL, 9 km south-west of the crest
	const radiusM = 25000
	dem := window(t, tl, site, radiusM)
	params := coverage.Params{
		Location: site, HeightM: 30, FreqMHz: 1800, Technology: coverage.LTE,
		Sectors: []coverage.Sector{{EIRPdBm: 60}},
	}
	res, err := coverage.Compute(context.Background(), dem, params, coverage.Options{RadiusM: radiusM, DEMVersion: "srtm3-N21E105"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	thr := float32(res.Inputs.ThresholdDBm)
	step := res.Stats.ProfileStepM
	profileTo := func(p orb.Point) geo.Profile {
		d := geo.DistanceM(site, p)
		brg := geo.BearingDeg(site, p)
		n := int(d/step) + 1
		e := make([]float64, n+1)
		for i := range e {
			e[i] = tl.Bilinear(geo.Destination(site, brg, float64(i)*d/float64(n)))
		}
		return geo.Profile{ElevM: e, StepM: d / float64(n)}
	}

	t.Run("north valley below threshold", func(t *testing.T) {
		// Valley floors of Đại Từ (Thái Nguyên), 40-60 m ASL, 17-22 km away
		// behind the ridge.
		for _, p := range []orb.Point{{105.65, 21.60}, {105.69, 21.56}, {105.73, 21.52}, {105.67, 21.58}} {
			x, y := cellAt(res.Grid, p)
			got := res.Grid.At(x, y)
			pr := profileTo(p)
			if h := pr.ElevM[len(pr.ElevM)-1]; h > 120 {
				t.Fatalf("%v is at %.0f m, not on the valley floor", p, h)
			}
			if geo.LineOfSight(pr, 30, 1.5, geo.EffectiveEarthK) {
				t.Errorf("%v: the ridge does not block the line of sight", p)
			}
			if !(got < thr) {
				t.Errorf("RSRP at %v (north valley) = %.1f dBm, want below %g dBm", p, got, thr)
			}
		}
	})

	t.Run("line-of-sight cells on the south side covered", func(t *testing.T) {
		// The cells 2-12 km away on the plain side (bearings 150-300°)
		// that the antenna sees are covered. ITM is a statistical model:
		// over rough terrain (its Δh) it can put a line-of-sight path a
		// few dB below the threshold, so a handful may miss.
		var los, covered int
		g := res.Grid
		for y := 0; y < g.H; y += 3 {
			for x := 0; x < g.W; x += 3 {
				c := g.CellCentre(x, y)
				d := geo.DistanceM(site, c)
				b := geo.BearingDeg(site, c)
				if d < 2000 || d > 12000 || b < 150 || b > 300 {
					continue
				}
				if !geo.LineOfSight(profileTo(c), 30, 1.5, geo.EffectiveEarthK) {
					continue
				}
				los++
				if v := g.At(x, y); v >= thr {
					covered++
				} else {
					t.Logf("RSRP at LOS cell %v (%.0f m) = %.1f dBm, below %g dBm", c, d, v, thr)
				}
			}
		}
		if los < 50 {
			t.Errorf("found %d line-of-sight cells on the south side, want at least 50 to mean something", los)
		}
		if float64(covered) < 0.98*float64(los) {
			t.Errorf("%d of %d line-of-sight cells 2-12 km south-west covered, want at least 98 %%", covered, los)
		}
		t.Logf("%d of %d line-of-sight cells 2-12 km south-west are covered", covered, los)
	})

	if res.Limits.TerrainLimitedCells == 0 {
		t.Errorf("Limits.TerrainLimitedCells = 0, want the ridge's shadow counted")
	}
	if res.Limits.DEMVoidCells == 0 {
		t.Errorf("Limits.DEMVoidCells = 0, want the SRTM voids on the crest counted")
	}
	t.Logf("covered %.1f km² (%d cells); limits %+v", res.AreaKm2, res.CoveredCells, res.Limits)
}

func TestCoveredAreaEqualsCells(t *testing.T) {
	tl := loadTile(t)
	dem := window(t, tl, yardstickSite, 10000)
	res, err := coverage.Compute(context.Background(), dem, yardstick, coverage.Options{RadiusM: 10000}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.CoveredCells == 0 || len(res.Covered) == 0 {
		t.Fatalf("nothing covered: %d cells, %d polygons", res.CoveredCells, len(res.Covered))
	}
	// Count × the area of a cell at the site's latitude.
	centreArea := coverage.CellAreaKm2(res.Grid, res.Grid.H/2)
	want := float64(res.CoveredCells) * centreArea
	if rel := math.Abs(res.AreaKm2-want) / want; rel > 0.005 {
		t.Errorf("AreaKm2 = %.4f, want %d cells × %.6f km² = %.4f within 0.5%% (off by %.3f%%)",
			res.AreaKm2, res.CoveredCells, centreArea, want, 100*rel)
	}
}

func TestComputeDeterministicAcrossWorkers(t *testing.T) {
	tl := loadTile(t)
	dem := window(t, tl, yardstickSite, 5000)
	var grids [][]float32
	for _, w := range []int{1, 2, 3} {
		res, err := coverage.Compute(context.Background(), dem, yardstick, coverage.Options{RadiusM: 5000, Workers: w}, nil)
		if err != nil {
			t.Fatal(err)
		}
		grids = append(grids, res.Grid.Pix)
	}
	for i := 1; i < len(grids); i++ {
		for j := range grids[0] {
			a, b := grids[0][j], grids[i][j]
			if a != b && !(a != a && b != b) {
				t.Fatalf("cell %d: %v with 1 worker, %v with %d", j, a, b, i+1)
			}
		}
	}
}

func TestComputeCancelled(t *testing.T) {
	dem := synthDEM(t, 10000, func(_, _ float64) float64 { return 0 })
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	_, err := coverage.Compute(ctx, dem, omniSite(50), coverage.Options{RadiusM: 10000}, func(done, total int) {
		calls++
		if calls == 3 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Compute after cancel = %v, want context.Canceled", err)
	}
}

func TestComputeProgress(t *testing.T) {
	dem := synthDEM(t, 3000, func(_, _ float64) float64 { return 0 })
	last, total := 0, 0
	_, err := coverage.Compute(context.Background(), dem, omniSite(50), coverage.Options{RadiusM: 3000}, func(done, n int) {
		if done <= last || done > n {
			t.Errorf("progress(%d, %d) after %d, want done increasing up to n", done, n, last)
		}
		last, total = done, n
	})
	if err != nil {
		t.Fatal(err)
	}
	if last != total || total == 0 {
		t.Errorf("last progress %d of %d, want all rays done", last, total)
	}
}

func TestMetricConversion(t *testing.T) {
	dem := synthDEM(t, 2000, func(_, _ float64) float64 { return 0 })
	level := omniSite(50)
	lte := level
	lte.Technology, lte.ThresholdDBm, lte.ResourceBlocks = coverage.LTE, 0, 50
	a, err := coverage.Compute(context.Background(), dem, level, coverage.Options{RadiusM: 2000}, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := coverage.Compute(context.Background(), dem, lte, coverage.Options{RadiusM: 2000}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// RSRP = EIRP - 10·log10(12·50) - L: 27.7815 dB below the level.
	want := 10 * math.Log10(600)
	x, y := cellAt(a.Grid, geo.Destination(synthSite, 30, 1500))
	if got := float64(a.Grid.At(x, y) - b.Grid.At(x, y)); !geo.Near(got, want, 1e-4) {
		t.Errorf("level - RSRP = %.4f dB, want 10·log10(12·50) = %.4f dB", got, want)
	}
	if b.Inputs.Metric != coverage.MetricRSRP || b.Inputs.ThresholdDBm != -110 {
		t.Errorf("LTE inputs: metric %q threshold %g, want RSRP -110", b.Inputs.Metric, b.Inputs.ThresholdDBm)
	}
}

func TestDEMVoidsAreFilledAndCounted(t *testing.T) {
	dem := synthDEM(t, 3000, func(_, _ float64) float64 { return 50 })
	// A 3×3 void 1 km north of the site.
	x, y := cellAt(dem, geo.Destination(synthSite, 0, 1000))
	for dy := -1; dy <= 1; dy++ {
		for dx := -1; dx <= 1; dx++ {
			dem.Set(x+dx, y+dy, float32(math.NaN()))
		}
	}
	res, err := coverage.Compute(context.Background(), dem, omniSite(50), coverage.Options{RadiusM: 3000}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Limits.DEMVoidCells != 9 {
		t.Errorf("Limits.DEMVoidCells = %d, want 9", res.Limits.DEMVoidCells)
	}
	if res.Limits.ModelErrorCells != 0 {
		t.Errorf("Limits.ModelErrorCells = %d (%s), want 0", res.Limits.ModelErrorCells, res.Limits.FirstModelError)
	}
	if !math.IsNaN(float64(dem.At(x, y))) {
		t.Errorf("Compute changed the caller's DEM")
	}
}

func TestComputeInputErrors(t *testing.T) {
	dem := synthDEM(t, 2000, func(_, _ float64) float64 { return 0 })
	ok := omniSite(50)
	tests := []struct {
		name  string
		edit  func(p *coverage.Params, o *coverage.Options)
		field string
	}{
		{"no sectors", func(p *coverage.Params, _ *coverage.Options) { p.Sectors = nil }, "sectors"},
		{"mast too low", func(p *coverage.Params, _ *coverage.Options) { p.HeightM = 0.1 }, "height_m"},
		{"frequency", func(p *coverage.Params, _ *coverage.Options) { p.FreqMHz = 5 }, "freq_mhz"},
		{"technology", func(p *coverage.Params, _ *coverage.Options) { p.Technology = "WiMAX" }, "technology"},
		{"no threshold", func(p *coverage.Params, _ *coverage.Options) { p.ThresholdDBm = 0 }, "threshold_dbm"},
		{"climate", func(p *coverage.Params, _ *coverage.Options) { p.Radio = coverage.DefaultRadio(); p.Radio.Climate = 9 }, "radio/climate"},
		{"location percentage", func(p *coverage.Params, _ *coverage.Options) {
			p.Radio = coverage.DefaultRadio()
			p.Radio.LocationPct = 100
		}, "radio/location_pct"},
		{"sector EIRP", func(p *coverage.Params, _ *coverage.Options) { p.Sectors = []coverage.Sector{{AzimuthDeg: 10}} }, "sectors/0/eirp_dbm"},
		{"beamwidth", func(p *coverage.Params, _ *coverage.Options) {
			p.Sectors = []coverage.Sector{{EIRPdBm: 50}, {EIRPdBm: 50, HBeamwidthDeg: 400}}
		}, "sectors/1/hbw_deg"},
		{"radius", func(_ *coverage.Params, o *coverage.Options) { o.RadiusM = 1e6 }, "radius_m"},
		{"cell size", func(_ *coverage.Params, o *coverage.Options) { o.CellArcSec = 2 }, "cell_arcsec"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, o := ok, coverage.Options{RadiusM: 1000}
			tt.edit(&p, &o)
			_, err := coverage.Compute(context.Background(), dem, p, o, nil)
			var ie *coverage.InputError
			if !errors.As(err, &ie) || ie.Field != tt.field {
				t.Errorf("Compute = %v, want an *InputError about %s", err, tt.field)
			}
		})
	}
	t.Run("dem too small", func(t *testing.T) {
		_, err := coverage.Compute(context.Background(), dem, ok, coverage.Options{RadiusM: 10000}, nil)
		if !errors.Is(err, coverage.ErrDEMCoverage) {
			t.Errorf("Compute beyond the DEM = %v, want ErrDEMCoverage", err)
		}
	})
}
