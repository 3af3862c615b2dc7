package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"btsplan/planning"
)

// TestCancelGapAnalysis: a queued analysis that is cancelled never runs,
// even once the queue works; cancelling it again, or cancelling a done
// analysis, is Exists naming "id"; an unknown one is NotFound.
func TestCancelGapAnalysis(t *testing.T) {
	g := newGapFixture(t)
	ctx := context.Background()
	bbox := orb.Bound{Min: orb.Point{105.45, 21.45}, Max: orb.Point{105.75, 21.95}}
	queued, err := g.read.Start(ctx, planning.GapParams{BBox: &bbox})
	if err != nil {
		t.Fatal(err)
	}
	got, err := g.read.Cancel(ctx, queued.ID)
	if err != nil {
		t.Fatalf("Cancel(queued %d): %v", queued.ID, err)
	}
	if got.State != planning.JobCancelled {
		t.Fatalf("after Cancel: %s, want cancelled", got.State)
	}
	if _, err := g.read.Cancel(ctx, queued.ID); planning.KindOf(err) != planning.Exists || planning.FieldOf(err) != "id" {
		t.Errorf("Cancel again = %v (%v), want Exists naming id", err, planning.KindOf(err))
	}
	if _, err := g.read.Cancel(ctx, queued.ID+1000); planning.KindOf(err) != planning.NotFound {
		t.Errorf("Cancel(unknown) = %v, want NotFound", err)
	}

	// The queue now works: a second analysis runs to the end, the
	// cancelled one never starts.
	if err := g.q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	done := analyseFixtureArea(t, g)
	if _, err := g.read.Cancel(ctx, done.ID); planning.KindOf(err) != planning.Exists {
		t.Errorf("Cancel(done %d) = %v, want Exists", done.ID, err)
	}
	time.Sleep(300 * time.Millisecond)
	a, err := g.read.Analysis(ctx, queued.ID)
	if err != nil {
		t.Fatal(err)
	}
	if a.State != planning.JobCancelled || a.Progress.Done != 0 {
		t.Errorf("cancelled analysis after the queue worked: %s, %d done; want cancelled, never run", a.State, a.Progress.Done)
	}
	if _, _, err := g.read.Villages(ctx, queued.ID); planning.KindOf(err) != planning.Exists {
		t.Errorf("Villages(cancelled) = %v, want Exists (not done)", err)
	}
}
