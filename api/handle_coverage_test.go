package api_test

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/paulmach/orb"

	"btsplan/api"
	"btsplan/geo"
	"btsplan/geo/coverage"
	"btsplan/geo/raster"
	"btsplan/geo/raster/geotiff"
	"btsplan/planning"
	"btsplan/planning/planningtest"
)

// hillTerrain is a fake TerrainSource: ground at 200 m with a 400 m hill
// 3 km north of wherever the window is centred, 3" cells.
func hillTerrain() *planningtest.TerrainSource {
	return &planningtest.TerrainSource{WindowFunc: func(_ context.Context, lon, lat, radiusM float64) (*geo.Grid, planning.TerrainInfo, error) {
		const d = 1.0 / 1200
		lonM, latM := geo.MetresPerDegree(lat)
		nx, ny := int(2*radiusM/(d*lonM))+4, int(2*radiusM/(d*latM))+4
		g, err := geo.NewGrid(nx, ny, lon-float64(nx)/2*d, lat+float64(ny)/2*d, d, d)
		if err != nil {
			return nil, planning.TerrainInfo{}, err
		}
		for y := range g.H {
			for x := range g.W {
				c := g.CellCentre(x, y)
				dx, dy := (c[0]-lon)*lonM, (c[1]-lat)*latM-3000
				g.Set(x, y, float32(200+400*math.Exp(-(dx*dx+dy*dy)/(2*400*400))))
			}
		}
		return g, planning.TerrainInfo{Version: "fake-hill-1", Tiles: []string{"N22E104"}}, nil
	}}
}

// memCoverageStore is an in-memory CoverageStore that encodes the files
// as data/ does, with geo/raster.
type memCoverageStore struct {
	mu    sync.Mutex
	byID  []planning.Coverage
	files map[string][]byte
	links map[int64]int64 // assessment → coverage
	props map[int64]int64 // proposal → coverage
}

func newMemCoverageStore() *memCoverageStore {
	return &memCoverageStore{files: map[string][]byte{}, links: map[int64]int64{}, props: map[int64]int64{}}
}

func (m *memCoverageStore) store() *planningtest.CoverageStore {
	get := func(id int64) (planning.Coverage, error) {
		if id < 1 || id > int64(len(m.byID)) {
			return planning.Coverage{}, planning.Errorf(planning.NotFound, "coverage %d not found", id)
		}
		return m.byID[id-1], nil
	}
	return &planningtest.CoverageStore{
		SaveCoverageFunc: func(_ context.Context, c *planning.Coverage) error {
			m.mu.Lock()
			defer m.mu.Unlock()
			c.ID = int64(len(m.byID) + 1)
			c.CreatedAt = testNow
			c.Files = map[planning.CoverageFile]string{}
			var tif, png, legend bytes.Buffer
			if err := geotiff.Write(&tif, c.Grid, -9999); err != nil {
				return err
			}
			if err := raster.RenderPNG(&png, c.Grid, raster.RSRPRamp()); err != nil {
				return err
			}
			if err := raster.RSRPRamp().LegendPNG(&legend, "RSRP"); err != nil {
				return err
			}
			for f, b := range map[planning.CoverageFile][]byte{planning.CoverageGeoTIFF: tif.Bytes(), planning.CoveragePNG: png.Bytes(), planning.CoverageLegend: legend.Bytes()} {
				name := fmt.Sprintf("coverage/%d.%s", c.ID, f)
				m.files[name] = b
				c.Files[f] = name
			}
			stored := *c
			stored.Grid = nil
			m.byID = append(m.byID, stored)
			return nil
		},
		CoverageFunc: func(_ context.Context, id int64) (planning.Coverage, error) {
			m.mu.Lock()
			defer m.mu.Unlock()
			return get(id)
		},
		CoverageByHashFunc: func(_ context.Context, h string) (planning.Coverage, error) {
			m.mu.Lock()
			defer m.mu.Unlock()
			for _, c := range m.byID {
				if c.InputHash == h {
					return c, nil
				}
			}
			return planning.Coverage{}, planning.Errorf(planning.NotFound, "no coverage %s", h)
		},
		LinkCoverageFunc: func(_ context.Context, proposalID, assessmentID, coverageID int64) error {
			m.mu.Lock()
			defer m.mu.Unlock()
			m.links[assessmentID] = coverageID
			m.props[proposalID] = coverageID
			return nil
		},
		AssessmentCoverageFunc: func(_ context.Context, assessmentID int64) (planning.Coverage, error) {
			m.mu.Lock()
			defer m.mu.Unlock()
			id, ok := m.links[assessmentID]
			if !ok {
				return planning.Coverage{}, planning.Errorf(planning.NotFound, "assessment %d has no coverage", assessmentID)
			}
			return get(id)
		},
		ProposalCoveragesFunc: func(_ context.Context, ids []int64) (map[int64]planning.Coverage, error) {
			m.mu.Lock()
			defer m.mu.Unlock()
			out := map[int64]planning.Coverage{}
			for _, pid := range ids {
				if id, ok := m.props[pid]; ok {
					c, _ := get(id)
					c.Covered = nil
					out[pid] = c
				}
			}
			return out, nil
		},
		OpenCoverageFileFunc: func(_ context.Context, c planning.Coverage, f planning.CoverageFile) (io.ReadCloser, error) {
			m.mu.Lock()
			defer m.mu.Unlock()
			b, ok := m.files[c.Files[f]]
			if !ok {
				return nil, planning.Errorf(planning.NotFound, "no file %s", f)
			}
			return io.NopCloser(bytes.NewReader(b)), nil
		},
	}
}

