package coverage

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"

	"btsplan/geo"
	"btsplan/geo/itm"
)

// minIntervals is the fewest profile intervals ITM is given: cells nearer
// than minIntervals profile steps get profiles at a finer step.
const minIntervals = 10

// raySubdivision is the number of ray samples per profile step: the rays
// are sampled three times finer than ITM's profiles so that a profile
// resampled from a ray at its own step d/n (see profile) stays within a
// few metres of a profile drawn straight to the cell.
const raySubdivision = 3

// raysPerCell is the number of rays per output cell along the radius's
// circumference: with two, a cell is at most a quarter of a cell off the
// ray it takes its profile from.
const raysPerCell = 2

// raysPerChunk is how many rays a worker takes at a time: small enough to
// balance two cores to within a few milliseconds, large enough that the
// shared counter is not contended.
const raysPerChunk = 4

// Compute computes the coverage of one site over dem, a north-up
// EPSG:4326 elevation grid in metres that must cover the disc of
// opts.RadiusM around the site (voids, NaN, are filled from their
// neighbours and counted in Limits.DEMVoidCells). See the package
// documentation for the method.
//
// progress, when not nil, is called with the rays done and the rays in
// all, from the workers but never concurrently, with done increasing.
// Compute stops early with ctx's error when ctx is done: every phase
// looks at it at least once a row, a table entry or a cell, so it returns
// within milliseconds. Invalid inputs give an *InputError, and so does a
// computation over the budget (see CheckBudget, which Compute applies
// before it allocates anything); a DEM that does not cover the disc gives
// an error wrapping ErrDEMCoverage.
func Compute(ctx context.Context, dem *geo.Grid, site Params, opts Options, progress func(done, total int)) (*Result, error) {
	in, sectors, err := resolve(site, opts)
	if err != nil {
		return nil, err
	}
	if dem == nil || dem.W < 2 || dem.H < 2 || len(dem.Pix) < (dem.H-1)*dem.Stride+dem.W {
		return nil, inputErr(FieldDEM, "an elevation grid of at least 2×2 cells is needed")
	}
	if _, err := checkBudget(&in, dem.DLon, dem.DLat, opts.Workers); err != nil {
		return nil, err
	}
	// One flag, set when ctx is done, is all the hot loops look at: an
	// atomic load per cell costs nothing beside an ITM run, where
	// ctx.Err() would take a lock.
	var stopped atomic.Bool
	defer context.AfterFunc(ctx, func() { stopped.Store(true) })()
	out, err := outputGrid(dem, &in)
	if err != nil {
		return nil, err
	}
	dem, voids := fillVoids(dem, in.Lon, in.Lat, in.RadiusM)
	e, err := newEngine(&in, sectors, dem, out, opts.Workers, &stopped)
	if err != nil {
		return nil, stopErr(ctx, err)
	}
	e.onWorker = opts.OnWorker
	if !e.assignCells() {
		return nil, stopErr(ctx, nil)
	}
	limits, stats, err := e.run(ctx, progress)
	if err != nil {
		return nil, err
	}
	limits.DEMVoidCells = voids

	res := &Result{
		Grid:       out,
		Inputs:     in,
		InputHash:  in.Hash(),
		Model:      in.Model,
		DEMVersion: in.DEMVersion,
		Limits:     limits,
		Stats:      stats,
	}
	res.Stats.CellArcSec = out.DLat * 3600
	res.Stats.ProfileStepM = e.stepM
	res.Stats.Rays = e.nRays
	res.Stats.Workers = e.workers
	res.Stats.WorkBytes = e.workBytes()
	res.Covered, res.CoveredCells, res.AreaKm2 = Trace(out, float32(in.ThresholdDBm))
	return res, nil
}

// errStopped is what a phase returns when the computation's context is
// done; stopErr turns it into the context's error.
var errStopped = errors.New("coverage computation stopped")

// stopErr returns ctx's error in place of errStopped (or of nil, which
// means stopped too), and other errors as they are.
func stopErr(ctx context.Context, err error) error {
	if err != nil && !errors.Is(err, errStopped) {
		return err
	}
	if cerr := ctx.Err(); cerr != nil {
		return cerr
	}
	return context.Canceled
}

