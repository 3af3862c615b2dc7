package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"btsplan/data/datatest"
	"btsplan/geo"
	"btsplan/geo/coverage"
	"btsplan/planning"
)

// writeSyntheticHGT writes an SRTM-3 tile N21E105.hgt into dir: ground at
// 50 m with an east-west ridge 800 m high 4 km north of (105.5, 21.5).
func writeSyntheticHGT(t *testing.T, dir string) string {
	t.Helper()
	const n = 1201
	b := make([]byte, n*n*2)
	_, latM := geo.MetresPerDegree(21.5)
	for y := range n {
		lat := 22 - float64(y)/1200
		dy := (lat-21.5)*latM - 4000
		h := 50 + 800*math.Exp(-dy*dy/(2*500*500))
		for x := range n {
			binary.BigEndian.PutUint16(b[2*(y*n+x):], uint16(int16(math.Round(h))))
		}
	}
	path := filepath.Join(dir, "N21E105.hgt")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// runCoverage runs "btsplan coverage args..." and returns stdout, stderr.
func runCoverage(t *testing.T, getenv func(string) string, args ...string) (string, string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), append([]string{"btsplan", "coverage"}, args...), getenv, strings.NewReader(""), &stdout, &stderr)
	return stdout.String(), stderr.String(), err
}

type cliSummary struct {
	ID           int64      `json:"id"`
	InputHash    string     `json:"input_hash"`
	Cached       bool       `json:"cached"`
	DEMVersion   string     `json:"dem_version"`
	Metric       string     `json:"metric"`
	ThresholdDBm float64    `json:"threshold_dbm"`
	AreaKm2      float64    `json:"area_km2"`
	CoveredCells int        `json:"covered_cells"`
	BBox         [4]float64 `json:"bbox"`
	Limits       struct {
		RadiusM             float64 `json:"radius_m"`
		TerrainLimitedCells int     `json:"terrain_limited_cells"`
	} `json:"limits"`
	Files map[string]string `json:"files"`
}

func noEnv(string) string { return "" }

func TestCoverageCommandSyntheticDEM(t *testing.T) {
	dir := t.TempDir()
	hgt := writeSyntheticHGT(t, dir)
	out := func(name string) string { return filepath.Join(dir, name) }
	stdout, stderr, err := runCoverage(t, noEnv,
		"--lon", "105.5", "--lat", "21.5", "--height", "30", "--freq", "900", "--tech", "GSM",
		"--tx-power", "43", "--losses", "3", "--sector", "0,2,15,65,7", "--sector", "180,2,15,65,7",
		"--radius", "8000", "--climate", "3", "--reliability", "50,90", "--dem", hgt,
		"--out-tif", out("c.tif"), "--out-png", out("c.png"), "--out-legend", out("l.png"), "--out-geojson", out("c.geojson"))
	if err != nil {
		t.Fatalf("coverage: %v\nstderr: %s", err, stderr)
	}
	var s cliSummary
	if err := json.Unmarshal([]byte(stdout), &s); err != nil {
		t.Fatalf("summary %s: %v", stdout, err)
	}
	if s.Metric != "level" || s.ThresholdDBm != -95 || s.AreaKm2 <= 0 || s.Limits.RadiusM != 8000 ||
		!strings.HasPrefix(s.DEMVersion, "file:N21E105@sha256:") || !strings.HasPrefix(s.InputHash, "sha256:") {
		t.Errorf("summary %+v: want GSM level -95 dBm, a covered area, 8 km, the file's DEM version", s)
	}
	// The ridge 4 km north shadows the land behind it.
	if s.Limits.TerrainLimitedCells == 0 {
		t.Errorf("TerrainLimitedCells = 0, want the ridge's shadow counted")
	}
	for _, k := range []string{"tif", "png", "legend.png", "geojson"} {
		if _, err := os.Stat(s.Files[k]); err != nil {
			t.Errorf("file %s: %v", k, err)
		}
	}
	checkGDAL(t, out("c.tif"), out("c.geojson"), s.BBox)

	// The same inputs give the same hash; another EIRP another.
	stdout2, _, err := runCoverage(t, noEnv, "--lon", "105.5", "--lat", "21.5", "--height", "30", "--freq", "900", "--tech", "GSM",
		"--tx-power", "43", "--losses", "3", "--sector", "0,2,15,65,7", "--sector", "180,2,15,65,7",
		"--radius", "8000", "--climate", "3", "--reliability", "50,90", "--dem", hgt, "--workers", "1")
	if err != nil {
		t.Fatal(err)
	}
	var s2 cliSummary
	if err := json.Unmarshal([]byte(stdout2), &s2); err != nil {
		t.Fatal(err)
	}
	if s2.InputHash != s.InputHash || s2.AreaKm2 != s.AreaKm2 {
		t.Errorf("second run with --workers 1: %s %.4f km², want %s %.4f km²", s2.InputHash, s2.AreaKm2, s.InputHash, s.AreaKm2)
	}
}

