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
