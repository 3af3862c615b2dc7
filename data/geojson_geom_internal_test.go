package data

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// TestValidateGeometry checks orb geometries as orb/geojson decodes them,
// including what no JSON can hold (NaN, infinities) and what the pre-scan
// refuses first (coordinates beyond 10^8, deep collections): the
// validator is the whole statement of what PostGIS is given.
func TestValidateGeometry(t *testing.T) {
	sq := orb.Ring{{0, 0}, {1, 0}, {1, 1}, {0, 0}}
	pt := orb.Point{105.6, 21.4}
	nest := func(depth int) orb.Geometry {
		var g orb.Geometry = pt
		for range depth {
			g = orb.Collection{g}
		}
		return g
	}
	tests := []struct {
		name    string
		g       orb.Geometry
		wantAt  string
		wantMsg string // "" when g is valid
	}{
		{"point", pt, "", ""},
		{"polygon with a hole", orb.Polygon{{{0, 0}, {4, 0}, {4, 4}, {0, 0}}, sq}, "", ""},
		{"collection 3 deep", nest(3), "", ""},
		{"NaN", orb.Point{math.NaN(), 1}, "/coordinates/0", "the coordinate NaN is not a finite number"},
		{"infinity in a ring", orb.Polygon{sq, {{0, 0}, {1, math.Inf(1)}, {1, 1}, {0, 0}}}, "/coordinates/1/1/1", "the coordinate +Inf is not a finite number"},
		{"beyond 10^8 in a MultiPoint", orb.MultiPoint{pt, {2e8, 0}}, "/coordinates/1/0", "the coordinate 2e+08 is beyond ±10^8"},
		{"beyond 10^8 in a MultiLineString", orb.MultiLineString{{pt, pt}, {pt, {0, -1e9}}}, "/coordinates/1/1/1", "the coordinate -1e+09 is beyond ±10^8"},
		{"beyond 10^8 in a MultiPolygon", orb.MultiPolygon{{sq}, {{{0, 0}, {1e8 + 1, 0}, {1, 1}, {0, 0}}}}, "/coordinates/1/0/1/0", "beyond ±10^8"},
		{"one-point line", orb.LineString{pt}, "/coordinates", "the LineString has 1 point(s); a line needs at least 2"},
		{"empty line in a MultiLineString", orb.MultiLineString{{pt, pt}, {}}, "/coordinates/1", "line 1 of the MultiLineString has 0 point(s)"},
		{"unclosed hole", orb.Polygon{sq, {{0, 0}, {1, 0}, {1, 1}, {0, 1}}}, "/coordinates/1", "hole 1 of the polygon is not closed: its last point (0 1) is not its first (0 0)"},
		{"three-point shell in a MultiPolygon", orb.MultiPolygon{{sq}, {{{0, 0}, {1, 0}, {0, 0}}}}, "/coordinates/1/0", "the shell of polygon 1 of the MultiPolygon has 3 point(s)"},
		{"empty MultiPoint", orb.MultiPoint{}, "/coordinates", "the geometry is empty: the MultiPoint has no points"},
		{"empty MultiLineString", orb.MultiLineString{}, "/coordinates", "the MultiLineString has no lines"},
		{"empty MultiPolygon", orb.MultiPolygon{}, "/coordinates", "the MultiPolygon has no polygons"},
		{"empty collection in a collection", orb.Collection{pt, orb.Collection{}}, "/geometries/1/geometries", "the GeometryCollection has no members"},
		{"collection 4 deep", nest(4), "/geometries/0/geometries/0/geometries/0", "GeometryCollections are nested more than 3 deep"},
		{"unclosed ring in a collection", orb.Collection{pt, orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 1}}}}, "/geometries/1/coordinates/0", "the shell of the polygon is not closed"},
		{"nil", nil, "", "not a GeoJSON geometry object"},
		{"a Ring, not GeoJSON", sq, "", "not a GeoJSON geometry"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := validateGeometry(tc.g, "")
			if tc.wantMsg == "" {
				if err != nil {
					t.Fatalf("validateGeometry = %v, want nil", err)
				}
				return
			}
			var ge *geomError
			if !errors.As(err, &ge) {
				t.Fatalf("validateGeometry = %v, want a *geomError", err)
			}
			if ge.at != tc.wantAt || !strings.Contains(ge.msg, tc.wantMsg) {
				t.Errorf("validateGeometry = %q at %q, want %q at %q", ge.msg, ge.at, tc.wantMsg, tc.wantAt)
			}
		})
	}
}

// TestValidateGeometryAllocs: a valid geometry is checked without
// building a pointer.
func TestValidateGeometryAllocs(t *testing.T) {
	var g orb.Geometry = orb.Collection{orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}}, orb.MultiLineString{{{0, 0}, {1, 1}}}}
	if n := testing.AllocsPerRun(100, func() {
		if err := validateGeometry(g, ""); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("validateGeometry of a valid geometry: %v allocations, want 0", n)
	}
}
