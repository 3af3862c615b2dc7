package itm

import (
	"strconv"
	"strings"
)

// Warning is a set of ITM warning flags (NTIA ERRORS_AND_WARNINGS.md).
// A run that sets any flag still returns a loss, with ReturnCode
// SuccessWithWarningsCode; the flags say which inputs or derived path
// parameters are outside the range in which the model was validated.
type Warning uint32

// Warning flags, with NTIA's bit values.
const (
	// WarnTxTerminalHeight: TX height below 1 m or above 1000 m.
	WarnTxTerminalHeight Warning = 0x0001
	// WarnRxTerminalHeight: RX height below 1 m or above 1000 m.
	WarnRxTerminalHeight Warning = 0x0002
	// WarnFrequency: frequency below 40 MHz or above 10 GHz.
	WarnFrequency Warning = 0x0004
	// WarnPathDistanceTooBig1: path longer than 1000 km.
	WarnPathDistanceTooBig1 Warning = 0x0008
	// WarnPathDistanceTooBig2: path longer than 2000 km.
	WarnPathDistanceTooBig2 Warning = 0x0010
	// WarnPathDistanceTooSmall1: path shorter than |h_e,tx - h_e,rx| / 0.2.
	WarnPathDistanceTooSmall1 Warning = 0x0020
	// WarnPathDistanceTooSmall2: path shorter than 1 km.
	WarnPathDistanceTooSmall2 Warning = 0x0040
	// WarnTxHorizonAngle: |TX horizon angle| above 200 mrad.
	WarnTxHorizonAngle Warning = 0x0080
	// WarnRxHorizonAngle: |RX horizon angle| above 200 mrad.
	WarnRxHorizonAngle Warning = 0x0100
	// WarnTxHorizonDistance1: TX horizon nearer than 0.1 × smooth-earth horizon.
	WarnTxHorizonDistance1 Warning = 0x0200
	// WarnRxHorizonDistance1: RX horizon nearer than 0.1 × smooth-earth horizon.
	WarnRxHorizonDistance1 Warning = 0x0400
	// WarnTxHorizonDistance2: TX horizon beyond 3 × smooth-earth horizon.
	WarnTxHorizonDistance2 Warning = 0x0800
	// WarnRxHorizonDistance2: RX horizon beyond 3 × smooth-earth horizon.
	WarnRxHorizonDistance2 Warning = 0x1000
	// WarnExtremeVariabilities: a standard normal deviate beyond ±3.1.
	WarnExtremeVariabilities Warning = 0x2000
	// WarnSurfaceRefractivity: computed N_s in [150, 250) N-units.
	WarnSurfaceRefractivity Warning = 0x4000
)

// warningNames lists every flag with NTIA's name (without "WARN__"),
// lowest bit first.
var warningNames = [...]struct {
	flag Warning
	name string
}{
	{WarnTxTerminalHeight, "TX_TERMINAL_HEIGHT"},
	{WarnRxTerminalHeight, "RX_TERMINAL_HEIGHT"},
	{WarnFrequency, "FREQUENCY"},
	{WarnPathDistanceTooBig1, "PATH_DISTANCE_TOO_BIG_1"},
	{WarnPathDistanceTooBig2, "PATH_DISTANCE_TOO_BIG_2"},
	{WarnPathDistanceTooSmall1, "PATH_DISTANCE_TOO_SMALL_1"},
	{WarnPathDistanceTooSmall2, "PATH_DISTANCE_TOO_SMALL_2"},
	{WarnTxHorizonAngle, "TX_HORIZON_ANGLE"},
	{WarnRxHorizonAngle, "RX_HORIZON_ANGLE"},
	{WarnTxHorizonDistance1, "TX_HORIZON_DISTANCE_1"},
	{WarnRxHorizonDistance1, "RX_HORIZON_DISTANCE_1"},
	{WarnTxHorizonDistance2, "TX_HORIZON_DISTANCE_2"},
	{WarnRxHorizonDistance2, "RX_HORIZON_DISTANCE_2"},
	{WarnExtremeVariabilities, "EXTREME_VARIABILITIES"},
	{WarnSurfaceRefractivity, "SURFACE_REFRACTIVITY"},
}

// Names returns NTIA's names of the flags set in w, lowest bit first,
// such as ["TX_HORIZON_ANGLE", "RX_HORIZON_DISTANCE_1"]. Unknown bits are
// given in hex.
func (w Warning) Names() []string {
	var names []string
	rest := w
	for _, wn := range warningNames {
		if w&wn.flag != 0 {
			names = append(names, wn.name)
			rest &^= wn.flag
		}
	}
	if rest != 0 {
		names = append(names, "0x"+strconv.FormatUint(uint64(rest), 16))
	}
	return names
}

// String lists the flags set in w joined by "|", or "NO_WARNINGS".
func (w Warning) String() string {
	if w == 0 {
		return "NO_WARNINGS"
	}
	return strings.Join(w.Names(), "|")
}
