package coverage_test

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"btsplan/geo"
	"btsplan/geo/coverage"
)

// TestPointLevelsAgreeWithCompute: a point's level by a profile drawn
// straight to it agrees with Compute's raster at that cell centre, on
// rolling hills, within the ray approximation (median under 0.5 dB), and
// the wall of TestKnifeEdgeShadowsCellsBehind shadows the points behind it.
func TestPointLevelsAgreeWithCompute(t *testing.T) {
	const radiusM = 8000
	hills := func(xM, yM float64) float64 {
		return 300 + 80*math.Sin(xM/900)*math.Cos(yM/1300) + 40*math.Sin((xM+yM)/500)
	}
	dem := synthDEM(t, radiusM, hills)
	site := omniSite(55)
	res, err := coverage.Compute(context.Background(), dem, site, coverage.Options{RadiusM: radiusM}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var pts []orb.Point
	var want []float64
	for brg := 0.0; brg < 360; brg += 17 {
		for d := 1200.0; d < radiusM-300; d += 900 {
			x, y := cellAt(res.Grid, geo.Destination(synthSite, brg, d))
			pts = append(pts, res.Grid.CellCentre(x, y))
			want = append(want, float64(res.Grid.At(x, y)))
		}
	}
	got, err := coverage.PointLevels(dem, site, coverage.Options{RadiusM: radiusM}, pts)
	if err != nil {
		t.Fatal(err)
	}
	var diffs []float64
	for i := range pts {
		if math.IsNaN(got[i]) {
			t.Fatalf("PointLevels at %v = NaN, want a level", pts[i])
		}
		diffs = append(diffs, math.Abs(got[i]-want[i]))
	}
	slices.Sort(diffs)
	if med, p95 := diffs[len(diffs)/2], diffs[len(diffs)*95/100]; med > 0.5 || p95 > 3 {
		t.Errorf("|PointLevels − Compute| median %.2f dB, p95 %.2f dB over %d points; want at most 0.5 and 3", med, p95, len(diffs))
	}

	// Beyond the radius, or off the DEM: NaN.
	far, err := coverage.PointLevels(dem, site, coverage.Options{RadiusM: radiusM},
		[]orb.Point{geo.Destination(synthSite, 45, radiusM+500), {synthSite[0] + 1, synthSite[1]}})
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range far {
		if !math.IsNaN(v) {
			t.Errorf("far point %d: %.1f dBm, want NaN", i, v)
		}
	}
}

func TestPointLevelsShadow(t *testing.T) {
	const radiusM = 8000
	wall := func(xM, _ float64) float64 {
		if xM > 3000 && xM < 3180 {
			return 300
		}
		return 0
	}
	dem := synthDEM(t, radiusM, wall)
	site := omniSite(55)
	for _, distM := range []float64{4000, 6000} {
		lv, err := coverage.PointLevels(dem, site, coverage.Options{RadiusM: radiusM},
			[]orb.Point{geo.Destination(synthSite, 90, distM), geo.Destination(synthSite, 270, distM)})
		if err != nil {
			t.Fatal(err)
		}
		if !(lv[0] < lv[1]-20) {
			t.Errorf("at %.0f m: east (behind the wall) %.1f dBm, west (open) %.1f dBm, want east at least 20 dB lower", distM, lv[0], lv[1])
		}
	}
	if _, err := coverage.PointLevels(dem, coverage.Params{Location: synthSite}, coverage.Options{}, nil); err == nil {
		t.Errorf("PointLevels of a site without height or band: no error, want an *InputError")
	}
}
