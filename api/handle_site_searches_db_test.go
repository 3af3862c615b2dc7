package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"btsplan/api"
	"btsplan/data"
	"btsplan/data/datatest"
	"btsplan/data/dem"
	"btsplan/geo/synth"
	"btsplan/planning"
)

// searchAPI is the API over the synthetic demo district (admin units,
// zoning layers, villages with population, the carriers' SYNTHETIC
// existing sites) with the search, review and network services wired as
// cmd wires them, and one user per role with a token.
type searchAPI struct {
	authzAPI
	pool   *pgxpool.Pool
	d      *synth.District
	svc    *planning.Service
	search *planning.SiteSearchService
	dems   *dem.Store
}

func newSearchAPI(t *testing.T) *searchAPI {
	t.Helper()
	pool := datatest.New(t)
	db := data.NewDB(pool, data.PoolConfig{QueryTimeout: 30 * time.Second})
	book, err := planning.LoadRuleBook(nil)
	if err != nil {
		t.Fatal(err)
	}
	d, err := synth.Generate(synth.Config{})
	if err != nil {
		t.Fatal(err)
	}
	layers, admin, orgs := data.NewLayerStore(db, book), data.NewAdminStore(db), data.NewOrgStore(db)
	loadDistrict(t, d, layers, admin)
	radio, err := planning.LoadRadioBook(nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	dems := dem.NewStore(pool, dir)
	props := data.NewProposalStore(db)
	covStore := data.NewCoverageStore(db, dir)
	cov := planning.NewCoverageService(planning.CoverageConfig{Radio: radio}, dem.Terrain{Store: dems}, covStore, props)
	nets := planning.NewNetworkService(data.NewNetworkStore(db), orgs, radio)
	gaps := planning.NewGapService(data.NewGapStore(db), nets, cov, nil)
	svc := planning.NewService(planning.ServiceConfig{}, book, data.NewZoneStore(db), props, admin, orgs, layers, nil)
	cal, err := planning.DefaultCalendar()
	if err != nil {
		t.Fatal(err)
	}
	review := planning.NewReview(planning.ReviewConfig{}, svc, data.NewCaseStore(db), props, cal, nil)
	search := planning.NewSiteSearchService(data.NewSiteSearchStore(db), svc, gaps, data.NewGapFillStore(db),
		dem.Terrain{Store: dems}, review, nil)
	users := data.NewUserStore(db)
	cfg := api.Config{Orgs: orgs, Coverage: cov, Networks: nets, Gaps: gaps, Review: review, Search: search,
		Auth: planning.NewTokenAuthenticator(users, planning.NewTokenCache(0, 0, nil), nil)}
	s := &searchAPI{authzAPI: authzAPI{h: api.NewHandler(slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelError})), cfg, svc),
		tokens: map[string]string{}}, pool: pool, d: d, svc: svc, search: search, dems: dems}
	addRoleUsers(t, planning.NewAccounts(users, orgs, nil, nil), s.tokens)
	return s
}

// loadTerrainAndSites imports the district's DEM tile and its SYNTHETIC
// existing sites (as the demo does, through POST /v1/sites).
func (s *searchAPI) loadTerrainAndSites(t *testing.T) {
	t.Helper()
	name, hgt := s.d.HGT()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, hgt, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := s.dems.Import(context.Background(), "synthetic-demo", path); err != nil {
		t.Fatalf("import DEM: %v", err)
	}
	body, err := json.Marshal(s.d.ExistingSites)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/v1/sites?format=geojson&name="+synth.NetworkExisting, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/geo+json")
	req.Header.Set("Authorization", "Bearer "+s.tokens["admin"])
	rec := httptest.NewRecorder()
	s.h.ServeHTTP(rec, req)
	if rec.Code != http.StatusCreated && rec.Code != http.StatusOK {
		t.Fatalf("import sites = %d %s", rec.Code, rec.Body)
	}
}

