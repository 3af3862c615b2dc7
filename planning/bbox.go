package planning

import "github.com/paulmach/orb"

// CheckLonLatBBox returns an Invalid error naming field unless b is a box
// [west, south, east, north] in degrees (EPSG:4326): finite, within
// [-180, 180] × [-90, 90], its minimum not above its maximum. It is the one
// check of every bbox a list or an export is filtered by.
func CheckLonLatBBox(field string, b orb.Bound) error {
	w, s, e, n := b.Min[0], b.Min[1], b.Max[0], b.Max[1]
	switch {
	case !finite(w) || !finite(s) || !finite(e) || !finite(n):
		return FieldError(field, "bbox [%g, %g, %g, %g]: a coordinate is not a finite number", w, s, e, n)
	case w > e || s > n:
		return FieldError(field, "bbox [%g, %g, %g, %g]: min is greater than max (want west, south, east, north)", w, s, e, n)
	case w < -180 || e > 180 || s < -90 || n > 90:
		return FieldError(field, "bbox [%g, %g, %g, %g] is outside [-180, -90, 180, 90]", w, s, e, n)
	}
	return nil
}
