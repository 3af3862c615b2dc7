package synth

import (
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"btsplan/geo"
)

// District is a generated synthetic district.
type District struct {
	// Config is the configuration used, with its defaults filled in.
	Config Config
	// Name is DistrictName.
	Name string
	// Bound is the square district's extent, [lon, lat] EPSG:4326.
	Bound orb.Bound
	// DEM covers the district plus MarginKM on every side at 3 arc-seconds;
	// its cell centres are the samples of the SRTM tile that HGT writes.
	// Heights are whole metres, with no voids.
	DEM *geo.Grid
	// Admin holds the province, the district and its communes.
	Admin []AdminArea
	// Carriers are the three carriers of the proposals.
	Carriers []Organization
	// Layers are the zoning layers in planning.LayerKinds order, each
	// non-empty; with Config.ExtraZones the extra land-use layer is last.
	Layers []Layer
	// Proposals are the site proposals, APPROVE first, then CONDITIONAL,
	// then CONFLICT.
	Proposals []Proposal
	// ExistingSites are the carriers' SYNTHETIC existing sites, as the
	// GeoJSON that POST /v1/sites?format=geojson reads; the demo imports
	// them as network NetworkExisting.
	ExistingSites *geojson.FeatureCollection
	// OfficialGapList is a SYNTHETIC official list of trắng sóng villages
	// as CSV (see OfficialListAgrees, OfficialListDisagrees): it disagrees
	// with the demo's gap analysis in exactly one village.
	OfficialGapList []byte

	terrain *terrain
}

// Generate builds the district described by cfg. The same cfg always
// gives the same district, byte for byte. A bad cfg is a *ConfigError
// naming the field (planning/demo.Generate makes it planning.Invalid); a
// layout that cannot be built (it never happens in the tested range) is
// another error.
func Generate(cfg Config) (*District, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	f := newFrame(cfg.Centre)
	halfM := cfg.SizeKM * 500
	outM := halfM + MarginKM*1000
	demBound := orb.Bound{Min: f.exact(xy{-outM, -outM}), Max: f.exact(xy{outM, outM})}
	s := newShape(cfg.Seed)
	tr, err := newTerrain(s, f, demBound)
	if err != nil {
		return nil, &ConfigError{Field: "Centre", Err: err}
	}
	dem, err := tr.grid(demBound)
	if err != nil {
		return nil, fmt.Errorf("synth generate: %w", err)
	}
	p, err := newPlan(s, f, dem, halfM, cfg.Seed)
	if err != nil {
		return nil, fmt.Errorf("synth generate seed %d: %w", cfg.Seed, err)
	}
	d := &District{
		Config:  cfg,
		Name:    DistrictName,
		Bound:   orb.Bound{Min: f.point(xy{-halfM, -halfM}), Max: f.point(xy{halfM, halfM})},
		DEM:     dem,
		terrain: tr,
		Carriers: []Organization{
			{Code: MNCViettel, Name: "Viettel", Kind: "carrier"},
			{Code: MNCVinaPhone, Name: "VinaPhone", Kind: "carrier"},
			{Code: MNCMobiFone, Name: "MobiFone", Kind: "carrier"},
		},
	}
	d.Proposals = p.proposals(cfg.Seed)
	d.Layers = p.layers(cfg.Seed)
	if cfg.ExtraZones > 0 {
		d.Layers = append(d.Layers, p.extra(cfg.ExtraZones, d.Proposals, cfg.Seed))
	}
	d.Admin = p.admin(cfg.Seed)
	if d.ExistingSites, err = p.existing(); err != nil {
		return nil, fmt.Errorf("synth generate: %w", err)
	}
	if d.OfficialGapList, err = p.officialList(d.Admin); err != nil {
		return nil, fmt.Errorf("synth generate: %w", err)
	}
	return d, nil
}

// Layer returns the layer called name (one of the Layer* constants).
func (d *District) Layer(name string) (Layer, bool) {
	for _, l := range d.Layers {
		if l.Spec.Name == name {
			return l, true
		}
	}
	return Layer{}, false
}

// HGT returns the SRTM-3 tile that holds the DEM, such as "N21E104.hgt",
// as the bytes of a .hgt file: 1201×1201 int16 big-endian heights in
// metres, north row first. Samples inside DEM come from DEM; the rest of
// the tile is the same synthetic height field. It takes a fraction of a
// second and allocates 2.9 MB.
func (d *District) HGT() (name string, b []byte) {
	return d.terrain.t.name(), d.terrain.hgt(d.DEM)
}

// ProposalsGeoJSON returns the proposals' POST bodies as one
// FeatureCollection, for the map.
func (d *District) ProposalsGeoJSON() *geojson.FeatureCollection {
	fc := geojson.NewFeatureCollection()
	for _, p := range d.Proposals {
		fc.Append(p.Feature)
	}
	return fc
}
