package planning_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"btsplan/planning"
	"btsplan/planning/planningtest"
)

var (
	carrierP = planning.Principal{UserID: 1, Name: "lan", Org: carrierVT, OrgKind: "carrier", Roles: []planning.Role{planning.RoleCarrier}}
	otherP   = planning.Principal{UserID: 2, Name: "mai", Org: "452-01", OrgKind: "carrier", Roles: []planning.Role{planning.RoleCarrier}}
	leadP    = planning.Principal{UserID: 3, Name: "minh", Org: "SNNMT", OrgKind: "authority", Province: province, Roles: []planning.Role{planning.RoleReviewer}}
	sxdP     = planning.Principal{UserID: 4, Name: "hoa", Org: "SXD", OrgKind: "authority", Province: province, Roles: []planning.Role{planning.RoleReviewer}}
	farP     = planning.Principal{UserID: 5, Name: "tuan", Org: "SNNMT", OrgKind: "authority", Province: "01", Roles: []planning.Role{planning.RoleReviewer}}
	analystP = planning.Principal{UserID: 6, Name: "an", Org: "SKHCN", OrgKind: "authority", Roles: []planning.Role{planning.RoleAnalyst}}
)

// reviewFixture is a Review over fakes with one stored case.
type reviewFixture struct {
	st      *stores
	cases   *planningtest.CaseStore
	review  *planning.Review
	c       planning.Case
	changes []*planning.CaseChange
	subs    []*planning.NewSubmission
	req     []string
	sigs    []planning.Signature
}

func newReviewFixture(t *testing.T, state planning.CaseState) *reviewFixture {
	t.Helper()
	cal, err := planning.DefaultCalendar()
	if err != nil {
		t.Fatal(err)
	}
	f := &reviewFixture{st: newStores(nil)}
	f.c = planning.Case{ID: 11, Carrier: carrierVT, SiteCode: "VPC-TD-0107", Province: province, State: state, Version: 4,
		ProposalID: 21, Revision: 2, Stations: 1, Clock: planning.ReviewClock{WorkingDays: 15, Started: testNow.Add(-48 * time.Hour)}}
	f.cases = &planningtest.CaseStore{
		CaseFunc: func(_ context.Context, id int64) (planning.Case, error) {
			if id != f.c.ID {
				return planning.Case{}, planning.Errorf(planning.NotFound, "no case")
			}
			return f.c, nil
		},
		CaseBySiteFunc: func(_ context.Context, carrier, code string) (planning.Case, error) {
			if carrier != f.c.Carrier || code != f.c.SiteCode || f.c.ID == 0 {
				return planning.Case{}, planning.Errorf(planning.NotFound, "no case")
			}
			return f.c, nil
		},
		ChangeFunc: func(_ context.Context, ch *planning.CaseChange) error {
			if ch.WantVersion != f.c.Version {
				return planning.Errorf(planning.Stale, "stale")
			}
			ch.Case.Version++
			f.changes = append(f.changes, ch)
			return nil
		},
		SubmitFunc: func(_ context.Context, s *planning.NewSubmission) error {
			s.Proposal.ID, s.Proposal.Revision = 22, 3
			s.Case.ID, s.Case.Version = 11, s.WantVersion+1
			f.subs = append(f.subs, s)
			return nil
		},
		RequiredSignaturesFunc: func(context.Context, int64) ([]string, error) { return f.req, nil },
		SignaturesFunc:         func(context.Context, int64) ([]planning.Signature, error) { return f.sigs, nil },
		DecisionsFunc:          func(context.Context, int64) ([]planning.Decision, error) { return nil, nil },
		IdempotentFunc: func(context.Context, string, string) (string, int64, error) {
			return "", 0, planning.Errorf(planning.NotFound, "no key")
		},
	}
	f.st.props.AssessmentFunc = func(_ context.Context, id int64) (planning.Assessment, error) {
		return planning.Assessment{ID: 31, ProposalID: id, Verdict: planning.Conditional}, nil
	}
	f.review = planning.NewReview(planning.ReviewConfig{}, f.st.service(defaultBook(t)), f.cases, f.st.props, cal, func() time.Time { return testNow })
	return f
}