// withCoverage gives the test API a coverage service on the fake hill.
func withCoverage(m *memCoverageStore) option {
	return func(cfg *api.Config, ta *testAPI) {
		cfg.Coverage = planning.NewCoverageService(planning.CoverageConfig{}, hillTerrain(), m.store(), ta.props.store())
	}
}

// coverageBody is a valid POST /v1/coverage body: an LTE site with two
// sectors, 5 km.
func coverageBody() map[string]any {
	return map[string]any{
		"site": map[string]any{"location": []float64{clear[0], clear[1]}, "height_m": 30, "freq_mhz": 1800, "technology": "LTE"},
		"sectors": []map[string]any{
			{"azimuth_deg": 0, "elec_tilt_deg": 2, "hbw_deg": 65, "vbw_deg": 7, "eirp_dbm": 60},
			{"azimuth_deg": 180, "elec_tilt_deg": 2, "hbw_deg": 65, "vbw_deg": 7, "eirp_dbm": 60},
		},
		"options": map[string]any{"radius_m": 5000, "radio": map[string]any{"climate": 3, "n0": 360}},
	}
}

type coverageResp struct {
	ID           int64      `json:"id"`
	InputHash    string     `json:"input_hash"`
	Cached       bool       `json:"cached"`
	Model        string     `json:"model"`
	DEMVersion   string     `json:"dem_version"`
	Metric       string     `json:"metric"`
	ThresholdDBm float64    `json:"threshold_dbm"`
	AreaKm2      float64    `json:"area_km2"`
	BBox         [4]float64 `json:"bbox"`
	Limits       struct {
		RadiusM             float64  `json:"radius_m"`
		TerrainLimitedCells int      `json:"terrain_limited_cells"`
		DEMTiles            []string `json:"dem_tiles"`
	} `json:"limits"`
	Inputs struct {
		Location [2]float64 `json:"location"`
		Radio    struct {
			Climate int     `json:"climate"`
			N0      float64 `json:"n0"`
		} `json:"radio"`
		Sectors []struct {
			AzimuthDeg float64 `json:"azimuth_deg"`
		} `json:"sectors"`
	} `json:"inputs"`
	Links struct {
		Self, GeoJSON, GeoTIFF, PNG, Legend, Proposal string
	} `json:"links"`
}

