package planning

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/paulmach/orb"
)

// PublicDecision is a decision as anyone may read it, without a token:
// the decision and its conditions (without the reviewer's name and the
// notes, which are the review's own), and the case it decided, once that
// case is decided (CaseState.Decided). A case that is pending again (an
// expired approval under review) shows none until it is decided again.
type PublicDecision struct {
	Decision Decision
	Case     Case
	Location orb.Point // the site, [lon, lat] EPSG:4326
}

// DecisionFilter selects public decisions.
type DecisionFilter struct {
	BBox   *orb.Bound // sites within it; nil for all
	State  CaseState  // the case's current state, a decided one; "" for all
	Since  time.Time  // decisions signed at or after it; zero for all
	Limit  int        // 1..MaxPageSize; 0 for DefaultCasePage
	Offset int
}

// PublicDecisionStore reads public decisions.
type PublicDecisionStore interface {
	// PublicDecisions returns the decisions f selects of cases in a
	// decided state, newest first, with their conditions.
	PublicDecisions(ctx context.Context, f DecisionFilter) ([]PublicDecision, error)
	// PublicDecision returns decision id if its case is in a decided
	// state, or NotFound.
	PublicDecision(ctx context.Context, id int64) (PublicDecision, error)
}

// Decisions serves the public decisions. It is safe for concurrent use.
type Decisions struct{ store PublicDecisionStore }

// NewDecisions returns the public decisions over store.
func NewDecisions(store PublicDecisionStore) *Decisions { return &Decisions{store: store} }

// List returns a page of public decisions. Errors: Invalid naming
// "state", "bbox", "limit" or "offset"; Unavailable.
func (d *Decisions) List(ctx context.Context, f DecisionFilter) ([]PublicDecision, error) {
	const op = "list decisions"
	var errs []error
	if f.State != "" && !f.State.Decided() {
		errs = append(errs, FieldError("state", "%q is not a decided state (want approved, approved_with_conditions, rejected, relocation_requested, expired or built)", truncate(string(f.State), 40)))
	}
	if f.Limit == 0 {
		f.Limit = DefaultCasePage
	}
	if f.Limit < 1 || f.Limit > MaxPageSize {
		errs = append(errs, FieldError("limit", "limit %d: want 1 to %d", f.Limit, MaxPageSize))
	}
	if f.Offset < 0 || f.Offset > MaxListOffset {
		errs = append(errs, FieldError("offset", "offset %d: want 0 to %d", f.Offset, MaxListOffset))
	}
	if b := f.BBox; b != nil {
		if !(finite(b.Min[0]) && finite(b.Min[1]) && finite(b.Max[0]) && finite(b.Max[1]) &&
			b.Min[0] >= -180 && b.Max[0] <= 180 && b.Min[1] >= -90 && b.Max[1] <= 90 &&
			b.Min[0] <= b.Max[0] && b.Min[1] <= b.Max[1]) {
			errs = append(errs, FieldError("bbox", "bbox %v is not [west, south, east, north] in degrees", *b))
		}
	}
	if len(errs) > 0 {
		return nil, &Error{Op: op, Kind: Invalid, Err: errors.Join(errs...)}
	}
	out, err := d.store.PublicDecisions(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	return out, nil
}

// Get returns public decision id. Errors: NotFound (also for a decision
// of a case that is not decided now); Unavailable.
func (d *Decisions) Get(ctx context.Context, id int64) (PublicDecision, error) {
	pd, err := d.store.PublicDecision(ctx, id)
	if err != nil {
		return PublicDecision{}, fmt.Errorf("decision %d: %w", id, err)
	}
	return pd, nil
}
