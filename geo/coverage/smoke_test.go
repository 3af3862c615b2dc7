package coverage_test

import (
	"context"
	"testing"
	"time"

	"btsplan/geo/coverage"
)

func TestSmoke(t *testing.T) {
	tl := loadTile(t)
	for _, cs := range []float64{0, 1} {
		t0 := time.Now()
		dem := window(t, tl, yardstickSite, 15000)
		t1 := time.Now()
		var first time.Time
		res, err := coverage.Compute(context.Background(), dem, yardstick, coverage.Options{CellArcSec: cs}, func(d, n int) {
			if first.IsZero() {
				first = time.Now()
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		t2 := time.Now()
		coverage.Trace(res.Grid, float32(res.Inputs.ThresholdDBm))
		t3 := time.Now()
		t.Logf("cs=%g: window %v, to first progress %v, compute %v, trace %v; stats %+v", cs, t1.Sub(t0), first.Sub(t1), t2.Sub(t1), t3.Sub(t2), res.Stats)
	}
}
