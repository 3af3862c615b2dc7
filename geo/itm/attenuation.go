package itm

import (
	"math"
)

// refModel computes the reference attenuation A_ref (dB below free space)
// of one path. It holds the quantities that do not depend on the distance
// at which the loss models are evaluated, so that each of the two to six
// evaluations repeats only the distance-dependent part.
type refModel struct {
	pa *path
	m  *medium

	dLsM     [2]float64 // smooth-earth horizon distances sqrt(2·h_e·a_e)
	dSMLM    float64    // smooth-earth line-of-sight distance Σ dLs
	dMLM     float64    // actual line-of-sight distance Σ d_L
	thetaLOS float64    // -max(θ_tx+θ_rx, -d_ML/a_e), rad

	// Diffraction terms fixed by the terminals.
	xHzn       [2]float64 // Vogler's normalised horizon distances
	heightGain [2]float64 // F(x, K) at each terminal, dB
	clutterDB  float64    // A_fo, the terrain clutter factor
	heightTerm float64    // sqrt(1 + (h_e1·h_e2 - h_g1·h_g2)/(h_g1·h_g2 + 10))

	// The extrapolated diffraction line A_d0 + M_d·d, set by run.
	mdDBPerM float64
	ad0DB    float64
}

// referenceAttenuation runs the Longley-Rice reference-attenuation step:
// checks of the derived path parameters (warnings, and codes
// CodeSurfaceRefractivitySmall/Large, CodeEffectiveEarth and
// CodeGroundImpedance), the diffraction line, then the line-of-sight,
// diffraction or troposcatter region. It returns A_ref (never negative),
// the mode and an error code or 0.
func referenceAttenuation(pa *path, m *medium, warn *Warning) (float64, int, int) {
	r := refModel{pa: pa, m: m}
	ae := m.aeM
	for j := range 2 {
		r.dLsM[j] = math.Sqrt(2 * pa.heM[j] * ae)
	}
	r.dSMLM = r.dLsM[0] + r.dLsM[1]
	r.dMLM = pa.dHznM[0] + pa.dHznM[1]
	thetaE := pa.thetaHzn[0] + pa.thetaHzn[1]
	if lim := -r.dMLM / ae; !(thetaE > lim) {
		thetaE = lim
	}
	r.thetaLOS = -thetaE

	// Small-angle and horizon-distance sanity checks (warnings only).
	horizonFlags := [2][3]Warning{
		{WarnTxHorizonAngle, WarnTxHorizonDistance1, WarnTxHorizonDistance2},
		{WarnRxHorizonAngle, WarnRxHorizonDistance1, WarnRxHorizonDistance2},
	}
	for j := range 2 {
		if math.Abs(pa.thetaHzn[j]) > 200e-3 {
			*warn |= horizonFlags[j][0]
		}
	}
	for j := range 2 {
		if pa.dHznM[j] < 0.1*r.dLsM[j] {
			*warn |= horizonFlags[j][1]
		}
	}
	for j := range 2 {
		if pa.dHznM[j] > 3*r.dLsM[j] {
			*warn |= horizonFlags[j][2]
		}
	}
	switch {
	case m.nsN < 150:
		return 0, ModeNotSet, CodeSurfaceRefractivitySmall
	case m.nsN > 400:
		return 0, ModeNotSet, CodeSurfaceRefractivityLarge
	case m.nsN < 250:
		*warn |= WarnSurfaceRefractivity
	}
	if ae < 4000e3 || ae > 13333333 {
		return 0, ModeNotSet, CodeEffectiveEarth
	}
	if real(m.zg) <= math.Abs(imag(m.zg)) {
		return 0, ModeNotSet, CodeGroundImpedance
	}

	r.initDiffraction()

	// The diffraction line through two distances well beyond the horizon;
	// Hufford's 1.3787·X_ae and 2.7574·X_ae with X_ae = (k·γ_e²)^(-1/3)
	// appear in NTIA's form as 5 and 10 × (a_e²/f)^(1/3).
	scaleM := math.Cbrt(ae * ae / m.fMHz)
	d3 := r.dMLM + 5*scaleM
	if !(r.dSMLM < d3) {
		d3 = r.dSMLM
	}
	d4 := d3 + 10*scaleM
	a3 := r.diffractionDB(d3)
	a4 := r.diffractionDB(d4)
	r.mdDBPerM = (a4 - a3) / (d4 - d3)
	r.ad0DB = a3 - r.mdDBPerM*d3

	d := pa.dM
	if d < math.Abs(pa.heM[0]-pa.heM[1])/200e-3 {
		*warn |= WarnPathDistanceTooSmall1
	}
	if d < 1e3 {
		*warn |= WarnPathDistanceTooSmall2
	}
	if d > 1000e3 {
		*warn |= WarnPathDistanceTooBig1
	}
	if d > 2000e3 {
		*warn |= WarnPathDistanceTooBig2
	}

	var aRef float64
	var mode int
	if d < r.dSMLM {
		aRef, mode = r.lineOfSightRegion(d), ModeLineOfSight
	} else {
		aRef, mode = r.beyondHorizonRegion(d, scaleM)
	}
	if !(aRef > 0) {
		aRef = 0
	}
	return aRef, mode, 0
}

