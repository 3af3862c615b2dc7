package planning_test

import (
	"context"
	"errors"
	"io"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/paulmach/orb"

	"btsplan/geo"
	"btsplan/planning"
	"btsplan/planning/planningtest"
)

func TestVerdicts(t *testing.T) {
	book := defaultBook(t)
	withHeight := func(h float64) func(*planning.Site) { return func(s *planning.Site) { s.HeightM = h } }
	withStructure := func(c planning.Structure, h float64) func(*planning.Site) {
		return func(s *planning.Site) { s.Structure, s.HeightM = c, h }
	}
	inBeamAt := func(bearingDeg, distM float64) planning.ZoneHit {
		h := hit(60, planning.KindSettlement, "residential_building", "Nhà ông Hùng", distM, distM)
		h.NearestPoint = geo.Destination(siteLoc, bearingDeg, distM)
		return h
	}
	overlapping := hit(2, planning.KindLandUse, "RDD", "Vườn quốc gia Tam Đảo", 12, 0)
	overlapping.FootprintOverlapM2 = 8.5

	tests := []struct {
		name        string
		hits        []planning.ZoneHit
		site        func(*planning.Site)
		wantVerdict planning.Verdict
		wantRules   []string
		check       func(t *testing.T, fs []planning.Finding)
	}{
		{name: "nothing near", wantVerdict: planning.Approve},
		{
			name:        "special-use forest inside",
			hits:        []planning.ZoneHit{hit(1, planning.KindLandUse, "RDD", "Vườn quốc gia Tam Đảo", 0, 0)},
			wantVerdict: planning.Conflict,
			wantRules:   []string{"rdd-inside"},
			check: func(t *testing.T, fs []planning.Finding) {
				f := fs[0]
				if f.Message.VI != "Trạm nằm trong Vườn quốc gia Tam Đảo (rừng đặc dụng)" || f.Message.EN != "Site is inside Vườn quốc gia Tam Đảo (special-use forest)" {
					t.Errorf("message = %+v, want the filled-in special-use forest message", f.Message)
				}
				if f.Severity != planning.SeverityConflict || f.Authority != "SNNMT" || !strings.Contains(f.LegalBasis, "16/2017/QH14") {
					t.Errorf("finding = %+v, want a conflict for SNNMT under the Forestry Law", f)
				}
				if f.Layer != "landuse-layer" || f.LayerVersion != 3 || f.FeatureID != 1 || f.Category != "RDD" {
					t.Errorf("finding evidence = %+v, want layer, version, feature and category of the hit", f)
				}
			},
		},
		{
			name:        "special-use forest overlapped by the footprint only",
			hits:        []planning.ZoneHit{overlapping},
			wantVerdict: planning.Conflict,
			wantRules:   []string{"rdd-inside"},
			check: func(t *testing.T, fs []planning.Finding) {
				if fs[0].OverlapM2 != 8.5 {
					t.Errorf("OverlapM2 = %g, want 8.5", fs[0].OverlapM2)
				}
			},
		},
		{name: "special-use forest 10 m away", hits: []planning.ZoneHit{hit(1, planning.KindLandUse, "RDD", "VQG Tam Đảo", 10, 4)}, wantVerdict: planning.Approve},
		{name: "defence land inside", hits: []planning.ZoneHit{hit(3, planning.KindLandUse, "CQP", "", 0, 0)}, wantVerdict: planning.Conflict, wantRules: []string{"cqp-inside"},
			check: func(t *testing.T, fs []planning.Finding) {
				if fs[0].Authority != "BCHQS" || fs[0].Message.VI != "Trạm nằm trong Đất quốc phòng #3 (đất quốc phòng)" {
					t.Errorf("finding = %+v, want BCHQS and a message naming the unnamed parcel by category and id", fs[0])
				}
			}},
		{name: "security land inside", hits: []planning.ZoneHit{hit(4, planning.KindLandUse, "CAN", "", 0, 0)}, wantVerdict: planning.Conflict, wantRules: []string{"can-inside"}},
		{name: "protection forest inside", hits: []planning.ZoneHit{hit(5, planning.KindLandUse, "RPH", "Rừng phòng hộ đầu nguồn", 0, 0)}, wantVerdict: planning.Conditional, wantRules: []string{"rph-inside"}},
		{name: "production forest inside", hits: []planning.ZoneHit{hit(6, planning.KindLandUse, "RSX", "", 0, 0)}, wantVerdict: planning.Conditional, wantRules: []string{"rsx-inside"}},
		{name: "specialised rice land inside", hits: []planning.ZoneHit{hit(7, planning.KindLandUse, "LUC", "Cánh đồng Đại Đình", 0, 0)}, wantVerdict: planning.Conditional, wantRules: []string{"rice-land-inside"},
			check: func(t *testing.T, fs []planning.Finding) {
				if fs[0].Authority != "SNNMT" || !strings.Contains(fs[0].LegalBasis, "Điều 121") {
					t.Errorf("finding = %+v, want SNNMT under Land Law Article 121", fs[0])
				}
			}},
		{name: "perennial-crop land inside", hits: []planning.ZoneHit{hit(8, planning.KindLandUse, "CLN", "", 0, 0)}, wantVerdict: planning.Conditional, wantRules: []string{"agricultural-inside"}},
		{
			name:        "national park 300 m away",
			hits:        []planning.ZoneHit{hit(10, planning.KindProtectedArea, "national_park", "VQG Tam Đảo", 310, 300)},
			wantVerdict: planning.Conditional,
			wantRules:   []string{"protected-area-buffer"},
			check: func(t *testing.T, fs []planning.Finding) {
				f := fs[0]
				if f.DistanceM != 300 || f.LimitM != 500 || f.ExcessM != 200 || f.Authority != "BQLVQG" {
					t.Errorf("finding = %+v, want 300 m of 500 m (200 m inside the buffer) for BQLVQG", f)
				}
				if f.Message.VI != "Trạm cách VQG Tam Đảo 300 m, trong phạm vi 500 m: cần ý kiến Ban quản lý" {
					t.Errorf("Message.VI = %q", f.Message.VI)
				}
			},
		},
		{name: "national park 600 m away", hits: []planning.ZoneHit{hit(10, planning.KindProtectedArea, "national_park", "VQG Tam Đảo", 600, 600)}, wantVerdict: planning.Approve},
		{name: "inside a national park", hits: []planning.ZoneHit{hit(10, planning.KindProtectedArea, "national_park", "VQG Tam Đảo", 0, 0)},
			wantVerdict: planning.Conflict, wantRules: []string{"protected-area-inside", "protected-area-buffer"}},
		{name: "inside a buffer zone", hits: []planning.ZoneHit{hit(11, planning.KindProtectedArea, "buffer_zone", "Vùng đệm VQG Tam Đảo", 0, 0)},
			wantVerdict: planning.Conditional, wantRules: []string{"buffer-zone-inside"}},
		{name: "heritage zone I inside", hits: []planning.ZoneHit{hit(20, planning.KindHeritage, "zone_1", "Đền Mẫu Tây Thiên", 0, 0)},
			wantVerdict: planning.Conflict, wantRules: []string{"heritage-zone1-inside", "heritage-near"},
			check: func(t *testing.T, fs []planning.Finding) {
				if fs[0].Authority != "SVHTTDL" || fs[0].Message.VI != "Trạm nằm trong Khu vực bảo vệ I của di tích Đền Mẫu Tây Thiên" {
					t.Errorf("finding = %+v, want SVHTTDL and the zone I message", fs[0])
				}
			}},
		{name: "heritage zone II inside", hits: []planning.ZoneHit{hit(21, planning.KindHeritage, "zone_2", "Đền Mẫu Tây Thiên", 0, 0)},
			wantVerdict: planning.Conditional, wantRules: []string{"heritage-zone2-inside"}},
		{name: "heritage zone I 150 m away", hits: []planning.ZoneHit{hit(20, planning.KindHeritage, "zone_1", "Đền Mẫu Tây Thiên", 160, 150)},
			wantVerdict: planning.Conditional, wantRules: []string{"heritage-near"}},
		{name: "relic land inside", hits: []planning.ZoneHit{hit(22, planning.KindLandUse, "DDT", "", 0, 0)}, wantVerdict: planning.Conflict, wantRules: []string{"ddt-inside"}},
		{name: "military zone 400 m away", hits: []planning.ZoneHit{hit(30, planning.KindDefence, "military_zone", "Khu quân sự K9", 405, 400)},
			wantVerdict: planning.Conditional, wantRules: []string{"defence-near"},
			check: func(t *testing.T, fs []planning.Finding) {
				if fs[0].Authority != "BCHQS" || fs[0].ExcessM != 100 {
					t.Errorf("finding = %+v, want BCHQS, 100 m inside the 500 m belt", fs[0])
				}
			}},
		{name: "inside a military zone", hits: []planning.ZoneHit{hit(30, planning.KindDefence, "military_zone", "Khu quân sự K9", 0, 0)},
			wantVerdict: planning.Conflict, wantRules: []string{"defence-inside", "defence-near"}},
		{
			name:        "national road corridor and fall zone",
			hits:        []planning.ZoneHit{hit(40, planning.KindCorridor, "road_national", "QL2C", 18, 12)},
			wantVerdict: planning.Conditional,
			wantRules:   []string{"road-corridor", "road-fall-zone"},
			check: func(t *testing.T, fs []planning.Finding) {
				road := fs[0]
				if road.DistanceM != 12 || road.LimitM != 20 || road.ExcessM != 8 || road.Authority != "SXD" {
					t.Errorf("road-corridor = %+v, want 12 m from the footprint, limit 20 m, 8 m inside, SXD", road)
				}
				if road.Message.VI != "Móng trạm cách hành lang QL2C 12 m, trong phạm vi 20 m" {
					t.Errorf("road-corridor Message.VI = %q", road.Message.VI)
				}
				fall := fs[1]
				if fall.DistanceM != 18 || fall.LimitM != 40 || fall.ExcessM != 22 {
					t.Errorf("road-fall-zone = %+v, want 18 m from the base inside a 40 m fall zone", fall)
				}
			},
		},
		{name: "road beyond a short tower's fall zone", hits: []planning.ZoneHit{hit(40, planning.KindCorridor, "road_national", "QL2C", 30, 30)}, site: withHeight(25), wantVerdict: planning.Approve},
		{name: "road in a tall tower's fall zone", hits: []planning.ZoneHit{hit(40, planning.KindCorridor, "road_national", "QL2C", 30, 30)}, site: withHeight(30.5),
			wantVerdict: planning.Conditional, wantRules: []string{"road-fall-zone"}},
		{name: "110 kV line 3 m from the footprint", hits: []planning.ZoneHit{hit(41, planning.KindCorridor, "power_110kv", "ĐZ 110 kV Vĩnh Yên - Tam Dương", 9, 3)},
			wantVerdict: planning.Conditional, wantRules: []string{"power-corridor-110kv", "power-fall-zone"},
			check: func(t *testing.T, fs []planning.Finding) {
				if fs[0].Authority != "EVN" || fs[0].LimitM != 4 || fs[0].ExcessM != 1 {
					t.Errorf("finding = %+v, want EVN, 1 m inside the 4 m corridor", fs[0])
				}
			}},
		{name: "110 kV line 2.46 m from the footprint", hits: []planning.ZoneHit{hit(41, planning.KindCorridor, "power_110kv", "ĐZ 110 kV", 60, 2.46)},
			wantVerdict: planning.Conditional, wantRules: []string{"power-corridor-110kv"},
			check: func(t *testing.T, fs []planning.Finding) {
				// One decimal; a decimal comma in Vietnamese.
				if fs[0].Message.VI != "Móng trạm cách ĐZ 110 kV 2,5 m, trong hành lang an toàn 4 m" || fs[0].Message.EN != "Footprint is 2.5 m from ĐZ 110 kV, inside its 4 m safety corridor" {
					t.Errorf("message = %+v, want 2,5 m in Vietnamese and 2.5 m in English", fs[0].Message)
				}
			}},
		{name: "110 kV line 5 m from the footprint", hits: []planning.ZoneHit{hit(41, planning.KindCorridor, "power_110kv", "ĐZ 110 kV", 50, 5)},
			wantVerdict: planning.Approve},
		{name: "railway 10 m away", hits: []planning.ZoneHit{hit(42, planning.KindCorridor, "rail", "Hà Nội - Lào Cai", 14, 10)},
			wantVerdict: planning.Conditional, wantRules: []string{"rail-corridor", "rail-fall-zone"},
			check: func(t *testing.T, fs []planning.Finding) {
				if fs[0].Authority != "VNR" {
					t.Errorf("finding = %+v, want VNR", fs[0])
				}
			}},
		{
			name:        "60 m tower 3 km from an aerodrome",
			hits:        []planning.ZoneHit{hit(50, planning.KindAirport, "aerodrome", "Cảng hàng không Nội Bài", 3000, 2990)},
			site:        withHeight(60),
			wantVerdict: planning.Conflict,
			wantRules:   []string{"airport-inner-height", "airport-area-height"},
			check: func(t *testing.T, fs []planning.Finding) {
				f := fs[0]
				if f.LimitM != 45 || f.ExcessM != 15 || f.Authority != "CHK" || f.DistanceM != 3000 {
					t.Errorf("finding = %+v, want a 45 m limit broken by 15 m, 3000 m away, CHK", f)
				}
				if f.Message.EN != "A 60 m tower 3000 m from Cảng hàng không Nội Bài (within 4000 m) exceeds the 45 m height limit by 15 m" {
					t.Errorf("Message.EN = %q", f.Message.EN)
				}
			},
		},
		{name: "40 m tower 3 km from an aerodrome", hits: []planning.ZoneHit{hit(50, planning.KindAirport, "aerodrome", "Nội Bài", 3000, 2990)}, wantVerdict: planning.Approve},
		{name: "60 m tower 10 km from an aerodrome", hits: []planning.ZoneHit{hit(50, planning.KindAirport, "aerodrome", "Nội Bài", 10000, 9990)}, site: withHeight(60),
			wantVerdict: planning.Conditional, wantRules: []string{"airport-area-height"}},
		{name: "rooftop A1a on rural residential land", hits: []planning.ZoneHit{hit(70, planning.KindLandUse, "ONT", "", 0, 0)}, site: withStructure(planning.StructureA1a, 6),
			wantVerdict: planning.Approve, wantRules: []string{"residential-low"},
			check: func(t *testing.T, fs []planning.Finding) {
				if fs[0].Severity != planning.SeverityInfo || fs[0].Authority != "" {
					t.Errorf("finding = %+v, want info evidence with no authority", fs[0])
				}
			}},
		{name: "tall A2c tower on urban residential land", hits: []planning.ZoneHit{hit(71, planning.KindLandUse, "ODT", "", 0, 0)}, site: withStructure(planning.StructureA2c, 45),
			wantVerdict: planning.Conditional, wantRules: []string{"residential-tower"}},
		{name: "house 20 m away in a sector's beam", hits: []planning.ZoneHit{inBeamAt(90, 20)}, wantVerdict: planning.Conditional, wantRules: []string{"emf-residential"},
			check: func(t *testing.T, fs []planning.Finding) {
				if fs[0].Authority != "SKHCN" {
					t.Errorf("finding = %+v, want SKHCN", fs[0])
				}
			}},
		{name: "house 20 m away between sectors", hits: []planning.ZoneHit{inBeamAt(180, 20)}, wantVerdict: planning.Approve},
		{name: "house 40 m away in a beam", hits: []planning.ZoneHit{inBeamAt(120, 40)}, wantVerdict: planning.Approve},
		{name: "house 20 m away, bearing unknown", hits: []planning.ZoneHit{hit(60, planning.KindSettlement, "residential_building", "", 20, 20)},
			wantVerdict: planning.Conditional, wantRules: []string{"emf-residential"}},
		{name: "house 20 m away, no antennas", hits: []planning.ZoneHit{inBeamAt(120, 20)}, site: func(s *planning.Site) { s.Antennas = nil }, wantVerdict: planning.Approve},
		{
			name:        "existing A2 tower 150 m away",
			hits:        []planning.ZoneHit{hit(80, planning.KindTower, "tower_a2", "VNPT TĐ-03", 150, 148)},
			wantVerdict: planning.Conditional,
			wantRules:   []string{"tower-sharing"},
			check: func(t *testing.T, fs []planning.Finding) {
				if fs[0].Authority != "SKHCN" || !strings.Contains(fs[0].Message.EN, "Existing tower VNPT TĐ-03 is 150 m away") || !strings.Contains(fs[0].Message.EN, "sharing") {
					t.Errorf("finding = %+v, want SKHCN and a share-this-tower message", fs[0])
				}
			},
		},
		{name: "existing tower near a rooftop A1a", hits: []planning.ZoneHit{hit(80, planning.KindTower, "tower_a2", "VNPT TĐ-03", 150, 148)}, site: withStructure(planning.StructureA1a, 6), wantVerdict: planning.Approve},
		{name: "telecom land inside", hits: []planning.ZoneHit{hit(90, planning.KindLandUse, "DBV", "", 0, 0)}, wantVerdict: planning.Approve, wantRules: []string{"dbv-inside"}},
		{name: "a category no rule names", hits: []planning.ZoneHit{hit(91, planning.KindLandUse, "SON", "Sông Phó Đáy", 0, 0)}, wantVerdict: planning.Approve},
		{
			name: "conflict outweighs conditions",
			hits: []planning.ZoneHit{
				hit(40, planning.KindCorridor, "road_national", "QL2C", 18, 12),
				hit(1, planning.KindLandUse, "RDD", "VQG Tam Đảo", 0, 0),
				hit(90, planning.KindLandUse, "DBV", "", 0, 0),
			},
			wantVerdict: planning.Conflict,
			wantRules:   []string{"rdd-inside", "road-corridor", "road-fall-zone", "dbv-inside"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site := validSite()
			if tt.site != nil {
				tt.site(&site)
			}
			st := newStores(tt.hits)
			a, err := st.service(book).Check(context.Background(), site)
			if err != nil {
				t.Fatalf("Check error = %v, want nil", err)
			}
			if a.Verdict != tt.wantVerdict {
				t.Errorf("Verdict = %s, want %s (findings %v)", a.Verdict, tt.wantVerdict, ruleIDs(a.Findings))
			}
			if got := ruleIDs(a.Findings); !slices.Equal(got, tt.wantRules) && (len(got) > 0 || len(tt.wantRules) > 0) {
				t.Errorf("findings = %v, want %v", got, tt.wantRules)
			}
			if tt.check != nil && len(a.Findings) == len(tt.wantRules) && len(a.Findings) > 0 {
				tt.check(t, a.Findings)
			}
			for _, f := range a.Findings {
				if f.Geometry != nil {
					t.Errorf("finding %s has a geometry in a dry run, want nil", f.RuleID)
				}
			}
		})
	}
}

