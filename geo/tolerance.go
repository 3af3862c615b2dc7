package geo

import "math"

// Near reports whether got and want differ by at most tol (absolute).
// NaN is near nothing, not even NaN. Tests in every package compare floats
// with it so that tolerances are stated once at the call site.
func Near(got, want, tol float64) bool {
	if math.IsNaN(got) || math.IsNaN(want) {
		return false
	}
	return math.Abs(got-want) <= tol
}
