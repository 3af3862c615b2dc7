package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"btsplan/api"
	"btsplan/data"
	"btsplan/data/datatest"
	"btsplan/planning"
)

// The bad-input audit (issue 2 "Bad input") against a real PostGIS: the
// handler of api.NewHandler over a planning.Service wired over the real
// data stores on a throwaway schema. Every bad request must be answered
// with a 4xx problem naming the field, and must leave no row behind. The
// same cases against fakes are in handle_checks_test.go (TestBadSite) and
// handle_layers_test.go (TestImportLayerBad); these add what only the
// database can say: the organization table, the admin units, the stored
// content hashes and the SRIDs of spatial_ref_sys.

// dbProvince is the one admin unit loaded: a box around Tam Đảo, as
// province "26" (Vĩnh Phúc). dbSite lies inside it.
const dbProvince = `{"type": "FeatureCollection", "features": [
 {"type": "Feature", "properties": {"ma": "26", "ten": "Tỉnh Vĩnh Phúc"},
  "geometry": {"type": "Polygon", "coordinates": [[[105.3, 21.1], [105.9, 21.1], [105.9, 21.6], [105.3, 21.6], [105.3, 21.1]]]}}]}`

var dbSite = [2]float64{105.6, 21.4}

// dbAPI is the handler over the real stores and the pool to count rows.
type dbAPI struct {
	h    http.Handler
	pool *pgxpool.Pool
}

func newDBAPI(t *testing.T, cfg api.Config) *dbAPI {
	t.Helper()
	pool := datatest.New(t)
	db := data.NewDB(pool, data.PoolConfig{QueryTimeout: 30 * time.Second})
	book, err := planning.LoadRuleBook(nil)
	if err != nil {
		t.Fatalf("LoadRuleBook: %v", err)
	}
	admin, orgs := data.NewAdminStore(db), data.NewOrgStore(db)
	ctx := context.Background()
	if _, err := admin.ImportAdminUnits(ctx, data.AdminSpec{Level: "province", CodeField: "ma", NameField: "ten",
		ValidFrom: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)}, strings.NewReader(dbProvince)); err != nil {
		t.Fatalf("ImportAdminUnits: %v", err)
	}
	svc := planning.NewService(planning.ServiceConfig{}, book, data.NewZoneStore(db), data.NewProposalStore(db),
		admin, orgs, data.NewLayerStore(db, book), func() time.Time { return testNow })
	if err := svc.CheckRules(ctx); err != nil {
		t.Fatalf("CheckRules: %v", err)
	}
	cfg.Orgs = orgs
	return &dbAPI{h: authed(api.NewHandler(slog.New(slog.DiscardHandler), withTestAuth(cfg), svc)), pool: pool}
}

func (d *dbAPI) post(t *testing.T, target string, body io.Reader) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest("POST", target, body)
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	d.h.ServeHTTP(rec, req)
	return rec
}

// rows returns the number of rows of each table a request could write.
func (d *dbAPI) rows(t *testing.T) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, table := range []string{"proposal", "proposal_antenna", "assessment", "assessment_layer", "finding", "layer", "zone"} {
		var n int
		if err := d.pool.QueryRow(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
			t.Fatalf("count %s: %v", table, err)
		}
		out[table] = n
	}
	return out
}

func (d *dbAPI) wantNothingStored(t *testing.T) {
	t.Helper()
	for table, n := range d.rows(t) {
		if n != 0 {
			t.Errorf("%d rows in %s after a refused request, want 0", n, table)
		}
	}
}

