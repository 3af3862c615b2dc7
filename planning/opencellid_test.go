package planning_test

import (
	"strings"
	"testing"

	"btsplan/planning"
)

// The rows below are SYNTHETIC: no public cell data exists for the area.
const ocidHeader = "radio,mcc,net,area,cell,unit,lon,lat,range,samples,changeable,created,updated,averageSignal\n"

func ocidRow(radio, mcc, net, area, cell, lon, lat string) string {
	return strings.Join([]string{radio, mcc, net, area, cell, "101", lon, lat, "1000", "12", "1", "1700000000", "1710000000", "0"}, ",") + "\n"
}

var ocidGood = ocidRow("LTE", "452", "4", "10501", "2561", "105.6", "21.45")

func TestReadOpenCelliDBad(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		wantLine string // the field of the error
		wantText string // in the reason
	}{
		{"wrong column count", ocidHeader + ocidGood + "LTE,452,4,10501,2562,101,105.6\n", "line 3", "has 7 columns, want 14"},
		{"non-numeric lon", ocidHeader + ocidGood + ocidRow("LTE", "452", "4", "1", "2", "east", "21.4"), "line 3", `lon "east" is not a finite number`},
		{"NaN lat", ocidHeader + ocidRow("GSM", "452", "4", "1", "2", "105.6", "NaN"), "line 2", `lat "NaN" is not a finite number`},
		{"infinite lon", ocidHeader + ocidRow("GSM", "452", "4", "1", "2", "+Inf", "21.4"), "line 2", `lon "+Inf" is not a finite number`},
		{"mcc not 452", ocidHeader + ocidGood + ocidRow("GSM", "450", "5", "1", "2", "105.6", "21.4"), "line 3", "mcc 450 is not Vietnam's 452"},
		{"lon lat swapped", ocidHeader + ocidRow("UMTS", "452", "2", "1", "2", "21.45", "105.6"), "line 2", "lon and lat look swapped"},
		{"duplicate cells", ocidHeader + ocidGood + ocidRow("NR", "452", "4", "1", "9", "105.7", "21.4") + ocidGood, "line 4", "is on line 2 already"},
		{"unknown radio", ocidHeader + ocidRow("WIMAX", "452", "4", "1", "2", "105.6", "21.4"), "line 2", `radio "WIMAX"`},
		{"negative cell", ocidHeader + ocidRow("LTE", "452", "4", "1", "-2", "105.6", "21.4"), "line 2", `cell "-2" is not a whole number`},
		{"missing position", ocidHeader + ocidRow("LTE", "452", "4", "1", "2", "0", "0"), "line 2", "missing position"},
		{"bad header", "radio,mcc,network,area,cell,unit,lon,lat,range,samples,changeable,created,updated,averageSignal\n" + ocidGood, "line 1", `header column 3 is "network"`},
		{"bad quoting", ocidHeader + ocidGood + "LTE,452,4,\"1\"0,2,101,105.6,21.4,1,1,1,1,1,0\n", "line 3", "not CSV"},
		{"only CDMA", ocidHeader + ocidRow("CDMA", "452", "3", "1", "2", "105.6", "21.4"), "line 1", "no cell"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := planning.ReadOpenCelliD(strings.NewReader(tt.body))
			if err == nil {
				t.Fatalf("ReadOpenCelliD = nil error, want one naming %s", tt.wantLine)
			}
			if planning.KindOf(err) != planning.Invalid {
				t.Errorf("kind = %v, want invalid", planning.KindOf(err))
			}
			if got := planning.FieldOf(err); got != tt.wantLine {
				t.Errorf("field = %q, want %q (%v)", got, tt.wantLine, err)
			}
			if !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("error = %q, want it to contain %q", err, tt.wantText)
			}
		})
	}
}

func TestReadOpenCelliD(t *testing.T) {
	body := "\xEF\xBB\xBF" + ocidHeader + ocidGood +
		ocidRow("CDMA", "452", "3", "1", "2", "105.6", "21.4") +
		ocidRow("gsm", "452", "1", "2001", "31", "105.60002", "21.45002")
	cells, skipped, err := planning.ReadOpenCelliD(strings.NewReader(body))
	if err != nil {
		t.Fatalf("ReadOpenCelliD: %v", err)
	}
	if len(cells) != 2 {
		t.Fatalf("cells = %d, want 2", len(cells))
	}
	if len(skipped) != 1 || skipped[0].Line != 3 || !strings.Contains(skipped[0].Reason, "CDMA") {
		t.Errorf("skipped = %+v, want line 3 CDMA", skipped)
	}
	c := cells[1]
	if c.Line != 4 || c.Radio != "GSM" || c.Carrier != "452-01" || c.Area != 2001 || c.CellID != 31 {
		t.Errorf("cell = %+v, want line 4 GSM 452-01 area 2001 cell 31", c)
	}
	if got := c.Properties["area"]; got != int64(2001) {
		t.Errorf("properties[area] = %#v, want int64 2001", got)
	}
	// A per-country file has no header: its first line is data.
	cells, _, err = planning.ReadOpenCelliD(strings.NewReader(ocidGood))
	if err != nil || len(cells) != 1 || cells[0].Line != 1 {
		t.Errorf("headerless: %v, %+v; want one cell on line 1", err, cells)
	}
}