func TestCheckRecordsContext(t *testing.T) {
	book := defaultBook(t)
	hits := []planning.ZoneHit{hit(1, planning.KindLandUse, "RPH", "", 0, 0)}
	st := newStores(hits)
	a, err := st.service(book).Check(context.Background(), validSite())
	if err != nil {
		t.Fatalf("Check error = %v", err)
	}
	if a.Province != province || a.AdminUnit != commune {
		t.Errorf("Province, AdminUnit = %q, %q, want %q (top-level unit), %q (smallest)", a.Province, a.AdminUnit, province, commune)
	}
	if a.RuleSetVersion != book.National().Version {
		t.Errorf("RuleSetVersion = %q, want %q", a.RuleSetVersion, book.National().Version)
	}
	if a.LayerVersions["landuse-layer"] != 3 {
		t.Errorf("LayerVersions = %v, want landuse-layer: 3", a.LayerVersions)
	}
	if !a.CreatedAt.Equal(testNow) || a.ProposalID != 0 {
		t.Errorf("CreatedAt, ProposalID = %v, %d, want %v, 0", a.CreatedAt, a.ProposalID, testNow)
	}
}

func TestCheckQuery(t *testing.T) {
	book := defaultBook(t)
	tests := []struct {
		name       string
		site       func(*planning.Site)
		wantRadius float64
		wantKinds  []string
		// Each kind is searched only as far as its own rules look: land use
		// is tested for "inside" only (0 m), corridors to the fall zone (the
		// height) or the 20 m corridor, heritage to zone II (200 m).
		wantKindRadii map[string]float64
	}{
		// A 40 m tower: the aerodrome rules (over 45 m only) do not apply,
		// so the widest test is the 500 m protected-area buffer.
		{"40 m tower", nil, 500, []string{"corridor", "defence", "heritage", "landuse", "protected_area", "settlement", "tower"},
			map[string]float64{"corridor": 40, "defence": 500, "heritage": 200, "landuse": 0, "protected_area": 500, "settlement": 30, "tower": 200}},
		{"60 m tower", func(s *planning.Site) { s.HeightM = 60 }, 15000, []string{"airport", "corridor", "defence", "heritage", "landuse", "protected_area", "settlement", "tower"},
			map[string]float64{"airport": 15000, "corridor": 60, "defence": 500, "heritage": 200, "landuse": 0, "protected_area": 500, "settlement": 30, "tower": 200}},
		{"rooftop A1a", func(s *planning.Site) { s.Structure, s.HeightM = planning.StructureA1a, 6 }, 500, []string{"corridor", "defence", "heritage", "landuse", "protected_area", "settlement"},
			map[string]float64{"corridor": 20, "defence": 500, "heritage": 200, "landuse": 0, "protected_area": 500, "settlement": 30}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site := validSite()
			if tt.site != nil {
				tt.site(&site)
			}
			st := newStores(nil)
			if _, err := st.service(book).Check(context.Background(), site); err != nil {
				t.Fatalf("Check error = %v", err)
			}
			if len(st.zoneQueries) != 1 {
				t.Fatalf("ZonesNear called %d times, want once", len(st.zoneQueries))
			}
			q := st.zoneQueries[0]
			if q.RadiusM != tt.wantRadius || !slices.Equal(q.Kinds, tt.wantKinds) {
				t.Errorf("ZoneQuery radius %g m, kinds %v; want %g m, %v", q.RadiusM, q.Kinds, tt.wantRadius, tt.wantKinds)
			}
			if !maps.Equal(q.KindRadiiM, tt.wantKindRadii) {
				t.Errorf("ZoneQuery KindRadiiM = %v, want %v", q.KindRadiiM, tt.wantKindRadii)
			}
			if q.Location != site.Location || len(q.Footprint) != 1 {
				t.Errorf("ZoneQuery location %v, footprint %v; want the site's", q.Location, q.Footprint)
			}
		})
	}
}