// TestBadSiteDB sends each kind of bad site to both POST endpoints of a
// handler over the real stores.
func TestBadSiteDB(t *testing.T) {
	d := newDBAPI(t, api.Config{})
	edit := func(f func(m map[string]any)) []byte {
		m := siteBody(dbSite)
		f(m)
		return mustJSON(t, m)
	}
	props := func(m map[string]any) map[string]any { return m["properties"].(map[string]any) }
	coords := func(lon, lat float64) func(m map[string]any) {
		return func(m map[string]any) { m["geometry"].(map[string]any)["coordinates"] = []float64{lon, lat} }
	}
	valid := string(edit(func(map[string]any) {}))
	lon, lat, e := dbSite[0], dbSite[1], 0.0002
	tests := []struct {
		name       string
		body       []byte
		wantStatus int
		wantField  string
	}{
		{"malformed JSON", []byte(`{"type": "Feature", "geometry": {"type": "Point", "coordinates": [105.6, 21.4]}, "properties": {"carrier": `), 400, "/properties/carrier"},
		{"missing fields", edit(func(m map[string]any) { m["properties"] = map[string]any{} }), 422, "/properties/carrier"},
		{"lon and lat swapped", edit(coords(lat, lon)), 422, "/geometry/coordinates"},
		{"longitude out of range", edit(coords(200, lat)), 422, "/geometry/coordinates"},
		{"latitude out of range", edit(coords(lon, -91)), 422, "/geometry/coordinates"},
		// Checked by the real AdminStore: Vientiane is in no unit loaded.
		{"outside every admin unit loaded", edit(coords(102.6, 17.97)), 422, "/geometry/coordinates"},
		{"in Vietnam but outside every unit loaded", edit(coords(106.7, 10.78)), 422, "/geometry/coordinates"},
		{"NaN", []byte(strings.Replace(valid, `"height_m":36`, `"height_m":NaN`, 1)), 400, "/properties/height_m"},
		{"Inf", []byte(strings.Replace(valid, fmt.Sprintf("[%v,%v]", lon, lat), fmt.Sprintf("[%v,1e400]", lon), 1)), 422, "/geometry/coordinates/1"},
		{"altitude that is not a number", []byte(strings.Replace(valid, fmt.Sprintf("[%v,%v]", lon, lat), fmt.Sprintf(`[%v,%v,"12 m"]`, lon, lat), 1)), 422, "/geometry/coordinates/2"},
		{"altitude that overflows to Inf", []byte(strings.Replace(valid, fmt.Sprintf("[%v,%v]", lon, lat), fmt.Sprintf("[%v,%v,1e400]", lon, lat), 1)), 422, "/geometry/coordinates/2"},
		{"height 0", edit(func(m map[string]any) { props(m)["height_m"] = 0 }), 422, "/properties/height_m"},
		{"height above 300 m", edit(func(m map[string]any) { props(m)["height_m"] = 300.5 }), 422, "/properties/height_m"},
		{"self-intersecting footprint", edit(func(m map[string]any) {
			props(m)["footprint"] = map[string]any{"type": "Polygon", "coordinates": [][][2]float64{{
				{lon - e, lat - e}, {lon + e, lat + e}, {lon + e, lat - e}, {lon - e, lat + e}, {lon - e, lat - e}}}}
		}), 422, "/properties/footprint"},
		{"geometry of the wrong type", edit(func(m map[string]any) {
			m["geometry"] = map[string]any{"type": "Polygon", "coordinates": [][][2]float64{{{lon, lat}, {lon + e, lat}, {lon, lat + e}, {lon, lat}}}}
		}), 422, "/geometry/type"},
		// Checked by the real OrgStore against the organization table.
		{"unknown carrier code", edit(func(m map[string]any) { props(m)["carrier"] = "452-99" }), 422, "/properties/carrier"},
		{"carrier code that the table could not hold", edit(func(m map[string]any) { props(m)["carrier"] = "viettel'; --" }), 422, "/properties/carrier"},
		{"an authority as carrier", edit(func(m map[string]any) { props(m)["carrier"] = "SNNMT" }), 422, "/properties/carrier"},
		{"body over 1 MiB", []byte(`{"type":"Feature","pad":"` + strings.Repeat("đ", 1<<19) + `"}`), 413, ""},
	}
	for _, endpoint := range []string{"/v1/checks", "/v1/proposals"} {
		for _, tt := range tests {
			t.Run(endpoint+"/"+tt.name, func(t *testing.T) {
				rec := d.post(t, endpoint, bytes.NewReader(tt.body))
				p := decodeProblem(t, rec, tt.wantStatus)
				if p.Field != tt.wantField {
					t.Errorf("field = %q, want %q; problem %+v", p.Field, tt.wantField, p)
				}
				d.wantNothingStored(t)
			})
		}
	}
}

