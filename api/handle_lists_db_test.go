package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
)

// listPageOf reads a page of GET /v1/gap-analyses or /v1/site-searches as
// who: the ids of its items, in order, and the total.
func listPageOf(t *testing.T, s *searchAPI, who, target string) (ids []int64, carriers []string, total int) {
	t.Helper()
	rec := s.do(t, who, http.MethodGet, target, "")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s as %s = %d %s", target, who, rec.Code, rec.Body)
	}
	var page struct {
		Items []struct {
			ID     int64 `json:"id"`
			Params struct {
				Carrier   string `json:"carrier"`
				AdminUnit string `json:"admin_unit"`
			} `json:"params"`
			Links struct {
				Self string `json:"self"`
			} `json:"links"`
		} `json:"items"`
		Total int `json:"total"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil {
		t.Fatalf("GET %s: %v: %s", target, err, rec.Body)
	}
	for _, it := range page.Items {
		if it.Links.Self == "" {
			t.Errorf("GET %s: item %d has no self link", target, it.ID)
		}
		ids = append(ids, it.ID)
		carriers = append(carriers, it.Params.Carrier)
	}
	return ids, carriers, page.Total
}

// TestListSearchesAndGaps checks the two lists the web map picks from:
// newest first, paged, and a carrier sees its own carrier's searches only.
func TestListSearchesAndGaps(t *testing.T) {
	s := newSearchAPI(t)
	ctx := context.Background()
	var sid [3]int64
	for i, carrier := range []string{"452-04", "452-01", "452-04"} {
		if err := s.pool.QueryRow(ctx, `INSERT INTO site_search (carrier, params) VALUES ($1, jsonb_build_object('carrier', $1::text, 'n', 3)) RETURNING id`,
			carrier).Scan(&sid[i]); err != nil {
			t.Fatal(err)
		}
	}
	var gid [2]int64
	for i := range gid {
		if err := s.pool.QueryRow(ctx, `INSERT INTO gap_analysis (params) VALUES ('{"admin_unit": "X", "carriers": ["452-04"]}') RETURNING id`).Scan(&gid[i]); err != nil {
			t.Fatal(err)
		}
	}
	eq := func(got, want []int64) bool {
		if len(got) != len(want) {
			return false
		}
		for i := range got {
			if got[i] != want[i] {
				return false
			}
		}
		return true
	}

	for _, tt := range []struct {
		who, target string
		want        []int64
		total       int
	}{
		{"carrier", "/v1/site-searches", []int64{sid[2], sid[0]}, 2},
		{"other", "/v1/site-searches", []int64{sid[1]}, 1},
		{"analyst", "/v1/site-searches", []int64{sid[2], sid[1], sid[0]}, 3},
		{"admin", "/v1/site-searches?limit=1&offset=1", []int64{sid[1]}, 3},
		{"reviewer", "/v1/gap-analyses", []int64{gid[1], gid[0]}, 2},
		{"carrier", "/v1/gap-analyses?limit=1", []int64{gid[1]}, 2},
		{"analyst", "/v1/gap-analyses?offset=5", nil, 0},
	} {
		ids, carriers, total := listPageOf(t, s, tt.who, tt.target)
		if !eq(ids, tt.want) || (tt.want != nil && total != tt.total) {
			t.Errorf("GET %s as %s: ids %v total %d, want %v total %d", tt.target, tt.who, ids, total, tt.want, tt.total)
		}
		if tt.who == "carrier" && tt.target == "/v1/site-searches" {
			for _, c := range carriers {
				if c != "452-04" {
					t.Errorf("carrier 452-04 sees a search of %s", c)
				}
			}
		}
	}

	for _, tt := range []struct{ target, field string }{
		{"/v1/site-searches?limit=0", "limit"},
		{"/v1/site-searches?limit=1001", "limit"},
		{"/v1/gap-analyses?offset=-1", "offset"},
		{"/v1/gap-analyses?state=done", "state"},
	} {
		rec := s.do(t, "admin", http.MethodGet, tt.target, "")
		if rec.Code != http.StatusBadRequest {
			t.Errorf("GET %s = %d, want 400: %s", tt.target, rec.Code, rec.Body)
			continue
		}
		found := false
		for _, f := range problemFields(t, rec.Body.Bytes()) {
			found = found || f == tt.field
		}
		if !found {
			t.Errorf("GET %s: problem does not name %q: %s", tt.target, tt.field, rec.Body)
		}
	}
}
