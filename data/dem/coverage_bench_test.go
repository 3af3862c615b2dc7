package dem_test

import (
	"context"
	"fmt"
	"runtime"
	"syscall"
	"testing"

	"github.com/paulmach/orb"

	"btsplan/geo/coverage"
)

// BenchmarkCoverageFromStore is the coverage yardstick of issue 3 measured
// end to end as the service runs it: the DEM window loaded from the store
// (the real 3" SRTM tile N21E105, imported once), the exact ITM at every
// cell, the level grid and the covered polygons. The site is Signal-Server's
// comparison run: 21.456 N, 105.644 E, TX 30 m, RX 1.5 m, 1800 MHz.
// Targets: 30 m grid, 15 km: ≤ 2 s and 200 MB (stretch 1 s); 90 m grid,
// 15 km: ≤ 0.3 s. Signal-Server takes 4.1–4.5 s / 0.74–1.0 s / 7.7 s (30 km).
//
//	go test -run '^$' -bench CoverageFromStore -benchtime 5x ./data/dem/
func BenchmarkCoverageFromStore(b *testing.B) {
	st, _, _ := newStore(b)
	ctx := context.Background()
	if _, err := st.Import(ctx, "srtm", sharedDEM(b, "N21E105.hgt")); err != nil {
		b.Fatal(err)
	}
	site := coverage.Params{
		Location: orb.Point{105.644, 21.456}, HeightM: 30, RxHeightM: 1.5, FreqMHz: 1800,
		Technology: coverage.LTE, Sectors: []coverage.Sector{{EIRPdBm: 60}},
	}
	for _, tc := range []struct {
		grid    string
		arcSec  float64
		radiusM float64
	}{
		{"90m", 0, 15000}, {"30m", 1, 15000}, {"90m", 0, 30000}, {"30m", 1, 30000},
	} {
		b.Run(fmt.Sprintf("%s-%.0fkm", tc.grid, tc.radiusM/1000), func(b *testing.B) {
			opts := coverage.Options{RadiusM: tc.radiusM, CellArcSec: tc.arcSec}
			b.ReportAllocs()
			var res *coverage.Result
			for b.Loop() {
				g, info, err := st.Window(ctx, site.Location[0], site.Location[1], tc.radiusM)
				if err != nil {
					b.Fatal(err)
				}
				opts.DEMVersion = info.Version
				if res, err = coverage.Compute(ctx, g, site, opts, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(res.Stats.Cells), "cells")
			b.ReportMetric(float64(runtime.GOMAXPROCS(0)), "procs")
			var ru syscall.Rusage
			if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
				b.ReportMetric(float64(ru.Maxrss)/1024, "maxrss-MiB") // Linux: KiB
			}
		})
	}
}