// TestBlankSiteCodeDB: a site code of spaces is no code. A dry run needs
// none; a submission is refused naming the member the body has. (A tab is
// a control character, refused by both.)
func TestBlankSiteCodeDB(t *testing.T) {
	d := newDBAPI(t, api.Config{})
	m := siteBody(dbSite)
	m["properties"].(map[string]any)["site_code"] = "   "
	if rec := d.post(t, "/v1/checks", bytes.NewReader(mustJSON(t, m))); rec.Code != http.StatusOK {
		t.Errorf("/v1/checks: status = %d, want 200; body %s", rec.Code, rec.Body)
	}
	p := decodeProblem(t, d.post(t, "/v1/proposals", bytes.NewReader(mustJSON(t, m))), http.StatusUnprocessableEntity)
	if p.Field != "/properties/site_code" {
		t.Errorf("field = %q, want /properties/site_code; problem %+v", p.Field, p)
	}
	d.wantNothingStored(t)
}

// TestBodyLimitDB checks the 1 MiB limit of a site body to the byte: a
// valid site padded to exactly the limit is read, one byte more is 413.
func TestBodyLimitDB(t *testing.T) {
	d := newDBAPI(t, api.Config{})
	body := mustJSON(t, siteBody(dbSite))
	at := append(body, bytes.Repeat([]byte(" "), api.DefaultMaxBodyBytes-len(body))...)
	if rec := d.post(t, "/v1/checks", bytes.NewReader(at)); rec.Code != http.StatusOK {
		t.Errorf("a body of exactly %d bytes: status = %d, want 200; body %s", len(at), rec.Code, rec.Body)
	}
	over := append(at, ' ')
	for _, endpoint := range []string{"/v1/checks", "/v1/proposals"} {
		decodeProblem(t, d.post(t, endpoint, bytes.NewReader(over)), http.StatusRequestEntityTooLarge)
	}
	d.wantNothingStored(t)
}

// TestDuplicateSubmissionDB submits the same content twice: the second is
// 409 naming the first, found by the real ProposalStore's content hash.
func TestDuplicateSubmissionDB(t *testing.T) {
	d := newDBAPI(t, api.Config{})
	body := mustJSON(t, siteBody(dbSite))
	rec := d.post(t, "/v1/proposals", bytes.NewReader(body))
	if rec.Code != http.StatusCreated {
		t.Fatalf("first submission: status = %d, want 201; body %s", rec.Code, rec.Body)
	}
	var first struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &first); err != nil {
		t.Fatal(err)
	}
	before := d.rows(t)

	p := decodeProblem(t, d.post(t, "/v1/proposals", bytes.NewReader(body)), http.StatusConflict)
	if want := fmt.Sprintf("/v1/proposals/%d", first.ID); p.Existing != want {
		t.Errorf("existing = %q, want %q", p.Existing, want)
	}
	if after := d.rows(t); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("rows after the duplicate %v, want unchanged %v", after, before)
	}

	// The same site code with other content is a new revision, not a
	// duplicate.
	m := siteBody(dbSite)
	m["properties"].(map[string]any)["height_m"] = 30
	if rec := d.post(t, "/v1/proposals", bytes.NewReader(mustJSON(t, m))); rec.Code != http.StatusCreated {
		t.Errorf("changed content: status = %d, want 201; body %s", rec.Code, rec.Body)
	}
}

