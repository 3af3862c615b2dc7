package coverage

import (
	"math"

	"btsplan/geo"
)

// siteGeometry holds the trigonometry of the site and of the output
// grid's rows and columns, so that a cell's distance and bearing from the
// site cost one asin, one sqrt and one hypot instead of a dozen sines.
// The formulas are geo.DistanceM's (haversine) and geo.BearingDeg's, on
// the same sphere; only the order of operations differs.
type siteGeometry struct {
	lon0, lat0       float64
	sinLat0, cosLat0 float64
	// Per output column: sin²(Δλ/2), sin Δλ, cos Δλ.
	colHav, colSin, colCos []float64
	// Per output row: sin²(Δφ/2), sin φ, cos φ.
	rowHav, rowSin, rowCos []float64
	// u, east and north are the site's unit vector and the local east and
	// north unit vectors, for walking great circles (see walker).
	u, east, north [3]float64
}

func newSiteGeometry(lon0, lat0 float64, g *geo.Grid) *siteGeometry {
	sg := &siteGeometry{
		lon0: lon0, lat0: lat0,
		colHav: make([]float64, g.W), colSin: make([]float64, g.W), colCos: make([]float64, g.W),
		rowHav: make([]float64, g.H), rowSin: make([]float64, g.H), rowCos: make([]float64, g.H),
	}
	phi0 := lat0 * degToRad
	sg.sinLat0, sg.cosLat0 = math.Sincos(phi0)
	for x := range g.W {
		dl := (g.West + (float64(x)+0.5)*g.DLon - lon0) * degToRad
		h := math.Sin(dl / 2)
		sg.colHav[x] = h * h
		sg.colSin[x], sg.colCos[x] = math.Sincos(dl)
	}
	for y := range g.H {
		phi := (g.North - (float64(y)+0.5)*g.DLat) * degToRad
		h := math.Sin((phi - phi0) / 2)
		sg.rowHav[y] = h * h
		sg.rowSin[y], sg.rowCos[y] = math.Sincos(phi)
	}
	sg.setFrame(lon0, lat0)
	return sg
}

// setFrame sets the site and its unit vector and local east and north
// unit vectors, all that walker needs.
func (sg *siteGeometry) setFrame(lon0, lat0 float64) {
	sg.lon0, sg.lat0 = lon0, lat0
	sg.sinLat0, sg.cosLat0 = math.Sincos(lat0 * degToRad)
	sinLam, cosLam := math.Sincos(lon0 * degToRad)
	sg.u = [3]float64{sg.cosLat0 * cosLam, sg.cosLat0 * sinLam, sg.sinLat0}
	sg.east = [3]float64{-sinLam, cosLam, 0}
	sg.north = [3]float64{-sg.sinLat0 * cosLam, -sg.sinLat0 * sinLam, sg.cosLat0}
}

// cell returns the great-circle distance in metres from the site to the
// centre of cell (x, y) and the sine and cosine of the initial bearing
// (clockwise from north). At the site itself the bearing is north.
func (sg *siteGeometry) cell(x, y int) (distM, sinBrg, cosBrg float64) {
	cl := sg.rowCos[y]
	s := sg.rowHav[y] + sg.cosLat0*cl*sg.colHav[x]
	distM = 2 * geo.EarthRadiusM * math.Asin(math.Min(1, math.Sqrt(s)))
	by := sg.colSin[x] * cl
	bx := sg.cosLat0*sg.rowSin[y] - sg.sinLat0*cl*sg.colCos[x]
	h := math.Hypot(bx, by)
	if h == 0 {
		return distM, 0, 1
	}
	return distM, by / h, bx / h
}

// bearingDeg returns the bearing in [0, 360) from its sine and cosine.
func bearingDeg(sinBrg, cosBrg float64) float64 {
	b := math.Atan2(sinBrg, cosBrg) / degToRad
	if b < 0 {
		b += 360
	}
	return b
}

// walker walks the great circle leaving the site on one bearing: the point
// at angular distance δ is cos δ·u + sin δ·t, with t the unit tangent.
type walker struct {
	u, t [3]float64
}

func (sg *siteGeometry) walker(sinBrg, cosBrg float64) walker {
	var w walker
	w.u = sg.u
	for i := range 3 {
		w.t[i] = cosBrg*sg.north[i] + sinBrg*sg.east[i]
	}
	return w
}

// at returns [lon, lat] in degrees at the angular distance whose sine and
// cosine are given.
func (w *walker) at(sinD, cosD float64) (lon, lat float64) {
	x := cosD*w.u[0] + sinD*w.t[0]
	y := cosD*w.u[1] + sinD*w.t[1]
	z := cosD*w.u[2] + sinD*w.t[2]
	return math.Atan2(y, x) / degToRad, math.Asin(max(-1, min(1, z))) / degToRad
}

// demSampler samples a void-free DEM bilinearly at [lon, lat] (or, with
// nearest, at the nearest post), clamping to the outermost cell centres
// (the half cell beyond them repeats the edge), with no NaN checks: the
// hot loop's version of geo.Grid.Bilinear.
type demSampler struct {
	pix          []float32
	stride, w, h int
	west, north  float64
	invDLon      float64
	invDLat      float64
	nearest      bool
}

func newDEMSampler(g *geo.Grid, sampling TerrainSampling) demSampler {
	return demSampler{pix: g.Pix, stride: g.Stride, w: g.W, h: g.H,
		west: g.West, north: g.North, invDLon: 1 / g.DLon, invDLat: 1 / g.DLat,
		nearest: sampling == SamplingNearest}
}

func (s *demSampler) at(lon, lat float64) float64 {
	fx := (lon-s.west)*s.invDLon - 0.5
	fy := (s.north-lat)*s.invDLat - 0.5
	fx = max(0, min(fx, float64(s.w-1)))
	fy = max(0, min(fy, float64(s.h-1)))
	if s.nearest {
		// A branch the predictor always gets right: one sampling per run.
		return float64(s.pix[int(fy+0.5)*s.stride+int(fx+0.5)])
	}
	x0, y0 := int(fx), int(fy)
	if x0 == s.w-1 {
		x0--
	}
	if y0 == s.h-1 {
		y0--
	}
	tx, ty := fx-float64(x0), fy-float64(y0)
	i := y0*s.stride + x0
	a, b := float64(s.pix[i]), float64(s.pix[i+1])
	c, d := float64(s.pix[i+s.stride]), float64(s.pix[i+s.stride+1])
	top := a + (b-a)*tx
	return top + (c+(d-c)*tx-top)*ty
}
