package itm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// randomProfile returns a pfl of points samples: a random mix of ridges,
// valleys, noise and flat runs (with exact ties), so that the fast scans
// meet rising and falling runs, plateaus and spikes.
func randomProfile(rng *rand.Rand, points int) []float64 {
	n := points - 1
	pfl := make([]float64, 0, points+2)
	pfl = append(pfl, float64(n), 30+rng.Float64()*60)
	base := rng.Float64() * 1500
	ridgeAt, ridgeW, ridgeH := rng.Float64(), 0.02+0.2*rng.Float64(), rng.Float64()*900
	noise := rng.Float64() * 40
	plateau := rng.IntN(3) == 0
	for i := range points {
		x := float64(i) / float64(n)
		h := base + ridgeH*math.Exp(-math.Pow((x-ridgeAt)/ridgeW, 2)) +
			noise*(rng.Float64()-0.5) + 50*math.Sin(17*x+base)
		if plateau && x > 0.3 && x < 0.6 {
			h = base + 400 // flat run: many exactly equal elevations
		}
		pfl = append(pfl, math.Round(h)) // SRTM heights are whole metres
	}
	return pfl
}

func randomParams(rng *rand.Rand) Params {
	return Params{
		HTxM: 2 + rng.Float64()*80, HRxM: 1 + rng.Float64()*10,
		Climate: 1 + rng.IntN(7), N0: 250 + rng.Float64()*150,
		FreqMHz: 50 + rng.Float64()*5000, Polarization: rng.IntN(2),
		Epsilon: 4 + rng.Float64()*76, SigmaSPerM: 0.001 + rng.Float64()*5,
		MDVar:   []int{0, 1, 2, 3, 12, 13, 22, 23, 33}[rng.IntN(9)],
		TimePct: 1 + rng.Float64()*98, LocationPct: 1 + rng.Float64()*98, SituationPct: 1 + rng.Float64()*98,
	}
}

func TestFastHorizonsMatchPlainExactly(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 300 {
		pfl := randomProfile(rng, 10+rng.IntN(600))
		e, stepM, err := splitProfile(pfl)
		if err != nil {
			t.Fatal(err)
		}
		aeM := 6e6 + rng.Float64()*4e6
		hg := [2]float64{1 + rng.Float64()*60, 1 + rng.Float64()*10}
		fast := path{dM: pfl[0] * pfl[1], hgM: hg}
		plain := fast
		maxAbs, _, _ := scanElevations(e)
		horizons(&fast, e, stepM, aeM, maxAbs)
		horizonsPlain(&plain, e, stepM, aeM)
		if fast.thetaHzn != plain.thetaHzn || fast.dHznM != plain.dHznM {
			t.Fatalf("trial %d: horizons() = %v %v, want %v %v (horizonsPlain)",
				trial, fast.thetaHzn, fast.dHznM, plain.thetaHzn, plain.dHznM)
		}
	}
}

func TestFastDeltaHMatchesPlain(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var w Workspace
	for trial := range 500 {
		pfl := randomProfile(rng, 3+rng.IntN(900))
		e, stepM, err := splitProfile(pfl)
		if err != nil {
			t.Fatal(err)
		}
		d := pfl[0] * stepM
		x1 := rng.Float64() * 0.2 * d
		x2 := d - rng.Float64()*0.2*d
		got := w.deltaH(e, stepM, x1, x2)
		want := deltaHPlain(e, stepM, x1, x2)
		if !(math.Abs(got-want) <= 1e-9*math.Max(1, math.Abs(want))) {
			t.Fatalf("trial %d (n=%g, x %g..%g): deltaH = %.12g, want %.12g (deltaHPlain)",
				trial, pfl[0], x1, x2, got, want)
		}
	}
}

func TestQuickselectMatchesSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := range 2000 {
		n := 1 + rng.IntN(300)
		a := make([]float64, n)
		for i := range a {
			a[i] = float64(rng.IntN(20)) // many duplicates
			if trial%2 == 0 {
				a[i] = rng.NormFloat64()
			}
		}
		sorted := append([]float64(nil), a...)
		for i := 1; i < n; i++ { // insertion sort: independent of quickselect
			for j := i; j > 0 && sorted[j-1] > sorted[j]; j-- {
				sorted[j-1], sorted[j] = sorted[j], sorted[j-1]
			}
		}
		k := rng.IntN(n)
		if got, _ := selectRank(a, k, 0); got != sorted[k] {
			t.Fatalf("trial %d: selectRank(k=%d of %d) = %g, want %g", trial, k, n, got, sorted[k])
		}
		for i := range k {
			if a[i] > a[k] {
				t.Fatalf("trial %d: a[%d] = %g > a[k=%d] = %g after selectRank", trial, i, a[i], k, a[k])
			}
		}
		for i := k + 1; i < n; i++ {
			if a[i] < a[k] {
				t.Fatalf("trial %d: a[%d] = %g < a[k=%d] = %g after selectRank", trial, i, a[i], k, a[k])
			}
		}
	}
}

