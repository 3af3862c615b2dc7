// Package itm implements the point-to-point mode of the Irregular Terrain
// Model (ITM, Longley-Rice) version 1.2.2, with time, location and
// situation variability, for btsplan's terrain-aware coverage checks.
//
// The model follows G. A. Hufford, "The ITS Irregular Terrain Model,
// version 1.2.2: The Algorithm" (NTIA/ITS), and the numerical conventions,
// input limits, return codes and warning flags documented by NTIA's
// Institute for Telecommunication Sciences for its reference
// implementation (github.com/NTIA/itm, README.md and
// ERRORS_AND_WARNINGS.md). The Longley-Rice model and its algorithm
// document are the work of NTIA/ITS; this package is an independent Go
// implementation written from those equations and checked against
// reference vectors produced by the NTIA implementation.
//
// # Use
//
// [P2P] evaluates one path. Hot loops (the coverage engine) keep one
// [Workspace] per goroutine and call [Workspace.P2P], which does not
// allocate. A Workspace must not be used by two goroutines at once;
// everything else in the package is read-only and safe to share.
//
// Terrain profiles use the ITM "pfl" layout: [n, stepM, e0, ..., en], with
// n the number of intervals, stepM the spacing in metres and e the ground
// elevations in metres above sea level, transmitter first.
//
// ITM's propagation mode (line of sight, diffraction, troposcatter) is the
// region of the reference-attenuation curve the path length falls in, not
// a terrain line-of-sight test; geo's LineOfSight and Fresnel clearance
// answer that question.
//
// # Imports
//
// itm is pure and deterministic: no I/O, no logging, no mutable globals.
// It may import only the standard library; it must never import orb,
// gin, pgx, net/http or any btsplan package (deps_test.go enforces this).
package itm
