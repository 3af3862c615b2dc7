package planning_test

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/paulmach/orb"

	"btsplan/planning"
	"btsplan/planning/planningtest"
)

// within reports whether hit h lies within radiusM of the site, the test
// the store applies: the nearer of the point and the footprint.
func within(h planning.ZoneHit, radiusM float64) bool {
	return min(h.DistanceM, h.FootprintDistanceM) <= radiusM
}

// searchingZones is a fake ZoneStore whose ZonesNear searches like the
// real one: only the kinds asked for, each within its own radius.
func searchingZones(all []planning.ZoneHit) *planningtest.ZoneStore {
	return &planningtest.ZoneStore{
		ZonesNearFunc: func(_ context.Context, q planning.ZoneQuery) ([]planning.ZoneHit, error) {
			var out []planning.ZoneHit
			for _, h := range all {
				r, ok := q.KindRadiiM[h.LayerKind]
				if !ok || r > q.RadiusM {
					r = q.RadiusM
				}
				if slices.Contains(q.Kinds, h.LayerKind) && within(h, r) {
					out = append(out, h)
				}
			}
			return out, nil
		},
	}
}

// surveyingZones is a fake Surveyor: one call answers the units, the
// versions and the zones that the query's kinds and radii find. Its other
// methods are unset, so a Service that still asked them would fail.
type surveyingZones struct {
	*planningtest.ZoneStore
	units    []planning.AdminUnit
	all      []planning.ZoneHit
	versions map[string]int
	queries  []planning.SurveyQuery
}

func (s *surveyingZones) Survey(_ context.Context, q planning.SurveyQuery) (planning.Survey, error) {
	s.queries = append(s.queries, q)
	sv := planning.Survey{Units: s.units, LayerVersions: s.versions}
	for _, o := range orgs {
		if o.Code == q.Carrier {
			sv.Carrier = &o
		}
	}
	for _, h := range s.all {
		if r, ok := q.KindRadiiM[h.LayerKind]; ok && within(h, r) {
			sv.Hits = append(sv.Hits, h)
		}
	}
	return sv, nil
}

// TestSurveyAssessesAsThreeQueries: a Service over a Surveyor asks it once
// per check, searching as far as any rule set needs before the province is
// known, and comes to exactly the assessment it makes from the admin
// units, the layer versions and the province's own zone search asked in
// turn, in a province with its own rules (wider road corridor, no tower
// sharing) and in one without.
func TestSurveyAssessesAsThreeQueries(t *testing.T) {
	book, err := planning.LoadRuleBook(fstest.MapFS{"phu-tho.yaml": {Data: []byte(provinceOverride)}})
	if err != nil {
		t.Fatal(err)
	}
	all := []planning.ZoneHit{
		hit(1, planning.KindCorridor, "road_national", "QL2C", 45, 25),  // within 30 m (province 25), not 20 m
		hit(2, planning.KindCorridor, "road_national", "QL2", 45, 35),   // within neither
		hit(3, planning.KindTower, "tower_a2", "T-1", 150, 148),         // tower sharing: national only
		hit(4, planning.KindAirport, "aerodrome", "Gia Bình", 9000, 0),  // airport rules: over 45 m only
		hit(5, planning.KindLandUse, "RPH", "", 0, 0),                   // inside
		hit(6, planning.KindLandUse, "CQP", "", 12, 3),                  // outside: land use is tested at 0 m
		hit(7, planning.KindSettlement, "village", "Thôn Đồng", 29, 29), // within the 30 m settlement rule
	}
	versions := map[string]int{}
	for _, h := range all {
		versions[h.LayerName] = h.LayerVersion
	}
	inProvince := func(code string) []planning.AdminUnit {
		return []planning.AdminUnit{{Code: code + "-X", Level: "commune", Parent: code}, {Code: code, Level: "province"}}
	}
	tall := validSite()
	tall.HeightM = 60
	rooftop := validSite()
	rooftop.Structure, rooftop.HeightM, rooftop.Footprint = planning.StructureA1a, 6, nil
	sites := map[string]planning.Site{"40 m tower": validSite(), "60 m tower": tall, "rooftop": rooftop}
	for _, prov := range []string{"25", "26"} {
		for name, site := range sites {
			t.Run(prov+"/"+name, func(t *testing.T) {
				ctx := context.Background()
				units := inProvince(prov)
				three := newStores(nil)
				three.zones = searchingZones(all)
				three.zones.CurrentLayerVersionsFunc = func(context.Context) (map[string]int, error) { return versions, nil }
				three.admin.UnitsAtFunc = func(context.Context, orb.Point, time.Time) ([]planning.AdminUnit, error) { return units, nil }
				want, err := three.service(book).Check(ctx, site)
				if err != nil {
					t.Fatalf("Check over three queries: %v", err)
				}

				one := newStores(nil)
				sz := &surveyingZones{ZoneStore: &planningtest.ZoneStore{}, units: units, all: all, versions: versions}
				one.admin.UnitsAtFunc = nil // must not be asked, nor the carrier
				one.orgs.OrganizationFunc = nil
				svc := planning.NewService(planning.ServiceConfig{}, book, sz, one.props, one.admin, one.orgs, one.layers,
					func() time.Time { return testNow })
				got, err := svc.Check(ctx, site)
				if err != nil {
					t.Fatalf("Check over a Surveyor: %v", err)
				}
				if len(sz.queries) != 1 {
					t.Fatalf("Survey asked %d times, want once", len(sz.queries))
				}
				if q := sz.queries[0]; q.Location != site.Location || !q.At.Equal(testNow) {
					t.Errorf("SurveyQuery at %v, %v; want the site's location at %v", q.Location, q.At, testNow)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("assessment over a Surveyor =\n%+v\nwant (three queries)\n%+v", got, want)
				}
			})
		}
	}
	for _, tt := range []struct {
		carrier, want string
	}{{"999-99", `unknown carrier "999-99"`}, {"SXD", `"SXD" is not a carrier`}} {
		site := validSite()
		site.Carrier = tt.carrier
		sz := &surveyingZones{ZoneStore: &planningtest.ZoneStore{}, units: units, all: all, versions: versions}
		st := newStores(nil)
		svc := planning.NewService(planning.ServiceConfig{}, book, sz, st.props, st.admin, st.orgs, st.layers, nil)
		if _, err := svc.Check(context.Background(), site); planning.FieldOf(err) != planning.FieldCarrier || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Check for carrier %s over a Surveyor = %v, want Invalid at %s: %s", tt.carrier, err, planning.FieldCarrier, tt.want)
		}
	}
	if c := widestCorridor(t, book); c != 40 {
		t.Errorf("the survey of a 40 m tower searches corridors within %g m, want 40 (the fall zone; the province's 30 m corridor is narrower)", c)
	}
}

// widestCorridor returns the corridor radius a Service searches for the
// 40 m test tower through a Surveyor.
func widestCorridor(t *testing.T, book *planning.RuleBook) float64 {
	t.Helper()
	st := newStores(nil)
	sz := &surveyingZones{ZoneStore: &planningtest.ZoneStore{}, units: units, versions: map[string]int{}}
	svc := planning.NewService(planning.ServiceConfig{}, book, sz, st.props, st.admin, st.orgs, st.layers, func() time.Time { return testNow })
	if _, err := svc.Check(context.Background(), validSite()); err != nil {
		t.Fatal(err)
	}
	return sz.queries[0].KindRadiiM[planning.KindCorridor]
}
