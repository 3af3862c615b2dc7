package geo

import "math"

// EffectiveEarthK is the standard-atmosphere effective earth radius factor
// (k = 4/3): refraction bends radio rays down so that they travel straight
// over an earth of radius k·EarthRadiusM.
const EffectiveEarthK = 4.0 / 3.0

// Profile is a terrain profile along a great circle: ElevM[i] is the
// ground elevation in metres above sea level at distance i·StepM metres
// from the transmitter, which is ElevM[0]; the receiver is the last sample.
type Profile struct {
	ElevM []float64
	StepM float64
}

// LengthM returns the path length in metres, (len(ElevM)-1)·StepM.
func (p Profile) LengthM() float64 {
	if len(p.ElevM) < 2 {
		return 0
	}
	return float64(len(p.ElevM)-1) * p.StepM
}

// earthBulgeM is the height in metres of the earth's bulge above the chord
// between the terminals, at distances d1M and d2M from them, over an earth
// of radius k·EarthRadiusM.
func earthBulgeM(d1M, d2M, k float64) float64 {
	return d1M * d2M / (2 * k * EarthRadiusM)
}

// LineOfSight reports whether the straight ray between the transmitting
// antenna (txHeightM above ElevM[0]) and the receiving antenna (rxHeightM
// above the last sample) clears every interior sample of the profile, the
// ground being raised by the earth's bulge for an effective earth radius
// k·EarthRadiusM (use EffectiveEarthK). A sample exactly on the ray does
// not block it. Profiles with fewer than three samples have no interior
// and are in line of sight.
//
// This is the geometric question that ITM's propagation mode does not
// answer: ITM's "line of sight" region is a smooth-earth distance range.
func LineOfSight(p Profile, txHeightM, rxHeightM, k float64) bool {
	c, _ := minClearance(p, txHeightM, rxHeightM, k, 0)
	return c >= 0
}

// minClearance returns the smallest clearance in metres of the ray above
// the bulged ground over the interior samples, each divided by the first
// Fresnel-zone radius when wavelengthM > 0, and its index; (+Inf, -1) when
// the profile has no interior sample.
func minClearance(p Profile, txHeightM, rxHeightM, k, wavelengthM float64) (float64, int) {
	n := len(p.ElevM) - 1
	if n < 2 {
		return math.Inf(1), -1
	}
	d := float64(n) * p.StepM
	zTx := p.ElevM[0] + txHeightM
	zRx := p.ElevM[n] + rxHeightM
	slope := (zRx - zTx) / d
	best, at := math.Inf(1), -1
	for i := 1; i < n; i++ {
		d1 := float64(i) * p.StepM
		d2 := d - d1
		c := zTx + slope*d1 - (p.ElevM[i] + earthBulgeM(d1, d2, k))
		if wavelengthM > 0 {
			c /= math.Sqrt(wavelengthM * d1 * d2 / d)
		}
		if c < best {
			best, at = c, i
		}
	}
	return best, at
}
