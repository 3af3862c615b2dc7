package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"btsplan/data/datatest"
)

// TestImportSitesCLI runs "btsplan import sites" through run() over a real
// PostGIS with the SYNTHETIC fixtures of data/testdata/networks. No DEM is
// loaded here: the import is refused with that reason unless
// --allow-outside-dem.
func TestImportSitesCLI(t *testing.T) {
	env := newTestEnv(t, datatest.NewURL(t))
	if _, _, err := runCmd(t, env, "migrate"); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	const fixtures = "../../data/testdata/networks/"
	csv := fixtures + "synthetic_opencellid.csv"

	_, _, err := runCmd(t, env, "import", "sites", "--file", csv, "--format", "opencellid")
	if err == nil || !strings.Contains(err.Error(), "no DEM is loaded") || !strings.Contains(err.Error(), "nothing was imported") {
		t.Errorf("import without a DEM = %v, want it refused: no DEM is loaded", err)
	}

	out, errOut, err := runCmd(t, env, "import", "sites", "--file", csv, "--format", "opencellid", "--name", "ocid", "--allow-outside-dem")
	if err != nil {
		t.Fatalf("import sites: %v\n%s", err, errOut)
	}
	var rep struct {
		Network struct {
			Name    string `json:"name"`
			Version int    `json:"version"`
		} `json:"network"`
		Sites      int      `json:"sites"`
		Cells      int      `json:"cells"`
		OutsideDEM []string `json:"outside_dem"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.Network.Name != "ocid" || rep.Network.Version != 1 ||
		rep.Sites != 4 || rep.Cells != 6 || len(rep.OutsideDEM) != 4 {
		t.Errorf("import sites = %s (%v), want ocid v1 with 4 sites, 6 cells, all 4 outside the DEM", out, err)
	}

	// A bad row names the file and its line; nothing is imported.
	bad := filepath.Join(t.TempDir(), "bad.csv")
	b, _ := os.ReadFile(csv)
	if err := os.WriteFile(bad, append(b, "LTE,452,4,1,2,101,105.6,21.4\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err = runCmd(t, env, "import", "sites", "--file", bad, "--format", "opencellid", "--name", "ocid", "--allow-outside-dem")
	if err == nil || !strings.Contains(err.Error(), "line 9: has 8 columns") || !strings.Contains(err.Error(), "bad.csv") {
		t.Errorf("bad import = %v, want an error naming bad.csv and line 9", err)
	}

	out, errOut, err = runCmd(t, env, "import", "sites", "--file", fixtures+"synthetic_sites.geojson", "--format", "geojson", "--name", "ocid", "--allow-outside-dem")
	if err != nil || !strings.Contains(out, `"version": 2`) {
		t.Errorf("geojson import = %s %s %v, want version 2 of ocid (the bad import made none)", out, errOut, err)
	}
}