// TestBadLayerDB sends bad layer imports to a handler over the real
// LayerStore; none may leave a layer or a zone behind.
func TestBadLayerDB(t *testing.T) {
	d := newDBAPI(t, api.Config{MaxLayerBytes: 4096})
	ok := `{"type": "Feature", "properties": {"ten": "Rừng đặc dụng Tam Đảo", "ma": "RDD"}, "geometry": {"type": "Polygon", "coordinates": [[[105.6, 21.4], [105.61, 21.4], [105.61, 21.41], [105.6, 21.4]]]}}`
	coll := func(extra string, features ...string) string {
		return `{"type": "FeatureCollection"` + extra + `, "features": [` + strings.Join(features, ", ") + `]}`
	}
	crs := func(name string) string { return `, "crs": {"type": "name", "properties": {"name": "` + name + `"}}` }
	const q = "/v1/layers?kind=landuse&name=rung&category=RDD"
	tests := []struct {
		name       string
		target     string
		body       string
		wantStatus int
		wantField  string
	}{
		{"not GeoJSON", q, "ten,ma\nRừng,RDD\n", 422, ""},
		{"GeoJSON but not a FeatureCollection", q, `{"type": "Polygon", "coordinates": [[[105.6, 21.4], [105.61, 21.4], [105.61, 21.41], [105.6, 21.4]]]}`, 422, "/type"},
		{"feature with no geometry", q, coll("", ok, `{"type": "Feature", "properties": {}, "geometry": null}`), 422, "/features/1/geometry"},
		{"feature of the wrong geometry type", q, coll("", ok, `{"type": "Feature", "properties": {}, "geometry": {"type": "Circle", "coordinates": [105.6, 21.4]}}`), 422, "/features/1/geometry/type"},
		{"crs naming an unknown EPSG code", q, coll(crs("urn:ogc:def:crs:EPSG::999999"), ok), 422, "/crs"},
		{"crs that is not EPSG", q, coll(crs("urn:ogc:def:crs:ESRI::102100"), ok), 422, "/crs"},
		{"srid beyond PostGIS's range", q + "&srid=999999", coll("", ok), 400, "srid"},
		{"srid and crs disagree", q + "&srid=9210", coll(crs("EPSG:5897"), ok), 422, "srid"},
		{"unknown category code in a feature", "/v1/layers?kind=landuse&name=rung&category_field=ma", coll("", ok, strings.Replace(ok, `"RDD"`, `"XYZ"`, 1)), 422, "/features/1/properties"},
		{"body over the layer limit", q, coll("", strings.Repeat(ok+", ", 40)+ok), 413, ""},
		// Issue 7: the import's parameters and the file's hostile content.
		{"srid of 0", q + "&srid=0", coll("", ok), 400, "srid"},
		{"srid beyond int32", q + "&srid=99999999999", coll("", ok), 400, "srid"},
		{"srid unknown", q + "&srid=998998", coll("", ok), 422, "srid"},
		{"allow_outside not a boolean", q + "&allow_outside=yes", coll("", ok), 400, "allow_outside"},
		{"a misspelt parameter", q + "&sird=3405", coll("", ok), 400, "sird"},
		{"layer name with a NUL", "/v1/layers?kind=landuse&name=r%00ng&category=RDD", coll("", ok), 400, "name"},
		{"layer name of 20,000 characters", "/v1/layers?kind=landuse&category=RDD&name=" + strings.Repeat("x", 20000), coll("", ok), 400, "name"},
		{"lon/lat with srid 3405", q + "&srid=3405", coll("", ok), 422, "/features/0/geometry"},
		{"lon/lat with a crs of EPSG:3857", q, coll(crs("EPSG:3857"), ok), 422, "/features/0/geometry"},
		{"a zone at 100.51 E, 0 N", q, coll("", strings.ReplaceAll(strings.ReplaceAll(ok, "105.6", "100.51"), "21.4", "0.0")), 422, "/features/0/geometry"},
		{"a zone in Huế, outside the province loaded", q, coll("", strings.ReplaceAll(strings.ReplaceAll(ok, "105.6", "107.58"), "21.4", "16.46")), 422, "/features/0/geometry"},
		{"unclosed ring", q, coll("", `{"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [[[105.6, 21.4], [105.61, 21.4], [105.61, 21.41]]]}}`), 422, "/features/0/geometry/coordinates/0"},
		{"hole outside its shell", q, coll("", `{"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [[[105.6, 21.4], [105.61, 21.4], [105.61, 21.41], [105.6, 21.4]], [[105.7, 21.5], [105.71, 21.5], [105.71, 21.51], [105.7, 21.5]]]}}`), 422, "/features/0/geometry"},
		{"NUL in a property", q, coll("", `{"type": "Feature", "properties": {"ten": "\u0000"}, "geometry": {"type": "Point", "coordinates": [105.6, 21.4]}}`), 422, "/features/0/properties/ten"},
		{"10-deep GeometryCollection", q, coll("", `{"type": "Feature", "properties": {}, "geometry": `+strings.Repeat(`{"type": "GeometryCollection", "geometries": [`, 10)+`{"type": "Point", "coordinates": [105.6, 21.4]}`+strings.Repeat("]}", 10)+`}`), 422, "/features/0/geometry/geometries/0/geometries/0/geometries/0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := d.post(t, tt.target, strings.NewReader(tt.body))
			p := decodeProblem(t, rec, tt.wantStatus)
			if p.Field != tt.wantField {
				t.Errorf("field = %q, want %q; problem %+v", p.Field, tt.wantField, p)
			}
			for _, bad := range []string{"SQLSTATE", "Go struct", "pgx", "rawFeature", "XX000"} {
				if strings.Contains(rec.Body.String(), bad) {
					t.Errorf("problem holds internal text %q: %s", bad, rec.Body)
				}
			}
			if len(p.Detail) > 2000 {
				t.Errorf("problem detail of %d bytes, want it short (the caller's input is not echoed)", len(p.Detail))
			}
			d.wantNothingStored(t)
		})
	}
	// The good feature alone imports: the refusals above were about the
	// input, not the fixture; and allow_outside imports a zone in Huế.
	if rec := d.post(t, q, strings.NewReader(coll("", ok))); rec.Code != http.StatusCreated {
		t.Errorf("a good layer: status = %d, want 201; body %s", rec.Code, rec.Body)
	}
	hue := coll("", strings.ReplaceAll(strings.ReplaceAll(ok, "105.6", "107.58"), "21.4", "16.46"))
	if rec := d.post(t, q+"&allow_outside=true", strings.NewReader(hue)); rec.Code != http.StatusCreated {
		t.Errorf("a zone in Huế with allow_outside=true: status = %d, want 201; body %s", rec.Code, rec.Body)
	}
}

