package api_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"btsplan/api"
	"btsplan/data"
	"btsplan/data/datatest"
	"btsplan/planning"
)

// gapsAPI is the handler with the gap service over a real PostGIS: one
// DEM tile index row (105-106 E, 21-22 N), two SYNTHETIC villages and one
// SYNTHETIC Viettel site. No queue: a started analysis stays queued.
func gapsAPI(t *testing.T) *dbAPI {
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
	layers := data.NewLayerStore(db, book)
	if _, err := layers.ImportLayer(ctx, planning.LayerSpec{Kind: planning.KindSettlement, Name: "villages", Category: "village",
		PopulationField: "dan_so", AllowOutside: true}, strings.NewReader(`{"type": "FeatureCollection", "features": [
		{"type": "Feature", "properties": {"name": "Thôn A (SYNTHETIC)", "dan_so": 300, "osm_id": "node/1"}, "geometry": {"type": "Point", "coordinates": [105.6, 21.4]}},
		{"type": "Feature", "properties": {"name": "Thôn B (SYNTHETIC)", "osm_id": "node/2"}, "geometry": {"type": "Point", "coordinates": [105.62, 21.42]}}]}`), nil); err != nil {
		t.Fatalf("import villages: %v", err)
	}
	orgs := data.NewOrgStore(db)
	nets := planning.NewNetworkService(data.NewNetworkStore(db), orgs, radio)
	if _, err := nets.ImportSites(ctx, planning.NetworkSpec{Name: "synthetic", Format: planning.FormatGeoJSON}, []planning.SiteInput{{
		Ref: "/features/0", CellRefs: []string{"/features/0/properties/antennas/0"},
		Site: planning.ExistingSite{Carrier: "452-04", Code: "SYNTHETIC-1", Location: orb.Point{105.61, 21.41}, HeightM: 30,
			Cells: []planning.Cell{{Technology: "LTE", BandMHz: 1800, EIRPdBm: 60, GainDBi: 17, HBeamwidthDeg: 65, VBeamwidthDeg: 7}}},
	}}, nil); err != nil {
		t.Fatalf("import sites: %v", err)
	}
	svc := planning.NewService(planning.ServiceConfig{}, book, data.NewZoneStore(db), data.NewProposalStore(db),
		data.NewAdminStore(db), orgs, layers, nil)
	cfg := api.Config{Orgs: orgs, Networks: nets, Gaps: planning.NewGapService(data.NewGapStore(db), nets, nil, nil)}
	return &dbAPI{h: authed(api.NewHandler(slog.New(slog.DiscardHandler), withTestAuth(cfg), svc)), pool: pool}
}

func (d *dbAPI) get(t *testing.T, target string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	d.h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	return rec
}

