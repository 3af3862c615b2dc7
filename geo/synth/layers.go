package synth

import (
	"fmt"

	"github.com/paulmach/orb/geojson"

	"btsplan/geo"
)

// The layer names of the demo. Re-importing a name makes a new version.
const (
	LayerLandUse       = "synthetic-nui-mau-landuse"
	LayerLandUseExtra  = "synthetic-nui-mau-landuse-extra"
	LayerProtectedArea = "synthetic-nui-mau-protected-area"
	LayerHeritage      = "synthetic-nui-mau-heritage"
	LayerDefence       = "synthetic-nui-mau-defence"
	LayerCorridor      = "synthetic-nui-mau-corridor"
	LayerSettlement    = "synthetic-nui-mau-settlement"
	LayerTower         = "synthetic-nui-mau-tower"
)

// Licence is the licence of everything the generator makes.
const Licence = "CC0 (synthetic)"

// Layer is one layer of the district: the spec to import it with and its
// features. Every feature has the properties name (Vietnamese, ending in
// "(giả lập)"), category and synthetic=true.
type Layer struct {
	Spec     LayerSpec
	Features *geojson.FeatureCollection
}

// source names the generator and the seed, as every layer's Source.
func source(seed int64) string {
	return fmt.Sprintf("btsplan synthetic demo generator, seed %d", seed)
}

// spec returns the import spec of a layer: category is the single category
// of every feature, or "" to read the feature property "category".
func spec(kind, name, category string, seed int64) LayerSpec {
	s := LayerSpec{Kind: kind, Name: name, Category: category, NameField: "name",
		SRID: geo.SRIDWGS84, Source: source(seed), Licence: Licence}
	if category == "" {
		s.CategoryField = "category"
	}
	return s
}

// settlementSpec imports the villages with their category (village or
// home_cluster) and population from the feature properties.
func settlementSpec(seed int64) LayerSpec {
	s := spec(KindSettlement, LayerSettlement, "", seed)
	s.PopulationField = "population"
	return s
}

func feature(g *geojson.Feature, name, category string) *geojson.Feature {
	g.Properties["name"] = name
	g.Properties["category"] = category
	g.Properties["synthetic"] = true
	return g
}

// layers turns the plan into the demo layers, in planning.LayerKinds order
// (no airport: there is none near the district). The categories are those
// of planning/rules/national.yaml.
func (p *plan) layers(seed int64) []Layer {
	zones := func(zs ...zone) *geojson.FeatureCollection {
		fc := geojson.NewFeatureCollection()
		for _, z := range zs {
			fc.Append(feature(geojson.NewFeature(p.f.polygon(z.rings...)), z.name, z.category))
		}
		return fc
	}
	landuse := zones(p.landuse...)
	park := zones(zone{catNationalPark, "Vườn quốc gia Núi Mẫu (giả lập)", [][]xy{p.rdd}})
	heritage := zones(
		zone{catZone1, "Đền Mẫu Thượng – khu vực bảo vệ I (giả lập)", [][]xy{p.heritage}},
		zone{catZone2, "Đền Mẫu Thượng – khu vực bảo vệ II (giả lập)", [][]xy{p.heritage2, reversed(p.heritage)}})
	for _, f := range heritage.Features {
		f.Properties["relic"] = "Đền Mẫu Thượng (giả lập)"
		f.Properties["rank"] = "di tích cấp tỉnh (giả lập)"
	}
	defence := zones(
		zone{catMilitaryZone, "Khu quân sự Đồi Mẫu (giả lập)", [][]xy{p.cqp}},
		zone{catSecurityArea, "Trụ sở Công an xã Mường Mẫu (giả lập)", [][]xy{p.can}})

	corridor := geojson.NewFeatureCollection()
	for _, l := range p.lines {
		corridor.Append(feature(geojson.NewFeature(p.f.lineString(l.pts)), l.name, l.category))
	}
	settlement := geojson.NewFeatureCollection()
	for _, v := range p.villages {
		cat := v.category
		if cat == "" {
			cat = catVillage
		}
		f := feature(geojson.NewFeature(p.f.point(v.at)), v.name, cat)
		f.Properties["population"] = v.population
		settlement.Append(f)
	}
	towers := geojson.NewFeatureCollection()
	for _, t := range p.towers {
		f := feature(geojson.NewFeature(p.f.point(t.at)), t.name, catTowerA2)
		f.Properties["owner"] = t.owner
		f.Properties["height_m"] = t.heightM
		f.Properties["structure"] = string(t.structure)
		towers.Append(f)
	}
	return []Layer{
		{spec(KindLandUse, LayerLandUse, "", seed), landuse},
		{spec(KindProtectedArea, LayerProtectedArea, catNationalPark, seed), park},
		{spec(KindHeritage, LayerHeritage, "", seed), heritage},
		{spec(KindDefence, LayerDefence, "", seed), defence},
		{spec(KindCorridor, LayerCorridor, "", seed), corridor},
		{settlementSpec(seed), settlement},
		{spec(KindTower, LayerTower, catTowerA2, seed), towers},
	}
}
