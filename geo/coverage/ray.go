package coverage

import (
	"fmt"
	"math"

	"btsplan/geo"
)

// This file is the per-ray, per-cell work.
//
// A cell's profile versus a profile drawn straight to it
//
// A direct profile to a cell at distance d and bearing β would have
// n = max(round(d/step), minIntervals) intervals of d/n metres, its i-th
// sample being the DEM (bilinear) at distance i·d/n on the great circle of
// bearing β, the last one the cell centre.
//
// The profile the engine gives ITM has the same n, the same step d/n and
// the same last sample (the DEM at the cell centre); the TX sample is the
// DEM at the site. Its other samples are taken from the cell's ray, not
// from the DEM: the ray has bearing β_k, the nearest ray bearing to β
// (|β - β_k| ≤ 180°/nRays), and was sampled once, every step/3 metres;
// sample i is the linear interpolation of the ray's samples at distance
// i·d/n. So each sample lies on the ray instead of the cell's own great
// circle, at most d·sin(180°/nRays) ≤ a quarter of an output cell to the
// side (there are two rays per output cell at the radius), and its height
// is interpolated along the ray between points step/3 apart instead of
// read from the DEM at that very point. TestRayPrefixMatchesDirectProfiles
// measures the resulting difference in dB on the Tam Đảo terrain.

// castRay samples ray k's terrain once and evaluates each of its cells.
// It reports false, leaving the ray unfinished, when the computation was
// stopped: the flag is looked at before every cell, since a long ray at a
// fine step is tens of milliseconds of ITM.
func (wk *worker) castRay(k int) bool {
	e := wk.e
	if e.stop.Load() {
		return false
	}
	cells := e.order[e.start[k]:e.start[k+1]]
	if len(cells) == 0 {
		return true
	}
	sinB, cosB := math.Sincos(float64(k) * 2 * math.Pi / float64(e.nRays))
	wlk := e.geom.walker(sinB, cosB)
	// The cells' geometry first: the ray is sampled only as far as its
	// farthest cell needs.
	far := 0.0
	wk.cells = wk.cells[:0]
	for _, idx := range cells {
		x, y := int(idx)%e.out.Stride, int(idx)/e.out.Stride
		d, s, c := e.geom.cell(x, y)
		wk.cells = append(wk.cells, cellGeom{x: x, y: y, distM: d, sinBrg: s, cosBrg: c})
		far = max(far, d)
	}
	// Points on the great circle at whole profile steps, and straight
	// lines in [lon, lat] between them: over one step (~90 m) the chord
	// is within a micrometre of the great circle.
	steps := min(int(far/e.stepM)+2, e.nSteps)
	ray := wk.ray
	ray[0] = e.txGroundM
	lon0, lat0 := e.in.Lon, e.in.Lat
	for s := 1; s <= steps; s++ {
		lon1, lat1 := wlk.at(e.sinD[s], e.cosD[s])
		base := (s - 1) * raySubdivision
		for j := 1; j <= raySubdivision; j++ {
			f := float64(j) / raySubdivision
			ray[base+j] = e.dem.at(lon0+(lon1-lon0)*f, lat0+(lat1-lat0)*f)
		}
		lon0, lat0 = lon1, lat1
	}
	for i := range wk.cells {
		if e.stop.Load() {
			return false
		}
		wk.cell(&wk.cells[i])
	}
	return true
}

// cellGeom is a cell's position and its distance and bearing from the site.
type cellGeom struct {
	x, y           int
	distM          float64
	sinBrg, cosBrg float64
}

// cell evaluates one cell from the current ray and stores its level.
func (wk *worker) cell(cg *cellGeom) {
	e := wk.e
	idx := cg.y*e.out.Stride + cg.x
	d := max(cg.distM, 1) // ITM needs a path; the mast's own cell is a metre away
	lon := e.out.West + (float64(cg.x)+0.5)*e.out.DLon
	lat := e.out.North - (float64(cg.y)+0.5)*e.out.DLat
	groundM := e.dem.at(lon, lat)

	n := max(int(d/e.stepM+0.5), minIntervals)
	pfl := wk.pfl[:n+3]
	pfl[0] = float64(n)
	pfl[1] = d / float64(n)
	inc := d / float64(n) / e.rayStepM
	ray := wk.ray
	for i := range n {
		x := float64(i) * inc
		j := int(x)
		pfl[2+i] = ray[j] + (ray[j+1]-ray[j])*(x-float64(j))
	}
	pfl[2+n] = groundM

	res, err := wk.ws.P2P(&wk.ip, pfl)
	wk.stats.cells++
	if err != nil {
		e.out.Pix[idx] = float32(math.NaN())
		wk.stats.errs++
		if wk.stats.firstErr == "" {
			wk.stats.firstErr = fmt.Sprintf("cell %d,%d (%.0f m): %v", cg.x, cg.y, d, err)
		}
		return
	}
	if res.Warnings != 0 {
		wk.stats.warns++
		wk.stats.warnFlags |= res.Warnings
	}

	// The cell seen from the antenna: its bearing and its elevation angle
	// over a 4/3 earth (the ray's initial angle).
	zTx := e.txGroundM + e.in.HeightM
	zRx := groundM + e.in.RxHeightM
	elevRad := math.Atan((zRx-zTx)/d - d/(2*geo.EffectiveEarthK*geo.EarthRadiusM))
	dir := direction{sinBrg: cg.sinBrg, cosBrg: cg.cosBrg, elevDeg: elevRad / degToRad}
	dir.sinElev, dir.cosElev = math.Sincos(elevRad)
	top := bestLevelDBm(e.sectors, &dir) - e.in.ConversionDB
	level := top - res.LossDB
	e.out.Pix[idx] = float32(level)

	if float32(level) < float32(e.threshold) {
		wk.stats.below++
		if top-e.smoothLoss(d) >= e.threshold {
			wk.stats.terrain++
		}
	} else if d > e.rimM {
		wk.stats.rim++
	}
}
