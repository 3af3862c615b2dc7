package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"btsplan/api"
	"btsplan/data"
	"btsplan/data/datatest"
	"btsplan/data/dem"
	"btsplan/planning"
)

// gapFillAPI is the handler with the gap fill over a real PostGIS and the
// fake hill terrain: one SYNTHETIC village (300 people) 1 km north of
// checkAt and one SYNTHETIC MobiFone mast (40 m) 300 m east of it. With
// fill false the server has no gap fill service.
func gapFillAPI(t *testing.T, fill bool) (*dbAPI, *planning.GapFillService) {
	t.Helper()
	pool := datatest.New(t)
	ctx := context.Background()
	db := data.NewDB(pool, data.PoolConfig{QueryTimeout: 30 * time.Second})
	book, err := planning.LoadRuleBook(nil)
	if err != nil {
		t.Fatal(err)
	}
	radio, err := planning.LoadRadioBook(nil)
	if err != nil {
		t.Fatal(err)
	}
	admin := data.NewAdminStore(db)
	if _, err := admin.ImportAdminUnits(ctx, data.AdminSpec{Level: "province", CodeField: "ma", NameField: "ten",
		ValidFrom: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)}, strings.NewReader(dbProvince)); err != nil {
		t.Fatalf("ImportAdminUnits: %v", err)
	}
	layers := data.NewLayerStore(db, book)
	if _, err := layers.ImportLayer(ctx, planning.LayerSpec{Kind: planning.KindSettlement, Name: "villages", Category: "village",
		PopulationField: "dan_so", AllowOutside: true}, strings.NewReader(`{"type": "FeatureCollection", "features": [
		{"type": "Feature", "properties": {"name": "Thôn A (SYNTHETIC)", "dan_so": 300, "osm_id": "node/1"}, "geometry": {"type": "Point", "coordinates": [105.6, 21.4]}}]}`), nil); err != nil {
		t.Fatalf("import villages: %v", err)
	}
	orgs := data.NewOrgStore(db)
	nets := planning.NewNetworkService(data.NewNetworkStore(db), orgs, radio)
	if _, err := nets.ImportSites(ctx, planning.NetworkSpec{Name: "synthetic", Format: planning.FormatGeoJSON, AllowOutsideDEM: true}, []planning.SiteInput{{
		Ref: "/features/0", CellRefs: []string{"/features/0/properties/antennas/0"},
		Site: planning.ExistingSite{Carrier: "452-01", Code: "SYNTHETIC-MF-1", Location: orb.Point{checkAt[0] + 0.0029, checkAt[1]}, HeightM: 40,
			Cells: []planning.Cell{{Technology: "LTE", BandMHz: 1800, EIRPdBm: 60, GainDBi: 17, HBeamwidthDeg: 65, VBeamwidthDeg: 7}}},
	}}, nil); err != nil {
		t.Fatalf("import sites: %v", err)
	}
	svc := planning.NewService(planning.ServiceConfig{}, book, data.NewZoneStore(db), data.NewProposalStore(db),
		admin, orgs, layers, nil)
	cfg := api.Config{Orgs: orgs, Networks: nets}
	var gf *planning.GapFillService
	if fill {
		dir := t.TempDir()
		covStore := data.NewCoverageStore(db, dir)
		cov := planning.NewCoverageService(planning.CoverageConfig{}, hillTerrain(), covStore, data.NewProposalStore(db))
		cfg.Coverage = cov
		gf = planning.NewGapFillService(planning.GapFillConfig{}, data.NewGapFillStore(db), nets, cov,
			dem.CoverageGrids{Store: covStore}, data.NewProposalStore(db))
		cfg.GapFill = gf
	}
	return &dbAPI{h: authed(api.NewHandler(slog.New(slog.DiscardHandler), withTestAuth(cfg), svc)), pool: pool}, gf
}

// checkAt is 1 km south of the SYNTHETIC village; siteBody's first sector
// faces north, at it.
var checkAt = orb.Point{105.6, 21.391}

