package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// OffsetSamples returns points beside line, every spacingM metres along
// it (from its first vertex, measured on the sphere), each offsetM metres
// to the left and to the right of the segment it falls on: where a mast
// could stand near a road or a power line without standing on it. Points
// come in order along the line, left before right. A line shorter than
// spacingM gets its midpoint's pair; a line with fewer than two distinct
// vertices gets none.
func OffsetSamples(line orb.LineString, spacingM, offsetM float64) []orb.Point {
	if len(line) < 2 || !(spacingM > 0) {
		return nil
	}
	total := 0.0
	for i := 1; i < len(line); i++ {
		total += DistanceM(line[i-1], line[i])
	}
	if !(total > 0) {
		return nil
	}
	var at []float64
	if total < spacingM {
		at = []float64{total / 2}
	} else {
		for d := spacingM / 2; d <= total; d += spacingM {
			at = append(at, d)
		}
	}
	var out []orb.Point
	seg, start := 1, 0.0
	for _, d := range at {
		for seg < len(line)-1 && start+DistanceM(line[seg-1], line[seg]) < d {
			start += DistanceM(line[seg-1], line[seg])
			seg++
		}
		a, b := line[seg-1], line[seg]
		segM := DistanceM(a, b)
		if segM == 0 {
			continue
		}
		brg := BearingDeg(a, b)
		p := Destination(a, brg, math.Min(d-start, segM))
		out = append(out, Destination(p, math.Mod(brg+270, 360), offsetM), Destination(p, math.Mod(brg+90, 360), offsetM))
	}
	return out
}
