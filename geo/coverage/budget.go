package coverage

import (
	"fmt"
	"math"
	"runtime"
	"strings"

	"btsplan/geo"
)

// The budget of one computation. Every coverage, from the API, the CLI or
// a proposal, is checked against it by CheckBudget before any grid is
// allocated and before the caller reads the DEM window, so that no single
// request can exhaust the memory or hold a core for minutes. Each limit
// is one factor of the cost; together they bound cells × sectors ×
// profile points and the memory that implies.
const (
	// MaxSectors is the most sectors (antennas) of one coverage: real
	// sites have three to six, and beyond twelve the sectors overlap
	// completely, so more only multiply the per-cell work. Compute, Hash
	// and CheckBudget all refuse more (an *InputError at "sectors").
	MaxSectors = 12

	// MaxWorkers is the most goroutines Options.Workers may ask for.
	MaxWorkers = 256

	// MaxGridCells is the most cells of the output grid (the box around
	// the disc, W×H): 2^24 cells, e.g. a 60 km radius at 1" or a 100 km
	// radius at 1.6". It bounds the grid's float32s and the per-cell
	// indexes (see MaxWorkBytes).
	MaxGridCells = 1 << 24

	// MaxProfilePoints is the most samples of the longest terrain profile
	// (radius / profile step): ITM's work per cell is proportional to it,
	// and the smooth-earth table is quadratic in it.
	MaxProfilePoints = 10_000

	// MaxWorkPoints bounds the propagation work: the profile samples ITM
	// reads over every cell of the disc plus a fixed cost per cell and per
	// sector (see Cost.WorkPoints). At about 40 ns a sample on one core,
	// 4e9 is under three minutes of one core: a 100 km radius at the 3"
	// DEM fits, a 100 km radius at 1" does not.
	MaxWorkPoints = 4e9

	// MaxWorkBytes is the most memory one computation may need: the grid
	// and its indexes, the DEM window (twice when its voids must be
	// filled) and each worker's rays and profiles. 512 MiB.
	MaxWorkBytes = 512 << 20
)

// The constants of the cost model.
const (
	// cellCostPoints is the fixed cost of one ITM run, in profile samples
	// (the ~3 µs of its set-up against ~40 ns a sample).
	cellCostPoints = 64
	// sectorCostPoints is the cost of one sector's gain at one cell, in
	// profile samples.
	sectorCostPoints = 2
	// gridBytesPerCell is the memory per output cell: the float32 level,
	// the ray index while the buckets are filled, the bucket entry, the
	// trace's label and edge flags, and the PNG's pixel when it is stored.
	gridBytesPerCell = 4 + 4 + 4 + 5 + 4
	// TerrainMarginM is what callers add to the radius when they read the
	// DEM window, so that it covers the disc whatever the DEM's cell
	// alignment; the budget counts the window with it.
	TerrainMarginM = 500.0
)

// Cost is the estimated cost of one computation: what CheckBudget compares
// with the limits above.
type Cost struct {
	// GridCells is the output grid's cells (W×H); DiscCells those within
	// the radius, the ones ITM runs at.
	GridCells, DiscCells int64
	// Sectors is the number of sectors.
	Sectors int
	// ProfilePoints is the samples of the longest profile.
	ProfilePoints int64
	// WorkPoints is the propagation work in profile samples: DiscCells ×
	// (mean profile samples + cellCostPoints + Sectors·sectorCostPoints),
	// plus the smooth-earth table (ProfilePoints²/2).
	WorkPoints float64
	// DEMCells is the DEM window's cells, at the DEM's own cell size.
	DEMCells int64
	// Bytes is the memory the computation needs: the grid, the DEM window
	// and the workers' buffers.
	Bytes int64
	// CellArcSec is the output cell size and ProfileStepM the profile
	// step the computation would use.
	CellArcSec, ProfileStepM float64
}

// BudgetError is an input whose cost is over the budget. It comes wrapped
// in an *InputError naming Fields[0]; Fields lists every input that sets
// the cost that is over, by their wire names (FieldRadiusM,
// FieldCellArcSec, FieldProfileStepM, FieldSectors).
type BudgetError struct {
	Fields []string
	// What is the quantity over its limit: "profile points", "grid
	// cells", "work (profile samples)" or "bytes of memory"; Need is how
	// much of it the inputs need and Limit the budget's.
	What        string
	Need, Limit float64
	Cost        Cost
	// FitRadiusM is the largest radius, in metres and a multiple of 100,
	// that fits the budget with the other inputs unchanged; 0 when none
	// from the 100 m minimum does.
	FitRadiusM float64
	// Hint says what would fit, in words.
	Hint         string
	inputSummary string
}

