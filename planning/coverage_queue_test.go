package planning_test

import (
	"context"
	"testing"
	"time"

	"btsplan/planning"
)

func TestCoverageQueueNeverBlocks(t *testing.T) {
	var skipped []int64
	q := planning.NewCoverageQueue(nil, 2, func(id int64, _ planning.Coverage, err error) {
		if planning.KindOf(err) == planning.Unavailable {
			skipped = append(skipped, id)
		}
	})
	for id := int64(1); id <= 3; id++ {
		if got, want := q.Enqueue(id), id <= 2; got != want {
			t.Errorf("Enqueue(%d) = %v, want %v (queue of 2, nobody running it)", id, got, want)
		}
	}
	if len(skipped) != 1 || skipped[0] != 3 {
		t.Errorf("skipped = %v, want [3]", skipped)
	}
}

func TestCoverageQueueStopsWithContext(t *testing.T) {
	q := planning.NewCoverageQueue(nil, 1, nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { q.Run(ctx); close(done) }()
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return within 5 s of its context ending")
	}
}
