package synth_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"btsplan/geo"
	"btsplan/geo/synth"
)

// configs are the districts every invariant is checked on: the demo,
// other seeds and the whole size range.
var configs = []struct {
	name string
	cfg  synth.Config
}{
	{"demo", synth.Config{}},
	{"seed 1", synth.Config{Seed: 1}},
	{"seed 99 27.5 km", synth.Config{Seed: 99, SizeKM: 27.5}},
	{"seed -7 40 km", synth.Config{Seed: -7, SizeKM: 40}},
	{"seed 2024 22 km", synth.Config{Seed: 2024, SizeKM: 22}},
	{"seed 123456789", synth.Config{Seed: 123456789}},
}

func generate(t testing.TB, cfg synth.Config) *synth.District {
	t.Helper()
	d, err := synth.Generate(cfg)
	if err != nil {
		t.Fatalf("Generate(%+v): %v", cfg, err)
	}
	return d
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	return b
}

// everything is all the GeoJSON a district produces, layer by layer.
func everything(t testing.TB, d *synth.District) map[string][]byte {
	out := map[string][]byte{
		"admin":     mustJSON(t, d.AdminGeoJSON()),
		"proposals": mustJSON(t, d.ProposalsGeoJSON()),
	}
	for _, l := range d.Layers {
		out[l.Spec.Name] = mustJSON(t, l.Features)
	}
	return out
}

func TestGenerateIsDeterministic(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  synth.Config
	}{
		{"demo", synth.Config{}},
		{"seed 42 with extra zones", synth.Config{Seed: 42, SizeKM: 30, ExtraZones: 2000}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, b := generate(t, tc.cfg), generate(t, tc.cfg)
			ja, jb := everything(t, a), everything(t, b)
			if len(ja) != len(jb) {
				t.Fatalf("layer count %d, want %d", len(jb), len(ja))
			}
			for k, v := range ja {
				if !bytes.Equal(v, jb[k]) {
					t.Errorf("%s: second run differs (%d vs %d bytes)", k, len(jb[k]), len(v))
				}
			}
			na, ha := a.HGT()
			nb, hb := b.HGT()
			if na != nb || !bytes.Equal(ha, hb) {
				t.Errorf("HGT %s differs between runs (%s)", nb, na)
			}
			if !slices.Equal(a.DEM.Pix, b.DEM.Pix) {
				t.Errorf("DEM differs between runs")
			}
		})
	}
}

func TestSeedsDiffer(t *testing.T) {
	a, b := generate(t, synth.Config{Seed: 1}), generate(t, synth.Config{Seed: 2})
	ja, jb := everything(t, a), everything(t, b)
	for _, k := range []string{synth.LayerLandUse, synth.LayerCorridor, synth.LayerSettlement, synth.LayerTower, "proposals"} {
		if bytes.Equal(ja[k], jb[k]) {
			t.Errorf("%s: seeds 1 and 2 give the same GeoJSON", k)
		}
	}
	_, ha := a.HGT()
	_, hb := b.HGT()
	if bytes.Equal(ha, hb) {
		t.Errorf("HGT: seeds 1 and 2 give the same tile")
	}
}

func TestGenerateRejectsBadConfig(t *testing.T) {
	for _, tc := range []struct {
		name  string
		cfg   synth.Config
		field string
	}{
		{"too small", synth.Config{SizeKM: 10}, "SizeKM"},
		{"too large", synth.Config{SizeKM: 41}, "SizeKM"},
		{"NaN size", synth.Config{SizeKM: math.NaN()}, "SizeKM"},
		{"negative extra zones", synth.Config{ExtraZones: -1}, "ExtraZones"},
		{"DEM crosses 105 E", synth.Config{Centre: orb.Point{104.9, 21.5}}, "Centre"},
		{"DEM crosses 22 N", synth.Config{Centre: orb.Point{104.5, 21.9}}, "Centre"},
		{"outside SRTM", synth.Config{Centre: orb.Point{104.5, 70}}, "Centre"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := synth.Generate(tc.cfg)
			if err == nil {
				t.Fatalf("Generate(%+v) = nil error, want Invalid", tc.cfg)
			}
			var ce *synth.ConfigError
			if !errors.As(err, &ce) || ce.Field != tc.field {
				t.Errorf("Generate(%+v) = %v, want a *ConfigError at field %q", tc.cfg, err, tc.field)
			}
		})
	}
}

