package synth

import (
	"encoding/binary"
	"fmt"
	"math"
	"runtime"
	"sync"

	"github.com/paulmach/orb"

	"btsplan/geo"
)

// SRTM-3 tiles: 1201×1201 int16 big-endian samples on whole 3" lines.
const (
	hgtSamples = 1201
	hgtCells   = 1200.0 // cells per degree
)

// tile is one 1°×1° SRTM tile, named by its south-west corner.
type tile struct{ latS, lonW int }

// name returns the SRTM file name, such as N21E104.hgt.
func (t tile) name() string {
	ns, ew := 'N', 'E'
	lat, lon := t.latS, t.lonW
	if lat < 0 {
		ns, lat = 'S', -lat
	}
	if lon < 0 {
		ew, lon = 'W', -lon
	}
	return fmt.Sprintf("%c%02d%c%03d.hgt", ns, lat, ew, lon)
}

// sample returns the [lon, lat] of tile sample (row r, column c); row 0 is
// the northern edge.
func (t tile) sample(r, c int) orb.Point {
	return orb.Point{float64(t.lonW) + float64(c)/hgtCells, float64(t.latS+1) - float64(r)/hgtCells}
}

// terrain samples the height field on the SRTM lattice.
type terrain struct {
	s      *shape
	f      frame
	t      tile
	r0, c0 int // tile row and column of DEM cell (0, 0)
}

// heightAt returns the height of tile sample (r, c) in whole metres, as
// SRTM stores it.
func (tr *terrain) heightAt(r, c int) int16 {
	p := tr.f.local(tr.t.sample(r, c))
	h := math.Round(tr.s.heightM(p[0], p[1]))
	return int16(math.Min(9000, math.Max(-500, h)))
}

// newTerrain chooses the tile and the DEM window that covers bound (the
// district plus its margin). The window must lie inside one tile.
func newTerrain(s *shape, f frame, bound orb.Bound) (*terrain, error) {
	t := tile{latS: int(math.Floor(bound.Min[1])), lonW: int(math.Floor(bound.Min[0]))}
	if int(math.Floor(bound.Max[1])) != t.latS || int(math.Floor(bound.Max[0])) != t.lonW {
		return nil, fmt.Errorf("the DEM window %v crosses a whole-degree line: it must fit in one SRTM tile", bound)
	}
	return &terrain{s: s, f: f, t: t,
		c0: int(math.Floor((bound.Min[0] - float64(t.lonW)) * hgtCells)),
		r0: int(math.Floor((float64(t.latS+1) - bound.Max[1]) * hgtCells)),
	}, nil
}

// grid fills the DEM window as a geo.Grid whose cell centres are the tile's
// samples, so that the grid and the .hgt file agree sample for sample.
func (tr *terrain) grid(bound orb.Bound) (*geo.Grid, error) {
	c1 := int(math.Ceil((bound.Max[0] - float64(tr.t.lonW)) * hgtCells))
	r1 := int(math.Ceil((float64(tr.t.latS+1) - bound.Min[1]) * hgtCells))
	w, h := c1-tr.c0+1, r1-tr.r0+1
	g, err := geo.NewGrid(w, h,
		float64(tr.t.lonW)+(float64(tr.c0)-0.5)/hgtCells,
		float64(tr.t.latS+1)-(float64(tr.r0)-0.5)/hgtCells,
		1/hgtCells, 1/hgtCells)
	if err != nil {
		return nil, err
	}
	byRows(h, func(y int) {
		row := g.Pix[y*g.Stride : y*g.Stride+w]
		for x := range row {
			row[x] = float32(tr.heightAt(tr.r0+y, tr.c0+x))
		}
	})
	return g, nil
}

// hgt writes the whole tile: the DEM window from g, the rest from the
// same height field.
func (tr *terrain) hgt(g *geo.Grid) []byte {
	b := make([]byte, hgtSamples*hgtSamples*2)
	byRows(hgtSamples, func(r int) {
		y := r - tr.r0
		for c := 0; c < hgtSamples; c++ {
			x := c - tr.c0
			var v int16
			if y >= 0 && y < g.H && x >= 0 && x < g.W {
				v = int16(g.Pix[y*g.Stride+x])
			} else {
				v = tr.heightAt(r, c)
			}
			binary.BigEndian.PutUint16(b[(r*hgtSamples+c)*2:], uint16(v))
		}
	})
	return b
}

// byRows calls row(y) for y in [0, n) on a fixed number of workers. Rows
// are independent, so the result does not depend on the scheduling.
func byRows(n int, row func(y int)) {
	workers := min(runtime.GOMAXPROCS(0), 8)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for y := w; y < n; y += workers {
				row(y)
			}
		}()
	}
	wg.Wait()
}
