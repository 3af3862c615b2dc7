package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"btsplan/api"
	"btsplan/geo"
	"btsplan/planning"
	"btsplan/planning/planningtest"
)

// windowReached is the field of the error the fuzz's terrain answers
// Window with: a body that gets that far passed every check and would be
// computed.
const windowReached = "/fuzz/window-reached"

// FuzzCoverageRequest posts arbitrary bytes as the body of POST
// /v1/coverage through the real handler: decoding, params(), the engine's
// validation and the budget check (on a 3" DEM), but never a computation,
// since the fake terrain refuses every window. It must never panic or
// answer 5xx, and every error is a 4xx problem naming the field at fault.
//
//	go test -run '^$' -fuzz '^FuzzCoverageRequest$' -fuzztime 20s ./api/
func FuzzCoverageRequest(f *testing.F) {
	valid := coverageBody()
	seeds := []map[string]any{valid}
	for _, edit := range []func(b map[string]any){
		func(b map[string]any) { opts(b)["radius_m"], opts(b)["cell_arcsec"] = 100000, 0.1 }, // the 17.9 GB
		func(b map[string]any) { opts(b)["radius_m"], opts(b)["cell_arcsec"] = 100000, 1 },
		func(b map[string]any) { opts(b)["profile_step_m"] = 1 },
		func(b map[string]any) {
			s := b["sectors"].([]map[string]any)
			for len(s) < 40 {
				s = append(s, s[0])
			}
			b["sectors"] = s
		},
		func(b map[string]any) { opts(b)["radio"].(map[string]any)["epsilon"] = 1e308 },
		func(b map[string]any) { opts(b)["radio"].(map[string]any)["time_pct"] = 1e-300 },
		func(b map[string]any) { opts(b)["radio"].(map[string]any)["polarization"] = "circular" },
		func(b map[string]any) { site(b)["location"] = []float64{180, 85} },
		func(b map[string]any) { site(b)["technology"] = "" },
		func(b map[string]any) { delete(b, "site") },
	} {
		b := coverageBody()
		edit(b)
		seeds = append(seeds, b)
	}
	for _, s := range seeds {
		b, err := json.Marshal(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{"", "{}", "[]", "null", "1", `{"site":{}}`, `{"site":{"location":[1e999,0]}}`,
		`{"sectors":[{},{},{}],"site":{"location":[105.6,21.4],"height_m":30,"freq_mhz":900}}`,
		`{"options":{"radio":{"climate":-1,"mdvar":99,"n0":-5}}}`, `{"site":` + string(bytes.Repeat([]byte("["), 2000))} {
		f.Add([]byte(s))
	}

	terrain := &planningtest.TerrainSource{InfoFunc: info3,
		WindowFunc: func(context.Context, float64, float64, float64) (*geo.Grid, planning.TerrainInfo, error) {
			return nil, planning.TerrainInfo{}, planning.FieldError(windowReached, "the fuzz computes nothing")
		}}
	book, err := planning.LoadRuleBook(nil)
	if err != nil {
		f.Fatal(err)
	}
	props := &memProposals{assessments: map[int64]planning.Assessment{}, hashes: map[string]int64{}}
	orgs := &planningtest.OrgStore{OrganizationFunc: planningtest.Orgs(orgs...)}
	svc := planning.NewService(planning.ServiceConfig{}, book, &planningtest.ZoneStore{}, props.store(),
		&planningtest.AdminStore{}, orgs, &planningtest.LayerStore{}, nil)
	cov := planning.NewCoverageService(planning.CoverageConfig{}, terrain, newMemCoverageStore().store(), props.store())
	h := authed(api.NewHandler(slog.New(slog.NewTextHandler(io.Discard, nil)), api.Config{Orgs: orgs, Coverage: cov, Auth: testAuth}, svc))
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest("POST", "/v1/coverage", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var p problemResp
		if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
			t.Fatalf("status %d with a body that is not a problem: %v: %.300s", rec.Code, err, rec.Body)
		}
		switch rec.Code {
		case http.StatusBadRequest, http.StatusRequestEntityTooLarge:
			// The body could not be read: the problem is the document
			// itself (field "" or absent), or a place in it.
		case http.StatusUnprocessableEntity:
			// An unknown member is named by its name, which may be "" (the
			// JSON decoding's part of issue 7 turns these into pointers).
			if p.Field == "" && !rootNotObject(body) && !strings.HasPrefix(p.Detail, `unknown member ""`) {
				t.Fatalf("422 naming no field: %.300s", rec.Body)
			}
		default:
			t.Fatalf("status %d, want a 4xx: %.300s", rec.Code, rec.Body)
		}
		if p.Detail == "" {
			t.Fatalf("problem without a detail: %.300s", rec.Body)
		}
	})
}

// rootNotObject reports whether body is valid JSON whose top-level value
// is not an object: the field at fault is then the document, "".
func rootNotObject(body []byte) bool {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return false
	}
	_, ok := v.(map[string]any)
	return !ok && v != nil
}
