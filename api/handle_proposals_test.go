package api_test

import (
	"bytes"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"golang.org/x/text/unicode/norm"

	"btsplan/planning"
)

type createdBody struct {
	ID       int64 `json:"id"`
	Proposal struct {
		Type       string         `json:"type"`
		ID         int64          `json:"id"`
		Properties map[string]any `json:"properties"`
	} `json:"proposal"`
	Assessment assessmentBody `json:"assessment"`
}

func submit(t *testing.T, ta *testAPI, body map[string]any) createdBody {
	t.Helper()
	rec := ta.do(t, "POST", "/v1/proposals", bytes.NewReader(mustJSON(t, body)))
	if rec.Code != http.StatusCreated {
		t.Fatalf("POST /v1/proposals: status = %d, want 201; body %s", rec.Code, rec.Body)
	}
	var c createdBody
	if err := json.Unmarshal(rec.Body.Bytes(), &c); err != nil {
		t.Fatal(err)
	}
	if loc, want := rec.Header().Get("Location"), "/v1/proposals/"+itoa(c.ID); loc != want {
		t.Errorf("Location = %q, want %q", loc, want)
	}
	return c
}

func itoa(n int64) string { return strings.TrimSpace(string(mustJSONNoT(n))) }

func mustJSONNoT(v any) []byte { b, _ := json.Marshal(v); return b }

