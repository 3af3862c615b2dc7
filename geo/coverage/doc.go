// Package coverage computes the terrain-aware coverage of one base-station
// site: the received level at every cell of a raster around it, from the
// Irregular Terrain Model (geo/itm) on a terrain profile to each cell and
// the sector antennas' patterns, and the area covered at a threshold as
// (multi)polygons in EPSG:4326 with its area in km².
//
// # Method
//
// [Compute] casts rays from the transmitter at evenly spaced bearings, as
// many as there are cells on the perimeter of the coverage disc, samples
// the terrain once along each ray at the DEM's step, and gives every cell
// to the ray whose bearing is nearest its own. A cell's ITM profile is the
// prefix of its ray up to the cell's distance (see ray.go for exactly how
// it differs from a profile drawn straight to the cell centre, and
// TestRayPrefixMatchesDirectProfiles for the difference measured in dB on
// real terrain). ITM runs once per cell, exactly, with no interpolation
// between cells. Rays are shared among a fixed number of workers, each with
// its own itm.Workspace and buffers, so that the per-cell loop allocates
// nothing.
//
// The level is
//
//	level = max over sectors (EIRP_s + A_s(φ, θ)) - L_ITM - C_metric
//
// where A_s ≤ 0 is the sector's pattern relative to boresight toward the
// cell (azimuth φ from the bearing, elevation θ from the antenna and
// receiver heights over a 4/3 earth, mechanical tilt applied by rotating
// the direction into the antenna's frame) and C_metric converts the total
// EIRP into the threshold's metric (for RSRP, the share of one resource
// element: 10·log10(12·N_RB)). See Metric.
//
// # Imports
//
// coverage is pure and deterministic like geo: no I/O except reading a
// pattern file from an io.Reader, no logging, no globals that change. It
// may import only the standard library, github.com/paulmach/orb,
// btsplan/geo and btsplan/geo/itm; never gin, pgx, net/http or
// btsplan/data (deps_test.go enforces this). Errors about the inputs are
// *InputError values, which name the offending field; api/ and cmd/ map
// them to planning.Invalid.
package coverage