// checkGDAL makes GIS clients read the outputs: gdalinfo the GeoTIFF and
// ogrinfo the GeoJSON. Missing tools skip, unless CI is set.
func checkGDAL(t *testing.T, tif, gj string, bbox [4]float64) {
	t.Helper()
	need := func(tool string) bool {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is not installed but CI is set: install gdal-bin", tool)
			}
			t.Logf("skipping the %s check: %v", tool, err)
			return false
		}
		return true
	}
	if need("gdalinfo") {
		b, err := exec.Command("gdalinfo", "-json", tif).Output()
		if err != nil {
			t.Fatalf("gdalinfo %s: %v", tif, err)
		}
		var info struct {
			Size             [2]int `json:"size"`
			CoordinateSystem struct {
				WKT string `json:"wkt"`
			} `json:"coordinateSystem"`
			CornerCoordinates struct {
				UpperLeft  [2]float64 `json:"upperLeft"`
				LowerRight [2]float64 `json:"lowerRight"`
			} `json:"cornerCoordinates"`
			Bands []struct {
				Type        string   `json:"type"`
				NoDataValue *float64 `json:"noDataValue"`
			} `json:"bands"`
		}
		if err := json.Unmarshal(b, &info); err != nil {
			t.Fatalf("gdalinfo -json: %v", err)
		}
		if !strings.Contains(info.CoordinateSystem.WKT, `ID["EPSG",4326]`) {
			t.Errorf("gdalinfo CRS %.200s, want EPSG:4326", info.CoordinateSystem.WKT)
		}
		if len(info.Bands) != 1 || info.Bands[0].Type != "Float32" || info.Bands[0].NoDataValue == nil || *info.Bands[0].NoDataValue != -9999 {
			t.Errorf("gdalinfo bands %+v, want one Float32 band with nodata -9999", info.Bands)
		}
		ul, lr := info.CornerCoordinates.UpperLeft, info.CornerCoordinates.LowerRight
		if !geo.Near(ul[0], bbox[0], 1e-6) || !geo.Near(ul[1], bbox[3], 1e-6) || !geo.Near(lr[0], bbox[2], 1e-6) || !geo.Near(lr[1], bbox[1], 1e-6) {
			t.Errorf("gdalinfo corners %v %v, want the summary's bbox %v", ul, lr, bbox)
		}
	}
	if need("ogrinfo") {
		b, err := exec.Command("ogrinfo", "-ro", "-al", "-so", gj).CombinedOutput()
		if err != nil {
			t.Fatalf("ogrinfo %s: %v\n%s", gj, err, b)
		}
		for _, want := range []string{"Geometry: Multi Polygon", "Feature Count: 1", `ID["EPSG",4326]`, "area_km2: Real"} {
			if !strings.Contains(string(b), want) {
				t.Errorf("ogrinfo output lacks %q:\n%s", want, b)
			}
		}
	}
}

