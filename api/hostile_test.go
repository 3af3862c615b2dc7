package api_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"btsplan/planning"
)

// The hardening audit (issue 7): what a hostile client sends to the API's
// decoding and validation. Every case must be a 4xx problem naming the
// field (a JSON pointer, or a query or path parameter), with a short plain
// detail, and store nothing; none may be a 5xx. The same bodies against
// the real database are in badinput_db_test.go.

// internalText are fragments that only internal errors hold.
var internalText = []string{"SQLSTATE", "Go struct", "Go value", "no rows", "pgx", "pq:", "pgconn",
	"violates", "constraint", "json:", "runtime error", "goroutine", "ERROR:", "unmarshal"}

// checkPlainProblem fails if a problem's detail or reasons hold internal
// text or echo more than a few hundred bytes of the request.
func checkPlainProblem(t *testing.T, p problemBody) {
	t.Helper()
	texts := []string{p.Detail}
	for _, e := range p.Errors {
		texts = append(texts, e.Reason)
	}
	for _, s := range texts {
		for _, bad := range internalText {
			if strings.Contains(s, bad) {
				t.Errorf("problem text %q holds internal text %q", s, bad)
			}
		}
		if len(s) > 1000 {
			t.Errorf("problem text is %d bytes long: it must not echo the request", len(s))
		}
	}
}

func props(m map[string]any) map[string]any { return m["properties"].(map[string]any) }

