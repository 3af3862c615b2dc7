package api_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"btsplan/api"
	"btsplan/data"
	"btsplan/data/datatest"
	"btsplan/planning"
)

// The bodies here are SYNTHETIC: no public cell data exists for the area.

// sitesAPI is the handler with the networks service over a real PostGIS
// whose one DEM tile (its index row only) covers 105-106 E, 21-22 N.
func sitesAPI(t *testing.T) *dbAPI {
	t.Helper()
	pool := datatest.New(t)
	ctx := context.Background()
	if _, err := pool.Exec(ctx, `INSERT INTO dem_tile (dataset, tile, version, path, source_format,
		source_sha256, sha256, bytes, width, height, west, north, step_lon_deg, step_lat_deg, voids, footprint)
		VALUES ('srtm', 'N21E105', 1, 'dem/srtm/N21E105.tif', 'hgt', repeat('0', 64), repeat('0', 64), 1, 1201, 1201,
		105, 22, 1/1200.0, 1/1200.0, 0, ST_MakeEnvelope(105, 21, 106, 22, 4326))`); err != nil {
		t.Fatalf("insert dem tile: %v", err)
	}
	db := data.NewDB(pool, data.PoolConfig{QueryTimeout: 30 * time.Second})
	book, err := planning.LoadRuleBook(nil)
	if err != nil {
		t.Fatal(err)
	}
	radio, err := planning.LoadRadioBook(nil)
	if err != nil {
		t.Fatal(err)
	}
	orgs := data.NewOrgStore(db)
	svc := planning.NewService(planning.ServiceConfig{}, book, data.NewZoneStore(db), data.NewProposalStore(db),
		data.NewAdminStore(db), orgs, data.NewLayerStore(db, book), nil)
	cfg := api.Config{Orgs: orgs, Networks: planning.NewNetworkService(data.NewNetworkStore(db), orgs, radio)}
	return &dbAPI{h: authed(api.NewHandler(slog.New(slog.DiscardHandler), withTestAuth(cfg), svc)), pool: pool}
}

func (d *dbAPI) networkRows(t *testing.T) int {
	t.Helper()
	n := 0
	for _, table := range []string{"network", "network_site", "network_cell"} {
		var k int
		if err := d.pool.QueryRow(context.Background(), "SELECT count(*) FROM "+table).Scan(&k); err != nil {
			t.Fatal(err)
		}
		n += k
	}
	return n
}

