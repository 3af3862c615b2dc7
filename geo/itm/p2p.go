package itm

import "math"

// Workspace is the reusable scratch memory of point-to-point runs. Its
// zero value is ready to use; it holds no results between calls. A
// Workspace must not be shared by goroutines running at the same time:
// give each worker its own.
type Workspace struct {
	samples [maxRoughnessSamples]float64 // resampled profile for Δh

	// The constants derived from the Params of the last run, and the
	// warnings its validation raised.
	params    Params
	radio     radio
	paramWarn Warning
	haveRadio bool
}

// P2P runs the ITM point-to-point model with time, location and
// situation variability (NTIA's ITM_P2P_TLS) on the terrain profile pfl
// in the layout [n, stepM, e0, ..., en]: n intervals of stepM metres,
// elevations in metres above sea level, transmitter first.
//
// Invalid inputs give a *Error whose Code is NTIA's return code (>= 1000),
// also set in Result.ReturnCode with the warnings raised before the
// failure. P2P allocates nothing on success; for many calls use a
// Workspace.
func P2P(p Params, pfl []float64) (Result, error) {
	var w Workspace
	return w.P2P(&p, pfl)
}

// P2P is the package-level P2P using w's scratch memory; it does not
// allocate unless it returns an error.
func (w *Workspace) P2P(p *Params, pfl []float64) (Result, error) {
	return w.run(p, pfl, false)
}

// run is P2P with a choice of implementation for the steps that
// dominate its cost: the fast horizons and deltaH and the cached Params
// constants, or with plain set the obviously-correct horizonsPlain and
// deltaHPlain and fresh constants, which they are tested and benchmarked
// against.
func (w *Workspace) run(p *Params, pfl []float64, plain bool) (Result, error) {
	res := Result{LossDB: math.NaN()}
	rd := &w.radio
	var warn Warning
	switch {
	case plain:
		var code int
		if warn, code = validate(p); code != 0 {
			res.Warnings, res.ReturnCode = warn, code
			return res, paramError(p, code)
		}
		fresh := newRadio(p)
		rd = &fresh
	case w.haveRadio && w.params == *p:
		warn = w.paramWarn // p was validated with the radio constants
	default:
		var code int
		if warn, code = validate(p); code != 0 {
			res.Warnings, res.ReturnCode = warn, code
			return res, paramError(p, code)
		}
		w.radio, w.params, w.paramWarn, w.haveRadio = newRadio(p), *p, warn, true
	}
	res.Warnings = warn
	elevM, stepM, perr := splitProfile(pfl)
	if perr != nil {
		res.ReturnCode = perr.Code
		return res, perr
	}

	pa := path{dM: pfl[0] * pfl[1], hgM: [2]float64{p.HTxM, p.HRxM}}
	res.Intermediate.DKm = pa.dM / 1000
	maxAbsElevM, meanElevM, perr := scanElevations(elevM)
	if perr != nil {
		res.ReturnCode = perr.Code
		return res, perr
	}
	m := newMedium(p, rd, meanElevM)
	if plain {
		horizonsPlain(&pa, elevM, stepM, m.aeM)
	} else {
		horizons(&pa, elevM, stepM, m.aeM, maxAbsElevM)
	}

	// Terrain counts from 15 antenna heights, or a tenth of the horizon
	// distance if less, in from each end (Hufford et al. 1982, p. 25).
	x1M := min(15*pa.hgM[0], 0.1*pa.dHznM[0])
	x2M := pa.dM - min(15*pa.hgM[1], 0.1*pa.dHznM[1])
	if plain {
		pa.deltaHM = deltaHPlain(elevM, stepM, x1M, x2M)
	} else {
		pa.deltaHM = w.deltaH(elevM, stepM, x1M, x2M)
	}
	effectiveHeights(&pa, elevM, stepM, m.aeM, x1M, x2M)

	aRefDB, mode, code := referenceAttenuation(&pa, &m, &warn)
	if code != 0 {
		res.Warnings = warn
		res.ReturnCode = code
		return res, derivedError(code, &pa, &m)
	}
	aFsDB := 32.45 + 20*m.log10F + 20*log10(pa.dM/1000)
	res.LossDB = variabilityDB(p, &pa, &m, aRefDB, &warn) + aFsDB
	res.Warnings = warn
	res.Mode = mode
	if warn != 0 {
		res.ReturnCode = SuccessWithWarningsCode
	}
	res.Intermediate = Intermediate{
		ThetaHznRad: pa.thetaHzn,
		DHznM:       pa.dHznM,
		HEffM:       pa.heM,
		NsNUnits:    m.nsN,
		DeltaHM:     pa.deltaHM,
		ARefDB:      aRefDB,
		AFsDB:       aFsDB,
		DKm:         res.Intermediate.DKm,
	}
	return res, nil
}
