package itm

// Propagation modes (Result.Mode): the region of ITM's reference
// attenuation curve the path length falls in. ModeLineOfSight means the
// path is shorter than the smooth-earth line-of-sight distance, even when
// terrain blocks it.
const (
	ModeNotSet       = 0
	ModeLineOfSight  = 1
	ModeDiffraction  = 2
	ModeTroposcatter = 3
)

// Result is the outcome of one point-to-point run.
type Result struct {
	// LossDB is the basic transmission loss A in dB; NaN when ReturnCode
	// is an error.
	LossDB float64
	// ReturnCode is SuccessCode, SuccessWithWarningsCode or an error code
	// (>= 1000).
	ReturnCode int
	// Warnings holds the warning flags raised, also those raised before an
	// error stopped the run.
	Warnings Warning
	// Mode is ModeLineOfSight, ModeDiffraction or ModeTroposcatter, or
	// ModeNotSet after an error.
	Mode int
	// Intermediate holds the derived path parameters; only DKm is set
	// after an error.
	Intermediate Intermediate
}

// Intermediate holds the path parameters ITM derives from the profile
// (NTIA's IntermediateValues); index 0 is the transmitter, 1 the receiver.
type Intermediate struct {
	// ThetaHznRad are the terminal horizon elevation angles in radians.
	ThetaHznRad [2]float64
	// DHznM are the terminal horizon distances in metres.
	DHznM [2]float64
	// HEffM are the effective antenna heights in metres.
	HEffM [2]float64
	// NsNUnits is the surface refractivity N_s in N-units.
	NsNUnits float64
	// DeltaHM is the terrain irregularity parameter Δh in metres.
	DeltaHM float64
	// ARefDB is the reference attenuation below free space in dB.
	ARefDB float64
	// AFsDB is the free-space basic transmission loss in dB.
	AFsDB float64
	// DKm is the path length in kilometres.
	DKm float64
}