func TestDistrictIsWhereTheReadmeSays(t *testing.T) {
	d := generate(t, synth.Config{})
	want := orb.Bound{Min: orb.Point{104.4533, 21.5101}, Max: orb.Point{104.6467, 21.6899}}
	for i := 0; i < 2; i++ {
		if !geo.Near(d.Bound.Min[i], want.Min[i], 1e-4) || !geo.Near(d.Bound.Max[i], want.Max[i], 1e-4) {
			t.Fatalf("Bound = %v, want %v", d.Bound, want)
		}
	}
	if d.Name != "Huyện Núi Mẫu (SYNTHETIC / DỮ LIỆU GIẢ LẬP)" {
		t.Errorf("Name = %q", d.Name)
	}
	if name, _ := d.HGT(); name != "N21E104.hgt" {
		t.Errorf("HGT name = %q, want N21E104.hgt", name)
	}
}

// layerKinds are the kinds the district has a layer of: every kind the
// default rules know except airports (planning/demo checks they are
// planning's).
var layerKinds = []string{synth.KindLandUse, synth.KindProtectedArea, synth.KindHeritage, synth.KindDefence,
	synth.KindCorridor, synth.KindSettlement, synth.KindTower}

func TestLayersAreComplete(t *testing.T) {
	for _, tc := range configs {
		t.Run(tc.name, func(t *testing.T) {
			d := generate(t, tc.cfg)
			var kinds []string
			for _, l := range d.Layers {
				kinds = append(kinds, l.Spec.Kind)
				if len(l.Features.Features) == 0 {
					t.Errorf("layer %s is empty", l.Spec.Name)
				}
				if !slices.Contains(layerKinds, l.Spec.Kind) {
					t.Errorf("layer %s has unknown kind %q", l.Spec.Name, l.Spec.Kind)
				}
				if (l.Spec.Category == "") == (l.Spec.CategoryField == "") {
					t.Errorf("layer %s: Category %q and CategoryField %q: want exactly one", l.Spec.Name, l.Spec.Category, l.Spec.CategoryField)
				}
			}
			for _, k := range layerKinds {
				if !slices.Contains(kinds, k) {
					t.Errorf("no layer of kind %s", k)
				}
			}
			cats := map[string]bool{}
			lu, _ := d.Layer(synth.LayerLandUse)
			for _, f := range lu.Features.Features {
				cats[f.Properties.MustString("category")] = true
			}
			for _, c := range []string{"RDD", "RPH", "RSX", "LUC", "HNK", "CLN", "ONT", "DGT", "DDT", "CQP"} {
				if !cats[c] {
					t.Errorf("landuse has no %s zone", c)
				}
			}
			cor, _ := d.Layer(synth.LayerCorridor)
			var got []string
			for _, f := range cor.Features.Features {
				got = append(got, f.Properties.MustString("category"))
			}
			if want := []string{"road_national", "road_provincial", "road_local", "power_110kv"}; !slices.Equal(got, want) {
				t.Errorf("corridor categories = %v, want %v", got, want)
			}
		})
	}
}

