package geo

import (
	"cmp"
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// ReliefKind says why a DEM cell was picked as a high point.
type ReliefKind int

// The kinds of high point.
const (
	// Peak: the cell is the highest of its window (ties go to the first
	// cell in row-major order).
	Peak ReliefKind = iota + 1
	// Ridge: the cell is higher than every other cell of its window's
	// row, column or one of its diagonals through it — a crest seen across
	// at least one direction — but not a peak.
	Ridge
)

// ReliefPoint is one high point of a DEM: a peak or a ridge cell.
type ReliefPoint struct {
	Kind     ReliefKind
	X, Y     int       // the cell of the grid
	Location orb.Point // its centre, [lon, lat] EPSG:4326
	HeightM  float64   // its elevation, m
	// ReliefM is how far the cell stands above the mean of its window, m:
	// the prominence the points are ranked by.
	ReliefM float64
}

// ReliefPoints returns the peaks and ridge cells of g inside bound: cells
// whose height is the maximum of the (2·radiusCells+1)² window around
// them (peaks), or the maximum of the window's row, column or diagonal
// through them (ridges), standing at least minReliefM above the window's
// mean. Windows reaching beyond the grid or holding NaN are skipped.
// Ridge cells are thinned so that at most one (the one of greatest relief)
// is kept in each block of spacingCells × spacingCells cells, and none
// within a peak's window; peaks are all kept. The points come in decreasing relief, then row-major order,
// at most limit of them (0 for no limit): the result is deterministic.
func ReliefPoints(g *Grid, bound orb.Bound, radiusCells, spacingCells int, minReliefM float64, limit int) []ReliefPoint {
	if g == nil || radiusCells < 1 {
		return nil
	}
	spacingCells = max(1, spacingCells)
	x0 := int(math.Ceil((bound.Min[0]-g.West)/g.DLon - 0.5))
	x1 := int(math.Floor((bound.Max[0]-g.West)/g.DLon - 0.5))
	y0 := int(math.Ceil((g.North-bound.Max[1])/g.DLat - 0.5))
	y1 := int(math.Floor((g.North-bound.Min[1])/g.DLat - 0.5))
	r := radiusCells
	x0, y0 = max(x0, r), max(y0, r)
	x1, y1 = min(x1, g.W-1-r), min(y1, g.H-1-r)
	var peaks []ReliefPoint
	var crest []ReliefPoint
	// The four directions of a crest: row, column and the two diagonals.
	dirs := [4][2]int{{1, 0}, {0, 1}, {1, 1}, {1, -1}}
	for y := y0; y <= y1; y++ {
		for x := x0; x <= x1; x++ {
			h := g.Pix[y*g.Stride+x]
			if h != h { // NaN
				continue
			}
			sum, n, peak, void := 0.0, 0, true, false
			for dy := -r; dy <= r && !void; dy++ {
				row := (y + dy) * g.Stride
				for dx := -r; dx <= r; dx++ {
					v := g.Pix[row+x+dx]
					if v != v {
						void = true
						break
					}
					sum += float64(v)
					n++
					// A tie with a cell earlier in row-major order loses.
					if v > h || v == h && (dy < 0 || dy == 0 && dx < 0) {
						peak = false
					}
				}
			}
			if void {
				continue
			}
			relief := float64(h) - sum/float64(n)
			if relief < minReliefM {
				continue
			}
			p := ReliefPoint{X: x, Y: y, Location: g.CellCentre(x, y), HeightM: float64(h), ReliefM: relief}
			if peak {
				p.Kind = Peak
				peaks = append(peaks, p)
				continue
			}
			across := false
			for _, d := range dirs {
				top := true
				for k := 1; k <= r && top; k++ {
					if g.Pix[(y+k*d[1])*g.Stride+x+k*d[0]] >= h || g.Pix[(y-k*d[1])*g.Stride+x-k*d[0]] >= h {
						top = false
					}
				}
				if top {
					across = true
					break
				}
			}
			if !across {
				continue
			}
			p.Kind = Ridge
			crest = append(crest, p)
		}
	}
	ridges := map[[2]int]ReliefPoint{} // best ridge cell per block
	for _, p := range crest {
		// A crest cell within a peak's window is the peak's shoulder.
		shoulder := false
		for _, pk := range peaks {
			if abs(p.X-pk.X) <= r && abs(p.Y-pk.Y) <= r {
				shoulder = true
				break
			}
		}
		k := [2]int{p.X / spacingCells, p.Y / spacingCells}
		if old, ok := ridges[k]; !shoulder && (!ok || p.ReliefM > old.ReliefM) {
			ridges[k] = p
		}
	}
	out := peaks
	for _, p := range ridges {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b ReliefPoint) int {
		if c := cmp.Compare(b.ReliefM, a.ReliefM); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Y, b.Y); c != 0 {
			return c
		}
		return cmp.Compare(a.X, b.X)
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
