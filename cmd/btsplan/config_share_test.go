package main

import (
	"strings"
	"testing"
)

func TestConfigShareDistance(t *testing.T) {
	tests := []struct {
		name, value string
		want        float64
		errText     string // "" for success
	}{
		{"default", "", 500, ""},
		{"a kilometre", "1000", 1000, ""},
		{"zero", "0", 0, "BTSPLAN_SHARE_DISTANCE_M"},
		{"too far", "60000", 0, "BTSPLAN_SHARE_DISTANCE_M"},
		{"not a number", "NaN", 0, "BTSPLAN_SHARE_DISTANCE_M"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := loadConfig(func(k string) string {
				if k == "BTSPLAN_SHARE_DISTANCE_M" {
					return tc.value
				}
				return ""
			})
			switch {
			case tc.errText != "":
				if err == nil || !strings.Contains(err.Error(), tc.errText) {
					t.Errorf("BTSPLAN_SHARE_DISTANCE_M=%q: error %v, want one with %q", tc.value, err, tc.errText)
				}
			case err != nil:
				t.Errorf("BTSPLAN_SHARE_DISTANCE_M=%q: error %v", tc.value, err)
			case c.ShareDistanceM != tc.want:
				t.Errorf("BTSPLAN_SHARE_DISTANCE_M=%q: ShareDistanceM = %g, want %g", tc.value, c.ShareDistanceM, tc.want)
			}
		})
	}
}

// TestSettingsListedOnce: the help's table of environment settings names
// each variable once, and every one is read by loadConfig.
func TestSettingsListedOnce(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range settings {
		if seen[s.name] {
			t.Errorf("%s is listed twice in settings", s.name)
		}
		seen[s.name] = true
	}
	read := map[string]bool{}
	if _, err := loadConfig(func(k string) string { read[k] = true; return "" }); err != nil {
		t.Fatalf("loadConfig with nothing set: %v", err)
	}
	for name := range seen {
		if !read[name] {
			t.Errorf("%s is listed in settings but loadConfig never reads it", name)
		}
	}
}
