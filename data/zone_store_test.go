package data_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"

	"btsplan/data"
	"btsplan/geo"
	"btsplan/planning"
)

// zoneFixture is a site at (105.63, 21.47) with zones around it, placed
// with geo.Destination at known distances.
type zoneFixture struct {
	site orb.Point
	ids  map[string]int64 // zone name → id
}

func newZoneFixture(t *testing.T, s stores) zoneFixture {
	t.Helper()
	site := orb.Point{105.63, 21.47}
	at := func(bearing, distM float64) orb.Point { return geo.Destination(site, bearing, distM) }
	pt := func(p orb.Point) string {
		return fmt.Sprintf(`{"type": "Point", "coordinates": [%.9f, %.9f]}`, p[0], p[1])
	}
	// A square with its west edge distM east of the site, 200 m a side.
	east := func(distM float64) string {
		w, e := at(90, distM)[0], at(90, distM+200)[0]
		sLat, nLat := at(180, 100)[1], at(0, 100)[1]
		return fmt.Sprintf(`{"type": "Polygon", "coordinates": [[[%.9f, %.9f], [%.9f, %.9f], [%.9f, %.9f], [%.9f, %.9f], [%.9f, %.9f]]]}`,
			w, sLat, e, sLat, e, nLat, w, nLat, w, sLat)
	}
	n1, n2 := at(0, 150), at(270, 150)
	line := fmt.Sprintf(`{"type": "LineString", "coordinates": [[%.9f, %.9f], [%.9f, %.9f]]}`, n1[0], n1[1], n2[0], n2[1])
	importString(t, s, planning.KindLandUse, "landuse", "RDD", fc(
		feat(`{"name": "around"}`, east(-100)), // holds the site
		feat(`{"name": "east 120"}`, east(120)),
		feat(`{"name": "east 1000"}`, east(1000)),
	))
	importString(t, s, planning.KindHeritage, "relics", "zone_1", fc(
		feat(`{"name": "relic 80 S"}`, pt(at(180, 80))),
		feat(`{"name": "relic 400 W"}`, pt(at(270, 400))),
	))
	importString(t, s, planning.KindCorridor, "power", "power_110kv", fc(feat(`{"name": "line NW"}`, line)))

	ids := map[string]int64{}
	rows, err := s.pool.Query(context.Background(), "SELECT name, id FROM zone")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		var id int64
		if err := rows.Scan(&name, &id); err != nil {
			t.Fatal(err)
		}
		ids[name] = id
	}
	return zoneFixture{site: site, ids: ids}
}

