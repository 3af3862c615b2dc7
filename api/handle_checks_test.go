package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

type assessmentBody struct {
	ID             int64          `json:"id"`
	ProposalID     int64          `json:"proposal_id"`
	Verdict        string         `json:"verdict"`
	RuleSetVersion string         `json:"rule_set_version"`
	LayerVersions  map[string]int `json:"layer_versions"`
	Province       string         `json:"province"`
	AdminUnit      string         `json:"admin_unit"`
	Lang           string         `json:"lang"`
	Findings       []struct {
		RuleID       string  `json:"rule_id"`
		Severity     string  `json:"severity"`
		Layer        string  `json:"layer"`
		LayerVersion int     `json:"layer_version"`
		FeatureID    int64   `json:"feature_id"`
		FeatureName  string  `json:"feature_name"`
		Category     string  `json:"category"`
		DistanceM    float64 `json:"distance_m"`
		OverlapM2    float64 `json:"overlap_m2"`
		LimitM       float64 `json:"limit_m"`
		ExcessM      float64 `json:"excess_m"`
		Authority    string  `json:"authority"`
		LegalBasis   string  `json:"legal_basis"`
		Message      string  `json:"message"`
		Messages     struct {
			VI string `json:"vi"`
			EN string `json:"en"`
		} `json:"messages"`
	} `json:"findings"`
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name        string
		at          orb.Point
		query       string
		wantVerdict string
		wantLang    string
	}{
		{"inside a special-use forest, Vietnamese by default", inForest, "", "CONFLICT", "vi"},
		{"inside a special-use forest, in English", inForest, "?lang=en", "CONFLICT", "en"},
		{"clear of every zone", clear, "", "APPROVE", "vi"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ta := newTestAPI(t)
			rec := ta.do(t, "POST", "/v1/checks"+tt.query, bytes.NewReader(mustJSON(t, siteBody(tt.at))))
			if rec.Code != http.StatusOK {
				t.Fatalf("status = %d, want 200; body %s", rec.Code, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type = %q, want application/json", ct)
			}
			var a assessmentBody
			if err := json.Unmarshal(rec.Body.Bytes(), &a); err != nil {
				t.Fatal(err)
			}
			if a.Verdict != tt.wantVerdict {
				t.Errorf("verdict = %q, want %q", a.Verdict, tt.wantVerdict)
			}
			if a.Lang != tt.wantLang || a.RuleSetVersion == "" || a.LayerVersions[landuseLyr] != 3 || a.Province != "HG" || a.AdminUnit != "HG-DV-LC" {
				t.Errorf("assessment = %+v, want lang %s, a rule-set version, layer %s v3, province HG, admin unit HG-DV-LC", a, tt.wantLang, landuseLyr)
			}
			if a.ID != 0 || a.ProposalID != 0 {
				t.Errorf("dry run has id %d, proposal_id %d; want none", a.ID, a.ProposalID)
			}
			if tt.wantVerdict == "CONFLICT" {
				if len(a.Findings) == 0 {
					t.Fatalf("no findings for a conflict")
				}
				f := a.Findings[0]
				if f.RuleID != "rdd-inside" || f.Severity != "conflict" || f.Layer != landuseLyr || f.LayerVersion != 3 ||
					f.FeatureID != forestID || f.FeatureName != forestName || f.Category != "RDD" || f.DistanceM != 0 ||
					f.Authority != authority || f.LegalBasis == "" {
					t.Errorf("finding = %+v, want rdd-inside on %q (#%d, RDD, 0 m, %s)", f, forestName, forestID, authority)
				}
				if !strings.Contains(f.Messages.VI, forestName) || !strings.Contains(f.Messages.EN, forestName) || f.Messages.VI == f.Messages.EN {
					t.Errorf("messages = %+v, want vi and en naming %q", f.Messages, forestName)
				}
				want := f.Messages.VI
				if tt.wantLang == "en" {
					want = f.Messages.EN
				}
				if f.Message != want {
					t.Errorf("message = %q, want the %s one %q", f.Message, tt.wantLang, want)
				}
			}
			if n := ta.props.createCalls(); n != 0 {
				t.Errorf("a dry run called CreateProposal %d times, want 0", n)
			}
		})
	}
}