func TestCheckErrors(t *testing.T) {
	book := defaultBook(t)
	down := planning.Errorf(planning.Unavailable, "database down")
	tests := []struct {
		name      string
		site      func(*planning.Site)
		stores    func(*stores)
		wantKind  planning.Kind
		wantField string
	}{
		{"invalid site", func(s *planning.Site) { s.HeightM = -1 }, nil, planning.Invalid, planning.FieldHeight},
		{"unknown carrier", func(s *planning.Site) { s.Carrier = "452-99" }, nil, planning.Invalid, planning.FieldCarrier},
		{"carrier is an authority", func(s *planning.Site) { s.Carrier = "SXD" }, nil, planning.Invalid, planning.FieldCarrier},
		{"organization store down", nil, func(st *stores) {
			st.orgs.OrganizationFunc = func(context.Context, string) (planning.Organization, error) { return planning.Organization{}, down }
		}, planning.Unavailable, ""},
		{"outside every admin unit", nil, func(st *stores) {
			st.admin.UnitsAtFunc = func(context.Context, orb.Point, time.Time) ([]planning.AdminUnit, error) { return nil, nil }
		}, planning.Invalid, planning.FieldCoordinates},
		{"no top-level unit loaded", nil, func(st *stores) {
			st.admin.UnitsAtFunc = func(context.Context, orb.Point, time.Time) ([]planning.AdminUnit, error) { return units[:1], nil }
		}, planning.Internal, ""},
		{"zone store down", nil, func(st *stores) {
			st.zones.ZonesNearFunc = func(context.Context, planning.ZoneQuery) ([]planning.ZoneHit, error) { return nil, down }
		}, planning.Unavailable, ""},
		{"layer versions down", nil, func(st *stores) {
			st.zones.CurrentLayerVersionsFunc = func(context.Context) (map[string]int, error) { return nil, down }
		}, planning.Unavailable, ""},
		{"layer re-imported during both tries", nil, func(st *stores) {
			st.zones.ZonesNearFunc = func(context.Context, planning.ZoneQuery) ([]planning.ZoneHit, error) {
				return []planning.ZoneHit{hit(1, planning.KindLandUse, "RPH", "", 0, 0)}, nil
			}
			st.zones.CurrentLayerVersionsFunc = func(context.Context) (map[string]int, error) { return map[string]int{"landuse-layer": 4}, nil }
		}, planning.Unavailable, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site := validSite()
			if tt.site != nil {
				tt.site(&site)
			}
			st := newStores(nil)
			if tt.stores != nil {
				tt.stores(st)
			}
			_, err := st.service(book).Check(context.Background(), site)
			if planning.KindOf(err) != tt.wantKind || planning.FieldOf(err) != tt.wantField {
				t.Errorf("Check error = %v (kind %v, field %q), want kind %v, field %q", err, planning.KindOf(err), planning.FieldOf(err), tt.wantKind, tt.wantField)
			}
		})
	}
}

