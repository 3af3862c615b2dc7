package coverage_test

import (
	"context"
	"runtime"
	"syscall"
	"testing"

	"github.com/paulmach/orb"

	"btsplan/geo"
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

// BenchmarkCoverage180m is the yardstick at 6" (~180 m) cells, blocks of
// 2×2 cells of the 3" DEM: the existing sites' rasters of a gap analysis.
func BenchmarkCoverage180m(b *testing.B) { benchmarkCoverage(b, 6) }

// BenchmarkPoints100 is the yardstick's level at 100 points spread over
// its 15 km disc, each from a profile drawn straight to it: what a gap
// analysis computes per site for the villages in reach.
func BenchmarkPoints100(b *testing.B) {
	tl := loadTile(b)
	opts := coverage.Options{RadiusM: 15000, DEMVersion: "srtm3-N21E105"}
	dem := window(b, tl, yardstickSite, opts.RadiusM)
	var pts []orb.Point
	for i := range 100 {
		pts = append(pts, geo.Destination(yardstickSite, float64(i)*137.5, 500+float64(i)*140))
	}
	b.ReportAllocs()
	for b.Loop() {
		pl, err := coverage.Points(context.Background(), dem, yardstick, opts, pts)
		if err != nil || pl.Errors > 0 {
			b.Fatalf("Points: %v, %d errors", err, pl.Errors)
		}
	}
}