// hostileSites are the bodies both site endpoints must refuse; they are
// shared with TestHostileSitesDB.
func hostileSites(t *testing.T, loc [2]float64) []struct {
	name       string
	body       string
	wantStatus int
	wantField  string
} {
	m := siteBody(inForest)
	m["geometry"].(map[string]any)["coordinates"] = []float64{loc[0], loc[1]}
	valid := string(mustJSON(t, m))
	edit := func(f func(m map[string]any)) string {
		m := siteBody(inForest)
		m["geometry"].(map[string]any)["coordinates"] = []float64{loc[0], loc[1]}
		f(m)
		return string(mustJSON(t, m))
	}
	antenna := map[string]any{"azimuth_deg": 0, "tilt_deg": 4, "band_mhz": 1800, "eirp_dbm": 58, "technology": "LTE"}
	antennas := func(n int) []map[string]any {
		out := make([]map[string]any, n)
		for i := range out {
			out[i] = antenna
		}
		return out
	}
	withAntenna := func(key string, v any) func(m map[string]any) {
		return func(m map[string]any) {
			a := map[string]any{"azimuth_deg": 0, "tilt_deg": 4, "band_mhz": 1800, "eirp_dbm": 58, "technology": "LTE"}
			a[key] = v
			props(m)["antennas"] = []map[string]any{a}
		}
	}
	replace := func(old, new string) string {
		if !strings.Contains(valid, old) {
			t.Fatalf("%s is not in the body %s", old, valid)
		}
		return strings.Replace(valid, old, new, 1)
	}
	ring := make([][2]float64, 0, planning.MaxFootprintVertices+1)
	for i := range planning.MaxFootprintVertices {
		d := 1e-6 * float64(i)
		ring = append(ring, [2]float64{loc[0] + d, loc[1] + d*d})
	}
	ring = append(ring, ring[0])
	return []struct {
		name       string
		body       string
		wantStatus int
		wantField  string
	}{
		// 1. Nesting.
		{"nested 10,000 deep", `{"type":"Feature","properties":{"x":` + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + `}}`, 400,
			"/properties/x" + strings.Repeat("/0", 30)},
		{"unclosed objects 10,000 deep", `{"properties":` + strings.Repeat(`{"a":`, 10000), 400, "/properties" + strings.Repeat("/a", 31)},
		// 2. Duplicate members.
		{"duplicate carrier", replace(`"carrier":"452-04"`, `"carrier":"999-99","carrier":"452-04"`), 400, "/properties/carrier"},
		{"duplicate carrier in another case", replace(`"carrier":"452-04"`, `"carrier":"999-99","CARRIER":"452-04"`), 400, "/properties/CARRIER"},
		{"duplicate geometry", replace(`"type":"Feature"`, `"type":"Feature","geometry":null`), 400, "/geometry"},
		{"duplicate member inside an antenna", replace(`"band_mhz":1800`, `"band_mhz":1800,"band_mhz":1e300`), 400, "/properties/antennas/0/band_mhz"},
		// 3. NUL and text limits.
		{"escaped NUL in the site code", replace(`"site_code":"HGG`, `"site_code":"\u0000HGG`), 422, "/properties/site_code"},
		{"escaped NUL in the carrier", replace(`"carrier":"452-04"`, `"carrier":"452-04\u0000"`), 422, "/properties/carrier"},
		{"raw NUL in the carrier", replace(`"carrier":"452-04"`, "\"carrier\":\"452-04\x00\""), 400, "/properties/carrier"},
		{"900 KB site code", edit(func(m map[string]any) { props(m)["site_code"] = strings.Repeat("x", 900<<10) }), 422, "/properties/site_code"},
		{"65-character site code", edit(func(m map[string]any) { props(m)["site_code"] = strings.Repeat("đ", 65) }), 422, "/properties/site_code"},
		{"line break in the site code", edit(func(m map[string]any) { props(m)["site_code"] = "A\nB" }), 422, "/properties/site_code"},
		{"escape character in the carrier", edit(func(m map[string]any) { props(m)["carrier"] = "\x1b[31m452-04" }), 422, "/properties/carrier"},
		{"invalid UTF-8 in the site code", replace(`"site_code":"HGG`, "\"site_code\":\"\xffHGG"), 400, "/properties/site_code"},
		{"lone surrogate in the site code", replace(`"site_code":"HGG`, `"site_code":"\ud800HGG`), 400, "/properties/site_code"},
		{"900 KB structure", edit(func(m map[string]any) { props(m)["structure"] = strings.Repeat("A", 900<<10) }), 422, "/properties/structure"},
		{"NUL in a technology", edit(withAntenna("technology", "LTE\x00")), 422, "/properties/antennas/0/technology"},
		{"invalid UTF-8 in a member name", replace(`"type":"Feature"`, "\"type\":\"Feature\",\"\xc3\x28\":1"), 400, ""},
		{"member name of 10 KB", replace(`"type":"Feature"`, `"type":"Feature","`+strings.Repeat("k", 10<<10)+`":1`), 400, ""},
		// 5. Values that are not physical.
		{"band 1e300 MHz", edit(withAntenna("band_mhz", 1e300)), 422, "/properties/antennas/0/band_mhz"},
		{"band 0.0001 MHz", edit(withAntenna("band_mhz", 0.0001)), 422, "/properties/antennas/0/band_mhz"},
		{"EIRP 1e300 dBm", edit(withAntenna("eirp_dbm", 1e300)), 422, "/properties/antennas/0/eirp_dbm"},
		{"EIRP -1e300 dBm", edit(withAntenna("eirp_dbm", -1e300)), 422, "/properties/antennas/0/eirp_dbm"},
		{"tilt 1e300", edit(withAntenna("tilt_deg", 1e300)), 422, "/properties/antennas/0/tilt_deg"},
		{"azimuth -1e-320", edit(withAntenna("azimuth_deg", -1e-320)), 422, "/properties/antennas/0/azimuth_deg"},
		{"height 1e-320 m", edit(func(m map[string]any) { props(m)["height_m"] = 1e-320 }), 422, "/properties/height_m"},
		{"height -0", replace(`"height_m":36`, `"height_m":-0`), 422, "/properties/height_m"},
		{"height 1e999", replace(`"height_m":36`, `"height_m":1e999`), 422, "/properties/height_m"},
		{"height of 200 digits", replace(`"height_m":36`, `"height_m":`+strings.Repeat("3", 200)), 422, "/properties/height_m"},
		{"65 antennas", edit(func(m map[string]any) { props(m)["antennas"] = antennas(planning.MaxAntennas + 1) }), 422, "/properties/antennas"},
		{"11,000 antennas", edit(func(m map[string]any) { props(m)["antennas"] = antennas(11000) }), 422, "/properties/antennas"},
		// Arrays of coordinates.
		{"a position of 100,000 numbers", replace(fmt.Sprintf("[%v,%v]", loc[0], loc[1]),
			fmt.Sprintf("[%v,%v%s]", loc[0], loc[1], strings.Repeat(",0", 100000))), 422, "/geometry/coordinates"},
		{"a position of 4 numbers", replace(fmt.Sprintf("[%v,%v]", loc[0], loc[1]), fmt.Sprintf("[%v,%v,0,0]", loc[0], loc[1])), 422, "/geometry/coordinates"},
		{"a footprint of 1,001 positions", edit(func(m map[string]any) {
			props(m)["footprint"] = map[string]any{"type": "Polygon", "coordinates": [][][2]float64{ring}}
		}), 422, "/properties/footprint"},
		{"NaN coordinate", replace(fmt.Sprintf("[%v,%v]", loc[0], loc[1]), fmt.Sprintf("[NaN,%v]", loc[1])), 400, "/geometry/coordinates/0"},
	}
}

