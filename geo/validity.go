package geo

import (
	"errors"
	"fmt"
	"math"

	"github.com/paulmach/orb"
)

// Validity checks for small polygons such as a site's footprint. They work on
// the raw [lon, lat] coordinates as planar values, exactly as ST_IsValid does
// on a geometry(Polygon, 4326): topology (closure, crossings, containment) does
// not depend on the metric, so no projection is needed. They are O(n²) in the
// number of vertices, which is fine for footprints of a few dozen vertices and
// wrong for province boundaries.

// The reasons PolygonValid gives. They name the same defects as PostGIS's
// ST_IsValidReason, in our words.
var (
	ErrTooFewPoints     = errors.New("too few points")
	ErrNotClosed        = errors.New("ring not closed")
	ErrNonFinite        = errors.New("coordinate is not a finite number")
	ErrSelfIntersection = errors.New("self-intersection")
	ErrZeroArea         = errors.New("ring has zero area")
	ErrHoleOutside      = errors.New("hole lies outside the shell")
	ErrRingsIntersect   = errors.New("rings intersect")
	ErrEmpty            = errors.New("empty polygon")
)

// RingClosed reports whether r has at least one point and its last point
// equals its first.
func RingClosed(r orb.Ring) bool {
	return len(r) > 0 && r[0] == r[len(r)-1]
}

// RingSelfIntersects reports whether the closed ring r crosses or touches
// itself anywhere other than at the shared endpoints of consecutive edges,
// including an edge that doubles back along its neighbour (a spike).
// Consecutive repeated points are ignored, as in OGC validity. r must be
// closed; an open ring is treated as if closed.
func RingSelfIntersects(r orb.Ring) bool {
	pts := dedupe(r)
	n := len(pts) // pts is open: edge i runs from pts[i] to pts[(i+1)%n]
	if n < 3 {
		return false
	}
	for i := 0; i < n; i++ {
		a1, a2 := pts[i], pts[(i+1)%n]
		for j := i + 1; j < n; j++ {
			b1, b2 := pts[j], pts[(j+1)%n]
			switch {
			case j == i+1:
				// Neighbours share a2 == b1; they are bad only if they
				// overlap along a line (the ring turns back on itself).
				if collinearOverlap(a1, a2, b2) {
					return true
				}
			case i == 0 && j == n-1:
				// The closing edge and the first edge share pts[0].
				if collinearOverlap(a2, a1, b1) {
					return true
				}
			default:
				if segmentsIntersect(a1, a2, b1, b2) {
					return true
				}
			}
		}
	}
	return false
}

// PolygonValid returns nil when p is a valid simple polygon in the OGC sense:
// every ring closed with at least 4 points and finite coordinates, no ring
// crossing or touching itself, a shell with non-zero area, every hole inside
// the shell, and no two rings crossing. Otherwise it returns one of the Err
// values above, wrapped with the index of the offending ring.
func PolygonValid(p orb.Polygon) error {
	if len(p) == 0 {
		return ErrEmpty
	}
	for i, r := range p {
		for _, pt := range r {
			if !finite(pt[0]) || !finite(pt[1]) {
				return fmt.Errorf("ring %d: %w", i, ErrNonFinite)
			}
		}
		if len(r) < 4 {
			return fmt.Errorf("ring %d has %d points, want at least 4: %w", i, len(r), ErrTooFewPoints)
		}
		if !RingClosed(r) {
			return fmt.Errorf("ring %d: %w", i, ErrNotClosed)
		}
		if RingSelfIntersects(r) {
			return fmt.Errorf("ring %d: %w", i, ErrSelfIntersection)
		}
		if len(dedupe(r)) < 3 || ringArea(r) == 0 {
			return fmt.Errorf("ring %d: %w", i, ErrZeroArea)
		}
	}
	for i := 1; i < len(p); i++ {
		if ringsIntersect(p[0], p[i]) {
			return fmt.Errorf("ring %d: %w", i, ErrRingsIntersect)
		}
		if !ringContainsPoint(p[0], p[i][0]) {
			return fmt.Errorf("ring %d: %w", i, ErrHoleOutside)
		}
		for j := 1; j < i; j++ {
			if ringsIntersect(p[j], p[i]) {
				return fmt.Errorf("ring %d: %w", i, ErrRingsIntersect)
			}
		}
	}
	return nil
}

