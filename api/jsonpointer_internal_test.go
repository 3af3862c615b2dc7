package api

import (
	"testing"

	"btsplan/planning"
)

func TestDecodeJSONNamesField(t *testing.T) {
	type antenna struct {
		AzimuthDeg float64 `json:"azimuth_deg"`
	}
	type props struct {
		HeightM  *float64  `json:"height_m"`
		Antennas []antenna `json:"antennas"`
	}
	type doc struct {
		Geometry struct {
			Coordinates any `json:"coordinates"`
		} `json:"geometry"`
		Properties props `json:"properties"`
	}
	tests := []struct {
		name      string
		body      string
		wantField string
		wantBad   bool // 400 rather than 422
	}{
		{"NaN literal", `{"properties":{"height_m":NaN}}`, "/properties/height_m", true},
		{"Infinity literal", `{"properties": {"antennas": [{"azimuth_deg": 1}, {"azimuth_deg": Infinity}]}}`, "/properties/antennas/1/azimuth_deg", true},
		{"overflow", `{"properties":{"height_m":1e999}}`, "/properties/height_m", false},
		{"overflow in coordinates", `{"geometry":{"coordinates":[104.9, -1e999]}}`, "/geometry/coordinates/1", false},
		{"string for number in array", `{"properties":{"antennas":[{"azimuth_deg":1},{"azimuth_deg":"x"}]}}`, "/properties/antennas/1/azimuth_deg", false},
		{"trailing comma", `{"properties":{"height_m":3,}}`, "/properties", true},
		{"truncated", `{"properties":{"height_m":3`, "/properties", true},
		{"escaped key", `{"a/b":{"c~d":[1, nul]}}`, "/a~1b/c~0d/1", true},
		{"empty", ``, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v doc
			err := decodeJSON([]byte(tt.body), &v)
			if err == nil {
				t.Fatalf("decodeJSON(%s) = nil, want an error", tt.body)
			}
			if got := planning.FieldOf(err); got != tt.wantField {
				t.Errorf("decodeJSON(%s) field = %q, want %q (err %v)", tt.body, got, tt.wantField, err)
			}
			wantStatus := 422
			if tt.wantBad {
				wantStatus = 400
			}
			if got := statusOf(err); got != wantStatus {
				t.Errorf("statusOf(decodeJSON(%s)) = %d, want %d (err %v)", tt.body, got, wantStatus, err)
			}
		})
	}
}