// TestHostileSites sends each hostile body to both site endpoints.
func TestHostileSites(t *testing.T) {
	ta := newTestAPI(t)
	for _, endpoint := range []string{"/v1/checks", "/v1/proposals"} {
		for _, tt := range hostileSites(t, inForest) {
			t.Run(endpoint+"/"+tt.name, func(t *testing.T) {
				p := decodeProblem(t, ta.do(t, "POST", endpoint, strings.NewReader(tt.body)), tt.wantStatus)
				if p.Field != tt.wantField {
					t.Errorf("field = %q, want %q; detail %s", p.Field, tt.wantField, p.Detail)
				}
				checkPlainProblem(t, p)
			})
		}
	}
	if n := ta.props.createCalls(); n != 0 {
		t.Errorf("CreateProposal called %d times, want 0", n)
	}
}

// TestHostileCoverageBody: the coverage request goes through the same
// pre-scan as a site.
func TestHostileCoverageBody(t *testing.T) {
	ta := newTestAPI(t, withCoverage(newMemCoverageStore()))
	valid := string(mustJSON(t, coverageBody()))
	tests := []struct {
		name       string
		body       string
		wantStatus int
		wantField  string
	}{
		{"nested 10,000 deep", `{"options":{"radio":` + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + `}}`, 400, "/options/radio" + strings.Repeat("/0", 30)},
		{"duplicate frequency", strings.Replace(valid, `"freq_mhz":1800`, `"freq_mhz":1800,"freq_mhz":20000`, 1), 400, "/site/freq_mhz"},
		{"duplicate site in another case", strings.Replace(valid, `"site":`, `"Site":{},"site":`, 1), 400, "/site"},
		{"NUL in the technology", strings.Replace(valid, `"technology":"LTE"`, `"technology":"LTE\u0000"`, 1), 422, "/site/technology"},
		{"invalid UTF-8", strings.Replace(valid, `"technology":"LTE"`, "\"technology\":\"LT\xff\"", 1), 400, "/site/technology"},
		{"a location of 100,000 numbers", strings.Replace(valid, `"location":[`, `"location":[`+strings.Repeat("0,", 100000), 1), 422, "/site/location"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.body == valid {
				t.Fatal("the edit did not apply")
			}
			p := decodeProblem(t, ta.do(t, "POST", "/v1/coverage", strings.NewReader(tt.body)), tt.wantStatus)
			if p.Field != tt.wantField {
				t.Errorf("field = %q, want %q; detail %s", p.Field, tt.wantField, p.Detail)
			}
			checkPlainProblem(t, p)
		})
	}
}

// TestContentTypeRefused: only a JSON media type may carry a body, so a
// browser's cross-site form (sent without a preflight) cannot create a
// proposal or import a layer.
func TestContentTypeRefused(t *testing.T) {
	var calls int
	var spec planning.LayerSpec
	ta := newTestAPI(t, importFake(&calls, &spec), withCoverage(newMemCoverageStore()))
	bodies := map[string]string{
		"/v1/checks":    string(mustJSON(t, siteBody(inForest))),
		"/v1/proposals": string(mustJSON(t, siteBody(inForest))),
		"/v1/layers?kind=landuse&name=rung&category=RDD": twoForests,
		"/v1/coverage": string(mustJSON(t, coverageBody())),
	}
	tests := []struct {
		contentType string
		want        int
		encoding    string
	}{
		{"application/json; charset=latin1", 415, ""},
		{"application/json; charset=UTF-8", 0, ""},
		{"application/json", 415, "gzip"},
		{"application/json", 0, "identity"},
		{"text/plain", 415, ""},
		{"text/plain; charset=utf-8", 415, ""},
		{"application/x-www-form-urlencoded", 415, ""},
		{"multipart/form-data; boundary=x", 415, ""},
		{"", 415, ""},
		{"text/json", 415, ""},
		{"application/jsonp", 415, ""},
		{"+json", 415, ""},
		{"application/json; charset=utf-8", 0, ""},
		{"Application/JSON", 0, ""},
		{"application/geo+json", 0, ""},
		{"application/vnd.btsplan+json", 0, ""},
	}
	for target, body := range bodies {
		for _, tt := range tests {
			t.Run(target+"/"+tt.contentType+"/"+tt.encoding, func(t *testing.T) {
				req, _ := http.NewRequest("POST", target, strings.NewReader(body))
				if tt.contentType != "" {
					req.Header.Set("Content-Type", tt.contentType)
				}
				if tt.encoding != "" {
					req.Header.Set("Content-Encoding", tt.encoding)
				}
				rec := ta.serve(req)
				if tt.want == 0 {
					// Read (a resubmission is 409: the body was read).
					if rec.Code >= 400 && rec.Code != http.StatusConflict {
						t.Errorf("status = %d, want the body read; body %s", rec.Code, rec.Body)
					}
					return
				}
				checkPlainProblem(t, decodeProblem(t, rec, tt.want))
			})
		}
	}
}

