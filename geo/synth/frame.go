package synth

import (
	"math"

	"github.com/paulmach/orb"

	"btsplan/geo"
)

// xy is a position on the local frame in metres: x east, y north of the
// district centre.
type xy [2]float64

// frame maps the local metric frame to [lon, lat] with an equirectangular
// projection at the centre's latitude. Over a district of 40 km its scale
// error stays below 0.1 %, far below the margins the layout keeps.
type frame struct {
	lon0, lat0 float64
	mLon, mLat float64 // metres per degree of longitude and latitude
}

func newFrame(centre orb.Point) frame {
	mLon, mLat := geo.MetresPerDegree(centre[1])
	return frame{lon0: centre[0], lat0: centre[1], mLon: mLon, mLat: mLat}
}

// point returns p as [lon, lat], rounded to 1e-7 degrees (about 1 cm) so
// that the GeoJSON stays compact and shared vertices stay identical.
func (f frame) point(p xy) orb.Point {
	return orb.Point{round7(f.lon0 + p[0]/f.mLon), round7(f.lat0 + p[1]/f.mLat)}
}

// exact returns p as [lon, lat] without rounding, for sampling the DEM.
func (f frame) exact(p xy) orb.Point {
	return orb.Point{f.lon0 + p[0]/f.mLon, f.lat0 + p[1]/f.mLat}
}

// local returns the local position of a [lon, lat] point.
func (f frame) local(p orb.Point) xy {
	return xy{(p[0] - f.lon0) * f.mLon, (p[1] - f.lat0) * f.mLat}
}

func round7(v float64) float64 { return math.Round(v*1e7) / 1e7 }

// ring converts a local ring to EPSG:4326.
func (f frame) ring(r []xy) orb.Ring {
	out := make(orb.Ring, len(r))
	for i, p := range r {
		out[i] = f.point(p)
	}
	return out
}

// lineString converts a local line to EPSG:4326.
func (f frame) lineString(l []xy) orb.LineString {
	out := make(orb.LineString, len(l))
	for i, p := range l {
		out[i] = f.point(p)
	}
	return out
}

// polygon converts local rings (exterior first) to EPSG:4326.
func (f frame) polygon(rings ...[]xy) orb.Polygon {
	out := make(orb.Polygon, len(rings))
	for i, r := range rings {
		out[i] = f.ring(r)
	}
	return out
}
