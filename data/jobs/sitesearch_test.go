package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"btsplan/data"
	"btsplan/data/dem"
	"btsplan/data/jobs"
	"btsplan/planning"
)

// TestSiteSearchJob runs a search through River on the rolling-hills
// tile: the job is queued with the search, a worker runs it and marks it
// done. No admin unit is loaded there, so the zoning check can assess no
// candidate, and none is chosen: a location must pass zoning.
func TestSiteSearchJob(t *testing.T) {
	g := newGapFixture(t)
	ctx := context.Background()
	db := data.NewDB(g.pool, data.PoolConfig{QueryTimeout: 30 * time.Second})
	book, err := planning.LoadRuleBook(nil)
	if err != nil {
		t.Fatal(err)
	}
	svc := planning.NewService(planning.ServiceConfig{}, book, data.NewZoneStore(db), g.props, data.NewAdminStore(db),
		data.NewOrgStore(db), data.NewLayerStore(db, book), nil)
	store := data.NewSiteSearchStore(db)
	search := planning.NewSiteSearchService(store, svc, g.run, data.NewGapFillStore(db), dem.Terrain{Store: dem.NewStore(g.pool, g.dir)}, nil, nil)
	q := newQueue(t, g.pool, g.cov, jobs.Config{Workers: 1, Search: search})
	ins := newQueue(t, g.pool, nil, jobs.Config{})
	store.AfterCreate(ins.InsertSiteSearchTx)
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	bbox := orb.Bound{Min: orb.Point{105.45, 21.45}, Max: orb.Point{105.75, 21.95}}
	admin := planning.Principal{Name: "admin", Roles: []planning.Role{planning.RoleAdmin}}
	ss, err := search.Start(ctx, admin, planning.SearchParams{BBox: &bbox, Carrier: "452-04", N: 3})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	if ss.JobID == 0 || ss.State != planning.JobQueued || len(ss.Params.Antennas) != 3 {
		t.Fatalf("Start = job %d, state %s, %d antennas; want a queued job with the default antennas", ss.JobID, ss.State, len(ss.Params.Antennas))
	}
	waitJob(t, q, ss.JobID, 4*time.Minute, "done", func(j planning.Job) bool { return j.State.Final() })
	got, err := search.Search(ctx, admin, ss.ID)
	if err != nil {
		t.Fatal(err)
	}
	c := got.Counts
	t.Logf("search %d: %s, counts %+v", got.ID, got.State, c)
	switch {
	case got.State != planning.JobDone:
		t.Fatalf("state = %s (%s), want done", got.State, got.Error)
	case c.TargetsFrom != planning.TargetsFromCoverage || c.CarrierCoverages != 1:
		t.Errorf("targets from %s with %d coverages, want coverage with Viettel's one site", c.TargetsFrom, c.CarrierCoverages)
	case c.Villages != 3 || c.Targets != 2 || c.TargetPeople != 210+455:
		t.Errorf("villages %d, targets %d (%d people); want 3, 2 (Bản Xa and Thôn Đông Bắc, 665)", c.Villages, c.Targets, c.TargetPeople)
	case c.Candidates[planning.CandidateTower] != 2:
		// The smooth hills have no cell 15 m above its window's mean: no
		// peak or ridge; and no road.
		t.Errorf("candidates %v, want the two 40 m sites", c.Candidates)
	case c.Reaching == 0 || c.ZoningChecked == 0 || c.ZoningUnchecked != c.ZoningChecked || c.Locations != 0:
		t.Errorf("reaching %d, zoning checked %d, unassessable %d, locations %d: want none chosen without admin units",
			c.Reaching, c.ZoningChecked, c.ZoningUnchecked, c.Locations)
	}
	if n := count(t, g.pool, "SELECT count(*) FROM site_search_location WHERE search_id = $1", ss.ID); n != 0 {
		t.Errorf("%d locations stored, want 0", n)
	}
}
