package itm

import (
	"fmt"
	"math"
)

// path is what the model knows about one link once its profile has been
// analysed. Index 0 is the transmitter, 1 the receiver.
type path struct {
	dM       float64    // path length n·step
	hgM      [2]float64 // structural antenna heights
	heM      [2]float64 // effective antenna heights
	dHznM    [2]float64 // horizon distances
	thetaHzn [2]float64 // horizon elevation angles, rad
	deltaHM  float64    // terrain irregularity Δh
}

// splitProfile checks a pfl array [n, stepM, e0..en] and returns the
// elevations and the step. NTIA's implementation trusts its caller here;
// a Go caller gets an error instead of an out-of-range index or NaN loss.
func splitProfile(pfl []float64) ([]float64, float64, *Error) {
	if len(pfl) < 4 {
		return nil, 0, &Error{Code: CodePathDistance,
			Msg: fmt.Sprintf("terrain profile has %d values, want at least 4 ([n, step, e0, e1])", len(pfl))}
	}
	n, stepM := pfl[0], pfl[1]
	if !(n >= 1) || n != math.Trunc(n) || n+3 != float64(len(pfl)) {
		return nil, 0, &Error{Code: CodePathDistance,
			Msg: fmt.Sprintf("terrain profile header n=%g does not match its %d elevations", n, len(pfl)-2)}
	}
	if !(stepM > 0) || stepM > maxFinite || n*stepM > maxFinite {
		return nil, 0, &Error{Code: CodePathDistance,
			Msg: fmt.Sprintf("terrain profile step %g m is not a positive finite distance", stepM)}
	}
	return pfl[2:], stepM, nil
}

// scanElevations makes the one pass over the elevations that every run
// needs: it rejects NaN and infinite heights and returns the largest
// |elevation| and the mean ground height that sets the surface
// refractivity, the average of the samples between the first and last
// tenth of the profile (both ends included).
func scanElevations(elevM []float64) (maxAbsM, meanM float64, err *Error) {
	np := len(elevM) - 1
	skip := int(0.1 * float64(np))
	// |v| is found as the largest bit pattern of v without its sign:
	// for non-negative floats the two orders agree, and NaN and ±Inf have
	// the largest patterns of all. The ends and the middle are scanned in
	// separate loops so that no sample tests its index; the sum still runs
	// over the middle in order.
	const sign = 1 << 63
	var absBits uint64
	var sum float64
	for _, v := range elevM[skip : np-skip+1] {
		sum += v
		absBits = max(absBits, math.Float64bits(v)&^sign)
	}
	for _, v := range elevM[:skip] {
		absBits = max(absBits, math.Float64bits(v)&^sign)
	}
	for _, v := range elevM[np-skip+1:] {
		absBits = max(absBits, math.Float64bits(v)&^sign)
	}
	if maxAbsM = math.Float64frombits(absBits); !(maxAbsM <= maxFinite) {
		for i, v := range elevM {
			if v-v != 0 { // NaN or ±Inf
				return 0, 0, &Error{Code: CodePathDistance,
					Msg: fmt.Sprintf("terrain profile elevation %d is %g, want a finite height", i, v)}
			}
		}
	}
	return maxAbsM, sum / float64(np-2*skip+1), nil
}

// horizonsPlain finds each terminal's radio horizon on the profile over
// an earth of effective radius aeM: the sample seen at the highest
// elevation angle, the angle being corrected for earth curvature by
// -x/(2a). With no sample above the direct ray the horizon is the other
// terminal. Ties keep the first sample found (nearest the TX for the TX,
// farthest from the RX for the RX), and distances are accumulated step by
// step, as NTIA's reference does, so that exact ties resolve the same way.
func horizonsPlain(pa *path, elevM []float64, stepM, aeM float64) {
	np := len(elevM) - 1
	d := pa.dM
	twoA := 2 * aeM
	zTx := elevM[0] + pa.hgM[0]
	zRx := elevM[np] + pa.hgM[1]
	thTx := (zRx-zTx)/d - d/twoA
	thRx := (zTx-zRx)/d - d/twoA
	dTx, dRx := d, d
	xTx, xRx := 0.0, d
	for i := 1; i < np; i++ {
		xTx += stepM
		xRx -= stepM
		if t := (elevM[i]-zTx)/xTx - xTx/twoA; t > thTx {
			thTx, dTx = t, xTx
		}
		if t := (elevM[i]-zRx)/xRx - xRx/twoA; t > thRx {
			thRx, dRx = t, xRx
		}
	}
	pa.thetaHzn = [2]float64{thTx, thRx}
	pa.dHznM = [2]float64{dTx, dRx}
}