func TestSubmit(t *testing.T) {
	ta := newTestAPI(t)
	c := submit(t, ta, siteBody(inForest))
	if c.ID != 1 || c.Proposal.ID != 1 || c.Proposal.Type != "Feature" {
		t.Errorf("created id %d, proposal %+v; want id 1 as a Feature", c.ID, c.Proposal)
	}
	if c.Assessment.Verdict != "CONFLICT" || c.Assessment.ProposalID != 1 || len(c.Assessment.Findings) == 0 {
		t.Errorf("assessment = %+v, want CONFLICT for proposal 1 with findings", c.Assessment)
	}
	if n := ta.props.createCalls(); n != 1 {
		t.Errorf("CreateProposal called %d times, want 1", n)
	}

	// The stored proposal and assessment read back the same.
	rec := ta.do(t, "GET", "/v1/proposals/1", nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET proposal: %d %s", rec.Code, rec.Body)
	}
	var p struct {
		Geometry struct {
			Coordinates []float64 `json:"coordinates"`
		} `json:"geometry"`
		Properties map[string]any `json:"properties"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	if p.Geometry.Coordinates[0] != inForest[0] || p.Geometry.Coordinates[1] != inForest[1] {
		t.Errorf("coordinates = %v, want %v", p.Geometry.Coordinates, inForest)
	}
	for k, want := range map[string]any{"carrier": "452-04", "site_code": "HGG-Đồng Văn-01", "structure": "A2b", "height_m": 36.0, "verdict": "CONFLICT", "status": "submitted", "revision": 1.0} {
		if got := p.Properties[k]; got != want {
			t.Errorf("property %s = %v, want %v", k, got, want)
		}
	}
	rec = ta.do(t, "GET", "/v1/proposals/1/assessment?lang=en", nil)
	var a assessmentBody
	if err := json.Unmarshal(rec.Body.Bytes(), &a); err != nil || rec.Code != 200 {
		t.Fatalf("GET assessment: %d %s", rec.Code, rec.Body)
	}
	if a.Verdict != "CONFLICT" || a.Lang != "en" || a.Findings[0].Message != a.Findings[0].Messages.EN {
		t.Errorf("assessment = %+v, want CONFLICT with English messages", a)
	}
}

// TestSubmitDuplicate: a resubmission is 409 linking to the proposal the
// store names (planning.DuplicateError).
func TestSubmitDuplicate(t *testing.T) {
	ta := newTestAPI(t)
	body := siteBody(inForest)
	first := submit(t, ta, body)
	other := siteBody(clear)
	other["properties"].(map[string]any)["site_code"] = "HGG-02"
	submit(t, ta, other)

	rec := ta.do(t, "POST", "/v1/proposals", bytes.NewReader(mustJSON(t, body)))
	p := decodeProblem(t, rec, http.StatusConflict)
	if want := "/v1/proposals/" + itoa(first.ID); p.Existing != want {
		t.Errorf("existing = %q, want %q", p.Existing, want)
	}
	if !strings.Contains(p.Detail, "proposal "+itoa(first.ID)) {
		t.Errorf("detail = %q, want it to name proposal %d", p.Detail, first.ID)
	}
	if n := len(ta.props.proposals); n != 2 {
		t.Errorf("%d proposals stored, want 2: a duplicate stores nothing", n)
	}
}

// TestVietnameseRoundTrip checks that names come back unchanged: not
// normalised (NFC and NFD differ in bytes and both stay) and, for
// Vietnamese, not even escaped: the bytes are in the body as sent.
func TestVietnameseRoundTrip(t *testing.T) {
	nfd := norm.NFD.String("Trạm Mèo Vạc – Sủng Máng")
	if nfd == norm.NFC.String(nfd) {
		t.Fatal("test string has no decomposed form")
	}
	for _, code := range []string{"HGG-Đồng Văn-01", nfd, `A&B <c> "q"`} {
		t.Run(code, func(t *testing.T) {
			ta := newTestAPI(t)
			body := siteBody(clear)
			body["properties"].(map[string]any)["site_code"] = code
			c := submit(t, ta, body)
			id := itoa(c.ID)
			paths := map[string]func(any) any{
				"/v1/proposals/" + id:             func(v any) any { return dig(v, "properties", "site_code") },
				"/v1/proposals":                   func(v any) any { return dig(v, "items", 0, "properties", "site_code") },
				"/v1/proposals.geojson":           func(v any) any { return dig(v, "features", 0, "properties", "site_code") },
				"/v1/proposals/" + id + "/report": func(v any) any { return dig(v, "proposal", "properties", "site_code") },
			}
			for path, get := range paths {
				rec := ta.do(t, "GET", path, nil)
				if rec.Code != http.StatusOK {
					t.Fatalf("GET %s: %d %s", path, rec.Code, rec.Body)
				}
				var v any
				if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
					t.Fatal(err)
				}
				if got := get(v); got != code {
					t.Errorf("GET %s: site_code = %q, want %q", path, got, code)
				}
				if !strings.ContainsAny(code, "<>&") && !bytes.Contains(rec.Body.Bytes(), []byte(code)) {
					t.Errorf("GET %s: body does not hold %q as raw UTF-8: %s", path, code, rec.Body)
				}
			}
			rec := ta.do(t, "GET", "/v1/proposals/"+id+"/report.html", nil)
			if want := html.EscapeString(code); !strings.Contains(rec.Body.String(), want) && !strings.Contains(rec.Body.String(), code) {
				t.Errorf("report.html does not hold %q", code)
			}
		})
	}
}

// dig walks decoded JSON by keys and indexes.
func dig(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			a, _ := v.([]any)
			if k >= len(a) {
				return nil
			}
			v = a[k]
		}
	}
	return v
}

func TestListProposals(t *testing.T) {
	ta := newTestAPI(t)
	for i, loc := range []orb.Point{inForest, clear, {105.3, 22.6}, {105.4, 22.7}, {105.5, 22.8}} {
		b := siteBody(loc)
		b["properties"].(map[string]any)["site_code"] = "HGG-" + itoa(int64(i))
		submit(t, ta, b)
	}

	type page struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
		Total  int    `json:"total"`
		Limit  int    `json:"limit"`
		Offset int    `json:"offset"`
		Next   string `json:"next"`
		Prev   string `json:"prev"`
	}
	get := func(target string) page {
		t.Helper()
		rec := ta.do(t, "GET", target, nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s: %d %s", target, rec.Code, rec.Body)
		}
		var p page
		if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	p := get("/v1/proposals?limit=2&offset=2&carrier=452-04")
	if len(p.Items) != 2 || p.Items[0].ID != 3 || p.Total != 5 || p.Limit != 2 || p.Offset != 2 {
		t.Errorf("page = %+v, want items 3, 4 of 5", p)
	}
	for name, link := range map[string]string{"next": p.Next, "prev": p.Prev} {
		u, err := url.Parse(link)
		if err != nil || u.Path != "/v1/proposals" || u.Query().Get("carrier") != "452-04" || u.Query().Get("limit") != "2" {
			t.Errorf("%s = %q, want /v1/proposals keeping carrier and limit", name, link)
		}
	}
	if q, _ := url.Parse(p.Next); q.Query().Get("offset") != "4" {
		t.Errorf("next = %q, want offset 4", p.Next)
	}
	if q, _ := url.Parse(p.Prev); q.Query().Get("offset") != "0" {
		t.Errorf("prev = %q, want offset 0", p.Prev)
	}
	last := get(p.Next)
	if len(last.Items) != 1 || last.Next != "" {
		t.Errorf("last page = %+v, want one item and no next", last)
	}
	first := get("/v1/proposals")
	if first.Prev != "" || first.Limit != 50 || len(first.Items) != 5 {
		t.Errorf("first page = %+v, want 5 items, limit 50, no prev", first)
	}

	// Every filter reaches the store.
	get("/v1/proposals?carrier=452-01&status=submitted&verdict=conflict&bbox=104.9,22.8,105.0,22.9&admin_unit=HG-DV-LC")
	f := ta.props.lastFilter
	want := planning.ProposalFilter{Carrier: "452-01", Status: planning.StatusSubmitted, Verdict: planning.Conflict, AdminUnit: "HG-DV-LC", Limit: 50}
	if f.Carrier != want.Carrier || f.Status != want.Status || f.Verdict != want.Verdict || f.AdminUnit != want.AdminUnit || f.Limit != want.Limit ||
		f.BBox == nil || *f.BBox != (orb.Bound{Min: orb.Point{104.9, 22.8}, Max: orb.Point{105.0, 22.9}}) {
		t.Errorf("filter = %+v (bbox %v), want %+v with bbox 104.9,22.8,105.0,22.9", f, f.BBox, want)
	}
	bboxed := get("/v1/proposals?bbox=104.9,22.8,105.0,22.9")
	if bboxed.Total != 1 || bboxed.Items[0].ID != 1 {
		t.Errorf("bbox page = %+v, want only proposal 1", bboxed)
	}

	fc := decodeFC(t, ta.do(t, "GET", "/v1/proposals.geojson?verdict=APPROVE", nil))
	if len(fc.Features) != 4 {
		t.Errorf("proposals.geojson?verdict=APPROVE has %d features, want 4", len(fc.Features))
	}
	for _, f := range fc.Features {
		if _, ok := f.Geometry.(orb.Point); !ok || f.Properties["verdict"] != "APPROVE" || f.Properties["site_code"] == nil {
			t.Errorf("feature %+v: want an APPROVE Point with its site code", f)
		}
	}
}

func TestListProposalsBadQuery(t *testing.T) {
	tests := []struct {
		query, wantField string
	}{
		{"limit=abc", "limit"},
		{"limit=0", "limit"},
		{"limit=5000", "limit"},
		{"limit=-1", "limit"},
		{"offset=x", "offset"},
		{"offset=-3", "offset"},
		{"bbox=1,2,3", "bbox"},
		{"bbox=a,b,c,d", "bbox"},
		{"bbox=105,22,104,23", "bbox"},
		{"bbox=NaN,22,105,23", "bbox"},
		{"bbox=-200,22,105,23", "bbox"},
		{"status=pending", "status"},
		{"verdict=MAYBE", "verdict"},
		{"carrier=452-04&carrier=452-01", "carrier"},
	}
	for _, path := range []string{"/v1/proposals", "/v1/proposals.geojson"} {
		for _, tt := range tests {
			t.Run(path+"?"+tt.query, func(t *testing.T) {
				ta := newTestAPI(t)
				p := decodeProblem(t, ta.do(t, "GET", path+"?"+tt.query, nil), http.StatusBadRequest)
				if p.Field != tt.wantField {
					t.Errorf("field = %q, want %q; %+v", p.Field, tt.wantField, p)
				}
			})
		}
	}
}

func TestProposalNotFoundAndBadID(t *testing.T) {
	ta := newTestAPI(t)
	for _, path := range []string{"/v1/proposals/7", "/v1/proposals/7/assessment", "/v1/proposals/7/report", "/v1/proposals/7/report.html", "/v1/proposals/7/findings.geojson"} {
		decodeProblem(t, ta.do(t, "GET", path, nil), http.StatusNotFound)
		bad := strings.Replace(path, "7", "x7", 1)
		if p := decodeProblem(t, ta.do(t, "GET", bad, nil), http.StatusBadRequest); p.Field != "id" {
			t.Errorf("GET %s: field = %q, want id", bad, p.Field)
		}
	}
}
