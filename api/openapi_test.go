package api_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// TestResponsesMatchOpenAPI sends real requests and validates each
// response (status, headers, body schema) against the document the API
// serves at /openapi.json.
func TestResponsesMatchOpenAPI(t *testing.T) {
	ta := newTestAPI(t, withLayers(30))
	rec := ta.do(t, "GET", "/openapi.json", nil)
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		t.Fatalf("/openapi.json = %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	// The printable report is HTML; the validator only needs to see the
	// content type is the documented one, so read it as plain text.
	openapi3filter.RegisterBodyDecoder("text/html", openapi3filter.FileBodyDecoder)
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(rec.Body.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	site := string(mustJSON(t, siteBody(inForest)))
	clearSite := strings.Replace(site, "104.98,22.83", "105.2,22.5", 1)
	tests := []struct {
		method, target, body string
		wantStatus           int
	}{
		{"POST", "/v1/checks", site, 200},
		{"POST", "/v1/checks?lang=en", clearSite, 200},
		{"POST", "/v1/proposals", site, 201},
		{"POST", "/v1/proposals", site, 409},
		{"POST", "/v1/proposals", `{"type":"Feature"`, 400},
		{"POST", "/v1/proposals", `{"type":"Feature"}`, 422},
		{"POST", "/v1/checks", `{"pad":"` + strings.Repeat("x", 1<<20) + `"}`, 413},
		{"GET", "/v1/proposals?limit=10", "", 200},
		{"GET", "/v1/proposals?limit=x", "", 400},
		{"GET", "/v1/proposals.geojson", "", 200},
		{"GET", "/v1/proposals/1", "", 200},
		{"GET", "/v1/proposals/99", "", 404},
		{"GET", "/v1/proposals/1/assessment", "", 200},
		{"GET", "/v1/proposals/1/report", "", 200},
		{"GET", "/v1/proposals/1/report.html", "", 200},
		{"GET", "/v1/proposals/1/findings.geojson", "", 200},
		{"GET", "/v1/layers", "", 200},
		{"GET", "/v1/layers/" + landuseLyr + ".geojson", "", 200},
		{"GET", "/healthz", "", 200},
		{"GET", "/readyz", "", 200},
		{"GET", "/metrics", "", 200},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.target+" "+http.StatusText(tt.wantStatus), func(t *testing.T) {
			var body io.Reader
			if tt.body != "" {
				body = strings.NewReader(tt.body)
			}
			req := httptest.NewRequest(tt.method, tt.target, body)
			if tt.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			rec := httptest.NewRecorder()
			ta.h.ServeHTTP(rec, req)
			if rec.Code != tt.wantStatus {
				t.Fatalf("status = %d, want %d: %.300s", rec.Code, tt.wantStatus, rec.Body)
			}
			// The router needs an absolute URL; the document has no servers.
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
				t.Errorf("response does not match openapi.json: %v\nbody: %.500s", err, rec.Body)
			}
		})
	}
}
