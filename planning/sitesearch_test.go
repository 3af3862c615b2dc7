package planning_test

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"btsplan/geo"
	"btsplan/planning"
)

// allowAll lets every candidate through and counts the questions.
func allowAll(asked *[]int) func(int) (bool, error) {
	return func(c int) (bool, error) {
		*asked = append(*asked, c)
		return true, nil
	}
}

func TestGreedyMaxCoverage(t *testing.T) {
	// Targets: t0 100, t1 80, t2 60, t3 50, t4 10 people.
	weights := []int{100, 80, 60, 50, 10}
	tests := []struct {
		name    string
		covers  [][]int
		n       int
		refused []int // candidates allowed says no to (a CONFLICT)
		want    []int // candidates picked, in order
		people  []int // marginal people of each pick
	}{
		{
			// c0 alone covers the most (t0, t1: 180); then c2 adds t2 and
			// t3 (110) where c1 adds only t2 (60) and c3 repeats t0.
			name:   "greedy order",
			covers: [][]int{{0, 1}, {1, 2}, {2, 3}, {0}},
			n:      2,
			want:   []int{0, 2},
			people: []int{180, 110},
		},
		{
			// The well-known case where greedy is not optimal but within
			// its bound: c0 takes the middle (t0, t1, 180); the best pair
			// is c1+c2 (t0+t2, t1+t3: 290), greedy gets 180+60 = 240 ≥
			// (1 − 1/4)·290 (k = 2).
			name:   "suboptimal within the bound",
			covers: [][]int{{0, 1}, {0, 2}, {1, 3}},
			n:      2,
			want:   []int{0, 1},
			people: []int{180, 60},
		},
		{
			// With weights 60, 80, 60, 50, 10, 0: c0 covers t0 (60
			// people, one village), c1 covers t3, t4 and t5 (60 people,
			// three villages): the tie goes to c1.
			name:   "tie on people: more villages wins",
			covers: [][]int{{0}, {3, 4, 5}},
			n:      1,
			want:   []int{1},
			people: []int{60},
		},
		{
			// Same people and villages: the lower index wins, every run.
			name:   "full tie: lower index",
			covers: [][]int{{2}, {1}, {2}},
			n:      1,
			want:   []int{1},
			people: []int{80},
		},
		{
			name:   "n larger than useful candidates",
			covers: [][]int{{0}, {0}, {1}, {}, {1}},
			n:      10,
			want:   []int{0, 2},
			people: []int{100, 80},
		},
		{
			// The best candidate is in a CONFLICT zone: never picked, and
			// the next best takes its place.
			name:    "refused candidate never returned",
			covers:  [][]int{{0, 1, 2}, {0}, {1, 2}},
			n:       3,
			refused: []int{0},
			want:    []int{2, 1},
			people:  []int{140, 100},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := weights
			if tt.name == "tie on people: more villages wins" {
				w = []int{60, 80, 60, 50, 10, 0}
			}
			var asked []int
			allowed := func(c int) (bool, error) {
				asked = append(asked, c)
				return !slices.Contains(tt.refused, c), nil
			}
			picks, err := planning.GreedyMaxCoverage(planning.CoverInstance{Weights: w, Covers: tt.covers}, tt.n, allowed)
			if err != nil {
				t.Fatal(err)
			}
			var got, people []int
			cum := 0
			for _, p := range picks {
				got = append(got, p.Candidate)
				people = append(people, p.People)
				cum += p.People
				if p.CumulativePeople != cum {
					t.Errorf("pick %d: cumulative %d, want %d", p.Candidate, p.CumulativePeople, cum)
				}
				if slices.Contains(tt.refused, p.Candidate) {
					t.Errorf("picked refused candidate %d", p.Candidate)
				}
			}
			if !slices.Equal(got, tt.want) || !slices.Equal(people, tt.people) {
				t.Errorf("GreedyMaxCoverage = %v (people %v), want %v (%v)", got, people, tt.want, tt.people)
			}
			seen := map[int]bool{}
			for _, c := range asked {
				if seen[c] {
					t.Errorf("allowed asked twice about candidate %d (%v)", c, asked)
				}
				seen[c] = true
			}
		})
	}
}

