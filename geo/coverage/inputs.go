package coverage

import (
	"errors"
	"math"

	"btsplan/geo/itm"
)

// Model names the propagation model every result records.
const Model = "ITM 1.2.2 (btsplan geo/itm)"

// Engine names the coverage algorithm; it is part of the input hash so
// that a change of method never serves a stale cached result.
const Engine = "btsplan coverage 1 (ray-prefix profiles, exact ITM per cell)"

// Inputs is the resolved record of what a coverage was computed from:
// Params and Options with their defaults filled in and each sector's EIRP
// worked out. It is what Result records, what is stored with it, and what
// Hash digests. Fields of Options that mean "the DEM's" (CellArcSec and
// ProfileStepM at 0) stay 0 here: the DEM version fixes them.
type Inputs struct {
	Lon, Lat       float64 // EPSG:4326 degrees
	HeightM        float64
	RxHeightM      float64
	FreqMHz        float64
	Technology     Technology
	Metric         Metric
	ThresholdDBm   float64
	ResourceBlocks int
	PilotShareDB   float64
	// ConversionDB is subtracted from the total level to get the metric
	// (10·log10(12·N_RB) for RSRP, -PilotShareDB for RSCP, 0 for level).
	ConversionDB float64
	Radio        Radio
	Sectors      []SectorInputs
	RadiusM      float64
	CellArcSec   float64
	ProfileStepM float64
	// TerrainSampling is SamplingBilinear or SamplingNearest.
	TerrainSampling TerrainSampling
	DEMVersion      string
	Model           string
	Engine          string
}

// SectorInputs is the resolved record of one sector.
type SectorInputs struct {
	AzimuthDeg    float64
	MechTiltDeg   float64
	ElecTiltDeg   float64
	GainDBi       float64
	EIRPdBm       float64
	HBeamwidthDeg float64
	VBeamwidthDeg float64
	FrontToBackDB float64
	SideLobeDB    float64
	Pattern       string // the pattern's name; "" for the parametric model
	PatternSHA256 string // the pattern's digest (Pattern.SHA256)
}

// Hash returns the cache key of a computation: "sha256:" and the hex
// SHA-256 of the canonical encoding of the resolved inputs
// (Inputs.AppendCanonical, versioned by CanonicalVersion). It
// validates like Compute and returns the same *InputError values, so a
// caller can look up a cached result before loading any terrain.
func Hash(site Params, opts Options) (string, error) {
	in, err := Resolve(site, opts)
	if err != nil {
		return "", err
	}
	return in.Hash(), nil
}

// Resolve returns the resolved inputs of site and opts, the record that
// Hash digests and Compute's Result keeps. Errors: those of Compute's
// input checks, as *InputError values.
func Resolve(site Params, opts Options) (Inputs, error) {
	in, _, err := resolve(site, opts)
	return in, err
}

// resolve validates site and opts, fills in the defaults and prepares the
// sector models of the hot loop.
func resolve(site Params, opts Options) (Inputs, []sectorModel, error) {
	in := Inputs{Model: Model, Engine: Engine}
	lon, lat := site.Location[0], site.Location[1]
	if !finite(lon, lat) || lon < -180 || lon > 180 || lat < -85 || lat > 85 {
		return in, nil, inputErr(FieldLocation, "[%g, %g] is not a [lon, lat] point within ±85° latitude", lon, lat)
	}
	in.Lon, in.Lat = lon, lat
	if !(site.HeightM >= 0.5 && site.HeightM <= 3000) {
		return in, nil, inputErr(FieldHeightM, "%g m is outside 0.5..3000 m", site.HeightM)
	}
	in.HeightM = site.HeightM
	in.RxHeightM = site.RxHeightM
	if in.RxHeightM == 0 {
		in.RxHeightM = DefaultRxHeightM
	}
	if !(in.RxHeightM >= 0.5 && in.RxHeightM <= 3000) {
		return in, nil, inputErr(FieldRxHeightM, "%g m is outside 0.5..3000 m", in.RxHeightM)
	}
	if !(site.FreqMHz >= 20 && site.FreqMHz <= 20000) {
		return in, nil, inputErr(FieldFreqMHz, "%g MHz is outside 20..20000 MHz", site.FreqMHz)
	}
	in.FreqMHz = site.FreqMHz

	if err := resolveThreshold(&in, site); err != nil {
		return in, nil, err
	}

	in.Radio = site.Radio
	if in.Radio == (Radio{}) {
		in.Radio = DefaultRadio()
	}
	if err := checkGround(in.Radio); err != nil {
		return in, nil, err
	}
	if err := checkRadio(&in); err != nil {
		return in, nil, err
	}

	if len(site.Sectors) == 0 {
		return in, nil, inputErr(FieldSectors, "a site needs at least one sector")
	}
	if len(site.Sectors) > MaxSectors {
		return in, nil, inputErr(FieldSectors, "%d sectors is over the limit of %d per coverage; sectors on other bands are separate coverages",
			len(site.Sectors), MaxSectors)
	}
	models := make([]sectorModel, len(site.Sectors))
	for i, s := range site.Sectors {
		si, err := resolveSector(s)
		if err != nil {
			var ie *InputError
			if errors.As(err, &ie) {
				ie.Field = SectorField(i, ie.Field)
			}
			return in, nil, err
		}
		in.Sectors = append(in.Sectors, si)
		models[i] = newSectorModel(si, s.Pattern)
	}

	in.RadiusM = opts.RadiusM
	if in.RadiusM == 0 {
		in.RadiusM = DefaultRadiusM
	}
	if !(in.RadiusM >= minRadiusM && in.RadiusM <= maxRadiusM) {
		return in, nil, inputErr(FieldRadiusM, "%g m is outside 100 m..100 km", in.RadiusM)
	}
	if !(opts.CellArcSec == 0 || opts.CellArcSec >= 0.1 && opts.CellArcSec <= 60) {
		return in, nil, inputErr(FieldCellArcSec, "%g is outside 0.1..60 arc-seconds", opts.CellArcSec)
	}
	in.CellArcSec = opts.CellArcSec
	if !(opts.ProfileStepM == 0 || opts.ProfileStepM >= 1 && opts.ProfileStepM <= 1000) {
		return in, nil, inputErr(FieldProfileStepM, "%g m is outside 1..1000 m", opts.ProfileStepM)
	}
	in.ProfileStepM = opts.ProfileStepM
	switch opts.TerrainSampling {
	case "", SamplingBilinear:
		in.TerrainSampling = SamplingBilinear
	case SamplingNearest:
		in.TerrainSampling = SamplingNearest
	default:
		return in, nil, inputErr(FieldTerrainSampling, "%q is not %s or %s", opts.TerrainSampling, SamplingBilinear, SamplingNearest)
	}
	in.DEMVersion = opts.DEMVersion
	if opts.Workers < 0 || opts.Workers > MaxWorkers {
		return in, nil, inputErr(FieldWorkers, "%d is outside 0..%d", opts.Workers, MaxWorkers)
	}
	return in, models, nil
}

