package geo_test

import (
	"fmt"
	"math"
	"testing"

	"btsplan/geo"
)

var nan = float32(math.NaN())

// gridOf builds a grid from rows of samples (row 0 is the north row).
func gridOf(t testing.TB, rows [][]float32) *geo.Grid {
	t.Helper()
	g, err := geo.NewGrid(len(rows[0]), len(rows), 105, 22, 0.1, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	for y, r := range rows {
		copy(g.Pix[y*g.Stride:], r)
	}
	return g
}

func TestFillVoids(t *testing.T) {
	tests := []struct {
		name       string
		in         [][]float32
		want       [][]float32
		wantFilled int
	}{
		{
			name:       "no voids",
			in:         [][]float32{{1, 2}, {3, 4}},
			want:       [][]float32{{1, 2}, {3, 4}},
			wantFilled: 0,
		},
		{
			// Mean of the eight neighbours: (1+2+3+4+6+7+8+9)/8 = 5.
			name:       "centre void",
			in:         [][]float32{{1, 2, 3}, {4, nan, 6}, {7, 8, 9}},
			want:       [][]float32{{1, 2, 3}, {4, 5, 6}, {7, 8, 9}},
			wantFilled: 1,
		},
		{
			// The corner sees only three cells: (2+4+5)/3 = 11/3.
			name:       "corner void",
			in:         [][]float32{{nan, 2}, {4, 5}},
			want:       [][]float32{{11.0 / 3, 2}, {4, 5}},
			wantFilled: 1,
		},
		{
			// Pass 1 fills x=1 (mean of 10) and x=3 (mean of 30); pass 2
			// fills x=2 from the values of pass 1: (10+30)/2 = 20.
			name:       "row void filled from both ends",
			in:         [][]float32{{10, nan, nan, nan, 30}},
			want:       [][]float32{{10, 10, 20, 30, 30}},
			wantFilled: 3,
		},
		{
			// Cells of one pass do not see each other's new values: a scan
			// that wrote in place would give the second cell (8+20)/2 = 14.
			name:       "adjacent voids in one pass",
			in:         [][]float32{{8, nan, nan, 20}},
			want:       [][]float32{{8, 8, 20, 20}},
			wantFilled: 2,
		},
		{
			name:       "all void stays void",
			in:         [][]float32{{nan, nan}, {nan, nan}},
			want:       [][]float32{{nan, nan}, {nan, nan}},
			wantFilled: 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := gridOf(t, tt.in)
			filled := geo.FillVoids(g)
			if filled != tt.wantFilled {
				t.Errorf("FillVoids filled %d, want %d", filled, tt.wantFilled)
			}
			for y, row := range tt.want {
				for x, want := range row {
					got := g.At(x, y)
					if math.IsNaN(float64(want)) {
						if !math.IsNaN(float64(got)) {
							t.Errorf("cell (%d,%d) = %v, want NaN", x, y, got)
						}
						continue
					}
					if !geo.Near(float64(got), float64(want), 1e-5) {
						t.Errorf("cell (%d,%d) = %v, want %v", x, y, got, want)
					}
				}
			}
		})
	}
}

func TestFillVoidsNilAndStride(t *testing.T) {
	if n := geo.FillVoids(nil); n != 0 {
		t.Errorf("FillVoids(nil) = %d, want 0", n)
	}
	// A 2×2 view with stride 3: the padding column holds NaN, which is not
	// part of the grid and must be neither counted nor filled.
	g := &geo.Grid{
		Pix:    []float32{1, nan, nan, 3, 5, nan},
		Stride: 3, W: 2, H: 2, West: 0, North: 1, DLon: 0.5, DLat: 0.5,
	}
	if n := geo.CountVoids(g); n != 1 {
		t.Errorf("CountVoids = %d, want 1", n)
	}
	if n := geo.FillVoids(g); n != 1 {
		t.Errorf("FillVoids = %d, want 1", n)
	}
	if got := g.Pix[1]; got != 3 { // (1+3+5)/3
		t.Errorf("filled cell = %v, want 3", got)
	}
	if !math.IsNaN(float64(g.Pix[2])) || !math.IsNaN(float64(g.Pix[5])) {
		t.Errorf("padding changed: %v", g.Pix)
	}
}

