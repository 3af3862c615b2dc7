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

// gapListAPI is the handler with the gap and gap-list services over a real
// PostGIS: a SYNTHETIC province with two communes and five villages (two
// of them named alike once folded), and no gap analysis yet.
func gapListAPI(t *testing.T) (*dbAPI, *data.DB) {
	t.Helper()
	pool := datatest.New(t)
	ctx := context.Background()
	db := data.NewDB(pool, data.PoolConfig{QueryTimeout: 30 * time.Second})
	book, err := planning.LoadRuleBook(nil)
	if err != nil {
		t.Fatal(err)
	}
	admin := data.NewAdminStore(db)
	from := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	box := func(w, s, e, n float64) string {
		return `{"type": "Polygon", "coordinates": [[[` + ftoa(w) + `,` + ftoa(s) + `],[` + ftoa(e) + `,` + ftoa(s) + `],[` +
			ftoa(e) + `,` + ftoa(n) + `],[` + ftoa(w) + `,` + ftoa(n) + `],[` + ftoa(w) + `,` + ftoa(s) + `]]]}`
	}
	if _, err := admin.ImportAdminUnits(ctx, data.AdminSpec{Level: "province", CodeField: "code", ValidFrom: from},
		strings.NewReader(`{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"code": "SYNP",
		"name": "Tỉnh Thử (SYNTHETIC)"}, "geometry": `+box(105, 21, 106, 22)+`}]}`)); err != nil {
		t.Fatalf("import province: %v", err)
	}
	if _, err := admin.ImportAdminUnits(ctx, data.AdminSpec{Level: "commune", CodeField: "code", ParentField: "parent", ValidFrom: from},
		strings.NewReader(`{"type": "FeatureCollection", "features": [
		{"type": "Feature", "properties": {"code": "SYNC1", "name": "Xã Đại Đình (SYNTHETIC)", "parent": "SYNP"}, "geometry": `+box(105.5, 21.3, 105.7, 21.5)+`},
		{"type": "Feature", "properties": {"code": "SYNC2", "name": "Xã Khác (SYNTHETIC)", "parent": "SYNP"}, "geometry": `+box(105.7, 21.3, 105.9, 21.5)+`}]}`)); err != nil {
		t.Fatalf("import communes: %v", err)
	}
	layers := data.NewLayerStore(db, book)
	if _, err := layers.ImportLayer(ctx, planning.LayerSpec{Kind: planning.KindSettlement, Name: "villages", CategoryField: "kind",
		AllowOutside: true}, strings.NewReader(`{"type": "FeatureCollection", "features": [
		{"type": "Feature", "properties": {"name": "Thôn  Đồng Bùa (SYNTHETIC)", "kind": "village"}, "geometry": {"type": "Point", "coordinates": [105.6, 21.4]}},
		{"type": "Feature", "properties": {"name": "Thôn Trùng (SYNTHETIC)", "kind": "village"}, "geometry": {"type": "Point", "coordinates": [105.55, 21.35]}},
		{"type": "Feature", "properties": {"name": "Thon Trung (SYNTHETIC)", "kind": "hamlet"}, "geometry": {"type": "Point", "coordinates": [105.65, 21.45]}},
		{"type": "Feature", "properties": {"name": "Bản Lầy (SYNTHETIC)", "kind": "village"}, "geometry": {"type": "Point", "coordinates": [105.62, 21.42]}},
		{"type": "Feature", "properties": {"name": "Thôn Xa (SYNTHETIC)", "kind": "village"}, "geometry": {"type": "Point", "coordinates": [105.8, 21.4]}}]}`), nil); err != nil {
		t.Fatalf("import villages: %v", err)
	}
	orgs := data.NewOrgStore(db)
	svc := planning.NewService(planning.ServiceConfig{}, book, data.NewZoneStore(db), data.NewProposalStore(db), admin, orgs, layers, nil)
	cfg := api.Config{Orgs: orgs, Gaps: planning.NewGapService(data.NewGapStore(db), nil, nil, nil, nil),
		GapLists: planning.NewGapListService(data.NewGapListStore(db), nil)}
	return &dbAPI{h: authed(api.NewHandler(slog.New(slog.DiscardHandler), withTestAuth(cfg), svc)), pool: pool}, db
}

