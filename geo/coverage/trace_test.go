package coverage_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"btsplan/geo"
	"btsplan/geo/coverage"
)

// maskGrid builds a grid of 1" cells from rows of '#' (covered, 0 dBm)
// and '.' (not covered, -200 dBm) or 'n' (NaN), north row first.
func maskGrid(t testing.TB, rows ...string) *geo.Grid {
	t.Helper()
	const d = 1.0 / 3600
	g, err := geo.NewGrid(len(rows[0]), len(rows), 105.5, 21.5, d, d)
	if err != nil {
		t.Fatal(err)
	}
	for y, r := range rows {
		for x, c := range r {
			switch c {
			case '#':
				g.Set(x, y, 0)
			case '.':
				g.Set(x, y, -200)
			}
		}
	}
	return g
}

// signedArea is the planar shoelace area of r in square degrees,
// positive for counter-clockwise.
func signedArea(r orb.Ring) float64 {
	var a float64
	for i := 0; i+1 < len(r); i++ {
		a += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
	}
	return a / 2
}

// insideEvenOdd reports whether p is inside mp by the even-odd rule over
// all rings: the oracle the traced polygons are checked against.
func insideEvenOdd(mp orb.MultiPolygon, p orb.Point) bool {
	in := false
	for _, poly := range mp {
		for _, r := range poly {
			for i := 0; i+1 < len(r); i++ {
				a, b := r[i], r[i+1]
				if (a[1] > p[1]) != (b[1] > p[1]) {
					x := a[0] + (p[1]-a[1])*(b[0]-a[0])/(b[1]-a[1])
					if p[0] < x {
						in = !in
					}
				}
			}
		}
	}
	return in
}

// checkTrace checks everything Trace promises about g's polygons: each
// cell centre is inside exactly when covered, rings are closed and simple
// (no vertex twice) with corners only, shells counter-clockwise and holes
// clockwise, and the area is the sum of the covered cells' areas.
func checkTrace(t *testing.T, g *geo.Grid, thr float32) (orb.MultiPolygon, int) {
	t.Helper()
	mp, n, areaKm2 := coverage.Trace(g, thr)
	count := 0
	var cellsKm2 float64
	for y := range g.H {
		for x := range g.W {
			cov := g.At(x, y) >= thr
			if cov {
				count++
				cellsKm2 += coverage.CellAreaKm2(g, y)
			}
			if got := insideEvenOdd(mp, g.CellCentre(x, y)); got != cov {
				t.Errorf("cell %d,%d: inside polygons = %v, covered = %v", x, y, got, cov)
			}
		}
	}
	if n != count {
		t.Errorf("Trace counted %d covered cells, want %d", n, count)
	}
	if !geo.Near(areaKm2, cellsKm2, 1e-9*max(1, cellsKm2)) {
		t.Errorf("Trace area = %.12f km², want the cells' %.12f km²", areaKm2, cellsKm2)
	}
	for pi, poly := range mp {
		for ri, r := range poly {
			if len(r) < 5 || r[0] != r[len(r)-1] {
				t.Fatalf("polygon %d ring %d = %v, want a closed ring of at least 4 corners", pi, ri, r)
			}
			seen := map[orb.Point]bool{}
			for i, p := range r[:len(r)-1] {
				if seen[p] {
					t.Errorf("polygon %d ring %d passes %v twice", pi, ri, p)
				}
				seen[p] = true
				prev, next := r[(i+len(r)-2)%(len(r)-1)], r[i+1]
				if (p[0]-prev[0])*(next[1]-p[1])-(p[1]-prev[1])*(next[0]-p[0]) == 0 {
					t.Errorf("polygon %d ring %d keeps the straight-through vertex %v", pi, ri, p)
				}
			}
			a := signedArea(r)
			if ri == 0 && a <= 0 || ri > 0 && a >= 0 {
				t.Errorf("polygon %d ring %d has signed area %g, want shell > 0 and holes < 0", pi, ri, a)
			}
		}
	}
	return mp, n
}

