package planning

import (
	"fmt"
	"slices"
	"strings"
)

// CaseState is where a case stands in its review.
type CaseState string

// The states of a case. A case starts as a draft; a submission assesses it
// at once (submitted, then assessed); a reviewer takes it up and decides.
const (
	StateDraft        CaseState = "draft"
	StateSubmitted    CaseState = "submitted"
	StateAssessed     CaseState = "assessed"
	StateUnderReview  CaseState = "under_review"
	StateDocsRequired CaseState = "documents_requested" // under review, clock paused until the carrier resubmits
	StateApproved     CaseState = "approved"
	StateApprovedCond CaseState = "approved_with_conditions"
	StateRejected     CaseState = "rejected"
	StateRelocation   CaseState = "relocation_requested"
	StateWithdrawn    CaseState = "withdrawn"
	StateExpired      CaseState = "expired" // an approval's validity ended before the site was built
	StateBuilt        CaseState = "built"   // the carrier reported the approved site built: it never expires
)

// CaseStates lists every state in lifecycle order.
var CaseStates = []CaseState{StateDraft, StateSubmitted, StateAssessed, StateUnderReview, StateDocsRequired,
	StateApproved, StateApprovedCond, StateRejected, StateRelocation, StateWithdrawn, StateExpired, StateBuilt}

// Valid reports whether s is a state.
func (s CaseState) Valid() bool { return slices.Contains(CaseStates, s) }

// Decided reports whether s is the outcome of a decision, which makes the
// case and its decision public.
func (s CaseState) Decided() bool {
	switch s {
	case StateApproved, StateApprovedCond, StateRejected, StateRelocation, StateExpired, StateBuilt:
		return true
	}
	return false
}

// ClockRuns reports whether the review clock counts in state s.
func (s CaseState) ClockRuns() bool {
	switch s {
	case StateSubmitted, StateAssessed, StateUnderReview:
		return true
	}
	return false
}

// CaseEvent is what happens to a case.
type CaseEvent string

// The events of the state machine.
const (
	EventSubmit            CaseEvent = "submit"
	EventAssess            CaseEvent = "assess"
	EventStartReview       CaseEvent = "start_review"
	EventRequestDocuments  CaseEvent = "request_documents"
	EventResubmitDocuments CaseEvent = "resubmit_documents"
	EventApprove           CaseEvent = "approve"
	EventApproveCond       CaseEvent = "approve_with_conditions"
	EventReject            CaseEvent = "reject"
	EventRequestRelocation CaseEvent = "request_relocation"
	EventRevise            CaseEvent = "revise" // a change or a relocation: a new revision, assessed again
	EventWithdraw          CaseEvent = "withdraw"
	EventExpire            CaseEvent = "expire"
	EventReportBuilt       CaseEvent = "report_built" // the carrier built the approved site
)

// CaseEvents lists every event.
var CaseEvents = []CaseEvent{EventSubmit, EventAssess, EventStartReview, EventRequestDocuments, EventResubmitDocuments,
	EventApprove, EventApproveCond, EventReject, EventRequestRelocation, EventRevise, EventWithdraw, EventExpire, EventReportBuilt}

// Valid reports whether e is an event.
func (e CaseEvent) Valid() bool { return slices.Contains(CaseEvents, e) }

// Decision reports whether e is a decision (recorded with Review.Decide).
func (e CaseEvent) Decision() bool {
	switch e {
	case EventApprove, EventApproveCond, EventReject, EventRequestRelocation:
		return true
	}
	return false
}

// verb is e in words, for "cannot X when the case is Y".
func (e CaseEvent) verb() string {
	switch e {
	case EventApproveCond:
		return "approve with conditions"
	default:
		return strings.ReplaceAll(string(e), "_", " ")
	}
}

// Transition is one edge of the state machine: event Event takes a case
// from From to To, and only a principal holding one of Roles may cause it.
type Transition struct {
	From  CaseState
	Event CaseEvent
	To    CaseState
	Roles []Role
}

var (
	byCarrier  = []Role{RoleCarrier}
	byReviewer = []Role{RoleReviewer}
	bySystem   = []Role{RoleSystem}
)