func (e *BudgetError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s needs %s %s, over the limit of %s",
		e.inputSummary, formatCount(e.Need), e.What, formatCount(e.Limit))
	if e.Hint != "" {
		b.WriteString("; ")
		b.WriteString(e.Hint)
	}
	return b.String()
}

// formatCount writes a count, in exponent form when it is large.
func formatCount(v float64) string {
	if v >= 1e9 {
		return fmt.Sprintf("%.3g", v)
	}
	return fmt.Sprintf("%.0f", v)
}

// CheckBudget validates site and opts as Compute does, estimates the cost
// of computing them on a DEM whose cells are demDLonDeg × demDLatDeg
// degrees, and checks it against the budget. It allocates nothing in
// proportion to the inputs, so callers run it before reading the DEM
// window (data/dem's index gives the cell size).
//
// Errors are *InputError values: those of Compute's validation, one
// naming "profile_step_m" when the step is finer than the DEM's cell (the
// profile would only interpolate), and one wrapping a *BudgetError when a
// limit is exceeded.
func CheckBudget(site Params, opts Options, demDLonDeg, demDLatDeg float64) (Cost, error) {
	in, _, err := resolve(site, opts)
	if err != nil {
		return Cost{}, err
	}
	if !(demDLonDeg > 0 && demDLatDeg > 0) || !finite(demDLonDeg, demDLatDeg) {
		return Cost{}, inputErr(FieldDEM, "the DEM's cell size %g × %g° is not positive", demDLonDeg, demDLatDeg)
	}
	return checkBudget(&in, demDLonDeg, demDLatDeg, opts.Workers)
}

func checkBudget(in *Inputs, demDLon, demDLat float64, workers int) (Cost, error) {
	c, err := estimate(in, demDLon, demDLat, workers)
	if err != nil {
		return c, err
	}
	what, need, limit, fields := overBudget(in, c)
	if what == "" {
		return c, nil
	}
	be := &BudgetError{Fields: fields, What: what, Need: need, Limit: limit, Cost: c,
		inputSummary: fmt.Sprintf("a %.0f m radius at %.3g\" cells, %.3g m profile steps and %d sectors",
			in.RadiusM, c.CellArcSec, c.ProfileStepM, c.Sectors)}
	// The largest radius that fits with the other inputs unchanged, by
	// bisection over the estimate (it grows with the radius).
	lo, hi := 0.0, in.RadiusM
	for hi-lo > 50 {
		mid := (lo + hi) / 2
		try := *in
		try.RadiusM = mid
		if tc, err := estimate(&try, demDLon, demDLat, workers); err == nil {
			if w, _, _, _ := overBudget(&try, tc); w == "" {
				lo = mid
				continue
			}
		}
		hi = mid
	}
	be.FitRadiusM = math.Floor(lo/100) * 100
	if be.FitRadiusM >= minRadiusM {
		be.Hint = fmt.Sprintf("with the same cells and steps a radius of at most %.0f m fits", be.FitRadiusM)
	} else {
		be.FitRadiusM = 0
		be.Hint = "no radius fits with these cells and steps"
	}
	switch what {
	case "grid cells", "bytes of memory":
		be.Hint += fmt.Sprintf("; at %.0f m, choose cells of at least %.3g\"", in.RadiusM,
			c.CellArcSec*math.Sqrt(need/limit))
	case "profile points":
		be.Hint += fmt.Sprintf("; at %.0f m, choose profile steps of at least %.0f m", in.RadiusM,
			math.Ceil(c.ProfileStepM*need/limit))
	}
	return c, &InputError{Field: fields[0], Err: be}
}

