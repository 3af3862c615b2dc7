package planning_test

import (
	"testing"

	"github.com/paulmach/orb"

	"btsplan/planning"
)

// SYNTHETIC cells around one point near Tam Đảo.
func TestGroupCells(t *testing.T) {
	const lon, lat = 105.6, 21.45
	const mPerDegLat = 110574.0
	cell := func(line int, carrier string, dNorthM float64) planning.OpenCelliDCell {
		return planning.OpenCelliDCell{Line: line, Radio: "LTE", Carrier: carrier, Area: 1, CellID: int64(line),
			Location: orb.Point{lon, lat + dNorthM/mPerDegLat}}
	}
	tests := []struct {
		name      string
		cells     []planning.OpenCelliDCell
		wantCells []int // cells per site, in site order
	}{
		{"three cells of one mast", []planning.OpenCelliDCell{cell(2, "452-04", 0), cell(3, "452-04", 10), cell(4, "452-04", -12)}, []int{3}},
		{"two carriers on one mast", []planning.OpenCelliDCell{cell(2, "452-04", 0), cell(3, "452-01", 2)}, []int{1, 1}},
		{"cells 40 m apart", []planning.OpenCelliDCell{cell(2, "452-04", 0), cell(3, "452-04", 40)}, []int{1, 1}},
		{"chain: joins the seed, not the last cell", []planning.OpenCelliDCell{cell(2, "452-04", 0), cell(3, "452-04", 25), cell(4, "452-04", 50)}, []int{2, 1}},
		{"nearest seed wins", []planning.OpenCelliDCell{cell(2, "452-04", 0), cell(3, "452-04", 50), cell(4, "452-04", 28)}, []int{1, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := planning.GroupCells(tt.cells, planning.DefaultGroupDistanceM)
			var counts []int
			for _, s := range got {
				counts = append(counts, len(s.Site.Cells))
			}
			if len(counts) != len(tt.wantCells) {
				t.Fatalf("GroupCells = %v cells per site, want %v", counts, tt.wantCells)
			}
			for i := range counts {
				if counts[i] != tt.wantCells[i] {
					t.Fatalf("GroupCells = %v cells per site, want %v", counts, tt.wantCells)
				}
			}
			for _, s := range got {
				if len(s.Site.Assumed) != 1 || s.Site.Assumed[0] != planning.ParamHeightM {
					t.Errorf("site %s assumed = %v, want [height_m]", s.Ref, s.Site.Assumed)
				}
				for _, c := range s.Site.Cells {
					if !c.Omni || len(c.Assumed) != 8 {
						t.Errorf("cell of %s: omni %v, assumed %v; want omni with every radio value assumed", s.Ref, c.Omni, c.Assumed)
					}
				}
			}
		})
	}
	// The mast is at the mean of its cells; its code is its first cell's.
	got := planning.GroupCells([]planning.OpenCelliDCell{cell(7, "452-04", 0), cell(8, "452-04", 20)}, 30)
	if len(got) != 1 || got[0].Site.Code != "LTE-1-7" || got[0].Ref != "line 7" {
		t.Fatalf("GroupCells = %+v, want one site LTE-1-7 at line 7", got)
	}
	if d := (got[0].Site.Location[1] - lat) * mPerDegLat; d < 9.99 || d > 10.01 {
		t.Errorf("site is %.3f m north of the first cell, want 10 (the mean)", d)
	}
}