// transitions is THE state machine: every allowed transition, and nothing
// else. Withdrawal is possible in every state before a decision, and from
// relocation_requested (the carrier may give the site up instead of
// moving it). A revision goes back to submitted and is assessed again.
var transitions = []Transition{
	{StateDraft, EventSubmit, StateSubmitted, byCarrier},
	{StateSubmitted, EventAssess, StateAssessed, bySystem},
	{StateAssessed, EventStartReview, StateUnderReview, byReviewer},
	{StateUnderReview, EventRequestDocuments, StateDocsRequired, byReviewer},
	{StateDocsRequired, EventResubmitDocuments, StateUnderReview, byCarrier},
	{StateUnderReview, EventApprove, StateApproved, byReviewer},
	{StateUnderReview, EventApproveCond, StateApprovedCond, byReviewer},
	{StateUnderReview, EventReject, StateRejected, byReviewer},
	{StateUnderReview, EventRequestRelocation, StateRelocation, byReviewer},
	{StateAssessed, EventRevise, StateSubmitted, byCarrier},
	{StateUnderReview, EventRevise, StateSubmitted, byCarrier},
	{StateDocsRequired, EventRevise, StateSubmitted, byCarrier},
	{StateRelocation, EventRevise, StateSubmitted, byCarrier},
	{StateExpired, EventRevise, StateSubmitted, byCarrier},
	{StateDraft, EventWithdraw, StateWithdrawn, byCarrier},
	{StateSubmitted, EventWithdraw, StateWithdrawn, byCarrier},
	{StateAssessed, EventWithdraw, StateWithdrawn, byCarrier},
	{StateUnderReview, EventWithdraw, StateWithdrawn, byCarrier},
	{StateDocsRequired, EventWithdraw, StateWithdrawn, byCarrier},
	{StateRelocation, EventWithdraw, StateWithdrawn, byCarrier},
	{StateApproved, EventExpire, StateExpired, bySystem},
	{StateApprovedCond, EventExpire, StateExpired, bySystem},
	{StateExpired, EventStartReview, StateUnderReview, byReviewer},
	// A built site is what an approval was for; only an unbuilt one expires.
	{StateApproved, EventReportBuilt, StateBuilt, byCarrier},
	{StateApprovedCond, EventReportBuilt, StateBuilt, byCarrier},
}

// Transitions returns a copy of the state machine's table.
func Transitions() []Transition {
	out := make([]Transition, len(transitions))
	for i, t := range transitions {
		t.Roles = slices.Clone(t.Roles)
		out[i] = t
	}
	return out
}

// Step returns the state that event e takes a case in state from to, when
// a principal holding roles causes it. Errors: Invalid for an unknown
// state or event; WrongState ("cannot approve when the case is
// withdrawn") when no transition leaves from with e, so that api answers
// 409 naming the current state; Forbidden when the transition exists but
// none of roles may cause it.
func Step(from CaseState, e CaseEvent, roles []Role) (CaseState, error) {
	const op = "case transition"
	if !from.Valid() {
		return "", &Error{Op: op, Kind: Invalid, Err: fmt.Errorf("unknown case state %q", from)}
	}
	if !e.Valid() {
		return "", &Error{Op: op, Kind: Invalid, Field: "event", Err: fmt.Errorf("unknown event %q", e)}
	}
	for _, t := range transitions {
		if t.From != from || t.Event != e {
			continue
		}
		for _, r := range roles {
			if slices.Contains(t.Roles, r) {
				return t.To, nil
			}
		}
		return "", &Error{Op: op, Kind: Forbidden, Err: fmt.Errorf("only a %s may %s a case", roleNames(t.Roles), e.verb())}
	}
	return "", wrongState(op, &StateError{State: from, Event: e})
}

// StateError is what a WrongState error of a refused transition wraps;
// api can find it with errors.As and name State in its problem.
type StateError struct {
	State CaseState
	Event CaseEvent
}

func (e *StateError) Error() string {
	return fmt.Sprintf("cannot %s when the case is %s", e.Event.verb(), strings.ReplaceAll(string(e.State), "_", " "))
}

// wrongState wraps se in a WrongState *Error.
func wrongState(op string, se *StateError) error {
	return &Error{Op: op, Kind: WrongState, Err: se}
}

func roleNames(rs []Role) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = string(r)
	}
	return strings.Join(s, " or ")
}
