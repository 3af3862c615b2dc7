package planning

import (
	"cmp"
	"slices"

	"btsplan/geo/coverage"
)

// ExistingSiteCoverageParams derives the coverage inputs of an existing
// site from its cells and the radio defaults defs (the site's province's):
// one coverage.Params per (band, technology) of its cells, lowest band
// first, each with the sectors of that band and technology, the antennas at
// the site's height, defs' receiver height, threshold and ITM environment.
// An omni cell is a sector of 360° horizontal beamwidth; tilts are
// electrical, as in ProposalCoverageParams.
func ExistingSiteCoverageParams(site ExistingSite, defs RadioDefaults) []coverage.Params {
	type key struct {
		band float64
		tech string
	}
	groups := map[key]*coverage.Params{}
	var keys []key
	for _, c := range site.Cells {
		k := key{c.BandMHz, c.Technology}
		p, ok := groups[k]
		if !ok {
			td, _ := defs.Tech(c.Technology)
			p = &coverage.Params{
				Location:     site.Location,
				HeightM:      site.HeightM,
				RxHeightM:    defs.RxHeightM,
				FreqMHz:      c.BandMHz,
				Technology:   coverage.Technology(c.Technology),
				ThresholdDBm: td.ThresholdDBm,
				Radio:        defs.Radio(),
			}
			groups[k] = p
			keys = append(keys, k)
		}
		hbw := c.HBeamwidthDeg
		if c.Omni {
			hbw = 360
		}
		p.Sectors = append(p.Sectors, coverage.Sector{
			AzimuthDeg:    c.AzimuthDeg,
			ElecTiltDeg:   c.TiltDeg,
			GainDBi:       c.GainDBi,
			HBeamwidthDeg: hbw,
			VBeamwidthDeg: c.VBeamwidthDeg,
			EIRPdBm:       c.EIRPdBm,
		})
	}
	slices.SortStableFunc(keys, func(a, b key) int {
		if c := cmp.Compare(a.band, b.band); c != 0 {
			return c
		}
		return cmp.Compare(slices.Index(Technologies, a.tech), slices.Index(Technologies, b.tech))
	})
	out := make([]coverage.Params, 0, len(keys))
	for _, k := range keys {
		out = append(out, *groups[k])
	}
	return out
}
