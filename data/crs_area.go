package data

import "fmt"

// This file knows where each source CRS of an import can be right. A
// file in the wrong CRS transforms without complaint to the wrong place
// (VN-2000 / UTM 48N numbers that were really degrees land at 100.5 E,
// 0.0 N), so an import checks that every feature lands inside the area
// of use of its source CRS, and inside Vietnam, whose planning data this
// service holds. PostGIS 3.3 does not expose PROJ's areas of use
// (postgis_srs came in 3.4); the ones that matter here are copied from the
// EPSG dataset (PROJ 9.1.1 proj.db, tables usage and extent).

// areaMarginDeg widens every area of use: EPSG's areas end at the shore
// and at province borders, and a feature near them is still right.
const areaMarginDeg = 0.25

// crsArea is an area of use: a name and a box in degrees of WGS 84.
type crsArea struct {
	Name                     string
	West, South, East, North float64
}

func (a crsArea) String() string {
	return fmt.Sprintf("%s: %.2f–%.2f E, %.2f–%.2f N", a.Name, a.West, a.East, a.South, a.North)
}

// vietnamArea is Vietnam's extent (EPSG area 1252, 102.14–112.55 E,
// 5.67–23.4 N) reaching east to the Spratly Islands.
var vietnamArea = crsArea{Name: "Vietnam, onshore and offshore", West: 102.14, South: 5.67, East: 117.83, North: 23.4}

// crsAreas are the areas of use of the CRSs that Vietnamese data comes in
// (EPSG extents); every other CRS is held to vietnamArea.
var crsAreas = map[int]crsArea{
	3405: {"VN-2000 / UTM zone 48N, Vietnam west of 108°E", 102.14, 8.33, 108.0, 23.4},
	3406: {"VN-2000 / UTM zone 49N, Vietnam east of 108°E", 108.0, 10.43, 109.53, 21.56},
	4756: {"VN-2000, Vietnam onshore", 102.14, 8.33, 109.53, 23.4},
	5896: {"VN-2000 / TM-3 zone 481, Vietnam west of 103°30'E", 102.14, 9.2, 103.51, 22.82},
	5897: {"VN-2000 / TM-3 zone 482, Vietnam 103.5°E to 106.5°E", 103.5, 8.33, 106.51, 23.4},
	5898: {"VN-2000 / TM-3 zone 491, Vietnam east of 106.5°E", 106.5, 8.57, 109.53, 22.95},
	5899: {"VN-2000 / TM-3 107-45", 106.43, 8.57, 108.76, 21.67},
	9205: {"VN-2000 / TM-3 103-00", 102.14, 20.89, 103.99, 22.82},
	9206: {"VN-2000 / TM-3 104-00", 103.21, 20.57, 105.03, 22.04},
	9207: {"VN-2000 / TM-3 104-30", 103.4, 8.33, 105.54, 10.55},
	9208: {"VN-2000 / TM-3 104-45", 103.53, 10.18, 105.86, 22.85},
	9209: {"VN-2000 / TM-3 105-30", 104.33, 9.19, 106.69, 23.4},
	9210: {"VN-2000 / TM-3 105-45", 105.26, 9.75, 107.8, 23.12},
	9211: {"VN-2000 / TM-3 106-00", 104.83, 16.92, 107.03, 22.7},
	9212: {"VN-2000 / TM-3 106-15", 106.41, 11.3, 107.43, 17.22},
	9213: {"VN-2000 / TM-3 106-30", 105.43, 21.32, 106.25, 22.75},
	9214: {"VN-2000 / TM-3 107-00", 105.88, 15.99, 108.24, 21.63},
	9215: {"VN-2000 / TM-3 107-15", 106.09, 21.32, 107.37, 22.47},
	9216: {"VN-2000 / TM-3 107-30", 107.33, 13.92, 108.55, 15.42},
	9217: {"VN-2000 / TM-3 108-15", 108.55, 11.25, 109.53, 14.71},
	9218: {"VN-2000 / TM-3 108-30", 107.2, 10.43, 109.52, 14.61},
	// WGS 84 / UTM zones 48N and 49N, where they cover Vietnam.
	32648: {"WGS 84 / UTM zone 48N in Vietnam", 102.0, 5.67, 108.0, 23.4},
	32649: {"WGS 84 / UTM zone 49N in Vietnam", 108.0, 5.67, 114.0, 23.4},
}

// areaOf returns the area a feature in srid must land in, before the
// margin.
func areaOf(srid int) crsArea {
	if a, ok := crsAreas[srid]; ok {
		return a
	}
	return vietnamArea
}

// envelope returns the area widened by the margin, as the bound
// parameters of the import SQL.
func (a crsArea) envelope() [4]float64 {
	return [4]float64{a.West - areaMarginDeg, a.South - areaMarginDeg, a.East + areaMarginDeg, a.North + areaMarginDeg}
}
