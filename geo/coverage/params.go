package coverage

import (
	"errors"
	"fmt"
	"math"

	"github.com/paulmach/orb"

	"btsplan/geo/itm"
)

// Technology is a radio access technology. It chooses the default
// threshold and the metric it is expressed in.
type Technology string

// The technologies btsplan plans for.
const (
	GSM  Technology = "GSM"
	UMTS Technology = "UMTS"
	LTE  Technology = "LTE"
	NR   Technology = "NR"
)

// Metric is what the raster holds and the threshold is compared with.
//
// The sector EIRP is the total over the carrier. Each metric is the part
// of it that a receiver measures:
//
//   - MetricLevel is the total received level (GSM RxLev of a BCCH
//     carrier): no conversion.
//   - MetricRSCP is the UMTS CPICH received signal code power. The CPICH
//     gets a share of the carrier power (Params.PilotShareDB, default
//     -10 dB, i.e. 10 %), so RSCP = EIRP + PilotShareDB - L.
//   - MetricRSRP (LTE) and MetricSSRSRP (NR) are powers per resource
//     element (one 15 or 30 kHz subcarrier). With the power spread evenly
//     over the 12·N_RB subcarriers of the carrier and no reference-signal
//     boost, RSRP = EIRP - 10·log10(12·N_RB) - L; for 20 MHz LTE
//     (N_RB = 100) that is EIRP - 30.8 dB - L.
type Metric string

// The metrics.
const (
	MetricLevel  Metric = "level"
	MetricRSCP   Metric = "RSCP"
	MetricRSRP   Metric = "RSRP"
	MetricSSRSRP Metric = "SS-RSRP"
)

// techDefaults are the defaults of each technology: its metric, the
// threshold in dBm of that metric for outdoor coverage, and the resource
// blocks of a typical carrier (LTE 20 MHz: 100; NR 20 MHz at 15 kHz: 106).
var techDefaults = map[Technology]struct {
	metric       Metric
	thresholdDBm float64
	rb           int
}{
	GSM:  {MetricLevel, -95, 0},
	UMTS: {MetricRSCP, -100, 0},
	LTE:  {MetricRSRP, -110, 100},
	NR:   {MetricSSRSRP, -110, 106},
}

// DefaultThresholdDBm returns the default coverage threshold of t in dBm
// and the metric it is expressed in: GSM -95 dBm level, UMTS -100 dBm
// RSCP, LTE -110 dBm RSRP, NR -110 dBm SS-RSRP. An unknown technology
// gives an *InputError.
func DefaultThresholdDBm(t Technology) (float64, Metric, error) {
	d, ok := techDefaults[t]
	if !ok {
		return 0, "", &InputError{Field: FieldTechnology, Err: fmt.Errorf("%q is not GSM, UMTS, LTE or NR", t)}
	}
	return d.thresholdDBm, d.metric, nil
}

// Params describe the site and its radio: where, how high, which sectors,
// which frequency, what counts as covered, and ITM's environment.
type Params struct {
	// Location is the antenna position, [lon, lat] in EPSG:4326.
	Location orb.Point
	// HeightM is the antenna height above ground in metres (ITM: 0.5..3000).
	HeightM float64
	// RxHeightM is the receiver height above ground in metres; 0 means 1.5.
	RxHeightM float64
	// FreqMHz is the carrier frequency in MHz, 20..20000. Sectors on other
	// bands are computed with one Compute per band.
	FreqMHz float64
	// Sectors are the antennas; there must be at least one. The level of a
	// cell is that of the best sector (the serving cell).
	Sectors []Sector
	// Technology chooses the metric and default threshold; "" means a
	// plain MetricLevel with ThresholdDBm required.
	Technology Technology
	// ThresholdDBm is the coverage threshold in dBm of the metric; 0 means
	// the technology's default (see DefaultThresholdDBm).
	ThresholdDBm float64
	// ResourceBlocks is N_RB of the carrier for RSRP and SS-RSRP; 0 means
	// 100 for LTE (20 MHz) and 106 for NR (20 MHz at 15 kHz).
	ResourceBlocks int
	// PilotShareDB is the UMTS CPICH share of the carrier power in dB,
	// negative; 0 means -10 dB.
	PilotShareDB float64
	// Radio is ITM's environment and reliability; the zero value means
	// DefaultRadio().
	Radio Radio
}

// Radio holds ITM's inputs other than the terrain and the heights. Start
// from DefaultRadio and change what differs: every field is used as given.
type Radio struct {
	Climate      int     // itm.Climate*: 1 equatorial .. 7 maritime temperate over sea
	N0           float64 // surface refractivity, N-units (250..400)
	Epsilon      float64 // ground relative permittivity
	SigmaSPerM   float64 // ground conductivity, S/m
	Polarization int     // itm.PolarizationHorizontal (0) or itm.PolarizationVertical (1)
	MDVar        int     // itm.MDVar*: mode of variability
	TimePct      float64 // % of time the level is reached, (0, 100)
	LocationPct  float64 // % of locations, (0, 100)
	SituationPct float64 // % of situations (confidence), (0, 100)
}

