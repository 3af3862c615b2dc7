package data_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"

	"btsplan/data"
	"btsplan/planning"
)

// TestSurvey: one Survey answers what Organization, UnitsAt,
// CurrentLayerVersions and ZonesNear answer in turn, each kind within its
// own radius; no kinds, no zones; an unknown carrier, none; a unit not yet
// in force on the day asked is left out.
func TestSurvey(t *testing.T) {
	s := newStores(t)
	fx := newZoneFixture(t, s)
	ctx := context.Background()
	from := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	later := time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, u := range []struct {
		level, code, parent string
		halfDeg             float64
		from                time.Time
	}{
		{"province", "26", "", 0.5, from},
		{"district", "26-TD", "26", 0.1, from},
		{"commune", "26-TD-01", "26-TD", 0.02, later}, // not yet in force
	} {
		spec := data.AdminSpec{Level: u.level, CodeField: "ma", NameField: "ten", ParentField: "cha", ValidFrom: u.from}
		body := fc(feat(`{"ma": "`+u.code+`", "ten": "`+u.code+`", "cha": "`+u.parent+`"}`,
			square(fx.site[0]-u.halfDeg, fx.site[1]-u.halfDeg, 2*u.halfDeg)))
		if _, err := s.admin.ImportAdminUnits(ctx, spec, strings.NewReader(body)); err != nil {
			t.Fatalf("import %s: %v", u.code, err)
		}
	}
	at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	radii := map[string]float64{planning.KindLandUse: 0, planning.KindHeritage: 100, planning.KindCorridor: 2000}
	sv, err := s.zones.Survey(ctx, planning.SurveyQuery{Carrier: "452-04", Location: fx.site, At: at, KindRadiiM: radii})
	if err != nil {
		t.Fatal(err)
	}
	if org, err := s.orgs.Organization(ctx, "452-04"); err != nil || sv.Carrier == nil || *sv.Carrier != org {
		t.Errorf("Survey carrier = %+v, want %+v (%v)", sv.Carrier, org, err)
	}
	units, err := s.admin.UnitsAt(ctx, fx.site, at)
	if err != nil {
		t.Fatal(err)
	}
	if len(units) != 2 || !reflect.DeepEqual(sv.Units, units) {
		t.Errorf("Survey units = %+v\nwant (UnitsAt, the district then the province) %+v", sv.Units, units)
	}
	versions, err := s.zones.CurrentLayerVersions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(versions) != 3 || !reflect.DeepEqual(sv.LayerVersions, versions) {
		t.Errorf("Survey layer versions = %v, want %v", sv.LayerVersions, versions)
	}
	hits, err := s.zones.ZonesNear(ctx, planning.ZoneQuery{Location: fx.site, RadiusM: 2000,
		Kinds: []string{planning.KindCorridor, planning.KindHeritage, planning.KindLandUse}, KindRadiiM: radii})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, h := range sv.Hits {
		names = append(names, h.Name)
	}
	if got, want := strings.Join(names, "|"), "around|relic 80 S|line NW"; got != want || !reflect.DeepEqual(sv.Hits, hits) {
		t.Errorf("Survey zones = %q (%+v), want %q as ZonesNear finds them (%+v)", got, sv.Hits, want, hits)
	}

	none, err := s.zones.Survey(ctx, planning.SurveyQuery{Carrier: "999-99", Location: fx.site, At: later.AddDate(0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	if none.Carrier != nil || len(none.Hits) != 0 || len(none.Units) != 3 || none.Units[0].Code != "26-TD-01" {
		t.Errorf("Survey without kinds in 2031 = %d zones, units %+v; want none, and the commune first of 3", len(none.Hits), none.Units)
	}
}

// TestSurveyLeavesPlanCacheMode: the survey plans generically, and leaves
// its connection's plan_cache_mode as it found it, after an error too.
func TestSurveyLeavesPlanCacheMode(t *testing.T) {
	s := newStores(t)
	ctx := context.Background()
	cfg := s.pool.Config().Copy()
	cfg.MaxConns, cfg.MinConns = 1, 0
	one, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer one.Close()
	zones := data.NewZoneStore(data.NewDB(one, data.PoolConfig{QueryTimeout: 30 * time.Second}))
	mode := func() string {
		var m string
		if err := one.QueryRow(ctx, "SHOW plan_cache_mode").Scan(&m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	want := mode()
	site := orb.Point{105.63, 21.47}
	if _, err := zones.Survey(ctx, planning.SurveyQuery{Location: site, At: time.Now(),
		KindRadiiM: map[string]float64{planning.KindLandUse: 0}}); err != nil {
		t.Fatal(err)
	}
	if got := mode(); got != want {
		t.Errorf("plan_cache_mode after a survey = %q, want %q", got, want)
	}
	// A NUL in a text fails in the database (planning refuses it first).
	if _, err := zones.Survey(ctx, planning.SurveyQuery{Carrier: "452\x0004", Location: site, At: time.Now(),
		KindRadiiM: map[string]float64{planning.KindLandUse: 0}}); err == nil {
		t.Fatal("Survey of a carrier code with a NUL: no error")
	}
	if got := mode(); got != want {
		t.Errorf("plan_cache_mode after a failed survey = %q, want %q", got, want)
	}
}
