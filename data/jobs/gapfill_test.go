package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"btsplan/planning"
)

// proposalAt stands 1 km west of Bản Xa (siteLon, 21.9), the SYNTHETIC
// hamlet of the gap fixture that no carrier reaches (210 people), its
// sector facing east, at it.
var proposalAt = orb.Point{siteLon - 0.0097, 21.9}

func gapFillSite(code string, at orb.Point, heightM float64) planning.Site {
	return planning.Site{Carrier: "452-04", Code: code, Location: at, Structure: planning.StructureA2b, HeightM: heightM,
		Antennas: []planning.Antenna{{AzimuthDeg: 90, TiltDeg: 2, BandMHz: 1800, EIRPdBm: 58, Technology: "LTE"}}}
}

func findVillage(g planning.GapFill, name string) (planning.GapFillVillage, bool) {
	for _, v := range g.VillagesNewlyCovered {
		if v.Name == name {
			return v, true
		}
	}
	return planning.GapFillVillage{}, false
}

func TestProposalGapFill(t *testing.T) {
	g := newGapFixture(t)
	ctx := context.Background()
	if err := g.q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	const hamlet = "Bản Xa (SYNTHETIC)"

	t.Run("the job stores the gap fill of a proposal beside a trang song hamlet", func(t *testing.T) {
		p := planning.Proposal{Site: gapFillSite("GAPFILL-1", proposalAt, 30)}
		a := planning.Assessment{Verdict: planning.Approve, RuleSetVersion: "national-test"}
		if err := g.props.CreateProposal(ctx, &p, &a, "sha256:gapfill-1"); err != nil {
			t.Fatal(err)
		}
		j := waitJob(t, g.q, jobOf(t, g.q, p.ID).ID, 2*time.Minute, "final", func(j planning.Job) bool { return j.State.Final() })
		if j.State != planning.JobDone {
			t.Fatalf("job = %s (errors %q), want done", j.State, j.Errors)
		}
		gf, ok, err := g.fill.Stored(ctx, a.ID)
		if err != nil || !ok {
			t.Fatalf("Stored(%d) = ok %v, %v; want the job's gap fill", a.ID, ok, err)
		}
		v, found := findVillage(gf, hamlet)
		if !found {
			t.Fatalf("newly covered = %+v, want %s", gf.VillagesNewlyCovered, hamlet)
		}
		// No gap analysis yet: no site of any carrier within 15 km of it.
		if !v.ForOwnCarrier || !v.ForAnyone || v.Population != 210 || v.StatusBefore != "trang_song" || v.NotSpotBefore != "total" {
			t.Errorf("%s = %+v, want trang_song/total, for own carrier and anyone, 210 people", hamlet, v)
		}
		if gf.PeopleNewlyCovered < 210 || gf.PeopleFirstSignal < 210 || gf.GapAnalysisID != 0 || gf.CoverageID == 0 {
			t.Errorf("gap fill = %d people (%d first signal), analysis %d, coverage %d; want ≥ 210, none, a coverage",
				gf.PeopleNewlyCovered, gf.PeopleFirstSignal, gf.GapAnalysisID, gf.CoverageID)
		}
		if v.Properties["osm_id"] != "node/2" {
			t.Errorf("properties = %v, want the source's osm_id", v.Properties)
		}
	})

	// A gap analysis of the area: the hamlet is a total not-spot in it,
	// and its gap polygon (a 500 m buffer) lies in the proposal's reach;
	// the Viettel site's coverage is now stored.
	an := analyseFixtureArea(t, g)

	t.Run("a check reads the gap analysis", func(t *testing.T) {
		gf, err := g.fill.Check(ctx, gapFillSite("GAPFILL-CHECK", proposalAt, 30), "")
		if err != nil {
			t.Fatal(err)
		}
		v, found := findVillage(gf, hamlet)
		if !found || !v.ForAnyone || !v.ForOwnCarrier || v.Population != 210 {
			t.Fatalf("%s = %+v (found %v), want newly covered for anyone, 210 people", hamlet, v, found)
		}
		if gf.GapAnalysisID != an.ID || !(gf.GapKm2Closed > 0) || gf.GapKm2Closed > an.Counts.GapKm2 {
			t.Errorf("analysis %d, gap closed %.3f km²; want analysis %d and some of its %.3f km²", gf.GapAnalysisID, gf.GapKm2Closed, an.ID, an.Counts.GapKm2)
		}
		if gf.OverlapPct != 0 || gf.OverlapCoverages != 0 {
			t.Errorf("overlap = %.1f%% of %d coverages, want 0 (Viettel's site is 44 km away)", gf.OverlapPct, gf.OverlapCoverages)
		}
	})

	t.Run("a site beside the carrier's own overlaps it and closes no gap", func(t *testing.T) {
		gf, err := g.fill.Check(ctx, gapFillSite("GAPFILL-OVERLAP", orb.Point{siteLon - 0.003, siteLat}, 30), "")
		if err != nil {
			t.Fatal(err)
		}
		if gf.OverlapCoverages != 1 || !(gf.OverlapPct > 30 && gf.OverlapPct <= 100) {
			t.Errorf("overlap = %.1f%% of %d coverages, want much of Viettel's one", gf.OverlapPct, gf.OverlapCoverages)
		}
		if len(gf.VillagesNewlyCovered) != 0 || gf.PeopleNewlyCovered != 0 {
			t.Errorf("newly covered = %+v, want none (Thôn Gần Trạm is covered already)", gf.VillagesNewlyCovered)
		}
		// Viettel's 40 m mast stands 310 m east: shareable by a 30 m
		// site, not by a 45 m one.
		if len(gf.ShareableTowers) != 1 || gf.ShareableTowers[0].Code != "SYNTHETIC-VT-1" ||
			gf.ShareableTowers[0].DistanceM < 250 || gf.ShareableTowers[0].DistanceM > 350 || gf.ShareableTowers[0].HeightM != 40 {
			t.Errorf("shareable towers = %+v, want SYNTHETIC-VT-1 at about 310 m, 40 m", gf.ShareableTowers)
		}
		tall, err := g.fill.Check(ctx, gapFillSite("GAPFILL-TALL", orb.Point{siteLon - 0.003, siteLat}, 45), "")
		if err != nil {
			t.Fatal(err)
		}
		if len(tall.ShareableTowers) != 0 {
			t.Errorf("shareable towers of a 45 m site = %+v, want none (the mast is 40 m)", tall.ShareableTowers)
		}
	})
}

// BenchmarkGapFillWarm is the gap fill of one site whose coverage is
// cached (the proposal's, after its job), after a gap analysis of the
// area: the villages in reach, their statuses, the raster read back from
// its GeoTIFF, the towers, the overlap and the gap closed.
func BenchmarkGapFillWarm(b *testing.B) {
	g := newGapFixture(b)
	ctx := context.Background()
	if err := g.q.Start(ctx); err != nil {
		b.Fatal(err)
	}
	analyseFixtureArea(b, g)
	site := gapFillSite("GAPFILL-BENCH", proposalAt, 30)
	if _, err := g.fill.Check(ctx, site, ""); err != nil { // computes and stores the coverage
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		gf, err := g.fill.Check(ctx, site, "")
		if err != nil {
			b.Fatal(err)
		}
		if gf.PeopleNewlyCovered < 210 {
			b.Fatalf("people = %d, want ≥ 210", gf.PeopleNewlyCovered)
		}
	}
}