func TestCheckWithGapFill(t *testing.T) {
	d, _ := gapFillAPI(t, true)
	body := func() *bytes.Reader { return bytes.NewReader(mustJSON(t, siteBody(checkAt))) }

	t.Run("plain check has no section", func(t *testing.T) {
		rec := d.post(t, "/v1/checks", body())
		if rec.Code != http.StatusOK {
			t.Fatalf("status = %d %s, want 200", rec.Code, rec.Body)
		}
		var out map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatal(err)
		}
		if _, ok := out["gap_fill"]; ok {
			t.Errorf("plain check has gap_fill: %s", rec.Body)
		}
	})

	t.Run("with=gap_fill adds it", func(t *testing.T) {
		rec := d.post(t, "/v1/checks?with=gap_fill", body())
		if rec.Code != http.StatusOK {
			t.Fatalf("status = %d %s, want 200", rec.Code, rec.Body)
		}
		var out struct {
			Verdict string `json:"verdict"`
			GapFill *struct {
				Carrier  string `json:"carrier"`
				Villages []struct {
					Name         string            `json:"name"`
					Population   *int              `json:"population"`
					StatusBefore map[string]string `json:"status_before"`
					ForOwn       bool              `json:"for_own_carrier"`
					ForAnyone    bool              `json:"for_anyone"`
					LevelDBm     *float64          `json:"level_dbm"`
					Properties   map[string]any    `json:"properties"`
				} `json:"villages_newly_covered"`
				People int `json:"people_newly_covered"`
				Towers []struct {
					Carrier   string  `json:"carrier"`
					SiteCode  string  `json:"site_code"`
					DistanceM float64 `json:"distance_m"`
					HeightM   float64 `json:"height_m"`
				} `json:"shareable_towers"`
				GapAnalysisID *int64 `json:"gap_analysis_id"`
			} `json:"gap_fill"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatal(err)
		}
		g := out.GapFill
		if g == nil {
			t.Fatalf("no gap_fill in %s", rec.Body)
		}
		if g.Carrier != "452-04" || g.People != 300 || len(g.Villages) != 1 {
			t.Fatalf("gap_fill = %s, want Thôn A's 300 people newly covered for 452-04", rec.Body)
		}
		v := g.Villages[0]
		// No gap analysis: 452-04 has no site within 15 km, MobiFone has.
		if v.Name != "Thôn A (SYNTHETIC)" || v.Population == nil || *v.Population != 300 || !v.ForOwn || v.ForAnyone ||
			v.StatusBefore["carrier"] != "trang_song" || v.StatusBefore["anyone"] != "unknown" || v.LevelDBm == nil || v.Properties["osm_id"] != "node/1" {
			t.Errorf("village = %+v, want Thôn A, 300, trang_song for its carrier, unknown for anyone, a level, its osm_id", v)
		}
		if len(g.Towers) != 1 || g.Towers[0].SiteCode != "SYNTHETIC-MF-1" || g.Towers[0].HeightM != 40 ||
			g.Towers[0].DistanceM < 250 || g.Towers[0].DistanceM > 350 {
			t.Errorf("shareable towers = %+v, want SYNTHETIC-MF-1 at about 300 m, 40 m", g.Towers)
		}
		if g.GapAnalysisID != nil {
			t.Errorf("gap_analysis_id = %d, want null", *g.GapAnalysisID)
		}
	})

	t.Run("a bad with names with", func(t *testing.T) {
		for _, q := range []string{"with=gaps", "with=gap_fill,coverage", "with=%00"} {
			p := decodeProblem(t, d.post(t, "/v1/checks?"+q, body()), http.StatusBadRequest)
			if p.Field != "with" && !contains(p.fields(), "with") {
				t.Errorf("%s: problem %+v does not name with", q, p)
			}
		}
	})

	t.Run("not configured", func(t *testing.T) {
		d, _ := gapFillAPI(t, false)
		decodeProblem(t, d.post(t, "/v1/checks?with=gap_fill", body()), http.StatusServiceUnavailable)
		if rec := d.post(t, "/v1/checks", body()); rec.Code != http.StatusOK {
			t.Errorf("plain check without gap fill = %d, want 200", rec.Code)
		}
	})
}

func TestProposalGapFillInAssessmentAndReport(t *testing.T) {
	d, fill := gapFillAPI(t, true)
	rec := d.post(t, "/v1/proposals", bytes.NewReader(mustJSON(t, siteBody(checkAt))))
	if rec.Code != http.StatusCreated {
		t.Fatalf("submit = %d %s, want 201", rec.Code, rec.Body)
	}
	var created struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &created); err != nil || created.ID == 0 {
		t.Fatalf("submit body %s: %v", rec.Body, err)
	}
	id := strconv.FormatInt(created.ID, 10)
	type withFill struct {
		GapFill *struct {
			People   int `json:"people_newly_covered"`
			Villages []struct {
				Name string `json:"name"`
			} `json:"villages_newly_covered"`
			AssessmentID int64 `json:"assessment_id"`
		} `json:"gap_fill"`
	}
	assessment := func() withFill {
		t.Helper()
		rec := d.get(t, "/v1/proposals/"+id+"/assessment")
		if rec.Code != http.StatusOK {
			t.Fatalf("assessment = %d %s", rec.Code, rec.Body)
		}
		var out withFill
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	if a := assessment(); a.GapFill != nil {
		t.Fatalf("gap_fill before the job ran: %+v, want none", a.GapFill)
	}
	if html := d.get(t, "/v1/proposals/"+id+"/report.html?lang=en").Body.String(); !strings.Contains(html, "Not computed yet: this section follows the coverage.") {
		t.Errorf("report before the gap fill does not say it is pending")
	}
	// What the proposal-coverage job does after the coverage.
	if _, err := fill.Proposal(context.Background(), created.ID); err != nil {
		t.Fatalf("Proposal gap fill: %v", err)
	}
	a := assessment()
	if a.GapFill == nil || a.GapFill.People != 300 || len(a.GapFill.Villages) != 1 || a.GapFill.Villages[0].Name != "Thôn A (SYNTHETIC)" || a.GapFill.AssessmentID == 0 {
		t.Fatalf("assessment gap_fill = %+v, want Thôn A, 300 people, its assessment", a.GapFill)
	}
	var report struct {
		Assessment withFill `json:"assessment"`
	}
	if err := json.Unmarshal(d.get(t, "/v1/proposals/"+id+"/report").Body.Bytes(), &report); err != nil {
		t.Fatal(err)
	}
	if g := report.Assessment.GapFill; g == nil || g.People != 300 {
		t.Errorf("report gap_fill = %+v, want 300 people", g)
	}
	for lang, want := range map[string][]string{
		"en": {"Coverage gaps filled", "People newly covered", "<td>Thôn A (SYNTHETIC)</td><td>300</td><td>trang_song / unknown</td><td>this carrier</td>", "452-01 SYNTHETIC-MF-1"},
		"vi": {"Phủ lõm, trắng sóng", "Người dân được phủ mới", "<td>Thôn A (SYNTHETIC)</td><td>300</td>"},
	} {
		rec := d.get(t, "/v1/proposals/"+id+"/report.html?lang="+lang)
		if rec.Code != http.StatusOK {
			t.Fatalf("report.html = %d", rec.Code)
		}
		for _, w := range want {
			if !strings.Contains(rec.Body.String(), w) {
				t.Errorf("report.html?lang=%s lacks %q", lang, w)
			}
		}
	}
}
