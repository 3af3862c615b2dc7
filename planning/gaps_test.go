package planning_test

import (
	"math"
	"testing"

	"github.com/paulmach/orb"

	"btsplan/geo"
	"btsplan/planning"
)

func TestClassifyVillages(t *testing.T) {
	const a, b = "452-01", "452-04"
	nan := math.NaN()
	on := func(dbm float64) planning.PointLevel { return planning.PointLevel{LevelDBm: dbm, Covered: true} }
	off := func(dbm float64) planning.PointLevel { return planning.PointLevel{LevelDBm: dbm} }
	// A village polygon of about 1.1 km × 1.1 km around (105.60, 21.40).
	square := orb.Polygon{{{105.595, 21.395}, {105.605, 21.395}, {105.605, 21.405}, {105.595, 21.405}, {105.595, 21.395}}}
	village := planning.Village{ZoneID: 1, Category: planning.CategoryVillage, Name: "Thôn A", Centre: orb.Point{105.6, 21.4}, Geometry: orb.Point{105.6, 21.4}}
	area := planning.Village{ZoneID: 1, Category: planning.CategoryVillage, Name: "Thôn A", Centre: orb.Point{105.6, 21.4}, Geometry: square}
	near := planning.Village{ZoneID: 2, Category: planning.CategoryHomeCluster, Centre: orb.Point{105.603, 21.4}, Geometry: orb.Point{105.603, 21.4}} // ~310 m east
	far := planning.Village{ZoneID: 3, Category: planning.CategoryHomeCluster, Centre: orb.Point{105.62, 21.4}, Geometry: orb.Point{105.62, 21.4}}    // ~2 km east
	tests := []struct {
		name     string
		villages []planning.Village
		levels   map[string][]planning.PointLevel
		shares   map[string]map[int64]float64
		want     map[string]planning.VillageStatus
		wantSpot planning.NotSpot
	}{
		{name: "both cover the centre", villages: []planning.Village{village},
			levels: map[string][]planning.PointLevel{a: {on(-80)}, b: {on(-90)}},
			want:   map[string]planning.VillageStatus{a: planning.Covered, b: planning.Covered}, wantSpot: planning.NotSpotNone},
		{name: "one carrier only", villages: []planning.Village{village},
			levels: map[string][]planning.PointLevel{a: {on(-80)}, b: {off(-120)}},
			want:   map[string]planning.VillageStatus{a: planning.Covered, b: planning.TrangSong}, wantSpot: planning.NotSpotPartial},
		{name: "no carrier reaches it", villages: []planning.Village{village},
			levels: map[string][]planning.PointLevel{a: {off(nan)}, b: {off(-130)}},
			want:   map[string]planning.VillageStatus{a: planning.TrangSong, b: planning.TrangSong}, wantSpot: planning.NotSpotTotal},
		{name: "a home cluster nearby without signal", villages: []planning.Village{village, near},
			levels: map[string][]planning.PointLevel{a: {on(-80), off(-118)}, b: {on(-85), on(-100)}},
			want:   map[string]planning.VillageStatus{a: planning.LomSong, b: planning.Covered}, wantSpot: planning.NotSpotPartial},
		{name: "a home cluster too far away does not count", villages: []planning.Village{village, far},
			levels: map[string][]planning.PointLevel{a: {on(-80), off(nan)}, b: {on(-85), off(nan)}},
			want:   map[string]planning.VillageStatus{a: planning.Covered, b: planning.Covered}, wantSpot: planning.NotSpotNone},
		{name: "a polygon 40% uncovered is lom song", villages: []planning.Village{area},
			levels: map[string][]planning.PointLevel{a: {on(-80)}, b: {on(-80)}},
			shares: map[string]map[int64]float64{a: {1: 0.6}, b: {1: 0.75}},
			want:   map[string]planning.VillageStatus{a: planning.LomSong, b: planning.Covered}, wantSpot: planning.NotSpotPartial},
		{name: "lom song for every carrier is a partial not-spot", villages: []planning.Village{area},
			levels: map[string][]planning.PointLevel{a: {on(-80)}, b: {on(-80)}},
			shares: map[string]map[int64]float64{a: {1: 0.5}, b: {1: 0.1}},
			want:   map[string]planning.VillageStatus{a: planning.LomSong, b: planning.LomSong}, wantSpot: planning.NotSpotPartial},
		{name: "the share does not matter when the centre has no signal", villages: []planning.Village{area},
			levels: map[string][]planning.PointLevel{a: {off(-125)}, b: {off(-125)}},
			shares: map[string]map[int64]float64{a: {1: 0.9}, b: {1: 0.9}},
			want:   map[string]planning.VillageStatus{a: planning.TrangSong, b: planning.TrangSong}, wantSpot: planning.NotSpotTotal},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := planning.ClassifyVillages(planning.GapInput{Carriers: []string{a, b}, Villages: tc.villages,
				Levels: tc.levels, CoveredShare: tc.shares})
			if len(got) != 1 {
				t.Fatalf("ClassifyVillages = %d villages, want 1 (home clusters are not rows)", len(got))
			}
			for mnc, want := range tc.want {
				if s := got[0].Coverage[mnc].Status; s != want {
					t.Errorf("status of %s = %s, want %s", mnc, s, want)
				}
			}
			if got[0].NotSpot != tc.wantSpot {
				t.Errorf("not_spot = %s, want %s", got[0].NotSpot, tc.wantSpot)
			}
			if lv, want := got[0].Coverage[a].LevelDBm, tc.levels[a][0].LevelDBm; !(lv == want || math.IsNaN(lv) && math.IsNaN(want)) {
				t.Errorf("level of %s = %v, want %v", a, lv, want)
			}
		})
	}
}

