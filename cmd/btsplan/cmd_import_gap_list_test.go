package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"btsplan/data/datatest"
)

// TestImportGapListCLI runs "btsplan import gap-list" through run() over a
// real PostGIS with no admin units: a bad CSV names the file, the line and
// the reason; a good one names the unknown province; nothing is stored.
func TestImportGapListCLI(t *testing.T) {
	env := newTestEnv(t, datatest.NewURL(t))
	if _, _, err := runCmd(t, env, "migrate"); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name, csv string
		want      []string
	}{
		{"bad date", "province,commune,village,status,date\nTỉnh A,Xã B,Thôn C,trang_song,2025-02-30\n",
			[]string{"bad_date.csv", "line 2", "not a date", "nothing was imported"}},
		{"wrong header", "tinh,xa,thon,trang_thai,ngay\n", []string{"wrong_header.csv", "line 1", "header column 1"}},
		{"unknown province", "province,commune,village,status,date\nTỉnh A,Xã B,Thôn C,trang_song,2025-02-28\n",
			[]string{"unknown_province.csv", "line 2", `unknown province "Tỉnh A"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := write(strings.ReplaceAll(tc.name, " ", "_")+".csv", tc.csv)
			_, _, err := runCmd(t, env, "import", "gap-list", "--file", f)
			if err == nil {
				t.Fatalf("import gap-list %s = nil, want an error", f)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error = %v, want it to say %q", err, w)
				}
			}
		})
	}
	if _, _, err := runCmd(t, env, "import", "gap-list"); err == nil || !strings.Contains(err.Error(), "--file is required") {
		t.Errorf("import gap-list without --file = %v, want --file is required", err)
	}
}