func ftoa(v float64) string { b, _ := json.Marshal(v); return string(b) }

func (d *dbAPI) postCSV(t *testing.T, target, body string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(body))
	req.Header.Set("Content-Type", "text/csv")
	rec := httptest.NewRecorder()
	d.h.ServeHTTP(rec, req)
	return rec
}

func (d *dbAPI) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := d.pool.QueryRow(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

const (
	glHeader = "province,commune,village,status,date\n"
	// glGood matches "Thôn  Đồng Bùa" in "Xã Đại Đình" with every name
	// written without diacritics and in another case.
	glGood = "tinh thu (synthetic),XA DAI DINH (SYNTHETIC),thon dong bua (synthetic),trang_song,2025-03-01\n"
)

func TestImportGapListBadInputStoresNothing(t *testing.T) {
	d, _ := gapListAPI(t)
	tests := []struct {
		name, target, csv string
		want              int
		wantField         string
		wantReason        string
	}{
		{"wrong header", "/v1/gap-lists", "tinh,xa,thon,status,date\n" + glGood, 422, "line 1", "header column 1"},
		{"wrong column count", "/v1/gap-lists", glHeader + glGood + "a,b,c,trang_song\n", 422, "line 3", "has 4 columns"},
		{"bad date", "/v1/gap-lists", glHeader + strings.Replace(glGood, "2025-03-01", "2025-13-01", 1), 422, "line 2", "not a date"},
		{"unknown status", "/v1/gap-lists", glHeader + strings.Replace(glGood, "trang_song", "no_signal", 1), 422, "line 2", `status "no_signal"`},
		{"unknown province", "/v1/gap-lists", glHeader + strings.Replace(glGood, "tinh thu", "tinh khac", 1), 422, "line 2", "unknown province"},
		{"unknown commune", "/v1/gap-lists", glHeader + strings.Replace(glGood, "XA DAI DINH", "XA NAO", 1), 422, "line 2", "unknown commune"},
		{"duplicate village", "/v1/gap-lists", glHeader + glGood + strings.Replace(glGood, "thon dong bua", "Thôn Đồng  Bùa", 1), 422, "line 3", "duplicate village"},
		{"unmatched village", "/v1/gap-lists", glHeader + glGood + "Tỉnh Thử (SYNTHETIC),Xã Đại Đình (SYNTHETIC),Thôn Xa (SYNTHETIC),lom_song,2025-03-01\n", 422, "line 3", "no village or hamlet named"},
		{"ambiguous village", "/v1/gap-lists", glHeader + glGood + "Tỉnh Thử (SYNTHETIC),Xã Đại Đình (SYNTHETIC),Thôn Trùng (SYNTHETIC),lom_song,2025-03-01\n", 422, "line 3", "2 villages named"},
		{"nothing matches even when allowed", "/v1/gap-lists?allow_unmatched=true", glHeader + "Tỉnh Thử (SYNTHETIC),Xã Khác (SYNTHETIC),Thôn Gần,lom_song,2025-03-01\n", 422, "line 2", "no village or hamlet"},
		{"bad allow_unmatched", "/v1/gap-lists?allow_unmatched=maybe", glHeader + glGood, 400, "allow_unmatched", "not true or false"},
		{"unknown parameter", "/v1/gap-lists?allow=true", glHeader + glGood, 400, "allow", "unknown parameter"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := d.postCSV(t, tc.target, tc.csv)
			if rec.Code != tc.want {
				t.Fatalf("POST = %d %s, want %d", rec.Code, rec.Body, tc.want)
			}
			var p struct {
				Errors []struct{ Field, Reason string }
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || len(p.Errors) == 0 {
				t.Fatalf("problem = %s (%v), want errors", rec.Body, err)
			}
			if p.Errors[0].Field != tc.wantField || !strings.Contains(p.Errors[0].Reason, tc.wantReason) {
				t.Errorf("first error = %+v, want field %q saying %q", p.Errors[0], tc.wantField, tc.wantReason)
			}
			for _, table := range []string{"gap_list", "gap_list_village"} {
				if n := d.count(t, table); n != 0 {
					t.Errorf("%d rows in %s after a refused import, want 0", n, table)
				}
			}
		})
	}
}

func TestImportGapListAtomicUnlessAllowed(t *testing.T) {
	d, _ := gapListAPI(t)
	csv := glHeader + glGood +
		"Tỉnh Thử (SYNTHETIC),Xã Đại Đình (SYNTHETIC),Thôn Trùng (SYNTHETIC),lom_song,2025-03-01\n" +
		"Tỉnh Thử (SYNTHETIC),Xã Đại Đình (SYNTHETIC),Thôn Không Có,lom_song,2025-03-01\n" +
		"SYNP,SYNC2,thôn xa (synthetic),covered,2025-05-01\n"
	rec := d.postCSV(t, "/v1/gap-lists", csv)
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("POST = %d %s, want 422", rec.Code, rec.Body)
	}
	for _, want := range []string{`"line 3"`, `"line 4"`, `"allow_unmatched"`} {
		if !strings.Contains(rec.Body.String(), want) {
			t.Errorf("problem %s does not name %s", rec.Body, want)
		}
	}
	if n := d.count(t, "gap_list_village"); n != 0 {
		t.Fatalf("%d list rows stored by a failed import, want 0", n)
	}

	rec = d.postCSV(t, "/v1/gap-lists?allow_unmatched=true&source=test.csv", csv)
	if rec.Code != http.StatusCreated {
		t.Fatalf("POST allow_unmatched = %d %s, want 201", rec.Code, rec.Body)
	}
	var out struct {
		Version   int    `json:"version"`
		Source    string `json:"source"`
		Rows      int    `json:"rows"`
		Matched   int    `json:"matched"`
		Unmatched []struct {
			Line   int    `json:"line"`
			Reason string `json:"reason"`
		} `json:"unmatched"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	if out.Version != 1 || out.Source != "test.csv" || out.Rows != 4 || out.Matched != 2 || len(out.Unmatched) != 2 ||
		out.Unmatched[0].Line != 3 || out.Unmatched[1].Line != 4 {
		t.Errorf("report = %+v, want version 1, 4 rows, 2 matched, lines 3 and 4 unmatched", out)
	}
	if n := d.count(t, "gap_list_village"); n != 2 {
		t.Errorf("%d list rows stored, want 2", n)
	}
	// A new import is a new version.
	rec = d.postCSV(t, "/v1/gap-lists", glHeader+glGood)
	if rec.Code != http.StatusCreated || !strings.Contains(rec.Body.String(), `"version":2`) {
		t.Errorf("second import = %d %s, want 201 version 2", rec.Code, rec.Body)
	}
}

// TestGapAnalysisBesideOfficialList stores a done analysis and shows that
// the village table, the GeoJSON and the summary carry the latest list's
// statuses and the agreement.
func TestGapAnalysisBesideOfficialList(t *testing.T) {
	d, db := gapListAPI(t)
	ctx := context.Background()
	zones := map[string]int64{}
	rows, err := d.pool.Query(ctx, "SELECT id, name FROM zone")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			t.Fatal(err)
		}
		zones[name] = id
	}
	rows.Close()
	store := data.NewGapStore(db)
	b := orb.Bound{Min: orb.Point{105.5, 21.3}, Max: orb.Point{105.9, 21.5}}
	a := planning.GapAnalysis{Params: planning.GapParams{BBox: &b, Carriers: []string{"452-04"}}, State: planning.JobQueued}
	if err := store.CreateGapAnalysis(ctx, &a); err != nil {
		t.Fatalf("CreateGapAnalysis: %v", err)
	}
	village := func(name string, s planning.VillageStatus) planning.GapVillage {
		ns := planning.NotSpotNone
		if s == planning.TrangSong {
			ns = planning.NotSpotTotal
		}
		return planning.GapVillage{Village: planning.Village{ZoneID: zones[name], Category: "village", Name: name},
			Coverage: map[string]planning.CarrierCoverage{"452-04": {Status: s, LevelDBm: -90}}, NotSpot: ns}
	}
	vs := []planning.GapVillage{
		village("Thôn  Đồng Bùa (SYNTHETIC)", planning.Covered), // listed trắng sóng: disagrees
		village("Bản Lầy (SYNTHETIC)", planning.TrangSong),      // listed trắng sóng: agrees
		village("Thôn Xa (SYNTHETIC)", planning.TrangSong),      // not listed
	}
	if _, err := store.SaveGapResult(ctx, a.ID, vs, planning.CountGaps(a.Params.Carriers, vs), nil, nil, 500); err != nil {
		t.Fatalf("SaveGapResult: %v", err)
	}
	target := "/v1/gap-analyses/" + itoa(a.ID)
	// Before any list: nothing to compare with.
	if rec := d.get(t, target); !strings.Contains(rec.Body.String(), `"list_version":null`) {
		t.Errorf("GET %s without a list = %s, want official.list_version null", target, rec.Body)
	}
	if rec := d.postCSV(t, "/v1/gap-lists", glHeader+glGood+
		"Tỉnh Thử (SYNTHETIC),Xã Đại Đình (SYNTHETIC),Ban Lay (SYNTHETIC),trang_song,2024-11-15\n"); rec.Code != http.StatusCreated {
		t.Fatalf("import list = %d %s", rec.Code, rec.Body)
	}

	var sum struct {
		Official struct {
			ListVersion                 int    `json:"list_version"`
			Agrees                      int    `json:"agrees"`
			Disagreements               int    `json:"disagreements"`
			PredictedCoveredOfficialGap int    `json:"predicted_covered_official_gap"`
			NotListed                   int    `json:"not_listed"`
			NotListedPredictedGap       int    `json:"not_listed_predicted_gap"`
			Note                        string `json:"note"`
		} `json:"official"`
	}
	rec := d.get(t, target)
	if err := json.Unmarshal(rec.Body.Bytes(), &sum); err != nil {
		t.Fatalf("GET %s: %v %s", target, err, rec.Body)
	}
	o := sum.Official
	if o.ListVersion != 1 || o.Agrees != 1 || o.Disagreements != 1 || o.PredictedCoveredOfficialGap != 1 || o.NotListed != 1 || o.NotListedPredictedGap != 1 {
		t.Errorf("official summary = %+v, want list 1: 1 agrees, 1 disagreement (predicted covered), 1 not listed", o)
	}
	if !strings.Contains(o.Note, "not a measurement") {
		t.Errorf("note = %q, want it to say a prediction is not a measurement", o.Note)
	}

	var table struct {
		Villages []struct {
			ID        int64  `json:"id"`
			Predicted string `json:"predicted_status"`
			Agreement string `json:"agreement"`
			Official  *struct {
				Status      string `json:"status"`
				Date        string `json:"date"`
				ListVersion int    `json:"list_version"`
				Name        string `json:"name"`
			} `json:"official"`
		} `json:"villages"`
	}
	rec = d.get(t, target+"/villages")
	if err := json.Unmarshal(rec.Body.Bytes(), &table); err != nil || len(table.Villages) != 3 {
		t.Fatalf("villages = %s (%v)", rec.Body, err)
	}
	want := map[int64]string{zones["Thôn  Đồng Bùa (SYNTHETIC)"]: "predicted_covered_official_gap",
		zones["Bản Lầy (SYNTHETIC)"]: "agrees", zones["Thôn Xa (SYNTHETIC)"]: "not_listed"}
	for _, v := range table.Villages {
		if v.Agreement != want[v.ID] {
			t.Errorf("village %d agreement = %s, want %s", v.ID, v.Agreement, want[v.ID])
		}
		if v.ID == zones["Thôn  Đồng Bùa (SYNTHETIC)"] {
			if v.Official == nil || v.Official.Status != "trang_song" || v.Official.Date != "2025-03-01" || v.Official.ListVersion != 1 ||
				v.Official.Name != "thon dong bua (synthetic)" || v.Predicted != "covered" {
				t.Errorf("Đồng Bùa = %+v official %+v, want predicted covered beside the list's trang_song of 2025-03-01 as written", v, v.Official)
			}
		}
		if v.ID == zones["Thôn Xa (SYNTHETIC)"] && v.Official != nil {
			t.Errorf("Thôn Xa official = %+v, want null", v.Official)
		}
	}
	rec = d.get(t, target+"/villages.geojson")
	for _, want := range []string{`"agreement":"predicted_covered_official_gap"`, `"official":{"status":"trang_song"`, `"official":null`, `"predicted_status":"covered"`} {
		if !strings.Contains(rec.Body.String(), want) {
			t.Errorf("villages.geojson lacks %s", want)
		}
	}
}
