package itm

import (
	"math"
	"math/cmplx"
)

// radio holds what a run derives from Params alone. A Workspace keeps
// the last one, so that runs with unchanged Params (one site, many
// receivers) skip recomputing it.
type radio struct {
	fMHz      float64
	k         float64 // wave number 2π/λ in 1/m: f / 47.7 MHz
	zg        complex128
	absZg     float64
	fCbrt     float64 // f^(1/3)
	fInvCbrt  float64 // f^(-1/3)
	log10F    float64
	zT, zL    float64 // standard normal deviates of time and location
	zS        float64 // and of situation
	lnK       float64 // ln(0.133·k), the frequency variable of σ_T
	freqDistM float64 // (575.7e12/k)^(1/3), frequency part of d_ex
}

// newRadio derives the Params-only constants. Complex relative
// permittivity is ε + i·18000σ/f: NTIA uses 18000 for Hufford's
// Z0/k = 376.62·47.7 (= 17965), and so do we to match it.
func newRadio(p *Params) radio {
	k := p.FreqMHz / waveNumberMHz
	epsR := complex(p.Epsilon, 18000*p.SigmaSPerM/p.FreqMHz)
	zg := cmplx.Sqrt(epsR - 1)
	if p.Polarization == PolarizationVertical {
		zg /= epsR
	}
	fCbrt := math.Cbrt(p.FreqMHz)
	return radio{
		fMHz:      p.FreqMHz,
		k:         k,
		zg:        zg,
		absZg:     cmplx.Abs(zg),
		fCbrt:     fCbrt,
		fInvCbrt:  1 / fCbrt,
		log10F:    math.Log10(p.FreqMHz),
		zT:        inverseQ(p.TimePct / 100),
		zL:        inverseQ(p.LocationPct / 100),
		zS:        inverseQ(p.SituationPct / 100),
		lnK:       math.Log(0.133 * k),
		freqDistM: math.Cbrt(575.7e12 / k),
	}
}

// medium holds the electrical constants of one run: the radio constants
// and the atmosphere over this path.
type medium struct {
	*radio
	nsN float64 // surface refractivity N_s at the path's mean height
	aeM float64 // effective earth radius 1/γ_e
}

// Atmosphere constants of the algorithm.
const (
	gammaActualPerM   = 157e-9 // curvature of the actual earth, 1/m
	refractivityScale = 9460.0 // scale height of N_s, m
	waveNumberMHz     = 47.7   // f/k, MHz·m
	earthRadiusM      = 6370e3 // a_0, the actual earth of Vogler's method
	sqrt2             = math.Sqrt2
)

// newMedium derives N_s and γ_e from N0 and the path's mean ground
// height hSysM (metres above sea level).
func newMedium(p *Params, rd *radio, hSysM float64) medium {
	ns := p.N0
	if hSysM != 0 {
		ns = p.N0 * math.Exp(-hSysM/refractivityScale)
	}
	gammaE := gammaActualPerM * (1 - 0.04665*math.Exp(ns/179.3))
	return medium{radio: rd, nsN: ns, aeM: 1 / gammaE}
}

// roughnessAt is Δh(d) = Δh·(1 - 0.8·exp(-d/50 km)), the irregularity
// seen over a distance dM.
func roughnessAt(deltaHM, dM float64) float64 {
	return deltaHM * (1 - 0.8*math.Exp(-dM/50e3))
}

// sigmaH is the rms deviation of the terrain within the first Fresnel
// zone for irregularity dhM: 0.78·Δh·exp(-(Δh/16)^¼).
func sigmaH(dhM float64) float64 {
	return 0.78 * dhM * math.Exp(-0.5*math.Sqrt(math.Sqrt(dhM)))
}

// log10 is math.Log10; a short name keeps the dB formulas readable.
func log10(x float64) float64 { return math.Log10(x) }
