package planning_test

import (
	"context"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"btsplan/geo"
	"btsplan/planning"
	"btsplan/planning/planningtest"
)

// The test site stands on a ridge near Tam Đảo, in province "25".
var (
	siteLoc = orb.Point{105.6400, 21.4600}
	testNow = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
)

const (
	province  = "25"
	district  = "25-TD"
	commune   = "25-TD-07"
	carrierVT = "452-04"
)

var (
	orgs = []planning.Organization{
		{Code: carrierVT, Name: "Viettel", Kind: "carrier"},
		{Code: "SNNMT", Kind: "authority"}, {Code: "SXD", Kind: "authority"},
		{Code: "SVHTTDL", Kind: "authority"}, {Code: "BCHQS", Kind: "authority"},
		{Code: "CHK", Kind: "authority"}, {Code: "SKHCN", Kind: "authority"},
		{Code: "BQLVQG", Kind: "authority"}, {Code: "EVN", Kind: "authority"},
		{Code: "VNR", Kind: "authority"}, {Code: "CAT", Kind: "authority"},
	}
	units = []planning.AdminUnit{
		{Code: commune, Level: "commune", Parent: district},
		{Code: district, Level: "district", Parent: province},
		{Code: province, Level: "province"},
	}
)

// square returns a closed square footprint of side sideM metres centred on c.
func square(c orb.Point, sideM float64) orb.Polygon {
	lonM, latM := geo.MetresPerDegree(c[1])
	dx, dy := sideM/2/lonM, sideM/2/latM
	return orb.Polygon{{
		{c[0] - dx, c[1] - dy}, {c[0] + dx, c[1] - dy}, {c[0] + dx, c[1] + dy}, {c[0] - dx, c[1] + dy}, {c[0] - dx, c[1] - dy},
	}}
}

// validSite is a free-standing 40 m tower with three LTE sectors.
func validSite() planning.Site {
	return planning.Site{
		Carrier:   carrierVT,
		Code:      "VPC-TD-0107",
		Location:  siteLoc,
		Footprint: square(siteLoc, 12),
		Structure: planning.StructureA2b,
		HeightM:   40,
		Antennas: []planning.Antenna{
			{AzimuthDeg: 0, TiltDeg: 4, BandMHz: 1800, EIRPdBm: 60, Technology: "LTE"},
			{AzimuthDeg: 120, TiltDeg: 4, BandMHz: 1800, EIRPdBm: 60, Technology: "LTE"},
			{AzimuthDeg: 240, TiltDeg: 4, BandMHz: 1800, EIRPdBm: 60, Technology: "LTE"},
		},
	}
}

func defaultBook(t *testing.T) *planning.RuleBook {
	t.Helper()
	b, err := planning.LoadRuleBook(nil)
	if err != nil {
		t.Fatalf("LoadRuleBook(nil) error = %v, want nil", err)
	}
	return b
}

// stores are the fakes behind a test Service, with sensible defaults that a
// test may replace before calling newService.
type stores struct {
	zones  *planningtest.ZoneStore
	props  *planningtest.ProposalStore
	admin  *planningtest.AdminStore
	orgs   *planningtest.OrgStore
	layers *planningtest.LayerStore
	// zoneQueries records every ZonesNear query.
	zoneQueries []planning.ZoneQuery
}

// newStores returns fakes that answer with hits, the test admin units, the
// test organizations and the current version of every layer in hits.
func newStores(hits []planning.ZoneHit) *stores {
	st := &stores{
		props:  &planningtest.ProposalStore{},
		admin:  &planningtest.AdminStore{UnitsAtFunc: func(context.Context, orb.Point, time.Time) ([]planning.AdminUnit, error) { return units, nil }},
		orgs:   &planningtest.OrgStore{OrganizationFunc: planningtest.Orgs(orgs...)},
		layers: &planningtest.LayerStore{},
	}
	st.zones = &planningtest.ZoneStore{
		ZonesNearFunc: func(_ context.Context, q planning.ZoneQuery) ([]planning.ZoneHit, error) {
			st.zoneQueries = append(st.zoneQueries, q)
			return hits, nil
		},
		CurrentLayerVersionsFunc: func(context.Context) (map[string]int, error) {
			v := map[string]int{}
			for _, h := range hits {
				v[h.LayerName] = h.LayerVersion
			}
			return v, nil
		},
	}
	return st
}

func (st *stores) service(book *planning.RuleBook) *planning.Service {
	return planning.NewService(planning.ServiceConfig{}, book, st.zones, st.props, st.admin, st.orgs, st.layers, func() time.Time { return testNow })
}

// hit builds a zone hit of layer kind kind; distances default to 0 (inside).
func hit(id int64, kind, category, name string, distM, footprintDistM float64) planning.ZoneHit {
	return planning.ZoneHit{
		ZoneID:             id,
		LayerName:          kind + "-layer",
		LayerKind:          kind,
		LayerVersion:       3,
		Category:           category,
		Name:               name,
		DistanceM:          distM,
		FootprintDistanceM: footprintDistM,
	}
}

func ruleIDs(fs []planning.Finding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.RuleID
	}
	return out
}
