package data_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"btsplan/data"
	"btsplan/planning"
)

func TestImportLayerRejectsBadInput(t *testing.T) {
	s := newStores(t)
	ok := feat(`{"name": "a"}`, square(105.6, 21.4, 0.01))
	tests := []struct {
		name      string
		spec      planning.LayerSpec // Kind, Name and Category default to landuse, "bad", "RDD"
		body      string
		wantField string   // planning.FieldOf; "-" means do not check
		wantMsg   []string // substrings of the error message
	}{
		{name: "not JSON", body: `hello`, wantField: "", wantMsg: []string{"not GeoJSON"}},
		{name: "JSON array", body: `[1, 2]`, wantField: "", wantMsg: []string{"not a JSON object"}},
		{name: "a Feature, not a collection", body: ok, wantField: "/type", wantMsg: []string{`not a FeatureCollection: type is "Feature"`}},
		{name: "no type member", body: `{"features": [` + ok + `]}`, wantField: "/type", wantMsg: []string{"no type member"}},
		{name: "no features member", body: `{"type": "FeatureCollection"}`, wantField: "/features", wantMsg: []string{"no features member"}},
		{name: "no features", body: fc(), wantField: "/features", wantMsg: []string{"no features"}},
		{name: "cut short", body: fc(ok, ok)[:len(fc(ok, ok))-30], wantField: "/features/1", wantMsg: []string{"feature 1", "unexpected end of file"}},
		{name: "trailing data", body: fc(ok) + `{}`, wantField: "", wantMsg: []string{"data after the FeatureCollection"}},
		{name: "feature without geometry", body: fc(ok, feat(`{}`, `null`), ok),
			wantField: "/features/1/geometry", wantMsg: []string{"feature 1 has no geometry"}},
		{name: "feature with geometry member missing", body: fc(ok, ok, `{"type": "Feature", "properties": {}}`),
			wantField: "/features/2/geometry", wantMsg: []string{"feature 2 has no geometry"}},
		{name: "not a feature", body: fc(ok, square(105.6, 21.4, 0.01)),
			wantField: "/features/1/type", wantMsg: []string{"feature 1", `type is "Polygon", not Feature`}},
		{name: "NaN coordinate", body: fc(ok, ok, feat(`{}`, `{"type": "Point", "coordinates": [NaN, 21.4]}`)),
			wantField: "/features/2", wantMsg: []string{"feature 2", "invalid character 'N'"}},
		{name: "infinite coordinate", body: fc(ok, feat(`{}`, `{"type": "Point", "coordinates": [1e999, 21.4]}`)),
			wantField: "/features/1/geometry/coordinates/0", wantMsg: []string{"feature 1", "1e999", "out of range"}},
		{name: "unknown geometry type", body: fc(feat(`{}`, `{"type": "Circle", "coordinates": [105, 21]}`)),
			wantField: "/features/0/geometry/type", wantMsg: []string{"feature 0", `unknown geometry type "Circle"`}},
		{name: "empty geometry", body: fc(ok, feat(`{}`, `{"type": "Polygon", "coordinates": []}`)),
			wantField: "/features/1/geometry/coordinates", wantMsg: []string{"feature 1", "empty"}},
		{name: "properties not an object", body: fc(feat(`[1]`, square(105.6, 21.4, 0.01))),
			wantField: "/features/0/properties", wantMsg: []string{"feature 0", "properties is not an object"}},
		{name: "collapsed polygon rejected after repair", body: fc(ok,
			feat(`{}`, `{"type": "Polygon", "coordinates": [[[105.6, 21.4], [105.61, 21.41], [105.62, 21.42], [105.6, 21.4]]]}`)),
			wantField: "/features/1/geometry", wantMsg: []string{"feature 1", "self-intersection at 105.61 21.41", "no area or length"}},
		{name: "file crs disagrees with srid", spec: planning.LayerSpec{SRID: 9210},
			body:      `{"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::5897"}}, "features": [` + ok + `]}`,
			wantField: "srid", wantMsg: []string{"EPSG:5897", "EPSG:9210"}},
		{name: "unknown srid", spec: planning.LayerSpec{SRID: 999999}, body: fc(ok),
			wantField: "srid", wantMsg: []string{"unknown SRID 999999"}},
		{name: "unknown srid in file crs", body: `{"type": "FeatureCollection", "features": [` + ok + `], "crs": {"type": "name", "properties": {"name": "EPSG:999999"}}}`,
			wantField: "/crs", wantMsg: []string{"unknown SRID 999999"}},
		{name: "unsupported crs", body: `{"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:ESRI::102100"}}, "features": [` + ok + `]}`,
			wantField: "/crs", wantMsg: []string{"not supported"}},
		{name: "over the size limit", spec: planning.LayerSpec{MaxBytes: 100}, body: fc(ok, ok, ok),
			wantField: "", wantMsg: []string{"size limit of 100 bytes"}},
		{name: "category property missing", spec: planning.LayerSpec{CategoryField: "ma"}, body: fc(feat(`{"ma": "RDD"}`, square(105.6, 21.4, 0.01)), ok),
			wantField: "/features/1/properties", wantMsg: []string{"feature 1", `property "ma" is missing`}},
		{name: "category not in map", spec: planning.LayerSpec{CategoryField: "ma", CategoryMap: map[string]string{"rung dac dung": "RDD"}},
			body:      fc(feat(`{"ma": "rung dac dung"}`, square(105.6, 21.4, 0.01)), feat(`{"ma": "rung san xuat"}`, square(105.6, 21.4, 0.01))),
			wantField: "/features/1/properties", wantMsg: []string{"feature 1", `"rung san xuat" is not in the category map`}},
		{name: "population not a number", spec: planning.LayerSpec{PopulationField: "dan_so"},
			body:      fc(feat(`{"dan_so": 120}`, square(105.6, 21.4, 0.01)), feat(`{"dan_so": "about 300"}`, square(105.6, 21.4, 0.01))),
			wantField: "/features/1/properties/dan_so", wantMsg: []string{"feature 1", `"about 300"`, "not a whole number"}},
		{name: "population negative", spec: planning.LayerSpec{PopulationField: "pop"},
			body:      fc(feat(`{"pop": -5}`, square(105.6, 21.4, 0.01))),
			wantField: "/features/0/properties/pop", wantMsg: []string{"feature 0", "not a whole number"}},
		{name: "bad kind", spec: planning.LayerSpec{Kind: "Land Use"}, body: fc(ok), wantField: "kind", wantMsg: []string{"lower-case word"}},
		{name: "no category", spec: planning.LayerSpec{Category: "-"}, body: fc(ok), wantField: "category", wantMsg: []string{"give a category"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			spec := tc.spec
			if spec.Kind == "" {
				spec.Kind = planning.KindLandUse
			}
			spec.Name = "bad"
			switch spec.Category {
			case "-":
				spec.Category = ""
			case "":
				if spec.CategoryField == "" {
					spec.Category = "RDD"
				}
			}
			_, err := s.layers.ImportLayer(context.Background(), spec, strings.NewReader(tc.body), nil)
			if err == nil {
				t.Fatalf("ImportLayer(%s) = nil error, want Invalid", tc.name)
			}
			if got := planning.KindOf(err); got != planning.Invalid {
				t.Errorf("KindOf(%v) = %v, want %v", err, got, planning.Invalid)
			}
			if tc.wantField != "-" {
				if got := planning.FieldOf(err); got != tc.wantField {
					t.Errorf("FieldOf(%v) = %q, want %q", err, got, tc.wantField)
				}
			}
			for _, m := range tc.wantMsg {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("error %q does not contain %q", err, m)
				}
			}
			wantPlain(t, err)
			if n := count(t, s.pool, "SELECT count(*) FROM layer"); n != 0 {
				t.Errorf("layer rows after a failed import = %d, want 0", n)
			}
			if n := count(t, s.pool, "SELECT count(*) FROM zone"); n != 0 {
				t.Errorf("zone rows after a failed import = %d, want 0", n)
			}
		})
	}
}