// lineOfSightRegion fits A = A_o + k1·d + k2·ln d through the two-ray
// loss at d0 and d1 and the diffraction line at the smooth-earth horizon
// d_sML (ERL 79-ITS 67, eqs 3.16–3.21) and evaluates it at dM.
func (r *refModel) lineOfSightRegion(dM float64) float64 {
	pa, f := r.pa, r.m.fMHz
	dS := r.dSMLM
	aS := dS*r.mdDBPerM + r.ad0DB
	d0 := 0.04 * f * pa.heM[0] * pa.heM[1]
	var d1 float64
	if r.ad0DB >= 0 {
		if half := 0.5 * r.dMLM; !(d0 < half) {
			d0 = half
		}
		d1 = d0 + 0.25*(r.dMLM-d0)
	} else {
		d1 = -r.ad0DB / r.mdDBPerM
		if q := 0.25 * r.dMLM; !(d1 > q) {
			d1 = q
		}
	}
	a1 := r.lineOfSightDB(d1)

	fitted := false
	var k1, k2 float64
	if d0 < d1 {
		a0 := r.lineOfSightDB(d0)
		lnS0 := math.Log(dS / d0)
		k2 = ((dS-d0)*(a1-a0) - (d1-d0)*(aS-a0)) /
			((dS-d0)*math.Log(d1/d0) - (d1-d0)*lnS0)
		if !(k2 > 0) {
			k2 = 0
		}
		fitted = r.ad0DB > 0 || k2 > 0
		if fitted {
			k1 = (aS - a0 - k2*lnS0) / (dS - d0)
			if k1 < 0 {
				k1 = 0
				k2 = dim(aS, a0) / lnS0
				if k2 == 0 {
					k1 = r.mdDBPerM
				}
			}
		}
	}
	if !fitted {
		k1 = dim(aS, a1) / (dS - d1)
		k2 = 0
		if k1 == 0 {
			k1 = r.mdDBPerM
		}
	}
	aO := aS - k1*dS - k2*math.Log(dS)
	return aO + k1*dM + k2*math.Log(dM)
}

// beyondHorizonRegion returns A_ref and the mode for dM ≥ d_sML: the
// diffraction line up to the crossover distance d_x, the troposcatter
// line beyond it. The troposcatter line goes through the scatter loss at
// d_ML + 200 km and d_ML + 400 km.
func (r *refModel) beyondHorizonRegion(dM, scaleM float64) (float64, int) {
	d5 := r.dMLM + 200e3
	d6 := r.dMLM + 400e3
	// The frequency-gain term H_0 computed at d6 is reused at d5 when it
	// exceeds 15 dB (Hufford, algorithm p. 12); h0DB carries it.
	h0DB := -1.0
	a6 := r.scatterDB(d6, &h0DB)
	a5 := r.scatterDB(d5, &h0DB)

	msDBPerM, as0DB, dxM := r.mdDBPerM, r.ad0DB, 10e6
	if a5 < 1000 {
		msDBPerM = (a6 - a5) / 200e3
		dxM = r.dMLM + 1.088*scaleM*math.Log(r.m.fMHz)
		if !(r.dSMLM < dxM) {
			dxM = r.dSMLM
		}
		if cross := (a5 - r.ad0DB - msDBPerM*d5) / (r.mdDBPerM - msDBPerM); !(dxM > cross) {
			dxM = cross
		}
		as0DB = (r.mdDBPerM-msDBPerM)*dxM + r.ad0DB
	}
	if dM > dxM {
		return msDBPerM*dM + as0DB, ModeTroposcatter
	}
	return r.mdDBPerM*dM + r.ad0DB, ModeDiffraction
}

