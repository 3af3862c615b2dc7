package api_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"golang.org/x/net/html"

	"btsplan/planning"
)

func TestReportJSON(t *testing.T) {
	ta := newTestAPI(t)
	c := submit(t, ta, siteBody(inForest))
	rec := ta.do(t, "GET", "/v1/proposals/"+itoa(c.ID)+"/report?lang=en", nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var r struct {
		Proposal struct {
			ID int64 `json:"id"`
		} `json:"proposal"`
		Assessment  assessmentBody `json:"assessment"`
		Carrier     struct{ Code, Name string }
		Authorities []struct{ Code, Name string }
		RuleSet     string         `json:"rule_set_version"`
		Layers      map[string]int `json:"layer_versions"`
		Lang        string         `json:"lang"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	if r.Proposal.ID != c.ID || r.Assessment.Verdict != "CONFLICT" || r.Lang != "en" || r.RuleSet == "" || r.Layers[landuseLyr] != 3 {
		t.Errorf("report = %+v, want proposal %d, CONFLICT, en, rule set and layer versions", r, c.ID)
	}
	if r.Carrier.Code != "452-04" || !strings.Contains(r.Carrier.Name, "Viettel") {
		t.Errorf("carrier = %+v, want 452-04 Viettel", r.Carrier)
	}
	if len(r.Authorities) != 1 || r.Authorities[0].Code != authority || r.Authorities[0].Name != authName {
		t.Errorf("authorities = %+v, want %s %q", r.Authorities, authority, authName)
	}
}

func TestReportHTML(t *testing.T) {
	tests := []struct {
		query            string
		wantLang         string
		wantTitle, north string
	}{
		{"", "vi", "Báo cáo thẩm định vị trí trạm thu phát sóng di động (BTS)", "B"},
		{"?lang=en", "en", "Mobile base station (BTS) site assessment report", "N"},
	}
	for _, tt := range tests {
		t.Run(tt.wantLang, func(t *testing.T) {
			ta := newTestAPI(t)
			body := siteBody(inForest)
			lon, lat, d := inForest[0], inForest[1], 0.0001
			body["properties"].(map[string]any)["footprint"] = map[string]any{"type": "Polygon",
				"coordinates": [][][2]float64{{{lon - d, lat - d}, {lon + d, lat - d}, {lon + d, lat + d}, {lon - d, lat + d}, {lon - d, lat - d}}}}
			c := submit(t, ta, body)
			rec := ta.do(t, "GET", "/v1/proposals/"+itoa(c.ID)+"/report.html"+tt.query, nil)
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type = %q, want text/html; charset=utf-8", ct)
			}
			page := rec.Body.String()
			doc, err := html.Parse(strings.NewReader(page))
			if err != nil {
				t.Fatalf("report is not HTML: %v", err)
			}
			svg := find(doc, "svg")
			if svg == nil {
				t.Fatalf("no inline <svg> map")
			}
			// The map: the fall-zone circle, the footprint, the conflicting
			// feature with its label, the scale bar and the north arrow.
			for _, class := range []string{"fall", "footprint", "site", "scale", "north", "label", "feature conflict"} {
				if findClass(svg, class) == nil {
					t.Errorf("map has no element of class %q", class)
				}
			}
			if label := textOf(findClass(svg, "label")); !strings.Contains(label, "1. "+forestName) {
				t.Errorf("map label = %q, want %q", label, "1. "+forestName)
			}
			if got := textOf(findClass(svg, "north")); got != tt.north {
				t.Errorf("north arrow letter = %q, want %q", got, tt.north)
			}
			if !regexp.MustCompile(`\d+ (m|km)`).MatchString(textOf(findClass(svg, "scale"))) {
				t.Errorf("scale bar text = %q, want a length in m or km", textOf(findClass(svg, "scale")))
			}
			for _, want := range []string{
				`<html lang="` + tt.wantLang + `">`, `<meta charset="utf-8">`, tt.wantTitle, "@page { size: A4",
				forestName, authName, "Tập đoàn Công nghiệp - Viễn thông Quân đội (Viettel)", "HGG-Đồng Văn-01",
				"national@", landuseLyr, "rdd-inside",
			} {
				if !strings.Contains(page, want) {
					t.Errorf("report does not contain %q", want)
				}
			}
			// Offline and printable: no script, nothing fetched.
			for _, banned := range []string{"<script", `src="http`, `href="http`, "@import", "url(http"} {
				if strings.Contains(page, banned) {
					t.Errorf("report contains %q: it must need nothing from outside", banned)
				}
			}
			// The conflicting feature's geometry is drawn where its box is:
			// around the site marker.
			site := findClass(svg, "fall")
			if site == nil || attr(site, "r") == "0.0" {
				t.Errorf("fall zone circle %v: want a radius", site)
			}
		})
	}
}

func TestFindingsGeoJSON(t *testing.T) {
	ta := newTestAPI(t)
	c := submit(t, ta, siteBody(inForest))
	fc := decodeFC(t, ta.do(t, "GET", "/v1/proposals/"+itoa(c.ID)+"/findings.geojson", nil))
	if len(fc.Features) != 1 {
		t.Fatalf("%d features, want 1", len(fc.Features))
	}
	f := fc.Features[0]
	poly, ok := f.Geometry.(orb.Polygon)
	if !ok || !poly.Bound().Contains(inForest) {
		t.Errorf("geometry = %#v, want the conflicting part of the forest around the site", f.Geometry)
	}
	for k, want := range map[string]any{"rule_id": "rdd-inside", "severity": "conflict", "feature_name": forestName, "layer": landuseLyr, "category": "RDD", "authority": authority} {
		if got := f.Properties[k]; got != want {
			t.Errorf("property %s = %v, want %v", k, got, want)
		}
	}
	if f.Properties["message"] != f.Properties["message_vi"] || f.Properties["message_en"] == "" {
		t.Errorf("messages %v: want Vietnamese by default and English beside it", f.Properties)
	}
}

func find(n *html.Node, tag string) *html.Node {
	if n.Type == html.ElementNode && n.Data == tag {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := find(c, tag); f != nil {
			return f
		}
	}
	return nil
}

func findClass(n *html.Node, class string) *html.Node {
	if n == nil {
		return nil
	}
	if n.Type == html.ElementNode && attr(n, "class") == class {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := findClass(c, class); f != nil {
			return f
		}
	}
	return nil
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func textOf(n *html.Node) string {
	if n == nil {
		return ""
	}
	if n.Type == html.TextNode {
		return n.Data
	}
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		b.WriteString(textOf(c))
	}
	return strings.TrimSpace(b.String())
}

// TestReportListsEarlierAssessments: a proposal re-evaluated with its gap
// fill shows the latest assessment and lists the earlier one, in the JSON
// and the HTML report.
func TestReportListsEarlierAssessments(t *testing.T) {
	ta := newTestAPI(t)
	c := submit(t, ta, siteBody(inForest))
	ta.props.mu.Lock()
	first := ta.props.assessments[c.ID]
	latest := first
	latest.ID, latest.Basis = first.ID+1, planning.BasisGapFill
	ta.props.assessments[c.ID] = latest
	ta.props.earlier = map[int64][]planning.Assessment{c.ID: {first}}
	ta.props.mu.Unlock()

	rec := ta.do(t, "GET", "/v1/proposals/"+itoa(c.ID)+"/report?lang=en", nil)
	var r struct {
		Assessment struct {
			ID    int64  `json:"id"`
			Basis string `json:"basis"`
		} `json:"assessment"`
		Earlier []struct {
			ID      int64  `json:"id"`
			Verdict string `json:"verdict"`
			Basis   string `json:"basis"`
		} `json:"earlier_assessments"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
		t.Fatalf("%v: %s", err, rec.Body)
	}
	if r.Assessment.ID != latest.ID || r.Assessment.Basis != "gap_fill" || len(r.Earlier) != 1 || r.Earlier[0].ID != first.ID ||
		r.Earlier[0].Verdict != string(first.Verdict) || r.Earlier[0].Basis != "zoning" {
		t.Errorf("report = %+v, want the latest (gap_fill) and the first listed as earlier (zoning)", r)
	}
	page := ta.do(t, "GET", "/v1/proposals/"+itoa(c.ID)+"/report.html?lang=en", nil).Body.String()
	for _, want := range []string{"Earlier assessments (kept as they were)", "Assessment #" + itoa(first.ID), "re-evaluated once the gap fill was computed"} {
		if !strings.Contains(page, want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
}