func TestSubmitNewCase(t *testing.T) {
	f := newReviewFixture(t, planning.StateDraft)
	f.c.ID = 0 // no case yet
	res, err := f.review.Submit(context.Background(), carrierP, validSite(), planning.RequestMeta{RequestID: "req-1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.subs) != 1 {
		t.Fatalf("Submit stored %d submissions, want 1", len(f.subs))
	}
	s := f.subs[0]
	var got []string
	for _, e := range s.Events {
		got = append(got, string(e.From)+" -"+string(e.Event)+"-> "+string(e.To))
	}
	want := "draft -submit-> submitted, submitted -assess-> assessed"
	if strings.Join(got, ", ") != want {
		t.Errorf("events = %v, want %s", got, want)
	}
	if res.Case.State != planning.StateAssessed || s.Case.Clock.WorkingDays != 15 || !s.Case.Clock.Started.Equal(testNow) || s.Case.Due.IsZero() {
		t.Errorf("case = %+v, want assessed with a running 15-day clock and a due day", res.Case)
	}
	a := s.Audit
	if len(a) != 1 || a[0].StateBefore != planning.StateDraft || a[0].StateAfter != planning.StateAssessed || a[0].RequestID != "req-1" || a[0].UserID != 1 {
		t.Errorf("audit = %+v, want one row draft → assessed by user 1 with the request id", a)
	}
	if len(s.Assessment.RuleSetFiles) == 0 || !strings.Contains(string(s.Assessment.RuleSetFiles[0].Data), "rules") {
		t.Errorf("the assessment does not carry its rule set's text")
	}
	if s.ContentHash == "" || res.Proposal.ID != 22 {
		t.Errorf("submission = hash %q, proposal %d; want a content hash and proposal 22", s.ContentHash, res.Proposal.ID)
	}
}

func TestSubmitRefused(t *testing.T) {
	tests := []struct {
		name  string
		state planning.CaseState
		p     planning.Principal
		kind  planning.Kind
	}{
		{"another carrier's site", planning.StateAssessed, otherP, planning.Forbidden},
		{"a reviewer", planning.StateAssessed, leadP, planning.Forbidden},
		{"revise a withdrawn case", planning.StateWithdrawn, carrierP, planning.WrongState},
		{"revise an approved case", planning.StateApproved, carrierP, planning.WrongState},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newReviewFixture(t, tt.state)
			_, err := f.review.Submit(context.Background(), tt.p, validSite(), planning.RequestMeta{})
			if planning.KindOf(err) != tt.kind || len(f.subs) != 0 {
				t.Errorf("Submit error = %v, stored %d; want %v, nothing stored", err, len(f.subs), tt.kind)
			}
		})
	}
}

func TestSubmitRevises(t *testing.T) {
	f := newReviewFixture(t, planning.StateRelocation)
	if _, err := f.review.Submit(context.Background(), carrierP, validSite(), planning.RequestMeta{}); err != nil {
		t.Fatal(err)
	}
	s := f.subs[0]
	if s.WantVersion != 4 || s.Events[0].Event != planning.EventRevise || s.Case.State != planning.StateAssessed {
		t.Errorf("revision = want version %d, first event %s, state %s; want 4, revise, assessed", s.WantVersion, s.Events[0].Event, s.Case.State)
	}
}

