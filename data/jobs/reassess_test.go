package jobs_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"btsplan/data"
	"btsplan/data/jobs"
	"btsplan/planning"
)

// TestProposalReassessedWithGapFill: a 30 m site 310 m west of Viettel's
// 40 m SYNTHETIC mast, in an area a gap analysis has classified, covers no
// gap village; once its gap fill is computed the job re-evaluates it as a
// second assessment, which the sharing rule makes CONDITIONAL, and the
// first (zoning-only) assessment is kept.
func TestProposalReassessedWithGapFill(t *testing.T) {
	g := newGapFixture(t)
	ctx := context.Background()
	db := data.NewDB(g.pool, data.PoolConfig{QueryTimeout: 30 * time.Second})
	admin := data.NewAdminStore(db)
	if _, err := admin.ImportAdminUnits(ctx, data.AdminSpec{Level: "province", CodeField: "code", ValidFrom: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)},
		strings.NewReader(`{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"code": "SYNP", "name": "Tỉnh Thử (SYNTHETIC)"},
		"geometry": {"type": "Polygon", "coordinates": [[[105, 21], [106, 21], [106, 22], [105, 22], [105, 21]]]}}]}`)); err != nil {
		t.Fatalf("import province: %v", err)
	}
	book, err := planning.LoadRuleBook(nil)
	if err != nil {
		t.Fatal(err)
	}
	svc := planning.NewService(planning.ServiceConfig{}, book, data.NewZoneStore(db), g.props, admin, data.NewOrgStore(db),
		data.NewLayerStore(db, book), nil)
	q := newQueue(t, g.pool, g.cov, jobs.Config{Workers: 1, Gaps: g.run, GapFill: g.fill, Assess: svc})
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	analyseFixtureArea(t, g)

	p, first, err := svc.Submit(ctx, gapFillSite("REASSESS-1", orb.Point{siteLon - 0.003, siteLat}, 30))
	if err != nil {
		t.Fatalf("Submit: %v", err)
	}
	for _, f := range first.Findings {
		if f.RuleID == "gap-fill-consider-sharing" {
			t.Fatalf("the first assessment has the sharing finding before any gap fill")
		}
	}
	j := waitJob(t, q, jobOf(t, q, p.ID).ID, 3*time.Minute, "final", func(j planning.Job) bool { return j.State.Final() })
	if j.State != planning.JobDone {
		t.Fatalf("job = %s (errors %q), want done", j.State, j.Errors)
	}

	as, err := svc.Assessments(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(as) != 2 || as[1].ID != first.ID || as[1].Verdict != first.Verdict || as[1].Basis != planning.BasisZoning {
		t.Fatalf("assessments = %+v, want 2, the first (#%d %s, zoning) kept", as, first.ID, first.Verdict)
	}
	latest, err := svc.Assessment(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if latest.ID != as[0].ID || latest.Basis != planning.BasisGapFill || latest.Verdict != planning.Conditional || latest.Revision != p.Revision {
		t.Errorf("latest = #%d %s basis %q rev %d, want #%d CONDITIONAL gap_fill rev %d", latest.ID, latest.Verdict, latest.Basis, latest.Revision, as[0].ID, p.Revision)
	}
	var share *planning.Finding
	for i, f := range latest.Findings {
		if f.RuleID == "gap-fill-consider-sharing" {
			share = &latest.Findings[i]
		}
	}
	if share == nil || share.FeatureName != "452-04/SYNTHETIC-VT-1" || share.DistanceM < 250 || share.DistanceM > 350 ||
		!strings.Contains(share.Message.EN, "consider sharing") || !strings.Contains(share.Message.EN, "40 m tall") {
		t.Errorf("sharing finding = %+v, want 452-04/SYNTHETIC-VT-1 at about 310 m, 40 m tall", share)
	}
	pr, err := svc.Proposal(ctx, p.ID)
	if err != nil || pr.Verdict != planning.Conditional {
		t.Errorf("proposal verdict = %s (%v), want the latest assessment's CONDITIONAL", pr.Verdict, err)
	}
	// The review reads the latest assessment's required signatures: the
	// sharing condition's authority is among them.
	var required []string
	if err := g.pool.QueryRow(ctx, "SELECT COALESCE(array_agg(authority ORDER BY authority), '{}') FROM required_signature WHERE assessment_id = $1",
		latest.ID).Scan(&required); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(required, "SKHCN") {
		t.Errorf("required signatures of assessment %d = %v, want SKHCN among them", latest.ID, required)
	}
	// The gap fill is stored with the new assessment too.
	if _, ok, err := g.fill.Stored(ctx, latest.ID); err != nil || !ok {
		t.Errorf("gap fill of assessment %d: ok %v, %v; want stored", latest.ID, ok, err)
	}

	// The site is the same, so the latest assessment has its coverage:
	// the report and the map read the coverage of the latest assessment.
	if _, ok, err := g.cov.StoredProposalCoverage(ctx, p.ID); err != nil || !ok {
		t.Errorf("coverage of proposal %d after its re-evaluation: ok %v, %v; want the coverage carried over", p.ID, ok, err)
	}

	// The re-evaluation wrote its audit row in its own transaction.
	var audited int
	if err := g.pool.QueryRow(ctx, `SELECT count(*) FROM audit_event WHERE action = 'assessment.reevaluate' AND proposal_id = $1
		AND payload->>'assessment_id' = $2`, p.ID, strconv.FormatInt(latest.ID, 10)).Scan(&audited); err != nil || audited != 1 {
		t.Errorf("audit rows of the re-evaluation = %d (%v), want 1 naming assessment %d", audited, err, latest.ID)
	}

	// A retried job finds the re-evaluation done: no third assessment.
	if _, _, err := g.fill.ProposalReassessed(ctx, p.ID, svc); err != nil {
		t.Fatal(err)
	}
	if as, _ := svc.Assessments(ctx, p.ID); len(as) != 2 {
		t.Errorf("after a retry: %d assessments, want 2", len(as))
	}
}
