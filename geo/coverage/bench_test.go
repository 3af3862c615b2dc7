package coverage_test

import (
	"context"
	"runtime"
	"syscall"
	"testing"

	"github.com/paulmach/orb"

	"btsplan/geo/coverage"
)

// The yardstick site of the issue: Signal-Server's run at Tam Đảo.
var (
	yardstickSite = orb.Point{105.644, 21.456}
	yardstick     = coverage.Params{
		Location:   yardstickSite,
		HeightM:    30,
		RxHeightM:  1.5,
		FreqMHz:    1800,
		Technology: coverage.LTE,
		Sectors:    []coverage.Sector{{EIRPdBm: 60}},
	}
)

// benchmarkCoverage measures one end-to-end coverage: cutting the DEM
// window out of the decoded tile (what data/dem's Store.Window returns),
// the propagation and the level grid, and the polygon tracing. It reports
// the work memory Compute allocated and the process's peak RSS.
func benchmarkCoverage(b *testing.B, cellArcSec float64) {
	tl := loadTile(b)
	opts := coverage.Options{RadiusM: 15000, CellArcSec: cellArcSec, DEMVersion: "srtm3-N21E105"}
	b.ReportAllocs()
	var res *coverage.Result
	for b.Loop() {
		dem := window(b, tl, yardstickSite, opts.RadiusM)
		var err error
		res, err = coverage.Compute(context.Background(), dem, yardstick, opts, nil)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(res.Stats.Cells), "cells")
	b.ReportMetric(float64(res.Stats.WorkBytes)/1e6, "work-MB")
	b.ReportMetric(float64(runtime.GOMAXPROCS(0)), "procs")
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		// Linux reports ru_maxrss in KiB.
		b.ReportMetric(float64(ru.Maxrss)/1024, "maxrss-MiB")
	}
}

// BenchmarkCoverage90m is the yardstick at the DEM's 3" (~90 m) cells.
// Target: at most 0.3 s.
func BenchmarkCoverage90m(b *testing.B) { benchmarkCoverage(b, 0) }

// BenchmarkCoverage30m is the yardstick at 1" (~30 m) cells resampled
// from the 3" DEM, ~794,000 cells. Target: at most 2 s and 200 MB
// (stretch 1 s).
func BenchmarkCoverage30m(b *testing.B) { benchmarkCoverage(b, 1) }