func TestEveryFeatureIsLabelledSynthetic(t *testing.T) {
	d := generate(t, synth.Config{Seed: 5, ExtraZones: 500})
	check := func(where string, f *geojson.Feature) {
		if f.Properties["synthetic"] != true {
			t.Errorf("%s: synthetic = %v, want true", where, f.Properties["synthetic"])
		}
		name, _ := f.Properties["name"].(string)
		if !strings.Contains(name, "giả lập") && !strings.Contains(name, "GIẢ LẬP") {
			t.Errorf("%s: name %q does not say giả lập", where, name)
		}
	}
	for _, l := range d.Layers {
		if !strings.Contains(l.Spec.Source, "synthetic") || !strings.Contains(l.Spec.Source, "seed 5") {
			t.Errorf("layer %s: Source = %q, want it to name the synthetic generator and seed 5", l.Spec.Name, l.Spec.Source)
		}
		if l.Spec.Licence != "CC0 (synthetic)" || !strings.Contains(l.Spec.Name, "synthetic") {
			t.Errorf("layer %s: Licence = %q", l.Spec.Name, l.Spec.Licence)
		}
		for i, f := range l.Features.Features {
			check(fmt.Sprintf("%s[%d]", l.Spec.Name, i), f)
			if _, ok := f.Properties["category"].(string); !ok {
				t.Errorf("%s[%d]: no category", l.Spec.Name, i)
			}
		}
	}
	for i, f := range d.AdminGeoJSON().Features {
		check(fmt.Sprintf("admin[%d]", i), f)
		if code := f.Properties.MustString("code"); !strings.HasPrefix(code, "SYN") {
			t.Errorf("admin[%d]: code %q does not start with SYN", i, code)
		}
	}
	for _, p := range d.Proposals {
		if !strings.HasPrefix(p.Site.Code, "SYN-") {
			t.Errorf("proposal site code %q does not start with SYN-", p.Site.Code)
		}
	}
	if len(d.ExistingSites.Features) != 3 {
		t.Errorf("%d existing sites, want 3 (one per carrier)", len(d.ExistingSites.Features))
	}
	carriers := map[string]bool{}
	for i, f := range d.ExistingSites.Features {
		check(fmt.Sprintf("existing site[%d]", i), f)
		code, _ := f.Properties["site_code"].(string)
		if !strings.HasPrefix(code, "SYN-") || f.Properties["source"] != "SYNTHETIC" {
			t.Errorf("existing site[%d]: site_code %q, source %v; want SYN- and SYNTHETIC", i, code, f.Properties["source"])
		}
		carriers[f.Properties.MustString("carrier")] = true
	}
	if len(carriers) != 3 {
		t.Errorf("existing sites of carriers %v, want Viettel, VinaPhone and MobiFone", carriers)
	}
}

func TestAdminUnits(t *testing.T) {
	d := generate(t, synth.Config{})
	levels := map[string][]synth.AdminUnit{}
	for _, a := range d.Admin {
		levels[a.Unit.Level] = append(levels[a.Unit.Level], a.Unit)
	}
	if len(levels["province"]) != 1 || len(levels["district"]) != 1 {
		t.Fatalf("levels = %v, want one province and one district", levels)
	}
	prov, dist := levels["province"][0], levels["district"][0]
	if dist.Parent != prov.Code || dist.ValidTo == nil || dist.ValidTo.Format("2006-01-02") != "2025-07-01" {
		t.Errorf("district = %+v, want parent %s and valid_to 2025-07-01", dist, prov.Code)
	}
	if n := len(levels["commune"]); n < 3 || n > 5 {
		t.Errorf("%d communes, want 3 to 5", n)
	}
	for _, c := range levels["commune"] {
		if c.Parent != dist.Code || c.ValidTo != nil || !strings.HasPrefix(c.Name, "Xã ") {
			t.Errorf("commune %+v: want parent %s, in force, named Xã ...", c, dist.Code)
		}
	}
	// The communes tile the district: every proposal is in exactly one.
	for _, p := range d.Proposals {
		n := 0
		for _, a := range d.Admin {
			if a.Unit.Level == "commune" && polygonContains(a.Boundary, p.Site.Location) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("proposal %s is in %d communes, want 1", p.Site.Code, n)
		}
	}
}
