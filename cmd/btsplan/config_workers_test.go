package main

import (
	"strings"
	"testing"
)

func TestConfigWorkers(t *testing.T) {
	tests := []struct {
		name, value string
		want        int
		errText     string // "" for success
	}{
		{"default", "", 1, ""},
		{"none: serve only", "0", 0, ""},
		{"several", "3", 3, ""},
		{"negative", "-1", 0, "BTSPLAN_WORKERS: -1 must be 0 or more"},
		{"not a number", "two", 0, "BTSPLAN_WORKERS"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := loadConfig(func(k string) string {
				if k == "BTSPLAN_WORKERS" {
					return tc.value
				}
				return ""
			})
			switch {
			case tc.errText != "":
				if err == nil || !strings.Contains(err.Error(), tc.errText) {
					t.Errorf("BTSPLAN_WORKERS=%q: error %v, want one with %q", tc.value, err, tc.errText)
				}
			case err != nil:
				t.Errorf("BTSPLAN_WORKERS=%q: error %v", tc.value, err)
			case c.Workers != tc.want:
				t.Errorf("BTSPLAN_WORKERS=%q: Workers = %d, want %d", tc.value, c.Workers, tc.want)
			}
		})
	}
}

func TestWorkerCommandNeedsWorkers(t *testing.T) {
	_, _, err := runCmd(t, testEnv{"DATABASE_URL": "postgres://unused", "BTSPLAN_WORKERS": "0"}, "worker")
	if err == nil || !strings.Contains(err.Error(), "BTSPLAN_WORKERS=0") {
		t.Errorf("worker with BTSPLAN_WORKERS=0: %v, want an error naming it", err)
	}
}