func TestSubmitIdempotent(t *testing.T) {
	f := newReviewFixture(t, planning.StateAssessed)
	f.cases.IdempotentFunc = func(_ context.Context, org, key string) (string, int64, error) {
		if org != carrierVT || key != "k1" {
			return "", 0, planning.Errorf(planning.NotFound, "no key")
		}
		return "hash-1", 21, nil
	}
	f.st.props.ProposalFunc = func(_ context.Context, id int64) (planning.Proposal, error) {
		return planning.Proposal{ID: id, Site: validSite()}, nil
	}
	ctx := context.Background()
	res, err := f.review.Submit(ctx, carrierP, validSite(), planning.RequestMeta{IdempotencyKey: "k1", RequestHash: "hash-1"})
	if err != nil || !res.Replayed || res.Proposal.ID != 21 || len(f.subs) != 0 {
		t.Errorf("retry = %+v, %v, stored %d; want proposal 21 replayed, nothing stored", res.Proposal, err, len(f.subs))
	}
	_, err = f.review.Submit(ctx, carrierP, validSite(), planning.RequestMeta{IdempotencyKey: "k1", RequestHash: "hash-2"})
	if planning.FieldOf(err) != "Idempotency-Key" || len(f.subs) != 0 {
		t.Errorf("same key, other body: error %v; want Invalid naming Idempotency-Key", err)
	}
	if _, err := f.review.Submit(ctx, carrierP, validSite(), planning.RequestMeta{IdempotencyKey: "k2", RequestHash: "h"}); err != nil || len(f.subs) != 1 || f.subs[0].Idempotency.Key != "k2" {
		t.Errorf("a new key: error %v, stored %d; want one submission with key k2", err, len(f.subs))
	}
}

func TestCaseVisibility(t *testing.T) {
	tests := []struct {
		name  string
		state planning.CaseState
		p     planning.Principal
		see   bool
	}{
		{"own carrier", planning.StateAssessed, carrierP, true},
		{"other carrier, pending", planning.StateUnderReview, otherP, false},
		{"other carrier, decided", planning.StateApprovedCond, otherP, true},
		{"reviewer of the province", planning.StateAssessed, sxdP, true},
		{"reviewer of another province", planning.StateAssessed, farP, false},
		{"analyst, pending", planning.StateUnderReview, analystP, false},
		{"analyst, decided", planning.StateRejected, analystP, true},
		{"nobody", planning.StateRejected, planning.Principal{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newReviewFixture(t, tt.state)
			_, err := f.review.Case(context.Background(), tt.p, 11)
			if tt.see && err != nil || !tt.see && planning.KindOf(err) != planning.NotFound {
				t.Errorf("Case(11) as %s error = %v, want visible=%v (hidden is NotFound)", tt.p.Name, err, tt.see)
			}
		})
	}
}

func TestActClock(t *testing.T) {
	f := newReviewFixture(t, planning.StateUnderReview)
	ctx := context.Background()
	c, err := f.review.Act(ctx, leadP, 11, planning.EventRequestDocuments, 4, "the land-use certificate", planning.RequestMeta{})
	if err != nil {
		t.Fatal(err)
	}
	ch := f.changes[0]
	if c.State != planning.StateDocsRequired || ch.OpenPause.IsZero() || !c.Due.IsZero() || ch.Audit[0].StateAfter != planning.StateDocsRequired {
		t.Errorf("after request_documents: %+v; want documents_requested, a pause opened, no due day", c)
	}
	f.c = c
	c, err = f.review.Act(ctx, carrierP, 11, planning.EventResubmitDocuments, 0, "", planning.RequestMeta{})
	if err != nil || c.State != planning.StateUnderReview || f.changes[1].ClosePause.IsZero() || c.Due.IsZero() {
		t.Errorf("after resubmit_documents: %+v, %v; want under_review, the pause closed, a due day again", c, err)
	}
	f.c = c
	if _, err := f.review.Act(ctx, otherP, 11, planning.EventWithdraw, 0, "", planning.RequestMeta{}); planning.KindOf(err) != planning.NotFound {
		t.Errorf("another carrier withdraws: error %v, want NotFound", err)
	}
	if _, err := f.review.Act(ctx, carrierP, 11, planning.EventApprove, 0, "", planning.RequestMeta{}); planning.KindOf(err) != planning.Invalid {
		t.Errorf("Act(approve) error %v, want Invalid (decisions go through Decide)", err)
	}
	if _, err := f.review.Act(ctx, carrierP, 11, planning.EventWithdraw, 3, "", planning.RequestMeta{}); planning.KindOf(err) != planning.Stale {
		t.Errorf("withdraw with an old version: error %v, want Stale", err)
	}
	c, err = f.review.Act(ctx, carrierP, 11, planning.EventWithdraw, 0, "", planning.RequestMeta{})
	if err != nil || c.State != planning.StateWithdrawn || c.Clock.Stopped.IsZero() {
		t.Errorf("withdraw: %+v, %v; want withdrawn with the clock stopped", c, err)
	}
}