// A large void in a tilted plane: every void is filled, valid cells keep
// their values, filled values stay within the range of the void's rim, and
// two runs give identical bits.
func TestFillVoidsLargeVoid(t *testing.T) {
	const n = 60
	build := func() *geo.Grid {
		g, err := geo.NewGrid(n, n, 0, 1, 0.01, 0.01)
		if err != nil {
			t.Fatal(err)
		}
		for y := 0; y < n; y++ {
			for x := 0; x < n; x++ {
				v := float32(100 + 3*x - 2*y)
				if (x-30)*(x-30)+(y-25)*(y-25) < 15*15 || (x > 50 && y < 4) {
					v = nan
				}
				g.Set(x, y, v)
			}
		}
		return g
	}
	g := build()
	orig := append([]float32(nil), g.Pix...)
	voids := geo.CountVoids(g)
	if voids == 0 {
		t.Fatal("fixture has no voids")
	}
	filled := geo.FillVoids(g)
	if filled != voids {
		t.Errorf("FillVoids filled %d, want %d", filled, voids)
	}
	if left := geo.CountVoids(g); left != 0 {
		t.Errorf("%d voids left", left)
	}
	// Rim of the disc: x in [15, 45], y in [10, 40] → 100+3x-2y in [25, 215].
	for i, v := range orig {
		x, y := i%n, i/n
		if !math.IsNaN(float64(v)) {
			if g.Pix[i] != v {
				t.Fatalf("valid cell (%d,%d) changed: %v, want %v", x, y, g.Pix[i], v)
			}
			continue
		}
		if x <= 50 && (g.Pix[i] < 25 || g.Pix[i] > 215) {
			t.Errorf("filled cell (%d,%d) = %v, outside the rim range [25, 215]", x, y, g.Pix[i])
		}
	}
	again := build()
	geo.FillVoids(again)
	for i := range g.Pix {
		if math.Float32bits(g.Pix[i]) != math.Float32bits(again.Pix[i]) {
			t.Fatalf("cell %d differs between runs: %v, %v", i, g.Pix[i], again.Pix[i])
		}
	}
}

func ExampleFillVoids() {
	g, _ := geo.NewGrid(3, 1, 105, 21, 0.1, 0.1)
	g.Set(0, 0, 100)
	g.Set(2, 0, 200)
	n := geo.FillVoids(g)
	fmt.Println(n, g.At(1, 0))
	// Output: 1 150
}

// BenchmarkFillVoids fills SRTM-like voids (about 0.5% of the cells, in
// clusters up to 40 cells across) in a 2000×2000 DEM.
func BenchmarkFillVoids(b *testing.B) {
	const n = 2000
	src, err := geo.NewGrid(n, n, 105, 22, 1.0/1200, 1.0/1200)
	if err != nil {
		b.Fatal(err)
	}
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			src.Set(x, y, float32(500+200*math.Sin(float64(x)/70)*math.Cos(float64(y)/90)))
		}
	}
	for k := 0; k < 40; k++ {
		cx, cy, r := (k*397)%n, (k*911)%n, 3+(k*7)%18
		for y := cy - r; y <= cy+r; y++ {
			for x := cx - r; x <= cx+r; x++ {
				if (x-cx)*(x-cx)+(y-cy)*(y-cy) <= r*r {
					src.Set(x, y, nan)
				}
			}
		}
	}
	g := *src
	g.Pix = make([]float32, len(src.Pix))
	b.ReportAllocs()
	for b.Loop() {
		copy(g.Pix, src.Pix)
		geo.FillVoids(&g)
	}
}