// A bad feature in the middle of a large file leaves nothing behind, even
// when thousands of rows were already copied.
func TestImportLayerIsAtomic(t *testing.T) {
	s := newStores(t)
	importString(t, s, planning.KindLandUse, "keep", "RDD", fc(feat(`{}`, square(105.7, 21.5, 0.01))))
	var feats []string
	for i := range 3000 {
		feats = append(feats, feat(fmt.Sprintf(`{"i": %d}`, i), square(105.6+float64(i)*1e-4, 21.4, 5e-5)))
	}
	tests := []struct {
		name string
		bad  string
	}{
		{"no geometry at 2000", feat(`{}`, `null`)},
		{"unrepairable geometry at 2000", feat(`{}`, `{"type": "LineString", "coordinates": [[105.6, 21.4], [105.6, 21.4]]}`)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body := append(append(append([]string{}, feats[:2000]...), tc.bad), feats[2000:]...)
			_, err := s.layers.ImportLayer(context.Background(),
				planning.LayerSpec{Kind: planning.KindLandUse, Name: "keep", Category: "RDD"}, strings.NewReader(fc(body...)), nil)
			if planning.KindOf(err) != planning.Invalid || !strings.Contains(fmt.Sprint(err), "feature 2000") {
				t.Fatalf("ImportLayer error = %v, want Invalid naming feature 2000", err)
			}
			if n := count(t, s.pool, "SELECT count(*) FROM layer"); n != 1 {
				t.Errorf("layer rows = %d, want 1 (the earlier import)", n)
			}
			if n := count(t, s.pool, "SELECT count(*) FROM zone"); n != 1 {
				t.Errorf("zone rows = %d, want 1 (the earlier import)", n)
			}
			if n := count(t, s.pool, "SELECT count(*) FROM layer WHERE name = 'keep' AND current AND version = 1"); n != 1 {
				t.Errorf("current version 1 of keep: %d rows, want 1: a failed import must not retire it", n)
			}
		})
	}
}