func TestCheckRetriesAfterReimport(t *testing.T) {
	hits := []planning.ZoneHit{hit(1, planning.KindLandUse, "RPH", "", 0, 0)}
	st := newStores(hits)
	calls := 0
	st.zones.CurrentLayerVersionsFunc = func(context.Context) (map[string]int, error) {
		calls++
		if calls == 1 {
			return map[string]int{"landuse-layer": 2}, nil // before the re-import finished
		}
		return map[string]int{"landuse-layer": 3}, nil
	}
	a, err := st.service(defaultBook(t)).Check(context.Background(), validSite())
	if err != nil {
		t.Fatalf("Check error = %v, want success on the second try", err)
	}
	if calls != 2 || a.LayerVersions["landuse-layer"] != 3 {
		t.Errorf("versions read %d times, recorded %v; want 2 reads and landuse-layer: 3", calls, a.LayerVersions)
	}
}

func TestFindingOrderIsDeterministic(t *testing.T) {
	book := defaultBook(t)
	hits := []planning.ZoneHit{
		hit(9, planning.KindCorridor, "road_national", "QL2C", 15, 5),
		hit(3, planning.KindCorridor, "road_local", "ĐH 12", 15, 5),
		hit(1, planning.KindLandUse, "RDD", "VQG Tam Đảo", 0, 0),
		hit(2, planning.KindLandUse, "CQP", "", 0, 0),
		hit(4, planning.KindTower, "tower_a2", "T-1", 120, 118),
		hit(5, planning.KindLandUse, "DBV", "", 0, 0),
		hit(6, planning.KindProtectedArea, "national_park", "VQG", 200, 190),
	}
	want := []string{
		"cqp-inside#2", "rdd-inside#1", // conflicts, same distance: by rule id
		"road-corridor#3", "road-corridor#9", // same rule and distance: by feature id
		"road-fall-zone#3", "road-fall-zone#9",
		"tower-sharing#4", "protected-area-buffer#6",
		"dbv-inside#5",
	}
	for i := 0; i < 20; i++ {
		shuffled := slices.Clone(hits)
		rand.Shuffle(len(shuffled), func(a, b int) { shuffled[a], shuffled[b] = shuffled[b], shuffled[a] })
		a, err := newStores(shuffled).service(book).Check(context.Background(), validSite())
		if err != nil {
			t.Fatalf("Check error = %v", err)
		}
		var got []string
		for _, f := range a.Findings {
			got = append(got, f.RuleID+"#"+string(rune('0'+f.FeatureID)))
		}
		if !slices.Equal(got, want) {
			t.Fatalf("findings for hits in order %v = %v, want %v", shuffled, got, want)
		}
	}
}

