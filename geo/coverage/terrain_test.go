package coverage_test

import (
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/paulmach/orb"

	"btsplan/geo"
)

// hgtPath is the SRTM-3 tile of Tam Đảo in the shared data beside the
// project (never copied into it).
var hgtPath = filepath.Join("..", "..", "..", "shared", "data", "vn", "dem", "N21E105.hgt")

var (
	tileOnce sync.Once
	tile     *geo.Grid
	tileErr  error
)

// loadTile decodes N21E105.hgt: 1201×1201 big-endian int16 samples on the
// whole-degree lines (so the grid's edges are half a cell outside the
// tile), -32768 for voids. It fails when CI is set and the file is
// missing, and skips otherwise. geo tests may not import data/, so this is
// the decoder's few lines again rather than data/dem's.
func loadTile(tb testing.TB) *geo.Grid {
	tb.Helper()
	tileOnce.Do(func() {
		b, err := os.ReadFile(hgtPath)
		if err != nil {
			tileErr = err
			return
		}
		const n = 1201
		if len(b) != n*n*2 {
			tileErr = os.ErrInvalid
			return
		}
		const d = 1.0 / 1200
		g, err := geo.NewGrid(n, n, 105-d/2, 22+d/2, d, d)
		if err != nil {
			tileErr = err
			return
		}
		for i := range g.Pix {
			v := int16(binary.BigEndian.Uint16(b[2*i:]))
			if v != -32768 {
				g.Pix[i] = float32(v)
			}
		}
		tile = g
	})
	if tileErr != nil {
		if os.Getenv("CI") != "" {
			tb.Fatalf("read %s: %v (CI needs ../shared/data beside the project)", hgtPath, tileErr)
		}
		tb.Skipf("skipping: %s is not readable (%v); it is the shared SRTM tile N21E105", hgtPath, tileErr)
	}
	return tile
}

// window copies the part of g within radiusM (plus two cells) of centre,
// as data/dem's Store.Window does.
func window(tb testing.TB, g *geo.Grid, centre orb.Point, radiusM float64) *geo.Grid {
	tb.Helper()
	lonM, latM := geo.MetresPerDegree(centre[1])
	dLat := radiusM/latM + 2*g.DLat
	dLon := radiusM/(lonM*math.Cos(dLat*math.Pi/180)) + 2*g.DLon
	x0 := int(math.Floor((centre[0] - dLon - g.West) / g.DLon))
	x1 := int(math.Ceil((centre[0] + dLon - g.West) / g.DLon))
	y0 := int(math.Floor((g.North - centre[1] - dLat) / g.DLat))
	y1 := int(math.Ceil((g.North - centre[1] + dLat) / g.DLat))
	if x0 < 0 || y0 < 0 || x1 > g.W || y1 > g.H {
		tb.Fatalf("window %v ± %g m leaves the tile", centre, radiusM)
	}
	w, err := geo.NewGrid(x1-x0, y1-y0, g.West+float64(x0)*g.DLon, g.North-float64(y0)*g.DLat, g.DLon, g.DLat)
	if err != nil {
		tb.Fatal(err)
	}
	for y := y0; y < y1; y++ {
		copy(w.Pix[(y-y0)*w.Stride:(y-y0+1)*w.Stride], g.Pix[y*g.Stride+x0:y*g.Stride+x1])
	}
	return w
}
