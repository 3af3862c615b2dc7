package planning

import (
	"context"
	"fmt"
)

// CoverageQueue computes the coverage of submitted proposals in the
// background, one at a time, so that a submission answers at once and the
// reviewer finds the coverage in the report. It is a bounded queue: when
// it is full a proposal is skipped (its coverage is then computed on the
// first request for it), never blocking a submission.
type CoverageQueue struct {
	svc  *CoverageService
	ids  chan int64
	done func(proposalID int64, c Coverage, err error)
}

// NewCoverageQueue returns a queue of up to size proposals over svc. done,
// which may be nil, is called after each computation with its result or
// error (for the log).
func NewCoverageQueue(svc *CoverageService, size int, done func(proposalID int64, c Coverage, err error)) *CoverageQueue {
	if done == nil {
		done = func(int64, Coverage, error) {}
	}
	return &CoverageQueue{svc: svc, ids: make(chan int64, max(size, 1)), done: done}
}

// Enqueue asks for the coverage of a proposal and reports whether it was
// queued (false when the queue is full).
func (q *CoverageQueue) Enqueue(proposalID int64) bool {
	select {
	case q.ids <- proposalID:
		return true
	default:
		q.done(proposalID, Coverage{}, &Error{Kind: Unavailable, Err: fmt.Errorf("coverage queue full: proposal %d is left for its first request", proposalID)})
		return false
	}
}

// Run computes the queued coverages until ctx ends. A computation under
// way when ctx ends is cancelled; what it had not stored is computed again
// on the first request.
func (q *CoverageQueue) Run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case id := <-q.ids:
			c, err := q.svc.ProposalCoverage(ctx, id, nil)
			q.done(id, c, err)
		}
	}
}
