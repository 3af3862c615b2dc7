package itm

import "fmt"

// Radio climates (Params.Climate).
const (
	ClimateEquatorial                = 1
	ClimateContinentalSubtropical    = 2
	ClimateMaritimeSubtropical       = 3
	ClimateDesert                    = 4
	ClimateContinentalTemperate      = 5
	ClimateMaritimeTemperateOverLand = 6
	ClimateMaritimeTemperateOverSea  = 7
)

// Polarizations (Params.Polarization).
const (
	PolarizationHorizontal = 0
	PolarizationVertical   = 1
)

// Modes of variability (Params.MDVar). Add MDVarNoLocation to remove
// location variability and MDVarNoSituation to remove direct situation
// variability, for example MDVarMobile+MDVarNoSituation = 22.
const (
	MDVarSingleMessage = 0
	MDVarAccidental    = 1
	MDVarMobile        = 2
	MDVarBroadcast     = 3
	MDVarNoLocation    = 10
	MDVarNoSituation   = 20
)

// Params are the ITM point-to-point inputs other than terrain. The limits
// are NTIA's; values outside them give an *Error with the code named.
type Params struct {
	// HTxM and HRxM are the antenna heights above ground in metres,
	// 0.5..3000 (CodeTxTerminalHeight, CodeRxTerminalHeight); outside
	// 1..1000 they set a warning.
	HTxM, HRxM float64
	// Climate is the radio climate, 1..7 (CodeRadioClimate).
	Climate int
	// N0 is the minimum monthly mean surface refractivity reduced to sea
	// level, 250..400 N-units (CodeRefractivity).
	N0 float64
	// FreqMHz is the carrier frequency, 20..20000 MHz (CodeFrequency);
	// outside 40..10000 it sets WarnFrequency.
	FreqMHz float64
	// Polarization is PolarizationHorizontal or PolarizationVertical
	// (CodePolarization).
	Polarization int
	// Epsilon is the ground's relative permittivity, at least 1
	// (CodeEpsilon).
	Epsilon float64
	// SigmaSPerM is the ground conductivity in S/m, above 0 (CodeSigma).
	SigmaSPerM float64
	// MDVar is the mode of variability: 0..3, plus 10 and/or 20
	// (CodeMDVar).
	MDVar int
	// TimePct, LocationPct and SituationPct are the variability
	// percentages, each strictly between 0 and 100 (CodeTime,
	// CodeLocation, CodeSituation).
	TimePct, LocationPct, SituationPct float64
}

// validate checks p in NTIA's order and returns the warnings raised so
// far and the first error code, or 0. NaN fails every range check.
func validate(p *Params) (Warning, int) {
	var warn Warning
	if p.HTxM < 1 || p.HTxM > 1000 {
		warn |= WarnTxTerminalHeight
	}
	if !(p.HTxM >= 0.5 && p.HTxM <= 3000) {
		return warn, CodeTxTerminalHeight
	}
	if p.HRxM < 1 || p.HRxM > 1000 {
		warn |= WarnRxTerminalHeight
	}
	if !(p.HRxM >= 0.5 && p.HRxM <= 3000) {
		return warn, CodeRxTerminalHeight
	}
	if p.Climate < ClimateEquatorial || p.Climate > ClimateMaritimeTemperateOverSea {
		return warn, CodeRadioClimate
	}
	if !(p.N0 >= 250 && p.N0 <= 400) {
		return warn, CodeRefractivity
	}
	if p.FreqMHz < 40 || p.FreqMHz > 10000 {
		warn |= WarnFrequency
	}
	if !(p.FreqMHz >= 20 && p.FreqMHz <= 20000) {
		return warn, CodeFrequency
	}
	if p.Polarization != PolarizationHorizontal && p.Polarization != PolarizationVertical {
		return warn, CodePolarization
	}
	if !(p.Epsilon >= 1) || p.Epsilon > maxFinite {
		return warn, CodeEpsilon
	}
	if !(p.SigmaSPerM > 0) || p.SigmaSPerM > maxFinite {
		return warn, CodeSigma
	}
	if base := p.MDVar % 10; p.MDVar < 0 || p.MDVar > 33 || base > MDVarBroadcast {
		return warn, CodeMDVar
	}
	// NTIA checks situation before time and location.
	if !(p.SituationPct > 0 && p.SituationPct < 100) {
		return warn, CodeSituation
	}
	if !(p.TimePct > 0 && p.TimePct < 100) {
		return warn, CodeTime
	}
	if !(p.LocationPct > 0 && p.LocationPct < 100) {
		return warn, CodeLocation
	}
	return warn, 0
}

// maxFinite is the largest float64; comparing with it rejects +Inf.
const maxFinite = 1.7976931348623157e308

// paramError builds the *Error for a validation failure of p.
func paramError(p *Params, code int) *Error {
	var msg string
	switch code {
	case CodeTxTerminalHeight:
		msg = fmt.Sprintf("tx antenna height %g m outside [0.5, 3000] m", p.HTxM)
	case CodeRxTerminalHeight:
		msg = fmt.Sprintf("rx antenna height %g m outside [0.5, 3000] m", p.HRxM)
	case CodeRadioClimate:
		msg = fmt.Sprintf("radio climate %d not in 1..7", p.Climate)
	case CodeRefractivity:
		msg = fmt.Sprintf("surface refractivity N0 %g outside [250, 400] N-units", p.N0)
	case CodeFrequency:
		msg = fmt.Sprintf("frequency %g MHz outside [20, 20000] MHz", p.FreqMHz)
	case CodePolarization:
		msg = fmt.Sprintf("polarization %d is neither 0 (horizontal) nor 1 (vertical)", p.Polarization)
	case CodeEpsilon:
		msg = fmt.Sprintf("relative permittivity %g below 1", p.Epsilon)
	case CodeSigma:
		msg = fmt.Sprintf("ground conductivity %g S/m not positive", p.SigmaSPerM)
	case CodeMDVar:
		msg = fmt.Sprintf("mode of variability %d not 0..3 plus 0, 10, 20 or 30", p.MDVar)
	case CodeSituation:
		msg = fmt.Sprintf("situation percentage %g outside (0, 100)", p.SituationPct)
	case CodeTime:
		msg = fmt.Sprintf("time percentage %g outside (0, 100)", p.TimePct)
	case CodeLocation:
		msg = fmt.Sprintf("location percentage %g outside (0, 100)", p.LocationPct)
	default:
		msg = "invalid input"
	}
	return &Error{Code: code, Msg: msg}
}
