package jobs_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/paulmach/orb"

	"btsplan/planning"
)

// The gap-analysis benchmarks of issue 9 (make bench-gaps): the 96
// villages and hamlets of the OSM places over the real 3" SRTM tile, and
// 169 SYNTHETIC existing sites (Tam Đảo's count of BTS) of three
// carriers on a jittered 13×13 grid over the villages' extent. Every site
// keeps its 15 km disc inside the tile.

// benchBBox is the villages' extent: 105.25..105.85 E, 21.11..21.68 N.
var benchBBox = orb.Bound{Min: orb.Point{105.25, 21.11}, Max: orb.Point{105.85, 21.68}}

// benchSites returns the 169 SYNTHETIC sites: Viettel LTE 1800, VinaPhone
// UMTS 2100 and MobiFone GSM 900 in turn, three 65° sectors each.
func benchSites() []planning.ExistingSite {
	type radio struct {
		carrier, tech string
		bandMHz       float64
	}
	radios := []radio{{"452-04", "LTE", 1800}, {"452-02", "UMTS", 2100}, {"452-01", "GSM", 900}}
	var out []planning.ExistingSite
	for i := range 13 {
		for j := range 13 {
			k := i*13 + j
			// A deterministic jitter of up to ±0.01°.
			jx, jy := float64((k*37)%21-10)/1000, float64((k*53)%21-10)/1000
			at := orb.Point{105.26 + 0.048*float64(i) + jx, 21.15 + 0.043*float64(j) + jy}
			r := radios[k%3]
			s := planning.ExistingSite{Carrier: r.carrier, Code: fmt.Sprintf("SYNTHETIC-%03d", k), Location: at, HeightM: 30 + float64(k%4)*5}
			for az := 0.0; az < 360; az += 120 {
				s.Cells = append(s.Cells, planning.Cell{Technology: r.tech, BandMHz: r.bandMHz, AzimuthDeg: az + float64(k%7)*10,
					TiltDeg: 4, EIRPdBm: 58, GainDBi: 17, HBeamwidthDeg: 65, VBeamwidthDeg: 7})
			}
			out = append(out, s)
		}
	}
	return out
}

// newBenchGaps is the real-data fixture with the 169 sites. Each of
// these benchmarks first runs a cold analysis (a minute or more), so
// `make bench` (-bench . over every package) skips them: `make
// bench-gaps` sets BTSPLAN_BENCH_GAPS=1.
func newBenchGaps(b *testing.B) vnGaps {
	b.Helper()
	if os.Getenv("BTSPLAN_BENCH_GAPS") == "" {
		b.Skip("long: run with make bench-gaps (BTSPLAN_BENCH_GAPS=1)")
	}
	g := newVNGaps(b)
	g.importSites(b, "synthetic-tam-dao-169", benchSites())
	return g
}

// runGaps starts and runs an analysis of the bench area.
func (g vnGaps) runGaps(b *testing.B, fresh bool) planning.GapAnalysis {
	b.Helper()
	bbox := benchBBox
	return g.analyse(b, planning.GapParams{BBox: &bbox, Fresh: fresh})
}

// BenchmarkGapAnalysisCold is a fresh analysis with an empty coverage
// cache: 169 coverages (raster, covered area, files) and every village's
// levels. Target ≤ 30 s (stretch 15 s).
func BenchmarkGapAnalysisCold(b *testing.B) {
	g := newBenchGaps(b)
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		if _, err := g.pool.Exec(ctx, `TRUNCATE coverage_result, gap_analysis CASCADE`); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		a := g.runGaps(b, true)
		if a.Counts.Coverages != 169 || a.Counts.Cached != 0 || a.Counts.Villages < 90 {
			b.Fatalf("counts = %+v, want 169 coverages, none cached, ~96 villages", a.Counts)
		}
	}
}

// BenchmarkGapAnalysisOneSiteChanged is the analysis after one site of
// the 169 moved (a new version of its one-site network, to a new place
// each time): one coverage computed, the villages within 15 km of its
// old and new places recomputed, the rest reused. Target ≤ 1 s.
func BenchmarkGapAnalysisOneSiteChanged(b *testing.B) {
	g := newBenchGaps(b)
	moving := benchSites()[84] // the grid's centre
	moving.Code = "SYNTHETIC-MOVING"
	g.importSites(b, "synthetic-moving", []planning.ExistingSite{moving})
	g.runGaps(b, false)
	i := 0
	for b.Loop() {
		b.StopTimer()
		i++
		m := moving
		m.Location = orb.Point{moving.Location[0] + 0.0005*float64(i%40), moving.Location[1]}
		g.importSites(b, "synthetic-moving", []planning.ExistingSite{m})
		b.StartTimer()
		a := g.runGaps(b, false)
		if c := a.Counts; c.ReusedFrom == 0 || c.SitesRecomputed != 1 || c.SitesReused != 169 {
			b.Fatalf("counts = %+v, want 1 site recomputed, 169 reused", c)
		}
	}
}

// BenchmarkGapFillWarmTamDao is the gap fill of one proposal whose
// coverage is cached, after the analysis of the bench area. Target ≤ 0.5 s.
func BenchmarkGapFillWarmTamDao(b *testing.B) {
	g := newBenchGaps(b)
	g.runGaps(b, false)
	ctx := context.Background()
	site := planning.Site{Carrier: "452-04", Code: "GAPFILL-BENCH", Location: orb.Point{105.55, 21.40},
		Structure: planning.StructureA2b, HeightM: 30,
		Antennas: []planning.Antenna{{AzimuthDeg: 90, TiltDeg: 2, BandMHz: 1800, EIRPdBm: 58, Technology: "LTE"}}}
	if _, err := g.fill.Check(ctx, site, ""); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		gf, err := g.fill.Check(ctx, site, "")
		if err != nil {
			b.Fatal(err)
		}
		if gf.GapAnalysisID == 0 || gf.VillagesInReach == 0 {
			b.Fatalf("gap fill = analysis %d, %d villages in reach; want the analysis's", gf.GapAnalysisID, gf.VillagesInReach)
		}
	}
}