// overBudget returns the first quantity of c over its limit, with the
// inputs that set it, or "" when c is within the budget.
func overBudget(in *Inputs, c Cost) (what string, need, limit float64, fields []string) {
	cellFields := []string{FieldRadiusM, FieldCellArcSec}
	if in.CellArcSec != 0 {
		cellFields = []string{FieldCellArcSec, FieldRadiusM}
	}
	stepFields := []string{FieldRadiusM, FieldProfileStepM}
	if in.ProfileStepM != 0 {
		stepFields = []string{FieldProfileStepM, FieldRadiusM}
	}
	switch {
	case c.ProfilePoints > MaxProfilePoints:
		return "profile points", float64(c.ProfilePoints), MaxProfilePoints, stepFields
	case c.GridCells > MaxGridCells:
		return "grid cells", float64(c.GridCells), MaxGridCells, cellFields
	case c.WorkPoints > MaxWorkPoints:
		return "work (profile samples)", c.WorkPoints, MaxWorkPoints, append(cellFields, FieldProfileStepM, FieldSectors)
	case c.Bytes > MaxWorkBytes:
		return "bytes of memory", float64(c.Bytes), MaxWorkBytes, cellFields
	}
	return "", 0, 0, nil
}

// estimate works out the cost of in on a DEM of the given cell size
// without allocating anything, and checks that the requested cell and
// profile step suit that DEM.
func estimate(in *Inputs, demDLon, demDLat float64, workers int) (Cost, error) {
	c := Cost{Sectors: len(in.Sectors)}
	factor := 1.0
	if in.CellArcSec != 0 {
		f := demDLat * 3600 / in.CellArcSec
		factor = math.Round(f)
		if factor < 1 || math.Abs(f-factor) > 1e-6*f {
			return c, inputErr(FieldCellArcSec, "%g\" does not divide the DEM's %g\" cells", in.CellArcSec, demDLat*3600)
		}
	}
	dLon, dLat := demDLon/factor, demDLat/factor
	c.CellArcSec = dLat * 3600
	lonM, latM := geo.MetresPerDegree(in.Lat)
	demStepM := min(demDLon*lonM, demDLat*latM)
	c.ProfileStepM = in.ProfileStepM
	if c.ProfileStepM == 0 {
		c.ProfileStepM = demStepM
	} else if c.ProfileStepM < demStepM*(1-1e-9) {
		return c, inputErr(FieldProfileStepM, "%g m is finer than the DEM's %.1f m cells; give at least %.0f m or 0 for the DEM's step",
			in.ProfileStepM, demStepM, math.Ceil(demStepM))
	}

	// The grid is the box of the disc (widest on the parallel nearest the
	// equator), as outputGrid cuts it, plus a cell of snapping each side.
	boxCells := func(radiusM, dLonDeg, dLatDeg float64) (float64, float64) {
		latSpan := radiusM / latM
		nearEq := math.Max(math.Abs(in.Lat)-latSpan, 0)
		lonSpan := radiusM / (latM * math.Cos(nearEq*degToRad))
		return math.Ceil(2*lonSpan/dLonDeg) + 2, math.Ceil(2*latSpan/dLatDeg) + 2
	}
	w, h := boxCells(in.RadiusM, dLon, dLat)
	cells := w * h
	disc := math.Min(math.Pi*in.RadiusM*in.RadiusM/(dLon*lonM*dLat*latM), cells)
	dw, dh := boxCells(in.RadiusM+TerrainMarginM, demDLon, demDLat)
	demCells := dw * dh
	steps := math.Floor(in.RadiusM/c.ProfileStepM) + 3
	// Clamp before converting: a nonsense request must not overflow int64.
	clamp := func(v float64) int64 { return int64(math.Min(v, 1<<62)) }
	c.GridCells, c.DiscCells, c.DEMCells, c.ProfilePoints = clamp(cells), clamp(disc), clamp(demCells), clamp(steps)

	meanPoints := math.Max(2.0/3*in.RadiusM/c.ProfileStepM, minIntervals)
	c.WorkPoints = disc*(meanPoints+cellCostPoints+float64(c.Sectors)*sectorCostPoints) + steps*steps/2

	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	nRays := raysPerCell * 2 * math.Pi * in.RadiusM / min(dLon*lonM, dLat*latM)
	perWorker := (steps*(raySubdivision+1)+2*steps)*8 + 40*disc/math.Max(nRays, 1)*2
	bytes := cells*gridBytesPerCell + demCells*4*2 + steps*3*8 + float64(workers)*perWorker
	c.Bytes = clamp(bytes)
	return c, nil
}