// DefaultRadio returns the defaults: continental temperate climate, N0 =
// 301 N-units, average ground (ε = 15, σ = 0.005 S/m), vertical
// polarization, and the medians (50 % of time, locations and situations)
// in broadcast mode, where the three percentages are independent so each
// means what it says. These are SPLAT!'s and Signal-Server's defaults, so
// results compare with theirs; northern Vietnam is better described by
// climate 3 (maritime subtropical) and N0 ≈ 350-370, and area coverage is
// usually planned at 90 % of locations.
func DefaultRadio() Radio {
	return Radio{
		Climate:      itm.ClimateContinentalTemperate,
		N0:           301,
		Epsilon:      15,
		SigmaSPerM:   0.005,
		Polarization: itm.PolarizationVertical,
		MDVar:        itm.MDVarBroadcast,
		TimePct:      50,
		LocationPct:  50,
		SituationPct: 50,
	}
}

// Sector is one antenna. Its gain toward a cell is its boresight gain plus
// the pattern's relative gain: Pattern's tables when it is set, otherwise
// the parametric 3GPP TR 36.814 model from the beamwidths (see
// ParametricGainDB).
type Sector struct {
	// AzimuthDeg is the boresight bearing, degrees clockwise from true north.
	AzimuthDeg float64
	// MechTiltDeg and ElecTiltDeg are the mechanical and electrical
	// downtilts in degrees, positive down. Mechanical tilt rotates the
	// whole pattern; electrical tilt moves the vertical pattern (for a
	// Pattern, by the difference from the file's own electrical tilt).
	MechTiltDeg, ElecTiltDeg float64
	// GainDBi is the boresight gain in dBi; 0 with a Pattern means the
	// pattern's gain.
	GainDBi float64
	// HBeamwidthDeg and VBeamwidthDeg are the half-power beamwidths of the
	// parametric model; a horizontal beamwidth of 0 or 360 or more means
	// omnidirectional, a vertical one of 0 means no vertical pattern.
	HBeamwidthDeg, VBeamwidthDeg float64
	// FrontToBackDB is the parametric model's greatest attenuation A_m in
	// dB; 0 means 25. SideLobeDB is its vertical side-lobe level SLA_v;
	// 0 means 20.
	FrontToBackDB, SideLobeDB float64
	// Pattern is an antenna file's pattern (ParseMSI); nil for the
	// parametric model.
	Pattern *Pattern
	// EIRPdBm is the sector's EIRP over the whole carrier in dBm. When it
	// is 0, EIRP = TxPowerDBm - LossesDB + gain, with LossesDB the feeder,
	// connector and combiner losses in dB.
	EIRPdBm    float64
	TxPowerDBm float64
	LossesDB   float64
}

// TerrainSampling is how a terrain profile reads the DEM between its posts.
type TerrainSampling string

// The terrain samplings.
const (
	// SamplingBilinear interpolates the four surrounding DEM posts, as
	// ITU-R P.1144 recommends for gridded terrain data: the default.
	SamplingBilinear TerrainSampling = "bilinear"
	// SamplingNearest reads the nearest DEM post, as SPLAT! and
	// Signal-Server do: for comparing results with theirs.
	SamplingNearest TerrainSampling = "nearest"
)

// Options control the computation rather than describe the site.
type Options struct {
	// TerrainSampling is how profiles read the DEM; "" means
	// SamplingBilinear. It is recorded and hashed.
	TerrainSampling TerrainSampling
	// RadiusM is the largest distance computed, in metres; 0 means 15 km.
	RadiusM float64
	// CellArcSec is the output cell size in arc-seconds; 0 means the DEM's.
	// A finer size must divide the DEM's cell (1" from a 3" DEM gives the
	// ~30 m grid, bilinearly interpolated).
	CellArcSec float64
	// ProfileStepM is the spacing of terrain profile samples in metres;
	// 0 means the DEM's cell size (the smaller side at the site's latitude).
	ProfileStepM float64
	// DEMVersion identifies the elevation data; it is recorded and hashed.
	DEMVersion string
	// Workers is the number of goroutines; 0 means runtime.GOMAXPROCS(0).
	// It changes nothing in the result.
	Workers int
	// OnWorker, when not nil, is called first thing on each worker
	// goroutine. The goroutines end with the computation, so a caller may
	// lock one to its OS thread and lower that thread's scheduling
	// priority (cmd does, so that checks and PostgreSQL come first): the
	// thread ends with the goroutine. It changes nothing in the result.
	OnWorker func()
}

// DefaultRadiusM is the radius used when Options.RadiusM is 0.
const DefaultRadiusM = 15000.0

// minRadiusM and maxRadiusM bound Options.RadiusM: below 100 m a grid has
// a handful of cells, beyond 100 km no base station reaches.
const (
	minRadiusM = 100.0
	maxRadiusM = 100e3
)

// DefaultRxHeightM is the receiver height used when Params.RxHeightM is 0.
const DefaultRxHeightM = 1.5

// InputError is an invalid input. Field names it by its wire path (see
// the Field constants: "sectors/1/azimuth_deg", "radius_m", "radio/n0");
// callers map it to planning.Invalid.
type InputError struct {
	Field string
	Err   error
}

func (e *InputError) Error() string { return e.Field + ": " + e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

func inputErr(field, format string, args ...any) error {
	return &InputError{Field: field, Err: fmt.Errorf(format, args...)}
}

// ErrDEMCoverage means the DEM does not cover the coverage disc.
var ErrDEMCoverage = errors.New("dem does not cover the coverage area")

func finite(vs ...float64) bool {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}
