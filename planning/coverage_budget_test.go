package planning_test

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"testing"

	"btsplan/geo"
	"btsplan/geo/coverage"
	"btsplan/planning"
	"btsplan/planning/planningtest"
)

// gatedTerrain is flat terrain whose Window blocks until the gate is
// closed, so that a computation can hold its turn while others arrive.
type gatedTerrain struct {
	flatTerrain
	gate    chan struct{}
	mu      sync.Mutex
	windows int
	entered chan struct{} // receives once per Window call
}

func newGatedTerrain() *gatedTerrain {
	return &gatedTerrain{flatTerrain: flatTerrain{version: "v1"}, gate: make(chan struct{}), entered: make(chan struct{}, 64)}
}

func (g *gatedTerrain) source() *planningtest.TerrainSource {
	flat := g.flatTerrain.source()
	return &planningtest.TerrainSource{
		InfoFunc: flat.InfoFunc,
		WindowFunc: func(ctx context.Context, lon, lat, radiusM float64) (*geo.Grid, planning.TerrainInfo, error) {
			g.mu.Lock()
			g.windows++
			g.mu.Unlock()
			g.entered <- struct{}{}
			<-g.gate
			return flat.WindowFunc(ctx, lon, lat, radiusM)
		},
	}
}

func (g *gatedTerrain) windowCalls() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.windows
}

// waitFor spins until cond holds; the test's own deadline bounds it.
func waitFor(cond func() bool) {
	for !cond() {
		runtime.Gosched()
	}
}

// TestCoverageQueueIsBounded is issue 7's unbounded queue: with one turn
// taken, MaxWaiting requests wait (holding no terrain: their windows are
// not read) and the next is turned away at once with an Unavailable
// *BusyError that says the queue is full and when to retry.
func TestCoverageQueueIsBounded(t *testing.T) {
	terrain := newGatedTerrain()
	mem := newMemCoverages()
	svc := planning.NewCoverageService(planning.CoverageConfig{MaxConcurrent: 1, MaxWaiting: 2}, terrain.source(), mem.store(), nil)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 3)
	for i := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Distinct inputs, so that no request is a cache hit.
			_, errs[i] = svc.Compute(ctx, omni(50+float64(i)), coverage.Options{RadiusM: 1000}, nil)
		}()
		if i == 0 {
			<-terrain.entered // the first holds the turn, inside Window
		}
	}
	waitFor(func() bool { return svc.Waiting() == 2 })
	if n := terrain.windowCalls(); n != 1 {
		t.Errorf("Window calls with one running and two waiting = %d, want 1: waiters must not read terrain", n)
	}

	_, err := svc.Compute(ctx, omni(60), coverage.Options{RadiusM: 1000}, nil)
	var busy *planning.BusyError
	if planning.KindOf(err) != planning.Unavailable || !errors.As(err, &busy) || busy.Waiting != 2 || busy.RetryAfter != planning.DefaultCoverageRetryAfter {
		t.Errorf("Compute with the queue full = %v, want Unavailable *BusyError{Waiting: 2, RetryAfter: 30s}", err)
	}

	close(terrain.gate)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("request %d = %v, want nil", i, err)
		}
	}
	if n := svc.Waiting(); n != 0 {
		t.Errorf("Waiting after all = %d, want 0", n)
	}
}

// TestCoverageCacheHitReadsNoTerrain is issue 9: a cached coverage is
// found from the terrain's index version, without reading the window.
func TestCoverageCacheHitReadsNoTerrain(t *testing.T) {
	flat := &flatTerrain{version: "v1"}
	mem := newMemCoverages()
	svc := planning.NewCoverageService(planning.CoverageConfig{}, flat.source(), mem.store(), nil)
	ctx := context.Background()
	if _, err := svc.Compute(ctx, omni(55), coverage.Options{RadiusM: 2000}, nil); err != nil {
		t.Fatal(err)
	}
	src := flat.source()
	src.WindowFunc = func(context.Context, float64, float64, float64) (*geo.Grid, planning.TerrainInfo, error) {
		t.Error("Window called for a cached coverage")
		return nil, planning.TerrainInfo{}, errors.New("no window")
	}
	svc = planning.NewCoverageService(planning.CoverageConfig{}, src, mem.store(), nil)
	c, err := svc.Compute(ctx, omni(55), coverage.Options{RadiusM: 2000}, nil)
	if err != nil || !c.Cached {
		t.Errorf("Compute again = cached %v, %v; want the cached coverage", c.Cached, err)
	}
}

// TestCoverageBudgetBeforeTerrain is issue 7's out-of-memory request: it
// is refused as Invalid, naming the field, from the index's cell size,
// before any window is read.
func TestCoverageBudgetBeforeTerrain(t *testing.T) {
	flat := &flatTerrain{version: "v1"}
	src := flat.source()
	src.WindowFunc = func(context.Context, float64, float64, float64) (*geo.Grid, planning.TerrainInfo, error) {
		t.Error("Window called for a request over the budget")
		return nil, planning.TerrainInfo{}, errors.New("no window")
	}
	svc := planning.NewCoverageService(planning.CoverageConfig{}, src, newMemCoverages().store(), nil)
	tests := []struct {
		name  string
		opts  coverage.Options
		field string
	}{
		{"100 km at 0.1\"", coverage.Options{RadiusM: 100e3, CellArcSec: 0.1}, "cell_arcsec"},
		{"profile step finer than the DEM", coverage.Options{RadiusM: 5000, ProfileStepM: 5}, "profile_step_m"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := svc.Compute(context.Background(), omni(55), tt.opts, nil)
			if planning.KindOf(err) != planning.Invalid || planning.FieldOf(err) != tt.field {
				t.Errorf("Compute = %v, want Invalid at %s", err, tt.field)
			}
		})
	}
}

func TestCoverageConfigDefaults(t *testing.T) {
	svc := planning.NewCoverageService(planning.CoverageConfig{}, &planningtest.TerrainSource{}, &planningtest.CoverageStore{}, nil)
	cfg := svc.Config()
	want := max(runtime.GOMAXPROCS(0)-1, 1)
	if cfg.Workers != want || cfg.MaxConcurrent != 1 || cfg.MaxWaiting != 8 || cfg.RetryAfter != planning.DefaultCoverageRetryAfter {
		t.Errorf("default config = %+v, want %d workers (a core left for checks), 1 at once, 8 waiting, 30s retry", cfg, want)
	}
}
