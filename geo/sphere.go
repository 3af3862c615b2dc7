package geo

import (
	"math"

	"github.com/paulmach/orb"
)

const degToRad = math.Pi / 180

// DistanceM returns the great-circle (haversine) distance in metres between
// two [lon, lat] points on a sphere of radius EarthRadiusM.
func DistanceM(a, b orb.Point) float64 {
	lat1, lat2 := a[1]*degToRad, b[1]*degToRad
	dLat := lat2 - lat1
	dLon := (b[0] - a[0]) * degToRad
	s := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1)*math.Cos(lat2)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * EarthRadiusM * math.Asin(math.Min(1, math.Sqrt(s)))
}

// BearingDeg returns the initial great-circle bearing from a to b in
// degrees clockwise from true north, in [0, 360).
func BearingDeg(a, b orb.Point) float64 {
	lat1, lat2 := a[1]*degToRad, b[1]*degToRad
	dLon := (b[0] - a[0]) * degToRad
	y := math.Sin(dLon) * math.Cos(lat2)
	x := math.Cos(lat1)*math.Sin(lat2) - math.Sin(lat1)*math.Cos(lat2)*math.Cos(dLon)
	deg := math.Atan2(y, x) / degToRad
	return math.Mod(deg+360, 360)
}

// Destination returns the point reached from p after distM metres on the
// initial bearing bearingDeg (degrees clockwise from north), on the sphere.
func Destination(p orb.Point, bearingDeg, distM float64) orb.Point {
	lat1, lon1 := p[1]*degToRad, p[0]*degToRad
	brg := bearingDeg * degToRad
	ang := distM / EarthRadiusM
	lat2 := math.Asin(math.Sin(lat1)*math.Cos(ang) + math.Cos(lat1)*math.Sin(ang)*math.Cos(brg))
	lon2 := lon1 + math.Atan2(math.Sin(brg)*math.Sin(ang)*math.Cos(lat1), math.Cos(ang)-math.Sin(lat1)*math.Sin(lat2))
	return orb.Point{lon2 / degToRad, lat2 / degToRad}
}

// MetresPerDegree returns the length in metres of one degree of longitude
// and of latitude at latitude latDeg, on the sphere.
func MetresPerDegree(latDeg float64) (lonM, latM float64) {
	latM = EarthRadiusM * degToRad
	return latM * math.Cos(latDeg*degToRad), latM
}