func TestZonesNear(t *testing.T) {
	s := newStores(t)
	fx := newZoneFixture(t, s)
	ctx := context.Background()
	// A 20 m square footprint centred on the site: its east half lies 0..10 m
	// east of the site, inside "around" (which ends 100 m east).
	fp := orb.Polygon{orb.Ring{
		geo.Destination(geo.Destination(fx.site, 270, 10), 180, 10),
		geo.Destination(geo.Destination(fx.site, 90, 10), 180, 10),
		geo.Destination(geo.Destination(fx.site, 90, 10), 0, 10),
		geo.Destination(geo.Destination(fx.site, 270, 10), 0, 10),
		geo.Destination(geo.Destination(fx.site, 270, 10), 180, 10),
	}}
	tests := []struct {
		name  string
		q     planning.ZoneQuery
		want  []string  // zone names, nearest first
		distM []float64 // designed distances, checked loosely (the fixture is spherical)
	}{
		{"radius 200 m, all kinds", planning.ZoneQuery{RadiusM: 200},
			[]string{"around", "relic 80 S", "line NW", "east 120"}, []float64{0, 80, 106, 120}},
		{"radius 100 m", planning.ZoneQuery{RadiusM: 100},
			[]string{"around", "relic 80 S"}, []float64{0, 80}},
		{"radius 2 km", planning.ZoneQuery{RadiusM: 2000},
			[]string{"around", "relic 80 S", "line NW", "east 120", "relic 400 W", "east 1000"}, []float64{0, 80, 106, 120, 400, 1000}},
		{"only heritage and corridors", planning.ZoneQuery{RadiusM: 2000, Kinds: []string{planning.KindHeritage, planning.KindCorridor}},
			[]string{"relic 80 S", "line NW", "relic 400 W"}, []float64{80, 106, 400}},
		{"a radius per kind: land use inside only, relics within 100 m, corridors within 2 km",
			planning.ZoneQuery{RadiusM: 2000, Kinds: []string{planning.KindLandUse, planning.KindHeritage, planning.KindCorridor},
				KindRadiiM: map[string]float64{planning.KindLandUse: 0, planning.KindHeritage: 100}},
			[]string{"around", "relic 80 S", "line NW"}, []float64{0, 80, 106}},
		{"a kind's radius beyond RadiusM is capped",
			planning.ZoneQuery{RadiusM: 150, Kinds: []string{planning.KindLandUse}, KindRadiiM: map[string]float64{planning.KindLandUse: 5000}},
			[]string{"around", "east 120"}, []float64{0, 120}},
		{"radius 0: zones holding the site", planning.ZoneQuery{RadiusM: 0},
			[]string{"around"}, []float64{0}},
		{"with footprint", planning.ZoneQuery{RadiusM: 200, Footprint: fp},
			[]string{"around", "relic 80 S", "line NW", "east 120"}, []float64{0, 80, 106, 120}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q := tc.q
			q.Location = fx.site
			hits, err := s.zones.ZonesNear(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, h := range hits {
				names = append(names, h.Name)
			}
			if strings.Join(names, "|") != strings.Join(tc.want, "|") {
				t.Fatalf("ZonesNear names = %q, want %q", names, tc.want)
			}
			for _, h := range hits {
				// The oracle: ST_Distance on geography, zone by zone.
				var wantM, wantFpM, wantOverlapM2 float64
				fpWKT := footprintWKT(q.Footprint)
				err := s.pool.QueryRow(ctx, `
					SELECT ST_Distance(z.geom::geography, ST_SetSRID(ST_MakePoint($2, $3), 4326)::geography),
					       COALESCE(ST_Distance(z.geom::geography, ST_GeomFromText($4, 4326)::geography),
					                ST_Distance(z.geom::geography, ST_SetSRID(ST_MakePoint($2, $3), 4326)::geography)),
					       COALESCE(ST_Area(ST_Intersection(z.geom, ST_GeomFromText($4, 4326))::geography), 0)
					FROM zone AS z WHERE z.id = $1`, h.ZoneID, fx.site[0], fx.site[1], fpWKT).Scan(&wantM, &wantFpM, &wantOverlapM2)
				if err != nil {
					t.Fatal(err)
				}
				if !geo.Near(h.DistanceM, wantM, 1) {
					t.Errorf("%s: DistanceM = %.3f, want ST_Distance %.3f ± 1 m", h.Name, h.DistanceM, wantM)
				}
				if !geo.Near(h.FootprintDistanceM, wantFpM, 1) {
					t.Errorf("%s: FootprintDistanceM = %.3f, want %.3f ± 1 m", h.Name, h.FootprintDistanceM, wantFpM)
				}
				if !geo.Near(h.FootprintOverlapM2, wantOverlapM2, 1) {
					t.Errorf("%s: FootprintOverlapM2 = %.3f, want %.3f ± 1 m²", h.Name, h.FootprintOverlapM2, wantOverlapM2)
				}
			}
			// The nearest point lies on the zone, about DistanceM from the
			// site (it is the planar closest point in degrees, a little
			// farther than the true nearest point off the cardinal
			// directions); inside, it is the site itself.
			for _, h := range hits {
				got := geo.DistanceM(fx.site, h.NearestPoint)
				if !geo.Near(got, h.DistanceM, 0.05*h.DistanceM+1) {
					t.Errorf("%s: NearestPoint %v is %.1f m from the site, want about DistanceM %.1f", h.Name, h.NearestPoint, got, h.DistanceM)
				}
			}
			// Loosely against the design: the fixture was laid out on a
			// sphere, PostGIS measures on the spheroid.
			for i, h := range hits {
				if !geo.Near(h.DistanceM, tc.distM[i], 0.01*tc.distM[i]+1.5) {
					t.Errorf("%s: DistanceM = %.1f, want about %.1f", h.Name, h.DistanceM, tc.distM[i])
				}
			}
		})
	}
}

// footprintWKT returns the WKT of p for the oracle queries, or nil.
func footprintWKT(p orb.Polygon) *string {
	if len(p) == 0 {
		return nil
	}
	w := wkt.MarshalString(p)
	return &w
}

