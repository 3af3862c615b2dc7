// Package synth generates a deterministic synthetic mountainous district in
// northern Vietnam for the demo, the tests and the benchmarks of btsplan.
//
// The district, "Huyện Núi Mẫu (SYNTHETIC / DỮ LIỆU GIẢ LẬP)", is fictional
// and labelled synthetic everywhere: every feature has synthetic=true and a
// name ending in "(giả lập)", every layer's source names this generator and
// the seed, and the admin codes start with "SYN". It holds a DEM (a main
// ridge with a national park on its crest, a main valley and side valleys),
// the zoning layers of every kind the default rules know except airports,
// the admin units (province, district, communes) and about twenty site
// proposals of three carriers placed so that the rules give every verdict.
// Config.ExtraZones adds any number of small land-use polygons for
// benchmarks.
//
// Geometry is laid out in metres on a local equirectangular frame centred
// on Config.Centre and written out as [lon, lat] in EPSG:4326, rounded to
// 1e-7 degrees. Polygons are valid RFC 7946 polygons: closed, exterior
// rings counter-clockwise, holes clockwise, no self-intersections.
//
// synth is pure: no I/O, no globals, no logging, and the same Config always
// gives byte-identical output. It produces geometry, rasters and plain
// records (records.go); it may import only the standard library,
// github.com/paulmach/orb (and orb/geojson) and btsplan/geo. geo is the
// ground floor: synth never imports planning (planning/demo turns its
// records into the domain's), gin, pgx, net/http or btsplan/data
// (geo's TestGeoImports).
package synth
