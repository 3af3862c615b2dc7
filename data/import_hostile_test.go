package data_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"btsplan/data"
	"btsplan/planning"
)

// The hostile-client audit of issue 7 for layer and admin-unit imports:
// every file below once gave a 500 (PostGIS XX000, jsonb refusing
// \u0000), was stored wrong (lon/lat read as VN-2000 metres, a hole outside
// its shell filled in), cost quadratic time (deep nesting) or answered with
// internal text. Each must now be refused as Invalid, naming the feature
// and the reason in plain words, with nothing stored.

// internalText are fragments that must never reach a caller.
var internalText = []string{"SQLSTATE", "Go struct", "Go value", "pgx", "rawFeature", "geomJSON", "json: ", "XX000", "ST_", "GEOS", "unmarshal"}

// wantPlain fails when err's message holds internal text.
func wantPlain(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	for _, s := range internalText {
		if strings.Contains(err.Error(), s) {
			t.Errorf("error %q holds internal text %q", err, s)
		}
	}
}

// ring returns a GeoJSON Polygon of the given ring coordinates.
func polygon(rings ...string) string {
	return `{"type": "Polygon", "coordinates": [` + strings.Join(rings, ", ") + `]}`
}

// nested returns depth levels of GeometryCollection around a point.
func nestedCollection(depth int) string {
	g := `{"type": "Point", "coordinates": [105.6, 21.4]}`
	for range depth {
		g = `{"type": "GeometryCollection", "geometries": [` + g + `]}`
	}
	return g
}

