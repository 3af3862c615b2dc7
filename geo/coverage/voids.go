package coverage

import (
	"math"

	"github.com/paulmach/orb"

	"btsplan/geo"
)

// fillVoids returns dem with its voids (NaN) filled, and how many voids
// lay within radiusM (plus one DEM cell) of [lon, lat]. A DEM without
// voids is returned as is; otherwise the fill works on a copy: each pass
// gives every void that touches data (of its 8 neighbours) the mean of
// those neighbours, from the previous pass's values, until none is left:
// an onion-peeling fill, deterministic and the same in every direction.
// A DEM with no data at all is filled with 0.
func fillVoids(dem *geo.Grid, lon, lat, radiusM float64) (*geo.Grid, int) {
	var holes []int
	for y := range dem.H {
		row := dem.Pix[y*dem.Stride : y*dem.Stride+dem.W]
		for x, v := range row {
			if v != v {
				holes = append(holes, y*dem.Stride+x)
			}
		}
	}
	if len(holes) == 0 {
		return dem, 0
	}
	lonM, latM := geo.MetresPerDegree(lat)
	margin := math.Hypot(dem.DLon*lonM, dem.DLat*latM)
	site := orb.Point{lon, lat}
	inside := 0
	for _, i := range holes {
		c := dem.CellCentre(i%dem.Stride, i/dem.Stride)
		if geo.DistanceM(site, c) <= radiusM+margin {
			inside++
		}
	}

	g := *dem
	g.Pix = append([]float32(nil), dem.Pix...)
	type fill struct {
		i int
		v float32
	}
	var fills []fill
	for len(holes) > 0 {
		fills = fills[:0]
		rest := holes[:0]
		for _, i := range holes {
			x, y := i%g.Stride, i/g.Stride
			var sum float64
			n := 0
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					if v := g.At(x+dx, y+dy); v == v {
						sum += float64(v)
						n++
					}
				}
			}
			if n > 0 {
				fills = append(fills, fill{i, float32(sum / float64(n))})
			} else {
				rest = append(rest, i)
			}
		}
		if len(fills) == 0 {
			for _, i := range rest {
				g.Pix[i] = 0
			}
			break
		}
		for _, f := range fills {
			g.Pix[f.i] = f.v
		}
		holes = rest
	}
	return &g, inside
}
