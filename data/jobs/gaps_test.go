package jobs_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"btsplan/data"
	"btsplan/data/dem"
	"btsplan/data/jobs"
	"btsplan/planning"
)

// gapFixture is f with a settlement layer and SYNTHETIC existing sites
// of two carriers on the rolling-hills tile, and the gap services over
// them: run works the queue, read reports through it.
type gapFixture struct {
	fixture
	run, read *planning.GapService
	fill      *planning.GapFillService
	nets      *planning.NetworkService
	q         *jobs.Queue
}

// The SYNTHETIC sites: Viettel (452-04) at the tile's centre, MobiFone
// (452-01) 25 km north-east of it.
var (
	viettelAt  = orb.Point{siteLon, siteLat}
	mobifoneAt = orb.Point{105.7, 21.7}
)

func newGapFixture(t testing.TB) gapFixture {
	t.Helper()
	ctx := context.Background()
	f := newFixture(t)
	db := data.NewDB(f.pool, data.PoolConfig{QueryTimeout: 30 * time.Second})
	// Villages: one beside each site, one 44 km north of Viettel's and
	// 22 km from MobiFone's (beyond both radii), and a home cluster.
	feat := func(props, geom string) string {
		return `{"type": "Feature", "properties": ` + props + `, "geometry": ` + geom + `}`
	}
	pt := func(p orb.Point) string { return fmt.Sprintf(`{"type": "Point", "coordinates": [%v, %v]}`, p[0], p[1]) }
	layer := `{"type": "FeatureCollection", "features": [` + strings.Join([]string{
		feat(`{"ten": "Thôn Gần Trạm (SYNTHETIC)", "loai": "village", "dan_so": 640, "osm_id": "node/1"}`, pt(orb.Point{siteLon + 0.004, siteLat})),
		feat(`{"ten": "Bản Xa (SYNTHETIC)", "loai": "hamlet", "dan_so": "210", "osm_id": "node/2"}`, pt(orb.Point{siteLon, 21.9})),
		feat(`{"ten": "Thôn Đông Bắc (SYNTHETIC)", "loai": "village", "dan_so": 455, "osm_id": "way/3"}`,
			`{"type": "Polygon", "coordinates": [[[105.698, 21.698], [105.704, 21.698], [105.704, 21.703], [105.698, 21.703], [105.698, 21.698]]]}`),
		feat(`{"ten": "Cụm nhà (SYNTHETIC)", "loai": "home_cluster", "osm_id": "node/4"}`, pt(orb.Point{siteLon, 21.902})),
	}, ",") + `]}`
	layers := data.NewLayerStore(db, nil)
	if _, err := layers.ImportLayer(ctx, planning.LayerSpec{Kind: planning.KindSettlement, Name: "villages-synthetic",
		CategoryField: "loai", NameField: "ten", PopulationField: "dan_so", AllowOutside: true}, strings.NewReader(layer), nil); err != nil {
		t.Fatalf("import villages: %v", err)
	}
	radio, err := planning.LoadRadioBook(nil)
	if err != nil {
		t.Fatal(err)
	}
	nets := planning.NewNetworkService(data.NewNetworkStore(db), data.NewOrgStore(db), radio)
	omni := func(tech string, band float64) planning.Cell {
		return planning.Cell{Technology: tech, BandMHz: band, EIRPdBm: 60, GainDBi: 15, HBeamwidthDeg: 360, VBeamwidthDeg: 7, Omni: true}
	}
	in := []planning.SiteInput{
		{Ref: "/features/0", CellRefs: []string{"/features/0/properties/antennas/0"}, Site: planning.ExistingSite{Carrier: "452-04", Code: "SYNTHETIC-VT-1",
			Location: viettelAt, HeightM: 40, Properties: map[string]any{"note": "SYNTHETIC"}, Cells: []planning.Cell{omni("GSM", 900)}}},
		{Ref: "/features/1", CellRefs: []string{"/features/1/properties/antennas/0"}, Site: planning.ExistingSite{Carrier: "452-01", Code: "SYNTHETIC-MF-1",
			Location: mobifoneAt, HeightM: 40, Properties: map[string]any{"note": "SYNTHETIC"}, Cells: []planning.Cell{omni("GSM", 900)}}},
	}
	if _, err := nets.ImportSites(ctx, planning.NetworkSpec{Name: "synthetic", Format: planning.FormatGeoJSON, Source: "SYNTHETIC"}, in, nil); err != nil {
		t.Fatalf("import sites: %v", err)
	}
	covStore := data.NewCoverageStore(db, f.dir)
	store := data.NewGapStore(db)
	run := planning.NewGapService(store, nets, f.cov, dem.CoverageGrids{Store: covStore}, nil)
	fill := planning.NewGapFillService(planning.GapFillConfig{}, data.NewGapFillStore(db), nets, f.cov,
		dem.CoverageGrids{Store: covStore}, f.props)
	q := newQueue(t, f.pool, f.cov, jobs.Config{Workers: 1, Gaps: run, GapFill: fill})
	// As in cmd: the queue that inserts and reports has no workers and
	// no GapService (which is built after it); River must still accept
	// the gap-analysis kind from it.
	ins := newQueue(t, f.pool, nil, jobs.Config{})
	store.AfterCreate(ins.InsertGapAnalysisTx)
	f.props.AfterCreate(ins.InsertProposalCoverageTx)
	return gapFixture{fixture: f, run: run, read: planning.NewGapService(store, nets, f.cov, nil, ins), fill: fill, nets: nets, q: q}
}