// horizons gives exactly the result of horizonsPlain with fewer
// divisions. A sample at distance x beats the best angle θ so far iff
// (e-z)/x - x/2a > θ, i.e. iff e > z + x·(θ + x/2a) as x > 0. That
// division-free form is evaluated first with a margin far above its
// rounding error (see horizonMargin); only samples that pass it, which
// are few, go through the exact quotient test, so the comparisons that
// decide the result are those of horizonsPlain.
func horizons(pa *path, elevM []float64, stepM, aeM, maxAbsElevM float64) {
	np := len(elevM) - 1
	d := pa.dM
	twoA := 2 * aeM
	halfGamma := 1 / twoA
	zTx := elevM[0] + pa.hgM[0]
	zRx := elevM[np] + pa.hgM[1]
	thTx := (zRx-zTx)/d - d/twoA
	thRx := (zTx-zRx)/d - d/twoA
	dTx, dRx := d, d
	// The margin lowers the terminal heights of the division-free test
	// rather than raising every sample: one addition less per sample.
	margin := horizonMargin(maxAbsElevM, max(pa.hgM[0], pa.hgM[1]), d*d*halfGamma)
	zTxLow, zRxLow := zTx-margin, zRx-margin
	xTx, xRx := 0.0, d
	for _, e := range elevM[1:np] {
		xTx += stepM
		xRx -= stepM
		if e > zTxLow+xTx*(thTx+xTx*halfGamma) {
			if t := (e-zTx)/xTx - xTx/twoA; t > thTx {
				thTx, dTx = t, xTx
			}
		}
		if e > zRxLow+xRx*(thRx+xRx*halfGamma) {
			if t := (e-zRx)/xRx - xRx/twoA; t > thRx {
				thRx, dRx = t, xRx
			}
		}
	}
	pa.thetaHzn = [2]float64{thTx, thRx}
	pa.dHznM = [2]float64{dTx, dRx}
}

// horizonMargin bounds, with a factor of about 10⁴ to spare, how far the
// division-free test in horizons can be off. Whenever a sample can beat
// the best angle θ, |x·θ| ≤ |e - z| + x²/2a, so every term of
// z + x·(θ + x/2a) and of e is below 3M + 2h + 2·bulge (M the largest
// |elevation|, h the larger antenna height, bulge = d²/2a), and the
// evaluation error below a few ulps (≈ 1e-15 relative) of that.
func horizonMargin(maxAbsElevM, hgM, bulgeM float64) float64 {
	return 1e-11 * (3*maxAbsElevM + 2*hgM + 2*bulgeM + 1)
}

// dim is Fortran's DIM: a-b when positive, else 0.
func dim(a, b float64) float64 {
	if a > b {
		return a - b
	}
	return 0
}

// fitRange converts the distance span [x1M, x2M] into the sample range of
// the terrain fit: from the sample at or before x1 to the sample at or
// after x2, widened by one sample each way when that leaves no interval.
func fitRange(np int, stepM, x1M, x2M float64) (int, int) {
	i0 := int(dim(x1M/stepM, 0))
	i1 := np - int(dim(float64(np), x2M/stepM))
	if i1 <= i0 {
		i0 = int(dim(float64(i0), 1))
		i1 = np - int(dim(float64(np), float64(i1)+1))
	}
	return i0, i1
}