// initDiffraction sets the distance-independent diffraction terms.
func (r *refModel) initDiffraction() {
	pa, m := r.pa, r.m
	for j := range 2 {
		// Radius of the earth that puts terminal j's horizon at d_L,j.
		radius := 0.5 * pa.dHznM[j] * pa.dHznM[j] / pa.heM[j]
		c, kk := voglerCK(radius, m.fInvCbrt, m.absZg)
		r.xHzn[j] = (1.607 - kk) * (c * c) * m.fCbrt * (pa.dHznM[j] / 1000)
		r.heightGain[j] = heightGainDB(r.xHzn[j], kk)
	}

	// Clutter factor A_fo (ERL 79-ITS 67, eq. 3.38c) from the roughness
	// seen over the smooth-earth line-of-sight distance.
	sh := sigmaH(roughnessAt(pa.deltaHM, r.dSMLM))
	r.clutterDB = 5 * log10(1+1e-5*pa.hgM[0]*pa.hgM[1]*m.fMHz*sh)
	if !(r.clutterDB < 15) {
		r.clutterDB = 15
	}

	// For point-to-point paths the constant C of ERL 79-ITS 67 eq. 3.23 is
	// 10 m² (low antennas with known path parameters).
	hg2 := pa.hgM[0] * pa.hgM[1]
	r.heightTerm = math.Sqrt(1 + (pa.heM[0]*pa.heM[1]-hg2)/(hg2+10))
}

// voglerCK returns Vogler's C = (4a_0/3a)^(1/3) for an earth of radius
// radiusM and the surface-impedance parameter K = 0.017778·C·f^(-1/3)/|Z_g|.
func voglerCK(radiusM, fInvCbrt, absZg float64) (float64, float64) {
	c := math.Cbrt(4.0 / 3.0 * earthRadiusM / radiusM)
	return c, 0.017778 * c * fInvCbrt / absZg
}

// diffractionDB is the diffraction loss at distance dM beyond the
// horizons: a blend of double knife-edge and Vogler's three-radius
// smooth-earth loss, weighted by terrain irregularity, plus clutter.
func (r *refModel) diffractionDB(dM float64) float64 {
	pa, m := r.pa, r.m
	theta := dM/m.aeM - r.thetaLOS // angular distance beyond the horizons
	dNLOS := dM - r.dMLM

	// Knife edges at the two horizons (TN101 eq. I.7, 1/4π = 0.0795775).
	c := 0.0795775 * (m.fMHz / waveNumberMHz) * (theta * theta)
	akDB := fresnelKnifeEdgeDB(c*pa.dHznM[0]*dNLOS/(dNLOS+pa.dHznM[0])) +
		fresnelKnifeEdgeDB(c*pa.dHznM[1]*dNLOS/(dNLOS+pa.dHznM[1]))

	// Smooth earth: the third radius spans the arc between the horizons.
	radius := dNLOS / theta
	cc, kk := voglerCK(radius, m.fInvCbrt, m.absZg)
	x := (1.607-kk)*(cc*cc)*m.fCbrt*(radius*theta/1000) + r.xHzn[0] + r.xHzn[1]
	aseDB := 0.05751*x - 10*log10(x) - r.heightGain[0] - r.heightGain[1] - 20

	q := (r.heightTerm + (-r.thetaLOS*m.aeM+r.dMLM)/dM) *
		min(roughnessAt(pa.deltaHM, dM)*m.fMHz/waveNumberMHz, 6283.2)
	w := 25.1 / (25.1 + math.Sqrt(q))
	return w*aseDB + (1-w)*akDB + r.clutterDB
}

// fresnelKnifeEdgeDB is the knife-edge loss A(v, 0) for v² = v2.
func fresnelKnifeEdgeDB(v2 float64) float64 {
	if v2 < 5.76 {
		return 6.02 + 9.11*math.Sqrt(v2) - 1.27*v2
	}
	return 12.953 + 10*log10(v2)
}

// heightGainDB is Vogler's height-gain function F(x, K) in dB.
func heightGainDB(x, k float64) float64 {
	if x < 200 {
		w := -math.Log(k)
		if k < 1e-5 || x*(w*w*w) > 5495 {
			if x > 1 {
				return 17.372*math.Log(x) - 117
			}
			return -117
		}
		return 2.5e-5*(x*x)/k - 8.686*w - 15
	}
	g := 0.05751*x - 4.343*math.Log(x)
	if x < 2000 {
		w := 0.0134 * x * math.Exp(-0.005*x)
		g = (1-w)*g + w*(17.372*math.Log(x)-117)
	}
	return g
}