func TestCoverageCommandBadFlags(t *testing.T) {
	dir := t.TempDir()
	hgt := writeSyntheticHGT(t, dir)
	base := []string{"--lon", "105.5", "--lat", "21.5", "--freq", "900", "--tech", "GSM", "--eirp", "55", "--dem", hgt}
	tests := []struct {
		name    string
		args    []string
		usage   bool
		wantMsg string
	}{
		{"no location", []string{"--freq", "900", "--eirp", "55"}, true, "missing --lat, --lon"},
		{"frequency", append(append([]string{}, base...), "--freq", "5"), false, "--freq"},
		{"sector EIRP", append(append([]string{}, base...), "--eirp", "500"), false, "--eirp/--tx-power"},
		{"sector spec", append(append([]string{}, base...), "--sector", "0,x"), true, "not a number"},
		{"beamwidth", append(append([]string{}, base...), "--sector", "0,2,15,400,7"), false, "--sector 0: sectors/0/hbw_deg"},
		{"reliability", append(append([]string{}, base...), "--reliability", "50"), false, "--reliability"},
		{"climate", append(append([]string{}, base...), "--climate", "9"), false, "--climate"},
		{"terrain sampling", append(append([]string{}, base...), "--terrain-sampling", "cubic"), false, "--terrain-sampling"},
		{"metric and technology", append(append([]string{}, base...), "--metric", "RSRP"), false, "--metric"},
		{"disc beyond the DEM", append(append([]string{}, base...), "--lon", "105.02"), false, "--lon/--lat"},
		{"over the coverage budget", append(append([]string{}, base...), "--radius", "40000", "--cell", "0.1"), false, "--cell: cell_arcsec: a 40000 m radius at 0.1\" cells"},
		{"13 sectors", append(append([]string{}, base...), "--sector", "0", "--sector", "30", "--sector", "60", "--sector", "90", "--sector", "120",
			"--sector", "150", "--sector", "180", "--sector", "210", "--sector", "240", "--sector", "270", "--sector", "300", "--sector", "330", "--sector", "345"), false, "--sector"},
		{"workers", append(append([]string{}, base...), "--workers", "100000"), false, "--workers"},
		{"refractivity NaN", append(append([]string{}, base...), "--n0", "NaN"), false, "--n0"},
		{"no DEM and no database", []string{"--lon", "105.5", "--lat", "21.5", "--freq", "900", "--tech", "GSM", "--eirp", "55"}, false, "DATABASE_URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, err := runCoverage(t, noEnv, tt.args...)
			if err == nil {
				t.Fatalf("coverage %v succeeded, want an error", tt.args)
			}
			if got := errors.Is(err, errUsage); got != tt.usage {
				t.Errorf("usage error = %v, want %v (%v)", got, tt.usage, err)
			}
			if msg := err.Error() + stderr; !strings.Contains(msg, tt.wantMsg) {
				t.Errorf("error %q (stderr %q), want it to mention %q", err, stderr, tt.wantMsg)
			}
		})
	}
	if _, _, err := runCoverage(t, noEnv, "--help"); err != nil {
		t.Errorf("--help: %v, want success", err)
	}
}