// TestGreedyMaxCoverageBound checks the (1 − 1/e) guarantee against brute
// force on small random instances: greedy is never below it, and the
// picks' cumulative people never decrease.
func TestGreedyMaxCoverageBound(t *testing.T) {
	seed := uint64(42)
	rnd := func(n int) int {
		seed = seed*6364136223846793005 + 1442695040888963407
		return int((seed >> 33) % uint64(n))
	}
	bound := 1 - 1/math.E
	for trial := range 200 {
		nt, nc, k := 3+rnd(8), 2+rnd(8), 1+rnd(3)
		w := make([]int, nt)
		for i := range w {
			w[i] = rnd(500)
		}
		covers := make([][]int, nc)
		for c := range covers {
			for tt := range nt {
				if rnd(3) == 0 {
					covers[c] = append(covers[c], tt)
				}
			}
		}
		var asked []int
		picks, err := planning.GreedyMaxCoverage(planning.CoverInstance{Weights: w, Covers: covers}, k, allowAll(&asked))
		if err != nil {
			t.Fatal(err)
		}
		greedy, prev := 0, -1
		for _, p := range picks {
			if p.CumulativePeople < prev {
				t.Fatalf("trial %d: cumulative people fell from %d to %d", trial, prev, p.CumulativePeople)
			}
			prev = p.CumulativePeople
			greedy = p.CumulativePeople
		}
		best := 0
		for mask := range 1 << nc {
			if bitsSet(mask) > k {
				continue
			}
			cov := map[int]bool{}
			for c := range nc {
				if mask&(1<<c) != 0 {
					for _, tt := range covers[c] {
						cov[tt] = true
					}
				}
			}
			sum := 0
			for tt := range cov {
				sum += w[tt]
			}
			best = max(best, sum)
		}
		if float64(greedy) < bound*float64(best)-1e-9 {
			t.Errorf("trial %d: greedy %d < (1 − 1/e)·optimum %d", trial, greedy, best)
		}
	}
}

func bitsSet(m int) int {
	n := 0
	for ; m != 0; m &= m - 1 {
		n++
	}
	return n
}

func TestGreedyMaxCoverageStopsOnError(t *testing.T) {
	boom := errors.New("zoning store down")
	_, err := planning.GreedyMaxCoverage(planning.CoverInstance{Weights: []int{1}, Covers: [][]int{{0}}}, 1,
		func(int) (bool, error) { return false, boom })
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want %v", err, boom)
	}
}

func TestCandidates(t *testing.T) {
	// A 41×41 grid (3") of flat 100 m ground with one hill at (20, 20).
	g, err := geo.NewGrid(41, 41, 105.0, 21.0, 1.0/1200, 1.0/1200)
	if err != nil {
		t.Fatal(err)
	}
	for y := range 41 {
		for x := range 41 {
			d := math.Hypot(float64(x-20), float64(y-20))
			g.Set(x, y, float32(100+60*math.Exp(-d*d/8)))
		}
	}
	b := g.Bound()
	centre := g.CellCentre(20, 20)
	road := orb.LineString{{b.Min[0] + 0.001, b.Min[1] + 0.002}, {b.Max[0] - 0.001, b.Min[1] + 0.002}}
	in := planning.CandidateInput{
		Bound: b, DEM: g, HeightM: 30,
		Infra: []planning.InfraFeature{
			{Kind: planning.CandidateRoad, Name: "QL 4", Line: orb.MultiLineString{road}},
			{Kind: planning.CandidateTower, Name: "low tower", Point: orb.Point{105.01, 20.99}, HeightM: 20},
		},
		Sites: []planning.ExistingSite{
			{Carrier: "452-01", Code: "TALL", Location: orb.Point{105.005, 20.995}, HeightM: 45},
			{Carrier: "452-01", Code: "SHORT", Location: orb.Point{105.006, 20.996}, HeightM: 25},
		},
	}
	cs := planning.Candidates(in)
	kinds := map[planning.CandidateKind]int{}
	for i, c := range cs {
		kinds[c.Kind]++
		if i > 0 && slices.Index(planning.CandidateKinds, c.Kind) < slices.Index(planning.CandidateKinds, cs[i-1].Kind) {
			t.Errorf("candidate %d (%s) comes after a %s: want CandidateKinds order", i, c.Kind, cs[i-1].Kind)
		}
		if !b.Contains(c.Location) {
			t.Errorf("candidate %v outside the bound", c.Location)
		}
		if c.Kind == planning.CandidateRoad {
			if d := geo.DistanceM(c.Location, orb.Point{c.Location[0], road[0][1]}); math.Abs(d-60) > 1 {
				t.Errorf("road candidate %.1f m from the road, want 60 (30 m height + 30 m setback)", d)
			}
		}
	}
	if kinds[planning.CandidateTower] != 1 || cs[0].TowerCode != "TALL" {
		t.Errorf("towers = %d (first %+v), want only TALL: the others are lower than 30 m", kinds[planning.CandidateTower], cs[0])
	}
	if kinds[planning.CandidatePeak] != 1 {
		t.Fatalf("peaks = %d, want 1 (%v)", kinds[planning.CandidatePeak], fmt.Sprint(kinds))
	}
	for _, c := range cs {
		if c.Kind == planning.CandidatePeak && geo.DistanceM(c.Location, centre) > 1 {
			t.Errorf("peak at %v, want the hill top %v", c.Location, centre)
		}
	}
	if kinds[planning.CandidateRoad] == 0 || kinds[planning.CandidateRoad]%2 != 0 {
		t.Errorf("road candidates = %d, want pairs either side", kinds[planning.CandidateRoad])
	}
	if again := planning.Candidates(in); !slices.Equal(again, cs) {
		t.Errorf("Candidates is not deterministic")
	}
}