// problemFields returns the fields a problem names.
func problemFields(t *testing.T, body []byte) []string {
	t.Helper()
	var p struct {
		Field  string `json:"field"`
		Errors []struct {
			Field string `json:"field"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatalf("problem %s: %v", body, err)
	}
	out := []string{p.Field}
	for _, e := range p.Errors {
		out = append(out, e.Field)
	}
	return out
}

func TestSiteSearchBadInput(t *testing.T) {
	s := newSearchAPI(t)
	district := synth.DistrictCode
	check := func(t *testing.T, who, body string, wantStatus int, wantField, wantText string) {
		t.Helper()
		rec := s.do(t, who, http.MethodPost, "/v1/site-searches", body)
		if rec.Code != wantStatus {
			t.Fatalf("status = %d, want %d; body %s", rec.Code, wantStatus, rec.Body)
		}
		if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
			t.Errorf("Content-Type = %q, want application/problem+json", ct)
		}
		fields := problemFields(t, rec.Body.Bytes())
		found := false
		for _, f := range fields {
			found = found || f == wantField
		}
		if !found {
			t.Errorf("problem names %q, want %q; body %s", fields, wantField, rec.Body)
		}
		if !strings.Contains(rec.Body.String(), wantText) {
			t.Errorf("problem does not say %q: %s", wantText, rec.Body)
		}
	}
	// Before any DEM is loaded: the area has villages but no terrain.
	t.Run("no DEM", func(t *testing.T) {
		check(t, "carrier", `{"admin_unit": "`+district+`", "carrier": "452-04"}`, 422, "/admin_unit", "no DEM is loaded")
	})
	s.loadTerrainAndSites(t)
	tests := []struct {
		name, who, body string
		status          int
		field, text     string
	}{
		{"no area", "carrier", `{"carrier": "452-04"}`, 422, "/admin_unit", "give admin_unit, bbox or village_ids"},
		{"admin unit and bbox", "carrier", `{"admin_unit": "` + district + `", "bbox": [104.4, 21.5, 104.6, 21.7], "carrier": "452-04"}`, 422, "/admin_unit", "not more"},
		{"unknown admin unit", "carrier", `{"admin_unit": "99999", "carrier": "452-04"}`, 422, "/admin_unit", `unknown admin unit \"99999\"`},
		{"bbox outside Vietnam", "carrier", `{"bbox": [2.3, 48.8, 2.4, 48.9], "carrier": "452-04"}`, 422, "/bbox", "not within Vietnam"},
		{"bbox of three numbers", "carrier", `{"bbox": [104.4, 21.5, 104.6], "carrier": "452-04"}`, 400, "/bbox", "want [west, south, east, north]"},
		{"area with no villages", "carrier", `{"bbox": [106.0, 21.0, 106.1, 21.1], "carrier": "452-04"}`, 422, "/bbox", "no villages"},
		{"unknown village id", "carrier", `{"village_ids": [999999], "carrier": "452-04"}`, 422, "/village_ids/0", "no village or hamlet has id 999999"},
		{"missing carrier", "admin", `{"admin_unit": "` + district + `"}`, 422, "/carrier", "missing"},
		{"unknown carrier", "admin", `{"admin_unit": "` + district + `", "carrier": "452-99"}`, 422, "/carrier", "not a carrier"},
		{"another carrier's search", "carrier", `{"admin_unit": "` + district + `", "carrier": "452-01"}`, 403, "/carrier", "own organization"},
		{"n above 20", "carrier", `{"admin_unit": "` + district + `", "carrier": "452-04", "n": 21}`, 422, "/n", "outside 1..20"},
		{"n zero", "carrier", `{"admin_unit": "` + district + `", "carrier": "452-04", "n": 0}`, 422, "/n", "outside 1..20"},
		{"n not an integer", "carrier", `{"admin_unit": "` + district + `", "carrier": "452-04", "n": 2.5}`, 422, "/n", "an integer is expected"},
		{"unknown structure", "carrier", `{"admin_unit": "` + district + `", "carrier": "452-04", "structure": "B9"}`, 422, "/structure", "unknown structure class"},
		{"height out of range", "carrier", `{"admin_unit": "` + district + `", "carrier": "452-04", "height_m": 500}`, 422, "/height_m", "outside"},
		{"antenna missing tilt", "carrier", `{"admin_unit": "` + district + `", "carrier": "452-04", "antennas": [{"azimuth_deg": 0, "band_mhz": 1800, "eirp_dbm": 60, "technology": "LTE"}]}`, 422, "/antennas/0/tilt_deg", "missing"},
		{"antenna bad technology", "carrier", `{"admin_unit": "` + district + `", "carrier": "452-04", "antennas": [{"azimuth_deg": 0, "tilt_deg": 4, "band_mhz": 1800, "eirp_dbm": 60, "technology": "WiMAX"}]}`, 422, "/antennas/0/technology", "unknown technology"},
		{"unknown member", "carrier", `{"admin_unit": "` + district + `", "carrier": "452-04", "radius_m": 5}`, 422, "/radius_m", "unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			check(t, tt.who, tt.body, tt.status, tt.field, tt.text)
		})
	}
	// The service caps village_ids itself (the CLI and jobs call it too),
	// with one error, not one per repeated id.
	t.Run("too many repeated village ids", func(t *testing.T) {
		ids := make([]int64, 50*planning.MaxSearchVillageIDs)
		for i := range ids {
			ids[i] = 1
		}
		_, err := s.search.Start(context.Background(), planning.Principal{Org: "452-04", Roles: []planning.Role{planning.RoleAnalyst}},
			planning.SearchParams{VillageIDs: ids, Carrier: "452-04"})
		if planning.FieldOf(err) != planning.FieldSearchVillageIDs {
			t.Fatalf("Start = %v, want an error naming %s", err, planning.FieldSearchVillageIDs)
		}
		if n := len(err.Error()); n > 500 {
			t.Errorf("Start's error is %d bytes: one error per repeated id", n)
		}
	})
	var n int
	if err := s.pool.QueryRow(context.Background(), "SELECT count(*) FROM site_search").Scan(&n); err != nil || n != 0 {
		t.Errorf("site_search rows = %d (%v), want 0: nothing is stored for bad input", n, err)
	}
}