func resolveThreshold(in *Inputs, site Params) error {
	in.Technology = site.Technology
	in.ThresholdDBm = site.ThresholdDBm
	in.Metric = MetricLevel
	if site.Technology != "" {
		def, metric, err := DefaultThresholdDBm(site.Technology)
		if err != nil {
			return err
		}
		in.Metric = metric
		if in.ThresholdDBm == 0 {
			in.ThresholdDBm = def
		}
	}
	if in.ThresholdDBm == 0 || !finite(in.ThresholdDBm) || in.ThresholdDBm < -200 || in.ThresholdDBm > 50 {
		return inputErr(FieldThresholdDBm, "%g dBm is not a threshold in -200..50 dBm (0 needs a Technology)", site.ThresholdDBm)
	}
	switch in.Metric {
	case MetricRSRP, MetricSSRSRP:
		in.ResourceBlocks = site.ResourceBlocks
		if in.ResourceBlocks == 0 {
			in.ResourceBlocks = techDefaults[in.Technology].rb
		}
		if in.ResourceBlocks < 6 || in.ResourceBlocks > 275 {
			return inputErr(FieldResourceBlocks, "%d is outside 6..275", site.ResourceBlocks)
		}
		in.ConversionDB = 10 * math.Log10(12*float64(in.ResourceBlocks))
	case MetricRSCP:
		in.PilotShareDB = site.PilotShareDB
		if in.PilotShareDB == 0 {
			in.PilotShareDB = -10
		}
		if !(in.PilotShareDB < 0 && in.PilotShareDB >= -30) {
			return inputErr(FieldPilotShareDB, "%g dB is outside -30..0 dB", site.PilotShareDB)
		}
		in.ConversionDB = -in.PilotShareDB
	}
	return nil
}

// checkGround bounds the ground constants to what soil and water have
// (ITM itself accepts any permittivity from 1 and any positive
// conductivity, which would only produce meaningless losses).
func checkGround(r Radio) error {
	if !(r.Epsilon >= 1 && r.Epsilon <= 100) {
		return inputErr(RadioField(FieldEpsilon), "%g is outside 1..100 (sea water is 80)", r.Epsilon)
	}
	if !(r.SigmaSPerM > 0 && r.SigmaSPerM <= 10) {
		return inputErr(RadioField(FieldSigmaSPerM), "%g S/m is outside 0..10 S/m (sea water is 5)", r.SigmaSPerM)
	}
	return nil
}

