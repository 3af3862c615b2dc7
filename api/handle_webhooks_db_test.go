package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestWebhookRegistration: a URL that is not http(s) with a host, one
// with userinfo and one naming a private address (without
// BTSPLAN_WEBHOOK_ALLOW_PRIVATE) are 422 naming /url, and store nothing;
// a good one is stored, its secret shown once; another organization's
// webhook is 404.
func TestWebhookRegistration(t *testing.T) {
	a := newAuthzAPI(t)
	refused := []struct {
		name, body, field, reason string
	}{
		{"ftp", `{"url":"ftp://hooks.example.org/in"}`, "/url", "http or https"},
		{"javascript", `{"url":"javascript:alert(1)"}`, "/url", "http or https"},
		{"no scheme", `{"url":"hooks.example.org/in"}`, "/url", "http or https"},
		{"missing host", `{"url":"https:///in"}`, "/url", "no host"},
		{"userinfo", `{"url":"https://bot:pw@hooks.example.org/in"}`, "/url", "user name or password"},
		{"loopback", `{"url":"http://127.0.0.1:8080/in"}`, "/url", "not a public address"},
		{"localhost", `{"url":"http://localhost/in"}`, "/url", "this machine"},
		{"cloud metadata", `{"url":"http://169.254.169.254/latest/meta-data/"}`, "/url", "not a public address"},
		{"private", `{"url":"http://192.168.1.20/in"}`, "/url", "not a public address"},
		{"no url", `{"events":["approve"]}`, "/url", "required"},
		{"url not a string", `{"url":42}`, "/url", ""},
		{"unknown event", `{"url":"https://hooks.example.org/in","events":["approve","bribe"]}`, "/events/1", "unknown event"},
		{"short secret", `{"url":"https://hooks.example.org/in","secret":"short"}`, "/secret", "at least 16"},
		{"unknown member", `{"url":"https://hooks.example.org/in","callback":"x"}`, "/callback", ""},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			rec := a.do(t, "carrier", "POST", "/v1/webhooks", tt.body)
			want := http.StatusUnprocessableEntity
			if rec.Code == http.StatusBadRequest && tt.reason == "" {
				want = http.StatusBadRequest // a member of the wrong type or unknown: malformed
			}
			p := decodeProblem(t, rec, want)
			if p.Field != tt.field || !strings.Contains(p.Detail, tt.reason) {
				t.Errorf("problem field %q detail %q; want field %s saying %q", p.Field, p.Detail, tt.field, tt.reason)
			}
		})
	}
	list := func(who string) []map[string]any {
		t.Helper()
		rec := a.do(t, who, "GET", "/v1/webhooks", "")
		var page struct{ Items []map[string]any }
		if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &page) != nil {
			t.Fatalf("GET /v1/webhooks as %s = %d %s", who, rec.Code, rec.Body)
		}
		return page.Items
	}
	if got := list("carrier"); len(got) != 0 {
		t.Fatalf("after the refusals the carrier has %d webhooks, want 0", len(got))
	}
	if rec := a.do(t, "analyst", "POST", "/v1/webhooks", `{"url":"https://hooks.example.org/in"}`); rec.Code != http.StatusForbidden {
		t.Errorf("analyst's registration = %d, want 403", rec.Code)
	}

	rec := a.do(t, "carrier", "POST", "/v1/webhooks", `{"url":"https://hooks.example.org/in","events":["approve","approve_with_conditions"]}`)
	var created struct {
		ID           int64    `json:"id"`
		Organization string   `json:"organization"`
		Secret       string   `json:"secret"`
		Events       []string `json:"events"`
	}
	if rec.Code != http.StatusCreated || json.Unmarshal(rec.Body.Bytes(), &created) != nil {
		t.Fatalf("registration = %d %s, want 201", rec.Code, rec.Body)
	}
	if created.Organization != "452-04" || len(created.Secret) != 64 || len(created.Events) != 2 {
		t.Errorf("created = %+v, want 452-04's webhook with a random 64-hex secret and 2 events", created)
	}
	if got := rec.Header().Get("Location"); got != fmt.Sprintf("/v1/webhooks/%d", created.ID) {
		t.Errorf("Location = %q", got)
	}
	items := list("carrier")
	if len(items) != 1 || items[0]["secret"] != nil {
		t.Errorf("carrier's webhooks = %v, want one, without its secret", items)
	}
	if got := list("other"); len(got) != 0 {
		t.Errorf("the other carrier sees %d webhooks, want 0", len(got))
	}
	if got := list("admin"); len(got) != 1 {
		t.Errorf("the admin sees %d webhooks, want every one (1)", len(got))
	}
	target := fmt.Sprintf("/v1/webhooks/%d", created.ID)
	if rec := a.do(t, "other", "GET", target+"/deliveries", ""); rec.Code != http.StatusNotFound {
		t.Errorf("other carrier's deliveries = %d, want 404", rec.Code)
	}
	if rec := a.do(t, "carrier", "GET", target+"/deliveries?limit=0", ""); rec.Code != http.StatusBadRequest {
		t.Errorf("deliveries?limit=0 = %d, want 400", rec.Code)
	}
	if rec := a.do(t, "carrier", "GET", target+"/deliveries", ""); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"items":[]`) {
		t.Errorf("deliveries = %d %s, want 200 and none", rec.Code, rec.Body)
	}
	if rec := a.do(t, "other", "DELETE", target, ""); rec.Code != http.StatusNotFound {
		t.Errorf("other carrier's delete = %d, want 404", rec.Code)
	}
	if rec := a.do(t, "carrier", "DELETE", target, ""); rec.Code != http.StatusNoContent {
		t.Errorf("delete = %d %s, want 204", rec.Code, rec.Body)
	}
	if rec := a.do(t, "carrier", "DELETE", target, ""); rec.Code != http.StatusNotFound {
		t.Errorf("second delete = %d, want 404", rec.Code)
	}
}

// TestAreaOfInterestValidation: an area is validated as a layer's
// geometry would be, each fault a 422 naming the member.
func TestAreaOfInterestValidation(t *testing.T) {
	a := newAuthzAPI(t)
	feature := func(geom string) string {
		return `{"type":"Feature","properties":{"name":"x"},"geometry":` + geom + `}`
	}
	tests := []struct {
		name, body, field, reason string
	}{
		{"self-intersecting", feature(`{"type":"Polygon","coordinates":[[[105.5,21.3],[105.7,21.5],[105.7,21.3],[105.5,21.5],[105.5,21.3]]]}`),
			"/geometry", "Self-intersection"},
		{"outside the province", feature(`{"type":"Polygon","coordinates":[[[106.5,20.5],[106.6,20.5],[106.6,20.6],[106.5,20.6],[106.5,20.5]]]}`),
			"/geometry", "outside"},
		{"lat and lon swapped", feature(`{"type":"Polygon","coordinates":[[[21.3,105.5],[21.3,105.7],[21.5,105.7],[21.5,105.5],[21.3,105.5]]]}`),
			"/geometry/coordinates/0/0/0", "swapped"},
		{"outside Vietnam", feature(`{"type":"Polygon","coordinates":[[[2.3,48.8],[2.4,48.8],[2.4,48.9],[2.3,48.9],[2.3,48.8]]]}`),
			"/geometry/coordinates/0/0/0", "not in Vietnam"},
		{"ring not closed", feature(`{"type":"Polygon","coordinates":[[[105.5,21.3],[105.7,21.3],[105.7,21.5],[105.5,21.5]]]}`),
			"/geometry/coordinates/0", "end at its first"},
		{"bad multipolygon member", feature(`{"type":"MultiPolygon","coordinates":[[[[105.5,21.3],[105.7,21.3],[105.7,21.5],[105.5,21.5],[105.5,21.3]]],[[[105.5,21.3],[105.6,21.3]]]]}`),
			"/geometry/coordinates/1/0", "at least 4"},
		{"a line", feature(`{"type":"LineString","coordinates":[[105.5,21.3],[105.7,21.3]]}`), "/geometry/type", "Polygon or MultiPolygon"},
		{"no geometry", `{"type":"Feature","properties":{}}`, "/geometry", "required"},
		{"not a feature", `{"type":"Polygon"}`, "/type", "Feature"},
		{"id an object", `{"type":"Feature","id":{"a":[1]},"properties":{"name":"x"},"geometry":{"type":"Polygon","coordinates":[[[105.5,21.3],[105.7,21.3],[105.7,21.5],[105.5,21.5],[105.5,21.3]]]}}`,
			"/id", "string or a number"},
		{"name with a control character", `{"type":"Feature","properties":{"name":"a\u0007b"},"geometry":{"type":"Polygon","coordinates":[[[105.5,21.3],[105.7,21.3],[105.7,21.5],[105.5,21.5],[105.5,21.3]]]}}`,
			"/properties/name", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := decodeProblem(t, a.do(t, "reviewer", "POST", "/v1/areas-of-interest", tt.body), http.StatusUnprocessableEntity)
			if p.Field != tt.field || !strings.Contains(p.Detail, tt.reason) {
				t.Errorf("problem field %q detail %q; want field %s saying %q", p.Field, p.Detail, tt.field, tt.reason)
			}
		})
	}
	if rec := a.do(t, "reviewer", "GET", "/v1/areas-of-interest", ""); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"features":[]`) {
		t.Fatalf("areas after the refusals = %d %s, want none", rec.Code, rec.Body)
	}
	if rec := a.do(t, "reviewer", "POST", "/v1/areas-of-interest", areaBody); rec.Code != http.StatusCreated {
		t.Fatalf("a good area = %d %s, want 201", rec.Code, rec.Body)
	}
	rec := a.do(t, "reviewer", "GET", "/v1/areas-of-interest", "")
	var fc struct {
		Features []struct {
			Properties map[string]any `json:"properties"`
			Geometry   struct {
				Type string `json:"type"`
			} `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &fc); err != nil || len(fc.Features) != 1 ||
		fc.Features[0].Properties["organization"] != "SNNMT" || fc.Features[0].Geometry.Type != "MultiPolygon" {
		t.Errorf("areas = %s, want SNNMT's one, as a MultiPolygon", rec.Body)
	}
}

// TestPublicDecisions: without a token, /v1/decisions lists the decided
// cases and their decisions, without reviewers, notes or pending cases.
func TestPublicDecisions(t *testing.T) {
	a := newAuthzAPI(t)
	for _, code := range []string{"PUB-1", "PUB-2"} {
		if rec := a.do(t, "carrier", "POST", "/v1/proposals", dbSiteBody(t, code)); rec.Code != http.StatusCreated {
			t.Fatalf("submit %s = %d %s", code, rec.Code, rec.Body)
		}
	}
	etag := a.do(t, "reviewer", "GET", "/v1/proposals/1/case", "").Header().Get("ETag")
	rec := a.do(t, "reviewer", "POST", "/v1/proposals/1/actions", `{"event":"start_review","note":"internal: call the site owner"}`, "If-Match", etag)
	if rec.Code != http.StatusOK {
		t.Fatalf("start_review = %d %s", rec.Code, rec.Body)
	}
	decision := `{"outcome":"approve_with_conditions","note":"internal: the owner is a relative","conditions":[{"type":"max_height","params":{"height_m":"36"},"note":"internal: agreed by phone"}]}`
	if rec := a.do(t, "reviewer", "POST", "/v1/proposals/1/decisions", decision, "If-Match", rec.Header().Get("ETag")); rec.Code != http.StatusCreated {
		t.Fatalf("decision = %d %s", rec.Code, rec.Body)
	}
	type page struct {
		Items []struct {
			ID         int64  `json:"id"`
			Outcome    string `json:"outcome"`
			Authority  string `json:"authority"`
			ValidUntil string `json:"valid_until"`
			Conditions []struct {
				Type   string            `json:"type"`
				Params map[string]string `json:"params"`
				Status string            `json:"status"`
			} `json:"conditions"`
			Case struct {
				SiteCode string     `json:"site_code"`
				State    string     `json:"state"`
				Location [2]float64 `json:"location"`
			} `json:"case"`
		} `json:"items"`
	}
	get := func(target string) (page, string) {
		t.Helper()
		rec := a.do(t, "", "GET", target, "")
		var p page
		if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &p) != nil {
			t.Fatalf("GET %s without a token = %d %s, want 200", target, rec.Code, rec.Body)
		}
		return p, rec.Body.String()
	}
	p, raw := get("/v1/decisions")
	if len(p.Items) != 1 {
		t.Fatalf("decisions = %s, want PUB-1's only (PUB-2 is pending)", raw)
	}
	d := p.Items[0]
	if d.Case.SiteCode != "PUB-1" || d.Outcome != "approved_with_conditions" || d.Case.State != "approved_with_conditions" ||
		d.Authority != "SNNMT" || d.ValidUntil == "" || len(d.Conditions) != 1 || d.Conditions[0].Params["height_m"] != "36" ||
		d.Case.Location != [2]float64{105.6, 21.4} {
		t.Errorf("decision = %+v, want PUB-1's approval with its condition, validity and site", d)
	}
	for _, secret := range []string{"internal:", "reviewer", "note", "PUB-2"} {
		if strings.Contains(raw, secret) {
			t.Errorf("the public list shows %q: %s", secret, raw)
		}
	}
	one := a.do(t, "", "GET", fmt.Sprintf("/v1/decisions/%d", d.ID), "")
	if one.Code != http.StatusOK || strings.Contains(one.Body.String(), "internal:") || !strings.Contains(one.Body.String(), `"site_code":"PUB-1"`) {
		t.Errorf("GET /v1/decisions/%d = %d %s", d.ID, one.Code, one.Body)
	}
	if rec := a.do(t, "", "GET", "/v1/decisions/999", ""); rec.Code != http.StatusNotFound {
		t.Errorf("an unknown decision = %d, want 404", rec.Code)
	}
	for target, want := range map[string]int{
		"/v1/decisions?state=approved_with_conditions":         1,
		"/v1/decisions?state=rejected":                         0,
		"/v1/decisions?bbox=105.5,21.3,105.7,21.5":             1,
		"/v1/decisions?bbox=106,20,106.1,20.1":                 0,
		"/v1/decisions?since=2000-01-01":                       1,
		"/v1/decisions?since=2999-01-01T00:00:00Z":             0,
		"/v1/decisions?limit=1&offset=1":                       0,
		"/v1/decisions?state=approved_with_conditions&limit=1": 1,
	} {
		if p, raw := get(target); len(p.Items) != want {
			t.Errorf("GET %s: %d items, want %d: %s", target, len(p.Items), want, raw)
		}
	}
	for _, target := range []string{"/v1/decisions?state=under_review", "/v1/decisions?bbox=1,2,3", "/v1/decisions?since=yesterday",
		"/v1/decisions?limit=0", "/v1/decisions?colour=red"} {
		if rec := a.do(t, "", "GET", target, ""); rec.Code < 400 || rec.Code > 499 {
			t.Errorf("GET %s = %d, want a 4xx", target, rec.Code)
		}
	}

	// The carrier reports the site built: still public, and built.
	etag = a.do(t, "carrier", "GET", "/v1/proposals/1/case", "").Header().Get("ETag")
	if rec := a.do(t, "reviewer", "POST", "/v1/proposals/1/actions", `{"event":"report_built"}`, "If-Match", etag); rec.Code != http.StatusForbidden {
		t.Errorf("a reviewer's report_built = %d, want 403", rec.Code)
	}
	if rec := a.do(t, "carrier", "POST", "/v1/proposals/1/actions", `{"event":"report_built"}`, "If-Match", etag); rec.Code != http.StatusOK ||
		!strings.Contains(rec.Body.String(), `"state":"built"`) {
		t.Fatalf("report_built = %d %s, want 200 and built", rec.Code, rec.Body)
	}
	if p, raw := get("/v1/decisions?state=built"); len(p.Items) != 1 || p.Items[0].Case.State != "built" {
		t.Errorf("built decisions = %s, want PUB-1's", raw)
	}
	if rec := a.do(t, "carrier", "POST", "/v1/proposals/2/actions", `{"event":"report_built"}`); rec.Code != http.StatusConflict {
		t.Errorf("report_built of a pending case = %d %s, want 409", rec.Code, rec.Body)
	}
}

// TestNotifyResponsesMatchOpenAPI validates the answers of the webhook,
// area and public decision routes against openapi.json.
func TestNotifyResponsesMatchOpenAPI(t *testing.T) {
	a := newAuthzAPI(t)
	router := a.openAPIRouter(t)
	if rec := a.do(t, "carrier", "POST", "/v1/proposals", dbSiteBody(t, "DOC-1")); rec.Code != http.StatusCreated {
		t.Fatalf("submit = %d %s", rec.Code, rec.Body)
	}
	etag := a.do(t, "reviewer", "GET", "/v1/proposals/1/case", "").Header().Get("ETag")
	rec := a.do(t, "reviewer", "POST", "/v1/proposals/1/actions", `{"event":"start_review"}`, "If-Match", etag)
	if rec := a.do(t, "reviewer", "POST", "/v1/proposals/1/decisions", `{"outcome":"approve"}`, "If-Match", rec.Header().Get("ETag")); rec.Code != http.StatusCreated {
		t.Fatalf("decision = %d %s", rec.Code, rec.Body)
	}
	tests := []struct {
		name, who, method, target, body string
		want                            int
	}{
		{"register", "carrier", "POST", "/v1/webhooks", `{"url":"https://hooks.example.org/in","events":["approve"]}`, 201},
		{"bad url", "carrier", "POST", "/v1/webhooks", `{"url":"ftp://hooks.example.org/in"}`, 422},
		{"list", "carrier", "GET", "/v1/webhooks", "", 200},
		{"deliveries", "carrier", "GET", "/v1/webhooks/1/deliveries", "", 200},
		{"area", "reviewer", "POST", "/v1/areas-of-interest", areaBody, 201},
		{"areas", "reviewer", "GET", "/v1/areas-of-interest", "", 200},
		{"decisions", "", "GET", "/v1/decisions?state=approved", "", 200},
		{"decision", "", "GET", "/v1/decisions/1", "", 200},
		{"no decision", "", "GET", "/v1/decisions/2", "", 404},
		{"delete area", "reviewer", "DELETE", "/v1/areas-of-interest/1", "", 204},
		{"delete webhook", "carrier", "DELETE", "/v1/webhooks/1", "", 204},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := a.do(t, tt.who, tt.method, tt.target, tt.body)
			if rec.Code != tt.want {
				t.Fatalf("status = %d, want %d: %.300s", rec.Code, tt.want, rec.Body)
			}
			validateResponse(t, router, tt.method, tt.target, rec, false)
		})
	}
}