// TestCoverageCommandRealTileStored runs the command on the real SRTM tile
// of Tam Đảo and stores the result: the second run is served from the
// database. It needs ../shared/data (skip locally, fail in CI) and
// TEST_DATABASE_URL (the same rule, through datatest).
func TestCoverageCommandRealTileStored(t *testing.T) {
	tile := filepath.Join("..", "..", "..", "shared", "data", "vn", "dem", "N21E105.hgt")
	if _, err := os.Stat(tile); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s: %v (CI needs ../shared/data beside the project)", tile, err)
		}
		t.Skipf("skipping: %v", err)
	}
	pool := datatest.New(t)
	dataDir := t.TempDir()
	env := func(k string) string {
		switch k {
		case "DATABASE_URL":
			return pool.Config().ConnString()
		case "BTSPLAN_DATA_DIR":
			return dataDir
		}
		return ""
	}
	args := []string{"--lon", "105.60", "--lat", "21.40", "--height", "30", "--freq", "1800", "--tech", "LTE", "--eirp", "60",
		"--radius", "15000", "--dem", tile, "--store", "--out-tif", filepath.Join(dataDir, "out.tif")}
	var first cliSummary
	for i, wantCached := range []bool{false, true} {
		stdout, stderr, err := runCoverage(t, env, args...)
		if err != nil {
			t.Fatalf("run %d: %v\n%s", i+1, err, stderr)
		}
		var s cliSummary
		if err := json.Unmarshal([]byte(stdout), &s); err != nil {
			t.Fatal(err)
		}
		if s.Cached != wantCached || s.ID == 0 {
			t.Errorf("run %d: cached %v id %d, want cached %v and an id", i+1, s.Cached, s.ID, wantCached)
		}
		if i == 0 {
			first = s
			continue
		}
		if s.ID != first.ID || s.AreaKm2 != first.AreaKm2 {
			t.Errorf("cached run: id %d %.3f km², want %d %.3f km²", s.ID, s.AreaKm2, first.ID, first.AreaKm2)
		}
		if st, err := os.Stat(filepath.Join(dataDir, "out.tif")); err != nil || st.Size() == 0 {
			t.Errorf("--out-tif from the store: %v", err)
		}
	}
	// Tam Đảo's ridge leaves a large terrain shadow; the plain is covered.
	if first.Limits.TerrainLimitedCells < 1000 || first.AreaKm2 < 50 {
		t.Errorf("area %.1f km², terrain-limited cells %d: want the plain covered and the ridge's shadow counted", first.AreaKm2, first.Limits.TerrainLimitedCells)
	}
	t.Logf("Tam Đảo plain site: %.1f km² covered, %d terrain-limited cells", first.AreaKm2, first.Limits.TerrainLimitedCells)
}

// TestCoverageCommandRadioDefaults: without --climate, --n0, --rx-height
// and --reliability the command reads the one radio configuration
// (planning/radio/defaults.yaml), as proposals and POST /v1/coverage do,
// not the engine's SPLAT!-like climate 5 and N0 301.
func TestCoverageCommandRadioDefaults(t *testing.T) {
	book, err := planning.LoadRadioBook(nil)
	if err != nil {
		t.Fatal(err)
	}
	nat := book.National()
	hgt := writeSyntheticHGT(t, t.TempDir())
	base := []string{"--lon", "105.5", "--lat", "21.5", "--freq", "900", "--tech", "GSM", "--eirp", "57", "--radius", "2000", "--dem", hgt}
	tests := []struct {
		name        string
		extra       []string
		wantClimate int
		wantN0      float64
	}{
		{"defaults", nil, nat.Climate, nat.N0},
		{"--climate overrides only the climate", []string{"--climate", "5"}, 5, nat.N0},
		{"--terrain-sampling nearest", []string{"--terrain-sampling", "nearest"}, nat.Climate, nat.N0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, err := runCoverage(t, noEnv, append(append([]string{}, base...), tt.extra...)...)
			if err != nil {
				t.Fatalf("coverage: %v\nstderr: %s", err, stderr)
			}
			var s struct {
				Inputs coverage.Inputs `json:"inputs"`
			}
			if err := json.Unmarshal([]byte(stdout), &s); err != nil {
				t.Fatal(err)
			}
			want := nat.Radio()
			want.Climate, want.N0 = tt.wantClimate, tt.wantN0
			wantSampling := coverage.SamplingBilinear
			if len(tt.extra) > 1 && tt.extra[0] == "--terrain-sampling" {
				wantSampling = coverage.TerrainSampling(tt.extra[1])
			}
			if s.Inputs.TerrainSampling != wantSampling {
				t.Errorf("inputs terrain sampling %q, want %q", s.Inputs.TerrainSampling, wantSampling)
			}
			if s.Inputs.Radio != want || s.Inputs.RxHeightM != nat.RxHeightM {
				t.Errorf("inputs radio %+v, rx %g m; want %+v, %g m", s.Inputs.Radio, s.Inputs.RxHeightM, want, nat.RxHeightM)
			}
		})
	}
}
