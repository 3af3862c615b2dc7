package planning

import (
	"context"
	"fmt"
	"time"
)

// ExpiryStore finds the approvals whose validity has ended.
type ExpiryStore interface {
	// ExpiredApprovals returns the cases, in id order, that are approved
	// or approved with conditions (so not built) and whose latest
	// decision's last valid day is before today (midnight in Vietnam).
	ExpiredApprovals(ctx context.Context, today time.Time) ([]int64, error)
}

// Expiry expires approvals whose validity ended before the site was
// built: a periodic job runs it. An expired case must be reviewed again
// (start_review) or revised.
type Expiry struct {
	review *Review
	store  ExpiryStore
}

// NewExpiry returns the expiry of review's cases over store.
func NewExpiry(review *Review, store ExpiryStore) *Expiry {
	return &Expiry{review: review, store: store}
}

// Run moves every case whose approval has expired to expired, each in its
// own transaction with its case event, audit row and notification, as
// the system. A case changed meanwhile (built, or a newer version) is
// left for the next run. It returns the cases it expired. Errors:
// Unavailable.
func (e *Expiry) Run(ctx context.Context) ([]int64, error) {
	today := dateOf(dayNumber(e.review.now()))
	ids, err := e.store.ExpiredApprovals(ctx, today)
	if err != nil {
		return nil, fmt.Errorf("expire approvals: %w", err)
	}
	var done []int64
	for _, id := range ids {
		_, err := e.review.Act(ctx, SystemPrincipal(), id, EventExpire, 0,
			"the approval's validity ended before the site was reported built", RequestMeta{RequestID: "expiry"})
		switch KindOf(err) {
		case Stale, WrongState, NotFound:
			continue // changed meanwhile: the next run looks again
		}
		if err != nil {
			return done, fmt.Errorf("expire case %d: %w", id, err)
		}
		done = append(done, id)
	}
	return done, nil
}
