package geo

import (
	"errors"
	"fmt"
	"math"

	"github.com/paulmach/orb"
)

// Grid is a north-up raster of float32 samples in EPSG:4326, stored
// row-major from the north-west corner like the standard library's image
// types: the sample of column x, row y is Pix[y*Stride+x]. NaN marks no data.
//
// The geotransform is that of GDAL for a north-up raster: the centre of
// cell (x, y) is at lon = West + (x+0.5)*DLon, lat = North - (y+0.5)*DLat.
// For SRTM tiles, whose samples sit on the whole-degree lines, West and
// North are half a cell outside the tile edge.
type Grid struct {
	Pix    []float32
	Stride int
	W, H   int
	// West and North are the outer edges of the raster in degrees.
	West, North float64
	// DLon and DLat are the cell sizes in degrees, both positive.
	DLon, DLat float64
}

// NewGrid allocates a w×h grid filled with NaN.
func NewGrid(w, h int, west, north, dLon, dLat float64) (*Grid, error) {
	if w <= 0 || h <= 0 {
		return nil, fmt.Errorf("new grid: size %dx%d must be positive", w, h)
	}
	if !(dLon > 0) || !(dLat > 0) {
		return nil, fmt.Errorf("new grid: cell size %gx%g must be positive", dLon, dLat)
	}
	pix := make([]float32, w*h)
	nan := float32(math.NaN())
	for i := range pix {
		pix[i] = nan
	}
	return &Grid{Pix: pix, Stride: w, W: w, H: h, West: west, North: north, DLon: dLon, DLat: dLat}, nil
}

// At returns the sample of column x, row y, or NaN outside the grid.
func (g *Grid) At(x, y int) float32 {
	if x < 0 || y < 0 || x >= g.W || y >= g.H {
		return float32(math.NaN())
	}
	return g.Pix[y*g.Stride+x]
}

// Set stores v at column x, row y; it ignores cells outside the grid.
func (g *Grid) Set(x, y int, v float32) {
	if x < 0 || y < 0 || x >= g.W || y >= g.H {
		return
	}
	g.Pix[y*g.Stride+x] = v
}

// CellCentre returns the [lon, lat] of the centre of cell (x, y).
func (g *Grid) CellCentre(x, y int) orb.Point {
	return orb.Point{g.West + (float64(x)+0.5)*g.DLon, g.North - (float64(y)+0.5)*g.DLat}
}

// Bound returns the outer extent of the grid in degrees.
func (g *Grid) Bound() orb.Bound {
	return orb.Bound{
		Min: orb.Point{g.West, g.North - float64(g.H)*g.DLat},
		Max: orb.Point{g.West + float64(g.W)*g.DLon, g.North},
	}
}

// Bilinear returns the bilinearly interpolated value at p ([lon, lat]),
// treating samples as located at cell centres. It returns NaN outside the
// grid or when any of the four neighbours is NaN.
func (g *Grid) Bilinear(p orb.Point) float64 {
	fx := (p[0]-g.West)/g.DLon - 0.5
	fy := (g.North-p[1])/g.DLat - 0.5
	x0 := int(math.Floor(fx))
	y0 := int(math.Floor(fy))
	if x0 < 0 || y0 < 0 || x0+1 >= g.W || y0+1 >= g.H {
		// Allow exact hits on the last row or column.
		if x0 == g.W-1 && fx == float64(x0) && y0 >= 0 && y0 < g.H {
			if y0 == g.H-1 || fy == float64(y0) {
				return float64(g.At(x0, y0))
			}
		}
		return math.NaN()
	}
	tx, ty := fx-float64(x0), fy-float64(y0)
	i := y0*g.Stride + x0
	a, b := float64(g.Pix[i]), float64(g.Pix[i+1])
	c, d := float64(g.Pix[i+g.Stride]), float64(g.Pix[i+g.Stride+1])
	top := a + (b-a)*tx
	bot := c + (d-c)*tx
	return top + (bot-top)*ty
}

// Check returns an error unless g can be encoded: not nil, a positive
// size, Pix long enough for its stride, a positive finite cell size and a
// finite origin. A nil g is an error, not a panic.
func (g *Grid) Check() error {
	switch {
	case g == nil:
		return errors.New("nil grid")
	case g.W <= 0 || g.H <= 0:
		return fmt.Errorf("grid size %dx%d must be positive", g.W, g.H)
	case g.Stride < g.W || len(g.Pix) < (g.H-1)*g.Stride+g.W:
		return fmt.Errorf("grid of %dx%d has stride %d and %d samples", g.W, g.H, g.Stride, len(g.Pix))
	case !(g.DLon > 0) || !(g.DLat > 0) || math.IsInf(g.DLon, 0) || math.IsInf(g.DLat, 0):
		return fmt.Errorf("cell size %gx%g must be positive", g.DLon, g.DLat)
	case math.IsNaN(g.West) || math.IsNaN(g.North) || math.IsInf(g.West, 0) || math.IsInf(g.North, 0):
		return fmt.Errorf("origin (%g, %g) must be finite", g.West, g.North)
	}
	return nil
}
