// Package data implements planning's store interfaces with pgx and PostGIS.
// It owns the SQL (one embedded file per query under sql/), the forward-only
// migrations under migrations/, the connection pool and the layer import.
//
// No pgx or go-geom type leaves this package: geometries cross its boundary
// as orb types (see geom.go). Driver errors are translated once into
// planning error kinds (see errors.go).
//
// data may import planning and geo; it must never import api or gin.
package data
