package coverage

import (
	"math"

	"github.com/paulmach/orb"

	"btsplan/geo"
)

// Edge directions on the lattice of cell corners. Vertex (i, j) is the
// corner at lon = West + i·DLon, lat = North - j·DLat, so "north" is j-1.
const (
	dirE = 1 << iota
	dirN
	dirW
	dirS
)

// leftTurn maps a direction of travel to the one after turning left
// (counter-clockwise seen from above, north up).
func leftTurn(d uint8) uint8 {
	switch d {
	case dirE:
		return dirN
	case dirN:
		return dirW
	case dirW:
		return dirS
	}
	return dirE
}

// tracer holds the state of one Trace.
type tracer struct {
	g     *geo.Grid
	thr   float32
	w, h  int // cells
	label []int32
	used  []uint8 // per vertex: the out-edges already traced
}

// covered reports whether cell (x, y) exists and is at or above the
// threshold; NaN is not covered.
func (t *tracer) covered(x, y int) bool {
	if x < 0 || y < 0 || x >= t.w || y >= t.h {
		return false
	}
	return t.g.Pix[y*t.g.Stride+x] >= t.thr
}

// outEdges returns the boundary edges leaving vertex (i, j), oriented
// with the covered cell on their left.
func (t *tracer) outEdges(i, j int) uint8 {
	nw, ne := t.covered(i-1, j-1), t.covered(i, j-1)
	sw, se := t.covered(i-1, j), t.covered(i, j)
	var out uint8
	if ne && !se {
		out |= dirE
	}
	if nw && !ne {
		out |= dirN
	}
	if sw && !nw {
		out |= dirW
	}
	if se && !sw {
		out |= dirS
	}
	return out
}

// leftCell returns the cell on the left of the edge leaving (i, j) in
// direction d.
func leftCell(i, j int, d uint8) (int, int) {
	switch d {
	case dirE:
		return i, j - 1
	case dirN:
		return i - 1, j - 1
	case dirW:
		return i - 1, j
	}
	return i, j
}

func step(i, j int, d uint8) (int, int) {
	switch d {
	case dirE:
		return i + 1, j
	case dirN:
		return i, j - 1
	case dirW:
		return i - 1, j
	}
	return i, j + 1
}

// latticeRing is a closed ring of lattice vertices (not repeating the
// first) and the component label of the cells on its left.
type latticeRing struct {
	v     [][2]int32
	label int32
}

// Trace returns the cells of g at or above threshold as polygons in g's
// CRS (EPSG:4326), the number of those cells and their area in km² on the
// WGS 84 ellipsoid.
//
// The polygons are the unions of the covered cells' squares, one per
// 4-connected group of cells: exterior rings counter-clockwise, holes
// clockwise, first point repeated, and only the corners kept. Two covered
// cells that touch only at a corner are in different polygons (or one's
// ring touches a hole's at that point), which keeps every ring simple:
// the result is valid in the OGC sense (ST_IsValid). Polygons come in the
// row-major order of their first cell.
//
// The area is exact for such polygons, whose edges run along meridians
// and parallels: each edge along a parallel at latitude φ contributes
// -Δλ·(a²/2)·q(φ), where q is the authalic-latitude function of the
// ellipsoid, so the area equals the sum of the covered cells' areas.
func Trace(g *geo.Grid, threshold float32) (orb.MultiPolygon, int, float64) {
	t := &tracer{g: g, thr: threshold, w: g.W, h: g.H}
	nCells, nLabels := t.labelComponents()
	mp := orb.MultiPolygon{}
	if nCells == 0 {
		return mp, 0, 0
	}

	// Band function per lattice row: F_j = (a²/2)·q(φ_j) in m² per radian.
	band := make([]float64, g.H+1)
	for j := range band {
		band[j] = authalicBand(g.North - float64(j)*g.DLat)
	}
	dLonRad := g.DLon * degToRad

	shells := make([][]orb.Ring, nLabels)
	holes := make([][]orb.Ring, nLabels)
	t.used = make([]uint8, (g.W+1)*(g.H+1))
	var areaM2 float64
	var raw [][2]int32
	var split []latticeRing
	for j := 0; j <= g.H; j++ {
		for i := 0; i <= g.W; i++ {
			for {
				free := t.outEdges(i, j) &^ t.used[j*(g.W+1)+i]
				if free == 0 {
					break
				}
				d := free & -free // lowest set bit
				raw = t.walk(raw[:0], i, j, d)
				lx, ly := leftCell(i, j, d)
				lab := t.label[ly*g.W+lx]
				split = splitAtRepeats(split[:0], raw, lab)
				for _, r := range split {
					signed, ring := t.toRing(r.v, band, dLonRad)
					areaM2 += signed
					if signed > 0 {
						shells[r.label] = append(shells[r.label], ring)
					} else {
						holes[r.label] = append(holes[r.label], ring)
					}
				}
			}
		}
	}
	for lab := range nLabels {
		// Each 4-connected group has exactly one exterior ring.
		for _, s := range shells[lab] {
			poly := orb.Polygon{s}
			poly = append(poly, holes[lab]...)
			mp = append(mp, poly)
		}
	}
	return mp, nCells, areaM2 / 1e6
}