func TestDecide(t *testing.T) {
	approve := planning.DecisionInput{Outcome: planning.EventApprove}
	withConds := planning.DecisionInput{Outcome: planning.EventApproveCond, Conditions: []planning.Condition{
		{Type: planning.CondMaxHeight, Params: map[string]string{"height_m": "36"}},
		{Type: planning.CondCamouflage},
		{Type: planning.CondShare, Params: map[string]string{"carrier": "452-01"}},
		{Type: planning.CondConsent, Params: map[string]string{"authority": "SXD"}},
	}}
	consent := []planning.Signature{{Authority: "SXD", Consent: true}}
	tests := []struct {
		name    string
		state   planning.CaseState
		p       planning.Principal
		version int
		in      planning.DecisionInput
		req     []string
		sigs    []planning.Signature
		kind    planning.Kind // the error's kind when want is empty
		want    planning.CaseState
		msg     string
	}{
		{"approve", planning.StateUnderReview, leadP, 4, approve, nil, nil, 0, planning.StateApproved, ""},
		{"approve with conditions, signed", planning.StateUnderReview, leadP, 4, withConds, []string{"SNNMT", "SXD"}, consent, 0, planning.StateApprovedCond, ""},
		{"reject without signatures", planning.StateUnderReview, leadP, 4, planning.DecisionInput{Outcome: planning.EventReject}, []string{"SXD"}, nil, 0, planning.StateRejected, ""},
		{"signature missing", planning.StateUnderReview, leadP, 4, approve, []string{"SXD", "CAT"}, consent, planning.WrongState, "", "missing from CAT"},
		{"signature refused", planning.StateUnderReview, leadP, 4, approve, []string{"SXD"}, []planning.Signature{{Authority: "SXD"}}, planning.WrongState, "", "SXD refused"},
		{"stale version", planning.StateUnderReview, leadP, 3, approve, nil, nil, planning.Stale, "", "version 4"},
		{"no version", planning.StateUnderReview, leadP, 0, approve, nil, nil, planning.Invalid, "", "version"},
		{"not under review", planning.StateAssessed, leadP, 4, approve, nil, nil, planning.WrongState, "", "cannot approve when the case is assessed"},
		{"another authority", planning.StateUnderReview, sxdP, 4, approve, nil, nil, planning.Forbidden, "", "SNNMT"},
		{"a carrier", planning.StateUnderReview, carrierP, 4, approve, nil, nil, planning.Forbidden, "", ""},
		{"conditions missing", planning.StateUnderReview, leadP, 4, planning.DecisionInput{Outcome: planning.EventApproveCond}, nil, nil, planning.Invalid, "", "at least one"},
		{"valid for a century", planning.StateUnderReview, leadP, 4, planning.DecisionInput{Outcome: planning.EventApprove,
			ValidUntil: time.Date(2126, 1, 1, 0, 0, 0, 0, time.UTC)}, nil, nil, planning.Invalid, "", "at most 10 years"},
		{"valid until the past", planning.StateUnderReview, leadP, 4, planning.DecisionInput{Outcome: planning.EventApprove,
			ValidUntil: time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)}, nil, nil, planning.Invalid, "", "after today"},
		{"bad condition", planning.StateUnderReview, leadP, 4, planning.DecisionInput{Outcome: planning.EventApproveCond,
			Conditions: []planning.Condition{{Type: planning.CondMaxHeight, Params: map[string]string{"height_m": "tall"}}}}, nil, nil, planning.Invalid, "", "height"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newReviewFixture(t, tt.state)
			f.req, f.sigs = tt.req, tt.sigs
			c, d, err := f.review.Decide(context.Background(), tt.p, 11, tt.version, tt.in, planning.RequestMeta{RequestID: "r"})
			if tt.want != "" {
				if err != nil || c.State != tt.want || len(f.changes) != 1 || f.changes[0].Decision == nil || c.Clock.Stopped.IsZero() {
					t.Fatalf("Decide = %s, %v; want %s stored with its decision and the clock stopped", c.State, err, tt.want)
				}
				approved := tt.want == planning.StateApproved || tt.want == planning.StateApprovedCond
				if approved != !d.ValidUntil.IsZero() || approved && d.ValidUntil.Year() != 2028 {
					t.Errorf("ValidUntil = %v, want 18 months on for an approval only", d.ValidUntil)
				}
				for _, cd := range d.Conditions {
					if cd.Status != planning.ConditionOpen {
						t.Errorf("condition %s status %q, want open", cd.Type, cd.Status)
					}
				}
				return
			}
			if planning.KindOf(err) != tt.kind || !strings.Contains(err.Error(), tt.msg) || len(f.changes) != 0 {
				t.Errorf("Decide error = %v, want %v containing %q and nothing stored", err, tt.kind, tt.msg)
			}
		})
	}
}