// checkRadio runs ITM once on a tiny flat profile so that its own input
// checks, and nothing looser, decide what a valid environment is.
func checkRadio(in *Inputs) error {
	p := in.itmParams()
	pfl := []float64{2, 100, 0, 0, 0}
	_, err := itm.P2P(p, pfl)
	var ie *itm.Error
	if !errors.As(err, &ie) {
		return err
	}
	field := FieldRadio
	switch ie.Code {
	case itm.CodeRadioClimate:
		field = RadioField(FieldClimate)
	case itm.CodeRefractivity, itm.CodeSurfaceRefractivitySmall, itm.CodeSurfaceRefractivityLarge:
		field = RadioField(FieldN0)
	case itm.CodeEpsilon, itm.CodeGroundImpedance:
		field = RadioField(FieldEpsilon)
	case itm.CodeSigma:
		field = RadioField(FieldSigmaSPerM)
	case itm.CodePolarization:
		field = RadioField(FieldPolarization)
	case itm.CodeMDVar:
		field = RadioField(FieldMDVar)
	case itm.CodeTime:
		field = RadioField(FieldTimePct)
	case itm.CodeLocation:
		field = RadioField(FieldLocationPct)
	case itm.CodeSituation:
		field = RadioField(FieldSituationPct)
	case itm.CodeTxTerminalHeight:
		field = FieldHeightM
	case itm.CodeRxTerminalHeight:
		field = FieldRxHeightM
	case itm.CodeFrequency:
		field = FieldFreqMHz
	}
	return &InputError{Field: field, Err: err}
}

// itmParams returns the ITM parameters of in.
func (in *Inputs) itmParams() itm.Params {
	r := in.Radio
	return itm.Params{
		HTxM:         in.HeightM,
		HRxM:         in.RxHeightM,
		Climate:      r.Climate,
		N0:           r.N0,
		FreqMHz:      in.FreqMHz,
		Polarization: r.Polarization,
		Epsilon:      r.Epsilon,
		SigmaSPerM:   r.SigmaSPerM,
		MDVar:        r.MDVar,
		TimePct:      r.TimePct,
		LocationPct:  r.LocationPct,
		SituationPct: r.SituationPct,
	}
}

func resolveSector(s Sector) (SectorInputs, error) {
	si := SectorInputs{
		MechTiltDeg:   s.MechTiltDeg,
		ElecTiltDeg:   s.ElecTiltDeg,
		GainDBi:       s.GainDBi,
		HBeamwidthDeg: s.HBeamwidthDeg,
		VBeamwidthDeg: s.VBeamwidthDeg,
		FrontToBackDB: s.FrontToBackDB,
		SideLobeDB:    s.SideLobeDB,
	}
	if !finite(s.AzimuthDeg) {
		return si, inputErr(FieldAzimuthDeg, "%g is not a bearing", s.AzimuthDeg)
	}
	si.AzimuthDeg = math.Mod(math.Mod(s.AzimuthDeg, 360)+360, 360)
	if !(math.Abs(s.MechTiltDeg) <= 90) {
		return si, inputErr(FieldMechTiltDeg, "%g° is outside -90..90°", s.MechTiltDeg)
	}
	if !(math.Abs(s.ElecTiltDeg) <= 90) {
		return si, inputErr(FieldElecTiltDeg, "%g° is outside -90..90°", s.ElecTiltDeg)
	}
	if !(math.Abs(s.GainDBi) <= 60) {
		return si, inputErr(FieldGainDBi, "%g dBi is outside -60..60 dBi", s.GainDBi)
	}
	if p := s.Pattern; p != nil {
		si.Pattern = p.Name
		si.PatternSHA256 = p.SHA256
		if si.GainDBi == 0 {
			si.GainDBi = p.GainDBi
		}
		// The beamwidths and lobe levels of the parametric model do not
		// apply; keep them out of the record and the hash.
		si.HBeamwidthDeg, si.VBeamwidthDeg, si.FrontToBackDB, si.SideLobeDB = 0, 0, 0, 0
	} else {
		if !(s.HBeamwidthDeg >= 0 && s.HBeamwidthDeg <= 360) {
			return si, inputErr(FieldHBeamwidthDeg, "%g° is outside 0..360°", s.HBeamwidthDeg)
		}
		if !(s.VBeamwidthDeg >= 0 && s.VBeamwidthDeg <= 180) {
			return si, inputErr(FieldVBeamwidthDeg, "%g° is outside 0..180°", s.VBeamwidthDeg)
		}
		if si.FrontToBackDB == 0 {
			si.FrontToBackDB = 25
		}
		if si.SideLobeDB == 0 {
			si.SideLobeDB = 20
		}
		if !(si.FrontToBackDB > 0 && si.FrontToBackDB <= 100) {
			return si, inputErr(FieldFrontToBackDB, "%g dB is outside 0..100 dB", s.FrontToBackDB)
		}
		if !(si.SideLobeDB > 0 && si.SideLobeDB <= 100) {
			return si, inputErr(FieldSideLobeDB, "%g dB is outside 0..100 dB", s.SideLobeDB)
		}
	}
	switch {
	case s.EIRPdBm != 0:
		si.EIRPdBm = s.EIRPdBm
	case s.TxPowerDBm != 0:
		if !(s.LossesDB >= 0 && s.LossesDB <= 50) {
			return si, inputErr(FieldLossesDB, "%g dB is outside 0..50 dB", s.LossesDB)
		}
		si.EIRPdBm = s.TxPowerDBm - s.LossesDB + si.GainDBi
	default:
		return si, inputErr(FieldEIRPdBm, "give the EIRP or the transmitter power")
	}
	if !(si.EIRPdBm >= -30 && si.EIRPdBm <= 100) {
		return si, inputErr(FieldEIRPdBm, "%g dBm is outside -30..100 dBm", si.EIRPdBm)
	}
	return si, nil
}
