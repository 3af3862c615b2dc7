package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestCheckWithGapFillAppliesTheSharingRule: the rules on the gap fill
// apply to a check with ?with=gap_fill at once. A small cell facing away
// from Thôn A covers no gap village and MobiFone's 40 m mast stands 300 m
// away: CONDITIONAL, "consider sharing". Facing it, the site covers a gap
// village and the rule does not fire; without ?with=gap_fill it never does.
func TestCheckWithGapFillAppliesTheSharingRule(t *testing.T) {
	d, _ := gapFillAPI(t, true)
	site := func(azimuthDeg float64) *bytes.Reader {
		m := siteBody(checkAt)
		for _, a := range m["properties"].(map[string]any)["antennas"].([]map[string]any) {
			a["azimuth_deg"] = azimuthDeg
			if azimuthDeg != 0 {
				a["eirp_dbm"] = 20 // a small cell: it does not reach Thôn A
			}
		}
		return bytes.NewReader(mustJSON(t, m))
	}
	type out struct {
		Verdict  string `json:"verdict"`
		Basis    string `json:"basis"`
		Findings []struct {
			RuleID   string  `json:"rule_id"`
			Feature  string  `json:"feature_name"`
			Distance float64 `json:"distance_m"`
			Message  string  `json:"message"`
		} `json:"findings"`
	}
	check := func(target string, azimuthDeg float64) out {
		t.Helper()
		rec := d.post(t, target, site(azimuthDeg))
		if rec.Code != http.StatusOK {
			t.Fatalf("POST %s = %d %s, want 200", target, rec.Code, rec.Body)
		}
		var o out
		if err := json.Unmarshal(rec.Body.Bytes(), &o); err != nil {
			t.Fatal(err)
		}
		return o
	}
	sharing := func(o out) int {
		for i, f := range o.Findings {
			if f.RuleID == "gap-fill-consider-sharing" {
				return i
			}
		}
		return -1
	}

	away := check("/v1/checks?with=gap_fill&lang=en", 200)
	i := sharing(away)
	if i < 0 || away.Verdict != "CONDITIONAL" || away.Basis != "gap_fill" {
		t.Fatalf("facing away = %+v, want CONDITIONAL (basis gap_fill) with the sharing finding", away)
	}
	if f := away.Findings[i]; !strings.Contains(f.Message, "consider sharing") || !strings.Contains(f.Message, "452-01/SYNTHETIC-MF-1") ||
		!strings.Contains(f.Message, "40 m tall") || f.Distance < 250 || f.Distance > 350 {
		t.Errorf("sharing finding = %+v, want the mast, its 40 m and about 300 m", f)
	}
	if plain := check("/v1/checks?lang=en", 200); sharing(plain) >= 0 || plain.Basis != "zoning" {
		t.Errorf("plain check = %+v, want no sharing finding, basis zoning", plain)
	}
	if facing := check("/v1/checks?with=gap_fill&lang=en", 0); sharing(facing) >= 0 {
		t.Errorf("facing Thôn A (a gap village) = %+v, want no sharing finding", facing)
	}
}
