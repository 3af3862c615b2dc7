package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"btsplan/data/datatest"
)

// TestSearchCLI runs "btsplan search" through run() over a real PostGIS
// with the synthetic ridge tile, two SYNTHETIC villages and a Viettel
// site: the search runs through the queue and the summary says what it
// did. No admin unit is loaded, so zoning can assess no candidate and
// none is chosen. Bad flags are named.
func TestSearchCLI(t *testing.T) {
	env := newTestEnv(t, datatest.NewURL(t))
	dir := t.TempDir()
	must := func(args ...string) string {
		t.Helper()
		out, errOut, err := runCmd(t, env, args...)
		if err != nil {
			t.Fatalf("btsplan %s: %v\n%s", strings.Join(args, " "), err, errOut)
		}
		return out
	}
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	must("migrate")
	must("import", "dem", writeSyntheticHGT(t, dir))
	must("import", "layer", "--file", write("villages.geojson", `{"type": "FeatureCollection", "features": [
 {"type": "Feature", "properties": {"ten": "Thôn Cạnh Trạm (SYNTHETIC)", "loai": "village", "dan_so": 500},
  "geometry": {"type": "Point", "coordinates": [105.51, 21.49]}},
 {"type": "Feature", "properties": {"ten": "Bản Sau Núi (SYNTHETIC)", "loai": "village", "dan_so": 320},
  "geometry": {"type": "Point", "coordinates": [105.50, 21.56]}}]}`),
		"--kind", "settlement", "--name", "villages", "--category-field", "loai", "--name-field", "ten",
		"--population-field", "dan_so", "--allow-outside")
	must("import", "sites", "--file", write("sites.geojson", `{"type": "FeatureCollection", "features": [
 {"type": "Feature", "geometry": {"type": "Point", "coordinates": [105.50, 21.50]},
  "properties": {"carrier": "452-04", "site_code": "SYNTHETIC-VT-1", "height_m": 30,
   "antennas": [{"technology": "GSM", "band_mhz": 900, "omni": true, "eirp_dbm": 57}]}}]}`),
		"--format", "geojson", "--name", "synthetic")

	out := filepath.Join(dir, "locations.geojson")
	var s struct {
		ID     int64  `json:"id"`
		State  string `json:"state"`
		Result struct {
			Targets         int    `json:"target_villages"`
			TargetsFrom     string `json:"targets_from"`
			ZoningChecked   int    `json:"zoning_checked"`
			ZoningUnchecked int    `json:"zoning_unchecked"`
			Guarantee       string `json:"guarantee"`
		} `json:"result"`
		Locations []json.RawMessage `json:"locations"`
		File      string            `json:"file"`
	}
	if err := json.Unmarshal([]byte(must("search", "--bbox", "105.45,21.45,105.55,21.60", "--carrier", "452-04", "--n", "2", "--out", out)), &s); err != nil {
		t.Fatal(err)
	}
	r := s.Result
	if s.State != "done" || r.TargetsFrom != "coverage" || r.Targets != 1 || !strings.Contains(r.Guarantee, "1 − 1/e") {
		t.Errorf("summary %+v: want done, 1 target (the village behind the ridge) from the coverage, and the guarantee", s)
	}
	if len(s.Locations) != 0 || r.ZoningUnchecked != r.ZoningChecked {
		t.Errorf("%d locations, zoning checked %d unassessable %d: want none chosen without admin units", len(s.Locations), r.ZoningChecked, r.ZoningUnchecked)
	}
	if b, err := os.ReadFile(out); err != nil || !strings.Contains(string(b), `"FeatureCollection"`) || s.File != out {
		t.Errorf("--out %s: %v %.100s (summary file %q)", out, err, b, s.File)
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"search", "--carrier", "452-04"}, "--admin-unit or --bbox"},
		{[]string{"search", "--bbox", "105.45,21.45,105.55,21.60"}, "--carrier"},
		{[]string{"search", "--bbox", "105.45,21.45,105.55,21.60", "--carrier", "452-04", "--n", "25"}, "--n: 25 is outside 1..20"},
		{[]string{"search", "--bbox", "105.45,21.45,105.55,21.60", "--carrier", "452-99"}, "--carrier: MNC 452-99 is not a carrier"},
		{[]string{"search", "--bbox", "105.1,21.1,105.2,21.2", "--carrier", "452-04"}, "--bbox: the area has no villages"},
	} {
		_, _, err := runCmd(t, env, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("btsplan %s: %v, want an error saying %q", strings.Join(tc.args, " "), err, tc.want)
		}
	}
}
