package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"btsplan/data/datatest"
)

// TestGapsCLI runs "btsplan gaps" through run() over a real PostGIS: the
// synthetic tile (an 800 m ridge 4 km north of 105.5, 21.5), three
// SYNTHETIC villages and one SYNTHETIC Viettel site south of the ridge,
// all imported through the command line. The village beside the site is
// covered, the one behind the ridge and the one 28 km away are trắng
// sóng: total not-spots, since Viettel is the only carrier.
func TestGapsCLI(t *testing.T) {
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
	villages := write("villages.geojson", `{"type": "FeatureCollection", "features": [
 {"type": "Feature", "properties": {"ten": "Thôn Cạnh Trạm (SYNTHETIC)", "loai": "village", "dan_so": 500},
  "geometry": {"type": "Point", "coordinates": [105.51, 21.49]}},
 {"type": "Feature", "properties": {"ten": "Bản Sau Núi (SYNTHETIC)", "loai": "village", "dan_so": 320},
  "geometry": {"type": "Point", "coordinates": [105.50, 21.56]}},
 {"type": "Feature", "properties": {"ten": "Bản Xa (SYNTHETIC)", "loai": "hamlet", "dan_so": 150},
  "geometry": {"type": "Point", "coordinates": [105.50, 21.75]}}]}`)
	must("import", "layer", "--file", villages, "--kind", "settlement", "--name", "villages", "--category-field", "loai",
		"--name-field", "ten", "--population-field", "dan_so", "--allow-outside")
	sites := write("sites.geojson", `{"type": "FeatureCollection", "features": [
 {"type": "Feature", "geometry": {"type": "Point", "coordinates": [105.50, 21.50]},
  "properties": {"carrier": "452-04", "site_code": "SYNTHETIC-VT-1", "height_m": 30,
   "antennas": [{"technology": "GSM", "band_mhz": 900, "omni": true, "eirp_dbm": 57}]}}]}`)
	must("import", "sites", "--file", sites, "--format", "geojson", "--name", "synthetic")

	outV, outG := filepath.Join(dir, "v.geojson"), filepath.Join(dir, "g.geojson")
	out := must("gaps", "--bbox", "105.45,21.45,105.55,21.80", "--carrier", "452-04", "--out-villages", outV, "--out-gaps", outG)
	var s struct {
		ID     int64  `json:"id"`
		State  string `json:"state"`
		Counts struct {
			Villages int `json:"villages"`
			Carriers map[string]struct {
				Covered   int `json:"covered"`
				LomSong   int `json:"lom_song"`
				TrangSong int `json:"trang_song"`
			} `json:"carriers"`
			NotSpot map[string]int `json:"not_spot"`
			GapKm2  float64        `json:"gap_km2"`
		} `json:"counts"`
		Files    map[string]string `json:"files"`
		Official *struct {
			ListVersion *int   `json:"list_version"`
			NotListed   int    `json:"not_listed"`
			Note        string `json:"note"`
		} `json:"official"`
	}
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("summary %s: %v", out, err)
	}
	vt := s.Counts.Carriers["452-04"]
	if s.State != "done" || s.Counts.Villages != 3 || vt.Covered != 1 || vt.TrangSong != 2 ||
		s.Counts.NotSpot["total"] != 2 || s.Counts.NotSpot["none"] != 1 || !(s.Counts.GapKm2 > 0) {
		t.Errorf("summary %s: want done, 3 villages, Viettel covering 1 and leaving 2 trắng sóng, 2 total not-spots, a gap area", out)
	}
	// No official list is imported: the summary says so, and what a
	// prediction is worth.
	if o := s.Official; o == nil || o.ListVersion != nil || o.NotListed != 3 || !strings.Contains(o.Note, "not a measurement") {
		t.Errorf("summary %s: want official with no list, 3 villages not listed, the note", out)
	}
	for key, path := range map[string]string{"villages": outV, "gaps": outG} {
		var fc struct {
			Type     string            `json:"type"`
			Features []json.RawMessage `json:"features"`
		}
		b, err := os.ReadFile(path)
		if err != nil || json.Unmarshal(b, &fc) != nil || fc.Type != "FeatureCollection" || len(fc.Features) == 0 || s.Files[key] != path {
			t.Errorf("--out-%s %s: %d features (%v), files %v; want a FeatureCollection, named in the summary", key, path, len(fc.Features), err, s.Files)
		}
	}
	b, _ := os.ReadFile(outV)
	if !strings.Contains(string(b), "Bản Sau Núi (SYNTHETIC)") || !strings.Contains(string(b), `"not_spot":"total"`) {
		t.Errorf("villages GeoJSON lacks the shadowed village or its not_spot: %.300s", b)
	}

	bad := []struct {
		name     string
		args     []string
		wantFlag string
	}{
		{"no area", []string{"gaps"}, "--admin-unit or --bbox"},
		{"both areas", []string{"gaps", "--admin-unit", "26", "--bbox", "105,21,106,22"}, "--admin-unit and --bbox"},
		{"bbox shape", []string{"gaps", "--bbox", "105,21,106"}, "--bbox"},
		{"unknown admin unit", []string{"gaps", "--admin-unit", "no-such-unit"}, "--admin-unit"},
		{"unknown carrier", []string{"gaps", "--bbox", "105.45,21.45,105.55,21.80", "--carrier", "452-99"}, "--carrier"},
		{"reliability", []string{"gaps", "--bbox", "105.45,21.45,105.55,21.80", "--reliability", "50"}, "--reliability"},
		{"threshold", []string{"gaps", "--bbox", "105.45,21.45,105.55,21.80", "--threshold-dbm", "loud"}, "--threshold-dbm"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := runCmd(t, env, tt.args...)
			if err == nil || !strings.HasPrefix(err.Error(), tt.wantFlag) {
				t.Errorf("btsplan %s = %v, want an error beginning with %s", strings.Join(tt.args, " "), err, tt.wantFlag)
			}
		})
	}
}