func TestCountGaps(t *testing.T) {
	vs := []planning.GapVillage{
		{Village: planning.Village{Population: 100}, NotSpot: planning.NotSpotTotal,
			Coverage: map[string]planning.CarrierCoverage{"452-01": {Status: planning.TrangSong}}},
		{Village: planning.Village{Population: 50}, NotSpot: planning.NotSpotPartial,
			Coverage: map[string]planning.CarrierCoverage{"452-01": {Status: planning.LomSong}}},
		{Village: planning.Village{Population: 7}, NotSpot: planning.NotSpotNone,
			Coverage: map[string]planning.CarrierCoverage{"452-01": {Status: planning.Covered}}},
	}
	c := planning.CountGaps([]string{"452-01"}, vs)
	if c.Villages != 3 || c.People != 157 || c.NotSpotTotal != 1 || c.NotSpotPartial != 1 || c.NotSpotNone != 1 ||
		c.PeopleTotal != 100 || c.PeoplePartial != 50 {
		t.Errorf("CountGaps = %+v, want 3 villages, 157 people, one of each class, 100 and 50 people", c)
	}
	if got, want := c.Carriers["452-01"], (planning.GapCarrierCounts{Covered: 1, LomSong: 1, TrangSong: 1}); got != want {
		t.Errorf("carrier counts = %+v, want %+v", got, want)
	}
}

func TestSampleNearest(t *testing.T) {
	g, err := geo.NewGrid(2, 2, 105, 21, 0.5, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	g.Set(0, 0, -70)
	g.Set(1, 1, -100)
	tests := []struct {
		name string
		p    orb.Point
		want float64
	}{
		{"north-west cell", orb.Point{105.1, 20.9}, -70},
		{"south-east cell", orb.Point{105.9, 20.1}, -100},
		{"no data", orb.Point{105.9, 20.9}, math.NaN()},
		{"outside", orb.Point{104, 20.5}, math.NaN()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := planning.SampleNearest(g, tc.p)
			if !(got == tc.want || math.IsNaN(got) && math.IsNaN(tc.want)) {
				t.Errorf("SampleNearest(%v) = %v, want %v", tc.p, got, tc.want)
			}
		})
	}
}

func TestCheckBBox(t *testing.T) {
	tests := []struct {
		name string
		b    orb.Bound
		ok   bool
	}{
		{"Tam Dao", orb.Bound{Min: orb.Point{105.5, 21.4}, Max: orb.Point{105.7, 21.6}}, true},
		{"inverted", orb.Bound{Min: orb.Point{105.7, 21.4}, Max: orb.Point{105.5, 21.6}}, false},
		{"outside Vietnam", orb.Bound{Min: orb.Point{2.3, 48.8}, Max: orb.Point{2.4, 48.9}}, false},
		{"too large", orb.Bound{Min: orb.Point{103, 19}, Max: orb.Point{107, 23}}, false},
		{"not finite", orb.Bound{Min: orb.Point{math.NaN(), 21.4}, Max: orb.Point{105.7, 21.6}}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := planning.CheckBBox("/bbox", tc.b)
			if (err == nil) != tc.ok {
				t.Fatalf("CheckBBox(%v) = %v, want ok %v", tc.b, err, tc.ok)
			}
			if err != nil && planning.FieldOf(err) != "/bbox" {
				t.Errorf("FieldOf = %q, want /bbox", planning.FieldOf(err))
			}
		})
	}
}
