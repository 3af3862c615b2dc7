package planning_test

import (
	"context"
	"math"
	"testing"

	"github.com/paulmach/orb"

	"btsplan/geo/synth"
	"btsplan/planning"
)

// BenchmarkSiteSearch1000x100 is the search's radio and choice over the
// demo district's terrain (3" DEM): 1,000 candidates (the district's
// peaks and ridges, then points on a grid) and 100 target villages spread
// over it, each candidate's level at each village by ITM point to point
// (CandidateLevels, GOMAXPROCS workers), then greedy maximum coverage of
// 20 picks. The target is 5 s on the 2-core machine. The zoning
// checks are not in it: the greedy choice asks only the candidates it
// would pick, a few milliseconds each (BenchmarkCheck50k).
func BenchmarkSiteSearch1000x100(b *testing.B) {
	d, err := synth.Generate(synth.Config{})
	if err != nil {
		b.Fatal(err)
	}
	bound := d.Bound
	cands := planning.Candidates(planning.CandidateInput{Bound: bound, DEM: d.DEM, HeightM: 30})
	w, s := bound.Min[0], bound.Min[1]
	dx, dy := bound.Max[0]-w, bound.Max[1]-s
	for i := 0; len(cands) < 1000; i++ {
		p := orb.Point{w + dx*(float64(i%40)+0.5)/40, s + dy*(float64(i/40)+0.5)/40}
		cands = append(cands, planning.Candidate{Kind: planning.CandidateRoad, Location: p})
	}
	cands = cands[:1000]
	targets := make([]planning.Village, 100)
	for i := range targets {
		// A golden-ratio spiral over the district: even, deterministic.
		f := (float64(i) + 0.5) / 100
		a := float64(i) * math.Pi * (3 - math.Sqrt(5))
		r := math.Sqrt(f) / 2
		targets[i] = planning.Village{ZoneID: int64(i + 1), Population: 100 + 37*(i%11),
			Centre: orb.Point{w + dx*(0.5+r*math.Cos(a)), s + dy*(0.5+r*math.Sin(a))}}
	}
	radio, err := planning.LoadRadioBook(nil)
	if err != nil {
		b.Fatal(err)
	}
	defs := radio.National()
	site := planning.Site{Carrier: "452-04", Location: bound.Center(), Structure: planning.StructureA2b, HeightM: 30,
		Antennas: planning.DefaultSearchAntennas(defs)}
	cp, opts, _, err := planning.ProposalCoverageParams(site, defs)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	var covered int
	for range b.N {
		levels, err := planning.CandidateLevels(ctx, d.DEM, cp, opts, cands, targets, nil)
		if err != nil {
			b.Fatal(err)
		}
		in := planning.CoverInstanceOf(levels, targets, cp.ThresholdDBm)
		picks, err := planning.GreedyMaxCoverage(in, planning.MaxSearchN, func(int) (bool, error) { return true, nil })
		if err != nil {
			b.Fatal(err)
		}
		covered = 0
		if len(picks) > 0 {
			covered = picks[len(picks)-1].CumulativeTarget
		}
	}
	b.ReportMetric(float64(covered), "villages_covered")
}
