package synth_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/paulmach/orb"

	"btsplan/geo/synth"
)

// checkPolygon reports what is wrong with a polygon under RFC 7946 and
// OGC validity: unclosed or short rings, wrong orientation,
// self-intersections, holes outside or crossing the exterior, or vertices
// outside within.
func checkPolygon(pg orb.Polygon, within orb.Bound) error {
	if len(pg) == 0 {
		return fmt.Errorf("no rings")
	}
	for i, r := range pg {
		if len(r) < 4 {
			return fmt.Errorf("ring %d has %d positions, want at least 4", i, len(r))
		}
		if r[0] != r[len(r)-1] {
			return fmt.Errorf("ring %d is not closed", i)
		}
		a := signedArea(r)
		if i == 0 && !(a > 0) {
			return fmt.Errorf("exterior ring is not counter-clockwise (area %g)", a)
		}
		if i > 0 && !(a < 0) {
			return fmt.Errorf("hole %d is not clockwise (area %g)", i, a)
		}
		if e1, e2 := selfIntersection(r); e1 >= 0 {
			return fmt.Errorf("ring %d: edges %d and %d meet (%v-%v, %v-%v)", i, e1, e2, r[e1], r[e1+1], r[e2], r[e2+1])
		}
		for _, p := range r {
			if !within.Contains(p) {
				return fmt.Errorf("ring %d: vertex %v outside %v", i, p, within)
			}
		}
		if i > 0 {
			if ringsCross(pg[0], r) {
				return fmt.Errorf("hole %d meets the exterior", i)
			}
			if !ringContains(pg[0], r[0]) {
				return fmt.Errorf("hole %d lies outside the exterior", i)
			}
		}
	}
	return nil
}

func TestPolygonsAreValid(t *testing.T) {
	cases := append(configs[:len(configs):len(configs)],
		struct {
			name string
			cfg  synth.Config
		}{"extra zones", synth.Config{Seed: 3, ExtraZones: 5000}})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := generate(t, tc.cfg)
			polygons := 0
			check := func(where string, g orb.Geometry, within orb.Bound) {
				switch g := g.(type) {
				case orb.Polygon:
					polygons++
					if err := checkPolygon(g, within); err != nil {
						t.Errorf("%s: %v", where, err)
					}
				case orb.Point:
					if !within.Contains(g) {
						t.Errorf("%s: point %v outside %v", where, g, within)
					}
				case orb.LineString:
					if len(g) < 2 {
						t.Errorf("%s: line of %d positions", where, len(g))
					}
					for _, p := range g {
						if !within.Contains(p) {
							t.Errorf("%s: vertex %v outside %v", where, p, within)
							break
						}
					}
				default:
					t.Errorf("%s: unexpected geometry %T", where, g)
				}
			}
			for _, l := range d.Layers {
				for i, f := range l.Features.Features {
					check(fmt.Sprintf("%s[%d] %v", l.Spec.Name, i, f.Properties["name"]), f.Geometry, d.Bound)
				}
			}
			for _, a := range d.Admin {
				within := d.Bound
				if a.Unit.Level == "province" {
					within = d.DEM.Bound()
				}
				check("admin "+a.Unit.Code, a.Boundary, within)
			}
			for _, p := range d.Proposals {
				check("proposal "+p.Site.Code, p.Site.Location, d.Bound)
				if p.Site.Footprint != nil {
					check("footprint "+p.Site.Code, p.Site.Footprint, d.Bound)
					if !polygonContains(p.Site.Footprint, p.Site.Location) {
						t.Errorf("footprint of %s does not hold its point", p.Site.Code)
					}
				}
			}
			if want := 30 + tc.cfg.ExtraZones; polygons < want {
				t.Errorf("checked %d polygons, want at least %d", polygons, want)
			}
		})
	}
}

