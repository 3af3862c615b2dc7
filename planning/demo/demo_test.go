package demo_test

import (
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"btsplan/geo/synth"
	"btsplan/planning"
	"btsplan/planning/demo"
)

func TestGenerateInvalid(t *testing.T) {
	_, err := demo.Generate(synth.Config{SizeKM: 5})
	if k, f := planning.KindOf(err), planning.FieldOf(err); k != planning.Invalid || f != "SizeKM" {
		t.Errorf("Generate(SizeKM 5) = %v (kind %v, field %q), want Invalid at SizeKM", err, k, f)
	}
}

// synth's strings are the domain's: its layer kinds, structures, verdicts
// and the home-cluster category are planning's, and every demo site is a
// valid planning.Site.
func TestRecordsAreTheDomains(t *testing.T) {
	d, err := demo.Generate(synth.Config{})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, l := range d.Layers {
		kinds = append(kinds, l.Spec.Kind)
		if !slices.Contains(planning.LayerKinds, l.Spec.Kind) {
			t.Errorf("layer %s: kind %q is not one of planning.LayerKinds %v", l.Spec.Name, l.Spec.Kind, planning.LayerKinds)
		}
	}
	for _, k := range planning.LayerKinds {
		if k != planning.KindAirport && !slices.Contains(kinds, k) {
			t.Errorf("no demo layer of kind %s", k)
		}
	}
	if synth.CategoryHomeCluster != planning.CategoryHomeCluster {
		t.Errorf("synth.CategoryHomeCluster = %q, want planning's %q", synth.CategoryHomeCluster, planning.CategoryHomeCluster)
	}
	verdicts := map[planning.Verdict]int{}
	for _, p := range d.Proposals {
		s := demo.Site(p.Site)
		var svc *planning.Service // ValidateSite reads nothing of the service
		if err := svc.ValidateSite(s); err != nil || !s.Structure.Valid() {
			t.Errorf("proposal %s (structure %s): %v, want a valid site", s.Code, s.Structure, err)
		}
		if s.Code != p.Site.Code || s.Location != p.Site.Location || string(s.Structure) != string(p.Site.Structure) ||
			len(s.Antennas) != len(p.Site.Antennas) || !orbEqual(s.Footprint, p.Site.Footprint) {
			t.Errorf("Site(%+v) = %+v, want the same site", p.Site, s)
		}
		verdicts[demo.Verdict(p.ExpectedVerdict)]++
	}
	for _, v := range []planning.Verdict{planning.Approve, planning.Conditional, planning.Conflict} {
		if verdicts[v] == 0 {
			t.Errorf("no proposal aims at %s (verdicts %v)", v, verdicts)
		}
	}
	if len(verdicts) != 3 {
		t.Errorf("verdicts %v, want only planning's three", verdicts)
	}
	if got := demo.Sites(d); len(got) != len(d.Proposals) {
		t.Errorf("Sites = %d, want %d", len(got), len(d.Proposals))
	}
}

func orbEqual(a, b orb.Polygon) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return orb.Equal(a, b)
}

// sameFields reports the fields of from that to has under the same name
// but not with the same value: a field the conversion forgot.
func sameFields(t *testing.T, what string, from, to any) {
	t.Helper()
	fv, tv := reflect.ValueOf(from), reflect.ValueOf(to)
	for i := range fv.NumField() {
		name := fv.Type().Field(i).Name
		got := tv.FieldByName(name)
		if !got.IsValid() {
			t.Errorf("%s: planning's type has no field %s", what, name)
			continue
		}
		if !reflect.DeepEqual(got.Interface(), fv.Field(i).Interface()) &&
			fmt.Sprint(got.Interface()) != fmt.Sprint(fv.Field(i).Interface()) {
			t.Errorf("%s: %s = %v, want %v", what, name, got.Interface(), fv.Field(i).Interface())
		}
	}
}

// Every field of synth's records reaches planning's.
func TestConversionsKeepEveryField(t *testing.T) {
	d, err := demo.Generate(synth.Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range d.Layers {
		sameFields(t, "layer "+l.Spec.Name, l.Spec, demo.LayerSpec(l.Spec))
	}
	for _, a := range d.Admin {
		sameFields(t, "admin unit "+a.Unit.Code, a.Unit, demo.AdminUnit(a.Unit))
	}
	orgs := demo.Organizations(d)
	for i, c := range d.Carriers {
		sameFields(t, "carrier "+c.Code, c, orgs[i])
	}
	for _, p := range d.Proposals {
		s := demo.Site(p.Site)
		for i, a := range p.Site.Antennas {
			sameFields(t, "antenna of "+p.Site.Code, a, s.Antennas[i])
		}
		site := p.Site
		site.Antennas = nil
		plain := s
		plain.Antennas = nil
		sameFields(t, "site "+p.Site.Code, site, plain)
	}
}
