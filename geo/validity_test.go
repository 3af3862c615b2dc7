package geo_test

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/paulmach/orb"

	"btsplan/geo"
)

// Fixtures are in degrees near Tam Đảo; a 0.0001° step is about 11 m.
const x0, y0, d = 105.6, 21.45, 0.0001

func pt(i, j float64) orb.Point { return orb.Point{x0 + i*d, y0 + j*d} }

func ring(ij ...float64) orb.Ring {
	r := make(orb.Ring, 0, len(ij)/2)
	for k := 0; k+1 < len(ij); k += 2 {
		r = append(r, pt(ij[k], ij[k+1]))
	}
	return r
}

var (
	square   = ring(0, 0, 10, 0, 10, 10, 0, 10, 0, 0)
	bowtie   = ring(0, 0, 10, 10, 10, 0, 0, 10, 0, 0)
	open     = ring(0, 0, 10, 0, 10, 10, 0, 10)
	triangle = ring(0, 0, 10, 0, 0, 10, 0, 0)
	// spike: the ring runs out along the bottom edge and back.
	spike = ring(0, 0, 10, 0, 15, 0, 10, 0, 10, 10, 0, 10, 0, 0)
	// selfTouch touches itself at vertex (5, 5) without crossing.
	selfTouch = ring(0, 0, 10, 0, 5, 5, 10, 10, 0, 10, 5, 5, 0, 0)
	// repeated has a doubled vertex, which OGC allows.
	repeated  = ring(0, 0, 10, 0, 10, 0, 10, 10, 0, 10, 0, 0)
	collinear = ring(0, 0, 5, 0, 10, 0, 0, 0)
)

func TestRingClosed(t *testing.T) {
	tests := []struct {
		name string
		r    orb.Ring
		want bool
	}{
		{"closed square", square, true},
		{"open", open, false},
		{"empty", orb.Ring{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := geo.RingClosed(tt.r); got != tt.want {
				t.Errorf("RingClosed(%v) = %v, want %v", tt.r, got, tt.want)
			}
		})
	}
}

func TestRingSelfIntersects(t *testing.T) {
	tests := []struct {
		name string
		r    orb.Ring
		want bool
	}{
		{"square", square, false},
		{"triangle", triangle, false},
		{"repeated vertex", repeated, false},
		{"bowtie", bowtie, true},
		{"spike", spike, true},
		{"self-touch at a vertex", selfTouch, true},
		{"collinear", collinear, true},
		{"concave L", ring(0, 0, 10, 0, 10, 5, 5, 5, 5, 10, 0, 10, 0, 0), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := geo.RingSelfIntersects(tt.r); got != tt.want {
				t.Errorf("RingSelfIntersects(%v) = %v, want %v", tt.r, got, tt.want)
			}
		})
	}
}

func TestPolygonValid(t *testing.T) {
	hole := ring(2, 2, 4, 2, 4, 4, 2, 4, 2, 2)
	tests := []struct {
		name string
		p    orb.Polygon
		want error // nil for valid
	}{
		{"square", orb.Polygon{square}, nil},
		{"square with hole", orb.Polygon{square, hole}, nil},
		{"empty", orb.Polygon{}, geo.ErrEmpty},
		{"open ring", orb.Polygon{open}, geo.ErrNotClosed},
		{"three points", orb.Polygon{ring(0, 0, 10, 0, 0, 0)}, geo.ErrTooFewPoints},
		{"bowtie", orb.Polygon{bowtie}, geo.ErrSelfIntersection},
		{"spike", orb.Polygon{spike}, geo.ErrSelfIntersection},
		{"NaN", orb.Polygon{orb.Ring{pt(0, 0), {math.NaN(), y0}, pt(10, 10), pt(0, 0)}}, geo.ErrNonFinite},
		{"hole outside", orb.Polygon{square, ring(20, 20, 22, 20, 22, 22, 20, 22, 20, 20)}, geo.ErrHoleOutside},
		{"hole crossing shell", orb.Polygon{square, ring(5, 5, 15, 5, 15, 8, 5, 8, 5, 5)}, geo.ErrRingsIntersect},
		{"holes crossing", orb.Polygon{square, hole, ring(3, 3, 5, 3, 5, 5, 3, 5, 3, 3)}, geo.ErrRingsIntersect},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := geo.PolygonValid(tt.p)
			if tt.want == nil && got != nil || tt.want != nil && !errors.Is(got, tt.want) {
				t.Errorf("PolygonValid(%v) = %v, want %v", tt.p, got, tt.want)
			}
		})
	}
}

func TestPolygonDistanceM(t *testing.T) {
	lonM, latM := geo.MetresPerDegree(y0)
	hole := ring(2, 2, 8, 2, 8, 8, 2, 8, 2, 2)
	tests := []struct {
		name string
		p    orb.Point
		poly orb.Polygon
		want float64
	}{
		{"inside", pt(5, 5), orb.Polygon{square}, 0},
		{"on the edge", pt(10, 5), orb.Polygon{square}, 0},
		{"east of the square", pt(20, 5), orb.Polygon{square}, 10 * d * lonM},
		{"north of the square", pt(5, 13), orb.Polygon{square}, 3 * d * latM},
		{"in the hole", pt(5, 5), orb.Polygon{square, hole}, 3 * d * lonM},
		{"diagonal off the corner", pt(13, 14), orb.Polygon{square}, math.Hypot(3*d*lonM, 4*d*latM)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := geo.PolygonDistanceM(tt.p, tt.poly)
			// The local projection differs from the hand value only through
			// cos(lat) changing over a few metres.
			if !geo.Near(got, tt.want, 0.01) {
				t.Errorf("PolygonDistanceM(%v) = %.3f, want %.3f", tt.p, got, tt.want)
			}
		})
	}
}

func ExamplePolygonValid() {
	bowtie := orb.Polygon{{{105.6, 21.45}, {105.601, 21.451}, {105.601, 21.45}, {105.6, 21.451}, {105.6, 21.45}}}
	fmt.Println(geo.PolygonValid(bowtie))
	// Output: ring 0: self-intersection
}