// TestHostileQueryParams sends bad query and path parameters to every
// route that reads them.
func TestHostileQueryParams(t *testing.T) {
	ta := newTestAPI(t, withLayers(2), withCoverage(newMemCoverageStore()))
	submit(t, ta, siteBody(inForest))
	long := strings.Repeat("x", 10<<10)
	tests := []struct {
		target     string
		wantStatus int
		wantField  string
	}{
		// 3. NUL, control characters and lengths.
		{"/v1/proposals?carrier=%00", 400, "carrier"},
		{"/v1/proposals?carrier=452-04%00", 400, "carrier"},
		{"/v1/proposals?admin_unit=%00", 400, "admin_unit"},
		{"/v1/proposals?admin_unit=%0A", 400, "admin_unit"},
		{"/v1/proposals?carrier=%FF", 400, "carrier"},
		{"/v1/proposals?carrier=" + long, 400, "carrier"},
		{"/v1/proposals?status=%00", 400, "status"},
		{"/v1/proposals?verdict=" + long, 400, "verdict"},
		{"/v1/proposals/1/report?lang=en&lang=vi", 400, "lang"},
		{"/v1/proposals/1/report?lang=" + long, 400, "lang"},
		{"/v1/proposals/1/report?lang=%00", 400, "lang"},
		{"/v1/layers/%00.geojson", 400, "name"},
		{"/v1/layers/a%01b.geojson", 400, "name"},
		{"/v1/layers/%FF.geojson", 400, "name"},
		{"/v1/layers/" + strings.Repeat("x", 300) + ".geojson", 400, "name"},
		{"/v1/proposals/%00", 400, "id"},
		{"/v1/coverage/%00", 400, "id"},
		// 4. Integers.
		{"/v1/layers/" + landuseLyr + ".geojson?version=99999999999", 400, "version"},
		{"/v1/layers/" + landuseLyr + ".geojson?version=2147483648", 400, "version"},
		{"/v1/layers/" + landuseLyr + ".geojson?version=+1", 400, "version"},
		{"/v1/layers/" + landuseLyr + ".geojson?version=01", 400, "version"},
		{"/v1/layers/" + landuseLyr + ".geojson?version=1&version=2", 400, "version"},
		{"/v1/proposals?offset=9223372036854775807", 400, "offset"},
		{"/v1/proposals?offset=10000001", 400, "offset"},
		{"/v1/proposals?offset=10000000", 200, ""},
		{"/v1/proposals?offset=-0", 400, "offset"},
		{"/v1/proposals?offset=1e3", 400, "offset"},
		{"/v1/proposals?limit=99999999999999999999", 400, "limit"},
		{"/v1/proposals?limit=+5", 400, "limit"},
		{"/v1/proposals?limit=05", 400, "limit"},
		{"/v1/proposals?limit=%205", 400, "limit"},
		{"/v1/proposals?limit=5&limit=6", 400, "limit"},
		// 8. Id forms.
		{"/v1/proposals/+1", 400, "id"},
		{"/v1/proposals/00001", 400, "id"},
		{"/v1/proposals/0", 400, "id"},
		{"/v1/proposals/-1", 400, "id"},
		{"/v1/proposals/1e0", 400, "id"},
		{"/v1/proposals/1234567890123456789", 400, "id"},
		{"/v1/proposals/99999999999999999999999", 400, "id"},
		{"/v1/proposals/123456789012345678", 404, ""},
		{"/v1/proposals/+1/report.html", 400, "id"},
		{"/v1/proposals/01/assessment", 400, "id"},
		{"/v1/proposals/%2B1/findings.geojson", 400, "id"},
		{"/v1/proposals/+1/coverage", 400, "id"},
		{"/v1/coverage/+1", 400, "id"},
		{"/v1/coverage/01.png", 400, "id"},
		{"/v1/coverage/1234567890123456789.geojson", 400, "id"},
		// bbox.
		{"/v1/proposals?bbox=NaN,22,105,23", 400, "bbox"},
		{"/v1/proposals?bbox=104,22,Inf,23", 400, "bbox"},
		{"/v1/proposals?bbox=104,22,1e400,23", 400, "bbox"},
		{"/v1/proposals?bbox=-1e308,-90,1e308,90", 400, "bbox"},
		{"/v1/proposals?bbox=105,22,104,23", 400, "bbox"},
		{"/v1/proposals?bbox=104,22,105,23&bbox=1,2,3,4", 400, "bbox"},
		{"/v1/proposals?bbox=", 400, "bbox"},
		{"/v1/proposals?bbox=" + strings.Repeat("1,", 5000) + "1", 400, "bbox"},
		{"/v1/proposals.geojson?bbox=0x1p-2,22,105,23", 200, ""},
		{"/v1/layers/" + landuseLyr + ".geojson?bbox=NaN,0,1,1", 400, "bbox"},
		{"/v1/layers/" + landuseLyr + ".geojson?bbox=-181,0,1,1", 400, "bbox"},
		{"/v1/layers/" + landuseLyr + ".geojson?bbox=1,2,3,4&bbox=1,2,3,4", 400, "bbox"},
	}
	for _, tt := range tests {
		t.Run(tt.target[:min(len(tt.target), 80)], func(t *testing.T) {
			req, err := http.NewRequest("GET", tt.target, nil)
			if err != nil {
				t.Fatal(err)
			}
			rec := ta.serve(req)
			if tt.wantStatus == 200 {
				if rec.Code != 200 {
					t.Errorf("status = %d, want 200; body %s", rec.Code, rec.Body)
				}
				return
			}
			p := decodeProblem(t, rec, tt.wantStatus)
			if p.Field != tt.wantField {
				t.Errorf("field = %q, want %q; detail %s", p.Field, tt.wantField, p.Detail)
			}
			checkPlainProblem(t, p)
		})
	}
}