// PolygonDistanceM returns the distance in metres from pt to the polygon
// poly ([lon, lat], EPSG:4326): 0 when pt is inside the shell and not inside
// a hole, otherwise the distance to the nearest edge. It uses a local
// equirectangular projection about pt, accurate to well under 0.1 % within a
// few kilometres, which is what a footprint-near-its-site check needs.
func PolygonDistanceM(pt orb.Point, poly orb.Polygon) float64 {
	if len(poly) == 0 {
		return math.Inf(1)
	}
	inside := ringContainsPoint(poly[0], pt)
	for _, hole := range poly[1:] {
		if inside && ringContainsPoint(hole, pt) {
			inside = false
		}
	}
	if inside {
		return 0
	}
	lonM, latM := MetresPerDegree(pt[1])
	best := math.Inf(1)
	for _, r := range poly {
		for i := 0; i+1 < len(r); i++ {
			ax, ay := (r[i][0]-pt[0])*lonM, (r[i][1]-pt[1])*latM
			bx, by := (r[i+1][0]-pt[0])*lonM, (r[i+1][1]-pt[1])*latM
			if d := distOriginToSegment(ax, ay, bx, by); d < best {
				best = d
			}
		}
	}
	return best
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// dedupe returns the ring's points without consecutive duplicates and
// without the closing point.
func dedupe(r orb.Ring) []orb.Point {
	out := make([]orb.Point, 0, len(r))
	for _, p := range r {
		if len(out) > 0 && out[len(out)-1] == p {
			continue
		}
		out = append(out, p)
	}
	for len(out) > 1 && out[len(out)-1] == out[0] {
		out = out[:len(out)-1]
	}
	return out
}

// ringArea is the signed shoelace area in squared degrees.
func ringArea(r orb.Ring) float64 {
	var s float64
	for i := 0; i+1 < len(r); i++ {
		s += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
	}
	return s / 2
}

// orient is the sign of the cross product (b-a)×(c-a): >0 left turn.
func orient(a, b, c orb.Point) float64 {
	return (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
}

// onSegment reports whether c, known to be collinear with a–b, lies on it.
func onSegment(a, b, c orb.Point) bool {
	return math.Min(a[0], b[0]) <= c[0] && c[0] <= math.Max(a[0], b[0]) &&
		math.Min(a[1], b[1]) <= c[1] && c[1] <= math.Max(a[1], b[1])
}

// segmentsIntersect reports whether closed segments a1–a2 and b1–b2 share
// any point, touching included.
func segmentsIntersect(a1, a2, b1, b2 orb.Point) bool {
	d1 := orient(b1, b2, a1)
	d2 := orient(b1, b2, a2)
	d3 := orient(a1, a2, b1)
	d4 := orient(a1, a2, b2)
	if ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) {
		return true
	}
	return (d1 == 0 && onSegment(b1, b2, a1)) ||
		(d2 == 0 && onSegment(b1, b2, a2)) ||
		(d3 == 0 && onSegment(a1, a2, b1)) ||
		(d4 == 0 && onSegment(a1, a2, b2))
}

// collinearOverlap reports whether the edges p–shared and shared–q, which
// meet at shared, run back along each other (q lies on the ray from shared
// towards p).
func collinearOverlap(p, shared, q orb.Point) bool {
	if orient(p, shared, q) != 0 {
		return false
	}
	// Same line: overlapping when p and q are on the same side of shared.
	dx1, dy1 := p[0]-shared[0], p[1]-shared[1]
	dx2, dy2 := q[0]-shared[0], q[1]-shared[1]
	return dx1*dx2+dy1*dy2 > 0
}

// ringsIntersect reports whether any edge of a meets any edge of b.
func ringsIntersect(a, b orb.Ring) bool {
	for i := 0; i+1 < len(a); i++ {
		for j := 0; j+1 < len(b); j++ {
			if segmentsIntersect(a[i], a[i+1], b[j], b[j+1]) {
				return true
			}
		}
	}
	return false
}

// ringContainsPoint is the even-odd crossing test; points on the boundary
// count as inside.
func ringContainsPoint(r orb.Ring, p orb.Point) bool {
	in := false
	for i := 0; i+1 < len(r); i++ {
		a, b := r[i], r[i+1]
		if orient(a, b, p) == 0 && onSegment(a, b, p) {
			return true
		}
		if (a[1] > p[1]) != (b[1] > p[1]) {
			x := a[0] + (p[1]-a[1])*(b[0]-a[0])/(b[1]-a[1])
			if p[0] < x {
				in = !in
			}
		}
	}
	return in
}

// distOriginToSegment is the distance from (0, 0) to the segment a–b.
func distOriginToSegment(ax, ay, bx, by float64) float64 {
	dx, dy := bx-ax, by-ay
	l2 := dx*dx + dy*dy
	t := 0.0
	if l2 > 0 {
		t = math.Max(0, math.Min(1, -(ax*dx+ay*dy)/l2))
	}
	return math.Hypot(ax+t*dx, ay+t*dy)
}
