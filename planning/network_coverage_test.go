package planning_test

import (
	"testing"

	"github.com/paulmach/orb"

	"btsplan/geo/coverage"
	"btsplan/planning"
)

func TestExistingSiteCoverageParams(t *testing.T) {
	book, err := planning.LoadRadioBook(nil)
	if err != nil {
		t.Fatal(err)
	}
	defs := book.National()
	site := planning.ExistingSite{Location: orb.Point{105.6, 21.45}, HeightM: 40, Cells: []planning.Cell{
		{Technology: "LTE", BandMHz: 1800, AzimuthDeg: 0, HBeamwidthDeg: 65, VBeamwidthDeg: 7, EIRPdBm: 60},
		{Technology: "GSM", BandMHz: 900, Omni: true, HBeamwidthDeg: 65, VBeamwidthDeg: 7, EIRPdBm: 57},
		{Technology: "LTE", BandMHz: 1800, AzimuthDeg: 120, HBeamwidthDeg: 65, VBeamwidthDeg: 7, EIRPdBm: 60},
	}}
	ps := planning.ExistingSiteCoverageParams(site, defs)
	if len(ps) != 2 {
		t.Fatalf("params = %d, want 2 (GSM 900, LTE 1800)", len(ps))
	}
	gsm, lte := ps[0], ps[1]
	if gsm.FreqMHz != 900 || len(gsm.Sectors) != 1 || gsm.Sectors[0].HBeamwidthDeg != 360 || gsm.ThresholdDBm != -95 {
		t.Errorf("GSM params = %+v, want 900 MHz, one omni sector, -95 dBm", gsm)
	}
	if lte.FreqMHz != 1800 || len(lte.Sectors) != 2 || lte.HeightM != 40 || lte.RxHeightM != defs.RxHeightM ||
		lte.Radio.Climate != defs.Climate || lte.Radio.N0 != defs.N0 {
		t.Errorf("LTE params = %+v, want 1800 MHz, two sectors at 40 m with the defaults' receiver and environment", lte)
	}
	for _, p := range ps {
		if _, err := coverage.Hash(p, coverage.Options{}); err != nil {
			t.Errorf("coverage.Hash(%s %g MHz) = %v, want valid inputs", p.Technology, p.FreqMHz, err)
		}
	}
}
