package data

import (
	"errors"
	"strings"
	"testing"

	"btsplan/planning"
)

// TestFeatureChecker covers what the tokenizer finds for the checker
// (duplicate names, invalid UTF-8, lone surrogates), with the pointer of
// the member at fault, also when it is found looking ahead for a
// geometry's type, and that checks key on names as written, escapes
// decoded.
func TestFeatureChecker(t *testing.T) {
	const pt = `{"type": "Point", "coordinates": [105.6, 21.4]}`
	feature := func(props, geometry string) string {
		return `{"type": "Feature", "properties": ` + props + `, "geometry": ` + geometry + `}`
	}
	tests := []struct {
		name      string
		raw       string
		wantField string // "" when the feature passes
		wantMsg   string
	}{
		{"a Point", feature(`{"ten": "Khu A", "n": 1.5}`, pt), "", ""},
		{"type written with an escape", feature(`{}`, `{"typ\u0065": "Point", "coordinates": [105.6, 21.4]}`), "", ""},
		{"coordinates given twice before the type", feature(`{}`, `{"coordinates": [1, 2], "coordinates": [1, 2], "type": "Point"}`),
			"/features/0/geometry/coordinates", `the member "coordinates" is given twice`},
		{"a name given twice deep in properties", feature(`{"a": [{"b": 1, "b": 2}]}`, pt),
			"/features/0/properties/a/0/b", `the member "b" is given twice`},
		{"a lone surrogate found looking for the type", feature(`{}`, `{"type": "GeometryCollection", "geometries": [{"coordinates": [1, 2], "x": "\ud800", "type": "Point"}]}`),
			"/features/0/geometry/geometries/0/x", "surrogate"},
		{"invalid UTF-8 in the id", "{\"type\": \"Feature\", \"id\": \"\xff\", \"geometry\": null}", "/features/0/id", "feature 0: invalid UTF-8"},
		{"a control character in a long property name", feature(`{"`+strings.Repeat("k", 100)+`": {"a\nb": 1}}`, pt),
			"/features/0/properties/…", "a property name contains the control character U+000A"},
		{"a NUL in a property named with an escape", feature(`{"t\u00ean": "\u0000"}`, pt), "/features/0/properties/tên", `property "tên" contains a NUL`},
		{"a number in properties beyond float64", feature(`{"a": {"b": -1e999}}`, pt), "/features/0/properties/a/b", `the number -1e999 in property "a" is out of range`},
		{"a GeometryCollection with a geometries number", feature(`{}`, `{"type": "GeometryCollection", "geometries": 5}`),
			"/features/0/geometry/geometries", "a GeometryCollection needs a geometries array"},
	}
	var c featureChecker // one for all, as a stream uses it
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := c.check([]byte(tc.raw), 0)
			if tc.wantField == "" {
				if err != nil {
					t.Fatalf("check = %v, want nil", err)
				}
				return
			}
			field, msg := planning.FieldOf(err), ""
			if err != nil {
				msg = err.Error()
			}
			var ge *geomError
			if errors.As(err, &ge) {
				field = "/features/0/geometry" + ge.at
			}
			if field != tc.wantField || !strings.Contains(msg, tc.wantMsg) {
				t.Errorf("check = %q at %q, want %q at %q", msg, field, tc.wantMsg, tc.wantField)
			}
		})
	}
}
