package planning_test

import (
	"math"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"btsplan/planning"
)

func TestComputeGapFill(t *testing.T) {
	const own, other = "452-04", "452-01"
	nan := math.NaN()
	centre := orb.Point{105.60, 21.40}
	village := func(id int64, pop int) planning.Village {
		return planning.Village{ZoneID: id, Category: planning.CategoryVillage, Name: "Thôn", Population: pop, HasPopulation: true,
			Centre: centre, Geometry: centre}
	}
	classified := func(ownStatus planning.VillageStatus, spot planning.NotSpot) planning.GapVillage {
		return planning.GapVillage{NotSpot: spot, Coverage: map[string]planning.CarrierCoverage{
			own: {Status: ownStatus}, other: {Status: planning.Covered}}}
	}
	nearOwn := planning.ExistingSite{Carrier: own, Location: orb.Point{105.61, 21.40}}     // ~1 km
	nearOther := planning.ExistingSite{Carrier: other, Location: orb.Point{105.61, 21.40}} // ~1 km
	farAway := planning.ExistingSite{Carrier: own, Location: orb.Point{106.00, 21.40}}     // ~41 km
	tests := []struct {
		name       string
		villages   []planning.Village
		levels     []float64
		statuses   map[int64]planning.GapVillage
		sites      []planning.ExistingSite
		wantIDs    []int64
		wantOwn    []bool
		wantAnyone []bool
		wantPeople int
		wantFirst  int
		wantUnk    int
	}{
		{name: "trang song for the carrier only", villages: []planning.Village{village(1, 300)}, levels: []float64{-80},
			statuses: map[int64]planning.GapVillage{1: classified(planning.TrangSong, planning.NotSpotPartial)},
			wantIDs:  []int64{1}, wantOwn: []bool{true}, wantAnyone: []bool{false}, wantPeople: 300},
		{name: "total not-spot is new for anyone", villages: []planning.Village{village(1, 250)}, levels: []float64{-80},
			statuses: map[int64]planning.GapVillage{1: {NotSpot: planning.NotSpotTotal, Coverage: map[string]planning.CarrierCoverage{own: {Status: planning.TrangSong}}}},
			wantIDs:  []int64{1}, wantOwn: []bool{true}, wantAnyone: []bool{true}, wantPeople: 250, wantFirst: 250},
		{name: "covered already is not new", villages: []planning.Village{village(1, 300)}, levels: []float64{-80},
			statuses: map[int64]planning.GapVillage{1: classified(planning.Covered, planning.NotSpotNone)}},
		{name: "lom song is not newly covered", villages: []planning.Village{village(1, 300)}, levels: []float64{-80},
			statuses: map[int64]planning.GapVillage{1: classified(planning.LomSong, planning.NotSpotPartial)}},
		{name: "below the threshold is not covered", villages: []planning.Village{village(1, 300)}, levels: []float64{-110},
			statuses: map[int64]planning.GapVillage{1: classified(planning.TrangSong, planning.NotSpotTotal)}},
		{name: "no level is not covered", villages: []planning.Village{village(1, 300)}, levels: []float64{nan}},
		{name: "unclassified, no site within reach: new for anyone", villages: []planning.Village{village(1, 120)}, levels: []float64{-80},
			sites: []planning.ExistingSite{farAway}, wantIDs: []int64{1}, wantOwn: []bool{true}, wantAnyone: []bool{true}, wantPeople: 120, wantFirst: 120},
		{name: "unclassified, only another carrier within reach: new for own", villages: []planning.Village{village(1, 120)}, levels: []float64{-80},
			sites: []planning.ExistingSite{nearOther}, wantIDs: []int64{1}, wantOwn: []bool{true}, wantAnyone: []bool{false}, wantPeople: 120},
		{name: "unclassified, own site within reach: unknown", villages: []planning.Village{village(1, 120)}, levels: []float64{-80},
			sites: []planning.ExistingSite{nearOwn}, wantUnk: 1},
		{name: "carrier not analysed and none of its sites in reach", villages: []planning.Village{village(1, 90)}, levels: []float64{-80},
			statuses: map[int64]planning.GapVillage{1: {NotSpot: planning.NotSpotPartial, Coverage: map[string]planning.CarrierCoverage{other: {Status: planning.TrangSong}}}},
			sites:    []planning.ExistingSite{nearOther}, wantIDs: []int64{1}, wantOwn: []bool{true}, wantAnyone: []bool{false}, wantPeople: 90},
		{name: "people add up, home clusters are not villages", levels: []float64{-80, -85, -70},
			villages: []planning.Village{village(1, 100), village(2, 40), {ZoneID: 3, Category: planning.CategoryHomeCluster, Centre: centre}},
			statuses: map[int64]planning.GapVillage{1: classified(planning.TrangSong, planning.NotSpotTotal), 2: classified(planning.TrangSong, planning.NotSpotPartial)},
			wantIDs:  []int64{1, 2}, wantOwn: []bool{true, true}, wantAnyone: []bool{true, false}, wantPeople: 140, wantFirst: 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := planning.ComputeGapFill(planning.GapFillInput{Carrier: own, Villages: tt.villages, LevelDBm: tt.levels,
				ThresholdDBm: -100, Statuses: tt.statuses, Sites: tt.sites, ShareDistanceM: 500})
			var ids []int64
			var owns, anyones []bool
			for _, v := range g.VillagesNewlyCovered {
				ids, owns, anyones = append(ids, v.ZoneID), append(owns, v.ForOwnCarrier), append(anyones, v.ForAnyone)
			}
			if !slices.Equal(ids, tt.wantIDs) || !slices.Equal(owns, tt.wantOwn) || !slices.Equal(anyones, tt.wantAnyone) {
				t.Errorf("newly covered = %v own %v anyone %v, want %v own %v anyone %v", ids, owns, anyones, tt.wantIDs, tt.wantOwn, tt.wantAnyone)
			}
			if g.PeopleNewlyCovered != tt.wantPeople || g.PeopleFirstSignal != tt.wantFirst {
				t.Errorf("people = %d (first signal %d), want %d (%d)", g.PeopleNewlyCovered, g.PeopleFirstSignal, tt.wantPeople, tt.wantFirst)
			}
			if g.VillagesUnknown != tt.wantUnk {
				t.Errorf("unknown = %d, want %d", g.VillagesUnknown, tt.wantUnk)
			}
			for _, v := range g.VillagesNewlyCovered {
				if v.ForOwnCarrier && v.StatusBefore != string(planning.TrangSong) {
					t.Errorf("village %d: status before = %q, want trang_song", v.ZoneID, v.StatusBefore)
				}
			}
		})
	}
}

