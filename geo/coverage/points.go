package coverage

import (
	"math"

	"github.com/paulmach/orb"

	"btsplan/geo"
	"btsplan/geo/itm"
)

// PointLevels returns the received level of site (in dBm of its metric,
// as Compute's grid holds it) at each of pts, [lon, lat] EPSG:4326, with
// no raster: for each point one ITM point-to-point run over a profile
// drawn straight to it on the great circle, n = max(round(d/step),
// minIntervals) intervals of d/n metres sampled from dem (bilinearly, or
// at the nearest post with opts.TerrainSampling), the transmitter at the
// site's ground plus HeightM, the receiver at the point's ground plus
// RxHeightM, and the sectors' patterns toward the point as in Compute. The
// profile step is opts.ProfileStepM, or the DEM's cell. It is the plain
// form of what Compute approximates with rays (see ray.go), so a point's
// level agrees with the coverage raster's cell within the ray error.
//
// A point farther than the radius (opts.RadiusM, default DefaultRadiusM),
// or whose profile leaves dem, gets NaN, and so does a point where ITM
// fails (a NaN elevation, say). Invalid inputs give an *InputError, as
// Compute's do. dem is only read: callers may share it between goroutines.
func PointLevels(dem *geo.Grid, site Params, opts Options, pts []orb.Point) ([]float64, error) {
	in, sectors, err := resolve(site, opts)
	if err != nil {
		return nil, err
	}
	if dem == nil || dem.W < 2 || dem.H < 2 || len(dem.Pix) < (dem.H-1)*dem.Stride+dem.W {
		return nil, inputErr("dem", "an elevation grid of at least 2×2 cells is needed")
	}
	out := make([]float64, len(pts))
	for i := range out {
		out[i] = math.NaN()
	}
	b := dem.Bound()
	inside := func(p orb.Point) bool {
		return p[0] >= b.Min[0] && p[0] <= b.Max[0] && p[1] >= b.Min[1] && p[1] <= b.Max[1]
	}
	if !inside(orb.Point{in.Lon, in.Lat}) {
		return out, nil
	}
	lonM, latM := geo.MetresPerDegree(in.Lat)
	stepM := in.ProfileStepM
	if stepM == 0 {
		stepM = min(dem.DLon*lonM, dem.DLat*latM)
	}
	sampler := newDEMSampler(dem, in.TerrainSampling)
	var sg siteGeometry
	sg.setFrame(in.Lon, in.Lat)
	txGroundM := sampler.at(in.Lon, in.Lat)
	ip := in.itmParams()
	var ws itm.Workspace
	var pfl []float64
	site0 := orb.Point{in.Lon, in.Lat}
	for i, p := range pts {
		d := geo.DistanceM(site0, p)
		if d > in.RadiusM || !inside(p) {
			continue
		}
		d = max(d, 1) // ITM needs a path; the mast's own point is a metre away
		sinB, cosB := math.Sincos(geo.BearingDeg(site0, p) * degToRad)
		wlk := sg.walker(sinB, cosB)
		n := max(int(d/stepM+0.5), minIntervals)
		if cap(pfl) < n+3 {
			pfl = make([]float64, n+3)
		}
		pfl = pfl[:n+3]
		pfl[0], pfl[1] = float64(n), d/float64(n)
		pfl[2] = txGroundM
		escaped := false
		for k := 1; k < n; k++ {
			sinD, cosD := math.Sincos(float64(k) * d / float64(n) / geo.EarthRadiusM)
			lon, lat := wlk.at(sinD, cosD)
			if !inside(orb.Point{lon, lat}) {
				escaped = true
				break
			}
			pfl[2+k] = sampler.at(lon, lat)
		}
		if escaped {
			continue
		}
		groundM := sampler.at(p[0], p[1])
		pfl[2+n] = groundM
		res, err := ws.P2P(&ip, pfl)
		if err != nil {
			continue
		}
		zTx := txGroundM + in.HeightM
		zRx := groundM + in.RxHeightM
		elevRad := math.Atan((zRx-zTx)/d - d/(2*geo.EffectiveEarthK*geo.EarthRadiusM))
		dir := direction{sinBrg: sinB, cosBrg: cosB, elevDeg: elevRad / degToRad}
		dir.sinElev, dir.cosElev = math.Sincos(elevRad)
		out[i] = bestLevelDBm(sectors, &dir) - in.ConversionDB - res.LossDB
	}
	return out, nil
}
