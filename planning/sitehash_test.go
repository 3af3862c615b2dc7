package planning_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"btsplan/planning"
)

func TestSiteHashStable(t *testing.T) {
	base := validSite()
	h := planning.SiteHash(base)
	if !strings.HasPrefix(h, "sha256:") || len(h) != len("sha256:")+64 {
		t.Fatalf("SiteHash = %q, want sha256: and 64 hex digits", h)
	}
	// A golden value: the hash is stored with every proposal, so changing
	// the normalisation silently would break duplicate detection for every
	// proposal stored before. Change it only with a migration in mind.
	literal := planning.Site{
		Carrier: "452-04", Code: "VPC-TD-0107", Location: orb.Point{105.64, 21.46},
		Footprint: orb.Polygon{{{105.63995, 21.45995}, {105.64005, 21.45995}, {105.64005, 21.46005}, {105.63995, 21.46005}, {105.63995, 21.45995}}},
		Structure: planning.StructureA2b, HeightM: 40,
		Antennas: []planning.Antenna{{AzimuthDeg: 120, TiltDeg: 4, BandMHz: 1800, EIRPdBm: 60, Technology: "LTE"}},
	}
	const golden = "sha256:797b3e98b4c8d8778d277d92ed66ecee0cbd822f60b6dbaa67beb468a621f5b3"
	if got := planning.SiteHash(literal); got != golden {
		t.Errorf("SiteHash(%+v) = %s, want the golden %s", literal, got, golden)
	}

	same := []struct {
		name string
		edit func(*planning.Site)
	}{
		{"antennas listed in another order", func(s *planning.Site) { slices.Reverse(s.Antennas) }},
		{"coordinates differing below 1e-7°", func(s *planning.Site) { s.Location[0] += 3e-9 }},
		{"footprint started at another vertex", func(s *planning.Site) {
			r := s.Footprint[0][:4]
			s.Footprint = orb.Polygon{append(append(orb.Ring{}, r[2:]...), r[0], r[1], r[2])}
		}},
		{"footprint turned clockwise", func(s *planning.Site) { slices.Reverse(s.Footprint[0]) }},
		{"footprint with a repeated vertex", func(s *planning.Site) {
			r := s.Footprint[0]
			s.Footprint = orb.Polygon{append(orb.Ring{r[0]}, r...)}
		}},
		{"spaces around carrier and code", func(s *planning.Site) { s.Carrier, s.Code = " "+s.Carrier, s.Code+" " }},
		{"technology in lower case", func(s *planning.Site) { s.Antennas[0].Technology = "lte" }},
	}
	for _, tt := range same {
		t.Run("same: "+tt.name, func(t *testing.T) {
			s := cloneSite(base)
			tt.edit(&s)
			if got := planning.SiteHash(s); got != h {
				t.Errorf("SiteHash = %s, want %s (the same content)", got, h)
			}
		})
	}

	different := []struct {
		name string
		edit func(*planning.Site)
	}{
		{"carrier", func(s *planning.Site) { s.Carrier = "452-01" }},
		{"site code", func(s *planning.Site) { s.Code = "VPC-TD-0108" }},
		{"location moved 1e-6°", func(s *planning.Site) { s.Location[1] += 1e-6 }},
		{"no footprint", func(s *planning.Site) { s.Footprint = nil }},
		{"structure", func(s *planning.Site) { s.Structure = planning.StructureA2c }},
		{"height", func(s *planning.Site) { s.HeightM = 42 }},
		{"azimuth", func(s *planning.Site) { s.Antennas[1].AzimuthDeg = 125 }},
		{"band", func(s *planning.Site) { s.Antennas[1].BandMHz = 2100 }},
		{"one antenna fewer", func(s *planning.Site) { s.Antennas = s.Antennas[:2] }},
	}
	for _, tt := range different {
		t.Run("different: "+tt.name, func(t *testing.T) {
			s := cloneSite(base)
			tt.edit(&s)
			if got := planning.SiteHash(s); got == h {
				t.Errorf("SiteHash = %s for a changed %s, want a different hash", got, tt.name)
			}
		})
	}
}

func cloneSite(s planning.Site) planning.Site {
	s.Antennas = slices.Clone(s.Antennas)
	fp := make(orb.Polygon, len(s.Footprint))
	for i, r := range s.Footprint {
		fp[i] = slices.Clone(r)
	}
	s.Footprint = fp
	return s
}
