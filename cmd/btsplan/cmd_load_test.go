package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// TestLoadCommand runs the load test for a moment against a stand-in
// server that checks what it is sent: the command's own logic (mix, unique
// site codes, counting, failure on errors), not the service's speed, which
// make load measures.
func TestLoadCommand(t *testing.T) {
	tests := []struct {
		name     string
		failEach int64 // answer 500 to every failEach-th request; 0 never
		wantErr  string
	}{
		{"all answered", 0, ""},
		{"errors fail the run", 5, "errors"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var n, checks, submissions atomic.Int64
			var mu sync.Mutex
			codes := map[string]bool{}
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/healthz" {
					return
				}
				if r.Header.Get("Authorization") != "Bearer btsp_load-test" {
					http.Error(w, "no token", http.StatusUnauthorized)
					return
				}
				var f struct {
					Type       string         `json:"type"`
					Properties map[string]any `json:"properties"`
				}
				if err := json.NewDecoder(r.Body).Decode(&f); err != nil || f.Type != "Feature" || r.Header.Get("Content-Type") != "application/geo+json" {
					http.Error(w, "bad body", http.StatusBadRequest)
					return
				}
				if _, ok := f.Properties["antennas"]; ok {
					http.Error(w, "antennas sent", http.StatusBadRequest)
					return
				}
				if tt.failEach > 0 && n.Add(1)%tt.failEach == 0 {
					http.Error(w, "boom", http.StatusInternalServerError)
					return
				}
				switch r.URL.Path {
				case "/v1/checks":
					checks.Add(1)
					w.WriteHeader(http.StatusOK)
				case "/v1/proposals":
					submissions.Add(1)
					code, _ := f.Properties["site_code"].(string)
					mu.Lock()
					dup := codes[code]
					codes[code] = true
					mu.Unlock()
					if dup {
						w.WriteHeader(http.StatusConflict)
						return
					}
					w.WriteHeader(http.StatusCreated)
				default:
					http.NotFound(w, r)
				}
			}))
			defer srv.Close()
			env := newTestEnv(t, "")
			out, _, err := runCmd(t, env, "load", "--url", srv.URL, "--token", "btsp_load-test", "--duration", "300ms", "--concurrency", "3", "--submit-share", "0.5")
			if tt.wantErr == "" && err != nil {
				t.Fatalf("load = %v, want success\n%s", err, out)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("load = %v, want an error with %q\n%s", err, tt.wantErr, out)
			}
			if checks.Load() == 0 || submissions.Load() == 0 {
				t.Errorf("checks %d, submissions %d: want both", checks.Load(), submissions.Load())
			}
			if !strings.Contains(out, "req/s") || !strings.Contains(out, "p99 ms") {
				t.Errorf("summary lacks req/s or p99:\n%s", out)
			}
		})
	}
}

func TestLoadRefusesOtherHosts(t *testing.T) {
	for _, u := range []string{"http://10.0.0.1:8080", "http://example.org", "ftp://127.0.0.1", "127.0.0.1:8080"} {
		t.Run(u, func(t *testing.T) {
			_, _, err := runCmd(t, newTestEnv(t, ""), "load", "--url", u, "--token", "t", "--duration", "1s")
			if err == nil || !strings.Contains(err.Error(), "--url") {
				t.Errorf("load --url %s = %v, want a refusal naming --url", u, err)
			}
		})
	}
}