func TestImportLayerRepairsInvalidGeometry(t *testing.T) {
	s := newStores(t)
	bowtie := `{"type": "Polygon", "coordinates": [[[105.60, 21.40], [105.61, 21.41], [105.61, 21.40], [105.60, 21.41], [105.60, 21.40]]]}`
	// Two holes touching at a point split the polygon in two: the repair
	// keeps the same area, as a MultiPolygon.
	split := `{"type": "Polygon", "coordinates": [[[105.8, 21.4], [105.83, 21.4], [105.83, 21.41], [105.8, 21.41], [105.8, 21.4]],
		[[105.81, 21.4], [105.815, 21.405], [105.81, 21.41], [105.805, 21.405], [105.81, 21.4]]]}`
	rep := importString(t, s, planning.KindLandUse, "repair", "RDD",
		fc(feat(`{}`, square(105.5, 21.3, 0.01)), feat(`{"name": "bowtie"}`, bowtie), feat(`{}`, split)))
	want := []planning.Repair{
		{Index: 1, Reason: "Self-intersection[105.605 21.405]"},
		{Index: 2, Reason: "Interior is disconnected[105.81 21.41]"},
	}
	if !reflect.DeepEqual(rep.Repairs, want) {
		t.Errorf("Repairs = %+v, want %+v", rep.Repairs, want)
	}
	if rep.Features != 3 || rep.Layer.FeatureCount != 3 {
		t.Errorf("Features = %d, FeatureCount = %d, want 3 and 3", rep.Features, rep.Layer.FeatureCount)
	}
	var typ string
	var valid bool
	var areaM2 float64
	err := s.pool.QueryRow(context.Background(),
		"SELECT GeometryType(geom), ST_IsValid(geom), ST_Area(geom::geography) FROM zone WHERE feature_index = 1").Scan(&typ, &valid, &areaM2)
	if err != nil {
		t.Fatal(err)
	}
	// The bowtie is two triangles, each a quarter of the 0.01° square.
	var squareM2 float64
	if err := s.pool.QueryRow(context.Background(),
		"SELECT ST_Area(ST_MakeEnvelope(105.60, 21.40, 105.61, 21.41, 4326)::geography)").Scan(&squareM2); err != nil {
		t.Fatal(err)
	}
	if typ != "MULTIPOLYGON" || !valid || areaM2 < 0.49*squareM2 || areaM2 > 0.51*squareM2 {
		t.Errorf("repaired bowtie = %s valid %v area %.0f m², want a valid MULTIPOLYGON of %.0f m²", typ, valid, areaM2, squareM2/2)
	}
	var stored []byte
	if err := s.pool.QueryRow(context.Background(), "SELECT repairs FROM layer WHERE id = $1", rep.Layer.ID).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	var got []struct {
		Index  int    `json:"index"`
		Reason string `json:"reason"`
	}
	if err := json.Unmarshal(stored, &got); err != nil || len(got) != 2 || got[0].Index != 1 || got[1].Index != 2 {
		t.Errorf("layer.repairs = %s, want the two repairs", stored)
	}
}