func decodeCoverage(t *testing.T, rec *httptest.ResponseRecorder, wantStatus int) coverageResp {
	t.Helper()
	if rec.Code != wantStatus {
		t.Fatalf("status = %d, want %d; body %.500s", rec.Code, wantStatus, rec.Body)
	}
	var out coverageResp
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatalf("decode %s: %v", rec.Body, err)
	}
	return out
}

func TestCoverageAPI(t *testing.T) {
	mem := newMemCoverageStore()
	ta := newTestAPI(t, withCoverage(mem))

	rec := ta.do(t, "POST", "/v1/coverage", bytes.NewReader(mustJSON(t, coverageBody())))
	first := decodeCoverage(t, rec, http.StatusCreated)
	if loc := rec.Header().Get("Location"); loc != fmt.Sprintf("/v1/coverage/%d", first.ID) || first.Links.Self != loc {
		t.Errorf("Location = %q, links.self %q, want /v1/coverage/%d", loc, first.Links.Self, first.ID)
	}
	if first.Cached || first.AreaKm2 <= 0 || first.Metric != "RSRP" || first.ThresholdDBm != -110 || first.DEMVersion != "fake-hill-1" ||
		!strings.HasPrefix(first.InputHash, "sha256:") || !strings.HasPrefix(first.Model, "ITM 1.2.2") {
		t.Errorf("first result %+v: want computed, covered area, RSRP -110 dBm, DEM fake-hill-1, a sha256 hash and ITM 1.2.2", first)
	}
	if first.Inputs.Radio.Climate != 3 || first.Inputs.Radio.N0 != 360 || len(first.Inputs.Sectors) != 2 || first.Inputs.Location != [2]float64{clear[0], clear[1]} {
		t.Errorf("inputs %+v: want climate 3, N0 360, two sectors at %v", first.Inputs, clear)
	}
	if first.Limits.RadiusM != 5000 || first.Limits.TerrainLimitedCells == 0 || len(first.Limits.DEMTiles) != 1 {
		t.Errorf("limits %+v: want radius 5000, the hill's shadow counted and the tile named", first.Limits)
	}
	if b := first.BBox; !(b[0] < clear[0] && clear[0] < b[2] && b[1] < clear[1] && clear[1] < b[3]) {
		t.Errorf("bbox %v does not contain the site %v", b, clear)
	}

	again := decodeCoverage(t, ta.do(t, "POST", "/v1/coverage", bytes.NewReader(mustJSON(t, coverageBody()))), http.StatusOK)
	if !again.Cached || again.ID != first.ID || again.InputHash != first.InputHash {
		t.Errorf("same body again: cached %v id %d, want the cached %d", again.Cached, again.ID, first.ID)
	}

	t.Run("get", func(t *testing.T) {
		got := decodeCoverage(t, ta.do(t, "GET", first.Links.Self, nil), http.StatusOK)
		if got.ID != first.ID || got.AreaKm2 != first.AreaKm2 {
			t.Errorf("GET = %d %.3f km², want %d %.3f km²", got.ID, got.AreaKm2, first.ID, first.AreaKm2)
		}
	})

	t.Run("geojson", func(t *testing.T) {
		fc := decodeFC(t, ta.do(t, "GET", first.Links.GeoJSON, nil))
		if len(fc.Features) != 1 {
			t.Fatalf("%d features, want 1", len(fc.Features))
		}
		f := fc.Features[0]
		mp, ok := f.Geometry.(orb.MultiPolygon)
		if !ok || len(mp) == 0 {
			t.Fatalf("geometry %T with %d polygons, want a non-empty MultiPolygon", f.Geometry, len(mp))
		}
		if f.Properties["area_km2"] != first.AreaKm2 || f.Properties["threshold_dbm"] != -110.0 {
			t.Errorf("properties %v, want area_km2 %v and threshold_dbm -110", f.Properties, first.AreaKm2)
		}
	})

	t.Run("files", func(t *testing.T) {
		tests := []struct {
			target, ctype, magic string
		}{
			{first.Links.GeoTIFF, "image/tiff", "II*\x00"},
			{first.Links.PNG, "image/png", "\x89PNG"},
			{first.Links.Legend, "image/png", "\x89PNG"},
		}
		for _, tt := range tests {
			rec := ta.do(t, "GET", tt.target, nil)
			if rec.Code != 200 || rec.Header().Get("Content-Type") != tt.ctype || !strings.HasPrefix(rec.Body.String(), tt.magic) {
				t.Errorf("GET %s = %d %q %q..., want 200 %s %q", tt.target, rec.Code, rec.Header().Get("Content-Type"), rec.Body.String()[:min(4, rec.Body.Len())], tt.ctype, tt.magic)
			}
		}
	})

	t.Run("not found and malformed", func(t *testing.T) {
		tests := []struct {
			target     string
			wantStatus int
		}{
			{"/v1/coverage/99", 404},
			{"/v1/coverage/99.tif", 404},
			{"/v1/coverage/1.kml", 404},
			{"/v1/coverage/x", 400},
			{"/v1/coverage/0.png", 400},
			{"/v1/coverage/1.png/legend.png", 400},
		}
		for _, tt := range tests {
			decodeProblem(t, ta.do(t, "GET", tt.target, nil), tt.wantStatus)
		}
	})
}