func TestTrace(t *testing.T) {
	tests := []struct {
		name         string
		rows         []string
		polys        int
		holes        int
		firstRingPts int // points of the first shell, closing point included; 0 = unchecked
	}{
		{"nothing", []string{"...", "...", "..."}, 0, 0, 0},
		{"one cell", []string{"...", ".#.", "..."}, 1, 0, 5},
		{"edge cell", []string{"#..", "...", "..."}, 1, 0, 5},
		{"block", []string{"##.", "##.", "..."}, 1, 0, 5},
		{"L shape", []string{"#..", "#..", "##."}, 1, 0, 7},
		{"ring with a hole", []string{"###", "#.#", "###"}, 1, 1, 5},
		{"NaN hole", []string{"###", "#n#", "###"}, 1, 1, 5},
		{"diagonal pair", []string{"#.", ".#"}, 2, 0, 5},
		{"anti-diagonal pair", []string{".#", "#."}, 2, 0, 5},
		// A ring whose two ends meet only at a corner: the enclosed
		// uncovered cell is a hole touching the shell at one point.
		{"C closed at a corner", []string{
			"....",
			".##.",
			"#..#",
			".##.",
			"....",
		}, 4, 0, 0},
		// An island touching its surrounding ring at a corner.
		{"island touching at a corner", []string{
			"#####",
			"#...#",
			"#.#.#",
			"#..##",
			"#####",
		}, 2, 1, 5},
		// One group whose boundary passes a corner twice: traced as one
		// walk, it is cut there into a shell and a hole touching it.
		{"hook touching itself", []string{"###", "#.#", "##."}, 1, 1, 7},
		{"checkerboard", []string{"#.#.", ".#.#", "#.#."}, 6, 0, 5},
		{"two holes", []string{"#####", "#.#.#", "#####"}, 1, 2, 5},
		{"island in a hole", []string{"#####", "#...#", "#.#.#", "#...#", "#####"}, 2, 1, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := maskGrid(t, tt.rows...)
			mp, _ := checkTrace(t, g, -100)
			holes := 0
			for _, p := range mp {
				holes += len(p) - 1
			}
			if len(mp) != tt.polys || holes != tt.holes {
				t.Errorf("Trace(%s) = %d polygons with %d holes, want %d and %d", strings.Join(tt.rows, "/"), len(mp), holes, tt.polys, tt.holes)
			}
			if tt.firstRingPts > 0 && len(mp) > 0 && len(mp[0][0]) != tt.firstRingPts {
				t.Errorf("first shell has %d points, want %d: %v", len(mp[0][0]), tt.firstRingPts, mp[0][0])
			}
		})
	}
	t.Run("one cell's coordinates", func(t *testing.T) {
		g := maskGrid(t, "#")
		mp, _, _ := coverage.Trace(g, -100)
		d := 1.0 / 3600
		// Counter-clockwise from the north-west corner.
		want := orb.Ring{{105.5, 21.5}, {105.5, 21.5 - d}, {105.5 + d, 21.5 - d}, {105.5 + d, 21.5}, {105.5, 21.5}}
		if len(mp) != 1 || !orb.Equal(mp[0][0], want) {
			t.Errorf("Trace(one cell) = %v, want %v", mp, want)
		}
	})
}

func TestTraceRandomMasks(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 300 {
		w, h := 1+rng.IntN(14), 1+rng.IntN(14)
		p := 0.2 + 0.6*rng.Float64()
		rows := make([]string, h)
		for y := range rows {
			var b strings.Builder
			for range w {
				if rng.Float64() < p {
					b.WriteByte('#')
				} else {
					b.WriteByte('.')
				}
			}
			rows[y] = b.String()
		}
		g := maskGrid(t, rows...)
		checkTrace(t, g, -100)
		if t.Failed() {
			t.Fatalf("mask %d: %s", i, strings.Join(rows, "/"))
		}
	}
}

func TestCellAreaKm2(t *testing.T) {
	// A 1°×1° cell from the equator north covers 12,308.8 km² on WGS 84
	// (a²/2·Δλ·(q(1°) - q(0°))).
	g, err := geo.NewGrid(1, 1, 0, 1, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got := coverage.CellAreaKm2(g, 0); !geo.Near(got, 12308.8, 0.5) {
		t.Errorf("CellAreaKm2(1°×1° at the equator) = %.2f km², want 12308.8", got)
	}
	// The whole ellipsoid: 360×180 one-degree cells sum to 510,065,622 km².
	g, _ = geo.NewGrid(360, 180, -180, 90, 1, 1)
	var sum float64
	for y := range 180 {
		sum += 360 * coverage.CellAreaKm2(g, y)
	}
	if !geo.Near(sum, 510065621.7, 1) {
		t.Errorf("sum of all cells = %.1f km², want WGS 84's 510065621.7 km²", sum)
	}
	_ = math.Pi
}