func TestImportLayerRefusesHostileInput(t *testing.T) {
	s := newStores(t)
	ctx := context.Background()
	// One layer is there before: a refused import must leave it alone.
	importString(t, s, planning.KindLandUse, "keep", "RDD", fc(feat(`{}`, square(105.7, 21.5, 0.01))))
	ok := feat(`{"name": "a"}`, square(105.6, 21.4, 0.01))
	named := func(geometry string) string {
		return `{"type": "Feature", "id": 7, "properties": {"name": "Khu B"}, "geometry": ` + geometry + `}`
	}
	big := func(points int) string {
		var b strings.Builder
		b.WriteString(`{"type": "LineString", "coordinates": [`)
		for i := range points {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "[105.%06d,21.4]", i%1000000)
		}
		b.WriteString("]}")
		return b.String()
	}
	withCRS := func(name string, features ...string) string {
		return `{"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "` + name + `"}}, "features": [` + strings.Join(features, ",") + `]}`
	}
	tests := []struct {
		name      string
		spec      planning.LayerSpec // Kind, Name, Category default to landuse, "bad", "RDD"
		body      string
		wantField string
		wantMsg   []string
	}{
		// Finding 1: rings and lines PostGIS cannot parse.
		{name: "unclosed ring", body: fc(ok, named(polygon(`[[105.6, 21.4], [105.61, 21.4], [105.61, 21.41], [105.6, 21.41]]`))),
			wantField: "/features/1/geometry/coordinates/0", wantMsg: []string{`feature 1 (id 7, "Khu B")`, "the shell of the polygon is not closed"}},
		{name: "two-point ring", body: fc(named(polygon(`[[105.6, 21.4], [105.61, 21.4]]`))),
			wantField: "/features/0/geometry/coordinates/0", wantMsg: []string{"feature 0 (id 7", "has 2 point(s); a ring needs at least 4"}},
		{name: "three-point closed ring", body: fc(ok, ok, feat(`{}`, polygon(`[[105.6, 21.4], [105.61, 21.4], [105.6, 21.4]]`))),
			wantField: "/features/2/geometry/coordinates/0", wantMsg: []string{"feature 2", "has 3 point(s)"}},
		{name: "unclosed hole", body: fc(feat(`{}`, polygon(`[[105.6, 21.4], [105.61, 21.4], [105.61, 21.41], [105.6, 21.4]]`,
			`[[105.605, 21.401], [105.606, 21.401], [105.606, 21.402], [105.605, 21.403]]`))),
			wantField: "/features/0/geometry/coordinates/1", wantMsg: []string{"hole 1 of the polygon is not closed"}},
		{name: "MultiPolygon with an unclosed ring", body: fc(feat(`{}`, `{"type": "MultiPolygon", "coordinates": [[[[105.6, 21.4], [105.61, 21.4], [105.61, 21.41], [105.6, 21.4]]],
			[[[105.7, 21.4], [105.71, 21.4], [105.71, 21.41], [105.7, 21.41]]]]}`)),
			wantField: "/features/0/geometry/coordinates/1/0", wantMsg: []string{"polygon 1 of the MultiPolygon is not closed"}},
		{name: "one-point LineString", body: fc(feat(`{}`, `{"type": "LineString", "coordinates": [[105.6, 21.4]]}`)),
			wantField: "/features/0/geometry/coordinates", wantMsg: []string{"the LineString has 1 point(s); a line needs at least 2"}},
		{name: "MultiLineString with a one-point line", body: fc(feat(`{}`, `{"type": "MultiLineString", "coordinates": [[[105.6, 21.4], [105.7, 21.4]], [[105.6, 21.4]]]}`)),
			wantField: "/features/0/geometry/coordinates/1", wantMsg: []string{"line 1 of the MultiLineString has 1 point(s)"}},
		{name: "unclosed ring in a GeometryCollection", body: fc(feat(`{}`, `{"type": "GeometryCollection", "geometries": [{"type": "Point", "coordinates": [105.6, 21.4]},
			`+polygon(`[[105.6, 21.4], [105.61, 21.4], [105.61, 21.41], [105.6, 21.41]]`)+`]}`)),
			wantField: "/features/0/geometry/geometries/1/coordinates/0", wantMsg: []string{"not closed"}},
		{name: "10-deep GeometryCollection", body: fc(feat(`{}`, nestedCollection(10))),
			wantField: "/features/0/geometry/geometries/0/geometries/0/geometries/0", wantMsg: []string{"GeometryCollections are nested more than 3 deep"}},
		{name: "empty GeometryCollection", body: fc(feat(`{}`, `{"type": "GeometryCollection", "geometries": []}`)),
			wantField: "/features/0/geometry/geometries", wantMsg: []string{"empty"}},
		{name: "a polygon of 10^6 points", body: fc(feat(`{}`, big(1_000_000))),
			wantField: "/features/0/geometry", wantMsg: []string{"feature 0", "more than 1000000 coordinate values", "split the feature"}},
		{name: "1e308 coordinates", body: fc(feat(`{}`, `{"type": "Point", "coordinates": [1e308, 1e308]}`)),
			wantField: "/features/0/geometry/coordinates/0", wantMsg: []string{"1e308 is beyond ±10^8"}},
		{name: "NaN written as a string", body: fc(feat(`{}`, `{"type": "Point", "coordinates": ["NaN", 21.4]}`)),
			wantField: "/features/0/geometry/coordinates/0", wantMsg: []string{"a coordinate is a string, not a number"}},
		{name: "a position of one number", body: fc(feat(`{}`, `{"type": "Point", "coordinates": [105.6]}`)),
			wantField: "/features/0/geometry/coordinates", wantMsg: []string{"a position has 1 number(s)"}},
		{name: "a null position", body: fc(feat(`{}`, `{"type": "LineString", "coordinates": [[105.6, 21.4], null]}`)),
			wantField: "/features/0/geometry/coordinates/1", wantMsg: []string{"null where an array of coordinates was expected"}},
		{name: "coordinates of the wrong depth", body: fc(feat(`{}`, `{"type": "Polygon", "coordinates": [[105.6, 21.4], [105.61, 21.4]]}`)),
			wantField: "/features/0/geometry/coordinates/0/0", wantMsg: []string{"a number where an array of coordinates was expected"}},
		{name: "geometry that is a string", body: fc(feat(`{}`, `"POINT(105.6 21.4)"`)),
			wantField: "/features/0/geometry", wantMsg: []string{"not a GeoJSON geometry object"}},
		{name: "geometry type a number", body: fc(feat(`{}`, `{"type": 5, "coordinates": [105.6, 21.4]}`)),
			wantField: "/features/0/geometry/type", wantMsg: []string{"the geometry has no type"}},
		{name: "feature type a number", body: fc(`{"type": 5, "properties": {}, "geometry": null}`),
			wantField: "/features/0/type", wantMsg: []string{"feature 0 has no type"}},
		{name: "feature an array", body: fc(`[1, 2]`), wantField: "/features/0", wantMsg: []string{"feature 0 is not a GeoJSON Feature object"}},
		{name: "collection type a number", body: `{"type": 5, "features": []}`, wantField: "/type", wantMsg: []string{"a JSON number where a string was expected"}},

		// Finding 3: repairs that would change what a feature covers.
		{name: "hole outside its shell", body: fc(ok, feat(`{"name": "Khu C"}`, polygon(`[[105.7, 21.4], [105.71, 21.4], [105.71, 21.41], [105.7, 21.41], [105.7, 21.4]]`,
			`[[105.72, 21.42], [105.73, 21.42], [105.73, 21.43], [105.72, 21.43], [105.72, 21.42]]`))),
			wantField: "/features/1/geometry", wantMsg: []string{"feature 1", "a hole of a polygon lies outside its shell at 105.72 21.42"}},
		{name: "nested shells", body: fc(feat(`{}`, `{"type": "MultiPolygon", "coordinates": [[[[105.6, 21.4], [105.62, 21.4], [105.62, 21.42], [105.6, 21.42], [105.6, 21.4]]],
			[[[105.605, 21.405], [105.61, 21.405], [105.61, 21.41], [105.605, 21.41], [105.605, 21.405]]]]}`)),
			wantField: "/features/0/geometry", wantMsg: []string{"a polygon of the MultiPolygon lies inside another one"}},
		{name: "nested holes", body: fc(feat(`{}`, polygon(`[[105.6, 21.4], [105.62, 21.4], [105.62, 21.42], [105.6, 21.42], [105.6, 21.4]]`,
			`[[105.602, 21.402], [105.618, 21.402], [105.618, 21.418], [105.602, 21.418], [105.602, 21.402]]`,
			`[[105.605, 21.405], [105.61, 21.405], [105.61, 21.41], [105.605, 21.41], [105.605, 21.405]]`))),
			wantField: "/features/0/geometry", wantMsg: []string{"a hole of a polygon lies inside another hole"}},
		{name: "a polygon collapsed to a line", body: fc(feat(`{}`, polygon(`[[105.6, 21.4], [105.61, 21.41], [105.62, 21.42], [105.6, 21.4]]`))),
			wantField: "/features/0/geometry", wantMsg: []string{"no area or length", "on a line"}},

		// Finding 2: coordinates in the wrong CRS.
		{name: "lon/lat with srid 3405", spec: planning.LayerSpec{SRID: 3405}, body: fc(ok),
			wantField: "/features/0/geometry", wantMsg: []string{"feature 0", "look like longitude and latitude", "EPSG:3405 (VN-2000 / UTM zone 48N), as the import's srid"}},
		{name: "lon/lat with a crs member of EPSG:3857", body: withCRS("EPSG:3857", ok),
			wantField: "/features/0/geometry", wantMsg: []string{"EPSG:3857", "the file's crs member"}},
		{name: "metres of UTM 48N far from Vietnam", spec: planning.LayerSpec{SRID: 3405}, body: fc(feat(`{}`, `{"type": "Point", "coordinates": [166021, 0]}`)),
			wantField: "/features/0/geometry", wantMsg: []string{"outside that CRS's area of use", "VN-2000 / UTM zone 48N", "allow_outside"}},
		{name: "lon/lat far from Vietnam", body: fc(ok, feat(`{}`, square(100.51, 0, 0.01))),
			wantField: "/features/1/geometry", wantMsg: []string{"feature 1", "lies at 100.51500 E, 0.00500 N", "area of use", "Vietnam"}},
		{name: "a geographic CRS other than WGS 84 (NTF Paris, grads)", spec: planning.LayerSpec{SRID: 4807}, body: fc(ok),
			wantField: "/features/0/geometry", wantMsg: []string{"EPSG:4807", "area of use"}},
		{name: "metres outside the projection's domain", spec: planning.LayerSpec{SRID: 3405},
			body:      fc(feat(`{}`, `{"type": "Point", "coordinates": [587000, 2370000]}`), feat(`{}`, `{"type": "Point", "coordinates": [9e7, 9e7]}`)),
			wantField: "/features/1/geometry", wantMsg: []string{"feature 1", "cannot be transformed", "EPSG:3405"}},
		{name: "crs member that is not an object", body: `{"type": "FeatureCollection", "crs": 5, "features": [` + ok + `]}`,
			wantField: "/crs", wantMsg: []string{"crs is not an object"}},
		{name: "crs member without a name", body: `{"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": 5}}, "features": [` + ok + `]}`,
			wantField: "/crs", wantMsg: []string{"crs has no properties.name"}},
		{name: "crs member naming EPSG:0", body: withCRS("EPSG:0", ok), wantField: "/crs", wantMsg: []string{"has no EPSG code"}},
		{name: "crs member naming a code beyond int32", body: withCRS("EPSG:99999999999", ok), wantField: "/crs", wantMsg: []string{"has no EPSG code"}},

		// Finding 5: text PostgreSQL refuses or that is too long.
		{name: "NUL escape in a property value", body: fc(feat(`{"ghi_chu": "a\u0000b"}`, square(105.6, 21.4, 0.01))),
			wantField: "/features/0/properties/ghi_chu", wantMsg: []string{"feature 0", `property "ghi_chu"`, "NUL"}},
		{name: "NUL escape in a property key", body: fc(feat(`{"a\u0000b": "x"}`, square(105.6, 21.4, 0.01))),
			wantField: "/features/0/properties", wantMsg: []string{"feature 0", "a property name contains a NUL"}},
		{name: "NUL escape deep in a property", body: fc(feat(`{"thon": [{"ten": "\u0000"}]}`, square(105.6, 21.4, 0.01))),
			wantField: "/features/0/properties/thon/0/ten", wantMsg: []string{`property "thon"`, "NUL"}},
		{name: "raw NUL byte in a property value", body: fc(feat("{\"ten\": \"a\x00b\"}", square(105.6, 21.4, 0.01))),
			wantField: "/features/0", wantMsg: []string{"feature 0", "invalid character"}},
		{name: "invalid UTF-8 in a key", body: fc(feat("{\"t\xffn\": \"x\"}", square(105.6, 21.4, 0.01))),
			wantField: "/features/0/properties", wantMsg: []string{"feature 0", "invalid UTF-8"}},
		{name: "lone surrogate escape", body: fc(feat(`{"ten": "\ud800"}`, square(105.6, 21.4, 0.01))),
			wantField: "/features/0/properties/ten", wantMsg: []string{"feature 0", "surrogate"}},
		{name: "a property value of 20,000 characters", body: fc(feat(`{"mo_ta": "`+strings.Repeat("x", 20000)+`"}`, square(105.6, 21.4, 0.01))),
			wantField: "/features/0/properties/mo_ta", wantMsg: []string{"at most 10000"}},
		{name: "a name of 300 characters", body: fc(feat(`{"name": "`+strings.Repeat("đ", 300)+`"}`, square(105.6, 21.4, 0.01))),
			wantField: "/features/0/properties", wantMsg: []string{`property "name" is 300 characters long; at most 200`}},
		{name: "a number beyond numeric", body: fc(feat(`{"dien_tich": 1e999999}`, square(105.6, 21.4, 0.01))),
			wantField: "/features/0/properties/dien_tich", wantMsg: []string{"out of range"}},
		{name: "duplicate property keys", body: fc(ok, feat(`{"ma": "RDD", "ma": "LUC"}`, square(105.6, 21.4, 0.01))),
			wantField: "/features/1/properties/ma", wantMsg: []string{"feature 1", `"ma" is given twice`}},
		{name: "duplicate geometry members", body: fc(`{"type": "Feature", "properties": {}, "geometry": ` + square(105.6, 21.4, 0.01) + `, "geometry": null}`),
			wantField: "/features/0/geometry", wantMsg: []string{`"geometry" is given twice`}},
		{name: "properties nested 5,000 deep", body: fc(feat(`{"x": `+strings.Repeat("[", 5000)+strings.Repeat("]", 5000)+`}`, square(105.6, 21.4, 0.01))),
			wantField: "/features/0/properties/x/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0",
			wantMsg:   []string{"feature 0", "nested more than 32 levels deep"}},
		{name: "nesting beyond the decoder's limit", body: fc(ok, feat(`{"x": `+strings.Repeat("[", 200000)+strings.Repeat("]", 200000)+`}`, square(105.6, 21.4, 0.01))),
			wantField: "/features/1", wantMsg: []string{"feature 1", "nested more than 10000 levels deep"}},
		// The coordinates are walked as their type wants: the first array
		// where a Polygon has a number is the fault, long before depth 32.
		{name: "geometry nested 9,000 deep", body: fc(feat(`{}`, `{"type": "Polygon", "coordinates": `+strings.Repeat("[", 9000)+strings.Repeat("]", 9000)+`}`)),
			wantField: "/features/0/geometry/coordinates/0/0/0", wantMsg: []string{"feature 0", "a coordinate is an array, not a number"}},
		{name: "a geometry's bbox nested 9,000 deep", body: fc(feat(`{}`, `{"type": "Point", "coordinates": [105.6, 21.4], "bbox": `+strings.Repeat("[", 9000)+strings.Repeat("]", 9000)+`}`)),
			wantField: "/features/0/geometry/bbox/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0", wantMsg: []string{"feature 0", "nested more than 32"}},
		// What orb/geojson would decode without a word, or trip on.
		{name: "a position of four numbers", body: fc(feat(`{}`, `{"type": "LineString", "coordinates": [[105.6, 21.4], [105.7, 21.4, 0, 0]]}`)),
			wantField: "/features/0/geometry/coordinates/1", wantMsg: []string{"a position has 4 number(s); want 2 (x, y) or 3 (x, y, z)"}},
		{name: "an empty position", body: fc(named(`{"type": "Point", "coordinates": []}`)),
			wantField: "/features/0/geometry/coordinates", wantMsg: []string{`feature 0 (id 7, "Khu B")`, "a position has 0 number(s)"}},
		{name: "an altitude beyond 10^8", body: fc(feat(`{}`, `{"type": "LineString", "coordinates": [[105.6, 21.4, 1e9], [105.7, 21.4]]}`)),
			wantField: "/features/0/geometry/coordinates/0/2", wantMsg: []string{"the coordinate 1e9 is beyond ±10^8"}},
		{name: "a coordinate beyond float64", body: fc(feat(`{}`, `{"type": "Point", "coordinates": [105.6, 1e400]}`)),
			wantField: "/features/0/geometry/coordinates/1", wantMsg: []string{"the coordinate 1e400 is out of range"}},
		{name: "null coordinates", body: fc(feat(`{}`, `{"type": "Point", "coordinates": null}`)),
			wantField: "/features/0/geometry/coordinates", wantMsg: []string{"the Point has no coordinates"}},
		{name: "no coordinates", body: fc(feat(`{}`, `{"type": "MultiPolygon"}`)),
			wantField: "/features/0/geometry/coordinates", wantMsg: []string{"the MultiPolygon has no coordinates"}},
		{name: "coordinates before the type", body: fc(feat(`{}`, `{"coordinates": [105.6], "bbox": [1, 2, 3, 4], "type": "Point"}`)),
			wantField: "/features/0/geometry/coordinates", wantMsg: []string{"a position has 1 number(s)"}},
		{name: "a Circle", body: fc(feat(`{}`, `{"type": "Circle", "coordinates": [105.6, 21.4], "radius": 100}`)),
			wantField: "/features/0/geometry/type", wantMsg: []string{`unknown geometry type "Circle"`}},
		{name: "no geometry type", body: fc(feat(`{}`, `{"coordinates": [105.6, 21.4]}`)),
			wantField: "/features/0/geometry/type", wantMsg: []string{"the geometry has no type"}},
		{name: "a null member of a GeometryCollection", body: fc(feat(`{}`, `{"type": "GeometryCollection", "geometries": [{"type": "Point", "coordinates": [105.6, 21.4]}, null]}`)),
			wantField: "/features/0/geometry/geometries/1", wantMsg: []string{"the geometry is not a GeoJSON geometry object"}},
		{name: "a GeometryCollection without geometries", body: fc(feat(`{}`, `{"type": "GeometryCollection"}`)),
			wantField: "/features/0/geometry/geometries", wantMsg: []string{"a GeometryCollection needs a geometries array"}},
		{name: "geometries of a Point", body: fc(feat(`{}`, `{"type": "Point", "coordinates": [105.6, 21.4], "geometries": [{"type": "Circle"}]}`)),
			wantField: "/features/0/geometry/geometries", wantMsg: []string{"a Point has no geometries member; only a GeometryCollection has one"}},
		{name: "an empty Polygon", body: fc(feat(`{}`, `{"type": "Polygon", "coordinates": []}`)),
			wantField: "/features/0/geometry/coordinates", wantMsg: []string{"the geometry is empty: the polygon has no rings"}},
		{name: "an empty MultiPolygon member", body: fc(feat(`{}`, `{"type": "MultiPolygon", "coordinates": [[]]}`)),
			wantField: "/features/0/geometry/coordinates/0", wantMsg: []string{"the geometry is empty: polygon 0 of the MultiPolygon has no rings"}},
		// encoding/json, and so orb/geojson and the feature's decoding,
		// match member names regardless of case (ſ for s included).
		{name: "coordinates in capitals", body: fc(feat(`{}`, `{"type": "Point", "COORDINATES": [105.6, 21.4]}`)),
			wantField: "/features/0/geometry/COORDINATES", wantMsg: []string{`the member "COORDINATES" is not "coordinates"`, "case-sensitive"}},
		{name: "coordinates with a long s", body: fc(feat(`{}`, `{"type": "Point", "coordinate\u017f": [105.6]}`)),
			wantField: "/features/0/geometry/coordinateſ", wantMsg: []string{`is not "coordinates"`}},
		{name: "Geometry in another case", body: fc(`{"type": "Feature", "properties": {}, "Geometry": {"type": "Point", "coordinates": [105.6]}}`),
			wantField: "/features/0/Geometry", wantMsg: []string{"feature 0", `the member "Geometry" is not "geometry"`}},
		{name: "Properties in another case, with a NUL", body: fc(`{"type": "Feature", "Properties": {"ten": "a\u0000b"}, "geometry": ` + square(105.6, 21.4, 0.01) + `}`),
			wantField: "/features/0/Properties", wantMsg: []string{"feature 0", `the member "Properties" is not "properties"`}},
		{name: "category value with a NUL", spec: planning.LayerSpec{CategoryField: "ma"}, body: fc(feat(`{"ma": "R\u0000D"}`, square(105.6, 21.4, 0.01))),
			wantField: "/features/0/properties/ma", wantMsg: []string{"NUL"}},
		{name: "category value of 100 characters", spec: planning.LayerSpec{CategoryField: "ma"}, body: fc(feat(`{"ma": "`+strings.Repeat("R", 100)+`"}`, square(105.6, 21.4, 0.01))),
			wantField: "/features/0/properties", wantMsg: []string{`property "ma" is 100 characters long; at most 64`}},
		{name: "layer name of 20,000 characters", spec: planning.LayerSpec{Name: strings.Repeat("x", 20000)}, body: fc(ok),
			wantField: "name", wantMsg: []string{"at most 200"}},
		{name: "layer name with a NUL", spec: planning.LayerSpec{Name: "rừng\x00"}, body: fc(ok), wantField: "name", wantMsg: []string{"NUL"}},
		{name: "layer name not UTF-8", spec: planning.LayerSpec{Name: "r\xffng"}, body: fc(ok), wantField: "name", wantMsg: []string{"not valid UTF-8"}},
		{name: "source with a NUL", spec: planning.LayerSpec{Source: "OSM\x00"}, body: fc(ok), wantField: "source", wantMsg: []string{"NUL"}},
		{name: "category map key with a NUL", spec: planning.LayerSpec{CategoryField: "ma", CategoryMap: map[string]string{"r\x00": "RDD"}}, body: fc(ok),
			wantField: "category_map", wantMsg: []string{"NUL"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			spec := tc.spec
			spec.Kind = planning.KindLandUse
			if spec.Name == "" {
				spec.Name = "bad"
			}
			if spec.Category == "" && spec.CategoryField == "" {
				spec.Category = "RDD"
			}
			_, err := s.layers.ImportLayer(ctx, spec, strings.NewReader(tc.body), nil)
			if planning.KindOf(err) != planning.Invalid {
				t.Fatalf("ImportLayer error = %v (kind %v), want Invalid", err, planning.KindOf(err))
			}
			if got := planning.FieldOf(err); got != tc.wantField {
				t.Errorf("FieldOf(%.300v) = %q, want %q", err, got, tc.wantField)
			}
			for _, m := range tc.wantMsg {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("error %.500q does not contain %q", err, m)
				}
			}
			if len(err.Error()) > 2000 {
				t.Errorf("error of %d bytes, want a short message", len(err.Error()))
			}
			wantPlain(t, err)
			if n := count(t, s.pool, "SELECT count(*) FROM layer"); n != 1 {
				t.Errorf("layer rows after a refused import = %d, want the 1 kept", n)
			}
			if n := count(t, s.pool, "SELECT count(*) FROM zone"); n != 1 {
				t.Errorf("zone rows after a refused import = %d, want the 1 kept", n)
			}
		})
	}
}