// newEngine prepares the shared state of one computation over the
// void-free dem into out; it stops with errStopped once *stop is set.
func newEngine(in *Inputs, sectors []sectorModel, dem, out *geo.Grid, workers int, stop *atomic.Bool) (*engine, error) {
	lonM, latM := geo.MetresPerDegree(in.Lat)
	stepM := in.ProfileStepM
	if stepM == 0 {
		stepM = min(dem.DLon*lonM, dem.DLat*latM)
	}
	cellM := min(out.DLon*lonM, out.DLat*latM)
	e := &engine{
		in:        in,
		itm:       in.itmParams(),
		sectors:   sectors,
		dem:       newDEMSampler(dem, in.TerrainSampling),
		out:       out,
		geom:      newSiteGeometry(in.Lon, in.Lat, out),
		stepM:     stepM,
		rayStepM:  stepM / raySubdivision,
		nSteps:    int(in.RadiusM/stepM) + 3,
		nRays:     int(math.Ceil(raysPerCell * 2 * math.Pi * in.RadiusM / cellM)),
		rimM:      in.RadiusM - math.Hypot(out.DLon*lonM, out.DLat*latM),
		workers:   workers,
		threshold: in.ThresholdDBm,
		stop:      stop,
	}
	if e.workers == 0 {
		e.workers = runtime.GOMAXPROCS(0)
	}
	e.nSamples = e.nSteps * raySubdivision
	e.txGroundM = e.dem.at(in.Lon, in.Lat)
	// The sines and cosines of the angular distances of whole profile
	// steps, the same for every ray.
	e.sinD = make([]float64, e.nSteps+1)
	e.cosD = make([]float64, e.nSteps+1)
	for i := range e.sinD {
		e.sinD[i], e.cosD[i] = math.Sincos(float64(i) * stepM / geo.EarthRadiusM)
	}
	if err := e.smoothEarthTable(); err != nil {
		return nil, err
	}
	return e, nil
}

// smoothEarthTable fills e.smoothLossDB with one ITM run per profile
// step of distance, on flat profiles at the site's ground elevation.
func (e *engine) smoothEarthTable() error {
	e.smoothLossDB = make([]float64, e.nSteps+1)
	var ws itm.Workspace
	pfl := make([]float64, max(e.nSteps, minIntervals)+3)
	for i := range e.smoothLossDB {
		// The table is quadratic in the steps: look at the flag per entry.
		if e.stop.Load() {
			return errStopped
		}
		d := max(float64(i)*e.stepM, 1)
		n := max(i, minIntervals)
		p := pfl[:n+3]
		p[0], p[1] = float64(n), d/float64(n)
		for j := 2; j < len(p); j++ {
			p[j] = e.txGroundM
		}
		r, err := ws.P2P(&e.itm, p)
		if err != nil {
			return fmt.Errorf("smooth-earth loss at %.0f m: %w", d, err)
		}
		e.smoothLossDB[i] = r.LossDB
	}
	return nil
}

// smoothLoss interpolates e.smoothLossDB at distance dM.
func (e *engine) smoothLoss(dM float64) float64 {
	x := dM / e.stepM
	i := min(int(x), len(e.smoothLossDB)-2)
	return e.smoothLossDB[i] + (e.smoothLossDB[i+1]-e.smoothLossDB[i])*(x-float64(i))
}