// fitEnds fits a straight line by least squares to the samples e[i0..i1]
// (unit spacing) and returns its heights at index 0 and at the last index.
// The two end samples get half weight (the trapezoidal rule), so the fit
// approximates the least-squares fit to the continuous profile; with
// abscissae x centred on the span of L intervals, Σw·x² = L(L²+2)/12.
func fitEnds(elevM []float64, i0, i1 int) (float64, float64) {
	if i1 <= i0 {
		return elevM[i0], elevM[i0] // unreachable for profiles that pass splitProfile
	}
	span := float64(i1 - i0)
	x := -0.5 * span
	centre := float64(i1) + x
	sum := 0.5 * (elevM[i0] + elevM[i1])
	sumXZ := 0.5 * (elevM[i0] - elevM[i1]) * x
	for _, v := range elevM[i0+1 : i1] {
		x++
		sum += v
		sumXZ += v * x
	}
	mean := sum / span
	slope := sumXZ * 12 / ((span*span + 2) * span)
	return mean - slope*centre, mean + slope*(float64(len(elevM)-1)-centre)
}

// smoothHorizonM is the horizon distance of an antenna of effective height
// heM over an earth of radius aeM, shortened for terrain irregularity
// deltaHM (the empirical exp(-0.07·sqrt(Δh/max(h_e, 5 m))) factor).
func smoothHorizonM(heM, aeM, deltaHM float64) float64 {
	return math.Sqrt(2*heM*aeM) * math.Exp(-0.07*math.Sqrt(deltaHM/max5(heM)))
}

func max5(h float64) float64 {
	if h > 5 {
		return h
	}
	return 5
}

// effectiveHeights sets the effective heights, and for line-of-sight
// paths the horizon distances and angles, once the horizons and Δh are
// known. x1M and x2M bound the terrain that counts (15 antenna heights or
// a tenth of the horizon distance in from each end).
func effectiveHeights(pa *path, elevM []float64, stepM, aeM, x1M, x2M float64) {
	np := len(elevM) - 1
	d := pa.dM
	if pa.dHznM[0]+pa.dHznM[1] <= 1.5*d {
		// Trans-horizon: fit the foreground of each terminal, from the
		// start of the counted terrain to 0.9 of its horizon distance.
		i0, i1 := fitRange(np, stepM, x1M, 0.9*pa.dHznM[0])
		zTx, _ := fitEnds(elevM, i0, i1)
		i0, i1 = fitRange(np, stepM, d-0.9*pa.dHznM[1], x2M)
		_, zRx := fitEnds(elevM, i0, i1)
		pa.heM[0] = pa.hgM[0] + dim(elevM[0], zTx)
		pa.heM[1] = pa.hgM[1] + dim(elevM[np], zRx)
		return
	}
	// Line of sight: one fit over the whole counted terrain; the horizons
	// become smooth-earth horizons over the fitted ground.
	i0, i1 := fitRange(np, stepM, x1M, x2M)
	zTx, zRx := fitEnds(elevM, i0, i1)
	pa.heM[0] = pa.hgM[0] + dim(elevM[0], zTx)
	pa.heM[1] = pa.hgM[1] + dim(elevM[np], zRx)
	dh := pa.deltaHM
	for j := range 2 {
		pa.dHznM[j] = smoothHorizonM(pa.heM[j], aeM, dh)
	}
	if sum := pa.dHznM[0] + pa.dHznM[1]; sum <= d {
		// The smooth horizons do not reach each other: raise both
		// effective heights by (d/sum)² so that they do.
		q := d / sum
		q *= q
		for j := range 2 {
			pa.heM[j] *= q
			pa.dHznM[j] = smoothHorizonM(pa.heM[j], aeM, dh)
		}
	}
	for j := range 2 {
		dls := math.Sqrt(2 * pa.heM[j] * aeM)
		pa.thetaHzn[j] = (0.65*dh*(dls/pa.dHznM[j]-1) - 2*pa.heM[j]) / dls
	}
}
