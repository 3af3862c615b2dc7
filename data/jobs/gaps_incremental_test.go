package jobs_test

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"btsplan/data"
	"btsplan/geo"
	"btsplan/planning"
)

// TestGapAnalysisIncremental: after one SYNTHETIC site is added to the
// network, the next analysis of the same area and carriers computes only
// that site's coverage, counts as recomputed exactly the villages within
// its radius, reuses the rest, and gives every village the status and
// level that a fresh analysis (reusing nothing) gives.
func TestGapAnalysisIncremental(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	db := data.NewDB(f.pool, data.PoolConfig{QueryTimeout: 30 * time.Second})
	// A 7×7 grid of SYNTHETIC villages, 0.1° apart, over the hills tile.
	var feats []string
	var villages []orb.Point
	for i := range 7 {
		for j := range 7 {
			p := orb.Point{105.2 + 0.1*float64(i), 21.2 + 0.1*float64(j)}
			villages = append(villages, p)
			feats = append(feats, fmt.Sprintf(`{"type": "Feature", "properties": {"ten": "Thôn %d-%d (SYNTHETIC)", "loai": "village", "dan_so": 100},
				"geometry": {"type": "Point", "coordinates": [%v, %v]}}`, i, j, p[0], p[1]))
		}
	}
	layers := data.NewLayerStore(db, nil)
	if _, err := layers.ImportLayer(ctx, planning.LayerSpec{Kind: planning.KindSettlement, Name: "villages-grid",
		CategoryField: "loai", NameField: "ten", PopulationField: "dan_so", AllowOutside: true},
		strings.NewReader(`{"type": "FeatureCollection", "features": [`+strings.Join(feats, ",")+`]}`), nil); err != nil {
		t.Fatalf("import villages: %v", err)
	}
	radio, err := planning.LoadRadioBook(nil)
	if err != nil {
		t.Fatal(err)
	}
	nets := planning.NewNetworkService(data.NewNetworkStore(db), data.NewOrgStore(db), radio)
	site := func(carrier, code string, at orb.Point) planning.SiteInput {
		return planning.SiteInput{Ref: "/features/0", CellRefs: []string{"/features/0/properties/antennas/0"},
			Site: planning.ExistingSite{Carrier: carrier, Code: code, Location: at, HeightM: 40,
				Properties: map[string]any{"note": "SYNTHETIC"},
				Cells:      []planning.Cell{{Technology: "GSM", BandMHz: 900, EIRPdBm: 60, GainDBi: 15, HBeamwidthDeg: 360, VBeamwidthDeg: 7, Omni: true}}}}
	}
	importNet := func(name string, in ...planning.SiteInput) {
		t.Helper()
		for i := range in {
			in[i].Ref = fmt.Sprintf("/features/%d", i)
			in[i].CellRefs = []string{fmt.Sprintf("/features/%d/properties/antennas/0", i)}
		}
		if _, err := nets.ImportSites(ctx, planning.NetworkSpec{Name: name, Format: planning.FormatGeoJSON, Source: "SYNTHETIC"}, in, nil); err != nil {
			t.Fatalf("import sites %s: %v", name, err)
		}
	}
	importNet("synthetic-grid",
		site("452-04", "SYNTHETIC-A", orb.Point{105.3, 21.3}),
		site("452-04", "SYNTHETIC-B", orb.Point{105.7, 21.7}),
		site("452-01", "SYNTHETIC-C", orb.Point{105.5, 21.5}),
		site("452-01", "SYNTHETIC-D", orb.Point{105.3, 21.7}))
	svc := planning.NewGapService(data.NewGapStore(db), nets, f.cov, nil)
	bbox := orb.Bound{Min: orb.Point{105.18, 21.18}, Max: orb.Point{105.82, 21.82}}
	carriers := []string{"452-01", "452-04"}
	run := func(fresh bool) planning.GapAnalysis {
		t.Helper()
		a, err := svc.Start(ctx, planning.GapParams{BBox: &bbox, Carriers: carriers, Fresh: fresh})
		if err != nil {
			t.Fatalf("Start: %v", err)
		}
		if a, err = svc.Run(ctx, a.ID, nil); err != nil {
			t.Fatalf("Run: %v", err)
		}
		return a
	}

	first := run(false)
	if c := first.Counts; c.ReusedFrom != 0 || c.VillagesRecomputed != 49 || c.SitesRecomputed != 4 || c.SitesReused != 0 {
		t.Fatalf("first analysis: reused %d, villages recomputed %d, sites recomputed %d reused %d; want nothing reused, 49 and 4 recomputed",
			c.ReusedFrom, c.VillagesRecomputed, c.SitesRecomputed, c.SitesReused)
	}
	same := run(false)
	if c := same.Counts; c.ReusedFrom != first.ID || c.VillagesRecomputed != 0 || c.VillagesReused != 49 || c.SitesRecomputed != 0 || c.SitesReused != 4 {
		t.Errorf("unchanged network: reused %d, villages recomputed %d reused %d, sites recomputed %d reused %d; want analysis %d, 0/49, 0/4",
			c.ReusedFrom, c.VillagesRecomputed, c.VillagesReused, c.SitesRecomputed, c.SitesReused, first.ID)
	}

	// One new site of 452-04: a new network of one site.
	added := orb.Point{105.62, 21.38}
	importNet("synthetic-new-site", site("452-04", "SYNTHETIC-E", added))
	wantDirty := 0
	for _, v := range villages {
		if geo.DistanceM(added, v) <= 15000 {
			wantDirty++
		}
	}
	if wantDirty == 0 || wantDirty >= 49 {
		t.Fatalf("%d villages within 15 km of the new site: the test needs some, not all", wantDirty)
	}
	inc := run(false)
	c := inc.Counts
	if c.ReusedFrom != same.ID || c.VillagesRecomputed != wantDirty || c.VillagesReused != 49-wantDirty ||
		c.SitesRecomputed != 1 || c.SitesReused != 4 || c.Coverages != 5 {
		t.Errorf("after one site: reused %d, villages recomputed %d reused %d, sites recomputed %d reused %d, coverages %d; want analysis %d, %d/%d, 1/4, 5",
			c.ReusedFrom, c.VillagesRecomputed, c.VillagesReused, c.SitesRecomputed, c.SitesReused, c.Coverages, same.ID, wantDirty, 49-wantDirty)
	}
	full := run(true)
	if c := full.Counts; c.ReusedFrom != 0 || c.VillagesRecomputed != 49 || c.SitesRecomputed != 5 {
		t.Errorf("fresh analysis: reused %d, villages recomputed %d, sites recomputed %d; want nothing reused, 49 and 5", c.ReusedFrom, c.VillagesRecomputed, c.SitesRecomputed)
	}

	_, got, err := svc.Villages(ctx, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	_, want, err := svc.Villages(ctx, full.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 49 || len(want) != 49 {
		t.Fatalf("villages: incremental %d, fresh %d; want 49 each", len(got), len(want))
	}
	changed := 0
	for i := range got {
		g, w := got[i], want[i]
		if g.ZoneID != w.ZoneID || g.NotSpot != w.NotSpot {
			t.Errorf("village %d (%s): incremental %d %s, fresh %d %s", i, g.Name, g.ZoneID, g.NotSpot, w.ZoneID, w.NotSpot)
		}
		for _, mnc := range carriers {
			gc, wc := g.Coverage[mnc], w.Coverage[mnc]
			if gc.Status != wc.Status || !sameLevel(gc.LevelDBm, wc.LevelDBm) {
				t.Errorf("%s for %s: incremental %s %.6f dBm, fresh %s %.6f dBm", g.Name, mnc, gc.Status, gc.LevelDBm, wc.Status, wc.LevelDBm)
			}
		}
	}
	// The new site must have changed something, or the comparison shows
	// nothing about reuse.
	_, before, err := svc.Villages(ctx, same.ID)
	if err != nil {
		t.Fatal(err)
	}
	for i := range before {
		if !sameLevel(before[i].Coverage["452-04"].LevelDBm, got[i].Coverage["452-04"].LevelDBm) {
			changed++
		}
	}
	if changed == 0 {
		t.Errorf("the new site changed no village's 452-04 level")
	}
	// The reused gap polygons are the earlier ones cut to the same parts:
	// the same area, up to the rounding of the cut (1 m² in all).
	if math.Abs(inc.Counts.GapKm2-full.Counts.GapKm2) > 1e-6 || inc.Counts.GapAreas != full.Counts.GapAreas ||
		inc.Counts.NotSpotTotal != full.Counts.NotSpotTotal {
		t.Errorf("gaps: incremental %d, %.9f km², %d total not-spots; fresh %d, %.9f km², %d", inc.Counts.GapAreas, inc.Counts.GapKm2,
			inc.Counts.NotSpotTotal, full.Counts.GapAreas, full.Counts.GapKm2, full.Counts.NotSpotTotal)
	}
}

func sameLevel(a, b float64) bool {
	return a == b || math.IsNaN(a) && math.IsNaN(b)
}
