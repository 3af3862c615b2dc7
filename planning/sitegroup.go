package planning

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/paulmach/orb"

	"btsplan/geo"
)

// GroupCells groups OpenCelliD cells into sites: per carrier, greedily in
// file order, a cell joins the site whose first cell is nearest to it
// within distanceM metres (great-circle), else it starts a new site. The
// result is deterministic for a given file. A grid of distanceM cells
// finds the candidates, so grouping n cells costs O(n).
//
// A site stands at the mean position of its cells; its code is
// "<radio>-<area>-<cell>" of its first cell, its properties name the lines
// of its cells. Every radio value (height, band, azimuth, tilt, EIRP,
// gain, beamwidths) is listed as assumed: OpenCelliD gives none, and each
// cell is taken as omni. Sites are ordered by carrier, then by first line.
func GroupCells(cells []OpenCelliDCell, distanceM float64) []SiteInput {
	if len(cells) == 0 {
		return nil
	}
	// Grid cells in degrees, wide enough at the highest latitude of the
	// file that two points within distanceM are in the same or adjacent
	// grid cells everywhere.
	maxLat := 0.0
	for _, c := range cells {
		maxLat = math.Max(maxLat, math.Abs(c.Location[1]))
	}
	stepLat := distanceM / 110574.0
	stepLon := distanceM / (111320.0 * math.Max(math.Cos(maxLat*math.Pi/180), 0.01))

	order := make([]int, len(cells))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if c := strings.Compare(cells[a].Carrier, cells[b].Carrier); c != 0 {
			return c
		}
		return cells[a].Line - cells[b].Line
	})

	type key struct {
		carrier string
		x, y    int64
	}
	type group struct {
		seed    orb.Point
		members []int
	}
	var groups []*group
	grid := map[key][]int{} // grid cell → indexes into groups whose seed is in it
	for _, i := range order {
		c := cells[i]
		gx := int64(math.Floor(c.Location[0] / stepLon))
		gy := int64(math.Floor(c.Location[1] / stepLat))
		best, bestD := -1, math.Inf(1)
		for dx := int64(-1); dx <= 1; dx++ {
			for dy := int64(-1); dy <= 1; dy++ {
				for _, g := range grid[key{c.Carrier, gx + dx, gy + dy}] {
					d := geo.DistanceM(groups[g].seed, c.Location)
					if d <= distanceM && (d < bestD || d == bestD && g < best) {
						best, bestD = g, d
					}
				}
			}
		}
		if best >= 0 {
			groups[best].members = append(groups[best].members, i)
			continue
		}
		k := key{c.Carrier, gx, gy}
		grid[k] = append(grid[k], len(groups))
		groups = append(groups, &group{seed: c.Location, members: []int{i}})
	}

	out := make([]SiteInput, 0, len(groups))
	for _, g := range groups {
		first := cells[g.members[0]]
		var lon, lat float64
		lines := make([]any, 0, len(g.members))
		in := SiteInput{Ref: fmt.Sprintf("line %d", first.Line)}
		s := &in.Site
		s.Carrier = first.Carrier
		s.Code = fmt.Sprintf("%s-%d-%d", first.Radio, first.Area, first.CellID)
		s.Assumed = []string{ParamHeightM}
		for _, m := range g.members {
			c := cells[m]
			lon += c.Location[0]
			lat += c.Location[1]
			lines = append(lines, int64(c.Line))
			in.CellRefs = append(in.CellRefs, fmt.Sprintf("line %d", c.Line))
			s.Cells = append(s.Cells, Cell{
				Technology: c.Radio,
				Omni:       true,
				Assumed: []string{ParamBandMHz, ParamAzimuthDeg, ParamTiltDeg, ParamEIRPdBm, ParamGainDBi,
					ParamHBeamwidthDeg, ParamVBeamwidthDeg, ParamOmni},
				Properties: c.Properties,
			})
		}
		n := float64(len(g.members))
		s.Location = orb.Point{lon / n, lat / n}
		s.Properties = map[string]any{"source_format": FormatOpenCelliD, "lines": lines}
		out = append(out, in)
	}
	return out
}