// TestImportLayerAcceptsWhatIsRight: the checks above refuse nothing a
// real file holds: 3-D positions, repairs that keep the meaning, arrays
// and objects as property values, a GeometryCollection within the nesting
// limit, VN-2000 metres, null geometry members only in other features'
// foreign members, and features outside Vietnam with AllowOutside.
func TestImportLayerAcceptsWhatIsRight(t *testing.T) {
	s := newStores(t)
	ctx := context.Background()
	tests := []struct {
		name string
		spec planning.LayerSpec
		body string
	}{
		{"3-D positions", planning.LayerSpec{}, fc(feat(`{}`, `{"type": "LineString", "coordinates": [[105.6, 21.4, 12.5], [105.7, 21.4, 13]]}`))},
		{"a self-intersection, repaired", planning.LayerSpec{},
			fc(feat(`{}`, polygon(`[[105.60, 21.40], [105.61, 21.41], [105.61, 21.40], [105.60, 21.41], [105.60, 21.40]]`)))},
		{"arrays and objects as property values", planning.LayerSpec{},
			fc(feat(`{"thon": ["Đại Đình", "Hồ Sơn"], "nguon": {"cap": 2, "ghi_chú": "xã\nthôn"}}`, square(105.6, 21.4, 0.01)))},
		{"a GeometryCollection 3 deep", planning.LayerSpec{}, fc(feat(`{}`, nestedCollection(3)))},
		{"outside Vietnam, allowed", planning.LayerSpec{AllowOutside: true}, fc(feat(`{}`, square(100.51, 0, 0.01)))},
		{"VN-2000 TM-3 105-45 metres", planning.LayerSpec{SRID: 9210}, fc(feat(`{}`, `{"type": "Point", "coordinates": [487368.605, 2374991.389]}`))},
		{"type last, bbox and foreign members", planning.LayerSpec{},
			fc(feat(`{}`, `{"coordinates": [[105.6, 21.4], [105.7, 21.4, -3]], "bbox": [105.6, 21.4, 105.7, 21.4], "ghi_chu": {"Type": "x", "coordinates": null}, "type": "LineString"}`))},
		{"a GeometryCollection with a foreign coordinates member", planning.LayerSpec{},
			fc(feat(`{}`, `{"type": "GeometryCollection", "coordinates": [1], "geometries": [{"type": "MultiPoint", "coordinates": [[105.6, 21.4]]}]}`))},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			spec := tc.spec
			spec.Kind, spec.Name, spec.Category = planning.KindLandUse, fmt.Sprintf("ok-%d", i), "RDD"
			rep, err := s.layers.ImportLayer(ctx, spec, strings.NewReader(tc.body), nil)
			if err != nil || rep.Features != 1 {
				t.Fatalf("ImportLayer = %d features, %v; want 1, nil", rep.Features, err)
			}
		})
	}
}

