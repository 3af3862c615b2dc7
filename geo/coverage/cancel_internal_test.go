package coverage

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/paulmach/orb"
)

// TestPhasesStopOnFlag checks that every phase of a computation looks at
// the stop flag, not only between rays: the smooth-earth table (quadratic
// in the profile steps), the cell assignment and each ray, whose cells are
// tens of milliseconds of ITM at the budget's limits. Before issue 7 only
// the loop over rays looked at the context, so a cancelled request kept
// its core for the rest of the current phase.
func TestPhasesStopOnFlag(t *testing.T) {
	tile := readTile(t)
	site := orb.Point{105.644, 21.456}
	params := Params{Location: site, HeightM: 30, FreqMHz: 1800, Technology: LTE, Sectors: []Sector{{EIRPdBm: 60}}}
	in, sectors, err := resolve(params, Options{RadiusM: 15000, CellArcSec: 1})
	if err != nil {
		t.Fatal(err)
	}
	dem, _ := fillVoids(tile, site[0], site[1], 0)
	out, err := outputGrid(dem, &in)
	if err != nil {
		t.Fatal(err)
	}
	var stop atomic.Bool
	e, err := newEngine(&in, sectors, dem, out, 1, &stop)
	if err != nil {
		t.Fatal(err)
	}
	if !e.assignCells() {
		t.Fatal("assignCells stopped with the flag clear")
	}
	// The longest ray.
	longest := 0
	for k := range e.nRays {
		if e.start[k+1]-e.start[k] > e.start[longest+1]-e.start[longest] {
			longest = k
		}
	}
	wk := newWorker(e)
	if !wk.castRay(longest) || wk.stats.cells == 0 {
		t.Fatalf("castRay with the flag clear = false or no cells (%d)", wk.stats.cells)
	}

	stop.Store(true)
	t.Run("smooth-earth table", func(t *testing.T) {
		if err := e.smoothEarthTable(); !errors.Is(err, errStopped) {
			t.Errorf("smoothEarthTable after stop = %v, want errStopped", err)
		}
	})
	t.Run("cell assignment", func(t *testing.T) {
		if e.assignCells() {
			t.Error("assignCells after stop = true, want false")
		}
	})
	t.Run("ray", func(t *testing.T) {
		wk := newWorker(e)
		if wk.castRay(longest) || wk.stats.cells != 0 {
			t.Errorf("castRay after stop = true or %d cells evaluated, want false and 0", wk.stats.cells)
		}
	})
}

// TestComputeCancelledMidway cancels a computation from its first progress
// report and checks that it returns context.Canceled having reported only
// a small fraction of its rays.
func TestComputeCancelledMidway(t *testing.T) {
	tile := readTile(t)
	site := orb.Point{105.644, 21.456}
	params := Params{Location: site, HeightM: 30, FreqMHz: 1800, Technology: LTE, Sectors: []Sector{{EIRPdBm: 60}}}
	for _, workers := range []int{1, 2} {
		ctx, cancel := context.WithCancel(context.Background())
		var maxDone, total int
		progress := func(done, n int) {
			maxDone, total = done, n
			cancel()
		}
		_, err := Compute(ctx, tile, params, Options{RadiusM: 15000, CellArcSec: 1, Workers: workers}, progress)
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("workers=%d: Compute cancelled midway = %v, want context.Canceled", workers, err)
		}
		if total == 0 || maxDone > total/50 {
			t.Errorf("workers=%d: %d of %d rays done after the cancel, want at most 2%%", workers, maxDone, total)
		}
	}
}