// TestSelectRankPrefix checks the prefix selectRank reports: at least
// keep+1 long, no longer than the rank selected (or keep+1), and with no
// value above any value after it, so that it holds the keep+1 smallest.
func TestSelectRankPrefix(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for trial := range 2000 {
		n := 2 + rng.IntN(300)
		a := make([]float64, n)
		for i := range a {
			switch trial % 3 {
			case 0:
				a[i] = float64(rng.IntN(20)) // many duplicates
			case 1:
				a[i] = rng.NormFloat64()
			default: // smooth, like the deviations from a terrain fit
				x := float64(i) / float64(n)
				a[i] = 300*math.Exp(-math.Pow((x-0.4)/0.1, 2)) + 40*math.Sin(19*x) + rng.Float64()
			}
		}
		keep := rng.IntN(n / 2)
		k := keep + 1 + rng.IntN(n-keep-1)
		_, below := selectRank(a, k, keep)
		if below < keep+1 || below > max(k, keep+1) {
			t.Fatalf("trial %d: selectRank(n=%d, k=%d, keep=%d) prefix = %d, want %d..%d",
				trial, n, k, keep, below, keep+1, max(k, keep+1))
		}
		hiPrefix := a[0]
		for _, v := range a[:below] {
			hiPrefix = max(hiPrefix, v)
		}
		for i := below; i < n; i++ {
			if a[i] < hiPrefix {
				t.Fatalf("trial %d: a[%d] = %g after the prefix of %d, below its largest value %g",
					trial, i, a[i], below, hiPrefix)
			}
		}
	}
}

// TestFastRunMatchesPlain runs whole paths both ways: the loss may differ
// only by the rounding of Δh.
func TestFastRunMatchesPlain(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	var w Workspace
	for trial := range 400 {
		pfl := randomProfile(rng, 2+rng.IntN(700))
		p := randomParams(rng)
		fast, errFast := w.run(&p, pfl, false)
		plain, errPlain := w.run(&p, pfl, true)
		if (errFast == nil) != (errPlain == nil) || fast.ReturnCode != plain.ReturnCode ||
			fast.Warnings != plain.Warnings || fast.Mode != plain.Mode {
			t.Fatalf("trial %d: fast = (%d, %v, mode %d, %v), plain = (%d, %v, mode %d, %v)", trial,
				fast.ReturnCode, fast.Warnings, fast.Mode, errFast, plain.ReturnCode, plain.Warnings, plain.Mode, errPlain)
		}
		if errFast != nil {
			continue
		}
		if !(math.Abs(fast.LossDB-plain.LossDB) <= 1e-9) {
			t.Fatalf("trial %d: fast LossDB = %.12f, plain %.12f", trial, fast.LossDB, plain.LossDB)
		}
	}
}

// BenchmarkProfileScans compares the fast and the plain path on the two
// profile scans that dominate a run, and on the whole run.
func BenchmarkProfileScans(b *testing.B) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, points := range []int{170, 500} {
		pfl := randomProfile(rng, points)
		e, stepM, _ := splitProfile(pfl)
		d := pfl[0] * stepM
		var w Workspace
		p := Params{HTxM: 30, HRxM: 1.5, Climate: 2, N0: 350, FreqMHz: 1800, Polarization: 1,
			Epsilon: 15, SigmaSPerM: 0.005, MDVar: 2, TimePct: 50, LocationPct: 90, SituationPct: 50}
		for _, plain := range []bool{false, true} {
			name := map[bool]string{false: "fast", true: "plain"}[plain]
			b.Run(fmt.Sprintf("deltaH/%s/points=%d", name, points), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if plain {
						deltaHPlain(e, stepM, 450, d-22.5)
					} else {
						w.deltaH(e, stepM, 450, d-22.5)
					}
				}
			})
			b.Run(fmt.Sprintf("horizons/%s/points=%d", name, points), func(b *testing.B) {
				pa := path{dM: d, hgM: [2]float64{30, 1.5}}
				b.ReportAllocs()
				for b.Loop() {
					if plain {
						horizonsPlain(&pa, e, stepM, 8.5e6)
					} else {
						horizons(&pa, e, stepM, 8.5e6, 2000)
					}
				}
			})
			b.Run(fmt.Sprintf("run/%s/points=%d", name, points), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := w.run(&p, pfl, plain); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