// outputGrid allocates the result grid: the DEM's cells, or a finer
// subdivision of them, covering the disc of the radius around the site,
// aligned with the DEM's own cell edges.
func outputGrid(dem *geo.Grid, in *Inputs) (*geo.Grid, error) {
	factor := 1
	if in.CellArcSec != 0 {
		f := dem.DLat * 3600 / in.CellArcSec
		factor = int(math.Round(f))
		if factor < 1 || math.Abs(f-float64(factor)) > 1e-6*f {
			return nil, inputErr(FieldCellArcSec, "%g\" does not divide the DEM's %g\" cells", in.CellArcSec, dem.DLat*3600)
		}
	}
	dLon, dLat := dem.DLon/float64(factor), dem.DLat/float64(factor)
	_, latM := geo.MetresPerDegree(in.Lat)
	// The widest longitude span is at the latitude nearest the equator.
	latSpan := in.RadiusM / latM
	nearEq := math.Max(math.Abs(in.Lat)-latSpan, 0)
	lonSpan := in.RadiusM / (latM * math.Cos(nearEq*degToRad))
	west, east := in.Lon-lonSpan, in.Lon+lonSpan
	south, north := in.Lat-latSpan, in.Lat+latSpan
	b := dem.Bound()
	if west < b.Min[0] || east > b.Max[0] || south < b.Min[1] || north > b.Max[1] {
		return nil, fmt.Errorf("%w: the %.0f m disc around [%.5f, %.5f] spans lon %.4f..%.4f, lat %.4f..%.4f; the DEM covers lon %.4f..%.4f, lat %.4f..%.4f",
			ErrDEMCoverage, in.RadiusM, in.Lon, in.Lat, west, east, south, north, b.Min[0], b.Max[0], b.Min[1], b.Max[1])
	}
	c0 := int(math.Floor((west - dem.West) / dLon))
	c1 := int(math.Ceil((east - dem.West) / dLon))
	r0 := int(math.Floor((dem.North - north) / dLat))
	r1 := int(math.Ceil((dem.North - south) / dLat))
	g, err := geo.NewGrid(c1-c0, r1-r0, dem.West+float64(c0)*dLon, dem.North-float64(r0)*dLat, dLon, dLat)
	if err != nil {
		return nil, err
	}
	return g, nil
}

// engine is one Compute: the read-only state the workers share.
type engine struct {
	in        *Inputs
	itm       itm.Params
	sectors   []sectorModel
	dem       demSampler
	out       *geo.Grid
	geom      *siteGeometry
	stepM     float64 // ITM profile step (before stretching to d/n)
	rayStepM  float64 // ray sample spacing, stepM/raySubdivision
	nRays     int
	nSteps    int // profile steps in the radius, plus margin
	nSamples  int // ray samples in the radius, plus margin
	rimM      float64
	workers   int
	txGroundM float64
	threshold float64
	// stop is set when the computation's context is done; every loop
	// looks at it at least once per row, table entry or cell.
	stop *atomic.Bool
	// onWorker is Options.OnWorker.
	onWorker func()
	// smoothLossDB[i] is ITM's loss over smooth ground at the site's
	// elevation at distance i·stepM (index 0 holds 1 m): the baseline that
	// tells terrain-limited cells from distance-limited ones.
	smoothLossDB []float64
	sinD, cosD   []float64

	// order lists the grid indexes of the cells within the radius grouped
	// by ray: the cells of ray k are order[start[k]:start[k+1]].
	order []int32
	start []int32
	// outside counts the grid's cells beyond the radius.
	outside int
}

// assignCells gives every cell within the radius to the ray whose bearing
// is nearest its own, by a counting sort: rows are shared among the
// workers (interleaved) for the geodesy, then one pass fills the buckets.
// It reports false when it was stopped.
func (e *engine) assignCells() bool {
	g := e.out
	rayOf := make([]int32, g.W*g.H)
	counts := make([][]int32, e.workers)
	outside := make([]int, e.workers)
	scale := float64(e.nRays) / 360
	var wg sync.WaitGroup
	for w := range e.workers {
		counts[w] = make([]int32, e.nRays)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if e.onWorker != nil {
				e.onWorker()
			}
			cnt := counts[w]
			for y := w; y < g.H; y += e.workers {
				if e.stop.Load() {
					return
				}
				row := rayOf[y*g.W : (y+1)*g.W]
				for x := range row {
					d, s, c := e.geom.cell(x, y)
					if d > e.in.RadiusM {
						row[x] = -1
						outside[w]++
						continue
					}
					k := int32(bearingDeg(s, c)*scale + 0.5)
					if int(k) >= e.nRays {
						k = 0
					}
					row[x] = k
					cnt[k]++
				}
			}
		}()
	}
	wg.Wait()
	if e.stop.Load() {
		return false
	}
	e.start = make([]int32, e.nRays+1)
	for k := range e.nRays {
		var n int32
		for w := range e.workers {
			n += counts[w][k]
		}
		e.start[k+1] = e.start[k] + n
	}
	for w := range e.workers {
		e.outside += outside[w]
	}
	e.order = make([]int32, e.start[e.nRays])
	next := append([]int32(nil), e.start[:e.nRays]...)
	for i, k := range rayOf {
		if k >= 0 {
			e.order[next[k]] = int32(i)
			next[k]++
		}
	}
	return true
}

