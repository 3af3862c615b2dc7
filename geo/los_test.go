package geo_test

import (
	"fmt"
	"math"
	"testing"

	"btsplan/geo"
)

// flat returns n+1 samples of height h with step stepM.
func flat(n int, h, stepM float64) geo.Profile {
	e := make([]float64, n+1)
	for i := range e {
		e[i] = h
	}
	return geo.Profile{ElevM: e, StepM: stepM}
}

// withPeak returns p with sample i raised to h.
func withPeak(p geo.Profile, i int, h float64) geo.Profile {
	e := append([]float64(nil), p.ElevM...)
	e[i] = h
	return geo.Profile{ElevM: e, StepM: p.StepM}
}

func TestLineOfSight(t *testing.T) {
	// 10 km path, 100 intervals of 100 m, ground at 0 m. At mid-path the
	// 4/3-earth bulge is d1·d2/(2·k·a) = 5000·5000/(2·4/3·6371000) = 1.4715 m
	// and a 30 m / 30 m link passes at 30 m.
	const bulgeMid = 5000.0 * 5000.0 / (2 * 4.0 / 3.0 * geo.EarthRadiusM)
	base := flat(100, 0, 100)
	tests := []struct {
		name   string
		p      geo.Profile
		tx, rx float64
		k      float64
		want   bool
	}{
		{"flat ground, tall masts", base, 30, 30, geo.EffectiveEarthK, true},
		{"ridge below the ray", withPeak(base, 50, 30-bulgeMid-0.01), 30, 30, geo.EffectiveEarthK, true},
		{"ridge grazing the ray", withPeak(base, 50, 30-bulgeMid), 30, 30, geo.EffectiveEarthK, true},
		{"ridge just above the ray", withPeak(base, 50, 30-bulgeMid+0.01), 30, 30, geo.EffectiveEarthK, false},
		{"bulge alone blocks ground-level terminals", base, 0.5, 0.5, geo.EffectiveEarthK, false},
		// 1 m masts: at mid-path the ray is at 1 m and the bulge 1.47 m.
		{"bulge blocks 1 m masts at k=4/3", base, 1, 1, geo.EffectiveEarthK, false},
		// At k=1e9 the earth is flat: the ray clears the ground.
		{"flat earth clears 1 m masts", base, 1, 1, 1e9, true},
		{"two samples have no interior", geo.Profile{ElevM: []float64{0, 5000}, StepM: 100}, 1, 1, 1, true},
		// Ray from 130 m down to 1.5 m over 1 km: at 500 m it is at 65.75 m.
		{"sloping ray over a 60 m hill", withPeak(flat(10, 0, 100), 5, 60), 130, 1.5, geo.EffectiveEarthK, true},
		{"sloping ray over a 70 m hill", withPeak(flat(10, 0, 100), 5, 70), 130, 1.5, geo.EffectiveEarthK, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := geo.LineOfSight(tt.p, tt.tx, tt.rx, tt.k); got != tt.want {
				t.Errorf("LineOfSight(tx %g, rx %g, k %g) = %v, want %v", tt.tx, tt.rx, tt.k, got, tt.want)
			}
		})
	}
}

func TestFresnelClearance(t *testing.T) {
	// 1800 MHz: λ = 0.16655 m. Over a 10 km path at mid-path
	// r1 = sqrt(λ·5000·5000/10000) = 20.405 m.
	lambda := geo.WavelengthM(1800)
	r1 := math.Sqrt(lambda * 5000 * 5000 / 10000)
	base := flat(100, 0, 100)
	tests := []struct {
		name      string
		p         geo.Profile
		tx, rx, k float64
		wantRatio float64
		wantAt    int
	}{
		// Flat earth (k huge), 60 m masts, a 60-0.6·r1 m ridge at mid-path:
		// exactly 0.6 of the first zone is clear.
		{"0.6 clearance at mid-path", withPeak(base, 50, 60-0.6*r1), 60, 60, 1e12, 0.6, 50},
		// A ridge 10 m above the ray: clearance -10 m.
		{"obstructed", withPeak(base, 50, 70), 60, 60, 1e12, -10 / r1, 50},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, at := geo.FresnelClearance(tt.p, tt.tx, tt.rx, 1800, tt.k)
			if !geo.Near(got, tt.wantRatio, 1e-6) || at != tt.wantAt {
				t.Errorf("FresnelClearance = %.6f at %d, want %.6f at %d", got, at, tt.wantRatio, tt.wantAt)
			}
		})
	}
	t.Run("flat path, the widest zone is the tightest", func(t *testing.T) {
		// The clearance is 60 m everywhere, so the ratio is smallest where
		// r1 is largest: at mid-path.
		got, at := geo.FresnelClearance(base, 60, 60, 1800, 1e12)
		if want := 60 / r1; !geo.Near(got, want, 1e-6) || at != 50 {
			t.Errorf("FresnelClearance(flat) = %.6f at %d, want %.6f at 50", got, at, want)
		}
	})
	t.Run("no interior", func(t *testing.T) {
		got, at := geo.FresnelClearance(geo.Profile{ElevM: []float64{0, 0}, StepM: 10}, 1, 1, 1800, 1)
		if !math.IsInf(got, 1) || at != -1 {
			t.Errorf("FresnelClearance(2 samples) = %v at %d, want +Inf at -1", got, at)
		}
	})
}

func ExampleLineOfSight() {
	// A 1 km path over flat ground at 20 m with a 60 m hill half-way: the
	// ray from a 30 m mast to a 1.5 m handset passes about 16 m above
	// the ground there, so the hill blocks it.
	e := []float64{20, 20, 20, 20, 20, 60, 20, 20, 20, 20, 20}
	p := geo.Profile{ElevM: e, StepM: 100}
	fmt.Println(geo.LineOfSight(p, 30, 1.5, geo.EffectiveEarthK))
	// Output: false
}
