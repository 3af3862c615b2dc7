package coverage

import (
	"context"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"btsplan/geo"
	"btsplan/geo/itm"
)

// readTile decodes the shared SRTM-3 tile N21E105 (see terrain_test.go's
// loadTile, which external tests use); it fails under CI when the file is
// missing and skips otherwise.
func readTile(t *testing.T) *geo.Grid {
	t.Helper()
	path := filepath.Join("..", "..", "..", "shared", "data", "vn", "dem", "N21E105.hgt")
	b, err := os.ReadFile(path)
	if err != nil || len(b) != 1201*1201*2 {
		if os.Getenv("CI") != "" {
			t.Fatalf("read %s: %v (CI needs ../shared/data beside the project)", path, err)
		}
		t.Skipf("skipping: %s is not readable (%v); it is the shared SRTM tile N21E105", path, err)
	}
	const d = 1.0 / 1200
	g, err := geo.NewGrid(1201, 1201, 105-d/2, 22+d/2, d, d)
	if err != nil {
		t.Fatal(err)
	}
	for i := range g.Pix {
		if v := int16(binary.BigEndian.Uint16(b[2*i:])); v != -32768 {
			g.Pix[i] = float32(v)
		}
	}
	return g
}

// directLevel computes a cell's level the plain way: a profile sampled
// straight from the site to the cell centre with geo.Destination and
// geo.Grid.Bilinear at n = round(d/step) intervals (at least
// minIntervals), one ITM run, the same antenna gain.
func directLevel(t *testing.T, res *Result, dem *geo.Grid, x, y int) float64 {
	t.Helper()
	in := res.Inputs
	site := orb.Point{in.Lon, in.Lat}
	c := res.Grid.CellCentre(x, y)
	d := geo.DistanceM(site, c)
	brg := geo.BearingDeg(site, c)
	n := max(int(d/res.Stats.ProfileStepM+0.5), minIntervals)
	pfl := make([]float64, n+3)
	pfl[0], pfl[1] = float64(n), d/float64(n)
	for i := 0; i <= n; i++ {
		p := geo.Destination(site, brg, float64(i)*d/float64(n))
		pfl[2+i] = dem.Bilinear(p)
	}
	pfl[2+n] = dem.Bilinear(c)
	p := in.itmParams()
	r, err := itm.P2P(p, pfl)
	if err != nil {
		t.Fatalf("direct ITM at cell %d,%d: %v", x, y, err)
	}
	zTx := pfl[2] + in.HeightM
	zRx := pfl[2+n] + in.RxHeightM
	elev := math.Atan((zRx-zTx)/d - d/(2*geo.EffectiveEarthK*geo.EarthRadiusM))
	dir := direction{elevDeg: elev / degToRad}
	s, co := math.Sincos(brg * degToRad)
	dir.sinBrg, dir.cosBrg = s, co
	dir.sinElev, dir.cosElev = math.Sincos(elev)
	sectors := make([]sectorModel, len(in.Sectors))
	for i, si := range in.Sectors {
		sectors[i] = newSectorModel(si, nil)
	}
	return bestLevelDBm(sectors, &dir) - in.ConversionDB - r.LossDB
}

