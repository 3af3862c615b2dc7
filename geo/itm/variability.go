package itm

import "math"

// varCurve holds the five coefficients of one of the climate curves of
// TN101 (eqs. III.69–70): c1 + c2/(1+((d_e-x2)/x3)²), scaled by
// (d_e/x1)²/(1+(d_e/x1)²).
type varCurve struct{ c1, c2, x1, x2, x3 float64 }

func (c *varCurve) at(deM float64) float64 {
	u := (deM - c.x2) / c.x3
	v := deM / c.x1
	v *= v
	return (c.c1 + c.c2/(1+u*u)) * v / (1 + v)
}

// climateModel holds the variability constants of one radio climate
// (Hufford, algorithm table 5.1, and NTIA's tables).
type climateModel struct {
	median     varCurve // V_med, the all-year median adjustment
	sigmaTLow  varCurve // σ_T- (time variability below the median)
	sigmaTHigh varCurve // σ_T+ (above the median)
	cD, zD     float64  // ducting: σ_TD = C_D·σ_T+ beyond z_D
	gLow       [3]float64
	gHigh      [3]float64 // frequency factors g = b1 + b2/((b3·ln(0.133k))²+1)
}

// climates is indexed by Params.Climate-1. It is read-only.
var climates = [7]climateModel{
	{ // 1 equatorial
		median:     varCurve{-9.67, 12.7, 144.9e3, 190.3e3, 133.8e3},
		sigmaTLow:  varCurve{2.13, 159.5, 762.2e3, 123.6e3, 94.5e3},
		sigmaTHigh: varCurve{2.11, 102.3, 636.9e3, 134.8e3, 95.6e3},
		cD:         1.224, zD: 1.282,
		gLow: [3]float64{1, 0, 0}, gHigh: [3]float64{1, 0, 0},
	},
	{ // 2 continental subtropical
		median:     varCurve{-0.62, 9.19, 228.9e3, 205.2e3, 143.6e3},
		sigmaTLow:  varCurve{2.66, 7.67, 100.4e3, 172.5e3, 136.4e3},
		sigmaTHigh: varCurve{6.87, 15.53, 138.7e3, 143.7e3, 98.6e3},
		cD:         0.801, zD: 2.161,
		gLow: [3]float64{1, 0, 0}, gHigh: [3]float64{0.93, 0.31, 2.00},
	},
	{ // 3 maritime subtropical
		median:     varCurve{1.26, 15.5, 262.6e3, 185.2e3, 99.8e3},
		sigmaTLow:  varCurve{6.11, 6.65, 138.2e3, 242.2e3, 178.6e3},
		sigmaTHigh: varCurve{10.08, 9.60, 165.3e3, 225.7e3, 129.7e3},
		cD:         1.380, zD: 1.282,
		gLow: [3]float64{1, 0, 0}, gHigh: [3]float64{1, 0, 0},
	},
	{ // 4 desert
		median:     varCurve{-9.21, 9.05, 84.1e3, 101.1e3, 98.6e3},
		sigmaTLow:  varCurve{1.98, 13.11, 139.1e3, 132.7e3, 193.5e3},
		sigmaTHigh: varCurve{3.68, 159.3, 464.4e3, 93.1e3, 94.2e3},
		cD:         1.000, zD: 20.0,
		gLow: [3]float64{1, 0, 0}, gHigh: [3]float64{0.93, 0.19, 1.79},
	},
	{ // 5 continental temperate
		median:     varCurve{-0.62, 9.19, 228.9e3, 205.2e3, 143.6e3},
		sigmaTLow:  varCurve{2.68, 7.16, 93.7e3, 186.8e3, 133.5e3},
		sigmaTHigh: varCurve{4.75, 8.12, 93.2e3, 135.9e3, 113.4e3},
		cD:         1.224, zD: 1.282,
		gLow: [3]float64{0.92, 0.25, 1.77}, gHigh: [3]float64{0.93, 0.31, 2.00},
	},
	{ // 6 maritime temperate over land
		median:     varCurve{-0.39, 2.86, 141.7e3, 315.9e3, 167.4e3},
		sigmaTLow:  varCurve{6.86, 10.38, 187.8e3, 169.6e3, 108.9e3},
		sigmaTHigh: varCurve{8.58, 13.97, 216.0e3, 152.0e3, 122.7e3},
		cD:         1.518, zD: 1.282,
		gLow: [3]float64{1, 0, 0}, gHigh: [3]float64{1, 0, 0},
	},
	{ // 7 maritime temperate over sea
		median:     varCurve{3.15, 857.9, 2222.e3, 164.8e3, 116.3e3},
		sigmaTLow:  varCurve{8.51, 169.8, 609.8e3, 119.9e3, 106.6e3},
		sigmaTHigh: varCurve{8.43, 8.19, 136.2e3, 188.5e3, 122.9e3},
		cD:         1.518, zD: 1.282,
		gLow: [3]float64{1, 0, 0}, gHigh: [3]float64{1, 0, 0},
	},
}

