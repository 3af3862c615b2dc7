package data

import (
	"fmt"
	"math"
	"strconv"

	"github.com/paulmach/orb"
)

// This file checks one geometry decoded by orb/geojson (RFC 7946 §3.1),
// so that PostGIS only ever sees geometries it can parse: closed rings of
// at least four positions, lines of at least two, no empty geometry,
// finite coordinates within ±maxAbsCoordinate, GeometryCollections nested
// at most maxCollectionDepth deep. What orb cannot show once it has
// decoded (a position of one number becomes (x, 0), of four or none is
// cut or padded, a null one becomes (0, 0), an altitude is dropped)
// featureChecker has checked in the JSON before orb sees it.

// maxAbsCoordinate bounds every coordinate: no CRS has positions beyond
// 10^8 (the Earth is 4×10^7 m round), and PROJ fails on such numbers.
const maxAbsCoordinate = 1e8

// geomError is a fault of a geometry: where it lies (a JSON pointer below
// the feature's geometry member, "" for the geometry itself) and why.
type geomError struct {
	at  string
	msg string
}

func (e *geomError) Error() string { return e.msg }

func gerr(at, format string, args ...any) *geomError {
	return &geomError{at: at, msg: fmt.Sprintf(format, args...)}
}

// validateGeometry checks g, decoded from the geometry object at the JSON
// pointer at (below the feature's geometry, "" for the geometry itself).
// The error is a *geomError naming the member at fault. Pointers are built
// only for a fault, so a valid geometry costs no allocation.
func validateGeometry(g orb.Geometry, at string) error {
	if err := validateGeom(g, 0); err != nil {
		err.at = at + err.at
		return err
	}
	return nil
}

// validateGeom checks g, inside depth GeometryCollections; the pointer of
// the error is relative to g.
func validateGeom(g orb.Geometry, depth int) *geomError {
	switch g := g.(type) {
	case orb.Point:
		if k, bad := badCoordinate(g); bad {
			return coordErr(g, k, "/coordinates", -1)
		}
	case orb.MultiPoint:
		if len(g) == 0 {
			return gerr("/coordinates", "the geometry is empty: the MultiPoint has no points")
		}
		if i, k, bad := badPoints(g); bad {
			return coordErr(g[i], k, "/coordinates", i)
		}
	case orb.LineString:
		return checkLine(g, -1)
	case orb.MultiLineString:
		if len(g) == 0 {
			return gerr("/coordinates", "the geometry is empty: the MultiLineString has no lines")
		}
		for i, l := range g {
			if err := checkLine(l, i); err != nil {
				return err
			}
		}
	case orb.Polygon:
		return checkPolygon(g, -1)
	case orb.MultiPolygon:
		if len(g) == 0 {
			return gerr("/coordinates", "the geometry is empty: the MultiPolygon has no polygons")
		}
		for i, p := range g {
			if err := checkPolygon(p, i); err != nil {
				return err
			}
		}
	case orb.Collection:
		if depth >= maxCollectionDepth {
			return gerr("", "GeometryCollections are nested more than %d deep", maxCollectionDepth)
		}
		if len(g) == 0 {
			return gerr("/geometries", "the geometry is empty: the GeometryCollection has no members")
		}
		for i, m := range g {
			if err := validateGeom(m, depth+1); err != nil {
				err.at = "/geometries/" + strconv.Itoa(i) + err.at
				return err
			}
		}
	case nil:
		return gerr("", "the geometry is not a GeoJSON geometry object")
	default: // orb.Ring, orb.Bound: not GeoJSON types, not made by orb/geojson
		return gerr("", "a %T is not a GeoJSON geometry", g)
	}
	return nil
}

// checkLine checks line member of a MultiLineString (-1: the LineString
// itself): at least 2 points, each finite.
func checkLine(l orb.LineString, member int) *geomError {
	if len(l) < 2 {
		what := "the LineString"
		if member >= 0 {
			what = fmt.Sprintf("line %d of the MultiLineString", member)
		}
		return gerr(pointer("/coordinates", member), "%s has %d point(s); a line needs at least 2", what, len(l))
	}
	if i, k, bad := badPoints(l); bad {
		return coordErr(l[i], k, pointer("/coordinates", member), i)
	}
	return nil
}

// checkPolygon checks polygon member of a MultiPolygon (-1: the Polygon
// itself): at least one ring, each closed, of at least 4 finite points.
func checkPolygon(p orb.Polygon, member int) *geomError {
	what := func() string {
		if member < 0 {
			return "the polygon"
		}
		return fmt.Sprintf("polygon %d of the MultiPolygon", member)
	}
	if len(p) == 0 {
		return gerr(pointer("/coordinates", member), "the geometry is empty: %s has no rings", what())
	}
	for r, ring := range p {
		name := func() string {
			if r == 0 {
				return "the shell"
			}
			return "hole " + strconv.Itoa(r)
		}
		switch n := len(ring); {
		case n < 4:
			return gerr(pointer(pointer("/coordinates", member), r),
				"%s of %s has %d point(s); a ring needs at least 4 (3 corners and the first again)", name(), what(), n)
		case ring[0] != ring[n-1]:
			return gerr(pointer(pointer("/coordinates", member), r),
				"%s of %s is not closed: its last point (%v %v) is not its first (%v %v)", name(), what(),
				ring[n-1][0], ring[n-1][1], ring[0][0], ring[0][1])
		}
		if i, k, bad := badPoints(ring); bad {
			return coordErr(ring[i], k, pointer(pointer("/coordinates", member), r), i)
		}
	}
	return nil
}

// badCoordinate reports whether a coordinate of p is not finite or beyond
// ±maxAbsCoordinate, and which (0 for x, 1 for y).
func badCoordinate(p orb.Point) (k int, bad bool) {
	for k, v := range p {
		// Written so that NaN, for which every comparison is false, is bad.
		if !(math.Abs(v) <= maxAbsCoordinate) {
			return k, true
		}
	}
	return 0, false
}

// badPoints returns the first point of ps with a bad coordinate.
func badPoints(ps []orb.Point) (i, k int, bad bool) {
	for i, p := range ps {
		if k, bad := badCoordinate(p); bad {
			return i, k, true
		}
	}
	return 0, 0, false
}

// coordErr is the fault of coordinate k of p, the point i of the array at
// at (-1: p is the position at at).
func coordErr(p orb.Point, k int, at string, i int) *geomError {
	at = pointer(pointer(at, i), k)
	v := strconv.FormatFloat(p[k], 'g', -1, 64)
	if math.IsNaN(p[k]) || math.IsInf(p[k], 0) {
		return gerr(at, "the coordinate %s is not a finite number", v)
	}
	return gerr(at, "the coordinate %s is beyond ±10^8: not a position in any CRS", v)
}

// pointer appends index i to the JSON pointer at, unless i is -1.
func pointer(at string, i int) string {
	if i < 0 {
		return at
	}
	return at + "/" + strconv.Itoa(i)
}