func TestImportLayerKeepsAttributesUnchanged(t *testing.T) {
	s := newStores(t)
	props := `{"name": "Vườn quốc gia Tam Đảo", "ghi_chú": "Khu bảo tồn — phân khu bảo vệ nghiêm ngặt",
		"osm_id": 12345678901234567890, "dien_tich_ha": 36883.50, "ma": "RDD", "cap": null, "thon": ["Đại Đình", "Hồ Sơn"]}`
	rep := importString(t, s, planning.KindProtectedArea, "vqg", "RDD", fc(feat(props, square(105.6, 21.4, 0.1))))

	var same bool
	var name string
	if err := s.pool.QueryRow(context.Background(), "SELECT attributes = $1::jsonb, name FROM zone", props).Scan(&same, &name); err != nil {
		t.Fatal(err)
	}
	if !same {
		t.Errorf("stored attributes differ from the file's properties %s", props)
	}
	if name != "Vườn quốc gia Tam Đảo" {
		t.Errorf("zone name = %q, want %q", name, "Vườn quốc gia Tam Đảo")
	}
	var zones []planning.Zone
	err := s.layers.EachZone(context.Background(), rep.Layer.ID, nil, func(z planning.Zone) error {
		zones = append(zones, z)
		return nil
	})
	if err != nil || len(zones) != 1 {
		t.Fatalf("EachZone = %d zones, %v; want 1, nil", len(zones), err)
	}
	want := map[string]any{
		"name": "Vườn quốc gia Tam Đảo", "ghi_chú": "Khu bảo tồn — phân khu bảo vệ nghiêm ngặt",
		"osm_id": json.Number("12345678901234567890"), "dien_tich_ha": json.Number("36883.50"), "ma": "RDD", "cap": nil,
		"thon": []any{"Đại Đình", "Hồ Sơn"},
	}
	if !reflect.DeepEqual(zones[0].Attributes, want) {
		t.Errorf("EachZone attributes = %#v, want %#v", zones[0].Attributes, want)
	}
}