func TestImportSitesGeoJSON(t *testing.T) {
	d := sitesAPI(t)
	body, err := os.ReadFile("../data/testdata/networks/synthetic_sites.geojson")
	if err != nil {
		t.Fatal(err)
	}
	rec := d.post(t, "/v1/sites?format=geojson&name=carriers", strings.NewReader(string(body)))
	if rec.Code != http.StatusCreated {
		t.Fatalf("POST /v1/sites = %d %s, want 201", rec.Code, rec.Body)
	}
	var rep struct {
		Sites         int            `json:"sites"`
		Cells         int            `json:"cells"`
		AssumedValues map[string]int `json:"assumed_values"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &rep); err != nil || rep.Sites != 2 || rep.Cells != 3 {
		t.Fatalf("report = %s (%v), want 2 sites and 3 cells", rec.Body, err)
	}
	// Site 2's height; antenna 0/1's gain and beamwidths; the omni's band,
	// tilt, gain and vertical beamwidth.
	want := map[string]int{"height_m": 1, "gain_dbi": 2, "h_beamwidth_deg": 1, "v_beamwidth_deg": 2, "band_mhz": 1, "tilt_deg": 1}
	for k, v := range want {
		if rep.AssumedValues[k] != v {
			t.Errorf("assumed_values = %v, want %v", rep.AssumedValues, want)
			break
		}
	}
	loc := rec.Header().Get("Location")

	req := httptest.NewRequest("GET", loc, nil)
	get := httptest.NewRecorder()
	d.h.ServeHTTP(get, req)
	if get.Code != http.StatusOK {
		t.Fatalf("GET %s = %d %s", loc, get.Code, get.Body)
	}
	raw := get.Body.String()
	if !strings.Contains(raw, `"osm_id":9007199254740993`) {
		t.Errorf("GET %s lost the source's osm_id digits: %.400s", loc, raw)
	}
	var fc struct {
		Features []struct {
			Properties struct {
				SiteCode string   `json:"site_code"`
				HeightM  float64  `json:"height_m"`
				Assumed  []string `json:"assumed"`
				Source   map[string]any
				Antennas []struct {
					Omni          bool           `json:"omni"`
					HBeamwidthDeg float64        `json:"h_beamwidth_deg"`
					Assumed       []string       `json:"assumed"`
					Source        map[string]any `json:"source_properties"`
				} `json:"antennas"`
			} `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(get.Body.Bytes(), &fc); err != nil || len(fc.Features) != 2 {
		t.Fatalf("GET %s = %.300s (%v), want 2 features", loc, raw, err)
	}
	vnp := fc.Features[1].Properties
	if vnp.SiteCode != "VNP-TD-007" || vnp.HeightM != 35 || len(vnp.Assumed) != 1 || vnp.Assumed[0] != "height_m" {
		t.Errorf("site 2 = %+v, want VNP-TD-007 at the assumed 35 m", vnp)
	}
	if a := vnp.Antennas[0]; !a.Omni || a.HBeamwidthDeg != 360 || len(a.Assumed) != 4 || a.Source["vendor_note"] != "SYNTHETIC" {
		t.Errorf("omni antenna = %+v, want omni over 360° with 4 assumed values and its vendor_note", a)
	}

	// Filters: carrier and bbox.
	for target, n := range map[string]int{"/v1/sites?carrier=452-04": 1, "/v1/sites?bbox=105.6,21.43,105.63,21.45": 1, "/v1/sites?bbox=106,22,107,23": 0} {
		rec := httptest.NewRecorder()
		d.h.ServeHTTP(rec, httptest.NewRequest("GET", target, nil))
		var got struct {
			Features []json.RawMessage `json:"features"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || rec.Code != 200 || len(got.Features) != n {
			t.Errorf("GET %s = %d %.200s, want %d features", target, rec.Code, rec.Body, n)
		}
	}
}

func TestImportSitesBad(t *testing.T) {
	csvHead := "radio,mcc,net,area,cell,unit,lon,lat,range,samples,changeable,created,updated,averageSignal\n"
	csvRow := "LTE,452,4,10501,2561,101,105.6,21.45,1000,12,1,1700000000,1710000000,0\n"
	site := func(props string) string {
		return `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[105.62,21.44]},"properties":` + props + `}]}`
	}
	ant := `"antennas":[{"technology":"LTE","azimuth_deg":0}]`
	tests := []struct {
		name, query, contentType, body string
		wantStatus                     int
		wantField, wantText            string
	}{
		{"malformed CSV row", "format=opencellid", "text/csv", csvHead + csvRow + "LTE,452,4,1\n", 422, "line 3", "has 4 columns"},
		{"unknown MNC", "format=opencellid", "text/csv", csvHead + csvRow + strings.Replace(csvRow, "452,4,10501", "452,9,10501", 1), 422, "line 3", "MNC 452-09"},
		{"duplicate cells", "format=opencellid", "text/csv", csvHead + csvRow + csvRow, 422, "line 3", "on line 2 already"},
		{"site outside the DEM", "format=opencellid", "text/csv", csvHead + strings.Replace(csvRow, "105.6", "107.6", 1), 422, "line 2", "outside every loaded DEM tile"},
		{"bad group distance", "format=opencellid&group_distance_m=5000", "text/csv", csvHead + csvRow, 400, "group_distance_m", "outside"},
		{"no format", "", "text/csv", csvHead + csvRow, 400, "format", "missing"},
		{"csv as json", "format=opencellid", "application/json", csvHead + csvRow, 415, "", "text/csv"},
		{"missing carrier", "format=geojson", "application/geo+json", site(`{"site_code":"A",` + ant + `}`), 422, "/features/0/properties/carrier", "missing"},
		{"unknown carrier", "format=geojson", "application/geo+json", site(`{"carrier":"452-99","site_code":"A",` + ant + `}`), 422, "/features/0/properties/carrier", "not a carrier"},
		{"sector without azimuth", "format=geojson", "application/geo+json", site(`{"carrier":"452-04","site_code":"A","antennas":[{"technology":"LTE"}]}`), 422,
			"/features/0/properties/antennas/0/azimuth_deg", "missing"},
		{"height as text", "format=geojson", "application/geo+json", site(`{"carrier":"452-04","site_code":"A","height_m":"tall",` + ant + `}`), 422, "/features/0/properties/height_m", "number"},
		{"height out of range", "format=geojson", "application/geo+json", site(`{"carrier":"452-04","site_code":"A","height_m":400,` + ant + `}`), 422, "/features/0/properties/height_m", "outside"},
		{"bad technology", "format=geojson", "application/geo+json", site(`{"carrier":"452-04","site_code":"A","antennas":[{"technology":"CDMA","omni":true}]}`), 422,
			"/features/0/properties/antennas/0/technology", "not GSM"},
		{"not a collection", "format=geojson", "application/geo+json", `{"type":"Feature"}`, 422, "/type", "FeatureCollection"},
		{"geojson without a Content-Type", "format=geojson", "", site(`{"carrier":"452-04","site_code":"A",` + ant + `}`), 415, "", "Content-Type"},
		{"duplicate member", "format=geojson", "application/geo+json", site(`{"carrier":"452-04","carrier":"452-01","site_code":"A",` + ant + `}`), 400, "/features/0/properties/carrier", "duplicate"},
	}
	d := sitesAPI(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest("POST", "/v1/sites?"+tt.query, strings.NewReader(tt.body))
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			rec := httptest.NewRecorder()
			d.h.ServeHTTP(rec, req)
			if rec.Code != tt.wantStatus || rec.Header().Get("Content-Type") != "application/problem+json" {
				t.Fatalf("status = %d (%s) %s, want %d problem+json", rec.Code, rec.Header().Get("Content-Type"), rec.Body, tt.wantStatus)
			}
			var p struct {
				Field  string `json:"field"`
				Detail string `json:"detail"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
				t.Fatal(err)
			}
			if p.Field != tt.wantField || !strings.Contains(p.Detail, tt.wantText) {
				t.Errorf("problem = field %q, detail %q; want field %q and %q", p.Field, p.Detail, tt.wantField, tt.wantText)
			}
			if strings.Contains(p.Detail, "SQLSTATE") || strings.Contains(p.Detail, "planning.") {
				t.Errorf("detail leaks internals: %q", p.Detail)
			}
			if n := d.networkRows(t); n != 0 {
				t.Errorf("%d network rows stored, want none", n)
			}
		})
	}
}
