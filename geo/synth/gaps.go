package synth

import (
	"fmt"

	"github.com/paulmach/orb/geojson"
)

// The demo's existing networks: what a gap analysis of the district reads.
const (
	// NetworkExisting is the network name the demo imports the existing
	// sites as.
	NetworkExisting = "synthetic-nui-mau-sites"
	// catHomeCluster is the settlement category of an outlying cluster of
	// homes (CategoryHomeCluster).
	catHomeCluster = "home_cluster"
)

// gapSettlements adds the settlements that make the gap analysis show
// every status (seed 0; other seeds place them alike):
//
//   - Bản Bắc Núi, on the northern slope 5 km beyond the main ridge's
//     crest, which shadows it from every tower in the main valley: trắng
//     sóng for every carrier, a total not-spot;
//   - a cluster of homes 450 m east-north-east of Bản Nậm Mẫu, round a
//     shoulder of its side valley: MobiFone reaches the village's centre
//     but not the cluster, so Nậm Mẫu is lõm sóng for MobiFone.
//
// It draws no random numbers, so the rest of the district is unchanged.
func (p *plan) gapSettlements() {
	y := min(p.s.ridgeYM(0)+5000, p.halfM-700)
	p.villages = append(p.villages, village{name: "Bản Bắc Núi (giả lập)", at: xy{0, y}, population: 290})
	for _, v := range p.villages {
		if v.name == "Bản Nậm Mẫu (giả lập)" {
			p.villages = append(p.villages, village{name: "Cụm nhà Nậm Mẫu Đông (giả lập)", category: catHomeCluster,
				at: xy{v.at[0] + 435, v.at[1] + 116}, population: 60})
			break
		}
	}
}

// existingSite is one SYNTHETIC existing site on a demo tower.
type existingSite struct {
	code, tower string // site code, tower name
	technology  string
	bandMHz     float64
	eirpDBm     float64
}

// existingSites are the carriers' SYNTHETIC existing sites, one per
// carrier on its tower (see gapSettlements for what they leave uncovered):
// Viettel LTE 1800 at Bản Lầy, VinaPhone GSM 900 at Phiêng Cọ, MobiFone
// GSM 900 at Pá Mẫu, each one omni cell.
var existingSites = []existingSite{
	{"SYN-VT-BL", "Trạm BTS Viettel Bản Lầy (giả lập)", "LTE", 1800, 60},
	{"SYN-VNP-PC", "Trạm BTS VinaPhone Phiêng Cọ (giả lập)", "GSM", 900, 57},
	{"SYN-MF-PM", "Trạm BTS MobiFone Pá Mẫu (giả lập)", "GSM", 900, 57},
}

// existing returns the existing sites as the GeoJSON that `btsplan import
// sites --format geojson` and POST /v1/sites?format=geojson read: Points
// with carrier, site_code, height_m and antennas, each labelled SYNTHETIC.
func (p *plan) existing() (*geojson.FeatureCollection, error) {
	fc := geojson.NewFeatureCollection()
	for _, s := range existingSites {
		var t *tower
		for i := range p.towers {
			if p.towers[i].name == s.tower {
				t = &p.towers[i]
			}
		}
		if t == nil {
			return nil, fmt.Errorf("existing site %s: no tower %q", s.code, s.tower)
		}
		f := feature(geojson.NewFeature(p.f.point(t.at)), "Trạm "+s.code+" (giả lập)", "existing_site")
		delete(f.Properties, "category")
		f.Properties["carrier"] = t.owner
		f.Properties["site_code"] = s.code
		f.Properties["height_m"] = t.heightM
		f.Properties["tower"] = t.name
		f.Properties["source"] = "SYNTHETIC"
		f.Properties["antennas"] = []map[string]any{
			{"technology": s.technology, "band_mhz": s.bandMHz, "omni": true, "eirp_dbm": s.eirpDBm},
		}
		fc.Append(f)
	}
	return fc, nil
}
