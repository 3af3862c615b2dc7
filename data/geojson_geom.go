package data

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/paulmach/orb"
)

// This file decodes one GeoJSON geometry (RFC 7946 §3.1) into orb and
// checks its structure in Go, so that PostGIS only ever sees geometries it
// can parse: closed rings of at least four positions, lines of at least
// two, positions of two or three finite numbers, GeometryCollections
// nested at most maxCollectionDepth deep. orb/geojson would accept a
// one-number position as (x, 0) and pass an unclosed ring on to PostGIS,
// whose refusal is an internal error.

// maxAbsCoordinate bounds every coordinate: no CRS has positions beyond
// 10^8 (the Earth is 4×10^7 m round), and PROJ fails on such numbers.
const maxAbsCoordinate = 1e8

// geomError is a structural fault of a geometry: where it lies (a JSON
// pointer below the geometry) and why.
type geomError struct {
	at  string
	msg string
}

func (e *geomError) Error() string { return e.msg }

func gerr(at, format string, args ...any) *geomError {
	return &geomError{at: at, msg: fmt.Sprintf(format, args...)}
}

// geomJSON is a geometry object with its members undecoded.
type geomJSON struct {
	Type        json.RawMessage `json:"type"`
	Coordinates json.RawMessage `json:"coordinates"`
	Geometries  json.RawMessage `json:"geometries"`
}

// decodeGeometry decodes the geometry object raw (valid JSON, its nesting
// already bounded by checkFeatureJSON). at is the pointer of raw below the
// feature's geometry ("" for the geometry itself); depth counts the
// GeometryCollections around it.
func decodeGeometry(raw []byte, at string, depth int) (orb.Geometry, error) {
	if first(raw) != '{' {
		return nil, gerr(at, "the geometry is not a GeoJSON geometry object")
	}
	var gj geomJSON
	if err := json.Unmarshal(raw, &gj); err != nil {
		return nil, gerr(at, "the geometry is not a GeoJSON geometry object")
	}
	var typ string
	if first(gj.Type) != '"' || json.Unmarshal(gj.Type, &typ) != nil {
		return nil, gerr(at+"/type", "the geometry has no type")
	}
	if typ == "GeometryCollection" {
		if depth >= maxCollectionDepth {
			return nil, gerr(at, "GeometryCollections are nested more than %d deep", maxCollectionDepth)
		}
		var members []json.RawMessage
		if first(gj.Geometries) != '[' || json.Unmarshal(gj.Geometries, &members) != nil {
			return nil, gerr(at+"/geometries", "a GeometryCollection needs a geometries array")
		}
		if len(members) == 0 {
			return nil, gerr(at+"/geometries", "the geometry is empty: the GeometryCollection has no members")
		}
		c := make(orb.Collection, 0, len(members))
		for i, m := range members {
			g, err := decodeGeometry(m, at+"/geometries/"+strconv.Itoa(i), depth+1)
			if err != nil {
				return nil, err
			}
			c = append(c, g)
		}
		return c, nil
	}
	switch typ {
	case "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon":
	default:
		return nil, gerr(at+"/type", "unknown geometry type %q (want Point, MultiPoint, LineString, MultiLineString, Polygon, MultiPolygon or GeometryCollection)", shorten(typ))
	}
	if len(gj.Coordinates) == 0 || string(gj.Coordinates) == "null" {
		return nil, gerr(at+"/coordinates", "the %s has no coordinates", typ)
	}
	cp := coordParser{b: gj.Coordinates, base: at + "/coordinates"}
	switch typ {
	case "Point":
		p, err := cp.position()
		return p, err
	case "MultiPoint":
		ps, err := cp.positions()
		if err != nil {
			return nil, err
		}
		if len(ps) == 0 {
			return nil, gerr(cp.base, "the geometry is empty: the MultiPoint has no points")
		}
		return orb.MultiPoint(ps), nil
	case "LineString":
		ps, err := cp.positions()
		if err != nil {
			return nil, err
		}
		if err := checkLine(cp.base, "the LineString", ps); err != nil {
			return nil, err
		}
		return orb.LineString(ps), nil
	case "MultiLineString":
		var ml orb.MultiLineString
		err := cp.list(func(i int) error {
			ps, err := cp.positions()
			if err == nil {
				err = checkLine(cp.at(0), fmt.Sprintf("line %d of the MultiLineString", i), ps)
			}
			ml = append(ml, ps)
			return err
		})
		if err != nil {
			return nil, err
		}
		if len(ml) == 0 {
			return nil, gerr(cp.base, "the geometry is empty: the MultiLineString has no lines")
		}
		return ml, nil
	case "Polygon":
		p, err := cp.polygon(-1)
		if err != nil {
			return nil, err
		}
		return p, nil
	default: // MultiPolygon
		var mp orb.MultiPolygon
		err := cp.list(func(i int) error {
			p, err := cp.polygon(i)
			mp = append(mp, p)
			return err
		})
		if err != nil {
			return nil, err
		}
		if len(mp) == 0 {
			return nil, gerr(cp.base, "the geometry is empty: the MultiPolygon has no polygons")
		}
		return mp, nil
	}
}