func TestImportAdminUnitsRefusesHostileInput(t *testing.T) {
	s := newStores(t)
	ctx := context.Background()
	from := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	unit := func(props string) string { return feat(props, square(105.3, 21.1, 0.5)) }
	tests := []struct {
		name      string
		spec      data.AdminSpec // Level, CodeField and ValidFrom default to province, "ma", from
		body      string
		wantField string
		wantMsg   []string
	}{
		{name: "code with a NUL", body: fc(unit(`{"ma": "2\u00006"}`)), wantField: "/features/0/properties/ma", wantMsg: []string{"NUL"}},
		{name: "code of 100 characters", body: fc(unit(`{"ma": "` + strings.Repeat("2", 100) + `"}`)),
			wantField: "/features/0/properties", wantMsg: []string{`property "ma" is 100 characters long; at most 64`}},
		{name: "name of 300 characters", body: fc(unit(`{"ma": "26", "name": "` + strings.Repeat("x", 300) + `"}`)),
			wantField: "/features/0/properties", wantMsg: []string{`property "name"`, "at most 200"}},
		{name: "parent code with a control character", spec: data.AdminSpec{ParentField: "cha"}, body: fc(unit(`{"ma": "26", "cha": "0\u0007"}`)),
			wantField: "/features/0/properties/cha", wantMsg: []string{`property "cha"`, "control character"}},
		{name: "level of 100 characters", spec: data.AdminSpec{Level: strings.Repeat("l", 100)}, body: fc(unit(`{"ma": "26"}`)),
			wantField: "level", wantMsg: []string{"at most 64"}},
		{name: "unclosed ring", body: fc(feat(`{"ma": "26", "name": "Vĩnh Phúc"}`, polygon(`[[105.3, 21.1], [105.8, 21.1], [105.8, 21.6]]`))),
			wantField: "/features/0/geometry/coordinates/0", wantMsg: []string{`feature 0 ("Vĩnh Phúc")`, "has 3 point(s)"}},
		{name: "hole outside its shell", body: fc(feat(`{"ma": "26"}`, polygon(`[[105.3, 21.1], [105.4, 21.1], [105.4, 21.2], [105.3, 21.2], [105.3, 21.1]]`,
			`[[105.5, 21.3], [105.6, 21.3], [105.6, 21.4], [105.5, 21.4], [105.5, 21.3]]`))),
			wantField: "/features/0/geometry", wantMsg: []string{"hole of a polygon lies outside its shell"}},
		{name: "a unit at 100.51 E, 0 N", body: fc(feat(`{"ma": "26"}`, square(100.51, 0, 0.5))),
			wantField: "/features/0/geometry", wantMsg: []string{"area of use"}},
		{name: "lon/lat with srid 3405", spec: data.AdminSpec{SRID: 3405}, body: fc(unit(`{"ma": "26"}`)),
			wantField: "/features/0/geometry", wantMsg: []string{"look like longitude and latitude"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			spec := tc.spec
			if spec.Level == "" {
				spec.Level = "province"
			}
			spec.CodeField, spec.ValidFrom = "ma", from
			_, err := s.admin.ImportAdminUnits(ctx, spec, strings.NewReader(tc.body))
			if planning.KindOf(err) != planning.Invalid {
				t.Fatalf("ImportAdminUnits error = %v (kind %v), want Invalid", err, planning.KindOf(err))
			}
			if got := planning.FieldOf(err); got != tc.wantField {
				t.Errorf("FieldOf(%v) = %q, want %q", err, got, tc.wantField)
			}
			for _, m := range tc.wantMsg {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("error %q does not contain %q", err, m)
				}
			}
			wantPlain(t, err)
			if n := count(t, s.pool, "SELECT count(*) FROM admin_unit"); n != 0 {
				t.Errorf("admin_unit rows after a refused import = %d, want 0", n)
			}
		})
	}
	// The same unit in the right place imports: the refusals were about
	// the input.
	if _, err := s.admin.ImportAdminUnits(ctx, data.AdminSpec{Level: "province", CodeField: "ma", ValidFrom: from},
		strings.NewReader(fc(unit(`{"ma": "26"}`)))); err != nil {
		t.Errorf("a good unit: %v", err)
	}
}