func freqFactor(b [3]float64, lnK float64) float64 {
	u := b[2] * lnK
	return b[0] + b[1]/(u*u+1)
}

// inverseQ is the inverse of the complementary standard normal
// distribution, Q⁻¹(q) for 0 < q < 1, by Abramowitz & Stegun 26.2.23
// (|error| < 4.5e-4) with NTIA's coefficients.
func inverseQ(q float64) float64 {
	x := q
	if q > 0.5 {
		x = 1 - q
	}
	t := math.Sqrt(-2 * math.Log(x))
	z := t - ((0.010328*t+0.802853)*t+2.515516)/(((0.001308*t+0.189269)*t+1.432788)*t+1)
	if q > 0.5 {
		return -z
	}
	return z
}

// variabilityDB adds time, location and situation variability to the
// reference attenuation aRefDB and returns the attenuation below free
// space not exceeded for the requested percentages (Hufford, algorithm
// §5). It sets WarnExtremeVariabilities for deviates beyond ±3.1.
func variabilityDB(p *Params, pa *path, m *medium, aRefDB float64, warn *Warning) float64 {
	zT, zL, zS := m.zT, m.zL, m.zS
	cl := &climates[p.Climate-1]

	// Effective distance: paths within the smooth-earth horizons of
	// 9000 km radius plus a frequency term are compressed onto 0..130 km.
	dexM := math.Sqrt(2*9000e3*pa.heM[0]) + math.Sqrt(2*9000e3*pa.heM[1]) +
		m.freqDistM
	d := pa.dM
	var deM float64
	if d < dexM {
		deM = 130e3 * d / dexM
	} else {
		deM = 130e3 + d - dexM
	}

	mode := p.MDVar
	noSituation := mode >= MDVarNoSituation
	if noSituation {
		mode -= MDVarNoSituation
	}
	noLocation := mode >= MDVarNoLocation
	if noLocation {
		mode -= MDVarNoLocation
	}
	var sigmaS float64
	if !noSituation {
		sigmaS = 5 + 3*math.Exp(-deM/100e3)
	}

	switch mode {
	case MDVarSingleMessage:
		zT, zL = zS, zS
	case MDVarAccidental:
		zL = zS
	case MDVarMobile:
		zL = zT
	}
	if math.Abs(zT) > 3.1 || math.Abs(zL) > 3.1 || math.Abs(zS) > 3.1 {
		*warn |= WarnExtremeVariabilities
	}

	var sigmaL float64
	if !noLocation {
		kdh := m.k * roughnessAt(pa.deltaHM, d)
		sigmaL = 10 * kdh / (kdh + 13)
	}
	yL := sigmaL * zL

	lnK := m.lnK
	sigmaTLow := cl.sigmaTLow.at(deM) * freqFactor(cl.gLow, lnK)
	sigmaTHigh := cl.sigmaTHigh.at(deM) * freqFactor(cl.gHigh, lnK)
	sigmaTD := cl.cD * sigmaTHigh
	var sigmaT float64
	switch {
	case zT < 0:
		sigmaT = sigmaTLow
	case zT <= cl.zD:
		sigmaT = sigmaTHigh
	default:
		sigmaT = sigmaTD + (sigmaTHigh-sigmaTD)*cl.zD/zT
	}
	yT := sigmaT * zT

	zS2 := zS * zS
	vS := sigmaS*sigmaS + yT*yT/(7.8+zS2) + yL*yL/(24+zS2)
	var yR, yS float64
	switch mode {
	case MDVarSingleMessage:
		yS = math.Sqrt(sigmaT*sigmaT+sigmaL*sigmaL+vS) * zS
	case MDVarAccidental:
		yR = yT
		yS = math.Sqrt(sigmaL*sigmaL+vS) * zS
	case MDVarMobile:
		yR = math.Sqrt(sigmaT*sigmaT+sigmaL*sigmaL) * zT
		yS = math.Sqrt(vS) * zS
	default: // broadcast
		yR = yT + yL
		yS = math.Sqrt(vS) * zS
	}

	a := aRefDB - cl.median.at(deM) - yR - yS
	if a < 0 {
		// Soft floor: large predicted gains are compressed towards -29 dB.
		a = a * (29 - a) / (29 - 10*a)
	}
	return a
}