// TestHostileSitesDB sends the hostile bodies of TestHostileSites to a
// handler over the real stores: a NUL or a megabyte of text once reached
// PostgreSQL (500) or was stored; none may now leave a row behind.
func TestHostileSitesDB(t *testing.T) {
	d := newDBAPI(t, api.Config{})
	for _, endpoint := range []string{"/v1/checks", "/v1/proposals"} {
		for _, tt := range hostileSites(t, dbSite) {
			t.Run(endpoint+"/"+tt.name, func(t *testing.T) {
				p := decodeProblem(t, d.post(t, endpoint, strings.NewReader(tt.body)), tt.wantStatus)
				if p.Field != tt.wantField {
					t.Errorf("field = %q, want %q; detail %s", p.Field, tt.wantField, p.Detail)
				}
				checkPlainProblem(t, p)
			})
		}
	}
	d.wantNothingStored(t)
}

// TestCrossSiteFormDB: a browser form posted from another site (text/plain
// or urlencoded, sent without a preflight) once created a proposal and
// imported a layer. Both are 415 now, and nothing is stored.
func TestCrossSiteFormDB(t *testing.T) {
	d := newDBAPI(t, api.Config{})
	site := string(mustJSON(t, siteBody(dbSite)))
	layer := `{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"ten": "Rừng"}, "geometry": {"type": "Polygon", "coordinates": [[[105.6, 21.4], [105.61, 21.4], [105.61, 21.41], [105.6, 21.4]]]}}]}`
	for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""} {
		for target, body := range map[string]string{
			"/v1/proposals": site,
			"/v1/layers?kind=landuse&name=rung&category=RDD": layer,
		} {
			t.Run(target+"/"+ct, func(t *testing.T) {
				req := httptest.NewRequest("POST", target, strings.NewReader(body))
				if ct != "" {
					req.Header.Set("Content-Type", ct)
				}
				rec := httptest.NewRecorder()
				d.h.ServeHTTP(rec, req)
				decodeProblem(t, rec, http.StatusUnsupportedMediaType)
			})
		}
	}
	d.wantNothingStored(t)
}

