package coverage

import (
	"cmp"
	"encoding/json"
	"fmt"

	"btsplan/geo/itm"
)

// The wire names of the coverage inputs: the one snake_case form in which
// they leave Go. Inputs' JSON (MarshalJSON: what POST /v1/coverage
// answers, what coverage_result.inputs stores and what `btsplan coverage`
// prints) uses them; the canonical encoding that Hash digests writes them
// (AppendCanonical); and an *InputError or a *BudgetError names its input
// by them, as a path: a sector's member is "sectors/2/eirp_dbm", a radio
// member "radio/n0" (JSON pointers into Inputs' JSON, without the leading
// "/"). Units are in the names; a location is [lon, lat] in degrees,
// EPSG:4326. Renaming a Go field changes none of them.
const (
	FieldLocation        = "location"
	FieldHeightM         = "height_m"
	FieldRxHeightM       = "rx_height_m"
	FieldFreqMHz         = "freq_mhz"
	FieldTechnology      = "technology"
	FieldMetric          = "metric"
	FieldThresholdDBm    = "threshold_dbm"
	FieldResourceBlocks  = "resource_blocks"
	FieldPilotShareDB    = "pilot_share_db"
	FieldConversionDB    = "conversion_db"
	FieldRadio           = "radio"
	FieldSectors         = "sectors"
	FieldRadiusM         = "radius_m"
	FieldCellArcSec      = "cell_arcsec"
	FieldProfileStepM    = "profile_step_m"
	FieldTerrainSampling = "terrain_sampling"
	FieldDEMVersion      = "dem_version"
	FieldModel           = "model"
	FieldEngine          = "engine"
	// FieldDEM names the elevation grid given to Compute; FieldWorkers
	// Options.Workers. Neither is an input of the record.
	FieldDEM     = "dem"
	FieldWorkers = "workers"

	// Members of "radio".
	FieldClimate      = "climate"
	FieldN0           = "n0"
	FieldEpsilon      = "epsilon"
	FieldSigmaSPerM   = "sigma_s_per_m"
	FieldPolarization = "polarization" // "vertical" or "horizontal"
	FieldMDVar        = "mdvar"
	FieldTimePct      = "time_pct"
	FieldLocationPct  = "location_pct"
	FieldSituationPct = "situation_pct"

	// Members of a sector. TxPowerDBm and LossesDB are inputs of a Sector
	// only: the record keeps the EIRP worked out from them.
	FieldAzimuthDeg    = "azimuth_deg"
	FieldMechTiltDeg   = "mech_tilt_deg"
	FieldElecTiltDeg   = "elec_tilt_deg"
	FieldGainDBi       = "gain_dbi"
	FieldEIRPdBm       = "eirp_dbm"
	FieldHBeamwidthDeg = "hbw_deg"
	FieldVBeamwidthDeg = "vbw_deg"
	FieldFrontToBackDB = "front_to_back_db"
	FieldSideLobeDB    = "side_lobe_db"
	FieldPattern       = "pattern"
	FieldPatternSHA256 = "pattern_sha256"
	FieldTxPowerDBm    = "tx_power_dbm"
	FieldLossesDB      = "losses_db"
)

// RadioField returns the path of a member of "radio": "radio/n0".
func RadioField(member string) string { return FieldRadio + "/" + member }

// SectorField returns the path of a member of sector i: "sectors/2/eirp_dbm".
func SectorField(i int, member string) string {
	return fmt.Sprintf("%s/%d/%s", FieldSectors, i, member)
}

// Polarization names on the wire.
const (
	PolarizationVertical   = "vertical"
	PolarizationHorizontal = "horizontal"
)

// PolarizationName returns the wire name of an itm polarization.
func PolarizationName(p int) string {
	if p == itm.PolarizationHorizontal {
		return PolarizationHorizontal
	}
	return PolarizationVertical
}

// ParsePolarization returns the itm polarization of a wire name.
func ParsePolarization(s string) (int, bool) {
	switch s {
	case PolarizationVertical:
		return itm.PolarizationVertical, true
	case PolarizationHorizontal:
		return itm.PolarizationHorizontal, true
	}
	return 0, false
}