// TestLandUseTilesTheDistrict checks that the land-use zones neither
// overlap nor leave gaps: every point of a lattice over the district lies
// in exactly one zone.
func TestLandUseTilesTheDistrict(t *testing.T) {
	for _, tc := range configs {
		t.Run(tc.name, func(t *testing.T) {
			d := generate(t, tc.cfg)
			lu, _ := d.Layer(synth.LayerLandUse)
			type zone struct {
				pg   orb.Polygon
				b    orb.Bound
				name string
			}
			var zs []zone
			for _, f := range lu.Features.Features {
				pg := f.Geometry.(orb.Polygon)
				zs = append(zs, zone{pg, pg.Bound(), f.Properties.MustString("name")})
			}
			const n = 140
			b := d.Bound
			for i := 0; i < n; i++ {
				for j := 0; j < n; j++ {
					// Irrational offsets keep the lattice off the boundaries.
					p := orb.Point{
						b.Min[0] + (float64(i)+0.5+0.1*math.Sqrt2)/n*(b.Max[0]-b.Min[0]),
						b.Min[1] + (float64(j)+0.5+0.1*math.Sqrt(3))/n*(b.Max[1]-b.Min[1]),
					}
					var in []string
					for _, z := range zs {
						if z.b.Contains(p) && polygonContains(z.pg, p) {
							in = append(in, z.name)
						}
					}
					if len(in) != 1 {
						t.Errorf("%v lies in %d land-use zones %v, want 1", p, len(in), in)
					}
				}
			}
		})
	}
}

func TestExtraZones(t *testing.T) {
	base := generate(t, synth.Config{Seed: 8})
	for _, n := range []int{1, 977, 20000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			d := generate(t, synth.Config{Seed: 8, ExtraZones: n})
			extra, ok := d.Layer(synth.LayerLandUseExtra)
			if !ok {
				t.Fatalf("no layer %s", synth.LayerLandUseExtra)
			}
			if got := len(extra.Features.Features); got != n {
				t.Fatalf("%d extra zones, want %d", got, n)
			}
			if extra.Spec.Kind != "landuse" || extra.Spec.CategoryField != "category" {
				t.Errorf("extra spec = %+v, want a landuse layer with category_field category", extra.Spec)
			}
			// The demo itself does not change.
			a, b := everything(t, base), everything(t, d)
			for k, v := range a {
				if string(v) != string(b[k]) {
					t.Errorf("%s changed with %d extra zones", k, n)
				}
			}
			// No extra zone is near a proposal or a forbidding category.
			m := newMetric(d.Config.Centre)
			cats := map[string]int{}
			for i, f := range extra.Features.Features {
				cat := f.Properties.MustString("category")
				cats[cat]++
				if cat == "RDD" || cat == "CQP" || cat == "DDT" {
					t.Errorf("extra zone %d has category %s", i, cat)
				}
				ring := f.Geometry.(orb.Polygon)[0]
				for _, p := range d.Proposals {
					if dm := m.lineM(p.Site.Location, ring); dm < 400 {
						t.Errorf("extra zone %d is %.0f m from proposal %s, want at least 400", i, dm, p.Site.Code)
					}
				}
			}
			if n >= 977 && len(cats) < 6 {
				t.Errorf("extra categories %v, want a mix", cats)
			}
		})
	}
	if _, ok := base.Layer(synth.LayerLandUseExtra); ok {
		t.Errorf("ExtraZones 0 made an extra layer")
	}
}

// BenchmarkGenerateExtraZones50000 is the benchmark-scale district.
func BenchmarkGenerateExtraZones50000(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		d, err := synth.Generate(synth.Config{Seed: 1, ExtraZones: 50000})
		if err != nil {
			b.Fatal(err)
		}
		if l, _ := d.Layer(synth.LayerLandUseExtra); len(l.Features.Features) != 50000 {
			b.Fatalf("%d extra zones", len(l.Features.Features))
		}
	}
}

// BenchmarkHGT writes the full 1201×1201 tile.
func BenchmarkHGT(b *testing.B) {
	d, err := synth.Generate(synth.Config{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		d.HGT()
	}
}

func ExampleGenerate() {
	d, err := synth.Generate(synth.Config{}) // the demo district, seed 0
	if err != nil {
		fmt.Println(err)
		return
	}
	name, hgt := d.HGT()
	fmt.Println(d.Name)
	fmt.Println(name, len(hgt), "bytes")
	for _, l := range d.Layers {
		fmt.Println(l.Spec.Kind, len(l.Features.Features))
	}
	verdicts := map[string]int{}
	for _, p := range d.Proposals {
		verdicts[string(p.ExpectedVerdict)]++
	}
	fmt.Println(verdicts)
	// Output:
	// Huyện Núi Mẫu (SYNTHETIC / DỮ LIỆU GIẢ LẬP)
	// N21E104.hgt 2884802 bytes
	// landuse 33
	// protected_area 1
	// heritage 2
	// defence 2
	// corridor 4
	// settlement 9
	// tower 5
	// map[APPROVE:6 CONDITIONAL:9 CONFLICT:5]
}
