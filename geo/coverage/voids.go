package coverage

import (
	"math"

	"github.com/paulmach/orb"

	"btsplan/geo"
)

// fillVoids returns dem with its voids (NaN) filled by geo.FillVoids, and
// how many voids lay within radiusM (plus one DEM cell) of [lon, lat]. A
// DEM without voids is returned as is; otherwise the fill works on a copy.
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
	if geo.FillVoids(&g) < len(holes) {
		// Only a grid with no data at all keeps voids.
		for _, i := range holes {
			if v := g.Pix[i]; v != v {
				g.Pix[i] = 0
			}
		}
	}
	return &g, inside
}