// TestHostileImportParams: the options of a layer import are one line each,
// within their limits, given once.
func TestHostileImportParams(t *testing.T) {
	var calls int
	var spec planning.LayerSpec
	ta := newTestAPI(t, importFake(&calls, &spec))
	ok := "kind=landuse&name=rung&category=RDD"
	tests := []struct {
		query, wantField string
	}{
		{ok + "&source=%00", "source"},
		{ok + "&licence=" + strings.Repeat("x", 1000), "licence"},
		{"kind=landuse&category=RDD&name=a%00b", "name"},
		{"kind=landuse&category=RDD&name=" + url.QueryEscape("a\nb"), "name"},
		{"kind=landuse%00&name=rung&category=RDD", "kind"},
		{ok + "&name=other", "name"},
		{ok + "&srid=99999999999", "srid"},
		{ok + "&srid=+4326", "srid"},
		{ok + "&srid=04326", "srid"},
		{ok + "&srid=999000", "srid"},
		{"kind=landuse&name=rung&category_field=loai&category_map=" + strings.Repeat("a:RDD,", 500), "category_map"},
		{"kind=landuse&name=rung&category_field=loai%00&category_map=a:RDD", "category_field"},
	}
	for _, tt := range tests {
		t.Run(tt.query[:min(len(tt.query), 80)], func(t *testing.T) {
			rec := ta.do(t, "POST", "/v1/layers?"+tt.query, strings.NewReader(twoForests))
			p := decodeProblem(t, rec, http.StatusBadRequest)
			if p.Field != tt.wantField {
				t.Errorf("field = %q, want %q; detail %s", p.Field, tt.wantField, p.Detail)
			}
			checkPlainProblem(t, p)
		})
	}
	if calls != 0 {
		t.Errorf("the store was called %d times, want 0", calls)
	}
}

// TestNotFoundDetail: a 404 says plainly what was not found.
func TestNotFoundDetail(t *testing.T) {
	ta := newTestAPI(t)
	for path, want := range map[string]string{
		"/v1/proposals/123":                  "proposal 123 not found",
		"/v1/proposals/123/report":           "proposal 123 not found",
		"/v1/proposals/123/assessment":       "assessment of proposal 123 not found",
		"/v1/proposals/123/findings.geojson": "assessment of proposal 123 not found",
	} {
		p := decodeProblem(t, ta.do(t, "GET", path, nil), http.StatusNotFound)
		if p.Detail != want {
			t.Errorf("GET %s: detail %q, want %q", path, p.Detail, want)
		}
	}
}

func (ta *testAPI) serve(req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	ta.h.ServeHTTP(rec, req)
	return rec
}
