package synth_test

import (
	"math"

	"github.com/paulmach/orb"

	"btsplan/geo"
)

// The helpers below are written independently of the generator so that
// its own geometry code is not used to check itself.

// signedArea is the shoelace area of a ring in degrees², positive when
// counter-clockwise.
func signedArea(r orb.Ring) float64 {
	a := 0.0
	for i := 0; i+1 < len(r); i++ {
		a += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
	}
	return a / 2
}

func orient(a, b, c orb.Point) float64 {
	return (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
}

func onSegment(a, b, p orb.Point) bool {
	return math.Min(a[0], b[0]) <= p[0] && p[0] <= math.Max(a[0], b[0]) &&
		math.Min(a[1], b[1]) <= p[1] && p[1] <= math.Max(a[1], b[1])
}

// segmentsIntersect reports whether segments ab and cd share any point,
// touching and collinear overlap included.
func segmentsIntersect(a, b, c, d orb.Point) bool {
	o1, o2 := orient(a, b, c), orient(a, b, d)
	o3, o4 := orient(c, d, a), orient(c, d, b)
	if ((o1 > 0 && o2 < 0) || (o1 < 0 && o2 > 0)) && ((o3 > 0 && o4 < 0) || (o3 < 0 && o4 > 0)) {
		return true
	}
	return (o1 == 0 && onSegment(a, b, c)) || (o2 == 0 && onSegment(a, b, d)) ||
		(o3 == 0 && onSegment(c, d, a)) || (o4 == 0 && onSegment(c, d, b))
}

// selfIntersection returns the indexes of the first two non-adjacent
// edges of r that meet, or -1, -1. A repeated vertex counts as a meeting.
func selfIntersection(r orb.Ring) (int, int) {
	n := len(r) - 1 // edges
	type box struct{ x0, y0, x1, y1 float64 }
	boxes := make([]box, n)
	for i := 0; i < n; i++ {
		a, b := r[i], r[i+1]
		boxes[i] = box{math.Min(a[0], b[0]), math.Min(a[1], b[1]), math.Max(a[0], b[0]), math.Max(a[1], b[1])}
	}
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			if j == i+1 || (i == 0 && j == n-1) {
				// Adjacent edges share a vertex; they must not fold back.
				var p, q, s orb.Point
				if j == i+1 {
					p, q, s = r[i], r[i+1], r[j+1]
				} else {
					p, q, s = r[j], r[0], r[1]
				}
				if orient(p, q, s) == 0 && (s[0]-q[0])*(q[0]-p[0])+(s[1]-q[1])*(q[1]-p[1]) < 0 {
					return i, j
				}
				continue
			}
			bi, bj := boxes[i], boxes[j]
			if bi.x1 < bj.x0 || bj.x1 < bi.x0 || bi.y1 < bj.y0 || bj.y1 < bi.y0 {
				continue
			}
			if segmentsIntersect(r[i], r[i+1], r[j], r[j+1]) {
				return i, j
			}
		}
	}
	return -1, -1
}

// ringsCross reports whether any edge of a meets any edge of b.
func ringsCross(a, b orb.Ring) bool {
	for i := 0; i+1 < len(a); i++ {
		for j := 0; j+1 < len(b); j++ {
			if segmentsIntersect(a[i], a[i+1], b[j], b[j+1]) {
				return true
			}
		}
	}
	return false
}

// ringContains is the even-odd rule.
func ringContains(r orb.Ring, p orb.Point) bool {
	in := false
	for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
		a, b := r[i], r[j]
		if (a[1] > p[1]) != (b[1] > p[1]) && p[0] < (b[0]-a[0])*(p[1]-a[1])/(b[1]-a[1])+a[0] {
			in = !in
		}
	}
	return in
}

func polygonContains(pg orb.Polygon, p orb.Point) bool {
	if len(pg) == 0 || !ringContains(pg[0], p) {
		return false
	}
	for _, h := range pg[1:] {
		if ringContains(h, p) {
			return false
		}
	}
	return true
}

// metric projects [lon, lat] to metres around a centre, to measure
// distances of a few hundred metres to within centimetres.
type metric struct{ lon0, lat0, mLon, mLat float64 }

func newMetric(c orb.Point) metric {
	mLon, mLat := geo.MetresPerDegree(c[1])
	return metric{c[0], c[1], mLon, mLat}
}

func (m metric) xy(p orb.Point) [2]float64 {
	return [2]float64{(p[0] - m.lon0) * m.mLon, (p[1] - m.lat0) * m.mLat}
}

// pointSegmentM is the distance in metres from p to segment ab.
func (m metric) pointSegmentM(p, a, b orb.Point) float64 {
	P, A, B := m.xy(p), m.xy(a), m.xy(b)
	dx, dy := B[0]-A[0], B[1]-A[1]
	t := 0.0
	if l := dx*dx + dy*dy; l > 0 {
		t = math.Max(0, math.Min(1, ((P[0]-A[0])*dx+(P[1]-A[1])*dy)/l))
	}
	return math.Hypot(P[0]-A[0]-t*dx, P[1]-A[1]-t*dy)
}

// lineM is the distance in metres from p to a line string or ring.
func (m metric) lineM(p orb.Point, l []orb.Point) float64 {
	d := math.Inf(1)
	for i := 0; i+1 < len(l); i++ {
		d = math.Min(d, m.pointSegmentM(p, l[i], l[i+1]))
	}
	return d
}
