package planning_test

import (
	"context"
	"errors"
	"testing"

	"btsplan/planning"
)

// TestSubmitNamesDuplicate: the Exists error of a resubmission keeps the
// proposal the store named, for the API's link.
func TestSubmitNamesDuplicate(t *testing.T) {
	st := newStores(nil)
	st.props.CreateProposalFunc = func(context.Context, *planning.Proposal, *planning.Assessment, string) error {
		return &planning.Error{Kind: planning.Exists, Err: &planning.DuplicateError{ProposalID: 7}}
	}
	_, _, err := st.service(defaultBook(t)).Submit(context.Background(), validSite())
	if id, ok := planning.DuplicateOf(err); planning.KindOf(err) != planning.Exists || !ok || id != 7 {
		t.Errorf("Submit error = %v: DuplicateOf = %d, %v; want Exists naming proposal 7", err, id, ok)
	}
	if _, ok := planning.DuplicateOf(errors.New("other")); ok {
		t.Errorf("DuplicateOf(a plain error) found a proposal")
	}
}