// TestNoInternalTextDB scans the 4xx answers of a handler over the real
// stores for driver and encoding/json text ("no rows in result set",
// SQLSTATEs, Go type names), and checks that none is a 5xx.
func TestNoInternalTextDB(t *testing.T) {
	d := newDBAPI(t, api.Config{})
	body := mustJSON(t, siteBody(dbSite))
	if rec := d.post(t, "/v1/proposals", bytes.NewReader(body)); rec.Code != http.StatusCreated {
		t.Fatalf("submit: status %d: %s", rec.Code, rec.Body)
	}
	requests := []struct {
		method, target, body string
		wantStatus           int
	}{
		{"GET", "/v1/proposals/999", "", 404},
		{"GET", "/v1/proposals/999/assessment", "", 404},
		{"GET", "/v1/proposals/999/report", "", 404},
		{"GET", "/v1/proposals/999/report.html", "", 404},
		{"GET", "/v1/proposals/999/findings.geojson", "", 404},
		{"GET", "/v1/proposals/123456789012345678", "", 404},
		{"GET", "/v1/layers/nope.geojson", "", 404},
		{"GET", "/v1/layers/nope.geojson?version=2147483647", "", 404},
		{"GET", "/v1/layers/nope.geojson?version=99999999999", "", 400},
		{"GET", "/v1/layers/%00.geojson", "", 400},
		{"GET", "/v1/proposals?carrier=%00", "", 400},
		{"GET", "/v1/proposals?admin_unit=%00", "", 400},
		{"GET", "/v1/proposals?offset=9223372036854775807", "", 400},
		{"GET", "/v1/proposals/%00", "", 400},
		{"POST", "/v1/proposals", string(body), 409},
		{"POST", "/v1/checks", `{"type": "Feature", "properties": {"height_m": "high"}}`, 422},
		{"POST", "/v1/checks", `{"type": "Feature", "properties": {"antennas": {"0": {}}}}`, 422},
		{"POST", "/v1/checks", `{"type": "Feature", "geometry": [1, 2]}`, 422},
		{"POST", "/v1/checks", `[{"type": "Feature"}]`, 400},
		{"POST", "/v1/checks", `"Feature"`, 400},
		{"POST", "/v1/checks", strings.Replace(string(body), `"452-04"`, `"452-04\u0000"`, 1), 422},
	}
	for _, r := range requests {
		t.Run(r.method+" "+r.target, func(t *testing.T) {
			var rd io.Reader
			if r.body != "" {
				rd = strings.NewReader(r.body)
			}
			req := httptest.NewRequest(r.method, r.target, rd)
			if r.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			rec := httptest.NewRecorder()
			d.h.ServeHTTP(rec, req)
			checkPlainProblem(t, decodeProblem(t, rec, r.wantStatus))
		})
	}
}

// areaBody is an area of interest around dbSite, inside dbProvince.
const areaBody = `{"type": "Feature", "properties": {"name": "Tam Đảo"},
 "geometry": {"type": "Polygon", "coordinates": [[[105.5, 21.3], [105.7, 21.3], [105.7, 21.5], [105.5, 21.5], [105.5, 21.3]]]}}`
