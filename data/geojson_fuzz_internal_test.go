package data

import (
	"bytes"
	"errors"
	"io"
	"regexp"
	"strings"
	"testing"

	"btsplan/planning"
)

// LayerSeeds are the seed corpus of FuzzLayerDecode and FuzzLayerImport
// (exported to data_test): good files and each kind of hostile one; more
// are in testdata/fuzz/FuzzLayerDecode.
var LayerSeeds = []string{
	`{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "a"}, "geometry": {"type": "Polygon", "coordinates": [[[105.6, 21.4], [105.61, 21.4], [105.61, 21.41], [105.6, 21.4]]]}}]}`,
	`{"type": "FeatureCollection", "features": [{"type": "Feature", "id": 3, "properties": null, "geometry": {"type": "Point", "coordinates": [105.6, 21.4, 12]}}]}`,
	`{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "GeometryCollection", "geometries": [{"type": "LineString", "coordinates": [[105.6, 21.4], [105.7, 21.5]]}]}}]}`,
	`{"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::9210"}}, "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [487368.6, 2374991.4]}}]}`,
	`{"type": "FeatureCollection", "features": []}`,
	`{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [[[105.6, 21.4], [105.61, 21.4]]]}}]}`,
	`{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"a": "\u0000", "a": 1}, "geometry": null}]}`,
	`{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"x": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}, "geometry": {"type": "Point", "coordinates": [105.6, 21.4]}}]}`,
	`{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": ["NaN", 1e308]}}]}`,
	`{"type": "FeatureCollection", "crs": 5, "features": [{"type": 5}]}`,
	"{\"type\": \"FeatureCollection\", \"features\": [{\"type\": \"Feature\", \"properties\": {\"t\xffn\": \"\\ud800\"}, \"geometry\": {\"type\": \"Point\", \"coordinates\": [105.6, 21.4]}}]}",
	`{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [[[105.7, 21.4], [105.71, 21.4], [105.71, 21.41], [105.7, 21.41], [105.7, 21.4]], [[105.72, 21.42], [105.73, 21.42], [105.73, 21.43], [105.72, 21.43], [105.72, 21.42]]]}}]}`,
	// What orb/geojson decodes without a word (a short position, member
	// names in another case, geometries on a Point) or trips on (a null
	// collection member: a nil dereference).
	`{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "GeometryCollection", "geometries": [{"type": "Point", "coordinates": [105.6, 21.4]}, null]}}]}`,
	`{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": {"coordinates": [[105.6], [105.7, 21.4, 0, 1]], "bbox": [1, 2], "type": "LineString"}}]}`,
	`{"type": "FeatureCollection", "features": [{"type": "Feature", "Properties": {"a": "\u0000"}, "geometry": {"type": "Point", "COORDINATES": []}}]}`,
	`{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [105.6, 21.4], "geometries": [{"type": "Circle", "coordinates": null}]}}]}`,
}

// errorPlace is what every decode error must name: a feature, a member of
// the collection, or a byte offset.
var errorPlace = regexp.MustCompile(`feature \d+|byte \d+|size limit`)

// FuzzLayerDecode feeds arbitrary bytes to the layer stream decoder (no
// database): it must never panic, every error must be Invalid, name a
// feature index or a byte offset, and hold no internal text, and no
// geometry featureChecker passes may be one orb/geojson refuses.
func FuzzLayerDecode(f *testing.F) {
	for _, s := range LayerSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		err := decodeAll(b, 1<<20)
		if err == nil {
			return
		}
		if planning.KindOf(err) != planning.Invalid {
			t.Fatalf("decode error %v is %v, want Invalid", err, planning.KindOf(err))
		}
		msg := err.Error()
		if !errorPlace.MatchString(msg) {
			t.Errorf("decode error %q (field %q) names no feature, member or byte offset", msg, planning.FieldOf(err))
		}
		if strings.Contains(msg, errUndecodable.Error()) {
			t.Errorf("orb/geojson refused a geometry featureChecker passed: %q", b)
		}
		for _, bad := range []string{"SQLSTATE", "Go struct", "Go value", "rawFeature", "geomJSON", "json: ", "unmarshal"} {
			if strings.Contains(msg, bad) {
				t.Errorf("decode error %q holds internal text %q", msg, bad)
			}
		}
	})
}

// decodeAll reads b as an import does: header, every feature (checked and
// encoded as WKB), trailer, reading at most maxBytes (0: no limit).
func decodeAll(b []byte, maxBytes int64) error {
	s := newFeatureStream(bytes.NewReader(b), maxBytes)
	if err := s.header(); err != nil {
		return err
	}
	for {
		f, err := s.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if _, _, err := f.prop("name"); err != nil {
			return planning.FieldError("/features", "feature %d: %v", f.Index, err)
		}
		if _, err := wkbOf(f.Geometry); err != nil {
			return planning.FieldError("/features", "feature %d: %v", f.Index, err)
		}
	}
	return s.trailer()
}