// analyseFixtureArea runs a gap analysis of the fixture's area (the hamlet
// Bản Xa, a total not-spot, and both sites) through g.read and waits for
// it to be done; the queue must be working.
func analyseFixtureArea(tb testing.TB, g gapFixture) planning.GapAnalysis {
	tb.Helper()
	bbox := orb.Bound{Min: orb.Point{105.45, 21.45}, Max: orb.Point{105.75, 21.95}}
	an, err := g.read.Start(context.Background(), planning.GapParams{BBox: &bbox})
	if err != nil {
		tb.Fatal(err)
	}
	if an = waitGaps(tb, g.read, an.ID); an.State != planning.JobDone {
		tb.Fatalf("gap analysis = %s (%s), want done", an.State, an.Error)
	}
	return an
}

// waitGaps polls analysis id until it is final.
func waitGaps(t testing.TB, svc *planning.GapService, id int64) planning.GapAnalysis {
	t.Helper()
	deadline := time.Now().Add(4 * time.Minute)
	for {
		a, err := svc.Analysis(context.Background(), id)
		if err != nil {
			t.Fatalf("Analysis(%d): %v", id, err)
		}
		if a.State.Final() {
			return a
		}
		if time.Now().After(deadline) {
			t.Fatalf("gap analysis %d is %s (%d of %d) after 4 min, want final", id, a.State, a.Progress.Done, a.Progress.Total)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func TestGapAnalysisJob(t *testing.T) {
	g := newGapFixture(t)
	ctx := context.Background()
	if err := g.q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	bbox := orb.Bound{Min: orb.Point{105.45, 21.45}, Max: orb.Point{105.75, 21.95}}
	// Twice: the second run takes every coverage from the cache and reads
	// its level raster back from the stored GeoTIFF.
	for run, wantCached := range []bool{false, true} {
		t.Run(fmt.Sprintf("run %d", run+1), func(t *testing.T) {
			a, err := g.read.Start(ctx, planning.GapParams{BBox: &bbox})
			if err != nil {
				t.Fatalf("Start: %v", err)
			}
			if a.JobID == 0 || a.State != planning.JobQueued {
				t.Fatalf("Start = job %d, state %s; want a queued job", a.JobID, a.State)
			}
			if got := strings.Join(a.Params.Carriers, ","); got != "452-01,452-04" {
				t.Errorf("carriers = %s, want 452-01,452-04 (every carrier with sites)", got)
			}
			a = waitGaps(t, g.read, a.ID)
			if a.State != planning.JobDone {
				t.Fatalf("state = %s (%s), want done", a.State, a.Error)
			}
			c := a.Counts
			if c.Coverages != 2 || (c.Cached == 2) != wantCached {
				t.Errorf("coverages = %d (%d cached), want 2 (cached %v)", c.Coverages, c.Cached, wantCached)
			}
			if c.Villages != 3 || c.Clusters != 1 || c.People != 640+210+455 {
				t.Errorf("counts = %+v, want 3 villages, 1 home cluster, 1305 people", c)
			}
			if c.NotSpotTotal != 1 || c.NotSpotPartial != 2 || c.NotSpotNone != 0 {
				t.Errorf("not-spots total/partial/none = %d/%d/%d, want 1/2/0", c.NotSpotTotal, c.NotSpotPartial, c.NotSpotNone)
			}
			if c.GapAreas == 0 || !(c.GapKm2 > 0) {
				t.Errorf("gaps = %d, %.3f km², want some", c.GapAreas, c.GapKm2)
			}
			_, vs, err := g.read.Villages(ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			byName := map[string]planning.GapVillage{}
			for _, v := range vs {
				byName[v.Name] = v
			}
			want := map[string]map[string]planning.VillageStatus{
				"Thôn Gần Trạm (SYNTHETIC)": {"452-04": planning.Covered, "452-01": planning.TrangSong},
				"Bản Xa (SYNTHETIC)":        {"452-04": planning.TrangSong, "452-01": planning.TrangSong},
				"Thôn Đông Bắc (SYNTHETIC)": {"452-01": planning.Covered, "452-04": planning.TrangSong},
			}
			for name, statuses := range want {
				v, ok := byName[name]
				if !ok {
					t.Errorf("village %s missing from %d results", name, len(vs))
					continue
				}
				for mnc, s := range statuses {
					if got := v.Coverage[mnc]; got.Status != s {
						t.Errorf("%s for %s = %s (%.1f dBm), want %s", name, mnc, got.Status, got.LevelDBm, s)
					}
				}
				if v.Properties["osm_id"] == nil {
					t.Errorf("%s lost its source properties: %v", name, v.Properties)
				}
			}
			if v := byName["Thôn Gần Trạm (SYNTHETIC)"]; !(v.Coverage["452-04"].LevelDBm > -95) || v.Population != 640 {
				t.Errorf("Thôn Gần Trạm: level %.1f dBm, population %d; want above -95 dBm, 640", v.Coverage["452-04"].LevelDBm, v.Population)
			}
			if byName["Bản Xa (SYNTHETIC)"].NotSpot != planning.NotSpotTotal {
				t.Errorf("Bản Xa not_spot = %s, want total", byName["Bản Xa (SYNTHETIC)"].NotSpot)
			}
			_, areas, err := g.read.Areas(ctx, a.ID)
			if err != nil || len(areas) == 0 {
				t.Fatalf("Areas = %d, %v; want some", len(areas), err)
			}
		})
	}
}

func TestGapAnalysisRefusesAnAreaItCannotAnalyse(t *testing.T) {
	g := newGapFixture(t)
	ctx := context.Background()
	box := func(w, s, e, n float64) *orb.Bound {
		return &orb.Bound{Min: orb.Point{w, s}, Max: orb.Point{e, n}}
	}
	tests := []struct {
		name      string
		p         planning.GapParams
		wantField string
		wantMsg   string
	}{
		{"no area", planning.GapParams{}, "/admin_unit", "give admin_unit or bbox"},
		{"unknown admin unit", planning.GapParams{AdminUnit: "99999"}, "/admin_unit", `unknown admin unit "99999"`},
		{"outside Vietnam", planning.GapParams{BBox: box(2.3, 48.8, 2.4, 48.9)}, "/bbox", "not within Vietnam"},
		{"unknown carrier", planning.GapParams{BBox: box(105.45, 21.45, 105.75, 21.95), Carriers: []string{"452-99"}}, "/carriers/0", "not a carrier"},
		{"no villages", planning.GapParams{BBox: box(105.1, 21.1, 105.2, 21.2)}, "/bbox", "no villages"},
		{"no sites of that carrier", planning.GapParams{BBox: box(105.45, 21.45, 105.75, 21.95), Carriers: []string{"452-02"}}, "/bbox", "no existing sites of 452-02"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := g.read.Start(ctx, tc.p)
			if planning.KindOf(err) != planning.Invalid {
				t.Fatalf("Start = %v, want Invalid", err)
			}
			if got := planning.FieldOf(err); got != tc.wantField {
				t.Errorf("FieldOf(%v) = %q, want %q", err, got, tc.wantField)
			}
			if !strings.Contains(err.Error(), tc.wantMsg) {
				t.Errorf("error %q does not say %q", err, tc.wantMsg)
			}
			if n := count(t, g.pool, "SELECT count(*) FROM gap_analysis"); n != 0 {
				t.Errorf("gap_analysis rows = %d, want 0", n)
			}
		})
	}
}
