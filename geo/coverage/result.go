package coverage

import (
	"github.com/paulmach/orb"

	"btsplan/geo"
	"btsplan/geo/itm"
)

// Result is one site's coverage.
type Result struct {
	// Grid holds the received metric (Inputs.Metric) in dBm at each cell
	// centre; NaN outside the radius or where ITM failed. It is north-up
	// EPSG:4326 at Stats.CellArcSec.
	Grid *geo.Grid
	// Covered is the area at or above the threshold, the union of the
	// covered cells' squares, as valid polygons in EPSG:4326 (exterior
	// rings counter-clockwise, holes clockwise, as RFC 7946 asks). It is
	// empty, not nil, when nothing is covered.
	Covered orb.MultiPolygon
	// AreaKm2 is the area of Covered on the WGS 84 ellipsoid, km².
	AreaKm2 float64
	// CoveredCells is the number of cells at or above the threshold.
	CoveredCells int
	// Inputs are the resolved inputs and InputHash their digest (Hash).
	Inputs    Inputs
	InputHash string
	// Model and DEMVersion repeat Inputs.Model and Inputs.DEMVersion.
	Model      string
	DEMVersion string
	Limits     Limits
	Stats      Stats
}

// Limits says what bounded the coverage.
type Limits struct {
	// RadiusM is the computed radius. RadiusLimited is true when covered
	// cells reach it (RimCoveredCells of them lie within one cell of the
	// radius): the coverage would extend further with a larger radius.
	RadiusM         float64
	RadiusLimited   bool
	RimCoveredCells int
	// OutsideRadiusCells are the raster's cells beyond the radius (NaN).
	OutsideRadiusCells int
	// BelowThresholdCells are the cells within the radius below the
	// threshold; TerrainLimitedCells are those of them that the same
	// antennas would cover over smooth ground (ITM on a flat profile at
	// the site's elevation): the terrain's obstacles and roughness, not
	// the distance, left them uncovered.
	BelowThresholdCells int
	TerrainLimitedCells int
	// DEMVoidCells are the DEM cells within the radius (plus one DEM cell)
	// that had no data and were filled from their neighbours before the
	// computation.
	DEMVoidCells int
	// ModelErrorCells are cells where ITM returned an error (their value
	// is NaN); FirstModelError is the first such message.
	// ModelWarningCells are cells where ITM raised warning flags (most
	// often a path shorter than 1 km, outside its validated range), and
	// ModelWarnings the union of the flags raised.
	ModelErrorCells   int
	FirstModelError   string
	ModelWarningCells int
	ModelWarnings     itm.Warning
}

// Stats describe the computation; they do not enter the hash.
type Stats struct {
	Cells        int     // cells computed, one ITM run each
	Rays         int     // rays cast
	ProfileStepM float64 // ITM profile step before stretching to the cell
	CellArcSec   float64 // output cell size, arc-seconds (latitude)
	Workers      int
	// WorkBytes is what Compute allocated for the output grid, the
	// cell-to-ray tables and the workers' buffers, excluding the DEM.
	WorkBytes int64
}
