package geo

// SpeedOfLightMPerS is the speed of light in vacuum, m/s.
const SpeedOfLightMPerS = 299792458.0

// WavelengthM returns the free-space wavelength in metres of a carrier of
// freqMHz megahertz.
func WavelengthM(freqMHz float64) float64 {
	return SpeedOfLightMPerS / (freqMHz * 1e6)
}

// FresnelClearance returns the smallest ratio, over the interior samples of
// p, of the ray's clearance above the bulged ground (effective earth radius
// k·EarthRadiusM; use EffectiveEarthK) to the radius of the first Fresnel
// zone at that sample, r1 = sqrt(λ·d1·d2/d), and the index of that sample.
// The antennas are txHeightM and rxHeightM above the end samples and the
// carrier is freqMHz megahertz.
//
// A ratio below 0 means the terrain blocks the ray (see LineOfSight); the
// usual planning criterion for a clear path is a ratio of at least 0.6.
// Profiles with fewer than three samples return (+Inf, -1).
func FresnelClearance(p Profile, txHeightM, rxHeightM, freqMHz, k float64) (ratio float64, atIndex int) {
	return minClearance(p, txHeightM, rxHeightM, k, WavelengthM(freqMHz))
}