// lineOfSightDB is the two-ray loss at distance dM (direct ray plus a
// ground reflection roughened by σ_h), blended with the extrapolated
// diffraction line by terrain irregularity.
func (r *refModel) lineOfSightDB(dM float64) float64 {
	pa, m := r.pa, r.m
	sh := sigmaH(roughnessAt(pa.deltaHM, dM))
	hSum := pa.heM[0] + pa.heM[1]
	sinPsi := hSum / math.Sqrt(dM*dM+hSum*hSum)
	sp := complex(sinPsi, 0)
	re := (sp - m.zg) / (sp + m.zg)
	att := math.Exp(-min(10, m.k*sh*sinPsi))
	re = complex(real(re)*att, imag(re)*att)
	if q := real(re)*real(re) + imag(re)*imag(re); q < 0.25 || q < sinPsi {
		s := math.Sqrt(sinPsi / q)
		re = complex(real(re)*s, imag(re)*s)
	}
	phase := m.k * 2 * pa.heM[0] * pa.heM[1] / dM
	if phase > math.Pi/2 {
		phase = math.Pi - (math.Pi/2)*(math.Pi/2)/phase
	}
	sin, cos := math.Sincos(phase)
	sumRe, sumIm := cos+real(re), -sin+imag(re)
	atDB := -10 * log10(sumRe*sumRe+sumIm*sumIm)

	adDB := r.mdDBPerM*dM + r.ad0DB
	w := 1 / (1 + m.fMHz*pa.deltaHM/max(10e3, r.dSMLM))
	return w*atDB + (1-w)*adDB
}

// scatterDB is the troposcatter loss at distance dM (TN101 ch. 9,
// Hufford's algorithm §4.63–4.67). h0DB carries the frequency-gain term
// H_0 (dB) between the two calls (see beyondHorizonRegion). It returns 1001
// when both r_1 and r_2 are below 0.2, where the loss is undefined.
func (r *refModel) scatterDB(dM float64, h0DB *float64) float64 {
	pa, m := r.pa, r.m
	var hGain float64
	if *h0DB > 15 {
		hGain = *h0DB
	} else {
		ad := pa.dHznM[0] - pa.dHznM[1]
		rr := pa.heM[1] / pa.heM[0]
		if ad < 0 {
			ad, rr = -ad, 1/rr
		}
		theta := pa.thetaHzn[0] + pa.thetaHzn[1] + dM/m.aeM
		r1 := 2 * m.k * theta * pa.heM[0]
		r2 := 2 * m.k * theta * pa.heM[1]
		if r1 < 0.2 && r2 < 0.2 {
			return 1001
		}
		s := (dM - ad) / (dM + ad) // asymmetry
		q := min(max(0.1, rr/s), 10)
		s = max(0.1, s)
		hCross := (dM - ad) * (dM + ad) * theta * 0.25 / dM // crossover height
		e := min(1.7, hCross/8e3)
		e2 := e * e
		etaS := (hCross / 1755.6) *
			(1 + (0.031-m.nsN*2.32e-3+m.nsN*m.nsN*5.67e-6)*math.Exp(-(e2*e2*e2)))
		h00 := (h0Curve(r1, etaS) + h0Curve(r2, etaS)) / 2
		hGain = h00 + min(h00, 6*(0.6-log10(max(etaS, 1)))*log10(s)*log10(q))
		hGain = max(hGain, 0)
		if etaS < 1 {
			g := (1 + sqrt2/r1) * (1 + sqrt2/r2)
			hGain = etaS*hGain + (1-etaS)*10*log10(g*g*(r1+r2)/(r1+r2+2*sqrt2))
		}
		if hGain > 15 && *h0DB >= 0 {
			hGain = *h0DB
		}
	}
	*h0DB = hGain
	th := dM/m.aeM - r.thetaLOS
	th2 := th * th
	return attenuationF(th*dM) + 10*log10(m.k*waveNumberMHz*(th2*th2)) -
		0.1*(m.nsN-301)*math.Exp(-th*dM/40e3) + hGain
}

// attenuationF is the troposcatter attenuation function F(θ·d) in dB
// (Hufford, algorithm eq. 6.9) of the product θ·d in metres.
func attenuationF(thetaDM float64) float64 {
	switch {
	case thetaDM <= 10e3:
		return 133.4 + 0.332e-3*thetaDM - 10*log10(thetaDM)
	case thetaDM <= 70e3:
		return 104.6 + 0.212e-3*thetaDM - 2.5*log10(thetaDM)
	}
	return 71.8 + 0.157e-3*thetaDM + 5*log10(thetaDM)
}

// h0Curve is the frequency-gain function H_0(r, η_s) in dB, interpolated
// between the curves for integral η_s = 1..5 (algorithm eq. 6.13).
func h0Curve(r, etaS float64) float64 {
	etaS = min(max(etaS, 1), 5)
	i := int(etaS)
	frac := etaS - float64(i)
	x := 1 / r
	x2 := x * x
	h := h0At(i-1, x2)
	if frac != 0 {
		h = (1-frac)*h + frac*h0At(i, x2)
	}
	return h
}

// h0At is the j-th H_0 curve for x2 = 1/r².
func h0At(j int, x2 float64) float64 {
	a := [5]float64{25, 80, 177, 395, 705}
	b := [5]float64{24, 45, 68, 80, 105}
	return 10 * log10(1+a[j]*(x2*x2)+b[j]*x2)
}
