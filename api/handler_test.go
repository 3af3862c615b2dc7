package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/paulmach/orb"

	"btsplan/api"
	"btsplan/planning"
)

func TestHealth(t *testing.T) {
	ta := newTestAPI(t)
	rec := ta.do(t, "GET", "/healthz", nil)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"ok"`) {
		t.Errorf("/healthz = %d %s, want 200 ok", rec.Code, rec.Body)
	}
	// No Ready function: ready.
	if rec := ta.do(t, "GET", "/readyz", nil); rec.Code != 200 {
		t.Errorf("/readyz without a check = %d, want 200", rec.Code)
	}

	var dbErr error
	ta = newTestAPI(t, func(c *api.Config, _ *testAPI) {
		c.Ready = func(ctx context.Context) error {
			if _, ok := ctx.Deadline(); !ok {
				return errors.New("no deadline on the readiness check")
			}
			return dbErr
		}
	})
	if rec := ta.do(t, "GET", "/readyz", nil); rec.Code != 200 {
		t.Errorf("/readyz with the database up = %d %s, want 200", rec.Code, rec.Body)
	}
	dbErr = errors.New("dial tcp 127.0.0.1:5432: connect: connection refused")
	rec = ta.do(t, "GET", "/readyz", nil)
	p := decodeProblem(t, rec, http.StatusServiceUnavailable)
	if strings.Contains(p.Detail, "5432") {
		t.Errorf("detail %q leaks the database error", p.Detail)
	}
	if rec := ta.do(t, "GET", "/healthz", nil); rec.Code != 200 {
		t.Errorf("/healthz with the database down = %d, want 200: liveness ignores dependencies", rec.Code)
	}
}

func TestMetrics(t *testing.T) {
	ta := newTestAPI(t, func(c *api.Config, _ *testAPI) {
		c.PoolStats = func() (int32, int32, int32) { return 3, 5, 8 }
	})
	ta.do(t, "POST", "/v1/checks", bytes.NewReader(mustJSON(t, siteBody(inForest))))
	ta.do(t, "POST", "/v1/checks", bytes.NewReader(mustJSON(t, siteBody(inForest))))
	ta.do(t, "POST", "/v1/proposals", bytes.NewReader(mustJSON(t, siteBody(clear))))
	ta.do(t, "GET", "/v1/proposals/1", nil)
	rec := ta.do(t, "GET", "/metrics", nil)
	if rec.Code != 200 {
		t.Fatalf("/metrics = %d", rec.Code)
	}
	body := rec.Body.String()
	for _, want := range []string{
		`btsplan_assessments_total{op="check",verdict="CONFLICT"} 2`,
		`btsplan_assessments_total{op="submit",verdict="APPROVE"} 1`,
		`btsplan_assessments_total{op="check",verdict="APPROVE"} 0`,
		`btsplan_http_request_duration_seconds_count{code="200",method="POST",route="/v1/checks"} 2`,
		`btsplan_http_request_duration_seconds_count{code="201",method="POST",route="/v1/proposals"} 1`,
		`btsplan_http_request_duration_seconds_count{code="200",method="GET",route="/v1/proposals/:id"} 1`,
		`btsplan_db_pool_connections{state="acquired"} 3`,
		`btsplan_db_pool_connections{state="idle"} 5`,
		`btsplan_db_pool_connections{state="total"} 8`,
		`go_goroutines`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(body, `route="/v1/proposals/1"`) {
		t.Errorf("/metrics labels a raw path: the route label must be the template")
	}
}

func TestRequestID(t *testing.T) {
	ta := newTestAPI(t)
	rec := ta.do(t, "GET", "/healthz", nil, "X-Request-ID", "trace-42.a:b_c")
	if got := rec.Header().Get("X-Request-ID"); got != "trace-42.a:b_c" {
		t.Errorf("X-Request-ID = %q, want the caller's", got)
	}
	for _, bad := range []string{"", "has space", "new\nline", strings.Repeat("x", 129)} {
		rec := ta.do(t, "GET", "/healthz", nil, "X-Request-ID", bad)
		if got := rec.Header().Get("X-Request-ID"); len(got) != 32 || got == bad {
			t.Errorf("X-Request-ID for %q = %q, want a new 32-hex ID", bad, got)
		}
	}
	// The access log is JSON with the request ID.
	ta.logs.Reset()
	ta.do(t, "GET", "/v1/proposals/9", nil, "X-Request-ID", "rid-log-1")
	var line map[string]any
	if err := json.Unmarshal(bytes.TrimSpace(lastLine(ta.logs.Bytes())), &line); err != nil {
		t.Fatalf("log line is not JSON: %v: %s", err, ta.logs)
	}
	if line["request_id"] != "rid-log-1" || line["route"] != "/v1/proposals/:id" || line["status"] != 404.0 || line["msg"] != "request" {
		t.Errorf("access log = %v, want request_id rid-log-1, route /v1/proposals/:id, status 404", line)
	}
}

func lastLine(b []byte) []byte {
	lines := bytes.Split(bytes.TrimSpace(b), []byte("\n"))
	return lines[len(lines)-1]
}

// TestInternalError: a store failure is 500 "internal error" to the client
// and logged in full with the request ID; a panic is the same.
func TestInternalError(t *testing.T) {
	secret := `ERROR: relation "proposal" does not exist (SQLSTATE 42P01) SELECT id FROM proposal`
	for name, fail := range map[string]func(){
		"error": nil,
		"panic": func() { panic(secret) },
	} {
		t.Run(name, func(t *testing.T) {
			ta := newTestAPI(t)
			ta.zones.ZonesNearFunc = func(context.Context, planning.ZoneQuery) ([]planning.ZoneHit, error) {
				if fail != nil {
					fail()
				}
				return nil, errors.New(secret)
			}
			rec := ta.do(t, "POST", "/v1/checks", bytes.NewReader(mustJSON(t, siteBody(inForest))), "X-Request-ID", "rid-500")
			p := decodeProblem(t, rec, http.StatusInternalServerError)
			if p.Detail != "internal error" || strings.Contains(rec.Body.String(), "SQLSTATE") || strings.Contains(rec.Body.String(), "SELECT") {
				t.Errorf("500 body %s: want detail \"internal error\" and nothing of the cause", rec.Body)
			}
			logs := ta.logs.String()
			if !strings.Contains(logs, `"request_id":"rid-500"`) || !strings.Contains(logs, "SQLSTATE 42P01") {
				t.Errorf("log %s: want the cause with the request ID", logs)
			}
		})
	}
}

func TestUnavailable(t *testing.T) {
	ta := newTestAPI(t)
	ta.zones.ZonesNearFunc = func(context.Context, planning.ZoneQuery) ([]planning.ZoneHit, error) {
		return nil, &planning.Error{Kind: planning.Unavailable, Err: errors.New("context deadline exceeded after 5s on 10.0.0.3")}
	}
	p := decodeProblem(t, ta.do(t, "POST", "/v1/checks", bytes.NewReader(mustJSON(t, siteBody(inForest)))), http.StatusServiceUnavailable)
	if strings.Contains(p.Detail, "10.0.0.3") {
		t.Errorf("503 detail %q leaks the cause", p.Detail)
	}
}

func TestNoRouteAndMethod(t *testing.T) {
	ta := newTestAPI(t)
	p := decodeProblem(t, ta.do(t, "GET", "/v2/nothing", nil), http.StatusNotFound)
	if p.Instance != "/v2/nothing" {
		t.Errorf("instance = %q, want /v2/nothing", p.Instance)
	}
	decodeProblem(t, ta.do(t, "DELETE", "/v1/proposals", nil), http.StatusMethodNotAllowed)
	decodeProblem(t, ta.do(t, "GET", "/", nil), http.StatusNotFound) // no web map configured
}

func TestWebMap(t *testing.T) {
	web := fstest.MapFS{
		"index.html":       {Data: []byte("<!DOCTYPE html><title>Bản đồ</title>")},
		"app.js":           {Data: []byte("'use strict';")},
		"vendor/x/lib.css": {Data: []byte("body{}")},
	}
	ta := newTestAPI(t, func(c *api.Config, _ *testAPI) { c.Web = web })
	for path, wantType := range map[string]string{"/": "text/html", "/app.js": "javascript", "/vendor/x/lib.css": "text/css"} {
		rec := ta.do(t, "GET", path, nil)
		if rec.Code != 200 || !strings.Contains(rec.Header().Get("Content-Type"), wantType) {
			t.Errorf("GET %s = %d %q, want 200 %s", path, rec.Code, rec.Header().Get("Content-Type"), wantType)
		}
	}
	if rec := ta.do(t, "GET", "/", nil); !strings.Contains(rec.Body.String(), "Bản đồ") {
		t.Errorf("index = %s", rec.Body)
	}
	for _, path := range []string{"/missing.js", "/vendor", "/../etc/passwd", "/v1/app.js"} {
		decodeProblem(t, ta.do(t, "GET", path, nil), http.StatusNotFound)
	}
	decodeProblem(t, ta.do(t, "POST", "/app.js", nil), http.StatusNotFound)
}

// TestCheckStoresNothingEvenWhenValid is the dry-run contract with every
// store watched: ZoneStore is read, but no ConflictGeometry (a Submit-only
// step) and no write.
func TestCheckStoresNothingEvenWhenValid(t *testing.T) {
	ta := newTestAPI(t)
	ta.zones.ConflictGeometryFunc = func(context.Context, int64, orb.Point, orb.Polygon, float64) (orb.Geometry, error) {
		t.Errorf("a dry run asked for conflict geometry")
		return nil, nil
	}
	if rec := ta.do(t, "POST", "/v1/checks", bytes.NewReader(mustJSON(t, siteBody(inForest)))); rec.Code != 200 {
		t.Fatalf("status %d", rec.Code)
	}
	if ta.props.createCalls() != 0 {
		t.Errorf("CreateProposal called by a dry run")
	}
}