// workerStats are one worker's counts, merged at the end.
type workerStats struct {
	cells, below, terrain, rim, errs, warns int
	warnFlags                               itm.Warning
	firstErr                                string
}

// run evaluates every cell, ray by ray, on e.workers goroutines that take
// the next few rays from a shared counter: rays are interleaved, not split
// in halves, so the cores finish together.
func (e *engine) run(ctx context.Context, progress func(done, total int)) (Limits, Stats, error) {
	var next atomic.Int64
	var mu sync.Mutex // serialises progress
	done := 0
	per := make([]workerStats, e.workers)
	errs := make([]error, e.workers)
	var wg sync.WaitGroup
	for w := range e.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if e.onWorker != nil {
				e.onWorker()
			}
			wk := newWorker(e)
			for {
				k0 := int(next.Add(raysPerChunk)) - raysPerChunk
				if k0 >= e.nRays {
					break
				}
				k1 := min(k0+raysPerChunk, e.nRays)
				for k := k0; k < k1; k++ {
					if !wk.castRay(k) {
						errs[w] = stopErr(ctx, nil)
						return
					}
				}
				if progress != nil {
					mu.Lock()
					done += k1 - k0
					progress(done, e.nRays)
					mu.Unlock()
				}
			}
			per[w] = wk.stats
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return Limits{}, Stats{}, err
		}
	}
	lim := Limits{RadiusM: e.in.RadiusM, OutsideRadiusCells: e.outside}
	var st Stats
	for _, s := range per {
		st.Cells += s.cells
		lim.BelowThresholdCells += s.below
		lim.TerrainLimitedCells += s.terrain
		lim.RimCoveredCells += s.rim
		lim.ModelErrorCells += s.errs
		lim.ModelWarningCells += s.warns
		lim.ModelWarnings |= s.warnFlags
		if lim.FirstModelError == "" {
			lim.FirstModelError = s.firstErr
		}
	}
	lim.RadiusLimited = lim.RimCoveredCells > 0
	return lim, st, nil
}

// worker is one goroutine's scratch: its ITM workspace and buffers,
// allocated once and reused for every ray and cell.
type worker struct {
	e     *engine
	ws    itm.Workspace
	ip    itm.Params
	ray   []float64  // the current ray's ground elevations, every rayStepM
	pfl   []float64  // the current cell's ITM profile [n, step, e0..en]
	cells []cellGeom // the current ray's cells
	stats workerStats
}

func newWorker(e *engine) *worker {
	return &worker{
		e:   e,
		ip:  e.itm,
		ray: make([]float64, e.nSamples+1),
		pfl: make([]float64, max(e.nSteps, minIntervals)+3),
	}
}

// workBytes is what Compute allocates besides the DEM: the output grid,
// the per-cell ray index (garbage once the buckets are filled, but alive
// at the same time as the grid), the buckets, the geometry tables and
// each worker's buffers.
func (e *engine) workBytes() int64 {
	maxCells := 0
	for k := range e.nRays {
		maxCells = max(maxCells, int(e.start[k+1]-e.start[k]))
	}
	perWorker := int64(len(e.sinD)+e.nSamples+1+max(e.nSteps, minIntervals)+3)*8 +
		int64(unsafe.Sizeof(itm.Workspace{})) + int64(maxCells)*int64(unsafe.Sizeof(cellGeom{}))
	n := int64(len(e.out.Pix))
	tables := int64(len(e.geom.colHav)*3+len(e.geom.rowHav)*3+len(e.sinD)+len(e.cosD)) * 8
	return n*4 + n*4 + int64(len(e.order)+len(e.start))*4 + tables + int64(e.workers)*perWorker
}