// inputsJSON is Inputs on the wire. Its tags are the Field constants.
type inputsJSON struct {
	Location        [2]float64   `json:"location"`
	HeightM         float64      `json:"height_m"`
	RxHeightM       float64      `json:"rx_height_m"`
	FreqMHz         float64      `json:"freq_mhz"`
	Technology      string       `json:"technology"`
	Metric          string       `json:"metric"`
	ThresholdDBm    float64      `json:"threshold_dbm"`
	ResourceBlocks  int          `json:"resource_blocks"`
	PilotShareDB    float64      `json:"pilot_share_db"`
	ConversionDB    float64      `json:"conversion_db"`
	Radio           radioJSON    `json:"radio"`
	Sectors         []sectorJSON `json:"sectors"`
	RadiusM         float64      `json:"radius_m"`
	CellArcSec      float64      `json:"cell_arcsec"`
	ProfileStepM    float64      `json:"profile_step_m"`
	TerrainSampling string       `json:"terrain_sampling"`
	DEMVersion      string       `json:"dem_version"`
	Model           string       `json:"model"`
	Engine          string       `json:"engine"`
}

type radioJSON struct {
	Climate      int     `json:"climate"`
	N0           float64 `json:"n0"`
	Epsilon      float64 `json:"epsilon"`
	SigmaSPerM   float64 `json:"sigma_s_per_m"`
	Polarization string  `json:"polarization"`
	MDVar        int     `json:"mdvar"`
	TimePct      float64 `json:"time_pct"`
	LocationPct  float64 `json:"location_pct"`
	SituationPct float64 `json:"situation_pct"`
}

type sectorJSON struct {
	AzimuthDeg    float64 `json:"azimuth_deg"`
	MechTiltDeg   float64 `json:"mech_tilt_deg"`
	ElecTiltDeg   float64 `json:"elec_tilt_deg"`
	GainDBi       float64 `json:"gain_dbi"`
	EIRPdBm       float64 `json:"eirp_dbm"`
	HBeamwidthDeg float64 `json:"hbw_deg"`
	VBeamwidthDeg float64 `json:"vbw_deg"`
	FrontToBackDB float64 `json:"front_to_back_db"`
	SideLobeDB    float64 `json:"side_lobe_db"`
	Pattern       string  `json:"pattern,omitempty"`
	PatternSHA256 string  `json:"pattern_sha256,omitempty"`
}