func TestZonesNearFootprint(t *testing.T) {
	s := newStores(t)
	fx := newZoneFixture(t, s)
	// A 20 m square footprint whose west edge is 90 m east of the site:
	// half of it (10 m × 20 m) inside "around", which ends 100 m east.
	c := geo.Destination(fx.site, 90, 100)
	corner := func(e, n float64) orb.Point {
		return geo.Destination(geo.Destination(c, 90, e), 0, n)
	}
	fp := orb.Polygon{orb.Ring{corner(-10, -10), corner(10, -10), corner(10, 10), corner(-10, 10), corner(-10, -10)}}
	hits, err := s.zones.ZonesNear(context.Background(), planning.ZoneQuery{Location: fx.site, Footprint: fp, RadiusM: 30})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]planning.ZoneHit{}
	for _, h := range hits {
		got[h.Name] = h
	}
	tests := []struct {
		name                string
		wantFound           bool
		distM, fpM, overlap float64 // expected values, with tolerances below
	}{
		{"around", true, 0, 0, 200},
		// "east 120" starts 120 m east; the footprint reaches 110 m east.
		{"east 120", true, 120, 10, 0},
		{"relic 80 S", false, 0, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, ok := got[tc.name]
			if ok != tc.wantFound {
				t.Fatalf("found %s = %v, want %v (hits %+v)", tc.name, ok, tc.wantFound, hits)
			}
			if !ok {
				return
			}
			if !geo.Near(h.DistanceM, tc.distM, 1.5) || !geo.Near(h.FootprintDistanceM, tc.fpM, 0.5) {
				t.Errorf("%s: distances = %.2f, %.2f m, want %.0f, %.0f", tc.name, h.DistanceM, h.FootprintDistanceM, tc.distM, tc.fpM)
			}
			if !geo.Near(h.FootprintOverlapM2, tc.overlap, 0.02*tc.overlap+0.5) {
				t.Errorf("%s: FootprintOverlapM2 = %.2f, want %.0f", tc.name, h.FootprintOverlapM2, tc.overlap)
			}
		})
	}
}

func TestZonesNearRejectsBadQuery(t *testing.T) {
	s := newStores(t)
	tests := []struct {
		name string
		q    planning.ZoneQuery
	}{
		{"latitude off the Earth", planning.ZoneQuery{Location: orb.Point{105, 91}, RadiusM: 10}},
		{"negative radius", planning.ZoneQuery{Location: orb.Point{105, 21}, RadiusM: -1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.zones.ZonesNear(context.Background(), tc.q)
			if planning.KindOf(err) != planning.Invalid {
				t.Errorf("ZonesNear(%+v) error = %v, want Invalid", tc.q, err)
			}
		})
	}
}

// A query that outlives PoolConfig.QueryTimeout is Unavailable: here the
// zone table is locked by another transaction.
func TestZonesNearTimeout(t *testing.T) {
	s := newStores(t)
	fx := newZoneFixture(t, s)
	ctx := context.Background()
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, "LOCK TABLE zone IN ACCESS EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}
	zones := data.NewZoneStore(data.NewDB(s.pool, data.PoolConfig{QueryTimeout: 200 * time.Millisecond}))
	start := time.Now()
	_, err = zones.ZonesNear(ctx, planning.ZoneQuery{Location: fx.site, RadiusM: 100})
	if planning.KindOf(err) != planning.Unavailable {
		t.Errorf("ZonesNear on a locked table error = %v, want Unavailable", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("ZonesNear returned after %v, want about the 200 ms timeout", d)
	}
}

func TestConflictGeometry(t *testing.T) {
	s := newStores(t)
	fx := newZoneFixture(t, s)
	ctx := context.Background()
	tests := []struct {
		name       string
		zone       string
		radiusM    float64
		wantNil    bool
		wantAreaM2 float64 // of the clipped zone on geography; 0 for lines and points
	}{
		// "around" covers 200 m × 200 m from 100 m west to 100 m east: a
		// 50 m circle about the site lies wholly inside it.
		{"circle inside a zone", "around", 50, false, 7850},
		{"zone out of reach", "east 1000", 50, true, 0},
		{"radius 0 in a zone gives the site point", "around", 0, false, 0},
		{"line clipped", "line NW", 200, false, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g, err := s.zones.ConflictGeometry(ctx, fx.ids[tc.zone], fx.site, nil, tc.radiusM)
			if err != nil {
				t.Fatal(err)
			}
			if (g == nil) != tc.wantNil {
				t.Fatalf("ConflictGeometry(%s, %v m) = %v, want nil %v", tc.zone, tc.radiusM, g, tc.wantNil)
			}
			if g == nil {
				return
			}
			if tc.wantAreaM2 > 0 {
				var area float64
				if err := s.pool.QueryRow(ctx, "SELECT ST_Area(ST_GeomFromText($1, 4326)::geography)", wkt.MarshalString(g)).Scan(&area); err != nil {
					t.Fatal(err)
				}
				if !geo.Near(area, tc.wantAreaM2, 0.01*tc.wantAreaM2) {
					t.Errorf("area of ConflictGeometry(%s, %v m) = %.0f m², want %.0f", tc.zone, tc.radiusM, area, tc.wantAreaM2)
				}
			}
			if tc.radiusM == 0 {
				if p, ok := g.(orb.Point); !ok || !geo.Near(p[0], fx.site[0], 1e-9) || !geo.Near(p[1], fx.site[1], 1e-9) {
					t.Errorf("ConflictGeometry(%s, 0 m) = %v, want the site point", tc.zone, g)
				}
			}
		})
	}
	if _, err := s.zones.ConflictGeometry(ctx, 1<<40, fx.site, nil, 10); planning.KindOf(err) != planning.NotFound {
		t.Errorf("ConflictGeometry(unknown zone) error = %v, want NotFound", err)
	}
}