func TestProvinceRulesApply(t *testing.T) {
	book, err := planning.LoadRuleBook(fstest.MapFS{"phu-tho.yaml": {Data: []byte(provinceOverride)}})
	if err != nil {
		t.Fatalf("LoadRuleBook error = %v", err)
	}
	hits := []planning.ZoneHit{
		hit(40, planning.KindCorridor, "road_national", "QL2C", 45, 25), // within 30 m (province), not 20 m (national)
		hit(80, planning.KindTower, "tower_a2", "T-1", 150, 148),        // tower-sharing is disabled in the province
	}
	a, err := newStores(hits).service(book).Check(context.Background(), validSite())
	if err != nil {
		t.Fatalf("Check error = %v", err)
	}
	if got := ruleIDs(a.Findings); !slices.Equal(got, []string{"road-corridor"}) {
		t.Errorf("findings = %v, want [road-corridor] under the province rules", got)
	}
	if a.RuleSetVersion != book.RuleSet(province).Version {
		t.Errorf("RuleSetVersion = %q, want the province's %q", a.RuleSetVersion, book.RuleSet(province).Version)
	}

	// The same site in a province without a file gets the national rules.
	st := newStores(hits)
	st.admin.UnitsAtFunc = func(context.Context, orb.Point, time.Time) ([]planning.AdminUnit, error) {
		return []planning.AdminUnit{{Code: "26"}}, nil
	}
	a, err = st.service(book).Check(context.Background(), validSite())
	if err != nil {
		t.Fatalf("Check error = %v", err)
	}
	if got := ruleIDs(a.Findings); !slices.Equal(got, []string{"tower-sharing"}) || a.Province != "26" || a.AdminUnit != "26" {
		t.Errorf("findings = %v in %s/%s, want [tower-sharing] in 26/26 under the national rules", got, a.Province, a.AdminUnit)
	}
}