func TestImportLayerVersions(t *testing.T) {
	s := newStores(t)
	ctx := context.Background()
	v1 := importString(t, s, planning.KindLandUse, "qh-2030", "RDD",
		fc(feat(`{"name": "cũ 1"}`, square(105.60, 21.40, 0.001)), feat(`{"name": "cũ 2"}`, square(105.61, 21.40, 0.001))))
	v2 := importString(t, s, planning.KindLandUse, "qh-2030", "RSX", fc(feat(`{"name": "mới"}`, square(105.60, 21.40, 0.001))))
	if v1.Layer.Version != 1 || v2.Layer.Version != 2 {
		t.Fatalf("versions = %d, %d, want 1, 2", v1.Layer.Version, v2.Layer.Version)
	}
	tests := []struct {
		name    string
		version int
		want    int64 // layer id
		current bool
	}{
		{"current", 0, v2.Layer.ID, true},
		{"version 2", 2, v2.Layer.ID, true},
		{"version 1", 1, v1.Layer.ID, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l, err := s.layers.Layer(ctx, "qh-2030", tc.version)
			if err != nil {
				t.Fatal(err)
			}
			if l.ID != tc.want || l.Current != tc.current {
				t.Errorf("Layer(qh-2030, %d) = id %d current %v, want id %d current %v", tc.version, l.ID, l.Current, tc.want, tc.current)
			}
		})
	}
	if _, err := s.layers.Layer(ctx, "qh-2030", 3); planning.KindOf(err) != planning.NotFound {
		t.Errorf("Layer(qh-2030, 3) error = %v, want NotFound", err)
	}
	// The old version's zones stay for reproducibility, but only the
	// current version is searched.
	var old []string
	if err := s.layers.EachZone(ctx, v1.Layer.ID, nil, func(z planning.Zone) error { old = append(old, z.Name); return nil }); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(old, []string{"cũ 1", "cũ 2"}) {
		t.Errorf("zones of version 1 = %q, want both old zones", old)
	}
	hits, err := s.zones.ZonesNear(ctx, planning.ZoneQuery{Location: [2]float64{105.6005, 21.4005}, RadiusM: 5000})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 1 || hits[0].Name != "mới" || hits[0].LayerVersion != 2 || hits[0].Category != "RSX" {
		t.Errorf("ZonesNear after re-import = %+v, want only the version-2 zone", hits)
	}
	got, err := s.zones.CurrentLayerVersions(ctx)
	if err != nil || !reflect.DeepEqual(got, map[string]int{"qh-2030": 2}) {
		t.Errorf("CurrentLayerVersions = %v, %v; want map[qh-2030:2]", got, err)
	}
	all, err := s.layers.Layers(ctx)
	if err != nil || len(all) != 2 || all[0].Version != 2 || all[1].Version != 1 {
		t.Errorf("Layers = %+v, %v; want versions 2 then 1", all, err)
	}
}

// VN-2000 data: points and a polygon made by transforming WGS 84 points
// with PostGIS, imported with their SRID, must come back where they were.
func TestImportLayerVN2000(t *testing.T) {
	s := newStores(t)
	ctx := context.Background()
	orig := `GEOMETRYCOLLECTION(POINT(105.63 21.47), POINT(105.4512345 21.3012345),
		POLYGON((105.60 21.40, 105.62 21.40, 105.62 21.42, 105.60 21.42, 105.60 21.40)))`
	tests := []struct {
		name     string
		srid     int  // the projected SRID the file is in
		specSRID bool // give it in the spec; else in the file's crs member
	}{
		{"TM-3 105-45 (9210) given in the spec", 9210, true},
		{"TM-3 zone 482 (5897) in the file crs", 5897, false},
		{"TM-3 106-00 (9211) given in the spec", 9211, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := s.pool.Query(ctx, `SELECT ST_AsGeoJSON(ST_Transform((d).geom, $2::int), 9, 0)
				FROM (SELECT ST_Dump(ST_GeomFromText($1, 4326)) AS d) AS x ORDER BY (d).path`, orig, tc.srid)
			if err != nil {
				t.Fatal(err)
			}
			var feats []string
			for rows.Next() {
				var g string
				if err := rows.Scan(&g); err != nil {
					t.Fatal(err)
				}
				feats = append(feats, feat(`{}`, g))
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			body := fc(feats...)
			spec := planning.LayerSpec{Kind: planning.KindLandUse, Name: fmt.Sprintf("vn2000-%d", tc.srid), Category: "CQP"}
			if tc.specSRID {
				spec.SRID = tc.srid
			} else {
				body = strings.Replace(body, `"features"`,
					fmt.Sprintf(`"crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::%d"}}, "features"`, tc.srid), 1)
			}
			rep, err := s.layers.ImportLayer(ctx, spec, strings.NewReader(body), nil)
			if err != nil {
				t.Fatalf("ImportLayer: %v", err)
			}
			if rep.Layer.SourceSRID != tc.srid {
				t.Errorf("SourceSRID = %d, want %d", rep.Layer.SourceSRID, tc.srid)
			}
			// Largest distance between a stored vertex and the original.
			var worstM float64
			var n int
			err = s.pool.QueryRow(ctx, `
				WITH o AS (SELECT (d).path[1] AS i, (d).geom FROM (SELECT ST_Dump(ST_GeomFromText($1, 4326)) AS d) x),
				     z AS (SELECT feature_index + 1 AS i, geom FROM zone WHERE layer_id = $2),
				     pairs AS (
				         SELECT ST_Distance(op.geom::geography, zp.geom::geography) AS d
				         FROM o JOIN z USING (i),
				              LATERAL ST_DumpPoints(o.geom) AS op,
				              LATERAL ST_DumpPoints(z.geom) AS zp
				         WHERE op.path = zp.path)
				SELECT max(d), count(*) FROM pairs`, orig, rep.Layer.ID).Scan(&worstM, &n)
			if err != nil {
				t.Fatal(err)
			}
			if n != 7 {
				t.Fatalf("compared %d vertices, want 7 (2 points and a 5-point ring)", n)
			}
			if worstM > 0.5 {
				t.Errorf("largest vertex error after the VN-2000 round trip = %.3f m, want ≤ 0.5 m", worstM)
			}
		})
	}
}