// walk follows the boundary from vertex (i, j) leaving in direction d
// until it returns to that edge, appending the vertices to buf. At a
// vertex where two covered cells touch only at their corners (a saddle,
// two edges out) it turns left, staying with the cell it was following.
func (t *tracer) walk(buf [][2]int32, i0, j0 int, d0 uint8) [][2]int32 {
	i, j, d := i0, j0, d0
	for {
		buf = append(buf, [2]int32{int32(i), int32(j)})
		t.used[j*(t.w+1)+i] |= d
		i, j = step(i, j, d)
		out := t.outEdges(i, j)
		if out&(out-1) != 0 { // two edges out: a saddle
			d = leftTurn(d)
		} else {
			d = out
		}
		if i == i0 && j == j0 && d == d0 {
			return buf
		}
	}
}

// splitAtRepeats cuts a ring that passes a vertex twice (only saddles can
// be passed twice) into simple rings, appended to out.
func splitAtRepeats(out []latticeRing, v [][2]int32, label int32) []latticeRing {
	seen := map[[2]int32]int{}
	var stack [][2]int32
	for _, p := range v {
		if k, ok := seen[p]; ok {
			loop := append([][2]int32(nil), stack[k:]...)
			for _, q := range stack[k+1:] {
				delete(seen, q)
			}
			stack = stack[:k+1]
			out = append(out, latticeRing{v: loop, label: label})
			continue
		}
		seen[p] = len(stack)
		stack = append(stack, p)
	}
	return append(out, latticeRing{v: stack, label: label})
}

// toRing returns the ring's signed ellipsoidal area in m² (positive for
// counter-clockwise) and the ring in degrees with only its corners,
// closed.
func (t *tracer) toRing(v [][2]int32, band []float64, dLonRad float64) (float64, orb.Ring) {
	n := len(v)
	var area float64
	ring := make(orb.Ring, 0, n/2+2)
	for k := range n {
		a, b, c := v[(k+n-1)%n], v[k], v[(k+1)%n]
		if b[1] == c[1] { // an edge along a parallel
			area -= float64(c[0]-b[0]) * dLonRad * band[b[1]]
		}
		// Keep b only where the direction changes.
		if (b[0]-a[0]) != (c[0]-b[0]) || (b[1]-a[1]) != (c[1]-b[1]) {
			ring = append(ring, orb.Point{
				t.g.West + float64(b[0])*t.g.DLon,
				t.g.North - float64(b[1])*t.g.DLat,
			})
		}
	}
	ring = append(ring, ring[0])
	return area, ring
}

// labelComponents labels the 4-connected groups of covered cells in
// row-major order of their first cell, and returns the number of covered
// cells and of groups.
func (t *tracer) labelComponents() (int, int) {
	t.label = make([]int32, t.w*t.h)
	for i := range t.label {
		t.label[i] = -1
	}
	var queue []int32
	cells, next := 0, int32(0)
	for y := range t.h {
		for x := range t.w {
			i := y*t.w + x
			if t.label[i] >= 0 || !t.covered(x, y) {
				continue
			}
			t.label[i] = next
			queue = append(queue[:0], int32(i))
			for len(queue) > 0 {
				c := int(queue[len(queue)-1])
				queue = queue[:len(queue)-1]
				cells++
				cx, cy := c%t.w, c/t.w
				for _, nb := range [4][2]int{{cx + 1, cy}, {cx - 1, cy}, {cx, cy + 1}, {cx, cy - 1}} {
					if t.covered(nb[0], nb[1]) {
						k := nb[1]*t.w + nb[0]
						if t.label[k] < 0 {
							t.label[k] = next
							queue = append(queue, int32(k))
						}
					}
				}
			}
			next++
		}
	}
	return cells, int(next)
}

// WGS 84.
const (
	wgs84A  = 6378137.0
	wgs84F  = 1 / 298.257223563
	wgs84E2 = wgs84F * (2 - wgs84F)
)

// authalicBand returns (a²/2)·q(φ) in m² per radian of longitude: the
// area between the equator and latitude latDeg per radian of longitude is
// authalicBand(latDeg) - authalicBand(0), on the WGS 84 ellipsoid.
func authalicBand(latDeg float64) float64 {
	e := math.Sqrt(wgs84E2)
	s := math.Sin(latDeg * degToRad)
	q := (1 - wgs84E2) * (s/(1-wgs84E2*s*s) - 1/(2*e)*math.Log((1-e*s)/(1+e*s)))
	return wgs84A * wgs84A / 2 * q
}

// CellAreaKm2 returns the area in km² on the WGS 84 ellipsoid of one cell
// of g in row y.
func CellAreaKm2(g *geo.Grid, y int) float64 {
	top := g.North - float64(y)*g.DLat
	return g.DLon * degToRad * (authalicBand(top) - authalicBand(top-g.DLat)) / 1e6
}