// TestImportLayerOutsideAdminUnits: once admin units are loaded, a feature
// in none of them is refused (unless AllowOutside), naming the feature.
func TestImportLayerOutsideAdminUnits(t *testing.T) {
	s := newStores(t)
	ctx := context.Background()
	if _, err := s.admin.ImportAdminUnits(ctx, data.AdminSpec{Level: "province", CodeField: "ma", ValidFrom: time.Now()},
		strings.NewReader(fc(feat(`{"ma": "26"}`, square(105.3, 21.1, 0.5))))); err != nil {
		t.Fatal(err)
	}
	inside, hue := feat(`{}`, square(105.6, 21.4, 0.01)), feat(`{"name": "Huế"}`, square(107.58, 16.46, 0.01))
	tests := []struct {
		name    string
		allow   bool
		body    string
		wantErr string
	}{
		{"inside", false, fc(inside), ""},
		{"one feature in Huế", false, fc(inside, inside, hue), `feature 2 ("Huế"): it lies at 107.58500 E, 16.46500 N after transforming from EPSG:4326`},
		{"one feature in Huế, allowed", true, fc(inside, hue), ""},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := count(t, s.pool, "SELECT count(*) FROM layer")
			_, err := s.layers.ImportLayer(ctx, planning.LayerSpec{Kind: planning.KindLandUse, Name: fmt.Sprint("l", i), Category: "RDD",
				AllowOutside: tc.allow}, strings.NewReader(tc.body), nil)
			after := count(t, s.pool, "SELECT count(*) FROM layer")
			switch {
			case tc.wantErr == "" && (err != nil || after != before+1):
				t.Errorf("ImportLayer = %v, layers %d → %d; want success", err, before, after)
			case tc.wantErr != "" && (planning.KindOf(err) != planning.Invalid || !strings.Contains(fmt.Sprint(err), tc.wantErr) ||
				!strings.Contains(fmt.Sprint(err), "outside every admin unit loaded") || after != before):
				t.Errorf("ImportLayer = %v, layers %d → %d; want Invalid containing %q and nothing stored", err, before, after, tc.wantErr)
			}
			wantPlain(t, err)
		})
	}
}