// MarshalJSON writes in with the wire names. A record without a terrain
// sampling (stored before the option existed) was bilinear.
func (in Inputs) MarshalJSON() ([]byte, error) {
	r := in.Radio
	w := inputsJSON{
		Location:       [2]float64{in.Lon, in.Lat},
		HeightM:        in.HeightM,
		RxHeightM:      in.RxHeightM,
		FreqMHz:        in.FreqMHz,
		Technology:     string(in.Technology),
		Metric:         string(in.Metric),
		ThresholdDBm:   in.ThresholdDBm,
		ResourceBlocks: in.ResourceBlocks,
		PilotShareDB:   in.PilotShareDB,
		ConversionDB:   in.ConversionDB,
		Radio: radioJSON{Climate: r.Climate, N0: r.N0, Epsilon: r.Epsilon, SigmaSPerM: r.SigmaSPerM,
			Polarization: PolarizationName(r.Polarization), MDVar: r.MDVar,
			TimePct: r.TimePct, LocationPct: r.LocationPct, SituationPct: r.SituationPct},
		Sectors:         make([]sectorJSON, 0, len(in.Sectors)),
		RadiusM:         in.RadiusM,
		CellArcSec:      in.CellArcSec,
		ProfileStepM:    in.ProfileStepM,
		TerrainSampling: string(cmp.Or(in.TerrainSampling, SamplingBilinear)),
		DEMVersion:      in.DEMVersion,
		Model:           in.Model,
		Engine:          in.Engine,
	}
	for _, s := range in.Sectors {
		// The same fields in the same order: a conversion, which stops
		// compiling if the two part.
		w.Sectors = append(w.Sectors, sectorJSON(s))
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads what MarshalJSON writes.
func (in *Inputs) UnmarshalJSON(b []byte) error {
	var w inputsJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	pol, ok := ParsePolarization(w.Radio.Polarization)
	if !ok {
		return fmt.Errorf("coverage inputs: %s %q is not %s or %s", RadioField(FieldPolarization),
			w.Radio.Polarization, PolarizationVertical, PolarizationHorizontal)
	}
	*in = Inputs{
		Lon: w.Location[0], Lat: w.Location[1],
		HeightM:        w.HeightM,
		RxHeightM:      w.RxHeightM,
		FreqMHz:        w.FreqMHz,
		Technology:     Technology(w.Technology),
		Metric:         Metric(w.Metric),
		ThresholdDBm:   w.ThresholdDBm,
		ResourceBlocks: w.ResourceBlocks,
		PilotShareDB:   w.PilotShareDB,
		ConversionDB:   w.ConversionDB,
		Radio: Radio{Climate: w.Radio.Climate, N0: w.Radio.N0, Epsilon: w.Radio.Epsilon, SigmaSPerM: w.Radio.SigmaSPerM,
			Polarization: pol, MDVar: w.Radio.MDVar,
			TimePct: w.Radio.TimePct, LocationPct: w.Radio.LocationPct, SituationPct: w.Radio.SituationPct},
		RadiusM:         w.RadiusM,
		CellArcSec:      w.CellArcSec,
		ProfileStepM:    w.ProfileStepM,
		TerrainSampling: TerrainSampling(w.TerrainSampling),
		DEMVersion:      w.DEMVersion,
		Model:           w.Model,
		Engine:          w.Engine,
	}
	for _, s := range w.Sectors {
		in.Sectors = append(in.Sectors, SectorInputs(s))
	}
	return nil
}

// LimitsJSON is the wire form of what limited a coverage: Limits and the
// three counts the terrain window adds (planning.CoverageLimits). It is
// what POST /v1/coverage answers under "limits", what
// coverage_result.limits stores and what `btsplan coverage` prints.
type LimitsJSON struct {
	RadiusM             float64  `json:"radius_m"`
	RadiusLimited       bool     `json:"radius_limited"`
	RimCoveredCells     int      `json:"rim_covered_cells"`
	OutsideRadiusCells  int      `json:"outside_radius_cells"`
	BelowThresholdCells int      `json:"below_threshold_cells"`
	TerrainLimitedCells int      `json:"terrain_limited_cells"`
	DEMVoidCells        int      `json:"dem_void_cells"`
	DEMMissingCells     int      `json:"dem_missing_cells"`
	DEMFilledVoids      int      `json:"dem_filled_voids"`
	DEMTiles            []string `json:"dem_tiles"` // never null
	ModelErrorCells     int      `json:"model_error_cells"`
	FirstModelError     string   `json:"first_model_error,omitempty"`
	ModelWarningCells   int      `json:"model_warning_cells"`
	ModelWarnings       int      `json:"model_warnings"`
}

// JSON returns l with the terrain window's tiles, missing cells and voids
// filled at import in their wire form.
func (l Limits) JSON(demTiles []string, demMissingCells, demFilledVoids int) LimitsJSON {
	if demTiles == nil {
		demTiles = []string{}
	}
	return LimitsJSON{
		RadiusM: l.RadiusM, RadiusLimited: l.RadiusLimited, RimCoveredCells: l.RimCoveredCells,
		OutsideRadiusCells: l.OutsideRadiusCells, BelowThresholdCells: l.BelowThresholdCells,
		TerrainLimitedCells: l.TerrainLimitedCells, DEMVoidCells: l.DEMVoidCells,
		DEMMissingCells: demMissingCells, DEMFilledVoids: demFilledVoids, DEMTiles: demTiles,
		ModelErrorCells: l.ModelErrorCells, FirstModelError: l.FirstModelError,
		ModelWarningCells: l.ModelWarningCells, ModelWarnings: int(l.ModelWarnings),
	}
}

// Limits returns the engine's part of j.
func (j LimitsJSON) Limits() Limits {
	return Limits{
		RadiusM: j.RadiusM, RadiusLimited: j.RadiusLimited, RimCoveredCells: j.RimCoveredCells,
		OutsideRadiusCells: j.OutsideRadiusCells, BelowThresholdCells: j.BelowThresholdCells,
		TerrainLimitedCells: j.TerrainLimitedCells, DEMVoidCells: j.DEMVoidCells,
		ModelErrorCells: j.ModelErrorCells, FirstModelError: j.FirstModelError,
		ModelWarningCells: j.ModelWarningCells, ModelWarnings: itm.Warning(j.ModelWarnings),
	}
}
