package itm_test

import (
	"fmt"
	"math"
	"testing"

	"btsplan/geo/itm"
)

// hillyProfile returns a deterministic pfl of points samples 90 m apart:
// a mountain ridge plus rolling hills, 200–900 m, like an SRTM3 radial
// in the Tam Dao foothills.
func hillyProfile(points int) []float64 {
	n := points - 1
	pfl := make([]float64, 0, points+2)
	pfl = append(pfl, float64(n), 90)
	for i := range points {
		x := float64(i) / float64(n)
		h := 200 + 600*math.Exp(-math.Pow((x-0.55)/0.12, 2)) +
			60*math.Sin(23*x) + 25*math.Sin(71*x+1) + 8*math.Sin(211*x+2)
		pfl = append(pfl, h)
	}
	return pfl
}

// benchParams is a 1800 MHz macro cell over land.
var benchParams = itm.Params{
	HTxM: 30, HRxM: 1.5, Climate: itm.ClimateContinentalSubtropical, N0: 350,
	FreqMHz: 1800, Polarization: itm.PolarizationVertical, Epsilon: 15, SigmaSPerM: 0.005,
	MDVar: itm.MDVarMobile, TimePct: 50, LocationPct: 90, SituationPct: 50,
}

func BenchmarkWorkspaceP2P(b *testing.B) {
	for _, points := range []int{170, 500} {
		b.Run(fmt.Sprintf("points=%d", points), func(b *testing.B) {
			pfl := hillyProfile(points)
			p := benchParams
			var w itm.Workspace
			b.ReportAllocs()
			for b.Loop() {
				if _, err := w.P2P(&p, pfl); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkP2P(b *testing.B) {
	pfl := hillyProfile(170)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := itm.P2P(benchParams, pfl); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkP2PCostTarget measures one Workspace.P2P call at several
// profile lengths against the cost target of at most 2 µs plus 15 ns per
// profile point. It reports that target as target-ns; a run meets it when
// ns/op is not above target-ns.
func BenchmarkP2PCostTarget(b *testing.B) {
	for _, points := range []int{50, 170, 500, 1500} {
		b.Run(fmt.Sprintf("points=%d", points), func(b *testing.B) {
			pfl := hillyProfile(points)
			p := benchParams
			var w itm.Workspace
			b.ReportAllocs()
			for b.Loop() {
				if _, err := w.P2P(&p, pfl); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(2000+15*float64(points), "target-ns")
		})
	}
}
