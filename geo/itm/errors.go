package itm

import "fmt"

// Return codes of a model run, with NTIA's numbering. ReturnCode in
// [Result] is SuccessCode, SuccessWithWarningsCode or one of the Code*
// error values (>= 1000).
const (
	// SuccessCode means the run succeeded with no warning flags set.
	SuccessCode = 0
	// SuccessWithWarningsCode means the run succeeded but Warnings is not zero.
	SuccessWithWarningsCode = 1
)

// Error codes (NTIA ERRORS_AND_WARNINGS.md). Point-to-point TLS runs can
// return 1000–1005, 1008–1014, 1016, 1017, 1021 and 1022; the others belong
// to NTIA's area and confidence/reliability entry points and are listed so
// that the numbering is complete.
const (
	CodeTxTerminalHeight         = 1000 // TX structural height outside [0.5, 3000] m
	CodeRxTerminalHeight         = 1001 // RX structural height outside [0.5, 3000] m
	CodeRadioClimate             = 1002 // climate not in 1..7
	CodeTime                     = 1003 // time percentage not in (0, 100)
	CodeLocation                 = 1004 // location percentage not in (0, 100)
	CodeSituation                = 1005 // situation percentage not in (0, 100)
	CodeConfidence               = 1006 // confidence percentage not in (0, 100)
	CodeReliability              = 1007 // reliability percentage not in (0, 100)
	CodeRefractivity             = 1008 // N0 outside [250, 400] N-units
	CodeFrequency                = 1009 // frequency outside [20, 20000] MHz
	CodePolarization             = 1010 // polarization not 0 or 1
	CodeEpsilon                  = 1011 // relative permittivity below 1
	CodeSigma                    = 1012 // conductivity not positive
	CodeGroundImpedance          = 1013 // Re(Zg) <= |Im(Zg)|
	CodeMDVar                    = 1014 // mode of variability not 0..3 plus 0, 10, 20 or 30
	CodeMDVarBroadcast           = 1015 // broadcast mode in confidence/reliability runs
	CodeEffectiveEarth           = 1016 // effective earth radius outside [4000, 13333.333] km
	CodePathDistance             = 1017 // path distance or terrain profile unusable
	CodeDeltaH                   = 1018 // terrain irregularity out of range (area mode)
	CodeTxSitingCriteria         = 1019 // area mode only
	CodeRxSitingCriteria         = 1020 // area mode only
	CodeSurfaceRefractivitySmall = 1021 // computed N_s below 150 N-units
	CodeSurfaceRefractivityLarge = 1022 // computed N_s above 400 N-units
)

// Error is an invalid-input failure of a model run. Code is the NTIA
// return code (>= 1000) and Msg says which input was wrong and why.
// Profile problems that NTIA's implementation does not check (a pfl whose
// length does not match its header, a non-positive step, non-finite
// elevations) are reported as CodePathDistance.
type Error struct {
	Code int
	Msg  string
}

// Error returns "itm: <msg> (code <n>)".
func (e *Error) Error() string {
	return fmt.Sprintf("itm: %s (code %d)", e.Msg, e.Code)
}

// CodeName returns NTIA's constant name for a return code, such as
// "ERROR__TX_TERMINAL_HEIGHT", or "" for an unknown code.
func CodeName(code int) string {
	switch code {
	case SuccessCode:
		return "SUCCESS"
	case SuccessWithWarningsCode:
		return "SUCCESS_WITH_WARNINGS"
	case CodeTxTerminalHeight:
		return "ERROR__TX_TERMINAL_HEIGHT"
	case CodeRxTerminalHeight:
		return "ERROR__RX_TERMINAL_HEIGHT"
	case CodeRadioClimate:
		return "ERROR__INVALID_RADIO_CLIMATE"
	case CodeTime:
		return "ERROR__INVALID_TIME"
	case CodeLocation:
		return "ERROR__INVALID_LOCATION"
	case CodeSituation:
		return "ERROR__INVALID_SITUATION"
	case CodeConfidence:
		return "ERROR__INVALID_CONFIDENCE"
	case CodeReliability:
		return "ERROR__INVALID_RELIABILITY"
	case CodeRefractivity:
		return "ERROR__REFRACTIVITY"
	case CodeFrequency:
		return "ERROR__FREQUENCY"
	case CodePolarization:
		return "ERROR__POLARIZATION"
	case CodeEpsilon:
		return "ERROR__EPSILON"
	case CodeSigma:
		return "ERROR__SIGMA"
	case CodeGroundImpedance:
		return "ERROR__GROUND_IMPEDANCE"
	case CodeMDVar:
		return "ERROR__MDVAR"
	case CodeMDVarBroadcast:
		return "ERROR__MDVAR_BROADCAST_MODE"
	case CodeEffectiveEarth:
		return "ERROR__EFFECTIVE_EARTH"
	case CodePathDistance:
		return "ERROR__PATH_DISTANCE"
	case CodeDeltaH:
		return "ERROR__DELTA_H"
	case CodeTxSitingCriteria:
		return "ERROR__TX_SITING_CRITERIA"
	case CodeRxSitingCriteria:
		return "ERROR__RX_SITING_CRITERIA"
	case CodeSurfaceRefractivitySmall:
		return "ERROR__SURFACE_REFRACTIVITY_SMALL"
	case CodeSurfaceRefractivityLarge:
		return "ERROR__SURFACE_REFRACTIVITY_LARGE"
	}
	return ""
}

// derivedError builds the *Error for a failure found after the profile
// was analysed: a derived parameter outside the model's range.
func derivedError(code int, pa *path, m *medium) *Error {
	var msg string
	switch code {
	case CodeSurfaceRefractivitySmall:
		msg = fmt.Sprintf("surface refractivity N_s %.1f below 150 N-units at mean path height", m.nsN)
	case CodeSurfaceRefractivityLarge:
		msg = fmt.Sprintf("surface refractivity N_s %.1f above 400 N-units at mean path height", m.nsN)
	case CodeEffectiveEarth:
		msg = fmt.Sprintf("effective earth radius %.0f km outside [4000, 13333] km", m.aeM/1000)
	case CodeGroundImpedance:
		msg = fmt.Sprintf("ground impedance %g has Re <= |Im| (check epsilon and sigma)", m.zg)
	default:
		msg = fmt.Sprintf("path of %.0f m is outside the model's range", pa.dM)
	}
	return &Error{Code: code, Msg: msg}
}
