package planning

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

// SiteHash returns a content hash of the normalised site, "sha256:" and 64
// hex digits, so that resubmitting the same content for the same carrier and
// site code is detected (ProposalStore.CreateProposal). Normalising makes
// equal what means the same: coordinates rounded to 1e-7°, footprint rings
// without their closing point, started at their lowest vertex and turned
// counter-clockwise (holes clockwise), height rounded to a millimetre,
// antennas in a fixed order regardless of how they were listed.
func SiteHash(s Site) string {
	var b strings.Builder
	w := func(key, val string) { fmt.Fprintf(&b, "%s=%s\n", key, val) }
	num := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

	w("v", "1")
	w("carrier", strings.TrimSpace(s.Carrier))
	w("code", strings.TrimSpace(s.Code))
	p := roundPoint(s.Location)
	w("location", num(p[0])+" "+num(p[1]))
	for i, r := range normaliseFootprint(s.Footprint) {
		parts := make([]string, len(r))
		for j, pt := range r {
			parts[j] = num(pt[0]) + " " + num(pt[1])
		}
		w("ring"+strconv.Itoa(i), strings.Join(parts, ","))
	}
	w("structure", string(s.Structure))
	w("height_m", num(roundTo(s.HeightM, 1e3)))

	ants := make([]string, len(s.Antennas))
	for i, a := range s.Antennas {
		ants[i] = strings.Join([]string{
			num(roundTo(a.AzimuthDeg, 1e3)),
			num(roundTo(a.TiltDeg, 1e3)),
			num(roundTo(a.BandMHz, 1e3)),
			num(roundTo(a.EIRPdBm, 1e3)),
			strings.ToUpper(strings.TrimSpace(a.Technology)),
		}, " ")
	}
	sort.Strings(ants)
	for _, a := range ants {
		w("antenna", a)
	}
	sum := sha256.Sum256([]byte(b.String()))
	return "sha256:" + hex.EncodeToString(sum[:])
}

func roundTo(v, scale float64) float64 {
	r := math.Round(v*scale) / scale
	if r == 0 {
		return 0 // no "-0"
	}
	return r
}

// normaliseFootprint returns the rings rounded to 1e-7°, open (no closing
// point), starting at their lowest (lon, lat) vertex, the shell
// counter-clockwise and holes clockwise.
func normaliseFootprint(poly orb.Polygon) [][]orb.Point {
	out := make([][]orb.Point, 0, len(poly))
	for i, r := range poly {
		pts := make([]orb.Point, 0, len(r))
		for _, pt := range r {
			pt = roundPoint(pt)
			if len(pts) > 0 && pts[len(pts)-1] == pt {
				continue
			}
			pts = append(pts, pt)
		}
		for len(pts) > 1 && pts[len(pts)-1] == pts[0] {
			pts = pts[:len(pts)-1]
		}
		if len(pts) == 0 {
			continue
		}
		ccw := signedArea(pts) > 0
		if (i == 0) != ccw {
			for a, z := 0, len(pts)-1; a < z; a, z = a+1, z-1 {
				pts[a], pts[z] = pts[z], pts[a]
			}
		}
		lo := 0
		for j, pt := range pts {
			if pt[0] < pts[lo][0] || pt[0] == pts[lo][0] && pt[1] < pts[lo][1] {
				lo = j
			}
		}
		rotated := make([]orb.Point, 0, len(pts))
		rotated = append(rotated, pts[lo:]...)
		out = append(out, append(rotated, pts[:lo]...))
	}
	if len(out) > 2 {
		// Hole order carries no meaning.
		holes := out[1:]
		sort.Slice(holes, func(a, b int) bool {
			pa, pb := holes[a][0], holes[b][0]
			return pa[0] < pb[0] || pa[0] == pb[0] && pa[1] < pb[1]
		})
	}
	return out
}

func signedArea(pts []orb.Point) float64 {
	var s float64
	for i := range pts {
		j := (i + 1) % len(pts)
		s += pts[i][0]*pts[j][1] - pts[j][0]*pts[i][1]
	}
	return s / 2
}