func TestComputeGapFillTowers(t *testing.T) {
	towers := []planning.ShareableTower{
		{ID: 1, Carrier: "452-01", DistanceM: 450, HeightM: 40},   // far enough and tall: kept
		{ID: 2, Carrier: "452-02", DistanceM: 120, HeightM: 30},   // lower than the site: out
		{ID: 3, Carrier: "452-04", DistanceM: 501, HeightM: 60},   // beyond 500 m: out
		{ID: 4, Carrier: "452-05", DistanceM: 80, HeightM: 35},    // exactly as tall: kept
		{ID: 5, Carrier: "452-07", DistanceM: 500, HeightM: 35.5}, // exactly at 500 m: kept
	}
	tests := []struct {
		name    string
		heightM float64
		distM   float64
		want    []int64
	}{
		{name: "500 m, 35 m", heightM: 35, distM: 500, want: []int64{4, 1, 5}},
		{name: "1 km, 35 m", heightM: 35, distM: 1000, want: []int64{4, 1, 5, 3}},
		{name: "500 m, 25 m", heightM: 25, distM: 500, want: []int64{4, 2, 1, 5}},
		{name: "500 m, 70 m", heightM: 70, distM: 500, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := planning.ComputeGapFill(planning.GapFillInput{Towers: towers, HeightM: tt.heightM, ShareDistanceM: tt.distM})
			var got []int64
			for _, tw := range g.ShareableTowers {
				got = append(got, tw.ID)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("shareable towers = %v, want %v", got, tt.want)
			}
		})
	}
}
