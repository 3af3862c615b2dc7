package synth

import (
	"fmt"
	"math"

	"github.com/paulmach/orb/geojson"
)

// extraClearM keeps the extra zones this far from every proposal, so that
// importing them does not change the demo's verdicts.
const extraClearM = 500.0

// extraCategoriesLen counts the ordinary land uses of the extra zones
// (see extraCategory): none is a zone the default rules forbid outright.
const extraCategoriesLen = 8

func extraCategory(i int) string {
	switch i {
	case 0:
		return catONT
	case 1:
		return catCLN
	case 2:
		return catHNK
	case 3:
		return catLUC
	case 4:
		return catRSX
	case 5:
		return "NTS" // aquaculture
	case 6:
		return "DGD" // education
	default:
		return "DYT" // health
	}
}

// extra lays out n small land-use polygons for benchmarks: one star-shaped
// polygon in each chosen cell of a square lattice over the district, so
// they never overlap, spread evenly over the cells that are clear of the
// proposals.
func (p *plan) extra(n int, props []Proposal, seed int64) Layer {
	S := p.halfM
	clear := make([]xy, len(props))
	for i, q := range props {
		clear[i] = p.f.local(q.Site.Location)
	}
	k := int(math.Ceil(math.Sqrt(float64(n) * 1.1)))
	var cells []int
	for {
		cellM := 2 * S / float64(k)
		cells = cells[:0]
		for i := 0; i < k*k; i++ {
			c := xy{-S + (float64(i%k)+0.5)*cellM, -S + (float64(i/k)+0.5)*cellM}
			ok := true
			for _, q := range clear {
				if math.Abs(c[0]-q[0]) < extraClearM+cellM && math.Abs(c[1]-q[1]) < extraClearM+cellM &&
					math.Hypot(c[0]-q[0], c[1]-q[1]) < extraClearM+cellM {
					ok = false
					break
				}
			}
			if ok {
				cells = append(cells, i)
			}
		}
		if len(cells) >= n {
			break
		}
		k = k + k/20 + 1
	}
	r := newRNG(seed, streamExtra)
	cellM := 2 * S / float64(k)
	fc := geojson.NewFeatureCollection()
	fc.Features = make([]*geojson.Feature, 0, n)
	rad := make([]float64, 9)
	for j := 0; j < n; j++ {
		i := cells[j*len(cells)/n]
		c := xy{
			-S + (float64(i%k)+0.5+r.between(-0.05, 0.05))*cellM,
			-S + (float64(i/k)+0.5+r.between(-0.05, 0.05))*cellM,
		}
		nv := 6 + r.intn(4)
		for v := 0; v < nv; v++ {
			rad[v] = r.between(0.22, 0.4) * cellM
		}
		g := p.f.polygon(star(c, rad[:nv], r.between(0, math.Pi)))
		cat := extraCategory(r.intn(extraCategoriesLen))
		fc.Append(feature(geojson.NewFeature(g), fmt.Sprintf("Khoanh đất bổ sung số %d (giả lập)", j+1), cat))
	}
	return Layer{Spec: spec(KindLandUse, LayerLandUseExtra, "", seed), Features: fc}
}
