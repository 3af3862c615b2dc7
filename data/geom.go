package data

import (
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/twpayne/go-geom"
	"github.com/twpayne/go-geom/encoding/ewkb"

	"btsplan/geo"
)

// This file is the only place where geometries change representation:
// orb outside data/, go-geom's EWKB on the wire into PostGIS, and WKB from
// ST_AsBinary back into orb.

// ewkbOf encodes g as little-endian EWKB with SRID 4326, ready to bind as
// $n in ST_GeomFromEWKB($n). A nil geometry encodes as nil (SQL NULL).
func ewkbOf(g orb.Geometry) ([]byte, error) {
	if g == nil {
		return nil, nil
	}
	gg, err := toGoGeom(g)
	if err != nil {
		return nil, err
	}
	if err := setSRID(gg, geo.SRIDWGS84); err != nil {
		return nil, err
	}
	return ewkb.Marshal(gg, ewkb.NDR)
}

// wkbOf encodes g as little-endian WKB without an SRID, for the COPY of an
// import, where the SRID of the source is bound separately as
// ST_GeomFromWKB($wkb, $srid).
func wkbOf(g orb.Geometry) ([]byte, error) {
	b, err := wkb.Marshal(g)
	if err != nil {
		return nil, fmt.Errorf("encode wkb: %w", err)
	}
	return b, nil
}

// orbOf decodes WKB (as written by ST_AsBinary) into an orb geometry.
func orbOf(b []byte) (orb.Geometry, error) {
	if b == nil {
		return nil, nil
	}
	g, err := wkb.Unmarshal(b)
	if err != nil {
		return nil, fmt.Errorf("decode wkb: %w", err)
	}
	return g, nil
}

func setSRID(g geom.T, srid int) error {
	switch t := g.(type) {
	case *geom.Point:
		t.SetSRID(srid)
	case *geom.LineString:
		t.SetSRID(srid)
	case *geom.Polygon:
		t.SetSRID(srid)
	case *geom.MultiPoint:
		t.SetSRID(srid)
	case *geom.MultiLineString:
		t.SetSRID(srid)
	case *geom.MultiPolygon:
		t.SetSRID(srid)
	case *geom.GeometryCollection:
		t.SetSRID(srid)
	default:
		return fmt.Errorf("set srid: unsupported geometry %T", g)
	}
	return nil
}

func coords(ps []orb.Point) []geom.Coord {
	out := make([]geom.Coord, len(ps))
	for i, p := range ps {
		out[i] = geom.Coord{p[0], p[1]}
	}
	return out
}

func rings(p orb.Polygon) [][]geom.Coord {
	out := make([][]geom.Coord, len(p))
	for i, r := range p {
		out[i] = coords(r)
	}
	return out
}

// toGoGeom converts an orb geometry to go-geom (2D, XY).
func toGoGeom(g orb.Geometry) (geom.T, error) {
	switch t := g.(type) {
	case orb.Point:
		return geom.NewPointFlat(geom.XY, []float64{t[0], t[1]}), nil
	case orb.MultiPoint:
		return geom.NewMultiPoint(geom.XY).SetCoords(coords(t))
	case orb.LineString:
		return geom.NewLineString(geom.XY).SetCoords(coords(t))
	case orb.MultiLineString:
		cs := make([][]geom.Coord, len(t))
		for i, l := range t {
			cs[i] = coords(l)
		}
		return geom.NewMultiLineString(geom.XY).SetCoords(cs)
	case orb.Ring:
		return geom.NewPolygon(geom.XY).SetCoords([][]geom.Coord{coords(t)})
	case orb.Polygon:
		return geom.NewPolygon(geom.XY).SetCoords(rings(t))
	case orb.MultiPolygon:
		cs := make([][][]geom.Coord, len(t))
		for i, p := range t {
			cs[i] = rings(p)
		}
		return geom.NewMultiPolygon(geom.XY).SetCoords(cs)
	case orb.Collection:
		gc := geom.NewGeometryCollection()
		for _, m := range t {
			mg, err := toGoGeom(m)
			if err != nil {
				return nil, err
			}
			if err := gc.Push(mg); err != nil {
				return nil, err
			}
		}
		return gc, nil
	case orb.Bound:
		return toGoGeom(t.ToPolygon())
	}
	return nil, fmt.Errorf("convert geometry: unsupported type %T", g)
}