func TestSubmit(t *testing.T) {
	book := defaultBook(t)
	hits := []planning.ZoneHit{
		hit(40, planning.KindCorridor, "road_national", "QL2C", 18, 12), // two conditions on one zone
		hit(5, planning.KindLandUse, "RPH", "", 0, 0),                   // inside: evidence radius
		hit(90, planning.KindLandUse, "DBV", "", 0, 0),                  // info: no geometry
	}
	st := newStores(hits)
	type geomCall struct {
		zone    int64
		radiusM float64
	}
	var calls []geomCall
	st.zones.ConflictGeometryFunc = func(_ context.Context, zoneID int64, loc orb.Point, fp orb.Polygon, radiusM float64) (orb.Geometry, error) {
		calls = append(calls, geomCall{zoneID, radiusM})
		return orb.Point{float64(zoneID), radiusM}, nil
	}
	var gotHash string
	created := 0
	st.props.CreateProposalFunc = func(_ context.Context, p *planning.Proposal, a *planning.Assessment, hash string) error {
		created++
		gotHash = hash
		p.ID, p.Revision, a.ID, a.ProposalID, a.Revision = 7, 1, 70, 7, 1
		return nil
	}
	site := validSite()
	p, a, err := st.service(book).Submit(context.Background(), site)
	if err != nil {
		t.Fatalf("Submit error = %v", err)
	}
	if created != 1 || gotHash != planning.SiteHash(site) {
		t.Errorf("CreateProposal called %d times with hash %q, want once with %q", created, gotHash, planning.SiteHash(site))
	}
	if p.ID != 7 || a.ProposalID != 7 || p.Status != planning.StatusSubmitted || p.Verdict != planning.Conditional || p.Province != province || p.AdminUnit != commune {
		t.Errorf("Proposal = %+v, Assessment.ProposalID = %d, want stored submitted CONDITIONAL proposal 7 in %s/%s", p, a.ProposalID, province, commune)
	}
	wantCalls := []geomCall{{5, planning.DefaultEvidenceRadiusM}, {40, 20}, {40, 40}}
	slices.SortFunc(calls, func(x, y geomCall) int { return int(x.zone-y.zone)*1000 + int(x.radiusM-y.radiusM) })
	if !slices.Equal(calls, wantCalls) {
		t.Errorf("ConflictGeometry calls = %v, want %v", calls, wantCalls)
	}
	for _, f := range a.Findings {
		if (f.Severity == planning.SeverityInfo) != (f.Geometry == nil) {
			t.Errorf("finding %s (%s) geometry = %v, want one exactly for conflicts and conditions", f.RuleID, f.Severity, f.Geometry)
		}
	}
}