// TestRayPrefixMatchesDirectProfiles measures, on real terrain (Tam Đảo,
// the yardstick site, 30 m cells from the 3" DEM), how far the ray-prefix
// levels are from levels computed with a profile drawn straight to each
// cell. The two profiles differ only in where their samples lie: the ray's
// i-th sample is at i·step along the ray's bearing, the direct one at
// i·d/n along the cell's own bearing; the bearings differ by at most half
// the ray spacing (the cell's lateral offset is at most half a cell), and
// the distances by at most half a profile step. Both end on the cell
// centre's own ground and both give ITM the exact distance d.
func TestRayPrefixMatchesDirectProfiles(t *testing.T) {
	tile := readTile(t)
	site := orb.Point{105.644, 21.456}
	const radiusM = 15000
	dem, _ := fillVoids(tile, site[0], site[1], 0)
	params := Params{Location: site, HeightM: 30, FreqMHz: 1800, Technology: LTE, Sectors: []Sector{{EIRPdBm: 60}}}
	res, err := Compute(context.Background(), dem, params, Options{RadiusM: radiusM, CellArcSec: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// A deterministic sample of about 4000 cells spread over the disc.
	diffs := directDiffs(t, res, dem, 251)
	q := func(p float64) float64 { return diffs[int(p*float64(len(diffs)-1))] }
	var mean float64
	for _, d := range diffs {
		mean += d
	}
	mean /= float64(len(diffs))
	t.Logf("ray prefix vs direct profile over %d cells beyond 1 km: |Δ| mean %.3f dB, median %.3f, p90 %.3f, p95 %.3f, p99 %.3f, max %.3f",
		len(diffs), mean, q(0.5), q(0.9), q(0.95), q(0.99), q(1))
	if q(0.5) > 0.5 || q(0.95) > 3 {
		t.Errorf("ray prefix vs direct: median |Δ| %.3f dB, p95 %.3f dB, want at most 0.5 and 3 dB", q(0.5), q(0.95))
	}
}

// TestCoarseCellsMatchDirectProfiles: 6" cells from the 3" DEM (each the
// level at the centre of a 2×2 block of DEM cells) are half as many
// across, and each is the level of a profile drawn to its centre, within
// the ray-prefix tolerance.
func TestCoarseCellsMatchDirectProfiles(t *testing.T) {
	tile := readTile(t)
	site := orb.Point{105.644, 21.456}
	dem, _ := fillVoids(tile, site[0], site[1], 0)
	params := Params{Location: site, HeightM: 30, FreqMHz: 1800, Technology: LTE, Sectors: []Sector{{EIRPdBm: 60}}}
	fine, err := Compute(context.Background(), dem, params, Options{RadiusM: 5000}, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Compute(context.Background(), dem, params, Options{RadiusM: 5000, CellArcSec: 6}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Grid.DLat * 3600; math.Abs(got-6) > 1e-9 || res.Stats.CellArcSec != got {
		t.Fatalf("cell = %g\", want 6\"", got)
	}
	if d := res.Grid.W - (fine.Grid.W+1)/2; d < -1 || d > 1 {
		t.Errorf("grid width %d, the 3\" grid's %d; want half", res.Grid.W, fine.Grid.W)
	}
	diffs := directDiffs(t, res, dem, 7)
	if len(diffs) < 100 {
		t.Fatalf("%d cells compared, want at least 100", len(diffs))
	}
	if med, p95 := diffs[len(diffs)/2], diffs[len(diffs)*95/100]; med > 0.5 || p95 > 3 {
		t.Errorf("6\" cells vs direct profiles: median |Δ| %.3f dB, p95 %.3f dB; want at most 0.5 and 3 dB", med, p95)
	}
}

// directDiffs returns, sorted, |level - directLevel| over every every-th
// cell of res's grid that has a level and lies at least 1 km from the site.
func directDiffs(t *testing.T, res *Result, dem *geo.Grid, every int) []float64 {
	t.Helper()
	site := orb.Point{res.Inputs.Lon, res.Inputs.Lat}
	var diffs []float64
	g := res.Grid
	for i := 0; i < len(g.Pix); i += every {
		x, y := i%g.Stride, i/g.Stride
		v := float64(g.Pix[i])
		if math.IsNaN(v) || geo.DistanceM(site, g.CellCentre(x, y)) < 1000 {
			continue
		}
		diffs = append(diffs, math.Abs(v-directLevel(t, res, dem, x, y)))
	}
	slices.Sort(diffs)
	return diffs
}

// TestPointsAreDirectProfiles: Points gives each point the level of a
// profile drawn straight to it (directLevel, built with geo.Destination
// and geo.Grid.Bilinear), and NaN beyond the radius.
func TestPointsAreDirectProfiles(t *testing.T) {
	tile := readTile(t)
	site := orb.Point{105.644, 21.456}
	dem, _ := fillVoids(tile, site[0], site[1], 0)
	params := Params{Location: site, HeightM: 30, FreqMHz: 1800, Technology: LTE,
		Sectors: []Sector{{AzimuthDeg: 60, ElecTiltDeg: 3, EIRPdBm: 60}}}
	opts := Options{RadiusM: 8000}
	res, err := Compute(context.Background(), dem, params, opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	g := res.Grid
	var pts []orb.Point
	var cells [][2]int
	for i := 0; i < len(g.Pix); i += 97 {
		x, y := i%g.Stride, i/g.Stride
		if !math.IsNaN(float64(g.Pix[i])) && geo.DistanceM(site, g.CellCentre(x, y)) > 500 {
			pts = append(pts, g.CellCentre(x, y))
			cells = append(cells, [2]int{x, y})
		}
	}
	far := geo.Destination(site, 30, 9000)
	pl, err := Points(context.Background(), dem, params, opts, append(pts, far))
	if err != nil {
		t.Fatal(err)
	}
	if len(pts) < 100 {
		t.Fatalf("%d points, want at least 100", len(pts))
	}
	for i, c := range cells {
		if want := directLevel(t, res, dem, c[0], c[1]); math.Abs(pl.LevelDBm[i]-want) > 0.01 {
			t.Errorf("Points at cell %d,%d = %.3f dBm, want %.3f (direct profile)", c[0], c[1], pl.LevelDBm[i], want)
		}
	}
	if v := pl.LevelDBm[len(pts)]; !math.IsNaN(v) {
		t.Errorf("Points 9 km away with an 8 km radius = %.1f dBm, want NaN", v)
	}
}
