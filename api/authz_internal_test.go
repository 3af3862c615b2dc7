package api

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestAccessTableCoversRoutes keeps authz.go's table true to routes.go:
// every route has a rule (a route without one is refused to everyone, so
// this test is what notices it), and every rule has a route.
func TestAccessTableCoversRoutes(t *testing.T) {
	routes := newEngine(nil, Config{}, nil).Routes()
	seen := map[string]bool{}
	for _, r := range routes {
		key := r.Method + " " + r.Path
		seen[key] = true
		rule, ok := accessRules[key]
		switch {
		case !ok:
			t.Errorf("route %s has no access rule in authz.go", key)
		case !rule.open && len(rule.roles) == 0:
			t.Errorf("route %s is protected but no role may call it", key)
		}
	}
	for key := range accessRules {
		if !seen[key] {
			t.Errorf("access rule %s has no route", key)
		}
	}
}

// TestNoAuthenticatorRefuses shows the default is closed: without an
// authenticator every protected route answers 503, and the open ones
// still answer.
func TestNoAuthenticatorRefuses(t *testing.T) {
	h := newEngine(nil, Config{}, nil)
	for _, r := range h.Routes() {
		rule := accessRules[r.Method+" "+r.Path]
		t.Run(r.Method+" "+r.Path, func(t *testing.T) {
			if rule.open {
				return // their handlers need a service; TestHealth covers them
			}
			req := httptest.NewRequest(r.Method, concretePath(ginToOpenAPI(r.Path)), nil)
			req.Header.Set("Authorization", "Bearer btsp_whatever")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusServiceUnavailable {
				t.Errorf("status = %d, want 503 (authentication not configured); body %s", rec.Code, rec.Body)
			}
		})
	}
}
