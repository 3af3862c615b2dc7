package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"btsplan/data/datatest"
)

// TestImportOutside: a layer whose features land outside the source CRS's
// area of use, outside Vietnam or outside every admin unit loaded is
// refused, naming the file, the feature and the reason, with nothing
// stored; --allow-outside imports it where that is meant. Numbers that
// look like degrees in a projected CRS are refused even then.
func TestImportOutside(t *testing.T) {
	pool := datatest.New(t)
	env := newTestEnv(t, pool.Config().ConnString())
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	square := func(lon, lat float64) string {
		return fmt.Sprintf(`{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "khu A"},
			"geometry": {"type": "Polygon", "coordinates": [[[%[1]v, %[2]v], [%[3]v, %[2]v], [%[3]v, %[4]v], [%[1]v, %[4]v], [%[1]v, %[2]v]]]}}]}`,
			lon, lat, lon+0.01, lat+0.01)
	}
	layers := func() int {
		var n int
		if err := pool.QueryRow(context.Background(), "SELECT count(*) FROM layer").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	// Without admin units, only the CRS's area of use (and Vietnam) counts.
	_, _, err := runCmd(t, env, "import", "layer", "--file", write("null-island.geojson", square(100.51, 0.0)),
		"--kind", "landuse", "--name", "a", "--category", "ONT")
	if err == nil || !strings.Contains(err.Error(), "null-island.geojson") || !strings.Contains(err.Error(), "feature 0") ||
		!strings.Contains(err.Error(), "area of use") || !strings.Contains(err.Error(), "nothing was imported") {
		t.Errorf("import at 100.51 E, 0.00 N: err = %v, want the file, feature 0, the area of use, nothing imported", err)
	}
	province := write("province.geojson", `{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"code": "26", "name": "Vĩnh Phúc"},
		"geometry": {"type": "Polygon", "coordinates": [[[105.3, 21.1], [105.9, 21.1], [105.9, 21.6], [105.3, 21.6], [105.3, 21.1]]]}}]}`)
	if _, _, err := runCmd(t, env, "import", "admin", "--file", province, "--level", "province"); err != nil {
		t.Fatalf("import admin: %v", err)
	}
	hue := write("hue.geojson", square(107.58, 16.46))
	tests := []struct {
		name    string
		args    []string
		wantErr []string // substrings; nil means success
	}{
		{"lon/lat read as VN-2000 / UTM 48N", []string{"--file", write("degrees.geojson", square(105.6, 21.4)), "--srid", "3405"},
			[]string{"degrees.geojson", "feature 0", "look like longitude and latitude", "EPSG:3405"}},
		{"lon/lat read as VN-2000 / UTM 48N, even with --allow-outside", []string{"--file", filepath.Join(dir, "degrees.geojson"), "--srid", "3405", "--allow-outside"},
			[]string{"feature 0", "look like longitude and latitude"}},
		{"lon/lat in a file whose crs says EPSG:3857", []string{"--file", write("mercator.geojson",
			strings.Replace(square(105.6, 21.4), `"features"`, `"crs": {"type": "name", "properties": {"name": "EPSG:3857"}}, "features"`, 1))},
			[]string{"feature 0", "EPSG:3857", "the file's crs member"}},
		{"in Vietnam but outside every admin unit", []string{"--file", hue}, []string{"hue.geojson", "feature 0", "outside every admin unit loaded", "allow_outside"}},
		{"outside every admin unit, allowed", []string{"--file", hue, "--allow-outside"}, nil},
		{"inside the province", []string{"--file", write("tamdao.geojson", square(105.6, 21.4))}, nil},
		{"--allow-outside=maybe", []string{"--file", hue, "--allow-outside=maybe"}, []string{"allow-outside"}},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := layers()
			args := append([]string{"import", "layer", "--kind", "landuse", "--name", fmt.Sprintf("l%d", i), "--category", "ONT"}, tc.args...)
			_, stderr, err := runCmd(t, env, args...)
			after := layers()
			if tc.wantErr == nil {
				if err != nil || after != before+1 {
					t.Errorf("import %v: err = %v, layers %d → %d; want success and one more layer", tc.args, err, before, after)
				}
				return
			}
			if err == nil {
				t.Fatalf("import %v succeeded, want an error", tc.args)
			}
			for _, w := range tc.wantErr {
				if !strings.Contains(err.Error()+stderr, w) {
					t.Errorf("import %v: err = %v (stderr %q), want it to contain %q", tc.args, err, stderr, w)
				}
			}
			if after != before {
				t.Errorf("layers %d → %d after a refused import, want unchanged", before, after)
			}
		})
	}
}