func TestGapAnalysisAPI(t *testing.T) {
	d := gapsAPI(t)
	rec := d.post(t, "/v1/gap-analyses", strings.NewReader(`{"bbox": [105.55, 21.35, 105.65, 21.45], "threshold_dbm": -105,
		"reliability": {"time_pct": 50, "location_pct": 90}, "fresh": true}`))
	if rec.Code != http.StatusAccepted {
		t.Fatalf("POST /v1/gap-analyses = %d %s, want 202", rec.Code, rec.Body)
	}
	var out struct {
		ID     int64  `json:"id"`
		State  string `json:"state"`
		Params struct {
			Carriers []string `json:"carriers"`
			Fresh    bool     `json:"fresh"`
		} `json:"params"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || out.ID == 0 || out.State != "queued" {
		t.Fatalf("body = %s (%v), want an id and state queued", rec.Body, err)
	}
	if loc := rec.Header().Get("Location"); loc != "/v1/gap-analyses/"+itoa(out.ID) {
		t.Errorf("Location = %q, want /v1/gap-analyses/%d", loc, out.ID)
	}
	if !out.Params.Fresh {
		t.Errorf("params = %s, want fresh kept (a full recompute was asked)", rec.Body)
	}
	if strings.Join(out.Params.Carriers, ",") != "452-04" {
		t.Errorf("carriers = %v, want [452-04] (the carriers with sites)", out.Params.Carriers)
	}
	tests := []struct {
		name, target string
		want         int
	}{
		{"the analysis", "/v1/gap-analyses/" + itoa(out.ID), http.StatusOK},
		{"villages before it is done", "/v1/gap-analyses/" + itoa(out.ID) + "/villages", http.StatusConflict},
		{"gaps before it is done", "/v1/gap-analyses/" + itoa(out.ID) + "/gaps.geojson", http.StatusConflict},
		{"unknown analysis", "/v1/gap-analyses/9999", http.StatusNotFound},
		{"unknown analysis villages", "/v1/gap-analyses/9999/villages.geojson", http.StatusNotFound},
		{"bad id", "/v1/gap-analyses/x", http.StatusBadRequest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if rec := d.get(t, tc.target); rec.Code != tc.want {
				t.Errorf("GET %s = %d %s, want %d", tc.target, rec.Code, rec.Body, tc.want)
			}
		})
	}
}

func TestGapAnalysisAPIBadInput(t *testing.T) {
	d := gapsAPI(t)
	tests := []struct {
		name, body string
		want       int
		wantField  string
		wantDetail string
	}{
		{"empty body", ``, http.StatusBadRequest, "", "empty body"},
		{"no area", `{}`, http.StatusUnprocessableEntity, "/admin_unit", "give admin_unit or bbox"},
		{"bbox of three numbers", `{"bbox": [105, 21, 106]}`, http.StatusBadRequest, "/bbox", "[west, south, east, north]"},
		{"bbox not numbers", `{"bbox": ["a", 21, 106, 22]}`, http.StatusUnprocessableEntity, "/bbox/0", "wrong type"},
		{"bbox outside Vietnam", `{"bbox": [2.3, 48.8, 2.4, 48.9]}`, http.StatusUnprocessableEntity, "/bbox", "not within Vietnam"},
		{"unknown admin unit", `{"admin_unit": "99"}`, http.StatusUnprocessableEntity, "/admin_unit", `unknown admin unit "99"`},
		{"unknown carrier", `{"bbox": [105.55, 21.35, 105.65, 21.45], "carriers": ["452-99"]}`, http.StatusUnprocessableEntity, "/carriers/0", "not a carrier"},
		{"threshold out of range", `{"bbox": [105.55, 21.35, 105.65, 21.45], "threshold_dbm": 10}`, http.StatusUnprocessableEntity, "/threshold_dbm", "not a coverage threshold"},
		{"fresh not a boolean", `{"bbox": [105.55, 21.35, 105.65, 21.45], "fresh": "yes"}`, http.StatusUnprocessableEntity, "/fresh", "wrong type"},
		{"reliability incomplete", `{"bbox": [105.55, 21.35, 105.65, 21.45], "reliability": {"time_pct": 50}}`, http.StatusUnprocessableEntity, "/reliability/location_pct", "missing"},
		{"no villages there", `{"bbox": [105.1, 21.1, 105.2, 21.2]}`, http.StatusUnprocessableEntity, "/bbox", "no villages"},
		{"no sites of that carrier", `{"bbox": [105.55, 21.35, 105.65, 21.45], "carriers": ["452-01"]}`, http.StatusUnprocessableEntity, "/bbox", "no existing sites of 452-01"},
		{"unknown member", `{"bbox": [105.55, 21.35, 105.65, 21.45], "radius_m": 5}`, http.StatusUnprocessableEntity, "/radius_m", "unknown member"},
		{"too many carriers", `{"bbox": [105.55, 21.35, 105.65, 21.45], "carriers": [` + strings.TrimSuffix(strings.Repeat(`"452-99", `, 5000), ", ") + `]}`,
			http.StatusUnprocessableEntity, "/carriers", "5000 carriers; at most 20"},
		{"carrier given twice", `{"bbox": [105.55, 21.35, 105.65, 21.45], "carriers": ["452-04", "452-04"]}`, http.StatusUnprocessableEntity, "/carriers/1", "given twice"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := d.post(t, "/v1/gap-analyses", strings.NewReader(tc.body))
			if rec.Code != tc.want {
				t.Fatalf("POST %s = %d %s, want %d", tc.body, rec.Code, rec.Body, tc.want)
			}
			var p struct {
				Field  string `json:"field"`
				Detail string `json:"detail"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
				t.Fatal(err)
			}
			if rec.Header().Get("Content-Type") != "application/problem+json" {
				t.Errorf("Content-Type = %q, want application/problem+json", rec.Header().Get("Content-Type"))
			}
			if p.Field != tc.wantField || !strings.Contains(p.Detail, tc.wantDetail) {
				t.Errorf("problem field %q detail %q, want %q and %q", p.Field, p.Detail, tc.wantField, tc.wantDetail)
			}
			var n int
			if err := d.pool.QueryRow(context.Background(), "SELECT count(*) FROM gap_analysis").Scan(&n); err != nil || n != 0 {
				t.Errorf("gap_analysis rows = %d (%v), want 0", n, err)
			}
		})
	}
}
