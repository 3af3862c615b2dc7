// Package demo assembles the domain records of the synthetic demo
// district: geo/synth lays out its terrain, zoning, villages, networks and
// proposals as geometry and plain records, and demo turns them into
// planning's types (Site, Verdict, LayerSpec, AdminUnit, Organization, an
// Invalid error for a bad Config), field by field, for `btsplan demo`,
// `btsplan load` and the tests and benchmarks that use the district.
//
// It follows planning's rules (it may import planning, geo and orb; never
// gin, pgx, net/http or data). It exists so that geo, the ground floor,
// never imports planning.
package demo

import (
	"errors"

	"btsplan/geo/synth"
	"btsplan/planning"
)

// Generate builds the district of cfg (synth.Generate). A bad cfg is an
// Invalid *planning.Error naming the Config field.
func Generate(cfg synth.Config) (*synth.District, error) {
	d, err := synth.Generate(cfg)
	var ce *synth.ConfigError
	if errors.As(err, &ce) {
		return nil, &planning.Error{Op: "generate demo district", Kind: planning.Invalid, Field: ce.Field, Err: ce.Err}
	}
	return d, err
}

// Site returns a demo proposal's site as the domain's.
func Site(s synth.Site) planning.Site {
	site := planning.Site{
		Carrier:   s.Carrier,
		Code:      s.Code,
		Location:  s.Location,
		Footprint: s.Footprint,
		Structure: planning.Structure(s.Structure),
		HeightM:   s.HeightM,
		Antennas:  make([]planning.Antenna, len(s.Antennas)),
	}
	for i, a := range s.Antennas {
		site.Antennas[i] = planning.Antenna{AzimuthDeg: a.AzimuthDeg, TiltDeg: a.TiltDeg, BandMHz: a.BandMHz,
			EIRPdBm: a.EIRPdBm, Technology: a.Technology}
	}
	return site
}

// LayerSpec returns how a demo layer is imported as the domain's spec.
func LayerSpec(s synth.LayerSpec) planning.LayerSpec {
	return planning.LayerSpec{Kind: s.Kind, Name: s.Name, Category: s.Category, CategoryField: s.CategoryField,
		NameField: s.NameField, PopulationField: s.PopulationField, SRID: s.SRID, Source: s.Source, Licence: s.Licence}
}

// AdminUnit returns a demo admin unit as the domain's.
func AdminUnit(u synth.AdminUnit) planning.AdminUnit {
	return planning.AdminUnit{Code: u.Code, Name: u.Name, Level: u.Level, Parent: u.Parent,
		ValidFrom: u.ValidFrom, ValidTo: u.ValidTo}
}

// Organizations returns the district's carriers as the domain's.
func Organizations(d *synth.District) []planning.Organization {
	out := make([]planning.Organization, len(d.Carriers))
	for i, c := range d.Carriers {
		out[i] = planning.Organization{Code: c.Code, Name: c.Name, Kind: c.Kind}
	}
	return out
}

// Sites returns the sites of the district's proposals, in their order.
func Sites(d *synth.District) []planning.Site {
	out := make([]planning.Site, len(d.Proposals))
	for i, p := range d.Proposals {
		out[i] = Site(p.Site)
	}
	return out
}

// Verdict returns the verdict a proposal was placed to get as the
// domain's.
func Verdict(v synth.Verdict) planning.Verdict { return planning.Verdict(v) }
