package coverage

import (
	"context"
	"math"

	"github.com/paulmach/orb"

	"btsplan/geo"
	"btsplan/geo/itm"
)

// PointLevels is the received level of one site at a few points: what a
// gap analysis needs at village centres and a site search at its target
// villages, where a raster cell's value (the cell's centre, on a profile
// borrowed from a ray) may be off by a few dB from the point itself.
type PointLevels struct {
	// Inputs are the resolved inputs; ThresholdDBm and Metric say what
	// the levels are compared with.
	Inputs Inputs
	// LevelDBm[i] is the level at the i-th point in dBm of Inputs.Metric:
	// NaN beyond Inputs.RadiusM, where the profile leaves the DEM, or
	// where ITM failed.
	LevelDBm []float64
	// Errors counts the points where ITM failed.
	Errors int
}

// Points computes the level of site at each point of pts ([lon, lat],
// EPSG:4326) with no raster: for each point within opts.RadiusM (default
// DefaultRadiusM) one ITM point-to-point run over a profile drawn straight
// from the site to the point on the great circle, n = max(round(d/step),
// minIntervals) intervals of d/n metres, every sample the DEM (bilinear,
// or the nearest post with SamplingNearest) at that point, the last one
// the point itself; the transmitter at the site's ground plus HeightM, the
// receiver at the point's ground plus RxHeightM; then the sectors' gain
// toward the point, as Compute does for a cell. The profile step is
// opts.ProfileStepM, or the DEM's cell. It is the plain form of what
// Compute approximates with rays (see ray.go), so a point's level agrees
// with the raster's cell within the ray error.
//
// A site outside dem gives every point NaN; a point whose profile leaves
// dem gets NaN. dem's voids are filled from their neighbours (on a copy:
// dem is only read, and callers may share it between goroutines). It
// returns ctx's error when ctx is done (looked at once per point), an
// *InputError for invalid inputs, as Compute does.
func Points(ctx context.Context, dem *geo.Grid, site Params, opts Options, pts []orb.Point) (PointLevels, error) {
	in, sectors, err := resolve(site, opts)
	if err != nil {
		return PointLevels{}, err
	}
	if dem == nil || dem.W < 2 || dem.H < 2 || len(dem.Pix) < (dem.H-1)*dem.Stride+dem.W {
		return PointLevels{}, inputErr("dem", "an elevation grid of at least 2×2 cells is needed")
	}
	out := PointLevels{Inputs: in, LevelDBm: make([]float64, len(pts))}
	for i := range out.LevelDBm {
		out.LevelDBm[i] = math.NaN()
	}
	b := dem.Bound()
	inside := func(lon, lat float64) bool {
		return lon >= b.Min[0] && lon <= b.Max[0] && lat >= b.Min[1] && lat <= b.Max[1]
	}
	if len(pts) == 0 || !inside(in.Lon, in.Lat) {
		return out, nil
	}
	filled, _ := fillVoids(dem, in.Lon, in.Lat, in.RadiusM)
	smp := newDEMSampler(filled, in.TerrainSampling)
	lonM, latM := geo.MetresPerDegree(in.Lat)
	stepM := in.ProfileStepM
	if stepM == 0 {
		stepM = min(dem.DLon*lonM, dem.DLat*latM)
	}
	site0 := orb.Point{in.Lon, in.Lat}
	var sg siteGeometry
	sg.setFrame(in.Lon, in.Lat)
	txGroundM := smp.at(in.Lon, in.Lat)
	ip := in.itmParams()
	var ws itm.Workspace
	var pfl []float64
points:
	for i, p := range pts {
		if err := ctx.Err(); err != nil {
			return PointLevels{}, err
		}
		d := geo.DistanceM(site0, p)
		if d > in.RadiusM || !inside(p[0], p[1]) {
			continue
		}
		sinB, cosB := math.Sincos(geo.BearingDeg(site0, p) * degToRad)
		wlk := sg.walker(sinB, cosB)
		d = max(d, 1) // ITM needs a path, as for the mast's own cell
		n := max(int(d/stepM+0.5), minIntervals)
		if cap(pfl) < n+3 {
			pfl = make([]float64, n+3)
		}
		pfl = pfl[:n+3]
		pfl[0], pfl[1] = float64(n), d/float64(n)
		pfl[2] = txGroundM
		for j := 1; j < n; j++ {
			lon, lat := wlk.at(math.Sincos(float64(j) * d / float64(n) / geo.EarthRadiusM))
			if !inside(lon, lat) {
				continue points
			}
			pfl[2+j] = smp.at(lon, lat)
		}
		groundM := smp.at(p[0], p[1])
		pfl[2+n] = groundM
		res, err := ws.P2P(&ip, pfl)
		if err != nil {
			out.Errors++
			continue
		}
		zTx := txGroundM + in.HeightM
		zRx := groundM + in.RxHeightM
		elevRad := math.Atan((zRx-zTx)/d - d/(2*geo.EffectiveEarthK*geo.EarthRadiusM))
		dir := direction{sinBrg: sinB, cosBrg: cosB, elevDeg: elevRad / degToRad}
		dir.sinElev, dir.cosElev = math.Sincos(elevRad)
		out.LevelDBm[i] = bestLevelDBm(sectors, &dir) - in.ConversionDB - res.LossDB
	}
	return out, nil
}