// TestCoverageAPIRadioDefaults: a request without radio members gets the
// one radio configuration (planning/radio/defaults.yaml: climate 3, N0
// 360), as proposals and existing sites do, not the engine's SPLAT!-like
// DefaultRadio (climate 5, N0 301); a member the request gives overrides
// only itself.
func TestCoverageAPIRadioDefaults(t *testing.T) {
	book, err := planning.LoadRadioBook(nil)
	if err != nil {
		t.Fatal(err)
	}
	nat := book.National()
	tests := []struct {
		name        string
		radio       map[string]any // nil: no "radio" member
		wantClimate int
		wantN0      float64
	}{
		{"no radio member", nil, nat.Climate, nat.N0},
		{"climate only", map[string]any{"climate": 5}, 5, nat.N0},
		{"n0 only", map[string]any{"n0": 301}, nat.Climate, 301},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ta := newTestAPI(t, withCoverage(newMemCoverageStore()))
			body := coverageBody()
			opts := body["options"].(map[string]any)
			delete(opts, "radio")
			if tt.radio != nil {
				opts["radio"] = tt.radio
			}
			got := decodeCoverage(t, ta.do(t, "POST", "/v1/coverage", bytes.NewReader(mustJSON(t, body))), http.StatusCreated)
			if got.Inputs.Radio.Climate != tt.wantClimate || got.Inputs.Radio.N0 != tt.wantN0 {
				t.Errorf("inputs radio climate %d, N0 %g; want %d, %g", got.Inputs.Radio.Climate, got.Inputs.Radio.N0, tt.wantClimate, tt.wantN0)
			}
			if td, _ := nat.Tech("LTE"); got.ThresholdDBm != td.ThresholdDBm {
				t.Errorf("threshold %g dBm, want the radio defaults' %g", got.ThresholdDBm, td.ThresholdDBm)
			}
		})
	}
	t.Run("terrain sampling", func(t *testing.T) {
		ta := newTestAPI(t, withCoverage(newMemCoverageStore()))
		var hashes []string
		for _, ts := range []string{"", "bilinear", "nearest"} {
			body := coverageBody()
			if ts != "" {
				body["options"].(map[string]any)["terrain_sampling"] = ts
			}
			rec := ta.do(t, "POST", "/v1/coverage", bytes.NewReader(mustJSON(t, body)))
			if rec.Code != http.StatusCreated && rec.Code != http.StatusOK {
				t.Fatalf("terrain_sampling %q: status %d: %s", ts, rec.Code, rec.Body)
			}
			var out struct {
				InputHash string `json:"input_hash"`
				Inputs    struct {
					TerrainSampling string `json:"terrain_sampling"`
				} `json:"inputs"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
				t.Fatal(err)
			}
			if want := cmp.Or(ts, "bilinear"); out.Inputs.TerrainSampling != want {
				t.Errorf("terrain_sampling %q: inputs.terrain_sampling = %q, want %q", ts, out.Inputs.TerrainSampling, want)
			}
			hashes = append(hashes, out.InputHash)
		}
		if hashes[0] != hashes[1] || hashes[1] == hashes[2] {
			t.Errorf("hashes default %s, bilinear %s, nearest %s: want the default bilinear's and nearest its own", hashes[0], hashes[1], hashes[2])
		}
	})
	if nat.Climate == coverage.DefaultRadio().Climate || nat.N0 == coverage.DefaultRadio().N0 {
		t.Fatalf("the national defaults (%d, %g) equal the engine's: the test proves nothing", nat.Climate, nat.N0)
	}
}

func TestCoverageAPIBadInput(t *testing.T) {
	ta := newTestAPI(t, withCoverage(newMemCoverageStore()))
	tests := []struct {
		name       string
		edit       func(b map[string]any)
		raw        string
		wantStatus int
		wantField  string
	}{
		{name: "malformed JSON", raw: `{"site":`, wantStatus: 400},
		{name: "no site", edit: func(b map[string]any) { delete(b, "site") }, wantStatus: 422, wantField: "/site"},
		{name: "location of three numbers", edit: func(b map[string]any) { site(b)["location"] = []float64{1, 2, 3} }, wantStatus: 422, wantField: "/site/location"},
		{name: "location off the map", edit: func(b map[string]any) { site(b)["location"] = []float64{105, 95} }, wantStatus: 422, wantField: "/site/location"},
		{name: "frequency too low", edit: func(b map[string]any) { site(b)["freq_mhz"] = 5 }, wantStatus: 422, wantField: "/site/freq_mhz"},
		{name: "height too low", edit: func(b map[string]any) { site(b)["height_m"] = 0.1 }, wantStatus: 422, wantField: "/site/height_m"},
		{name: "unknown technology", edit: func(b map[string]any) { site(b)["technology"] = "WiMAX" }, wantStatus: 422, wantField: "/site/technology"},
		{name: "no threshold without technology", edit: func(b map[string]any) { site(b)["technology"] = "" }, wantStatus: 422, wantField: "/site/threshold_dbm"},
		{name: "no sector", edit: func(b map[string]any) { b["sectors"] = []any{} }, wantStatus: 422, wantField: "/sectors"},
		{name: "second sector EIRP", edit: func(b map[string]any) { sector(b, 1)["eirp_dbm"] = 500 }, wantStatus: 422, wantField: "/sectors/1/eirp_dbm"},
		{name: "sector without power", edit: func(b map[string]any) { delete(sector(b, 0), "eirp_dbm") }, wantStatus: 422, wantField: "/sectors/0/eirp_dbm"},
		{name: "beamwidth", edit: func(b map[string]any) { sector(b, 0)["hbw_deg"] = 400 }, wantStatus: 422, wantField: "/sectors/0/hbw_deg"},
		{name: "radius", edit: func(b map[string]any) { opts(b)["radius_m"] = 1e6 }, wantStatus: 422, wantField: "/options/radius_m"},
		{name: "cell", edit: func(b map[string]any) { opts(b)["cell_arcsec"] = 2 }, wantStatus: 422, wantField: "/options/cell_arcsec"},
		{name: "climate", edit: func(b map[string]any) { opts(b)["radio"].(map[string]any)["climate"] = 9 }, wantStatus: 422, wantField: "/options/radio/climate"},
		{name: "terrain sampling", edit: func(b map[string]any) { opts(b)["terrain_sampling"] = "cubic" }, wantStatus: 422, wantField: "/options/terrain_sampling"},
		{name: "time percentage", edit: func(b map[string]any) { opts(b)["radio"].(map[string]any)["time_pct"] = 100 }, wantStatus: 422, wantField: "/options/radio/time_pct"},
		{name: "polarization", edit: func(b map[string]any) { opts(b)["radio"].(map[string]any)["polarization"] = "circular" }, wantStatus: 422, wantField: "/options/radio/polarization"},
		{name: "wrong type", edit: func(b map[string]any) { site(b)["height_m"] = "tall" }, wantStatus: 422, wantField: "/site/height_m"},
		{name: "unknown member", edit: func(b map[string]any) { site(b)["eirp"] = 60 }, wantStatus: 422, wantField: "/site/eirp"},
		{name: "unknown member in a sector", edit: func(b map[string]any) { sector(b, 0)["tilt"] = 4 }, wantStatus: 422, wantField: "/sectors/0/tilt"},
		{name: "empty member name", edit: func(b map[string]any) { b[""] = map[string]any{} }, wantStatus: 422, wantField: "/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := tt.raw
			if tt.edit != nil {
				b := coverageBody()
				tt.edit(b)
				body = string(mustJSON(t, b))
			}
			p := decodeProblem(t, ta.do(t, "POST", "/v1/coverage", strings.NewReader(body)), tt.wantStatus)
			if tt.wantField != "" && p.Field != tt.wantField {
				t.Errorf("field = %q, want %q; detail %s", p.Field, tt.wantField, p.Detail)
			}
		})
	}
}

func site(b map[string]any) map[string]any { return b["site"].(map[string]any) }
func opts(b map[string]any) map[string]any { return b["options"].(map[string]any) }
func sector(b map[string]any, i int) map[string]any {
	return b["sectors"].([]map[string]any)[i]
}

func TestProposalCoverageInReportAndExport(t *testing.T) {
	mem := newMemCoverageStore()
	ta := newTestAPI(t, withCoverage(mem))
	body := siteBody(clear)
	if rec := ta.do(t, "POST", "/v1/proposals", bytes.NewReader(mustJSON(t, body))); rec.Code != 201 {
		t.Fatalf("submit = %d %s", rec.Code, rec.Body)
	}

	// Before the coverage is computed the report says so and the export
	// has no coverage properties.
	var rep map[string]any
	if err := json.Unmarshal(ta.do(t, "GET", "/v1/proposals/1/report", nil).Body.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if _, ok := rep["coverage"]; ok {
		t.Errorf("report has a coverage before it was computed")
	}
	if html := ta.do(t, "GET", "/v1/proposals/1/report.html?lang=en", nil).Body.String(); !strings.Contains(html, "has not been computed yet") {
		t.Errorf("HTML report does not say the coverage is not computed")
	}

	c := decodeCoverage(t, ta.do(t, "GET", "/v1/proposals/1/coverage", nil), http.StatusOK)
	if c.Cached || c.Links.Proposal != "/v1/proposals/1" || c.AreaKm2 <= 0 || len(c.Inputs.Sectors) != 2 || c.Inputs.Radio.Climate != 3 {
		t.Errorf("proposal coverage %+v: want computed for the two LTE 1800 sectors, climate 3, linked to the proposal", c)
	}
	if again := decodeCoverage(t, ta.do(t, "GET", "/v1/proposals/1/coverage", nil), http.StatusOK); !again.Cached || again.ID != c.ID {
		t.Errorf("second request: cached %v id %d, want the stored %d", again.Cached, again.ID, c.ID)
	}
	decodeProblem(t, ta.do(t, "GET", "/v1/proposals/9/coverage", nil), http.StatusNotFound)

	rep = nil
	if err := json.Unmarshal(ta.do(t, "GET", "/v1/proposals/1/report", nil).Body.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	cov, _ := rep["coverage"].(map[string]any)
	if cov == nil || cov["area_km2"] != c.AreaKm2 || cov["threshold_dbm"] != -110.0 {
		t.Errorf("report coverage = %v, want area %v km² at -110 dBm", rep["coverage"], c.AreaKm2)
	}
	html := ta.do(t, "GET", "/v1/proposals/1/report.html?lang=en", nil).Body.String()
	for _, want := range []string{"<h2>Coverage</h2>", c.Links.PNG, c.Links.GeoJSON, "-110 dBm RSRP", "km²"} {
		if !strings.Contains(html, want) {
			t.Errorf("HTML report lacks %q", want)
		}
	}

	fc := decodeFC(t, ta.do(t, "GET", "/v1/proposals.geojson", nil))
	if len(fc.Features) != 1 || fc.Features[0].Properties["coverage_km2"] != c.AreaKm2 || fc.Features[0].Properties["coverage"] != c.Links.GeoJSON {
		t.Errorf("export properties %v, want coverage_km2 %v and coverage %s", fc.Features[0].Properties, c.AreaKm2, c.Links.GeoJSON)
	}
}

func TestCoverageNotConfigured(t *testing.T) {
	ta := newTestAPI(t)
	for _, target := range []string{"/v1/coverage/1", "/v1/proposals/1/coverage"} {
		decodeProblem(t, ta.do(t, "GET", target, nil), http.StatusServiceUnavailable)
	}
	decodeProblem(t, ta.do(t, "POST", "/v1/coverage", bytes.NewReader(mustJSON(t, coverageBody()))), http.StatusServiceUnavailable)
}

// TestCoverageResponsesMatchOpenAPI validates the coverage routes'
// responses against the served document, as TestResponsesMatchOpenAPI
// does for the others.
func TestCoverageResponsesMatchOpenAPI(t *testing.T) {
	ta := newTestAPI(t, withCoverage(newMemCoverageStore()))
	rec := ta.do(t, "GET", "/openapi.json", nil)
	openapi3filter.RegisterBodyDecoder("text/html", openapi3filter.FileBodyDecoder)
	openapi3filter.RegisterBodyDecoder("image/png", openapi3filter.FileBodyDecoder)
	openapi3filter.RegisterBodyDecoder("image/tiff", openapi3filter.FileBodyDecoder)
	doc, err := openapi3.NewLoader().LoadFromData(rec.Body.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	if rec := ta.do(t, "POST", "/v1/proposals", bytes.NewReader(mustJSON(t, siteBody(clear)))); rec.Code != 201 {
		t.Fatalf("submit = %d", rec.Code)
	}
	bad := coverageBody()
	site(bad)["freq_mhz"] = 5
	tests := []struct {
		method, target, body string
		wantStatus           int
	}{
		{"POST", "/v1/coverage", string(mustJSON(t, coverageBody())), 201},
		{"POST", "/v1/coverage", string(mustJSON(t, coverageBody())), 200},
		{"POST", "/v1/coverage", string(mustJSON(t, bad)), 422},
		{"GET", "/v1/coverage/1", "", 200},
		{"GET", "/v1/coverage/7", "", 404},
		{"GET", "/v1/coverage/1.geojson", "", 200},
		{"GET", "/v1/coverage/1.tif", "", 200},
		{"GET", "/v1/coverage/1.png", "", 200},
		{"GET", "/v1/coverage/1/legend.png", "", 200},
		{"GET", "/v1/proposals/1/coverage", "", 200},
		{"GET", "/v1/proposals/1/report", "", 200},
		{"GET", "/v1/proposals.geojson", "", 200},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.target+" "+http.StatusText(tt.wantStatus), func(t *testing.T) {
			var body io.Reader
			if tt.body != "" {
				body = strings.NewReader(tt.body)
			}
			rec := ta.do(t, tt.method, tt.target, body)
			if rec.Code != tt.wantStatus {
				t.Fatalf("status = %d, want %d: %.300s", rec.Code, tt.wantStatus, rec.Body)
			}
			vreq := httptest.NewRequest(tt.method, "http://localhost"+tt.target, nil)
			route, params, err := router.FindRoute(vreq)
			if err != nil {
				t.Fatalf("FindRoute: %v", err)
			}
			in := &openapi3filter.ResponseValidationInput{
				RequestValidationInput: &openapi3filter.RequestValidationInput{Request: vreq, PathParams: params, Route: route},
				Status:                 rec.Code,
				Header:                 rec.Header(),
				Body:                   io.NopCloser(bytes.NewReader(rec.Body.Bytes())),
				Options:                &openapi3filter.Options{IncludeResponseStatus: true},
			}
			if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
				t.Errorf("response does not match openapi.json: %v\nbody: %.300s", err, rec.Body)
			}
		})
	}
}
