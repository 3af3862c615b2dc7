package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"

	"btsplan/api"
	"btsplan/geo"
	"btsplan/planning"
	"btsplan/planning/planningtest"
)

// info3 is the index answer of a 3" DEM.
func info3(context.Context, float64, float64, float64) (planning.TerrainInfo, error) {
	const d = 1.0 / 1200
	return planning.TerrainInfo{Version: "fake-3s-1", StepLonDeg: d, StepLatDeg: d}, nil
}

type problemResp struct {
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Field  string `json:"field"`
	Errors []struct {
		Field, Reason string
	} `json:"errors"`
}

// TestCoverageBudgetAPI is issue 7's out-of-memory request and its
// neighbours: each is a 422 naming the members that set the cost and the
// limit, answered without reading any terrain.
func TestCoverageBudgetAPI(t *testing.T) {
	terrain := &planningtest.TerrainSource{InfoFunc: info3,
		WindowFunc: func(context.Context, float64, float64, float64) (*geo.Grid, planning.TerrainInfo, error) {
			t.Error("Window read for a request that is refused")
			return nil, planning.TerrainInfo{}, planning.Errorf(planning.Unavailable, "no window")
		}}
	ta := newTestAPI(t, func(cfg *api.Config, ta *testAPI) {
		cfg.Coverage = planning.NewCoverageService(planning.CoverageConfig{}, terrain, newMemCoverageStore().store(), ta.props.store())
	})
	tests := []struct {
		name       string
		edit       func(b map[string]any)
		wantFields []string
		inDetail   []string
	}{
		{"the issue's 100 km at 0.1\"", func(b map[string]any) {
			opts(b)["radius_m"], opts(b)["cell_arcsec"] = 100000, 0.1
		}, []string{"/options/cell_arcsec", "/options/radius_m"}, []string{"grid cells", "16777216", "cell_arcsec, radius_m", "a radius of at most"}},
		{"100 km at 1\" on a 3\" DEM", func(b map[string]any) {
			opts(b)["radius_m"], opts(b)["cell_arcsec"] = 100000, 1
		}, []string{"/options/cell_arcsec", "/options/radius_m"}, []string{"cells of at least"}},
		{"13 sectors", func(b map[string]any) {
			s := b["sectors"].([]map[string]any)
			for len(s) < 13 {
				s = append(s, s[0])
			}
			b["sectors"] = s
		}, []string{"/sectors"}, []string{"limit of 12"}},
		{"profile step finer than the DEM", func(b map[string]any) { opts(b)["profile_step_m"] = 5 },
			[]string{"/options/profile_step_m"}, []string{"finer than the DEM"}},
		{"huge permittivity", func(b map[string]any) { opts(b)["radio"].(map[string]any)["epsilon"] = 1e300 },
			[]string{"/options/radio/epsilon"}, []string{"1..100"}},
		{"conductivity 0", func(b map[string]any) { opts(b)["radio"].(map[string]any)["sigma_s_per_m"] = 0 },
			[]string{"/options/radio/sigma_s_per_m"}, nil},
		{"radius 1 m", func(b map[string]any) { opts(b)["radius_m"] = 1 }, []string{"/options/radius_m"}, nil},
		{"time 100 %", func(b map[string]any) { opts(b)["radio"].(map[string]any)["time_pct"] = 100 }, []string{"/options/radio/time_pct"}, nil},
		{"climate 0", func(b map[string]any) { opts(b)["radio"].(map[string]any)["climate"] = 0 }, []string{"/options/radio/climate"}, nil},
		{"n0 1000", func(b map[string]any) { opts(b)["radio"].(map[string]any)["n0"] = 1000 }, []string{"/options/radio/n0"}, nil},
		{"threshold +100 dBm", func(b map[string]any) { site(b)["threshold_dbm"] = 100 }, []string{"/site/threshold_dbm"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := coverageBody()
			tt.edit(b)
			rec := ta.do(t, "POST", "/v1/coverage", bytes.NewReader(mustJSON(t, b)))
			var p problemResp
			if rec.Code != http.StatusUnprocessableEntity || json.Unmarshal(rec.Body.Bytes(), &p) != nil {
				t.Fatalf("status %d, body %.400s; want a 422 problem", rec.Code, rec.Body)
			}
			var got []string
			for _, e := range p.Errors {
				got = append(got, e.Field)
			}
			if strings.Join(got, " ") != strings.Join(tt.wantFields, " ") || p.Field != tt.wantFields[0] {
				t.Errorf("problem fields %v (field %q), want %v", got, p.Field, tt.wantFields)
			}
			for _, s := range tt.inDetail {
				if !strings.Contains(p.Detail, s) {
					t.Errorf("detail %q does not say %q", p.Detail, s)
				}
			}
		})
	}
}

// TestCoverageQueueFullAPI: with one coverage running and MaxWaiting
// requests waiting, the next is answered at once with a 503 that says the
// queue is full and when to retry.
func TestCoverageQueueFullAPI(t *testing.T) {
	gate := make(chan struct{})
	entered := make(chan struct{}, 8)
	hill := hillTerrain()
	terrain := &planningtest.TerrainSource{InfoFunc: info3,
		WindowFunc: func(ctx context.Context, lon, lat, radiusM float64) (*geo.Grid, planning.TerrainInfo, error) {
			entered <- struct{}{}
			<-gate
			return hill.WindowFunc(ctx, lon, lat, radiusM)
		}}
	var svc *planning.CoverageService
	ta := newTestAPI(t, func(cfg *api.Config, ta *testAPI) {
		svc = planning.NewCoverageService(planning.CoverageConfig{MaxWaiting: 1}, terrain, newMemCoverageStore().store(), ta.props.store())
		cfg.Coverage = svc
	})
	body := func(radiusM float64) []byte {
		b := coverageBody()
		opts(b)["radius_m"] = radiusM
		return mustJSON(t, b)
	}
	var wg sync.WaitGroup
	codes := make([]int, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i] = ta.do(t, "POST", "/v1/coverage", bytes.NewReader(body(1000+float64(i)*100))).Code
		}()
		if i == 0 {
			<-entered
		}
	}
	for svc.Waiting() != 1 {
		runtime.Gosched()
	}
	rec := ta.do(t, "POST", "/v1/coverage", bytes.NewReader(body(1500)))
	var p problemResp
	if rec.Code != http.StatusServiceUnavailable || json.Unmarshal(rec.Body.Bytes(), &p) != nil ||
		!strings.Contains(p.Detail, "queue is full") || rec.Header().Get("Retry-After") != "30" {
		t.Errorf("queue full: status %d, Retry-After %q, body %.300s; want 503, Retry-After 30 and a detail saying the queue is full",
			rec.Code, rec.Header().Get("Retry-After"), rec.Body)
	}
	close(gate)
	wg.Wait()
	if codes[0] != http.StatusCreated || codes[1] != http.StatusCreated {
		t.Errorf("running and waiting requests = %v, want both 201", codes)
	}
}
