package synth

import (
	"math"
	"sort"
)

// latticeM is the spacing of the shared vertex lattice: every curve is
// sampled at the multiples of latticeM (of x for west–east curves, of y for
// south–north ones), so two polygons that share a curve share its vertices.
const latticeM = 100.0

// curve is a boundary given as a function: y of x for a west–east curve,
// x of y for a south–north one.
type curve func(float64) float64

// constant returns the curve that is c everywhere.
func constant(c float64) curve { return func(float64) float64 { return c } }

// offset returns the curve f shifted by dM.
func offset(f curve, dM float64) curve { return func(v float64) float64 { return f(v) + dM } }

// corner returns where the west–east curve y = h(x) meets the south–north
// curve x = v(y). Both curves are gentle (slopes below 0.2), so the
// fixed-point iteration contracts fast.
func corner(h, v curve) xy {
	y := h(v(0))
	for i := 0; i < 60; i++ {
		y = h(v(y))
	}
	return xy{v(y), y}
}

// hChain samples the west–east curve y = f(x) from a to b: a, then every
// lattice multiple and every break strictly between them in order, then b.
// a, b and the breaks are used exactly, so that neighbours share them.
func hChain(f curve, a, b xy, breaks ...xy) []xy {
	return chain(a, b, 0, breaks, func(v float64) xy { return xy{v, f(v)} })
}

// vChain is hChain for a south–north curve x = f(y).
func vChain(f curve, a, b xy, breaks ...xy) []xy {
	return chain(a, b, 1, breaks, func(v float64) xy { return xy{f(v), v} })
}

// chain samples along axis (0 for x, 1 for y) from a to b.
func chain(a, b xy, axis int, breaks []xy, at func(float64) xy) []xy {
	lo, hi := a[axis], b[axis]
	rev := lo > hi
	if rev {
		lo, hi = hi, lo
	}
	const keep = 0.5 // metres: no vertex closer than this to another
	var mid []xy
	for _, p := range breaks {
		if p[axis] > lo+keep && p[axis] < hi-keep {
			mid = append(mid, p)
		}
	}
	for k := math.Ceil(lo / latticeM); k*latticeM < hi; k++ {
		v := k * latticeM
		if v <= lo+keep || v >= hi-keep {
			continue
		}
		near := false
		for _, p := range breaks {
			if math.Abs(p[axis]-v) < keep {
				near = true
				break
			}
		}
		if !near {
			mid = append(mid, at(v))
		}
	}
	sort.Slice(mid, func(i, j int) bool {
		if rev {
			return mid[i][axis] > mid[j][axis]
		}
		return mid[i][axis] < mid[j][axis]
	})
	out := make([]xy, 0, len(mid)+2)
	out = append(out, a)
	out = append(out, mid...)
	return append(out, b)
}

// join concatenates chains, each starting where the previous one ended.
func join(chains ...[]xy) []xy {
	var r []xy
	for _, c := range chains {
		if len(r) > 0 && len(c) > 0 && r[len(r)-1] == c[0] {
			c = c[1:]
		}
		r = append(r, c...)
	}
	return r
}

// ringOf joins chains into a closed ring.
func ringOf(chains ...[]xy) []xy {
	r := join(chains...)
	if len(r) > 0 && r[0] != r[len(r)-1] {
		r = append(r, r[0])
	}
	return r
}

// quad is the curvilinear quadrilateral between two west–east curves and
// two south–north curves, counter-clockwise. Each side takes its own breaks.
type quad struct {
	bottom, top, left, right                         curve
	bottomBreaks, topBreaks, leftBreaks, rightBreaks []xy
}

func (q quad) corners() (bl, br, tr, tl xy) {
	return corner(q.bottom, q.left), corner(q.bottom, q.right), corner(q.top, q.right), corner(q.top, q.left)
}

func (q quad) ring() []xy {
	bl, br, tr, tl := q.corners()
	return ringOf(
		hChain(q.bottom, bl, br, q.bottomBreaks...),
		vChain(q.right, br, tr, q.rightBreaks...),
		hChain(q.top, tr, tl, q.topBreaks...),
		vChain(q.left, tl, bl, q.leftBreaks...),
	)
}

// reversed returns r in the opposite order (a hole from an exterior).
func reversed(r []xy) []xy {
	out := make([]xy, len(r))
	for i, p := range r {
		out[len(r)-1-i] = p
	}
	return out
}

// star returns a counter-clockwise star-shaped ring of n vertices around c
// with the given radii; star-shaped with increasing angles means simple.
func star(c xy, radiiM []float64, rot float64) []xy {
	n := len(radiiM)
	r := make([]xy, 0, n+1)
	for i, rad := range radiiM {
		a := rot + 2*math.Pi*float64(i)/float64(n)
		r = append(r, xy{c[0] + rad*math.Cos(a), c[1] + rad*math.Sin(a)})
	}
	return append(r, r[0])
}

// segDistM is the distance from p to segment ab, in metres.
func segDistM(p, a, b xy) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	t := 0.0
	if l2 := dx*dx + dy*dy; l2 > 0 {
		t = clamp01(((p[0]-a[0])*dx + (p[1]-a[1])*dy) / l2)
	}
	return math.Hypot(p[0]-a[0]-t*dx, p[1]-a[1]-t*dy)
}

// lineDistM is the distance from p to a polyline (or ring boundary).
func lineDistM(p xy, l []xy) float64 {
	d := math.Inf(1)
	for i := 0; i+1 < len(l); i++ {
		d = math.Min(d, segDistM(p, l[i], l[i+1]))
	}
	return d
}

// inRing reports whether p lies inside the closed ring r (even-odd rule).
func inRing(p xy, r []xy) bool {
	in := false
	for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
		a, b := r[i], r[j]
		if (a[1] > p[1]) != (b[1] > p[1]) && p[0] < (b[0]-a[0])*(p[1]-a[1])/(b[1]-a[1])+a[0] {
			in = !in
		}
	}
	return in
}

// depthM is how far p lies inside ring r: positive inside, negative outside.
func depthM(p xy, r []xy) float64 {
	d := lineDistM(p, r)
	if inRing(p, r) {
		return d
	}
	return -d
}