// TestBadSite sends each kind of bad site to both POST endpoints and checks
// the status, the problem's field and that nothing was stored.
func TestBadSite(t *testing.T) {
	edit := func(f func(m map[string]any)) []byte {
		m := siteBody(inForest)
		f(m)
		b, _ := json.Marshal(m)
		return b
	}
	props := func(m map[string]any) map[string]any { return m["properties"].(map[string]any) }
	valid := string(edit(func(map[string]any) {}))
	polygon := func(ring ...[2]float64) map[string]any {
		return map[string]any{"type": "Polygon", "coordinates": [][][2]float64{ring}}
	}
	lon, lat := inForest[0], inForest[1]
	d := 0.0002
	tests := []struct {
		name       string
		body       []byte
		wantStatus int
		wantField  string   // the problem's field
		wantAll    []string // every field the errors list must name
		wantReason string   // a word of the reason for wantField
	}{
		{"malformed JSON", []byte(`{"type": "Feature", "geometry": {"type": "Point", "coordinates": [104.98, 22.83]}, "properties": {`), 400, "/properties", nil, "invalid JSON"},
		{"not JSON at all", []byte(`carrier=452-04`), 400, "", nil, "invalid JSON"},
		{"empty body", nil, 400, "", nil, "empty"},
		{"NaN literal", []byte(strings.Replace(valid, `"height_m":36`, `"height_m":NaN`, 1)), 400, "/properties/height_m", nil, "byte"},
		{"huge height overflows to Inf", []byte(strings.Replace(valid, `"height_m":36`, `"height_m":1e999`, 1)), 422, "/properties/height_m", nil, "finite"},
		{"huge coordinate overflows to Inf", []byte(strings.Replace(valid, `[104.98,22.83]`, `[-1e999,22.83]`, 1)), 422, "/geometry/coordinates/0", nil, "finite"},
		{"string for a number", []byte(strings.Replace(valid, `"height_m":36`, `"height_m":"36"`, 1)), 422, "/properties/height_m", nil, "type"},
		{"missing fields", edit(func(m map[string]any) { m["properties"] = map[string]any{"antennas": []any{}} }), 422, "/properties/carrier",
			[]string{"/properties/carrier", "/properties/site_code", "/properties/structure", "/properties/height_m"}, "missing"},
		{"missing properties", edit(func(m map[string]any) { delete(m, "properties") }), 422, "/properties", nil, "missing"},
		{"missing geometry", edit(func(m map[string]any) { delete(m, "geometry") }), 422, "/geometry", nil, "missing"},
		{"not a Feature", edit(func(m map[string]any) { m["type"] = "FeatureCollection" }), 422, "/type", nil, "Feature"},
		{"lon and lat swapped", edit(func(m map[string]any) { m["geometry"].(map[string]any)["coordinates"] = []float64{lat, lon} }), 422, "/geometry/coordinates", nil, "swapped"},
		{"latitude out of range", edit(func(m map[string]any) { m["geometry"].(map[string]any)["coordinates"] = []float64{lon, 95} }), 422, "/geometry/coordinates", nil, "latitude"},
		{"longitude out of range", edit(func(m map[string]any) { m["geometry"].(map[string]any)["coordinates"] = []float64{181, lat} }), 422, "/geometry/coordinates", nil, "longitude"},
		{"one coordinate", edit(func(m map[string]any) { m["geometry"].(map[string]any)["coordinates"] = []float64{lon} }), 422, "/geometry/coordinates", nil, "position"},
		{"outside every admin unit", edit(func(m map[string]any) { m["geometry"].(map[string]any)["coordinates"] = []float64{2.35, 48.85} }), 422, "/geometry/coordinates", nil, "admin unit"},
		{"height 0", edit(func(m map[string]any) { props(m)["height_m"] = 0 }), 422, "/properties/height_m", nil, "minimum"},
		{"negative height", edit(func(m map[string]any) { props(m)["height_m"] = -5 }), 422, "/properties/height_m", nil, "minimum"},
		{"height above 300 m", edit(func(m map[string]any) { props(m)["height_m"] = 301 }), 422, "/properties/height_m", nil, "maximum"},
		{"self-intersecting footprint", edit(func(m map[string]any) {
			props(m)["footprint"] = polygon([2]float64{lon - d, lat - d}, [2]float64{lon + d, lat + d}, [2]float64{lon + d, lat - d}, [2]float64{lon - d, lat + d}, [2]float64{lon - d, lat - d})
		}), 422, "/properties/footprint", nil, "self-intersection"},
		{"footprint ring not closed", edit(func(m map[string]any) {
			props(m)["footprint"] = polygon([2]float64{lon - d, lat - d}, [2]float64{lon + d, lat - d}, [2]float64{lon + d, lat + d}, [2]float64{lon - d, lat + d})
		}), 422, "/properties/footprint/coordinates/0", nil, "first position"},
		{"footprint too few points", edit(func(m map[string]any) {
			props(m)["footprint"] = polygon([2]float64{lon - d, lat - d}, [2]float64{lon + d, lat - d}, [2]float64{lon - d, lat - d})
		}), 422, "/properties/footprint/coordinates/0", nil, "4 positions"},
		{"footprint not a Polygon", edit(func(m map[string]any) {
			props(m)["footprint"] = map[string]any{"type": "Point", "coordinates": []float64{lon, lat}}
		}), 422, "/properties/footprint/type", nil, "Polygon"},
		{"footprint far from the site", edit(func(m map[string]any) {
			props(m)["footprint"] = polygon([2]float64{lon + 0.1, lat}, [2]float64{lon + 0.1 + d, lat}, [2]float64{lon + 0.1 + d, lat + d}, [2]float64{lon + 0.1, lat})
		}), 422, "/properties/footprint", nil, "from the site"},
		{"LineString instead of Point", edit(func(m map[string]any) {
			m["geometry"] = map[string]any{"type": "LineString", "coordinates": [][]float64{{lon, lat}, {lon + d, lat}}}
		}), 422, "/geometry/type", nil, "Point"},
		{"unknown carrier", edit(func(m map[string]any) { props(m)["carrier"] = "452-99" }), 422, "/properties/carrier", nil, "unknown carrier"},
		{"authority as carrier", edit(func(m map[string]any) { props(m)["carrier"] = authority }), 422, "/properties/carrier", nil, "not a carrier"},
		{"unknown structure", edit(func(m map[string]any) { props(m)["structure"] = "A3" }), 422, "/properties/structure", nil, "unknown structure"},
		{"antenna azimuth out of range", edit(func(m map[string]any) {
			props(m)["antennas"] = []map[string]any{{"azimuth_deg": 0, "tilt_deg": 4, "band_mhz": 1800, "eirp_dbm": 58, "technology": "LTE"}, {"azimuth_deg": 400, "tilt_deg": 4, "band_mhz": 1800, "eirp_dbm": 58, "technology": "LTE"}}
		}), 422, "/properties/antennas/1/azimuth_deg", nil, "azimuth"},
		{"antenna field missing", edit(func(m map[string]any) {
			props(m)["antennas"] = []map[string]any{{"azimuth_deg": 0, "band_mhz": 1800, "eirp_dbm": 58, "technology": "LTE"}}
		}), 422, "/properties/antennas/0/tilt_deg", nil, "missing"},
		{"several mistakes at once", edit(func(m map[string]any) {
			delete(props(m), "carrier")
			props(m)["height_m"] = 0
			props(m)["structure"] = "B1"
		}), 422, "/properties/carrier", []string{"/properties/carrier", "/properties/structure", "/properties/height_m"}, "missing"},
		{"body over the size limit", []byte(`{"type":"Feature","pad":"` + strings.Repeat("x", 1<<20) + `"}`), 413, "", nil, "limit"},
	}
	for _, endpoint := range []string{"/v1/checks", "/v1/proposals"} {
		for _, tt := range tests {
			t.Run(endpoint+"/"+tt.name, func(t *testing.T) {
				ta := newTestAPI(t)
				var body *bytes.Reader
				if tt.body != nil {
					body = bytes.NewReader(tt.body)
				} else {
					body = bytes.NewReader(nil)
				}
				rec := ta.do(t, "POST", endpoint, body)
				p := decodeProblem(t, rec, tt.wantStatus)
				if p.Field != tt.wantField {
					t.Errorf("field = %q, want %q; problem %+v", p.Field, tt.wantField, p)
				}
				for _, f := range tt.wantAll {
					if !contains(p.fields(), f) {
						t.Errorf("errors name %v, want %q among them", p.fields(), f)
					}
				}
				reason := p.Detail
				for _, e := range p.Errors {
					if e.Field == tt.wantField {
						reason = e.Reason
						break
					}
				}
				if !strings.Contains(reason, tt.wantReason) {
					t.Errorf("reason for %q = %q, want it to mention %q", tt.wantField, reason, tt.wantReason)
				}
				if n := ta.props.createCalls(); n != 0 {
					t.Errorf("CreateProposal called %d times, want 0: a bad site must store nothing", n)
				}
			})
		}
	}
}

func TestCheckContentType(t *testing.T) {
	ta := newTestAPI(t)
	rec := ta.do(t, "POST", "/v1/checks", bytes.NewReader(mustJSON(t, siteBody(inForest))), "Content-Type", "application/xml")
	decodeProblem(t, rec, http.StatusUnsupportedMediaType)
	rec = ta.do(t, "POST", "/v1/checks", bytes.NewReader(mustJSON(t, siteBody(inForest))), "Content-Type", "application/geo+json")
	if rec.Code != http.StatusOK {
		t.Errorf("application/geo+json: status = %d, want 200; body %s", rec.Code, rec.Body)
	}
	rec = ta.do(t, "POST", "/v1/checks?lang=fr", bytes.NewReader(mustJSON(t, siteBody(inForest))))
	if p := decodeProblem(t, rec, http.StatusBadRequest); p.Field != "lang" {
		t.Errorf("?lang=fr: field = %q, want lang", p.Field)
	}
}