// TestSiteSearchOnDemoDistrict runs a whole search of the demo district for
// Viettel and checks what it must hold: every location passes zoning
// (checked again here), covered people only grow with rank and add up,
// the other carrier cannot see it, and adopting a location makes an
// assessed case of the carrier.
func TestSiteSearchOnDemoDistrict(t *testing.T) {
	s := newSearchAPI(t)
	s.loadTerrainAndSites(t)
	ctx := context.Background()
	rec := s.do(t, "carrier", http.MethodPost, "/v1/site-searches", `{"admin_unit": "`+synth.DistrictCode+`", "carrier": "452-04", "n": 4}`)
	if rec.Code != http.StatusAccepted {
		t.Fatalf("POST = %d %s, want 202", rec.Code, rec.Body)
	}
	var started struct {
		ID    int64  `json:"id"`
		State string `json:"state"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &started); err != nil {
		t.Fatal(err)
	}
	self := fmt.Sprintf("/v1/site-searches/%d", started.ID)
	if loc := rec.Header().Get("Location"); loc != self || started.State != "queued" {
		t.Fatalf("Location %q, state %q; want %s, queued", loc, started.State, self)
	}
	if rec := s.do(t, "carrier", http.MethodGet, self+"/locations.geojson", ""); rec.Code != http.StatusConflict {
		t.Errorf("locations of a queued search = %d, want 409", rec.Code)
	}
	// The job's work, as the worker does it.
	if _, err := s.search.Run(ctx, started.ID, nil); err != nil {
		t.Fatalf("Run: %v", err)
	}
	var got struct {
		State  string `json:"state"`
		Result struct {
			Locations       int            `json:"locations"`
			CoveredPeople   int            `json:"covered_people"`
			TargetPeople    int            `json:"target_people"`
			Targets         int            `json:"target_villages"`
			TargetsFrom     string         `json:"targets_from"`
			Candidates      map[string]int `json:"candidates"`
			Reaching        int            `json:"candidates_reaching"`
			ZoningConflicts int            `json:"zoning_conflicts"`
			Guarantee       string         `json:"guarantee"`
		} `json:"result"`
	}
	rec = s.do(t, "carrier", http.MethodGet, self, "")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET = %d %s", rec.Code, rec.Body)
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	r := got.Result
	t.Logf("search: %d locations, %d of %d people in %d target villages (from %s), candidates %v, %d reaching, %d conflicts refused",
		r.Locations, r.CoveredPeople, r.TargetPeople, r.Targets, r.TargetsFrom, r.Candidates, r.Reaching, r.ZoningConflicts)
	switch {
	case got.State != "done":
		t.Fatalf("state = %s, want done", got.State)
	case r.TargetsFrom != planning.TargetsFromCoverage:
		t.Errorf("targets_from = %s, want coverage (no gap analysis was run)", r.TargetsFrom)
	case r.Targets == 0 || r.Locations == 0 || r.CoveredPeople == 0:
		t.Fatalf("targets %d, locations %d, covered %d: want Viettel's uncovered villages to be reached", r.Targets, r.Locations, r.CoveredPeople)
	case r.CoveredPeople > r.TargetPeople:
		t.Errorf("covered %d people of %d in the targets", r.CoveredPeople, r.TargetPeople)
	case !strings.Contains(r.Guarantee, "1 − 1/e"):
		t.Errorf("guarantee = %q, want the (1 − 1/e) bound", r.Guarantee)
	}
	for _, k := range []string{"tower", "peak", "ridge", "road", "power_line"} {
		if r.Candidates[k] == 0 {
			t.Errorf("no %s candidates (%v): the district has each", k, r.Candidates)
		}
	}

	// The locations.
	rec = s.do(t, "carrier", http.MethodGet, self+"/locations.geojson", "")
	if rec.Code != http.StatusOK {
		t.Fatalf("locations = %d %s", rec.Code, rec.Body)
	}
	var fc struct {
		Features []struct {
			Geometry struct {
				Coordinates [2]float64 `json:"coordinates"`
			} `json:"geometry"`
			Properties struct {
				Rank       int    `json:"rank"`
				Kind       string `json:"candidate_kind"`
				Marginal   int    `json:"marginal_people"`
				Cumulative int    `json:"cumulative_people"`
				Verdict    string `json:"verdict"`
				CaseID     int64  `json:"case_id"`
				AdminUnit  string `json:"admin_unit"`
				SiteCode   string `json:"site_code"`
				Structure  string `json:"structure"`
				HeightM    float64
				Villages   []struct {
					ID         int64 `json:"id"`
					Population *int  `json:"population"`
				} `json:"villages"`
				ConditionalCount []struct {
					RuleID string `json:"rule_id"`
				} `json:"conditional_findings"`
			} `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &fc); err != nil {
		t.Fatal(err)
	}
	if len(fc.Features) != r.Locations {
		t.Fatalf("%d features, want %d", len(fc.Features), r.Locations)
	}
	sum, prev := 0, 0
	for i, f := range fc.Features {
		p := f.Properties
		if p.Rank != i+1 || p.Marginal <= 0 || len(p.Villages) == 0 || p.CaseID == 0 {
			t.Errorf("location %d: rank %d, marginal %d, %d villages, case %d; want rank %d, people, villages and a draft case",
				i, p.Rank, p.Marginal, len(p.Villages), p.CaseID, i+1)
		}
		people := 0
		for _, v := range p.Villages {
			if v.Population != nil {
				people += *v.Population
			}
		}
		sum += p.Marginal
		if p.Cumulative != sum || p.Cumulative < prev || people != p.Marginal {
			t.Errorf("location %d: cumulative %d after %d (sum of marginals %d, villages' people %d): want monotone sums",
				p.Rank, p.Cumulative, prev, sum, people)
		}
		prev = p.Cumulative
		var inDistrict bool
		if err := s.pool.QueryRow(ctx, `SELECT ST_Covers(geom, ST_SetSRID(ST_MakePoint($2, $3), 4326)) FROM admin_unit
			WHERE code = $1 ORDER BY valid_from DESC LIMIT 1`, synth.DistrictCode, f.Geometry.Coordinates[0], f.Geometry.Coordinates[1]).Scan(&inDistrict); err != nil {
			t.Fatal(err)
		}
		if !inDistrict {
			t.Errorf("location %d at %v (%s) is outside the district searched", p.Rank, f.Geometry.Coordinates, p.AdminUnit)
		}
		// Every location passes zoning, checked again.
		site := planning.Site{Carrier: "452-04", Code: p.SiteCode, Location: f.Geometry.Coordinates,
			Structure: planning.Structure(p.Structure), HeightM: 30,
			Antennas: []planning.Antenna{{AzimuthDeg: 0, TiltDeg: 4, BandMHz: 1800, EIRPdBm: 60, Technology: "LTE"}}}
		a, err := s.svc.Check(ctx, site)
		if err != nil {
			t.Fatalf("check location %d: %v", p.Rank, err)
		}
		if a.Verdict == planning.Conflict || string(a.Verdict) != p.Verdict {
			t.Errorf("location %d (%s) verdict %s, check says %s: want no CONFLICT and the same verdict", p.Rank, p.Kind, p.Verdict, a.Verdict)
		}
		conditions := 0
		for _, fd := range a.Findings {
			if fd.Severity == planning.SeverityCondition {
				conditions++
			}
		}
		if conditions != len(p.ConditionalCount) {
			t.Errorf("location %d: %d conditional findings listed, the check finds %d", p.Rank, len(p.ConditionalCount), conditions)
		}
	}
	if sum != r.CoveredPeople {
		t.Errorf("marginals add to %d, result says %d", sum, r.CoveredPeople)
	}

	// A search of named villages: those the first location reached.
	var ids []string
	for _, v := range fc.Features[0].Properties.Villages {
		ids = append(ids, fmt.Sprint(v.ID))
	}
	rec = s.do(t, "analyst", http.MethodPost, "/v1/site-searches", `{"village_ids": [`+strings.Join(ids, ", ")+`], "carrier": "452-04", "n": 2}`)
	if rec.Code != http.StatusAccepted {
		t.Fatalf("village search = %d %s, want 202", rec.Code, rec.Body)
	}
	var byIDs struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &byIDs); err != nil {
		t.Fatal(err)
	}
	vs, err := s.search.Run(ctx, byIDs.ID, nil)
	if err != nil {
		t.Fatalf("Run of the village search: %v", err)
	}
	if c := vs.Counts; c.Villages != len(ids) || c.Targets != len(ids) || c.CoveredPeople != fc.Features[0].Properties.Marginal {
		t.Errorf("village search: %d villages, %d targets, %d people covered; want %d, %d and %d (what location 1 covered)",
			c.Villages, c.Targets, c.CoveredPeople, len(ids), len(ids), fc.Features[0].Properties.Marginal)
	}

	// Who may see it.
	for who, want := range map[string]int{"carrier": 200, "analyst": 200, "admin": 200, "other": 404, "reviewer": 403} {
		for _, path := range []string{self, self + "/locations.geojson"} {
			if rec := s.do(t, who, http.MethodGet, path, ""); rec.Code != want {
				t.Errorf("GET %s as %s = %d, want %d", path, who, rec.Code, want)
			}
		}
	}
	if rec := s.do(t, "other", http.MethodPost, self+"/locations/1/adopt", ""); rec.Code != http.StatusNotFound {
		t.Errorf("another carrier's adoption = %d, want 404", rec.Code)
	}

	// Cancelling: another carrier's search is 404, a body or a parameter
	// 400, and a done search 409 naming the id; nothing changes.
	for _, tc := range []struct {
		who, path, body string
		want            int
	}{
		{"other", self + "/cancel", "", http.StatusNotFound},
		{"reviewer", self + "/cancel", "", http.StatusForbidden},
		{"carrier", self + "/cancel", `{"why": "x"}`, http.StatusBadRequest},
		{"carrier", self + "/cancel?now=1", "", http.StatusBadRequest},
		{"carrier", "/v1/site-searches/x/cancel", "", http.StatusBadRequest},
		{"carrier", "/v1/site-searches/999999/cancel", "", http.StatusNotFound},
		{"carrier", self + "/cancel", "", http.StatusConflict},
	} {
		rec := s.do(t, tc.who, http.MethodPost, tc.path, tc.body)
		if rec.Code != tc.want || rec.Header().Get("Content-Type") != "application/problem+json" {
			t.Errorf("POST %s as %s with %q = %d %s %s, want %d problem+json", tc.path, tc.who, tc.body, rec.Code, rec.Header().Get("Content-Type"), rec.Body, tc.want)
		}
		if tc.want == http.StatusConflict && !strings.Contains(rec.Body.String(), `"field":"id"`) {
			t.Errorf("cancel a done search: %s, want the problem to name id", rec.Body)
		}
	}
	if rec := s.do(t, "carrier", http.MethodGet, self, ""); !strings.Contains(rec.Body.String(), `"state":"done"`) {
		t.Errorf("after the refused cancels the search = %s, want still done", rec.Body)
	}

	// Adopting rank 1: one call, a submitted and assessed case.
	rec = s.do(t, "carrier", http.MethodPost, self+"/locations/1/adopt", "")
	if rec.Code != http.StatusCreated {
		t.Fatalf("adopt = %d %s, want 201", rec.Code, rec.Body)
	}
	var adopted struct {
		ID         int64 `json:"id"`
		Assessment struct {
			Verdict string `json:"verdict"`
		} `json:"assessment"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &adopted); err != nil {
		t.Fatal(err)
	}
	if adopted.Assessment.Verdict != fc.Features[0].Properties.Verdict {
		t.Errorf("adopted verdict %s, the search said %s", adopted.Assessment.Verdict, fc.Features[0].Properties.Verdict)
	}
	rec = s.do(t, "carrier", http.MethodGet, fmt.Sprintf("/v1/proposals/%d/case", adopted.ID), "")
	var cs struct {
		ID       int64  `json:"id"`
		State    string `json:"state"`
		SiteCode string `json:"site_code"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &cs); err != nil || rec.Code != 200 {
		t.Fatalf("case = %d %s", rec.Code, rec.Body)
	}
	if cs.State != string(planning.StateAssessed) || cs.ID != fc.Features[0].Properties.CaseID || cs.SiteCode != fc.Features[0].Properties.SiteCode {
		t.Errorf("case %+v, want the draft case %d of %s, now assessed", cs, fc.Features[0].Properties.CaseID, fc.Features[0].Properties.SiteCode)
	}
	var events string
	if err := s.pool.QueryRow(ctx, `SELECT string_agg(event || ':' || state_before || '>' || state_after, ' ' ORDER BY id)
		FROM case_event WHERE case_id = $1`, cs.ID).Scan(&events); err != nil {
		t.Fatal(err)
	}
	if events != "submit:draft>submitted assess:submitted>assessed" {
		t.Errorf("case events %q, want the draft submitted then assessed", events)
	}
	if rec := s.do(t, "carrier", http.MethodPost, self+"/locations/1/adopt", ""); rec.Code != http.StatusConflict {
		t.Errorf("adopting again = %d %s, want 409", rec.Code, rec.Body)
	}
	if rec := s.do(t, "carrier", http.MethodGet, self+"/locations.geojson", ""); !strings.Contains(rec.Body.String(), fmt.Sprintf(`"proposal_id":%d`, adopted.ID)) {
		t.Errorf("locations do not name the adopted proposal %d: %.400s", adopted.ID, rec.Body)
	}
}
