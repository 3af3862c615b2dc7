package synth_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"btsplan/geo/synth"
)

func TestOfficialGapList(t *testing.T) {
	d, err := synth.Generate(synth.Config{})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(d.OfficialGapList)).ReadAll()
	if err != nil {
		t.Fatalf("the list is not CSV: %v", err)
	}
	want := [][]string{
		{"province", "commune", "village", "status", "date"},
		{synth.ProvinceName, "", "Ban Bac Nui (gia lap)", "trang_song", "2025-03-31"},
		{synth.ProvinceName, "", synth.OfficialListDisagrees, "trang_song", "2024-10-15"},
	}
	if len(rows) != len(want) {
		t.Fatalf("list = %q, want %d lines", rows, len(want))
	}
	for i, w := range want {
		for j, cell := range w {
			if j == 1 && i > 0 {
				if !strings.HasPrefix(rows[i][j], "Xã ") {
					t.Errorf("line %d commune = %q, want one of the district's communes", i+1, rows[i][j])
				}
				continue
			}
			if rows[i][j] != cell {
				t.Errorf("line %d column %d = %q, want %q", i+1, j+1, rows[i][j], cell)
			}
		}
	}
	again, err := synth.Generate(synth.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again.OfficialGapList, d.OfficialGapList) {
		t.Errorf("the list differs between two runs of the same seed")
	}
}
