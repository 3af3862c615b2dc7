package geo

// SRIDs used across btsplan. Never write a bare SRID number in Go code.
const (
	// SRIDWGS84 is EPSG:4326, geographic WGS 84 ([lon, lat] in degrees).
	SRIDWGS84 = 4326
	// SRIDWebMercator is EPSG:3857, used only for vector tiles.
	SRIDWebMercator = 3857
)

// EarthRadiusM is the mean Earth radius in metres used for spherical
// geodesy (haversine); it matches the ITM reference profile sampling.
const EarthRadiusM = 6371000.0