func TestSubmitErrors(t *testing.T) {
	book := defaultBook(t)
	exists := planning.Errorf(planning.Exists, "proposal 7 has the same content")
	st := newStores(nil)
	st.props.CreateProposalFunc = func(context.Context, *planning.Proposal, *planning.Assessment, string) error { return exists }
	_, _, err := st.service(book).Submit(context.Background(), validSite())
	if planning.KindOf(err) != planning.Exists || !errors.Is(err, exists) {
		t.Errorf("Submit(duplicate) error = %v, want the store's Exists error", err)
	}

	site := validSite()
	site.Code = "  "
	_, _, err = newStores(nil).service(book).Submit(context.Background(), site)
	if planning.KindOf(err) != planning.Invalid || planning.FieldOf(err) != planning.FieldCode {
		t.Errorf("Submit(no code) error = %v, want Invalid at %s", err, planning.FieldCode)
	}
}

func TestCheckRules(t *testing.T) {
	book := defaultBook(t)
	st := newStores(nil)
	if err := st.service(book).CheckRules(context.Background()); err != nil {
		t.Errorf("CheckRules with every authority seeded = %v, want nil", err)
	}

	st.orgs.OrganizationFunc = planningtest.Orgs(slices.DeleteFunc(slices.Clone(orgs), func(o planning.Organization) bool { return o.Code == "EVN" })...)
	err := st.service(book).CheckRules(context.Background())
	res := planning.RuleErrors(err)
	if planning.KindOf(err) != planning.Invalid || len(res) != 6 { // 5 corridors and the fall zone
		t.Errorf("CheckRules without EVN = %v, want 6 Invalid rule errors", err)
	}

	small := planning.NewService(planning.ServiceConfig{MaxSearchRadiusM: 1000}, book, st.zones, st.props, st.admin,
		&planningtest.OrgStore{OrganizationFunc: planningtest.Orgs(orgs...)}, st.layers, nil)
	err = small.CheckRules(context.Background())
	var ids []string
	for _, re := range planning.RuleErrors(err) {
		ids = append(ids, re.Path)
	}
	if !slices.Equal(ids, []string{"airport-area-height", "airport-inner-height"}) {
		t.Errorf("CheckRules with a 1000 m search = %v, want the two aerodrome rules", err)
	}
}