// The VN-2000 TM-3 CRSs the migration inserts project as the EPSG
// definitions do. The wants were computed with PROJ 9.1.1 (cs2cs
// EPSG:4326 EPSG:92xx, EPSG dataset v10.076), not with PostGIS.
func TestVN2000Definitions(t *testing.T) {
	s := newStores(t)
	tests := []struct {
		srid int
		x, y float64
	}{
		{9210, 487368.605, 2374991.389},
		{9209, 513276.216, 2374991.904},
		{9211, 461460.817, 2375032.252},
		{5897, 565092.361, 2375117.071},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.srid), func(t *testing.T) {
			var x, y float64
			err := s.pool.QueryRow(context.Background(),
				"SELECT ST_X(g), ST_Y(g) FROM ST_Transform(ST_SetSRID(ST_MakePoint(105.63, 21.47), 4326), $1::int) AS g", tc.srid).Scan(&x, &y)
			if err != nil {
				t.Fatal(err)
			}
			if abs(x-tc.x) > 0.01 || abs(y-tc.y) > 0.01 {
				t.Errorf("ST_Transform(105.63 21.47, %d) = (%.3f, %.3f), want (%.3f, %.3f)", tc.srid, x, y, tc.x, tc.y)
			}
		})
	}
	for srid := 9205; srid <= 9218; srid++ {
		var name string
		err := s.pool.QueryRow(context.Background(),
			"SELECT split_part(srtext, '\"', 2) FROM spatial_ref_sys WHERE srid = $1 AND auth_name = 'EPSG' AND auth_srid = $1", srid).Scan(&name)
		if err != nil || !strings.HasPrefix(name, "VN-2000 / TM-3 ") {
			t.Errorf("spatial_ref_sys %d = %q, %v; want a VN-2000 / TM-3 row", srid, name, err)
		}
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func TestImportLayerCategories(t *testing.T) {
	s := newStores(t)
	book, err := planning.LoadRuleBook(nil)
	if err != nil {
		t.Fatalf("LoadRuleBook: %v", err)
	}
	layers := data.NewLayerStore(s.db, book)
	tests := []struct {
		name    string
		spec    planning.LayerSpec
		body    string
		wantErr string // "" means success
	}{
		{"known land-use code", planning.LayerSpec{Kind: planning.KindLandUse, Category: "RDD"},
			fc(feat(`{}`, square(105.6, 21.4, 0.01))), ""},
		{"land-use codes from a field", planning.LayerSpec{Kind: planning.KindLandUse, CategoryField: "ma"},
			fc(feat(`{"ma": "RDD"}`, square(105.6, 21.4, 0.01)), feat(`{"ma": "LUC"}`, square(105.7, 21.4, 0.01))), ""},
		{"unknown land-use code in a field", planning.LayerSpec{Kind: planning.KindLandUse, CategoryField: "ma"},
			fc(feat(`{"ma": "RDD"}`, square(105.6, 21.4, 0.01)), feat(`{"ma": "XYZ"}`, square(105.7, 21.4, 0.01))),
			`feature 1: unknown category code "XYZ"`},
		{"unknown land-use code for every feature", planning.LayerSpec{Kind: planning.KindLandUse, Category: "XYZ"},
			fc(feat(`{}`, square(105.6, 21.4, 0.01))), `"XYZ" is not a category of layer kind "landuse"`},
		{"map to an unknown code", planning.LayerSpec{Kind: planning.KindLandUse, CategoryField: "ma", CategoryMap: map[string]string{"r": "XYZ"}},
			fc(feat(`{"ma": "r"}`, square(105.6, 21.4, 0.01))), `maps to "XYZ"`},
		{"a kind the rules do not know takes any code", planning.LayerSpec{Kind: "flood_zone", Category: "anything"},
			fc(feat(`{}`, square(105.6, 21.4, 0.01))), ""},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.spec.Name = fmt.Sprintf("cat-%d", i)
			_, err := layers.ImportLayer(context.Background(), tc.spec, strings.NewReader(tc.body), nil)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("ImportLayer error = %v, want nil", err)
			case tc.wantErr != "" && (planning.KindOf(err) != planning.Invalid || !strings.Contains(fmt.Sprint(err), tc.wantErr)):
				t.Errorf("ImportLayer error = %v, want Invalid containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestImportLayerProgress(t *testing.T) {
	s := newStores(t)
	var feats []string
	for i := range 2500 {
		feats = append(feats, feat(`{}`, fmt.Sprintf(`{"type": "Point", "coordinates": [%v, 21.4]}`, 105.5+float64(i)*1e-4)))
	}
	body := fc(feats...)
	var calls [][2]int64
	_, err := s.layers.ImportLayer(context.Background(), planning.LayerSpec{Kind: planning.KindSettlement, Name: "p", Category: "village"},
		strings.NewReader(body), func(n int, b int64) { calls = append(calls, [2]int64{int64(n), b}) })
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) != 3 || calls[0][0] != 1000 || calls[1][0] != 2000 || calls[2][0] != 2500 {
		t.Fatalf("progress calls = %v, want features 1000, 2000, 2500", calls)
	}
	if calls[2][1] != int64(len(body)) || calls[0][1] <= 0 || calls[0][1] > calls[1][1] {
		t.Errorf("progress bytes = %v, want rising to %d", calls, len(body))
	}
}

// The real OSM protected areas of the study box: Tam Đảo National Park is
// found at a point inside it, at distance 0.
func TestImportProtectedAreasTamDao(t *testing.T) {
	path := sharedData(t, "vn/osm/protected_areas.geojson")
	s := newStores(t)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rep, err := s.layers.ImportLayer(context.Background(), planning.LayerSpec{
		Kind: planning.KindProtectedArea, Name: "osm-protected-areas", Category: "RDD",
		Source: "OpenStreetMap via Geofabrik, 2018-01-03", Licence: "ODbL 1.0",
	}, f, nil)
	if err != nil {
		t.Fatalf("ImportLayer(%s): %v", path, err)
	}
	if rep.Features != 2 || len(rep.Repairs) != 0 {
		t.Errorf("import = %d features, %d repairs; want 2, 0", rep.Features, len(rep.Repairs))
	}
	// 105.63 E 21.47 N is inside the park (checked with ST_Covers on the
	// same file loaded by ogr2ogr).
	hits, err := s.zones.ZonesNear(context.Background(), planning.ZoneQuery{
		Location: [2]float64{105.63, 21.47}, RadiusM: 500, Kinds: []string{planning.KindProtectedArea}})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 1 || hits[0].Name != "Vườn quốc gia Tam Đảo" || hits[0].DistanceM != 0 || hits[0].Category != "RDD" {
		t.Fatalf("ZonesNear(105.63 21.47) = %+v, want Vườn quốc gia Tam Đảo at 0 m", hits)
	}
	var osmID string
	if err := s.pool.QueryRow(context.Background(), "SELECT attributes->>'osm_id' FROM zone WHERE id = $1", hits[0].ZoneID).Scan(&osmID); err != nil || osmID != "7146027" {
		t.Errorf("osm_id of the hit = %q, %v; want 7146027", osmID, err)
	}
}