func TestSign(t *testing.T) {
	tests := []struct {
		name  string
		state planning.CaseState
		p     planning.Principal
		req   []string
		kind  planning.Kind
		ok    bool
	}{
		{"required authority", planning.StateUnderReview, sxdP, []string{"SXD"}, 0, true},
		{"not required", planning.StateUnderReview, sxdP, []string{"CAT"}, planning.WrongState, false},
		{"not under review", planning.StateAssessed, sxdP, []string{"SXD"}, planning.WrongState, false},
		{"a carrier", planning.StateUnderReview, carrierP, []string{"SXD"}, planning.Forbidden, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newReviewFixture(t, tt.state)
			f.req = tt.req
			c, s, err := f.review.Sign(context.Background(), tt.p, 11, 4, true, "", planning.RequestMeta{})
			if tt.ok {
				if err != nil || s.Authority != "SXD" || c.Version != 5 || f.changes[0].Signature == nil {
					t.Errorf("Sign = %+v, %v; want SXD's signature stored and the version moved", s, err)
				}
				return
			}
			if planning.KindOf(err) != tt.kind || len(f.changes) != 0 {
				t.Errorf("Sign error = %v, want %v and nothing stored", err, tt.kind)
			}
		})
	}
}

func TestRequiredAuthorities(t *testing.T) {
	a := planning.Assessment{Findings: []planning.Finding{
		{Severity: planning.SeverityCondition, Authority: "SXD"},
		{Severity: planning.SeverityConflict, Authority: "BQLVQG"},
		{Severity: planning.SeverityCondition, Authority: "CAT"},
		{Severity: planning.SeverityCondition, Authority: "SXD"},
		{Severity: planning.SeverityInfo, Authority: "EVN"},
	}}
	if got := strings.Join(planning.RequiredAuthorities(a), ","); got != "CAT,SXD" {
		t.Errorf("RequiredAuthorities = %s, want CAT,SXD", got)
	}
}

func TestCaseETag(t *testing.T) {
	c := planning.Case{ID: 11, Version: 4}
	if v, err := planning.ParseCaseETag(11, c.ETag()); err != nil || v != 4 {
		t.Errorf("ParseCaseETag(%s) = %d, %v; want 4", c.ETag(), v, err)
	}
	for _, bad := range []string{"", `"case-12-v4"`, `"case-11-v"`, `"case-11-vx"`, "*"} {
		if _, err := planning.ParseCaseETag(11, bad); planning.FieldOf(err) != "If-Match" {
			t.Errorf("ParseCaseETag(%q) error = %v, want Invalid naming If-Match", bad, err)
		}
	}
}