func TestProposalsFilter(t *testing.T) {
	book := defaultBook(t)
	tests := []struct {
		name      string
		f         planning.ProposalFilter
		wantField string
		wantLimit int
	}{
		{"default page", planning.ProposalFilter{}, "", planning.DefaultPageSize},
		{"full filter", planning.ProposalFilter{Carrier: carrierVT, Status: planning.StatusApproved, Verdict: planning.Conflict, Limit: 1000, BBox: &orb.Bound{Min: orb.Point{105, 21}, Max: orb.Point{106, 22}}}, "", 1000},
		{"page too big", planning.ProposalFilter{Limit: 1001}, "limit", 0},
		{"negative page", planning.ProposalFilter{Limit: -1}, "limit", 0},
		{"negative offset", planning.ProposalFilter{Offset: -5}, "offset", 0},
		{"unknown status", planning.ProposalFilter{Status: "pending"}, "status", 0},
		{"unknown verdict", planning.ProposalFilter{Verdict: "MAYBE"}, "verdict", 0},
		{"inverted bbox", planning.ProposalFilter{BBox: &orb.Bound{Min: orb.Point{106, 21}, Max: orb.Point{105, 22}}}, "bbox", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := newStores(nil)
			var got planning.ProposalFilter
			st.props.ProposalsFunc = func(_ context.Context, f planning.ProposalFilter) ([]planning.Proposal, int, error) {
				got = f
				return []planning.Proposal{{ID: 1}}, 1, nil
			}
			ps, n, err := st.service(book).Proposals(context.Background(), tt.f)
			if tt.wantField != "" {
				if planning.KindOf(err) != planning.Invalid || planning.FieldOf(err) != tt.wantField {
					t.Errorf("Proposals(%+v) error = %v, want Invalid at %q", tt.f, err, tt.wantField)
				}
				return
			}
			if err != nil || n != 1 || len(ps) != 1 || got.Limit != tt.wantLimit {
				t.Errorf("Proposals(%+v) = %v, %d, %v with limit %d; want 1 proposal with limit %d", tt.f, ps, n, err, got.Limit, tt.wantLimit)
			}
		})
	}
}

func TestPassThroughErrorsKeepTheirKind(t *testing.T) {
	st := newStores(nil)
	notFound := planning.Errorf(planning.NotFound, "no such proposal")
	st.props.ProposalFunc = func(context.Context, int64) (planning.Proposal, error) { return planning.Proposal{}, notFound }
	st.props.AssessmentFunc = func(context.Context, int64) (planning.Assessment, error) { return planning.Assessment{}, notFound }
	svc := st.service(defaultBook(t))
	if _, err := svc.Proposal(context.Background(), 9); planning.KindOf(err) != planning.NotFound || !strings.Contains(err.Error(), "proposal 9") {
		t.Errorf("Proposal(9) error = %v, want NotFound naming proposal 9", err)
	}
	if _, err := svc.Assessment(context.Background(), 9); planning.KindOf(err) != planning.NotFound {
		t.Errorf("Assessment(9) error = %v, want NotFound", err)
	}
}

func TestImportLayerSpec(t *testing.T) {
	tests := []struct {
		name      string
		spec      planning.LayerSpec
		wantField string
	}{
		{"one category for every feature", planning.LayerSpec{Kind: planning.KindLandUse, Name: "qhsdd-2030", Category: "RDD"}, ""},
		{"mapped categories", planning.LayerSpec{Kind: planning.KindCorridor, Name: "roads", CategoryField: "cap", CategoryMap: map[string]string{"QL": "road_national", "DT": "road_provincial"}}, ""},
		{"unknown kind", planning.LayerSpec{Kind: "forest", Name: "x", Category: "RDD"}, "kind"},
		{"no name", planning.LayerSpec{Kind: planning.KindLandUse, Category: "RDD"}, "name"},
		{"unknown land-use code", planning.LayerSpec{Kind: planning.KindLandUse, Name: "x", Category: "RDX"}, "category"},
		{"no category at all", planning.LayerSpec{Kind: planning.KindLandUse, Name: "x"}, "category"},
		{"category of another kind", planning.LayerSpec{Kind: planning.KindCorridor, Name: "roads", CategoryField: "cap", CategoryMap: map[string]string{"QL": "LUC"}}, "category_map"},
		{"negative SRID", planning.LayerSpec{Kind: planning.KindLandUse, Name: "x", Category: "RDD", SRID: -1}, "srid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := newStores(nil)
			imported := false
			st.layers.ImportLayerFunc = func(context.Context, planning.LayerSpec, io.Reader, func(int, int64)) (planning.ImportReport, error) {
				imported = true
				return planning.ImportReport{Features: 3}, nil
			}
			_, err := st.service(defaultBook(t)).ImportLayer(context.Background(), tt.spec, strings.NewReader("{}"), nil)
			if tt.wantField == "" {
				if err != nil || !imported {
					t.Errorf("ImportLayer(%+v) = %v (imported %v), want the import to run", tt.spec, err, imported)
				}
				return
			}
			if planning.KindOf(err) != planning.Invalid || !slices.Contains(planning.Fields(err), tt.wantField) || imported {
				t.Errorf("ImportLayer(%+v) = %v (imported %v), want Invalid at %q and no import", tt.spec, err, imported, tt.wantField)
			}
		})
	}
}
