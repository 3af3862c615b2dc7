// Package demo assembles the domain records of the synthetic demo
// district: geo/synth lays out its terrain, zoning, villages, networks and
// proposals as geometry and plain records, and demo turns them into
// planning's types (planning.Site, planning.Verdict, planning.Invalid
// errors) for `btsplan demo`, `btsplan load` and the tests and benchmarks
// that use the district.
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

// synth's plain records are aliases of structs with planning's fields, so
// they are planning's records as they are; these fail to compile the day
// the two part, and synth's records.go must then follow planning.
var (
	_ planning.LayerSpec    = synth.LayerSpec{}
	_ planning.AdminUnit    = synth.AdminUnit{}
	_ planning.Organization = synth.Organization{}
	_ planning.Antenna      = synth.Antenna{}
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
		site.Antennas[i] = a
	}
	return site
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
