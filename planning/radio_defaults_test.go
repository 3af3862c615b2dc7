package planning_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"btsplan/geo/itm"
	"btsplan/planning"
)

func TestLoadRadioBook(t *testing.T) {
	book, err := planning.LoadRadioBook(nil)
	if err != nil {
		t.Fatalf("LoadRadioBook(nil): %v", err)
	}
	nat := book.National()
	if nat.Climate != itm.ClimateMaritimeSubtropical || nat.N0 != 360 || nat.RxHeightM != 1.5 || nat.SiteHeightM != 35 {
		t.Errorf("national = climate %d, N0 %g, rx %g m, site %g m; want 3, 360, 1.5, 35", nat.Climate, nat.N0, nat.RxHeightM, nat.SiteHeightM)
	}
	for _, tech := range planning.Technologies {
		td, ok := nat.Tech(tech)
		if !ok || td.ThresholdDBm == 0 || td.BandMHz == 0 || td.EIRPdBm == 0 {
			t.Errorf("national %s = %+v, %v; want every value", tech, td, ok)
		}
	}
	if r := nat.Radio(); r.Climate != nat.Climate || r.N0 != nat.N0 || r.MDVar != itm.MDVarBroadcast {
		t.Errorf("Radio() = %+v, want the file's climate and N0 in broadcast mode", r)
	}

	files := fstest.MapFS{"26.yaml": {Data: []byte("schema: 1\nprovince: \"26\"\nenvironment:\n  location_pct: 90\ntechnologies:\n  LTE:\n    band_mhz: 900\n")}}
	book, err = planning.LoadRadioBook(files)
	if err != nil {
		t.Fatalf("LoadRadioBook(26.yaml): %v", err)
	}
	p := book.For("26")
	lte, _ := p.Tech("LTE")
	if p.LocationPct != 90 || lte.BandMHz != 900 || lte.EIRPdBm != 60 || p.N0 != 360 {
		t.Errorf("province 26 = location %g %%, LTE %+v, N0 %g; want 90 %%, 900 MHz with the national EIRP, 360", p.LocationPct, lte, p.N0)
	}
	if p.Version == nat.Version || book.For("99").Version != nat.Version {
		t.Errorf("versions: province %s, national %s, unknown province %s", p.Version, nat.Version, book.For("99").Version)
	}
}

func TestLoadRadioBookBad(t *testing.T) {
	tests := []struct {
		name, file, want string
	}{
		{"unknown field", "schema: 1\nprovince: \"26\"\nenvironment:\n  climat: 3\n", "26.yaml:4: environment.climat: unknown field"},
		{"climate out of range", "schema: 1\nprovince: \"26\"\nenvironment:\n  climate: 9\n", "26.yaml:4: environment.climate: 9 is outside 1..7"},
		{"not a number", "schema: 1\nprovince: \"26\"\ntechnologies:\n  NR:\n    eirp_dbm: lots\n", `26.yaml:5: technologies.NR.eirp_dbm: "lots" is not a number`},
		{"unknown technology", "schema: 1\nprovince: \"26\"\ntechnologies:\n  WIMAX: {}\n", "26.yaml:4: technologies.WIMAX: unknown field"},
		{"no province", "schema: 1\nenvironment:\n  n0: 350\n", "26.yaml:1: province: missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := planning.LoadRadioBook(fstest.MapFS{"26.yaml": {Data: []byte(tt.file)}})
			if err == nil || planning.KindOf(err) != planning.Invalid || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("LoadRadioBook = %v, want an invalid error containing %q", err, tt.want)
			}
		})
	}
}
