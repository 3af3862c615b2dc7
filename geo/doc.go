// Package geo is the pure geometry, raster and radio-maths layer of btsplan.
//
// It holds orb helpers (geodesic distance and destination on the sphere),
// Grid (a row-major float32 raster with a geotransform), line of sight and
// Fresnel clearance. Subpackages hold the heavier models: geo/itm is the
// Irregular Terrain Model, geo/coverage the per-site coverage engine.
//
// geo is deterministic and does no I/O, no logging and keeps no globals.
// It may import only the standard library and github.com/paulmach/orb;
// it must never import gin, pgx, net/http or any btsplan package.
// An orb.Point is always [lon, lat] in EPSG:4326 degrees.
package geo
