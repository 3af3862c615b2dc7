package api_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// TestCaseResponsesMatchOpenAPI validates the answers of the case routes
// and of authentication (status, headers, body) against openapi.json, as
// TestResponsesMatchOpenAPI does for the routes over fakes.
func TestCaseResponsesMatchOpenAPI(t *testing.T) {
	a := newAuthzAPI(t)
	router := a.openAPIRouter(t)
	if rec := a.do(t, "carrier", "POST", "/v1/proposals", dbSiteBody(t, "DOC-1"), "Idempotency-Key", "doc-1"); rec.Code != http.StatusCreated {
		t.Fatalf("submit = %d %s", rec.Code, rec.Body)
	}
	etag := a.do(t, "reviewer", "GET", "/v1/proposals/1/case", "").Header().Get("ETag")
	decision := `{"outcome":"approve_with_conditions","conditions":[{"type":"camouflage","params":{}}]}`
	tests := []struct {
		name, who, method, target, body string
		headers                         []string
		want                            int
	}{
		{"no token", "", "GET", "/v1/cases", "", nil, 401},
		{"revoked token", "revoked", "GET", "/v1/proposals/1/case", "", nil, 401},
		{"analyst imports a layer", "analyst", "POST", "/v1/layers?kind=landuse&name=x&category=ONT", `{}`, nil, 403},
		{"replayed submission", "carrier", "POST", "/v1/proposals", dbSiteBody(t, "DOC-1"), []string{"Idempotency-Key", "doc-1"}, 201},
		{"case", "carrier", "GET", "/v1/proposals/1/case", "", nil, 200},
		{"hidden case", "other", "GET", "/v1/proposals/1/case", "", nil, 404},
		{"case list", "reviewer", "GET", "/v1/cases?overdue=true", "", nil, 200},
		{"decision before review", "reviewer", "POST", "/v1/proposals/1/decisions", decision, []string{"If-Match", etag}, 409},
		{"start review", "reviewer", "POST", "/v1/proposals/1/actions", `{"event":"start_review"}`, []string{"If-Match", etag}, 200},
		{"stale action", "reviewer", "POST", "/v1/proposals/1/actions", `{"event":"request_documents"}`, []string{"If-Match", etag}, 412},
		{"decision without If-Match", "reviewer", "POST", "/v1/proposals/1/decisions", decision, nil, 428},
		{"bad condition", "reviewer", "POST", "/v1/proposals/1/decisions", `{"outcome":"approve_with_conditions","conditions":[{"type":"x"}]}`, []string{"If-Match", `"case-1-v3"`}, 422},
		{"signature not needed", "reviewer", "POST", "/v1/proposals/1/signatures", `{"consent":true}`, nil, 409},
		{"decision", "reviewer", "POST", "/v1/proposals/1/decisions", decision, []string{"If-Match", `"case-1-v3"`}, 201},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := a.do(t, tt.who, tt.method, tt.target, tt.body, tt.headers...)
			if rec.Code != tt.want {
				t.Fatalf("status = %d, want %d: %.300s", rec.Code, tt.want, rec.Body)
			}
			validateResponse(t, router, tt.method, tt.target, rec, false)
		})
	}
}

// openAPIRouter finds the operations of the API's own openapi.json.
func (a *authzAPI) openAPIRouter(t *testing.T) routers.Router {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(a.do(t, "", "GET", "/openapi.json", "").Body.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	return router
}

// validateResponse checks rec, the answer to method target, against the
// document: its status, headers and (unless skipBody, for binary bodies)
// its body.
func validateResponse(t *testing.T, router routers.Router, method, target string, rec *httptest.ResponseRecorder, skipBody bool) {
	t.Helper()
	vreq := httptest.NewRequest(method, "http://localhost"+target, nil)
	route, params, err := router.FindRoute(vreq)
	if err != nil {
		t.Fatalf("FindRoute: %v", err)
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: vreq, PathParams: params, Route: route},
		Status:                 rec.Code,
		Header:                 rec.Header(),
		Body:                   io.NopCloser(bytes.NewReader(rec.Body.Bytes())),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, ExcludeResponseBody: skipBody},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		t.Errorf("response does not match openapi.json: %v\nbody: %.500s", err, rec.Body)
	}
}
