package geo_test

import (
	"math"
	"testing"

	"github.com/paulmach/orb"

	"btsplan/geo"
)

func TestReliefPoints(t *testing.T) {
	// 60×40 cells of 100 m ground with a summit (cone, 200 m at (15, 20))
	// and a ridge running north-south at x = 45 (150 m high, flat along
	// its crest so no cell of it is a peak).
	g, err := geo.NewGrid(60, 40, 105, 21, 1.0/1200, 1.0/1200)
	if err != nil {
		t.Fatal(err)
	}
	for y := range 40 {
		for x := range 60 {
			h := 100.0
			if d := math.Hypot(float64(x-15), float64(y-20)); d < 6 {
				h = 200 - 16*d
			}
			if dx := math.Abs(float64(x - 45)); dx < 4 {
				h = math.Max(h, 150-12*dx)
			}
			g.Set(x, y, float32(h))
		}
	}
	pts := geo.ReliefPoints(g, g.Bound(), 3, 10, 10, 0)
	var peaks, ridges int
	for i, p := range pts {
		switch p.Kind {
		case geo.Peak:
			peaks++
			if p.X != 15 || p.Y != 20 {
				t.Errorf("peak at %d,%d, want 15,20", p.X, p.Y)
			}
		case geo.Ridge:
			ridges++
			if p.X != 45 {
				t.Errorf("ridge cell at %d,%d, want x = 45", p.X, p.Y)
			}
		}
		if i > 0 && p.ReliefM > pts[i-1].ReliefM {
			t.Errorf("points not in decreasing relief: %.1f after %.1f", p.ReliefM, pts[i-1].ReliefM)
		}
	}
	// The crest has rows 3..36 (windows inside the grid), thinned to one
	// per 10-row block: blocks 0..3.
	if peaks != 1 || ridges != 4 {
		t.Errorf("peaks, ridges = %d, %d; want 1, 4", peaks, ridges)
	}
	// A bound that leaves the summit out, and a limit.
	east := orb.Bound{Min: orb.Point{105 + 30.0/1200, 21 - 40.0/1200}, Max: orb.Point{105 + 60.0/1200, 21}}
	if got := geo.ReliefPoints(g, east, 3, 10, 10, 2); len(got) != 2 || got[0].Kind != geo.Ridge {
		t.Errorf("east half, limit 2: %d points (%v), want 2 ridge cells", len(got), got)
	}
}

func TestOffsetSamples(t *testing.T) {
	// A 5 km east-west line at the equator: samples every 1 km from 500 m,
	// 60 m north and south of it.
	a := orb.Point{105, 0}
	line := orb.LineString{a, geo.Destination(a, 90, 2500), geo.Destination(a, 90, 5000)}
	pts := geo.OffsetSamples(line, 1000, 60)
	if len(pts) != 10 {
		t.Fatalf("%d points, want 10", len(pts))
	}
	for i, p := range pts {
		along := geo.DistanceM(a, orb.Point{p[0], 0})
		if want := 500 + float64(i/2)*1000; !geo.Near(along, want, 0.5) {
			t.Errorf("point %d at %.1f m along, want %.0f", i, along, want)
		}
		off := geo.DistanceM(p, orb.Point{p[0], 0})
		if !geo.Near(off, 60, 0.1) {
			t.Errorf("point %d is %.2f m off the line, want 60", i, off)
		}
		if north := p[1] > 0; north != (i%2 == 0) {
			t.Errorf("point %d on the wrong side (lat %g): left (north) first", i, p[1])
		}
	}
	if got := geo.OffsetSamples(orb.LineString{a, a}, 1000, 60); got != nil {
		t.Errorf("degenerate line: %v, want none", got)
	}
	if got := geo.OffsetSamples(orb.LineString{a, geo.Destination(a, 0, 300)}, 1000, 60); len(got) != 2 {
		t.Errorf("short line: %d points, want its midpoint's pair", len(got))
	}
}