func checkLine(at, what string, ps []orb.Point) error {
	if len(ps) < 2 {
		return gerr(at, "%s has %d point(s); a line needs at least 2", what, len(ps))
	}
	return nil
}

// first returns the first byte of b that is not white space, 0 if none.
func first(b []byte) byte {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		}
		return c
	}
	return 0
}

// coordParser reads the coordinates member: nested arrays of numbers. It
// keeps the indexes of the arrays it is in, to build the JSON pointer of a
// fault only when there is one.
type coordParser struct {
	b    []byte
	p    int
	base string // the pointer of the coordinates member
	idx  []int  // the index in each enclosing array
}

// at returns the pointer of the current element, up to depth levels up.
func (c *coordParser) at(up int) string {
	s := c.base
	for _, i := range c.idx[:len(c.idx)-up] {
		s += "/" + strconv.Itoa(i)
	}
	return s
}

func (c *coordParser) ws() {
	for c.p < len(c.b) && (c.b[c.p] == ' ' || c.b[c.p] == '\t' || c.b[c.p] == '\r' || c.b[c.p] == '\n') {
		c.p++
	}
}

// list reads an array, calling elem for each element (elem reads it).
func (c *coordParser) list(elem func(i int) error) error {
	c.ws()
	if c.p >= len(c.b) || c.b[c.p] != '[' {
		return gerr(c.at(0), "%s where an array of coordinates was expected", c.what())
	}
	c.p++
	c.idx = append(c.idx, 0)
	for i := 0; ; i++ {
		c.idx[len(c.idx)-1] = i
		c.ws()
		if c.p < len(c.b) && c.b[c.p] == ']' {
			c.p++
			c.idx = c.idx[:len(c.idx)-1]
			return nil
		}
		if i > 0 {
			if c.p >= len(c.b) || c.b[c.p] != ',' {
				return gerr(c.at(1), "malformed array of coordinates")
			}
			c.p++
		}
		if err := elem(i); err != nil {
			return err
		}
	}
}

// what names the JSON value at c.p, for messages.
func (c *coordParser) what() string {
	c.ws()
	if c.p >= len(c.b) {
		return "nothing"
	}
	switch c.b[c.p] {
	case '"':
		return "a string"
	case 'n':
		return "null"
	case 't', 'f':
		return "a boolean"
	case '{':
		return "an object"
	case '[':
		return "an array"
	}
	return "a number"
}

// position reads [x, y] or [x, y, z] (z is dropped).
func (c *coordParser) position() (orb.Point, error) {
	var p orb.Point
	n := 0
	err := c.list(func(i int) error {
		c.ws()
		if c.p >= len(c.b) || c.b[c.p] != '-' && (c.b[c.p] < '0' || c.b[c.p] > '9') {
			return gerr(c.at(0), "a coordinate is %s, not a number", c.what())
		}
		start := c.p
		for c.p < len(c.b) && isNumberByte(c.b[c.p]) {
			c.p++
		}
		v, err := strconv.ParseFloat(string(c.b[start:c.p]), 64)
		switch {
		case err != nil || math.IsInf(v, 0) || math.IsNaN(v):
			return gerr(c.at(0), "the coordinate %s is out of range", shorten(string(c.b[start:c.p])))
		case math.Abs(v) > maxAbsCoordinate:
			return gerr(c.at(0), "the coordinate %s is beyond ±10^8: not a position in any CRS", shorten(string(c.b[start:c.p])))
		}
		if i < 2 {
			p[i] = v
		}
		n++
		return nil
	})
	if err != nil {
		return p, err
	}
	if n < 2 || n > 3 {
		return p, gerr(c.at(0), "a position has %d number(s); want 2 (x, y) or 3 (x, y, z)", n)
	}
	return p, nil
}

// positions reads an array of positions.
func (c *coordParser) positions() ([]orb.Point, error) {
	var ps []orb.Point
	err := c.list(func(int) error {
		p, err := c.position()
		ps = append(ps, p)
		return err
	})
	return ps, err
}

// polygon reads an array of rings and checks each: at least 4 positions,
// the last equal to the first. member is its index in a MultiPolygon, -1
// for a Polygon.
func (c *coordParser) polygon(member int) (orb.Polygon, error) {
	var poly orb.Polygon
	what := func() string {
		if member < 0 {
			return "the polygon"
		}
		return fmt.Sprintf("polygon %d of the MultiPolygon", member)
	}
	err := c.list(func(i int) error {
		ps, err := c.positions()
		if err != nil {
			return err
		}
		ring := "the shell"
		if i > 0 {
			ring = "hole " + strconv.Itoa(i)
		}
		switch {
		case len(ps) < 4:
			return gerr(c.at(0), "%s of %s has %d point(s); a ring needs at least 4 (3 corners and the first again)", ring, what(), len(ps))
		case ps[0] != ps[len(ps)-1]:
			return gerr(c.at(0), "%s of %s is not closed: its last point (%v %v) is not its first (%v %v)", ring, what(),
				ps[len(ps)-1][0], ps[len(ps)-1][1], ps[0][0], ps[0][1])
		}
		poly = append(poly, orb.Ring(ps))
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(poly) == 0 {
		return nil, gerr(c.at(0), "the geometry is empty: %s has no rings", what())
	}
	return poly, nil
}
